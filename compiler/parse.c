/*
 * parse.c - the .vid parser (see parse.h and grammar/vid.ebnf). One token of lookahead. Panic-mode
 * recovery: after an error the parser skips to the end of the statement (a newline or a '}' at
 * the statement's depth), as Lua's and Wren's parsers do, so one typo gives one error.
 */
#include "parse.h"

#include <ctype.h>
#include <string.h>

#define MAX_DEPTH 64 /* nesting of blocks and calls; deeper input is an error, not a stack overflow */

typedef struct {
	arena_t *a;
	diag_sink *d;
	lexer_t lx;
	token_t tok;
	int file;
	int depth;
	int panicked; /* an error in the current statement was reported; skip the rest */
} parser_t;

static void advance(parser_t *p)
{
	p->tok = lex_next(&p->lx);
	/* Invalid characters are reported by the lexer; the parser never sees them. */
	while (p->tok.kind == TK_ERROR)
		p->tok = lex_next(&p->lx);
}

static void error_at_tok(parser_t *p, const char *what)
{
	if (p->panicked)
		return;
	p->panicked = 1;
	if (p->tok.kind == TK_NEWLINE || p->tok.kind == TK_EOF) {
		span_t sp = p->tok.sp;
		sp.len = 1;
		diag_err(p->d, DE_SYNTAX, sp, "expected %s before %s", what, lex_token_name(p->tok.kind));
	} else {
		diag_err(p->d, DE_SYNTAX, p->tok.sp, "expected %s, found %s", what, lex_token_name(p->tok.kind));
	}
}

/* Skips to the end of the current statement: a newline at depth 0, or just before a '}' that
 * closes the enclosing block. Braces opened on the way are skipped whole. */
static void synchronize(parser_t *p)
{
	int depth = 0;
	for (;;) {
		switch (p->tok.kind) {
		case TK_EOF:
			return;
		case TK_NEWLINE:
			if (depth == 0)
				return;
			break;
		case TK_LBRACE:
			depth++;
			break;
		case TK_RBRACE:
			if (depth == 0)
				return;
			depth--;
			break;
		default:
			break;
		}
		advance(p);
	}
}

static ast_value *new_value(parser_t *p, ast_vkind k, span_t sp)
{
	ast_value *v = arena_alloc(p->a, sizeof *v);
	v->kind = k;
	v->sp = sp;
	return v;
}

static span_t join(span_t a, span_t b)
{
	if (a.file == b.file && a.line == b.line && b.off >= a.off)
		a.len = b.off + b.len - a.off;
	return a;
}

static ast_value *parse_value(parser_t *p);
static ast_value *parse_group(parser_t *p);

static int parse_args(parser_t *p, ast_value *call)
{
	int cap = 0;
	advance(p); /* ( */
	while (p->tok.kind != TK_RPAREN) {
		ast_arg *arg = ARENA_PUSH(p->a, call->args, call->nargs, cap);
		memset(arg, 0, sizeof *arg);
		arg->sp = p->tok.sp;
		if (p->tok.kind == TK_IDENT) {
			/* Look ahead one token past the name without losing it. */
			token_t name = p->tok;
			lexer_t save = p->lx;
			advance(p);
			if (p->tok.kind == TK_COLON) {
				arg->name = name.text;
				advance(p);
				if (p->tok.kind != TK_IDENT) {
					error_at_tok(p, "a type name after ':'");
					return 0;
				}
				arg->type = p->tok.text;
				advance(p);
				if (p->tok.kind == TK_EQUALS) {
					advance(p);
					if (!(arg->v = parse_value(p)))
						return 0;
				}
			} else if (p->tok.kind == TK_EQUALS) {
				arg->name = name.text;
				advance(p);
				if (!(arg->v = parse_value(p)))
					return 0;
			} else {
				p->lx = save;
				p->tok = name;
				if (!(arg->v = parse_value(p)))
					return 0;
			}
		} else if (!(arg->v = parse_value(p))) {
			return 0;
		}
		if (p->tok.kind == TK_COMMA) {
			advance(p);
			continue;
		}
		if (p->tok.kind != TK_RPAREN) {
			error_at_tok(p, "',' or ')'");
			return 0;
		}
	}
	call->sp = join(call->sp, p->tok.sp);
	advance(p); /* ) */
	return 1;
}

