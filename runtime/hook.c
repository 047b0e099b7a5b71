/*
 * hook.c - Lua hooks in the frame graph (see hook.h): `draw` layers as a source, effects on
 * layers, hook transitions. Builds each call's ctx table, hands the hook a canvas (canvas.h)
 * and reads back what it returns; lua_host.c runs the calls sandboxed.
 */
#include "hook.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "canvas.h"
#include "font.h"
#include "layer.h"
#include "lua_host.h"
#include "rterr.h"

/* ---- one call ---------------------------------------------------------------------------- */

/* Layer properties a params() hook may return, and where they live in the layer node. */
enum { OV_X, OV_Y, OV_W, OV_H, OV_OPACITY, OV_SCALE, OV_ROTATION, OV_ZOOM, OV_PAN_X, OV_PAN_Y, OV_N };
static const struct {
	const char *name;
	size_t off; /* of the property's curve in ir_node */
} ov_props[OV_N] = {
	{"x", offsetof(ir_node, u.layer.x)},
	{"y", offsetof(ir_node, u.layer.y)},
	{"width", offsetof(ir_node, u.layer.w)},
	{"height", offsetof(ir_node, u.layer.h)},
	{"opacity", offsetof(ir_node, u.layer.opacity)},
	{"scale", offsetof(ir_node, u.layer.scale)},
	{"rotation", offsetof(ir_node, u.layer.rotation)},
	{"zoom", offsetof(ir_node, u.layer.zoom)},
	{"pan_x", offsetof(ir_node, u.layer.pan_x)},
	{"pan_y", offsetof(ir_node, u.layer.pan_y)},
};

static ir_curve *ov_curve(ir_node *l, int i)
{
	return (ir_curve *)((char *)l + ov_props[i].off);
}

enum { CALL_DRAW, CALL_PARAMS, CALL_TRANSITION };

typedef struct {
	int kind;
	const ir_program *p;
	int64_t f, f0, f1; /* the frame, and the range the hook's node is active in */
	double progress;   /* < 0: from the frame within [f0, f1) */
	double raw;        /* transitions: progress before easing */
	int w, h;
	const ir_param *params;
	int nparams;
	uint64_t seed;
	surf_t *canvas;
	font_ctx *fonts;
	const surf_t *a, *b;
	const ir_node *layer; /* effects: the layer, for ctx.layer */
	double ov[OV_N];
	int has_ov[OV_N];
} call_t;

static void setnum(lua_State *L, const char *k, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, k);
}

static void push_ctx(lua_State *L, call_t *c)
{
	const ir_program *p = c->p;
	double fps = (double)p->fps_num / p->fps_den;
	int64_t n = c->f1 - c->f0;
	double t = ir_frame_time(p, c->f);
	lua_createtable(L, 0, 16);
	setnum(L, "t", t);
	setnum(L, "local_t", (c->f - c->f0) / fps);
	setnum(L, "duration", n / fps);
	double pr = c->progress >= 0 ? c->progress : n > 1 ? (double)(c->f - c->f0) / (double)(n - 1) : 1;
	setnum(L, "progress", fmin(fmax(pr, 0), 1));
	if (c->kind == CALL_TRANSITION)
		setnum(L, "linear_progress", c->raw);
	setnum(L, "fps", fps);
	lua_pushinteger(L, c->w);
	lua_setfield(L, -2, "width");
	lua_pushinteger(L, c->h);
	lua_setfield(L, -2, "height");
	lua_pushinteger(L, (lua_Integer)c->f);
	lua_setfield(L, -2, "frame");
	lua_pushinteger(L, (lua_Integer)(c->seed >> 12));
	lua_setfield(L, -2, "seed");
	lua_pushinteger(L, p->width);
	lua_setfield(L, -2, "video_width");
	lua_pushinteger(L, p->height);
	lua_setfield(L, -2, "video_height");
	lua_createtable(L, 0, c->nparams);
	for (int i = 0; i < c->nparams; i++) {
		const ir_param *q = &c->params[i];
		if (q->str)
			lua_pushstring(L, q->str);
		else if (q->curve.n > 0)
			lua_pushnumber(L, ir_curve_eval(&q->curve, t));
		else
			continue;
		lua_setfield(L, -2, q->name);
	}
	lua_setfield(L, -2, "params");
	if (c->layer) {
		const ir_node *l = c->layer;
		lua_createtable(L, 0, 8);
		for (int i = 0; i < OV_N; i++) {
			ir_node tmp = *l;
			const ir_curve *cv = ov_curve(&tmp, i);
			if (cv->n > 0)
				setnum(L, ov_props[i].name, ir_curve_eval(cv, t));
		}
		lua_setfield(L, -2, "layer");
	}
}

