/*
 * match.c - an article's images and code blocks matched to a script's sections (see match.h).
 * Scores are small sums of evidence, in "points": a shared word is one, the same part of the
 * article one and a half, a code block right after the text three. The thresholds below were
 * set on the hand-labelled articles of tests/fixtures/assets/ (tests/sh/assets.sh).
 */
#include "match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "terms.h"

#define IMAGE_MIN 1.0 /* below: no evidence the picture illustrates the section */
#define CODE_MIN 2.0  /* below: the section does not talk about the code */
#define MAX_SECTIONS 64

/* ---- where things are ---------------------------------------------------------------------- */

/* The last heading at or before block b (-1: none, or b unknown). */
static int region(const article_t *a, int b)
{
	if (b < 0)
		return -2;
	if (b >= a->nblocks)
		b = a->nblocks - 1;
	for (int i = b; i >= 0; i--)
		if (a->blocks[i].kind == ART_HEADING)
			return i;
	return -1;
}

/* An image sits before block image.block: its part of the article is that of the block before
 * it (a picture right under a heading belongs to that heading). */
static int image_region(const article_t *a, const art_image *im)
{
	return im->block < 0 ? -2 : region(a, im->block - 1 >= 0 ? im->block - 1 : 0);
}

void match_locate(const article_t *a, match_section *s, int n)
{
	for (int k = 0; k < n; k++) {
		s[k].block = -1;
		const char *t = s[k].text;
		if (!t || !*t)
			continue;
		/* The first 60 bytes (cut at a space) found verbatim in a block. */
		char head[64];
		size_t len = strlen(t) < 60 ? strlen(t) : 60;
		memcpy(head, t, len);
		head[len] = 0;
		if (len == 60 && strrchr(head, ' '))
			*strrchr(head, ' ') = 0;
		for (int b = 0; b < a->nblocks && s[k].block < 0; b++)
			if (a->blocks[b].kind != ART_CODE && strstr(a->blocks[b].text, head))
				s[k].block = b;
		if (s[k].block >= 0)
			continue;
		/* Else the block sharing most of its words, if it shares enough. */
		terms_t tt = {0};
		terms_add(&tt, t);
		terms_stem(&tt);
		int best = -1, bh = 0;
		for (int b = 0; b < a->nblocks; b++) {
			if (a->blocks[b].kind == ART_CODE)
				continue;
			int h = terms_hits(&tt, a->blocks[b].text, strlen(a->blocks[b].text));
			if (h > bh)
				bh = h, best = b;
		}
		if (best >= 0 && bh >= 3 && bh * 5 >= tt.n * 2)
			s[k].block = best;
		terms_free(&tt);
	}
}

/* ---- images -------------------------------------------------------------------------------- */

/* The article's lead picture: the record's first image, else the first one in the HTML if it
 * comes before any text under a heading. */
static int lead_image(const article_t *a)
{
	if (!a->nimages)
		return -1;
	if (a->images[0].block < 0)
		return 0;
	int first = 0;
	for (int i = 1; i < a->nimages; i++)
		if (a->images[i].block >= 0 && a->images[i].block < a->images[first].block)
			first = i;
	int first_heading = a->nblocks;
	for (int b = 0; b < a->nblocks; b++)
		if (a->blocks[b].kind == ART_HEADING && a->blocks[b].level >= 2) {
			first_heading = b;
			break;
		}
	return a->images[first].block <= first_heading ? first : -1;
}

static const char *heading_text(const article_t *a, int r)
{
	return r >= 0 ? a->blocks[r].text : "";
}

