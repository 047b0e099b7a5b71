/*
 * solid.c - the solid colour source: a 1x1 surface stretched over the layer's box (bilinear
 * sampling of one pixel is that colour everywhere; the box edges still get anti-aliasing). Its
 * natural size is the canvas, so a layer without w/h fills the frame.
 */
#include <stdlib.h>

#include "rterr.h"
#include "source.h"

static int solid_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	surf_t *s = surf_new(1, 1);
	if (!s)
		return rterr_node(VE_NOMEM, cx->p, n, err, errlen, "out of memory");
	s->px[0] = surf_pack(n->u.solid.color);
	*state = s;
	return 0;
}

static int solid_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		       char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	v->surf = state;
	v->nat_w = p->width;
	v->nat_h = p->height;
	v->ox = v->oy = 0;
	v->kx = 1.0 / p->width;
	v->ky = 1.0 / p->height;
	return 0;
}

static void solid_release(void *state)
{
	surf_free(state);
}

const src_ops solid_source = {solid_prepare, solid_frame, solid_release};
