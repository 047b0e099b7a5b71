/*
 * draw.c - the layer sampler (see draw.h). The axis-aligned path, which every frame of a Ken
 * Burns photo takes, is separable: per-column source indices and 8-bit weights are computed once
 * per call, each output row blends two source rows into a scratch row, then blends horizontally.
 * Weights are 1/256 pixel, far below what phase correlation or an eye can see.
 */
#include "draw.h"

#include <math.h>
#include <stdlib.h>

#include "../base/err.h"
#include "blend.h"

#define LANES 0x00ff00ffu

static inline uint32_t lerp_px(uint32_t a, uint32_t b, unsigned t)
{
	unsigned it = 256 - t;
	uint32_t rb = (((a & LANES) * it + (b & LANES) * t + 0x00800080u) >> 8) & LANES;
	uint32_t ga = ((((a >> 8) & LANES) * it + ((b >> 8) & LANES) * t + 0x00800080u) >> 8) & LANES;
	return rb | ga << 8;
}

/* Source index and weight of the sample at continuous source coordinate u (pixel centres at
 * i + 0.5), clamped to the surface. */
static inline void sample_pos(double u, int n, int *i0, int *i1, unsigned *w)
{
	u -= 0.5;
	if (u <= 0) {
		*i0 = *i1 = 0;
		*w = 0;
		return;
	}
	if (u >= n - 1) {
		*i0 = *i1 = n - 1;
		*w = 0;
		return;
	}
	int i = (int)u;
	unsigned k = (unsigned)lrint((u - i) * 256);
	if (k >= 256) {
		i++;
		k = 0;
	}
	*i0 = i;
	*i1 = i + 1 < n ? i + 1 : n - 1;
	*w = k;
}

/* Fraction (0..256) of the unit cell [c, c+1) inside [a, b). */
static inline unsigned coverage(int c, double a, double b)
{
	double lo = c > a ? c : a, hi = c + 1 < b ? c + 1 : b;
	double f = hi - lo;
	if (f <= 0)
		return 0;
	if (f >= 1)
		return 256;
	return (unsigned)lrint(f * 256);
}

static int draw_axis(surf_t *dst, const surf_t *src, const draw_params *p, unsigned op, blend_row_fn row)
{
	/* clamp in double first: a far off-canvas layer must not overflow an int */
	int X0 = (int)fmax(0, floor(p->x0)), X1 = (int)fmin(dst->w, ceil(p->x1));
	int Y0 = (int)fmax(0, floor(p->y0)), Y1 = (int)fmin(dst->h, ceil(p->y1));
	if (X1 <= X0 || Y1 <= Y0)
		return 0;
	int nx = X1 - X0;
	double sx = (p->u1 - p->u0) / (p->x1 - p->x0), sy = (p->v1 - p->v0) / (p->y1 - p->y0);
	int *ix = malloc(sizeof(int) * (size_t)nx);
	unsigned *cov = malloc(sizeof(unsigned) * (size_t)nx);
	uint16_t *w4 = malloc(sizeof(uint16_t) * 4 * (size_t)nx);
	uint32_t *tmp = malloc(sizeof(uint32_t) * ((size_t)src->w + 1));
	if (!ix || !cov || !w4 || !tmp) {
		free(ix);
		free(cov);
		free(w4);
		free(tmp);
		return VE_NOMEM;
	}
	/* Columns: source index, weight, coverage. A sample always blends ix and ix + 1 (a clamped
	 * one with weight 0), so tmp holds one spare pixel past the span. The fully covered
	 * columns are one run [ia, ib); only the anti-aliased edges around it are scaled. */
	int lo = src->w, hi = 0, ia = nx, ib = 0;
	for (int i = 0; i < nx; i++) {
		int x = X0 + i, i1;
		unsigned w;
		sample_pos(p->u0 + (x + 0.5 - p->x0) * sx, src->w, &ix[i], &i1, &w);
		w4[4 * i] = w4[4 * i + 1] = w4[4 * i + 2] = w4[4 * i + 3] = (uint16_t)w;
		cov[i] = coverage(x, p->x0, p->x1);
		if (ix[i] < lo)
			lo = ix[i];
		if (ix[i] > hi)
			hi = ix[i];
		if (cov[i] == 256) {
			if (i < ia)
				ia = i;
			ib = i + 1;
		}
	}
	if (ib <= ia)
		ia = ib = 0;
	int span_end = hi + 1 < src->w ? hi + 1 : src->w - 1; /* last pixel a sample reads */
	tmp[span_end + 1 > src->w ? src->w : span_end + 1] = 0;
	for (int y = Y0; y < Y1; y++) {
		int iy0, iy1;
		unsigned wy;
		sample_pos(p->v0 + (y + 0.5 - p->y0) * sy, src->h, &iy0, &iy1, &wy);
		unsigned cy = coverage(y, p->y0, p->y1) * op >> 8;
		if (cy == 0)
			continue;
		const uint32_t *r0 = src->px + (size_t)iy0 * src->stride;
		const uint32_t *r1 = src->px + (size_t)iy1 * src->stride;
		surf_row_lerp(tmp + lo, r0 + lo, r1 + lo, span_end + 1 - lo, wy);
		uint32_t *d = dst->px + (size_t)y * dst->stride + X0;
		for (int i = 0; i < nx; i++) {
			if (i == ia && ib > ia) {
				row(d + ia, tmp, ix + ia, w4 + 4 * ia, ib - ia, cy);
				i = ib - 1;
				continue;
			}
			row(d + i, tmp, ix + i, w4 + 4 * i, 1, cov[i] * cy >> 8);
		}
	}
	free(ix);
	free(cov);
	free(w4);
	free(tmp);
	return 0;
}

