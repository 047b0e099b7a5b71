/*
 * roots.h - the project roots: the folders a spec, an import, a hook or an article may read
 * from (the spec's or article's own folder, the stdlib, vidc's cache, and folders the caller
 * grants with --allow or the service grants a project). A name is resolved against the folder
 * of the file that names it, symlinks are followed (realpath), and the result must lie inside
 * one of the roots; anything else is VE_DENIED with a message naming the path and the rule.
 */
#ifndef VIDC_ROOTS_H
#define VIDC_ROOTS_H

#include "err.h"

typedef struct roots roots_t;

/* An empty set (nothing is allowed until a root is added), or NULL when out of memory. */
roots_t *roots_new(void);
void roots_free(roots_t *r);
/* Adds the folder dir (symlinks resolved; it must exist). 0, or VE_NOTFOUND / VE_INVAL /
 * VE_NOMEM. */
int roots_add(roots_t *r, const char *dir, vidc_err *e);
/* How many roots r holds, and the i-th (resolved) one. */
int roots_count(const roots_t *r);
const char *roots_get(const roots_t *r, int i);
/* Whether the resolved absolute path abs lies inside (or is) one of the roots. */
int roots_contains(const roots_t *r, const char *abs);
/* Resolves name (absolute, or relative to base_dir; base_dir NULL means the working folder)
 * into a malloc'd absolute path without symlinks in *abs. 0; VE_DENIED when the path lies
 * outside every root; VE_NOTFOUND when it does not exist (only after checking that where it
 * would be is inside a root, so a missing file outside says "outside", not "missing"). */
int roots_resolve(const roots_t *r, const char *base_dir, const char *name, char **abs,
		  vidc_err *e);

#endif
