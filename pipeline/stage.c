/*
 * stage.c - what every stage shares (stage.h): the callbacks, the cancel flag, and compiling a
 * spec once (diagnostics handed to the caller, the preset picked, the IR lowered per preset).
 * The stages themselves: stage_article.c (article, script, photos, spec), stage_voice.c,
 * stage_render.c (MP4, frame, sheet, golden), stage_publish.c (subtitles, chapters, thumbnail).
 */
#include "stage.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "stage_priv.h"

#define SPEC_MAX_BYTES (64u << 20) /* a spec read again for a variant (subs, thumbnail) */

struct stage_spec {
	char *path;
	spec_t *spec;
	diag_sink *diag;
	stage_spec_opts opts; /* allow[] is borrowed from the caller */
	char *text;           /* the source when given or read for a variant; else NULL */
	size_t len;
};

/* ---- callbacks ---------------------------------------------------------------------------- */

volatile int *stage_cancel_flag(const stage_cb *cb)
{
	return cb ? cb->cancel : NULL;
}

int stage_canceled(const stage_cb *cb, const char *stage, vidc_err *e)
{
	if (!cb || !cb->cancel || !*cb->cancel)
		return 0;
	err_set(e, VE_CANCELED, "%s cancelled", stage);
	return 1;
}

void stage_say(const stage_cb *cb, stage_level level, const char *stage, const char *fmt, ...)
{
	if (!cb || !cb->message)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cb->message(cb->ud, level, stage, msg);
}

int stage_rt_err(vidc_err *e, int rc, const char *msg)
{
	return err_set(e, rc, "%s", msg && *msg ? msg : err_code_text(rc));
}

/* A FILE that turns lines into notes: the cookie keeps the partial line. */
typedef struct {
	const stage_cb *cb;
	const char *stage;
	char line[1024];
	size_t n;
} log_cookie;

static void log_flush(log_cookie *c)
{
	while (c->n && (c->line[c->n - 1] == '\n' || c->line[c->n - 1] == ' '))
		c->n--;
	c->line[c->n] = 0;
	/* the libraries' lines were written for a terminal: the caller adds its own prefix */
	const char *msg = !strncmp(c->line, "vidc: ", 6) ? c->line + 6 : c->line;
	if (*msg)
		c->cb->message(c->cb->ud, STAGE_NOTE, c->stage, msg);
	c->n = 0;
}

static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
	log_cookie *c = cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || c->n + 1 >= sizeof c->line) {
			log_flush(c);
			continue;
		}
		c->line[c->n++] = buf[i];
	}
	return (ssize_t)size;
}

static int log_close(void *cookie)
{
	log_cookie *c = cookie;
	log_flush(c);
	free(c);
	return 0;
}

