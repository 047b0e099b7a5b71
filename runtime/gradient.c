/*
 * gradient.c - linear and radial gradients (see gradient.h). The geometry is CSS's: a linear
 * gradient at angle a runs along (sin a, -cos a) through the box's centre over the length
 * |w sin a| + |h cos a|, so 0 % and 100 % land exactly on opposite corners (or edges); a radial
 * one is the ellipse through the corners (CSS's `ellipse farthest-corner`) centred on the box.
 * Stops interpolate in premultiplied alpha so a fade to transparent does not darken midway.
 */
#include "gradient.h"

#include <math.h>

#include "../base/err.h"

/* The 4x4 Bayer matrix: thresholds 0..15, spread so neighbours differ most. */
static const unsigned char bayer[4][4] = {{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};

/* Premultiplied colour at position t (0..1 along the gradient), channels 0..255 as doubles. */
static void color_at(const ir_gradient *g, double t, double out[4])
{
	int i = 0;
	while (i < g->nstops - 1 && t > g->pos[i + 1])
		i++;
	int j = i + 1 < g->nstops ? i + 1 : i;
	double span = g->pos[j] - g->pos[i], f = t <= g->pos[i] || span <= 0 ? (t <= g->pos[i] ? 0 : 1)
									  : (t - g->pos[i]) / span;
	if (f > 1)
		f = 1;
	ir_color a = g->color[i], b = g->color[j];
	double aa = a.a / 255.0, ba = b.a / 255.0;
	out[0] = a.r * aa * (1 - f) + b.r * ba * f;
	out[1] = a.g * aa * (1 - f) + b.g * ba * f;
	out[2] = a.b * aa * (1 - f) + b.b * ba * f;
	out[3] = a.a * (1 - f) + b.a * f;
}

static unsigned dither(double v, double th)
{
	double q = floor(v + th);
	return q < 0 ? 0 : q > 255 ? 255 : (unsigned)q;
}

void grad_fill(surf_t *s, const ir_gradient *g)
{
	double w = s->w, h = s->h, a = g->angle * M_PI / 180;
	double dx = sin(a), dy = -cos(a), len = fabs(w * dx) + fabs(h * dy);
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		double py = y + 0.5 - h / 2;
		for (int x = 0; x < s->w; x++) {
			double px = x + 0.5 - w / 2, t;
			if (g->radial)
				t = sqrt(px * px / (w * w / 4) + py * py / (h * h / 4)) / M_SQRT2;
			else
				t = len > 0 ? (px * dx + py * dy) / len + 0.5 : 0;
			double c[4];
			color_at(g, t < 0 ? 0 : t > 1 ? 1 : t, c);
			double th = (bayer[y & 3][x & 3] + 0.5) / 16;
			unsigned al = dither(c[3], th), r = dither(c[0], th), gg = dither(c[1], th), b = dither(c[2], th);
			/* premultiplied: no channel above alpha */
			r = r > al ? al : r;
			gg = gg > al ? al : gg;
			b = b > al ? al : b;
			row[x] = r | gg << 8 | b << 16 | (uint32_t)al << 24;
		}
	}
}

static int side(double v)
{
	double c = ceil(v - 1e-6);
	return c < 1 ? 1 : c > GRAD_MAX_SIDE ? GRAD_MAX_SIDE : (int)c;
}

/* g over the box d describes on dst, from *cache (rendered again when the box's size changes). */
static int draw_box(surf_t *dst, surf_t **cache, const ir_gradient *g, const draw_params *d)
{
	if (!(d->x1 > d->x0) || !(d->y1 > d->y0))
		return 0;
	int w = side(d->x1 - d->x0), h = side(d->y1 - d->y0);
	if (!*cache || (*cache)->w != w || (*cache)->h != h) {
		surf_free(*cache);
		if (!(*cache = surf_new(w, h)))
			return VE_NOMEM;
		grad_fill(*cache, g);
	}
	draw_params q = *d;
	q.u0 = q.v0 = 0;
	q.u1 = w;
	q.v1 = h;
	return draw_surface(dst, *cache, &q);
}

int grad_draw_layer(surf_t *dst, const surf_t *src, ir_kind src_kind, const ir_gradient *g, surf_t **cache,
		    const draw_params *d)
{
	int rc = 0;
	if (!g || src_kind != IR_SOLID)
		rc = draw_surface(dst, src, d);
	if (!rc && g)
		rc = draw_box(dst, cache, g, d);
	return rc;
}
