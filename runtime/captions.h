/*
 * captions.h - burned-in captions: the program's IR_CAPTIONS words, grouped into cues (cues.h)
 * and drawn by libass in the caption style (plain, bold_center, karaoke) inside the preset's
 * safe area. graph.c draws them over the overlays of every frame; the picture depends only on
 * the frame's time (libass renders any time directly), so a single frame equals the video's.
 */
#ifndef VIDC_CAPTIONS_H
#define VIDC_CAPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "surface.h"

typedef struct captions captions_t;

/* Sets *c to NULL when the program has no captions (p->captions < 0). Errors as render.h's. */
int captions_new(captions_t **c, const ir_program *p, char *err, size_t errlen);
/* Draws the captions of video frame f over dst (premultiplied, the canvas size). */
void captions_draw(captions_t *c, int64_t f, surf_t *dst);
void captions_free(captions_t *c);

#endif
