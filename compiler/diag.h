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

#include "../base/buf.h"

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
/* How many sources are registered (the spec and its imports: what a watcher must watch). */
int diag_nsources(const diag_sink *d);
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
	DW_PAN_RANGE,         /* pan-range: a Ken Burns pan the zoom cannot reach (moved into reach) */
	DW_EMPTY_GROUP,       /* empty-group: a group without layers (§18.1) */
	DW_FONT_STYLE,        /* font-style: a weight or slant a font has no face for (vidc check) */
	DW_COUNT
} diag_warning;

/* The name of warning w ("clipped"); its index from a name, or -1. */
const char *diag_warning_name(diag_warning w);
int diag_warning_find(const char *name);
/* The names of every warning, DW_COUNT of them (for suggestions and help). */
const char *const *diag_warning_names(void);

/* The kinds of error, each with a stable name for machine-readable output (`vidc check
 * --format json`'s "code"; a warning's code is its -W name). The names are in diag.c's table
 * and SPEC.md; a new kind is a new entry at the end of both, an existing name never changes. */
typedef enum {
	DE_UNCLASSIFIED,     /* unclassified: reported with diag_error, no kind given yet */
	DE_SYNTAX,           /* syntax: the grammar was not followed */
	DE_UNCLOSED_BLOCK,   /* unclosed-block: '{' without '}' */
	DE_UNMATCHED_BRACE,  /* unmatched-brace: '}' without '{' */
	DE_BAD_CHARACTER,    /* bad-character: control character, invalid UTF-8, stray character */
	DE_BAD_STRING,       /* bad-string: unterminated string or comment, unknown escape */
	DE_UNKNOWN_UNIT,     /* unknown-unit: 12sec */
	DE_BAD_COLOUR,       /* bad-colour: #12345 */
	DE_MISSING_UNIT,     /* missing-unit: fade_in 200 (a duration or length without its unit) */
	DE_WRONG_TYPE,       /* wrong-type: expected one kind of value, found another */
	DE_OUT_OF_RANGE,     /* out-of-range: a number outside what its property takes */
	DE_BAD_ARGUMENTS,    /* bad-arguments: a statement or function given the wrong values */
	DE_MALFORMED,        /* malformed: a statement not written the way it is written */
	DE_UNEXPECTED_BLOCK, /* unexpected-block: a { } block where none belongs */
	DE_DUPLICATE,        /* duplicate: given or defined twice */
	DE_CONFLICT,         /* conflict: two settings that exclude each other */
	DE_NOT_APPLICABLE,   /* not-applicable: a setting that does not apply where it is */
	DE_MISPLACED,        /* misplaced: a statement in the wrong block */
	DE_MISSING,          /* missing: something required is not given */
	DE_TIMING,           /* timing: times that do not fit (ends before it starts, too short) */
	DE_KEYFRAME_ORDER,   /* keyframe-order: keyframes not in time order */
	DE_MISSING_VOICE,    /* missing-voice: needs a voice with word timings, none given */
	DE_BAD_TIMINGS,      /* bad-timings: the word timings file cannot be used */
	DE_NO_MATCH,         /* no-match: an anchor matches no word or sentence */
	DE_AMBIGUOUS_ANCHOR, /* ambiguous-anchor: an anchor matches more than one place */
	DE_PLATFORM_LIMIT,   /* platform-limit: outside what a platform accepts */
	DE_LIMIT,            /* limit: past one of vidc's own limits (depth, length, count) */
	DE_UNKNOWN_PROPERTY, /* unknown-property: a property its block does not take */
	DE_UNKNOWN_STATEMENT, /* unknown-statement: a statement its block does not take */
	DE_UNKNOWN_TEMPLATE, /* unknown-template */
	DE_UNKNOWN_STYLE,    /* unknown-style */
	DE_UNKNOWN_EFFECT,   /* unknown-effect */
	DE_UNKNOWN_TRANSITION, /* unknown-transition */
	DE_UNKNOWN_HOOK,     /* unknown-hook */
	DE_UNKNOWN_COLOUR,   /* unknown-colour: a colour name */
	DE_UNKNOWN_SECTION,  /* unknown-section: a voice section */
	DE_UNKNOWN_FUNCTION, /* unknown-function: a time function */
	DE_UNKNOWN_OPTION,   /* unknown-option: a transition option */
	DE_UNKNOWN_NAME,     /* unknown-name: any other name from a fixed list */
	DE_UNKNOWN_PARAMETER, /* unknown-parameter: a hook parameter */
	DE_HOOK,             /* hook-error: a Lua hook that does not load or lacks a function */
	DE_BAD_MEDIA,        /* bad-media: a picture, clip or sound whose header cannot be read */
	DE_UNREADABLE,       /* unreadable-file: the spec or a file it names cannot be read */
	DE_FILE_TOO_LARGE,   /* file-too-large */
	DE_NOMEM,            /* out-of-memory */
	DE_OUTSIDE_PROJECT,  /* outside-project: a file outside the project roots (SPEC: Trust) */
	DE_FILE_NOT_FOUND,   /* file-not-found: a file a spec or an import names does not exist */
	DE_COUNT
} diag_code;

