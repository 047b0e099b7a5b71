/*
 * text.c - text layout and rasterisation (see text.h), and the IR_TEXT source.
 *
 * Bidirectional text follows a reduced form of the Unicode Bidirectional Algorithm: the
 * paragraph direction comes from its first strong character; Hebrew and Arabic are strong
 * right-to-left, letters of other scripts and digits left-to-right, everything else neutral
 * and takes the direction of its neighbours when they agree, else the paragraph's. Runs are
 * then reordered by rule L2. That renders mixed Latin/Arabic/Hebrew lines in reading order
 * without pulling in fribidi.
 */
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include FT_GLYPH_H
#include FT_STROKER_H
#include FT_OUTLINE_H

#include "../base/utf8.h"
#include "draw.h"
#include "layer.h"
#include "rterr.h"
#include "source.h"

typedef struct {
	uint32_t cp;
	int byte;
	font_face *face;
	int level;  /* 0 LTR in LTR paragraph, 1 RTL, 2 LTR inside an RTL paragraph */
	double adv; /* px at raster scale, from shaping the paragraph */
} tchar;

typedef struct {
	font_face *face;
	unsigned gid;
	double x, y; /* pen position, surface px relative to the line's origin */
	uint32_t color;
	int ch;     /* the character (tchar index) whose cluster it draws */
	double adv; /* px */
} tglyph;

typedef struct {
	int s, e; /* chars [s, e) */
	double w; /* px */
	int g0, ng;
} tline;

/* ---- characters -------------------------------------------------------------------------- */

static int decode_chars(const char *s, tchar **out)
{
	size_t n = strlen(s);
	tchar *c = calloc(n + 1, sizeof *c);
	if (!c)
		return -1;
	int k = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);
		if (!len) /* a bad byte draws as U+FFFD and costs one byte */
			len = 1;
		if (cp == '\r') { /* CRLF text: the LF breaks the line */
			i += (size_t)len;
			continue;
		}
		c[k].cp = cp;
		c[k].byte = (int)i;
		k++;
		i += (size_t)len;
	}
	*out = c;
	return k;
}

/* Characters that belong to the previous character's cluster and so to its font. */
static int joins_previous(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36F) || cp == 0x200D || cp == 0xFE0E || cp == 0xFE0F ||
	       (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F) || cp == 0x20E3 ||
	       (cp >= 0x64B && cp <= 0x65F) || (cp >= 0x591 && cp <= 0x5C7);
}

/* ---- units (text in motion) ------------------------------------------------------------- */

static int separates_words(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == 0x3000;
}

/* Numbers the units of c[0..n) as text_fx does (text.h): unit_of[i] (when given) is the unit of
 * character i, -1 between words; word_of[u] (when given, for u < cap) the word of unit u. A
 * letter keeps the marks, joiners and selectors after it and the character a joiner joins on.
 * Returns the count. */
static int number_units(const tchar *c, int n, int letters, int *unit_of, int *word_of, int cap)
{
	int units = 0, words = -1;
	for (int i = 0; i < n; i++) {
		if (separates_words(c[i].cp)) {
			if (unit_of)
				unit_of[i] = -1;
			continue;
		}
		int new_word = i == 0 || separates_words(c[i - 1].cp);
		words += new_word;
		if (new_word || (letters && !joins_previous(c[i].cp) && c[i - 1].cp != 0x200D)) {
			if (word_of && units < cap)
				word_of[units] = words;
			units++;
		}
		if (unit_of)
			unit_of[i] = units - 1;
	}
	return units;
}

int text_units(const char *utf8, int letters, int *word_of, int cap)
{
	tchar *c;
	int n = decode_chars(utf8 ? utf8 : "", &c);
	if (n < 0)
		return -1;
	int u = number_units(c, n, letters, NULL, word_of, cap);
	free(c);
	return u;
}

enum { BIDI_N, BIDI_L, BIDI_R };

static int bidi_class(uint32_t cp)
{
	if ((cp >= 0x590 && cp <= 0x8FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF) ||
	    (cp >= 0x10800 && cp <= 0x10FFF) || (cp >= 0x1E800 && cp <= 0x1EFFF))
		return (cp >= 0x660 && cp <= 0x669) || (cp >= 0x6F0 && cp <= 0x6F9) ? BIDI_L : BIDI_R;
	if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return BIDI_L;
	if (cp < 0xC0)
		return BIDI_N;
	if (cp >= 0x2000 && cp <= 0x2BFF)
		return BIDI_N; /* punctuation, symbols, arrows */
	if (cp >= 0x3000 && cp <= 0x303F)
		return BIDI_N; /* CJK punctuation */
	if (cp >= 0xFE00 && cp <= 0xFE0F)
		return BIDI_N;
	if (cp >= 0x1F000 && cp <= 0x1FAFF)
		return BIDI_N; /* emoji */
	return BIDI_L;
}

/* Levels for chars [a, b) of one paragraph. Returns the paragraph's base level (0 or 1). */
static int bidi_levels(tchar *c, int a, int b)
{
	int base = 0;
	for (int i = a; i < b; i++) {
		int k = bidi_class(c[i].cp);
		if (k != BIDI_N) {
			base = k == BIDI_R;
			break;
		}
	}
	for (int i = a; i < b;) {
		int k = bidi_class(c[i].cp);
		if (k != BIDI_N) {
			c[i].level = k == BIDI_R ? 1 : (base ? 2 : 0);
			i++;
			continue;
		}
		int j = i;
		while (j < b && bidi_class(c[j].cp) == BIDI_N)
			j++;
		int before = i > a ? bidi_class(c[i - 1].cp) : -1, after = j < b ? bidi_class(c[j].cp) : -1;
		int lvl = base;
		if (before == after && before == BIDI_R)
			lvl = 1;
		else if (before == after && before == BIDI_L)
			lvl = base ? 2 : 0;
		for (int m = i; m < j; m++)
			c[m].level = lvl;
		i = j;
	}
	return base;
}

