/*
 * check.h - the one assertion of the C unit tests: CHECK(cond, printf-style message) prints
 * FILE:LINE, the condition and the message on stderr and counts the failure; a test's main()
 * ends with `return failures != 0;`. Included once per test program (it defines `failures`).
 */
#ifndef VIDC_TEST_CHECK_H
#define VIDC_TEST_CHECK_H

#include <stdio.h>

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

#endif