static int call_args(lua_State *L, void *ud)
{
	call_t *c = ud;
	push_ctx(L, c);
	if (c->kind == CALL_PARAMS)
		return 1;
	if (c->kind == CALL_TRANSITION) {
		canvas_push_image(L, c->a);
		canvas_push_image(L, c->b);
		canvas_push(L, c->canvas, c->fonts);
		return 4;
	}
	canvas_push(L, c->canvas, c->fonts);
	return 2;
}

static void params_done(lua_State *L, call_t *c)
{
	if (lua_isnil(L, -1))
		return;
	if (!lua_istable(L, -1))
		luaL_error(L, "params(ctx) must return a table of layer properties, not %s", luaL_typename(L, -1));
	for (int i = 0; i < OV_N; i++) {
		lua_getfield(L, -1, ov_props[i].name);
		if (!lua_isnil(L, -1)) {
			int ok;
			double v = lua_tonumberx(L, -1, &ok);
			if (!ok || !isfinite(v))
				luaL_error(L, "params(ctx): '%s' must be a finite number", ov_props[i].name);
			c->ov[i] = fmin(fmax(v, -1e7), 1e7); /* keeps the placement arithmetic defined */
			c->has_ov[i] = 1;
		}
		lua_pop(L, 1);
	}
}

/* After a call that returned: reads params() results, then invalidates every canvas and image
 * handle the call was given, so a hook that keeps one in a global gets an error next time. (A
 * call that failed leaves nothing behind: lua_host throws its state away.) */
static void call_done(lua_State *L, void *ud)
{
	call_t *c = ud;
	if (c->kind == CALL_PARAMS)
		params_done(L, c);
	canvas_end_all(L);
}

static int run(lua_host *lh, const char *fn, call_t *c, char *err, size_t errlen)
{
	return lua_host_run(lh, fn, call_args, call_done, c->kind == CALL_PARAMS ? 1 : 0, c, c->seed,
			    err, errlen);
}

/* The render's fonts for canvas:text; NULL (text then fails in the hook with a message) when
 * fontconfig cannot start. */
static font_ctx *fonts_of(const src_ctx *cx)
{
	char cause[128];
	if (font_ctx_get(cx->fonts, cx->p->font_text, cause, sizeof cause))
		return NULL;
	return *cx->fonts;
}

/* Every fresh Lua state of a hook gets the canvas API, with the hook file's folder as the
 * place canvas:image reads pictures from. */
static void setup_state(lua_State *L, const char *path)
{
	canvas_register(L);
	const char *slash = strrchr(path, '/');
	if (!slash) {
		canvas_set_dir(L, ".");
		return;
	}
	lua_pushlstring(L, path, (size_t)(slash - path));
	canvas_set_dir(L, lua_tostring(L, -1));
	lua_pop(L, 1);
}

static int open_host(lua_host **out, const char *path, const char *name, const ir_program *p,
		     const ir_node *caller, char *err, size_t errlen)
{
	return lua_host_open(out, path, name, setup_state, p, caller, err, errlen);
}

static int missing(const ir_program *p, const ir_node *n, const char *name, const char *path,
		   const char *what, char *err, size_t errlen)
{
	char shown[1024];
	return rterr_node(VE_INVAL, p, n, err, errlen, "hook '%s' (%s) has no %s function", name,
			  rterr_path(n, path, shown, sizeof shown), what);
}

/* ---- the draw source ---------------------------------------------------------------------- */

typedef struct {
	lua_host *lh;
	const ir_node *layer; /* the layer showing this source (its box is the canvas) */
	surf_t *s;
	int64_t last; /* frame drawn into s, -1 = none */
	double bw, bh;
} hsrc;

static void hsrc_release(void *state)
{
	hsrc *st = state;
	if (!st)
		return;
	lua_host_close(st->lh);
	surf_free(st->s);
	free(st);
}

