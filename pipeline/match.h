/*
 * match.h - which of an article's images and code blocks illustrate which section of a script:
 * the assets stage's first source (pipeline/assets.c). Pure logic over an article_t and the
 * sections' texts, so it can be tested against hand-labelled articles.
 *
 * A section is placed in the article by finding its text among the blocks (the extractive
 * writer copies sentences verbatim; otherwise the block sharing most words). An image scores by
 * the words its alt text and caption share with the section (its text, overlay, visual cue and
 * the heading above it), by lying in the same part of the article (between two headings) and
 * near it, and, for the hook, by being the article's lead picture. A code block scores by
 * following (or preceding) the section's text closely under the same heading and by sharing its
 * identifiers with the text. Pairs are taken best first; each image and each code block is used
 * once, and a section gets at most one of each (a code card wins over a picture).
 */
#ifndef VIDC_MATCH_H
#define VIDC_MATCH_H

#include "article.h"

typedef struct {
	const char *name;		 /* hook, intro, point1.., cta */
	const char *text, *overlay, *cue; /* "" when absent */
	int block;			 /* set by match_locate: the article block of its text, -1 */
	int done;			 /* 1: it has its visual already; match_article gives it nothing */
} match_section;

#define MATCH_WHY 240

typedef struct {
	int image;		/* index into a->images, -1 */
	int code;		/* index into a->blocks (an ART_CODE block), -1 */
	double image_score, code_score;
	char image_why[MATCH_WHY], code_why[MATCH_WHY];
} match_choice;

/* Sets each section's block. */
void match_locate(const article_t *a, match_section *s, int n);

/* Fills out[0..n) (the sections must be located). usable[i] == 0 keeps image i out (it failed
 * to download or decode); NULL: all usable. Sections named "cta" get nothing (the call to action
 * has its own card). Images the record lists but the HTML never places, that no section's words
 * claim, are dealt in order to the sections left without a picture, each once. */
void match_article(const article_t *a, const match_section *s, int n, const int *usable,
		   match_choice *out);

/* The language of a code block: its class's (normalised: py -> python, sh/console/zsh -> bash,
 * golang -> go, ...) when the runtime knows it, else one told from the code, else "text". */
const char *match_code_language(const art_block *b);

#endif
