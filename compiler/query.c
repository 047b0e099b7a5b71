/*
 * query.c - the editor's questions (query.h) on a compiled spec: the checker as it ended
 * (model.h's kept: symbols, the main file's AST) and the checked timeline. Where the cursor is
 * comes from the main file's tokens (the lexer's spans), not from the AST: a spec being typed
 * is often broken there, and the tokens still say which blocks are open around the cursor.
 */
#include "query.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchor.h"
#include "asset.h"
#include "check.h"
#include "checker.h"
#include "layer.h"
#include "lex.h"
#include "scene.h"
#include "shape.h"
#include "style.h"
#include "sym.h"

/* Blocks open around the cursor that are remembered: deeper ones do not occur in a spec. */
#define QUERY_MAX_DEPTH 32

/* Where the cursor is, from the tokens before it. */
typedef struct {
	const char *block[QUERY_MAX_DEPTH]; /* the heads of the open blocks, outermost first */
	int depth;
	const char *head;      /* the statement the cursor is in; NULL at a statement's start */
	int nargs;             /* tokens of that statement before the cursor's */
	const char *call;      /* the call whose parentheses hold the cursor, or NULL */
	const char *prev;      /* the identifier before the cursor's token in the statement */
	token_t at;            /* the token under the cursor (TK_EOF: none) */
	int at_head;           /* the cursor is on the statement's first word */
} qctx;

/* ---- the cursor --------------------------------------------------------------------------- */

/* The byte offset of (line, col) in text, clamped to its line. */
static size_t offset_of(const char *text, size_t len, int line, int col)
{
	size_t p = 0;
	for (int l = 1; l < line && p < len; p++)
		if (text[p] == '\n')
			l++;
	for (int k = 1; k < col && p < len && text[p] != '\n'; k++)
		p++;
	return p;
}

/* Whether token t holds the cursor: inside it, or just after a word being typed. */
static int holds(const token_t *t, size_t cur)
{
	size_t a = (size_t)t->sp.off, b = a + (size_t)t->sp.len;
	if (t->kind == TK_IDENT)
		return a <= cur && cur <= b;
	if (t->kind == TK_STRING) /* between the quotes (an unterminated one runs to the line's end) */
		return a < cur && cur <= b;
	return 0;
}

/* One token before (or under) the cursor. */
static void ctx_token(qctx *x, const token_t *t, int *start, int *paren, const char **calls)
{
	switch (t->kind) {
	case TK_NEWLINE:
		*start = 1;
		return;
	case TK_LBRACE:
		if (x->depth < QUERY_MAX_DEPTH)
			x->block[x->depth] = x->head ? x->head : "";
		x->depth++;
		*start = 1;
		return;
	case TK_RBRACE:
		x->depth -= x->depth > 0;
		*start = 1;
		return;
	case TK_LPAREN:
		if (*paren < QUERY_MAX_DEPTH)
			calls[*paren] = x->prev;
		++*paren;
		break;
	case TK_RPAREN:
		*paren -= *paren > 0;
		break;
	default:
		break;
	}
	if (*start) {
		*start = 0;
		*paren = 0;
		x->head = t->kind == TK_IDENT ? t->text : NULL;
		x->nargs = 0;
		x->prev = NULL;
		if (t->kind == TK_IDENT)
			x->prev = t->text;
		return;
	}
	x->nargs++;
	if (t->kind == TK_IDENT)
		x->prev = t->text;
}

/* Reads the main file's tokens up to the cursor into x. a gets the lexer's strings, d
 * its complaints (the spec's diagnostics already hold them). */
