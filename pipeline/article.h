/*
 * article.h - the content record (the pipeline's input, first arrow of the flow: article ->
 * script): a JSON file with title, content_html, meta_description, keywords, images and an
 * optional BCP 47 language, loaded with jansson. The HTML is parsed with libxml2's HTML parser
 * into blocks of plain text (headings, paragraphs, list items, table rows, code, captions);
 * scripts, styles, navigation and embeds are dropped, entities decoded, whitespace normalised.
 * Lines no narrator says are dropped too: page furniture marked by class or role, and by shape
 * a recipe's data (ingredient lines, "Prep Time 10 mins"), a blog's controls ("Follow", "6 min
 * read"), credit lines; SPEC.md section 11 lists them.
 *
 * Everything an article_t points at lives in its arena and dies with article_free().
 */
#ifndef VIDC_ARTICLE_H
#define VIDC_ARTICLE_H

#include <stddef.h>

typedef struct arena arena_t;

typedef enum {
	ART_HEADING, /* h1-h6; level holds 1..6 */
	ART_PARA,    /* p, div text, blockquote, dd/dt */
	ART_ITEM,    /* li; level holds the list nesting depth (1 = top) */
	ART_ROW,     /* one table row: its cells' text joined by "; " */
	ART_CODE,    /* pre / block code: verbatim text, newlines kept; never narrated */
	ART_CAPTION  /* figcaption, table caption */
} art_kind;

typedef struct {
	art_kind kind;
	int level;
	const char *text; /* UTF-8, whitespace normalised (except code), never empty */
	const char *lang; /* ART_CODE: the language its class attribute names ("language-python",
			   * "lang-js", "highlight-source-go", "brush: c": "python", "js", ...),
			   * "" when none; "" for other blocks */
	/* Inline code in prose (<code>, <kbd>, <samp>, <tt>, <var> outside <pre>): each span's
	 * text as it appears in text, so a generator can tell a sentence that holds code (a
	 * voice would read its punctuation aloud). NULL when ncode is 0. */
	const char **code;
	int ncode;
} art_block;

typedef struct {
	const char *src;     /* as written */
	const char *path;    /* src resolved against the JSON file's folder; URLs unchanged */
	const char *alt;     /* "" when absent */
	const char *caption; /* "" when absent */
	int block;	     /* where content_html shows it: the index of the block after it
			      * (nblocks when last); -1 for an image only listed in the record */
} art_image;

typedef struct {
	arena_t *arena;
	const char *path;	       /* the JSON file */
	const char *title;	       /* whitespace normalised */
	const char *meta_description;  /* "" when absent */
	const char *language;	       /* BCP 47 as given, "" when absent */
	/* The article's own address (the record's 'url', else the HTML's <base href> or <link
	 * rel=canonical>), an absolute http(s) URL; "" when none. Root-relative ("/x.jpg") and
	 * protocol-relative ("//cdn/x.jpg") image references resolve against it (RFC 3986). */
	const char *url;
	const char **keywords;
	int nkeywords;
	art_image *images; /* the record's images, then <img> found in the HTML (not duplicated) */
	int nimages;
	int images_cap;	   /* private: allocated slots */
	art_block *blocks;
	int nblocks;
	/* The prose of the article as one text: every non-code block's text, one per line. A
	 * script's point texts are substrings of it (the extractive generator guarantees it). */
	const char *text;
	/* What could not be read and was skipped ("the HTML nests deeper than ...; the part
	 * inside was skipped"), one sentence each naming the article; a stage shows them. */
	const char **warnings;
	int nwarnings;
} article_t;

/* Loads a content record. NULL with err filled on failure: malformed JSON ("FILE:LINE:COL:
 * message"), a missing or empty title, a field of the wrong type ("FILE: 'keywords' must be a
 * list of strings"). */
article_t *article_load(const char *path, char *err, size_t errlen);
/* The same from a JSON text; base_dir resolves relative image paths (NULL: "."). */
article_t *article_parse(const char *json, size_t len, const char *name, const char *base_dir,
			 char *err, size_t errlen);
void article_free(article_t *a);

/* Parses an HTML fragment or document into a's blocks (appends). Exposed for tests. */
int article_parse_html(article_t *a, const char *html, size_t len);

/* Sentences of a block's text: calls fn(text+off, len, ud) for each, in order. Splits after
 * . ! ? … (before a space and a capital, digit, quote or an opening ¿ ¡), after 。！？ and
 * their fullwidth kin without a space, keeps common abbreviations (e.g., Dr., etc.) and decimal
 * numbers whole. Each sentence is a contiguous range of the input, trimmed of spaces. */
typedef void (*art_sentence_fn)(const char *s, size_t len, void *ud);
void article_sentences(const char *text, art_sentence_fn fn, void *ud);

/* Word count for speaking time: runs of letters/digits count one; each CJK ideograph or kana
 * counts 0.6 (Mandarin and Japanese narration run about 4-5 characters a second). */
double article_words(const char *s, size_t len);

#endif