static double image_score(const article_t *a, int i, const match_section *s, int is_lead, char *why)
{
	const art_image *im = &a->images[i];
	terms_t t = {0};
	terms_add(&t, im->alt);
	terms_add(&t, im->caption);
	terms_stem(&t);
	int r = region(a, s->block);
	char text[4096];
	snprintf(text, sizeof text, "%s\n%s\n%s\n%s", s->text, s->overlay, heading_text(a, r),
		 !strcmp(s->name, "hook") ? a->title : "");
	int words = terms_hits(&t, text, strlen(text));
	/* The cue is a hint, not proof: the extractive writer copies a picture's alt text there
	 * from its own word matching, which knows nothing of where the picture is. */
	int cue = terms_hits(&t, s->cue, strlen(s->cue));
	terms_free(&t);
	/* Words count up to 5, or 4 for a picture the article never places (a record's list): where
	 * the author put a picture says more than a caption that happens to share words. */
	int cap = im->block >= 0 ? 5 : 4;
	double sc = (words > cap ? cap : words) + (cue * 0.5 > 1.5 ? 1.5 : cue * 0.5);
	int same = 0, near = 0; /* same: under the same heading */
	if (im->block >= 0 && s->block >= 0) {
		same = image_region(a, im) == r;
		int d = abs(im->block - s->block);
		near = d <= 1 ? 2 : d <= 3 ? 1 : 0; /* right beside the sentence, or a block away */
		sc += same ? 2.0 : 0;
		sc += same ? near * 0.75 : 0;
	}
	/* A section that narrates the picture's caption shows that picture. */
	int told = *im->caption && strlen(im->caption) >= 12 && strstr(s->text, im->caption);
	sc += told ? 3 : 0;
	int lead = is_lead && !strcmp(s->name, "hook");
	sc += lead ? 2.5 : 0;
	/* A picture placed under another heading than the section's belongs there: words alone
	 * move it only when they are many (generic words such as "service" or "container" are
	 * shared by half an article). */
	if (im->block >= 0 && !same && !lead && words < 3)
		sc = 0;
	int n = 0;
	if (words)
		n += snprintf(why + n, MATCH_WHY - (size_t)n, "its %s shares %d word%s with the section",
			      *im->alt ? "alt text" : "caption", words, words == 1 ? "" : "s");
	if (same && n < MATCH_WHY)
		n += snprintf(why + n, MATCH_WHY - (size_t)n, "%sit sits under the same heading%s%s%s",
			      n ? "; " : "", r >= 0 ? " ('" : "", r >= 0 ? heading_text(a, r) : "",
			      r >= 0 ? "')" : "");
	if (told && n < MATCH_WHY)
		n += snprintf(why + n, MATCH_WHY - (size_t)n, "%sthe section narrates its caption", n ? "; " : "");
	if (lead && n < MATCH_WHY)
		snprintf(why + n, MATCH_WHY - (size_t)n, "%sthe article's lead picture", n ? "; " : "");
	return sc;
}

/* ---- code ---------------------------------------------------------------------------------- */

static const char *const code_keywords[] = {
	"def", "for", "while", "return", "import", "from", "class", "int", "char", "void", "const",
	"let", "var", "function", "if", "else", "elif", "true", "false", "null", "none", "and",
	"not", "print", "printf", "struct", "static", "this", "self", "new", "end", "then", "local",
	"echo", "sudo", "the", "with", "range", NULL};

static int code_keyword(const char *w, size_t n)
{
	for (int i = 0; code_keywords[i]; i++)
		if (strlen(code_keywords[i]) == n && !strncasecmp(code_keywords[i], w, n))
			return 1;
	return 0;
}

/* Whether word w[0..n) occurs in text as a whole word (case-blind). */
static int has_word(const char *text, const char *w, size_t n)
{
	size_t tl = strlen(text);
	for (size_t i = 0; i + n <= tl; i++) {
		if (strncasecmp(text + i, w, n))
			continue;
		int before = i == 0 || !(isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_');
		int after = i + n == tl || !(isalnum((unsigned char)text[i + n]) || text[i + n] == '_');
		if (before && after)
			return 1;
	}
	return 0;
}

/* Distinct identifiers of the code (3+ characters, not keywords) that the text names. */
static int shared_identifiers(const char *code, const char *text, char *first, size_t fn)
{
	char seen[2048] = " ";
	size_t sl = 1;
	int n = 0;
	for (const char *p = code; *p;) {
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			p++;
			continue;
		}
		const char *q = p;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		size_t k = (size_t)(q - p);
		if (k >= 3 && k < 60 && !code_keyword(p, k)) {
			char w[64];
			snprintf(w, sizeof w, " %.*s ", (int)k, p);
			if (!strstr(seen, w) && sl + k + 2 < sizeof seen) {
				memcpy(seen + sl, w + 1, k + 1);
				sl += k + 1;
				seen[sl] = 0;
				if (has_word(text, p, k)) {
					if (!n)
						snprintf(first, fn, "%.*s", (int)k, p);
					n++;
				}
			}
		}
		p = q;
	}
	return n;
}

