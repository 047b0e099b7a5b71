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
			    colors ? colors[c[ci].byte] : fill};
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

static void mask_blit(mask_t *m, const FT_Bitmap *bm, int left, int top)
{
	if (bm->pixel_mode != FT_PIXEL_MODE_GRAY)
		return;
	for (unsigned y = 0; y < bm->rows; y++) {
		int dy = top + (int)y;
		if (dy < 0 || dy >= m->h)
			continue;
		const uint8_t *src = bm->buffer + (long)y * bm->pitch;
		for (unsigned x = 0; x < bm->width; x++) {
			int dx = left + (int)x;
			if (dx < 0 || dx >= m->w)
				continue;
			uint8_t *d = &m->a[(size_t)dy * m->w + dx];
			if (src[x] > *d)
				*d = src[x];
		}
	}
}

/* Draws a coverage bitmap tinted with premultiplied colour col over s. */
static void tint_blit(surf_t *s, const FT_Bitmap *bm, int left, int top, uint32_t col)
{
	if (bm->pixel_mode != FT_PIXEL_MODE_GRAY)
		return;
	for (unsigned y = 0; y < bm->rows; y++) {
		int dy = top + (int)y;
		if (dy < 0 || dy >= s->h)
			continue;
		const uint8_t *src = bm->buffer + (long)y * bm->pitch;
		uint32_t *row = s->px + (size_t)dy * s->stride;
		for (unsigned x = 0; x < bm->width; x++) {
			int dx = left + (int)x;
			if (dx < 0 || dx >= s->w || !src[x])
				continue;
			row[dx] = surf_over_px(row[dx], surf_scale_px(col, src[x] + (src[x] >> 7)));
		}
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

/* A colour (BGRA, premultiplied) bitmap glyph scaled by sc with its top-left at (x, y). */
static int color_glyph(surf_t *dst, const FT_Bitmap *bm, double x, double y, double sc)
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
	draw_params dp = {0, 0, g->w, g->h, x, y, x + g->w * sc, y + g->h * sc, 0, 0, 0, 1};
	int rc = draw_surface(dst, g, &dp);
	surf_free(g);
	return rc;
}

/* ---- text_render ------------------------------------------------------------------------- */

int text_render(font_ctx *fc, const text_req *r, text_out *out, char *cause, size_t len)
{
	memset(out, 0, sizeof *out);
	const ir_text_style *st = r->style;
	double k = r->k > 0 ? r->k : 1;
	double px = (st->size > 0 ? st->size : 48) * k;
	if (px > 2000)
		px = 2000;
	font_face *primary;
	int rc = font_find(fc, st->font, st->weight, st->italic, &primary, cause, len);
	if (rc)
		return rc;
	tchar *c = NULL;
	int n = decode_chars(r->utf8 ? r->utf8 : "", &c);
	if (n < 0) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	hb_buffer_t *hb = hb_buffer_create();
	gbuf gl = {0};
	tline *lines = calloc((size_t)n + 1, sizeof *lines);
	int nlines = 0;
	surf_t *s = NULL, *fill = NULL;
	mask_t stroke = {0}, shadow = {0};
	FT_Stroker stroker = NULL;
	rc = VE_NOMEM;
	if (!hb_buffer_allocation_successful(hb) || !lines) {
		snprintf(cause, len, "out of memory");
		goto done;
	}
	uint32_t fillc = surf_pack(st->color);
	/* fonts per character */
	for (int i = 0; i < n; i++) {
		if (c[i].cp == '\n')
			continue;
		if (i > 0 && c[i - 1].cp != '\n' && joins_previous(c[i].cp)) {
			c[i].face = c[i - 1].face;
			continue;
		}
		c[i].face = font_for(fc, primary, c[i].cp, st->weight, st->italic);
		if (!c[i].face) {
			c[i].face = primary;
			out->missing++;
		}
	}
	/* paragraphs: levels, measuring, wrapping */
	double wrap = r->wrap_width > 0 ? r->wrap_width * k : 0;
	for (int a = 0; a <= n;) {
		int b = a;
		while (b < n && c[b].cp != '\n')
			b++;
		bidi_levels(c, a, b);
		for (int i = a; i < b;) {
			int j = i + 1;
			while (j < b && c[j].face == c[i].face && c[j].level == c[i].level)
				j++;
			shape_run(hb, c, i, j, px, 1, NULL, NULL, NULL, 0);
			i = j;
		}
		/* greedy wrapping at break opportunities */
		int s0 = a;
		while (1) {
			double w = 0;
			int brk = -1, i = s0;
			for (; i < b; i++) {
				if (wrap > 0 && w + c[i].adv > wrap && i > s0) {
					if (brk < 0 || brk < s0)
						brk = i - 1; /* no opportunity: break inside the word */
					break;
				}
				w += c[i].adv;
				if (is_break_after(c, i))
					brk = i;
			}
			int e = i >= b ? b : brk + 1;
			lines[nlines].s = s0;
			lines[nlines].e = e;
			nlines++;
			if (e >= b)
				break;
			s0 = e;
			while (s0 < b && c[s0].cp == ' ')
				s0++; /* a wrapped line does not start with the space it broke at */
			if (s0 >= b)
				break;
		}
		a = b + 1;
	}
	/* lines: trim trailing spaces, visual order of runs, glyphs */
	double maxw = 0;
	for (int li = 0; li < nlines; li++) {
		tline *L = &lines[li];
		int e = L->e;
		while (e > L->s && (c[e - 1].cp == ' ' || c[e - 1].cp == '\t'))
			e--;
		L->g0 = gl.n;
		/* runs in logical order */
		int runs[512][2], nr = 0;
		for (int i = L->s; i < e && nr < 512;) {
			int j = i + 1;
			while (j < e && c[j].face == c[i].face && c[j].level == c[i].level)
				j++;
			runs[nr][0] = i;
			runs[nr][1] = j;
			nr++;
			i = j;
		}
		/* L2: from the highest level down to 1, reverse every maximal sequence at >= level */
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
		double pen = 0;
		for (int i = 0; i < nr; i++)
			if (shape_run(hb, c, runs[i][0], runs[i][1], px, 0, &gl, &pen, r->colors, fillc)) {
				snprintf(cause, len, "out of memory");
				goto done;
			}
		L->ng = gl.n - L->g0;
		L->w = pen;
		if (pen > maxw)
			maxw = pen;
	}
	/* vertical metrics from the primary font */
	font_set_size(primary, px);
	double asc = primary->face->size->metrics.ascender / 64.0 * font_scale(primary);
	double desc = -primary->face->size->metrics.descender / 64.0 * font_scale(primary);
	if (asc <= 0)
		asc = px * 0.8;
	if (desc < 0)
		desc = px * 0.2;
	double spacing = st->line_spacing > 0 ? st->line_spacing : 1;
	double lh = (primary->face->size->metrics.height > 0 ? primary->face->size->metrics.height / 64.0 *
								    font_scale(primary)
							      : asc + desc) *
		    spacing;
	double block_h = (nlines - 1) * lh + asc + desc;
	int boxed = st->box_color.a > 0;
	double pad = boxed ? fmax(st->box_padding, 0) * k : 0;
	double nat_w = maxw + 2 * pad, nat_h = block_h + 2 * pad;
	if (nat_w < 1)
		nat_w = 1;
	/* margins for what draws outside the natural rectangle */
	double sw = st->stroke_width > 0 ? st->stroke_width * k : 0;
	int shadowed = st->shadow_color.a > 0;
	double blur = shadowed ? fmax(st->shadow_blur, 0) * k : 0;
	double m = sw + 0.3 * px + 2;
	if (shadowed)
		m += fmax(fabs(st->shadow_dx), fabs(st->shadow_dy)) * k + 3 * blur;
	int mi = (int)ceil(m);
	int W = (int)ceil(nat_w) + 2 * mi, H = (int)ceil(nat_h) + 2 * mi;
	if ((double)W * H > 64e6) {
		snprintf(cause, len, "text too large (%dx%d px)", W, H);
		rc = VE_INVAL;
		goto done;
	}
	s = surf_new(W, H);
	fill = surf_new(W, H);
	stroke.w = shadow.w = W;
	stroke.h = shadow.h = H;
	if (!s || !fill || (sw > 0 && !(stroke.a = calloc((size_t)W * H, 1))) ||
	    (shadowed && !(shadow.a = calloc((size_t)W * H, 1)))) {
		snprintf(cause, len, "out of memory");
		goto done;
	}
	if (sw > 0) {
		if (FT_Stroker_New(primary->face->glyph->library, &stroker)) {
			snprintf(cause, len, "cannot create a stroker");
			rc = VE_IO;
			goto done;
		}
		FT_Stroker_Set(stroker, (FT_Fixed)lrint(sw * 64), FT_STROKER_LINECAP_ROUND,
			       FT_STROKER_LINEJOIN_ROUND, 0);
	}
	double ox = mi, oy = mi;
	for (int li = 0; li < nlines; li++) {
		tline *L = &lines[li];
		double lx = ox + pad;
		if (st->align == IR_ALIGN_CENTER)
			lx += (maxw - L->w) / 2;
		else if (st->align == IR_ALIGN_RIGHT)
			lx += maxw - L->w;
		double base = oy + pad + asc + li * lh;
		for (int gi = L->g0; gi < L->g0 + L->ng; gi++) {
			tglyph *g = &gl.g[gi];
			double gx = lx + g->x, gy = base + g->y;
			font_face *f = g->face;
			font_set_size(f, px);
			if (f->bitmap) {
				if (FT_Load_Glyph(f->face, g->gid, FT_LOAD_COLOR))
					continue;
				FT_GlyphSlot sl = f->face->glyph;
				double sc = font_scale(f);
				if (color_glyph(fill, &sl->bitmap, gx + sl->bitmap_left * sc, gy - sl->bitmap_top * sc, sc)) {
					snprintf(cause, len, "out of memory");
					goto done;
				}
				out->glyphs++;
				continue;
			}
			if (FT_Load_Glyph(f->face, g->gid, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT))
				continue;
			FT_GlyphSlot sl = f->face->glyph;
			if (sl->format != FT_GLYPH_FORMAT_OUTLINE)
				continue;
			/* integer pen + sub-pixel remainder moved into the outline */
			int ix = (int)floor(gx), iy = (int)floor(gy);
			FT_Outline_Translate(&sl->outline, (FT_Pos)lrint((gx - ix) * 64), -(FT_Pos)lrint((gy - iy) * 64));
			if (stroker) {
				FT_Glyph gg;
				if (!FT_Get_Glyph(sl, &gg)) {
					if (!FT_Glyph_Stroke(&gg, stroker, 1) &&
					    !FT_Glyph_To_Bitmap(&gg, FT_RENDER_MODE_NORMAL, NULL, 1)) {
						FT_BitmapGlyph bg = (FT_BitmapGlyph)gg;
						mask_blit(&stroke, &bg->bitmap, ix + bg->left, iy - bg->top);
					}
					FT_Done_Glyph(gg);
				}
			}
			if (FT_Render_Glyph(sl, FT_RENDER_MODE_NORMAL))
				continue;
			tint_blit(fill, &sl->bitmap, ix + sl->bitmap_left, iy - sl->bitmap_top, g->color);
			out->glyphs++;
		}
	}
	/* compose: box, shadow, stroke, fill */
	if (boxed)
		surf_fill_round_rect(s, ox, oy, ox + nat_w, oy + nat_h, fmax(st->box_radius, 0) * k, surf_pack(st->box_color));
	if (shadowed) {
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				uint8_t a = (uint8_t)(fill->px[(size_t)y * fill->stride + x] >> 24);
				if (stroke.a && stroke.a[(size_t)y * W + x] > a)
					a = stroke.a[(size_t)y * W + x];
				shadow.a[(size_t)y * W + x] = a;
			}
		if (blur_mask(&shadow, blur / 2)) {
			snprintf(cause, len, "out of memory");
			goto done;
		}
		int dx = (int)lrint(st->shadow_dx * k), dy = (int)lrint(st->shadow_dy * k);
		uint32_t col = surf_pack(st->shadow_color);
		for (int y = 0; y < H; y++) {
			int sy = y - dy;
			if (sy < 0 || sy >= H)
				continue;
			uint32_t *row = s->px + (size_t)y * s->stride;
			for (int x = 0; x < W; x++) {
				int sx = x - dx;
				if (sx < 0 || sx >= W)
					continue;
				uint8_t a = shadow.a[(size_t)sy * W + sx];
				if (a)
					row[x] = surf_over_px(row[x], surf_scale_px(col, a + (a >> 7)));
			}
		}
	}
	if (stroke.a) {
		uint32_t col = surf_pack(st->stroke_color);
		for (int y = 0; y < H; y++) {
			uint32_t *row = s->px + (size_t)y * s->stride;
			for (int x = 0; x < W; x++) {
				uint8_t a = stroke.a[(size_t)y * W + x];
				if (a)
					row[x] = surf_over_px(row[x], surf_scale_px(col, a + (a >> 7)));
			}
		}
	}
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
done:
	if (stroker)
		FT_Stroker_Done(stroker);
	free(stroke.a);
	free(shadow.a);
	surf_free(fill);
	surf_free(s);
	free(gl.g);
	free(lines);
	hb_buffer_destroy(hb);
	free(c);
	return rc;
}

