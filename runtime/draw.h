/*
 * draw.h - drawing one surface onto another through a scale + translate (+ rotation) mapping,
 * with bilinear sampling and anti-aliased edges. Everything a layer draws goes through here.
 *
 * Positions are continuous and never rounded: source pixel i covers [i, i+1), its centre is
 * i + 0.5, and the same holds on the canvas. That is what makes Ken Burns motion smooth.
 */
#ifndef VIDC_DRAW_H
#define VIDC_DRAW_H

#include "surface.h"

typedef struct {
	double u0, v0, u1, v1; /* source window, in pixels of the source surface */
	double x0, y0, x1, y1; /* the canvas rectangle the window maps onto, before rotation */
	double rot;            /* degrees clockwise about (cx, cy) */
	double cx, cy;
	double opacity; /* 0..1 */
	int blend;      /* ir_blend (blend.h); 0 = normal, source-over */
} draw_params;

/* Draws the window of src over dst. Returns 0, or VE_NOMEM. Pixels outside the window but
 * inside src feed the bilinear filter at the window's edge (a crop, not a clamp). */
int draw_surface(surf_t *dst, const surf_t *src, const draw_params *p);

/* draw_surface in steps, for a canvas composed in horizontal bands: draw_job_new does the
 * per-call set-up (the columns' source indices and weights) for a canvas w pixels wide,
 * draw_job_rows draws the rows of the canvas that band dst holds (dst->oy, dst->h), and the
 * bands together give exactly the bits of one draw_surface. src and p must stay as they were
 * until draw_job_free. *out is NULL when the draw shows nothing. Returns 0, or VE_NOMEM. */
typedef struct draw_job draw_job;
int draw_job_new(draw_job **out, int w, const surf_t *src, const draw_params *p);
void draw_job_rows(const draw_job *j, surf_t *dst);
void draw_job_free(draw_job *j);
/* The canvas rectangle b = {x0, y0, x1, y1} the placed (maybe rotated) window of p covers. */
void draw_bounds(const draw_params *p, double b[4]);

#endif
