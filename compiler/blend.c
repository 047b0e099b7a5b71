/*
 * blend.c - the `blend` and `gradient` layer properties (see blend.h). The maths they ask of
 * the runtime is in runtime/blend.c and runtime/gradient.c; here only the spec's values are
 * read and checked, each problem reported at the value that causes it.
 */
#include "blend.h"

#include <string.h>

#include "../base/arena.h"
#include "value.h"

int blend_read_mode(checker_t *c, const ast_stmt *st, ir_blend *out)
{
	int i;
	if (!val_enum(c, st->args[0], "blend mode", ir_blend_names, IR_BLEND_COUNT, &i))
		return 0;
	*out = (ir_blend)i;
	return 1;
}

/* Positions the spec left out: the first stop at 0 %, the last at 100 %, the others spread
 * evenly between the written ones around them (as CSS does). */
static void fill_positions(ir_gradient *g, const int *given)
{
	if (!given[0])
		g->pos[0] = 0;
	if (!given[g->nstops - 1])
		g->pos[g->nstops - 1] = 1;
	for (int i = 1; i < g->nstops - 1; i++) {
		if (given[i])
			continue;
		int j = i + 1;
		while (j < g->nstops - 1 && !given[j])
			j++;
		double a = g->pos[i - 1], b = g->pos[j];
		for (int k = i; k < j; k++)
			g->pos[k] = a + (b - a) * (k - i + 1) / (j - i + 1);
		i = j - 1;
	}
}

/* The stops from st->args[first]: COLOUR [POSITION], ... Returns 1 when they are all good. */
static int read_stops(checker_t *c, const ast_stmt *st, int first, ir_gradient *g)
{
	int given[IR_MAX_STOPS] = {0}, ok = 1;
	span_t at[IR_MAX_STOPS];
	for (int i = first; i < st->nargs; i++) {
		if (g->nstops == IR_MAX_STOPS) {
			diag_err(c->d, DE_LIMIT, st->args[i]->sp, "a gradient has at most %d colour stops", IR_MAX_STOPS);
			return 0;
		}
		int n = g->nstops++;
		if (!val_color(c, st->args[i], &g->color[n]))
			return 0;
		const ast_value *v = i + 1 < st->nargs ? val_resolve(c, st->args[i + 1]) : NULL;
		if (!v || v->kind != AV_NUM)
			continue;
		i++;
		if (!val_scalar(c, st->args[i], &g->pos[n]))
			return 0;
		at[n] = st->args[i]->sp;
		given[n] = 1;
		if (g->pos[n] < 0 || g->pos[n] > 1) {
			diag_err(c->d, DE_BAD_ARGUMENTS, at[n], "a colour stop's position must be between 0%% and 100%%");
			ok = 0;
		}
		for (int j = n - 1; j >= 0 && ok; j--)
			if (given[j] && g->pos[j] > g->pos[n]) {
				diag_err(c->d, DE_BAD_ARGUMENTS, at[n], "colour stops must come in order: %g%% comes after %g%%",
					 g->pos[n] * 100, g->pos[j] * 100);
				diag_note(c->d, at[j], "the earlier stop is here");
				ok = 0;
				break;
			}
	}
	if (ok && g->nstops < 2) {
		diag_err(c->d, DE_BAD_ARGUMENTS, st->sp, "a gradient needs at least 2 colour stops, found %d", g->nstops);
		return 0;
	}
	if (ok)
		fill_positions(g, given);
	return ok;
}

ir_gradient *blend_read_gradient(checker_t *c, const ast_stmt *st)
{
	static const char *const kinds[] = {"linear", "radial"};
	if (!val_want_args(c, st, 2, 2 + 2 * IR_MAX_STOPS, "linear or radial, an angle (linear), then colour stops: COLOUR [POSITION] ..."))
		return NULL;
	ir_gradient *g = arena_alloc(c->a, sizeof *g);
	int kind, first = 1;
	if (!g || !val_enum(c, st->args[0], "gradient", kinds, 2, &kind))
		return NULL;
	memset(g, 0, sizeof *g);
	g->radial = kind;
	g->angle = 180; /* CSS's default: towards the bottom */
	const ast_value *a = val_resolve(c, st->args[1]);
	if (!g->radial && a->kind == AV_NUM) {
		if (a->unit != UNIT_DEG) {
			val_expected(c, a, "an angle in deg (90deg is towards the right)");
			return NULL;
		}
		if (!val_finite(c, a))
			return NULL;
		g->angle = a->num;
		first = 2;
	}
	return read_stops(c, st, first, g) ? g : NULL;
}