static int hsrc_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	hsrc *st = calloc(1, sizeof *st);
	if (!st)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	st->last = -1;
	for (int i = 0; i < p->nnodes && !st->layer; i++)
		if (p->nodes[i].kind == IR_LAYER && p->nodes[i].u.layer.source == n->id)
			st->layer = &p->nodes[i];
	int rc = open_host(&st->lh, n->u.hook.path, n->u.hook.name, p, n, err, errlen);
	if (rc) {
		hsrc_release(st);
		return rc;
	}
	*state = st;
	return 0;
}

static int hsrc_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		      char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	hsrc *st = state;
	double t = ir_frame_time(p, f);
	double bw = 0, bh = 0;
	if (st->layer) {
		bw = ir_curve_eval(&st->layer->u.layer.w, t);
		bh = ir_curve_eval(&st->layer->u.layer.h, t);
	}
	if (!(bw > 0))
		bw = p->width;
	if (!(bh > 0))
		bh = p->height;
	bw = fmin(bw, 16384), bh = fmin(bh, 16384);
	int sw = (int)ceil(bw), sh = (int)ceil(bh);
	if (st->last != f || bw != st->bw || bh != st->bh) {
		if (!st->s || st->s->w != sw || st->s->h != sh) {
			surf_free(st->s);
			if (!(st->s = surf_new(sw, sh)))
				return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory (draw layer)");
		} else {
			surf_fill(st->s, 0);
		}
		st->last = -1;
		const ir_node *l = st->layer;
		call_t c = {CALL_DRAW, p, f, l ? l->f0 : 0, l ? l->f1 : p->frames, -1, 0, sw, sh,
			    n->u.hook.params, n->u.hook.nparams, lua_host_seed(n->u.hook.name, f * 131 + n->id),
			    st->s, fonts_of(cx), NULL, NULL, NULL, {0}, {0}};
		int rc = run(st->lh, "draw", &c, err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return missing(p, n, n->u.hook.name, n->u.hook.path, "draw(ctx, canvas)", err, errlen);
		st->last = f;
		st->bw = bw, st->bh = bh;
		st->s->opaque = 0;
	}
	v->surf = st->s;
	v->nat_w = bw;
	v->nat_h = bh;
	v->ox = v->oy = 0;
	v->kx = v->ky = 1;
	return 0;
}

const src_ops hook_source = {hsrc_prepare, hsrc_frame, hsrc_release};

/* ---- effects and transitions --------------------------------------------------------------- */

typedef struct {
	surf_t *s;           /* the layer's picture with its effects drawn */
	const surf_t *from;  /* the source surface it was made from */
	int64_t f;           /* the frame it shows, -1 = none */
	src_view v;
	draw_params d;
	int vis;
} hlayer;

struct hook_rt {
	const ir_program *p;
	lua_host **lh; /* per node id: effects and hook transitions */
	hlayer *l;     /* per layer node id */
	int64_t lastf;
};

int hook_rt_new(hook_rt **out, const ir_program *p, char *err, size_t errlen)
{
	*out = NULL;
	int any = 0;
	for (int i = 0; i < p->nnodes && !any; i++)
		any = p->nodes[i].kind == IR_EFFECT ||
		      (p->nodes[i].kind == IR_TRANSITION && p->nodes[i].u.transition.type == IR_TR_HOOK);
	if (!any)
		return 0;
	hook_rt *h = calloc(1, sizeof *h);
	if (!h || !(h->lh = calloc((size_t)p->nnodes, sizeof *h->lh)) ||
	    !(h->l = calloc((size_t)p->nnodes, sizeof *h->l))) {
		hook_rt_free(h);
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
	}
	h->p = p;
	h->lastf = -1;
	for (int i = 0; i < p->nnodes; i++)
		h->l[i].f = -1;
	*out = h;
	return 0;
}

void hook_rt_free(hook_rt *h)
{
	if (!h)
		return;
	if (h->lh)
		for (int i = 0; i < h->p->nnodes; i++)
			lua_host_close(h->lh[i]);
	if (h->l)
		for (int i = 0; i < h->p->nnodes; i++)
			surf_free(h->l[i].s);
	free(h->lh);
	free(h->l);
	free(h);
}

/* Runs effect e's function fn (params or draw) for frame f with its own parameters and seed. */
static int run_effect(hook_rt *h, const ir_node *e, int64_t f, const char *fn, call_t *c, char *err, size_t errlen)
{
	c->params = e->u.effect.params;
	c->nparams = e->u.effect.nparams;
	c->seed = lua_host_seed(e->u.effect.name, f * 131 + e->id);
	return run(h->lh[e->id], fn, c, err, errlen);
}