/* ---- shaping ----------------------------------------------------------------------------- */

typedef struct {
	tglyph *g;
	int n, cap;
} gbuf;

static int gpush(gbuf *b, tglyph g)
{
	if (b->n == b->cap) {
		int nc = b->cap ? b->cap * 2 : 256;
		tglyph *ng = realloc(b->g, sizeof *ng * (size_t)nc);
		if (!ng)
			return -1;
		b->g = ng;
		b->cap = nc;
	}
	b->g[b->n++] = g;
	return 0;
}

/* Shapes chars [s, e) (one face, one level) at size px. Adds per-char advances when adv is
 * set; appends positioned glyphs starting at *pen when out is given. */
static int shape_run(hb_buffer_t *hb, tchar *c, int s, int e, double px, int measure, gbuf *out,
		     double *pen, const uint32_t *colors, uint32_t fill)
{
	font_face *f = c[s].face;
	font_set_size(f, px);
	double sc = font_scale(f) / 64.0;
	hb_buffer_clear_contents(hb);
	hb_buffer_set_content_type(hb, HB_BUFFER_CONTENT_TYPE_UNICODE);
	for (int i = s; i < e; i++)
		hb_buffer_add(hb, c[i].cp, (unsigned)(i - s));
	hb_buffer_set_direction(hb, c[s].level & 1 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
	hb_buffer_guess_segment_properties(hb);
	hb_shape(f->hb, hb, NULL, 0);
	unsigned n;
	hb_glyph_info_t *info = hb_buffer_get_glyph_infos(hb, &n);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(hb, &n);
	for (unsigned i = 0; i < n; i++) {
		int ci = s + (int)info[i].cluster;
		double adv = pos[i].x_advance * sc;
		if (measure) {
			c[ci].adv += adv;
			continue;
		}
		tglyph g = {f, info[i].codepoint, *pen + pos[i].x_offset * sc, -pos[i].y_offset * sc,
			    colors ? colors[c[ci].byte] : fill, ci, adv};
		if (gpush(out, g))
			return -1;
		*pen += adv;
	}
	return 0;
}

static int is_break_after(const tchar *c, int i)
{
	uint32_t cp = c[i].cp;
	if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == '-' || cp == 0x2014)
		return 1;
	/* CJK text breaks between any two ideographs or kana */
	return cp >= 0x2E80 && cp <= 0x9FFF;
}

/* ---- raster helpers ---------------------------------------------------------------------- */

typedef struct {
	int w, h;
	uint8_t *a;
} mask_t;

/* The part of a w x h target that an 8-bit grey glyph bitmap drawn at (left, top) covers, as
 * bitmap columns [*x0, *x1) and rows [*y0, *y1). 0 when nothing shows or the bitmap is not grey. */
static int bm_clip(const FT_Bitmap *bm, int left, int top, int w, int h, int *x0, int *y0, int *x1, int *y1)
{
	if (bm->pixel_mode != FT_PIXEL_MODE_GRAY)
		return 0;
	*x0 = left < 0 ? -left : 0;
	*y0 = top < 0 ? -top : 0;
	*x1 = left + (int)bm->width > w ? w - left : (int)bm->width;
	*y1 = top + (int)bm->rows > h ? h - top : (int)bm->rows;
	return *x0 < *x1 && *y0 < *y1;
}

/* Coverage scaled by a256/256 (a fading unit's stroke), the larger kept. */
static void mask_blit(mask_t *m, const FT_Bitmap *bm, int left, int top, unsigned a256)
{
	int x0, y0, x1, y1;
	if (!bm_clip(bm, left, top, m->w, m->h, &x0, &y0, &x1, &y1))
		return;
	for (int y = y0; y < y1; y++) {
		const uint8_t *src = bm->buffer + (long)y * bm->pitch;
		uint8_t *row = m->a + (size_t)(top + y) * m->w;
		for (int x = x0; x < x1; x++) {
			uint8_t v = a256 >= 256 ? src[x] : (uint8_t)(src[x] * a256 >> 8);
			if (v > row[left + x])
				row[left + x] = v;
		}
	}
}

/* Draws a coverage bitmap tinted with premultiplied colour col over s. */
static void tint_blit(surf_t *s, const FT_Bitmap *bm, int left, int top, uint32_t col)
{
	int x0, y0, x1, y1;
	if (!bm_clip(bm, left, top, s->w, s->h, &x0, &y0, &x1, &y1))
		return;
	for (int y = y0; y < y1; y++) {
		const uint8_t *src = bm->buffer + (long)y * bm->pitch;
		uint32_t *row = s->px + (size_t)(top + y) * s->stride;
		for (int x = x0; x < x1; x++)
			if (src[x])
				row[left + x] = surf_over_px(row[left + x], surf_scale_px(col, src[x] + (src[x] >> 7)));
	}
}

