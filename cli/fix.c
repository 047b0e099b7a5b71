/*
 * fix.c - vidc fix: applies the fix-its the compiler attached to a spec's diagnostics (the
 * did-you-means, a missing unit) to the spec file itself, then checks the result. The edits
 * come from diag.h as data (offset, length, text); this file only decides which rounds to run,
 * writes the file atomically and prints. Fixes in imported files or the stdlib are left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "cli.h"

/* A spec bigger than this is refused by the compiler anyway (compile.c's limit is smaller). */
#define FIX_MAX_BYTES (64u << 20)
/* A fix can reveal another (a hook parameter is checked only once the spec compiles). */
#define FIX_ROUNDS 3

typedef struct {
	const char *path;
	diag_edits ed;
	int nomem;
} collect;

static void on_collect(void *ud, const diag_sink *d)
{
	collect *c = ud;
	if (diag_edits_collect(d, c->path, &c->ed))
		c->nomem = 1;
}

/* Compiles text (named path) and, when it compiles, runs vidc check's runtime checks, handing
 * every diagnostic to cb. Whether errors remain. */
static int check_text(const cli_args *a, const stage_cb *cb, const char *path, const char *text,
		      size_t len)
{
	stage_spec_opts o = cli_spec_opts(a);
	stage_spec *s = NULL;
	vidc_err e = {0};
	int bad = stage_spec_load(path, text, len, &o, cb, &s, &e) != 0;
	if (!bad)
		bad = stage_spec_check(s, cb, &e) != 0;
	if (bad && cb->diagnostics && cb->diagnostics != on_collect)
		fprintf(stderr, "%s\n", e.msg);
	stage_spec_free(s);
	return bad;
}

/* The line (1-based) holding byte off of text, and its bounds. */
static int line_at(const char *text, size_t len, size_t off, size_t *ls, size_t *le)
{
	int line = 1;
	*ls = 0;
	for (size_t i = 0; i < off && i < len; i++)
		if (text[i] == '\n')
			line++, *ls = i + 1;
	for (*le = off; *le < len && text[*le] != '\n';)
		++*le;
	return line;
}

/* --dry-run: each edit as the line before and after it. */
static void print_edits(const char *path, const char *text, size_t len, const diag_edits *ed)
{
	for (int i = 0; i < ed->n; i++) {
		const diag_edit *e = &ed->e[i];
		size_t ls, le;
		int line = line_at(text, len, (size_t)e->off, &ls, &le);
		int pre = (int)((size_t)e->off - ls);
		size_t after = (size_t)e->off + (size_t)e->len;
		printf("%s:%d:%d: replace '%.*s' with '%s'\n", path, line, pre + 1, e->len, text + e->off, e->text);
		printf("-%.*s\n", (int)(le - ls), text + ls);
		printf("+%.*s%s%.*s\n", pre, text + ls, e->text, after < le ? (int)(le - after) : 0,
		       text + after);
	}
}

/* One round: the unambiguous fix-its of text, applied into *out. The number applied (0 when
 * there is nothing left to fix), or -1 when out of memory. */
static int fix_round(const cli_args *a, const char *path, const char *text, size_t len, buf_t *out,
		     int *skipped)
{
	collect c = {path, {NULL, 0, 0}, 0};
	stage_cb cb = {0};
	cb.diagnostics = on_collect;
	cb.ud = &c;
	check_text(a, &cb, path, text, len);
	int n = -1;
	if (!c.nomem && !diag_edits_apply(&c.ed, text, len, out, skipped))
		n = c.ed.n;
	if (n > 0 && a->dry_run)
		print_edits(path, text, len, &c.ed);
	diag_edits_free(&c.ed);
	return n;
}

int cli_fix(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "give exactly one spec (vidc fix SPEC.vid [--dry-run])");
	const char *path = a->pos[0];
	stage_cb cb;
	if (cli_callbacks(a, &cb))
		return 2;
	char *text = NULL;
	size_t len = 0;
	vidc_err e = {0};
	if (file_read(path, FIX_MAX_BYTES, &text, &len, &e))
		return cli_error(a, &e);
	int total = 0, skipped = 0;
	for (int round = 0; round < FIX_ROUNDS; round++) {
		buf_t out = BUF_INIT;
		int sk = 0, n = fix_round(a, path, text, len, &out, &sk);
		skipped += sk;
		if (n <= 0) {
			buf_free(&out);
			if (n < 0) {
				free(text);
				return cli_fail(a, "out of memory fixing '%s'", path);
			}
			break;
		}
		total += n;
		free(text);
		text = buf_detach(&out, &len);
		if (!text)
			return cli_fail(a, "out of memory fixing '%s'", path);
	}
	int rc = 0;
	if (total && !a->dry_run && file_write_atomic(path, text, len, &e))
		rc = cli_error(a, &e);
	if (!rc) {
		fprintf(stderr, "vidc fix: %s %d fix%s in %s", a->dry_run ? "would apply" : "applied", total,
			total == 1 ? "" : "es", path);
		if (skipped)
			fprintf(stderr, " (%d left out: they overlap another)", skipped);
		fputc('\n', stderr);
		rc = check_text(a, &cb, path, text, len); /* what is left, printed as vidc check does */
	}
	free(text);
	return rc;
}
