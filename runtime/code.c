/*
 * code.c - the IR_CODE source: a syntax-highlighted snippet in the program's code font (the
 * platform file's, DejaVu Sans Mono as shipped) on a rounded,
 * themed panel, with an optional line-number gutter.
 *
 * The snippet is static, so everything happens in prepare: highlight.c classifies each byte,
 * tabs expand to stops every 4 columns, text.c shapes and rasterises the code (one colour per
 * byte) and the line numbers, and both are laid onto the panel. Frames then hand out that one
 * surface. Lines are never wrapped or clipped: the panel grows to the longest line, and a
 * layer's size/fit scales it down when it must fit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/utf8.h"
#include "font.h"
#include "highlight.h"
#include "layer.h"
#include "rterr.h"
#include "source.h"
#include "text.h"

#define TAB_STOP 4

/* Straight sRGB colours of a theme; cls is indexed by hl_class. Dark follows Atom's One Dark,
 * light GitHub's light theme: both are familiar to viewers and legible on video. */
typedef struct {
	ir_color panel, border, numbers;
	ir_color cls[HL_COUNT];
} theme;

#define C(hex) {(uint8_t)((hex) >> 16), (uint8_t)((hex) >> 8 & 255), (uint8_t)((hex) & 255), 255}

static const theme dark = {
	C(0x282c34), C(0x3e4451), C(0x636d83),
	{C(0xabb2bf), C(0xc678dd), C(0xe5c07b), C(0x98c379), C(0x7f848e), C(0xd19a66), C(0xa0a8b7),
	 C(0x61afef), C(0xe06c75)},
};
static const theme light = {
	C(0xf6f8fa), C(0xd0d7de), C(0x8c959f),
	{C(0x1f2328), C(0xcf222e), C(0x953800), C(0x0a3069), C(0x6e7781), C(0x0550ae), C(0x1f2328),
	 C(0x8250df), C(0x116329)},
};

typedef struct {
	surf_t *surf;
	double nat_w, nat_h, k;
} code_state;

/* The snippet as drawn: CR dropped, tabs expanded, trailing blank lines removed; cls and colors
 * are per byte of text. Returns the number of lines, or -1 when out of memory. */
static int layout_text(const char *src, int lang, const theme *th, char **text, uint32_t **colors)
{
	size_t n = strlen(src);
	unsigned char *cls = malloc(n + 1);
	size_t tabs = 0;
	for (size_t i = 0; i < n; i++)
		tabs += src[i] == '\t';
	size_t cap = n + tabs * (TAB_STOP - 1) + 1;
	char *t = malloc(cap);
	uint32_t *col = malloc(cap * sizeof *col);
	if (!cls || !t || !col) {
		free(cls);
		free(t);
		free(col);
		return -1;
	}
	hl_classify(lang, src, n, cls);
	uint32_t pal[HL_COUNT];
	for (int c = 0; c < HL_COUNT; c++)
		pal[c] = surf_pack(th->cls[c]);
	size_t k = 0;
	int column = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];
		if (ch == '\r')
			continue;
		if (ch == '\t') {
			do {
				t[k] = ' ';
				col[k++] = pal[HL_PLAIN];
			} while (++column % TAB_STOP);
			continue;
		}
		t[k] = (char)ch;
		col[k++] = pal[cls[i] < HL_COUNT ? cls[i] : HL_PLAIN];
		if (ch == '\n')
			column = 0;
		else if (!utf8_is_cont((unsigned char)ch))
			column++; /* columns count characters, not UTF-8 bytes */
	}
	while (k > 0 && (t[k - 1] == '\n' || t[k - 1] == ' '))
		k--;
	t[k] = 0;
	free(cls);
	int lines = 1;
	for (size_t i = 0; i < k; i++)
		lines += t[i] == '\n';
	*text = t;
	*colors = col;
	return lines;
}

/* src over dst with src's pixel (0,0) at dst pixel (dx, dy), clipped to dst. */
static void blit_over(surf_t *dst, const surf_t *src, int dx, int dy)
{
	for (int y = 0; y < src->h; y++) {
		int ty = y + dy;
		if (ty < 0 || ty >= dst->h)
			continue;
		const uint32_t *s = src->px + (size_t)y * src->stride;
		uint32_t *d = dst->px + (size_t)ty * dst->stride;
		for (int x = 0; x < src->w; x++) {
			int tx = x + dx;
			if (tx >= 0 && tx < dst->w && s[x])
				d[tx] = surf_over_px(d[tx], s[x]);
		}
	}
}