/* The name of error kind c ("unknown-property"); "" when out of range. */
const char *diag_code_name(diag_code c);

void diag_report(diag_sink *d, diag_level lvl, span_t sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An error of kind code. */
void diag_report_code(diag_sink *d, diag_code code, span_t sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A warning of kind w (dropped, with its notes, when w is turned off). */
void diag_report_warning(diag_sink *d, diag_warning w, span_t sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define diag_error(d, sp, ...) diag_report((d), DIAG_ERROR, (sp), __VA_ARGS__)
#define diag_err(d, code, sp, ...) diag_report_code((d), (code), (sp), __VA_ARGS__)
#define diag_warn(d, w, sp, ...) diag_report_warning((d), (w), (sp), __VA_ARGS__)
#define diag_note(d, sp, ...) diag_report((d), DIAG_NOTE, (sp), __VA_ARGS__)

/* ---- values read through a name ------------------------------------------------------ *
 * A constant is written once and read wherever it is named, so a mistake in its value is a
 * mistake of each place that reads it (a font size that is a string, used 40 times). The
 * checker tells the sink each time it follows a name to a value: diag_via(d, use, def, name),
 * the value at def read through the name written at use. An error or warning reported after
 * it at a span inside def is reported at use instead (the most recent record whose def holds
 * it; step by step for a constant defined as another one), followed by the note "'NAME' is
 * defined here" at the span it was reported at; one reported at use itself (a template's
 * argument checked where it is passed) gets the notes too. Notes are never moved; fix-its keep
 * their spans (they edit the constant's value). Only the last DIAG_VIAS records are kept: a
 * value is read and judged in one go. */
#define DIAG_VIAS 64
void diag_via(diag_sink *d, span_t use, span_t def, const char *name);

int diag_errors(const diag_sink *d);
/* 1 when an error of this kind was already reported at exactly this place (a place inside a
 * constant's value counts as where diag_via moves it). */
int diag_has_error_at(const diag_sink *d, diag_code code, span_t sp);
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

/* ---- fix-its ---------------------------------------------------------------------------- *
 * A fix-it is an exact edit that repairs a diagnostic: replace the bytes of a span with a text
 * (clang's FixItHint). It is data on the diagnostic, never read back from its message. */

/* Attaches to the error or warning reported last (nothing when that one was dropped: turned
 * off, a repeat, or past the limits) the edit "replace sp's bytes with the printf text". */
void diag_fixit(diag_sink *d, span_t sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The fix-it "word -> replacement" for a did-you-mean: word is looked for at the start of sp
 * (or just inside a quote there) in the registered source, and only that part is replaced. No
 * fix-it when the source there does not read word (a span from elsewhere, a constant). */
void diag_fixit_word(diag_sink *d, span_t sp, const char *word, const char *replacement);

/* One edit: bytes [off, off+len) of a file become text (owned). */
typedef struct {
	int off, len;
	char *text;
} diag_edit;

typedef struct {
	diag_edit *e;
	int n, cap;
} diag_edits;

/* Appends to *out a copy of the fix-its of d's errors and warnings that edit the source named
 * path. 0, or VE_NOMEM. */
int diag_edits_collect(const diag_sink *d, const char *path, diag_edits *out);
void diag_edits_free(diag_edits *ed);
/* Applies the unambiguous edits of ed to text: an edit overlapping another (or the same range
 * with a different text) is skipped with it; the same edit twice counts once. Keeps the applied
 * ones in ed (sorted by offset, the rest removed). *out gets the new text. 0, or VE_NOMEM. */
int diag_edits_apply(diag_edits *ed, const char *text, size_t len, buf_t *out, int *skipped);

/* ---- machine-readable output ---------------------------------------------------------- */

/* Appends every error and warning of d as JSON objects, in source order, each followed by its
 * notes and fix-its (the format is in SPEC.md, "Diagnostics as JSON"), separated by commas and
 * preceded by one when *first is 0 (then cleared): several sinks make one array. 0 or
 * VE_NOMEM. */
int diag_json(const diag_sink *d, buf_t *out, int *first);
/* One array gathered from several sinks: give diag_json_collect as the compile callbacks'
 * diagnostics function and an accumulator {BUF_INIT, 1, 0} as its data; out then holds the
 * array's body, and failed says memory ran out on the way. */
typedef struct {
	buf_t out;
	int first, failed;
} diag_json_acc;
void diag_json_collect(void *acc, const diag_sink *d);
/* s as a JSON string with its quotes: control characters escaped, bytes that are not UTF-8
 * as U+FFFD. */
int diag_json_string(buf_t *out, const char *s, size_t n);

/* The closest of n candidate names to word, or NULL if none is close enough to be a likely typo. */
const char *diag_suggest(const char *word, const char *const *cands, int n);

#endif
