/*
 * layer.c - layer placement (see layer.h). All arithmetic is in double and continuous
 * coordinates; the Ken Burns window in particular moves by fractions of a pixel per frame.
 */
#include "layer.h"

#include <math.h>
#include <string.h>

/* A curve the builder left empty (n == 0) means the parameter's neutral value. */
static double curve_or(const ir_curve *c, double t, double dflt)
{
	return c->n > 0 ? ir_curve_eval(c, t) : dflt;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The Ken Burns window's centre on one axis (0..1 of the picture) at time t, where the window is
 * f1 of the picture at zoom 1 and z now (ir.h, issue 16): the pan as it is when the zoom lets it
 * show all along the layer, else mapped by ir_pan_fit over the range the curve spans. A value a
 * Lua hook set (hooked & 1) has no known path: it is taken as one over 0..1, so the same value
 * always lands on the same place whatever the hook does on other frames; a zoom a hook set
 * (hooked & 2) is unknown ahead, so the mapping (continuous in the zoom) always applies. */
static double pan_at(const ir_program *p, const ir_node *l, const ir_curve *c, double t, double f1,
		     double z, int hooked)
{
	double v = curve_or(c, t, 0.5), p0 = 0, p1 = 1;
	if (c->n == 0)
		return ir_pan_fit(v, v, v, f1 / z);
	if (hooked & 1)
		return ir_pan_fit(clampd(v, 0, 1), p0, p1, f1 / z);
	if (!(hooked & 2) && l->u.layer.zoom.n > 0 &&
	    ir_pan_reachable(c, &l->u.layer.zoom, f1, ir_frame_time(p, l->f0), ir_frame_time(p, l->f1 - 1)))
		return v;
	ir_curve_range(c, &p0, &p1);
	return ir_pan_fit(v, p0, p1, f1 / z);
}

/* Natural-space window [*u0,*u1] x [*v0,*v1] and its canvas rectangle before scale/rotation.
 * *crop is set when the window cuts into the natural rectangle (so margins are not shown). */
static int place_box(const ir_program *p, const ir_node *l, double t, double nw, double nh,
		     double win[4], double rect[4], double *ax, double *ay)
{
	double bw = ir_curve_eval(&l->u.layer.w, t), bh = ir_curve_eval(&l->u.layer.h, t);
	if (!(nw > 0) || !(nh > 0))
		return 0;
	if (!(bw > 0) && !(bh > 0)) {
		bw = nw;
		bh = nh;
	} else if (!(bw > 0)) {
		bw = bh * nw / nh;
	} else if (!(bh > 0)) {
		bh = bw * nh / nw;
	}
	double x = ir_curve_eval(&l->u.layer.x, t), y = ir_curve_eval(&l->u.layer.y, t);
	double bx = x - l->u.layer.anchor_x * bw, by = y - l->u.layer.anchor_y * bh;
	*ax = x;
	*ay = y;
	win[0] = 0;
	win[1] = 0;
	win[2] = nw;
	win[3] = nh;
	rect[0] = bx;
	rect[1] = by;
	rect[2] = bx + bw;
	rect[3] = by + bh;
	if (l->u.layer.kenburns) {
		/* The cover-fitted window, shrunk by zoom and centred on the pan point. */
		double s = fmax(bw / nw, bh / nh);
		double z = curve_or(&l->u.layer.zoom, t, 1);
		if (!(z >= 1))
			z = 1;
		double ww = bw / s / z, wh = bh / s / z;
		int hk = l->u.layer.pan_hooked;
		double cx = pan_at(p, l, &l->u.layer.pan_x, t, bw / s / nw, z, (hk & 1) | (hk & 4) >> 1) * nw;
		double cy = pan_at(p, l, &l->u.layer.pan_y, t, bh / s / nh, z, (hk & 2) >> 1 | (hk & 4) >> 1) * nh;
		/* the clamp only catches a bezier's overshoot between ir_curve_range's samples */
		win[0] = clampd(cx - ww / 2, 0, nw - ww);
		win[1] = clampd(cy - wh / 2, 0, nh - wh);
		win[2] = win[0] + ww;
		win[3] = win[1] + wh;
		return 1;
	}
	switch (l->u.layer.fit) {
	case IR_FIT_FILL:
		break;
	case IR_FIT_CONTAIN: {
		double s = fmin(bw / nw, bh / nh);
		double dw = nw * s, dh = nh * s;
		rect[0] = bx + (bw - dw) / 2;
		rect[1] = by + (bh - dh) / 2;
		rect[2] = rect[0] + dw;
		rect[3] = rect[1] + dh;
		break;
	}
	case IR_FIT_COVER: {
		double s = fmax(bw / nw, bh / nh);
		double ww = bw / s, wh = bh / s;
		win[0] = (nw - ww) / 2;
		win[1] = (nh - wh) / 2;
		win[2] = win[0] + ww;
		win[3] = win[1] + wh;
		break;
	}
	case IR_FIT_NONE: {
		/* natural size, centred, cut to the box */
		double dx = bx + (bw - nw) / 2, dy = by + (bh - nh) / 2;
		rect[0] = fmax(dx, bx);
		rect[1] = fmax(dy, by);
		rect[2] = fmin(dx + nw, bx + bw);
		rect[3] = fmin(dy + nh, by + bh);
		win[0] = rect[0] - dx;
		win[1] = rect[1] - dy;
		win[2] = rect[2] - dx;
		win[3] = rect[3] - dy;
		break;
	}
	}
	return rect[2] > rect[0] && rect[3] > rect[1] && win[2] > win[0] && win[3] > win[1];
}

/* Margins (text shadow, stroke) show on an axis the window [w0, w1] does not crop (nat: the
 * natural size on that axis): the rectangle [*r0, *r1] grows by them (s: pixels per natural
 * unit) and the surface span [*t0, *t1] becomes the whole surface (size, at origin o, scale k). */
static void margins(double w0, double w1, double nat, double o, double k, int size, double s, double *r0,
		    double *r1, double *t0, double *t1)
{
	const double eps = 1e-9;
	if (w0 <= eps && w1 >= nat - eps) {
		double m0 = o / k, m1 = (size - *t1) / k;
		*r0 -= m0 * s;
		*r1 += m1 * s;
		*t0 = 0;
		*t1 = size;
	}
}

int layer_place(const ir_program *p, const ir_node *l, int64_t f, const src_view *v,
		draw_params *d)
{
	double t = ir_frame_time(p, f);
	double win[4], rect[4], ax, ay;
	if (!place_box(p, l, t, v->nat_w, v->nat_h, win, rect, &ax, &ay))
		return 0;
	double op = curve_or(&l->u.layer.opacity, t, 1);
	if (!(op > 0))
		return 0;
	d->opacity = op > 1 ? 1 : op;
	/* natural -> surface pixels */
	double sx = (rect[2] - rect[0]) / (win[2] - win[0]), sy = (rect[3] - rect[1]) / (win[3] - win[1]);
	double u0 = v->ox + v->kx * win[0], u1 = v->ox + v->kx * win[2];
	double v0 = v->oy + v->ky * win[1], v1 = v->oy + v->ky * win[3];
	margins(win[0], win[2], v->nat_w, v->ox, v->kx, v->surf->w, sx, &rect[0], &rect[2], &u0, &u1);
	margins(win[1], win[3], v->nat_h, v->oy, v->ky, v->surf->h, sy, &rect[1], &rect[3], &v0, &v1);
	double sc = curve_or(&l->u.layer.scale, t, 1);
	if (!(sc > 0))
		return 0;
	d->u0 = u0;
	d->u1 = u1;
	d->v0 = v0;
	d->v1 = v1;
	d->x0 = ax + (rect[0] - ax) * sc;
	d->x1 = ax + (rect[2] - ax) * sc;
	d->y0 = ay + (rect[1] - ay) * sc;
	d->y1 = ay + (rect[3] - ay) * sc;
	d->rot = curve_or(&l->u.layer.rotation, t, 0);
	d->cx = ax;
	d->cy = ay;
	d->blend = l->u.layer.blend;
	return 1;
}

double layer_scale_at(const ir_program *p, const ir_node *l, int64_t f, double nat_w,
		      double nat_h)
{
	double t = ir_frame_time(p, f);
	double win[4], rect[4], ax, ay;
	if (!place_box(p, l, t, nat_w, nat_h, win, rect, &ax, &ay))
		return 0;
	double sc = curve_or(&l->u.layer.scale, t, 1);
	if (!(sc > 0))
		return 0;
	return sc * fmax((rect[2] - rect[0]) / (win[2] - win[0]), (rect[3] - rect[1]) / (win[3] - win[1]));
}

/* Every layer of the program that shows source id, with the frame range it can draw in. */
typedef void (*layer_fn)(const ir_program *p, const ir_node *l, int64_t f0, int64_t f1, void *ctx);

/* Those of layers ids[0..n), shown within frames [f0, f1), and of the groups among them. */
static void each_in(const ir_program *p, const int *ids, int n, int64_t f0, int64_t f1, int id,
		    layer_fn fn, void *ctx)
{
	for (int j = 0; j < n; j++) {
		const ir_node *l = &p->nodes[ids[j]];
		const ir_node *s = &p->nodes[l->u.layer.source];
		int64_t a = l->f0 > f0 ? l->f0 : f0, b = l->f1 < f1 ? l->f1 : f1;
		if (s->id == id)
			fn(p, l, a, b, ctx);
		if (s->kind == IR_GROUP)
			each_in(p, s->u.group.layers, s->u.group.nlayers, a, b, id, fn, ctx);
	}
}

/* Each layer that shows source id, with the frames it can show it in: from the compiler's index
 * (ir_index_uses) when the program has one, else by walking every scene. */
static void each_layer_of(const ir_program *p, int id, layer_fn fn, void *ctx)
{
	if (p->use_at) {
		for (int i = p->use_at[id]; i < p->use_at[id + 1]; i++)
			fn(p, &p->nodes[p->uses[i].layer], p->uses[i].f0, p->uses[i].f1, ctx);
		return;
	}
	if (p->timeline >= 0) {
		const ir_node *t = &p->nodes[p->timeline];
		for (int i = 0; i < t->u.timeline.nscenes; i++) {
			const ir_node *s = &p->nodes[t->u.timeline.scenes[i]];
			each_in(p, s->u.scene.layers, s->u.scene.nlayers, s->f0, s->f1, id, fn, ctx);
		}
	}
	each_in(p, p->overlays, p->noverlays, INT64_MIN, INT64_MAX, id, fn, ctx);
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

double layer_need_scale(const ir_program *p, int id, double nat_w, double nat_h)
{
	need_ctx c = {nat_w, nat_h, 0, 0};
	each_layer_of(p, id, need_fn, &c);
	return c.any && c.need > 0 ? c.need : 1;
}

typedef struct {
	double nw, nh, win[4];
	int any, all;
} win_ctx;

static void win_fn(const ir_program *p, const ir_node *l, int64_t f0, int64_t f1, void *vctx)
{
	win_ctx *c = vctx;
	/* an effect's params() may move a Ken Burns window anywhere (hook.c): all of it */
	if (l->u.layer.neffects > 0 || l->u.layer.pan_hooked)
		c->all = 1;
	if (f0 < 0)
		f0 = 0;
	if (f1 > p->frames)
		f1 = p->frames;
	int64_t step = (f1 - f0) / 20000 + 1; /* as need_fn: curves are smooth */
	for (int64_t f = f0; f < f1 && !c->all; f += step) {
		double win[4], rect[4], ax, ay;
		if (!place_box(p, l, ir_frame_time(p, f), c->nw, c->nh, win, rect, &ax, &ay))
			continue;
		if (!c->any) {
			memcpy(c->win, win, sizeof win);
			c->any = 1;
			continue;
		}
		c->win[0] = fmin(c->win[0], win[0]);
		c->win[1] = fmin(c->win[1], win[1]);
		c->win[2] = fmax(c->win[2], win[2]);
		c->win[3] = fmax(c->win[3], win[3]);
	}
}

void layer_need_window(const ir_program *p, int id, double nat_w, double nat_h, double win[4])
{
	win_ctx c = {nat_w, nat_h, {0, 0, 0, 0}, 0, 0};
	each_layer_of(p, id, win_fn, &c);
	if (!c.any || c.all) {
		win[0] = win[1] = 0;
		win[2] = nat_w;
		win[3] = nat_h;
		return;
	}
	memcpy(win, c.win, sizeof c.win);
}
