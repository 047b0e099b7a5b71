/*
 * layer.c - one layer statement (see layer.h): its kind and main value, its time range inside
 * the scene or overlay, and its properties. The properties are a table: each entry names the
 * property, the layer kinds that take it, the kind of value it takes (read and checked before
 * the handler runs) and the handler that stores it in the layer. A property of one kind of
 * layer, written on another, gets "did you mean" from the properties that layer takes.
 */
#include "layer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "anchor.h"
#include "asset.h"
#include "shape.h"
#include "blend.h"
#include "style.h"
#include "sym.h"
#include "textanim.h"
#include "value.h"
#include "when.h"

/* Animatable properties: x and y (and the pairs position and size) are lengths on their axes.
 * more: the values a key takes after the first, for the curves that follow prop (position and
 * size take two, a mask's geometry four). */
static const struct {
	const char *name;
	int prop;
	int more;
} anim_props[] = {
	{"x", LP_X, 0},		   {"y", LP_Y, 0},	   {"width", LP_W, 0},
	{"height", LP_H, 0},	   {"opacity", LP_OPACITY, 0}, {"scale", LP_SCALE, 0},
	{"rotation", LP_ROTATION, 0}, {"zoom", LP_ZOOM, 0},   {"pan_x", LP_PAN_X, 0},
	{"pan_y", LP_PAN_Y, 0},	   {"position", LP_X, 1},  {"size", LP_W, 1},
	{"trim_start", LP_TRIM0, 0}, {"trim_end", LP_TRIM1, 0},
	{"mask", LP_MASK_X, 3},	   {"feather", LP_FEATHER, 0}, {"radius", LP_RADIUS, 0},
	{"blur", LP_BLUR, 0},
};

/* Adds a key to a curve; keys must come in time order. */
static void add_key(checker_t *c, mcurve *cv, double t, double v, unit_kind u, ir_ease e, span_t sp)
{
	if (cv->n > 0 && t < cv->k[cv->n - 1].t - 1e-9) {
		diag_err(c->d, DE_KEYFRAME_ORDER, sp, "keyframes must come in time order (this one is at %.3fs, the one before at %.3fs)", t, cv->k[cv->n - 1].t);
		return;
	}
	mkey *k = ARENA_PUSH(c->a, cv->k, cv->n, cv->cap);
	k->t = t;
	k->v = v;
	k->unit = u;
	k->ease = e;
	if (cv->n == 1)
		cv->sp = sp;
}

/* The curves' names in messages, in LP_ order. */
static const char *const curve_names[LP_COUNT] = {
	"x", "y", "width", "height", "opacity", "scale", "rotation", "zoom", "pan_x", "pan_y",
	"trim_start", "trim_end",
	"the mask's x", "the mask's y", "the mask's width", "the mask's height", "the mask's radius",
	"feather", "radius", "blur"};

/* Whether statements that set both of a pair (position, size) set this curve. */
static int by_pair(const char *by)
{
	static const char *const pairs[] = {"position", "size", "animate position", "animate size"};
	for (int i = 0; i < COUNT(pairs); i++)
		if (!strcmp(by, pairs[i]))
			return 1;
	return 0;
}

/* Whether curve prop of L is still free for statement `by` at sp; if not, reports the clash naming
 * both statements as written, with a note at the first. */
static int curve_free(checker_t *c, const mlayer *L, int prop, const char *by, span_t sp)
{
	const mcurve *cv = &L->c[prop];
	if (cv->n == 0)
		return 1;
	const char *name = curve_names[prop];
	if (!strcmp(cv->by, by)) {
		diag_err(c->d, DE_DUPLICATE, sp, "'%s' is given twice", by);
		diag_note(c->d, cv->sp, "first given here");
	} else {
		diag_err(c->d, DE_CONFLICT, sp, "'%s' sets %s, which '%s' already sets", by, name, cv->by);
		if (prop <= LP_H && by_pair(cv->by) && !by_pair(by)) {
			/* x/y and width/height are the pairs (prop ^ 1 is the other one) */
			int lo = prop & ~1, other = prop ^ 1;
			diag_note(c->d, cv->sp, "'%s' sets %s and %s here; write '%s%s' instead to leave %s free",
				  cv->by, curve_names[lo], curve_names[lo + 1],
				  strncmp(cv->by, "animate ", 8) ? "" : "animate ", curve_names[other], name);
		}
		else
			diag_note(c->d, cv->sp, "'%s' sets %s here", cv->by, name);
	}
	return 0;
}

/* A property that does not move: one key, set by statement `by`. */
static void set_const(checker_t *c, mlayer *L, int prop, double v, unit_kind u, span_t sp,
		      const char *by)
{
	if (!curve_free(c, L, prop, by, sp))
		return;
	add_key(c, &L->c[prop], 0, v, u, (ir_ease){IR_EASE_LINEAR, {0}}, sp);
	L->c[prop].by = by;
}

/* A px length of a look (issue 16) in [lo, hi]; a bare 0 is allowed. Over the limit is an error
 * naming it: the limits keep a stranger's spec from making a frame cost minutes (SPEC 14). */
static int looks_px_in(checker_t *c, const ast_value *v, double lo, double hi, const char *what, double *out)
{
	const ast_value *r = val_resolve(c, v);
	if (r->kind != AV_NUM || !(r->unit == UNIT_PX || (r->unit == UNIT_NONE && r->num == 0))) {
		if (r->kind == AV_NUM && r->unit == UNIT_NONE) {
			diag_err(c->d, DE_MISSING_UNIT, r->sp, "%s is a length in px (write '%gpx')", what, r->num);
			return 0;
		}
		val_expected(c, r, "a length in px");
		return 0;
	}
	if (!val_finite(c, r))
		return 0;
	if (r->num < lo || r->num > hi) {
		if (lo < 0)
			diag_err(c->d, DE_OUT_OF_RANGE, r->sp, "%s must be between %gpx and %gpx", what, lo, hi);
		else
			diag_err(c->d, DE_OUT_OF_RANGE, r->sp, "%s must be between 0 and %gpx (the limit that keeps a frame's cost bounded)", what, hi);
		return 0;
	}
	*out = r->num;
	return 1;
}

static int looks_px(checker_t *c, const ast_value *v, double hi, const char *what, double *out)
{
	return looks_px_in(c, v, 0, hi, what, out);
}

/* A layer's box is not negative: a layer sized so would silently not show (0 is the natural
 * size), in a key as in a constant. */
static int box_nonneg(checker_t *c, const ast_value *v, double x)
{
	if (x >= 0)
		return 1;
	diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "a layer's width and height cannot be negative (0 is its natural size)");
	return 0;
}

/* A mask's width, height or radius is not negative. */
static int nonneg(checker_t *c, const ast_value *v, double x)
{
	if (x >= 0)
		return 1;
	diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "a mask's size cannot be negative");
	return 0;
}

