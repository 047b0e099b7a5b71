/*
 * rt_group.c - groups (SPEC §18.1) in the frame graph: a group's opacity applies to its
 * children's composite (two overlapping opaque children in a 50% group show the top one at 50%
 * where they overlap, never a mix of both); a group with no transform gives the same bytes as
 * its children drawn in the scene; children show only while the group does; a moved group moves
 * them; and the graph refuses a group nested too deep or holding itself.
 */
#include "rt_test.h"

/* A group node holding the n layers in ids (which must come before it), and its layer: a
 * canvas box with anchor 0,0 at (x, y). Returns the layer. */
static int t_group(ir_program *p, int *ids, int n, double x, double y)
{
	ir_node *g = ir_node_add(p, IR_GROUP);
	g->u.group.name = "g";
	g->u.group.layers = ids;
	g->u.group.nlayers = n;
	return t_layer(p, g->id, x, y, p->width, p->height, IR_FIT_FILL);
}

/* Blue background; red [10,30)^2 under green [20,40)^2, both opaque, in a group at 50%. */
static void test_group_opacity(void)
{
	ir_program *p = t_prog(64, 48, 10);
	p->background = t_rgb(0, 0, 255);
	int red = t_layer(p, t_solid(p, t_rgb(255, 0, 0)), 10, 10, 20, 20, IR_FIT_FILL);
	int green = t_layer(p, t_solid(p, t_rgb(0, 255, 0)), 20, 20, 20, 20, IR_FIT_FILL);
	int grp = t_group(p, t_ids(p, 2, red, green), 2, 0, 0);
	p->nodes[grp].u.layer.opacity = ir_curve_const(p, 0.5);
	t_one_scene(p, grp);
	surf_t *s = t_render(p, NULL, 2);
	CHECK(s, "render failed");
	if (s) {
		/* faded one by one, the overlap would be green 50% over red 50% over blue: (64,128,64) */
		CHECK(t_near(t_px(s, 25, 25), 0, 128, 127, 1), "overlap: green at 50%% over blue " PXFMT,
		      PXARG(t_px(s, 25, 25)));
		CHECK(t_near(t_px(s, 12, 12), 128, 0, 127, 1), "red alone at 50%% " PXFMT, PXARG(t_px(s, 12, 12)));
		CHECK(t_near(t_px(s, 35, 35), 0, 128, 127, 1), "green alone at 50%% " PXFMT, PXARG(t_px(s, 35, 35)));
		CHECK(t_near(t_px(s, 50, 5), 0, 0, 255, 0), "outside the children: background " PXFMT,
		      PXARG(t_px(s, 50, 5)));
	}
	surf_free(s);
	ir_program_free(p);
}

/* Soft edges (fractional boxes), a translucent child and a nested group: with a group that
 * places its picture as it is, the frame is byte for byte the frame without the groups. */
static ir_program *soft_scene(int grouped)
{
	ir_program *p = t_prog(64, 48, 10);
	p->background = t_rgb(30, 60, 90);
	int a = t_layer(p, t_solid(p, t_rgb(250, 200, 10)), 5.3, 7.7, 20.4, 13.1, IR_FIT_FILL);
	int b = t_layer(p, t_solid(p, t_rgb(10, 220, 120)), 15.5, 12.25, 30.6, 20.2, IR_FIT_FILL);
	p->nodes[b].u.layer.opacity = ir_curve_const(p, 0.6);
	p->nodes[b].u.layer.rotation = ir_curve_const(p, 17);
	int c = t_layer(p, t_solid(p, t_rgb(200, 20, 220)), 30.1, 20.9, 15, 15, IR_FIT_FILL);
	p->nodes[c].u.layer.opacity = ir_curve_const(p, 0.7);
	if (!grouped) {
		t_scene(p, 0, 10, t_ids(p, 3, a, b, c), 3);
	} else {
		int inner = t_group(p, t_ids(p, 1, c), 1, 0, 0);
		int outer = t_group(p, t_ids(p, 3, a, b, inner), 3, 0, 0);
		t_scene(p, 0, 10, t_ids(p, 1, outer), 1);
	}
	t_timeline(p, t_ids(p, 1, p->nnodes - 1), 1, NULL, 0);
	return p;
}

static int same_pixels(const surf_t *x, const surf_t *y)
{
	for (int r = 0; r < x->h; r++)
		if (memcmp(x->px + (size_t)r * x->stride, y->px + (size_t)r * y->stride, (size_t)x->w * 4))
			return 0;
	return 1;
}

