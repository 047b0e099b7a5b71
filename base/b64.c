/*
 * b64.c - a lenient base64 decoder (see b64.h).
 */
#include "b64.h"

#include <stdlib.h>
#include <string.h>

static int b64_val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
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
