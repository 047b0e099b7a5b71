/*
 * compiler_diag.c - unit tests of the diagnostics sink's machine-readable side (issue 15):
 * fix-its attach to the diagnostic reported last and not to one that was dropped; the word
 * fix-it checks the source; applying edits skips overlapping ones and merges repeats; the JSON
 * escapes control characters and invalid UTF-8 and gives multi-line ranges their end. Values
 * read through constants (diag_via): a diagnostic inside a constant's value moves to the use
 * that read it, with a note per constant, outermost first.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../compiler/diag.h"

static span_t at(int file, int line, int col, int off, int len)
{
	return (span_t){file, line, col, off, len};
}

/* Applies the fix-its of d for path to text; the result (static) and the count skipped. */
static const char *applied(diag_sink *d, const char *path, const char *text, int *skipped, int *n)
{
	static char out[256];
	diag_edits ed = {NULL, 0, 0};
	buf_t b = BUF_INIT;
	CHECK(diag_edits_collect(d, path, &ed) == 0, "collect");
	CHECK(diag_edits_apply(&ed, text, strlen(text), &b, skipped) == 0, "apply");
	*n = ed.n;
	snprintf(out, sizeof out, "%s", b.data ? b.data : "");
	buf_free(&b);
	diag_edits_free(&ed);
	return out;
}

static void test_edits(void)
{
	const char *src = "aaa bbb ccc ddd";
	diag_sink *d = diag_new();
	int f = diag_add_source(d, "t.vid", src, strlen(src));
	diag_err(d, DE_UNKNOWN_NAME, at(f, 1, 1, 0, 3), "x");
	diag_fixit_word(d, at(f, 1, 1, 0, 3), "aaa", "A");
	diag_err(d, DE_UNKNOWN_NAME, at(f, 1, 5, 4, 3), "y");
	diag_fixit(d, at(f, 1, 5, 4, 3), "B%d", 2);
	/* the same message at the same place is dropped, and so is its fix-it */
	diag_err(d, DE_UNKNOWN_NAME, at(f, 1, 5, 4, 3), "y");
	diag_fixit(d, at(f, 1, 5, 4, 3), "ZZZ");
	/* two edits overlapping: neither is applied */
	diag_err(d, DE_UNKNOWN_NAME, at(f, 1, 9, 8, 3), "z");
	diag_fixit(d, at(f, 1, 9, 8, 3), "C");
	diag_err(d, DE_UNKNOWN_NAME, at(f, 1, 10, 9, 4), "w");
	diag_fixit(d, at(f, 1, 10, 9, 4), "D");
	/* the word fix-it reads the source: "ddd" is not "dd", nor is "eee" there */
	diag_err(d, DE_UNKNOWN_NAME, at(f, 1, 13, 12, 3), "v");
	diag_fixit_word(d, at(f, 1, 13, 12, 3), "dd", "E");
	diag_fixit_word(d, at(f, 1, 13, 12, 3), "eee", "E");
	/* a turned-off warning takes its fix-it with it */
	diag_set_warnings_off(d, 1u << DW_CLIPPED);
	diag_warn(d, DW_CLIPPED, at(f, 1, 13, 12, 3), "off");
	diag_fixit(d, at(f, 1, 13, 12, 3), "OFF");
	int skipped, n;
	const char *out = applied(d, "t.vid", src, &skipped, &n);
	CHECK(!strcmp(out, "A B2 ccc ddd"), "got '%s'", out);
	CHECK(skipped == 2 && n == 2, "skipped %d, applied %d", skipped, n);
	out = applied(d, "other.vid", src, &skipped, &n);
	CHECK(!strcmp(out, src) && n == 0, "another file's edits: '%s'", out);
	diag_free(d);

	/* the same edit twice (a template used twice) is one edit; a quoted name keeps its quotes */
	const char *q = "x \"wrd\" y";
	d = diag_new();
	f = diag_add_source(d, "q.vid", q, strlen(q));
	for (int i = 0; i < 2; i++) {
		diag_err(d, DE_NO_MATCH, at(f, 1, 3, 2, 5), "no word %d", i);
		diag_fixit_word(d, at(f, 1, 3, 2, 5), "wrd", "word");
	}
	out = applied(d, "q.vid", q, &skipped, &n);
	CHECK(!strcmp(out, "x \"word\" y") && skipped == 0 && n == 1, "got '%s' (%d skipped)", out, skipped);
	diag_free(d);
}

static void test_json(void)
{
	const char *src = "scene {\n  text \"a\"\n";
	diag_sink *d = diag_new();
	int f = diag_add_source(d, "dir/\x01t.vid", src, strlen(src));
	diag_err(d, DE_UNCLOSED_BLOCK, at(f, 1, 7, 6, (int)strlen(src) - 6), "'{' is never closed");
	diag_note(d, at(f, 2, 3, 10, 4), "note \"q\" \x1b[31m \xff end\xe2\x80\xa8");
	diag_err(d, DE_NOMEM, at(-1, 0, 0, 0, 0), "nowhere");
	buf_t b = BUF_INIT;
	int first = 1;
	CHECK(diag_json(d, &b, &first) == 0 && !first, "json");
	const char *want =
		"{\"file\":null,\"range\":null,\"severity\":\"error\",\"code\":\"out-of-memory\","
		"\"message\":\"nowhere\",\"notes\":[],\"fixits\":[]},"
		"{\"file\":\"dir/\\u0001t.vid\",\"range\":{\"start\":{\"line\":1,\"col\":7},"
		"\"end\":{\"line\":3,\"col\":1},\"offset\":6,\"length\":13},\"severity\":\"error\","
		"\"code\":\"unclosed-block\",\"message\":\"'{' is never closed\",\"notes\":[{\"file\":"
		"\"dir/\\u0001t.vid\",\"range\":{\"start\":{\"line\":2,\"col\":3},\"end\":{\"line\":2,"
		"\"col\":7},\"offset\":10,\"length\":4},\"message\":\"note \\\"q\\\" \\u001b[31m \\ufffd "
		"end\\u2028\"}],\"fixits\":[]}";
	CHECK(b.data && !strcmp(b.data, want), "got\n%s\nwant\n%s", b.data ? b.data : "", want);
	/* a second sink continues the array */
	buf_clear(&b);
	CHECK(diag_json(d, &b, &first) == 0 && b.data && b.data[0] == ',', "second sink");
	buf_free(&b);
	CHECK(!strcmp(diag_code_name(DE_UNKNOWN_PROPERTY), "unknown-property"), "code name");
	CHECK(!strcmp(diag_code_name(DE_OUTSIDE_PROJECT), "outside-project"), "outside-project");
	CHECK(!strcmp(diag_code_name(DE_COUNT - 1), "file-not-found"), "the table covers every code");
	diag_free(d);
}

