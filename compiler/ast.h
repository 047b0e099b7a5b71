/*
 * ast.h - the syntax tree of a .vid file. The grammar is small and uniform: a file is a list of
 * statements, a statement is a name, some values and an optional block of statements. What a
 * statement means (scene, image, transition, kenburns...) is decided by the checker, which keeps
 * the parser simple, its error recovery sound, and every "unknown X" message in one place.
 */
#ifndef VIDC_AST_H
#define VIDC_AST_H

#include "diag.h"
#include "lex.h"

typedef enum {
	AV_NUM,   /* num, unit */
	AV_STR,   /* s */
	AV_COLOR, /* color 0xRRGGBBAA */
	AV_IDENT, /* s */
	AV_CALL,  /* s(args) */
	AV_ARROW, /* -> */
	AV_BINOP, /* lhs op rhs, op '+', '-', '*' or '/' (op_sp: the operator) */
	AV_POISON /* an expression whose error was reported: readers say nothing more */
} ast_vkind;

typedef struct ast_value ast_value;

/* A call argument: a value, `name = value`, `name: type` or `name: type = value`. */
typedef struct {
	const char *name; /* NULL for positional */
	const char *type; /* NULL unless declared */
	span_t sp;        /* of the name, or of the value when positional */
	ast_value *v;     /* NULL for `name: type` without default */
} ast_arg;

struct ast_value {
	ast_vkind kind;
	span_t sp;
	double num;
	unit_kind unit;
	const char *s;
	unsigned color;
	ast_arg *args;
	int nargs;
	int op;
	ast_value *lhs, *rhs;
	span_t op_sp; /* AV_BINOP: the operator, where a division by zero is reported */
};

typedef struct ast_stmt ast_stmt;
struct ast_stmt {
	const char *head; /* the statement's name */
	span_t sp;        /* of the name */
	ast_value **args;
	int nargs, cargs;
	ast_stmt **body;
	int nbody, cbody;
	int block; /* has a { } block (possibly empty) */
	int file;  /* source id */
	/* Set by template expansion: the `use` statement this one was instantiated by. */
	const ast_stmt *from_use;
};

typedef struct {
	ast_stmt **stmts;
	int n, cap;
	int file;
	/* A top-level statement was dropped for a syntax error (or the file could not be lexed):
	 * what it would have declared (a scene, the video block) is missing for a reason already
	 * reported, so the checker does not report the absence again. */
	int dropped;
} ast_file;

#endif
