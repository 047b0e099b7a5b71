/*
 * publish_job.h - the publishing stage in the service (SPEC sections 15 and 16): the worker's
 * "publish" and "engagement" job kinds over pipeline/publish.h, how a publish is queued (the API
 * and `vidc publish`), and the 12-hour engagement schedule.
 *
 * A publish is one PublishedVideo row per rendered video and social account (a unique index):
 * publishing the same pair again reuses the row, and the row's upload_session, written and
 * committed before any byte goes up, is handed back to the library, which resumes the upload or
 * finds the finished post: one post, however often the job is queued, retried or its worker
 * killed. The row's job_id names the job that owns the post; another job for it does nothing.
 * Status: publishing -> published (platform id and URL), failed (error), removed (deleted on the
 * platform, found by the engagement job). A platform's quota (VE_QUOTA, Instagram's 24-hour
 * limit) is a wait: the job runs again when it resets. A refused refresh token (VE_AUTH) marks
 * the account needs_reconnection and fails the post without retries. When every target platform
 * of the project has its post, the project is `published` and its intermediate files go.
 */
#ifndef VIDC_PUBLISH_JOB_H
#define VIDC_PUBLISH_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "store.h"
#include "worker.h"

#define PJOB_ENGAGEMENT_EVERY_MS (12LL * 3600 * 1000) /* engagement is fetched every 12 hours */

/* Adds the "publish" and "engagement" kinds to the worker (before wrk_run). */
void pjob_register(void);
/* wrk_opts.tick: queues each site's next engagement job, 12 hours after its last one. */
void pjob_schedule(store_t *s, const svc_config *cfg, FILE *log);

/* Queues the publish of rendered video `rendered` (of site) to social account `account` (of
 * site): the PublishedVideo row is made or reused; a job of the pair already queued or running is
 * reused (*job gets it). opts (may be NULL): {privacy, publish_at}. VE_NOTFOUND with *field for
 * an unknown id of the site, VE_CONFLICT when the render is not completed or the account needs
 * reconnection, VE_LIMIT when the site's job quota is full. */
int pjob_enqueue(store_t *s, const svc_config *cfg, int64_t site, int64_t rendered, int64_t account, json_t *opts,
		 int64_t *job, int64_t *published, char *err, size_t errlen, const char **field);

/* The PublishedVideo as JSON (site 0: any site), or NULL. */
json_t *pjob_published_json(store_t *s, int64_t site, int64_t id);

/* Fetches the engagement of every published video (of site; 0: all), storing a VideoEngagement
 * row each; posts the platform reports deleted become `removed`. *fetched and *failed count the
 * videos (may be NULL). One line per video to log (may be NULL). 0, or a negative code when the
 * store or the key fails. */
int pjob_engagement_run(store_t *s, const svc_config *cfg, int64_t site, volatile int *cancel, FILE *log,
			int *fetched, int *failed, char *err, size_t errlen);

#endif
