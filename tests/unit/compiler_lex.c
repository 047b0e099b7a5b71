/*
 * compiler_lex.c - unit tests of the lexer and the parser: tokens, units, colours, strings and
 * escapes, negative numbers versus subtraction, comments kept for the formatter, error recovery.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../base/arena.h"
#include "../../compiler/diag.h"
#include "../../compiler/lex.h"
#include "../../compiler/parse.h"


static token_t toks[64];
static int ntoks;

static int lex_all(const char *src)
{
	arena_t *a = arena_new();
	diag_sink *d = diag_new();
	int f = diag_add_source(d, "t.vid", src, strlen(src));
	lexer_t lx;
	lex_init(&lx, a, d, f, src, strlen(src));
	ntoks = 0;
	do
		toks[ntoks] = lex_next(&lx);
	while (toks[ntoks++].kind != TK_EOF && ntoks < 63);
	int errs = diag_errors(d);
	/* Token texts live in the arena: copy what the tests look at before freeing. */
	static char texts[64][64];
	for (int i = 0; i < ntoks; i++)
		if (toks[i].text) {
			snprintf(texts[i], sizeof texts[i], "%s", toks[i].text);
			toks[i].text = texts[i];
		}
	diag_free(d);
	arena_free(a);
	return errs;
}

static void test_units(void)
{
	CHECK(lex_all("5s 200ms 12f 40px 50% 10sa 90deg -6dB .5s") == 0, "units lex cleanly");
	unit_kind want[] = {UNIT_S, UNIT_MS, UNIT_F, UNIT_PX, UNIT_PCT, UNIT_SA, UNIT_DEG, UNIT_DB, UNIT_S};
	double vals[] = {5, 200, 12, 40, 50, 10, 90, -6, 0.5};
	for (int i = 0; i < 9; i++) {
		CHECK(toks[i].kind == TK_NUMBER, "token %d is a number", i);
		CHECK(toks[i].unit == want[i], "token %d unit %d, want %d", i, toks[i].unit, want[i]);
		CHECK(fabs(toks[i].num - vals[i]) < 1e-12, "token %d value %g, want %g", i, toks[i].num, vals[i]);
	}
	CHECK(lex_all("5sec") == 1, "unknown unit is an error");
}

static void test_minus(void)
{
	lex_all("position -10px -20px");
	CHECK(ntoks == 4 && toks[1].num == -10 && toks[2].num == -20, "two negative numbers");
	lex_all("word(\"x\") - 100ms");
	CHECK(toks[4].kind == TK_MINUS && toks[5].num == 100, "spaced minus is subtraction");
	lex_all("word(\"x\")-100ms");
	CHECK(toks[4].kind == TK_MINUS, "glued minus after ')' is subtraction");
	lex_all("a -> b");
	CHECK(toks[1].kind == TK_ARROW, "arrow");
}

static void test_colors_strings(void)
{
	CHECK(lex_all("#fff #12345678 #abc8") == 0, "colours lex");
	CHECK(toks[0].color == 0xFFFFFFFF && toks[1].color == 0x12345678 && toks[2].color == 0xAABBCC88,
	      "colour values %08x %08x %08x", toks[0].color, toks[1].color, toks[2].color);
	CHECK(lex_all("#12345") == 1, "5-digit colour is an error");
	CHECK(lex_all("\"a\\n\\\"b\\u{1F600}\"") == 0, "escapes lex");
	CHECK(!strcmp(toks[0].text, "a\n\"b\xF0\x9F\x98\x80"), "escape values: %s", toks[0].text);
	CHECK(lex_all("\"\xff\"") == 1, "invalid UTF-8 in a string is an error");
	CHECK(lex_all("\"\xe4\xb8\x96\xe7\x95\x8c \xd9\x85\xd8\xb1\"") == 0, "CJK and Arabic in strings");
	CHECK(lex_all("\"\"\"\n    line one\n      two\n    \"\"\"") == 0, "long string");
	CHECK(!strcmp(toks[0].text, "line one\n  two"), "long string dedents: [%s]", toks[0].text);
	CHECK(lex_all("\"open") == 1, "unterminated string");
	CHECK(lex_all("/* never closed") == 1, "unterminated comment");
	CHECK(lex_all("// comment\nscene") == 0 && toks[0].kind == TK_NEWLINE && toks[1].kind == TK_IDENT,
	      "line comment");
	CHECK(lex_all("(\n)") == 0 && toks[1].kind == TK_RPAREN, "newlines inside () are spaces");
}

