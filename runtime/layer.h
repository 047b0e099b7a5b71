/*
 * layer.h - where a layer puts its source at frame f: the box from the x/y/w/h curves and the
 * anchor, the fit (cover, contain, fill, none) or Ken Burns window, then scale and rotation about
 * the anchor. The result is a draw_params (draw.h); nothing is rounded.
 */
#ifndef VIDC_LAYER_H
#define VIDC_LAYER_H

#include "../compiler/ir.h"
#include "draw.h"
#include "source.h"

/* Fills *d for layer node l at frame f showing view v. Returns 1 when something is visible, 0
 * when the layer draws nothing (zero size, zero opacity). */
int layer_place(const ir_program *p, const ir_node *l, int64_t f, const src_view *v,
		draw_params *d);

/* Canvas pixels per natural source pixel at which layer l draws a source of the given natural
 * size at frame f (the larger of the two axes). */
double layer_scale_at(const ir_program *p, const ir_node *l, int64_t f, double nat_w,
		      double nat_h);

/* The largest factor (canvas pixels per natural pixel) at which any layer of p ever draws
 * source node id, given its natural size; 1 when no layer uses it. Sources size their caches
 * (a photo's downscaled copy, text rasterised larger) by it. */
double layer_need_scale(const ir_program *p, int id, double nat_w, double nat_h);

/* The union of the natural-space windows [win[0], win[2]] x [win[1], win[3]] every layer of p
 * ever shows of source node id over its life (a Ken Burns or cover crop shows part of a photo):
 * a source may keep only that part. The whole natural rectangle when a layer's window is not
 * known ahead (an effect hook may move it) or no layer uses the source. */
void layer_need_window(const ir_program *p, int id, double nat_w, double nat_h, double win[4]);

#endif
