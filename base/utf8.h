/*
 * utf8.h - the one UTF-8 decoder and encoder. Strict by RFC 3629: overlong forms, surrogates
 * (U+D800..U+DFFF), code points above U+10FFFF and truncated sequences are invalid. Callers
 * that must go on past bad bytes (text drawing, captions) take U+FFFD and skip one byte; callers
 * that must refuse them (the lexer, JSON checks) test utf8_valid or the decode result.
 */
#ifndef VIDC_UTF8_H
#define VIDC_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Whether byte c continues a multi-byte sequence (10xxxxxx). */
static inline int utf8_is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Decodes the sequence at s (at most n bytes). Returns its length (1..4) and sets *cp; returns 0
 * for an invalid or truncated sequence (and n == 0) with *cp = U+FFFD. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Writes cp as UTF-8 into out; returns the length (1..4), 0 for a surrogate or cp > U+10FFFF. */
int utf8_encode(uint32_t cp, char out[4]);
/* Whether s[0..n) is valid UTF-8 throughout. */
int utf8_valid(const char *s, size_t n);
/* Offset of the first invalid sequence in s[0..n), or n when all of it is valid. */
size_t utf8_invalid_at(const char *s, size_t n);
/* The index after the character at i in s[0..n): past a valid sequence, else one byte. */
size_t utf8_next(const char *s, size_t n, size_t i);
/* i moved back to the start of the character it falls in (never below 0): the place to cut a
 * string of at most i bytes without splitting a character. */
size_t utf8_floor(const char *s, size_t i);
/* Characters (lead bytes) in the NUL-terminated s. */
size_t utf8_count(const char *s);
/* Bytes taken by the first max characters of the NUL-terminated s. */
size_t utf8_prefix(const char *s, size_t max);
/* s as a log or a message may show it, in out (n bytes): control bytes (a forged line, a
 * terminal escape) written as %XX, cut with "..." after max bytes (0: only n bounds it). */
const char *utf8_shown(const char *s, size_t max, char *out, size_t n);

#endif