/* Lays out and rasterises the panel at k surface pixels per natural pixel. */
static int render_panel(font_ctx *fc, const ir_program *p, const ir_node *n, double k,
			code_state *out, char *cause, size_t len)
{
	const theme *th = n->u.code.theme && !strcmp(n->u.code.theme, "light") ? &light : &dark;
	double fs = n->u.code.font_size > 0 ? n->u.code.font_size : 32;
	char *txt = NULL, *nums = NULL;
	uint32_t *colors = NULL;
	text_out code = {0}, num = {0};
	int rc = VE_NOMEM;
	int lines = layout_text(n->u.code.source ? n->u.code.source : "", hl_lang(n->u.code.lang), th,
				&txt, &colors);
	if (lines < 0) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	ir_text_style st;
	memset(&st, 0, sizeof st);
	st.font = p->font_code ? p->font_code : FONT_GENERIC_CODE;
	st.weight = 400;
	st.size = fs;
	st.line_spacing = 1.2;
	st.color = th->cls[HL_PLAIN];
	st.align = IR_ALIGN_LEFT;
	text_req r = {txt, colors, &st, 0, k};
	if ((rc = text_render(fc, &r, &code, cause, len)))
		goto done;
	double gutter = 0;
	if (n->u.code.line_numbers) {
		/* "1\n2\n...": right-aligned, so the digits line up with the code's lines */
		int digits = snprintf(NULL, 0, "%d", lines);
		if (!(nums = malloc((size_t)lines * (size_t)(digits + 1) + 1))) {
			snprintf(cause, len, "out of memory");
			rc = VE_NOMEM;
			goto done;
		}
		size_t at = 0;
		for (int i = 1; i <= lines; i++)
			at += (size_t)sprintf(nums + at, i < lines ? "%d\n" : "%d", i);
		ir_text_style ns = st;
		ns.color = th->numbers;
		ns.align = IR_ALIGN_RIGHT;
		text_req nr = {nums, NULL, &ns, 0, k};
		if ((rc = text_render(fc, &nr, &num, cause, len)))
			goto done;
		gutter = num.nat_w + fs * 1.1;
	}
	double padx = fs * 0.9, pady = fs * 0.7, radius = fs * 0.45;
	double W = padx + gutter + code.nat_w + padx, H = pady + code.nat_h + pady;
	int sw = (int)ceil(W * k - 1e-6), sh = (int)ceil(H * k - 1e-6);
	if ((double)sw * sh > 64e6) {
		snprintf(cause, len, "code panel too large (%dx%d px)", sw, sh);
		rc = VE_INVAL;
		goto done;
	}
	surf_t *s = surf_new(sw, sh);
	if (!s) {
		snprintf(cause, len, "out of memory");
		rc = VE_NOMEM;
		goto done;
	}
	/* a hairline border (1 px at natural size) keeps the panel distinct on a background of
	 * nearly the same colour */
	surf_fill_round_rect(s, 0, 0, W * k, H * k, radius * k, surf_pack(th->border));
	surf_fill_round_rect(s, k, k, (W - 1) * k, (H - 1) * k, (radius - 1) * k, surf_pack(th->panel));
	if (num.surf)
		blit_over(s, num.surf, (int)lrint(padx * k - num.ox), (int)lrint(pady * k - num.oy));
	blit_over(s, code.surf, (int)lrint((padx + gutter) * k - code.ox), (int)lrint(pady * k - code.oy));
	out->surf = s;
	out->nat_w = W;
	out->nat_h = H;
	out->k = k;
	rc = 0;
done:
	surf_free(code.surf);
	surf_free(num.surf);
	free(txt);
	free(nums);
	free(colors);
	return rc;
}

static int code_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	font_ctx *fc;
	char cause[256];
	void *mem;
	int rc = text_begin(cx, n, "code", sizeof(code_state), &fc, &mem, err, errlen);
	if (rc)
		return rc;
	code_state *st = mem;
	rc = render_panel(fc, p, n, 1, st, cause, sizeof cause);
	if (!rc) {
		/* Drawn at another size than natural (a zoom on the code, or a long snippet scaled
		 * down to fit): rasterise again at the largest size it is drawn at, so glyphs stay
		 * crisp instead of being magnified, or hinted at their real size instead of being
		 * minified by the bilinear sampler, which aliases thin strokes below half size. */
		double need = layer_need_scale(p, n->id, st->nat_w, st->nat_h);
		if (need > 1.05 || need < 0.95) {
			code_state big;
			rc = render_panel(fc, p, n, need > 4 ? 4 : need < 0.05 ? 0.05 : need, &big, cause, sizeof cause);
			if (!rc) {
				surf_free(st->surf);
				*st = big;
			}
		}
	}
	if (rc) {
		surf_free(st->surf);
		free(st);
		return rterr_node(rc, p, n, err, errlen, "cannot render %s code: %s",
				  n->u.code.lang && n->u.code.lang[0] ? n->u.code.lang : "text", cause);
	}
	*state = st;
	return 0;
}

static int code_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		      char *err, size_t errlen)
{
	code_state *st = state;
	src_view_set(v, st->surf, st->nat_w, st->nat_h, 0, 0, st->k, st->k);
	return 0;
}

static void code_release(void *state)
{
	code_state *st = state;
	surf_free(st->surf);
	free(st);
}

const src_ops code_source = {code_prepare, code_frame, code_release};
