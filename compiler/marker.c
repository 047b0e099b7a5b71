/*
 * marker.c - named markers (see marker.h). A marker is known from its statement on: the scenes
 * are read in order and a scene's length may itself come from a marker, so a later one cannot
 * be looked up without a cycle. Its name may not be a constant's (a constant would shadow it).
 */
#include "marker.h"

#include <string.h>

#include "anchor.h"
#include "sym.h"
#include "value.h"

static int is_marker(const ast_stmt *st)
{
	return !strcmp(st->head, "marker");
}

static void declare(checker_t *c, const ast_stmt *st)
{
	if (is_marker(st) && st->nargs >= 1 && st->args[0]->kind == AV_IDENT && !marker_decl(c, st->args[0]->s))
		*ARENA_PUSH(c->a, c->marker_decls, c->nmarker_decls, c->cmarker_decls) = st;
}

void marker_declare(checker_t *c, ast_stmt *const *st, int n)
{
	c->nmarker_decls = 0;
	for (int i = 0; i < n; i++) {
		declare(c, st[i]);
		if (!strcmp(st[i]->head, "scene"))
			for (int k = 0; k < st[i]->nbody; k++)
				declare(c, st[i]->body[k]);
	}
}

const ast_stmt *marker_decl(const checker_t *c, const char *name)
{
	for (int i = 0; i < c->nmarker_decls; i++)
		if (!strcmp(c->marker_decls[i]->args[0]->s, name))
			return c->marker_decls[i];
	return NULL;
}

void marker_read(checker_t *c, const ast_stmt *st, double base, double span, int scope)
{
	val_no_block(c, st);
	if (st->nargs != 3 || st->args[0]->kind != AV_IDENT || st->args[1]->kind != AV_IDENT ||
	    strcmp(st->args[1]->s, "at")) {
		diag_err(c->d, DE_MALFORMED, st->nargs ? st->args[0]->sp : st->sp, "write a marker as: marker NAME at TIME (marker drop at 2.5s)");
		return;
	}
	const char *name = st->args[0]->s;
	spec_t *s = c->s;
	for (int i = 0; i < s->nmarkers; i++)
		if (s->markers[i].scope == scope && !strcmp(s->markers[i].name, name)) {
			diag_err(c->d, DE_DUPLICATE, st->args[0]->sp, "marker '%s' is set twice", name);
			diag_note(c->d, s->markers[i].sp, "first set here");
			return;
		}
	const_sym *k = sym_const(c, name);
	if (k) {
		diag_err(c->d, DE_DUPLICATE, st->args[0]->sp, "marker '%s' has the name of a constant, which would stand for it", name);
		diag_note(c->d, k->sp, "the constant is defined here");
		return;
	}
	double t;
	if (!anchor_time(c, st->args[2], base, span, &t))
		return;
	if (t < 0 || t > MAX_SECONDS) {
		diag_err(c->d, DE_TIMING, st->args[2]->sp, "marker '%s' is at %.3fs, outside the video", name, t);
		return;
	}
	*ARENA_PUSH(c->a, s->markers, s->nmarkers, s->cmarkers) = (mmarker){name, t, st->args[0]->sp, scope};
}