static int host_for(hook_rt *h, const ir_node *n, const char *name, const char *path, char *err,
		    size_t errlen)
{
	if (h->lh[n->id])
		return 0;
	return open_host(&h->lh[n->id], path, name, h->p, n, err, errlen);
}

/* Frees the pictures and states of layers not showing at frame f, so memory follows what is
 * on screen rather than the video's length. */
static void collect(hook_rt *h, int64_t f)
{
	const ir_program *p = h->p;
	for (int i = 0; i < p->nnodes; i++) {
		const ir_node *l = &p->nodes[i];
		if (l->kind != IR_LAYER || !l->u.layer.neffects || (f >= l->f0 && f < l->f1))
			continue;
		surf_free(h->l[i].s);
		h->l[i].s = NULL;
		h->l[i].f = -1;
		for (int k = 0; k < l->u.layer.neffects; k++) {
			int e = l->u.layer.effects[k];
			lua_host_close(h->lh[e]);
			h->lh[e] = NULL;
		}
	}
}

/* A copy of the source picture to draw the effects on. A tiny surface (a solid's single
 * pixel) is stretched to the layer's natural size first so effects have pixels to work on. */
static int picture(hlayer *L, const src_view *v, const ir_program *p)
{
	const surf_t *src = v->surf;
	int w = src->w, h = src->h;
	int stretch = (long)w * h < 64 * 64;
	if (stretch) {
		w = (int)fmin(ceil(v->nat_w), 2 * p->width);
		h = (int)fmin(ceil(v->nat_h), 2 * p->height);
		if (w < 1 || h < 1)
			w = src->w, h = src->h, stretch = 0;
	}
	if (!L->s || L->s->w != w || L->s->h != h) {
		surf_free(L->s);
		if (!(L->s = surf_new(w, h)))
			return VE_NOMEM;
	}
	L->v = *v;
	L->v.surf = L->s;
	if (!stretch) {
		for (int y = 0; y < h; y++)
			memcpy(L->s->px + (size_t)y * L->s->stride, src->px + (size_t)y * src->stride,
			       (size_t)w * 4);
		return 0;
	}
	surf_fill(L->s, 0);
	draw_params d = {0, 0, src->w, src->h, 0, 0, w, h, 0, 0, 0, 1, 0};
	if (draw_surface(L->s, src, &d))
		return VE_NOMEM;
	L->v.kx = v->kx * w / src->w;
	L->v.ky = v->ky * h / src->h;
	L->v.ox = v->ox * w / src->w;
	L->v.oy = v->oy * h / src->h;
	return 0;
}