/* The span of the nth (0-based) occurrence of needle in src, in file f. */
static span_t find_span(int f, const char *src, const char *needle, int nth)
{
	const char *p = strstr(src, needle);
	while (p && nth-- > 0)
		p = strstr(p + 1, needle);
	if (!p)
		return at(-1, 0, 0, 0, 0);
	int line = 1, col = 1;
	for (const char *q = src; q < p; q++)
		*q == '\n' ? (line++, col = 1) : col++;
	return at(f, line, col, (int)(p - src), (int)strlen(needle));
}

/* The diagnostics of d as printed, without the source lines: "L:C: error: msg|L:C: note: ...|". */
static const char *printed(diag_sink *d)
{
	static char out[1024];
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return "";
	diag_print(d, m, 0);
	fclose(m);
	out[0] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "t.vid:", 6) && strlen(out) + strlen(line) < sizeof out - 2)
			strcat(strcat(out, line + 6), "|");
	free(text);
	return out;
}

static void test_via(void)
{
	const char *src = "const a = b\nconst b = \"x\"\nuse a; use a; use b\n";
	diag_sink *d = diag_new();
	int f = diag_add_source(d, "t.vid", src, strlen(src));
	span_t sa = find_span(f, src, "b", 0), sb = find_span(f, src, "\"x\"", 0);
	span_t u1 = find_span(f, src, "a", 1), u2 = find_span(f, src, "a", 2), u3 = find_span(f, src, "b", 2);
	/* use a (line 3) reads a, whose value b reads b's "x": an error at "x" belongs to the use */
	diag_via(d, u1, sa, "a");
	diag_via(d, sa, sb, "b");
	diag_err(d, DE_WRONG_TYPE, sb, "wrong");
	diag_fixit(d, sb, "1");
	/* the second use reads them again: its error is its own */
	diag_via(d, u2, sa, "a");
	diag_via(d, sa, sb, "b");
	diag_err(d, DE_WRONG_TYPE, sb, "wrong");
	CHECK(diag_has_error_at(d, DE_WRONG_TYPE, sb), "an error inside the value counts at its use");
	/* a warning turned off takes its notes along */
	diag_set_warnings_off(d, 1u << DW_CLIPPED);
	diag_warn(d, DW_CLIPPED, sb, "off");
	/* reported at the use itself (a template's argument): the notes follow it down */
	diag_via(d, u3, sb, "b");
	diag_err(d, DE_WRONG_TYPE, u3, "at the use");
	const char *want = "3:5: error: wrong|1:11: note: 'a' is defined here|2:11: note: 'b' is defined here|"
			   "3:12: error: wrong|1:11: note: 'a' is defined here|2:11: note: 'b' is defined here|"
			   "3:19: error: at the use|2:11: note: 'b' is defined here|";
	const char *got = printed(d);
	CHECK(!strcmp(got, want), "got\n%s\nwant\n%s", got, want);
	int skipped, n;
	const char *out = applied(d, "t.vid", src, &skipped, &n);
	CHECK(n == 1 && strstr(out, "const b = 1\n"), "the fix-it edits the value: '%s'", out);
	diag_free(d);

	/* constants naming each other in a circle: each step once, and the error still reaches its use */
	d = diag_new();
	f = diag_add_source(d, "t.vid", src, strlen(src));
	diag_via(d, u1, sa, "a");
	for (int i = 0; i < 8; i++) {
		diag_via(d, sa, sb, "b");
		diag_via(d, sb, sa, "a");
	}
	diag_err(d, DE_WRONG_TYPE, sb, "circle");
	got = printed(d);
	want = "3:5: error: circle|1:11: note: 'a' is defined here|2:11: note: 'b' is defined here|";
	CHECK(!strcmp(got, want), "got\n%s\nwant\n%s", got, want);
	diag_free(d);

	/* only the last DIAG_VIAS records are kept: older ones are forgotten, not misapplied */
	d = diag_new();
	f = diag_add_source(d, "t.vid", src, strlen(src));
	diag_via(d, u1, sb, "b");
	for (int i = 0; i < DIAG_VIAS; i++)
		diag_via(d, at(f, 1, 1, i % 2, 1), at(f, 3, 1, 40 + i % 2, 1), "z");
	diag_err(d, DE_WRONG_TYPE, sb, "old");
	got = printed(d);
	CHECK(!strcmp(got, "2:11: error: old|"), "got %s", got);
	diag_free(d);
}

int main(void)
{
	test_edits();
	test_json();
	test_via();
	return check_done();
}