static void ctx_read(const char *text, size_t len, size_t cur, arena_t *a, diag_sink *d, int file, qctx *x)
{
	memset(x, 0, sizeof *x);
	lexer_t lx;
	lex_init(&lx, a, d, file, text, len);
	int start = 1, paren = 0;
	const char *calls[QUERY_MAX_DEPTH] = {0};
	for (;;) {
		token_t t = lex_next(&lx);
		if (t.kind == TK_EOF || (size_t)t.sp.off > cur || ((size_t)t.sp.off == cur && !holds(&t, cur)))
			break;
		if (holds(&t, cur)) {
			x->at = t;
			break;
		}
		ctx_token(x, &t, &start, &paren, calls);
	}
	if (!holds(&x->at, cur))
		x->at.kind = TK_EOF;
	/* at a statement's start the word being typed is not yet a head: the block decides */
	x->at_head = start && (x->at.kind == TK_EOF || x->at.kind == TK_IDENT);
	if (start)
		x->head = NULL;
	x->call = paren > 0 && paren <= QUERY_MAX_DEPTH ? calls[paren - 1] : NULL;
}

/* ---- completion --------------------------------------------------------------------------- */

static int add(query_items *q, const char *label, query_item_kind kind, const char *detail)
{
	if (!label || !*label)
		return 0;
	for (int i = 0; i < q->n; i++)
		if (!strcmp(q->items[i].label, label))
			return 0;
	if (q->n == q->cap) {
		int cap = q->cap ? 2 * q->cap : 32;
		query_item *it = realloc(q->items, sizeof *it * (size_t)cap);
		if (!it)
			return -1;
		q->items = it;
		q->cap = cap;
	}
	q->items[q->n++] = (query_item){label, kind, detail};
	return 0;
}

void query_items_free(query_items *q)
{
	free(q->items);
	*q = (query_items){NULL, 0, 0};
}

/* Names from one of the checker's iterators (NULL ends it, "" skips). */
static int add_names(query_items *q, const char *(*name)(int i), query_item_kind kind, const char *detail)
{
	int rc = 0;
	for (int i = 0; name(i) && !rc; i++)
		rc = add(q, name(i), kind, detail);
	return rc;
}

static const char *voice_prop(int i)
{
	return check_audio_prop(i, 1);
}

static const char *music_prop(int i)
{
	return check_audio_prop(i, 0);
}

static const char *style_name(int i)
{
	return i < style_nprops() ? style_prop_name(i) : NULL;
}

/* The properties of a layer of kind k (layer_kind), and a text layer's text properties. */
static int add_layer_props(query_items *q, int k)
{
	const char *kind = layer_kind_name(k);
	int rc = 0;
	for (int i = 0; layer_prop_name(i, k) && !rc; i++)
		rc = add(q, layer_prop_name(i, k), QI_PROPERTY, kind);
	if (!rc && kind && !strcmp(kind, "text"))
		rc = add_names(q, style_name, QI_PROPERTY, "text");
	/* a group (§18.1) holds layers, and templates that give some */
	for (int i = 0; kind && !strcmp(kind, "group") && i < layer_nkinds() && !rc; i++)
		rc = add(q, layer_kind_name(i), QI_STATEMENT, "layer");
	if (!rc && kind && !strcmp(kind, "group"))
		rc = add(q, "use", QI_STATEMENT, "a template");
	if (!rc && kind && !strcmp(kind, "shape"))
		rc = add_names(q, shape_prop_name, QI_PROPERTY, "shape");
	return rc;
}

/* What a scene (or an overlay, or a template's body) takes: layers, its own statements, use. */
static int add_scene_stmts(query_items *q)
{
	int rc = 0;
	for (int i = 0; i < layer_nkinds() && !rc; i++)
		rc = add(q, layer_kind_name(i), QI_STATEMENT, "layer");
	if (!rc)
		rc = add_names(q, scene_prop_name, QI_STATEMENT, "scene");
	if (!rc)
		rc = add(q, "marker", QI_STATEMENT, "a named moment");
	if (!rc)
		rc = add(q, "when", QI_STATEMENT, "statements for some presets");
	return rc ? rc : add(q, "use", QI_STATEMENT, "a template");
}

static int add_video(query_items *q)
{
	return add_names(q, check_video_prop, QI_PROPERTY, "video");
}

static int add_voice(query_items *q)
{
	return add_names(q, voice_prop, QI_PROPERTY, "voice");
}

static int add_music(query_items *q)
{
	return add_names(q, music_prop, QI_PROPERTY, "music");
}