static void test_group_identity(void)
{
	ir_program *p = soft_scene(0), *q = soft_scene(1);
	surf_t *s = t_render(p, NULL, 1), *t = t_render(q, NULL, 1);
	CHECK(s && t, "render failed");
	if (s && t) {
		CHECK(same_pixels(s, t), "a group with no transform changes the pixels");
		/* and the group's picture is really composited when it moves: one pixel right */
		ir_node *outer = &q->nodes[q->nodes[q->nodes[q->timeline].u.timeline.scenes[0]].u.scene.layers[0]];
		outer->u.layer.x = ir_curve_const(q, 1);
		surf_t *m = t_render(q, NULL, 1);
		CHECK(m && t_px(m, 6, 10) == t_px(s, 5, 10) && t_px(m, 5, 10) == t_px(s, 4, 10),
		      "moved 1px: " PXFMT " vs " PXFMT, PXARG(m ? t_px(m, 6, 10) : 0), PXARG(t_px(s, 5, 10)));
		surf_free(m);
	}
	surf_free(s);
	surf_free(t);
	ir_program_free(p);
	ir_program_free(q);
}

/* The children show only while the group's layer does. */
static void test_group_time(void)
{
	ir_program *p = t_prog(32, 32, 10);
	int red = t_layer(p, t_solid(p, t_rgb(255, 0, 0)), 0, 0, 32, 32, IR_FIT_FILL);
	int grp = t_group(p, t_ids(p, 1, red), 1, 4, 0);
	t_one_scene(p, grp);
	p->nodes[grp].f0 = 5;
	rt_graph *g = t_graph(p, "time");
	surf_t *before = g ? t_render(p, g, 2) : NULL, *during = g ? t_render(p, g, 6) : NULL;
	CHECK(before && t_near(t_px(before, 10, 10), 0, 0, 0, 0), "before the group: background");
	CHECK(during && t_near(t_px(during, 10, 10), 255, 0, 0, 0) && t_near(t_px(during, 2, 10), 0, 0, 0, 0),
	      "during the group, moved 4px right: red from x=4");
	if (g)
		graph_release_before(g, 10); /* the group's buffer goes with it (asan: no leak, no reuse) */
	surf_t *again = g ? t_render(p, g, 7) : NULL;
	CHECK(again && t_near(t_px(again, 10, 10), 255, 0, 0, 0), "rendered again after a release");
	surf_free(before);
	surf_free(during);
	surf_free(again);
	graph_free(g);
	ir_program_free(p);
}

/* Nested IR_GROUP_MAX_DEPTH + 1 deep, or holding its own layer: refused before any frame. */
static void test_group_limits(void)
{
	char err[512];
	rt_graph *g = NULL;
	ir_program *p = t_prog(16, 16, 2);
	int l = t_layer(p, t_solid(p, t_rgb(1, 2, 3)), 0, 0, 16, 16, IR_FIT_FILL);
	for (int d = 0; d < IR_GROUP_MAX_DEPTH; d++)
		l = t_group(p, t_ids(p, 1, l), 1, 0, 0);
	t_one_scene(p, l);
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "%d levels are allowed: %s", IR_GROUP_MAX_DEPTH, err);
	graph_free(g);
	g = NULL;
	ir_program_free(p);

	p = t_prog(16, 16, 2);
	l = t_layer(p, t_solid(p, t_rgb(1, 2, 3)), 0, 0, 16, 16, IR_FIT_FILL);
	for (int d = 0; d <= IR_GROUP_MAX_DEPTH; d++)
		l = t_group(p, t_ids(p, 1, l), 1, 0, 0);
	t_one_scene(p, l);
	CHECK(graph_new(&g, p, err, sizeof err) == VE_LIMIT && strstr(err, "deeper than 8"), "too deep: %s", err);
	graph_free(g);
	g = NULL;
	ir_program_free(p);

	p = t_prog(16, 16, 2);
	ir_node *grp = ir_node_add(p, IR_GROUP);
	int gid = grp->id;
	int self = t_layer(p, gid, 0, 0, 16, 16, IR_FIT_FILL);
	p->nodes[gid].u.group.layers = t_ids(p, 1, self);
	p->nodes[gid].u.group.nlayers = 1;
	t_one_scene(p, self);
	CHECK(graph_new(&g, p, err, sizeof err) == VE_INVAL, "a group holding itself: %s", err);
	graph_free(g);
	ir_program_free(p);
}

int main(void)
{
	test_group_opacity();
	test_group_identity();
	test_group_time();
	test_group_limits();
	return check_done();
}
