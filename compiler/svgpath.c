/*
 * svgpath.c - SVG path data to an ir_path (see svgpath.h). The grammar is SVG 1.1's path data
 * (§8.3.9): a command letter, then as many argument groups as follow it (a group repeats the
 * command, except after M where the repeats are lines). Arcs are converted with the endpoint to
 * centre conversion of SVG 1.1 implementation notes F.6.5 and drawn as cubics of at most 90°
 * (k = 4/3 tan(θ/4), error below 0.03% of the radius).
 */
#include "svgpath.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	arena_t *a;
	const char *s, *p;
	ir_path *out;
	int cap;
	double x, y;   /* current point */
	double sx, sy; /* start of the subpath (where Z returns) */
	double cx, cy; /* last control point, for S and T */
	char last;     /* last command (upper case), for S and T */
	int have_start;
	int err_off;
	char *msg;
	size_t msglen;
} svgp;

static int fail(svgp *P, const char *at, const char *fmt, const char *what)
{
	P->err_off = (int)(at - P->s);
	snprintf(P->msg, P->msglen, fmt, what);
	return -1;
}

static void skip_sep(svgp *P)
{
	while (*P->p && (isspace((unsigned char)*P->p) || *P->p == ','))
		P->p++;
}

/* A number as SVG writes them: sign, digits, fraction, exponent; "1.5.5" is 1.5 then .5. */
static int number(svgp *P, double *v)
{
	skip_sep(P);
	const char *q = P->p;
	if (*q == '+' || *q == '-')
		q++;
	int digits = 0;
	while (isdigit((unsigned char)*q))
		q++, digits++;
	if (*q == '.')
		for (q++; isdigit((unsigned char)*q); q++)
			digits++;
	if (!digits)
		return fail(P, P->p, "expected a number here, found %s", *P->p ? "something else" : "the end of the path");
	if (*q == 'e' || *q == 'E') {
		const char *e = q + 1;
		if (*e == '+' || *e == '-')
			e++;
		if (isdigit((unsigned char)*e)) {
			while (isdigit((unsigned char)*e))
				e++;
			q = e;
		}
	}
	char buf[64];
	size_t n = (size_t)(q - P->p);
	if (n >= sizeof buf)
		return fail(P, P->p, "%s", "a number this long is not a coordinate");
	memcpy(buf, P->p, n);
	buf[n] = 0;
	*v = strtod(buf, NULL);
	if (!isfinite(*v) || fabs(*v) > 1e6)
		return fail(P, P->p, "%s", "coordinates must lie within ±1000000");
	P->p = q;
	return 0;
}

/* An arc flag: one character 0 or 1, which may touch the next number ("a5 5 0 013 4"). */
static int flag(svgp *P, int *f)
{
	skip_sep(P);
	if (*P->p != '0' && *P->p != '1')
		return fail(P, P->p, "%s", "an arc flag must be 0 or 1");
	*f = *P->p++ == '1';
	return 0;
}

static int emit(svgp *P, ir_path_op op, const double *pts, int n)
{
	if (P->out->n >= SVGPATH_MAX_CMDS)
		return fail(P, P->p, "a path may have at most %s commands (arcs count as up to 4 curves)", "10000");
	ir_path_cmd *c = ARENA_PUSH(P->a, P->out->cmds, P->out->n, P->cap);
	if (!c)
		return fail(P, P->p, "%s", "out of memory");
	memset(c, 0, sizeof *c);
	c->op = op;
	if (n) /* Z has no points (pts NULL), and memcpy's pointers must be valid even for 0 */
		memcpy(c->p, pts, sizeof(double) * (size_t)n);
	return 0;
}

static int line_to(svgp *P, double x, double y)
{
	P->x = x, P->y = y;
	return emit(P, IR_PATH_LINE, (double[]){x, y}, 2);
}

static int cubic_to(svgp *P, double x1, double y1, double x2, double y2, double x, double y)
{
	P->cx = x2, P->cy = y2;
	P->x = x, P->y = y;
	return emit(P, IR_PATH_CUBIC, (double[]){x1, y1, x2, y2, x, y}, 6);
}

