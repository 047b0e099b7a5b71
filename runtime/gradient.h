/*
 * gradient.h - a layer's gradient (ir_gradient, SPEC 18.3) drawn over its box: the fill of a
 * solid, a scrim over an image. The gradient is rendered once into a surface the size of the
 * box on the canvas (rendered again only when that size changes) and drawn through draw.c with
 * the layer's own draw_params, so rotation, opacity, edges and the blend mode apply to it as to
 * the layer.
 */
#ifndef VIDC_GRADIENT_H
#define VIDC_GRADIENT_H

#include "draw.h"

/* Largest side of a rendered gradient, in pixels: a box scaled far past the canvas draws an
 * upscaled gradient (smooth either way), so no spec can ask for a gigabyte surface. */
#define GRAD_MAX_SIDE 4096

/* Renders g into a w x h surface: pixel (x, y) gets the colour at its centre, with a fixed 4x4
 * ordered dither on the 8-bit result (deterministic; no banding steps on long soft ramps). */
void grad_fill(surf_t *s, const ir_gradient *g);
/* Draws a layer's picture onto dst with d: its source src (of IR kind src_kind) and its gradient
 * g (NULL: none). A gradient is a solid's fill (the solid's own colour is not drawn) and a scrim
 * over any other source (SPEC 18.3); decided here once for the plain path (graph.c) and the
 * looks scratch (looks.c). *cache: the rendered gradient, owned by the caller, kept from call
 * to call (free it with surf_free). Returns 0 or VE_NOMEM. */
int grad_draw_layer(surf_t *dst, const surf_t *src, ir_kind src_kind, const ir_gradient *g, surf_t **cache,
		    const draw_params *d);

#endif