/* Value of an animatable property for keyframes: lengths for geometry, scalars otherwise. */
static int anim_value(checker_t *c, int prop, const ast_value *v, double *out, unit_kind *u)
{
	*u = UNIT_NONE;
	if (prop <= LP_H)
		return val_len_axis(c, v, prop == LP_X || prop == LP_W ? 1 : 2, out, u) &&
		       (prop < LP_W || box_nonneg(c, v, *out));
	if (prop >= LP_MASK_X && prop <= LP_MASK_H)
		return val_len_axis(c, v, prop == LP_MASK_X || prop == LP_MASK_W ? 1 : 2, out, u) &&
		       (prop <= LP_MASK_Y || nonneg(c, v, *out));
	if (prop >= LP_MASK_R) {
		*u = UNIT_PX;
		return looks_px(c, v, prop == LP_BLUR ? IR_MAX_BLUR : prop == LP_FEATHER ? IR_MAX_FEATHER : IR_MAX_RADIUS,
				curve_names[prop], out);
	}
	if (prop == LP_ROTATION) {
		const ast_value *r = val_resolve(c, v);
		if (r->kind == AV_NUM && (r->unit == UNIT_DEG || r->unit == UNIT_NONE)) {
			*out = r->num;
			return val_finite(c, r);
		}
		val_expected(c, r, "an angle (deg)");
		return 0;
	}
	if (!val_scalar(c, v, out))
		return 0;
	if (prop == LP_ZOOM && (*out < 1 || *out > 100)) {
		diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "zoom must be between 1 and 100 (below 1 would show past the image's edge)");
		return 0;
	}
	if ((prop == LP_OPACITY || prop >= LP_PAN_X) && (*out < 0 || *out > 1)) {
		diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "%s must be between 0 and 1 (0%% and 100%%)",
			   prop == LP_OPACITY ? "opacity" : prop >= LP_TRIM0 ? "a trim" : "a pan position");
		return 0;
	}
	return 1;
}

static void animate(checker_t *c, const ast_stmt *st, mlayer *L, double lt0, double lt1)
{
	int pi;
	const ast_value *what = st->nargs ? val_resolve(c, st->args[0]) : NULL;
	if (what && what->kind == AV_IDENT && textanim_is(what->s)) {
		textanim_read(c, st, L, lt0, lt1); /* text in motion (issue 16) */
		return;
	}
	const char *names[COUNT(anim_props) + TEXTANIM_NNAMES];
	for (int i = 0; i < COUNT(anim_props); i++)
		names[i] = anim_props[i].name;
	for (int i = 0; L->kind == IR_TEXT && i < TEXTANIM_NNAMES; i++)
		names[COUNT(anim_props) + i] = textanim_names[i];
	/* the name first: `animate lettres fade` is a misspelt name, not a wrong count */
	if ((what && !val_enum(c, st->args[0], "animatable property", names,
			       COUNT(anim_props) + (L->kind == IR_TEXT ? TEXTANIM_NNAMES : 0), &pi)) ||
	    !val_want_args(c, st, 1, 1, "a property name and a block of keys"))
		return;
	int prop = anim_props[pi].prop, nv = 1 + anim_props[pi].more;
	const char *by = arena_printf(c->a, "animate %s", anim_props[pi].name);
	for (int j = 0; j < nv; j++)
		if (!curve_free(c, L, prop + j, by, st->sp))
			return;
	if (!st->block || st->nbody == 0) {
		diag_err(c->d, DE_MALFORMED, st->sp, "animate needs a block of keys: { key 0s VALUE; key 1s VALUE ease_out }");
		return;
	}
	static const char *const usage[] = {"write a key as: key TIME VALUE [easing]",
					    "write a key as: key TIME X Y [easing]", NULL,
					    "write a key as: key TIME X Y WIDTH HEIGHT [easing]"};
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *k = st->body[i];
		if (strcmp(k->head, "key")) {
			val_unknown(c, k->sp, "statement in animate", k->head, (const char *const[]){"key"}, 1);
			continue;
		}
		if (k->nargs < 1 + nv || k->nargs > 1 + nv + 1) {
			diag_err(c->d, DE_MALFORMED, k->sp, "%s", usage[nv - 1]);
			continue;
		}
		double t, v[4];
		unit_kind u[4];
		ir_ease e = {IR_EASE_LINEAR, {0}};
		int ok = anchor_time(c, k->args[0], lt0, lt1 - lt0, &t);
		for (int j = 0; ok && j < nv; j++)
			ok = anim_value(c, prop + j, k->args[1 + j], &v[j], &u[j]);
		if (!ok || (k->nargs == 2 + nv && !val_ease(c, k->args[nv + 1], &e)))
			continue;
		for (int j = 0; j < nv; j++)
			add_key(c, &L->c[prop + j], t, v[j], u[j], e, k->sp);
	}
	for (int j = 0; j < nv; j++)
		L->c[prop + j].by = by, L->c[prop + j].sp = st->sp;
}

static void kenburns(checker_t *c, const ast_stmt *st, mlayer *L, double lt0, double lt1)
{
	if (L->kind != IR_IMAGE && L->kind != IR_VIDEO) {
		diag_err(c->d, DE_NOT_APPLICABLE, st->sp, "kenburns applies to image and video layers");
		return;
	}
	if (L->kenburns) {
		diag_err(c->d, DE_DUPLICATE, st->sp, "kenburns is given twice");
		return;
	}
	val_want_args(c, st, 0, 0, "no values, only a block: kenburns { zoom 1 -> 1.2; pan 50% 50% -> 60% 40%; ease in_out }");
	L->kenburns = 1;
	double z0 = 1, z1 = 1.15, p[4] = {0.5, 0.5, 0.5, 0.5};
	ir_ease e = {IR_EASE_LINEAR, {0}};
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *k = st->body[i];
		unit_kind u;
		if (!strcmp(k->head, "zoom")) {
			if (k->nargs != 3 || k->args[1]->kind != AV_ARROW) {
				diag_err(c->d, DE_MALFORMED, k->sp, "write: zoom FROM -> TO (e.g. zoom 1 -> 1.2)");
				continue;
			}
			anim_value(c, LP_ZOOM, k->args[0], &z0, &u);
			anim_value(c, LP_ZOOM, k->args[2], &z1, &u);
		} else if (!strcmp(k->head, "pan")) {
			if (k->nargs != 5 || k->args[2]->kind != AV_ARROW) {
				diag_err(c->d, DE_MALFORMED, k->sp, "write: pan X Y -> X Y (positions in the image, e.g. pan 40%% 50%% -> 60%% 50%%)");
				continue;
			}
			anim_value(c, LP_PAN_X, k->args[0], &p[0], &u);
			anim_value(c, LP_PAN_Y, k->args[1], &p[1], &u);
			anim_value(c, LP_PAN_X, k->args[3], &p[2], &u);
			anim_value(c, LP_PAN_Y, k->args[4], &p[3], &u);
		} else if (!strcmp(k->head, "ease")) {
			if (val_want_args(c, k, 1, 1, "an easing"))
				val_ease(c, k->args[0], &e);
		} else {
			val_unknown(c, k->sp, "kenburns property", k->head,
				(const char *const[]){"zoom", "pan", "ease"}, 3);
		}
	}
	if (L->c[LP_ZOOM].n || L->c[LP_PAN_X].n) {
		diag_err(c->d, DE_CONFLICT, st->sp, "kenburns and animate zoom/pan_x/pan_y cannot both be given");
		return;
	}
	add_key(c, &L->c[LP_ZOOM], lt0, z0, UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_ZOOM], lt1, z1, UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_X], lt0, p[0], UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_X], lt1, p[2], UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_Y], lt0, p[1], UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_Y], lt1, p[3], UNIT_NONE, e, st->sp);
	L->c[LP_ZOOM].by = L->c[LP_PAN_X].by = L->c[LP_PAN_Y].by = "kenburns";
}

