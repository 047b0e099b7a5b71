/*
 * ir.c - building, evaluating and dumping the frame-graph IR (see ir.h). The runtime links this
 * file for ir_curve_eval; the dump is the format `vidc ir` prints and SPEC.md documents.
 */
#include "ir.h"

#include <math.h>
#include <string.h>

#include "../base/arena.h"

/* ---- easing ------------------------------------------------------------------------------ */

static double bezier_coord(double p1, double p2, double s)
{
	/* One coordinate of a cubic Bezier from 0 to 1 with inner control points p1, p2. */
	double u = 1 - s;
	return 3 * u * u * s * p1 + 3 * u * s * s * p2 + s * s * s;
}

static double bezier_slope(double p1, double p2, double s)
{
	double u = 1 - s;
	return 3 * u * u * p1 + 6 * u * s * (p2 - p1) + 3 * s * s * (1 - p2);
}

/* y for x on a CSS cubic-bezier(x1, y1, x2, y2): solve x(s) = x by Newton, falling back to
 * bisection where the slope is flat; x1, x2 are clamped to [0, 1] so x(s) is monotonic. */
static double bezier_eval(const double p[4], double x)
{
	double x1 = fmin(fmax(p[0], 0), 1), x2 = fmin(fmax(p[2], 0), 1);
	double s = x;
	for (int i = 0; i < 8; i++) {
		double err = bezier_coord(x1, x2, s) - x;
		double d = bezier_slope(x1, x2, s);
		if (fabs(err) < 1e-9)
			return bezier_coord(p[1], p[3], s);
		if (fabs(d) < 1e-6)
			break;
		s -= err / d;
		if (s < 0 || s > 1)
			break;
	}
	double lo = 0, hi = 1;
	s = x;
	for (int i = 0; i < 60; i++) {
		double v = bezier_coord(x1, x2, s);
		if (fabs(v - x) < 1e-10)
			break;
		if (v < x)
			lo = s;
		else
			hi = s;
		s = (lo + hi) / 2;
	}
	return bezier_coord(p[1], p[3], s);
}

/* A damped spring's step response (a mass on a spring, released from 0 towards 1) over the
 * segment, with damping ratio z = 1 - bounce. Its envelope is fixed to fall to 1/1000 at x = 1
 * (z * w0 = ln 1000), so a stiffer or looser spring changes how far and how often it overshoots,
 * not when it settles. What is left of the motion at x = 1 (under 0.1 %, 0.8 % for bounce 0) is
 * taken out linearly, so the segment ends on its key exactly and the curve stays continuous. */
static double spring_raw(double bounce, double x)
{
	double z = 1 - fmin(fmax(bounce, 0), 0.9), k = log(1000), w0 = k / z;
	if (z >= 1) /* critically damped: no oscillation */
		return 1 - exp(-w0 * x) * (1 + w0 * x);
	double wd = w0 * sqrt(1 - z * z);
	return 1 - exp(-k * x) * (cos(wd * x) + k / wd * sin(wd * x));
}

static double spring_eval(double bounce, double x)
{
	return spring_raw(bounce, x) + (1 - spring_raw(bounce, 1)) * x;
}

/* Robert Penner's ease-out bounce: parabolas touching 1 at x = 1/2.75, 2/2.75, 2.5/2.75 and 1,
 * each rebound a quarter of the one before; never above 1. */
static double bounce_eval(double x)
{
	const double n = 7.5625, d = 2.75;
	if (x < 1 / d)
		return n * x * x;
	double c = x < 2 / d ? 1.5 : x < 2.5 / d ? 2.25 : 2.625;
	double top = x < 2 / d ? 0.75 : x < 2.5 / d ? 0.9375 : 0.984375;
	x -= c / d;
	return n * x * x + top;
}

double ir_ease_eval(const ir_ease *e, double x)
{
	static const double in[4] = {0.42, 0, 1, 1}, out[4] = {0, 0, 0.58, 1},
			    in_out[4] = {0.42, 0, 0.58, 1};
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	switch (e->kind) {
	case IR_EASE_LINEAR:
		return x;
	case IR_EASE_IN:
		return bezier_eval(in, x);
	case IR_EASE_OUT:
		return bezier_eval(out, x);
	case IR_EASE_IN_OUT:
		return bezier_eval(in_out, x);
	case IR_EASE_BEZIER:
		return bezier_eval(e->p, x);
	case IR_EASE_HOLD:
		return 0;
	case IR_EASE_SPRING:
		return spring_eval(e->p[0], x);
	case IR_EASE_BOUNCE:
		return bounce_eval(x);
	}
	return x;
}

