/*
 * font.h - fonts for text and code: fontconfig lookup by family name (or a font file path),
 * FreeType faces with their HarfBuzz fonts, and per-character fallback (CJK, Arabic, Hebrew,
 * colour emoji) when the chosen font lacks a glyph. One font_ctx per render; not thread-safe.
 */
#ifndef VIDC_FONT_H
#define VIDC_FONT_H

#include <stddef.h>
#include <stdint.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

typedef struct {
	char *path;
	int index;
	FT_Face face;
	hb_font_t *hb;
	int bitmap;    /* no outlines: a colour bitmap font such as Noto Color Emoji */
	double strike; /* bitmap fonts: ppem of the selected strike */
	double size;   /* the size last set, px */
	unsigned served; /* styles fontconfig chose this face for: bit font_style_bit(weight, italic) */
} font_face;

typedef struct font_ctx font_ctx;

/* What a program that names no font gets: fontconfig's generic aliases, so no family is
 * hard-coded here. The real defaults are the platform file's ("fonts" in stdlib/platforms.json,
 * DejaVu Sans and DejaVu Sans Mono as shipped), which the compiler puts in the IR
 * (ir_program.font_text / font_code); these only serve an IR built some other way. */
#define FONT_GENERIC_TEXT "sans-serif"
#define FONT_GENERIC_CODE "monospace"

/* A context whose default family (font_find with no family) is text_font, the program's
 * font_text; NULL: FONT_GENERIC_TEXT. The name is copied. */
int font_ctx_new(font_ctx **ctx, const char *text_font, char *cause, size_t len);
/* The context in *slot, created there on first use (a render's sources share one). */
int font_ctx_get(font_ctx **slot, const char *text_font, char *cause, size_t len);
void font_ctx_free(font_ctx *ctx);

/* Whether a font name is a file (it has a '/' or a font file's extension) rather than a
 * family for fontconfig. */
int font_is_file(const char *name);

/* The face for a family name (fontconfig; the family must really exist, except the generic
 * aliases sans-serif, serif and monospace) or a path to a font file (anything with a '/' or a
 * font extension); NULL or "": the context's default family. weight is CSS-like (400, 700). */
int font_find(font_ctx *ctx, const char *family, int weight, int italic, font_face **out,
	      char *cause, size_t len);

/* A face that has a glyph for cp, preferring primary, then faces already loaded, then
 * fontconfig's best match (colour emoji for emoji). NULL when no installed font has it. */
font_face *font_for(font_ctx *ctx, font_face *primary, uint32_t cp, int weight, int italic);

/* Sets the face to size px (for bitmap fonts: selects the nearest strike; positions then need
 * scaling by font_scale). */
void font_set_size(font_face *f, double px);
/* Factor from the face's current units to px (1 for outline fonts). */
double font_scale(const font_face *f);

#endif
