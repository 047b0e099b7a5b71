/*
 * automation.h - stage 9 of the product's automation: when an article of a site with video
 * enabled is published (a content record posted with "status": "published", or `vidc stage9
 * CONTENT_ID`), a project is made from the site's automation settings and the whole chain runs
 * as jobs: script -> voice -> assets -> a render per target platform (each with its subtitles
 * and thumbnail) -> publish to the site's social accounts (the publishing stage's job kind) ->
 * review. Each step is a job on the project (its status shows in the project's detail); the
 * worker calls auto_next when a chained job is done.
 */
#ifndef VIDC_AUTOMATION_H
#define VIDC_AUTOMATION_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "jobs.h"
#include "store.h"

/* Starts the chain for a content record of the site. *project gets the new project (0 when the
 * site has video disabled: nothing runs and 0 is returned). -16 when the site's credits cannot
 * pay for the chain's estimate, -14 for an unknown content record. */
int auto_start(store_t *s, const svc_config *cfg, int64_t site, int64_t content, int64_t *project, char *err,
	       size_t errlen);

/* auto_start with the script job's payload carrying stage9_key = key (NULL: none), written in the
 * same transaction as the project, so a project of Celery's stage 9 always has its key. */
int auto_start_keyed(store_t *s, const svc_config *cfg, int64_t site, int64_t content, const char *key,
		     int64_t *project, char *err, size_t errlen);

/* Enqueues the step after the chained job j (done): 0, or a negative code with err filled (the
 * project is then failed with it). */
int auto_next(store_t *s, const svc_config *cfg, const job_t *j, char *err, size_t errlen);

/* Whether a job kind exists in the worker (the publishing stage registers "publish"). */
extern int (*auto_has_kind)(const char *kind);

#endif
