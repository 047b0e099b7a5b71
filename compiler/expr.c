/*
 * expr.c - arithmetic in values (see expr.h). An expression is folded bottom-up into a quantity:
 * a number and the unit it is in. The unit rules (SPEC §18.6):
 *
 *   a + b, a - b, min, max   the same kind: durations (s, ms, f: the result in s), lengths of one
 *                            unit, numbers (a bare number and a percentage: 50% is 0.5), angles
 *                            (deg and a bare number); a bare 0 goes with anything
 *   a * b                    one side a number or a percentage (a factor): 1.5 * 40px = 60px
 *   a / b                    by a number or a percentage (a factor), or two of one kind, which
 *                            gives a number: 30px / 10px = 3, 1s / 250ms = 4
 *
 * Everything else (a length times a length, a duration plus a length, a number over a length)
 * is an error naming both units at the operator, and division by zero one at the '/'.
 * px and % are added only where the reader gave the axis (checker.h len_axis): what 5% is in px
 * depends on it and on the preset's canvas, so such a spec is checked once per preset.
 */
#include "expr.h"

#include <string.h>

#include "sym.h"

/* Nesting folded by recursion: far more than anyone writes (the parser allows 64 parentheses;
 * a sum leaning left that is deeper, built through constants, is left to anchor.c's loop). */
#define MAX_FOLD_DEPTH 256
/* Values one expression may visit: constants may name a constant twice (`const b = a + a`), so a
 * chain of them doubles at each step; this keeps `c60 = c59 + c59` from taking 2^60 steps. */
#define MAX_FOLD_STEPS 100000

typedef struct {
	double v;
	unit_kind u;
} qty;

enum { FOLD_ERROR = -1, FOLD_NO = 0, FOLD_OK = 1 };

static const char *const unit_text[] = {
	[UNIT_NONE] = "", [UNIT_S] = "s", [UNIT_MS] = "ms", [UNIT_F] = "f", [UNIT_PX] = "px",
	[UNIT_PCT] = "%", [UNIT_SA] = "sa", [UNIT_DEG] = "deg", [UNIT_DB] = "dB", [UNIT_BAD] = "",
};

static int is_time(unit_kind u)
{
	return u == UNIT_S || u == UNIT_MS || u == UNIT_F;
}

static const char *kind_word(unit_kind u)
{
	if (is_time(u))
		return "a duration";
	switch (u) {
	case UNIT_PX: case UNIT_SA: return "a length";
	case UNIT_PCT: return "a percentage";
	case UNIT_DEG: return "an angle";
	case UNIT_DB: return "a level";
	default: return "a number";
	}
}

/* "10px (a length)": a quantity as the message names it. */
static const char *show(checker_t *c, qty q)
{
	return arena_printf(c->a, "%g%s (%s)", q.v, unit_text[q.u], kind_word(q.u));
}

static double seconds(const checker_t *c, qty q)
{
	return q.u == UNIT_MS ? q.v / 1000 : q.u == UNIT_F ? q.v / checker_fps(c) : q.v;
}

/* px and % of a length whose axis the reader gave: both to px on this pass's canvas, which makes
 * the spec's IR differ per preset (each preset gets its own pass, as with `when`). sa stays out:
 * as a position it counts from the safe area's edge, and a sum would count that edge twice. */
static int canvas_px(checker_t *c, qty *a, qty *b)
{
	const platform_preset *p = c->preset && c->s->platforms ? platform_preset_find(c->s->platforms, c->preset) : NULL;
	if (!p || !c->len_axis || !((a->u == UNIT_PX && b->u == UNIT_PCT) || (a->u == UNIT_PCT && b->u == UNIT_PX)))
		return 0;
	double canvas = c->len_axis == 1 ? p->width : p->height;
	qty *pct = a->u == UNIT_PCT ? a : b;
	*pct = (qty){canvas * pct->v / 100, UNIT_PX};
	c->per_preset = 1;
	return 1;
}

