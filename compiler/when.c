/*
 * when.c - per-preset blocks (see when.h). A block's statements are copied in order; a `when`
 * block that applies puts its statements in its place, each replacing the earlier statements
 * of the same name (of the same property, for `animate`), so a template sets its landscape
 * values and overrides them for a portrait preset in one place. Nested `when` blocks combine
 * (both must apply); their depth is the parser's.
 */
#include "when.h"

#include <string.h>

#include "value.h"

static const char *const conditions[] = {"preset", "portrait", "landscape"};

/* Whether `when ...` applies to the preset being compiled; reports a malformed condition. Each
 * name is checked even when an earlier one matched, so a typo never hides. */
static int applies(checker_t *c, const ast_stmt *w)
{
	const platform_table *t = c->s->platforms;
	const platform_preset *cur = t && c->preset ? platform_preset_find(t, c->preset) : NULL;
	if (w->nargs == 0 || w->args[0]->kind != AV_IDENT) {
		diag_err(c->d, DE_MALFORMED, w->nargs ? w->args[0]->sp : w->sp,
			 "write a per-preset block as: when preset NAME... { }, when portrait { } or when landscape { }");
		return 0;
	}
	if (!w->block)
		diag_err(c->d, DE_MALFORMED, w->sp, "'when' needs a { } block of the statements it applies");
	int cond;
	if (!val_enum(c, w->args[0], "condition", conditions, COUNT(conditions), &cond))
		return 0;
	if (cond > 0) {
		if (w->nargs > 1)
			diag_err(c->d, DE_BAD_ARGUMENTS, w->args[1]->sp, "'when %s' takes no more values", conditions[cond]);
		/* portrait: taller than wide; landscape: wider than tall (a square canvas is neither) */
		return cur && (cond == 1 ? cur->height > cur->width : cur->width > cur->height);
	}
	if (w->nargs == 1)
		diag_err(c->d, DE_MISSING, w->args[0]->sp, "'when preset' needs the names of the presets it applies to (tiktok, youtube_long, ...)");
	int n = t ? platform_npresets(t) : 0, hit = 0;
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(n + 1));
	for (int j = 0; j < n; j++)
		names[j] = platform_preset_at(t, j)->name;
	for (int k = 1; k < w->nargs && t; k++) {
		int pi;
		if (val_enum(c, w->args[k], "preset", names, n, &pi))
			hit |= cur && !strcmp(names[pi], cur->name);
	}
	return hit;
}

/* The name a statement replaces by: its head, and for `animate` the property too. */
static int same_slot(const ast_stmt *a, const ast_stmt *b)
{
	if (strcmp(a->head, b->head))
		return 0;
	if (strcmp(a->head, "animate"))
		return 1;
	return a->nargs && b->nargs && a->args[0]->kind == AV_IDENT && b->args[0]->kind == AV_IDENT &&
	       !strcmp(a->args[0]->s, b->args[0]->s);
}

typedef struct {
	const ast_stmt **items;
	int n, cap;
} when_list;

static void put(checker_t *c, when_list *out, const ast_stmt *st, const when_rules *r, int replace)
{
	if (replace && !(r->adds && r->adds(st->head))) {
		int k = 0;
		for (int i = 0; i < out->n; i++)
			if (!same_slot(out->items[i], st))
				out->items[k++] = out->items[i];
		out->n = k;
	}
	*ARENA_PUSH(c->a, out->items, out->n, out->cap) = st;
}

static void flatten(checker_t *c, ast_stmt *const *body, int n, when_list *out, const when_rules *r,
		    int inside)
{
	for (int i = 0; i < n; i++) {
		const ast_stmt *st = body[i];
		if (strcmp(st->head, "when")) {
			int fixed = 0;
			for (int k = 0; inside && k < r->nfixed; k++)
				fixed |= !strcmp(st->head, r->fixed[k]);
			if (fixed)
				diag_err(c->d, DE_MISPLACED, st->sp, "'%s' cannot depend on the preset: the timeline is the same on every preset (move it out of the when block)", st->head);
			else
				put(c, out, st, r, inside);
			continue;
		}
		c->per_preset = 1;
		if (applies(c, st))
			flatten(c, st->body, st->nbody, out, r, 1);
	}
}

const ast_stmt *when_apply(checker_t *c, const ast_stmt *st, const when_rules *r)
{
	int any = 0;
	for (int i = 0; i < st->nbody && !any; i++)
		any = !strcmp(st->body[i]->head, "when");
	if (!any)
		return st;
	when_list out = {NULL, 0, 0};
	flatten(c, st->body, st->nbody, &out, r, 0);
	ast_stmt *cp = arena_alloc(c->a, sizeof *cp);
	*cp = *st;
	cp->body = (ast_stmt **)out.items;
	cp->nbody = cp->cbody = out.n;
	return cp;
}
