/*
 * trfx.h - the two optional refinements of the built-in moving transitions (SPEC.md §18.7):
 * a wipe's feathered edge (a linear ramp instead of a hard line) and the motion blur of a slide
 * or push (the average of a few positions of the moving pictures within the shutter interval).
 * transition.c calls these only when the spec asks, so a plain wipe or slide keeps its exact
 * pixels and cost.
 */
#ifndef VIDC_TRFX_H
#define VIDC_TRFX_H

#include <stdint.h>

#include "surface.h"

/* At most this many sub-frame positions are averaged: the cost of a blurred frame is bounded. */
#define TRFX_MAX_SAMPLES 16

/* The weight (0..256) of the incoming scene at each of n positions along a wipe at progress e
 * whose edge is a linear ramp fw pixels wide (fw > 0). The ramp's middle travels from fw/2
 * before the first position to fw/2 past the last, so e = 0 shows only the outgoing scene and
 * e = 1 only the incoming one. rev: the incoming scene grows from the far end (left, up). */
void trfx_wipe_ramp(unsigned *w, int n, int rev, double e, double fw);

/* How many positions to average for a picture that moves d pixels within the shutter: about one
 * a pixel, 1 (no blur, no cost) when it barely moves, at most TRFX_MAX_SAMPLES. */
int trfx_samples(double d);

/* The average of k frames (k <= TRFX_MAX_SAMPLES): in frame j, `to` is shifted by to_off[j] and
 * covers `from` shifted by from_off[j], along x (horiz) or y. from, to and out are W x H and
 * opaque; positions neither picture covers add nothing. 0 or VE_NOMEM. */
int trfx_move_blur(surf_t *out, const surf_t *from, const surf_t *to, int horiz, const int *from_off,
		   const int *to_off, int k);

#endif
