/*
 * blend.h - the blend modes of a layer (ir_blend, SPEC 18.3) as pixel and row kernels for
 * draw.c. Pixels are premultiplied (surface.h). For a backdrop b and a source s (straight
 * colours Cb, Cs, alphas ab, as) each channel is the W3C Compositing and Blending formula
 *     co = cs (1 - ab) + cb (1 - as) + as ab B(Cb, Cs),   ao = as + ab (1 - as)
 * with B the separable mode's function; normal (B = Cs) is source-over, which draw.c keeps on
 * surface.c's vector kernels: these are only asked for the other modes.
 */
#ifndef VIDC_BLEND_H
#define VIDC_BLEND_H

#include "surface.h"

/* One pixel: the result of drawing s onto d. */
typedef uint32_t (*blend_px_fn)(uint32_t d, uint32_t s);
/* The same contract as surf_row_sample_over (surface.h) with the mode in place of "over". */
typedef void (*blend_row_fn)(uint32_t *d, const uint32_t *row, const int *ix, const uint16_t *w4, int n,
			     unsigned k);

/* The kernels of mode (an ir_blend); normal gets surface.c's own (surf_over_px,
 * surf_row_sample_over), an out-of-range mode too. */
blend_px_fn blend_px(int mode);
blend_row_fn blend_row(int mode);

#endif
