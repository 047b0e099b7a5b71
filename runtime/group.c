/*
 * group.c - the group source (SPEC §18.1): a precomp. Its picture is its child layers drawn at
 * frame f into a transparent canvas-sized surface, which the group's own layer then places like
 * any picture (moved, scaled, rotated, faded as one). The drawing is the graph's, the same code
 * that draws a scene, reached through src_ctx.group_draw; the surface is the graph's too (one per
 * nesting level), so a group holds no state of its own and a hundred groups cost one buffer.
 */
#include "rterr.h"
#include "source.h"

static int group_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	*state = NULL;
	if (!cx->group_draw)
		return rterr_node(VE_UNSUPPORTED, cx->p, n, err, errlen,
				  "group n%d can only be drawn by a frame graph", n->id);
	return 0;
}

static int group_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		       char *err, size_t errlen)
{
	const surf_t *s;
	int rc = cx->group_draw(cx->gud, n, f, &s, err, errlen);
	if (rc)
		return rc;
	/* canvas-sized, natural size the canvas: children keep canvas coordinates */
	src_view_whole(v, s, cx->p->width, cx->p->height);
	return 0;
}

static void group_release(void *state)
{
}

const src_ops group_source = {group_prepare, group_frame, group_release};
