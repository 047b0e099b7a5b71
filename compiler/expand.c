/*
 * expand.c - definitions and templates (see expand.h): loads files and their imports (each file
 * once, the stdlib as fallback), records const/style/template/hook definitions in the symbol
 * tables, and copies the main file's statements with every `use NAME(args)` replaced by the
 * template's body, its parameters bound to the arguments.
 */
#include "expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "asset.h"
#include "expr.h"
#include "parse.h"
#include "sym.h"
#include "value.h"

#define MAX_IMPORT_DEPTH 16
/* Statements that template expansion may produce in all: several hundred layers is a long video;
 * a million is a fan-out (t9 uses t8 ten times, ...) that would exhaust memory. */
#define MAX_EXPANDED 20000

/* Template parameters bound to argument values while a template body is copied. */
typedef struct subst {
	const char *const *names;
	const ast_value **vals;
	int n;
} subst_t;

static void define_const(checker_t *c, const ast_stmt *st)
{
	if (st->nargs != 2 || st->args[0]->kind != AV_IDENT) {
		diag_err(c->d, DE_MALFORMED, st->sp, "write a constant as: const NAME = value");
		return;
	}
	const char *name = st->args[0]->s;
	const_sym *prev = sym_const(c, name);
	if (prev) {
		diag_err(c->d, DE_DUPLICATE, st->args[0]->sp, "constant '%s' is defined twice", name);
		diag_note(c->d, prev->sp, "first defined here");
		return;
	}
	const_sym *k = ARENA_PUSH(c->a, c->consts, c->nconsts, c->cconsts);
	k->name = name;
	k->v = st->args[1];
	k->sp = st->args[0]->sp;
	sym_index_add(c, &c->iconsts, c->consts, sizeof(const_sym), c->nconsts);
	val_no_block(c, st);
}

/* style NAME [extends OTHER] { ... } and template NAME(params) { ... }: kept as statements,
 * applied (style.c) or copied (expand_use) where they are used. */
static void define_block(checker_t *c, const ast_stmt *st)
{
	int is_style = st->head[0] == 's';
	const ast_value *n = st->nargs ? st->args[0] : NULL;
	int ok = n && (is_style ? n->kind == AV_IDENT : n->kind == AV_CALL);
	if (!ok || !st->block) {
		diag_err(c->d, DE_MALFORMED, st->sp, is_style ? "write a style as: style NAME [extends OTHER] { ... }"
						  : "write a template as: template NAME(param: type, ...) { ... }");
		return;
	}
	const ast_stmt *prev = is_style ? sym_style(c, n->s) : sym_template(c, n->s);
	if (prev) {
		diag_err(c->d, DE_DUPLICATE, n->sp, "%s '%s' is defined twice", st->head, n->s);
		diag_note(c->d, prev->args[0]->sp, "first defined here");
		return;
	}
	stmt_sym *k = is_style ? ARENA_PUSH(c->a, c->styles, c->nstyles, c->cstyles)
			       : ARENA_PUSH(c->a, c->templates, c->ntemplates, c->ctemplates);
	k->name = n->s;
	k->st = st;
	if (is_style)
		sym_index_add(c, &c->istyles, c->styles, sizeof(stmt_sym), c->nstyles);
	else
		sym_index_add(c, &c->itemplates, c->templates, sizeof(stmt_sym), c->ntemplates);
}

static void define_hook(checker_t *c, const ast_stmt *st)
{
	if (st->nargs != 2 || st->args[0]->kind != AV_IDENT || st->args[1]->kind != AV_STR) {
		diag_err(c->d, DE_MALFORMED, st->sp, "write a hook as: hook NAME \"file.lua\"");
		return;
	}
	if (sym_hook(c, st->args[0]->s)) {
		diag_err(c->d, DE_DUPLICATE, st->args[0]->sp, "hook '%s' is defined twice", st->args[0]->s);
		return;
	}
	const char *p = asset_path(c, st->args[1], "Lua file", NULL);
	hook_sym *h = ARENA_PUSH(c->a, c->hooks, c->nhooks, c->chooks);
	h->name = st->args[0]->s;
	h->path = p ? p : "";
	h->sp = st->args[0]->sp;
	sym_index_add(c, &c->ihooks, c->hooks, sizeof(hook_sym), c->nhooks);
}

/* The definitions a file may hold besides imports. */
static const struct {
	const char *head;
	void (*define)(checker_t *c, const ast_stmt *st);
} defs[] = {
	{"const", define_const},
	{"style", define_block},
	{"template", define_block},
	{"hook", define_hook},
};

