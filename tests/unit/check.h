/*
 * check.h - what every C unit test shares: the one assertion CHECK(cond, printf-style message),
 * which prints FILE:LINE, the condition and the message on stderr and counts the failure (a
 * test's main() ends with `return check_done();`), plus a scratch folder removed at exit and a
 * helper to write a file into it. Included once per test program (it defines `failures`).
 */
#ifndef VIDC_TEST_CHECK_H
#define VIDC_TEST_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/file.h"

static int failures;

#define CHECK(cond, ...)                                                                    \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond);    \
			fprintf(stderr, __VA_ARGS__);                                       \
			fputc('\n', stderr);                                                \
			failures++;                                                         \
		}                                                                           \
	} while (0)

static char check_dir[64];

static inline void check_rmtmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", check_dir);
	if (check_dir[0] && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", check_dir);
}

/* A scratch folder for this test program, made on first use and removed at exit. */
static inline const char *check_tmpdir(void)
{
	if (!check_dir[0]) {
		snprintf(check_dir, sizeof check_dir, "/tmp/vidc-test-XXXXXX");
		if (!mkdtemp(check_dir)) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(check_rmtmp);
	}
	return check_dir;
}

/* printf into one of 8 static buffers used in rotation, so a few results can be held at once
 * (URLs, paths of one call); a longer text is cut at 511 bytes. */
static inline char *check_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *check_fmt(const char *fmt, ...)
{
	static char bufs[8][512];
	static int next;
	char *b = bufs[next++ % 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}

/* check_tmpdir()/name, through check_fmt. */
static inline const char *check_path(const char *name)
{
	return check_fmt("%s/%s", check_tmpdir(), name);
}

/* Writes n bytes to path or ends the test (status 2: the test itself could not run). */
static inline void check_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

/* Runs the shell command cmd with its standard output (at most len - 1 bytes) in out, always
 * terminated. Returns pclose's status (0: it succeeded), -1 when it could not start. */
static inline int check_run(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	out[0] = 0;
	if (!f)
		return -1;
	size_t n = fread(out, 1, len - 1, f);
	out[n] = 0;
	return pclose(f);
}

/* ffprobe -v error ARGS 'path': its standard output in out, as check_run. */
static inline int check_ffprobe(const char *path, const char *args, char *out, size_t len)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "ffprobe -v error %s '%s'", args, path);
	return check_run(cmd, out, len);
}

/* The whole file at path, NUL-terminated (its length in *n when n is not NULL), or NULL when it
 * cannot be read: base/file.h's file_read with a cap no test file reaches. Free with free(). */
static inline char *check_slurp(const char *path, size_t *n)
{
	char *data;
	size_t len;
	if (file_read(path, (size_t)1 << 30, &data, &len, NULL))
		return NULL;
	if (n)
		*n = len;
	return data;
}

/* The end of a test's main(): "NAME: ok" or "NAME: N failure(s)", and the exit status. */
static inline int check_done(void)
{
	if (failures)
		fprintf(stderr, "%s: %d failure(s)\n", program_invocation_short_name, failures);
	else
		printf("%s: ok\n", program_invocation_short_name);
	return failures != 0;
}

#endif
