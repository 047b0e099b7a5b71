/*
 * compiler_fmt.c - unit tests of the formatter (compiler/fmt.h): small specs in, their exact
 * canonical layout out, each formatted twice (idempotence); the spacing that keeps the tokens
 * (a '-' that subtracts, a negative number); comments at the end of a line, on a line of their
 * own and inside a call; blank lines; a spec with syntax errors refused with its errors.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../compiler/fmt.h"

/* Formats src; 0 with the text in out (static), or the error code. */
static int fmt(const char *src, char *out, size_t n, int *errors)
{
	diag_sink *d = diag_new();
	buf_t b = BUF_INIT;
	vidc_err e = {0};
	int rc = fmt_spec(d, "t.vid", src, strlen(src), &b, &e);
	snprintf(out, n, "%s", b.data ? b.data : "");
	if (errors)
		*errors = diag_errors(d);
	buf_free(&b);
	diag_free(d);
	return rc;
}

/* src must format to want, and want to itself. */
static void layout(const char *what, const char *src, const char *want)
{
	static char got[4096], again[4096];
	int rc = fmt(src, got, sizeof got, NULL);
	CHECK(rc == 0 && !strcmp(got, want), "%s: rc %d, got\n[%s]\nwant\n[%s]", what, rc, got, want);
	rc = fmt(got, again, sizeof again, NULL);
	CHECK(rc == 0 && !strcmp(again, got), "%s: not idempotent:\n[%s]\nthen\n[%s]", what, got, again);
}

/* Each case: what it shows, the source, its exact layout. */
static const struct {
	const char *what, *src, *want;
} cases[] = {
	/* statements, blocks, calls */
	{"blocks and semicolons", "video{preset tiktok;fps 30}\n", "video {\n  preset tiktok\n  fps 30\n}\n"},
	{"empty block", "scene a 5s {\n\n}\n", "scene a 5s {}\n"},
	{"nesting", "scene a 5s { image \"x.png\" { kenburns { zoom 1->1.2 } } }", "scene a 5s {\n  image \"x.png\" {\n    kenburns {\n      zoom 1 -> 1.2\n    }\n  }\n}\n"},
	{"a '}' after a statement on its line", "scene a 5s {\n  solid #000 }\n", "scene a 5s {\n  solid #000\n}\n"},
	{"const and named arguments", "const  x=5s\nuse t( \"a\" ,b=x,c : string)\n", "const x = 5s\nuse t(\"a\", b = x, c: string)\n"},
	{"a call over lines is joined", "use t(\"a\",\n      \"b\"\n)\n", "use t(\"a\", \"b\")\n"},
	{"tabs, CR LF, no final newline", "video {\r\n\tpreset tiktok\r\n}", "video {\n  preset tiktok\n}\n"},
	{"nothing", "", ""},
	{"byte order mark", "\xEF\xBB\xBF" "a  b\n", "\xEF\xBB\xBF" "a b\n"},
	/* The lexer tells a negative number from a subtraction by the character before the '-':
	 * the layout must keep each what it was. */
	{"subtraction glued", "start word(\"x\")-100ms\n", "start word(\"x\") - 100ms\n"},
	{"subtraction after a comment", "start word(\"x\") /*c*/-100ms\n", "start word(\"x\") /*c*/ - 100ms\n"},
	{"negative numbers", "position -10px    -20px\n", "position -10px -20px\n"},
	{"negative after '=' and '('", "const a=-1\nuse t(-2,b=-.5s)\n", "const a = -1\nuse t(-2, b = -.5s)\n"},
	{"arrow then negative", "zoom 1->-2\n", "zoom 1 -> -2\n"},
	/* SPEC §18.6: operators spaced; a group after a statement's name stays apart from it (the
	 * name is no call), a call's '(' stays glued; '-' after '*' or '/' is a negative number */
	{"arithmetic", "x (10px+5px)*2\nwidth max(200px,s*10)/2*-1\n", "x (10px + 5px) * 2\nwidth max(200px, s * 10) / 2 * -1\n"},
	{"a group after a value", "position 50% (50%-2*gap)\n", "position 50% (50% - 2 * gap)\n"},
	{"when and marker", "text t{when portrait{font_size 5sa};marker m at 25%+1s}\n", "text t {\n  when portrait {\n    font_size 5sa\n  }\n  marker m at 25% + 1s\n}\n"},
	{"numbers and units as written", "a 1.50 .5s 10sa -6db 90deg #ABC\n", "a 1.50 .5s 10sa -6db 90deg #ABC\n"},
	/* comments */
	{"end-of-line comments", "a 1   // one   \nb {  // two\n  c }  /* three */\n", "a 1 // one\nb { // two\n  c\n} /* three */\n"},
	{"own-line comments take the block's indentation", "scene a 5s {\n      // inside\n  solid #000\n// last\n}\n", "scene a 5s {\n  // inside\n  solid #000\n  // last\n}\n"},
	{"a block comment's lines kept, less trailing blanks", "/* one   \n     two */\na\n", "/* one\n     two */\na\n"},
	{"a line comment inside a call breaks it", "use t(\"a\", // why\n   \"b\")\n", "use t(\"a\", // why\n  \"b\")\n"},
	{"a comment in an empty block", "a { /* none */ }\n", "a { /* none */\n}\n"},
	{"a block comment before a statement", "/* c */   a\n", "/* c */ a\n"},
	/* blank lines */
	{"runs collapse, none at the ends", "\n\n\na\n\n\n\nb\n\n\n", "a\n\nb\n"},
	{"none at a block's start or end", "s {\n\n  a\n\n\n  b\n\n}\n", "s {\n  a\n\n  b\n}\n"},
	{"kept before a comment", "a\n\n// c\nb\n", "a\n\n// c\nb\n"},
	/* a triple-quoted string keeps its bytes, trailing spaces and indentation included */
	{"long string", "code python \"\"\"\n      x = 1   \n  \"\"\" {font_size 30px}\n", "code python \"\"\"\n      x = 1   \n  \"\"\" {\n  font_size 30px\n}\n"},
	{"escapes as written", "text \"a\\tb\\u{1F600} // not a comment\"\n", "text \"a\\tb\\u{1F600} // not a comment\"\n"},
};