/* Three box blurs approximate a Gaussian of the given sigma (px). */
static int blur_mask(mask_t *m, double sigma)
{
	if (sigma < 0.5)
		return 0;
	int r = (int)lrint(sqrt(12.0 * sigma * sigma / 3 + 1) / 2);
	if (r < 1)
		r = 1;
	int n = m->w > m->h ? m->w : m->h;
	uint16_t *line = malloc(sizeof *line * (size_t)n);
	if (!line)
		return -1;
	for (int pass = 0; pass < 6; pass++) {
		int horiz = pass % 2 == 0;
		int len = horiz ? m->w : m->h, count = horiz ? m->h : m->w;
		for (int j = 0; j < count; j++) {
			for (int i = 0; i < len; i++)
				line[i] = horiz ? m->a[(size_t)j * m->w + i] : m->a[(size_t)i * m->w + j];
			int sum = 0;
			for (int i = -r; i <= r; i++)
				sum += i >= 0 && i < len ? line[i] : 0;
			for (int i = 0; i < len; i++) {
				uint8_t v = (uint8_t)((sum + r) / (2 * r + 1));
				if (horiz)
					m->a[(size_t)j * m->w + i] = v;
				else
					m->a[(size_t)i * m->w + j] = v;
				int out = i - r, in = i + r + 1;
				sum += (in < len ? line[in] : 0) - (out >= 0 ? line[out] : 0);
			}
		}
	}
	free(line);
	return 0;
}

/* A colour (BGRA, premultiplied) bitmap glyph scaled by sc with its top-left at (x, y), at
 * opacity alpha. */
static int color_glyph(surf_t *dst, const FT_Bitmap *bm, double x, double y, double sc, double alpha)
{
	if (bm->pixel_mode != FT_PIXEL_MODE_BGRA || !bm->width || !bm->rows)
		return 0;
	surf_t *g = surf_new((int)bm->width, (int)bm->rows);
	if (!g)
		return -1;
	for (unsigned r = 0; r < bm->rows; r++) {
		const uint8_t *p = bm->buffer + (long)r * bm->pitch;
		uint32_t *d = g->px + (size_t)r * g->stride;
		for (unsigned i = 0; i < bm->width; i++)
			d[i] = p[4 * i + 2] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i] << 16 |
			       (uint32_t)p[4 * i + 3] << 24;
	}
	draw_params dp = {0, 0, g->w, g->h, x, y, x + g->w * sc, y + g->h * sc, 0, 0, 0, alpha, 0};
	int rc = draw_surface(dst, g, &dp);
	surf_free(g);
	return rc;
}

/* ---- text_render ------------------------------------------------------------------------- */

/* One text being laid out: its characters with their fonts and levels, its lines, and their
 * positioned glyphs (pen positions in surface pixels, at raster scale k). */
typedef struct {
	const ir_text_style *st;
	double k, px; /* raster scale, and the font size in surface pixels */
	font_face *primary;
	font_face *fallback[IR_MAX_FALLBACK_FONTS]; /* the style's own fallback list, loaded */
	int nfallback;
	tchar *c;
	int n;
	hb_buffer_t *hb;
	gbuf gl;
	tline *lines;
	int nlines;
	double maxw;   /* the widest line, px */
	double max_px; /* the largest surface allowed, pixels */
	/* per-unit drawing (text in motion): NULL for a static text */
	const text_fx *fx;
	int *unit_of;     /* the unit of each character, -1 between words */
	double *ucx, *ucy; /* each unit's centre (surface px), what it scales about */
} layout_t;

/* The style's own font that has a glyph for cp: the primary, then its fallback list in order;
 * NULL when none has (an emoji prefers a colour font, which font_for finds). */
static font_face *listed_font(const layout_t *L, uint32_t cp)
{
	if (L->nfallback == 0 || FT_Get_Char_Index(L->primary->face, cp))
		return NULL; /* font_for takes the primary first, with its emoji rule */
	for (int i = 0; i < L->nfallback; i++)
		if (FT_Get_Char_Index(L->fallback[i]->face, cp))
			return L->fallback[i];
	return NULL;
}

/* Fonts per character: the primary font, the style's fallback list, else a fallback that has the glyph; combining marks
 * and joiners stay with the character before them. Returns how many no font has. */
static int assign_fonts(layout_t *L, font_ctx *fc)
{
	int missing = 0;
	tchar *c = L->c;
	for (int i = 0; i < L->n; i++) {
		if (c[i].cp == '\n')
			continue;
		if (i > 0 && c[i - 1].cp != '\n' && joins_previous(c[i].cp)) {
			c[i].face = c[i - 1].face;
			continue;
		}
		c[i].face = listed_font(L, c[i].cp);
		if (!c[i].face)
			c[i].face = font_for(fc, L->primary, c[i].cp, L->st->weight, L->st->italic);
		if (!c[i].face) {
			c[i].face = L->primary;
			missing++;
		}
	}
	return missing;
}

/* Lines of paragraph [a, b) at width wrap: greedy wrapping at break opportunities (inside a word
 * when it has none), a wrapped line not starting with the space it broke at. Stored in L->lines
 * when emit, else only counted; *widest gets the widest line's advance. Returns the count. */
