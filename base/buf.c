/*
 * buf.c - the growable buffer of buf.h. Capacity doubles (at least 64 bytes), so n appends cost
 * O(n) copies in total; sizes are checked for overflow before any arithmetic reaches malloc.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int buf_reserve(buf_t *b, size_t n)
{
	if (n > SIZE_MAX / 2 - b->len - 1)
		return VE_NOMEM;
	size_t need = b->len + n + 1;
	if (b->data && need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d)
		return VE_NOMEM;
	if (!b->data)
		d[0] = 0;
	b->data = d;
	b->cap = cap;
	return 0;
}

int buf_append(buf_t *b, const void *p, size_t n)
{
	if (buf_reserve(b, n))
		return VE_NOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int buf_puts(buf_t *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(buf_t *b, int c)
{
	char ch = (char)c;
	return buf_append(b, &ch, 1);
}

int buf_vappendf(buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return VE_INVAL;
	if (buf_reserve(b, (size_t)n))
		return VE_NOMEM;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_appendf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vappendf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_clear(buf_t *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

char *buf_detach(buf_t *b, size_t *len)
{
	if (!b->data && buf_reserve(b, 0))
		return NULL;
	char *d = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void buf_free(buf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
