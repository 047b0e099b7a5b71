/*
 * shape.c - shape layers (see shape.h): the geometry a `shape` statement gives, its fill and
 * stroke, and its lowering to one ir_path in the source's natural box. Every kind becomes a
 * path here, so the runtime has one drawing routine (runtime/path.c) and no shape kinds.
 *
 * The natural box is the geometry's bounding box (control points for curves) grown by the
 * stroke's reach, so a shape placed at `position` is centred there as a picture or text is, and
 * a stroke is never cut at the box's edge. Only the geometry's extent counts: `line 0 0 100 0`
 * and `line 50 50 150 50` are the same layer.
 */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svgpath.h"
#include "value.h"

static const char *const shape_kinds[] = {"rect", "ellipse", "line", "polygon", "path"};

/* Lengths of the geometry, each checked against SHAPE_MAX_SIZE; a negative size is refused
 * where the kind has sizes (rect, ellipse, polygon). */
static int read_lengths(checker_t *c, const ast_stmt *st, int from, int n, mlayer *L, int sizes)
{
	L->sv = arena_alloc(c->a, sizeof(double) * (size_t)(n ? n : 1));
	L->su = arena_alloc(c->a, sizeof(unit_kind) * (size_t)(n ? n : 1));
	L->snv = n;
	for (int i = 0; i < n; i++) {
		const ast_value *v = st->args[from + i];
		if (!val_len(c, v, &L->sv[i], &L->su[i]))
			return 0;
		if (fabs(L->sv[i]) > SHAPE_MAX_SIZE || (sizes && L->sv[i] < 0)) {
			diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "a shape's lengths must be between %s0 and %g px",
				 sizes ? "" : "-", SHAPE_MAX_SIZE);
			return 0;
		}
	}
	return 1;
}

/* The spec span of byte off of string value v: exact when the string is written without
 * escapes on one line (its span is then the text and two quotes), else the string itself. */
static span_t string_at(const ast_value *v, int off)
{
	span_t sp = v->sp;
	if (v->s && sp.len == (int)strlen(v->s) + 2 && !memchr(v->s, '\n', strlen(v->s))) {
		sp.col += 1 + off;
		sp.off += 1 + off;
		sp.len = 1;
	}
	return sp;
}

static void arg_path(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (st->nargs != 2) {
		diag_err(c->d, DE_BAD_ARGUMENTS, st->sp, "write a path as: shape path \"M 0 0 L 100 0 L 50 80 Z\"");
		return;
	}
	shape_path_read(c, st->args[1], &L->spath);
}

int shape_path_read(checker_t *c, const ast_value *v, ir_path *out)
{
	const char *s;
	if (!val_str(c, v, &s))
		return 0;
	int off;
	char msg[200];
	if (!svgpath_parse(c->a, s, out, &off, msg, sizeof msg))
		return 1;
	diag_err(c->d, DE_MALFORMED, string_at(val_resolve(c, v), off), "bad path: %s", msg);
	return 0;
}

static void arg_polygon(checker_t *c, const ast_stmt *st, mlayer *L)
{
	int n = st->nargs - 1;
	if (n == 2) {
		int sides;
		if (!val_int(c, st->args[1], &sides))
			return;
		if (sides < 3 || sides > SHAPE_MAX_SIDES) {
			diag_err(c->d, DE_LIMIT, st->args[1]->sp, "a polygon has 3 to %d sides", SHAPE_MAX_SIDES);
			return;
		}
		if (read_lengths(c, st, 2, 1, L, 1))
			L->snv = -sides; /* regular: sides in the sign, the size in sv[0] */
		return;
	}
	if (n < 6 || n % 2) {
		diag_err(c->d, DE_BAD_ARGUMENTS, st->sp, "write a polygon as: shape polygon SIDES SIZE, or as its points: shape polygon X Y X Y X Y ...");
		return;
	}
	if (n / 2 > SHAPE_MAX_SIDES) {
		diag_err(c->d, DE_LIMIT, st->args[1 + 2 * SHAPE_MAX_SIDES]->sp, "a polygon has at most %d points", SHAPE_MAX_SIDES);
		return;
	}
	read_lengths(c, st, 1, n, L, 0);
}

