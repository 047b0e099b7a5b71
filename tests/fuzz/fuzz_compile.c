/*
 * fuzz_compile.c - libFuzzer target over the whole compiler: .vid text in memory -> lexer, parser,
 * imports, template expansion, checker -> diagnostics printed -> (if clean) lowering to the IR of
 * every preset named, and the IR dump. Nothing is rendered. The formatter (compiler/fmt.h) runs
 * on the same input: when it parses, formatting its formatted text must give the same bytes
 * (idempotence) and a spec it refuses must not compile clean; otherwise the target aborts, which
 * is how libFuzzer reports it.
 *
 * The input is compiled as "tests/fuzz/input.vid" with assets unchecked, so run the binary from
 * the repository root (tests/fuzz/run.sh does): relative paths then resolve the way the test
 * specs expect ("../fixtures/voice.json" is tests/fixtures/voice.json, granted as an --allow
 * folder would be), which lets seeds reach word timings, speech anchors and `auto` scenes.
 * "lib/..." imports find tests/fuzz/lib/. Every other path is outside the project roots, so the
 * roots check (compiler/asset.c) is fuzzed too: the corpus has names outside, through "..", and
 * through missing folders.
 *
 *   make fuzz && ./build/fuzz/fuzz_compile -dict=tests/fuzz/dict.txt CORPUS_DIR
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/compile.h"
#include "../../compiler/fmt.h"

static FILE *devnull;
static int compiling;

/*
 * An input may name any path at all; the roots keep the compiler inside tests/fuzz, tests/fixtures
 * and the stdlib, and this guard stays for a roots bug the fuzzer may find. The compiler only
 * opens regular files and caps what it reads at 16 MiB, but some "regular" files under /proc
 * block forever (/proc/kmsg when the log is quiet) and reading them consumes the host's kernel
 * log. While the compiler runs, this fopen (which overrides libc's and the sanitizer's weak one,
 * for the compiler and for jansson alike) refuses kernel pseudo-files; everything else opens as
 * usual. Refusing looks to the compiler like an unreadable file, a path it already handles.
 */
static int kernel_file(const char *path)
{
	char *real = realpath(path, NULL);
	const char *p = real ? real : path;
	int bad = !strncmp(p, "/proc/", 6) || !strncmp(p, "/sys/", 5) || !strncmp(p, "/dev/", 5);
	free(real);
	return bad;
}

static FILE *real_fopen(const char *path, const char *mode)
{
	static FILE *(*fn)(const char *, const char *);
	if (!fn)
		fn = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
	return fn(path, mode);
}

FILE *fopen(const char *path, const char *mode)
{
	if (compiling && kernel_file(path)) {
		errno = EACCES;
		return NULL;
	}
	return real_fopen(path, mode);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = real_fopen("/dev/null", "w");
	if (!devnull)
		abort();
	/* The prelude is part of every compilation; use the repository's unless told otherwise. */
	setenv("VIDC_STDLIB", "stdlib", 0);
	return 0;
}

/* fmt(fmt(x)) == fmt(x) for an input that parses; an input refused for syntax errors must have
 * errors when compiled too (compiled is whether it compiled clean). */
static void check_fmt(const char *text, size_t size, int compiled)
{
	diag_sink *d = diag_new();
	buf_t once = BUF_INIT, twice = BUF_INIT;
	vidc_err e;
	int rc = d ? fmt_spec(d, "tests/fuzz/input.vid", text, size, &once, &e) : VE_NOMEM;
	if (rc == VE_INVAL && compiled)
		abort(); /* refused as not parsing, yet it compiles */
	if (rc == 0) {
		int again = fmt_spec(d, "tests/fuzz/formatted.vid", once.data ? once.data : "", once.len, &twice, &e);
		if (again == VE_INVAL || (again == 0 && (once.len != twice.len ||
							 (once.len && memcmp(once.data, twice.data, once.len)))))
			abort(); /* the formatted text does not parse, or formats differently */
	}
	buf_free(&once);
	buf_free(&twice);
	diag_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* check_assets off: a missing image is not an error, so lowering is reached more often. */
	static const char *const allow[] = {"tests/fixtures"};
	compile_opts opts = {NULL, 0, allow, 1};
	diag_sink *d = diag_new();
	compiling = 1;
	spec_t *s = compile_spec_text("tests/fuzz/input.vid", (const char *)data, size, d, &opts);
	compiling = 0;
	/* Both printers: plain, and with the colour escapes (they take a different path). */
	diag_print(d, devnull, 0);
	diag_print(d, devnull, 1);
	if (!diag_errors(d)) {
		for (int i = 0; i < compile_npresets(s); i++) {
			ir_program *p = compile_lower(s, compile_preset(s, i));
			if (p) {
				ir_dump(p, devnull);
				ir_program_free(p);
			}
		}
	}
	check_fmt((const char *)data, size, !diag_errors(d));
	compile_free(s);
	diag_free(d);
	return 0;
}
