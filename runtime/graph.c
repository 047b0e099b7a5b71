/*
 * graph.c - frame composition (see graph.h): timeline, transitions, scenes, layers, overlays.
 * Sources are small objects (source.h) found through a table indexed by ir_kind, so a new kind
 * is one file and one table entry.
 */
#include "graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "captions.h"
#include "font.h"
#include "hook.h"
#include "layer.h"
#include "rterr.h"

typedef struct {
	void *state;
	int ready;
	int64_t last; /* the frame after the last one that uses this source */
} gnode;

struct rt_graph {
	const ir_program *p;
	gnode *n;
	surf_t *tmp[2]; /* scene buffers for transitions, allocated on first use */
	font_ctx *fonts;
	captions_t *captions; /* burned-in captions, NULL when none */
	hook_rt *hooks;       /* Lua effects and transitions, NULL when none */
};

int graph_fonts(rt_graph *g, font_ctx **out, char *cause, size_t len)
{
	if (!g->fonts) {
		int rc = font_ctx_new(&g->fonts, cause, len);
		if (rc)
			return rc;
	}
	*out = g->fonts;
	return 0;
}

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
	default:
		return NULL;
	}
}

const ir_program *graph_program(const rt_graph *g)
{
	return g->p;
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

static int check_layer(const ir_program *p, const ir_node *owner, int id, char *err, size_t errlen)
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
	return 0;
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
	gnode *s = &g->n[l->u.layer.source];
	if (e > s->last)
		s->last = e;
}

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

void graph_release_before(rt_graph *g, int64_t f)
{
	for (int i = 0; i < g->p->nnodes; i++)
		if (g->n[i].ready && g->n[i].last <= f)
			release_node(g, i);
}

void graph_free(rt_graph *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->p->nnodes; i++)
		release_node(g, i);
	surf_free(g->tmp[0]);
	surf_free(g->tmp[1]);
	font_ctx_free(g->fonts);
	captions_free(g->captions);
	hook_rt_free(g->hooks);
	free(g->n);
	free(g);
}

/* Every layer of the program that shows source id, with the frame range it can draw in. */
typedef void (*layer_fn)(const ir_program *p, const ir_node *l, int64_t f0, int64_t f1, void *ctx);

static void each_layer_of(const ir_program *p, int id, layer_fn fn, void *ctx)
{
	if (p->timeline >= 0) {
		const ir_node *t = &p->nodes[p->timeline];
		for (int i = 0; i < t->u.timeline.nscenes; i++) {
			const ir_node *s = &p->nodes[t->u.timeline.scenes[i]];
			for (int j = 0; j < s->u.scene.nlayers; j++) {
				const ir_node *l = &p->nodes[s->u.scene.layers[j]];
				if (l->u.layer.source == id)
					fn(p, l, l->f0 > s->f0 ? l->f0 : s->f0, l->f1 < s->f1 ? l->f1 : s->f1, ctx);
			}
		}
	}
	for (int i = 0; i < p->noverlays; i++) {
		const ir_node *l = &p->nodes[p->overlays[i]];
		if (l->u.layer.source == id)
			fn(p, l, l->f0, l->f1, ctx);
	}
}

typedef struct {
	double nw, nh, need;
	int any;
} need_ctx;

static void need_fn(const ir_program *p, const ir_node *l, int64_t f0, int64_t f1, void *vctx)
{
	need_ctx *c = vctx;
	if (f0 < 0)
		f0 = 0;
	if (f1 > p->frames)
		f1 = p->frames;
	/* Every frame for ordinary lengths; a stride keeps hour-long layers cheap. Curves are
	 * smooth, so a stride of a few frames misses nothing that matters. */
	int64_t step = (f1 - f0) / 20000 + 1;
	for (int64_t f = f0; f < f1; f += step) {
		double s = layer_scale_at(p, l, f, c->nw, c->nh);
		if (s > c->need)
			c->need = s;
		c->any = 1;
	}
}

double graph_need_scale(const rt_graph *g, int id, double nat_w, double nat_h)
{
	need_ctx c = {nat_w, nat_h, 0, 0};
	each_layer_of(g->p, id, need_fn, &c);
	return c.any && c.need > 0 ? c.need : 1;
}

/* ---- composition ------------------------------------------------------------------------- */

static int prepare_node(rt_graph *g, int id, char *err, size_t errlen)
{
	gnode *s = &g->n[id];
	if (s->ready)
		return 0;
	const ir_node *n = &g->p->nodes[id];
	const src_ops *ops = ops_for(n->kind);
	int rc = ops->prepare(g, n, &s->state, err, errlen);
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
	rc = ops_for(sn->kind)->frame(g, sn, g->n[sid].state, f, v, err, errlen);
	if (rc)
		return rc;
	if (!v->surf)
		return 0;
	if (l->u.layer.neffects)
		return hook_layer(g->hooks, g, l, f, v, d, err, errlen);
	return layer_place(g->p, l, f, v, d);
}

