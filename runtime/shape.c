/*
 * shape.c - the vector shape source (issue 16): the node's path (compiler/shape.c made every
 * kind a path in its natural box) filled and stroked by path.c at the largest scale any layer
 * draws it (layer_need_scale), so a shape scaled up stays sharp. The picture depends on the
 * frame only through the trim, so it is drawn again only when the trim moves.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "path.h"
#include "rterr.h"
#include "source.h"

/* The longest side a shape is rasterised at: past it the layer's draw scales the picture up. */
#define SHAPE_MAX_SIDE 8192

typedef struct {
	surf_t *surf;
	double k;          /* surface pixels per natural pixel */
	double t0, t1;     /* the trim the surface shows */
	path_flat flat;    /* the whole path, flattened at scale k */
	double len;        /* its length */
} shape_state;

static int shape_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	double w = fmax(n->u.shape.w, 1e-3), h = fmax(n->u.shape.h, 1e-3);
	shape_state *st = calloc(1, sizeof *st);
	if (!st)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	if (!isfinite(w) || !isfinite(h) || !isfinite(n->u.shape.stroke_width)) {
		free(st);
		return rterr_node(VE_INVAL, p, n, err, errlen, "invalid program: shape n%d has a size that is not a number", n->id);
	}
	/* the picture's bounds: a side and the rasteriser's pixel budget (path.h); a layer that
	 * shows it larger scales this picture up */
	st->k = layer_need_scale(p, n->id, w, h);
	if (w * st->k > SHAPE_MAX_SIDE || h * st->k > SHAPE_MAX_SIDE)
		st->k = SHAPE_MAX_SIDE / fmax(w, h);
	if (w * st->k * h * st->k > PATH_MAX_PIXELS)
		st->k = sqrt(PATH_MAX_PIXELS / (w * h)) * 0.999;
	int sw = (int)ceil(w * st->k), sh = (int)ceil(h * st->k);
	vidc_err e = {0};
	path_xform t = {{st->k, 0, 0, st->k, 0, 0}};
	if (!(st->surf = surf_new(sw < 1 ? 1 : sw, sh < 1 ? 1 : sh)) ||
	    path_flatten(&n->u.shape.path, &t, 0.1, &st->flat, &e)) {
		surf_free(st->surf);
		free(st);
		return rterr_node(e.code ? e.code : VE_NOMEM, p, n, err, errlen, "shape: %s",
				  e.code ? e.msg : "out of memory");
	}
	st->len = path_flat_length(&st->flat);
	st->t0 = st->t1 = -1; /* nothing drawn yet */
	*state = st;
	return 0;
}

/* mask's coverage of colour c drawn over s. */
static void paint(surf_t *s, const path_mask *m, ir_color c)
{
	uint32_t px = surf_pack(c);
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			unsigned a = m->a[(size_t)y * (size_t)m->w + (size_t)x];
			if (a)
				s->px[(size_t)y * (size_t)s->stride + (size_t)x] =
					surf_over_px(s->px[(size_t)y * (size_t)s->stride + (size_t)x],
						     surf_scale_px(px, a + (a >> 7)));
		}
}

/* Draws the path trimmed to [t0, t1] into st->surf. */
static int draw(shape_state *st, const ir_node *n, double t0, double t1, vidc_err *e)
{
	path_flat part = {0};
	path_mask m = {0};
	surf_t *s = st->surf;
	memset(s->px, 0, sizeof(uint32_t) * (size_t)s->stride * (size_t)s->h);
	const path_flat *f = &st->flat;
	int rc = 0;
	if (t0 > 0 || t1 < 1) {
		if ((rc = path_flat_trim(&st->flat, t0, t1, &part, e)))
			return rc;
		f = &part;
	}
	if (!(rc = path_mask_new(&m, s->w, s->h, e))) {
		if (n->u.shape.fill.a && !(rc = path_fill(f, n->u.shape.rule, &m, e)))
			paint(s, &m, n->u.shape.fill);
		if (!rc && n->u.shape.stroke.a && n->u.shape.stroke_width > 0 &&
		    !(rc = path_stroke(f, n->u.shape.stroke_width * st->k, n->u.shape.cap, &m, e)))
			paint(s, &m, n->u.shape.stroke);
	}
	path_mask_free(&m);
	path_flat_free(&part);
	return rc;
}

static int shape_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		       char *err, size_t errlen)
{
	shape_state *st = state;
	double t = ir_frame_time(cx->p, f);
	double t0 = fmax(0, fmin(1, ir_curve_eval(&n->u.shape.trim_start, t)));
	double t1 = fmax(0, fmin(1, ir_curve_eval(&n->u.shape.trim_end, t)));
	if (t0 != st->t0 || t1 != st->t1) {
		vidc_err e = {0};
		if (draw(st, n, t0, t1, &e))
			return rterr_node(e.code, cx->p, n, err, errlen, "shape: %s", e.msg);
		st->t0 = t0, st->t1 = t1;
	}
	v->surf = st->surf;
	v->nat_w = fmax(n->u.shape.w, 1e-3);
	v->nat_h = fmax(n->u.shape.h, 1e-3);
	v->ox = v->oy = 0;
	v->kx = v->ky = st->k;
	return 0;
}

static void shape_release(void *state)
{
	shape_state *st = state;
	if (!st)
		return;
	surf_free(st->surf);
	path_flat_free(&st->flat);
	free(st);
}

const src_ops shape_source = {shape_prepare, shape_frame, shape_release};
