/*
 * expr.h - arithmetic in values (SPEC §18.6): `+ - * /` with parentheses and min(...)/max(...)
 * over numbers, lengths, durations, angles and levels, folded at compile time to one number with
 * its unit, so the IR never sees an expression. value.c's readers fold through val_resolve;
 * times (anchor.c) fold their terms but keep a sum's own meaning (`50% + 1s`, `word(3) - 1s`).
 * Internal to compiler/.
 */
#ifndef VIDC_EXPR_H
#define VIDC_EXPR_H

#include "checker.h"

/* Whether v is an expression expr_fold evaluates: an operator or a call to min or max. */
int expr_is_arith(const ast_value *v);
/* v with constants followed and, when it is an expression of numbers only, folded into one
 * AV_NUM (in the arena). An expression with a part that is no number (a speech anchor, a
 * marker, a string) comes back as it is, for the reader to judge. A wrong one (a length times a
 * length, a division by zero, a duration plus a length) is reported at the operator and comes
 * back as AV_POISON, which readers pass over in silence. */
const ast_value *expr_fold(checker_t *c, const ast_value *v);

/* The first operand of expression v (constants followed) that arithmetic never takes: a string
 * or a colour, as its constant's value when it is named (`big * 2`, const big = "large"); *op
 * gets the operator or min/max call it is an operand of. NULL when there is none. */
const ast_value *expr_bad_operand(checker_t *c, const ast_value *v, const ast_value **op);

#endif