/* ---- the IR_TEXT source ------------------------------------------------------------------ */

typedef struct {
	text_out t;
	double k;
} text_state;

static int text_prepare(rt_graph *g, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = graph_program(g);
	font_ctx *fc;
	char cause[256];
	int rc = graph_fonts(g, &fc, cause, sizeof cause);
	if (rc)
		return rterr_node(rc, p, n, err, errlen, "cannot render text: %s", cause);
	text_state *st = calloc(1, sizeof *st);
	if (!st)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	text_req r = {n->u.text.content, NULL, &n->u.text.style, n->u.text.wrap_width, 1};
	rc = text_render(fc, &r, &st->t, cause, sizeof cause);
	if (!rc) {
		/* Text drawn larger than its natural size (a scale-up animation, a large box) is
		 * rasterised again at that size, so it stays crisp instead of being magnified. */
		double need = graph_need_scale(g, n->id, st->t.nat_w, st->t.nat_h);
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
	*state = st;
	return 0;
}

static int text_frame(rt_graph *g, const ir_node *n, void *state, int64_t f, src_view *v, char *err,
		      size_t errlen)
{
	text_state *st = state;
	v->surf = st->t.surf;
	v->nat_w = st->t.nat_w;
	v->nat_h = st->t.nat_h;
	v->ox = st->t.ox;
	v->oy = st->t.oy;
	v->kx = v->ky = st->k;
	return 0;
}

static void text_release(void *state)
{
	text_state *st = state;
	surf_free(st->t.surf);
	free(st);
}

const src_ops text_source = {text_prepare, text_frame, text_release};