/* Brings a and b to one unit for adding or comparing; 0 when they are of different kinds. */
static int common(checker_t *c, qty *a, qty *b)
{
	if (a->u == b->u)
		return 1;
	if (is_time(a->u) && is_time(b->u)) {
		*a = (qty){seconds(c, *a), UNIT_S};
		*b = (qty){seconds(c, *b), UNIT_S};
		return 1;
	}
	if (b->u == UNIT_NONE && b->v == 0) { /* a bare 0 is any unit (SPEC §1) */
		b->u = a->u;
		return 1;
	}
	if (a->u == UNIT_NONE && a->v == 0) {
		a->u = b->u;
		return 1;
	}
	if ((a->u == UNIT_NONE || a->u == UNIT_PCT) && (b->u == UNIT_NONE || b->u == UNIT_PCT)) {
		*a = (qty){a->u == UNIT_PCT ? a->v / 100 : a->v, UNIT_NONE};
		*b = (qty){b->u == UNIT_PCT ? b->v / 100 : b->v, UNIT_NONE};
		return 1;
	}
	if ((a->u == UNIT_DEG && b->u == UNIT_NONE) || (a->u == UNIT_NONE && b->u == UNIT_DEG)) {
		a->u = b->u = UNIT_DEG;
		return 1;
	}
	return canvas_px(c, a, b);
}

/* A factor: a bare number, or a percentage (50% is 0.5). */
static int factor(qty q, double *f)
{
	if (q.u == UNIT_NONE || q.u == UNIT_PCT) {
		*f = q.u == UNIT_PCT ? q.v / 100 : q.v;
		return 1;
	}
	return 0;
}

static int apply(checker_t *c, const ast_value *op, qty a, qty b, qty *out)
{
	double f;
	const char *sa = show(c, a), *sb = show(c, b);
	switch (op->op) {
	case '+':
	case '-':
		if (!common(c, &a, &b))
			break;
		*out = (qty){op->op == '+' ? a.v + b.v : a.v - b.v, a.u};
		return FOLD_OK;
	case '*':
		if (a.u == UNIT_PCT && b.u == UNIT_PCT) {
			*out = (qty){a.v * b.v / 100, UNIT_PCT};
			return FOLD_OK;
		}
		if (factor(b, &f) && (a.u != UNIT_NONE || b.u == UNIT_NONE)) {
			*out = (qty){a.v * f, a.u};
			return FOLD_OK;
		}
		if (factor(a, &f)) {
			*out = (qty){b.v * f, b.u};
			return FOLD_OK;
		}
		diag_err(c->d, DE_WRONG_TYPE, op->op_sp, "cannot multiply %s by %s: one side must be a number", sa, sb);
		return FOLD_ERROR;
	case '/':
		if (b.v == 0) {
			diag_err(c->d, DE_OUT_OF_RANGE, op->op_sp, "division by zero: %s / %s", sa, sb);
			return FOLD_ERROR;
		}
		if (b.u == UNIT_NONE || (b.u == UNIT_PCT && a.u != UNIT_PCT && a.u != UNIT_NONE)) {
			factor(b, &f);
			*out = (qty){a.v / f, a.u};
			return FOLD_OK;
		}
		if (a.u != UNIT_NONE && common(c, &a, &b)) {
			*out = (qty){a.v / b.v, UNIT_NONE};
			return FOLD_OK;
		}
		diag_err(c->d, DE_WRONG_TYPE, op->op_sp, "cannot divide %s by %s", sa, sb);
		return FOLD_ERROR;
	}
	diag_err(c->d, DE_WRONG_TYPE, op->op_sp, "cannot %s %s %s %s: they are of different kinds",
		 op->op == '+' ? "add" : "subtract", sb, op->op == '+' ? "to" : "from", sa);
	return FOLD_ERROR;
}

typedef struct {
	checker_t *c;
	long steps;
	span_t sp; /* of the whole expression, for the limit's message */
} folder;

static int fold(folder *f, const ast_value *v, qty *out, int depth);

