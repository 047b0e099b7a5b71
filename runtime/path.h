/*
 * path.h - vector paths to coverage masks: an ir_path (moves, lines, cubics, closes) is
 * flattened to polylines under an affine transform, optionally trimmed to a part of its length,
 * then filled (nonzero or even-odd) or stroked into an 8-bit anti-aliased coverage mask. Knows
 * nothing of layers or shapes: a shape source (shape.c) uses it, and so may a path mask.
 */
#ifndef VIDC_PATH_H
#define VIDC_PATH_H

#include <stdint.h>

#include "../base/err.h"
#include "../compiler/ir.h"

/* Bounds on the work a path can ask for (SPEC §14): segments after flattening (a cubic gives at
 * most PATH_MAX_CURVE_SEGS), the mask's pixels and the rasteriser's cells. */
#define PATH_MAX_SEGMENTS 1000000
#define PATH_MAX_CURVE_SEGS 256
#define PATH_MAX_PIXELS (1 << 24)
/* Cells the rasteriser may write for one fill or stroke (about half a second): a path past it
 * is refused with VE_LIMIT rather than drawn for minutes. */
#define PATH_MAX_WORK 150000000

/* One polyline: n points (x, y) in xy; closed joins its last point to its first. */
typedef struct {
	double *xy;
	int n, cap;
	int closed;
} path_poly;

/* A flattened path: its polylines in order (each subpath one, an empty subpath none). */
typedef struct {
	path_poly *polys;
	int n, cap;
	long long points; /* over all polylines, held under PATH_MAX_SEGMENTS */
} path_flat;

/* A coverage mask: w x h bytes, 0 outside, 255 inside. */
typedef struct {
	int w, h;
	uint8_t *a;
} path_mask;

/* x' = m[0] x + m[2] y + m[4], y' = m[1] x + m[3] y + m[5] (the cairo / canvas order). */
typedef struct {
	double m[6];
} path_xform;

/* Flattens p under t so that no point of a curve's polyline is farther than tol px from the
 * curve (tol > 0; 0.1 px is invisible). 0, or VE_INVAL (an unknown command: the IR is not
 * trusted), VE_LIMIT or VE_NOMEM with e set. Points that are not finite are kept and drawn as
 * nothing. *out is overwritten (free it before reuse). */
int path_flatten(const ir_path *p, const path_xform *t, double tol, path_flat *out, vidc_err *e);
void path_flat_free(path_flat *f);
/* The length of all polylines (a closed one with its closing side). */
double path_flat_length(const path_flat *f);
/* The part of f between fractions t0 and t1 (0..1, t0 <= t1) of its length, measured over all
 * polylines in order, into *out (zeroed or freed before). A closed polyline kept whole stays
 * closed; a part of one is open. */
int path_flat_trim(const path_flat *f, double t0, double t1, path_flat *out, vidc_err *e);

/* A zeroed w x h mask; VE_LIMIT past PATH_MAX_PIXELS, VE_NOMEM. */
int path_mask_new(path_mask *m, int w, int h, vidc_err *e);
void path_mask_free(path_mask *m);
/* Fills f into m (open polylines closed implicitly, as SVG fills them): each pixel gets the area
 * of it the path covers, exact for edges that do not overlap inside the pixel. */
int path_fill(const path_flat *f, ir_fill_rule rule, path_mask *m, vidc_err *e);
/* Strokes f into m: width px, round joins, cap at the ends of open polylines. */
int path_stroke(const path_flat *f, double width, ir_cap cap, path_mask *m, vidc_err *e);

#endif
