/*
 * check.h - what every C unit test shares: the one assertion CHECK(cond, printf-style message),
 * which prints FILE:LINE, the condition and the message on stderr and counts the failure (a
 * test's main() ends with `return check_done();`), plus a scratch folder removed at exit and a
 * helper to write a file into it. Included once per test program (it defines `failures`).
 */
#ifndef VIDC_TEST_CHECK_H
#define VIDC_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* check_tmpdir()/name, in a static buffer per call site's slot (4 in rotation). */
static inline const char *check_path(const char *name)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof bufs[0], "%s/%s", check_tmpdir(), name);
	return b;
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
