/*
 * text.h - text to pixels: UTF-8 is split into paragraphs, given fonts per character (with
 * fallback for CJK, Arabic, Hebrew, emoji), ordered right-to-left where the script says so,
 * shaped with HarfBuzz, wrapped, aligned, and rasterised with FreeType into one premultiplied
 * surface with its background box, shadow, stroke and fill. Used by the text and code sources.
 */
#ifndef VIDC_TEXT_H
#define VIDC_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "font.h"
#include "source.h"
#include "surface.h"
#include "textanim.h"

/* Per-unit drawing of a text (issue 16, text in motion). The units are words (runs of
 * characters between spaces, tabs and line breaks) or letters (a character with the combining
 * marks, joiners and selectors after it: a UTF-8 sequence or a cluster is never split), numbered
 * in reading (logical) order. Layout and shaping are those of the whole text, so nothing
 * reflows and Arabic keeps its joining; only each unit's glyphs fade, move and scale. */
typedef struct {
	int letters;             /* units are letters, else words */
	const text_unit_fx *u;   /* per unit; units from n on are drawn as laid out */
	int n;
	double margin;           /* natural px: room kept around the text for moved, scaled units */
} text_fx;

typedef struct {
	const char *utf8;
	const uint32_t *colors; /* optional: premultiplied fill colour per byte of utf8 */
	const ir_text_style *style;
	double wrap_width; /* px, 0 = none */
	double k;          /* raster scale: the surface has k pixels per natural pixel */
} text_req;

typedef struct {
	surf_t *surf;
	double nat_w, nat_h; /* natural size (px, unscaled): the text block plus the box padding */
	double ox, oy;       /* where the natural rectangle starts in surf (surface pixels) */
	int glyphs;          /* glyphs drawn */
	int missing;         /* characters no installed font has (drawn as boxes) */
} text_out;

/* The largest text surface (pixels, margins included): 256 MB as RGBA, beside a fill surface
 * and masks of the same size. */
#define TEXT_MAX_PIXELS 64e6

/* The start of a text-drawing source's prepare (text, code): the render's fonts for node n,
 * loaded on first use, and its state, size bytes zeroed (*state, the caller's to free). An
 * error names the node's spec line and "cannot render WHAT", or is out of memory. */
int text_begin(const src_ctx *cx, const ir_node *n, const char *what, size_t size, font_ctx **fc, void **state,
	       char *err, size_t errlen);

/* A plain style: the render's default font (the program's font_text) at size px, regular, single-spaced, white, left-aligned, no box,
 * stroke or shadow (the labels and hook text that have no spec style of their own). */
void text_style_init(ir_text_style *st, double size);

/* The units of utf8 as text_fx numbers them (letters, else words): returns their count, and
 * when word_of is given (room for cap units) the word each unit belongs to. -1 when out of memory. */
int text_units(const char *utf8, int letters, int *word_of, int cap);

/* Renders r. On failure returns a negative VE_* code (base/err.h) with the cause (no position) in cause. */
int text_render(font_ctx *fc, const text_req *r, text_out *out, char *cause, size_t len);
/* text_render with each unit drawn as fx says (text in motion). */
int text_render_fx(font_ctx *fc, const text_req *r, const text_fx *fx, text_out *out, char *cause, size_t len);
/* text_render with a smaller surface limit (a hook's text, whose pixels are outside its Lua
 * heap's cap). */
int text_render_max(font_ctx *fc, const text_req *r, double max_px, text_out *out, char *cause,
		    size_t len);

#endif
