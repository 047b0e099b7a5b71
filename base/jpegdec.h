/*
 * jpegdec.h - JPEG photos decoded top to bottom, a few rows at a time (libjpeg-turbo's raw data
 * interface), so a 4096x4096 photo never exists whole in memory: the runtime's image source
 * (runtime/image.c) scales each band as it comes. Beside base/media (libav), under the same rules
 * for untrusted assets: local regular files only, the pixel limit checked from the header before
 * decoding and again from the decoder's own header, damaged data an error (never a grey half),
 * a progressive file with an absurd number of scans refused.
 *
 * The planes come out as libavcodec's mjpeg decoder gives them (yuvj420p, yuvj422p, yuvj444p,
 * yuvj440p, yuvj411p or gray8: the stored samples, not upsampled); only the IDCT differs (libjpeg's
 * accurate integer one), by one level in a few samples. Colour spaces it does not hand over as
 * such (CMYK, YCCK, RGB, 12-bit, lossless) are left to libav: jpegdec_open answers 1.
 */
#ifndef VIDC_JPEGDEC_H
#define VIDC_JPEGDEC_H

#include <stdint.h>

#include <libavutil/pixfmt.h>

#include "err.h"

typedef struct jpegdec jpegdec_t;

typedef struct {
	int width, height;      /* of the planes handed out (after DCT scaling) */
	int full_w, full_h;     /* of the picture as stored */
	enum AVPixelFormat fmt; /* the planes' layout */
	int log2_chroma_h;      /* chroma rows = luma rows >> this (rounded up) */
	int rows;               /* luma rows per jpegdec_read (the last call may give fewer) */
	int orientation;        /* EXIF orientation 1..8 (1 when none) */
} jpegdec_info;

/* Opens the JPEG at path for decoding at scale_num / 8 of its size (8: as stored). 0 with *d and
 * *info set; 1 when the file is not a JPEG this decoder hands over (not a JPEG, a colour space
 * left to libav, or a header libjpeg refuses: libav then decodes it and gives its own message); or
 * a VE_* code (VE_NOTFOUND, VE_INVAL, VE_LIMIT, VE_DENIED, VE_NOMEM) with e set. */
int jpegdec_open(jpegdec_t **d, const char *path, int scale_num, jpegdec_info *info, vidc_err *e);

/* Decodes the next info.rows luma rows (and their chroma rows) into the planes at data/linesize
 * (data[0] receives the first new luma row; plane p's rows are linesize[p] apart; gray8 uses
 * data[0] only). Returns the count of luma rows written (0 after the last) or a VE_* code
 * (VE_DECODE: "corrupt or truncated picture data" and libjpeg's reason). */
int jpegdec_read(jpegdec_t *d, uint8_t *const data[3], const int linesize[3], vidc_err *e);

void jpegdec_free(jpegdec_t *d);

#endif
