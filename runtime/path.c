/*
 * path.c - flattening, trimming, filling and stroking of vector paths (see path.h).
 *
 * Written here rather than taken from cairo (libcairo2-dev would do the rasterising well):
 * the pixels of a golden frame must not move with the library version a distribution ships
 * (cairo's rasteriser and its tolerances have changed between releases), the limits on a
 * stranger's path (segments, pixels) must hold before any work is done, and the whole job is
 * ~400 lines: the exact-area accumulation rasteriser of font-rs (Raph Levien, 2016, after
 * libart and stb_truetype) plus a stroker that offsets each segment into a quad with round
 * wedges at the joins.
 *
 * The rasteriser: each edge adds, to the cells of each scanline it crosses, the signed area it
 * sweeps to its right; a prefix sum along the row gives each pixel's winding number averaged
 * over its area, exact when edges do not overlap inside a pixel. Nonzero takes min(1, |w|),
 * even-odd folds w onto 0..1..0.
 */
#include "path.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- flattening ------------------------------------------------------------------------------ */

static int poly_add(path_flat *f, path_poly *p, double x, double y, vidc_err *e)
{
	if (p->n && p->xy[2 * p->n - 2] == x && p->xy[2 * p->n - 1] == y)
		return 0; /* a repeated point adds no side and would give a zero-length direction */
	if (++f->points > PATH_MAX_SEGMENTS)
		return err_set(e, VE_LIMIT, "the path flattens to more than %d segments", PATH_MAX_SEGMENTS);
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		double *xy = realloc(p->xy, sizeof(double) * 2 * (size_t)cap);
		if (!xy)
			return err_set(e, VE_NOMEM, "out of memory flattening a path");
		p->xy = xy, p->cap = cap;
	}
	p->xy[2 * p->n] = x;
	p->xy[2 * p->n + 1] = y;
	p->n++;
	return 0;
}

static path_poly *poly_new(path_flat *f, vidc_err *e)
{
	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 4;
		path_poly *ps = realloc(f->polys, sizeof *ps * (size_t)cap);
		if (!ps) {
			err_set(e, VE_NOMEM, "out of memory flattening a path");
			return NULL;
		}
		f->polys = ps, f->cap = cap;
	}
	path_poly *p = &f->polys[f->n++];
	memset(p, 0, sizeof *p);
	return p;
}

void path_flat_free(path_flat *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->polys[i].xy);
	free(f->polys);
	memset(f, 0, sizeof *f);
}

static void xf(const path_xform *t, double x, double y, double *ox, double *oy)
{
	*ox = t->m[0] * x + t->m[2] * y + t->m[4];
	*oy = t->m[1] * x + t->m[3] * y + t->m[5];
}

/* A cubic (transformed: an affine map of a Bézier is the Bézier of the mapped points) as n
 * chords, n from the bound on its second derivative: uniform steps of 1/n stay within
 * max|B''| / (8 n²) of the curve, and |B''| <= 6 max|p0 - 2p1 + p2|, |p1 - 2p2 + p3|. */
static int cubic(path_flat *f, path_poly *p, const double *c, double tol, vidc_err *e)
{
	double ddx0 = c[0] - 2 * c[2] + c[4], ddy0 = c[1] - 2 * c[3] + c[5];
	double ddx1 = c[2] - 2 * c[4] + c[6], ddy1 = c[3] - 2 * c[5] + c[7];
	double dd = fmax(hypot(ddx0, ddy0), hypot(ddx1, ddy1));
	double nf = ceil(sqrt(0.75 * dd / tol));
	int n = !(nf >= 1) ? 1 : nf > PATH_MAX_CURVE_SEGS ? PATH_MAX_CURVE_SEGS : (int)nf;
	for (int i = 1; i <= n; i++) {
		double t = (double)i / n, u = 1 - t;
		double a = u * u * u, b = 3 * u * u * t, cc = 3 * u * t * t, d = t * t * t;
		double x = i == n ? c[6] : a * c[0] + b * c[2] + cc * c[4] + d * c[6];
		double y = i == n ? c[7] : a * c[1] + b * c[3] + cc * c[5] + d * c[7];
		if (poly_add(f, p, x, y, e))
			return -1;
	}
	return 0;
}