/* A hook parameter from a statement `name value`: numbers, lengths (px) and durations (s) become
 * curves; strings and colours become strings. */
static void hook_param(checker_t *c, const ast_stmt *st, ir_param **ps, int *n, int *cap)
{
	if (st->nargs != 1 || st->block) {
		diag_err(c->d, DE_MALFORMED, st->sp, "a hook parameter is written: NAME VALUE");
		return;
	}
	const ast_value *v = val_resolve(c, st->args[0]);
	ir_param *p = ARENA_PUSH(c->a, *ps, *n, *cap);
	memset(p, 0, sizeof *p);
	p->name = st->head;
	double x = 0;
	switch (v->kind) {
	case AV_STR:
		p->str = v->s;
		return;
	case AV_COLOR:
		p->str = arena_printf(c->a, "#%08x", v->color);
		return;
	case AV_IDENT:
		p->str = v->s;
		return;
	case AV_NUM:
		if (!val_finite(c, v))
			return;
		x = v->unit == UNIT_PCT ? v->num / 100 : v->unit == UNIT_MS ? v->num / 1000
						       : v->unit == UNIT_F ? v->num / checker_fps(c) : v->num;
		break;
	default:
		val_expected(c, v, "a number, string or colour");
		return;
	}
	p->curve.n = 1;
	p->curve.keys = arena_alloc(c->a, sizeof(ir_key));
	p->curve.keys[0].v = x;
}

static void effect(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (!val_want_args(c, st, 1, 1, "the name of an effect hook") || val_resolve(c, st->args[0])->kind != AV_IDENT) {
		if (st->nargs == 1)
			val_expected(c, st->args[0], "an effect name");
		return;
	}
	const char *name = val_resolve(c, st->args[0])->s;
	hook_sym *h = sym_hook(c, name);
	if (!h) {
		val_unknown(c, st->args[0]->sp, "effect", name,
			sym_names(c, c->hooks, sizeof(hook_sym), c->nhooks), c->nhooks);
		return;
	}
	meffect *e = ARENA_PUSH(c->a, L->effects, L->neffects, L->ceffects);
	memset(e, 0, sizeof *e);
	e->name = name;
	e->path = h->path;
	e->sp = st->sp;
	for (int i = 0; i < st->nbody; i++)
		hook_param(c, st->body[i], &e->params, &e->nparams, &e->cparams);
}

/* Reads a layer statement into L. base/span: the time frame of the layer's container (scene or
 * overlay) in seconds; f0/f1: its frame range, the layer's default. */

/* ---- the property table ---------------------------------------------------------------------- */

/* What a property handler works on: the layer being read and its time range in seconds. */
typedef struct {
	checker_t *c;
	mlayer *L;
	double t0, t1;
} layer_ctx;

/* The value a property takes; all but PV_CUSTOM are read (and the count checked) before the
 * handler runs, which then gets them in v[] and u[]. */
typedef enum {
	PV_CUSTOM, /* the handler reads the statement itself */
	PV_TIMING, /* start, end, duration: read first (layer_time), skipped by the table */
	PV_ONE,    /* exactly one value, read by the handler */
	PV_LEN,    /* a length: v[0] in unit u[0] */
	PV_LEN2,   /* two lengths */
	PV_FADE,    /* a fade's duration: v[0] seconds */
	PV_SCALAR  /* a number or a percentage: v[0] */
} prop_value;

typedef void (*prop_fn)(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u);

typedef struct {
	const char *name;
	unsigned kinds;    /* the layers that take it: bits 1 << ir_kind */
	prop_value value;
	const char *usage; /* what the values are, for "'NAME' takes USAGE" */
	prop_fn fn;
} layer_prop;

#define K(k) (1u << (k))
/* Groups (§18.1) are layers too: every property all layers take applies to a group as a whole. */
#define K_ALL \
	(K(IR_SOLID) | K(IR_IMAGE) | K(IR_VIDEO) | K(IR_TEXT) | K(IR_CODE) | K(IR_HOOK) | K(IR_GROUP) | K(IR_SHAPE))

/* position and size set two curves (prop and prop + 1); one clash is reported once. */
static void set_pair(layer_ctx *x, int prop, const ast_stmt *p, const double *v, const unit_kind *u)
{
	if (!curve_free(x->c, x->L, prop, p->head, p->sp) ||
	    !curve_free(x->c, x->L, prop + 1, p->head, p->sp))
		return;
	set_const(x->c, x->L, prop, v[0], u[0], p->sp, p->head);
	set_const(x->c, x->L, prop + 1, v[1], u[1], p->sp, p->head);
}

static void p_position(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	set_pair(x, LP_X, p, v, u);
}

static int size_ok(layer_ctx *x, const ast_stmt *p, int i, double v)
{
	return box_nonneg(x->c, p->args[i], v);
}

static void p_size(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	if (size_ok(x, p, 0, v[0]) & size_ok(x, p, 1, v[1]))
		set_pair(x, LP_W, p, v, u);
}

/* x and y alone: one axis fixed while the other is animated, or both given apart. */
static void p_x(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	set_const(x->c, x->L, LP_X, v[0], u[0], p->sp, p->head);
}

static void p_y(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	set_const(x->c, x->L, LP_Y, v[0], u[0], p->sp, p->head);
}

/* A text layer's width is where its lines wrap; its box sizes itself to the text. */
static void p_width(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	if (!size_ok(x, p, 0, v[0]))
		return;
	if (x->L->kind == IR_TEXT)
		x->L->wrap = v[0], x->L->wrap_unit = u[0];
	else
		set_const(x->c, x->L, LP_W, v[0], u[0], p->sp, p->head);
}

static void p_height(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	if (size_ok(x, p, 0, v[0]))
		set_const(x->c, x->L, LP_H, v[0], u[0], p->sp, p->head);
}