static int greedy_lines(layout_t *L, int a, int b, double wrap, int emit, double *widest)
{
	tchar *c = L->c;
	int s0 = a, n = 0;
	*widest = 0;
	while (1) {
		double w = 0, wb = 0;
		int brk = -1, i = s0;
		for (; i < b; i++) {
			if (wrap > 0 && w + c[i].adv > wrap && i > s0) {
				if (brk < 0 || brk < s0)
					brk = i - 1, wb = w; /* no opportunity: break inside the word */
				break;
			}
			w += c[i].adv;
			if (is_break_after(c, i))
				brk = i, wb = w;
		}
		int e = i >= b ? b : brk + 1;
		*widest = fmax(*widest, i >= b ? w : wb);
		if (emit) {
			L->lines[L->nlines].s = s0;
			L->lines[L->nlines].e = e;
			L->nlines++;
		}
		n++;
		if (e >= b)
			break;
		s0 = e;
		while (s0 < b && c[s0].cp == ' ')
			s0++;
		if (s0 >= b)
			break;
	}
	return n;
}

/* Lines of paragraph [a, b). Balanced wrapping (issue 16, `wrap balanced`, titles' default) keeps
 * the greedy line count but takes the narrowest width that still gives it, so the lines come out
 * even and the last is no lone word when they can be evened out (CSS text-wrap: balance does
 * the same). The width is searched by bisection: the count only grows as the width shrinks. */
static void wrap_paragraph(layout_t *L, int a, int b, double wrap)
{
	double widest;
	int n = greedy_lines(L, a, b, wrap, 0, &widest);
	if (L->st->wrap == IR_WRAP_BALANCED && wrap > 0 && n > 1) {
		double lo = 0, hi = wrap;
		/* a hundredth of a pixel is finer than any glyph advance differs by */
		while (hi - lo > 0.01) {
			double mid = (lo + hi) / 2, w;
			if (greedy_lines(L, a, b, mid, 0, &w) > n)
				lo = mid;
			else
				hi = mid;
		}
		wrap = hi;
	}
	greedy_lines(L, a, b, wrap, 1, &widest);
}

/* Paragraphs: bidi levels, advances from shaping each run, then lines by width. */
static void break_lines(layout_t *L, double wrap)
{
	tchar *c = L->c;
	for (int a = 0; a <= L->n;) {
		int b = a;
		while (b < L->n && c[b].cp != '\n')
			b++;
		bidi_levels(c, a, b);
		for (int i = a; i < b;) {
			int j = i + 1;
			while (j < b && c[j].face == c[i].face && c[j].level == c[i].level)
				j++;
			shape_run(L->hb, c, i, j, L->px, 1, NULL, NULL, NULL, 0);
			i = j;
		}
		wrap_paragraph(L, a, b, wrap);
		a = b + 1;
	}
}

/* The runs (same face, same level) of chars [s, e) in visual order, by rule L2: from the
 * highest level down to 1, every maximal sequence at >= that level is reversed. */
static int visual_runs(const tchar *c, int s, int e, int runs[512][2])
{
	int nr = 0;
	for (int i = s; i < e && nr < 512;) {
		int j = i + 1;
		while (j < e && c[j].face == c[i].face && c[j].level == c[i].level)
			j++;
		runs[nr][0] = i;
		runs[nr][1] = j;
		nr++;
		i = j;
	}
	for (int lvl = 2; lvl >= 1; lvl--) {
		for (int i = 0; i < nr;) {
			if (c[runs[i][0]].level < lvl) {
				i++;
				continue;
			}
			int j = i;
			while (j < nr && c[runs[j][0]].level >= lvl)
				j++;
			for (int x = i, y = j - 1; x < y; x++, y--) {
				int t0 = runs[x][0], t1 = runs[x][1];
				runs[x][0] = runs[y][0];
				runs[x][1] = runs[y][1];
				runs[y][0] = t0;
				runs[y][1] = t1;
			}
			i = j;
		}
	}
	return nr;
}

/* Each line's glyphs, shaped run by run in visual order, trailing spaces trimmed; sets the
 * lines' widths and maxw. -1 when out of memory. */
static int shape_lines(layout_t *L, const uint32_t *colors, uint32_t fillc)
{
	tchar *c = L->c;
	L->maxw = 0;
	for (int li = 0; li < L->nlines; li++) {
		tline *ln = &L->lines[li];
		int e = ln->e;
		while (e > ln->s && (c[e - 1].cp == ' ' || c[e - 1].cp == '\t'))
			e--;
		ln->g0 = L->gl.n;
		int runs[512][2];
		int nr = visual_runs(c, ln->s, e, runs);
		double pen = 0;
		for (int i = 0; i < nr; i++)
			if (shape_run(L->hb, c, runs[i][0], runs[i][1], L->px, 0, &L->gl, &pen, colors, fillc))
				return -1;
		ln->ng = L->gl.n - ln->g0;
		ln->w = pen;
		if (pen > L->maxw)
			L->maxw = pen;
	}
	return 0;
}

/* Where line li starts: x0 plus its alignment's share of the widest line. */
static double line_x(const layout_t *L, int li, double x0)
{
	const tline *ln = &L->lines[li];
	if (L->st->align == IR_ALIGN_CENTER)
		return x0 + (L->maxw - ln->w) / 2;
	if (L->st->align == IR_ALIGN_RIGHT)
		return x0 + L->maxw - ln->w;
	return x0;
}

/* Each animated unit's centre: the middle of its glyphs' advances, at the middle of a
 * lowercase letter above its line's baseline. -1 when out of memory. */