void shape_arg(checker_t *c, const ast_stmt *st, mlayer *L)
{
	static const char *const usage[] = {"W H [radius R]", "W H", "X1 Y1 X2 Y2", "SIDES SIZE (or X Y X Y X Y ...)", "\"M 0 0 L 100 0 Z\""};
	static const int nvals[] = {2, 2, 4, -1, -1};
	int k;
	L->shape = SHAPE_RECT;
	L->srule = IR_FILL_NONZERO;
	if (st->nargs < 1) {
		diag_err(c->d, DE_BAD_ARGUMENTS, st->sp, "a shape names its kind: shape rect, ellipse, line, polygon or path");
		return;
	}
	if (!val_enum(c, st->args[0], "shape", shape_kinds, COUNT(shape_kinds), &k))
		return;
	L->shape = k;
	if (k == SHAPE_PATH) {
		arg_path(c, st, L);
		return;
	}
	if (k == SHAPE_POLYGON) {
		arg_polygon(c, st, L);
		return;
	}
	int n = st->nargs - 1;
	if (k == SHAPE_RECT && n == 4) {
		const ast_value *r = val_resolve(c, st->args[3]);
		if (r->kind != AV_IDENT || strcmp(r->s, "radius")) {
			val_expected(c, r, "'radius'");
			return;
		}
		if (!val_len(c, st->args[4], &L->sradius, &L->sradius_u))
			return;
		n = 2;
	}
	if (n != nvals[k]) {
		diag_err(c->d, DE_BAD_ARGUMENTS, st->sp, "write: shape %s %s", shape_kinds[k], usage[k]);
		return;
	}
	read_lengths(c, st, 1, n, L, k != SHAPE_LINE);
}

/* ---- properties ------------------------------------------------------------------------------ */

static void p_fill(checker_t *c, const ast_stmt *st, mlayer *L)
{
	static const char *const rules[] = {"nonzero", "evenodd"};
	if (!val_want_args(c, st, 1, 2, "a colour (or none) and optionally nonzero or evenodd"))
		return;
	const ast_value *v = val_resolve(c, st->args[0]);
	L->sfill_set = 1;
	if (v->kind == AV_IDENT && !strcmp(v->s, "none"))
		L->sfill.a = 0;
	else if (!val_color(c, v, &L->sfill))
		return;
	int r;
	if (st->nargs == 2 && val_enum(c, st->args[1], "fill rule", rules, 2, &r))
		L->srule = (ir_fill_rule)r;
}

static void p_stroke(checker_t *c, const ast_stmt *st, mlayer *L)
{
	L->sstroke_set = 1;
	if (st->nargs == 1) {
		const ast_value *v = val_resolve(c, st->args[0]);
		if (v->kind == AV_IDENT && !strcmp(v->s, "none")) {
			L->sstroke.a = 0;
			return;
		}
	}
	if (!val_want_args(c, st, 2, 2, "a colour and a width (stroke #fff 4px), or none") ||
	    !val_color(c, st->args[0], &L->sstroke) || !val_len(c, st->args[1], &L->swidth, &L->swidth_u))
		return;
	/* px checked here; a % or sa width is held to the same bound when lowered */
	int px = L->swidth_u == UNIT_PX || L->swidth_u == UNIT_NONE;
	if (L->swidth < 0 || (px && L->swidth > SHAPE_MAX_STROKE)) {
		diag_err(c->d, DE_OUT_OF_RANGE, st->args[1]->sp, "a stroke is 0 to %g px wide", SHAPE_MAX_STROKE);
		L->swidth = 0;
	}
}

static void p_cap(checker_t *c, const ast_stmt *st, mlayer *L)
{
	static const char *const caps[] = {"butt", "round", "square"};
	int k;
	if (val_want_args(c, st, 1, 1, "butt, round or square") && val_enum(c, st->args[0], "line cap", caps, 3, &k))
		L->scap = (ir_cap)k;
}

static void p_radius(checker_t *c, const ast_stmt *st, mlayer *L)
{
	if (L->shape != SHAPE_RECT) {
		diag_err(c->d, DE_NOT_APPLICABLE, st->sp, "radius rounds the corners of a rect, not of %s %s",
			 val_an(shape_kinds[L->shape]), shape_kinds[L->shape]);
		return;
	}
	if (val_want_args(c, st, 1, 1, "a length") && val_len(c, st->args[0], &L->sradius, &L->sradius_u) &&
	    L->sradius < 0) {
		diag_err(c->d, DE_OUT_OF_RANGE, st->args[0]->sp, "a corner radius is 0 or more");
		L->sradius = 0;
	}
}

