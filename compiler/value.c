/*
 * value.c - typed values of statements (see value.h): strings, colours, numbers, lengths,
 * durations, names from a list, switches, easings; and the messages every part of the checker
 * gives the same way ("unknown X (did you mean Y?)", "expected X, found Y", "'X' takes Y").
 */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "sym.h"

/* The error kind of "unknown WHAT", by the first word of what: the callers name what is
 * unknown in words for the message, and this table keeps the codes stable across them. */
static const struct {
	const char *what;
	diag_code code;
} unknown_kinds[] = {
	{"template", DE_UNKNOWN_TEMPLATE},     {"style property", DE_UNKNOWN_PROPERTY},
	{"style", DE_UNKNOWN_STYLE},           {"effect", DE_UNKNOWN_EFFECT},
	{"transition option", DE_UNKNOWN_OPTION}, {"transition", DE_UNKNOWN_TRANSITION},
	{"hook", DE_UNKNOWN_HOOK},             {"colour", DE_UNKNOWN_COLOUR},
	{"section", DE_UNKNOWN_SECTION},       {"voice section", DE_UNKNOWN_SECTION},
	{"time function", DE_UNKNOWN_FUNCTION}, {"statement", DE_UNKNOWN_STATEMENT},
	{"video property", DE_UNKNOWN_PROPERTY}, {"voice property", DE_UNKNOWN_PROPERTY},
	{"music property", DE_UNKNOWN_PROPERTY}, {"kenburns property", DE_UNKNOWN_PROPERTY},
};

static diag_code unknown_code(const char *what)
{
	for (size_t i = 0; i < sizeof unknown_kinds / sizeof unknown_kinds[0]; i++) {
		size_t n = strlen(unknown_kinds[i].what);
		if (!strncmp(what, unknown_kinds[i].what, n) && (what[n] == 0 || what[n] == ' '))
			return unknown_kinds[i].code;
	}
	return DE_UNKNOWN_NAME;
}

void val_unknown(checker_t *c, span_t sp, const char *what, const char *name,
		    const char *const *cands, int n)
{
	val_unknown_at(c, sp, sp, what, name, cands, n);
}

const ast_stmt *val_known_stmt(checker_t *c, span_t sp, const char *what, const char *name,
			       const ast_stmt *found, const stmt_sym *syms, int n)
{
	if (!found)
		val_unknown(c, sp, what, name, sym_names(c, syms, sizeof(stmt_sym), n), n);
	return found;
}