static void p_anchor(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	static const char *const an[] = {"center", "top_left", "top", "top_right", "left",
					 "right", "bottom_left", "bottom", "bottom_right"};
	static const double ax[] = {0.5, 0, 0.5, 1, 0, 1, 0, 0.5, 1};
	static const double ay[] = {0.5, 0, 0, 0, 0.5, 0.5, 1, 1, 1};
	checker_t *c = x->c;
	mlayer *L = x->L;
	int ai;
	if (p->nargs == 2) {
		if (val_scalar(c, p->args[0], &L->anchor_x))
			val_scalar(c, p->args[1], &L->anchor_y);
	} else if (val_want_args(c, p, 1, 2, "a name (center, top_left, bottom, ...) or two fractions") &&
		   val_enum(c, p->args[0], "anchor", an, COUNT(an), &ai)) {
		L->anchor_x = ax[ai];
		L->anchor_y = ay[ai];
	}
}

static void p_fit(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	static const char *const fits[] = {"cover", "contain", "fill", "none"};
	int fi;
	if (val_enum(x->c, p->args[0], "fit", fits, COUNT(fits), &fi))
		x->L->fit = (ir_fit)fi;
}

/* opacity and rotate take one value that anim_value reads (a number, a percentage or an angle). */
static void anim_const(layer_ctx *x, const ast_stmt *p, int prop)
{
	double d;
	unit_kind du;
	if (anim_value(x->c, prop, p->args[0], &d, &du))
		set_const(x->c, x->L, prop, d, UNIT_NONE, p->sp, p->head);
}

static void p_opacity(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	anim_const(x, p, LP_OPACITY);
}

static void p_scale(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	set_const(x->c, x->L, LP_SCALE, v[0], UNIT_NONE, p->sp, p->head);
}

static void p_rotate(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	anim_const(x, p, LP_ROTATION);
}

static void p_z(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	val_int(x->c, p->args[0], &x->L->z);
}

/* fade_in and fade_out become opacity keys once both are known (layer_fades). */
static void p_fade(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
}

static void p_kenburns(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	kenburns(x->c, p, x->L, x->t0, x->t1);
}

static void p_animate(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	animate(x->c, p, x->L, x->t0, x->t1);
}

static void p_effect(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	effect(x->c, p, x->L);
}

/* ---- looks (issue 16, SPEC 18.2): mask, matte, corner radius, shadow, blur ---------------------- */

static void looks_twice(checker_t *c, const mlayer *L, const ast_stmt *p)
{
	diag_err(c->d, DE_DUPLICATE, p->sp, "a layer takes one mask (this is the second)");
	diag_note(c->d, L->mask_sp, "the first is here");
}

/* `mask KIND [X Y W H [RADIUS]]` (without the geometry, `animate mask` gives it), `mask path
 * "..."` or `mask invert`. */
static void p_mask(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	static const char *const kinds_[] = {"rect", "round", "ellipse", "path", "invert"};
	checker_t *c = x->c;
	mlayer *L = x->L;
	int ki;
	if (!val_want_args(c, p, 1, 6, "rect X Y W H, round X Y W H RADIUS, ellipse CX CY RX RY, path \"SVG path data\", or invert") ||
	    !val_enum(c, p->args[0], "mask kind", kinds_, COUNT(kinds_), &ki))
		return;
	if (ki == 4) {
		if (val_want_args(c, p, 1, 1, "no value after invert"))
			L->mask_invert = 1;
		return;
	}
	if (ki == 3) { /* a path: canvas px, not animated (SPEC 18.2) */
		if (L->mask) {
			looks_twice(c, L, p);
			return;
		}
		if (val_want_args(c, p, 2, 2, "the path's data after path (mask path \"M 0 0 L 100 0 L 50 80 Z\")") &&
		    shape_path_read(c, p->args[1], &L->mask_path)) {
			L->mask = IR_MASK_PATH;
			L->mask_sp = p->sp;
		}
		return;
	}
	int round = ki == 1, ngeo = p->nargs - 1 - round;
	if ((ngeo != 0 && ngeo != 4) || (round && p->nargs < 2)) {
		diag_err(c->d, DE_BAD_ARGUMENTS, p->sp, round ? "write: mask round X Y W H RADIUS (or mask round RADIUS with animate mask)"
							: "write: mask %s %s (or mask %s alone with animate mask)", kinds_[ki],
			 ki == 2 ? "CX CY RX RY" : "X Y W H", kinds_[ki]);
		return;
	}
	if (L->mask) {
		looks_twice(c, L, p);
		return;
	}
	L->mask = (ir_mask_kind)(IR_MASK_RECT + ki);
	L->mask_sp = p->sp;
	double g[4], r = 0;
	unit_kind gu[4], ru;
	for (int j = 0; j < ngeo; j++)
		if (!anim_value(c, LP_MASK_X + j, p->args[1 + j], &g[j], &gu[j]))
			return;
	if (round && !anim_value(c, LP_MASK_R, p->args[p->nargs - 1], &r, &ru))
		return;
	for (int j = 0; j < ngeo; j++)
		set_const(c, L, LP_MASK_X + j, g[j], gu[j], p->sp, "mask");
	if (round)
		set_const(c, L, LP_MASK_R, r, UNIT_PX, p->sp, "mask");
}

/* feather, radius and blur: one px length, animatable. */
static void p_feather(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	anim_const(x, p, LP_FEATHER);
}

static void p_radius(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	anim_const(x, p, LP_RADIUS);
}

static void p_blur(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	anim_const(x, p, LP_BLUR);
}

static void p_shadow(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	checker_t *c = x->c;
	double s[3];
	ir_color col;
	if (val_want_args(c, p, 4, 4, "dx dy blur colour (e.g. shadow 0px 8px 16px #00000099)") &&
	    looks_px_in(c, p->args[0], -IR_MAX_OFFSET, IR_MAX_OFFSET, "a shadow's offset", &s[0]) &&
	    looks_px_in(c, p->args[1], -IR_MAX_OFFSET, IR_MAX_OFFSET, "a shadow's offset", &s[1]) &&
	    looks_px(c, p->args[2], IR_MAX_BLUR, "a shadow's blur", &s[2]) && val_color(c, p->args[3], &col)) {
		memcpy(x->L->shadow, s, sizeof s);
		x->L->shadow_color = col;
	}
}

/* `matte NAME [alpha|luma]`: resolved against the other layers once all are read (layer_mattes). */
static void p_matte(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	static const char *const mk[] = {"alpha", "luma"};
	checker_t *c = x->c;
	int ki = 0;
	if (!val_want_args(c, p, 1, 2, "a layer's name, then alpha or luma"))
		return;
	const ast_value *n = val_resolve(c, p->args[0]);
	if (n->kind != AV_IDENT) {
		val_expected(c, n, "a layer's name (given by name NAME)");
		return;
	}
	if (p->nargs == 2 && !val_enum(c, p->args[1], "matte kind", mk, COUNT(mk), &ki))
		return;
	x->L->matte = n->s;
	x->L->matte_sp = n->sp;
	x->L->matte_kind = (ir_matte_kind)(IR_MATTE_ALPHA + ki);
}

static void p_name(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	const ast_value *n = val_resolve(x->c, p->args[0]);
	if (n->kind != AV_IDENT)
		val_expected(x->c, n, "a name");
	else
		x->L->name = n->s;
}

