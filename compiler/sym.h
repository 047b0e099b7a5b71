/*
 * sym.h - the checker's symbol tables: constants, styles, templates and hooks that the spec,
 * its imports and the stdlib prelude define (expand.c fills them). Lookups go through a hash
 * index (sym_index), since a generated or hostile spec may define tens of thousands of names
 * and name each of them: linear lookups made checking such a spec quadratic. Internal to
 * compiler/.
 */
#ifndef VIDC_SYM_H
#define VIDC_SYM_H

#include <stddef.h>

#include "checker.h"

/* Records that position n - 1 of syms (an array of structs of size stride whose first member
 * is the name) now holds a name: call right after pushing it. */
void sym_index_add(checker_t *c, sym_index *x, const void *syms, size_t stride, int n);
const_sym *sym_const(checker_t *c, const char *name);
/* Follows constants: an identifier naming a constant stands for the constant's value (at most
 * 16 steps, so a constant naming itself stops). Each step is recorded with diag_via, so an
 * error in the value is reported where the identifier is written. */
const ast_value *sym_follow(checker_t *c, const ast_value *v);
const ast_stmt *sym_style(checker_t *c, const char *name);
const ast_stmt *sym_template(checker_t *c, const char *name);
hook_sym *sym_hook(checker_t *c, const char *name);
/* The names of n symbols (an array of structs of size stride whose first member is the name),
 * as candidates for "did you mean". */
const char *const *sym_names(checker_t *c, const void *syms, size_t stride, int n);

#endif