void val_unknown_at(checker_t *c, span_t sp, span_t name_sp, const char *what, const char *name,
		    const char *const *cands, int n)
{
	const char *sug = diag_suggest(name, cands, n);
	diag_code code = unknown_code(what);
	if (sug) {
		diag_err(c->d, code, sp, "unknown %s '%s' (did you mean '%s'?)", what, name, sug);
		diag_fixit_word(c->d, name_sp, name, sug);
		return;
	}
	char list[512];
	size_t used = 0;
	list[0] = 0;
	for (int i = 0; i < n && used + 40 < sizeof list; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", cands[i]);
	if (n > 0)
		diag_err(c->d, code, sp, "unknown %s '%s' (expected one of: %s)", what, name, list);
	else
		diag_err(c->d, code, sp, "unknown %s '%s'", what, name);
}

/* Follows constants: an identifier naming a constant stands for the constant's value. */
/* ... and folds arithmetic (expr.h): every reader below takes `40px * 1.5` as 60px. */
const ast_value *val_resolve(checker_t *c, const ast_value *v)
{
	return expr_fold(c, v);
}

const char *val_describe(checker_t *c, const ast_value *v)
{
	switch (v->kind) {
	case AV_NUM:
		switch (v->unit) {
		case UNIT_S: case UNIT_MS: case UNIT_F: return "a duration";
		case UNIT_PX: case UNIT_SA: return "a length";
		case UNIT_PCT: return "a percentage";
		case UNIT_DEG: return "an angle";
		case UNIT_DB: return "a level in dB";
		default: return "a number";
		}
	case AV_STR: return "a string";
	case AV_COLOR: return "a colour";
	case AV_IDENT:
		if (sym_const(c, v->s)) /* still a constant once followed: sym_follow went round a circle */
			return arena_printf(c->a, "'%.60s', a constant defined in terms of itself", v->s);
		return arena_printf(c->a, "the name '%.60s'", v->s);
	case AV_CALL:
		return arena_printf(c->a, "a call to '%.60s'", v->s);
	case AV_ARROW: return "'->'";
	case AV_BINOP: return "an expression";
	case AV_POISON: return "a wrong expression";
	}
	return "a value";
}

const char *val_an(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

void val_expected(checker_t *c, const ast_value *v, const char *what)
{
	v = sym_follow(c, v); /* a caller may pass the value as written */
	if (v->kind == AV_POISON || (v->kind == AV_NUM && v->unit == UNIT_BAD)) /* its error is said */
		return;
	/* `big * 2` with big a string: the string is the mistake, not the expression around it. */
	const ast_value *op, *bad = expr_bad_operand(c, v, &op);
	if (bad) {
		const char *what_op = op->kind == AV_BINOP ? arena_printf(c->a, "'%c'", op->op)
							   : arena_printf(c->a, "%s()", op->s);
		diag_err(c->d, DE_WRONG_TYPE, bad->sp, "%s takes numbers (with or without units), found %s",
			 what_op, val_describe(c, bad));
		return;
	}
	diag_err(c->d, DE_WRONG_TYPE, v->sp, "expected %s, found %s", what, val_describe(c, v));
}

/* The fix-it for a bare number: the number as written, then unit ("200" -> "200ms"). */
static void unit_fixit(checker_t *c, span_t sp, const char *unit)
{
	size_t len;
	const char *text = diag_source_text(c->d, sp.file, &len);
	if (text && sp.off >= 0 && sp.len > 0 && (size_t)sp.off + (size_t)sp.len <= len)
		diag_fixit(c->d, sp, "%.*s%s", sp.len, text + sp.off, unit);
}

/* ---- values ------------------------------------------------------------------------------ */

int val_str(checker_t *c, const ast_value *v, const char **out)
{
	v = val_resolve(c, v);
	if (v->kind != AV_STR) {
		val_expected(c, v, "a string");
		return 0;
	}
	*out = v->s;
	return 1;
}

static ir_color color_of(unsigned u)
{
	ir_color k = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
	return k;
}

static const char *const color_names[] = {"black", "white", "transparent", "red", "green", "blue",
					  "yellow", "gray"};
static const unsigned color_values[] = {0x000000FF, 0xFFFFFFFF, 0x00000000, 0xFF0000FF,
					0x00FF00FF, 0x0000FFFF, 0xFFFF00FF, 0x808080FF};

int val_color(checker_t *c, const ast_value *v, ir_color *out)
{
	v = val_resolve(c, v);
	if (v->kind == AV_COLOR) {
		*out = color_of(v->color);
		return 1;
	}
	if (v->kind == AV_IDENT) {
		for (int i = 0; i < COUNT(color_names); i++)
			if (!strcmp(v->s, color_names[i])) {
				*out = color_of(color_values[i]);
				return 1;
			}
		val_unknown(c, v->sp, "colour", v->s, color_names, COUNT(color_names));
		return 0;
	}
	val_expected(c, v, "a colour (#rrggbb, #rrggbbaa or a colour name)");
	return 0;
}

int val_finite(checker_t *c, const ast_value *v)
{
	if (!isfinite(v->num) || fabs(v->num) > 1e9) {
		diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "number out of range");
		return 0;
	}
	return 1;
}

/* A plain number; 50% is 0.5. */
int val_scalar(checker_t *c, const ast_value *v, double *out)
{
	v = val_resolve(c, v);
	if (v->kind != AV_NUM || (v->unit != UNIT_NONE && v->unit != UNIT_PCT)) {
		val_expected(c, v, "a number or a percentage");
		return 0;
	}
	if (!val_finite(c, v))
		return 0;
	*out = v->unit == UNIT_PCT ? v->num / 100 : v->num;
	return 1;
}

int val_int(checker_t *c, const ast_value *v, int *out)
{
	v = val_resolve(c, v);
	if (v->kind != AV_NUM || v->unit != UNIT_NONE || v->num != floor(v->num) ||
	    fabs(v->num) > 1e6) {
		val_expected(c, v, "a whole number");
		return 0;
	}
	*out = (int)v->num;
	return 1;
}

/* A length along an axis: px, % of the canvas, sa = % of the safe area; a bare 0 is allowed. */
int val_len(checker_t *c, const ast_value *v, double *out, unit_kind *unit)
{
	v = val_resolve(c, v);
	if (v->kind == AV_NUM && (v->unit == UNIT_PX || v->unit == UNIT_PCT || v->unit == UNIT_SA ||
				  (v->unit == UNIT_NONE && v->num == 0))) {
		if (!val_finite(c, v))
			return 0;
		*out = v->num;
		*unit = v->unit == UNIT_NONE ? UNIT_PX : v->unit;
		return 1;
	}
	if (v->kind == AV_NUM && v->unit == UNIT_NONE) {
		diag_err(c->d, DE_MISSING_UNIT, v->sp, "a length needs a unit: px, %% or sa (write '%gpx')", v->num);
		unit_fixit(c, v->sp, "px");
	} else {
		val_expected(c, v, "a length (px, % or sa)");
	}
	return 0;
}

int val_len_axis(checker_t *c, const ast_value *v, int axis, double *out, unit_kind *unit)
{
	int was = c->len_axis;
	c->len_axis = axis;
	int ok = val_len(c, v, out, unit);
	c->len_axis = was;
	return ok;
}

/* A duration in seconds: s, ms or f (frames at the video's rate); a bare 0 is allowed. A bare
 * number gets a suggestion: seconds, or for a fade (fade != 0) milliseconds from 20 up, since a
 * fade or transition of 20 seconds or more is almost never meant. */
static int dur_value(checker_t *c, const ast_value *v, double *out, int fade)
{
	v = val_resolve(c, v);
	if (v->kind == AV_NUM && (v->unit == UNIT_S || v->unit == UNIT_MS || v->unit == UNIT_F ||
				  (v->unit == UNIT_NONE && v->num == 0))) {
		if (!val_finite(c, v))
			return 0;
		if (v->num < 0) {
			diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "a duration cannot be negative");
			return 0;
		}
		*out = v->unit == UNIT_MS ? v->num / 1000 : v->unit == UNIT_F ? v->num / checker_fps(c) : v->num;
		if (*out > MAX_SECONDS) {
			diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "duration too long (more than 24 hours)");
			return 0;
		}
		return 1;
	}
	if (v->kind == AV_NUM && v->unit == UNIT_NONE) {
		const char *unit = fade && v->num >= 20 ? "ms" : "s";
		diag_err(c->d, DE_MISSING_UNIT, v->sp, "a duration needs a unit: s, ms or f (write '%g%s')", v->num, unit);
		unit_fixit(c, v->sp, unit);
	} else {
		val_expected(c, v, "a duration (s, ms or f)");
	}
	return 0;
}

