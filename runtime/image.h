/*
 * image.h - still images: decode any file libavcodec reads (JPEG, PNG, WebP, GIF's first frame,
 * ...), apply its EXIF orientation, and scale it once to the size the program ever needs.
 */
#ifndef VIDC_IMAGE_H
#define VIDC_IMAGE_H

#include <stddef.h>

#include "surface.h"

struct AVFrame;

/* Decodes the first picture of path (a JPEG with libjpeg-turbo, base/jpegdec, as the image source
 * reads it; anything else with base/media_decode_picture: local regular files only, the
 * pixel limit checked from the header first). On failure returns a VE_* code (VE_NOTFOUND,
 * VE_INVAL for a device, VE_LIMIT, VE_DECODE, VE_DENIED for a URL) and writes the cause (no
 * position, no path) into cause. */
int img_decode(const char *path, struct AVFrame **out, char *cause, size_t causelen);

/* Converts a decoded picture to a premultiplied RGBA surface, upright (EXIF orientation applied),
 * scaled by max_scale (area filter) when max_scale < 1. */
int img_convert(struct AVFrame *fr, double max_scale, surf_t **out, char *cause, size_t causelen);

/* img_decode + img_convert without the whole decoded picture: a JPEG stored upright is decoded
 * by rows and scaled band by band (the same pixels as img_convert of img_decode's frame, bit for
 * bit); anything else goes through img_decode and img_convert. */
int img_load(const char *path, double max_scale, surf_t **out, char *cause, size_t causelen);

/* EXIF orientation 1..8 of a decoded frame's metadata or display matrix (1 when none). */
int img_orientation(const struct AVFrame *fr);

#endif
