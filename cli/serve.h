/*
 * serve.h - the service's commands (cli/serve.c): serve, worker, token, site, credits, stage9.
 * Each parses its own options (they are the service's, not a spec's) and returns the exit status.
 */
#ifndef VIDC_CLI_SERVE_H
#define VIDC_CLI_SERVE_H

#include "../service/config.h"
#include "../service/store.h"

int cmd_serve(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_site(int argc, char **argv);
int cmd_credits(int argc, char **argv);
int cmd_stage9(int argc, char **argv);

/* Opens the configured store and applies its migrations; NULL after printing why (cmd names the
 * command in the message). The publishing stage's commands (social.h) use it too. */
store_t *serve_store(const char *cmd, const svc_config *cfg);

/* Runs argv[1] when it is one of the commands above or of social.h: its exit status, or -1 when
 * it is not. */
int serve_dispatch(int argc, char **argv);

#endif