int hook_layer(hook_rt *h, const src_ctx *cx, const ir_node *l, int64_t f, src_view *v, draw_params *d,
	       char *err, size_t errlen)
{
	const ir_program *p = h->p;
	hlayer *L = &h->l[l->id];
	if (L->f == f && L->from == v->surf) {
		*v = L->v;
		*d = L->d;
		return L->vis;
	}
	if (f != h->lastf) {
		collect(h, f);
		h->lastf = f;
	}
	L->f = -1;
	int draws = 0;
	for (int k = 0; k < l->u.layer.neffects; k++) {
		const ir_node *e = &p->nodes[l->u.layer.effects[k]];
		int rc = host_for(h, e, e->u.effect.name, e->u.effect.path, err, errlen);
		if (rc)
			return rc;
		draws |= lua_host_has(h->lh[e->id], "draw");
	}
	call_t c;
	memset(&c, 0, sizeof c);
	c.p = p;
	c.f = f;
	c.f0 = l->f0;
	c.f1 = l->f1;
	c.progress = -1;
	c.w = v->surf->w;
	c.h = v->surf->h;
	c.layer = l;
	/* params() first: the overrides decide which part of the picture shows */
	for (int k = 0; k < l->u.layer.neffects; k++) {
		const ir_node *e = &p->nodes[l->u.layer.effects[k]];
		c.kind = CALL_PARAMS;
		int rc = run_effect(h, e, f, "params", &c, err, errlen);
		if (rc < 0)
			return rc;
		if (!rc && !lua_host_has(h->lh[e->id], "draw"))
			return missing(p, e, e->u.effect.name, e->u.effect.path, "draw(ctx, canvas) or params(ctx)",
				       err, errlen);
	}
	/* the overrides as constant curves on a copy of the layer */
	ir_node tmp = *l;
	ir_key keys[OV_N];
	for (int i = 0; i < OV_N; i++) {
		if (!c.has_ov[i])
			continue;
		keys[i] = (ir_key){0, c.ov[i], {IR_EASE_LINEAR, {0, 0, 0, 0}}};
		*ov_curve(&tmp, i) = (ir_curve){1, &keys[i]};
		if (i >= OV_ZOOM)
			tmp.u.layer.kenburns = 1;
		if (i == OV_PAN_X || i == OV_PAN_Y || i == OV_ZOOM)
			tmp.u.layer.pan_hooked |= i == OV_PAN_X ? 1 : i == OV_PAN_Y ? 2 : 4;
	}
	L->v = *v;
	if (draws && (long)v->surf->w * v->surf->h < 64 * 64) {
		/* a solid's single pixel: stretched to the layer's size to have pixels to draw on */
		if (picture(L, v, p))
			return rterr_node(VE_NOMEM, p, l, err, errlen, "out of memory (effect)");
		L->vis = layer_place(p, &tmp, f, &L->v, &L->d);
	} else {
		L->vis = layer_place(p, &tmp, f, &L->v, &L->d);
		if (draws && L->vis) {
			/* Only the part of the picture on screen (plus a pixel for the filter): a
			 * cropped photo or a Ken Burns window costs what is seen, and the effect's
			 * canvas is what the viewer sees (a vignette centred on the screen). */
			const surf_t *src = v->surf;
			int x0 = (int)fmax(floor(L->d.u0) - 1, 0), y0 = (int)fmax(floor(L->d.v0) - 1, 0);
			int x1 = (int)fmin(ceil(L->d.u1) + 1, src->w), y1 = (int)fmin(ceil(L->d.v1) + 1, src->h);
			if (x1 - x0 < 1 || y1 - y0 < 1)
				x0 = y0 = 0, x1 = src->w, y1 = src->h;
			int w = x1 - x0, hh = y1 - y0;
			if (!L->s || L->s->w != w || L->s->h != hh) {
				surf_free(L->s);
				if (!(L->s = surf_new(w, hh)))
					return rterr_node(VE_NOMEM, p, l, err, errlen, "out of memory (effect)");
			}
			for (int y = 0; y < hh; y++)
				memcpy(L->s->px + (size_t)y * L->s->stride,
				       src->px + (size_t)(y + y0) * src->stride + x0, (size_t)w * 4);
			L->v.surf = L->s;
			L->v.ox -= x0;
			L->v.oy -= y0;
			L->d.u0 -= x0, L->d.u1 -= x0;
			L->d.v0 -= y0, L->d.v1 -= y0;
		}
	}
	if (draws && L->vis) {
		font_ctx *fc = fonts_of(cx);
		c.kind = CALL_DRAW;
		c.w = L->s->w;
		c.h = L->s->h;
		c.canvas = L->s;
		c.fonts = fc;
		for (int k = 0; k < l->u.layer.neffects; k++) {
			const ir_node *e = &p->nodes[l->u.layer.effects[k]];
			if (!lua_host_has(h->lh[e->id], "draw"))
				continue;
			int rc = run_effect(h, e, f, "draw", &c, err, errlen);
			if (rc < 0)
				return rc;
		}
		L->s->opaque = 0;
	}
	L->from = v->surf;
	L->f = f;
	*v = L->v;
	*d = L->d;
	return L->vis;
}

int hook_transition(hook_rt *h, const src_ctx *cx, const ir_node *tr, int64_t f, double e,
		    const surf_t *a, const surf_t *b, surf_t *out, char *err, size_t errlen)
{
	const ir_program *p = h->p;
	const char *name = tr->u.transition.hook, *path = tr->u.transition.path;
	int rc = host_for(h, tr, name, path, err, errlen);
	if (rc)
		return rc;
	surf_fill(out, surf_pack(p->background));
	double len = (double)(tr->f1 - tr->f0);
	call_t c;
	memset(&c, 0, sizeof c);
	c.kind = CALL_TRANSITION;
	c.p = p;
	c.f = f;
	c.f0 = tr->f0;
	c.f1 = tr->f1;
	c.progress = fmin(fmax(e, 0), 1);
	c.raw = (f - tr->f0 + 0.5) / len;
	c.w = out->w;
	c.h = out->h;
	c.seed = lua_host_seed(name, f * 131 + tr->id);
	c.canvas = out;
	c.fonts = fonts_of(cx);
	c.a = a;
	c.b = b;
	rc = run(h->lh[tr->id], "transition", &c, err, errlen);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return missing(p, tr, name, path, "transition(ctx, a, b, canvas)", err, errlen);
	surf_flatten(out);
	return 0;
}