static int unit_centres(layout_t *L, double x0, double y0, double asc, double lh)
{
	int n = L->fx->n;
	double *lo = malloc(sizeof *lo * (size_t)(n + 1)), *hi = malloc(sizeof *hi * (size_t)(n + 1));
	L->ucx = calloc((size_t)n + 1, sizeof *L->ucx);
	L->ucy = calloc((size_t)n + 1, sizeof *L->ucy);
	if (!lo || !hi || !L->ucx || !L->ucy) {
		free(lo);
		free(hi);
		return -1;
	}
	for (int u = 0; u < n; u++)
		lo[u] = INFINITY, hi[u] = -INFINITY;
	for (int li = 0; li < L->nlines; li++) {
		const tline *ln = &L->lines[li];
		double lx = line_x(L, li, x0);
		for (int gi = ln->g0; gi < ln->g0 + ln->ng; gi++) {
			const tglyph *g = &L->gl.g[gi];
			int u = L->unit_of[g->ch];
			if (u < 0 || u >= n)
				continue;
			lo[u] = fmin(lo[u], lx + g->x);
			hi[u] = fmax(hi[u], lx + g->x + g->adv);
			L->ucy[u] = y0 + asc + li * lh - 0.35 * L->px;
		}
	}
	for (int u = 0; u < n; u++)
		L->ucx[u] = lo[u] <= hi[u] ? (lo[u] + hi[u]) / 2 : 0;
	free(lo);
	free(hi);
	return 0;
}

/* Where glyph g goes (*gx, *gy: its pen at the line's position on entry) and at what scale and
 * opacity (of 256), after its unit's animation. 0 when the unit is hidden. */
static int glyph_fx(const layout_t *L, const tglyph *g, double *gx, double *gy, double *sc, unsigned *a256)
{
	*sc = 1;
	*a256 = 256;
	int u = L->fx ? L->unit_of[g->ch] : -1;
	if (u < 0 || u >= L->fx->n)
		return 1;
	const text_unit_fx *f = &L->fx->u[u];
	if (f->alpha <= 0)
		return 0;
	*sc = f->scale;
	*gx = L->ucx[u] + (*gx - L->ucx[u]) * f->scale;
	*gy = L->ucy[u] + (*gy - L->ucy[u]) * f->scale + f->dy * L->k;
	*a256 = f->alpha >= 1 ? 256 : (unsigned)lrint(f->alpha * 256);
	return 1;
}

/* Rasterises every glyph: outlines into the fill surface (tinted) and, with a stroker, their
 * stroked outlines into the stroke mask; colour bitmaps (emoji) into the fill as they are.
 * Line l's baseline is at y0 + asc + l * lh, its left edge at x0 (plus the alignment's
 * share). Animated units are faded, moved and scaled (glyph_fx). Counts the glyphs drawn into
 * *glyphs; -1 when out of memory. */
static int rasterise(layout_t *L, surf_t *fill, mask_t *stroke, FT_Stroker stroker, double x0,
		     double y0, double asc, double lh, int *glyphs)
{
	if (L->fx && unit_centres(L, x0, y0, asc, lh))
		return -1;
	for (int li = 0; li < L->nlines; li++) {
		tline *ln = &L->lines[li];
		double lx = line_x(L, li, x0);
		double base = y0 + asc + li * lh;
		for (int gi = ln->g0; gi < ln->g0 + ln->ng; gi++) {
			tglyph *g = &L->gl.g[gi];
			double gx = lx + g->x, gy = base + g->y, us;
			unsigned a256;
			if (!glyph_fx(L, g, &gx, &gy, &us, &a256))
				continue;
			font_face *f = g->face;
			font_set_size(f, L->px);
			if (f->bitmap) {
				if (FT_Load_Glyph(f->face, g->gid, FT_LOAD_COLOR))
					continue;
				FT_GlyphSlot sl = f->face->glyph;
				double sc = font_scale(f) * us;
				if (color_glyph(fill, &sl->bitmap, gx + sl->bitmap_left * sc, gy - sl->bitmap_top * sc, sc,
						a256 / 256.0))
					return -1;
				(*glyphs)++;
				continue;
			}
			if (FT_Load_Glyph(f->face, g->gid, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT))
				continue;
			FT_GlyphSlot sl = f->face->glyph;
			if (sl->format != FT_GLYPH_FORMAT_OUTLINE)
				continue;
			if (us != 1) {
				FT_Matrix m = {(FT_Fixed)lrint(us * 65536), 0, 0, (FT_Fixed)lrint(us * 65536)};
				FT_Outline_Transform(&sl->outline, &m);
			}
			/* integer pen + sub-pixel remainder moved into the outline */
			int ix = (int)floor(gx), iy = (int)floor(gy);
			FT_Outline_Translate(&sl->outline, (FT_Pos)lrint((gx - ix) * 64), -(FT_Pos)lrint((gy - iy) * 64));
			if (stroker) {
				FT_Glyph gg;
				if (!FT_Get_Glyph(sl, &gg)) {
					if (!FT_Glyph_Stroke(&gg, stroker, 1) &&
					    !FT_Glyph_To_Bitmap(&gg, FT_RENDER_MODE_NORMAL, NULL, 1)) {
						FT_BitmapGlyph bg = (FT_BitmapGlyph)gg;
						mask_blit(stroke, &bg->bitmap, ix + bg->left, iy - bg->top, a256);
					}
					FT_Done_Glyph(gg);
				}
			}
			if (FT_Render_Glyph(sl, FT_RENDER_MODE_NORMAL))
				continue;
			tint_blit(fill, &sl->bitmap, ix + sl->bitmap_left, iy - sl->bitmap_top,
				  a256 >= 256 ? g->color : surf_scale_px(g->color, a256));
			(*glyphs)++;
		}
	}
	return 0;
}