static int def_index(const char *head)
{
	for (int i = 0; i < COUNT(defs); i++)
		if (!strcmp(head, defs[i].head))
			return i;
	return -1;
}

ast_file *expand_load_file(checker_t *c, const char *path, const char *shown, span_t from,
			   int quiet_missing)
{
	char *real = realpath(path, NULL);
	if (real) {
		for (int i = 0; i < c->nfiles; i++)
			if (!strcmp(c->files[i], real)) {
				free(real);
				return NULL; /* already loaded: imports are idempotent */
			}
		*ARENA_PUSH(c->a, c->files, c->nfiles, c->cfiles) = arena_strdup(c->a, real);
		free(real);
	}
	size_t len = 0;
	char *text = NULL;
	vidc_err e;
	if (file_read(path, MAX_SPEC_BYTES, &text, &len, &e)) {
		if (!quiet_missing)
			diag_err(c->d, DE_UNREADABLE, from, "%s", e.msg);
		return NULL;
	}
	int id = diag_add_source(c->d, shown ? shown : path, text, len);
	free(text);
	return id < 0 ? NULL : parse_file(c->a, c->d, id);
}

static void import(checker_t *c, const ast_stmt *st, int depth)
{
	const char *rel;
	if (st->nargs != 1 || !val_str(c, st->args[0], &rel)) {
		if (st->nargs != 1)
			diag_err(c->d, DE_MALFORMED, st->sp, "write an import as: import \"file.vid\"");
		return;
	}
	if (depth >= MAX_IMPORT_DEPTH) {
		diag_err(c->d, DE_LIMIT, st->args[0]->sp, "imports nest more than %d deep (is there a cycle?)", MAX_IMPORT_DEPTH);
		return;
	}
	/* Beside the importing file, else in the stdlib; both inside the roots, and a file outside
	 * them is never opened (its lines would be quoted in the parse errors). */
	span_t sp = st->args[0]->sp;
	const char *p;
	const char *shown = asset_join(c, sp.file, rel);
	int rc = asset_resolve(c, sp, asset_dir(c, sp.file), rel, "imported file", &p);
	if (rc == VE_NOTFOUND && c->stdlib && rel[0] != '/') {
		shown = arena_printf(c->a, "%s/%s", c->stdlib, rel);
		rc = asset_resolve(c, sp, c->stdlib, rel, "imported file", &p);
	}
	if (rc == VE_NOTFOUND)
		diag_err(c->d, DE_FILE_NOT_FOUND, sp, "imported file '%s' not found (looked beside the importing file and in the stdlib)", rel);
	if (rc)
		return;
	ast_file *f = expand_load_file(c, p, shown, sp, 0);
	if (f)
		expand_defs(c, f, 1, depth + 1);
}

void expand_defs(checker_t *c, ast_file *f, int imported, int depth)
{
	for (int i = 0; i < f->n; i++) {
		const ast_stmt *st = f->stmts[i];
		int k = def_index(st->head);
		if (!strcmp(st->head, "import"))
			import(c, st, depth);
		else if (k >= 0)
			defs[k].define(c, st);
		else if (imported)
			diag_err(c->d, DE_MISPLACED, st->sp, "an imported file may hold only import, const, style, template and hook; '%s' belongs in the main spec", st->head);
	}
}

static ast_value *subst_value(checker_t *c, const ast_value *v, const subst_t *sb);

/* A call's copy with its arguments substituted (calls nest at most the parser's depth). */
static ast_value *copy_call(checker_t *c, const ast_value *v, const subst_t *sb)
{
	ast_value *n = arena_alloc(c->a, sizeof *n);
	*n = *v;
	if (v->nargs) {
		n->args = arena_alloc(c->a, sizeof(ast_arg) * (size_t)v->nargs);
		for (int i = 0; i < v->nargs; i++) {
			n->args[i] = v->args[i];
			if (v->args[i].v)
				n->args[i].v = subst_value(c, v->args[i].v, sb);
		}
	}
	return n;
}

/* A sum's copy: its chain of left operands is walked in a loop, so a sum of any length copies
 * without deep recursion (right operands are single terms). */
static ast_value *copy_sum(checker_t *c, const ast_value *v, const subst_t *sb)
{
	ast_value *top = NULL, **link = &top;
	const ast_value *w = v;
	for (; w->kind == AV_BINOP; w = w->lhs) {
		ast_value *n = arena_alloc(c->a, sizeof *n);
		*n = *w;
		n->rhs = subst_value(c, w->rhs, sb);
		*link = n;
		link = &n->lhs;
	}
	*link = subst_value(c, w, sb);
	return top;
}

