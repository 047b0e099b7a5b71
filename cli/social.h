/*
 * social.h - the publishing stage's commands (cli/social.c): account, publish, engagement,
 * jsonld, entries of the command table (main.c) like the service's commands (serve.c); and the
 * store opener they share with serve.c.
 */
#ifndef VIDC_CLI_SOCIAL_H
#define VIDC_CLI_SOCIAL_H

#include "../service/config.h"
#include "../service/store.h"
#include "cli.h"

int cli_account(cli_args *a);
int cli_publish(cli_args *a);
int cli_engagement(cli_args *a);
int cli_jsonld(cli_args *a);
extern const cli_opt *const cli_account_opts[], *const cli_publish_opts[], *const cli_engagement_opts[],
	*const cli_jsonld_opts[];
extern const char cli_account_usage[], cli_publish_usage[], cli_engagement_usage[], cli_jsonld_usage[];

/* Opens the configured store and applies its migrations (serve.c); NULL after printing why (cmd
 * names the command in the message). */
store_t *cli_serve_store(const char *cmd, const svc_config *cfg);

/* The service commands' common start (serve.c): the configuration (--config) with --db, --media
 * and --listen over it. -1 when loaded, else the exit status after printing why. */
int cli_serve_config(const cli_args *c, svc_config *cfg);

/* cli_serve_config, then body with the configuration: the start social.c's commands share. */
int cli_serve_run(const cli_args *c, int (*body)(const cli_args *c, svc_config *cfg));

/* A positive whole-number id: 0, or VE_INVAL when s is missing or anything else. */
int cli_parse_id(const char *s, int64_t *id);

/* Prints j as indented JSON on standard output ("null" when it cannot be written). */
void cli_print_json(json_t *j);

#endif
