/*
 * lex.h - the .vid lexer: UTF-8 source text in, tokens out, one at a time. Newlines end
 * statements, so they are tokens (except inside parentheses, where they are spaces). Numbers carry
 * their unit (5s, 200ms, 12f, 40px, 50%, 10sa, 90deg, -6dB). Lexical errors go to the sink and the
 * lexer goes on with the next character.
 *
 * Comments are white space to the compiler. The formatter (fmt.h) keeps them: with keep_comments
 * set after lex_init, each comment comes back as a TK_COMMENT token whose span covers it whole
 * (a line comment up to its newline, not included; a block comment from its opening
 * slash-star to its closing star-slash). Nothing else changes.
 */
#ifndef VIDC_LEX_H
#define VIDC_LEX_H

#include <stddef.h>

#include "../base/arena.h"
#include "diag.h"

typedef enum {
	TK_EOF,
	TK_NEWLINE, /* also ';' */
	TK_IDENT,
	TK_NUMBER,
	TK_STRING,
	TK_COLOR,
	TK_LBRACE,
	TK_RBRACE,
	TK_LPAREN,
	TK_RPAREN,
	TK_COMMA,
	TK_EQUALS,
	TK_COLON,
	TK_ARROW, /* -> */
	TK_PLUS,
	TK_MINUS,
	TK_ERROR, /* a character that starts no token; already reported */
	TK_COMMENT, /* only with keep_comments: a line or block comment */
	TK_STAR,    /* '*' (SPEC §18.6: arithmetic in values) */
	TK_SLASH    /* '/' not starting a comment */
} tok_kind;

typedef enum {
	UNIT_NONE,
	UNIT_S,
	UNIT_MS,
	UNIT_F,   /* frames */
	UNIT_PX,
	UNIT_PCT, /* % */
	UNIT_SA,  /* percent of the preset's safe area along the axis */
	UNIT_DEG,
	UNIT_DB,
	UNIT_BAD /* unknown suffix, reported by the lexer */
} unit_kind;

typedef struct {
	tok_kind kind;
	span_t sp;
	const char *text; /* identifier name, decoded string; in the arena */
	double num;
	unit_kind unit;
	unsigned color; /* 0xRRGGBBAA */
} token_t;

typedef struct {
	arena_t *arena;
	diag_sink *diag;
	int file;
	const char *src, *end, *p;
	int line;
	const char *line_start;
	int paren;          /* depth of ( ), newlines inside are not tokens */
	tok_kind prev;      /* kind of the previous token: decides if '-' starts a number */
	int keep_comments;  /* return comments as TK_COMMENT tokens (see above); 0 after lex_init */
} lexer_t;

void lex_init(lexer_t *lx, arena_t *a, diag_sink *d, int file, const char *src, size_t len);
/* 1 after reporting that src is UTF-16 (a byte order mark, or NUL bytes between ASCII
 * letters): lexing it would give one error per character; 0 otherwise. */
int lex_wrong_encoding(diag_sink *d, int file, const char *src, size_t len);
token_t lex_next(lexer_t *lx);
const char *lex_token_name(tok_kind k);

#endif