/* A mask needs its kind and its geometry: one without the other is reported at the one given;
 * a feather needs a mask. */
static void looks_check(checker_t *c, const mlayer *L)
{
	if (L->mask == IR_MASK_PATH && L->c[LP_MASK_X].n)
		diag_err(c->d, DE_NOT_APPLICABLE, L->c[LP_MASK_X].sp, "a path mask is not animated: animate mask keys a rect, round or ellipse mask");
	else if (L->mask && L->mask != IR_MASK_PATH && !L->c[LP_MASK_X].n)
		diag_err(c->d, DE_MISSING, L->mask_sp, "this mask has no geometry: give it here (mask %s X Y W H) or with animate mask { key T X Y W H }",
			 ir_mask_names[L->mask]);
	else if (!L->mask && L->c[LP_MASK_X].n)
		diag_err(c->d, DE_MISSING, L->c[LP_MASK_X].sp, "animate mask needs a mask kind: add mask rect, mask round RADIUS or mask ellipse");
	else if (!L->mask && L->mask_invert)
		diag_err(c->d, DE_MISSING, L->sp, "mask invert needs a mask: add mask rect, round or ellipse with its geometry");
	if (L->c[LP_FEATHER].n && !L->mask)
		diag_err(c->d, DE_NOT_APPLICABLE, L->c[LP_FEATHER].sp, "feather softens a mask's edge, and this layer has no mask");
}

void layer_mattes(checker_t *c, mlayer *ls, int from, int n)
{
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(n ? n : 1));
	int nn = 0;
	for (int i = from; i < n; i++) {
		if (!ls[i].name)
			continue;
		for (int j = from; j < i; j++)
			if (ls[j].name && !strcmp(ls[j].name, ls[i].name)) {
				diag_err(c->d, DE_DUPLICATE, ls[i].sp, "two layers here are named '%s'", ls[i].name);
				diag_note(c->d, ls[j].sp, "the first is here");
				break;
			}
		names[nn++] = ls[i].name;
	}
	for (int i = from; i < n; i++) {
		mlayer *L = &ls[i];
		if (!L->matte)
			continue;
		int m = -1;
		for (int j = from; j < n && m < 0; j++)
			if (ls[j].name && !strcmp(ls[j].name, L->matte))
				m = j;
		if (m < 0)
			val_unknown(c, L->matte_sp, "layer", L->matte, names, nn);
		else if (m == i)
			diag_err(c->d, DE_CONFLICT, L->matte_sp, "a layer cannot be its own matte");
		else
			L->matte_of = m, ls[m].is_matte = 1;
	}
}

static void p_trim(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	checker_t *c = x->c;
	double a = 0, b = -1;
	if (val_want_args(c, p, 1, 2, "a start and optionally an end in the clip") &&
	    val_dur(c, p->args[0], &a) && (p->nargs < 2 || val_dur(c, p->args[1], &b))) {
		if (p->nargs == 2 && b <= a)
			diag_err(c->d, DE_OUT_OF_RANGE, p->args[1]->sp, "trim end must be after trim start");
		x->L->trim_in = a, x->L->trim_out = b;
	}
}

/* A shape's trim (issue 16): `trim START END`, or `trim S E -> S E` over the layer's span. */
static void p_shape_trim(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	checker_t *c = x->c;
	double t[4];
	unit_kind un;
	int arrow = p->nargs == 5 && p->args[2]->kind == AV_ARROW;
	if (p->nargs != 2 && !arrow) {
		diag_err(c->d, DE_MALFORMED, p->sp, "write: trim START END (trim 0%% 100%%), or trim 0%% 0%% -> 0%% 100%% to draw it on");
		return;
	}
	for (int i = 0, k = 0; i < p->nargs; i++) {
		if (i == 2 && arrow)
			continue;
		if (!anim_value(c, k & 1 ? LP_TRIM1 : LP_TRIM0, p->args[i], &t[k], &un))
			return;
		k++;
	}
	if (!arrow) {
		set_const(c, x->L, LP_TRIM0, t[0], UNIT_NONE, p->sp, "trim");
		set_const(c, x->L, LP_TRIM1, t[1], UNIT_NONE, p->sp, "trim");
		return;
	}
	ir_ease lin = {IR_EASE_LINEAR, {0}};
	for (int k = 0; k < 2; k++) {
		if (!curve_free(c, x->L, LP_TRIM0 + k, "trim", p->sp))
			return;
		add_key(c, &x->L->c[LP_TRIM0 + k], x->t0, t[k], UNIT_NONE, lin, p->sp);
		add_key(c, &x->L->c[LP_TRIM0 + k], x->t1, t[2 + k], UNIT_NONE, lin, p->sp);
		x->L->c[LP_TRIM0 + k].by = "trim";
	}
}

/* loop, hold and mute take no value; a value given is reported, the switch still set. */
static void p_loop(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	val_want_args(x->c, p, 0, 0, "no value");
	x->L->loop = p->head[0] == 'l';
}

static void p_mute(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	val_want_args(x->c, p, 0, 0, "no value");
	x->L->mute = 1;
}

static void p_speed(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	if (v[0] < 0.25 || v[0] > 4)
		diag_err(x->c->d, DE_OUT_OF_RANGE, p->args[0]->sp, "speed must be between 0.25 and 4");
	else
		x->L->speed = v[0];
}

static void p_volume(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	const ast_value *r = val_resolve(x->c, p->args[0]);
	double s;
	if (r->kind == AV_NUM && r->unit == UNIT_DB)
		x->L->volume = pow(10, r->num / 20);
	else if (val_scalar(x->c, r, &s))
		x->L->volume = s;
}

static void p_theme(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	static const char *const th[] = {"dark", "light"};
	int ti;
	if (val_enum(x->c, p->args[0], "code theme", th, COUNT(th), &ti))
		x->L->theme = th[ti];
}

static void p_code_size(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	if (u[0] != UNIT_PX || v[0] <= 0 || v[0] > 500)
		diag_err(x->c->d, DE_OUT_OF_RANGE, p->args[0]->sp, "code font size is in px, above 0 and at most 500");
	else
		x->L->code_size = v[0];
}

static void p_numbers(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	val_bool(x->c, p, &x->L->numbers);
}

/* The listing from a file: read now, so the IR carries the code and not a path. */
static void p_file(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	checker_t *c = x->c;
	int before = diag_errors(c->d);
	const char *path = asset_path(c, p->args[0], "source file", NULL);
	size_t n;
	char *text;
	vidc_err e;
	if (path && asset_file_ok(path)) {
		if (!file_read(path, MAX_CODE_BYTES, &text, &n, &e)) {
			x->L->code = arena_strndup(c->a, text, n);
			free(text);
			return;
		}
		diag_err(c->d, DE_UNREADABLE, p->args[0]->sp, "%s", e.msg);
	}
	/* NULL: the file's error is said, so the layer is not "without source" as well */
	if (diag_errors(c->d) > before)
		x->L->code = NULL;
}

