/*
 * transition.h - the built-in transitions between two scenes (SPEC.md, "Transitions"): a table
 * of small objects indexed by the IR's ir_transition_kind (compiler/ir.h), as sources are
 * (source.h), so a new built-in transition is one function and one table entry here; its name
 * lives in the compiler's one table. graph.c hands each call a tr_frame whose callbacks render
 * the two scenes on request: a transition draws only the scenes it needs (a fade shows one at a
 * time) and never calls back into the graph evaluator by name.
 */
#ifndef VIDC_TRANSITION_H
#define VIDC_TRANSITION_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "hook.h"
#include "source.h"
#include "surface.h"

typedef struct tr_frame tr_frame;

struct tr_frame {
	const ir_program *p;
	const ir_node *tr; /* the IR_TRANSITION node; f lies in [tr->f0, tr->f1) */
	int64_t f;
	double e;          /* eased progress (tr's ease over the frame's centre), 0 .. 1 */
	const src_ctx *cx; /* hook transitions: fonts for the canvas */
	hook_rt *hooks;    /* hook transitions: the program's Lua states */
	/* Renders scene node id at frame f into dst (W x H): a full opaque frame. */
	int (*scene)(const tr_frame *t, int id, surf_t *dst, char *err, size_t errlen);
	/* Scratch frame i (0 or 1), W x H, kept by the caller from frame to frame. */
	int (*tmp)(const tr_frame *t, int i, surf_t **out, char *err, size_t errlen);
	void *ud; /* the caller's, for scene and tmp */
};

typedef struct {
	/* Composes the transition at t->f into out (W x H, opaque). 0 or a negative RT_E* code. */
	int (*render)(const tr_frame *t, surf_t *out, char *err, size_t errlen);
} tr_ops;

/* The ops of transition kind k; NULL for a kind this runtime does not implement. */
const tr_ops *tr_ops_for(ir_transition_kind k);

#endif
