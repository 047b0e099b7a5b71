/*
 * worker.h - `vidc worker`: claims jobs of a queue from the store and runs them in-process
 * (service/stages.h), `concurrency` at a time, each under a lease a helper thread renews at a
 * third of its length. A job whose lease cannot be renewed belongs to another worker now: its
 * run is cancelled and its result dropped. Progress goes to the job's record (and a render's to
 * its RenderedVideo) as it happens. Job kinds are rows of one table (worker.c); the publishing
 * stage adds "publish" with wrk_register.
 */
#ifndef VIDC_WORKER_H
#define VIDC_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "credits.h"
#include "jobs.h"
#include "store.h"

/* What a job's handler gets. */
typedef struct {
	store_t *db;            /* this worker thread's connection */
	const svc_config *cfg;
	job_t *job;
	volatile int cancel;    /* set when the lease is lost or the worker stops */
	char dir[1200];         /* the project's folder (created) */
	credits_item charges[8]; /* the real costs, settled when the job is done */
	int ncharges;
	int retry;              /* a failure worth another attempt (a provider's 5xx, a timeout) */
	int64_t defer_until_ms; /* with a failure: not a failure but a wait (a platform's quota): the job
				 * runs again at this time (store_now_ms), the attempt not counted */
	FILE *log;              /* the worker's log (wrk_opts.log), for the steps of a job; may be NULL */
	char err[1024];
} wrk_ctx;

typedef int (*wrk_fn)(wrk_ctx *c); /* 0, or a negative code with c->err filled */

/* Adds a job kind (the publishing stage's "publish"); before wrk_run. -1 when the table is full. */
int wrk_register(const char *kind, wrk_fn fn);

typedef struct {
	const svc_config *cfg;
	const char *queue;      /* "video" */
	int concurrency;        /* jobs at once, >= 1 */
	volatile int *stop;     /* set (by a signal) to finish the running jobs' leases and return */
	int exit_when_idle;     /* return once the queue is empty (tests, batch runs) */
	FILE *log;              /* one line per job start and end; NULL: quiet */
	/* Called by the first runner at start and about every 10 s (the publishing stage schedules
	 * its engagement jobs with it); may be NULL. */
	void (*tick)(store_t *db, const svc_config *cfg, FILE *log);
} wrk_opts;

int wrk_run(const wrk_opts *o, char *err, size_t errlen);

/* Runs the job `id` once in this process (`vidc job run`: a Celery task's subprocess), whatever
 * its queue, as a runner of wrk_run would: the same lease, progress, credits and end. Waits while
 * another execution holds the job. 0 when the job is done (now or before), 1 when it is queued
 * again (a passing failure or a platform's quota: run it again later; err says why), or a
 * negative code with the job's error in err when it failed. */
int wrk_run_one(const wrk_opts *o, int64_t id, char *err, size_t errlen);

/* Removes a project folder's intermediate files (voice, fetched images, specs, pieces, temp
 * files), keeping the final MP4s, subtitles, thumbnails and the script. */
int wrk_clean_intermediates(const char *dir);
/* The retention sweep: intermediates of published projects, and of failed ones older than
 * cfg->retention_days. Returns how many project folders it cleaned. */
int wrk_retention(store_t *s, const svc_config *cfg);

#endif
