/*
 * config.h - the service's one configuration file (`--config FILE`, JSON; SPEC.md "Service"
 * lists every key) plus the environment for secrets. Command-line flags override the file.
 * Provider endpoints in the file become the pipeline's environment settings (VIDC_LLM_BASE_URL,
 * VIDC_OPENAI_BASE_URL, ...) unless the environment already sets them; keys and other secrets
 * are refused in the file: they come from the environment only (VIDC_LLM_API_KEY, ...,
 * VIDC_TOKEN_KEY or the file named by token_key_file).
 */
#ifndef VIDC_SVC_CONFIG_H
#define VIDC_SVC_CONFIG_H

#include <stddef.h>

#include "credits.h"

typedef struct {
	char db[1024];             /* "vidc.db", "postgresql://..." (store_open); $VIDC_DB wins */
	char media[1024];          /* "media" */
	char listen[256];          /* "127.0.0.1:8080" */
	char token_key_file[1024]; /* "" */
	char cache_dir[1024];      /* the fetcher's cache: "" is VIDC_CACHE_DIR, else MEDIA/cache */
	char visuals[64];          /* the visuals' sources in order: "article,stock,ai,cards" */
	long long body_limit;      /* bytes of a request body: 1 MiB */
	int retention_days;        /* a failed project's files are kept this long: 7 */
	int lease_seconds;         /* a job's lease; renewed at a third of it: 30 */
	int http_threads;          /* the API's thread pool: 4 */
	int connections_per_ip;    /* connections one client address may hold open: 64 (0: no limit) */
	int request_timeout;       /* seconds a body may take to arrive, and a connection stay idle: 60 */
	int page_size;             /* projects per page: 20 */
	int max_queued_jobs;       /* quota: queued or running jobs per site (429 beyond): 100 */
	int job_attempts;          /* tries per job before it fails: 3 */
	int fps;                   /* frame rate of the specs the worker writes: 30 */
	/* publishing (SPEC section 15) */
	char public_media_url[512];  /* where the media folder is served publicly (JSON-LD URLs): "" */
	int youtube_uploads_per_day; /* the YouTube project's upload calls a day: 100 */
	int youtube_units_per_day;   /* its other quota units a day: 10000 */
	int publish_poll_ms;         /* how often a platform's processing is polled: 5000 */
	int publish_timeout_s;       /* how long processing may take before the publish fails: 900 */
	/* Celery (SPEC section 16.9) */
	char broker[512];            /* `vidc serve --broker`: redis://HOST:PORT/DB, "" none (VIDC_BROKER) */
	int split_seconds;           /* a video longer is split in pieces of about this: 300 (its length from the spec, the narration or the words: cel_split) */
	credits_table credits;
} svc_config;

/* Defaults, then the file at path when path is not NULL. 0, or -1 with err naming the file and
 * the key. */
int svc_config_load(const char *path, svc_config *c, char *err, size_t errlen);

#endif
