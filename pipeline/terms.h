/*
 * terms.h - the content words of a text, for matching one text against another: the extractive
 * script writer scores sentences by them (pipeline/script_extract.c), the assets stage matches an
 * article's images and code to the sections of a script (pipeline/assets.c), the stock picker
 * builds its queries (pipeline/stock.c). A term is a lower-cased run of letters, digits and '-'
 * of at least 3 bytes that is not a stop word (English, Spanish, German, French); runs of CJK text,
 * which have no spaces, give their character bigrams instead.
 */
#ifndef VIDC_TERMS_H
#define VIDC_TERMS_H

#include <stddef.h>

typedef struct {
	char **w;
	int n;
} terms_t;

/* Appends the terms of s to t (a zeroed terms_t is empty). Allocation failure stops early. */
void terms_add(terms_t *t, const char *s);
/* Cuts a plural 's' from terms longer than 4 bytes ("beans" -> "bean"), so that terms_hits
 * finds both forms in a text, and drops repeated terms. */
void terms_stem(terms_t *t);
/* How many of t's terms occur in s[0..len) (case-blind substring match). */
int terms_hits(const terms_t *t, const char *s, size_t len);
/* Whether w[0..n) is a stop word (case-blind). */
int terms_stopword(const char *w, size_t n);
void terms_free(terms_t *t);

#endif
