/*
 * jobs.h - the job queue in the store (table vidc_jobs). The API enqueues; workers claim a job
 * with a lease (owner + expiry), renew it while they work, and finish it. A worker that dies
 * stops renewing: when the lease runs out, the next worker's claim takes the job over (attempt
 * + 1). A worker whose renewal fails has lost the job to another and must stop; its finish is
 * refused, so a job's result is written by exactly one execution. Every execution is logged in
 * vidc_job_runs.
 */
#ifndef VIDC_JOBS_H
#define VIDC_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store.h"

typedef struct {
	int64_t id, site_id, project_id, rendered_id; /* 0 when the job has none */
	char kind[32];
	json_t *payload; /* owned */
	int chain;       /* 1: part of an automatic chain (stage 9): the next step follows */
	int attempt, max_attempts;
	char owner[96];
} job_t;

/* Enqueues a job on the "video" queue; payload is borrowed (NULL: {}). */
int jobs_enqueue(store_t *s, const char *kind, int64_t site, int64_t project, int64_t rendered, json_t *payload,
		 int chain, int max_attempts, int64_t *id, char *err, size_t errlen);
/* Claims the oldest runnable job of the queue for owner. 1 and *j filled, 0 when there is none,
 * or a negative code. Jobs whose lease ran out after their last attempt are failed on the way. */
int jobs_claim(store_t *s, const char *queue, const char *owner, int lease_ms, job_t *j, char *err, size_t errlen);
/* Claims the job `id` itself whatever its queue (`vidc job run`, a Celery task): 1 and *j filled
 * when it is queued or its lease ran out (a redelivered task takes over a dead execution, one
 * more attempt allowed if needed), JOBS_BUSY while another execution holds a live lease,
 * JOBS_DONE / JOBS_FAILED when it has ended (nothing claimed), JOBS_GONE for no such job, or a
 * negative code with err filled. */
enum { JOBS_BUSY = 2, JOBS_DONE = 3, JOBS_FAILED = 4, JOBS_GONE = 5 };
int jobs_claim_id(store_t *s, int64_t id, const char *owner, int lease_ms, job_t *j, char *err, size_t errlen);
/* Extends the lease. 0, or -1 when the job is no longer this execution's. */
int jobs_renew(store_t *s, const job_t *j, int lease_ms);
/* Records progress (0-100) on the job row. */
int jobs_progress(store_t *s, const job_t *j, double percent);
/* Ends this execution: done, failed (error kept), or queued again after delay_ms when retry is
 * set and attempts remain. -1 when the job is no longer this execution's (nothing written). */
int jobs_finish(store_t *s, const job_t *j, int ok, int retry, int64_t delay_ms, const char *error);
/* Ends this execution without counting it: the job is queued again to run at run_at_ms (a
 * platform's quota resets then); why is kept as its error. -1 as jobs_finish. */
int jobs_defer(store_t *s, const job_t *j, int64_t run_at_ms, const char *why);
void jobs_free(job_t *j);
/* Job `id` of site as the status endpoint shows it (GET /jobs/{id}/), NULL when there is none.
 * A job the store has queued whose Celery task is under way (vidc serve --broker keeps the
 * task's state from the result backend, broker.h) is "running" when the task started, and
 * "retrying" with "retry": {"reason", "retries"} when the task waits for its retry. */
json_t *jobs_view(store_t *s, int64_t id, int64_t site);
/* Jobs of a site that are queued or running (the quota counts them). */
int jobs_active(store_t *s, int64_t site, int64_t *n);

#endif
