/*
 * source.h - the interface every visual source kind implements (solid, image, video, text,
 * code, hook), in the manner of MLT producers: prepare once, hand out a frame for frame f,
 * release. graph.c keeps one state per source node and a table of these ops indexed by ir_kind.
 * Sources are leaves: they get what they need in a src_ctx and never call back into graph.c.
 */
#ifndef VIDC_SOURCE_H
#define VIDC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "surface.h"

struct font_ctx;

/* Work the sources of one graph did, counted so that a test can bound the work of a render
 * (sequential decoding, not a seek per frame) instead of its time. */
typedef struct {
	long long decoded; /* video pictures decoded */
	long long seeks;   /* video decoder seeks */
} src_work;

/* What every source call gets from the graph: the program, the render's font context
 * (*fonts, shared by text, code and hooks; created on first use with font_ctx_get so a video
 * without text never loads fontconfig) and the graph's work counters (NULL: not counted). How
 * large a source is ever drawn comes from layer_need_scale (layer.h). */
typedef struct {
	const ir_program *p;
	struct font_ctx **fonts;
	src_work *work;
	/* Groups (SPEC §18.1, group.c): draws group node n's child layers at frame f into a
	 * transparent canvas-sized surface the graph owns (one per nesting level, so the group's
	 * picture is valid until the layer that shows it has drawn it) and sets *out to it. A call
	 * into the graph through a pointer, so sources stay leaves; NULL where no graph runs (a
	 * unit test of one source). gud is the graph. */
	int (*group_draw)(void *gud, const ir_node *n, int64_t f, const surf_t **out, char *err,
			  size_t errlen);
	void *gud;
} src_ctx;

/* What a source shows at one frame. The source's natural rectangle [0,nat_w] x [0,nat_h]
 * (pixels, e.g. an image's own size) lies in surf at surface pixel (ox + kx * x, oy + ky * y):
 * the surface may be a downscaled copy (kx, ky < 1) and may carry margins around the natural
 * rectangle (a text's shadow and stroke) that are drawn but do not count for placement. */
typedef struct {
	const surf_t *surf;
	double nat_w, nat_h;
	double ox, oy, kx, ky;
} src_view;

/* A view of surface s with the natural rectangle's origin at surface pixel (ox, oy) and kx, ky
 * surface pixels per natural pixel. */
static inline void src_view_set(src_view *v, const surf_t *s, double nat_w, double nat_h, double ox,
				double oy, double kx, double ky)
{
	v->surf = s;
	v->nat_w = nat_w;
	v->nat_h = nat_h;
	v->ox = ox;
	v->oy = oy;
	v->kx = kx;
	v->ky = ky;
}

/* A view of all of surface s, whose natural rectangle is nat_w x nat_h (s may be a scaled copy). */
static inline void src_view_whole(src_view *v, const surf_t *s, double nat_w, double nat_h)
{
	v->surf = s;
	v->nat_w = nat_w;
	v->nat_h = nat_h;
	v->ox = v->oy = 0;
	v->kx = s->w / nat_w;
	v->ky = s->h / nat_h;
}

typedef struct {
	/* Loads and decodes what the node needs; *state is the source's own. */
	int (*prepare)(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen);
	/* The picture for video frame f (the node is active at f). */
	int (*frame)(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		     char *err, size_t errlen);
	void (*release)(void *state);
} src_ops;

extern const src_ops solid_source, image_source, video_source, text_source, code_source,
	group_source;
extern const src_ops shape_source; /* issue 16, shape.c */

#endif