int path_flatten(const ir_path *ip, const path_xform *t, double tol, path_flat *out, vidc_err *e)
{
	memset(out, 0, sizeof *out);
	path_poly *p = NULL;
	double sx = 0, sy = 0, cx = 0, cy = 0; /* subpath start and current point, transformed */
	int rc = 0;
	if (!(tol > 0))
		tol = 0.1;
	for (int i = 0; i < ip->n && !rc; i++) {
		const ir_path_cmd *c = &ip->cmds[i];
		if ((unsigned)c->op > IR_PATH_CLOSE) {
			rc = err_set(e, VE_INVAL, "path command %d has unknown kind %d", i, (int)c->op);
			break;
		}
		if (c->op == IR_PATH_MOVE || !p) {
			/* a move, or a drawing command after a close: a new subpath where the pen is */
			if (c->op == IR_PATH_MOVE)
				xf(t, c->p[0], c->p[1], &sx, &sy);
			else
				sx = cx, sy = cy;
			if (!(p = poly_new(out, e)) || poly_add(out, p, sx, sy, e)) {
				rc = -1;
				break;
			}
			cx = sx, cy = sy;
			if (c->op == IR_PATH_MOVE)
				continue;
		}
		switch (c->op) {
		case IR_PATH_LINE:
			xf(t, c->p[0], c->p[1], &cx, &cy);
			rc = poly_add(out, p, cx, cy, e);
			break;
		case IR_PATH_CUBIC: {
			double q[8] = {cx, cy};
			for (int k = 0; k < 3; k++)
				xf(t, c->p[2 * k], c->p[2 * k + 1], &q[2 + 2 * k], &q[3 + 2 * k]);
			rc = cubic(out, p, q, tol, e);
			cx = q[6], cy = q[7];
			break;
		}
		case IR_PATH_CLOSE:
			/* the closing side is implicit: drop a last point that repeats the first */
			if (p->n > 1 && p->xy[2 * p->n - 2] == p->xy[0] && p->xy[2 * p->n - 1] == p->xy[1])
				p->n--;
			p->closed = 1;
			p = NULL;
			cx = sx, cy = sy;
			break;
		case IR_PATH_MOVE:
			break;
		}
	}
	if (rc) {
		path_flat_free(out);
		return e ? e->code : VE_NOMEM;
	}
	return 0;
}

/* ---- length and trim ------------------------------------------------------------------------- */

/* Length of side i of p (from point i to i + 1, the last of a closed one back to 0). */
static double side(const path_poly *p, int i, double *x0, double *y0, double *x1, double *y1)
{
	int j = (i + 1) % p->n;
	*x0 = p->xy[2 * i], *y0 = p->xy[2 * i + 1];
	*x1 = p->xy[2 * j], *y1 = p->xy[2 * j + 1];
	return hypot(*x1 - *x0, *y1 - *y0);
}

static int nsides(const path_poly *p)
{
	return p->n < 2 ? 0 : p->closed ? p->n : p->n - 1;
}

double path_flat_length(const path_flat *f)
{
	double len = 0, a, b, c, d;
	for (int i = 0; i < f->n; i++)
		for (int k = 0; k < nsides(&f->polys[i]); k++)
			len += side(&f->polys[i], k, &a, &b, &c, &d);
	return len;
}