int val_dur(checker_t *c, const ast_value *v, double *out)
{
	return dur_value(c, v, out, 0);
}

int val_fade(checker_t *c, const ast_value *v, double *out)
{
	return dur_value(c, v, out, 1);
}

int val_enum(checker_t *c, const ast_value *v, const char *what, const char *const *names,
		    int n, int *out)
{
	v = val_resolve(c, v);
	if (v->kind != AV_IDENT) {
		char buf[128];
		snprintf(buf, sizeof buf, "a %s", what);
		val_expected(c, v, buf);
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (!strcmp(v->s, names[i])) {
			*out = i;
			return 1;
		}
	val_unknown(c, v->sp, what, v->s, names, n);
	return 0;
}

int val_bool(checker_t *c, const ast_stmt *st, int *out)
{
	static const char *const names[] = {"off", "on", "false", "true", "no", "yes"};
	if (st->nargs == 0) {
		*out = 1;
		return 1;
	}
	int i;
	if (!val_enum(c, st->args[0], "switch (on or off)", names, COUNT(names), &i))
		return 0;
	*out = i & 1;
	return 1;
}

static const char *const ease_names[] = {"linear", "ease_in", "ease_out", "ease_in_out", "in",
					 "out", "in_out", "hold", "spring", "bounce", "cubic_bezier"};

/* The bounce of a spring written bare (`ease spring`): a 7 % overshoot, one visible rebound. */
#define SPRING_BOUNCE 0.35

/* spring(BOUNCE): BOUNCE 0..0.9 (0 settles without overshooting; 0.9 rings a long time). */
static int ease_spring(checker_t *c, const ast_value *v, ir_ease *out)
{
	out->kind = IR_EASE_SPRING;
	out->p[0] = SPRING_BOUNCE;
	if (v->kind != AV_CALL)
		return 1;
	if (v->nargs != 1 || v->args[0].name || !v->args[0].v) {
		diag_err(c->d, DE_BAD_ARGUMENTS, v->sp, "spring takes 1 number (its bounce, 0 to 0.9), found %d", v->nargs);
		return 0;
	}
	if (!val_scalar(c, v->args[0].v, &out->p[0]))
		return 0;
	if (out->p[0] < 0 || out->p[0] > 0.9) {
		diag_err(c->d, DE_BAD_ARGUMENTS, v->args[0].v->sp, "a spring's bounce must be between 0 and 0.9");
		return 0;
	}
	return 1;
}

int val_ease(checker_t *c, const ast_value *v, ir_ease *out)
{
	v = val_resolve(c, v);
	memset(out, 0, sizeof *out);
	if ((v->kind == AV_CALL || v->kind == AV_IDENT) && !strcmp(v->s, "spring"))
		return ease_spring(c, v, out);
	if (v->kind == AV_CALL && !strcmp(v->s, "cubic_bezier")) {
		if (v->nargs != 4) {
			diag_err(c->d, DE_BAD_ARGUMENTS, v->sp, "cubic_bezier takes 4 numbers (x1, y1, x2, y2), found %d", v->nargs);
			return 0;
		}
		for (int i = 0; i < 4; i++) {
			if (v->args[i].name || !v->args[i].v ||
			    !val_scalar(c, v->args[i].v, &out->p[i]))
				return 0;
		}
		if (out->p[0] < 0 || out->p[0] > 1 || out->p[2] < 0 || out->p[2] > 1) {
			diag_err(c->d, DE_BAD_ARGUMENTS, v->sp, "cubic_bezier x1 and x2 must be between 0 and 1");
			return 0;
		}
		out->kind = IR_EASE_BEZIER;
		return 1;
	}
	int i;
	if (!val_enum(c, v, "easing", ease_names, COUNT(ease_names) - 1, &i))
		return 0;
	static const ir_ease_kind kinds[] = {IR_EASE_LINEAR, IR_EASE_IN, IR_EASE_OUT, IR_EASE_IN_OUT,
					     IR_EASE_IN, IR_EASE_OUT, IR_EASE_IN_OUT, IR_EASE_HOLD,
					     IR_EASE_SPRING, IR_EASE_BOUNCE};
	out->kind = kinds[i];
	return 1;
}

int val_want_args(checker_t *c, const ast_stmt *st, int min, int max, const char *usage)
{
	if (st->nargs >= min && st->nargs <= max)
		return 1;
	span_t sp = st->nargs > max ? st->args[max]->sp : st->sp;
	diag_err(c->d, DE_BAD_ARGUMENTS, sp, "'%s' takes %s", st->head, usage);
	return 0;
}

void val_no_block(checker_t *c, const ast_stmt *st)
{
	if (st->block)
		diag_err(c->d, DE_UNEXPECTED_BLOCK, st->sp, "'%s' takes no { } block", st->head);
}

