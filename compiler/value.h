/*
 * value.h - reading the values of statements as the types the language knows, each with its
 * message when the value is something else. Every reader follows constants first (val_resolve)
 * and returns 1 with *out set, or 0 after reporting the problem at the value. Internal to
 * compiler/.
 */
#ifndef VIDC_VALUE_H
#define VIDC_VALUE_H

#include "checker.h"

/* "unknown WHAT 'name'", with the closest candidate as "did you mean" (and its fix-it), or the
 * list of them. */
void val_unknown(checker_t *c, span_t sp, const char *what, const char *name,
		 const char *const *cands, int n);
/* The same, reported at sp with the fix-it at name_sp, where the name is written when that is
 * not where the error points (`scene grnd auto`: the error at auto, the name before it). */
void val_unknown_at(checker_t *c, span_t sp, span_t name_sp, const char *what, const char *name,
		    const char *const *cands, int n);
/* found, the style or template (what) named name that sym_style or sym_template found; when
 * NULL, "unknown WHAT 'name'" at sp with the n names of syms as candidates. */
const ast_stmt *val_known_stmt(checker_t *c, span_t sp, const char *what, const char *name,
			       const ast_stmt *found, const stmt_sym *syms, int n);
/* "expected WHAT, found <what v is>". */
void val_expected(checker_t *c, const ast_value *v, const char *what);
/* What a value is, in words ("a duration", "the name 'x'"); in the arena. v has its constants
 * followed: a name that still names a constant went round a circle of them. */
const char *val_describe(checker_t *c, const ast_value *v);
/* The indefinite article for a word: "an" before a vowel. */
const char *val_an(const char *word);
/* Follows constants (an identifier naming a constant stands for the constant's value) and folds
 * arithmetic (expr.h). */
const ast_value *val_resolve(checker_t *c, const ast_value *v);

/* Whether st has min..max values; if not, "'HEAD' takes USAGE" at the first extra value. */
int val_want_args(checker_t *c, const ast_stmt *st, int min, int max, const char *usage);
/* Reports a { } block on a statement that takes none. */
void val_no_block(checker_t *c, const ast_stmt *st);

int val_str(checker_t *c, const ast_value *v, const char **out);
/* #rrggbb, #rrggbbaa or a colour name. */
int val_color(checker_t *c, const ast_value *v, ir_color *out);
/* Rejects infinities and numbers beyond 1e9 ("number out of range"). */
int val_finite(checker_t *c, const ast_value *v);
/* A plain number; 50% is 0.5. */
int val_scalar(checker_t *c, const ast_value *v, double *out);
/* A whole number within +-1e6. */
int val_int(checker_t *c, const ast_value *v, int *out);
/* A length along an axis: px, % of the canvas, sa = % of the safe area; a bare 0 is allowed. */
int val_len(checker_t *c, const ast_value *v, double *out, unit_kind *unit);
/* The same for a length along axis (1 x, 2 y), so that arithmetic may mix px and %. */
int val_len_axis(checker_t *c, const ast_value *v, int axis, double *out, unit_kind *unit);
/* A duration in seconds: s, ms or f (frames at the video's rate); a bare 0 is allowed; at most
 * MAX_SECONDS. */
int val_dur(checker_t *c, const ast_value *v, double *out);
/* The same for a fade's or transition's duration: a bare number from 20 up is suggested in ms. */
int val_fade(checker_t *c, const ast_value *v, double *out);
/* A name from a list: *out gets its index. what names the list in messages. */
int val_enum(checker_t *c, const ast_value *v, const char *what, const char *const *names, int n,
	     int *out);
/* An on/off switch statement: no value is on. */
int val_bool(checker_t *c, const ast_stmt *st, int *out);
/* An easing name or cubic_bezier(x1, y1, x2, y2). */
int val_ease(checker_t *c, const ast_value *v, ir_ease *out);

#endif