/* ---- vidc check: every hook loaded, no frame rendered ---------------------------------------- */

/* What each kind of use calls (the callers above): hsrc_frame draw(), hook_layer draw() or
 * params(), hook_transition transition(). */
enum { USE_DRAW, USE_EFFECT, USE_TRANSITION };
static const struct {
	const char *fn[2]; /* the use needs one of these */
	const char *sig;   /* as messages show them */
	const char *what;  /* the use */
} hook_uses[] = {
	[USE_DRAW] = {{"draw", NULL}, "draw(ctx, canvas)", "a draw layer"},
	[USE_EFFECT] = {{"draw", "params"}, "draw(ctx, canvas) or params(ctx)", "an effect"},
	[USE_TRANSITION] = {{"transition", NULL}, "transition(ctx, a, b, canvas)", "a transition"},
};

/* The use node n makes of a hook, with its name and file; -1 when n uses none. */
static int use_of(const ir_node *n, const char **name, const char **path)
{
	switch (n->kind) {
	case IR_HOOK:
		*name = n->u.hook.name, *path = n->u.hook.path;
		return USE_DRAW;
	case IR_EFFECT:
		*name = n->u.effect.name, *path = n->u.effect.path;
		return USE_EFFECT;
	case IR_TRANSITION:
		if (n->u.transition.type != IR_TR_HOOK)
			return -1;
		*name = n->u.transition.hook, *path = n->u.transition.path;
		return USE_TRANSITION;
	default:
		return -1;
	}
}

/* A hook file as loaded once: whether it loaded, which functions its table has, and the
 * parameters it declares (ndecls -1: it declares none). */
typedef struct {
	const char *path;
	int ok;
	unsigned has; /* bit i: the function hook_fns[i] */
	hook_param_decl *decls;
	int ndecls;
} loaded_hook;

static const char *const param_kinds[] = {[HOOK_PARAM_NUMBER] = "number",
					  [HOOK_PARAM_STRING] = "string",
					  [HOOK_PARAM_COLOR] = "color"};

/* min or max of a declaration: a finite number when present. */
static int decl_bound(lua_State *L, const char *param, const char *key, double *v)
{
	lua_pushstring(L, key);
	int t = lua_rawget(L, -2);
	int ok = 0;
	if (t != LUA_TNIL) {
		*v = lua_tonumberx(L, -1, &ok);
		if (!ok || !isfinite(*v))
			luaL_error(L, "parameters.%s.%s must be a number", param, key);
	}
	lua_pop(L, 1);
	return ok;
}

/* One declaration, its value at the top of the stack, into d (name already set). */
static void decl_read(lua_State *L, hook_param_decl *d)
{
	if (!lua_istable(L, -1))
		luaL_error(L, "parameters.%s must be a table such as {kind = \"number\"}", d->name);
	lua_pushstring(L, "kind");
	const char *kind = lua_rawget(L, -2) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	int k = 0;
	while (kind && k < 3 && strcmp(kind, param_kinds[k]))
		k++;
	if (!kind || k == 3)
		luaL_error(L, "parameters.%s.kind must be \"number\", \"string\" or \"color\"", d->name);
	d->kind = (hook_param_kind)k;
	lua_pop(L, 1);
	d->has_min = decl_bound(L, d->name, "min", &d->min);
	d->has_max = decl_bound(L, d->name, "max", &d->max);
}

