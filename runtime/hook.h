/*
 * hook.h - Lua hooks in the frame graph (SPEC.md, "Lua hooks"): the IR_HOOK source (a `draw`
 * layer), effects on layers (IR_EFFECT: draw over the layer's picture, override its properties
 * per frame) and hook transitions (IR_TR_HOOK). graph.c calls these only when a program has
 * hooks, so a spec without any pays nothing.
 *
 * Each hook node has its own sandboxed Lua state (lua_host.h); all are used from the thread
 * that composes frames. The same program and frame give the same pixels, rendered alone or in
 * sequence: every call gets its inputs from the frame number only (ctx, seed).
 */
#ifndef VIDC_HOOK_H
#define VIDC_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"
#include "draw.h"
#include "source.h"
#include "surface.h"

extern const src_ops hook_source;

/* The per-render state of the effects and transitions of a program. */
typedef struct hook_rt hook_rt;

/* *out = NULL (and nothing allocated) when p has no effects and no hook transitions. */
int hook_rt_new(hook_rt **out, const ir_program *p, char *err, size_t errlen);
void hook_rt_free(hook_rt *h);

/* Layer l shows view *v at frame f and has effects: runs them (each effect's draw over a copy
 * of the picture, its params overriding the layer's properties), updates *v to the drawn copy
 * and places the layer into *d. Returns 1 when the layer draws, 0 when not, or a negative
 * error. Calling it twice for the same layer and frame reuses the first result. */
int hook_layer(hook_rt *h, const src_ctx *cx, const ir_node *l, int64_t f, src_view *v, draw_params *d,
	       char *err, size_t errlen);

/* The hook transition tr at frame f with eased progress e: a and b are the outgoing and
 * incoming scenes' frames; out receives the result (opaque). */
int hook_transition(hook_rt *h, const src_ctx *cx, const ir_node *tr, int64_t f, double e,
		    const surf_t *a, const surf_t *b, surf_t *out, char *err, size_t errlen);

/* What `vidc check` asks of the hooks a program uses, without rendering a frame: each hook file
 * loaded once, in the render's sandbox and limits (its top level runs; none of its functions
 * is called), and each use checked for the function it calls (a draw layer draw, an effect
 * draw or params, a hook transition transition). report gets the use (its node: the spec
 * position) and a message without position ("fx.lua:3: 'end' expected near <eof>", "hook 'fx'
 * (fx.lua) has no draw(ctx, canvas) function, which a draw layer calls"); a file that fails to
 * load is reported once, at its first use. declared (may be NULL) gets the parameters a file
 * declares, for each use of it, to check the use's against. Returns the number of problems,
 * or VE_NOMEM. */
typedef void (*hook_check_fn)(void *ud, const ir_node *use, const char *msg);

/* A parameter a hook file declares in its `parameters` table (SPEC.md, "The hook file"). */
typedef enum { HOOK_PARAM_NUMBER, HOOK_PARAM_STRING, HOOK_PARAM_COLOR } hook_param_kind;
typedef struct {
	char *name;
	hook_param_kind kind;
	int has_min, has_max;
	double min, max;
} hook_param_decl;
#define HOOK_MAX_PARAMS 256

/* Called for each use whose file declares its parameters (n may be 0: it takes none). */
typedef void (*hook_decl_fn)(void *ud, const ir_node *use, const char *name, const char *path,
			     const hook_param_decl *decls, int n);
int hook_check(const ir_program *p, hook_check_fn report, hook_decl_fn declared, void *ud);

#endif