/* A quadratic through control point (qx, qy) as the cubic that draws the same curve. */
static int quad_to(svgp *P, double qx, double qy, double x, double y)
{
	double x0 = P->x, y0 = P->y;
	int rc = cubic_to(P, x0 + 2.0 / 3 * (qx - x0), y0 + 2.0 / 3 * (qy - y0),
			  x + 2.0 / 3 * (qx - x), y + 2.0 / 3 * (qy - y), x, y);
	P->cx = qx, P->cy = qy;
	return rc;
}

/* The elliptical arc from the current point to (x, y) (SVG F.6.5 and F.6.6: radii scaled up
 * when too small, a zero radius is a line). */
static int arc_to(svgp *P, double rx, double ry, double phi_deg, int large, int sweep, double x, double y)
{
	double x1 = P->x, y1 = P->y;
	if (x1 == x && y1 == y)
		return 0;
	rx = fabs(rx), ry = fabs(ry);
	if (rx == 0 || ry == 0)
		return line_to(P, x, y);
	double phi = phi_deg * M_PI / 180, cp = cos(phi), sp = sin(phi);
	double dx = (x1 - x) / 2, dy = (y1 - y) / 2;
	double x1p = cp * dx + sp * dy, y1p = -sp * dx + cp * dy;
	double lam = x1p * x1p / (rx * rx) + y1p * y1p / (ry * ry);
	if (lam > 1)
		rx *= sqrt(lam), ry *= sqrt(lam);
	double num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
	double den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
	double co = den > 0 && num > 0 ? sqrt(num / den) : 0;
	if (large == sweep)
		co = -co;
	double cxp = co * rx * y1p / ry, cyp = -co * ry * x1p / rx;
	double ccx = cp * cxp - sp * cyp + (x1 + x) / 2, ccy = sp * cxp + cp * cyp + (y1 + y) / 2;
	double t1 = atan2((y1p - cyp) / ry, (x1p - cxp) / rx);
	double t2 = atan2((-y1p - cyp) / ry, (-x1p - cxp) / rx);
	double dt = t2 - t1;
	if (sweep && dt < 0)
		dt += 2 * M_PI;
	else if (!sweep && dt > 0)
		dt -= 2 * M_PI;
	int segs = (int)ceil(fabs(dt) / (M_PI / 2) - 1e-9);
	if (segs < 1)
		segs = 1;
	double step = dt / segs, k = 4.0 / 3 * tan(step / 4);
	for (int i = 0; i < segs; i++) {
		double a0 = t1 + step * i, a1 = a0 + step;
		double c0 = cos(a0), s0 = sin(a0), c1 = cos(a1), s1 = sin(a1);
		/* on the unit circle, then scaled by the radii, rotated by phi and moved to the centre */
		double u[6] = {c0 - k * s0, s0 + k * c0, c1 + k * s1, s1 - k * c1, c1, s1};
		double w[6];
		for (int j = 0; j < 6; j += 2) {
			double ex = u[j] * rx, ey = u[j + 1] * ry;
			w[j] = cp * ex - sp * ey + ccx;
			w[j + 1] = sp * ex + cp * ey + ccy;
		}
		if (i == segs - 1)
			w[4] = x, w[5] = y; /* exactly where the command ends */
		if (cubic_to(P, w[0], w[1], w[2], w[3], w[4], w[5]))
			return -1;
	}
	return 0;
}

/* Arguments of each command (upper case) and how many. */
static const struct {
	char cmd;
	int nargs;
} cmd_args[] = {{'M', 2}, {'L', 2}, {'H', 1}, {'V', 1}, {'C', 6}, {'S', 4},
		{'Q', 4}, {'T', 2}, {'A', 7}, {'Z', 0}};

static int nargs_of(char up)
{
	for (size_t i = 0; i < sizeof cmd_args / sizeof cmd_args[0]; i++)
		if (cmd_args[i].cmd == up)
			return cmd_args[i].nargs;
	return -1;
}

