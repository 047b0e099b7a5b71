/*
 * arena.h - one allocator per compilation. The AST, the IR and every string they point at live in
 * an arena and die together with arena_free(); nothing inside is freed one by one. Allocation
 * failure aborts with a message: a compiler that cannot get a few kilobytes has no useful way on.
 */
#ifndef VIDC_ARENA_H
#define VIDC_ARENA_H

#include <stddef.h>

typedef struct arena arena_t;

arena_t *arena_new(void);
void arena_free(arena_t *a);
/* Zeroed memory, aligned for any type. */
void *arena_alloc(arena_t *a, size_t n);
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an array of elements of size elem held in *items with *cap slots, so that one more fits. */
void arena_grow(arena_t *a, void **items, int *cap, int count, size_t elem);
#define ARENA_PUSH(a, arr, n, cap) \
	(arena_grow((a), (void **)&(arr), &(cap), (n), sizeof *(arr)), &(arr)[(n)++])

#endif