static ast_value *parse_term(parser_t *p)
{
	token_t t = p->tok;
	ast_value *v;
	switch (t.kind) {
	case TK_NUMBER:
		v = new_value(p, AV_NUM, t.sp);
		v->num = t.num;
		v->unit = t.unit;
		advance(p);
		return v;
	case TK_COLOR:
		v = new_value(p, AV_COLOR, t.sp);
		v->color = t.color;
		advance(p);
		return v;
	case TK_ARROW:
		v = new_value(p, AV_ARROW, t.sp);
		advance(p);
		return v;
	case TK_STRING:
	case TK_IDENT:
		v = new_value(p, t.kind == TK_STRING ? AV_STR : AV_IDENT, t.sp);
		v->s = t.text;
		advance(p);
		if (t.kind == TK_IDENT && p->tok.kind == TK_LPAREN) {
			if (++p->depth > MAX_DEPTH) {
				error_at_tok(p, "less nesting (calls nest too deep)");
				return NULL;
			}
			v->kind = AV_CALL;
			int ok = parse_args(p, v);
			p->depth--;
			if (!ok)
				return NULL;
		}
		return v;
	case TK_LPAREN:
		return parse_group(p);
	default:
		error_at_tok(p, "a value");
		return NULL;
	}
}

/* A chain of operators of one precedence level, leaning left: `a * b / c`, `a + b - c`. */
static ast_value *parse_binary(parser_t *p, int level);

static ast_value *parse_operand(parser_t *p, int level)
{
	return level ? parse_binary(p, level - 1) : parse_term(p);
}

/* Level 1: + and -; level 0: * and / (they bind tighter, SPEC §18.6). */
static ast_value *parse_binary(parser_t *p, int level)
{
	ast_value *v = parse_operand(p, level);
	for (;;) {
		tok_kind k = p->tok.kind;
		int op = level ? (k == TK_PLUS ? '+' : k == TK_MINUS ? '-' : 0)
			       : (k == TK_STAR ? '*' : k == TK_SLASH ? '/' : 0);
		if (!v || !op)
			return v;
		span_t op_sp = p->tok.sp;
		advance(p);
		ast_value *r = parse_operand(p, level);
		if (!r)
			return NULL;
		ast_value *b = new_value(p, AV_BINOP, join(v->sp, r->sp));
		b->op = op;
		b->op_sp = op_sp;
		b->lhs = v;
		b->rhs = r;
		v = b;
	}
}

static ast_value *parse_value(parser_t *p)
{
	return parse_binary(p, 1);
}

/* ( value ): grouping in arithmetic. The value keeps its own span; the parentheses are layout. */
static ast_value *parse_group(parser_t *p)
{
	if (++p->depth > MAX_DEPTH) {
		error_at_tok(p, "less nesting (parentheses nest too deep)");
		return NULL;
	}
	token_t open = p->tok;
	advance(p); /* ( */
	ast_value *v = parse_value(p);
	p->depth--;
	if (!v)
		return NULL;
	if (p->tok.kind != TK_RPAREN) {
		/* A '(' left open swallows the lines after it (newlines inside are spaces): the
		 * mistake is the '(', so say it there, as before groups existed. */
		if (!p->panicked)
			diag_err(p->d, DE_SYNTAX, open.sp, "expected a value, found %s", lex_token_name(open.kind));
		p->panicked = 1;
		return NULL;
	}
	advance(p);
	return v;
}

static void parse_block(parser_t *p, ast_stmt *s);

/* The ',' at the current token has digits right on both sides: a decimal comma (`1,5s`). */
static int decimal_comma(const parser_t *p)
{
	size_t len = 0;
	const char *text = diag_source_text(p->d, p->file, &len);
	size_t at = (size_t)p->tok.sp.off;
	return text && at > 0 && at + 1 < len && isdigit((unsigned char)text[at - 1]) &&
	       isdigit((unsigned char)text[at + 1]);
}

