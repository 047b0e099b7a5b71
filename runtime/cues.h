/*
 * cues.h - captions from word timings: the voice's timed words (IR_CAPTIONS) are grouped into
 * cues (at most two lines each, a line at most max_chars characters), and the cues are written
 * as SRT, WebVTT or ASS. The same ASS events drive the burned-in captions (captions.c), so a
 * sidecar file and the picture show the same lines at the same milliseconds.
 *
 * Grouping: a sentence end (. ! ? … 。 ！ ？) or a pause of 1 s or more always ends a cue; a
 * sentence that does not fit in two lines (or lasts over 7 s) is split where a clause ends
 * (, ; : — –), else at the longest pause, keeping the parts balanced. Every cue stays on screen
 * at least CUES_MIN_MS, taken from the gap after it (then before it), never overlapping a
 * neighbour. Times are whole milliseconds on the video timeline.
 */
#ifndef VIDC_CUES_H
#define VIDC_CUES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../compiler/ir.h"

#define CUES_MIN_MS 800
#define CUES_MAX_MS 7000

/* One caption cue: words [w0, w1) of the word list; line 2 starts at word brk (brk == w1: one
 * line). start_ms < end_ms. */
typedef struct {
	int w0, w1, brk;
	int64_t start_ms, end_ms;
} cue_t;

typedef struct {
	const ir_word *words;
	int nwords;
	cue_t *cues;
	int n;
} cue_list;

typedef enum { CUE_STYLE_PLAIN, CUE_STYLE_BOLD_CENTER, CUE_STYLE_KARAOKE } cue_style_kind;

/* A caption style laid out for one canvas. Sizes in canvas pixels; margins keep the text
 * inside the preset's safe area (the ASS margins of the style). */
typedef struct {
	cue_style_kind kind;
	const char *name;
	const char *font;
	double size;
	int bold, upper;
	int align; /* ASS numpad alignment: 2 bottom centre */
	int margin_l, margin_r, margin_v;
	double outline, shadow;
	int max_chars; /* per line */
} cue_style;

/* The style called name ("plain", "bold_center", "karaoke"; NULL = plain) for program p's
 * canvas and safe area. Returns -1 for an unknown name. */
int cues_style(const ir_program *p, const char *name, cue_style *st);
/* Groups the words into cues (cl->cues is malloc'd; cues_free releases it). video_end_ms
 * bounds the last cue (<= 0: no bound). Returns 0, or -1 when out of memory. */
int cues_build(cue_list *cl, const ir_word *w, int nw, int max_chars, int64_t video_end_ms);
void cues_free(cue_list *cl);

/* The text of cue i as UTF-8, the lines joined by sep (e.g. "\n"), upper-cased when upper is
 * set (ASCII and Latin-1 letters). Returns a malloc'd string or NULL. */
char *cues_text(const cue_list *cl, int i, const char *sep, int upper);

typedef enum { CUES_SRT, CUES_VTT, CUES_ASS } cues_format;

/* Writes the cues in fmt. ASS needs the style and the canvas (PlayRes); SRT and VTT ignore them.
 * Returns 0, or -1 when writing failed. */
int cues_write(FILE *out, cues_format fmt, const cue_list *cl, const cue_style *st, int width,
	       int height);

/* The ASS script header ([Script Info] and [V4+ Styles], up to the [Events] Format line) for
 * the style on a width x height canvas; malloc'd. */
char *cues_ass_header(const cue_style *st, int width, int height);

/* One ASS event: [start_ms, end_ms) and the Text field (override tags included). */
typedef struct {
	int64_t start_ms, end_ms;
	int cue; /* the cue it shows */
	char *text;
} cue_event;

/* The ASS events for the cues in the style: one per cue, or for karaoke one per word interval
 * with the spoken word highlighted (it switches at each word's start). scale, when not NULL,
 * gives each cue's size in percent of the style's (a cue with a word wider than the frame is
 * drawn smaller: captions.c measures). Returns the number of events (malloc'd array in *ev,
 * free with cues_events_free), or -1 when out of memory. */
int cues_events(const cue_list *cl, const cue_style *st, const int *scale, cue_event **ev);
void cues_events_free(cue_event *ev, int n);

#endif