/* Draws mask m (W x H coverage) tinted with premultiplied col over s, moved by (dx, dy). */
static void mask_over(surf_t *s, const mask_t *m, uint32_t col, int dx, int dy)
{
	for (int y = 0; y < m->h; y++) {
		int sy = y - dy;
		if (sy < 0 || sy >= m->h)
			continue;
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < m->w; x++) {
			int sx = x - dx;
			if (sx < 0 || sx >= m->w)
				continue;
			uint8_t a = m->a[(size_t)sy * m->w + sx];
			if (a)
				row[x] = surf_over_px(row[x], surf_scale_px(col, a + (a >> 7)));
		}
	}
}

/* The shadow over s (which holds the box, if any): the fill's and the stroke's coverage,
 * blurred, tinted and offset. -1 when out of memory. */
static int draw_shadow(surf_t *s, const surf_t *fill, const mask_t *stroke, mask_t *shadow,
		       const ir_text_style *st, double k, double blur)
{
	int W = shadow->w, H = shadow->h;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			uint8_t a = (uint8_t)(fill->px[(size_t)y * fill->stride + x] >> 24);
			if (stroke->a && stroke->a[(size_t)y * W + x] > a)
				a = stroke->a[(size_t)y * W + x];
			shadow->a[(size_t)y * W + x] = a;
		}
	if (blur_mask(shadow, blur / 2))
		return -1;
	mask_over(s, shadow, surf_pack(st->shadow_color), (int)lrint(st->shadow_dx * k),
		  (int)lrint(st->shadow_dy * k));
	return 0;
}

/* Ascender, descender and line height (px) of the primary font at size px. */
static void line_metrics(font_face *f, double px, double spacing, double *asc, double *desc, double *lh)
{
	font_set_size(f, px);
	*asc = f->face->size->metrics.ascender / 64.0 * font_scale(f);
	*desc = -f->face->size->metrics.descender / 64.0 * font_scale(f);
	if (*asc <= 0)
		*asc = px * 0.8;
	if (*desc < 0)
		*desc = px * 0.2;
	*lh = (f->face->size->metrics.height > 0 ? f->face->size->metrics.height / 64.0 * font_scale(f)
						  : *asc + *desc) *
	      (spacing > 0 ? spacing : 1);
}

/* Lays out the text of r into L (fonts, lines, glyphs). 0 or a negative RT_E* code. */
static int lay_out(layout_t *L, font_ctx *fc, const text_req *r, text_out *out, char *cause, size_t len)
{
	int rc = font_find(fc, L->st->font, L->st->weight, L->st->italic, &L->primary, cause, len);
	for (int i = 0; !rc && i < L->st->nfallback && i < IR_MAX_FALLBACK_FONTS; i++)
		rc = font_find(fc, L->st->fallback[i], L->st->weight, L->st->italic, &L->fallback[L->nfallback++],
			       cause, len);
	if (rc)
		return rc;
	L->n = decode_chars(r->utf8 ? r->utf8 : "", &L->c);
	L->hb = hb_buffer_create();
	L->lines = L->n < 0 ? NULL : calloc((size_t)L->n + 1, sizeof *L->lines);
	if (L->n < 0 || !hb_buffer_allocation_successful(L->hb) || !L->lines) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	out->missing = assign_fonts(L, fc);
	if (L->fx) {
		if (!(L->unit_of = malloc(sizeof *L->unit_of * ((size_t)L->n + 1)))) {
			snprintf(cause, len, "out of memory");
			return VE_NOMEM;
		}
		number_units(L->c, L->n, L->fx->letters, L->unit_of, NULL, 0);
	}
	break_lines(L, r->wrap_width > 0 ? r->wrap_width * L->k : 0);
	if (shape_lines(L, r->colors, surf_pack(L->st->color))) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	return 0;
}