static double code_score(const article_t *a, int c, const match_section *s, char *why)
{
	if (s->block < 0)
		return 0;
	int same = region(a, c) == region(a, s->block);
	int d = c - s->block;
	/* The code the text introduces ("Use a comprehension:") follows it; a text can also come
	 * right after the code it explains. Code blocks in between do not count as distance. */
	int gap = 0;
	for (int b = (d > 0 ? s->block : c) + 1; b < (d > 0 ? c : s->block); b++)
		gap += a->blocks[b].kind != ART_CODE;
	double prox = !same ? 0 : d > 0 ? (gap == 0 ? 3.0 : gap == 1 ? 2.5 : gap == 2 ? 2.0 : 0)
			   : (gap == 0 ? 1.5 : gap == 1 ? 1.0 : 0);
	char id[64] = "";
	int ids = shared_identifiers(a->blocks[c].text, s->text, id, sizeof id);
	double sc = prox + (ids * 0.75 > 3 ? 3 : ids * 0.75);
	static const char *const cue_words[] = {"code", "function", "example", "snippet", "call",
						"returns", "loop", "syntax", "method", "variable",
						"command", "run", "line", "write", NULL};
	for (int i = 0; cue_words[i]; i++)
		if (has_word(s->text, cue_words[i], strlen(cue_words[i]))) {
			sc += 0.5;
			break;
		}
	int n = 0;
	if (prox > 0)
		n = snprintf(why, MATCH_WHY, "the code block %s the section's text%s", d > 0 ? "follows" : "precedes",
			     gap ? " closely" : "");
	if (ids && n < MATCH_WHY)
		snprintf(why + n, MATCH_WHY - (size_t)n, "%sthe text names %d of its identifiers ('%s'%s)",
			 n ? "; " : "", ids, id, ids > 1 ? ", ..." : "");
	return sc;
}

/* ---- assignment ---------------------------------------------------------------------------- */

typedef struct {
	int s, x;
	double score;
} pair_t;

static int by_score(const void *a, const void *b)
{
	const pair_t *p = a, *q = b;
	if (p->score != q->score)
		return p->score < q->score ? 1 : -1;
	return p->s != q->s ? p->s - q->s : p->x - q->x; /* stable: earlier first */
}

void match_article(const article_t *a, const match_section *s, int n, const int *usable,
		   match_choice *out)
{
	if (n > MAX_SECTIONS)
		n = MAX_SECTIONS;
	for (int k = 0; k < n; k++) {
		memset(&out[k], 0, sizeof out[k]);
		out[k].image = out[k].code = -1;
	}
	size_t cap = (size_t)n * (size_t)(a->nimages + a->nblocks) + 1;
	pair_t *pairs = malloc(sizeof *pairs * cap);
	char (*why)[MATCH_WHY] = malloc(sizeof *why * cap);
	if (!pairs || !why) {
		free(pairs);
		free(why);
		return;
	}
	/* Code first: a section that explains code shows it. */
	size_t np = 0;
	for (int k = 0; k < n; k++)
		for (int c = 0; c < a->nblocks && strcmp(s[k].name, "cta") && !s[k].done; c++)
			if (a->blocks[c].kind == ART_CODE) {
				double sc = code_score(a, c, &s[k], why[np]);
				if (sc >= CODE_MIN)
					pairs[np++] = (pair_t){k, c, sc};
			}
	/* Sorted through an index, so why[] stays beside its pair. */
	pair_t *sorted = malloc(sizeof *sorted * (np + 1));
	int *code_used = calloc((size_t)a->nblocks + 1, sizeof *code_used);
	if (sorted && code_used) {
		for (size_t i = 0; i < np; i++)
			sorted[i] = (pair_t){(int)i, 0, pairs[i].score};
		qsort(sorted, np, sizeof *sorted, by_score);
		for (size_t i = 0; i < np; i++) {
			pair_t *p = &pairs[sorted[i].s];
			if (out[p->s].code >= 0 || code_used[p->x])
				continue;
			out[p->s].code = p->x;
			out[p->s].code_score = p->score;
			snprintf(out[p->s].code_why, MATCH_WHY, "%s", why[sorted[i].s]);
			code_used[p->x] = 1;
		}
	}
	free(code_used);

	/* Pictures, for the sections without code. */
	int lead = lead_image(a);
	np = 0;
	for (int k = 0; k < n; k++) {
		if (out[k].code >= 0 || !strcmp(s[k].name, "cta") || s[k].done)
			continue;
		for (int i = 0; i < a->nimages; i++) {
			if (usable && !usable[i])
				continue;
			double sc = image_score(a, i, &s[k], i == lead, why[np]);
			if (sc >= IMAGE_MIN)
				pairs[np++] = (pair_t){k, i, sc};
		}
	}
	int *img_used = calloc((size_t)a->nimages + 1, sizeof *img_used);
	pair_t *sorted2 = realloc(sorted, sizeof *sorted2 * (np + 1));
	if (sorted2 && img_used) {
		sorted = sorted2;
		for (size_t i = 0; i < np; i++)
			sorted[i] = (pair_t){(int)i, 0, pairs[i].score};
		qsort(sorted, np, sizeof *sorted, by_score);
		for (size_t i = 0; i < np; i++) {
			pair_t *p = &pairs[sorted[i].s];
			if (out[p->s].image >= 0 || img_used[p->x])
				continue;
			out[p->s].image = p->x;
			out[p->s].image_score = p->score;
			snprintf(out[p->s].image_why, MATCH_WHY, "%s", why[sorted[i].s]);
			img_used[p->x] = 1;
		}
		/* Pictures the record lists but the HTML never places, that no section's words
		 * claim, go in order to the free sections: an article's own picture beats a stock
		 * one. A picture the HTML places under a heading whose sections show something else
		 * stays out: shown elsewhere it would mislead. */
		for (int i = 0; i < a->nimages; i++) {
			const art_image *im = &a->images[i];
			if (img_used[i] || (usable && !usable[i]) || im->block >= 0)
				continue;
			int best = -1, bd = 1 << 30;
			for (int k = 0; k < n; k++) {
				if (out[k].image >= 0 || out[k].code >= 0 || !strcmp(s[k].name, "cta") || s[k].done)
					continue;
				if (k < bd) /* the earliest free section */
					bd = k, best = k;
			}
			if (best < 0)
				break;
			out[best].image = i;
			out[best].image_score = 0;
			snprintf(out[best].image_why, MATCH_WHY, "no section's words match it; placed in the record's order");
			img_used[i] = 1;
		}
	}
	free(img_used);
	free(sorted);
	free(pairs);
	free(why);
}

