/*
 * surface.c - premultiplied RGBA buffers (see surface.h). The inner loops work on two 8-bit
 * channels at once in one 32-bit word ("SWAR": R,B in the 0x00ff00ff lanes, G,A shifted down),
 * which keeps them integer, exact to rounding, and fast enough without SIMD intrinsics.
 */
#include "surface.h"

#include <stdlib.h>
#include <string.h>

#define LANES 0x00ff00ffu

surf_t *surf_new(int w, int h)
{
	if (w <= 0 || h <= 0 || (size_t)w * (size_t)h > ((size_t)1 << 30))
		return NULL;
	surf_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->w = w;
	s->h = h;
	s->stride = (w + 15) & ~15; /* 64-byte rows help the vectoriser and the cache */
	size_t bytes = (size_t)s->stride * (size_t)h * 4;
	if (posix_memalign((void **)&s->px, 64, bytes)) {
		free(s);
		return NULL;
	}
	memset(s->px, 0, bytes);
	return s;
}

void surf_free(surf_t *s)
{
	if (!s)
		return;
	free(s->px);
	free(s);
}

uint32_t surf_pack(ir_color c)
{
	unsigned a = c.a;
	unsigned r = (c.r * a + 127) / 255, g = (c.g * a + 127) / 255, b = (c.b * a + 127) / 255;
	return r | g << 8 | b << 16 | (uint32_t)a << 24;
}

/* x * a / 256 on both lanes, rounded. a in 0..256. */
static inline uint32_t lanes_scale(uint32_t x, unsigned a)
{
	return ((x * a + 0x00800080u) >> 8) & LANES;
}

uint32_t surf_scale_px(uint32_t p, unsigned a)
{
	if (a >= 256)
		return p;
	return lanes_scale(p & LANES, a) | lanes_scale((p >> 8) & LANES, a) << 8;
}

/* x * m / 255 on both lanes, exactly rounded (Blinn's trick). m in 0..255. */
static inline uint32_t lanes_mul255(uint32_t x, unsigned m)
{
	uint32_t t = x * m + 0x00800080u;
	return ((t + ((t >> 8) & LANES)) >> 8) & LANES;
}

uint32_t surf_over_px(uint32_t d, uint32_t s)
{
	unsigned sa = s >> 24;
	if (sa == 255)
		return s;
	if (s == 0)
		return d;
	unsigned ia = 255 - sa;
	uint32_t rb = lanes_mul255(d & LANES, ia) + (s & LANES);
	uint32_t ga = lanes_mul255((d >> 8) & LANES, ia) + ((s >> 8) & LANES);
	return rb | ga << 8;
}

void surf_fill(surf_t *s, uint32_t px)
{
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++)
			row[x] = px;
	}
}

void surf_fill_rect(surf_t *s, int x0, int y0, int x1, int y1, uint32_t px)
{
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > s->w)
		x1 = s->w;
	if (y1 > s->h)
		y1 = s->h;
	if ((px >> 24) == 0 && px == 0)
		return;
	for (int y = y0; y < y1; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		if ((px >> 24) == 255)
			for (int x = x0; x < x1; x++)
				row[x] = px;
		else
			for (int x = x0; x < x1; x++)
				row[x] = surf_over_px(row[x], px);
	}
}

static inline uint32_t lerp_px(uint32_t a, uint32_t b, unsigned t, unsigned it)
{
	uint32_t rb = (((a & LANES) * it + (b & LANES) * t + 0x00800080u) >> 8) & LANES;
	uint32_t ga = ((((a >> 8) & LANES) * it + ((b >> 8) & LANES) * t + 0x00800080u) >> 8) & LANES;
	return rb | ga << 8;
}

void surf_lerp(surf_t *dst, const surf_t *a, const surf_t *b, unsigned t)
{
	if (t > 256)
		t = 256;
	unsigned it = 256 - t;
	for (int y = 0; y < dst->h; y++) {
		uint32_t *d = dst->px + (size_t)y * dst->stride;
		const uint32_t *pa = a->px + (size_t)y * a->stride, *pb = b->px + (size_t)y * b->stride;
		for (int x = 0; x < dst->w; x++)
			d[x] = lerp_px(pa[x], pb[x], t, it);
	}
}

void surf_lerp_color(surf_t *dst, const surf_t *a, uint32_t c, unsigned t)
{
	if (t > 256)
		t = 256;
	unsigned it = 256 - t;
	for (int y = 0; y < dst->h; y++) {
		uint32_t *d = dst->px + (size_t)y * dst->stride;
		const uint32_t *pa = a->px + (size_t)y * a->stride;
		for (int x = 0; x < dst->w; x++)
			d[x] = lerp_px(pa[x], c, t, it);
	}
}

void surf_blit_shift(surf_t *dst, const surf_t *src, int dx, int dy)
{
	int x0 = dx > 0 ? dx : 0, x1 = src->w + dx < dst->w ? src->w + dx : dst->w;
	int y0 = dy > 0 ? dy : 0, y1 = src->h + dy < dst->h ? src->h + dy : dst->h;
	if (x1 <= x0)
		return;
	for (int y = y0; y < y1; y++)
		memcpy(dst->px + (size_t)y * dst->stride + x0,
		       src->px + (size_t)(y - dy) * src->stride + (x0 - dx),
		       (size_t)(x1 - x0) * 4);
}

void surf_flatten(surf_t *s)
{
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++)
			row[x] |= 0xff000000u;
	}
}
