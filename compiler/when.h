/*
 * when.h - one template for every preset (SPEC §18.6): `when preset tiktok youtube_short { ... }`,
 * `when portrait { ... }` and `when landscape { ... }` inside a scene, an overlay, a layer or a
 * style hold statements that apply only when compiling for a matching preset, replacing the
 * statements of the same name before them. The checker resolves them per preset: compile.c
 * checks the spec once for the first preset and, when a `when` was met, once more for each
 * other preset (the IR of each preset comes from its own pass). Internal to compiler/.
 */
#ifndef VIDC_WHEN_H
#define VIDC_WHEN_H

#include "checker.h"

/* How a block's statements combine with a `when` block's: adds(head) says a statement adds to
 * what is there (a layer in a scene, an effect on a layer) rather than replacing the statement
 * of the same name; fixed lists the statements that may not stand in a `when` block there (the
 * timeline is the same on every preset: a scene's duration cannot depend on it). */
typedef struct {
	int (*adds)(const char *head);
	const char *const *fixed;
	int nfixed;
} when_rules;

/* st itself when its block has no `when`; else a copy whose body has each `when` block checked
 * (an unknown preset or condition is an error with a suggestion) and replaced by its statements
 * when it applies to the preset being compiled, or dropped when it does not. */
const ast_stmt *when_apply(checker_t *c, const ast_stmt *st, const when_rules *r);

#endif