/* ---- code languages ------------------------------------------------------------------------ */

static const struct {
	const char *name, *lang;
} lang_names[] = {
	{"c", "c"}, {"h", "c"}, {"cpp", "cpp"}, {"c++", "cpp"}, {"cxx", "cpp"}, {"cc", "cpp"},
	{"python", "python"}, {"py", "python"}, {"python3", "python"}, {"javascript", "javascript"},
	{"js", "javascript"}, {"jsx", "javascript"}, {"node", "javascript"}, {"typescript", "typescript"},
	{"ts", "typescript"}, {"tsx", "typescript"}, {"shell", "bash"}, {"bash", "bash"}, {"sh", "bash"},
	{"zsh", "bash"}, {"console", "bash"}, {"shell-session", "bash"}, {"json", "json"},
	{"html", "html"}, {"xml", "html"}, {"css", "css"}, {"lua", "lua"}, {"go", "go"},
	{"golang", "go"}, {"rust", "rust"}, {"rs", "rust"}, {"text", "text"}, {"plaintext", "text"},
};

/* Telltale fragments of each language, for code whose class says nothing. */
static const struct {
	const char *lang;
	const char *const marks[8];
} lang_marks[] = {
	{"python", {"def ", "import ", "print(", "self.", "elif ", "):\n", "None", "lambda "}},
	{"javascript", {"function ", "const ", "let ", "=> ", "console.log", "document.", "require(", "===" }},
	{"typescript", {": string", ": number", "interface ", "export type", ": boolean", "<T>", NULL}},
	{"c", {"#include", "int main", "printf(", "malloc(", "->", "NULL", "size_t", "char *"}},
	{"cpp", {"std::", "#include <iostream>", "cout <<", "template<", "nullptr", "auto ", NULL}},
	{"go", {"package ", "func ", ":= ", "fmt.", "err != nil", NULL}},
	{"rust", {"fn ", "let mut", "impl ", "println!", "::new(", "-> Result", NULL}},
	{"bash", {"$ ", "sudo ", "apt ", "echo ", "#!/bin/", "pip install", "npm ", "cd "}},
	{"html", {"<div", "<html", "<p>", "</", "<body", "<span", NULL}},
	{"css", {"color:", "margin:", "padding:", "font-", "display:", "px;", NULL}},
	{"lua", {"local ", "end\n", " then", "function(", "..", "nil", NULL}},
};

const char *match_code_language(const art_block *b)
{
	if (b->lang && *b->lang)
		for (size_t i = 0; i < sizeof lang_names / sizeof *lang_names; i++)
			if (!strcasecmp(b->lang, lang_names[i].name))
				return lang_names[i].lang;
	const char *t = b->text;
	while (*t == ' ' || *t == '\n' || *t == '\t')
		t++;
	if ((*t == '{' || *t == '[') && strchr(t, '"') && strchr(t, ':'))
		return "json";
	const char *best = "text";
	int bh = 1; /* one telltale is not enough */
	for (size_t i = 0; i < sizeof lang_marks / sizeof *lang_marks; i++) {
		int h = 0;
		for (int k = 0; k < 8 && lang_marks[i].marks[k]; k++)
			h += strstr(b->text, lang_marks[i].marks[k]) != NULL;
		if (h > bh)
			bh = h, best = lang_marks[i].lang;
	}
	return best;
}
