/*
 * arena.h - one allocator per compilation (and per parsed article). The AST, the IR and every
 * string they point at live in an arena and die together with arena_free(); nothing inside is
 * freed one by one.
 *
 * Out of memory never aborts. A failed allocation marks the arena (arena_failed) and then
 *   - when a handler was installed with arena_on_oom(a, &jb), longjmps to it (value 1), so a
 *     deep recursive stage (the parser, the checker, lowering) does not need a NULL check after
 *     every allocation: its entry point does
 *         jmp_buf jb;
 *         if (setjmp(jb)) { ... report "out of memory", free the arena, return failure ... }
 *         arena_on_oom(a, &jb);
 *         ... work ...
 *         arena_on_oom(a, NULL);   // before the frame holding jb returns
 *     (locals changed between setjmp and longjmp must be volatile to be read in the handler);
 *   - otherwise returns NULL (arena_strdup and friends return NULL too, ARENA_PUSH yields NULL),
 *     and the caller checks.
 * The handler is per arena, so arenas on different threads do not interfere.
 */
#ifndef VIDC_ARENA_H
#define VIDC_ARENA_H

#include <setjmp.h>
#include <stddef.h>

typedef struct arena arena_t;

/* A new empty arena, or NULL when out of memory. */
arena_t *arena_new(void);
void arena_free(arena_t *a);
/* Installs (jb) or removes (NULL) the out-of-memory handler described above. */
void arena_on_oom(arena_t *a, jmp_buf *jb);
/* Records a failed allocation made outside the arena for work that lives in it (a malloc'd
 * scratch buffer) and handles it as arena_alloc would: longjmp to the handler, else NULL. */
void *arena_fail(arena_t *a);
/* Whether an allocation in a has failed. */
int arena_failed(const arena_t *a);
/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const arena_t *a);
/* Zeroed memory, aligned for any type. */
void *arena_alloc(arena_t *a, size_t n);
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an array of elements of size elem held in *items with *cap slots, so that one more fits.
 * 0, or VE_NOMEM (items untouched) when out of memory and no handler is installed. */
int arena_grow(arena_t *a, void **items, int *cap, int count, size_t elem);
/* Grows *items as arena_grow does and returns the slot of a new last element (incrementing
 * *count), or NULL when out of memory. */
void *arena_push(arena_t *a, void **items, int *count, int *cap, size_t elem);
/* A pointer to a new last element of arr (count n, capacity cap), or NULL when out of memory. */
#define ARENA_PUSH(a, arr, n, cap) \
	((__typeof__(arr))arena_push((a), (void **)&(arr), &(n), &(cap), sizeof *(arr)))

#endif