/* Draws the laid-out text with its box, shadow and stroke into out. */
static int draw_text(layout_t *L, text_out *out, char *cause, size_t len)
{
	const ir_text_style *st = L->st;
	double k = L->k, px = L->px;
	double asc, desc, lh;
	line_metrics(L->primary, px, st->line_spacing, &asc, &desc, &lh);
	double block_h = (L->nlines - 1) * lh + asc + desc;
	int boxed = st->box_color.a > 0;
	double pad = boxed ? fmax(st->box_padding, 0) * k : 0;
	double nat_w = L->maxw + 2 * pad, nat_h = block_h + 2 * pad;
	if (nat_w < 1)
		nat_w = 1;
	/* margins for what draws outside the natural rectangle */
	double sw = st->stroke_width > 0 ? st->stroke_width * k : 0;
	int shadowed = st->shadow_color.a > 0;
	double blur = shadowed ? fmax(st->shadow_blur, 0) * k : 0;
	double m = sw + 0.3 * px + 2 + (L->fx ? fmax(L->fx->margin, 0) * k : 0);
	if (shadowed)
		m += fmax(fabs(st->shadow_dx), fabs(st->shadow_dy)) * k + 3 * blur;
	int mi = (int)ceil(m);
	int W = (int)ceil(nat_w) + 2 * mi, H = (int)ceil(nat_h) + 2 * mi;
	if ((double)W * H > L->max_px) {
		snprintf(cause, len, "text too large (%dx%d px; at most %.0f million pixels)", W, H, L->max_px / 1e6);
		return VE_INVAL;
	}
	surf_t *s = surf_new(W, H), *fill = surf_new(W, H);
	mask_t stroke = {W, H, NULL}, shadow = {W, H, NULL};
	FT_Stroker stroker = NULL;
	int rc = VE_NOMEM;
	if (!s || !fill || (sw > 0 && !(stroke.a = calloc((size_t)W * H, 1))) ||
	    (shadowed && !(shadow.a = calloc((size_t)W * H, 1))))
		goto oom;
	if (sw > 0) {
		if (FT_Stroker_New(L->primary->face->glyph->library, &stroker)) {
			snprintf(cause, len, "cannot create a stroker");
			rc = VE_IO;
			goto done;
		}
		FT_Stroker_Set(stroker, (FT_Fixed)lrint(sw * 64), FT_STROKER_LINECAP_ROUND,
			       FT_STROKER_LINEJOIN_ROUND, 0);
	}
	double ox = mi, oy = mi;
	if (rasterise(L, fill, &stroke, stroker, ox + pad, oy + pad, asc, lh, &out->glyphs))
		goto oom;
	/* compose: box, shadow, stroke, fill */
	if (boxed)
		surf_fill_round_rect(s, ox, oy, ox + nat_w, oy + nat_h, fmax(st->box_radius, 0) * k, surf_pack(st->box_color));
	if (shadowed && draw_shadow(s, fill, &stroke, &shadow, st, k, blur))
		goto oom;
	if (stroke.a)
		mask_over(s, &stroke, surf_pack(st->stroke_color), 0, 0);
	for (int y = 0; y < H; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		const uint32_t *fr = fill->px + (size_t)y * fill->stride;
		for (int x = 0; x < W; x++)
			if (fr[x])
				row[x] = surf_over_px(row[x], fr[x]);
	}
	out->surf = s;
	s = NULL;
	out->nat_w = nat_w / k;
	out->nat_h = nat_h / k;
	out->ox = ox;
	out->oy = oy;
	rc = 0;
	goto done;
oom:
	snprintf(cause, len, "out of memory");
done:
	if (stroker)
		FT_Stroker_Done(stroker);
	free(stroke.a);
	free(shadow.a);
	surf_free(fill);
	surf_free(s);
	return rc;
}

void text_style_init(ir_text_style *st, double size)
{
	memset(st, 0, sizeof *st);
	st->font = NULL; /* the render's font_ctx default: the program's font_text */
	st->weight = 400;
	st->size = size;
	st->line_spacing = 1;
	st->color = (ir_color){255, 255, 255, 255};
	st->align = IR_ALIGN_LEFT;
}

static int render_layout(font_ctx *fc, const text_req *r, const text_fx *fx, double max_px, text_out *out,
			 char *cause, size_t len);

int text_render(font_ctx *fc, const text_req *r, text_out *out, char *cause, size_t len)
{
	return render_layout(fc, r, NULL, TEXT_MAX_PIXELS, out, cause, len);
}

int text_render_max(font_ctx *fc, const text_req *r, double max_px, text_out *out, char *cause, size_t len)
{
	return render_layout(fc, r, NULL, max_px, out, cause, len);
}

int text_render_fx(font_ctx *fc, const text_req *r, const text_fx *fx, text_out *out, char *cause, size_t len)
{
	return render_layout(fc, r, fx, TEXT_MAX_PIXELS, out, cause, len);
}

static int render_layout(font_ctx *fc, const text_req *r, const text_fx *fx, double max_px, text_out *out,
			 char *cause, size_t len)
{
	memset(out, 0, sizeof *out);
	layout_t L;
	memset(&L, 0, sizeof L);
	L.max_px = max_px;
	L.fx = fx;
	L.st = r->style;
	L.k = r->k > 0 ? r->k : 1;
	L.px = (L.st->size > 0 ? L.st->size : 48) * L.k;
	if (L.px > 2000)
		L.px = 2000;
	int rc = lay_out(&L, fc, r, out, cause, len);
	if (!rc)
		rc = draw_text(&L, out, cause, len);
	free(L.gl.g);
	free(L.lines);
	free(L.unit_of);
	free(L.ucx);
	free(L.ucy);
	hb_buffer_destroy(L.hb);
	free(L.c);
	return rc;
}

/* ---- the IR_TEXT source ------------------------------------------------------------------ */

typedef struct {
	text_out t; /* the text as written: every frame of a static text, the rest at rest */
	double k;
	/* text in motion (issue 16); zero for a static text, which pays nothing more */
	int animated;
	text_out cur;    /* the last frame drawn otherwise than t (surf NULL: none) */
	int cur_moving;  /* cur has units coming in: good for its frame only */
	double cur_size; /* the font size, colour and content key cur shows */
	ir_color cur_color;
	int cur_text;
	int nunits;
	int *word_of;      /* the word of each unit */
	text_unit_fx *fx;  /* each unit at the frame being drawn */
} text_state;

static int text_fonts(const src_ctx *cx, const ir_node *n, const char *what, font_ctx **fc, char *err,
		      size_t errlen)
{
	char cause[256];
	int rc = font_ctx_get(cx->fonts, cx->p->font_text, cause, sizeof cause);
	*fc = *cx->fonts;
	if (rc)
		return rterr_node(rc, cx->p, n, err, errlen, "cannot render %s: %s", what, cause);
	return 0;
}

