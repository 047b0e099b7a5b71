/*
 * b64.c - a lenient base64 decoder (see b64.h).
 */
#include "b64.h"

#include <stdlib.h>
#include <string.h>

/* RFC 4648's alphabet: a digit's value is its place here. '-' and '_' are base64url's 62 and 63
 * (section 5), read too so either form decodes. */
static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(int ch)
{
	if (ch == '-' || ch == '_')
		return ch == '-' ? 62 : 63;
	const char *p = ch ? memchr(b64_alphabet, ch, 64) : NULL;
	return p ? (int)(p - b64_alphabet) : -1;
}

int b64_decode(const char *s, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	const char *comma = !strncmp(s, "data:", 5) ? strchr(s, ',') : NULL;
	if (comma)
		s = comma + 1;
	unsigned char *d = malloc(strlen(s) / 4 * 3 + 4);
	if (!d)
		return -1;
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;
	for (; *s; s++) {
		if (*s == '=' || *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			continue;
		int v = b64_val((unsigned char)*s);
		if (v < 0) {
			free(d);
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[n++] = (unsigned char)(acc >> bits);
		}
	}
	d[n] = 0;
	*out = d;
	*len = n;
	return 0;
}
