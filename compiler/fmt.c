/*
 * fmt.c - the formatter (see fmt.h). Two passes over the text: the parser first, so a spec with
 * syntax errors is refused whole (its errors in the sink) rather than laid out half understood;
 * then the lexer again with comments kept, each token printed as written, with the white space
 * the layout rules give it. Line breaks come from the structure (the lexer's end-of-statement
 * tokens and the braces); the source's own newlines count only for comments (own line or end of
 * line) and blank lines. Because the printed tokens are the lexer's, in order, what the compiler
 * reads is unchanged; three spacing rules keep it so: a '-' token always has a space after it
 * (glued to a digit it would lex as a negative number), a negative number always has a space or
 * '(' before it (glued to a value it would lex as a subtraction), and nothing else is glued but
 * the pairs glued() lists, none of which can merge two tokens into one.
 */
#include "fmt.h"

#include <setjmp.h>
#include <string.h>

#include "checker.h"
#include "lex.h"
#include "parse.h"

#define FMT_INDENT 2 /* spaces per open block, as the examples and the stdlib write them */

typedef struct {
	tok_kind kind;
	int off, len; /* the token's bytes in the source */
} fmt_tok;

typedef struct {
	const char *src;
	size_t start;   /* where the text starts (after a byte order mark) */
	buf_t *out;
	int depth;      /* open blocks */
	int paren;      /* open parentheses */
	int started;    /* a token was printed */
	int line_empty; /* the current output line has only its indentation */
	int need_nl;    /* the next token (not an end-of-line comment) starts a new line */
	int fresh;      /* right after a '{': no blank line here */
	int nomem;
} fmt_state;

static void put(fmt_state *f, const char *s, size_t n)
{
	if (!f->nomem && buf_append(f->out, s, n))
		f->nomem = 1;
}

/* Ends the current line (unless nothing was printed yet), adds one blank line when asked, and
 * indents the next one by indent levels. */
static void new_line(fmt_state *f, int blank, int indent)
{
	static const char spaces[] = "                                ";
	if (f->started)
		put(f, blank ? "\n\n" : "\n", blank ? 2 : 1);
	for (int n = indent * FMT_INDENT; n > 0; n -= (int)sizeof spaces - 1)
		put(f, spaces, (size_t)(n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1));
	f->line_empty = 1;
	f->need_nl = 0;
}

/* A comment as written, less the white space at the end of each of its lines. */
static void put_comment(fmt_state *f, const char *s, int n)
{
	for (int i = 0; i <= n;) {
		int j = i;
		while (j < n && s[j] != '\n')
			j++;
		int e = j;
		while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
			e--;
		put(f, s + i, (size_t)(e - i));
		if (j < n)
			put(f, "\n", 1);
		i = j + 1;
	}
}

/* Whether t follows prev on a line with no space between them. */
static int glued(tok_kind prev, tok_kind t)
{
	if (t == TK_COMMENT || prev == TK_COMMENT)
		return t == TK_RPAREN || t == TK_COMMA;
	return prev == TK_LPAREN || t == TK_RPAREN || t == TK_COMMA || t == TK_COLON ||
	       (t == TK_LPAREN && prev == TK_IDENT);
}

static int count_newlines(const char *s, size_t from, size_t to)
{
	int n = 0;
	for (size_t i = from; i < to; i++)
		n += s[i] == '\n';
	return n;
}

/* Where token k goes: on the current line (after a space or glued) or on a new line. pk is the
 * kind of the token printed before it, nl the newlines between the two in the source. */
static void place(fmt_state *f, const fmt_tok *k, tok_kind pk, int nl, int after_head)
{
	if (k->kind == TK_COMMENT && nl == 0 && !f->line_empty) {
		put(f, " ", 1); /* stays at the end of the line it was on */
		return;
	}
	if (k->kind == TK_RBRACE) {
		if (pk != TK_LBRACE) /* else the empty block {} */
			new_line(f, 0, f->depth);
	} else if (f->need_nl || (k->kind == TK_COMMENT && nl > 0)) {
		new_line(f, nl >= 2 && !f->paren && !f->fresh, f->depth + f->paren);
	} else if (!f->line_empty && (!glued(pk, k->kind) || (after_head && k->kind == TK_LPAREN))) {
		/* a statement's name is never a call: `x (10px + 5px) * 2` groups arithmetic */
		put(f, " ", 1);
	}
	f->fresh = 0;
}

