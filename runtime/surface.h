/*
 * surface.h - pixel buffers of the runtime and the whole-buffer operations on them.
 *
 * Pixels are 32-bit premultiplied RGBA, one uint32_t each, bytes R,G,B,A in memory order (so
 * on the little-endian machines we build for R is the low byte). Values are sRGB-encoded and
 * compositing happens in that encoding, as browsers and most editors do: it is not linear-light
 * correct, but it is what spec authors expect to see and it keeps every operation 8-bit integer.
 * Canvas-sized buffers come from the render's pool (render.c), never per frame.
 */
#ifndef VIDC_SURFACE_H
#define VIDC_SURFACE_H

#include <stdint.h>

#include "../compiler/ir.h"

typedef struct {
	int w, h;
	int stride; /* pixels per row */
	uint32_t *px;
	int opaque; /* set by surf_flatten: every pixel has alpha 255 (a hint; 0 = unknown) */
	/* A band of a canvas composed in horizontal bands (graph_render_bands): the canvas row
	 * of its first row. Only draw.h honours it (a layer drawn into a band draws the band's rows
	 * of the canvas); 0 everywhere else. */
	int oy;
} surf_t;

/* a * (256 - t) + b * t over 256, per channel, t in 0..256. */
static inline uint32_t surf_lerp_px(uint32_t a, uint32_t b, unsigned t)
{
	unsigned it = 256 - t;
	uint32_t rb = (((a & 0x00ff00ffu) * it + (b & 0x00ff00ffu) * t + 0x00800080u) >> 8) & 0x00ff00ffu;
	uint32_t ga = ((((a >> 8) & 0x00ff00ffu) * it + ((b >> 8) & 0x00ff00ffu) * t + 0x00800080u) >> 8) &
		      0x00ff00ffu;
	return rb | ga << 8;
}

/* A zeroed (transparent) w x h surface, or NULL when out of memory. */
surf_t *surf_new(int w, int h);
void surf_free(surf_t *s);

/* Straight 8-bit colour -> premultiplied pixel. */
uint32_t surf_pack(ir_color c);
/* Premultiplied pixel scaled by a (0..256). */
uint32_t surf_scale_px(uint32_t p, unsigned a);

void surf_fill(surf_t *s, uint32_t px);
/* src over dst for one pixel (both premultiplied). */
uint32_t surf_over_px(uint32_t dst, uint32_t src);
/* Fills the rounded rectangle [x0,x1) x [y0,y1) with corner radius r (clamped to half the
 * shorter side), anti-aliased by the signed distance to its edge, px drawn over what is there. */
void surf_fill_round_rect(surf_t *s, double x0, double y0, double x1, double y1, double r, uint32_t px);
/* dst = a * (1 - t) + b * t, t in 0..256; any of the three may alias. */
void surf_lerp(surf_t *dst, const surf_t *a, const surf_t *b, unsigned t);
/* dst = a * (1 - t) + c * t for a solid premultiplied colour c. */
void surf_lerp_color(surf_t *dst, const surf_t *a, uint32_t c, unsigned t);
/* Copies src into dst moved by (dx, dy) whole pixels; dst outside the moved src is untouched. */
void surf_blit_shift(surf_t *dst, const surf_t *src, int dx, int dy);
/* Straight alpha (as swscale and decoders write RGBA) to the premultiplied pixels used here. */
void surf_premultiply(surf_t *s);
/* Composites the canvas over black and makes it opaque: the frame the encoder receives. */
void surf_flatten(surf_t *s);
/* Whether every pixel is known to be opaque (flattened, or a small surface checked now). */
int surf_is_opaque(const surf_t *s);

/* Row kernels, the inner loops of composition, at simd_level() (simd.h: SSE2/AVX2 where
 * available; the portable versions give the same bits). Pixels are premultiplied as everywhere
 * here; the *_at versions take the level (tests compare every level the CPU runs).
 * surf_row_lerp: d[i] = surf_lerp_px(a[i], b[i], t) for i < n, t in 0..256; d may alias a or b. */
void surf_row_lerp(uint32_t *d, const uint32_t *a, const uint32_t *b, int n, unsigned t);
void surf_row_lerp_at(int level, uint32_t *d, const uint32_t *a, const uint32_t *b, int n, unsigned t);
/* surf_row_sample_over: the resampling step of a layer draw. For i < n, the pixel
 * s = surf_lerp_px(row[ix[i]], row[ix[i] + 1], w4[4 * i]) is scaled by k/256 (k in 0..256) and
 * drawn over d[i]. w4 holds each column's weight four times (one per channel) so the vector
 * code loads it directly; row[ix[i] + 1] must be readable (its weight may be 0). */
void surf_row_sample_over(uint32_t *d, const uint32_t *row, const int *ix, const uint16_t *w4, int n,
			  unsigned k);
void surf_row_sample_over_at(int level, uint32_t *d, const uint32_t *row, const int *ix, const uint16_t *w4,
			     int n, unsigned k);

#endif