int path_flat_trim(const path_flat *f, double t0, double t1, path_flat *out, vidc_err *e)
{
	memset(out, 0, sizeof *out);
	double total = path_flat_length(f);
	double a = fmax(0, fmin(1, t0)) * total, b = fmax(0, fmin(1, t1)) * total;
	double s = 0; /* arc length at the start of the side being walked */
	for (int i = 0; i < f->n && b > a; i++) {
		const path_poly *p = &f->polys[i];
		int ns = nsides(p);
		double plen = 0, x0, y0, x1, y1;
		for (int k = 0; k < ns; k++)
			plen += side(p, k, &x0, &y0, &x1, &y1);
		if (s + plen <= a || s >= b || ns == 0) {
			s += plen;
			continue;
		}
		path_poly *q = poly_new(out, e);
		if (!q)
			goto fail;
		int whole = s >= a && s + plen <= b;
		for (int k = 0; k < ns; k++) {
			double l = side(p, k, &x0, &y0, &x1, &y1);
			double u0 = fmax(0, (a - s) / l), u1 = fmin(1, (b - s) / l);
			if (l > 0 && u0 < 1 && u1 > 0 && u1 >= u0) {
				if ((q->n == 0 && poly_add(out, q, x0 + (x1 - x0) * u0, y0 + (y1 - y0) * u0, e)) ||
				    poly_add(out, q, x0 + (x1 - x0) * u1, y0 + (y1 - y0) * u1, e))
					goto fail;
			}
			s += l;
		}
		if (whole && p->closed) { /* kept whole: closed as it was, without its repeated start */
			q->closed = 1;
			if (q->n > 1 && q->xy[2 * q->n - 2] == q->xy[0] && q->xy[2 * q->n - 1] == q->xy[1])
				q->n--;
		}
	}
	return 0;
fail:
	path_flat_free(out);
	return e ? e->code : VE_NOMEM;
}

/* ---- the rasteriser -------------------------------------------------------------------------- */

typedef struct {
	float *acc; /* (w + 2) x h cells: a row's last two take what lies at or right of x = w */
	int w, h;
	long long work; /* cells written so far, held under PATH_MAX_WORK */
} raster;

static int raster_new(raster *r, const path_mask *m, vidc_err *e)
{
	r->w = m->w, r->h = m->h;
	r->work = 0;
	r->acc = calloc((size_t)(m->w + 2) * (size_t)(m->h ? m->h : 1), sizeof(float));
	return r->acc ? 0 : err_set(e, VE_NOMEM, "out of memory rasterising a %dx%d path", m->w, m->h);
}

/* font-rs's draw_line: the edge (x0, y0)-(x1, y1), with 0 <= x <= w, into the cells. */
static void cells(raster *r, double x0, double y0, double x1, double y1)
{
	double dir = 1;
	if (y0 > y1) {
		double t = x0;
		x0 = x1, x1 = t, t = y0, y0 = y1, y1 = t, dir = -1;
	}
	double dxdy = (x1 - x0) / (y1 - y0), x = x0;
	int ys = y0 < 0 ? 0 : (int)y0, ye = (int)ceil(y1);
	if (y0 < 0)
		x -= y0 * dxdy;
	if (ye > r->h)
		ye = r->h;
	for (int y = ys; y < ye; y++) {
		float *row = r->acc + (size_t)y * (size_t)(r->w + 2);
		double dy = fmin(y + 1, y1) - fmax(y, y0), xn = x + dxdy * dy, d = dy * dir;
		double lo = fmin(x, xn), hi = fmax(x, xn);
		double lof = floor(lo), hic = ceil(hi);
		int i0 = (int)lof, i1 = (int)hic;
		r->work += 2 + i1 - i0;
		if (i1 <= i0 + 1) {
			double xm = 0.5 * (x + xn) - lof;
			row[i0] += (float)(d - d * xm);
			row[i0 + 1] += (float)(d * xm);
		} else {
			double s = 1 / (hi - lo), f0 = lo - lof, a0 = 0.5 * s * (1 - f0) * (1 - f0);
			double f1 = hi - hic + 1, am = 0.5 * s * f1 * f1;
			row[i0] += (float)(d * a0);
			if (i1 == i0 + 2) {
				row[i0 + 1] += (float)(d * (1 - a0 - am));
			} else {
				double a1 = s * (1.5 - f0);
				row[i0 + 1] += (float)(d * (a1 - a0));
				for (int i = i0 + 2; i < i1 - 1; i++)
					row[i] += (float)(d * s);
				double a2 = a1 + (i1 - i0 - 3) * s;
				row[i1 - 1] += (float)(d * (1 - a2 - am));
			}
			row[i1] += (float)(d * am);
		}
		x = xn;
	}
}

/* An edge anywhere: split where it crosses x = 0 and x = w, and the parts outside pressed onto
 * those lines (left of every pixel they still count for the winding; right of them, not at all). */
