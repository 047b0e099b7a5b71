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

/* A draw set up: the mapping, the kernels and, on the axis-aligned path, the columns. */
struct draw_job {
	const surf_t *src;
	draw_params p;
	unsigned op;   /* opacity, 1..256 */
	int rotated;   /* the general path (draw_rotated) */
	blend_row_fn row;
	blend_px_fn onto;
	/* axis-aligned: canvas columns [X0, X1), their source index ix, weight w4 (four times) and
	 * coverage; the fully covered run [ia, ib); the source columns [lo, span_end] a row reads;
	 * tmp, one source row's vertical blend */
	int X0, X1, nx, ia, ib, lo, span_end;
	int *ix;
	unsigned *cov;
	uint16_t *w4;
	uint32_t *tmp;
};

void draw_job_free(draw_job *j)
{
	if (!j)
		return;
	free(j->ix);
	free(j->cov);
	free(j->w4);
	free(j->tmp);
	free(j);
}

/* The columns of an axis-aligned draw onto a canvas w wide; 1 when it shows nothing. */
static int axis_setup(draw_job *j, int w)
{
	const draw_params *p = &j->p;
	const surf_t *src = j->src;
	/* clamp in double first: a far off-canvas layer must not overflow an int */
	int X0 = (int)fmax(0, floor(p->x0)), X1 = (int)fmin(w, ceil(p->x1));
	if (X1 <= X0)
		return 1;
	int nx = X1 - X0;
	double sx = (p->u1 - p->u0) / (p->x1 - p->x0);
	j->ix = malloc(sizeof(int) * (size_t)nx);
	j->cov = malloc(sizeof(unsigned) * (size_t)nx);
	j->w4 = malloc(sizeof(uint16_t) * 4 * (size_t)nx);
	j->tmp = malloc(sizeof(uint32_t) * ((size_t)src->w + 1));
	if (!j->ix || !j->cov || !j->w4 || !j->tmp)
		return VE_NOMEM;
	/* Columns: source index, weight, coverage. A sample always blends ix and ix + 1 (a clamped
	 * one with weight 0), so tmp holds one spare pixel past the span. The fully covered
	 * columns are one run [ia, ib); only the anti-aliased edges around it are scaled. */
	int lo = src->w, hi = 0, ia = nx, ib = 0;
	for (int i = 0; i < nx; i++) {
		int x = X0 + i, i1;
		unsigned wt;
		sample_pos(p->u0 + (x + 0.5 - p->x0) * sx, src->w, &j->ix[i], &i1, &wt);
		j->w4[4 * i] = j->w4[4 * i + 1] = j->w4[4 * i + 2] = j->w4[4 * i + 3] = (uint16_t)wt;
		j->cov[i] = coverage(x, p->x0, p->x1);
		if (j->ix[i] < lo)
			lo = j->ix[i];
		if (j->ix[i] > hi)
			hi = j->ix[i];
		if (j->cov[i] == 256) {
			if (i < ia)
				ia = i;
			ib = i + 1;
		}
	}
	if (ib <= ia)
		ia = ib = 0;
	int span_end = hi + 1 < src->w ? hi + 1 : src->w - 1; /* last pixel a sample reads */
	j->tmp[span_end + 1 > src->w ? src->w : span_end + 1] = 0;
	j->X0 = X0;
	j->X1 = X1;
	j->nx = nx;
	j->ia = ia;
	j->ib = ib;
	j->lo = lo;
	j->span_end = span_end;
	return 0;
}