static int parse_errors(const char *src, int *nstmts)
{
	arena_t *a = arena_new();
	diag_sink *d = diag_new();
	int f = diag_add_source(d, "t.vid", src, strlen(src));
	ast_file *af = parse_file(a, d, f);
	*nstmts = af->n;
	int e = diag_errors(d);
	diag_free(d);
	arena_free(a);
	return e;
}

/* keep_comments (for compiler/fmt.c): comments come back as tokens spanning them whole; without
 * it the token stream is the compiler's, comments skipped. */
static void test_comments(void)
{
	const char *src = "a // one  \nb /* two\nlines */ c";
	tok_kind with[] = {TK_IDENT, TK_COMMENT, TK_NEWLINE, TK_IDENT, TK_COMMENT, TK_IDENT, TK_EOF};
	tok_kind without[] = {TK_IDENT, TK_NEWLINE, TK_IDENT, TK_IDENT, TK_EOF};
	for (int keep = 0; keep <= 1; keep++) {
		arena_t *a = arena_new();
		diag_sink *d = diag_new();
		int f = diag_add_source(d, "t.vid", src, strlen(src));
		lexer_t lx;
		lex_init(&lx, a, d, f, src, strlen(src));
		lx.keep_comments = keep;
		const tok_kind *want = keep ? with : without;
		int n = keep ? 7 : 5;
		for (int i = 0; i < n; i++) {
			token_t t = lex_next(&lx);
			CHECK(t.kind == want[i], "keep %d: token %d is %s, want %s", keep, i, lex_token_name(t.kind),
			      lex_token_name(want[i]));
			if (keep && i == 1)
				CHECK(t.sp.off == 2 && t.sp.len == 8 && t.sp.line == 1, "line comment span %d+%d", t.sp.off, t.sp.len);
			if (keep && i == 4)
				CHECK(t.sp.off == 13 && t.sp.len == 15 && t.sp.line == 2 && t.sp.col == 3,
				      "block comment span %d+%d at %d:%d", t.sp.off, t.sp.len, t.sp.line, t.sp.col);
			if (i == n - 2)
				CHECK(t.sp.line == 3, "the token after the block comment is on line %d", t.sp.line);
		}
		CHECK(diag_errors(d) == 0, "comments lex cleanly");
		diag_free(d);
		arena_free(a);
	}
}

static void test_parser(void)
{
	int n;
	CHECK(parse_errors("video { preset tiktok }\nscene a 5s {\n  solid #000\n}\n", &n) == 0 && n == 2,
	      "clean parse, %d statements", n);
	/* One error per broken statement, and the statements after it still parse. */
	CHECK(parse_errors("scene a 5s {\n  text ( \n  solid #000\n}\nscene b 5s { }\n", &n) == 1 && n == 2,
	      "recovers after an error (%d statements)", n);
	CHECK(parse_errors("scene {", &n) == 1, "unclosed block");
	CHECK(parse_errors("}", &n) == 1, "unmatched brace");
	CHECK(parse_errors("use t(a = 1, b: string = \"x\", 3)", &n) == 0, "call arguments");
	/* Deep nesting is an error, not a stack overflow. */
	char deep[4000];
	int k = 0;
	for (int i = 0; i < 1000; i++)
		deep[k++] = '(';
	deep[k] = 0;
	CHECK(parse_errors(deep, &n) >= 1, "deep nesting is reported");
}

int main(void)
{
	test_units();
	test_minus();
	test_colors_strings();
	test_comments();
	test_parser();
	return check_done();
}
