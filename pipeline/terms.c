/*
 * terms.c - content words of a text (see terms.h); moved out of the extractive script writer so
 * the assets stage and the stock picker match words the same way.
 */
#include "terms.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int terms_stopword(const char *w, size_t n)
{
	static const char *const stop[] = {
		"the", "and", "for", "with", "are", "how", "what", "why", "your", "you", "its",
		"this", "that", "from", "was", "were", "has", "have", "not", "but", "can", "all",
		"una", "los", "las", "con", "para", "por", "del", "que", "der", "die", "das", "und",
		"mit", "ein", "eine", "ist", "les", "des", "une", "est", "pour", "dans", NULL};
	for (int i = 0; stop[i]; i++)
		if (strlen(stop[i]) == n && !strncasecmp(stop[i], w, n))
			return 1;
	return 0;
}

/* Lower-cased content words (>= 3 bytes, not stop words) of s, appended to t. Runs of CJK text
 * have no spaces, so they contribute their character bigrams instead. */
void terms_add(terms_t *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p >= 0xE3 && *p <= 0xE9) { /* CJK block: bigrams of 3-byte characters */
			const unsigned char *q = p;
			while (q[0] >= 0xE3 && q[0] <= 0xE9 && q[1] && q[2])
				q += 3;
			for (const unsigned char *b = p; b + 6 <= q; b += 3) {
				char **w = realloc(t->w, sizeof *w * (size_t)(t->n + 1));
				if (!w)
					return;
				t->w = w;
				t->w[t->n++] = strndup((const char *)b, 6);
			}
			p = q > p ? q : p + 1;
			continue;
		}
		if (!(isalnum(*p) || *p >= 0x80)) {
			p++;
			continue;
		}
		const unsigned char *q = p;
		while (*q && (isalnum(*q) || (*q >= 0x80 && !(*q >= 0xE3 && *q <= 0xE9)) || *q == '-'))
			q++;
		size_t n = (size_t)(q - p);
		if (n >= 3 && !terms_stopword((const char *)p, n)) {
			char **w = realloc(t->w, sizeof *w * (size_t)(t->n + 1));
			if (!w)
				return;
			t->w = w;
			char *x = strndup((const char *)p, n);
			for (char *c = x; c && *c; c++)
				*c = (char)tolower((unsigned char)*c);
			t->w[t->n++] = x;
		}
		p = q;
	}
}

void terms_free(terms_t *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->w[i]);
	free(t->w);
}

int terms_hits(const terms_t *t, const char *s, size_t len)
{
	char *x = strndup(s, len);
	if (!x)
		return 0;
	int h = 0;
	for (int i = 0; i < t->n; i++)
		if (t->w[i] && strcasestr(x, t->w[i]))
			h++;
	free(x);
	return h;
}

void terms_stem(terms_t *t)
{
	int k = 0;
	for (int i = 0; i < t->n; i++) {
		size_t n = strlen(t->w[i]);
		if (n > 4 && t->w[i][n - 1] == 's' && t->w[i][n - 2] != 's')
			t->w[i][n - 1] = 0;
		int dup = 0; /* each term once: "starter" in the alt text and the caption is one */
		for (int j = 0; j < k && !dup; j++)
			dup = !strcmp(t->w[j], t->w[i]);
		if (dup)
			free(t->w[i]);
		else
			t->w[k++] = t->w[i];
	}
	t->n = k;
}
