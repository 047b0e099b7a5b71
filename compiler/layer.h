/*
 * layer.h - layer statements (solid, image, video, text, code, draw) inside a scene or an
 * overlay: the layer's kind and main value, its time range, and its properties read through one
 * table. Internal to compiler/.
 */
#ifndef VIDC_LAYER_H
#define VIDC_LAYER_H

#include "checker.h"

/* The container a layer sits in: its time frame in seconds (keys and percentages are relative to
 * it) and its frame range [f0, f1), the layer's default and its limit. */
typedef struct {
	double base, span;
	int64_t f0, f1;
	const char *container; /* "scene" or "overlay", for messages */
} layer_frame;

/* The index of the layer kind a statement head names, or -1. */
int layer_kind(const char *head);
int layer_nkinds(void);
const char *layer_kind_name(int kind);
/* Whether name is a property every layer takes (position, opacity, start, ...). */
int layer_common_prop(const char *name);
/* The i-th property of the table, NULL past the last, "" when layers of kind (layer_kind; -1
 * any) do not take it: for completion (query.c). */
const char *layer_prop_name(int i, int kind);
/* Reads layer statement st of kind `kind` (layer_kind) into L. A video layer with sound adds its
 * clip audio to the spec. */
void layer_read(checker_t *c, const ast_stmt *st, int kind, mlayer *L, const layer_frame *fr);
/* Once a scene's (or an overlay block's) layers ls[from..n) are read: each `matte NAME` to the
 * layer of that name among them (did-you-mean when none), which is then drawn only as a matte. */
void layer_mattes(checker_t *c, mlayer *ls, int from, int n);

#endif