/* One group of arguments of command up (relative when rel) at the current point. */
static int group(svgp *P, char up, int rel, const double *v)
{
	double ox = rel ? P->x : 0, oy = rel ? P->y : 0;
	int rc = 0;
	switch (up) {
	case 'M':
		P->x = P->sx = v[0] + ox, P->y = P->sy = v[1] + oy;
		P->have_start = 1;
		rc = emit(P, IR_PATH_MOVE, (double[]){P->x, P->y}, 2);
		break;
	case 'L': rc = line_to(P, v[0] + ox, v[1] + oy); break;
	case 'H': rc = line_to(P, v[0] + ox, P->y); break;
	case 'V': rc = line_to(P, P->x, v[0] + oy); break;
	case 'C': rc = cubic_to(P, v[0] + ox, v[1] + oy, v[2] + ox, v[3] + oy, v[4] + ox, v[5] + oy); break;
	case 'S': {
		int smooth = P->last == 'C' || P->last == 'S';
		double x1 = smooth ? 2 * P->x - P->cx : P->x, y1 = smooth ? 2 * P->y - P->cy : P->y;
		rc = cubic_to(P, x1, y1, v[0] + ox, v[1] + oy, v[2] + ox, v[3] + oy);
		break;
	}
	case 'Q': rc = quad_to(P, v[0] + ox, v[1] + oy, v[2] + ox, v[3] + oy); break;
	case 'T': {
		int smooth = P->last == 'Q' || P->last == 'T';
		rc = quad_to(P, smooth ? 2 * P->x - P->cx : P->x, smooth ? 2 * P->y - P->cy : P->y, v[0] + ox, v[1] + oy);
		break;
	}
	case 'A': rc = arc_to(P, v[0], v[1], v[2], v[3] != 0, v[4] != 0, v[5] + ox, v[6] + oy); break;
	case 'Z':
		rc = emit(P, IR_PATH_CLOSE, NULL, 0);
		P->x = P->sx, P->y = P->sy;
		break;
	}
	P->last = up;
	return rc;
}

/* Whether another argument group follows (a number, not a command letter or the end). */
static int more_args(svgp *P)
{
	skip_sep(P);
	char ch = *P->p;
	return ch == '+' || ch == '-' || ch == '.' || isdigit((unsigned char)ch);
}

/* One command letter and all its argument groups. */
static int command(svgp *P)
{
	const char *at = P->p;
	char ch = *P->p, up = (char)toupper((unsigned char)ch);
	int n = isalpha((unsigned char)ch) ? nargs_of(up) : -1;
	if (n < 0) {
		char what[48];
		snprintf(what, sizeof what, isgraph((unsigned char)ch) ? "'%c'" : "byte 0x%02x", ch);
		return fail(P, at, "%s is not a path command (M L H V C S Q T A Z, lower case for relative)", what);
	}
	if (!P->have_start && up != 'M')
		return fail(P, at, "a path starts with M (a move), not '%s'", (char[]){ch, 0});
	P->p++;
	int rel = islower((unsigned char)ch);
	do {
		double v[7];
		for (int i = 0; i < n; i++) {
			if (up == 'A' && (i == 3 || i == 4)) {
				int f;
				if (flag(P, &f))
					return -1;
				v[i] = f;
			} else if (number(P, &v[i])) {
				return -1;
			}
		}
		if (group(P, up, rel, v))
			return -1;
		if (up == 'M')
			up = 'L'; /* pairs after a move are lines (relative after m) */
	} while (n > 0 && more_args(P));
	return 0;
}

int svgpath_parse(arena_t *a, const char *s, ir_path *out, int *err_off, char *msg, size_t msglen)
{
	svgp P = {.a = a, .s = s, .p = s, .out = out, .msg = msg, .msglen = msglen};
	out->cmds = NULL;
	out->n = 0;
	skip_sep(&P);
	if (!*P.p) {
		*err_off = 0;
		snprintf(msg, msglen, "the path is empty (write e.g. \"M 0 0 L 100 0\")");
		return -1;
	}
	while (*P.p) {
		if (command(&P)) {
			*err_off = P.err_off;
			return -1;
		}
		skip_sep(&P);
	}
	return 0;
}
