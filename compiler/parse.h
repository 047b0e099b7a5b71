/*
 * parse.h - hand-written recursive-descent parser for .vid (grammar/vid.ebnf). It builds the
 * AST in the arena and reports syntax errors to the sink, recovering at the next statement so
 * that every error of a file is reported in one run.
 */
#ifndef VIDC_PARSE_H
#define VIDC_PARSE_H

#include "../base/arena.h"
#include "ast.h"
#include "diag.h"

/* Parses source text registered as file id `file` in the sink. Never returns NULL. */
ast_file *parse_file(arena_t *a, diag_sink *d, int file);

#endif
