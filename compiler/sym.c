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

static const char *name_at(const void *syms, size_t stride, int i)
{
	return *(const char *const *)((const char *)syms + stride * (size_t)i);
}

static unsigned name_hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void put(sym_index *x, const void *syms, size_t stride, int i)
{
	unsigned m = (unsigned)x->cap - 1, k = name_hash(name_at(syms, stride, i)) & m;
	while (x->slot[k])
		k = (k + 1) & m;
	x->slot[k] = i + 1;
}

void sym_index_add(checker_t *c, sym_index *x, const void *syms, size_t stride, int n)
{
	if (2 * n > x->cap) { /* grown from the arena: the old table is left there, O(n) in all */
		x->cap = x->cap ? 2 * x->cap : 64;
		while (2 * n > x->cap)
			x->cap *= 2;
		x->slot = arena_alloc(c->a, sizeof(int) * (size_t)x->cap);
		for (int i = 0; i < n - 1; i++)
			put(x, syms, stride, i);
	}
	put(x, syms, stride, n - 1);
}

/* The position of name in syms, or -1; the first one defined when a name was pushed twice. */
static int find(const sym_index *x, const void *syms, size_t stride, const char *name)
{
	if (!x->cap)
		return -1;
	unsigned m = (unsigned)x->cap - 1;
	int best = -1;
	for (unsigned k = name_hash(name) & m; x->slot[k]; k = (k + 1) & m)
		if (!strcmp(name_at(syms, stride, x->slot[k] - 1), name) && (best < 0 || x->slot[k] - 1 < best))
			best = x->slot[k] - 1;
	return best;
}

const_sym *sym_const(checker_t *c, const char *name)
{
	int i = find(&c->iconsts, c->consts, sizeof(const_sym), name);
	return i < 0 ? NULL : &c->consts[i];
}

const ast_value *sym_follow(checker_t *c, const ast_value *v)
{
	for (int i = 0; v && v->kind == AV_IDENT && i < 16; i++) {
		const_sym *k = sym_const(c, v->s);
		if (!k)
			break;
		diag_via(c->d, v->sp, k->v->sp, k->name); /* its mistakes are shown where it is read */
		v = k->v;
	}
	return v;
}

const ast_stmt *sym_style(checker_t *c, const char *name)
{
	int i = find(&c->istyles, c->styles, sizeof(stmt_sym), name);
	return i < 0 ? NULL : c->styles[i].st;
}

const ast_stmt *sym_template(checker_t *c, const char *name)
{
	int i = find(&c->itemplates, c->templates, sizeof(stmt_sym), name);
	return i < 0 ? NULL : c->templates[i].st;
}

hook_sym *sym_hook(checker_t *c, const char *name)
{
	int i = find(&c->ihooks, c->hooks, sizeof(hook_sym), name);
	return i < 0 ? NULL : &c->hooks[i];
}