static const struct {
	const char *name;
	void (*fn)(checker_t *c, const ast_stmt *st, mlayer *L);
} shape_props[] = {{"fill", p_fill}, {"stroke", p_stroke}, {"cap", p_cap}, {"radius", p_radius}};

int shape_prop(checker_t *c, const ast_stmt *st, mlayer *L)
{
	for (int i = 0; i < COUNT(shape_props); i++)
		if (!strcmp(st->head, shape_props[i].name)) {
			shape_props[i].fn(c, st, L);
			return 1;
		}
	return 0;
}

int shape_nprops(void)
{
	return COUNT(shape_props);
}

const char *shape_prop_name(int i)
{
	return i >= 0 && i < COUNT(shape_props) ? shape_props[i].name : NULL;
}

/* ---- lowering -------------------------------------------------------------------------------- */

typedef struct {
	arena_t *a;
	ir_path *path;
	int cap;
} pbuild;

static void put(pbuild *b, ir_path_op op, const double *p, int n)
{
	ir_path_cmd *c = ARENA_PUSH(b->a, b->path->cmds, b->path->n, b->cap);
	if (!c)
		return;
	memset(c, 0, sizeof *c);
	c->op = op;
	if (n)
		memcpy(c->p, p, sizeof(double) * (size_t)n);
}

/* A quarter ellipse as a cubic: handles 0.5523 of the radii (the usual circle constant
 * 4/3 (sqrt 2 - 1), radial error 0.027%). */
#define KAPPA 0.5522847498307936

/* The rect [0,w] x [0,h] with corners of radius r, clockwise from the top-left. */
static void rect_path(pbuild *b, double w, double h, double r)
{
	r = fmin(r, fmin(w, h) / 2);
	double k = r * (1 - KAPPA);
	put(b, IR_PATH_MOVE, (double[]){r, 0}, 2);
	put(b, IR_PATH_LINE, (double[]){w - r, 0}, 2);
	if (r > 0)
		put(b, IR_PATH_CUBIC, (double[]){w - k, 0, w, k, w, r}, 6);
	put(b, IR_PATH_LINE, (double[]){w, h - r}, 2);
	if (r > 0)
		put(b, IR_PATH_CUBIC, (double[]){w, h - k, w - k, h, w - r, h}, 6);
	put(b, IR_PATH_LINE, (double[]){r, h}, 2);
	if (r > 0)
		put(b, IR_PATH_CUBIC, (double[]){k, h, 0, h - k, 0, h - r}, 6);
	put(b, IR_PATH_LINE, (double[]){0, r}, 2);
	if (r > 0)
		put(b, IR_PATH_CUBIC, (double[]){0, k, k, 0, r, 0}, 6);
	put(b, IR_PATH_CLOSE, NULL, 0);
}

/* The ellipse inscribed in [0,w] x [0,h], clockwise from the top. */
static void ellipse_path(pbuild *b, double w, double h)
{
	double rx = w / 2, ry = h / 2, kx = rx * KAPPA, ky = ry * KAPPA;
	put(b, IR_PATH_MOVE, (double[]){rx, 0}, 2);
	put(b, IR_PATH_CUBIC, (double[]){rx + kx, 0, w, ry - ky, w, ry}, 6);
	put(b, IR_PATH_CUBIC, (double[]){w, ry + ky, rx + kx, h, rx, h}, 6);
	put(b, IR_PATH_CUBIC, (double[]){rx - kx, h, 0, ry + ky, 0, ry}, 6);
	put(b, IR_PATH_CUBIC, (double[]){0, ry - ky, rx - kx, 0, rx, 0}, 6);
	put(b, IR_PATH_CLOSE, NULL, 0);
}

/* A regular polygon in the size x size box, its first corner at the top. */
static void regular_path(pbuild *b, int sides, double size)
{
	double r = size / 2;
	for (int i = 0; i < sides; i++) {
		double a = -M_PI / 2 + 2 * M_PI * i / sides;
		put(b, i ? IR_PATH_LINE : IR_PATH_MOVE, (double[]){r + r * cos(a), r + r * sin(a)}, 2);
	}
	put(b, IR_PATH_CLOSE, NULL, 0);
}

