/*
 * golden.h - golden-frame comparison: read two PNGs, measure their PSNR, write a difference
 * image. Used by `vidc golden` and the golden tests; lives in runtime/ because it decodes and
 * encodes PNG with libavcodec like the rest of the runtime.
 */
#ifndef VIDC_GOLDEN_H
#define VIDC_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	int w, h;
	uint8_t *rgba; /* w*h*4 bytes, straight alpha */
} golden_image;

/* Reads a PNG (any pixel format libavcodec decodes) as 8-bit RGBA. 0 or negative + message. */
int golden_read(const char *path, golden_image *img, char *err, size_t errlen);
int golden_write(const char *path, const golden_image *img, char *err, size_t errlen);
/* img encoded as a PNG in memory (*data malloc'd): what golden_write puts in the file. 0, or -1
 * when the encoder failed or memory ran out. */
int golden_png(const golden_image *img, uint8_t **data, size_t *len);
void golden_release(golden_image *img);

/* PSNR in dB over the R, G and B channels (peak 255); INFINITY when identical. The images must
 * have the same size. */
double golden_psnr(const golden_image *a, const golden_image *b);

/* |a - b| per channel, amplified 8x so small differences show, opaque. */
int golden_diff(const golden_image *a, const golden_image *b, golden_image *out);

#endif