/* The canvas rows of band dst that the axis-aligned draw j covers. */
static void axis_rows(const draw_job *j, surf_t *dst)
{
	const draw_params *p = &j->p;
	const surf_t *src = j->src;
	int Y0 = (int)fmax(dst->oy, floor(p->y0)), Y1 = (int)fmin(dst->oy + dst->h, ceil(p->y1));
	double sy = (p->v1 - p->v0) / (p->y1 - p->y0);
	int nx = j->nx, ia = j->ia, ib = j->ib, lo = j->lo;
	for (int y = Y0; y < Y1; y++) {
		int iy0, iy1;
		unsigned wy;
		sample_pos(p->v0 + (y + 0.5 - p->y0) * sy, src->h, &iy0, &iy1, &wy);
		unsigned cy = coverage(y, p->y0, p->y1) * j->op >> 8;
		if (cy == 0)
			continue;
		const uint32_t *r0 = src->px + (size_t)iy0 * src->stride;
		const uint32_t *r1 = src->px + (size_t)iy1 * src->stride;
		surf_row_lerp(j->tmp + lo, r0 + lo, r1 + lo, j->span_end + 1 - lo, wy);
		uint32_t *d = dst->px + (size_t)(y - dst->oy) * dst->stride + j->X0;
		for (int i = 0; i < nx; i++) {
			if (i == ia && ib > ia) {
				j->row(d + ia, j->tmp, j->ix + ia, j->w4 + 4 * ia, ib - ia, cy);
				i = ib - 1;
				continue;
			}
			j->row(d + i, j->tmp, j->ix + i, j->w4 + 4 * i, 1, j->cov[i] * cy >> 8);
		}
	}
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

static void draw_rotated(const draw_job *j, surf_t *dst)
{
	const draw_params *p = &j->p;
	const surf_t *src = j->src;
	double a = p->rot * M_PI / 180, c = cos(a), s = sin(a), b[4];
	draw_bounds(p, b);
	double bx0 = b[0], by0 = b[1], bx1 = b[2], by1 = b[3];
	int X0 = (int)fmax(0, floor(bx0)), X1 = (int)fmin(dst->w, ceil(bx1));
	int Y0 = (int)fmax(dst->oy, floor(by0)), Y1 = (int)fmin(dst->oy + dst->h, ceil(by1));
	double sx = (p->u1 - p->u0) / (p->x1 - p->x0), sy = (p->v1 - p->v0) / (p->y1 - p->y0);
	for (int y = Y0; y < Y1; y++) {
		uint32_t *d = dst->px + (size_t)(y - dst->oy) * dst->stride;
		for (int x = X0; x < X1; x++) {
			/* rotate the pixel centre back by -rot about the centre */
			double dx = x + 0.5 - p->cx, dy = y + 0.5 - p->cy;
			double qx = p->cx + dx * c + dy * s, qy = p->cy - dx * s + dy * c;
			double ex = fmin(qx - p->x0, p->x1 - qx) + 0.5, ey = fmin(qy - p->y0, p->y1 - qy) + 0.5;
			if (ex <= 0 || ey <= 0)
				continue;
			double cov = fmin(ex, 1) * fmin(ey, 1);
			uint32_t px = sample_bilinear(src, p->u0 + (qx - p->x0) * sx, p->v0 + (qy - p->y0) * sy);
			unsigned k = (unsigned)lrint(cov * j->op);
			if (k < 256)
				px = surf_scale_px(px, k);
			d[x] = j->onto(d[x], px);
		}
	}
}

int draw_job_new(draw_job **out, int w, const surf_t *src, const draw_params *p)
{
	*out = NULL;
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
	draw_job *j = calloc(1, sizeof *j);
	if (!j)
		return VE_NOMEM;
	j->src = src;
	j->p = *p;
	j->op = op;
	/* The kernels are chosen once per call: normal gets surface.c's source-over ones, exactly
	 * as before blend modes existed (blend.h). */
	j->rotated = fabs(r) > 1e-9;
	if (j->rotated) {
		j->onto = blend_px(p->blend);
	} else {
		j->row = blend_row(p->blend);
		int rc = axis_setup(j, w);
		if (rc) {
			draw_job_free(j);
			return rc < 0 ? rc : 0;
		}
	}
	*out = j;
	return 0;
}

void draw_job_rows(const draw_job *j, surf_t *dst)
{
	if (!j)
		return;
	if (j->rotated)
		draw_rotated(j, dst);
	else
		axis_rows(j, dst);
}

int draw_surface(surf_t *dst, const surf_t *src, const draw_params *p)
{
	draw_job *j;
	int rc = draw_job_new(&j, dst->w, src, p);
	if (rc)
		return rc;
	draw_job_rows(j, dst);
	draw_job_free(j);
	return 0;
}
