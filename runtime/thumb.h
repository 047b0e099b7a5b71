/*
 * thumb.h - the video's thumbnail: a hero picture with the title set large over it, as a JPEG
 * the platforms accept (1280x720 for 16:9 presets, 1080x1920 for vertical ones, under 2 MB,
 * YouTube's limit). Built as a one-frame ir_program (image layer, a gradient scrim of solids,
 * a bold stroked and shadowed text layer) and composed by the same graph as the video.
 */
#ifndef VIDC_THUMB_H
#define VIDC_THUMB_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"

#define THUMB_MAX_BYTES 2000000

typedef struct {
	const char *title; /* NULL: the spec's first text layer, else its first chapter, else none */
	const char *image; /* NULL: the spec's first image (or, with at >= 0, the video's frame) */
	double at;         /* >= 0: the hero is the video's frame at this time (seconds) */
} thumb_opts;

typedef struct {
	int width, height;
	int64_t bytes;
	const char *title; /* the title used (points into p or opts) */
} thumb_result;

/* Writes the thumbnail of program p to path. Errors as render.h's. */
int thumb_write(const ir_program *p, const thumb_opts *o, const char *path, thumb_result *res,
		char *err, size_t errlen);

#endif