static int draw_layer(rt_graph *g, int id, int64_t f, surf_t *dst, char *err, size_t errlen)
{
	src_view v;
	draw_params d;
	int rc = place_layer(g, id, f, &v, &d, err, errlen);
	if (rc <= 0)
		return rc;
	rc = draw_surface(dst, v.surf, &d);
	if (rc)
		return rterr_node(rc, g->p, &g->p->nodes[id], err, errlen,
				  "out of memory drawing layer n%d", id);
	return 0;
}

/* 1 when layer id hides the whole W x H canvas at frame f (an opaque picture, fully opaque,
 * unrotated, covering every pixel), so nothing under it needs drawing; 0, or a negative error.
 * Only images and solids are asked: their frame() is cheap and idempotent, while a hook's or an
 * effect's would run Lua twice. */
static int layer_covers(rt_graph *g, int id, int64_t f, int W, int H, char *err, size_t errlen)
{
	const ir_node *l = &g->p->nodes[id];
	ir_kind k = g->p->nodes[l->u.layer.source].kind;
	if ((k != IR_IMAGE && k != IR_SOLID) || l->u.layer.neffects)
		return 0;
	src_view v;
	draw_params d;
	int rc = place_layer(g, id, f, &v, &d, err, errlen);
	if (rc <= 0)
		return rc;
	return d.opacity >= 1 && fabs(fmod(d.rot, 360)) <= 1e-9 && d.x0 <= 0 && d.y0 <= 0 && d.x1 >= W &&
	       d.y1 >= H && d.u1 > d.u0 && d.v1 > d.v0 && surf_is_opaque(v.surf);
}