static void edge(raster *r, double x0, double y0, double x1, double y1)
{
	if (y0 == y1 || !isfinite(x0 + y0 + x1 + y1) || fmax(y0, y1) <= 0 || fmin(y0, y1) >= r->h ||
	    r->work > PATH_MAX_WORK)
		return;
	double W = r->w;
	for (int k = 0; k < 2; k++) {
		double c = k ? W : 0;
		if ((x0 < c) != (x1 < c) && x0 != c && x1 != c) {
			double yc = y0 + (c - x0) * (y1 - y0) / (x1 - x0);
			edge(r, x0, y0, c, yc);
			edge(r, c, yc, x1, y1);
			return;
		}
	}
	cells(r, fmin(W, fmax(0, x0)), y0, fmin(W, fmax(0, x1)), y1);
}

/* The prefix sums of the cells as 8-bit coverage into m. */
static void resolve(const raster *r, ir_fill_rule rule, path_mask *m)
{
	for (int y = 0; y < r->h; y++) {
		const float *row = r->acc + (size_t)y * (size_t)(r->w + 2);
		uint8_t *o = m->a + (size_t)y * (size_t)m->w;
		double w = 0;
		for (int x = 0; x < r->w; x++) {
			w += row[x];
			double c = fabs(w);
			if (rule == IR_FILL_EVENODD) {
				c = fmod(c, 2);
				c = c > 1 ? 2 - c : c;
			} else if (c > 1) {
				c = 1;
			}
			o[x] = (uint8_t)(c * 255 + 0.5);
		}
	}
}

/* The coverage into m, or VE_LIMIT when the edges went past the work budget (m left empty). */
static int finish(raster *r, ir_fill_rule rule, path_mask *m, vidc_err *e)
{
	int rc = 0;
	if (r->work > PATH_MAX_WORK)
		rc = err_set(e, VE_LIMIT, "the path is too complex to draw at %dx%d (more than %d million cell updates; fewer or smaller curves, or a thinner stroke)",
			     r->w, r->h, PATH_MAX_WORK / 1000000);
	else
		resolve(r, rule, m);
	free(r->acc);
	return rc;
}

int path_mask_new(path_mask *m, int w, int h, vidc_err *e)
{
	memset(m, 0, sizeof *m);
	if (w <= 0 || h <= 0 || (long long)w * h > PATH_MAX_PIXELS)
		return err_set(e, VE_LIMIT, "a path mask of %dx%d pixels is past the limit of %d pixels", w, h, PATH_MAX_PIXELS);
	if (!(m->a = calloc((size_t)w * (size_t)h, 1)))
		return err_set(e, VE_NOMEM, "out of memory for a %dx%d path mask", w, h);
	m->w = w, m->h = h;
	return 0;
}

void path_mask_free(path_mask *m)
{
	free(m->a);
	memset(m, 0, sizeof *m);
}

int path_fill(const path_flat *f, ir_fill_rule rule, path_mask *m, vidc_err *e)
{
	raster r;
	if (raster_new(&r, m, e))
		return e ? e->code : VE_NOMEM;
	for (int i = 0; i < f->n; i++) {
		const path_poly *p = &f->polys[i];
		for (int k = 0; k < p->n && p->n > 1; k++) {
			int j = (k + 1) % p->n; /* open polylines close implicitly */
			edge(&r, p->xy[2 * k], p->xy[2 * k + 1], p->xy[2 * j], p->xy[2 * j + 1]);
		}
	}
	return finish(&r, rule, m, e);
}

/* ---- the stroker ----------------------------------------------------------------------------- */

/* The outline of a stroke is the union of convex pieces (a quad per side, a wedge per join, a
 * cap per open end). Drawn all with the same orientation under nonzero, overlaps count once. */
static void convex(raster *r, const double *xy, int n)
{
	double area = 0;
	for (int i = 0; i < n; i++) {
		int j = (i + 1) % n;
		area += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
	}
	for (int i = 0; i < n; i++) {
		int a = area >= 0 ? i : n - 1 - i, b = area >= 0 ? (i + 1) % n : (2 * n - 2 - i) % n;
		edge(r, xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1]);
	}
}