/* offset DURATION: a group's children count their times from the group's start plus this. */
static void p_offset(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	double d;
	if (val_dur(x->c, p->args[0], &d))
		x->L->offset = d, x->L->offset_sp = p->args[0]->sp;
}

/* Table order is the order of "did you mean" candidates. Text layers also take the text
 * properties of style.c; draw layers pass any other property to their hook as a parameter. */
static void p_blend(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	blend_read_mode(x->c, p, &x->L->blend);
}

static void p_gradient(layer_ctx *x, const ast_stmt *p, const double *v, const unit_kind *u)
{
	x->L->gradient = blend_read_gradient(x->c, p);
}

static const layer_prop props[] = {
	{"position", K_ALL, PV_LEN2, "x and y (px, % or sa)", p_position},
	/* not on draw layers: hooks take x and y as parameters (lower_third's y) */
	{"x", K_ALL & ~K(IR_HOOK), PV_LEN, "a length (px, % or sa)", p_x},
	{"y", K_ALL & ~K(IR_HOOK), PV_LEN, "a length (px, % or sa)", p_y},
	{"size", K_ALL, PV_LEN2, "width and height (px, % or sa)", p_size},
	{"width", K_ALL, PV_LEN, "a length (px, % or sa)", p_width},
	{"height", K_ALL, PV_LEN, "a length (px, % or sa)", p_height},
	{"anchor", K_ALL, PV_CUSTOM, NULL, p_anchor},
	{"fit", K_ALL, PV_ONE, "cover, contain, fill or none", p_fit},
	{"opacity", K_ALL, PV_ONE, "a number 0..1 or a percentage", p_opacity},
	{"scale", K_ALL, PV_SCALAR, "a number", p_scale},
	{"rotate", K_ALL, PV_ONE, "an angle in deg", p_rotate},
	{"z", K_ALL, PV_ONE, "a whole number", p_z},
	{"start", K_ALL, PV_TIMING, "a time", NULL},
	{"end", K_ALL, PV_TIMING, "a time", NULL},
	{"duration", K_ALL, PV_TIMING, "a duration", NULL},
	{"fade_in", K_ALL, PV_FADE, "a duration", p_fade},
	{"fade_out", K_ALL, PV_FADE, "a duration", p_fade},
	{"kenburns", K_ALL, PV_CUSTOM, NULL, p_kenburns},
	{"animate", K_ALL, PV_CUSTOM, NULL, p_animate},
	{"effect", K_ALL, PV_CUSTOM, NULL, p_effect},
	{"trim", K(IR_VIDEO), PV_CUSTOM, NULL, p_trim},
	{"trim", K(IR_SHAPE), PV_CUSTOM, NULL, p_shape_trim},
	{"loop", K(IR_VIDEO), PV_CUSTOM, NULL, p_loop},
	{"hold", K(IR_VIDEO), PV_CUSTOM, NULL, p_loop},
	{"mute", K(IR_VIDEO), PV_CUSTOM, NULL, p_mute},
	{"speed", K(IR_VIDEO), PV_SCALAR, "a factor (0.25 to 4)", p_speed},
	{"volume", K(IR_VIDEO), PV_ONE, "a level (80% or -3dB)", p_volume},
	{"theme", K(IR_CODE), PV_ONE, "dark or light", p_theme},
	{"font_size", K(IR_CODE), PV_LEN, "a size in px", p_code_size},
	{"numbers", K(IR_CODE), PV_CUSTOM, NULL, p_numbers},
	{"file", K(IR_CODE), PV_ONE, "a source file", p_file},
	{"offset", K(IR_GROUP), PV_ONE, "a duration (0 or more)", p_offset},
	/* looks (issue 16); on draw layers every other name stays a hook parameter, and text keeps
	 * its style's shadow */
	{"mask", K_ALL, PV_CUSTOM, NULL, p_mask},
	{"feather", K_ALL, PV_ONE, "a length in px", p_feather},
	{"matte", K_ALL, PV_CUSTOM, NULL, p_matte},
	{"name", K_ALL & ~K(IR_HOOK), PV_ONE, "a name", p_name},
	{"radius", K(IR_SOLID) | K(IR_IMAGE) | K(IR_VIDEO), PV_ONE, "a length in px", p_radius},
	{"blur", K_ALL, PV_ONE, "a length in px", p_blur},
	{"shadow", K_ALL & ~K(IR_TEXT), PV_CUSTOM, NULL, p_shadow},
	{"blend", K_ALL, PV_ONE, "a blend mode (normal, multiply, screen, overlay, add, darken, lighten)", p_blend},
	{"gradient", K(IR_SOLID) | K(IR_IMAGE), PV_CUSTOM, NULL, p_gradient},
};

static const layer_prop *find_prop(const char *name, ir_kind kind)
{
	for (int i = 0; i < COUNT(props); i++)
		if ((props[i].kinds & K(kind)) && !strcmp(props[i].name, name))
			return &props[i];
	return NULL;
}

int layer_common_prop(const char *name)
{
	for (int i = 0; i < COUNT(props); i++)
		if (props[i].kinds == K_ALL && !strcmp(props[i].name, name))
			return 1;
	return 0;
}

/* Reads the values the entry's value kind asks for; 0 after reporting a problem. */
static int prop_values(checker_t *c, const layer_prop *pr, const ast_stmt *p, double *v, unit_kind *u)
{
	switch (pr->value) {
	case PV_CUSTOM:
	case PV_TIMING:
		return 1;
	case PV_ONE:
		return val_want_args(c, p, 1, 1, pr->usage);
	case PV_LEN: /* x and width run along x; y, height and a code panel's font size along y */
		return val_want_args(c, p, 1, 1, pr->usage) &&
		       val_len_axis(c, p->args[0], !strcmp(p->head, "x") || !strcmp(p->head, "width") ? 1 : 2, &v[0], &u[0]);
	case PV_LEN2:
		return val_want_args(c, p, 2, 2, pr->usage) && val_len_axis(c, p->args[0], 1, &v[0], &u[0]) &&
		       val_len_axis(c, p->args[1], 2, &v[1], &u[1]);
	case PV_FADE:
		return val_want_args(c, p, 1, 1, pr->usage) && val_fade(c, p->args[0], &v[0]);
	case PV_SCALAR:
		return val_want_args(c, p, 1, 1, pr->usage) && val_scalar(c, p->args[0], &v[0]);
	}
	return 0;
}

/* ---- layer kinds ------------------------------------------------------------------------------ */

static void arg_solid(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (val_want_args(c, st, 1, 1, "a colour"))
		val_color(c, st->args[0], &L->color);
}

static void arg_picture(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (val_want_args(c, st, 1, 1, "a file path (a string)"))
		L->path = asset_path(c, st->args[0], L->kind == IR_IMAGE ? "image" : "video", &L->src);
}

static void arg_text(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (val_want_args(c, st, 1, 1, "the text (a string)"))
		val_str(c, st->args[0], &L->content);
}

