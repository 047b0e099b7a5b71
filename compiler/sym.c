/*
 * sym.c - the checker's symbol tables (see sym.h).
 */
#include "sym.h"

#include <string.h>

const char *const *sym_names(checker_t *c, const void *syms, size_t stride, int n)
{
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		names[i] = *(const char *const *)((const char *)syms + stride * (size_t)i);
	return names;
}

const_sym *sym_const(checker_t *c, const char *name)
{
	for (int i = 0; i < c->nconsts; i++)
		if (!strcmp(c->consts[i].name, name))
			return &c->consts[i];
	return NULL;
}

const ast_value *sym_follow(checker_t *c, const ast_value *v)
{
	for (int i = 0; v && v->kind == AV_IDENT && i < 16; i++) {
		const_sym *k = sym_const(c, v->s);
		if (!k)
			break;
		v = k->v;
	}
	return v;
}

const ast_stmt *sym_find_stmt(const stmt_sym *syms, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(syms[i].name, name))
			return syms[i].st;
	return NULL;
}

const ast_stmt *sym_style(checker_t *c, const char *name)
{
	return sym_find_stmt(c->styles, c->nstyles, name);
}

const ast_stmt *sym_template(checker_t *c, const char *name)
{
	return sym_find_stmt(c->templates, c->ntemplates, name);
}

hook_sym *sym_hook(checker_t *c, const char *name)
{
	for (int i = 0; i < c->nhooks; i++)
		if (!strcmp(c->hooks[i].name, name))
			return &c->hooks[i];
	return NULL;
}
