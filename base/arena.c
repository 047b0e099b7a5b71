/*
 * arena.c - bump allocator in chunks. Chunks double up to 1 MiB; a request larger than a chunk
 * gets a chunk of its own. See arena.h for the ownership and out-of-memory rules.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[]; /* aligned payload */
};

struct arena {
	struct chunk *head;
	size_t next_size;
	size_t used;
	int failed;
	jmp_buf *oom;
};

arena_t *arena_new(void)
{
	arena_t *a = calloc(1, sizeof *a);
	if (a)
		a->next_size = 16 * 1024;
	return a;
}

void arena_free(arena_t *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void arena_on_oom(arena_t *a, jmp_buf *jb)
{
	a->oom = jb;
}

int arena_failed(const arena_t *a)
{
	return a->failed;
}

size_t arena_used(const arena_t *a)
{
	return a->used;
}

static void *out_of_memory(arena_t *a)
{
	a->failed = 1;
	if (a->oom)
		longjmp(*a->oom, 1);
	return NULL;
}

void *arena_fail(arena_t *a)
{
	return out_of_memory(a);
}

void *arena_alloc(arena_t *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	if (n > SIZE_MAX / 2)
		return out_of_memory(a);
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t size = a->next_size;
		if (size < n)
			size = n;
		else if (a->next_size < 1024 * 1024)
			a->next_size *= 2;
		c = calloc(1, sizeof *c + size);
		if (!c)
			return out_of_memory(a);
		c->size = size;
		/* Keep the chunk with the most room at the head. */
		if (a->head && a->head->size - a->head->used > size - n) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	a->used += n;
	return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *arena_strdup(arena_t *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *d = arena_alloc(a, (size_t)n + 1);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

int arena_grow(arena_t *a, void **items, int *cap, int count, size_t elem)
{
	/* room left; a NULL array has none whatever *cap says */
	if (count < *cap && *items)
		return 0;
	if (*cap > INT32_MAX / 2 || (size_t)*cap * 2 > SIZE_MAX / 2 / (elem ? elem : 1)) {
		out_of_memory(a);
		return VE_NOMEM;
	}
	int ncap = *cap ? *cap * 2 : 8;
	void *n = arena_alloc(a, (size_t)ncap * elem);
	if (!n)
		return VE_NOMEM;
	if (*items)
		memcpy(n, *items, (size_t)count * elem);
	*items = n;
	*cap = ncap;
	return 0;
}

void *arena_push(arena_t *a, void **items, int *count, int *cap, size_t elem)
{
	if (arena_grow(a, items, cap, *count, elem))
		return NULL;
	return (char *)*items + (size_t)(*count)++ * elem;
}
