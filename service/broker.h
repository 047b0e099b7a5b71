/*
 * broker.h - `vidc serve --broker redis://HOST:PORT/DB`: the jobs the API queues are sent to
 * Celery workers (integrations/celery/, SPEC.md section 16.9) as Celery messages (message
 * protocol 2 in kombu's Redis envelope, LPUSHed onto the `video` queue's list) with the task names
 * and arguments of integrations/celery/vidc_celery/tasks.py, instead of waiting for `vidc worker`.
 *
 * Nothing is lost on the way: a job queued on the store's "video" queue (by the API, or by a
 * chain's finished step) first gets its task id and moves to the outbox queue (BRK_OUTBOX) in one
 * transaction; it is then sent, and moved to the "celery" queue once the broker took it. A broker
 * that is down leaves it in the outbox, sent again on the next pass. A crash between the send and
 * the move sends the same task id again, which the tasks tolerate: `vidc job add --key` returns
 * the job of that id (in the outbox too) and a job already done is not run again.
 * The status endpoint reads the store as before: `vidc job run` writes the progress there. A task
 * that fails where vidc cannot write the store (vidc missing on the worker, killed, a chord's
 * piece failed) is seen in Celery's Redis result backend (brk_results): its job fails with the
 * task's error, so the status endpoint reports it instead of "queued" for ever.
 */
#ifndef VIDC_BROKER_H
#define VIDC_BROKER_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "store.h"

#define BRK_OUTBOX "celery-outbox" /* the store's queue of jobs given a task id, not yet sent */
#define BRK_QUEUE "video"          /* the Celery queue of vidc's tasks */

typedef struct brk brk_t;

/* Connects to url (redis://[:PASSWORD@]HOST[:PORT][/DB]) and checks it answers (PING). VE_INVAL
 * for a URL that is not one, VE_NET naming the address and the cause when it does not answer. */
int brk_open(const char *url, brk_t **out, char *err, size_t errlen);
void brk_close(brk_t *b);
/* The broker's address without its password, for logs. */
const char *brk_url(const brk_t *b);

/* Sends task `name` with positional args (a JSON array) and task id `id` to Celery queue `queue`;
 * reconnects once when the connection was lost. VE_NET when the broker cannot take it. */
int brk_send(brk_t *b, const char *queue, const char *name, json_t *args, const char *id, char *err, size_t errlen);

/* One pass: the store's queued "video" jobs of the kinds Celery has a task for to the outbox,
 * then the outbox to the broker. *sent gets how many messages went. A send that fails ends the
 * pass (VE_NET, the jobs stay in the outbox). */
int brk_dispatch(store_t *s, brk_t *b, int *sent, char *err, size_t errlen);

/* The state Celery's Redis result backend keeps for task `id`: *meta gets the JSON object under
 * celery-task-meta-ID ({"status": "SUCCESS"|"FAILURE"|"RETRY"|"STARTED"|"REVOKED", "result",
 * "traceback", "task_id", ...; "name", "args", "worker" with result_extended}), NULL when there
 * is none (PENDING: not started, or a task whose results are off). VE_NET when the broker does
 * not answer, VE_PROTOCOL when the value is not Celery's JSON. */
int brk_task_meta(brk_t *b, const char *id, json_t **meta, char *err, size_t errlen);

/* One pass over the jobs Celery has (the "celery" queue, queued or running): a job whose task is
 * FAILURE or REVOKED in the result backend fails with "the Celery task NAME[ID] failed: EXC_TYPE:
 * MESSAGE", as a worker's failed job does (holds released, its project and render failed); one
 * line each on log (may be NULL). A job whose task is STARTED or RETRY keeps that state (its
 * celery_state, which jobs_view shows); any other state clears it. VE_NET when the broker does
 * not answer. */
int brk_results(store_t *s, brk_t *b, FILE *log, char *err, size_t errlen);

typedef struct {
	const svc_config *cfg;
	brk_t *b;
	volatile int *stop; /* set to end the loop */
	FILE *log;          /* one line per message sent and per broker failure; NULL: quiet */
} brk_loop_opts;

/* `vidc serve --broker`'s sender thread (arg: brk_loop_opts *): a pass every 500 ms on its own
 * store connection until *stop: brk_dispatch, then brk_results. */
void *brk_loop(void *arg);

#endif
