/*
 * expand.h - the checker's first step: files, imports, definitions and template expansion.
 * After it the symbol tables (sym.h) hold every const, style, template and hook, and the main
 * file's statements are a flat copy with no `use` left. Internal to compiler/.
 */
#ifndef VIDC_EXPAND_H
#define VIDC_EXPAND_H

#include "checker.h"

typedef struct {
	ast_stmt **items; /* in the arena */
	int n, cap;
} stmt_list;

/* Reads and parses the file at path (once: a file already loaded gives NULL, so imports are
 * idempotent). shown (NULL: path) names it in messages and anchors the names written in it. A
 * file that cannot be read is reported at `from` unless quiet_missing. */
ast_file *expand_load_file(checker_t *c, const char *path, const char *shown, span_t from,
			   int quiet_missing);
/* Takes a file's imports and definitions. imported: the file may hold nothing else. depth:
 * how deep in imports (cycles and runaway chains stop at a limit). */
void expand_defs(checker_t *c, ast_file *f, int imported, int depth);
/* The main file's statements with templates expanded (definitions and imports left out). */
void expand_file(checker_t *c, const ast_file *f, stmt_list *out);

#endif
