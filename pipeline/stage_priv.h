/*
 * stage_priv.h - helpers shared by the stage_*.c files behind stage.h (not part of the API).
 */
#ifndef VIDC_STAGE_PRIV_H
#define VIDC_STAGE_PRIV_H

#include <stdio.h>

#include "stage.h"

/* A FILE whose lines become cb->message notes of stage (for the libraries that log to a FILE:
 * script_opts.log, voice_opts.log). NULL when cb has no message callback (the library is then
 * silent). fclose it when done. */
FILE *stage_log_open(const stage_cb *cb, const char *stage);

/* s compiled again with extra text appended (a `captions plain` for subs, the thumbnail's
 * overlay). quiet: its diagnostics reach cb only when they hold errors. */
int stage_spec_variant(const stage_spec *s, const char *extra, int quiet, const stage_cb *cb,
		       stage_spec **out, vidc_err *e);

/* stage_spec_load whose diagnostics reach cb only when they hold errors (a generated spec). */
int stage_spec_load_quiet(const char *path, const char *text, size_t len, const stage_spec_opts *o,
			  const stage_cb *cb, stage_spec **out, vidc_err *e);
/* The options s was compiled with. */
const stage_spec_opts *stage_spec_options(const stage_spec *s);

/* The diagnostics s was compiled with (its sources, for diagnostics of later checks). */
const diag_sink *stage_spec_diag(const stage_spec *s);

/* Copies a runtime error (RT_E* codes are the VE_* codes) into e; returns rc. */
int stage_rt_err(vidc_err *e, int rc, const char *msg);

/* The cancel flag of cb, or NULL. */
volatile int *stage_cancel_flag(const stage_cb *cb);

#endif