/* The scene alone at frame f, over the program background: a full opaque frame. */
static int render_scene(rt_graph *g, int id, int64_t f, surf_t *dst, char *err, size_t errlen)
{
	const ir_node *s = &g->p->nodes[id];
	uint32_t bg = surf_pack(g->p->background);
	if (s->u.scene.background.a)
		bg = surf_over_px(bg, surf_pack(s->u.scene.background));
	/* Start at the topmost layer that hides everything under it (a full-frame photo): the
	 * background and the layers below would be overwritten pixel for pixel. */
	int first = 0, covered = 0;
	for (int i = s->u.scene.nlayers - 1; i >= 0 && !covered; i--) {
		int rc = layer_covers(g, s->u.scene.layers[i], f, dst->w, dst->h, err, errlen);
		if (rc < 0)
			return rc;
		if (rc) {
			first = i;
			covered = 1;
		}
	}
	if (!covered)
		surf_fill(dst, bg);
	for (int i = first; i < s->u.scene.nlayers; i++) {
		int rc = draw_layer(g, s->u.scene.layers[i], f, dst, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int get_tmp(rt_graph *g, int i, surf_t **out, char *err, size_t errlen)
{
	if (!g->tmp[i] && !(g->tmp[i] = surf_new(g->p->width, g->p->height)))
		return rterr_node(VE_NOMEM, g->p, NULL, err, errlen, "out of memory (scene buffer)");
	*out = g->tmp[i];
	return 0;
}

/* b shown on the far side of a moving edge, a (already in out) elsewhere: the wipe. The edge
 * is anti-aliased by the fraction of each pixel column (row) it has passed. */
static int wipe(surf_t *out, const surf_t *b, ir_dir dir, double e)
{
	int W = out->w, H = out->h;
	int horiz = dir == IR_DIR_LEFT || dir == IR_DIR_RIGHT;
	int n = horiz ? W : H;
	int rev = dir == IR_DIR_LEFT || dir == IR_DIR_UP; /* b grows from the far edge */
	double edge = rev ? n * (1 - e) : n * e;
	unsigned *w = malloc(sizeof *w * (size_t)n);
	if (!w)
		return VE_NOMEM;
	for (int i = 0; i < n; i++) {
		double c = rev ? (i + 1) - edge : edge - i;
		w[i] = c <= 0 ? 0 : c >= 1 ? 256 : (unsigned)lrint(c * 256);
	}
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

static int render_transition(rt_graph *g, const ir_node *tr, int64_t f, surf_t *out, char *err,
			     size_t errlen)
{
	double len = (double)(tr->f1 - tr->f0);
	double pr = (f - tr->f0 + 0.5) / len;
	double e = ir_ease_eval(&tr->u.transition.ease, pr);
	int from = tr->u.transition.from, to = tr->u.transition.to;
	unsigned t256 = (unsigned)lrint(fmin(fmax(e, 0), 1) * 256);
	surf_t *a = NULL, *b = NULL;
	int rc;
	ir_dir dir = tr->u.transition.dir;
	int W = out->w, H = out->h;
	switch (tr->u.transition.type) {
	case IR_TR_CUT:
		return render_scene(g, to, f, out, err, errlen);
	case IR_TR_HOOK:
		if ((rc = get_tmp(g, 0, &a, err, errlen)) || (rc = get_tmp(g, 1, &b, err, errlen)) ||
		    (rc = render_scene(g, from, f, a, err, errlen)) || (rc = render_scene(g, to, f, b, err, errlen)))
			return rc;
		return hook_transition(g->hooks, g, tr, f, e, a, b, out, err, errlen);
	case IR_TR_DISSOLVE:
		if ((rc = render_scene(g, from, f, out, err, errlen)) || (rc = get_tmp(g, 0, &a, err, errlen)) ||
		    (rc = render_scene(g, to, f, a, err, errlen)))
			return rc;
		surf_lerp(out, out, a, t256);
		return 0;
	case IR_TR_FADE: {
		uint32_t c = surf_pack(tr->u.transition.color);
		c = surf_over_px(surf_pack(g->p->background), c);
		if (e < 0.5) {
			if ((rc = render_scene(g, from, f, out, err, errlen)))
				return rc;
			surf_lerp_color(out, out, c, (unsigned)lrint(e * 2 * 256));
		} else {
			if ((rc = render_scene(g, to, f, out, err, errlen)))
				return rc;
			surf_lerp_color(out, out, c, (unsigned)lrint((1 - e) * 2 * 256));
		}
		return 0;
	}
	case IR_TR_SLIDE:
	case IR_TR_PUSH: {
		/* Whole-pixel offsets: at transition speeds (tens of pixels per frame) a sub-pixel
		 * remainder is invisible, and shifting by copies keeps this a memcpy. */
		int horiz = dir == IR_DIR_LEFT || dir == IR_DIR_RIGHT;
		int n = horiz ? W : H;
		int sign = (dir == IR_DIR_LEFT || dir == IR_DIR_UP) ? -1 : 1;
		int moved = (int)lrint(n * e);            /* how far the incoming scene has travelled */
		int to_off = -sign * (n - moved);          /* it starts one screen away */
		int from_off = tr->u.transition.type == IR_TR_PUSH ? sign * moved : 0;
		if ((rc = get_tmp(g, 0, &a, err, errlen)) || (rc = render_scene(g, to, f, a, err, errlen)))
			return rc;
		if (from_off == 0) {
			if ((rc = render_scene(g, from, f, out, err, errlen)))
				return rc;
		} else {
			if ((rc = get_tmp(g, 1, &b, err, errlen)) ||
			    (rc = render_scene(g, from, f, b, err, errlen)))
				return rc;
			surf_blit_shift(out, b, horiz ? from_off : 0, horiz ? 0 : from_off);
		}
		surf_blit_shift(out, a, horiz ? to_off : 0, horiz ? 0 : to_off);
		return 0;
	}
	case IR_TR_WIPE:
		if ((rc = render_scene(g, from, f, out, err, errlen)) || (rc = get_tmp(g, 0, &a, err, errlen)) ||
		    (rc = render_scene(g, to, f, a, err, errlen)))
			return rc;
		if (wipe(out, a, dir, e))
			return rterr_node(VE_NOMEM, g->p, tr, err, errlen, "out of memory (wipe)");
		return 0;
	}
	return 0;
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

static int prepare_scene_at(rt_graph *g, int id, int64_t f, char *err, size_t errlen)
{
	const ir_node *s = &g->p->nodes[id];
	for (int i = 0; i < s->u.scene.nlayers; i++) {
		const ir_node *l = &g->p->nodes[s->u.scene.layers[i]];
		if (f >= l->f0 && f < l->f1) {
			int rc = prepare_node(g, l->u.layer.source, err, errlen);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int graph_prepare_at(rt_graph *g, int64_t f, char *err, size_t errlen)
{
	const ir_node *tr;
	int scene, rc = 0;
	timeline_at(g->p, f, &tr, &scene);
	if (tr) {
		rc = prepare_scene_at(g, tr->u.transition.from, f, err, errlen);
		if (!rc)
			rc = prepare_scene_at(g, tr->u.transition.to, f, err, errlen);
	} else if (scene >= 0) {
		rc = prepare_scene_at(g, scene, f, err, errlen);
	}
	return rc;
}