double ir_curve_eval(const ir_curve *c, double t)
{
	if (c->n <= 0)
		return 0;
	const ir_key *k = c->keys;
	if (c->n == 1 || t <= k[0].t)
		return k[0].v;
	if (t >= k[c->n - 1].t)
		return k[c->n - 1].v;
	/* Binary search for the segment [k[i], k[i+1]) holding t. */
	int lo = 0, hi = c->n - 1;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;
		if (k[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	double span = k[hi].t - k[lo].t;
	double x = span > 0 ? (t - k[lo].t) / span : 1;
	double y = ir_ease_eval(&k[lo].ease, x);
	return k[lo].v + (k[hi].v - k[lo].v) * y;
}

void ir_curve_range(const ir_curve *c, double *lo, double *hi)
{
	/* Overshoot samples per bezier or spring segment (a spring's first, highest overshoot comes
	 * within the first half and is broad, so 32 samples find it to a fraction of a percent;
	 * bounce never leaves 0..1): a pan path is a handful of keys, so this is cheap
	 * per frame, and fine enough that the last clamp of a window (runtime/layer.c) barely acts. */
	enum { SAMPLES = 32 };
	*lo = *hi = c->n > 0 ? c->keys[0].v : 0;
	for (int i = 0; i < c->n; i++) {
		const ir_key *k = &c->keys[i];
		*lo = fmin(*lo, k->v);
		*hi = fmax(*hi, k->v);
		if (i + 1 == c->n || (k->ease.kind != IR_EASE_BEZIER && k->ease.kind != IR_EASE_SPRING))
			continue;
		for (int j = 1; j < SAMPLES; j++) {
			double v = k->v + (k[1].v - k->v) * ir_ease_eval(&k->ease, (double)j / SAMPLES);
			*lo = fmin(*lo, v);
			*hi = fmax(*hi, v);
		}
	}
}

double ir_pan_fit(double p, double p0, double p1, double fw)
{
	double lo = fw / 2, hi = 1 - fw / 2, wp = p1 - p0;
	if (!(hi > lo)) /* the window is the whole picture: one place only */
		return 0.5;
	if (!(wp > 0)) /* a still pan: the old clamp exactly */
		return p < lo ? lo : p > hi ? hi : p;
	/* The share k of the path's length kept: wf/wp where the path is longer than the range,
	 * 1 where it is much shorter, and a smooth minimum of the two between (a plain min would
	 * jerk the speed on the frame where a zooming window grows past the path). */
	double x = (hi - lo) / wp, k = x / pow(1 + pow(x, 8), 1.0 / 8);
	/* the kept path [a, a + k wp] shifted in whole by the least amount to lie inside */
	double a = p0 < lo ? lo : p0 > hi - k * wp ? hi - k * wp : p0;
	return a + k * (p - p0);
}

int ir_pan_reachable(const ir_curve *pan, const ir_curve *zoom, double f1, double t0, double t1)
{
	/* Samples over the layer, and every key (where a path turns). A pan that leaves the range
	 * only between samples is off by a hair, which the window's last clamp absorbs. */
	enum { SAMPLES = 64 };
	const double eps = 1e-9;
	for (int i = 0; i < SAMPLES + pan->n + zoom->n; i++) {
		double t = i < SAMPLES ? t0 + (t1 - t0) * i / (SAMPLES - 1)
			   : i < SAMPLES + pan->n ? pan->keys[i - SAMPLES].t : zoom->keys[i - SAMPLES - pan->n].t;
		if (t < t0 || t > t1)
			continue;
		double z = ir_curve_eval(zoom, t), fw = f1 / (z >= 1 ? z : 1), p = ir_curve_eval(pan, t);
		if (p < fw / 2 - eps || p > 1 - fw / 2 + eps)
			return 0;
	}
	return 1;
}

double ir_pan_zoom_needed(double p0, double p1, double f1)
{
	/* centre in [f1/z/2, 1 - f1/z/2] for both ends of the path */
	double m = fmin(p0, 1 - p1);
	return m > 0 ? fmax(1, f1 / (2 * m)) : INFINITY;
}

int ir_curve_is_const(const ir_curve *c)
{
	for (int i = 1; i < c->n; i++)
		if (c->keys[i].v != c->keys[0].v)
			return 0;
	return 1;
}

/* ---- building ---------------------------------------------------------------------------- */

ir_program *ir_program_new(void)
{
	arena_t *a = arena_new();
	ir_program *p = a ? arena_alloc(a, sizeof *p) : NULL;
	if (!p) {
		arena_free(a);
		return NULL;
	}
	p->arena = a;
	p->fps_num = 30;
	p->fps_den = 1;
	p->timeline = p->mix = p->captions = -1;
	return p;
}

void ir_program_free(ir_program *p)
{
	if (p)
		arena_free(p->arena);
}

/* Calls use(p, ctx, l, a, b) for each layer l of ids[0..n) and of the groups they show, a and b
 * its frames cut to [f0, f1); in drawing order. */
typedef void (*use_fn)(ir_program *p, void *ctx, const ir_node *l, int64_t a, int64_t b);

static void uses_in(ir_program *p, const int *ids, int n, int64_t f0, int64_t f1, use_fn use, void *ctx)
{
	for (int j = 0; j < n; j++) {
		const ir_node *l = &p->nodes[ids[j]];
		const ir_node *s = &p->nodes[l->u.layer.source];
		int64_t a = l->f0 > f0 ? l->f0 : f0, b = l->f1 < f1 ? l->f1 : f1;
		use(p, ctx, l, a, b);
		if (s->kind == IR_GROUP)
			uses_in(p, s->u.group.layers, s->u.group.nlayers, a, b, use, ctx);
	}
}

static void uses_all(ir_program *p, use_fn use, void *ctx)
{
	if (p->timeline >= 0) {
		const ir_node *t = &p->nodes[p->timeline];
		for (int i = 0; i < t->u.timeline.nscenes; i++) {
			const ir_node *s = &p->nodes[t->u.timeline.scenes[i]];
			uses_in(p, s->u.scene.layers, s->u.scene.nlayers, s->f0, s->f1, use, ctx);
		}
	}
	uses_in(p, p->overlays, p->noverlays, INT64_MIN, INT64_MAX, use, ctx);
}

static void count_use(ir_program *p, void *ctx, const ir_node *l, int64_t a, int64_t b)
{
	(void)ctx, (void)a, (void)b;
	p->use_at[l->u.layer.source + 1]++;
}

static void put_use(ir_program *p, void *ctx, const ir_node *l, int64_t a, int64_t b)
{
	int *next = ctx;
	p->uses[next[l->u.layer.source]++] = (ir_use){l->id, a, b};
}

void ir_index_uses(ir_program *p)
{
	p->uses = NULL;
	p->use_at = NULL;
	size_t n = (size_t)p->nnodes + 1;
	int *at = arena_alloc(p->arena, sizeof *at * n), *next = arena_alloc(p->arena, sizeof *next * n);
	if (!at || !next)
		return;
	p->use_at = at;
	uses_all(p, count_use, NULL);
	for (int i = 0; i < p->nnodes; i++)
		at[i + 1] += at[i];
	p->uses = at[p->nnodes] ? arena_alloc(p->arena, sizeof *p->uses * (size_t)at[p->nnodes]) : NULL;
	if (at[p->nnodes] && !p->uses) {
		p->use_at = NULL;
		return;
	}
	memcpy(next, at, sizeof *next * n);
	uses_all(p, put_use, next);
}

ir_node *ir_node_add(ir_program *p, ir_kind kind)
{
	ir_node *n = ARENA_PUSH(p->arena, p->nodes, p->nnodes, p->cap);
	memset(n, 0, sizeof *n);
	n->id = p->nnodes - 1;
	n->kind = kind;
	n->f1 = p->frames;
	return n;
}

ir_curve ir_curve_const(ir_program *p, double v)
{
	ir_curve c = {1, arena_alloc(p->arena, sizeof(ir_key))};
	c.keys[0].v = v;
	return c;
}

double ir_frame_time(const ir_program *p, int64_t f)
{
	return (double)f * p->fps_den / p->fps_num;
}

/* ---- transitions ------------------------------------------------------------------------- */

const ir_transition_info ir_transitions[IR_TR_COUNT] = {
	[IR_TR_CUT] = {"cut", IR_TRF_BUILTIN},
	[IR_TR_FADE] = {"fade", IR_TRF_BUILTIN | IR_TRF_COLOR},
	[IR_TR_DISSOLVE] = {"dissolve", IR_TRF_BUILTIN},
	[IR_TR_SLIDE] = {"slide", IR_TRF_BUILTIN | IR_TRF_DIR},
	[IR_TR_PUSH] = {"push", IR_TRF_BUILTIN | IR_TRF_DIR},
	[IR_TR_WIPE] = {"wipe", IR_TRF_BUILTIN | IR_TRF_DIR},
	[IR_TR_HOOK] = {"hook", 0},
};

int ir_transition_find(const char *name)
{
	for (int i = 0; i < IR_TR_COUNT; i++)
		if ((ir_transitions[i].flags & IR_TRF_BUILTIN) && !strcmp(ir_transitions[i].name, name))
			return i;
	return -1;
}

/* ---- blends ------------------------------------------------------------------------------ */

const char *const ir_blend_names[IR_BLEND_COUNT] = {
	[IR_BLEND_NORMAL] = "normal",	  [IR_BLEND_MULTIPLY] = "multiply", [IR_BLEND_SCREEN] = "screen",
	[IR_BLEND_OVERLAY] = "overlay", [IR_BLEND_ADD] = "add",	    [IR_BLEND_DARKEN] = "darken",
	[IR_BLEND_LIGHTEN] = "lighten",
};

/* ---- dump ------------------------------------------------------------------------------- */

static const char *kind_names[IR_KIND_COUNT] = {
	"solid", "image", "video", "text", "code", "hook", "group", "layer", "effect",
	"scene", "transition", "timeline", "audio", "mix", "captions", "shape",
};

const char *ir_kind_name(ir_kind k)
{
	return k < IR_KIND_COUNT ? kind_names[k] : "?";
}

const char *ir_node_file(const ir_node *n)
{
	switch (n->kind) {
	case IR_IMAGE:
		return n->u.image.path;
	case IR_VIDEO:
		return n->u.video.path;
	case IR_AUDIO:
		return n->u.audio.path;
	case IR_HOOK:
		return n->u.hook.path;
	case IR_EFFECT:
		return n->u.effect.path;
	case IR_TRANSITION:
		return n->u.transition.type == IR_TR_HOOK ? n->u.transition.path : NULL;
	case IR_TEXT:
		return n->u.text.style.font && strchr(n->u.text.style.font, '/') ? n->u.text.style.font : NULL;
	default:
		return NULL;
	}
}

/* Set by ir_dump_key for its thread: numbers exact, no source positions. */
static _Thread_local int dump_for_key;

/* Numbers print with at most 4 decimals and no trailing zeros, so dumps are stable and short
 * (ir_dump_key: 17 significant digits, so two programs that differ anywhere dump differently). */
static void put_num(FILE *o, double v)
{
	char buf[64];
	if (dump_for_key) {
		fprintf(o, "%.17g", v);
		return;
	}
	if (fabs(v) < 5e-5)
		v = 0;
	snprintf(buf, sizeof buf, "%.4f", v);
	char *e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
	fputs(buf, o);
}

static void put_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c == '\t')
			fputs("\\t", o);
		else if (c < 0x20)
			fprintf(o, "\\x%02x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void put_color(FILE *o, ir_color c)
{
	fprintf(o, "#%02x%02x%02x%02x", c.r, c.g, c.b, c.a);
}

/* " key=value": every field of the dump starts so; the value prints by its kind. */
static void put_key_num(FILE *o, const char *key, double v)
{
	fprintf(o, " %s=", key);
	put_num(o, v);
}

static void put_key_str(FILE *o, const char *key, const char *s)
{
	fprintf(o, " %s=", key);
	put_str(o, s);
}

static void put_key_color(FILE *o, const char *key, ir_color c)
{
	fprintf(o, " %s=", key);
	put_color(o, c);
}

/* A drop shadow (a text style's or a layer's): key=dx,dy,blur:color. */
static void put_shadow(FILE *o, const char *key, double dx, double dy, double blur, ir_color c)
{
	put_key_num(o, key, dx);
	fputc(',', o);
	put_num(o, dy);
	fputc(',', o);
	put_num(o, blur);
	fputc(':', o);
	put_color(o, c);
}

static const char *ease_names[] = {"linear", "ease_in", "ease_out", "ease_in_out", "bezier", "hold",
				   "spring", "bounce"};

static void put_ease(FILE *o, ir_ease e)
{
	fputs(ease_names[e.kind], o);
	if (e.kind == IR_EASE_SPRING) {
		fputc('(', o);
		put_num(o, e.p[0]);
		fputc(')', o);
	}
	if (e.kind == IR_EASE_BEZIER) {
		fputc('(', o);
		for (int i = 0; i < 4; i++) {
			if (i)
				fputc(',', o);
			put_num(o, e.p[i]);
		}
		fputc(')', o);
	}
}

/* A key's time, "1.5s:", before its value. */
static void put_key_time(FILE *o, double t)
{
	put_num(o, t);
	fputs("s:", o);
}

/* The easing from a key to the next one, unless it is linear (the default) or the key is last. */
static void put_ease_to_next(FILE *o, ir_ease e, int last)
{
	if (!last && e.kind != IR_EASE_LINEAR) {
		fputc(' ', o);
		put_ease(o, e);
	}
}

/* A constant prints as its value; a keyed curve as {t:v ease, ...}. */
static void put_curve(FILE *o, const char *name, const ir_curve *c)
{
	fprintf(o, " %s=", name);
	if (ir_curve_is_const(c)) {
		put_num(o, c->n ? c->keys[0].v : 0);
		return;
	}
	fputc('{', o);
	for (int i = 0; i < c->n; i++) {
		if (i)
			fputs(", ", o);
		put_key_time(o, c->keys[i].t);
		put_num(o, c->keys[i].v);
		put_ease_to_next(o, c->keys[i].ease, i + 1 == c->n);
	}
	fputc('}', o);
}

static void put_ids(FILE *o, const char *name, const int *ids, int n)
{
	fprintf(o, " %s=[", name);
	for (int i = 0; i < n; i++)
		fprintf(o, i ? " n%d" : "n%d", ids[i]);
	fputc(']', o);
}

static void put_params(FILE *o, const ir_param *ps, int n)
{
	for (int i = 0; i < n; i++) {
		if (ps[i].str) {
			put_key_str(o, ps[i].name, ps[i].str);
		} else {
			put_curve(o, ps[i].name, &ps[i].curve);
		}
	}
}

/* A Lua hook or effect: its name, its file and its parameters. */
static void put_script(FILE *o, const char *kind, const char *name, const char *path,
		       const ir_param *ps, int n)
{
	fprintf(o, " %s=%s", kind, name);
	put_key_str(o, "file", path);
	put_params(o, ps, n);
}

/* A scene or a group: its name and its layers. */
static void put_layer_list(FILE *o, const char *name, const int *layers, int n)
{
	put_key_str(o, "name", name);
	put_ids(o, "layers", layers, n);
}

static const char *fit_names[] = {"cover", "contain", "fill", "none"};

const char *const ir_mask_names[IR_MASK_COUNT] = {"none", "rect", "round", "ellipse", "path"};
const char *const ir_matte_names[IR_MATTE_COUNT] = {"none", "alpha", "luma"};

/* A layer's looks (issue 16), each only when set, so older programs dump as before. */
/* path="M x y L x y C ... Z": every point, so the piece cache's key (the dump's hash) sees them. */
static void put_path(FILE *o, const ir_path *p)
{
	static const char ops[] = {'M', 'L', 'C', 'Z'}, nargs[] = {2, 2, 6, 0};
	fputs(" path=\"", o);
	for (int i = 0; i < p->n; i++) {
		const ir_path_cmd *c = &p->cmds[i];
		fprintf(o, "%s%c", i ? " " : "", ops[c->op]);
		for (int k = 0; k < nargs[c->op]; k++) {
			fputc(' ', o);
			put_num(o, c->p[k]);
		}
	}
	fputc('"', o);
}

static void put_looks(FILE *o, const ir_node *n)
{
	if (n->u.layer.mask == IR_MASK_PATH) {
		fprintf(o, " mask=path%s", n->u.layer.mask_invert ? ",invert" : "");
		put_path(o, &n->u.layer.mask_path);
	} else if (n->u.layer.mask) {
		fprintf(o, " mask=%s%s", ir_mask_names[n->u.layer.mask], n->u.layer.mask_invert ? ",invert" : "");
		put_curve(o, "mask_x", &n->u.layer.mask_x);
		put_curve(o, "mask_y", &n->u.layer.mask_y);
		put_curve(o, "mask_w", &n->u.layer.mask_w);
		put_curve(o, "mask_h", &n->u.layer.mask_h);
		if (n->u.layer.mask_radius.n)
			put_curve(o, "mask_radius", &n->u.layer.mask_radius);
	}
	if (n->u.layer.feather.n)
		put_curve(o, "feather", &n->u.layer.feather);
	if (n->u.layer.matte)
		fprintf(o, " matte=n%d:%s", n->u.layer.matte_layer, ir_matte_names[n->u.layer.matte]);
	if (n->u.layer.matte_only)
		fputs(" matte_only", o);
	if (n->u.layer.radius.n)
		put_curve(o, "radius", &n->u.layer.radius);
	if (n->u.layer.blur.n)
		put_curve(o, "blur", &n->u.layer.blur);
	if (n->u.layer.shadow_color.a) {
		put_shadow(o, "layer_shadow", n->u.layer.shadow_dx, n->u.layer.shadow_dy,
			   n->u.layer.shadow_blur, n->u.layer.shadow_color);
	}
}
static const char *align_names[] = {"left", "center", "right"};
static const char *dir_names[] = {"left", "right", "up", "down"};

/* Text in motion (issue 16): only what a text animates, so a static text dumps as before. */
static void put_textanim(FILE *o, const ir_textanim *a)
{
	static const char *const kinds[] = {"none", "fade", "rise", "pop", "typewriter"};
	if (a->kind != IR_TA_NONE) {
		fprintf(o, " anim=%s:%s start=", a->letters ? "letters" : "words", kinds[a->kind]);
		put_num(o, a->start);
		put_key_num(o, "stagger", a->stagger);
		put_key_num(o, "each", a->each);
		for (int i = 0; i < a->nwords; i++) {
			fputs(i ? "," : " narration=", o);
			put_num(o, a->words[i].t0);
			fputc(':', o); /* letters spread over the word's spoken time */
			put_num(o, a->words[i].t1);
		}
	}
	for (int i = 0; i < a->ncolors; i++) {
		fputs(i ? ", " : " color_keys={", o);
		put_key_time(o, a->colors[i].t);
		put_color(o, a->colors[i].c);
		put_ease_to_next(o, a->colors[i].ease, i + 1 == a->ncolors);
	}
	if (a->ncolors)
		fputc('}', o);
	if (a->size.n)
		put_curve(o, "size_keys", &a->size);
	for (int i = 0; i < a->ntexts; i++) {
		fputs(i ? ", " : " text_keys={", o);
		put_num(o, a->texts[i].t);
		fputs("s:", o);
		put_str(o, a->texts[i].text);
	}
	if (a->ntexts)
		fputc('}', o);
}

static void put_style(FILE *o, const ir_text_style *s)
{
	put_key_str(o, "font", s->font);
	for (int i = 0; i < s->nfallback; i++) {
		fputs(i ? "," : " fallback=", o);
		put_str(o, s->fallback[i]);
	}
	fprintf(o, " weight=%d%s size=", s->weight, s->italic ? " italic" : "");
	put_num(o, s->size);
	put_key_color(o, "color", s->color);
	fprintf(o, " align=%s", align_names[s->align]);
	if (s->wrap == IR_WRAP_GREEDY) /* balanced is the default: older dumps stay the same */
		fputs(" wrap_mode=greedy", o);
	if (s->line_spacing != 1) {
		put_key_num(o, "line_spacing", s->line_spacing);
	}
	if (s->stroke_width > 0) {
		put_key_num(o, "stroke", s->stroke_width);
		fputc(':', o);
		put_color(o, s->stroke_color);
	}
	if (s->shadow_color.a) {
		put_shadow(o, "shadow", s->shadow_dx, s->shadow_dy, s->shadow_blur, s->shadow_color);
	}
	if (s->box_color.a) {
		put_key_color(o, "box", s->box_color);
		put_key_num(o, "padding", s->box_padding);
		put_key_num(o, "radius", s->box_radius);
	}
}

/* A shape (issue 16): its path in full (the cache key hashes the dump, so every point counts),
 * then fill, stroke and the trim curves when they are not the defaults. */
static void put_shape(FILE *o, const ir_node *n)
{
	static const char *const caps[] = {"butt", "round", "square"};
	fprintf(o, " shape=%s size=", n->u.shape.kind);
	put_num(o, n->u.shape.w);
	fputc('x', o);
	put_num(o, n->u.shape.h);
	put_path(o, &n->u.shape.path);
	if (n->u.shape.fill.a) {
		put_key_color(o, "fill", n->u.shape.fill);
		if (n->u.shape.rule == IR_FILL_EVENODD)
			fputs(" evenodd", o);
	}
	if (n->u.shape.stroke.a && n->u.shape.stroke_width > 0) {
		put_key_color(o, "stroke", n->u.shape.stroke);
		put_key_num(o, "width", n->u.shape.stroke_width);
		fprintf(o, " cap=%s", caps[n->u.shape.cap]);
	}
	if (!ir_curve_is_const(&n->u.shape.trim_start) || n->u.shape.trim_start.keys[0].v != 0)
		put_curve(o, "trim_start", &n->u.shape.trim_start);
	if (!ir_curve_is_const(&n->u.shape.trim_end) || n->u.shape.trim_end.keys[0].v != 1)
		put_curve(o, "trim_end", &n->u.shape.trim_end);
}

/* A layer's blend mode and gradient, only when set (older dumps stay the same). */
static void put_blend(FILE *o, const ir_node *n)
{
	if (n->u.layer.blend != IR_BLEND_NORMAL)
		fprintf(o, " blend=%s", ir_blend_names[n->u.layer.blend]);
	const ir_gradient *g = n->u.layer.gradient;
	if (!g)
		return;
	fputs(g->radial ? " gradient=radial(" : " gradient=linear(", o);
	if (!g->radial) {
		put_num(o, g->angle);
		fputs("deg", o);
	}
	for (int i = 0; i < g->nstops; i++) {
		fputs(i || !g->radial ? "," : "", o);
		put_color(o, g->color[i]);
		fputc('@', o);
		put_num(o, g->pos[i]);
	}
	fputc(')', o);
}

/* A transition: its type, scenes, direction, colour, hook and easing; the feather and motion
 * blur only when set. */
static void put_transition(FILE *o, const ir_node *n)
{
	const ir_transition_info *ti = &ir_transitions[n->u.transition.type];
	fprintf(o, " type=%s from=n%d to=n%d", ti->name, n->u.transition.from,
		n->u.transition.to);
	if (ti->flags & IR_TRF_DIR)
		fprintf(o, " dir=%s", dir_names[n->u.transition.dir]);
	if (ti->flags & IR_TRF_COLOR) {
		put_key_color(o, "color", n->u.transition.color);
	}
	if (n->u.transition.type == IR_TR_HOOK)
		fprintf(o, " hook=%s", n->u.transition.hook);
	fputs(" ease=", o);
	put_ease(o, n->u.transition.ease);
	if (n->u.transition.feather > 0) { /* wipe16: only when set, so old dumps stay the same */
		put_key_num(o, "feather", n->u.transition.feather);
		fputs(n->u.transition.feather_px ? "px" : "%", o);
	}
	if (n->u.transition.shutter > 0) {
		put_key_num(o, "motion_blur", n->u.transition.shutter);
	}
}

static void dump_node(const ir_program *p, const ir_node *n, FILE *o)
{
	fprintf(o, "n%d %s [%lld,%lld)", n->id, ir_kind_name(n->kind), (long long)n->f0,
		(long long)n->f1);
	switch (n->kind) {
	case IR_SOLID:
		put_key_color(o, "color", n->u.solid.color);
		break;
	case IR_IMAGE:
		put_key_str(o, "src", n->u.image.src);
		break;
	case IR_VIDEO:
		put_key_str(o, "src", n->u.video.src);
		put_key_num(o, "trim", n->u.video.trim_in);
		fputc(':', o);
		if (n->u.video.trim_out < 0)
			fputs("end", o);
		else
			put_num(o, n->u.video.trim_out);
		put_key_num(o, "speed", n->u.video.speed);
		fprintf(o, " %s%s", n->u.video.loop ? "loop" : "hold", n->u.video.mute ? " mute" : "");
		if (n->u.video.audio >= 0)
			fprintf(o, " audio=n%d", n->u.video.audio);
		break;
	case IR_TEXT:
		put_key_str(o, "text", n->u.text.content);
		put_style(o, &n->u.text.style);
		if (n->u.text.wrap_width > 0) {
			put_key_num(o, "wrap", n->u.text.wrap_width);
		}
		put_textanim(o, &n->u.text.anim);
		break;
	case IR_CODE:
		fprintf(o, " lang=%s theme=%s%s size=", n->u.code.lang, n->u.code.theme,
			n->u.code.line_numbers ? " numbers" : "");
		put_num(o, n->u.code.font_size);
		put_key_str(o, "source", n->u.code.source);
		break;
	case IR_HOOK:
		put_script(o, "hook", n->u.hook.name, n->u.hook.path, n->u.hook.params, n->u.hook.nparams);
		break;
	case IR_GROUP:
		put_layer_list(o, n->u.group.name, n->u.group.layers, n->u.group.nlayers);
		break;
	case IR_LAYER:
		fprintf(o, " source=n%d z=%d fit=%s", n->u.layer.source, n->u.layer.z,
			fit_names[n->u.layer.fit]);
		put_curve(o, "x", &n->u.layer.x);
		put_curve(o, "y", &n->u.layer.y);
		put_curve(o, "w", &n->u.layer.w);
		put_curve(o, "h", &n->u.layer.h);
		put_key_num(o, "anchor", n->u.layer.anchor_x);
		fputc(',', o);
		put_num(o, n->u.layer.anchor_y);
		put_curve(o, "opacity", &n->u.layer.opacity);
		if (!ir_curve_is_const(&n->u.layer.scale) || n->u.layer.scale.keys[0].v != 1)
			put_curve(o, "scale", &n->u.layer.scale);
		if (!ir_curve_is_const(&n->u.layer.rotation) || n->u.layer.rotation.keys[0].v != 0)
			put_curve(o, "rotation", &n->u.layer.rotation);
		if (n->u.layer.kenburns) {
			put_curve(o, "zoom", &n->u.layer.zoom);
			put_curve(o, "pan_x", &n->u.layer.pan_x);
			put_curve(o, "pan_y", &n->u.layer.pan_y);
		}
		if (n->u.layer.neffects)
			put_ids(o, "effects", n->u.layer.effects, n->u.layer.neffects);
		put_looks(o, n);
		put_blend(o, n);
		break;
	case IR_EFFECT:
		put_script(o, "effect", n->u.effect.name, n->u.effect.path, n->u.effect.params,
			   n->u.effect.nparams);
		break;
	case IR_SCENE:
		put_layer_list(o, n->u.scene.name, n->u.scene.layers, n->u.scene.nlayers);
		break;
	case IR_TRANSITION:
		put_transition(o, n);
		break;
	case IR_TIMELINE:
		put_ids(o, "scenes", n->u.timeline.scenes, n->u.timeline.nscenes);
		put_ids(o, "transitions", n->u.timeline.transitions, n->u.timeline.ntransitions);
		break;
	case IR_AUDIO:
		fprintf(o, " role=%s src=", n->u.audio.role);
		put_str(o, n->u.audio.src);
		put_key_num(o, "start", n->u.audio.start);
		if (n->u.audio.trim_in > 0) {
			put_key_num(o, "trim_in", n->u.audio.trim_in);
		}
		put_curve(o, "gain", &n->u.audio.gain);
		put_key_num(o, "fade_in", n->u.audio.fade_in);
		put_key_num(o, "fade_out", n->u.audio.fade_out);
		if (n->u.audio.loop)
			fputs(" loop", o);
		if (n->u.audio.duck != 1) {
			put_key_num(o, "duck", n->u.audio.duck);
		}
		break;
	case IR_MIX:
		put_ids(o, "inputs", n->u.mix.inputs, n->u.mix.ninputs);
		put_key_num(o, "loudness", n->u.mix.loudness);
		put_key_num(o, "true_peak", n->u.mix.true_peak);
		break;
	case IR_CAPTIONS:
		fprintf(o, " style=%s words=%d", n->u.captions.style, n->u.captions.nwords);
		break;
	case IR_SHAPE:
		put_shape(o, n);
		break;
	case IR_KIND_COUNT:
		break;
	}
	if (n->line && !dump_for_key)
		fprintf(o, " @%d:%d", n->line, n->col);
	fputc('\n', o);
}

void ir_dump(const ir_program *p, FILE *o)
{
	fprintf(o, "vidc-ir %d\n", IR_VERSION);
	fprintf(o, "video preset=%s size=%dx%d fps=%d/%d frames=%lld duration=", p->preset, p->width,
		p->height, p->fps_num, p->fps_den, (long long)p->frames);
	put_num(o, ir_frame_time(p, p->frames));
	fputs("s background=", o);
	put_color(o, p->background);
	fprintf(o, " safe=%d,%d,%dx%d max_bytes=%lld\n", p->safe.x, p->safe.y, p->safe.w, p->safe.h,
		(long long)p->max_bytes);
	fprintf(o, "root timeline=n%d", p->timeline);
	put_ids(o, "overlays", p->overlays, p->noverlays);
	if (p->mix >= 0)
		fprintf(o, " mix=n%d", p->mix);
	if (p->captions >= 0)
		fprintf(o, " captions=n%d", p->captions);
	fputc('\n', o);
	for (int i = 0; i < p->nchapters; i++) {
		fputs("chapter ", o);
		put_num(o, p->chapters[i].t);
		fputs("s ", o);
		put_str(o, p->chapters[i].title);
		fputc('\n', o);
	}
	for (int i = 0; i < p->nmarkers; i++) {
		fputs("marker ", o);
		put_num(o, p->markers[i].t);
		fprintf(o, "s %s\n", p->markers[i].name);
	}
	for (int i = 0; i < p->nnodes; i++)
		dump_node(p, &p->nodes[i], o);
	if (p->captions >= 0) {
		const ir_node *c = &p->nodes[p->captions];
		for (int i = 0; i < c->u.captions.nwords; i++) {
			fputs("word ", o);
			put_num(o, c->u.captions.words[i].t0);
			fputc(' ', o);
			put_num(o, c->u.captions.words[i].t1);
			fputc(' ', o);
			put_str(o, c->u.captions.words[i].text);
			fputc('\n', o);
		}
	}
}

void ir_dump_key(const ir_program *p, FILE *o)
{
	dump_for_key = 1;
	ir_dump(p, o);
	dump_for_key = 0;
}