FILE *stage_log_open(const stage_cb *cb, const char *stage)
{
	if (!cb || !cb->message)
		return NULL;
	log_cookie *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->cb = cb;
	c->stage = stage;
	cookie_io_functions_t io = {NULL, log_write, NULL, log_close};
	FILE *f = fopencookie(c, "w", io);
	if (!f) {
		free(c);
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

/* ---- specs -------------------------------------------------------------------------------- */

static void report(const stage_cb *cb, const diag_sink *d)
{
	if (cb && cb->diagnostics && (diag_errors(d) || diag_warnings(d)))
		cb->diagnostics(cb->ud, d);
}

/* Compiles into s (path and opts set); diagnostics reported unless quiet and error-free. */
static int compile_into(stage_spec *s, int quiet, const stage_cb *cb, vidc_err *e)
{
	compile_opts co = {s->opts.stdlib_dir, s->opts.check_assets, s->opts.allow, s->opts.nallow};
	if (!(s->diag = diag_new()))
		return err_set(e, VE_NOMEM, "out of memory");
	diag_set_werror(s->diag, s->opts.werror);
	diag_set_warnings_off(s->diag, s->opts.warnings_off);
	if (s->opts.max_errors)
		diag_set_max_errors(s->diag, s->opts.max_errors < 0 ? 0 : s->opts.max_errors);
	s->spec = s->text ? compile_spec_text(s->path, s->text, s->len, s->diag, &co)
			  : compile_spec(s->path, s->diag, &co);
	int errors = diag_errors(s->diag), warnings = diag_warnings(s->diag);
	if (!quiet || errors)
		report(cb, s->diag);
	if (!s->spec)
		return err_set(e, VE_NOMEM, "out of memory compiling '%s'", s->path);
	if (!errors)
		return 0;
	char w[64] = "";
	if (warnings)
		snprintf(w, sizeof w, " and %d warning%s", warnings, warnings == 1 ? "" : "s");
	return err_set(e, VE_INVAL, "%d error%s%s in %s", errors, errors == 1 ? "" : "s", w, s->path);
}

void stage_spec_free(stage_spec *s)
{
	if (!s)
		return;
	compile_free(s->spec);
	diag_free(s->diag);
	free(s->text);
	free(s->path);
	free(s);
}

static stage_spec *spec_new(const char *path, const stage_spec_opts *o)
{
	stage_spec *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return NULL;
	}
	if (o)
		s->opts = *o;
	return s;
}

static int spec_load(const char *path, const char *text, size_t len, const stage_spec_opts *o,
		     int quiet, const stage_cb *cb, stage_spec **out, vidc_err *e)
{
	*out = NULL;
	stage_spec *s = spec_new(path, o);
	if (!s)
		return err_set(e, VE_NOMEM, "out of memory");
	if (text) {
		if (!(s->text = malloc(len + 1))) {
			stage_spec_free(s);
			return err_set(e, VE_NOMEM, "out of memory");
		}
		memcpy(s->text, text, len);
		s->text[len] = 0;
		s->len = len;
	}
	int rc = compile_into(s, quiet, cb, e);
	if (rc) {
		stage_spec_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int stage_spec_load(const char *path, const char *text, size_t len, const stage_spec_opts *o,
		    const stage_cb *cb, stage_spec **out, vidc_err *e)
{
	return spec_load(path, text, len, o, 0, cb, out, e);
}

int stage_spec_load_quiet(const char *path, const char *text, size_t len, const stage_spec_opts *o,
			  const stage_cb *cb, stage_spec **out, vidc_err *e)
{
	return spec_load(path, text, len, o, 1, cb, out, e);
}

const stage_spec_opts *stage_spec_options(const stage_spec *s)
{
	return &s->opts;
}

int stage_spec_variant(const stage_spec *s, const char *extra, int quiet, const stage_cb *cb,
		       stage_spec **out, vidc_err *e)
{
	*out = NULL;
	char *text = NULL;
	size_t len = 0;
	if (s->text) {
		text = s->text;
		len = s->len;
	} else {
		int rc = file_read(s->path, SPEC_MAX_BYTES, &text, &len, e);
		if (rc)
			return rc;
	}
	stage_spec *v = spec_new(s->path, &s->opts);
	size_t k = strlen(extra);
	if (v && (v->text = malloc(len + k + 1))) {
		memcpy(v->text, text, len);
		memcpy(v->text + len, extra, k + 1);
		v->len = len + k;
	}
	if (text != s->text)
		free(text);
	if (!v || !v->text) {
		stage_spec_free(v);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	v->opts.werror = 0; /* the variant's own warnings are not the user's */
	int rc = compile_into(v, quiet, cb, e);
	if (rc) {
		stage_spec_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

const diag_sink *stage_spec_diag(const stage_spec *s)
{
	return s->diag;
}

const spec_t *stage_spec_compiled(const stage_spec *s)
{
	return s->spec;
}

const char *stage_spec_path(const stage_spec *s)
{
	return s->path;
}

int stage_spec_lower(const stage_spec *s, const char *preset, ir_program **out, vidc_err *e)
{
	*out = NULL;
	if (!preset)
		preset = compile_preset(s->spec, 0);
	if (!compile_has_preset(s->spec, preset)) {
		char names[256] = "";
		for (int i = 0; i < compile_npresets(s->spec); i++) {
			size_t l = strlen(names);
			snprintf(names + l, sizeof names - l, " %s", compile_preset(s->spec, i));
		}
		return err_set(e, VE_INVAL, "the spec does not name preset '%s' (it names:%s)", preset, names);
	}
	if (!(*out = compile_lower(s->spec, preset)))
		return err_set(e, VE_NOMEM, "out of memory lowering '%s' for %s", s->path, preset);
	return 0;
}

int stage_time_frame(const ir_program *p, const char *at, int64_t *frame, int *bad_syntax, vidc_err *e)
{
	*bad_syntax = 0;
	char *end;
	double v = strtod(at, &end), fps = (double)p->fps_num / p->fps_den, f;
	if (end == at || !isfinite(v) || v < 0)
		goto bad;
	if (!strcmp(end, "f") && v == floor(v))
		f = v;
	else if (!strcmp(end, "ms"))
		f = floor(v / 1000 * fps + 1e-6);
	else if (!strcmp(end, "s") || !*end)
		f = floor(v * fps + 1e-6);
	else
		goto bad;
	/* compared as doubles: a time past the end may not fit an int64 (1e20 s) */
	if (f >= (double)p->frames)
		return err_set(e, VE_LIMIT, "%s is past the end of the video (%.3fs, %lld frames)", at,
			       ir_frame_time(p, p->frames), (long long)p->frames);
	*frame = (int64_t)f;
	return 0;
bad:
	*bad_syntax = 1;
	return err_set(e, VE_INVAL, "--at takes a time such as 12.4s, 1500ms or 372f, not '%s'", at);
}
