/*
 * serve.h - the service's commands (cli/serve.c): serve, worker, token, site, credits, stage9.
 * Each parses its own options (they are the service's, not a spec's) and returns the exit status.
 */
#ifndef VIDC_CLI_SERVE_H
#define VIDC_CLI_SERVE_H

int cmd_serve(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_site(int argc, char **argv);
int cmd_credits(int argc, char **argv);
int cmd_stage9(int argc, char **argv);

/* Runs argv[1] when it is one of the commands above: its exit status, or -1 when it is not. */
int serve_dispatch(int argc, char **argv);

#endif
