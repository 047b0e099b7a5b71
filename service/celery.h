/*
 * celery.h - the service's jobs for Celery workers (integrations/celery/, SPEC.md section 16.9).
 * A Celery task does not run a stage in Python: it asks vidc for the job of its step (`vidc job
 * add`, these functions) and runs it in a subprocess (`vidc job run`, wrk_run_one), so a crash of
 * vidc fails the task and never the Celery worker. The jobs live on the store's "celery" queue,
 * which `vidc worker` never claims, and outside the store's own chain (chain = 0): the Celery
 * chain decides what follows. A task's id is its key: the same task delivered again (its worker
 * died) gets the same job back, which takes over the dead execution, or reports the end it had.
 */
#ifndef VIDC_CELERY_H
#define VIDC_CELERY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "store.h"

typedef struct {
	const char *kind;   /* script, voice, assets, render, piece, subtitles, thumbnail, publish */
	int64_t project;    /* all but publish (0: taken from rendered) */
	int64_t rendered;   /* publish; subtitles and thumbnail of one render (0: every completed one) */
	int64_t account;    /* publish */
	const char *preset; /* render */
	const char *key;    /* the Celery task id, or NULL */
	int pieces, piece;  /* piece: piece K of N of the project's split render of preset */
} cel_job_req;

/* The jobs of one step: *ids gets a JSON array of job ids (subtitles and thumbnail have one per
 * completed render; the others one). VE_NOTFOUND for an unknown project/render/account, VE_INVAL
 * for an unknown kind or a missing argument, VE_CONFLICT when a render of the preset is running. */
int cel_job_add(store_t *s, const svc_config *cfg, const cel_job_req *q, json_t **ids, char *err, size_t errlen);

/* Whether the render job `job` is split (render_video's chord of render_piece tasks and a
 * join_pieces): *pieces gets N, 1 for one pass. `asked` (> 0) is the count asked for (the API's
 * `pieces`, `--pieces`); else a video longer than cfg->split_seconds is cut in pieces of about
 * that length. Either is bounded by the real video, never by the script's
 * total_estimated_duration (the client's figure): at most a piece per started 2 s keyframe
 * interval of the preset's spec when an earlier render wrote it, else of the narration
 * (voice.json), else of the script's words spoken fast. A spec that does not compile is not
 * split (N = 1, err holds why, 0 returned): the render writes it again and fails with its error
 * when it is still broken. The decision is kept on the job (a redelivered task gets the same).
 * VE_NOTFOUND for no such render job. */
int cel_split(store_t *s, const svc_config *cfg, int64_t job, int asked, int *pieces, char *err, size_t errlen);

/* Stage 9 for Celery: the project of the content record whose external_id is `external` (of
 * site; 0: any site), made from the site's automation settings as `vidc stage9` makes it, its
 * script job on the celery queue. *plan gets {project_id, site_id, script_job, platforms}.
 * `key` (the stage 9 task's Celery id; NULL or "": none) makes it idempotent: a key that made a
 * project before gets that project's plan again, nothing new made (the task delivered again after
 * its worker died); another key for the same record makes another project.
 * VE_NOTFOUND for an unknown record, VE_CONFLICT when the site has video off, VE_QUOTA when its
 * credits cannot pay. */
int cel_stage9(store_t *s, const svc_config *cfg, const char *external, int64_t site, const char *key, json_t **plan,
	       char *err, size_t errlen);

/* The publishes stage 9 ends with: [[rendered_id, social_account_id], ...], each completed render
 * of the project to each of the site's automation accounts of its preset's platform. */
json_t *cel_publish_plan(store_t *s, int64_t project);

#endif
