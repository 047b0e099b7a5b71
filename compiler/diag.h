/*
 * diag.h - the diagnostics sink. The compiler collects every error and warning with its span and
 * goes on; the caller prints them all at the end, gcc style:
 *
 *     intro.vid:12:9: error: unknown transition 'disolve' (did you mean 'dissolve'?)
 *        12 |   transition disolve 0.5s
 *           |              ^~~~~~~
 *
 * Sources are registered here too, so a span (file id, byte offset) can show its line.
 */
#ifndef VIDC_DIAG_H
#define VIDC_DIAG_H

#include <stdio.h>

typedef struct {
	int file; /* index into the sink's sources, -1 = no position */
	int line, col; /* 1-based; col counts bytes */
	int off, len;  /* byte offset into the source and length of the marked text */
} span_t;

typedef enum { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR } diag_level;

typedef struct diag_sink diag_sink;

/* A new sink, or NULL when out of memory. */
diag_sink *diag_new(void);
void diag_free(diag_sink *d);

/* Registers a source (the sink keeps a copy of path and text); returns its file id, or -1 when
 * out of memory (counted as an error). */
int diag_add_source(diag_sink *d, const char *path, const char *text, size_t len);
const char *diag_source_path(const diag_sink *d, int file);
const char *diag_source_text(const diag_sink *d, int file, size_t *len);

/* The kinds of warning. Each has a name: its messages end with " [-WNAME]" (gcc style) and
 * -Wno-NAME turns it off. The names are in diag.c's table and SPEC.md. */
typedef enum {
	DW_DURATION,          /* duration: the video's length outside a platform's recommendation */
	DW_DUPLICATE_PRESET,  /* duplicate-preset: a preset named twice */
	DW_CHAPTERS,          /* chapters: chapters a site would not show */
	DW_HIDDEN_LAYER,      /* hidden-layer: a layer that never shows */
	DW_CLIPPED,           /* clipped: a layer or overlay cut at its container's edge */
	DW_UNUSED_TRANSITION, /* unused-transition: the last scene's transition */
	DW_VOICE_CUT,         /* voice-cut: narration past the video's end */
	DW_COUNT
} diag_warning;

/* The name of warning w ("clipped"); its index from a name, or -1. */
const char *diag_warning_name(diag_warning w);
int diag_warning_find(const char *name);
/* The names of every warning, DW_COUNT of them (for suggestions and help). */
const char *const *diag_warning_names(void);

void diag_report(diag_sink *d, diag_level lvl, span_t sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A warning of kind w (dropped, with its notes, when w is turned off). */
void diag_report_warning(diag_sink *d, diag_warning w, span_t sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define diag_error(d, sp, ...) diag_report((d), DIAG_ERROR, (sp), __VA_ARGS__)
#define diag_warn(d, w, sp, ...) diag_report_warning((d), (w), (sp), __VA_ARGS__)
#define diag_note(d, sp, ...) diag_report((d), DIAG_NOTE, (sp), __VA_ARGS__)

int diag_errors(const diag_sink *d);
int diag_warnings(const diag_sink *d);
/* Turns every warning into an error (-Werror); applies to what is reported after and before. */
void diag_set_werror(diag_sink *d, int on);
/* Turns warnings off (-Wno-NAME): bit 1 << w of off set means w is not reported. Applies to
 * what is reported after. */
void diag_set_warnings_off(diag_sink *d, unsigned off);
/* Errors kept at most (-fmax-errors=N; 0 = no limit; DIAG_MAX_ERRORS by default). Errors past
 * it are counted by diag_errors and summed up by diag_print in one line ("too many errors"). */
#define DIAG_MAX_ERRORS 100
void diag_set_max_errors(diag_sink *d, int n);

/* Prints every diagnostic in source order, each with its source line and caret. color adds
 * terminal colours. Text from the spec is escaped (control characters show as <U+001B>, bytes
 * that are not UTF-8 as <FF>), and a long line shows only the part around the caret. Returns
 * the number printed. */
int diag_print(const diag_sink *d, FILE *out, int color);

/* The closest of n candidate names to word, or NULL if none is close enough to be a likely typo. */
const char *diag_suggest(const char *word, const char *const *cands, int n);

#endif
