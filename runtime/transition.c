/*
 * transition.c - the built-in transitions (see transition.h). Each works on whole frames of the
 * outgoing scene (tr->u.transition.from) and the incoming one (to) at eased progress e; the
 * pixel arithmetic is surface.c's (8-bit lerps with 1/256 weights).
 */
#include "transition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rterr.h"
#include "trfx.h"

/* cut: the incoming scene from the first frame (a zero-length transition in effect). */
static int tr_cut(const tr_frame *t, surf_t *out, char *err, size_t errlen)
{
	return t->scene(t, t->tr->u.transition.to, out, err, errlen);
}

/* dissolve: a cross-fade, the incoming scene's weight e. */
static int tr_dissolve(const tr_frame *t, surf_t *out, char *err, size_t errlen)
{
	surf_t *a = NULL;
	int rc;
	if ((rc = t->scene(t, t->tr->u.transition.from, out, err, errlen)) ||
	    (rc = t->tmp(t, 0, &a, err, errlen)) || (rc = t->scene(t, t->tr->u.transition.to, a, err, errlen)))
		return rc;
	surf_lerp(out, out, a, (unsigned)lrint(fmin(fmax(t->e, 0), 1) * 256));
	return 0;
}

/* fade: out to the colour (over the program background) in the first half, in from it in the
 * second; only one scene is rendered per frame. */
static int tr_fade(const tr_frame *t, surf_t *out, char *err, size_t errlen)
{
	const ir_node *tr = t->tr;
	double e = t->e;
	uint32_t c = surf_over_px(surf_pack(t->p->background), surf_pack(tr->u.transition.color));
	int rc;
	if (e < 0.5) {
		if ((rc = t->scene(t, tr->u.transition.from, out, err, errlen)))
			return rc;
		surf_lerp_color(out, out, c, (unsigned)lrint(e * 2 * 256));
	} else {
		if ((rc = t->scene(t, tr->u.transition.to, out, err, errlen)))
			return rc;
		surf_lerp_color(out, out, c, (unsigned)lrint((1 - e) * 2 * 256));
	}
	return 0;
}

/* Where a slide or push puts the scenes at eased progress e: offsets along its axis. */
static void move_offsets(const ir_node *tr, int n, double e, int *from_off, int *to_off)
{
	ir_dir dir = tr->u.transition.dir;
	int sign = (dir == IR_DIR_LEFT || dir == IR_DIR_UP) ? -1 : 1;
	int moved = (int)lrint(n * e);  /* how far the incoming scene has travelled */
	*to_off = -sign * (n - moved); /* it starts one screen away */
	*from_off = tr->u.transition.type == IR_TR_PUSH ? sign * moved : 0;
}

/* The eased progress at frame t->f shifted by dt frames (the shutter's samples). */
static double progress_at(const tr_frame *t, double dt)
{
	const ir_node *tr = t->tr;
	return ir_ease_eval(&tr->u.transition.ease, (t->f - tr->f0 + 0.5 + dt) / (double)(tr->f1 - tr->f0));
}

/* A motion-blurred slide or push: the pictures at k positions spread evenly over the shutter
 * (centred on the frame's centre), averaged. k comes from how far they move within it, so a
 * frame near the still ends of an eased move costs one position; returns 1 when k is 1 (the
 * caller draws the plain frame, the same pixels). */
static int move_blurred(const tr_frame *t, surf_t *out, surf_t *a, int horiz, int n, char *err, size_t errlen)
{
	double s = t->tr->u.transition.shutter;
	int k = trfx_samples(n * (progress_at(t, s / 2) - progress_at(t, -s / 2)));
	if (k == 1)
		return 1;
	int from_off[TRFX_MAX_SAMPLES], to_off[TRFX_MAX_SAMPLES];
	for (int j = 0; j < k; j++)
		move_offsets(t->tr, n, progress_at(t, s * ((j + 0.5) / k - 0.5)), &from_off[j], &to_off[j]);
	surf_t *b = NULL;
	int rc;
	if ((rc = t->tmp(t, 1, &b, err, errlen)) || (rc = t->scene(t, t->tr->u.transition.from, b, err, errlen)))
		return rc;
	if (trfx_move_blur(out, b, a, horiz, from_off, to_off, k))
		return rterr_node(VE_NOMEM, t->p, t->tr, err, errlen, "out of memory (motion blur)");
	return 0;
}

/* slide (the incoming scene moves in over the outgoing one) and push (it pushes the outgoing
 * one out). Whole-pixel offsets: at transition speeds (tens of pixels per frame) a sub-pixel
 * remainder is invisible, and shifting by copies keeps this a memcpy. */
