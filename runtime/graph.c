/*
 * graph.c - frame composition (see graph.h): timeline, transitions, scenes, layers, overlays.
 * Sources (source.h) and transitions (transition.h) are small objects found through tables
 * indexed by the IR's kinds, so a new kind is one file and one table entry; they get what they
 * need (the program, the fonts) in a src_ctx and never call back into this file.
 */
#include "graph.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "captions.h"
#include "draw.h"
#include "font.h"
#include "gradient.h"
#include "hook.h"
#include "layer.h"
#include "looks.h"
#include "rterr.h"
#include "transition.h"

typedef struct {
	void *state;
	int ready;
	int64_t last; /* the frame after the last one that uses this source */
	surf_t *grad; /* a layer's rendered gradient (gradient.h), NULL until drawn */
	looks_pmask pm; /* a layer's path mask (looks.h), empty until drawn */
} gnode;

struct rt_graph {
	const ir_program *p;
	gnode *n;
	surf_t *tmp[2]; /* scene buffers for transitions, allocated on first use */
	font_ctx *fonts;      /* created by the first source that draws text */
	src_ctx cx;           /* what sources are given: p, &fonts and &work */
	src_work work;        /* what the sources did (graph_work) */
	captions_t *captions; /* burned-in captions, NULL when none */
	hook_rt *hooks;       /* Lua effects and transitions, NULL when none */
	/* Groups' pictures (group.c), one buffer per nesting level: a group's picture is drawn by
	 * its layer before any other group of its level draws, so they can share it. Allocated on
	 * first use, freed when no group is in use (graph_release_before). */
	surf_t *gsurf[IR_GROUP_MAX_DEPTH];
	int gdepth; /* levels of groups being drawn now */
	looks_t *looks;       /* masks, shadows, blurs: scratch made on first use (looks.h) */
	surf_t *band2;        /* a dissolve's incoming scene, one band (graph_render_bands) */
	int band2_rows;       /* the rows band2 holds */
};

static const src_ops *ops_for(ir_kind k)
{
	switch (k) {
	case IR_SOLID:
		return &solid_source;
	case IR_IMAGE:
		return &image_source;
	case IR_VIDEO:
		return &video_source;
	case IR_TEXT:
		return &text_source;
	case IR_CODE:
		return &code_source;
	case IR_HOOK:
		return &hook_source;
	case IR_GROUP:
		return &group_source;
	case IR_SHAPE:
		return &shape_source;
	default:
		return NULL;
	}
}

/* ---- validation ---------------------------------------------------------------------------- */

static int bad_ref(const ir_program *p, const ir_node *n, char *err, size_t errlen, const char *what,
		   int id)
{
	return rterr_node(VE_INVAL, p, n, err, errlen,
			  "invalid program: %s n%d of %s n%d does not exist or has the wrong kind", what,
			  id, ir_kind_name(n->kind), n->id);
}

static int is_kind(const ir_program *p, int id, ir_kind k)
{
	return id >= 0 && id < p->nnodes && p->nodes[id].kind == k;
}

static int check_layer_at(const ir_program *p, const ir_node *owner, int id, int depth, char *err,
			  size_t errlen);

/* A group's children: layers with ids below the group's (so no group holds itself, and checking
 * ends), nested at most IR_GROUP_MAX_DEPTH deep (depth: the group's, 1 in a scene). */
