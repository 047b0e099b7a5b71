/*
 * fmt.c - vidc fmt: lays specs out in the canonical layout of compiler/fmt.h. Each file is
 * rewritten in place (atomically, and only when its layout changes); --check writes nothing and
 * lists the files that are not formatted; "-" reads standard input and writes standard output.
 * A spec that does not parse is left as it is, its errors printed as vidc check prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/file.h"
#include "../compiler/fmt.h"
#include "cli.h"

static const cli_opt o_check = {"--check", NULL, OPT_FLAG, CLI_NOFIELD, 0, 0, NULL};
const cli_opt *const cli_fmt_opts[] = {&o_check, &cli_opt_color, NULL};
const char cli_fmt_usage[] =
	"usage: vidc fmt SPEC... [--check] [--color auto|always|never]\n"
	"\n"
	"Lays each spec out in the canonical layout (SPEC.md, \"Formatting\"): one statement a\n"
	"line, two spaces a block, one space between values, comments kept where they are, blank\n"
	"lines kept but never two in a row. Only white space changes: the spec compiles to the same\n"
	"video. Each file is rewritten in place (atomically) when its layout changes. A spec with\n"
	"syntax errors is left as it is and its errors are printed as vidc check prints them.\n"
	"  -                  read the spec from standard input, write it to standard output\n"
	"  --check            write nothing; list the specs that are not formatted\n"
	"  --color auto|always|never  colours in diagnostics (default auto)\n"
	"Exit 0 when every spec is formatted (or was rewritten), 1 when one has syntax errors or\n"
	"cannot be read or written, or with --check is not formatted; 2 for a usage error.\n";

/* Larger specs are refused by the formatter itself (with the compiler's limit in the message);
 * this only bounds what is read to say so. */
#define FMT_MAX_BYTES (64u << 20)

/* Standard input, at most max bytes, into b. 0, VE_LIMIT or VE_IO. */
static int read_stdin(buf_t *b, size_t max, vidc_err *e)
{
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (b->len + got > max)
			return err_set(e, VE_LIMIT, "standard input is over %zu bytes", max);
		if (buf_append(b, chunk, got))
			return err_set(e, VE_NOMEM, "out of memory reading standard input");
	}
	if (ferror(stdin))
		return err_set(e, VE_IO, "cannot read standard input");
	return 0;
}

/* Formats text (named name) into out. 0; 1 after printing why it was not formatted. */
static int format_text(const cli_args *a, const stage_cb *cb, const char *name, const char *text,
		       size_t len, buf_t *out)
{
	diag_sink *d = diag_new();
	vidc_err e = {0};
	int rc = d ? fmt_spec(d, name, text, len, out, &e) : err_set(&e, VE_NOMEM, "out of memory");
	if (rc == VE_INVAL) { /* the syntax errors, then "2 errors in x.vid", as vidc check prints */
		cb->diagnostics(cb->ud, d);
		fprintf(stderr, "%s (not formatted)\n", e.msg);
	} else if (rc) {
		cli_error(a, &e);
	}
	diag_free(d);
	return rc ? 1 : 0;
}

/* One file (or "-"): 0 when it is formatted (or was rewritten to be), 1 otherwise. */
static int format_one(const cli_args *a, const stage_cb *cb, const char *path, int check)
{
	int in = !strcmp(path, "-");
	const char *name = in ? "<stdin>" : path;
	buf_t src = BUF_INIT, out = BUF_INIT;
	vidc_err e = {0};
	int rc = in ? read_stdin(&src, FMT_MAX_BYTES, &e) : file_read(path, FMT_MAX_BYTES, &src.data, &src.len, &e);
	if (rc) {
		buf_free(&src);
		return cli_error(a, &e);
	}
	const char *text = src.data ? src.data : "";
	rc = format_text(a, cb, name, text, src.len, &out);
	int same = !rc && out.len == src.len && !memcmp(out.data ? out.data : "", text, src.len);
	if (rc) {
		/* already said why */
	} else if (check) {
		if (!same) {
			printf("%s\n", name); /* not formatted: listed, nothing written */
			rc = 1;
		}
	} else if (in) {
		if (fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len || fflush(stdout))
			rc = cli_fail(a, "cannot write standard output");
	} else if (!same) {
		/* Through a symbolic link, the file it names is rewritten and the link stays; the new
		 * file gets the old one's permissions (the atomic write makes it with the umask's). */
		char *real = realpath(path, NULL);
		const char *to = real ? real : path;
		struct stat st;
		int had = stat(to, &st) == 0;
		if (file_write_atomic(to, out.data, out.len, &e))
			rc = cli_error(a, &e);
		else if (had && chmod(to, st.st_mode & 07777))
			rc = cli_fail(a, "cannot keep the permissions of '%s': %s", path, strerror(errno));
		free(real);
	}
	buf_free(&src);
	buf_free(&out);
	return rc;
}

int cli_fmt(cli_args *a)
{
	if (a->npos == 0)
		return cli_usage(a, "which spec? (vidc fmt SPEC.vid..., or - for standard input)");
	int check = cli_given(a, "--check");
	stage_cb cb;
	int rc = cli_callbacks(a, &cb);
	if (rc)
		return rc;
	for (int i = 0; i < a->npos; i++) /* every file, even after a bad one */
		rc |= format_one(a, &cb, a->pos[i], check);
	return rc;
}
