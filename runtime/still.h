/*
 * still.h - still pictures of a program, in memory: one frame as RGBA, a contact sheet (frames in
 * a grid, each labelled with its time), and a JPEG under a byte cap. A public header of the
 * runtime beside render.h: the pipeline's stages (thumbnail, sheet, golden frames) use it and
 * nothing of the graph behind it. The frames are composed by the same graph as the video, so a
 * still shows exactly what the encoder gets.
 *
 * Errors as render.h's: 0 or a negative RT_E* code with err naming the spec position and cause.
 */
#ifndef VIDC_STILL_H
#define VIDC_STILL_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "golden.h"

/* Renders frame f of p into out (p->width x p->height, straight RGBA, alpha 255 everywhere: the
 * pixels rt_frame_png writes). out->rgba is malloc'd; golden_release frees it. */
int still_frame(const ir_program *p, int64_t f, golden_image *out, char *err, size_t errlen);

/* Scales img to w x h and encodes it as a baseline JPEG (full-range 4:2:0) at the best quality
 * whose file is at most max_bytes. *out is malloc'd. VE_INVAL when even the lowest quality is
 * too large. cause gets the reason only (no spec position: a picture has none). */
int still_jpeg(const golden_image *img, int w, int h, int64_t max_bytes, uint8_t **out, size_t *len,
	       char *cause, size_t causelen);

#define STILL_SHEET_MAX 200 /* frames on one sheet */

typedef struct {
	const int64_t *frames; /* the frames to show, in order, each inside the video */
	int nframes;           /* 1..STILL_SHEET_MAX */
	int cols;              /* tiles a row, >= 1 */
	int width;             /* of the sheet, px */
	const char *title;     /* the heading line (e.g. "spec.vid - tiktok 1080x1920, 12.00s") */
	volatile int *cancel;  /* non-zero: stop between frames with VE_CANCELED */
} still_sheet_opts;

/* A contact sheet: a dark sheet o->width wide, the title on top, then the frames area-averaged
 * into tiles of the video's aspect, each labelled "12.00s  (frame 360)". VE_INVAL when the
 * tiles would be under 16 px. */
int still_sheet(const ir_program *p, const still_sheet_opts *o, golden_image *out, char *err,
		size_t errlen);

#endif