/* Radius hw swept from angle a0 by da about (cx, cy), as a fan from the centre: chords within
 * 0.1 px of the arc. */
#define ARC_MAX_STEPS 64
static void arc_fan(raster *r, double cx, double cy, double hw, double a0, double da)
{
	double step = hw > 0.1 ? 2 * acos(1 - 0.1 / hw) : M_PI;
	int n = (int)ceil(fabs(da) / step);
	n = n < 1 ? 1 : n > ARC_MAX_STEPS ? ARC_MAX_STEPS : n;
	double xy[2 * (ARC_MAX_STEPS + 2)] = {cx, cy};
	for (int i = 0; i <= n; i++) {
		xy[2 + 2 * i] = cx + hw * cos(a0 + da * i / n);
		xy[3 + 2 * i] = cy + hw * sin(a0 + da * i / n);
	}
	convex(r, xy, n + 2);
}

static void unit_dir(const double *p, const double *q, double *dx, double *dy)
{
	double l = hypot(q[0] - p[0], q[1] - p[1]);
	*dx = (q[0] - p[0]) / l, *dy = (q[1] - p[1]) / l;
}

/* The round join at p between directions (ax, ay) and (bx, by): the wedge on the outer side,
 * from one side's offset to the other's, bulging forward. */
static void join(raster *r, const double *p, double ax, double ay, double bx, double by, double hw)
{
	double turn = atan2(ax * by - ay * bx, ax * bx + ay * by);
	if (fabs(turn) < 1e-9)
		return;
	double s = turn >= 0 ? -1 : 1; /* the outer side's normal is s (-ay, ax) */
	arc_fan(r, p[0], p[1], hw, atan2(s * ax, -s * ay), turn);
}

static void cap(raster *r, const double *p, double dx, double dy, double hw, ir_cap c)
{
	/* (dx, dy) points out of the line at its end */
	if (c == IR_CAP_ROUND) {
		arc_fan(r, p[0], p[1], hw, atan2(-dx, dy), -M_PI);
	} else if (c == IR_CAP_SQUARE) {
		double nx = -dy * hw, ny = dx * hw, ex = dx * hw, ey = dy * hw;
		double q[8] = {p[0] + nx, p[1] + ny, p[0] + nx + ex, p[1] + ny + ey,
			       p[0] - nx + ex, p[1] - ny + ey, p[0] - nx, p[1] - ny};
		convex(r, q, 4);
	}
}

static void stroke_poly(raster *r, const path_poly *p, double hw, ir_cap c)
{
	int ns = nsides(p);
	for (int k = 0; k < ns; k++) {
		const double *a = p->xy + 2 * k, *b = p->xy + 2 * ((k + 1) % p->n);
		double dx, dy;
		unit_dir(a, b, &dx, &dy);
		double nx = -dy * hw, ny = dx * hw;
		double q[8] = {a[0] + nx, a[1] + ny, b[0] + nx, b[1] + ny, b[0] - nx, b[1] - ny, a[0] - nx, a[1] - ny};
		convex(r, q, 4);
		if (k + 1 < ns || p->closed) { /* the join at b with the next side */
			const double *cpt = p->xy + 2 * ((k + 2) % p->n);
			double ex, ey;
			unit_dir(b, cpt, &ex, &ey);
			join(r, b, dx, dy, ex, ey, hw);
		}
	}
	if (!p->closed && ns > 0) {
		double dx, dy;
		unit_dir(p->xy + 2, p->xy, &dx, &dy);
		cap(r, p->xy, dx, dy, hw, c);
		unit_dir(p->xy + 2 * (p->n - 2), p->xy + 2 * (p->n - 1), &dx, &dy);
		cap(r, p->xy + 2 * (p->n - 1), dx, dy, hw, c);
	}
}

int path_stroke(const path_flat *f, double width, ir_cap c, path_mask *m, vidc_err *e)
{
	raster r;
	if (raster_new(&r, m, e))
		return e ? e->code : VE_NOMEM;
	if (width > 0)
		for (int i = 0; i < f->n; i++)
			stroke_poly(&r, &f->polys[i], width / 2, c);
	return finish(&r, IR_FILL_NONZERO, m, e);
}
