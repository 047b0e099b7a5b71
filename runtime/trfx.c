/*
 * trfx.c - feathered wipe edges and motion-blurred slides (see trfx.h). Deterministic integer
 * arithmetic: the blur sums each channel of its k samples in 16 bits (16 x 255 fits) and rounds
 * once, so a pixel that is the same in every sample keeps its exact value.
 */
#include "trfx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"

void trfx_wipe_ramp(unsigned *w, int n, int rev, double e, double fw)
{
	if (fw < 1)
		fw = 1; /* narrower than a pixel is the hard edge's anti-aliasing anyway */
	double mid = -fw / 2 + e * (n + fw);
	for (int i = 0; i < n; i++) {
		double x = (rev ? n - 1 - i : i) + 0.5; /* the pixel's centre, measured from where b grows */
		double c = (mid - x) / fw + 0.5;
		w[i] = c <= 0 ? 0 : c >= 1 ? 256 : (unsigned)lrint(c * 256);
	}
}

int trfx_samples(double d)
{
	d = fabs(d);
	if (!(d >= 1)) /* also NaN */
		return 1;
	return d >= TRFX_MAX_SAMPLES ? TRFX_MAX_SAMPLES : (int)ceil(d);
}

/* acc[4i + c] += channel c of s[i], for i < n. */
static void acc_add(uint16_t *acc, const uint32_t *s, int n)
{
	for (int i = 0; i < n; i++, acc += 4) {
		uint32_t p = s[i];
		acc[0] += p & 0xff;
		acc[1] += p >> 8 & 0xff;
		acc[2] += p >> 16 & 0xff;
		acc[3] += p >> 24;
	}
}

/* Adds s (a row of n pixels) shifted by off to acc over [lo, hi) of the row, where it lands. */
static void acc_add_shifted(uint16_t *acc, const uint32_t *s, int n, int off, int lo, int hi)
{
	int a = lo > off ? lo : off, b = hi < n + off ? hi : n + off;
	if (a < b)
		acc_add(acc + 4 * a, s + (a - off), b - a);
}

/* One row along the motion (horiz): `to` where it lands, `from` on both sides of it. */
static void row_sample(uint16_t *acc, const uint32_t *from, const uint32_t *to, int W, int from_off, int to_off)
{
	int t0 = to_off > 0 ? to_off : 0, t1 = W + to_off < W ? W + to_off : W;
	if (t1 < t0)
		t1 = t0;
	acc_add_shifted(acc, from, W, from_off, 0, t0);
	acc_add_shifted(acc, to, W, to_off, t0, t1);
	acc_add_shifted(acc, from, W, from_off, t1, W);
}

int trfx_move_blur(surf_t *out, const surf_t *from, const surf_t *to, int horiz, const int *from_off,
		   const int *to_off, int k)
{
	int W = out->w, H = out->h;
	uint16_t *acc = malloc(sizeof *acc * 4 * (size_t)W);
	if (!acc)
		return VE_NOMEM;
	for (int y = 0; y < H; y++) {
		memset(acc, 0, sizeof *acc * 4 * (size_t)W);
		for (int j = 0; j < k; j++) {
			if (horiz) {
				row_sample(acc, from->px + (size_t)y * from->stride, to->px + (size_t)y * to->stride, W,
					   from_off[j], to_off[j]);
				continue;
			}
			/* vertical: the whole row comes from one picture */
			int ty = y - to_off[j], fy = y - from_off[j];
			if (ty >= 0 && ty < H)
				acc_add(acc, to->px + (size_t)ty * to->stride, W);
			else if (fy >= 0 && fy < H)
				acc_add(acc, from->px + (size_t)fy * from->stride, W);
		}
		uint32_t *d = out->px + (size_t)y * out->stride;
		unsigned half = (unsigned)k / 2;
		for (int x = 0; x < W; x++) {
			const uint16_t *a = acc + 4 * x;
			d[x] = (uint32_t)((a[0] + half) / k) | (uint32_t)((a[1] + half) / k) << 8 |
			       (uint32_t)((a[2] + half) / k) << 16 | (uint32_t)((a[3] + half) / k) << 24;
		}
	}
	free(acc);
	return 0;
}