static int add_style(query_items *q)
{
	return add_names(q, style_name, QI_PROPERTY, "style");
}

static int add_top(query_items *q)
{
	return add_names(q, check_top_name, QI_STATEMENT, "top level");
}

/* A template's body is used at the top level or in a scene. */
static int add_template(query_items *q)
{
	int rc = add_scene_stmts(q);
	return rc ? rc : add_top(q);
}

/* The top-level blocks; any deeper one is a layer's (a video layer is not the video block). */
static const struct {
	const char *head;
	int (*add)(query_items *q);
} top_blocks[] = {
	{"video", add_video},	  {"voice", add_voice},	     {"music", add_music},
	{"style", add_style},	  {"scene", add_scene_stmts}, {"overlay", add_scene_stmts},
	{"template", add_template},
};

/* The statements the innermost open block takes (x->depth 0: the top level's). */
static int add_block(query_items *q, const qctx *x)
{
	if (x->depth == 0)
		return add_top(q);
	if (x->depth > QUERY_MAX_DEPTH)
		return 0;
	const char *block = x->block[x->depth - 1];
	for (int i = 0; x->depth == 1 && i < COUNT(top_blocks); i++)
		if (!strcmp(block, top_blocks[i].head))
			return top_blocks[i].add(q);
	int k = layer_kind(block);
	return k >= 0 && x->depth > 1 ? add_layer_props(q, k) : 0;
}

/* Where a hook comes from decides what it is offered as: the stdlib's effects/ and
 * transitions/ folders say; a spec's own hooks may be either. */
static int hook_outside(const hook_sym *h, const char *folder)
{
	return !strstr(h->path, folder);
}

static int add_hooks(checker_t *c, query_items *q, query_item_kind kind, const char *not_in)
{
	int rc = 0;
	for (int i = 0; i < c->nhooks && !rc; i++)
		if (hook_outside(&c->hooks[i], not_in))
			rc = add(q, c->hooks[i].name, kind, c->hooks[i].path);
	return rc;
}

static int add_transitions(checker_t *c, query_items *q)
{
	int rc = 0;
	for (int i = 0; i < IR_TR_COUNT && !rc; i++)
		if (ir_transitions[i].flags & IR_TRF_BUILTIN)
			rc = add(q, ir_transitions[i].name, QI_TRANSITION, "built-in transition");
	return rc ? rc : add_hooks(c, q, QI_TRANSITION, "/effects/");
}

static int add_syms(checker_t *c, query_items *q, const stmt_sym *syms, int n, query_item_kind kind)
{
	int rc = 0;
	for (int i = 0; i < n && !rc; i++)
		rc = add(q, syms[i].name, kind, diag_source_path(c->d, syms[i].st->file));
	return rc;
}

/* A word of the narration without the punctuation around it, in the arena. */
static const char *bare_word(checker_t *c, const char *w)
{
	size_t n = strlen(w);
	while (n && ispunct((unsigned char)w[n - 1]))
		n--;
	while (n && ispunct((unsigned char)*w))
		w++, n--;
	return n ? arena_strndup(c->a, w, n) : NULL;
}

/* The narration's words (each once, case aside) or its sections. */
static int add_narration(checker_t *c, query_items *q, int sections)
{
	const timing_t *t = c->s->timing;
	int rc = 0;
	for (int i = 0; t && sections && i < t->nsections && !rc; i++)
		rc = add(q, t->sections[i].name, QI_SECTION, "section of the narration");
	for (int i = 0; t && !sections && i < t->nwords && !rc; i++) {
		const char *w = bare_word(c, t->words[i].text);
		int seen = !w;
		for (int k = 0; k < q->n && !seen; k++)
			seen = !strcasecmp(q->items[k].label, w);
		if (!seen)
			rc = add(q, w, QI_WORD, arena_printf(c->a, "at %.2fs", c->s->voice_start + t->words[i].start));
	}
	return rc;
}

/* The anchor functions whose text argument is words, and those whose is a section name. */
static const char *const word_calls[] = {"word", "word_end", "sentence", "sentence_end"};
static const char *const section_calls[] = {"section", "section_end"};