int text_begin(const src_ctx *cx, const ir_node *n, const char *what, size_t size, font_ctx **fc, void **state,
	       char *err, size_t errlen)
{
	int rc = text_fonts(cx, n, what, fc, err, errlen);
	if (rc)
		return rc;
	if (!(*state = calloc(1, size)))
		return rterr_node(VE_NOMEM, cx->p, n, err, errlen, "out of memory");
	return 0;
}

static void text_release(void *state);

/* An animated text's units (its words or letters, and the word of each), counted once. */
static int anim_prepare(const ir_program *p, const ir_node *n, text_state *st, char *err, size_t errlen)
{
	const ir_textanim *a = &n->u.text.anim;
	if (!textanim_any(a))
		return 0;
	st->animated = 1;
	if (a->kind == IR_TA_NONE)
		return 0;
	int units = text_units(n->u.text.content, a->letters, NULL, 0);
	st->word_of = units < 0 ? NULL : malloc(sizeof *st->word_of * ((size_t)units + 1));
	st->fx = units < 0 ? NULL : malloc(sizeof *st->fx * ((size_t)units + 1));
	if (!st->word_of || !st->fx)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory"); /* the caller frees st */
	st->nunits = text_units(n->u.text.content, a->letters, st->word_of, units);
	return 0;
}

static int text_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	font_ctx *fc;
	char cause[256];
	void *mem;
	int rc = text_begin(cx, n, "text", sizeof(text_state), &fc, &mem, err, errlen);
	if (rc)
		return rc;
	text_state *st = mem;
	text_req r = {n->u.text.content, NULL, &n->u.text.style, n->u.text.wrap_width, 1};
	rc = text_render(fc, &r, &st->t, cause, sizeof cause);
	if (!rc) {
		/* Text drawn larger than its natural size (a scale-up animation, a large box) is
		 * rasterised again at that size, so it stays crisp instead of being magnified. */
		double need = layer_need_scale(p, n->id, st->t.nat_w, st->t.nat_h);
		if (need > 1.05) {
			text_out big;
			r.k = need > 4 ? 4 : need;
			rc = text_render(fc, &r, &big, cause, sizeof cause);
			if (!rc) {
				surf_free(st->t.surf);
				st->t = big;
				st->k = r.k;
			}
		}
	}
	if (rc) {
		surf_free(st->t.surf);
		free(st);
		return rterr_node(rc, p, n, err, errlen, "cannot render text \"%.40s\": %s",
				  n->u.text.content ? n->u.text.content : "", cause);
	}
	if (st->k == 0)
		st->k = 1;
	rc = anim_prepare(p, n, st, err, errlen);
	if (rc) {
		text_release(st);
		return rc;
	}
	*state = st;
	return 0;
}

/* The frame of an animated text: the static surface whenever the frame looks as written (so
 * the end of an animation is the static text, bit for bit), the last other surface while font
 * size, colour and content stay as they were and no unit moves, else a new one. */
static int anim_frame(const src_ctx *cx, const ir_node *n, text_state *st, int64_t f, const text_out **show,
		      char *err, size_t errlen)
{
	const ir_textanim *a = &n->u.text.anim;
	double t = ir_frame_time(cx->p, f);
	ir_text_style style = n->u.text.style;
	style.size = textanim_size(a, t, style.size);
	style.color = textanim_color(a, t, style.color);
	int ti = textanim_text(a, t);
	const char *content = ti >= 0 ? a->texts[ti].text : n->u.text.content;
	int moving = a->kind != IR_TA_NONE && textanim_units(a, t, st->word_of, st->nunits, style.size, st->fx);
	const ir_text_style *was = &n->u.text.style;
	int same_color = !memcmp(&style.color, &was->color, sizeof style.color);
	*show = &st->t;
	if (!moving && style.size == was->size && same_color && !strcmp(content, n->u.text.content ? n->u.text.content : ""))
		return 0;
	*show = &st->cur;
	if (!moving && st->cur.surf && !st->cur_moving && st->cur_size == style.size && st->cur_text == ti &&
	    !memcmp(&st->cur_color, &style.color, sizeof style.color))
		return 0;
	/* room for a rising unit's offset and a popping one's overshoot */
	text_fx fx = {a->letters, st->fx, st->nunits, style.size * 0.5};
	text_req r = {content, NULL, &style, n->u.text.wrap_width, st->k};
	text_out o;
	char cause[256];
	int rc = text_render_fx(*cx->fonts, &r, moving ? &fx : NULL, &o, cause, sizeof cause);
	if (rc)
		return rterr_node(rc, cx->p, n, err, errlen, "cannot render text \"%.40s\" at %.3fs: %s", content, t, cause);
	surf_free(st->cur.surf);
	st->cur = o;
	st->cur_moving = moving;
	st->cur_size = style.size;
	st->cur_color = style.color;
	st->cur_text = ti;
	return 0;
}

static int text_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		      char *err, size_t errlen)
{
	text_state *st = state;
	const text_out *t = &st->t;
	if (st->animated) {
		int rc = anim_frame(cx, n, st, f, &t, err, errlen);
		if (rc)
			return rc;
	}
	src_view_set(v, t->surf, t->nat_w, t->nat_h, t->ox, t->oy, st->k, st->k);
	return 0;
}

static void text_release(void *state)
{
	text_state *st = state;
	surf_free(st->t.surf);
	surf_free(st->cur.surf);
	free(st->word_of);
	free(st->fx);
	free(st);
}

const src_ops text_source = {text_prepare, text_frame, text_release};
