/*
 * looks.h - a layer's looks (issue 16, SPEC 18.2): mask, matte, corner radius, blur and drop
 * shadow. A layer with any of them is drawn into a transparent canvas-sized scratch surface
 * (kept from call to call), worked on there, and composited onto the destination with one
 * draw_surface call carrying the layer's draw_params (its opacity, and whatever else a
 * draw_params says, e.g. a blend mode). Only the layer's bounding box, grown by the blur and
 * the shadow, is touched, so a small masked logo costs little. Layers without looks never come
 * here (graph.c draws them as before).
 */
#ifndef VIDC_LOOKS_H
#define VIDC_LOOKS_H

#include "../compiler/ir.h"
#include "draw.h"
#include "path.h"
#include "surface.h"

typedef struct looks looks_t;

/* A path mask's coverage in canvas pixels (one byte each: a quarter of a surface), filled on
 * first use and again when its feather changes; one per layer, held by the caller (zeroed at
 * first, freed with looks_pmask_free). */
typedef struct {
	path_mask m;
	double feather;
} looks_pmask;

void looks_pmask_free(looks_pmask *pm);

/* Whether layer node l has any look (and so must be drawn through looks_draw). */
int looks_wanted(const ir_node *l);

/* What one looked layer draws at frame f: its source surface placed by d, and its matte's (when
 * l has a matte: matte NULL when the matte layer draws nothing at f, which hides the layer). */
typedef struct {
	const ir_program *p;
	const ir_node *l;
	int64_t f;
	const surf_t *src;
	const draw_params *d;
	const surf_t *matte;
	const draw_params *md;
	surf_t **grad; /* the layer's gradient picture cache (gradient.h), used when it has one */
	looks_pmask *pm; /* the layer's path mask, used when it has one */
} looks_job;

/* Draws the job onto dst. *lk holds the scratch surfaces: NULL at first (made here, sized as
 * dst), freed by looks_free. Returns 0, or VE_NOMEM, or a path mask's error (VE_LIMIT: a path
 * past path.h's bounds), with e saying which and why. */
int looks_draw(looks_t **lk, surf_t *dst, const looks_job *j, vidc_err *e);
void looks_free(looks_t *lk);

/* Three box blurs of radius r (0 = none) along rows then columns of s's rectangle [x0,x1) x
 * [y0,y1): about a Gaussian of sigma r (spread 3r each way). Past a side of the rectangle that
 * is an edge of s the edge pixels repeat (a full-frame picture keeps its borders); past any
 * other side is transparent. A flat region keeps its value exactly. tmp holds 2 * max(width, height) * 4 uint32. Public for
 * the unit test. */
void looks_blur(surf_t *s, int x0, int y0, int x1, int y1, int r, uint32_t *tmp);
/* looks_blur of one channel: the w x h bytes at a (rows w apart), edges repeated on every side;
 * each value comes out as looks_blur gives each channel of a grey surface. tmp as looks_blur's.
 * Public for the unit test. */
void looks_blur_a8(uint8_t *a, int w, int h, int r, uint32_t *tmp);
/* The box radius a blur of LEN px takes: LEN / 3 rounded, at least 1 for any LEN > 0. */
int looks_blur_radius(double len);

#endif
