/*
 * utf8.c - UTF-8 decoding and encoding (see utf8.h for the strictness rule).
 */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	*cp = UTF8_REPLACEMENT;
	if (n == 0)
		return 0;
	uint32_t c = u[0], min;
	int len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		len = 2, min = 0x80, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		len = 3, min = 0x800, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if (!utf8_is_cont(u[i]))
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return 0;
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_invalid_at(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		int k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return i;
		i += (size_t)k;
	}
	return n;
}

int utf8_valid(const char *s, size_t n)
{
	return utf8_invalid_at(s, n) == n;
}

size_t utf8_next(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return n;
	uint32_t cp;
	int k = utf8_decode(s + i, n - i, &cp);
	return i + (size_t)(k ? k : 1);
}

size_t utf8_floor(const char *s, size_t i)
{
	while (i > 0 && utf8_is_cont((unsigned char)s[i]))
		i--;
	return i;
}

size_t utf8_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += !utf8_is_cont((unsigned char)*s);
	return n;
}

size_t utf8_prefix(const char *s, size_t max)
{
	size_t bytes = 0, chars = 0;
	while (s[bytes] && chars < max) {
		bytes++;
		while (utf8_is_cont((unsigned char)s[bytes]))
			bytes++;
		chars++;
	}
	return bytes;
}

const char *utf8_shown(const char *s, size_t max, char *out, size_t n)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < n; p++) {
		if (max && o >= max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(out + o, n - o, "%%%02X", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = 0;
	return out;
}