static uint32_t sample_bilinear(const surf_t *s, double u, double v)
{
	int x0, x1, y0, y1;
	unsigned wx, wy;
	sample_pos(u, s->w, &x0, &x1, &wx);
	sample_pos(v, s->h, &y0, &y1, &wy);
	const uint32_t *r0 = s->px + (size_t)y0 * s->stride, *r1 = s->px + (size_t)y1 * s->stride;
	return lerp_px(lerp_px(r0[x0], r0[x1], wx), lerp_px(r1[x0], r1[x1], wx), wy);
}

/* The general path: inverse-map every canvas pixel of the rotated rectangle's bounds. Rotation
 * is rare (titles, stickers), so this favours clarity over speed. */
void draw_bounds(const draw_params *p, double b[4])
{
	double a = p->rot * M_PI / 180, c = cos(a), s = sin(a);
	double xs[4] = {p->x0, p->x1, p->x1, p->x0}, ys[4] = {p->y0, p->y0, p->y1, p->y1};
	b[0] = b[1] = INFINITY;
	b[2] = b[3] = -INFINITY;
	for (int i = 0; i < 4; i++) {
		double dx = xs[i] - p->cx, dy = ys[i] - p->cy;
		double X = p->cx + dx * c - dy * s, Y = p->cy + dx * s + dy * c;
		b[0] = fmin(b[0], X);
		b[2] = fmax(b[2], X);
		b[1] = fmin(b[1], Y);
		b[3] = fmax(b[3], Y);
	}
}

static int draw_rotated(surf_t *dst, const surf_t *src, const draw_params *p, unsigned op, blend_px_fn onto)
{
	double a = p->rot * M_PI / 180, c = cos(a), s = sin(a), b[4];
	draw_bounds(p, b);
	double bx0 = b[0], by0 = b[1], bx1 = b[2], by1 = b[3];
	int X0 = (int)fmax(0, floor(bx0)), X1 = (int)fmin(dst->w, ceil(bx1));
	int Y0 = (int)fmax(0, floor(by0)), Y1 = (int)fmin(dst->h, ceil(by1));
	double sx = (p->u1 - p->u0) / (p->x1 - p->x0), sy = (p->v1 - p->v0) / (p->y1 - p->y0);
	for (int y = Y0; y < Y1; y++) {
		uint32_t *d = dst->px + (size_t)y * dst->stride;
		for (int x = X0; x < X1; x++) {
			/* rotate the pixel centre back by -rot about the centre */
			double dx = x + 0.5 - p->cx, dy = y + 0.5 - p->cy;
			double qx = p->cx + dx * c + dy * s, qy = p->cy - dx * s + dy * c;
			double ex = fmin(qx - p->x0, p->x1 - qx) + 0.5, ey = fmin(qy - p->y0, p->y1 - qy) + 0.5;
			if (ex <= 0 || ey <= 0)
				continue;
			double cov = fmin(ex, 1) * fmin(ey, 1);
			uint32_t px = sample_bilinear(src, p->u0 + (qx - p->x0) * sx, p->v0 + (qy - p->y0) * sy);
			unsigned k = (unsigned)lrint(cov * op);
			if (k < 256)
				px = surf_scale_px(px, k);
			d[x] = onto(d[x], px);
		}
	}
	return 0;
}

int draw_surface(surf_t *dst, const surf_t *src, const draw_params *p)
{
	if (!src || !(p->x1 > p->x0) || !(p->y1 > p->y0) || !(p->u1 > p->u0) || !(p->v1 > p->v0))
		return 0;
	if (!(p->opacity > 0))
		return 0;
	unsigned op = p->opacity >= 1 ? 256 : (unsigned)lrint(p->opacity * 256);
	if (op == 0)
		return 0;
	double r = fmod(p->rot, 360);
	if (!isfinite(r))
		return 0;
	/* The kernels are chosen once per call: normal gets surface.c's source-over ones, exactly
	 * as before blend modes existed (blend.h). */
	if (fabs(r) > 1e-9)
		return draw_rotated(dst, src, p, op, blend_px(p->blend));
	return draw_axis(dst, src, p, op, blend_row(p->blend));
}
