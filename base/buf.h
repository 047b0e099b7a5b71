/*
 * buf.h - the growable byte buffer every stage uses for text and bodies it builds piece by piece
 * (HTTP bodies, JSON requests, generated specs, captions). data is NUL-terminated whenever it is
 * not NULL (data[len] == 0), so a text buffer can be used as a C string. A zeroed buf_t (BUF_INIT)
 * is an empty buffer; the holder owns data and frees it with buf_free or takes it with buf_detach.
 * Allocation failure returns VE_NOMEM and leaves the buffer as it was: nothing here aborts.
 */
#ifndef VIDC_BUF_H
#define VIDC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *data;      /* NULL until the first append */
	size_t len, cap; /* bytes used, bytes allocated (cap > len when data != NULL) */
} buf_t;

#define BUF_INIT {NULL, 0, 0}

/* Makes room for n more bytes (plus the terminating NUL). 0 or VE_NOMEM. */
int buf_reserve(buf_t *b, size_t n);
/* Appends n bytes. 0 or VE_NOMEM. */
int buf_append(buf_t *b, const void *p, size_t n);
/* Appends a C string. 0 or VE_NOMEM. */
int buf_puts(buf_t *b, const char *s);
/* Appends one byte. 0 or VE_NOMEM. */
int buf_putc(buf_t *b, int c);
/* Appends printf output. 0 or VE_NOMEM (VE_INVAL for a bad format). */
int buf_appendf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list (for wrappers that take printf arguments). */
int buf_vappendf(buf_t *b, const char *fmt, va_list ap);
/* Forgets the contents but keeps the memory. */
void buf_clear(buf_t *b);
/* Hands the NUL-terminated contents to the caller (free() them); *len gets the length when len
 * is not NULL. The buffer is empty afterwards. Never NULL unless out of memory: an empty buffer
 * gives "". */
char *buf_detach(buf_t *b, size_t *len);
void buf_free(buf_t *b);

#endif