static void arg_code(checker_t *c, const ast_stmt *st, mlayer *L)
{
	static const char *const langs[] = {"c", "python", "javascript", "shell", "json", "html",
					    "text", "cpp", "js", "bash", "sh", "typescript", "css", "lua", "go", "rust"};
	int li;
	L->code = "";
	L->lang = "text";
	if (val_want_args(c, st, 1, 2, "a language and the source (a string), or a language and a block with file \"...\"") &&
	    val_enum(c, st->args[0], "code language", langs, COUNT(langs), &li))
		L->lang = langs[li];
	if (st->nargs == 2)
		val_str(c, st->args[1], &L->code);
}

static void arg_draw(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (!val_want_args(c, st, 1, 1, "the name of a hook"))
		return;
	const ast_value *v = val_resolve(c, st->args[0]);
	hook_sym *h = v->kind == AV_IDENT ? sym_hook(c, v->s) : NULL;
	if (v->kind != AV_IDENT)
		val_expected(c, v, "a hook name");
	else if (!h)
		val_unknown(c, v->sp, "hook", v->s, sym_names(c, c->hooks, sizeof(hook_sym), c->nhooks), c->nhooks);
	else
		L->hook = h->name, L->hook_path = h->path;
}

/* group [NAME] { layers and properties }: the name is for messages and the IR dump; the
 * children are read by group.c once the group's own time range is known. */
static void arg_group(checker_t *c, const ast_stmt *st, mlayer *L)
{
	L->group_name = arena_printf(c->a, "group%d", L->order);
	if (st->nargs > 1 || (st->nargs == 1 && st->args[0]->kind != AV_IDENT))
		diag_err(c->d, DE_MALFORMED, st->sp, "write a group as: group NAME { layers... }");
	else if (st->nargs == 1)
		L->group_name = st->args[0]->s;
}

/* The layer statements: `NAME VALUE { properties }`, the value read by arg. */
static const struct {
	const char *name;
	ir_kind kind;
	void (*arg)(checker_t *c, const ast_stmt *st, mlayer *L);
} kinds[] = {
	{"solid", IR_SOLID, arg_solid}, {"image", IR_IMAGE, arg_picture},
	{"video", IR_VIDEO, arg_picture}, {"text", IR_TEXT, arg_text},
	{"code", IR_CODE, arg_code},	{"draw", IR_HOOK, arg_draw},
	{"group", IR_GROUP, arg_group},
	{"shape", IR_SHAPE, shape_arg},
};

int layer_kind(const char *head)
{
	for (int i = 0; i < COUNT(kinds); i++)
		if (!strcmp(head, kinds[i].name))
			return i;
	return -1;
}

int layer_nkinds(void)
{
	return COUNT(kinds);
}

const char *layer_kind_name(int kind)
{
	return kind >= 0 && kind < COUNT(kinds) ? kinds[kind].name : NULL;
}

const char *layer_prop_name(int i, int kind)
{
	if (i < 0 || i >= COUNT(props))
		return NULL;
	return kind < 0 || (kind < COUNT(kinds) && (props[i].kinds & K(kinds[kind].kind))) ? props[i].name : "";
}

/* ---- one layer -------------------------------------------------------------------------------- */

static void layer_defaults(checker_t *c, const ast_stmt *st, int kind, mlayer *L)
{
	memset(L, 0, sizeof *L);
	L->kind = kinds[kind].kind;
	L->sp = st->sp;
	L->order = c->order++;
	L->anchor_x = L->anchor_y = 0.5;
	L->fit = IR_FIT_COVER;
	L->speed = 1;
	L->volume = 1;
	L->trim_out = -1;
	L->audio = -1;
	L->numbers = 1;
	L->theme = "dark";
	L->code_size = 32;
	style_defaults(c, &L->style, &L->font_unit);
	L->wrap = 100;
	L->wrap_unit = UNIT_SA;
	L->content = "";
	L->matte_of = -1;
}

/* The layer's frames from start, end and duration (read before the other properties: keys and
 * fades are relative to the layer's own start), clipped to its container's [f0, f1). */
static void layer_time(checker_t *c, const ast_stmt *st, mlayer *L, const layer_frame *fr)
{
	double base = fr->base, span = fr->span;
	int64_t f0 = fr->f0, f1 = fr->f1;
	double lt0 = base, lt1 = base + span;
	int has_end = 0, has_dur = 0;
	double dur = 0;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		double t;
		if (!strcmp(p->head, "start")) {
			if (val_want_args(c, p, 1, 1, "a time") && anchor_time(c, p->args[0], base, span, &t))
				lt0 = t;
		} else if (!strcmp(p->head, "end")) {
			if (val_want_args(c, p, 1, 1, "a time") && anchor_time(c, p->args[0], base, span, &t))
				lt1 = t, has_end = 1;
		} else if (!strcmp(p->head, "duration")) {
			if (val_want_args(c, p, 1, 1, "a duration") && val_dur(c, p->args[0], &dur))
				has_dur = 1;
		}
	}
	if (has_dur && has_end)
		diag_err(c->d, DE_CONFLICT, st->sp, "give a layer end or duration, not both");
	else if (has_dur)
		lt1 = lt0 + dur;
	int64_t lf0 = checker_frame(c, lt0), lf1 = checker_frame(c, lt1);
	const char *container = fr->container;
	if (lf0 >= f1 || (has_end && lf1 <= f0)) {
		diag_warn(c->d, DW_HIDDEN_LAYER, st->sp, "layer %s at %.3fs, %s its %s (%.3fs to %.3fs); it never shows",
			  lf0 >= f1 ? "starts" : "ends", lf0 >= f1 ? lt0 : lt1, lf0 >= f1 ? "after" : "before",
			  container, checker_sec(c, f0), checker_sec(c, f1));
		lf0 = lf1 = lf0 >= f1 ? f1 : f0;
	} else if (lf1 <= lf0) {
		/* the times are the video's: a layer in a later scene would read as far off what it wrote */
		if (base > 0)
			diag_err(c->d, DE_TIMING, st->sp, "this layer ends (%.3fs) before or when it starts (%.3fs): times on the video; its %s starts at %.3fs, so these are %.3fs and %.3fs into it",
				 lt1, lt0, container, base, lt1 - base, lt0 - base);
		else
			diag_err(c->d, DE_TIMING, st->sp, "this layer ends (%.3fs) before or when it starts (%.3fs)", lt1, lt0);
		lf1 = lf0 + 1;
	}
	if (lf0 < f0 && lf1 > f0) {
		diag_warn(c->d, DW_CLIPPED, st->sp, "layer starts at %.3fs, before its %s starts (%.3fs); it shows from %.3fs",
			  lt0, container, checker_sec(c, f0), checker_sec(c, f0));
		lf0 = f0;
	}
	if (lf1 > f1 && lf0 < f1) {
		diag_warn(c->d, DW_CLIPPED, st->sp, "layer ends at %.3fs, after its %s ends (%.3fs); it is cut there",
			  lt1, container, checker_sec(c, f1));
		lf1 = f1;
	}
	L->f0 = lf0;
	L->f1 = lf1;
}