/* Prints the tokens of t (comments included) in the canonical layout. */
static void layout(fmt_state *f, const fmt_tok *t, int n)
{
	int prev = -1; /* the token printed last */
	int at_start = 1, after_head = 0; /* the next token starts a statement; prev was its name */
	for (int i = 0; i < n && t[i].kind != TK_EOF; i++) {
		const fmt_tok *k = &t[i];
		if (k->kind == TK_NEWLINE) { /* '\n' or ';' ending a statement */
			f->need_nl = 1;
			at_start = 1;
			continue;
		}
		size_t from = prev < 0 ? f->start : (size_t)(t[prev].off + t[prev].len);
		int nl = count_newlines(f->src, from, (size_t)k->off);
		if (k->kind == TK_RBRACE)
			f->depth--;
		else if (k->kind == TK_RPAREN)
			f->paren--;
		place(f, k, prev < 0 ? TK_NEWLINE : t[prev].kind, nl, after_head);
		if (k->kind != TK_COMMENT) {
			after_head = at_start && k->kind == TK_IDENT;
			at_start = k->kind == TK_LBRACE || k->kind == TK_RBRACE;
		}
		if (k->kind == TK_COMMENT)
			put_comment(f, f->src + k->off, k->len);
		else
			put(f, f->src + k->off, (size_t)k->len);
		f->started = 1;
		f->line_empty = 0;
		if (k->kind == TK_LBRACE)
			f->depth++, f->need_nl = 1, f->fresh = 1;
		else if (k->kind == TK_RBRACE)
			f->need_nl = 1;
		else if (k->kind == TK_LPAREN)
			f->paren++;
		else if (k->kind == TK_COMMENT && f->src[k->off + 1] == '/')
			f->need_nl = 1; /* a line comment runs to the end of its line */
		prev = i;
	}
	if (f->started)
		put(f, "\n", 1);
}

/* The tokens of a text that parsed, comments included, into the arena. */
static fmt_tok *tokens(arena_t *a, diag_sink *d, int file, const char *text, size_t len, int *n)
{
	lexer_t lx;
	lex_init(&lx, a, d, file, text, len);
	lx.keep_comments = 1;
	fmt_tok *t = NULL;
	int cap = 0;
	*n = 0;
	for (;;) {
		token_t k = lex_next(&lx);
		fmt_tok *o = ARENA_PUSH(a, t, *n, cap);
		*o = (fmt_tok){k.kind, k.sp.off, k.sp.len};
		if (k.kind == TK_EOF)
			return t;
	}
}

int fmt_spec(diag_sink *d, const char *path, const char *text, size_t len, buf_t *out, vidc_err *e)
{
	if (len > MAX_SPEC_BYTES) {
		diag_err(d, DE_FILE_TOO_LARGE, ((span_t){-1, 0, 0, 0, 0}),
			 "'%s' is %zu bytes, over the limit of %d for a spec", path, len, MAX_SPEC_BYTES);
		return err_set(e, VE_INVAL, "1 error in %s", path);
	}
	int before = diag_errors(d);
	int id = diag_add_source(d, path, text, len);
	arena_t *a = id < 0 ? NULL : arena_new();
	if (!a)
		return err_set(e, VE_NOMEM, "out of memory formatting '%s'", path);
	/* The parser and the token list allocate in the arena; running out comes back here. */
	jmp_buf jb;
	if (setjmp(jb)) {
		arena_free(a);
		return err_set(e, VE_NOMEM, "out of memory formatting '%s'", path);
	}
	arena_on_oom(a, &jb);
	parse_file(a, d, id);
	int errors = diag_errors(d) - before, n = 0, rc = 0;
	if (errors) {
		rc = err_set(e, VE_INVAL, "%d error%s in %s", errors, errors == 1 ? "" : "s", path);
	} else {
		fmt_state f = {text, 0, out, 0, 0, 0, 1, 0, 0, 0};
		size_t keep = out->len;
		if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
			f.start = 3;
			put(&f, text, 3);
		}
		fmt_tok *t = tokens(a, d, id, text, len, &n);
		layout(&f, t, n);
		if (f.nomem) {
			out->len = keep; /* what was appended goes; the caller's text stays */
			if (out->data)
				out->data[keep] = 0;
			rc = err_set(e, VE_NOMEM, "out of memory formatting '%s'", path);
		}
	}
	arena_on_oom(a, NULL);
	arena_free(a);
	return rc;
}
