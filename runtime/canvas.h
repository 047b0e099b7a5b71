/*
 * canvas.h - the drawing API a Lua hook gets (SPEC.md, "Lua hooks"): a `canvas` userdata over a
 * premultiplied surface (surface.h) with shapes, gradients, images, shaped text, blend modes,
 * clipping and whole-surface filters (grain, grade, blur, row shifts), every pixel loop in C.
 * Image handles (`a`, `b` of a transition) are read-only surfaces the canvas can draw.
 *
 * A canvas or image handle is valid only during the hook call it was passed to; canvas_end_all
 * invalidates every handle given out since the last call, so a hook that keeps one in a global
 * gets an error, not a dangling pointer.
 */
#ifndef VIDC_CANVAS_H
#define VIDC_CANVAS_H

#include <lua.h>

#include "surface.h"

struct font_ctx;

/* Registers the metatables in a new state (lua_host.c calls it). */
void canvas_register(lua_State *L);
/* The folder canvas:image("file.png", ...) reads pictures from (the hook file's). */
void canvas_set_dir(lua_State *L, const char *dir);
/* Pushes a canvas drawing into s (text through fonts, which may be NULL: text then fails). */
void canvas_push(lua_State *L, surf_t *s, struct font_ctx *fonts);
/* Pushes a read-only image handle of s. */
void canvas_push_image(lua_State *L, const surf_t *s);
/* Invalidates every canvas and image handle pushed so far. */
void canvas_end_all(lua_State *L);

/* The C kernels, also used without Lua. Colours are premultiplied pixels. */
void canvas_noise(surf_t *s, double amount, uint64_t seed, int mono);
/* The inner loops of canvas:radial_gradient and canvas_noise at a vector level of simd.h (every
 * level gives the same values; tests compare them). canvas_radial_row_at: for x0 <= i < x1,
 * idx[i - x0] = the position 0..1024 along the radius of pixel (i + 0.5, row at dy from the
 * centre cx): (distance - r0) * k, clamped and rounded. canvas_grain_row_at: adds n0, n1, n2
 * (|n| < 256; the same array three times for mono grain) to R, G, B of w premultiplied pixels. */
void canvas_radial_row_at(int level, int *idx, int x0, int x1, float dy, float cx, float k, float r0);
void canvas_grain_row_at(int level, uint32_t *row, const int16_t *n0, const int16_t *n1, const int16_t *n2,
			 int w);
void canvas_box_blur(surf_t *s, double radius);

#endif