static int check_group(const ir_program *p, const ir_node *grp, int depth, char *err, size_t errlen)
{
	if (depth > IR_GROUP_MAX_DEPTH)
		return rterr_node(VE_LIMIT, p, grp, err, errlen,
				  "invalid program: group n%d nests deeper than %d levels", grp->id,
				  IR_GROUP_MAX_DEPTH);
	for (int i = 0; i < grp->u.group.nlayers; i++) {
		int id = grp->u.group.layers[i];
		int rc = id < grp->id ? check_layer_at(p, grp, id, depth, err, errlen)
				      : bad_ref(p, grp, err, errlen, "layer", id);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_layer(const ir_program *p, const ir_node *owner, int id, char *err, size_t errlen)
{
	return check_layer_at(p, owner, id, 0, err, errlen);
}

/* Layer id, in a group at depth `depth` (0: a scene's or an overlay's). */
static int check_layer_at(const ir_program *p, const ir_node *owner, int id, int depth, char *err,
			  size_t errlen)
{
	if (!is_kind(p, id, IR_LAYER))
		return bad_ref(p, owner, err, errlen, "layer", id);
	const ir_node *l = &p->nodes[id];
	int s = l->u.layer.source;
	if (s < 0 || s >= p->nnodes)
		return bad_ref(p, l, err, errlen, "source", s);
	const ir_node *src = &p->nodes[s];
	if (!ops_for(src->kind))
		return bad_ref(p, l, err, errlen, "source", s);
	for (int i = 0; i < l->u.layer.neffects; i++) {
		int e = l->u.layer.effects[i];
		if (!is_kind(p, e, IR_EFFECT))
			return bad_ref(p, l, err, errlen, "effect", e);
	}
	if (l->u.layer.matte && (l->u.layer.matte >= IR_MATTE_COUNT || l->u.layer.matte_layer == id ||
				 !is_kind(p, l->u.layer.matte_layer, IR_LAYER) ||
				 !ops_for(p->nodes[p->nodes[l->u.layer.matte_layer].u.layer.source].kind)))
		return bad_ref(p, l, err, errlen, "matte layer", l->u.layer.matte_layer);
	if (l->u.layer.mask >= IR_MASK_COUNT)
		return bad_ref(p, l, err, errlen, "mask kind", (int)l->u.layer.mask);
	return src->kind == IR_GROUP ? check_group(p, src, depth + 1, err, errlen) : 0;
}

static int check_scene(const ir_program *p, const ir_node *owner, int id, char *err, size_t errlen)
{
	if (!is_kind(p, id, IR_SCENE))
		return bad_ref(p, owner, err, errlen, "scene", id);
	const ir_node *s = &p->nodes[id];
	for (int i = 0; i < s->u.scene.nlayers; i++) {
		int rc = check_layer(p, s, s->u.scene.layers[i], err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int validate(const ir_program *p, char *err, size_t errlen)
{
	if (p->width <= 0 || p->height <= 0 || p->width > 16384 || p->height > 16384 ||
	    p->fps_num <= 0 || p->fps_den <= 0 || p->frames < 0)
		return rterr_node(VE_INVAL, p, NULL, err, errlen,
				  "invalid program: size %dx%d, fps %d/%d, %lld frames", p->width,
				  p->height, p->fps_num, p->fps_den, (long long)p->frames);
	if (p->timeline >= 0) {
		if (!is_kind(p, p->timeline, IR_TIMELINE))
			return rterr_node(VE_INVAL, p, NULL, err, errlen,
					  "invalid program: timeline n%d is not a timeline", p->timeline);
		const ir_node *t = &p->nodes[p->timeline];
		for (int i = 0; i < t->u.timeline.nscenes; i++) {
			int rc = check_scene(p, t, t->u.timeline.scenes[i], err, errlen);
			if (rc)
				return rc;
		}
		for (int i = 0; i < t->u.timeline.ntransitions; i++) {
			int id = t->u.timeline.transitions[i];
			if (!is_kind(p, id, IR_TRANSITION))
				return bad_ref(p, t, err, errlen, "transition", id);
			const ir_node *tr = &p->nodes[id];
			if (!tr_ops_for(tr->u.transition.type))
				return rterr_node(VE_INVAL, p, tr, err, errlen,
						  "invalid program: transition n%d has unknown type %d", id,
						  (int)tr->u.transition.type);
			int rc = check_scene(p, tr, tr->u.transition.from, err, errlen);
			if (!rc)
				rc = check_scene(p, tr, tr->u.transition.to, err, errlen);
			if (rc)
				return rc;
		}
	}
	for (int i = 0; i < p->noverlays; i++) {
		int id = p->overlays[i];
		if (!is_kind(p, id, IR_LAYER))
			return rterr_node(VE_INVAL, p, NULL, err, errlen,
					  "invalid program: overlay n%d is not a layer", id);
		int rc = check_layer(p, &p->nodes[id], id, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- lifetime of sources ----------------------------------------------------------------- */

static void note_use(rt_graph *g, int layer, int64_t end)
{
	const ir_node *l = &g->p->nodes[layer];
	int64_t e = l->f1 < end ? l->f1 : end;
	const ir_node *src = &g->p->nodes[l->u.layer.source];
	gnode *s = &g->n[src->id];
	if (e > s->last)
		s->last = e;
	/* a group's children are in use while the group is */
	for (int i = 0; src->kind == IR_GROUP && i < src->u.group.nlayers; i++)
		note_use(g, src->u.group.layers[i], e);
}

static int group_draw(void *gud, const ir_node *grp, int64_t f, const surf_t **out, char *err,
		      size_t errlen);

int graph_new(rt_graph **out, const ir_program *p, char *err, size_t errlen)
{
	*out = NULL;
	/* libav's chatter (x264's statistics, decoder complaints) is not for vidc's users: every
	 * failure reaches them as one of our messages naming the asset. Only changed from the
	 * default, so a caller that chose a level (e.g. for debugging) keeps it. */
	if (av_log_get_level() == AV_LOG_INFO)
		av_log_set_level(AV_LOG_FATAL);
	int rc = validate(p, err, errlen);
	if (rc)
		return rc;
	rt_graph *g = calloc(1, sizeof *g);
	if (!g || !(g->n = calloc((size_t)p->nnodes + 1, sizeof *g->n))) {
		free(g);
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
	}
	g->p = p;
	g->cx = (src_ctx){p, &g->fonts, &g->work, group_draw, g};
	if (p->timeline >= 0) {
		const ir_node *t = &p->nodes[p->timeline];
		for (int i = 0; i < t->u.timeline.nscenes; i++) {
			const ir_node *s = &p->nodes[t->u.timeline.scenes[i]];
			for (int j = 0; j < s->u.scene.nlayers; j++)
				note_use(g, s->u.scene.layers[j], s->f1);
		}
	}
	for (int i = 0; i < p->noverlays; i++)
		note_use(g, p->overlays[i], p->frames);
	if ((rc = captions_new(&g->captions, p, err, errlen)) ||
	    (rc = hook_rt_new(&g->hooks, p, err, errlen))) {
		graph_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

static void release_node(rt_graph *g, int id)
{
	gnode *s = &g->n[id];
	if (!s->ready)
		return;
	const src_ops *ops = ops_for(g->p->nodes[id].kind);
	if (ops && ops->release && s->state)
		ops->release(s->state);
	s->state = NULL;
	s->ready = 0;
}

static void free_group_buffers(rt_graph *g)
{
	for (int i = 0; i < IR_GROUP_MAX_DEPTH; i++) {
		surf_free(g->gsurf[i]);
		g->gsurf[i] = NULL;
	}
}

void graph_release_before(rt_graph *g, int64_t f)
{
	int groups = 0;
	for (int i = 0; i < g->p->nnodes; i++) {
		if (g->n[i].ready && g->n[i].last <= f)
			release_node(g, i);
		groups |= g->n[i].ready && g->p->nodes[i].kind == IR_GROUP;
		/* a finished layer's gradient too, so memory stays flat in the video's length (drawn
		 * again, it is rendered again) */
		if (g->n[i].grad && g->p->nodes[i].f1 <= f) {
			surf_free(g->n[i].grad);
			g->n[i].grad = NULL;
		}
		if (g->n[i].pm.m.a && g->p->nodes[i].f1 <= f)
			looks_pmask_free(&g->n[i].pm);
	}
	if (!groups)
		free_group_buffers(g);
}

void graph_work(const rt_graph *g, long long *decoded, long long *seeks)
{
	*decoded = g->work.decoded;
	*seeks = g->work.seeks;
}

void graph_free(rt_graph *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->p->nnodes; i++) {
		release_node(g, i);
		surf_free(g->n[i].grad);
		looks_pmask_free(&g->n[i].pm);
	}
	surf_free(g->tmp[0]);
	surf_free(g->tmp[1]);
	surf_free(g->band2);
	free_group_buffers(g);
	font_ctx_free(g->fonts);
	captions_free(g->captions);
	hook_rt_free(g->hooks);
	looks_free(g->looks);
	free(g->n);
	free(g);
}

/* ---- composition ------------------------------------------------------------------------- */

static int prepare_node(rt_graph *g, int id, char *err, size_t errlen)
{
	gnode *s = &g->n[id];
	if (s->ready)
		return 0;
	const ir_node *n = &g->p->nodes[id];
	const src_ops *ops = ops_for(n->kind);
	int rc = ops->prepare(&g->cx, n, &s->state, err, errlen);
	if (rc)
		return rc;
	s->ready = 1;
	return 0;
}

/* Prepares layer id's source and places it at frame f. Returns 1 with *v and *d filled when
 * the layer draws something, 0 when it does not, or a negative error. */
static int place_layer(rt_graph *g, int id, int64_t f, src_view *v, draw_params *d, char *err,
		       size_t errlen)
{
	const ir_node *l = &g->p->nodes[id];
	if (f < l->f0 || f >= l->f1)
		return 0;
	int sid = l->u.layer.source;
	int rc = prepare_node(g, sid, err, errlen);
	if (rc)
		return rc;
	const ir_node *sn = &g->p->nodes[sid];
	memset(v, 0, sizeof *v);
	rc = ops_for(sn->kind)->frame(&g->cx, sn, g->n[sid].state, f, v, err, errlen);
	if (rc)
		return rc;
	if (!v->surf)
		return 0;
	if (l->u.layer.neffects)
		return hook_layer(g->hooks, &g->cx, l, f, v, d, err, errlen);
	return layer_place(g->p, l, f, v, d);
}

/* A layer with looks (mask, matte, shadow, ...): its matte placed too, then looks.h draws. */
static int draw_looked(rt_graph *g, const ir_node *l, int64_t f, surf_t *dst, const src_view *v,
		       const draw_params *d, char *err, size_t errlen)
{
	src_view mv = {0};
	draw_params md;
	int mrc = 0;
	if (l->u.layer.matte && (mrc = place_layer(g, l->u.layer.matte_layer, f, &mv, &md, err, errlen)) < 0)
		return mrc;
	looks_job j = {g->p, l, f, v->surf, d, mrc > 0 ? mv.surf : NULL, &md, &g->n[l->id].grad, &g->n[l->id].pm};
	vidc_err e = {0, ""};
	int rc = looks_draw(&g->looks, dst, &j, &e);
	/* the real cause at the layer's line: a path mask past the rasteriser's budget is no
	 * shortage of memory */
	return rc ? rterr_node(rc, g->p, l, err, errlen, "cannot draw layer n%d: %s", l->id, e.msg) : 0;
}

static int draw_layer(rt_graph *g, int id, int64_t f, surf_t *dst, char *err, size_t errlen)
{
	src_view v;
	draw_params d;
	const ir_node *l = &g->p->nodes[id];
	if (l->u.layer.matte_only) /* drawn only as another layer's matte */
		return 0;
	int rc = place_layer(g, id, f, &v, &d, err, errlen);
	if (rc <= 0)
		return rc;
	if (looks_wanted(l)) /* its errors (and its matte's) are reported there */
		return draw_looked(g, l, f, dst, &v, &d, err, errlen);
	rc = grad_draw_layer(dst, v.surf, g->p->nodes[l->u.layer.source].kind, l->u.layer.gradient, &g->n[id].grad,
			     &d);
	if (rc)
		return rterr_node(rc, g->p, &g->p->nodes[id], err, errlen,
				  "out of memory drawing layer n%d", id);
	return 0;
}

/* 1 when layer id hides the whole W x H canvas at frame f (an opaque picture, fully opaque,
 * unrotated, covering every pixel), so nothing under it needs drawing; 0, or a negative error.
 * Only images, solids and video clips are asked: their frame() is idempotent (a clip's decodes
 * once per frame, the second call finds its picture converted), while a hook's or an effect's
 * would run Lua twice. */
static int layer_covers(rt_graph *g, int id, int64_t f, int W, int H, char *err, size_t errlen)
{
	const ir_node *l = &g->p->nodes[id];
	ir_kind k = g->p->nodes[l->u.layer.source].kind;
	if ((k != IR_IMAGE && k != IR_SOLID && k != IR_VIDEO) || l->u.layer.neffects || l->u.layer.matte_only || looks_wanted(l))
		return 0;
	/* a blend shows what is under it; a gradient fill may be transparent anywhere */
	if (l->u.layer.blend != IR_BLEND_NORMAL || (k == IR_SOLID && l->u.layer.gradient))
		return 0;
	src_view v;
	draw_params d;
	int rc = place_layer(g, id, f, &v, &d, err, errlen);
	if (rc <= 0)
		return rc;
	return d.opacity >= 1 && fabs(fmod(d.rot, 360)) <= 1e-9 && d.x0 <= 0 && d.y0 <= 0 && d.x1 >= W &&
	       d.y1 >= H && d.u1 > d.u0 && d.v1 > d.v0 && surf_is_opaque(v.surf);
}

/* Whether layer l at frame f shows a group exactly as its children lie on the canvas (no move,
 * scale, rotation, fade, effect or other look): then the children are drawn straight onto the
 * group's parent, which is what the group means, without the round trip through its buffer
 * (whose 8-bit "over" is not associative: soft edges would differ in the last bit from the same
 * layers written in the scene). */
static int group_collapses(const rt_graph *g, const ir_node *l, int64_t f)
{
	const ir_program *p = g->p;
	if (p->nodes[l->u.layer.source].kind != IR_GROUP || l->u.layer.neffects || f < l->f0 || f >= l->f1)
		return 0;
	/* Looks kept after neffects (blend mode, mask, ...: SPEC §18) are all zero when unused;
	 * any in use needs the group's picture as a whole. */
	const unsigned char *b = (const unsigned char *)&l->u.layer;
	for (size_t i = offsetof(ir_node, u.layer.neffects) + sizeof(int) - offsetof(ir_node, u.layer);
	     i < sizeof l->u.layer; i++)
		if (b[i])
			return 0;
	surf_t whole = {p->width, p->height, p->width, NULL, 0, 0};
	src_view v;
	draw_params d;
	src_view_whole(&v, &whole, p->width, p->height);
	return layer_place(p, l, f, &v, &d) && d.opacity >= 1 && fmod(d.rot, 360) == 0 && d.x0 == 0 &&
	       d.y0 == 0 && d.x1 == p->width && d.y1 == p->height && d.u0 == 0 && d.v0 == 0 &&
	       d.u1 == p->width && d.v1 == p->height;
}

/* Draws layers ids[0..n) at frame f onto dst in order, from the topmost that hides the whole
 * canvas (a full-frame photo: what is under it would be overwritten pixel for pixel); when none
 * does, dst is first filled with *bg (NULL: drawn over what dst holds). Scenes (over their
 * background) and groups (over transparent, or straight onto their parent) share it. */
static int draw_stack(rt_graph *g, const int *ids, int n, int64_t f, surf_t *dst, const uint32_t *bg,
		      char *err, size_t errlen)
{
	int first = 0, covered = 0;
	for (int i = n - 1; i >= 0 && !covered; i--) {
		int rc = layer_covers(g, ids[i], f, dst->w, dst->h, err, errlen);
		if (rc < 0)
			return rc;
		if (rc) {
			first = i;
			covered = 1;
		}
	}
	if (!covered && bg)
		surf_fill(dst, *bg);
	for (int i = first; i < n; i++) {
		const ir_node *l = &g->p->nodes[ids[i]];
		const ir_node *src = &g->p->nodes[l->u.layer.source];
		int rc = group_collapses(g, l, f)
				 ? draw_stack(g, src->u.group.layers, src->u.group.nlayers, f, dst, NULL, err, errlen)
				 : draw_layer(g, ids[i], f, dst, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* src_ctx.group_draw: group grp's children at frame f into its level's buffer. */
static int group_draw(void *gud, const ir_node *grp, int64_t f, const surf_t **out, char *err,
		      size_t errlen)
{
	rt_graph *g = gud;
	int lv = g->gdepth;
	if (lv >= IR_GROUP_MAX_DEPTH) /* validate() refused deeper programs: only a bad IR */
		return rterr_node(VE_LIMIT, g->p, grp, err, errlen, "group n%d nests deeper than %d levels",
				  grp->id, IR_GROUP_MAX_DEPTH);
	if (!g->gsurf[lv] && !(g->gsurf[lv] = surf_new(g->p->width, g->p->height)))
		return rterr_node(VE_NOMEM, g->p, grp, err, errlen, "out of memory (group buffer)");
	const uint32_t clear = 0;
	g->gdepth++;
	int rc = draw_stack(g, grp->u.group.layers, grp->u.group.nlayers, f, g->gsurf[lv], &clear, err,
			    errlen);
	g->gdepth--;
	*out = g->gsurf[lv];
	return rc;
}

/* The scene alone at frame f, over the program background: a full opaque frame. */
static int render_scene(rt_graph *g, int id, int64_t f, surf_t *dst, char *err, size_t errlen)
{
	const ir_node *s = &g->p->nodes[id];
	uint32_t bg = surf_pack(g->p->background);
	if (s->u.scene.background.a)
		bg = surf_over_px(bg, surf_pack(s->u.scene.background));
	return draw_stack(g, s->u.scene.layers, s->u.scene.nlayers, f, dst, &bg, err, errlen);
}

static int get_tmp(rt_graph *g, int i, surf_t **out, char *err, size_t errlen)
{
	if (!g->tmp[i] && !(g->tmp[i] = surf_new(g->p->width, g->p->height)))
		return rterr_node(VE_NOMEM, g->p, NULL, err, errlen, "out of memory (scene buffer)");
	*out = g->tmp[i];
	return 0;
}

static int tr_scene(const tr_frame *t, int id, surf_t *dst, char *err, size_t errlen)
{
	return render_scene(t->ud, id, t->f, dst, err, errlen);
}

static int tr_tmp(const tr_frame *t, int i, surf_t **out, char *err, size_t errlen)
{
	return get_tmp(t->ud, i, out, err, errlen);
}

/* Transition tr at frame f: its kind's renderer (transition.h) at the eased progress of the
 * frame's centre, asking back for the scenes it needs. */
static int render_transition(rt_graph *g, const ir_node *tr, int64_t f, surf_t *out, char *err,
			     size_t errlen)
{
	double len = (double)(tr->f1 - tr->f0);
	double pr = (f - tr->f0 + 0.5) / len;
	tr_frame t = {g->p, tr, f, ir_ease_eval(&tr->u.transition.ease, pr), &g->cx, g->hooks,
		      tr_scene, tr_tmp, g};
	return tr_ops_for(tr->u.transition.type)->render(&t, out, err, errlen);
}

/* The transition or else the scene the timeline shows at frame f. */
static int timeline_at(const ir_program *p, int64_t f, const ir_node **tr, int *scene)
{
	*tr = NULL;
	*scene = -1;
	if (p->timeline < 0)
		return 0;
	const ir_node *t = &p->nodes[p->timeline];
	for (int i = 0; i < t->u.timeline.ntransitions; i++) {
		const ir_node *x = &p->nodes[t->u.timeline.transitions[i]];
		if (f >= x->f0 && f < x->f1) {
			*tr = x;
			return 1;
		}
	}
	for (int i = 0; i < t->u.timeline.nscenes; i++) {
		const ir_node *s = &p->nodes[t->u.timeline.scenes[i]];
		if (f >= s->f0 && f < s->f1) {
			*scene = s->id;
			return 1;
		}
	}
	return 0;
}

int graph_render(rt_graph *g, int64_t f, surf_t *out, char *err, size_t errlen)
{
	const ir_program *p = g->p;
	const ir_node *tr;
	int scene, rc = 0;
	timeline_at(p, f, &tr, &scene);
	if (tr)
		rc = render_transition(g, tr, f, out, err, errlen);
	else if (scene >= 0)
		rc = render_scene(g, scene, f, out, err, errlen);
	else
		surf_fill(out, surf_pack(p->background));
	if (rc)
		return rc;
	for (int i = 0; i < p->noverlays; i++)
		if ((rc = draw_layer(g, p->overlays[i], f, out, err, errlen)))
			return rc;
	captions_draw(g->captions, f, out);
	/* Over an opaque background every step (over, lerp, copy) keeps alpha at 255 exactly, so
	 * only a translucent background needs the flattening pass. */
	if (surf_pack(p->background) >> 24 != 255)
		surf_flatten(out);
	out->opaque = 1;
	return 0;
}

/* ---- composition in bands ---------------------------------------------------------------- */

/* A frame composed band by band is planned once (every source asked for its picture and every
 * layer placed, in graph_render's order), then each band runs the plan: fill, draws, dissolve
 * lerp, overlays. Each draw writes every pixel from the same inputs as a whole-canvas draw, row
 * by row, so the bits are the same. */

#define BAND_DRAWS 64 /* draws in one frame's plan; a frame with more is composed whole */

typedef struct {
	int fill; /* fill with bg first (no layer hides the whole canvas) */
	uint32_t bg;
	int n;
	draw_job *jobs[BAND_DRAWS];
} band_stack;

typedef struct {
	band_stack st[3]; /* the scene (or a dissolve's outgoing one), the incoming one, overlays */
	int dissolve;
	unsigned t; /* the incoming scene's weight, 0..256 */
} band_plan;

/* Whether layer id can be drawn in bands: a plain draw of an image, solid, text or clip (the
 * sources whose frame() only makes their own picture), without effects, looks or a gradient,
 * its source not used by another layer of the frame (seen[]: its picture could change
 * between the two frame() calls of a plan). */
static int band_layer_ok(const rt_graph *g, int id, unsigned char *seen)
{
	const ir_node *l = &g->p->nodes[id];
	if (l->u.layer.matte_only)
		return 1;
	int sid = l->u.layer.source;
	ir_kind k = g->p->nodes[sid].kind;
	if ((k != IR_IMAGE && k != IR_SOLID && k != IR_TEXT && k != IR_VIDEO) || l->u.layer.neffects ||
	    looks_wanted(l) || l->u.layer.gradient || seen[sid])
		return 0;
	seen[sid] = 1;
	return 1;
}

static int band_scene_ok(const rt_graph *g, int id, unsigned char *seen)
{
	const ir_node *s = &g->p->nodes[id];
	for (int i = 0; i < s->u.scene.nlayers; i++)
		if (!band_layer_ok(g, s->u.scene.layers[i], seen))
			return 0;
	return 1;
}

static void band_stack_free(band_stack *st)
{
	for (int i = 0; i < st->n; i++)
		draw_job_free(st->jobs[i]);
	st->n = 0;
}

/* draw_stack's plan: the same layers placed in the same order. Returns 0 or a negative error;
 * *more is set when the stack has more draws than a plan holds. */
static int plan_layers(rt_graph *g, const int *ids, int n, int64_t f, const uint32_t *bg, band_stack *st,
		       int *more, char *err, size_t errlen)
{
	int first = 0, covered = 0;
	for (int i = n - 1; i >= 0 && !covered; i--) {
		int rc = layer_covers(g, ids[i], f, g->p->width, g->p->height, err, errlen);
		if (rc < 0)
			return rc;
		if (rc) {
			first = i;
			covered = 1;
		}
	}
	if (!covered && bg) {
		st->fill = 1;
		st->bg = *bg;
	}
	for (int i = first; i < n; i++) {
		const ir_node *l = &g->p->nodes[ids[i]];
		if (l->u.layer.matte_only)
			continue;
		src_view v;
		draw_params d;
		int rc = place_layer(g, ids[i], f, &v, &d, err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		if (st->n == BAND_DRAWS) {
			*more = 1;
			return 0;
		}
		if ((rc = draw_job_new(&st->jobs[st->n], g->p->width, v.surf, &d)))
			return rterr_node(rc, g->p, l, err, errlen, "out of memory drawing layer n%d", l->id);
		if (st->jobs[st->n])
			st->n++;
	}
	return 0;
}

static int plan_scene(rt_graph *g, int id, int64_t f, band_stack *st, int *more, char *err, size_t errlen)
{
	const ir_node *s = &g->p->nodes[id];
	uint32_t bg = surf_pack(g->p->background);
	if (s->u.scene.background.a)
		bg = surf_over_px(bg, surf_pack(s->u.scene.background));
	return plan_layers(g, s->u.scene.layers, s->u.scene.nlayers, f, &bg, st, more, err, errlen);
}

/* Whether frame f can be composed in bands (asks no source for anything). */
static int band_frame_ok(rt_graph *g, int64_t f, const ir_node **tr, int *scene)
{
	const ir_program *p = g->p;
	if (g->captions || surf_pack(p->background) >> 24 != 255)
		return 0;
	unsigned char *seen = calloc((size_t)p->nnodes + 1, 1);
	if (!seen)
		return 0;
	timeline_at(p, f, tr, scene);
	int ok = 1;
	if (*tr)
		ok = (*tr)->u.transition.type == IR_TR_DISSOLVE && band_scene_ok(g, (*tr)->u.transition.from, seen) &&
		     band_scene_ok(g, (*tr)->u.transition.to, seen);
	else if (*scene >= 0)
		ok = band_scene_ok(g, *scene, seen);
	for (int i = 0; ok && i < p->noverlays; i++)
		ok = band_layer_ok(g, p->overlays[i], seen);
	free(seen);
	return ok;
}

static int band_plan_make(rt_graph *g, int64_t f, const ir_node *tr, int scene, band_plan *bp, int *more,
			  char *err, size_t errlen)
{
	const ir_program *p = g->p;
	int rc = 0;
	if (tr) {
		double len = (double)(tr->f1 - tr->f0);
		double e = ir_ease_eval(&tr->u.transition.ease, (f - tr->f0 + 0.5) / len);
		bp->dissolve = 1;
		bp->t = (unsigned)lrint(fmin(fmax(e, 0), 1) * 256);
		rc = plan_scene(g, tr->u.transition.from, f, &bp->st[0], more, err, errlen);
		if (!rc && !*more)
			rc = plan_scene(g, tr->u.transition.to, f, &bp->st[1], more, err, errlen);
	} else if (scene >= 0) {
		rc = plan_scene(g, scene, f, &bp->st[0], more, err, errlen);
	} else {
		bp->st[0].fill = 1;
		bp->st[0].bg = surf_pack(p->background);
	}
	if (!rc && !*more)
		rc = plan_layers(g, p->overlays, p->noverlays, f, NULL, &bp->st[2], more, err, errlen);
	return rc;
}

static void band_stack_draw(const band_stack *st, surf_t *band)
{
	if (st->fill)
		surf_fill(band, st->bg);
	for (int i = 0; i < st->n; i++)
		draw_job_rows(st->jobs[i], band);
}

int graph_render_bands(rt_graph *g, int64_t f, surf_t *band, int rows,
		       void (*done)(void *ud, const surf_t *band), void *ud, char *err, size_t errlen)
{
	const ir_program *p = g->p;
	const ir_node *tr;
	int scene, more = 0;
	if (!band_frame_ok(g, f, &tr, &scene))
		return 0;
	if (tr && g->band2_rows < rows) {
		surf_free(g->band2);
		g->band2_rows = 0;
		if (!(g->band2 = surf_new(p->width, rows)))
			return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory (scene band)");
		g->band2_rows = rows;
	}
	band_plan bp;
	memset(&bp, 0, sizeof bp);
	int rc = band_plan_make(g, f, tr, scene, &bp, &more, err, errlen);
	if (!rc && !more) {
		for (int y = 0; y < p->height; y += rows) {
			band->oy = y;
			band->h = p->height - y < rows ? p->height - y : rows;
			band_stack_draw(&bp.st[0], band);
			if (bp.dissolve) {
				g->band2->oy = band->oy;
				g->band2->h = band->h;
				band_stack_draw(&bp.st[1], g->band2);
				surf_lerp(band, band, g->band2, bp.t);
			}
			band_stack_draw(&bp.st[2], band);
			band->opaque = 1;
			done(ud, band);
		}
	}
	for (int i = 0; i < 3; i++)
		band_stack_free(&bp.st[i]);
	return rc ? rc : !more;
}
