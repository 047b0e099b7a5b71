/*
 * compiler_diag.c - unit tests of the diagnostics sink's machine-readable side (issue 15):
 * fix-its attach to the diagnostic reported last and not to one that was dropped; the word
 * fix-it checks the source; applying edits skips overlapping ones and merges repeats; the JSON
 * escapes control characters and invalid UTF-8 and gives multi-line ranges their end.
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

int main(void)
{
	test_edits();
	test_json();
	return check_done();
}
