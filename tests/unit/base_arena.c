/*
 * base_arena.c - the arena (base/arena.h): alignment, strings, growth, and out-of-memory without
 * an abort: NULL and the failed flag without a handler, a longjmp to the handler with one.
 */
#include <stdint.h>

#include "../../base/arena.h"
#include "check.h"

static void test_basics(void)
{
	arena_t *a = arena_new();
	CHECK(a != NULL, "arena_new");
	for (int i = 1; i < 200; i++) {
		char *p = arena_alloc(a, (size_t)i * 37);
		CHECK(p && (uintptr_t)p % _Alignof(max_align_t) == 0, "aligned %d", i);
		CHECK(p[0] == 0 && p[(size_t)i * 37 - 1] == 0, "zeroed %d", i);
	}
	CHECK(!strcmp(arena_strdup(a, "abc"), "abc") && !strcmp(arena_strndup(a, "abcdef", 2), "ab"), "dup");
	CHECK(!strcmp(arena_printf(a, "%d-%s", 4, "x"), "4-x"), "printf");
	int *v = NULL, n = 0, cap = 0;
	for (int i = 0; i < 10000; i++)
		*ARENA_PUSH(a, v, n, cap) = i;
	CHECK(n == 10000 && v[0] == 0 && v[9999] == 9999 && cap >= n, "push");
	CHECK(!arena_failed(a) && arena_used(a) > 10000 * sizeof(int), "used");
	arena_free(a);
}

static void test_oom(void)
{
	arena_t *a = arena_new();
	/* No handler: NULL, and the arena remembers. */
	CHECK(arena_alloc(a, SIZE_MAX / 2 + 1) == NULL && arena_failed(a), "NULL without a handler");
	CHECK(arena_alloc(a, 16) != NULL, "small allocations still work");
	/* A full array whose doubled capacity would pass INT32_MAX: refused before any allocation. */
	char *big = NULL;
	int cap = (int)(INT32_MAX / 2 + 1), n = cap;
	CHECK(ARENA_PUSH(a, big, n, cap) == NULL && n == cap && big == NULL, "growth past int is refused");
	arena_free(a);

	/* With a handler: control comes back at setjmp with 1. */
	a = arena_new();
	jmp_buf jb;
	volatile int reached = 0;
	if (setjmp(jb) == 0) {
		arena_on_oom(a, &jb);
		arena_alloc(a, 100);
		reached = 1;
		arena_alloc(a, SIZE_MAX / 2 + 1);
		reached = 2;
	}
	arena_on_oom(a, NULL);
	CHECK(reached == 1 && arena_failed(a), "the handler ran (reached %d)", reached);
	arena_free(a);
}

int main(void)
{
	test_basics();
	test_oom();
	return check_done();
}