/* Reads the hook table's `parameters` (lua_host_inspect: raw access only). */
static int decls_read(lua_State *L, void *ud)
{
	loaded_hook *lh = ud;
	lua_pushstring(L, "parameters");
	int t = lua_rawget(L, -2);
	if (t == LUA_TNIL)
		return 0;
	if (t != LUA_TTABLE)
		luaL_error(L, "'parameters' must be a table of declarations, not %s", lua_typename(L, t));
	lh->ndecls = 0;
	if (!(lh->decls = calloc(HOOK_MAX_PARAMS, sizeof *lh->decls)))
		luaL_error(L, "out of memory");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "'parameters' must be keyed by parameter names");
		if (lh->ndecls == HOOK_MAX_PARAMS)
			luaL_error(L, "more than %d parameters declared", HOOK_MAX_PARAMS);
		hook_param_decl *d = &lh->decls[lh->ndecls];
		if (!(d->name = strdup(lua_tostring(L, -2))))
			luaL_error(L, "out of memory");
		lh->ndecls++;
		decl_read(L, d);
		lua_pop(L, 1);
	}
	return 0;
}

static void decls_free(loaded_hook *lh)
{
	for (int i = 0; i < lh->ndecls; i++)
		free(lh->decls[i].name);
	free(lh->decls);
}

static const char *const hook_fns[] = {"draw", "params", "transition"};

static int fn_bit(const char *fn)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(fn, hook_fns[i]))
			return 1 << i;
	return 0;
}

/* Loads path (the first use, n, names it) and reports a failure; the result goes into *lh. */
static int load_for_check(const ir_node *n, const char *name, const char *path, loaded_hook *lh,
			  hook_check_fn report, void *ud)
{
	char err[1024] = "";
	lua_host *h = NULL;
	lh->path = path;
	int rc = lua_host_open(&h, path, name, setup_state, NULL, n, err, sizeof err);
	if (rc && !err[0]) /* vidc itself out of memory, not the hook at its limit */
		return VE_NOMEM;
	if (rc) {
		char msg[1100];
		snprintf(msg, sizeof msg, "hook '%s': %s", name, err);
		report(ud, n, msg);
		return 1;
	}
	for (int i = 0; i < 3; i++)
		if (lua_host_has(h, hook_fns[i]))
			lh->has |= (unsigned)fn_bit(hook_fns[i]);
	lh->ndecls = -1;
	rc = lua_host_inspect(h, decls_read, lh, err, sizeof err);
	lua_host_close(h);
	if (rc && !err[0])
		return VE_NOMEM;
	if (rc) {
		char msg[2200], shown[1024];
		snprintf(msg, sizeof msg, "hook '%s': %s: %s", name, rterr_path(n, path, shown, sizeof shown), err);
		report(ud, n, msg);
		return 1;
	}
	lh->ok = 1;
	return 0;
}

static void files_free(loaded_hook *files, int n)
{
	for (int i = 0; i < n; i++)
		decls_free(&files[i]);
	free(files);
}

int hook_check(const ir_program *p, hook_check_fn report, hook_decl_fn declared, void *ud)
{
	loaded_hook *files = NULL;
	int nfiles = 0, problems = 0;
	for (int i = 0; i < p->nnodes; i++) {
		const ir_node *n = &p->nodes[i];
		const char *name = NULL, *path = NULL;
		int use = use_of(n, &name, &path);
		if (use < 0 || !path)
			continue;
		int k = 0;
		while (k < nfiles && strcmp(files[k].path, path))
			k++;
		if (k == nfiles) { /* a file's load error is reported once, at its first use */
			loaded_hook *more = realloc(files, sizeof *files * (size_t)(nfiles + 1));
			if (!more) {
				files_free(files, nfiles);
				return VE_NOMEM;
			}
			files = more;
			memset(&files[nfiles++], 0, sizeof *files);
			int rc = load_for_check(n, name, path, &files[k], report, ud);
			if (rc < 0) {
				files_free(files, nfiles);
				return rc;
			}
			problems += rc;
		}
		if (!files[k].ok)
			continue;
		if (declared && files[k].ndecls >= 0)
			declared(ud, n, name, path, files[k].decls, files[k].ndecls);
		unsigned need = (unsigned)fn_bit(hook_uses[use].fn[0]);
		if (hook_uses[use].fn[1])
			need |= (unsigned)fn_bit(hook_uses[use].fn[1]);
		if (files[k].has & need)
			continue;
		char msg[2200], shown[1024];
		snprintf(msg, sizeof msg, "hook '%s' (%s) has no %s function, which %s calls", name,
			 rterr_path(n, path, shown, sizeof shown), hook_uses[use].sig, hook_uses[use].what);
		report(ud, n, msg);
		problems++;
	}
	files_free(files, nfiles);
	return problems;
}