static int among(const char *name, const char *const *names, int n)
{
	for (int i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

/* An argument: the names that statement takes there. */
static int add_argument(checker_t *c, const qctx *x, query_items *q)
{
	const char *h = x->head;
	if (!h)
		return 0;
	if (!strcmp(h, "use"))
		return add_syms(c, q, c->templates, c->ntemplates, QI_TEMPLATE);
	if ((!strcmp(h, "style") && x->depth > 0) || (x->prev && !strcmp(x->prev, "extends")))
		return add_syms(c, q, c->styles, c->nstyles, QI_STYLE);
	if (!strcmp(h, "effect") || !strcmp(h, "draw"))
		return add_hooks(c, q, QI_EFFECT, "/transitions/");
	if (!strcmp(h, "transition") && x->nargs <= 1)
		return add_transitions(c, q);
	return 0;
}

/* The checker as it ended, and where (line, col) is in the main file: 1, 0 when the spec has no
 * main file, -1 when out of memory. The tokens' strings go to the spec's arena (a few bytes a
 * question); the lexer's complaints to a sink of their own (the spec's sink has them). */
static int query_at(const spec_t *s, int line, int col, checker_t *c, qctx *x)
{
	if (!s || !s->kept || !s->kept->main_file)
		return 0;
	*c = *s->kept;
	size_t len;
	const char *text = diag_source_text(c->d, c->main_file->file, &len);
	if (!text)
		return 0;
	diag_sink *d = diag_new();
	int id = d ? diag_add_source(d, "", text, len) : -1;
	if (id >= 0)
		ctx_read(text, len, offset_of(text, len, line, col), c->a, d, id, x);
	diag_free(d);
	return id >= 0 ? 1 : -1;
}

int query_complete(const spec_t *s, int line, int col, query_items *out)
{
	checker_t c;
	qctx x;
	int rc = query_at(s, line, col, &c, &x);
	if (rc <= 0)
		return rc;
	if (x.at.kind == TK_STRING && among(x.call, word_calls, COUNT(word_calls)))
		return add_narration(&c, out, 0);
	if (x.at.kind == TK_STRING && (among(x.call, section_calls, COUNT(section_calls)) ||
				       (x.head && !strcmp(x.head, "narrates"))))
		return add_narration(&c, out, 1);
	if (x.at.kind == TK_STRING)
		return 0;
	return x.at_head ? add_block(out, &x) : add_argument(&c, &x, out);
}

/* ---- hover -------------------------------------------------------------------------------- */

/* The marker called name (SPEC §18.6; the last one set, as a time naming it reads), or NULL. */
static const mmarker *marker_named(const spec_t *s, const char *name)
{
	for (int i = s->nmarkers - 1; i >= 0; i--)
		if (!strcmp(s->markers[i].name, name))
			return &s->markers[i];
	return NULL;
}

static void in_scene(checker_t *c, double t, query_time *out);

/* Hover on a marker's name: its moment. */
static int marker_hover(const spec_t *s, int line, int col, query_time *out)
{
	checker_t c;
	qctx x;
	if (query_at(s, line, col, &c, &x) <= 0 || x.at.kind != TK_IDENT || !x.at.text)
		return 0;
	const mmarker *m = marker_named(s, x.at.text);
	if (!m)
		return 0;
	*out = (query_time){arena_printf(c.a, "marker %s", m->name), m->t, m->t, NULL, 0, 0, m->sp};
	in_scene(&c, m->t, out);
	return 1;
}

static int span_holds(span_t sp, int file, size_t cur)
{
	return sp.file == file && (size_t)sp.off <= cur && cur <= (size_t)sp.off + (size_t)sp.len;
}

/* The speech anchor call at cur among v and what it holds; NULL when none. A sum is walked
 * along its left side in a loop (anchor.c's reason: they may be long). */
static const ast_value *anchor_at(const ast_value *v, int file, size_t cur, int depth)
{
	for (; v && depth < QUERY_MAX_DEPTH; v = v->lhs) {
		if (v->kind == AV_CALL) {
			if (span_holds(v->sp, file, cur) &&
			    (among(v->s, word_calls, COUNT(word_calls)) || among(v->s, section_calls, COUNT(section_calls))))
				return v;
			for (int i = 0; i < v->nargs; i++) {
				const ast_value *a = anchor_at(v->args[i].v, file, cur, depth + 1);
				if (a)
					return a;
			}
		}
		if (v->kind != AV_BINOP)
			return NULL;
		const ast_value *r = anchor_at(v->rhs, file, cur, depth + 1);
		if (r)
			return r;
	}
	return NULL;
}

static const ast_value *stmt_anchor(const ast_stmt *st, int file, size_t cur, int depth)
{
	for (int i = 0; i < st->nargs; i++) {
		const ast_value *a = anchor_at(st->args[i], file, cur, 0);
		if (a)
			return a;
	}
	for (int i = 0; i < st->nbody && depth < QUERY_MAX_DEPTH; i++) {
		const ast_value *a = stmt_anchor(st->body[i], file, cur, depth + 1);
		if (a)
			return a;
	}
	return NULL;
}

/* The scene t falls in (the last one starting at or before it). */
static void in_scene(checker_t *c, double t, query_time *out)
{
	const mscene *hit = NULL;
	for (int i = 0; i < c->s->nscenes; i++)
		if (checker_sec(c, c->s->scenes[i].f0) <= t + 1e-9)
			hit = &c->s->scenes[i];
	out->scene = hit ? hit->name : NULL;
	out->scene_start = hit ? checker_sec(c, hit->f0) : 0;
	out->scene_end = hit ? checker_sec(c, hit->f1) : 0;
}

/* An anchor's start and end: word("x") runs to word_end("x"), and so on. Errors go to a
 * scratch sink: the spec's own already say what is wrong. */
static int anchor_span(checker_t *c, const ast_value *v, query_time *out)
{
	diag_sink *d = diag_new();
	if (!d)
		return 0;
	c->d = d;
	ast_value end = *v;
	size_t n = strlen(v->s);
	end.s = n > 4 && !strcmp(v->s + n - 4, "_end") ? v->s : arena_printf(c->a, "%s_end", v->s);
	int ok = anchor_time(c, v, 0, 0, &out->start) && anchor_time(c, &end, 0, 0, &out->end);
	diag_free(d);
	return ok;
}

static int layer_time(checker_t *c, const mlayer *L, const char *what, int file, int line, query_time *out)
{
	if (L->sp.file != file || L->sp.line != line)
		return 0;
	*out = (query_time){what, checker_sec(c, L->f0), checker_sec(c, L->f1), NULL, 0, 0, L->sp};
	in_scene(c, out->start, out);
	return 1;
}

static const char *const kind_names[] = {
	[IR_SOLID] = "solid layer", [IR_IMAGE] = "image layer", [IR_VIDEO] = "video layer",
	[IR_TEXT] = "text layer",   [IR_CODE] = "code layer",   [IR_HOOK] = "draw layer",
	[IR_GROUP] = "group",
	[IR_SHAPE] = "shape layer",
};

static const char *layer_what(const mlayer *L)
{
	return (size_t)L->kind < sizeof kind_names / sizeof kind_names[0] && kind_names[L->kind] ? kind_names[L->kind] : "layer";
}

/* The layer on the line among ls[0..n) and inside the groups there (§18.1). */
static int layers_time(checker_t *c, const mlayer *ls, int n, int file, int line, query_time *out)
{
	for (int k = 0; k < n; k++)
		if (layer_time(c, &ls[k], layer_what(&ls[k]), file, line, out) ||
		    layers_time(c, ls[k].kids, ls[k].nkids, file, line, out))
			return 1;
	return 0;
}

int query_hover(const spec_t *s, int line, int col, query_time *out)
{
	if (!s || !s->kept || !s->kept->main_file)
		return 0;
	if (marker_hover(s, line, col, out))
		return 1;
	checker_t c = *s->kept;
	const ast_file *f = c.main_file;
	size_t len;
	const char *text = diag_source_text(c.d, f->file, &len);
	size_t cur = text ? offset_of(text, len, line, col) : 0;
	for (int i = 0; text && i < f->n; i++) {
		const ast_value *v = stmt_anchor(f->stmts[i], f->file, cur, 0);
		if (v) {
			*out = (query_time){arena_strndup(c.a, text + v->sp.off, (size_t)v->sp.len), 0, 0, NULL, 0, 0, v->sp};
			if (!anchor_span(&c, v, out))
				return 0;
			in_scene(&c, out->start, out);
			return 1;
		}
	}
	for (int i = 0; i < s->nscenes; i++) {
		const mscene *sc = &s->scenes[i];
		if (layers_time(&c, sc->layers, sc->nlayers, f->file, line, out))
			return 1;
		if (sc->sp.file == f->file && sc->sp.line == line) {
			*out = (query_time){arena_printf(c.a, "scene %s", sc->name), checker_sec(&c, sc->f0),
					    checker_sec(&c, sc->f1), NULL, 0, 0, sc->sp};
			return 1;
		}
	}
	return layers_time(&c, s->overlays, s->noverlays, f->file, line, out);
}

/* ---- definition --------------------------------------------------------------------------- */

static int place(checker_t *c, span_t sp, query_place *out)
{
	const char *path = diag_source_path(c->d, sp.file);
	if (!path)
		return 0;
	*out = (query_place){path, sp.line, sp.col};
	return 1;
}

/* The file an import names: the way expand.c looks (beside the spec, then in the stdlib),
 * among the files the compile read. */
static int import_place(checker_t *c, int file, const char *rel, query_place *out)
{
	const char *cands[2] = {asset_join(c, file, rel), c->stdlib ? arena_printf(c->a, "%s/%s", c->stdlib, rel) : NULL};
	for (int k = 0; k < 2; k++)
		for (int i = 0; cands[k] && diag_source_text(c->d, i, NULL); i++)
			if (!strcmp(diag_source_path(c->d, i), cands[k])) {
				*out = (query_place){cands[k], 0, 0};
				return 1;
			}
	return 0;
}

/* The hook statement in the main file on line. */
static const hook_sym *hook_on(checker_t *c, int file, int line)
{
	for (int i = 0; i < c->nhooks; i++)
		if (c->hooks[i].sp.file == file && c->hooks[i].sp.line == line)
			return &c->hooks[i];
	return NULL;
}

/* A name: the template first after `use`, else any kind of definition. */
static int name_place(checker_t *c, const qctx *x, query_place *out)
{
	const char *name = x->at.text;
	const ast_stmt *t = sym_template(c, name), *st = sym_style(c, name);
	if (t && (x->head && !strcmp(x->head, "use")))
		return place(c, t->args[0]->sp, out);
	if (st)
		return place(c, st->args[0]->sp, out);
	if (t)
		return place(c, t->args[0]->sp, out);
	const hook_sym *h = sym_hook(c, name);
	if (h && *h->path) {
		*out = (query_place){h->path, 0, 0};
		return 1;
	}
	const const_sym *k = sym_const(c, name);
	if (k)
		return place(c, k->sp, out);
	const mmarker *m = marker_named(c->s, name);
	return m ? place(c, m->sp, out) : 0;
}

int query_definition(const spec_t *s, int line, int col, query_place *out)
{
	checker_t c;
	qctx x;
	if (query_at(s, line, col, &c, &x) <= 0)
		return 0;
	int file = c.main_file->file;
	const hook_sym *h;
	if (x.at.kind == TK_IDENT && x.at.text)
		return name_place(&c, &x, out);
	if (x.at.kind == TK_STRING && x.head && !strcmp(x.head, "import"))
		return import_place(&c, file, x.at.text, out);
	if (x.at.kind == TK_STRING && x.head && !strcmp(x.head, "hook") && (h = hook_on(&c, file, line)) && *h->path) {
		*out = (query_place){h->path, 0, 0};
		return 1;
	}
	return 0;
}
