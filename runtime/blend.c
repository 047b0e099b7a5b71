/*
 * blend.c - the separable blend modes (see blend.h). Everything is integer: products of two
 * 8-bit values are in units of 255 * 255 and divided once, rounded, at the end, so multiply of
 * 50 % grey (128) and 200 gives 100 as the formula says. Each mode's term X = as ab B(Cb, Cs)
 * is written on premultiplied values, which needs no division by alpha:
 *     multiply  cs cb
 *     screen    cs ab + cb as - cs cb
 *     overlay   2 cs cb                          where 2 cb <= ab (a dark backdrop)
 *               as ab - 2 (ab - cb) (as - cs)    elsewhere (hard light with the roles swapped)
 *     add       min(as ab, cs ab + cb as)        (Linear Dodge: B = min(1, Cb + Cs))
 *     darken    min(cs ab, cb as)
 *     lighten   max(cs ab, cb as)
 */
#include "blend.h"

typedef int (*term_fn)(int cs, int cb, int as, int ab);

static int t_multiply(int cs, int cb, int as, int ab)
{
	return cs * cb;
}

static int t_screen(int cs, int cb, int as, int ab)
{
	return cs * ab + cb * as - cs * cb;
}

static int t_overlay(int cs, int cb, int as, int ab)
{
	return 2 * cb <= ab ? 2 * cs * cb : as * ab - 2 * (ab - cb) * (as - cs);
}

static int t_add(int cs, int cb, int as, int ab)
{
	int s = cs * ab + cb * as;
	return s < as * ab ? s : as * ab;
}

static int t_darken(int cs, int cb, int as, int ab)
{
	return cs * ab < cb * as ? cs * ab : cb * as;
}

static int t_lighten(int cs, int cb, int as, int ab)
{
	return cs * ab > cb * as ? cs * ab : cb * as;
}

/* v / 255 rounded, for 0 <= v < 2^24. */
static inline int div255(int v)
{
	return (v + 127) / 255;
}

static inline uint32_t mix(uint32_t d, uint32_t s, term_fn term)
{
	int as = (int)(s >> 24), ab = (int)(d >> 24);
	if (as == 0)
		return d;
	int ao = as + ab - div255(as * ab);
	uint32_t out = (uint32_t)ao << 24;
	for (int sh = 0; sh < 24; sh += 8) {
		int cs = (int)(s >> sh & 255), cb = (int)(d >> sh & 255);
		int co = div255(cs * (255 - ab) + cb * (255 - as) + term(cs, cb, as, ab));
		/* premultiplied: a channel never exceeds its alpha (rounding could push it over) */
		co = co < 0 ? 0 : co > ao ? ao : co;
		out |= (uint32_t)co << sh;
	}
	return out;
}

/* One pixel and one row function per mode; the term is a constant in each, so the compiler
 * inlines it and no pixel pays for the choice of mode. */
#define BLEND_MODE(NAME)                                                                              \
	static uint32_t px_##NAME(uint32_t d, uint32_t s)                                             \
	{                                                                                             \
		return mix(d, s, t_##NAME);                                                           \
	}                                                                                             \
	static void row_##NAME(uint32_t *d, const uint32_t *row, const int *ix, const uint16_t *w4, \
			       int n, unsigned k)                                                     \
	{                                                                                             \
		for (int i = 0; i < n; i++) {                                                         \
			uint32_t s = surf_lerp_px(row[ix[i]], row[ix[i] + 1], w4[4 * i]);             \
			d[i] = mix(d[i], surf_scale_px(s, k), t_##NAME);                              \
		}                                                                                     \
	}

BLEND_MODE(multiply)
BLEND_MODE(screen)
BLEND_MODE(overlay)
BLEND_MODE(add)
BLEND_MODE(darken)
BLEND_MODE(lighten)

static const struct {
	blend_px_fn px;
	blend_row_fn row;
} modes[IR_BLEND_COUNT] = {
	[IR_BLEND_NORMAL] = {surf_over_px, surf_row_sample_over},
	[IR_BLEND_MULTIPLY] = {px_multiply, row_multiply},
	[IR_BLEND_SCREEN] = {px_screen, row_screen},
	[IR_BLEND_OVERLAY] = {px_overlay, row_overlay},
	[IR_BLEND_ADD] = {px_add, row_add},
	[IR_BLEND_DARKEN] = {px_darken, row_darken},
	[IR_BLEND_LIGHTEN] = {px_lighten, row_lighten},
};

blend_px_fn blend_px(int mode)
{
	return mode > 0 && mode < IR_BLEND_COUNT ? modes[mode].px : surf_over_px;
}

blend_row_fn blend_row(int mode)
{
	return mode > 0 && mode < IR_BLEND_COUNT ? modes[mode].row : surf_row_sample_over;
}