/* v with template parameters replaced by their arguments; parts without parameters are shared. */
static ast_value *subst_value(checker_t *c, const ast_value *v, const subst_t *sb)
{
	if (v->kind == AV_IDENT && sb)
		for (int i = 0; i < sb->n; i++)
			if (!strcmp(sb->names[i], v->s))
				return (ast_value *)sb->vals[i];
	if (!sb || (v->kind != AV_CALL && v->kind != AV_BINOP))
		return (ast_value *)v;
	return v->kind == AV_CALL ? copy_call(c, v, sb) : copy_sum(c, v, sb);
}

static int is_time_unit(unit_kind u)
{
	return u == UNIT_S || u == UNIT_MS || u == UNIT_F;
}

static int fits_string(const ast_value *r)
{
	return r->kind == AV_STR;
}

static int fits_number(const ast_value *r)
{
	return r->kind == AV_NUM && (r->unit == UNIT_NONE || r->unit == UNIT_PCT);
}

static int fits_duration(const ast_value *r)
{
	return r->kind == AV_NUM && is_time_unit(r->unit);
}

static int fits_time(const ast_value *r)
{
	return (r->kind == AV_NUM && (is_time_unit(r->unit) || r->unit == UNIT_PCT)) ||
	       r->kind == AV_CALL || r->kind == AV_BINOP;
}

static int fits_length(const ast_value *r)
{
	return r->kind == AV_NUM && (r->unit == UNIT_PX || r->unit == UNIT_PCT || r->unit == UNIT_SA);
}

static int fits_color(const ast_value *r)
{
	return r->kind == AV_COLOR;
}

static int fits_name(const ast_value *r)
{
	return r->kind == AV_IDENT;
}

static int fits_any(const ast_value *r)
{
	return 1;
}

/* Template parameter types and what fits each; the checks where a value is used say more. */
static const char *const param_types[] = {"string", "number", "duration", "time", "length",
					  "color", "path", "name", "any"};
static int (*const param_fits[])(const ast_value *) = {
	fits_string, fits_number, fits_duration, fits_time, fits_length,
	fits_color, fits_string, fits_name, fits_any};

/* Whether value v fits template parameter type ti (declared at decl); reports at v, with a note
 * at the parameter, if not. */
static int arg_fits(checker_t *c, const ast_value *v, int ti, const char *param, const char *tmpl,
		    span_t decl)
{
	/* Arithmetic (SPEC §18.6) is checked where the value is used: `100% - 40px` is a length
	 * only once the property gives it an axis, `50% + 1s` a time only as a time. */
	const ast_value *r = sym_follow(c, v);
	if (expr_is_arith(r) && param_fits[ti] != fits_string && param_fits[ti] != fits_color &&
	    param_fits[ti] != fits_name)
		return 1;
	int ok = param_fits[ti](r);
	if (!ok) {
		diag_err(c->d, DE_WRONG_TYPE, v->sp, "argument '%s' of template '%s' must be a %s, found %s", param,
			   tmpl, param_types[ti], val_describe(c, r));
		diag_note(c->d, decl, "'%s' is declared here as a %s", param, param_types[ti]);
	} else if (!strcmp(param_types[ti], "path") && c->o->check_assets)
		asset_path(c, v, "file", NULL);
	return ok;
}

/* A template's parameters: names and type indices; 0 after reporting a malformed one. */
static int template_params(checker_t *c, const ast_value *sig, const char **names, int *types)
{
	for (int i = 0; i < sig->nargs; i++) {
		const ast_arg *p = &sig->args[i];
		if (!p->name || !p->type) {
			diag_err(c->d, DE_MALFORMED, p->sp, "template parameter %d needs a name and a type (name: type)", i + 1);
			return 0;
		}
		if (!val_enum(c, &(ast_value){.kind = AV_IDENT, .sp = p->sp, .s = p->type},
			      "parameter type", param_types, COUNT(param_types), &types[i]))
			return 0;
		names[i] = p->name;
	}
	return 1;
}