static ast_stmt *parse_stmt(parser_t *p)
{
	p->panicked = 0;
	if (p->tok.kind != TK_IDENT) {
		if (p->tok.kind == TK_LBRACE)
			error_at_tok(p, "a statement name before '{'");
		else
			error_at_tok(p, "a statement (a name such as scene, image or text)");
		synchronize(p);
		return NULL;
	}
	ast_stmt *s = arena_alloc(p->a, sizeof *s);
	s->head = p->tok.text;
	s->sp = p->tok.sp;
	s->file = p->file;
	advance(p);
	if (!strcmp(s->head, "const") && p->tok.kind == TK_IDENT) {
		/* const NAME = value */
		ast_value *name = parse_term(p);
		*ARENA_PUSH(p->a, s->args, s->nargs, s->cargs) = name;
		if (p->tok.kind != TK_EQUALS) {
			error_at_tok(p, "'=' after the constant's name");
			synchronize(p);
			return NULL;
		}
		advance(p);
	}
	while (p->tok.kind != TK_NEWLINE && p->tok.kind != TK_EOF && p->tok.kind != TK_LBRACE &&
	       p->tok.kind != TK_RBRACE) {
		if (p->tok.kind == TK_COMMA && decimal_comma(p)) {
			diag_err(p->d, DE_SYNTAX, p->tok.sp, "unexpected ','; a number's decimals follow a point (1.5s, not 1,5s)");
			diag_fixit(p->d, p->tok.sp, ".");
			p->panicked = 1;
		} else if (p->tok.kind == TK_COMMA) {
			diag_err(p->d, DE_SYNTAX, p->tok.sp, "unexpected ','; the values of a statement are separated by spaces");
			p->panicked = 1;
		}
		ast_value *v = p->panicked ? NULL : parse_value(p);
		if (!v) {
			/* Drop the broken statement: checking what is left of it would only add
			 * errors that are consequences of this one. */
			synchronize(p);
			return NULL;
		}
		*ARENA_PUSH(p->a, s->args, s->nargs, s->cargs) = v;
	}
	if (p->tok.kind == TK_LBRACE) {
		if (++p->depth > MAX_DEPTH) {
			error_at_tok(p, "less nesting (blocks nest too deep)");
			p->depth--;
			synchronize(p);
			return s;
		}
		parse_block(p, s);
		p->depth--;
		if (p->tok.kind != TK_NEWLINE && p->tok.kind != TK_EOF && p->tok.kind != TK_RBRACE) {
			p->panicked = 0;
			error_at_tok(p, "a new line after '}'");
			synchronize(p);
		}
	}
	return s;
}

static void skip_newlines(parser_t *p)
{
	while (p->tok.kind == TK_NEWLINE)
		advance(p);
}

/* Statements up to the closing '}' of the block that starts at the current '{'. */
static void parse_block(parser_t *p, ast_stmt *s)
{
	span_t open = p->tok.sp;
	s->block = 1;
	advance(p); /* { */
	for (;;) {
		skip_newlines(p);
		if (p->tok.kind == TK_RBRACE) {
			advance(p);
			return;
		}
		if (p->tok.kind == TK_EOF) {
			diag_err(p->d, DE_UNCLOSED_BLOCK, open, "'{' is never closed (the file ends first)");
			return;
		}
		ast_stmt *c = parse_stmt(p);
		if (c)
			*ARENA_PUSH(p->a, s->body, s->nbody, s->cbody) = c;
		if (p->tok.kind == TK_NEWLINE) {
			advance(p);
		} else if (p->tok.kind != TK_RBRACE && p->tok.kind != TK_EOF) {
			p->panicked = 0;
			error_at_tok(p, "a new line between statements");
			synchronize(p);
		}
	}
}

ast_file *parse_file(arena_t *a, diag_sink *d, int file)
{
	parser_t p = {.a = a, .d = d, .file = file};
	size_t len = 0;
	const char *text = diag_source_text(d, file, &len);
	ast_file *f = arena_alloc(a, sizeof *f);
	f->file = file;
	if (lex_wrong_encoding(d, file, text ? text : "", text ? len : 0)) {
		f->dropped = 1;
		return f;
	}
	lex_init(&p.lx, a, d, file, text ? text : "", text ? len : 0);
	advance(&p);
	for (;;) {
		skip_newlines(&p);
		if (p.tok.kind == TK_EOF)
			break;
		if (p.tok.kind == TK_RBRACE) {
			diag_err(d, DE_UNMATCHED_BRACE, p.tok.sp, "unmatched '}'");
			advance(&p);
			continue;
		}
		ast_stmt *s = parse_stmt(&p);
		if (s)
			*ARENA_PUSH(a, f->stmts, f->n, f->cap) = s;
		else
			f->dropped = 1;
		if (p.tok.kind == TK_RBRACE)
			continue;
		if (p.tok.kind != TK_NEWLINE && p.tok.kind != TK_EOF) {
			p.panicked = 0;
			error_at_tok(&p, "a new line between statements");
			synchronize(&p);
		}
	}
	return f;
}
