/*
 * query.h - what an editor asks about a compiled spec at a place in its main file (the language
 * server, pipeline/lsp.c, issue 15): the names that may be written there (completion), when the
 * layer, scene or speech anchor there plays (hover), and where the name there is defined
 * (definition). The answers come from the checker's own tables (check.h, scene.h, layer.h,
 * style.h), its symbols (sym.h), the IR's transition table and the compiled timeline, so they
 * cannot drift from what `vidc check` accepts. A spec with errors still answers what it can.
 *
 * Positions are 1-based lines and byte columns of the main file, as in diagnostics. Strings
 * in the answers live as long as the spec (its arena) or are static; free the spec after them.
 * Public, beside compile.h.
 */
#ifndef VIDC_QUERY_H
#define VIDC_QUERY_H

#include "compile.h"
#include "diag.h"

typedef enum {
	QI_STATEMENT,  /* a top-level statement, a layer kind or a scene statement */
	QI_PROPERTY,   /* a property of the enclosing block */
	QI_STYLE,      /* a named text style */
	QI_TEMPLATE,   /* a template, for `use` */
	QI_EFFECT,     /* a hook, for `effect` and `draw` */
	QI_TRANSITION, /* a built-in transition or a hook */
	QI_WORD,       /* a word of the narration, inside word("...") or sentence("...") */
	QI_SECTION     /* a section of the narration, inside section("...") or after narrates */
} query_item_kind;

typedef struct {
	const char *label;
	query_item_kind kind;
	const char *detail; /* what it is or where it comes from: "text layer", a file's path */
} query_item;

typedef struct {
	query_item *items; /* malloc'd: query_items_free */
	int n, cap;
} query_items;

/* Appends to out the names that may be written at (line, col): after the spec's own rules
 * (the enclosing block, the statement and the argument the cursor is in). Each name once.
 * 0, or -1 when out of memory. */
int query_complete(const spec_t *s, int line, int col, query_items *out);
void query_items_free(query_items *q);

typedef struct {
	const char *what;  /* "text layer", "scene", "word(\"coffee\")" (the spec's words) */
	double start, end; /* seconds on the video timeline */
	const char *scene; /* the scene it starts in, NULL when none (an overlay past the end) */
	double scene_start, scene_end;
	span_t sp;         /* the part of the spec the answer is about */
} query_time;

/* When the speech anchor, the layer or the scene at (line, col) plays (an anchor first: it
 * sits inside a layer's line). 1 with *out filled, 0 when nothing timed is there or its time
 * could not be resolved (the spec's errors say why). */
int query_hover(const spec_t *s, int line, int col, query_time *out);

typedef struct {
	const char *path; /* as the spec's diagnostics name it; absolute for hooks */
	int line, col;    /* 1-based; line 0: the file as a whole (an import, a hook's .lua) */
} query_place;

/* Where the name at (line, col) is defined: a template, a style, a constant or a hook (its
 * definition in the spec, an import or the stdlib prelude; the hook's .lua file when the
 * cursor is on the hook statement's file name), or the file an import statement names.
 * 1 with *out filled, else 0. */
int query_definition(const spec_t *s, int line, int col, query_place *out);

#endif
