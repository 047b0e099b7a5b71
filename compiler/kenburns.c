/*
 * kenburns.c - the checker's Ken Burns warning (see kenburns.h, issue 16): a pan the zoom
 * cannot reach. The runtime never clamps such a pan frame by frame (that held the picture,
 * lurched, held): ir_pan_fit maps the path into what the window can show. This file tells the
 * author at the spec line, per preset, with the zoom the path needs and where it moves instead.
 * It runs after the whole spec is read, when the presets are known; the picture's size comes
 * from its file header (base/media.h), so a photo wider than the canvas gets no false alarm.
 */
#include "kenburns.h"

#include <string.h>

#include "../base/arena.h"
#include "../base/media.h"
#include "../base/platform.h"

/* How far (a fraction of the picture) a path's end may move before the author is told: half a
 * percent is a few pixels of a photo, less than anyone places a pan by. */
#define KB_TOLERANCE 0.005

/* A model curve without units (zoom, pan) as an IR curve in the checker's arena (n == 0: the
 * constant dflt); n == 0 when out of memory. */
static ir_curve as_ir(checker_t *c, const mcurve *m, double dflt)
{
	int n = m->n ? m->n : 1;
	ir_key *keys = arena_alloc(c->a, sizeof(ir_key) * (size_t)n);
	if (!keys)
		return (ir_curve){0, NULL};
	if (m->n == 0) {
		keys[0] = (ir_key){0, dflt, {IR_EASE_LINEAR, {0, 0, 0, 0}}};
		return (ir_curve){1, keys};
	}
	for (int i = 0; i < m->n; i++)
		keys[i] = (ir_key){m->k[i].t, m->k[i].v, m->k[i].ease};
	return (ir_curve){m->n, keys};
}

/* Pixels of the first key of a box length (0 = the canvas when unset), as lower.c makes them. */
static double box_len(const mcurve *m, double canvas, double safe)
{
	if (m->n == 0)
		return canvas;
	double v = m->k[0].v;
	return m->k[0].unit == UNIT_PCT ? canvas * v / 100 : m->k[0].unit == UNIT_SA ? safe * v / 100 : v;
}

/* The window's share of the picture at zoom 1 on each axis (f[0] x, f[1] y) for a picture of
 * nw x nh in layer L's box on preset pr: the cover fit of runtime/layer.c. 0 when unknown. */
static int window_share(const mlayer *L, const platform_preset *pr, double nw, double nh, double f[2])
{
	double bw = box_len(&L->c[LP_W], pr->width, pr->safe.w);
	double bh = box_len(&L->c[LP_H], pr->height, pr->safe.h);
	if (!(bw > 0) && !(bh > 0))
		bw = nw, bh = nh;
	else if (!(bw > 0))
		bw = bh * nw / nh;
	else if (!(bh > 0))
		bh = bw * nh / nw;
	double s = fmax(bw / nw, bh / nh);
	f[0] = bw / s / nw;
	f[1] = bh / s / nh;
	return f[0] > 0 && f[1] > 0;
}

/* One axis: warns when the pan's path does not fit at the lowest zoom it is shown at. */
static void check_axis(checker_t *c, const mlayer *L, const platform_preset *pr, int axis, double f1,
		       const ir_curve *zoom)
{
	const mcurve *m = &L->c[axis ? LP_PAN_Y : LP_PAN_X];
	ir_curve pan = m->n > 0 ? as_ir(c, m, 0.5) : (ir_curve){0, NULL};
	if (pan.n < 1)
		return;
	/* what the runtime does (runtime/layer.c): a pan reachable all along is shown as it is */
	if (ir_pan_reachable(&pan, zoom, f1, checker_sec(c, L->f0), checker_sec(c, L->f1 - 1)))
		return;
	double p0, p1, z0, z1;
	ir_curve_range(&pan, &p0, &p1);
	ir_curve_range(zoom, &z0, &z1);
	double need = ir_pan_zoom_needed(p0, p1, f1);
	/* where the path's ends land: at its first and last keys, at the zoom of those moments */
	double ta = pan.keys[0].t, tb = pan.keys[pan.n - 1].t;
	double va = ir_curve_eval(&pan, ta), vb = ir_curve_eval(&pan, tb);
	double ma = ir_pan_fit(va, p0, p1, f1 / fmax(1, ir_curve_eval(zoom, ta)));
	double mb = ir_pan_fit(vb, p0, p1, f1 / fmax(1, ir_curve_eval(zoom, tb)));
	/* A path that starts at zoom 1 cannot start off-centre, but when it still ends where it was
	 * asked to (a zoom-in that drifts), nothing the author chose is lost: no warning. */
	if (fabs(ma - va) <= KB_TOLERANCE && fabs(mb - vb) <= KB_TOLERANCE)
		return;
	/* what the author wrote: the kenburns block's `pan X Y -> X Y`, or `animate pan_x` */
	int block = m->by && !strcmp(m->by, "kenburns");
	const char *name = block ? (axis ? "vertical pan" : "horizontal pan") : axis ? "pan_y" : "pan_x";
	if (isinf(need))
		diag_warn(c->d, DW_PAN_RANGE, m->sp,
			  "%s %.4g%%→%.4g%% puts the window's centre on the picture's edge, which no zoom reaches on preset %s; it moves %.4g%%→%.4g%% instead",
			  name, 100 * va, 100 * vb, pr->name, 100 * ma, 100 * mb);
	else
		diag_warn(c->d, DW_PAN_RANGE, m->sp,
			  "%s %.4g%%→%.4g%% needs zoom ≥ %.3g at this aspect on preset %s (the zoom goes down to %.3g); it moves %.4g%%→%.4g%% instead",
			  name, 100 * va, 100 * vb, need, pr->name, z0, 100 * ma, 100 * mb);
}

static void check_layer(checker_t *c, const mlayer *L)
{
	int64_t w, h;
	if (L->kind != IR_IMAGE || !L->path || (L->c[LP_PAN_X].n == 0 && L->c[LP_PAN_Y].n == 0))
		return;
	vidc_err e = {0, ""};
	/* an unreadable or unknown picture is reported elsewhere (vidc check's media stage) */
	if (media_image_size(L->path, &w, &h, &e) != 0 || w <= 0 || h <= 0)
		return;
	ir_curve zoom = as_ir(c, &L->c[LP_ZOOM], 1);
	if (zoom.n < 1)
		return;
	for (int i = 0; i < c->s->npresets; i++) {
		const platform_preset *pr = platform_preset_find(c->s->platforms, c->s->presets[i]);
		double f[2];
		if (!pr || !window_share(L, pr, (double)w, (double)h, f))
			continue;
		check_axis(c, L, pr, 0, f[0], &zoom);
		check_axis(c, L, pr, 1, f[1], &zoom);
	}
}

/* The layers of a list and of the groups in it (§18.1). */
static void check_layers(checker_t *c, const mlayer *ls, int n)
{
	for (int j = 0; j < n; j++) {
		check_layer(c, &ls[j]);
		check_layers(c, ls[j].kids, ls[j].nkids);
	}
}

void kb_check(checker_t *c)
{
	const spec_t *s = c->s;
	if (!s->platforms)
		return;
	for (int i = 0; i < s->nscenes; i++)
		check_layers(c, s->scenes[i].layers, s->scenes[i].nlayers);
	check_layers(c, s->overlays, s->noverlays);
}