/* Moves the path so that its control points' box starts at (m, m); returns that box's size. */
static void normalise(ir_path *p, double m, double *w, double *h)
{
	static const int npts[] = {1, 1, 3, 0};
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	for (int i = 0; i < p->n; i++)
		for (int k = 0; k < npts[p->cmds[i].op]; k++) {
			x0 = fmin(x0, p->cmds[i].p[2 * k]), x1 = fmax(x1, p->cmds[i].p[2 * k]);
			y0 = fmin(y0, p->cmds[i].p[2 * k + 1]), y1 = fmax(y1, p->cmds[i].p[2 * k + 1]);
		}
	if (x0 > x1)
		x0 = x1 = y0 = y1 = 0;
	for (int i = 0; i < p->n; i++)
		for (int k = 0; k < npts[p->cmds[i].op]; k++) {
			p->cmds[i].p[2 * k] += m - x0;
			p->cmds[i].p[2 * k + 1] += m - y0;
		}
	*w = x1 - x0 + 2 * m;
	*h = y1 - y0 + 2 * m;
}

void shape_lower(arena_t *a, const mlayer *L, shape_px_fn px, const void *ctx, ir_node *n)
{
	ir_path path = {NULL, 0};
	pbuild b = {a, &path, 0};
	double v[2 * SHAPE_MAX_SIDES];
	int nv = L->snv < 0 ? 1 : L->snv;
	for (int i = 0; i < nv && L->sv; i++)
		v[i] = px(ctx, L->sv[i], L->su[i], i & 1);
	int have = L->sv != NULL;
	switch (L->shape) {
	case SHAPE_RECT:
		if (have)
			rect_path(&b, v[0], v[1], px(ctx, L->sradius, L->sradius_u, 0));
		break;
	case SHAPE_ELLIPSE:
		if (have)
			ellipse_path(&b, v[0], v[1]);
		break;
	case SHAPE_LINE:
		if (have) {
			put(&b, IR_PATH_MOVE, v, 2);
			put(&b, IR_PATH_LINE, v + 2, 2);
		}
		break;
	case SHAPE_POLYGON:
		if (have && L->snv < 0)
			regular_path(&b, -L->snv, v[0]);
		for (int i = 0; have && L->snv > 0 && i < L->snv; i += 2)
			put(&b, i ? IR_PATH_LINE : IR_PATH_MOVE, v + i, 2);
		if (have && L->snv > 0)
			put(&b, IR_PATH_CLOSE, NULL, 0);
		break;
	case SHAPE_PATH:
		path = L->spath;
		if (path.n) { /* a copy: normalise moves the points, and the model is lowered per preset */
			path.cmds = arena_alloc(a, sizeof(ir_path_cmd) * (size_t)path.n);
			memcpy(path.cmds, L->spath.cmds, sizeof(ir_path_cmd) * (size_t)path.n);
		}
		break;
	}
	/* Neither fill nor stroke given: a line is drawn 4 px white, any other shape filled white. */
	int line = L->shape == SHAPE_LINE, any = L->sfill_set || L->sstroke_set;
	n->u.shape.kind = shape_kinds[L->shape];
	n->u.shape.fill = L->sfill_set ? L->sfill : (ir_color){255, 255, 255, line || any ? 0 : 255};
	n->u.shape.rule = L->srule;
	n->u.shape.stroke = L->sstroke_set ? L->sstroke : (ir_color){255, 255, 255, line && !any ? 255 : 0};
	n->u.shape.stroke_width = L->sstroke_set ? fmin(SHAPE_MAX_STROKE, px(ctx, L->swidth, L->swidth_u, 0)) : line && !any ? 4 : 0;
	n->u.shape.cap = L->scap;
	double reach = 0;
	if (n->u.shape.stroke.a && n->u.shape.stroke_width > 0)
		reach = n->u.shape.stroke_width / 2 * (L->scap == IR_CAP_SQUARE ? M_SQRT2 : 1);
	normalise(&path, reach, &n->u.shape.w, &n->u.shape.h);
	n->u.shape.path = path;
}
