/*
 * rt_test.h - helpers shared by the runtime's unit tests (tests/unit/rt_*.c): small ir_programs
 * built by hand (rt_build.h) rendered through the runtime's internal graph API.
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
#include "rt_build.h"
#define t_failures failures /* the runtime tests' name for check.h's counter */


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

/* A graph for p, or NULL after counting a failure that names what and graph_new's cause. */
static inline rt_graph *t_graph(const ir_program *p, const char *what)
{
	char err[512];
	rt_graph *g;
	if (graph_new(&g, p, err, sizeof err)) {
		CHECK(0, "%s: graph_new: %s", what, err);
		return NULL;
	}
	return g;
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
