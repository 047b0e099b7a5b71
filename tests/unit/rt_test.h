/*
 * rt_test.h - helpers shared by the runtime's unit tests (tests/unit/rt_*.c): building small
 * ir_programs by hand and rendering frames through the runtime's internal graph API.
 */
#ifndef VIDC_RT_TEST_H
#define VIDC_RT_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/arena.h"
#include "../../base/file.h"
#include "../../compiler/ir.h"
#include "../../runtime/graph.h"
#include "../../runtime/encode.h"
#include "../../runtime/render.h"
#include "../../runtime/surface.h"

#include "check.h"
#define t_failures failures /* the runtime tests' name for check.h's counter */


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

/* Renders frame f with a fresh graph (or g when given). Returns NULL and prints on error. */
static inline surf_t *t_render(const ir_program *p, rt_graph *g, int64_t f)
{
	char err[512];
	rt_graph *own = NULL;
	if (!g) {
		if (graph_new(&own, p, err, sizeof err)) {
			fprintf(stderr, "graph_new: %s\n", err);
			return NULL;
		}
		g = own;
	}
	surf_t *s = surf_new(p->width, p->height);
	if (!s || graph_render(g, f, s, err, sizeof err)) {
		fprintf(stderr, "graph_render(%lld): %s\n", (long long)f, err);
		surf_free(s);
		s = NULL;
	}
	graph_free(own);
	return s;
}

static inline uint32_t t_px(const surf_t *s, int x, int y)
{
	return s->px[(size_t)y * s->stride + x];
}

/* |channel difference| <= tol for r, g, b. */
static inline int t_near(uint32_t px, int r, int g, int b, int tol)
{
	return abs((int)(px & 255) - r) <= tol && abs((int)(px >> 8 & 255) - g) <= tol &&
	       abs((int)(px >> 16 & 255) - b) <= tol;
}

#define PXFMT "(%u,%u,%u)"
#define PXARG(p) (unsigned)((p) & 255), (unsigned)((p) >> 8 & 255), (unsigned)((p) >> 16 & 255)

/* A private scratch directory under /tmp for generated assets. */
/* Writes surface s as a PNG at path, or ends the test (status 2: it could not run). */
static inline void t_write_png(const surf_t *s, const char *path)
{
	char cause[256];
	uint8_t *png;
	size_t n;
	vidc_err e;
	if (enc_png(s, &png, &n, cause, sizeof cause)) {
		fprintf(stderr, "enc_png: %s\n", cause);
		exit(2);
	}
	if (file_write_atomic(path, png, n, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		exit(2);
	}
	free(png);
}

#endif
