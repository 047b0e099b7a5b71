/*
 * graph.h - evaluation of the frame graph: one call composes video frame f of an ir_program
 * (background, the timeline's scene or transition, the overlays) into a canvas surface. It owns
 * the per-node source states (decoded images, rasterised text, video decoders).
 */
#ifndef VIDC_GRAPH_H
#define VIDC_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "surface.h"

typedef struct rt_graph rt_graph;

/* Checks the program (node references, kinds, hook files) and creates the graph. */
int graph_new(rt_graph **g, const ir_program *p, char *err, size_t errlen);
/* Composes frame f into out (p->width x p->height) and makes it opaque (surf_flatten). The result
 * depends only on the program and f, never on what was rendered before. */
int graph_render(rt_graph *g, int64_t f, surf_t *out, char *err, size_t errlen);
/* Composes frame f in horizontal bands of `rows` canvas rows (even), top to bottom, into
 * band (a p->width x rows surface; its h and oy are set for each band) and calls
 * done(ud, band) after each one, so a band can be converted while it is in cache. The bits are
 * exactly graph_render's. Only frames whose every operation can be drawn band by band take this
 * path (scenes and dissolves of images, solids, texts and clips drawn plainly, over an opaque
 * background, without captions): returns 1 when the frame was composed, 0 when it needs
 * graph_render (nothing was drawn), or a negative error. */
int graph_render_bands(rt_graph *g, int64_t f, surf_t *band, int rows,
		       void (*done)(void *ud, const surf_t *band), void *ud, char *err, size_t errlen);
/* Releases every source no frame >= f uses (a sequential render calls it as it goes, so memory
 * stays flat in the video's length). */
void graph_release_before(rt_graph *g, int64_t f);
/* The work the graph's sources have done since graph_new: video pictures decoded and decoder
 * seeks (tests bound a render's work with it, never its time). */
void graph_work(const rt_graph *g, long long *decoded, long long *seeks);
void graph_free(rt_graph *g);

#endif