static int tr_move(const tr_frame *t, surf_t *out, char *err, size_t errlen)
{
	const ir_node *tr = t->tr;
	ir_dir dir = tr->u.transition.dir;
	int horiz = dir == IR_DIR_LEFT || dir == IR_DIR_RIGHT;
	int n = horiz ? out->w : out->h;
	int from_off, to_off;
	move_offsets(tr, n, t->e, &from_off, &to_off);
	surf_t *a = NULL, *b = NULL;
	int rc;
	if ((rc = t->tmp(t, 0, &a, err, errlen)) || (rc = t->scene(t, tr->u.transition.to, a, err, errlen)))
		return rc;
	if (tr->u.transition.shutter > 0 && (rc = move_blurred(t, out, a, horiz, n, err, errlen)) != 1)
		return rc;
	if (from_off == 0) {
		if ((rc = t->scene(t, tr->u.transition.from, out, err, errlen)))
			return rc;
	} else {
		if ((rc = t->tmp(t, 1, &b, err, errlen)) ||
		    (rc = t->scene(t, tr->u.transition.from, b, err, errlen)))
			return rc;
		surf_blit_shift(out, b, horiz ? from_off : 0, horiz ? 0 : from_off);
	}
	surf_blit_shift(out, a, horiz ? to_off : 0, horiz ? 0 : to_off);
	return 0;
}

/* b shown on the far side of a moving edge, a (already in out) elsewhere. The edge is
 * anti-aliased by the fraction of each pixel column (row) it has passed, or with a feather of
 * fw pixels (> 0) a linear ramp that wide (trfx.h). */
static int wipe_edge(surf_t *out, const surf_t *b, ir_dir dir, double e, double fw)
{
	int W = out->w, H = out->h;
	int horiz = dir == IR_DIR_LEFT || dir == IR_DIR_RIGHT;
	int n = horiz ? W : H;
	int rev = dir == IR_DIR_LEFT || dir == IR_DIR_UP; /* b grows from the far edge */
	double edge = rev ? n * (1 - e) : n * e;
	unsigned *w = malloc(sizeof *w * (size_t)n);
	if (!w)
		return VE_NOMEM;
	for (int i = 0; fw <= 0 && i < n; i++) {
		double c = rev ? (i + 1) - edge : edge - i;
		w[i] = c <= 0 ? 0 : c >= 1 ? 256 : (unsigned)lrint(c * 256);
	}
	if (fw > 0)
		trfx_wipe_ramp(w, n, rev, e, fw);
	for (int y = 0; y < H; y++) {
		uint32_t *d = out->px + (size_t)y * out->stride;
		const uint32_t *s = b->px + (size_t)y * b->stride;
		if (horiz) {
			for (int x = 0; x < W; x++)
				if (w[x])
					d[x] = surf_lerp_px(d[x], s[x], w[x]);
		} else if (w[y] == 256) {
			memcpy(d, s, (size_t)W * 4);
		} else if (w[y]) {
			for (int x = 0; x < W; x++)
				d[x] = surf_lerp_px(d[x], s[x], w[y]);
		}
	}
	free(w);
	return 0;
}

/* wipe: a moving edge reveals the incoming scene. */
static int tr_wipe(const tr_frame *t, surf_t *out, char *err, size_t errlen)
{
	const ir_node *tr = t->tr;
	surf_t *a = NULL;
	int rc;
	if ((rc = t->scene(t, tr->u.transition.from, out, err, errlen)) || (rc = t->tmp(t, 0, &a, err, errlen)) ||
	    (rc = t->scene(t, tr->u.transition.to, a, err, errlen)))
		return rc;
	ir_dir dir = tr->u.transition.dir;
	int n = dir == IR_DIR_LEFT || dir == IR_DIR_RIGHT ? out->w : out->h;
	double fw = tr->u.transition.feather_px ? tr->u.transition.feather : tr->u.transition.feather / 100 * n;
	if (wipe_edge(out, a, dir, t->e, fw > n ? n : fw))
		return rterr_node(VE_NOMEM, t->p, tr, err, errlen, "out of memory (wipe)");
	return 0;
}

/* hook: a Lua transition (hook.h) gets both scenes as images and draws the frame. */
static int tr_hook(const tr_frame *t, surf_t *out, char *err, size_t errlen)
{
	const ir_node *tr = t->tr;
	surf_t *a = NULL, *b = NULL;
	int rc;
	if ((rc = t->tmp(t, 0, &a, err, errlen)) || (rc = t->tmp(t, 1, &b, err, errlen)) ||
	    (rc = t->scene(t, tr->u.transition.from, a, err, errlen)) ||
	    (rc = t->scene(t, tr->u.transition.to, b, err, errlen)))
		return rc;
	return hook_transition(t->hooks, t->cx, tr, t->f, t->e, a, b, out, err, errlen);
}

/* Indexed by the IR's kind; names live in the compiler's one table (ir_transitions). */
static const tr_ops ops[IR_TR_COUNT] = {
	[IR_TR_CUT] = {tr_cut},     [IR_TR_FADE] = {tr_fade}, [IR_TR_DISSOLVE] = {tr_dissolve},
	[IR_TR_SLIDE] = {tr_move},  [IR_TR_PUSH] = {tr_move}, [IR_TR_WIPE] = {tr_wipe},
	[IR_TR_HOOK] = {tr_hook},
};

const tr_ops *tr_ops_for(ir_transition_kind k)
{
	if ((unsigned)k >= IR_TR_COUNT || !ops[k].render)
		return NULL;
	return &ops[k];
}