/* A property no table entry of this layer kind has: a typo, a property of another kind of
 * layer, or a text property on a layer that is not text. */
static void unknown_prop(checker_t *c, const ast_stmt *p, int kind, mlayer *L)
{
	const char *cands[COUNT(props) + 16];
	int n = 0;
	for (int k = 0; k < COUNT(props); k++)
		if (props[k].kinds & K(L->kind))
			cands[n++] = props[k].name;
	if (L->kind == IR_TEXT)
		for (int k = 0; k < style_nprops() && n < COUNT(cands); k++)
			cands[n++] = style_prop_name(k);
	if (L->kind == IR_GROUP) /* a misspelt child layer */
		for (int k = 0; k < COUNT(kinds) && n < COUNT(cands); k++)
			cands[n++] = kinds[k].name;
	if (L->kind == IR_SHAPE)
		for (int k = 0; k < shape_nprops() && n < COUNT(cands); k++)
			cands[n++] = shape_prop_name(k);
	const char *h = p->head, *kn = kinds[kind].name;
	const char *sug = diag_suggest(h, cands, n);
	ir_text_style scratch;
	unit_kind fu;
	style_defaults(c, &scratch, &fu);
	if (sug) {
		diag_err(c->d, DE_UNKNOWN_PROPERTY, p->sp, "unknown property '%s' of %s %s layer (did you mean '%s'?)", h, val_an(kn), kn, sug);
		diag_fixit_word(c->d, p->sp, h, sug);
	} else if (L->kind != IR_TEXT && style_prop(c, p, (style_target){&scratch, &fu}, 0))
		diag_err(c->d, DE_NOT_APPLICABLE, p->sp, "'%s' applies to text layers, not to %s %s layer", h, val_an(kn), kn);
	else
		diag_err(c->d, DE_UNKNOWN_PROPERTY, p->sp, "unknown property '%s' of %s %s layer", h, val_an(kn), kn);
}

static void layer_props(checker_t *c, const ast_stmt *st, int kind, mlayer *L)
{
	layer_ctx x = {c, L, checker_sec(c, L->f0), checker_sec(c, L->f1)};
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		const layer_prop *pr = find_prop(p->head, L->kind);
		double v[2] = {0, 0};
		unit_kind u[2] = {UNIT_NONE, UNIT_NONE};
		if (pr) {
			if (pr->fn && prop_values(c, pr, p, v, u))
				pr->fn(&x, p, v, u);
		} else if (L->kind == IR_TEXT && (textanim_arrow(c, p, L, x.t0, x.t1) ||
						  style_prop(c, p, (style_target){&L->style, &L->font_unit}, 0))) {
			continue;
		} else if (L->kind == IR_SHAPE && shape_prop(c, p, L)) {
			continue;
		} else if (L->kind == IR_HOOK) {
			hook_param(c, p, &L->params, &L->nparams, &L->cparams);
		} else if (L->kind == IR_GROUP && layer_kind(p->head) >= 0) {
			continue; /* a child layer: group.c reads it */
		} else {
			unknown_prop(c, p, kind, L);
		}
	}
}

/* fade_in and fade_out become opacity keys at the layer's ends. */
static void layer_fades(checker_t *c, const ast_stmt *st, mlayer *L)
{
	double fin = 0, fout = 0;
	span_t fsp = st->sp;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if ((!strcmp(p->head, "fade_in") || !strcmp(p->head, "fade_out")) && p->nargs == 1) {
			double d = 0;
			ast_value tmp = *val_resolve(c, p->args[0]);
			if (tmp.kind == AV_NUM && (tmp.unit == UNIT_S || tmp.unit == UNIT_MS || tmp.unit == UNIT_F) && tmp.num >= 0)
				d = tmp.unit == UNIT_MS ? tmp.num / 1000 : tmp.unit == UNIT_F ? tmp.num / checker_fps(c) : tmp.num;
			if (p->head[5] == 'i')
				fin = d;
			else
				fout = d;
			fsp = p->sp;
		}
	}
	if (fin <= 0 && fout <= 0)
		return;
	double a = checker_sec(c, L->f0), b = checker_sec(c, L->f1);
	double top = L->c[LP_OPACITY].n ? L->c[LP_OPACITY].k[0].v : 1;
	if (L->c[LP_OPACITY].n > 1) {
		diag_err(c->d, DE_CONFLICT, fsp, "fade_in/fade_out cannot be combined with animate opacity");
	} else if (fin + fout > b - a + 1e-9) {
		diag_err(c->d, DE_TIMING, fsp, "fades (%.3fs in, %.3fs out) are longer than the layer (%.3fs)", fin, fout, b - a);
	} else {
		mcurve cv;
		memset(&cv, 0, sizeof cv);
		ir_ease lin = {IR_EASE_LINEAR, {0}};
		add_key(c, &cv, a, fin > 0 ? 0 : top, UNIT_NONE, lin, fsp);
		if (fin > 0)
			add_key(c, &cv, a + fin, top, UNIT_NONE, lin, fsp);
		if (fout > 0)
			add_key(c, &cv, b - fout, top, UNIT_NONE, lin, fsp);
		add_key(c, &cv, b, fout > 0 ? 0 : top, UNIT_NONE, lin, fsp);
		L->c[LP_OPACITY] = cv;
	}
}

/* A video clip's sound joins the mix as an audio track for as long as the layer shows. */
static void clip_audio(checker_t *c, const ast_stmt *st, mlayer *L)
{
	maudio *a = ARENA_PUSH(c->a, c->s->audio, c->s->naudio, c->s->caudio);
	memset(a, 0, sizeof *a);
	a->role = "clip";
	a->path = L->path;
	a->src = L->src;
	a->sp = st->sp;
	a->start = checker_sec(c, L->f0);
	a->trim_in = L->trim_in;
	a->volume = L->volume;
	a->duck = 1;
	a->loop = L->loop;
	L->audio = c->s->naudio - 1;
}

/* `when` blocks in a layer (SPEC §18.6): effects add, a property replaces its earlier setting. */
static int adds_effect(const char *head)
{
	return !strcmp(head, "effect");
}

static const when_rules layer_when = {adds_effect, NULL, 0};

void layer_read(checker_t *c, const ast_stmt *st, int kind, mlayer *L, const layer_frame *fr)
{
	st = when_apply(c, st, &layer_when);
	layer_defaults(c, st, kind, L);
	L->f0 = fr->f0;
	L->f1 = fr->f1;
	kinds[kind].arg(c, st, L);
	layer_time(c, st, L, fr);
	layer_props(c, st, kind, L);
	layer_fades(c, st, L);
	looks_check(c, L);
	if (L->kind == IR_CODE && L->code && !L->code[0])
		diag_err(c->d, DE_MISSING, st->sp, "code layer has no source: give it as a string or with file \"...\"");
	if (L->kind == IR_VIDEO && !L->mute && L->path)
		clip_audio(c, st, L);
}
