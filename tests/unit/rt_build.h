/*
 * rt_build.h - building small ir_programs by hand (programs, solids, images, layers, ramps,
 * scenes, transitions, the timeline) for the runtime's unit tests (through rt_test.h) and the
 * fuzz targets that drive the runtime without the compiler. Header-only; no test counters.
 */
#ifndef VIDC_RT_BUILD_H
#define VIDC_RT_BUILD_H

#include <stdarg.h>

#include "../../base/arena.h"
#include "../../compiler/ir.h"

static inline ir_program *t_prog(int w, int h, int64_t frames)
{
	ir_program *p = ir_program_new();
	p->spec = "test.vid";
	p->preset = "test";
	p->width = w;
	p->height = h;
	p->fps_num = 30;
	p->fps_den = 1;
	p->frames = frames;
	p->background = (ir_color){0, 0, 0, 255};
	p->safe = (ir_rect){0, 0, w, h};
	return p;
}

static inline ir_color t_rgb(int r, int g, int b)
{
	return (ir_color){(uint8_t)r, (uint8_t)g, (uint8_t)b, 255};
}

static inline int t_solid(ir_program *p, ir_color c)
{
	ir_node *n = ir_node_add(p, IR_SOLID);
	n->u.solid.color = c;
	return n->id;
}

static inline int t_image(ir_program *p, const char *path, int line)
{
	ir_node *n = ir_node_add(p, IR_IMAGE);
	n->u.image.path = arena_strdup(p->arena, path);
	n->u.image.src = n->u.image.path;
	n->file = "test.vid";
	n->line = line;
	n->col = 3;
	return n->id;
}

/* A layer with constant box (x, y is the top-left: anchor 0,0). w, h <= 0: natural size. */
static inline int t_layer(ir_program *p, int src, double x, double y, double w, double h, ir_fit fit)
{
	ir_node *n = ir_node_add(p, IR_LAYER);
	n->u.layer.source = src;
	n->u.layer.x = ir_curve_const(p, x);
	n->u.layer.y = ir_curve_const(p, y);
	n->u.layer.w = ir_curve_const(p, w);
	n->u.layer.h = ir_curve_const(p, h);
	n->u.layer.opacity = ir_curve_const(p, 1);
	n->u.layer.scale = ir_curve_const(p, 1);
	n->u.layer.rotation = ir_curve_const(p, 0);
	n->u.layer.zoom = ir_curve_const(p, 1);
	n->u.layer.pan_x = ir_curve_const(p, 0.5);
	n->u.layer.pan_y = ir_curve_const(p, 0.5);
	n->u.layer.fit = fit;
	return n->id;
}

/* A two-key linear curve from v0 at t0 to v1 at t1. */
static inline ir_curve t_ramp(ir_program *p, double t0, double v0, double t1, double v1, ir_ease_kind e)
{
	ir_curve c = {2, arena_alloc(p->arena, 2 * sizeof(ir_key))};
	c.keys[0].t = t0;
	c.keys[0].v = v0;
	c.keys[0].ease.kind = e;
	c.keys[1].t = t1;
	c.keys[1].v = v1;
	return c;
}

static inline int *t_ids(ir_program *p, int n, ...)
{
	int *ids = arena_alloc(p->arena, sizeof(int) * (size_t)(n ? n : 1));
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		ids[i] = va_arg(ap, int);
	va_end(ap);
	return ids;
}

static inline int t_scene(ir_program *p, int64_t f0, int64_t f1, int *layers, int nlayers)
{
	ir_node *n = ir_node_add(p, IR_SCENE);
	n->f0 = f0;
	n->f1 = f1;
	n->u.scene.name = "s";
	n->u.scene.layers = layers;
	n->u.scene.nlayers = nlayers;
	for (int i = 0; i < nlayers; i++) {
		p->nodes[layers[i]].f0 = f0;
		p->nodes[layers[i]].f1 = f1;
	}
	return n->id;
}

static inline int t_timeline(ir_program *p, int *scenes, int ns, int *trs, int nt)
{
	ir_node *n = ir_node_add(p, IR_TIMELINE);
	n->u.timeline.scenes = scenes;
	n->u.timeline.nscenes = ns;
	n->u.timeline.transitions = trs;
	n->u.timeline.ntransitions = nt;
	p->timeline = n->id;
	return n->id;
}

/* The timeline of one scene over the whole program holding just layer; returns the scene. */
static inline int t_one_scene(ir_program *p, int layer)
{
	int sc = t_scene(p, 0, p->frames, t_ids(p, 1, layer), 1);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	return sc;
}

/* A transition of kind from scene `from` to scene `to` over frames [f0, f1), linear; the
 * caller sets what else the kind needs (direction, colour, hook) on the node returned. */
static inline ir_node *t_transition(ir_program *p, ir_transition_kind kind, int from, int to,
				    int64_t f0, int64_t f1)
{
	ir_node *tr = ir_node_add(p, IR_TRANSITION);
	tr->f0 = f0;
	tr->f1 = f1;
	tr->u.transition.type = kind;
	tr->u.transition.from = from;
	tr->u.transition.to = to;
	tr->u.transition.ease.kind = IR_EASE_LINEAR;
	return tr;
}

#endif
