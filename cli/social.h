/*
 * social.h - the publishing stage's commands (cli/social.c): account, publish, engagement,
 * jsonld. Like the service's commands (serve.h) they take --config/--db and work on the store;
 * each returns the exit status.
 */
#ifndef VIDC_CLI_SOCIAL_H
#define VIDC_CLI_SOCIAL_H

int cmd_account(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_engagement(int argc, char **argv);
int cmd_jsonld(int argc, char **argv);

#endif