/* A note at a template's parameter list naming every parameter. */
static void param_list_note(checker_t *c, const char *tmpl, const ast_value *sig, const char **names,
			    int np)
{
	char list[512] = "";
	size_t len = 0;
	for (int k = 0; k < np && len < sizeof list; k++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", names[k]);
	if (np)
		diag_note(c->d, sig->sp, "template '%s' takes %s", tmpl, list);
	else
		diag_note(c->d, sig->sp, "template '%s' takes no arguments", tmpl);
}

/* The slot of call argument i (positional until the first named one), or -1 after an error. An
 * unknown name gets a note at the parameter it probably meant, or at the parameter list. */
static int arg_slot(checker_t *c, const ast_value *call, const ast_value *sig, int i,
		    const char **names, int np, int *positional)
{
	const ast_arg *a = &call->args[i];
	if (a->name) {
		*positional = 0;
		int slot = -1;
		for (int k = 0; k < np; k++)
			if (!strcmp(names[k], a->name))
				slot = k;
		if (slot < 0) {
			const char *sug = diag_suggest(a->name, names, np);
			if (sug) {
				diag_err(c->d, DE_UNKNOWN_PARAMETER, a->sp, "template '%s' has no parameter '%s' (did you mean '%s'?)", call->s, a->name, sug);
				diag_fixit_word(c->d, a->sp, a->name, sug);
				for (int k = 0; k < np; k++)
					if (names[k] == sug)
						diag_note(c->d, sig->args[k].sp, "'%s' is declared here", sug);
			} else {
				diag_err(c->d, DE_UNKNOWN_PARAMETER, a->sp, "template '%s' has no parameter '%s'", call->s, a->name);
				param_list_note(c, call->s, sig, names, np);
			}
		}
		return slot;
	}
	if (!*positional) {
		diag_err(c->d, DE_BAD_ARGUMENTS, a->sp, "a positional argument cannot follow a named one");
		return -1;
	}
	return i;
}

/* Binds the arguments of call to the parameters of template t into vals (defaults filled in);
 * 0 after reporting any problem. */
static int bind_args(checker_t *c, const ast_stmt *t, const ast_value *call, const subst_t *outer,
		     const char **names, const ast_value **vals)
{
	const ast_value *sig = t->args[0];
	int np = sig->nargs;
	int *types = arena_alloc(c->a, sizeof(int) * (size_t)(np + 1));
	int *given = arena_alloc(c->a, sizeof(int) * (size_t)(np + 1)); /* call argument of each slot */
	if (!template_params(c, sig, names, types))
		return -1;
	int ok = 1, positional = 1;
	for (int i = 0; i < call->nargs; i++) {
		const ast_arg *a = &call->args[i];
		if (a->type || !a->v) {
			diag_err(c->d, DE_MALFORMED, a->sp, "an argument is a value or name = value");
			ok = 0;
			continue;
		}
		if (!a->name && positional && i >= np) {
			diag_err(c->d, DE_BAD_ARGUMENTS, a->sp, "template '%s' takes %d argument%s, found %d", call->s, np, np == 1 ? "" : "s", call->nargs);
			param_list_note(c, call->s, sig, names, np);
			ok = 0;
			break;
		}
		int slot = arg_slot(c, call, sig, i, names, np, &positional);
		if (slot < 0) {
			ok = 0;
			continue;
		}
		if (vals[slot]) {
			diag_err(c->d, DE_DUPLICATE, a->sp, "argument '%s' is given twice", names[slot]);
			diag_note(c->d, call->args[given[slot]].sp, "'%s' is first given here", names[slot]);
			ok = 0;
			continue;
		}
		given[slot] = i;
		const ast_value *v = subst_value(c, a->v, outer);
		vals[slot] = v;
		if (!arg_fits(c, v, types[slot], names[slot], call->s, sig->args[slot].sp))
			ok = 0;
	}
	for (int i = 0; i < np; i++) {
		if (vals[i])
			continue;
		if (sig->args[i].v) {
			vals[i] = sig->args[i].v;
			continue;
		}
		diag_err(c->d, DE_MISSING, call->sp, "template '%s' needs argument '%s' (%s)", call->s, names[i], sig->args[i].type);
		diag_note(c->d, sig->args[i].sp, "'%s' is declared here", names[i]);
		ok = 0;
	}
	return ok;
}

/* Whether template `name` may be expanded at this depth: not already being expanded (a cycle),
 * not too deep. Reports at sp if not. */
static int may_expand(checker_t *c, const char *name, span_t sp, int depth)
{
	for (int i = 0; i < depth && i < MAX_EXPAND_DEPTH; i++)
		if (!strcmp(c->active[i], name)) {
			char chain[512] = "";
			size_t len = 0;
			for (int k = i; k < depth && len < sizeof chain; k++)
				len += (size_t)snprintf(chain + len, sizeof chain - len, "'%s' uses ", c->active[k]);
			if (len < sizeof chain)
				snprintf(chain + len, sizeof chain - len, "'%s'", name);
			diag_err(c->d, DE_LIMIT, sp, "template '%s' uses itself (%s)", name, chain);
			return 0;
		}
	if (depth >= MAX_EXPAND_DEPTH) {
		diag_err(c->d, DE_LIMIT, sp, "templates expand more than %d deep", MAX_EXPAND_DEPTH);
		return 0;
	}
	return 1;
}

/* Instantiates `use NAME(args)`: checks the arguments against the parameters, then copies the
 * template's body with the parameters bound. */
static void expand_into(checker_t *c, ast_stmt *const *in, int n, stmt_list *out,
			const subst_t *sb, int depth, int top);

static void expand_use(checker_t *c, const ast_stmt *use, stmt_list *out, const subst_t *outer,
		       int depth, int top)
{
	if (use->nargs != 1 || use->args[0]->kind != AV_CALL) {
		diag_err(c->d, DE_MALFORMED, use->sp, "write a template use as: use NAME(arg, name = arg, ...)");
		return;
	}
	const ast_value *call = use->args[0];
	/* Every use counts against the expansion budget, found or not: a template that uses an
	 * unknown one ten times, used ten times, ... would otherwise repeat one error 10^depth times. */
	if (c->expand_failed)
		return;
	if (depth > 0 && ++c->expanded > MAX_EXPANDED) {
		c->expand_failed = 1;
		diag_err(c->d, DE_LIMIT, use->sp, "templates expand to more than %d statements", MAX_EXPANDED);
		return;
	}
	const ast_stmt *t = val_known_stmt(c, call->sp, "template", call->s, sym_template(c, call->s), c->templates,
							c->ntemplates);
	if (!t)
		return;
	if (!may_expand(c, call->s, call->sp, depth) || c->expand_failed)
		return;
	int np = t->args[0]->nargs;
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(np + 1));
	const ast_value **vals = arena_alloc(c->a, sizeof(ast_value *) * (size_t)(np + 1));
	if (bind_args(c, t, call, outer, names, vals) <= 0)
		return;
	subst_t sb = {names, vals, np};
	int first = out->n;
	c->active[depth] = call->s;
	expand_into(c, t->body, t->nbody, out, &sb, depth + 1, top);
	for (int i = first; i < out->n; i++)
		if (!out->items[i]->from_use)
			out->items[i]->from_use = use;
}