/* min(a, b, ...) / max(a, b, ...): values of one kind (as for +), the least or the greatest. */
static int fold_minmax(folder *f, const ast_value *v, qty *out, int depth)
{
	checker_t *c = f->c;
	int is_max = !strcmp(v->s, "max");
	if (v->nargs < 1) {
		diag_err(c->d, DE_BAD_ARGUMENTS, v->sp, "%s() takes one value or more, of one kind: %s(40px, 10%%)", v->s, v->s);
		return FOLD_ERROR;
	}
	for (int i = 0; i < v->nargs; i++) {
		const ast_arg *a = &v->args[i];
		if (a->name || !a->v) {
			diag_err(c->d, DE_BAD_ARGUMENTS, a->sp, "%s() takes values, not named arguments", v->s);
			return FOLD_ERROR;
		}
		qty q;
		int r = fold(f, a->v, &q, depth + 1);
		if (r != FOLD_OK)
			return r;
		if (i == 0) {
			*out = q;
			continue;
		}
		qty best = *out;
		if (!common(c, &best, &q)) {
			diag_err(c->d, DE_WRONG_TYPE, a->v->sp, "%s() compares values of one kind: %s and %s", v->s,
				 show(c, *out), show(c, q));
			return FOLD_ERROR;
		}
		*out = (is_max ? q.v > best.v : q.v < best.v) ? q : best;
	}
	return FOLD_OK;
}

int expr_is_arith(const ast_value *v)
{
	return v && (v->kind == AV_BINOP ||
		     (v->kind == AV_CALL && (!strcmp(v->s, "min") || !strcmp(v->s, "max"))));
}

static int fold(folder *f, const ast_value *v, qty *out, int depth)
{
	checker_t *c = f->c;
	v = sym_follow(c, v);
	if (depth > MAX_FOLD_DEPTH)
		return FOLD_NO;
	if (++f->steps > MAX_FOLD_STEPS) {
		if (f->steps == MAX_FOLD_STEPS + 1)
			diag_err(c->d, DE_LIMIT, f->sp, "an expression of more than %d values (do constants name each other twice?)", MAX_FOLD_STEPS);
		return FOLD_ERROR;
	}
	switch (v->kind) {
	case AV_NUM:
		*out = (qty){v->num, v->unit};
		return v->unit == UNIT_BAD ? FOLD_NO : FOLD_OK;
	case AV_POISON:
		return FOLD_ERROR;
	case AV_CALL:
		return expr_is_arith(v) ? fold_minmax(f, v, out, depth) : FOLD_NO;
	case AV_BINOP: {
		qty a, b;
		int r = fold(f, v->lhs, &a, depth + 1);
		if (r == FOLD_OK)
			r = fold(f, v->rhs, &b, depth + 1);
		return r == FOLD_OK ? apply(c, v, a, b, out) : r;
	}
	default:
		return FOLD_NO;
	}
}

const ast_value *expr_fold(checker_t *c, const ast_value *v)
{
	v = sym_follow(c, v);
	if (!expr_is_arith(v))
		return v;
	qty q = {0, UNIT_NONE};
	folder f = {c, 0, v->sp};
	int r = fold(&f, v, &q, 0);
	if (r == FOLD_NO)
		return v;
	ast_value *n = arena_alloc(c->a, sizeof *n);
	n->kind = r == FOLD_OK ? AV_NUM : AV_POISON;
	n->sp = v->sp;
	n->num = q.v;
	n->unit = q.u;
	return n;
}

/* Looks for the first operand of v that is a string or a colour, its operator in *op. */
static const ast_value *bad_operand(folder *f, const ast_value *v, const ast_value **op, int depth)
{
	v = sym_follow(f->c, v);
	if (depth > MAX_FOLD_DEPTH || ++f->steps > MAX_FOLD_STEPS || !expr_is_arith(v))
		return NULL;
	int n = v->kind == AV_BINOP ? 2 : v->nargs;
	for (int i = 0; i < n; i++) {
		const ast_value *w = v->kind == AV_BINOP ? (i ? v->rhs : v->lhs) : v->args[i].v;
		if (!w)
			continue;
		const ast_value *r = sym_follow(f->c, w);
		if (r->kind == AV_STR || r->kind == AV_COLOR) {
			*op = v;
			return r;
		}
		const ast_value *bad = bad_operand(f, r, op, depth + 1);
		if (bad)
			return bad;
	}
	return NULL;
}

const ast_value *expr_bad_operand(checker_t *c, const ast_value *v, const ast_value **op)
{
	folder f = {c, 0, v->sp};
	return bad_operand(&f, v, op, 0);
}