static void test_layouts(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		layout(cases[i].what, cases[i].src, cases[i].want);
}

static void test_refused(void)
{
	char out[256];
	int errors = 0;
	CHECK(fmt("scene a 5s {\n  image ( \"x\"\n}\n", out, sizeof out, &errors) == VE_INVAL && errors == 1 && !out[0],
	      "a syntax error: refused, %d errors, out [%s]", errors, out);
	CHECK(fmt("a 5sec\n", out, sizeof out, &errors) == VE_INVAL && errors == 1, "a lexical error: refused");
	CHECK(fmt("a \"open\n", out, sizeof out, &errors) == VE_INVAL, "an unterminated string: refused");
	CHECK(fmt("/* open\n", out, sizeof out, &errors) == VE_INVAL, "an unterminated comment: refused");
	/* What the caller had in the buffer stays, and nothing is added on failure. */
	diag_sink *d = diag_new();
	buf_t b = BUF_INIT;
	buf_puts(&b, "keep");
	vidc_err e = {0};
	CHECK(fmt_spec(d, "t.vid", "}", 1, &b, &e) == VE_INVAL && !strcmp(b.data, "keep"), "buffer [%s]", b.data);
	CHECK(strstr(e.msg, "1 error in t.vid") != NULL, "message: %s", e.msg);
	CHECK(fmt_spec(d, "u.vid", "a  b", 4, &b, &e) == 0 && !strcmp(b.data, "keepa b\n"), "appends: [%s]", b.data);
	buf_free(&b);
	diag_free(d);
}

int main(void)
{
	test_layouts();
	test_refused();
	return check_done();
}