/* Copies a list of statements into out, expanding `use` and binding template parameters. */
static void expand_into(checker_t *c, ast_stmt *const *in, int n, stmt_list *out,
			const subst_t *sb, int depth, int top)
{
	for (int i = 0; i < n; i++) {
		const ast_stmt *st = in[i];
		if (!strcmp(st->head, "use")) {
			expand_use(c, st, out, sb, depth, top);
			continue;
		}
		/* Definitions live at the top of a file (where expand_defs took them); `style` inside
		 * a block is the text property. */
		int def = (def_index(st->head) >= 0 || !strcmp(st->head, "import")) &&
			  (strcmp(st->head, "style") || st->block);
		if (def && top) {
			if (sb)
				diag_err(c->d, DE_MISPLACED, st->sp, "'%s' cannot appear inside a template", st->head);
			continue; /* definitions were loaded already */
		}
		if (c->expand_failed)
			return;
		if (sb && ++c->expanded > MAX_EXPANDED) {
			c->expand_failed = 1;
			diag_err(c->d, DE_LIMIT, st->sp, "templates expand to more than %d statements", MAX_EXPANDED);
			return;
		}
		ast_stmt *cp = arena_alloc(c->a, sizeof *cp);
		*cp = *st;
		if (sb && st->nargs) {
			cp->args = arena_alloc(c->a, sizeof(ast_value *) * (size_t)st->nargs);
			for (int k = 0; k < st->nargs; k++)
				cp->args[k] = subst_value(c, st->args[k], sb);
		}
		stmt_list body = {NULL, 0, 0};
		expand_into(c, st->body, st->nbody, &body, sb, depth, 0);
		cp->body = body.items;
		cp->nbody = body.n;
		cp->cbody = body.cap;
		*ARENA_PUSH(c->a, out->items, out->n, out->cap) = cp;
	}
}

void expand_file(checker_t *c, const ast_file *f, stmt_list *out)
{
	expand_into(c, f->stmts, f->n, out, NULL, 0, 1);
}
