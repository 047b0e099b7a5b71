/*
 * article.c - loads a content record (see article.h). The HTML goes through libxml2's HTML
 * parser in recover mode (real articles are tag soup); a tree walk turns block elements into
 * blocks and inline content into their text. Never string search over markup.
 */
#include "article.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "../base/arena.h"
#include "../base/file.h"
#include "../base/utf8.h"

/* A content record larger than this is refused before it is read (a long article's JSON with
 * its HTML is well under 1 MiB). */
#define ARTICLE_MAX_BYTES ((size_t)64 << 20)

/* ---- a small growable text buffer with whitespace normalisation ---- */

typedef struct {
	char *d;
	size_t n, cap;
	int space; /* a space is pending before the next visible character */
	int oom;   /* an append failed: the text is incomplete (see tb_check) */
} tbuf;

static void tb_putc(tbuf *b, char ch)
{
	if (b->oom)
		return;
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *d = realloc(b->d, cap);
		if (!d) {
			b->oom = 1;
			return;
		}
		b->d = d;
		b->cap = cap;
	}
	b->d[b->n++] = ch;
	b->d[b->n] = 0;
}

/* An append to b that failed is the arena's out-of-memory (article_parse's handler reports it),
 * never text silently cut short. */
static void tb_check(arena_t *ar, tbuf *b)
{
	if (b->oom) {
		free(b->d);
		*b = (tbuf){0};
		arena_fail(ar);
	}
}

/* b's text as an arena string; b's own memory is freed. */
static const char *tb_take(arena_t *ar, tbuf *b)
{
	tb_check(ar, b);
	const char *s = arena_strdup(ar, b->d ? b->d : "");
	free(b->d);
	*b = (tbuf){0};
	return s;
}

/* Appends text, collapsing ASCII whitespace, NBSP (U+00A0), and dropping zero-width spaces
 * (U+200B) and soft hyphens (U+00AD). */
static void tb_text(tbuf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v' ||
		    (p[0] == 0xC2 && p[1] == 0xA0)) {
			if (*p == 0xC2)
				p++;
			b->space = 1;
			continue;
		}
		if (p[0] == 0xC2 && p[1] == 0xAD) {
			p++;
			continue;
		}
		if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x8B) {
			p += 2;
			continue;
		}
		if (b->space && b->n > 0)
			tb_putc(b, ' ');
		b->space = 0;
		tb_putc(b, (char)*p);
	}
}

static void tb_reset(tbuf *b)
{
	b->n = 0;
	b->space = 0;
	if (b->d)
		b->d[0] = 0;
}

/* ---- HTML walk ---- */

typedef struct {
	article_t *a;
	tbuf cur;	/* inline text of the block being built */
	const char **code; /* inline code spans of the block being built (arena strings) */
	int ncode, code_cap;
	const char **ingr; /* a JSON-LD Recipe's recipeIngredient lines (arena strings) */
	int ningr, ingr_cap;
	art_kind kind;	/* the innermost open block's kind */
	int level;
	int list_depth;
	int figure_img; /* index of the image of the open <figure>, -1 */
	int depth;	/* elements open in the recursive walk */
} walker;

/* The recursive walk goes this deep; deeper parts (page builders nest divs by the hundred) are
 * read by an iterative walk that keeps their text and paragraph breaks (walk_flat). */
#define WALK_MAX_DEPTH 200

/* A pre-order walk of root's descendants without recursion (parent pointers): enter(n) says
 * whether to go into n's children; leave(n) follows the last of them (or enter, for an element
 * without children). However deep the tree, the C stack does not grow. */
typedef int (*tree_enter_fn)(void *ud, xmlNodePtr n);
typedef void (*tree_leave_fn)(void *ud, xmlNodePtr n);

static void tree_walk(xmlNodePtr root, tree_enter_fn enter, tree_leave_fn leave, void *ud)
{
	xmlNodePtr n = root->children;
	while (n) {
		int into = enter(ud, n);
		if (into && n->children) {
			n = n->children;
			continue;
		}
		if (into && leave)
			leave(ud, n);
		while (!n->next) {
			n = n->parent;
			if (!n || n == root)
				return;
			if (leave)
				leave(ud, n);
		}
		n = n->next;
	}
}

static int name_is(xmlNodePtr n, const char *const *names)
{
	for (; *names; names++)
		if (!xmlStrcasecmp(n->name, (const xmlChar *)*names))
			return 1;
	return 0;
}

static const char *const SKIP[] = {"script", "style", "nav", "aside", "noscript", "iframe", "svg",
				   "template", "head", "button", "form", "select", "object",
				   "embed", "canvas", "audio", "video", "math", "map", "footer", NULL};
/* footer: copyright lines and share buttons, not the article. */
static const char *const BLOCK[] = {"p", "div", "section", "article", "main", "header",
				    "blockquote", "dl", "dt", "dd", "ul", "ol", "address", "hr",
				    "body", "html", "center", "details", "summary", NULL};

static void push_block(walker *w, art_kind kind, int level, const char *text, size_t len);

static void flush(walker *w)
{
	tb_check(w->a->arena, &w->cur);
	if (w->cur.n) {
		push_block(w, w->kind, w->level, w->cur.d, w->cur.n);
		tb_reset(&w->cur);
	}
	w->cur.space = 0;
	w->ncode = 0;
}

/* Whether the element before n (spaces and NBSP between them skipped) is a <br>: CMS bodies
 * mark paragraphs with <br><br> instead of <p>. */
static int after_br(xmlNodePtr n)
{
	for (xmlNodePtr p = n->prev; p; p = p->prev) {
		if (p->type == XML_COMMENT_NODE)
			continue;
		if (p->type == XML_TEXT_NODE) {
			for (const unsigned char *c = p->content; c && *c; c++) {
				if (c[0] == 0xC2 && c[1] == 0xA0)
					c++;
				else if (!(*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r'))
					return 0;
			}
			continue;
		}
		return p->type == XML_ELEMENT_NODE && !xmlStrcasecmp(p->name, (const xmlChar *)"br");
	}
	return 0;
}

static int hidden(xmlNodePtr n);
static int boilerplate(xmlNodePtr n);

static int text_enter(void *ud, xmlNodePtr c)
{
	tbuf *b = ud;
	if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
		tb_text(b, (const char *)c->content);
		return 0;
	}
	if (c->type != XML_ELEMENT_NODE || name_is(c, SKIP) || hidden(c) || boilerplate(c))
		return 0;
	if (!xmlStrcasecmp(c->name, (const xmlChar *)"br") || name_is(c, BLOCK) ||
	    !xmlStrcasecmp(c->name, (const xmlChar *)"li") || !xmlStrcasecmp(c->name, (const xmlChar *)"p"))
		b->space = 1;
	return 1;
}

static void text_leave(void *ud, xmlNodePtr c)
{
	if (name_is(c, BLOCK))
		((tbuf *)ud)->space = 1;
}

/* The text of n's content, whitespace normalised, block boundaries as spaces. */
static void collect_text(xmlNodePtr n, tbuf *b)
{
	tree_walk(n, text_enter, text_leave, b);
}

static int raw_enter(void *ud, xmlNodePtr c)
{
	tbuf *b = ud;
	if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
		for (const char *p = (const char *)c->content; *p; p++)
			tb_putc(b, *p);
		return 0;
	}
	if (c->type != XML_ELEMENT_NODE || name_is(c, SKIP))
		return 0;
	if (!xmlStrcasecmp(c->name, (const xmlChar *)"br")) {
		tb_putc(b, '\n');
		return 0;
	}
	return 1;
}

/* Raw text of a <pre>: newlines kept, trailing blank lines dropped. */
static void collect_raw(xmlNodePtr n, tbuf *b)
{
	tree_walk(n, raw_enter, NULL, b);
}

static const char *attr(arena_t *ar, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return "";
	tbuf t = {0};
	tb_text(&t, (const char *)v);
	xmlFree(v);
	return tb_take(ar, &t);
}

/* The language a code block's class names, on the <pre> or its <code>: "language-X", "lang-X",
 * "highlight-source-X", "highlight-X", "brush: X", "sourceCode X" (pandoc) or a bare "X" the
 * runtime knows. "" when none. */
static const char *code_lang(arena_t *ar, xmlNodePtr pre)
{
	static const char *const prefixes[] = {"language-", "lang-", "highlight-source-", "highlight-",
					       "brush:", NULL};
	static const char *const bare[] = {"c", "cpp", "python", "javascript", "js", "typescript",
					   "shell", "bash", "sh", "json", "html", "css", "lua", "go",
					   "rust", "ts", "py", NULL};
	xmlNodePtr nodes[2] = {pre, NULL};
	for (xmlNodePtr c = pre->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlStrcasecmp(c->name, (const xmlChar *)"code")) {
			nodes[1] = c;
			break;
		}
	for (int k = 1; k >= 0; k--) { /* the <code>'s class is the more specific */
		if (!nodes[k])
			continue;
		xmlChar *v = xmlGetProp(nodes[k], (const xmlChar *)"class");
		if (!v)
			continue;
		char buf[256], *save = NULL;
		snprintf(buf, sizeof buf, "%s", (const char *)v);
		xmlFree(v);
		for (char *p = buf; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		for (char *t = strtok_r(buf, " \t;", &save); t; t = strtok_r(NULL, " \t;", &save)) {
			for (int i = 0; prefixes[i]; i++) {
				size_t pl = strlen(prefixes[i]);
				if (!strncmp(t, prefixes[i], pl) && t[pl])
					return arena_strdup(ar, t + pl);
				if (!strcmp(t, prefixes[i]) && !strcmp(t, "brush:")) {
					char *next = strtok_r(NULL, " \t;", &save);
					if (next)
						return arena_strdup(ar, next);
				}
			}
			for (int i = 0; bare[i]; i++)
				if (!strcmp(t, bare[i]))
					return arena_strdup(ar, t);
		}
	}
	return "";
}

/* The first URL of a srcset attribute ("a.jpg 640w, b.jpg 1400w"), "" when none. */
static const char *srcset_first(arena_t *ar, xmlNodePtr n, const char *name)
{
	const char *v = attr(ar, n, name);
	size_t k = strcspn(v, " ,");
	return k ? arena_strndup(ar, v, k) : "";
}

/* Where an <img> really points. Lazy-loading plugins put a placeholder in src (a data: GIF or
 * SVG, or nothing) and the picture in data-src, data-lazy-src or data-original, or only in a
 * srcset; a <picture>'s <img> may have no src and its <source> elements the srcset. */
static const char *img_src(arena_t *ar, xmlNodePtr n)
{
	static const char *const lazy[] = {"data-src", "data-lazy-src", "data-original", "data-url",
					   NULL};
	static const char *const sets[] = {"data-srcset", "data-lazy-srcset", "srcset", NULL};
	const char *src = attr(ar, n, "src");
	if (*src && strncasecmp(src, "data:", 5))
		return src;
	for (int i = 0; lazy[i]; i++) {
		const char *v = attr(ar, n, lazy[i]);
		if (*v && strncasecmp(v, "data:", 5))
			return v;
	}
	for (int i = 0; sets[i]; i++) {
		const char *v = srcset_first(ar, n, sets[i]);
		if (*v && strncasecmp(v, "data:", 5))
			return v;
	}
	if (n->parent && !xmlStrcasecmp(n->parent->name, (const xmlChar *)"picture"))
		for (xmlNodePtr c = n->parent->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !xmlStrcasecmp(c->name, (const xmlChar *)"source")) {
				const char *v = srcset_first(ar, c, "srcset");
				if (*v && strncasecmp(v, "data:", 5))
					return v;
			}
	return src;
}

static void add_html_image(walker *w, xmlNodePtr n)
{
	article_t *a = w->a;
	const char *src = img_src(a->arena, n);
	if (!*src)
		return;
	for (int i = 0; i < a->nimages; i++)
		if (!strcmp(a->images[i].src, src) || !strcmp(a->images[i].path, src)) {
			if (!*a->images[i].alt)
				a->images[i].alt = attr(a->arena, n, "alt");
			if (a->images[i].block < 0)
				a->images[i].block = a->nblocks;
			w->figure_img = w->figure_img == -2 ? i : w->figure_img;
			return;
		}
	if (a->nimages == a->images_cap) {
		int cap = a->images_cap ? a->images_cap * 2 : 8;
		art_image *ni = arena_alloc(a->arena, sizeof *ni * (size_t)cap);
		if (a->nimages)
			memcpy(ni, a->images, sizeof *ni * (size_t)a->nimages);
		a->images = ni;
		a->images_cap = cap;
	}
	art_image *im = &a->images[a->nimages++];
	im->src = src;
	im->path = src; /* resolved later by article_parse against the base folder */
	im->alt = attr(a->arena, n, "alt");
	im->caption = "";
	im->block = a->nblocks;
	if (w->figure_img == -2)
		w->figure_img = a->nimages - 1;
}

/* Content a reader never sees: hidden="", aria-hidden="true", style="display:none". */
static int hidden(xmlNodePtr n)
{
	if (xmlHasProp(n, (const xmlChar *)"hidden"))
		return 1;
	int h = 0;
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"aria-hidden");
	if (v) {
		h = !xmlStrcasecmp(v, (const xmlChar *)"true");
		xmlFree(v);
	}
	v = xmlGetProp(n, (const xmlChar *)"style");
	if (v) {
		char *c = (char *)v;
		for (char *p = c, *q = c;; p++)
			if (*p != ' ' && !(*q++ = *p))
				break;
		h |= strstr(c, "display:none") != NULL;
		xmlFree(v);
	}
	return h;
}

/* Page furniture that CMS templates mark by class or id: bylines, share bars, related links,
 * comment threads, ads, paywall prompts, sign-up cards, photo credits, recipe cards' "Jump to
 * Recipe" and star ratings; or by an ARIA role. Matched on whole tokens of the class and id ("post-byline" has the
 * token "byline"; "shadow" does not have "ad"). */
static int boilerplate(xmlNodePtr n)
{
	static const char *const tok[] = {"byline", "author", "share", "sharing", "social",
					  "related", "comments", "comment", "newsletter", "advert",
					  "advertisement", "ad", "ads", "sponsor", "sponsored", "promo",
					  "cookie", "cookies", "breadcrumb", "breadcrumbs", "sidebar",
					  "subscribe", "meta", "dateline", "timestamp", "paywall",
					  "signup", "footer", "button", "btn", "credit", "credits",
					  "rating", "relatedposts", "readtime", "jump", "print",
					  /* recipe cards' data (WP Recipe Maker, Tasty, Create):
					   * "wprm-recipe-times-container", "tasty-recipes-ingredients" */
					  "ingredients", "ingredient", "nutrition", "times", "servings",
					  /* notes about the article, not of it */
					  "correction", "corrections", "disclaimer", "disclosure",
					  "affiliate", NULL};
	static const char *const attrs[] = {"class", "id"};
	/* ARIA roles of furniture: a cookie banner is a dialog, a share bar's link a button. */
	static const char *const roles[] = {"button", "dialog", "alertdialog", "navigation",
					    "banner", "contentinfo", "complementary", "search",
					    "separator", "menu", "menubar", "toolbar", "tablist", NULL};
	int hit = 0;
	xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
	if (role) {
		for (int i = 0; roles[i] && !hit; i++)
			hit = !xmlStrcasecmp(role, (const xmlChar *)roles[i]);
		xmlFree(role);
		if (hit)
			return 1;
	}
	/* A javascript: link is a control (and never article text). */
	xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
	if (href) {
		const char *h = (const char *)href;
		while (*h == ' ' || *h == '\t' || *h == '\n')
			h++;
		hit = !strncasecmp(h, "javascript:", 11);
		xmlFree(href);
		if (hit)
			return 1;
	}
	/* Medium marks what a reader's text-to-speech should skip (byline, read time, claps). */
	xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
	if (cls) {
		hit = strstr((const char *)cls, "speechify-ignore") != NULL ||
		      /* a pull quote repeats a sentence of the article for the eye */
		      strstr((const char *)cls, "pullquote") || strstr((const char *)cls, "pull-quote");
		xmlFree(cls);
		if (hit)
			return 1;
	}
	for (int k = 0; k < 2 && !hit; k++) {
		xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[k]);
		if (!v)
			continue;
		char *p = (char *)v;
		while (*p && !hit) {
			while (*p && strchr(" \t\n-_", *p))
				p++;
			char *e = p;
			while (*e && !strchr(" \t\n-_", *e))
				e++;
			size_t len = (size_t)(e - p);
			for (int i = 0; tok[i] && len; i++)
				if (strlen(tok[i]) == len && !strncasecmp(tok[i], p, len))
					hit = 1;
			p = e;
		}
		xmlFree(v);
	}
	return hit;
}

static void walk(walker *w, xmlNodePtr n);
static void walk_flat(walker *w, xmlNodePtr n);

/* Elements that set code inside a sentence. */
static const char *const INLINE_CODE[] = {"code", "kbd", "samp", "tt", "var", NULL};

/* Appends s to an arena-held list of strings. */
static void list_add(arena_t *ar, const char ***v, int *n, int *cap, const char *s)
{
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 8;
		const char **nv = arena_alloc(ar, sizeof *nv * (size_t)nc);
		if (*n)
			memcpy(nv, *v, sizeof *nv * (size_t)*n);
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = s;
}

/* The text an inline code element added to the block since start (w->cur), noted for the
 * block (art_block.code). */
static void note_code(walker *w, size_t start)
{
	tb_check(w->a->arena, &w->cur);
	const char *d = w->cur.d;
	size_t e = w->cur.n;
	while (start < e && d[start] == ' ')
		start++;
	while (e > start && d[e - 1] == ' ')
		e--;
	if (e > start)
		list_add(w->a->arena, &w->code, &w->ncode, &w->code_cap,
			 arena_strndup(w->a->arena, d + start, e - start));
}

/* A JSON-LD object's Recipe ingredients ("@graph" lists and arrays of objects searched too),
 * into w->ingr: the ingredient list in the HTML says the same lines, which a narrator never
 * reads out (drop_recipe_data). */
static void ld_recipe(walker *w, json_t *j, int depth)
{
	if (depth > 8)
		return;
	if (json_is_array(j)) {
		size_t i;
		json_t *e;
		json_array_foreach(j, i, e) ld_recipe(w, e, depth + 1);
		return;
	}
	if (!json_is_object(j))
		return;
	ld_recipe(w, json_object_get(j, "@graph"), depth + 1);
	json_t *ing = json_object_get(j, "recipeIngredient");
	if (!ing)
		ing = json_object_get(j, "ingredients"); /* the older schema.org name */
	if (!json_is_array(ing))
		return;
	size_t i;
	json_t *e;
	json_array_foreach(ing, i, e) {
		if (!json_is_string(e))
			continue;
		tbuf t = {0};
		tb_text(&t, json_string_value(e));
		const char *s = tb_take(w->a->arena, &t);
		if (*s && w->ningr < 500) /* a real recipe has dozens; bounds the matching */
			list_add(w->a->arena, &w->ingr, &w->ningr, &w->ingr_cap, s);
	}
}

/* A <script type="application/ld+json"> block: its structured data (never its text). */
static void ld_json(walker *w, xmlNodePtr n)
{
	xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
	int ld = type && !xmlStrcasecmp(type, (const xmlChar *)"application/ld+json");
	xmlFree(type);
	if (!ld)
		return;
	xmlChar *text = xmlNodeGetContent(n);
	if (!text)
		return;
	json_t *j = json_loads((const char *)text, 0, NULL);
	xmlFree(text);
	if (j)
		ld_recipe(w, j, 0);
	json_decref(j);
}

/* Inside <header> only the headings are article text (the rest is byline, date, share). */
static void walk_headings(walker *w, xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)c->name;
		if (strlen(name) == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
		    name[1] <= '6')
			walk(w, c);
		else if (!name_is(c, SKIP))
			walk_headings(w, c);
	}
}

static void walk_children(walker *w, xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		walk(w, c);
}

static void walk_node(walker *w, xmlNodePtr n);

static void walk(walker *w, xmlNodePtr n)
{
	if (w->depth >= WALK_MAX_DEPTH) {
		walk_flat(w, n);
		return;
	}
	w->depth++;
	walk_node(w, n);
	w->depth--;
}

static int is_heading(xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	return strlen(name) == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6';
}

/* An element whose end ends the text before it (a paragraph, a list item, a row, ...). */
static int breaks_block(xmlNodePtr n)
{
	static const char *const more[] = {"li", "tr", "pre", "figure", "figcaption", "caption", "table",
					   "thead", "tbody", "tfoot", NULL};
	return n->type == XML_ELEMENT_NODE && (name_is(n, BLOCK) || name_is(n, more) || is_heading(n));
}

static int flat_enter(void *ud, xmlNodePtr n)
{
	walker *w = ud;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		tb_text(&w->cur, (const char *)n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || name_is(n, SKIP) || hidden(n) || boilerplate(n))
		return 0;
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"br")) {
		if (after_br(n))
			flush(w);
		else
			w->cur.space = 1;
		return 0;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"img")) {
		add_html_image(w, n);
		return 0;
	}
	if (breaks_block(n))
		flush(w);
	return 1;
}

static void flat_leave(void *ud, xmlNodePtr n)
{
	if (breaks_block(n))
		flush(ud);
}

/* n and its subtree read without recursion: text, photos and paragraph breaks are kept; the
 * finer kinds (headings, list items, rows) of this deep part become paragraphs. */
static void walk_flat(walker *w, xmlNodePtr n)
{
	if (!flat_enter(w, n))
		return;
	tree_walk(n, flat_enter, flat_leave, w);
	flat_leave(w, n);
}

/* Medium's author box after the story: "Written by NAME" and the author's bio in one
 * container (short: a story that merely starts with a byline is not one). */
static int author_box(xmlNodePtr n)
{
	/* The first text in document order, found without walking the subtree: most containers
	 * are not author boxes, and their text is read once, later. */
	xmlNodePtr c = n->children;
	while (c) {
		if (c->type == XML_TEXT_NODE) {
			const char *p = (const char *)c->content;
			while (p && *p && strchr(" \t\r\n", *p))
				p++;
			if (p && *p)
				break;
		}
		if (c->type == XML_ELEMENT_NODE && c->children && !name_is(c, SKIP)) {
			c = c->children;
			continue;
		}
		while (c && !c->next && c->parent != n)
			c = c->parent;
		c = c ? c->next : NULL;
	}
	if (!c)
		return 0;
	const char *first = (const char *)c->content;
	while (strchr(" \t\r\n", *first))
		first++;
	if (strncasecmp(first, "written by", 10))
		return 0;
	tbuf t = {0};
	collect_text(c->parent, &t);
	int hit = t.d && !strncasecmp(t.d, "written by ", 11) && article_words(t.d, t.n) <= 7;
	if (hit) {
		tb_reset(&t);
		collect_text(n, &t);
		hit = t.d && article_words(t.d, t.n) <= 60;
	}
	free(t.d);
	return hit;
}

static void walk_node(walker *w, xmlNodePtr n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		tb_text(&w->cur, (const char *)n->content);
		return;
	}
	if (n->type != XML_ELEMENT_NODE && n->type != XML_DOCUMENT_NODE &&
	    n->type != XML_HTML_DOCUMENT_NODE) {
		return;
	}
	if (n->type != XML_ELEMENT_NODE) {
		walk_children(w, n);
		return;
	}
	const char *name = (const char *)n->name;
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"script")) {
		ld_json(w, n);
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"head")) { /* structured data only */
		for (xmlNodePtr c = n->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !xmlStrcasecmp(c->name, (const xmlChar *)"script"))
				ld_json(w, c);
		return;
	}
	if (name_is(n, SKIP) || hidden(n) || boilerplate(n))
		return;
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"header")) {
		flush(w);
		walk_headings(w, n);
		return;
	}
	art_kind saved_kind = w->kind;
	int saved_level = w->level;
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"br")) {
		if (after_br(n)) /* a blank line: the paragraph ends */
			flush(w);
		else
			w->cur.space = 1;
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"img")) {
		add_html_image(w, n);
		return;
	}
	if (strlen(name) == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6') {
		flush(w);
		w->kind = ART_HEADING;
		w->level = name[1] - '0';
		walk_children(w, n);
		flush(w);
		w->kind = saved_kind;
		w->level = saved_level;
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"pre")) {
		flush(w);
		tbuf raw = {0};
		collect_raw(n, &raw);
		tb_check(w->a->arena, &raw);
		while (raw.n > 0 && (raw.d[raw.n - 1] == '\n' || raw.d[raw.n - 1] == ' ' ||
				     raw.d[raw.n - 1] == '\r' || raw.d[raw.n - 1] == '\t'))
			raw.d[--raw.n] = 0;
		size_t start = 0;
		while (start < raw.n && (raw.d[start] == '\n' || raw.d[start] == '\r'))
			start++;
		int before = w->a->nblocks;
		if (raw.n > start)
			push_block(w, ART_CODE, 0, raw.d + start, raw.n - start);
		if (w->a->nblocks > before)
			w->a->blocks[before].lang = code_lang(w->a->arena, n);
		free(raw.d);
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"tr")) {
		flush(w);
		tbuf row = {0};
		for (xmlNodePtr c = n->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || name_is(c, SKIP))
				continue;
			tbuf cell = {0};
			collect_text(c, &cell);
			tb_check(w->a->arena, &cell);
			if (cell.n) {
				if (row.n)
					tb_text(&row, "; ");
				/* "; " above leaves a pending space, so the cell starts after it */
				tb_text(&row, cell.d);
			}
			free(cell.d);
		}
		tb_check(w->a->arena, &row);
		if (row.n)
			push_block(w, ART_ROW, 0, row.d, row.n);
		free(row.d);
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"figcaption") ||
	    !xmlStrcasecmp(n->name, (const xmlChar *)"caption")) {
		flush(w);
		tbuf cap = {0};
		collect_text(n, &cap);
		tb_check(w->a->arena, &cap);
		if (cap.n) {
			push_block(w, ART_CAPTION, 0, cap.d, cap.n);
			if (w->figure_img >= 0 && w->figure_img < w->a->nimages &&
			    !*w->a->images[w->figure_img].caption)
				w->a->images[w->figure_img].caption = arena_strdup(w->a->arena, cap.d);
		}
		free(cap.d);
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"figure")) {
		flush(w);
		int saved_fig = w->figure_img;
		w->figure_img = -2; /* the next <img> becomes the figure's image */
		walk_children(w, n);
		flush(w);
		w->figure_img = saved_fig;
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"li")) {
		flush(w);
		w->kind = ART_ITEM;
		w->level = w->list_depth > 0 ? w->list_depth : 1;
		walk_children(w, n);
		flush(w);
		w->kind = saved_kind;
		w->level = saved_level;
		return;
	}
	if (!xmlStrcasecmp(n->name, (const xmlChar *)"ul") ||
	    !xmlStrcasecmp(n->name, (const xmlChar *)"ol")) {
		flush(w);
		w->list_depth++;
		walk_children(w, n);
		flush(w);
		w->list_depth--;
		return;
	}
	if (name_is(n, BLOCK) || !xmlStrcasecmp(n->name, (const xmlChar *)"table") ||
	    !xmlStrcasecmp(n->name, (const xmlChar *)"thead") ||
	    !xmlStrcasecmp(n->name, (const xmlChar *)"tbody") ||
	    !xmlStrcasecmp(n->name, (const xmlChar *)"tfoot")) {
		flush(w);
		if (author_box(n))
			return;
		/* Text directly inside a div within a list item still belongs to the item. */
		if (w->kind != ART_ITEM) {
			w->kind = ART_PARA;
			w->level = 0;
		}
		walk_children(w, n);
		flush(w);
		w->kind = saved_kind;
		w->level = saved_level;
		return;
	}
	if (name_is(n, INLINE_CODE)) {
		size_t start = w->cur.n;
		walk_children(w, n);
		note_code(w, start);
		return;
	}
	/* Inline: span, a, em, strong, abbr, sup, ... */
	walk_children(w, n);
}

/* Records a warning about a skipped part of a (article.h: a->warnings). */
static void article_warn(article_t *a, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char **ws = arena_alloc(a->arena, sizeof *ws * (size_t)(a->nwarnings + 1));
	if (a->nwarnings)
		memcpy(ws, a->warnings, sizeof *ws * (size_t)a->nwarnings);
	ws[a->nwarnings] = arena_printf(a->arena, "%s: %s", a->path ? a->path : "article", msg);
	a->warnings = ws;
	a->nwarnings++;
}

/* HTML5 named character references that libxml2's HTML 4 table lacks and recipe and news CMSes
 * emit ("&frac13; cup butter"): the parser leaves them as text. */
static const struct {
	const char *name, *utf8;
} HTML5_ENTITIES[] = {
	{"frac13", "\u2153"}, {"frac23", "\u2154"}, {"frac15", "\u2155"}, {"frac25", "\u2156"},
	{"frac35", "\u2157"}, {"frac45", "\u2158"}, {"frac16", "\u2159"}, {"frac56", "\u215A"},
	{"frac18", "\u215B"}, {"frac38", "\u215C"}, {"frac58", "\u215D"}, {"frac78", "\u215E"},
	{"apos", "'"},	       {"check", "\u2713"},  {"starf", "\u2605"},  {"star", "\u2606"},
	{"hyphen", "\u2010"}, {"dash", "\u2010"},   {"percnt", "%"},	     {"num", "#"},
};

/* The length of the WordPress shortcode at s[0..n) ("[caption id=...]", "[/caption]",
 * "[adsense_inline id="3"]"), 0 if s does not start one. A bare "[word]" counts only when
 * alone_ok (the block holds nothing else): "[sic]" in a sentence stays. */
static size_t shortcode_len(const char *s, size_t n, int alone_ok)
{
	size_t i = 1;
	int closing = 0, attrs = 0;
	if (n < 3 || s[0] != '[')
		return 0;
	if (s[i] == '/') {
		closing = 1;
		i++;
	}
	if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return 0;
	while (i < n && (s[i] == '_' || s[i] == '-' || (s[i] >= 'a' && s[i] <= 'z') ||
			 (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i < n && s[i] == ' ' && !closing) {
		while (i < n && s[i] != ']' && s[i] != '[' && i < 512)
			attrs |= s[i++] == '=';
	}
	if (i >= n || s[i] != ']')
		return 0;
	return closing || attrs || alone_ok ? i + 1 : 0;
}

/* The prose text of a block: WordPress shortcodes left in the HTML by a plugin that did not
 * run (their text between them stays) and HTML5-only entities (HTML5_ENTITIES) decoded; into
 * out, whitespace normalised. */
static void clean_prose(const char *text, size_t len, tbuf *out)
{
	/* Whether the block is nothing but shortcodes ("[mc4wp_form]"). */
	int alone = 1;
	for (size_t i = 0; i < len && alone;) {
		size_t k = shortcode_len(text + i, len - i, 1);
		if (k)
			i += k;
		else if (text[i] == ' ')
			i++;
		else
			alone = 0;
	}
	char one[2] = {0, 0};
	for (size_t i = 0; i < len;) {
		size_t k = text[i] == '[' ? shortcode_len(text + i, len - i, alone) : 0;
		if (k) {
			out->space = 1;
			i += k;
			continue;
		}
		if (text[i] == '&') {
			size_t e = i + 1;
			while (e < len && e - i < 12 && ((text[e] >= 'a' && text[e] <= 'z') ||
							 (text[e] >= 'A' && text[e] <= 'Z') ||
							 (text[e] >= '0' && text[e] <= '9')))
				e++;
			const char *rep = NULL;
			if (e < len && text[e] == ';')
				for (size_t j = 0; j < sizeof HTML5_ENTITIES / sizeof *HTML5_ENTITIES; j++)
					if (strlen(HTML5_ENTITIES[j].name) == e - i - 1 &&
					    !strncmp(HTML5_ENTITIES[j].name, text + i + 1, e - i - 1))
						rep = HTML5_ENTITIES[j].utf8;
			if (rep) {
				tb_text(out, rep);
				i = e + 1;
				continue;
			}
		}
		one[0] = text[i++];
		tb_text(out, one);
	}
}

/* ---- page furniture by shape: lines that are not sentences a narrator says ---- */

/* The words of a line, lower-cased ASCII, at most max of them; the count (more than max: max+1). */
#define FURN_WORDS 24
typedef struct {
	char w[FURN_WORDS][32];
	int n;
} words_t;

static void split_words(const char *t, size_t len, words_t *ws)
{
	ws->n = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && t[i] == ' ')
			i++;
		size_t s = i;
		while (i < len && t[i] != ' ')
			i++;
		if (i == s)
			break;
		if (ws->n == FURN_WORDS) {
			ws->n++;
			return;
		}
		size_t n = i - s < 31 ? i - s : 31;
		for (size_t k = 0; k < n; k++)
			ws->w[ws->n][k] = (char)tolower((unsigned char)t[s + k]);
		ws->w[ws->n][n] = 0;
		ws->n++;
	}
}

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

/* Whether a line ends as a sentence does (. ! ? … or one of them before a closing quote). */
static int ends_sentence(const char *t, size_t len)
{
	while (len > 0 && strchr("\"')", t[len - 1]))
		len--;
	if (len >= 3 && (!memcmp(t + len - 3, "\u201D", 3) || !memcmp(t + len - 3, "\u2019", 3)))
		len -= 3;
	return len > 0 && (strchr(".!?", t[len - 1]) || (len >= 3 && !memcmp(t + len - 3, "\u2026", 3)));
}

/* A vulgar fraction (U+00BC-00BE, U+2150-215E) at t, its length in bytes; 0 if none. */
static size_t fraction_at(const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	if (len >= 2 && u[0] == 0xC2 && u[1] >= 0xBC && u[1] <= 0xBE)
		return 2;
	if (len >= 3 && u[0] == 0xE2 && u[1] == 0x85 && u[2] >= 0x90 && u[2] <= 0x9E)
		return 3;
	return 0;
}

/* The length of the quantity a line starts with ("3", "1/3", "1½", "½", "2-3", "250g"), 0 if
 * none. */
static size_t quantity_len(const char *t, size_t len)
{
	size_t i = 0, f;
	int any = 0;
	while (i < len) {
		if (isdigit((unsigned char)t[i])) {
			i++;
			any = 1;
		} else if ((f = fraction_at(t + i, len - i))) {
			i += f;
			any = 1;
		} else if (any && i + 1 < len && strchr("/.,-", t[i]) && isdigit((unsigned char)t[i + 1])) {
			i++;
		} else {
			break;
		}
	}
	return any ? i : 0;
}

/* Kitchen units: a quantity followed by one is an ingredient line, not a sentence. */
static const char *const UNITS[] = {
	"cup", "cups", "tbsp", "tbsp.", "tsp", "tsp.", "tablespoon", "tablespoons", "teaspoon",
	"teaspoons", "g", "gr", "grams", "kg", "ml", "l", "dl", "cl", "oz", "oz.", "ounce", "ounces",
	"lb", "lbs", "lb.", "pound", "pounds", "pinch", "clove", "cloves", "can", "cans", "stick",
	"sticks", "handful", "dash", "slice", "slices", "bunch", "sprig", "sprigs", "el", "tl",
	"cuillère", "cuillères", "cucharada", "cucharadas", "cucharadita", "prise", "pincée", NULL};

/* A line that is only an ingredient's amount ("1 tsp baking soda", "½ cup sugar"): a quantity,
 * a kitchen unit, a few words, no sentence end. */
static int ingredient_line(const char *t, size_t len)
{
	size_t q = quantity_len(t, len);
	if (!q || ends_sentence(t, len))
		return 0;
	words_t ws;
	/* "250g flour": the unit glued to the number */
	char first[40];
	size_t k = 0;
	while (q + k < len && t[q + k] != ' ' && k < sizeof first - 1) {
		first[k] = (char)tolower((unsigned char)t[q + k]);
		k++;
	}
	first[k] = 0;
	split_words(t + q, len - q, &ws);
	if (ws.n < 1 || ws.n > 8)
		return 0;
	return in_list(*first ? first : ws.w[0], UNITS);
}

/* A short line led by a quantity without a sentence's end ("3 ripe bananas, mashed"): an
 * ingredient when most of its list is like it (drop_recipe_data). */
static int quantity_line(const char *t, size_t len)
{
	size_t q = quantity_len(t, len);
	if (!q || ends_sentence(t, len))
		return 0;
	words_t ws;
	split_words(t + q, len - q, &ws);
	return ws.n <= 7;
}

/* Labels of a recipe card's, a nutrition panel's or a post's metadata line ("Prep Time 10
 * mins", "Servings: 4", "Calories: 245kcal | Carbs: 38g", "Reading time: 6 minutes"), lower
 * case, in the languages the narration has. A label on TEXTUAL takes a value without a
 * number ("Cuisine: Italian"); the others need one ("Sugar: it hides everywhere" is prose). */
static const char *const LABELS[] = {
	"prep time", "preparation time", "cook time", "cooking time", "total time", "active time",
	"inactive time", "rest time", "resting time", "chill time", "bake time", "baking time",
	"servings", "serves", "serving size", "serving", "yield", "yields", "makes", "calories",
	"kcal", "carbohydrates", "carbs", "protein", "fat", "saturated fat", "sodium", "sugar",
	"sugars", "fiber", "fibre", "cholesterol", "potassium", "read time", "reading time",
	"tiempo de preparación", "tiempo de cocción", "tiempo total", "porciones", "raciones",
	"zubereitungszeit", "kochzeit", "backzeit", "gesamtzeit", "arbeitszeit", "portionen",
	"temps de préparation", "temps de cuisson", "temps total", "portions", "personnes",
	"tempo di preparazione", "tempo di cottura", "porzioni", NULL};
static const char *const TEXTUAL[] = {"course", "cuisine", "difficulty", "author", "keyword",
				      "keywords", "yield", "yields", "makes", "serves", "diet",
				      "category", "method", "equipment", NULL};

static int label_at(const char *t, size_t len, const char *const *labels, size_t *after)
{
	for (; *labels; labels++) {
		size_t n = strlen(*labels);
		if (n < len && !strncasecmp(t, *labels, n) && (t[n] == ':' || t[n] == ' ')) {
			*after = n + (t[n] == ':');
			return 1;
		}
	}
	return 0;
}

/* A line that is a label and a value, not a sentence. */
static int label_value_line(const char *t, size_t len, const words_t *ws)
{
	if (ends_sentence(t, len) || ws->n > 16)
		return 0;
	size_t after;
	if (label_at(t, len, LABELS, &after)) {
		for (size_t i = after; i < len; i++)
			if (isdigit((unsigned char)t[i]))
				return 1;
	}
	if (label_at(t, len, TEXTUAL, &after) && t[after - 1] == ':' && ws->n <= 5)
		return 1;
	/* Any short "Label: value" whose value is a number: "Price: $20", "Time: 45 minutes". */
	const char *colon = memchr(t, ':', len);
	if (colon && colon > t && ws->n <= 7) {
		size_t at = (size_t)(colon - t);
		words_t lw;
		split_words(t, at, &lw);
		int digit = 0;
		for (size_t i = at + 1; i < len; i++)
			digit |= isdigit((unsigned char)t[i]);
		for (size_t i = 0; i < at; i++)
			if (isdigit((unsigned char)t[i]))
				digit = 0; /* "Step 1: ..." is not a label */
		if (lw.n >= 1 && lw.n <= 3 && digit && at + 1 < len && t[at + 1] == ' ')
			return 1;
	}
	return 0;
}

/* Blog platforms' controls and reading-time lines, when no class marks them: Medium's
 * "Follow", "Listen", "Share", "6 min read", "Written by NAME", "Published in NAME". */
static int furniture_line(const char *t, size_t len, art_kind kind)
{
	static const char *const menu[] = {"follow", "following", "listen", "share", "save", "clap",
					   "claps", "subscribe", "subscribed", "print", "pin", "tweet",
					   "email", "sign", "up", "in", "open", "app", "get", "started",
					   "member-only", "story", "·", "|", "•", "-", "—", NULL};
	static const char *const core[] = {"follow", "following", "listen", "share", "save", "clap",
					   "claps", "subscribe", "print", "tweet", "sign", NULL};
	words_t ws;
	split_words(t, len, &ws);
	if (ws.n > FURN_WORDS)
		return 0;
	int all = 1, has_core = 0;
	for (int i = 0; i < ws.n && all; i++) {
		all = in_list(ws.w[i], menu);
		has_core |= in_list(ws.w[i], core);
	}
	if (all && has_core)
		return 1;
	/* a photo's credit line: "Photo by NAME on Unsplash", "Photo: AP", "Image credit: NAME" */
	static const char *const credit[] = {"photo by ", "photo: ", "photo credit", "image: ", "image by ",
					     "image credit", "credit: ", "photograph: ", "illustration by ",
					     "foto: ", "bild: ", "©", NULL};
	for (int i = 0; credit[i]; i++)
		if (!strncasecmp(t, credit[i], strlen(credit[i])) && ws.n <= 10 && !ends_sentence(t, len))
			return 1;
	/* a count alone ("2.1K" claps, "42") */
	int count = ws.n <= 2 && isdigit((unsigned char)t[0]);
	for (size_t i = 0; i < len && count; i++)
		count = isdigit((unsigned char)t[i]) || strchr(" .,+%kKmM", t[i]);
	if (count)
		return 1;
	/* "Jane Doe Follow": an author's name and the button after it */
	if (ws.n >= 2 && ws.n <= 5 && !ends_sentence(t, len) &&
	    (!strcmp(ws.w[ws.n - 1], "follow") || !strcmp(ws.w[ws.n - 1], "following") ||
	     !strcmp(ws.w[ws.n - 1], "subscribe")))
		return 1;
	if (ends_sentence(t, len))
		return 0;
	/* "6 min read", "12 minute read", "3 min listen" in a short line */
	for (int i = 1; i + 1 < ws.n && ws.n <= 16; i++)
		if ((!strcmp(ws.w[i], "min") || !strcmp(ws.w[i], "minute") || !strcmp(ws.w[i], "mins")) &&
		    (!strcmp(ws.w[i + 1], "read") || !strcmp(ws.w[i + 1], "listen")) &&
		    isdigit((unsigned char)ws.w[i - 1][0]))
			return 1;
	if (ws.n >= 3 && ws.n <= 7 &&
	    ((!strcmp(ws.w[0], "written") && !strcmp(ws.w[1], "by")) ||
	     (!strcmp(ws.w[0], "published") && !strcmp(ws.w[1], "in"))))
		return 1;
	/* a heading may start with an amount ("2 cups a day is the limit") */
	return label_value_line(t, len, &ws) || (kind != ART_HEADING && ingredient_line(t, len));
}

static void push_block(walker *w, art_kind kind, int level, const char *text, size_t len)
{
	article_t *a = w->a;
	tbuf clean = {0};
	if (kind != ART_CODE) {
		clean_prose(text, len, &clean);
		tb_check(a->arena, &clean);
		text = clean.d ? clean.d : "";
		len = clean.n;
	}
	while (len > 0 && text[len - 1] == ' ')
		len--;
	while (len > 0 && *text == ' ') {
		text++;
		len--;
	}
	if (!len || (kind != ART_CODE && kind != ART_ROW && furniture_line(text, len, kind))) {
		free(clean.d);
		w->ncode = 0;
		return;
	}
	/* Grow by doubling; the capacity is the next power of two at or above nblocks. */
	int cap = 8;
	while (cap < a->nblocks)
		cap *= 2;
	if (a->nblocks == 0 || a->nblocks == cap) {
		int ncap = a->nblocks == 0 ? 8 : cap * 2;
		art_block *nb = arena_alloc(a->arena, sizeof *nb * (size_t)ncap);
		if (a->nblocks)
			memcpy(nb, a->blocks, sizeof *nb * (size_t)a->nblocks);
		a->blocks = nb;
	}
	art_block *b = &a->blocks[a->nblocks++];
	b->kind = kind;
	b->level = level;
	b->text = arena_strndup(a->arena, text, len);
	b->lang = "";
	b->code = NULL;
	b->ncode = 0;
	if (kind != ART_CODE && w->ncode) {
		b->code = w->code;
		b->ncode = w->ncode;
		w->code = NULL; /* the block keeps the list */
		w->code_cap = 0;
	}
	w->ncode = 0;
	free(clean.d);
}

/* Whether block text t is the ingredient line ing, or starts with it ("3 ripe bananas,
 * mashed" after "3 ripe bananas"), ASCII case aside. */
static int is_ingredient(const char *t, const char *ing)
{
	size_t n = strlen(ing);
	return !strncasecmp(t, ing, n) && (!t[n] || !isalnum((unsigned char)t[n]));
}

/* Removes the blocks whose drop[] is set; images keep their place (the index of the next
 * block kept). */
static void drop_blocks(article_t *a, const unsigned char *drop)
{
	int *newidx = malloc(sizeof *newidx * ((size_t)a->nblocks + 1));
	if (!newidx) {
		arena_fail(a->arena);
		return;
	}
	int m = 0;
	for (int i = 0; i < a->nblocks; i++) {
		newidx[i] = m;
		if (!drop[i])
			a->blocks[m++] = a->blocks[i];
	}
	newidx[a->nblocks] = m;
	for (int i = 0; i < a->nimages; i++)
		if (a->images[i].block >= 0 && a->images[i].block <= a->nblocks)
			a->images[i].block = newidx[a->images[i].block];
	a->nblocks = m;
	free(newidx);
}

/* A recipe's ingredient list is data, not narration: list items under an "Ingredients"
 * heading, items the page's JSON-LD Recipe names, and a list whose items are mostly bare
 * quantities ("1 egg", "3 ripe bananas, mashed") are dropped. (Recipe cards marked by class,
 * times and nutrition lines went in the walk: boilerplate, furniture_line.) */
static void drop_recipe_data(article_t *a, const walker *w)
{
	static const char *const heads[] = {"ingredients", "ingredient", "zutaten", "ingredientes",
					    "ingrédients", "ingredienti", "what you need",
					    "you will need", "you'll need", NULL};
	unsigned char *drop = calloc((size_t)a->nblocks + 1, 1);
	if (!drop) {
		arena_fail(a->arena);
		return;
	}
	int any = 0, under = 0;
	for (int i = 0; i < a->nblocks; i++) {
		const art_block *b = &a->blocks[i];
		if (b->kind == ART_HEADING) {
			char h[64];
			size_t n = strlen(b->text);
			if (n >= sizeof h)
				n = sizeof h - 1;
			for (size_t k = 0; k < n; k++)
				h[k] = (char)tolower((unsigned char)b->text[k]);
			h[n] = 0;
			while (n > 0 && strchr(": ", h[n - 1]))
				h[--n] = 0;
			under = in_list(h, heads) || !strncmp(h, "ingredients for", 15);
			continue;
		}
		if (b->kind == ART_ITEM && under)
			drop[i] = any = 1;
		for (int k = 0; k < w->ningr && !drop[i]; k++)
			if ((b->kind == ART_ITEM || b->kind == ART_PARA) && is_ingredient(b->text, w->ingr[k]))
				drop[i] = any = 1;
		if (b->kind != ART_ITEM && b->kind != ART_HEADING)
			under = 0; /* the list under the heading has ended */
	}
	/* Runs of list items: a list of mostly bare quantities is an ingredient list. */
	for (int i = 0; i < a->nblocks;) {
		if (a->blocks[i].kind != ART_ITEM) {
			i++;
			continue;
		}
		int e = i, q = 0;
		while (e < a->nblocks && a->blocks[e].kind == ART_ITEM) {
			q += quantity_line(a->blocks[e].text, strlen(a->blocks[e].text));
			e++;
		}
		if (q >= 3 && q * 10 >= (e - i) * 6)
			for (int k = i; k < e; k++)
				if (quantity_line(a->blocks[k].text, strlen(a->blocks[k].text)))
					drop[k] = any = 1;
		i = e;
	}
	if (any)
		drop_blocks(a, drop);
	free(drop);
}

/* Whether s is an absolute http or https URL with a host. */
static int http_url(const char *s)
{
	const char *p = !strncasecmp(s, "https://", 8) ? s + 8 : !strncasecmp(s, "http://", 7) ? s + 7 : NULL;
	return p && *p && *p != '/';
}

/* ref resolved against the absolute URL base (RFC 3986 section 5.2, by libxml2's
 * xmlBuildURI), as an arena string; NULL when it cannot be. */
static const char *url_resolve(arena_t *ar, const char *ref, const char *base)
{
	xmlChar *r = xmlBuildURI((const xmlChar *)ref, (const xmlChar *)base);
	if (!r)
		return NULL;
	/* xmlBuildURI keeps the dot segments of an absolute path ("/x/../a.jpg"): RFC 3986
	 * removes them (5.2.2, remove_dot_segments). */
	xmlURIPtr u = xmlParseURI((const char *)r);
	xmlFree(r);
	if (!u)
		return NULL;
	if (u->path)
		xmlNormalizeURIPath(u->path);
	r = xmlSaveUri(u);
	xmlFreeURI(u);
	if (!r)
		return NULL;
	const char *out = http_url((const char *)r) ? arena_strdup(ar, (const char *)r) : NULL;
	xmlFree(r);
	return out;
}

/* The page's own address from its HTML: <base href> (resolved against the record's url), else
 * when the record has none <link rel="canonical"> or <meta property="og:url">. */
static void html_base(article_t *a, htmlDocPtr doc)
{
	const char *base = NULL, *canon = NULL;
	xmlNodePtr n = (xmlNodePtr)doc;
	while (n) { /* pre-order, without recursion */
		if (n->type == XML_ELEMENT_NODE) {
			if (!xmlStrcasecmp(n->name, (const xmlChar *)"base") && !base)
				base = attr(a->arena, n, "href");
			if (!xmlStrcasecmp(n->name, (const xmlChar *)"link") && !canon) {
				const char *rel = attr(a->arena, n, "rel");
				if (!strcasecmp(rel, "canonical"))
					canon = attr(a->arena, n, "href");
			}
			if (!xmlStrcasecmp(n->name, (const xmlChar *)"meta") && !canon) {
				const char *prop = attr(a->arena, n, "property");
				if (!strcasecmp(prop, "og:url"))
					canon = attr(a->arena, n, "content");
			}
		}
		if (n->children && n->type != XML_ENTITY_REF_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
	if (base && *base) {
		const char *r = *a->url ? url_resolve(a->arena, base, a->url) : http_url(base) ? base : NULL;
		if (r)
			a->url = r;
	}
	if (!*a->url && canon && http_url(canon))
		a->url = canon;
}

int article_parse_html(article_t *a, const char *html, size_t len)
{
	if (!html || !len)
		return 0;
	if (len > INT_MAX)
		return -1;
	/* XML_PARSE_HUGE lifts libxml2's depth limit of 256 (past it the parser stops and the rest
	 * of the article would be lost) and its 10 MB text-node limit; our walk has no recursion
	 * past WALK_MAX_DEPTH. */
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	if (!ctxt)
		return -1;
	htmlDocPtr doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8",
					    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
						    HTML_PARSE_NONET | XML_PARSE_HUGE);
	/* What makes the parser stop early (resources, an internal limit) loses the rest of the
	 * article: say so. Recoverable errors (tag soup) are not reported. */
	const xmlError *le = &ctxt->lastError;
	if (doc && (le->code == XML_ERR_INTERNAL_ERROR || le->code == XML_ERR_NO_MEMORY)) {
		char why[256];
		snprintf(why, sizeof why, "%s", le->message ? le->message : "parser error");
		why[strcspn(why, "\n")] = 0;
		article_warn(a, "the article's HTML could not be read past line %d (%s); the rest of it was skipped",
			     le->line, why);
	}
	htmlFreeParserCtxt(ctxt);
	if (!doc)
		return -1;
	walker w = {.a = a, .kind = ART_PARA, .figure_img = -1};
	walk(&w, (xmlNodePtr)doc);
	flush(&w);
	free(w.cur.d);
	drop_recipe_data(a, &w);
	html_base(a, doc);
	xmlFreeDoc(doc);
	return 0;
}

/* ---- the content record ---- */

/* Plain-text fields (title, summary, alt text) as CMS exports give them often still carry
 * entities or inline tags ("Tips &amp; Tricks", "<em>New</em>"): those go through the HTML
 * parser too; everything is whitespace-normalised. */
static const char *norm(arena_t *ar, const char *s)
{
	tbuf t = {0};
	if (strchr(s, '&') || strchr(s, '<')) {
		htmlDocPtr doc = htmlReadMemory(s, (int)strlen(s), NULL, "UTF-8",
						HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
							HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
		xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
		if (root) {
			collect_text(root, &t);
			xmlFreeDoc(doc);
			return tb_take(ar, &t);
		}
		if (doc)
			xmlFreeDoc(doc);
	}
	tb_text(&t, s);
	return tb_take(ar, &t);
}

static const char *resolve_path(article_t *a, const char *base_dir, const char *src)
{
	/* "//cdn.example.com/a.jpg" is a URL without its scheme: the article's own (its url),
	 * else https (pages are served over it). */
	if (src[0] == '/' && src[1] == '/' && src[2] && src[2] != '/') {
		const char *r = *a->url ? url_resolve(a->arena, src, a->url) : NULL;
		return r ? r : arena_printf(a->arena, "https:%s", src);
	}
	if (!*src || src[0] == '/' || strstr(src, "://") || !strncmp(src, "data:", 5))
		return src;
	if (!base_dir || !*base_dir || !strcmp(base_dir, "."))
		return src;
	return arena_printf(a->arena, "%s/%s", base_dir, src);
}

void article_free(article_t *a)
{
	if (a)
		arena_free(a->arena);
}

static article_t *fail(article_t *a, char *err, size_t errlen, const char *fmt, const char *name,
		       const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, what);
	snprintf(err, errlen, "%s: %s", name, msg);
	article_free(a);
	return NULL;
}

/* 'keywords': a list of strings, or one comma-separated string (common in CMS exports). 0, or
 * -1 with err set (a is freed). */
static int parse_keywords(article_t *a, json_t *kw, const char *name, char *err, size_t errlen)
{
	arena_t *ar = a->arena;
	if (!kw || json_is_null(kw))
		return 0;
	if (json_is_string(kw)) {
		const char *s = json_string_value(kw);
		a->keywords = arena_alloc(ar, sizeof(char *) * (strlen(s) / 2 + 2));
		const char *p = s;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			const char *k = norm(ar, arena_strndup(ar, p, n));
			if (*k)
				a->keywords[a->nkeywords++] = k;
			p += n + (e ? 1 : 0);
		}
		return 0;
	}
	if (!json_is_array(kw)) {
		fail(a, err, errlen, "'%s' must be a list of strings", name, "keywords");
		return -1;
	}
	a->keywords = arena_alloc(ar, sizeof(char *) * (json_array_size(kw) + 1));
	size_t i;
	json_t *k;
	json_array_foreach(kw, i, k) {
		if (!json_is_string(k)) {
			char what[64];
			snprintf(what, sizeof what, "keywords[%zu]", i);
			fail(a, err, errlen, "'%s' must be a string", name, what);
			return -1;
		}
		const char *s = norm(ar, json_string_value(k));
		if (*s)
			a->keywords[a->nkeywords++] = s;
	}
	return 0;
}

/* One entry of 'images' into g: a bare string (the src) or {src, alt, caption}. 0, or -1 with
 * err set (a is freed). */
static int parse_image(article_t *a, json_t *e, size_t i, art_image *g, const char *name, char *err,
		       size_t errlen)
{
	arena_t *ar = a->arena;
	char what[64];
	g->alt = g->caption = "";
	g->block = -1;
	if (json_is_string(e)) {
		g->src = norm(ar, json_string_value(e));
		return 0;
	}
	if (!json_is_object(e)) {
		snprintf(what, sizeof what, "images[%zu]", i);
		fail(a, err, errlen, "'%s' must be a path or an object with 'src'", name, what);
		return -1;
	}
	json_t *src = json_object_get(e, "src");
	if (!json_is_string(src)) {
		snprintf(what, sizeof what, "images[%zu].src", i);
		fail(a, err, errlen, "'%s' must be a string (a path or URL)", name, what);
		return -1;
	}
	g->src = norm(ar, json_string_value(src));
	static const char *const f[] = {"alt", "caption"};
	for (int j = 0; j < 2; j++) {
		json_t *v = json_object_get(e, f[j]);
		if (v && !json_is_null(v) && !json_is_string(v)) {
			snprintf(what, sizeof what, "images[%zu].%s", i, f[j]);
			fail(a, err, errlen, "'%s' must be a string", name, what);
			return -1;
		}
		if (json_is_string(v))
			*(j ? &g->caption : &g->alt) = norm(ar, json_string_value(v));
	}
	return 0;
}

/* 'images': the record's photos (their paths are resolved by resolve_images). 0 or -1 (a is
 * freed). */
static int parse_images(article_t *a, json_t *im, const char *name, char *err, size_t errlen)
{
	if (!im || json_is_null(im))
		return 0;
	if (!json_is_array(im)) {
		fail(a, err, errlen, "'%s' must be a list", name, "images");
		return -1;
	}
	a->images_cap = (int)json_array_size(im) + 1;
	a->images = arena_alloc(a->arena, sizeof(art_image) * (size_t)a->images_cap);
	size_t i;
	json_t *e;
	json_array_foreach(im, i, e) {
		art_image *g = &a->images[a->nimages];
		if (parse_image(a, e, i, g, name, err, errlen))
			return -1;
		if (!*g->src)
			continue;
		g->path = g->src; /* resolved once the HTML has said its base URL */
		a->nimages++;
	}
	return 0;
}

/* The article's address: 'url', or one of the names CMS exports give it. 0, or -1 with err
 * set (a is freed). */
static int parse_url(article_t *a, json_t *root, const char *name, char *err, size_t errlen)
{
	static const char *const keys[] = {"url", "canonical_url", "link", "permalink", NULL};
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(root, keys[i]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v)) {
			fail(a, err, errlen, "'%s' must be a string (the article's address)", name, keys[i]);
			return -1;
		}
		const char *u = norm(a->arena, json_string_value(v));
		if (!*u)
			continue;
		if (!http_url(u)) {
			char msg[160];
			snprintf(msg, sizeof msg, "'%s' must be an absolute http or https URL (the article's address), not '%%s'",
				 keys[i]);
			fail(a, err, errlen, msg, name, u);
			return -1;
		}
		a->url = u;
		return 0;
	}
	return 0;
}

/* Each image's path: the record's against base_dir (resolve_path); those of the HTML (from
 * first_html on) likewise, but a root-relative reference ("/wp-content/x.jpg") is a URL of the
 * article's site, resolved against a->url; without one it is dropped with a warning saying
 * so (as a local path it would name a file at the root of this machine). */
/* The length of the URI scheme src starts with ("javascript" in "javascript:x"), 0 if none;
 * one letter is a drive ("C:"), not a scheme. */
static size_t uri_scheme(const char *src)
{
	size_t n = 0;
	while (isalpha((unsigned char)src[n]) ||
	       (n && src[n] && (isdigit((unsigned char)src[n]) || strchr("+-.", src[n]))))
		n++;
	return n >= 2 && src[n] == ':' ? n : 0;
}

static void resolve_images(article_t *a, const char *base_dir, int first_html)
{
	int kept = 0;
	for (int i = 0; i < a->nimages; i++) {
		art_image *im = &a->images[i];
		const char *src = im->src;
		size_t sch = uri_scheme(src);
		if (sch && !(sch == 4 && !strncasecmp(src, "http", 4)) && !(sch == 5 && !strncasecmp(src, "https", 5)) &&
		    !(sch == 4 && !strncasecmp(src, "data", 4)) && !(sch == 4 && !strncasecmp(src, "file", 4))) {
			/* javascript:, mailto:, about: ... name no picture (file: is refused by the
			 * fetcher with its own reason) */
			article_warn(a, "image '%.200s' is a %.*s: address, not a picture's path or http(s) URL; skipped", src,
				     (int)sch, src);
			continue;
		}
		if (i < first_html || src[0] != '/' || src[1] == '/') {
			im->path = resolve_path(a, base_dir, src);
		} else if (*a->url) {
			const char *r = url_resolve(a->arena, src, a->url);
			if (!r) {
				article_warn(a, "image '%s' in content_html does not resolve against the article's url '%s'; skipped",
					     src, a->url);
				continue;
			}
			im->path = r;
		} else {
			article_warn(a, "image '%s' in content_html is a path on the article's web site, and the record has "
					"no 'url' (the article's address) to resolve it against; skipped",
				     src);
			continue;
		}
		a->images[kept++] = *im;
	}
	a->nimages = kept;
}

/* The record in root, into a new article on arena ar (freed by fail() on a refusal). */
static article_t *parse_record(json_t *root, arena_t *ar, const char *name, const char *base_dir,
			       char *err, size_t errlen)
{
	article_t *a = arena_alloc(ar, sizeof *a);
	a->arena = ar;
	a->path = arena_strdup(ar, name);
	a->meta_description = a->language = a->text = a->url = "";
	a->title = "";
	article_t *ret = NULL;
	if (!json_is_object(root)) {
		fail(a, err, errlen, "a content record must be a JSON object%s", name, "");
		goto done;
	}
	json_t *t = json_object_get(root, "title");
	if (!t || json_is_null(t)) {
		fail(a, err, errlen, "missing 'title'%s", name, "");
		goto done;
	}
	if (!json_is_string(t)) {
		fail(a, err, errlen, "'%s' must be a string", name, "title");
		goto done;
	}
	a->title = norm(ar, json_string_value(t));
	if (!*a->title) {
		fail(a, err, errlen, "'title' is empty%s", name, "");
		goto done;
	}
	static const char *const strs[] = {"content_html", "meta_description", "language"};
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(root, strs[i]);
		if (v && !json_is_null(v) && !json_is_string(v)) {
			fail(a, err, errlen, "'%s' must be a string", name, strs[i]);
			goto done;
		}
	}
	json_t *md = json_object_get(root, "meta_description");
	if (json_is_string(md))
		a->meta_description = norm(ar, json_string_value(md));
	json_t *lang = json_object_get(root, "language");
	if (json_is_string(lang))
		a->language = norm(ar, json_string_value(lang));
	if (parse_url(a, root, name, err, errlen) ||
	    parse_keywords(a, json_object_get(root, "keywords"), name, err, errlen) ||
	    parse_images(a, json_object_get(root, "images"), name, err, errlen))
		goto done;
	json_t *html = json_object_get(root, "content_html");
	int first_html_img = a->nimages;
	if (json_is_string(html) && article_parse_html(a, json_string_value(html),
							 json_string_length(html)) < 0) {
		fail(a, err, errlen, "could not parse 'content_html'%s", name, "");
		goto done;
	}
	resolve_images(a, base_dir, first_html_img);
	/* The prose text, one block per line. */
	tbuf all = {0};
	for (int i = 0; i < a->nblocks; i++) {
		if (a->blocks[i].kind == ART_CODE)
			continue;
		for (const char *p = a->blocks[i].text; *p; p++)
			tb_putc(&all, *p);
		tb_putc(&all, '\n');
	}
	a->text = tb_take(ar, &all);
	ret = a;
done:
	return ret;
}

/* The path of the first string in j (a key or a value) that holds a NUL, into out
 * ("content_html", "images[2].alt"); 1 when found. */
static int nul_path(json_t *j, char *out, size_t n, int depth)
{
	if (depth > 64)
		return 0;
	if (json_is_string(j))
		return strlen(json_string_value(j)) != json_string_length(j);
	size_t len = strlen(out);
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v) {
			snprintf(out + len, n - len, "%s%s", len ? "." : "", k);
			if (nul_path(v, out, n, depth + 1))
				return 1;
		}
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			snprintf(out + len, n - len, "[%zu]", i);
			if (nul_path(v, out, n, depth + 1))
				return 1;
		}
	}
	out[len] = 0;
	return 0;
}

/* A string with \u0000: jansson names its flag (JSON_ALLOW_NUL); the user is told where and
 * what instead. */
static void nul_error(const char *json, size_t len, const char *name, const json_error_t *je, char *err,
		      size_t errlen)
{
	char path[256] = "";
	json_t *j = json_loadb(json, len, JSON_ALLOW_NUL, NULL);
	int found = j && nul_path(j, path, sizeof path, 0);
	json_decref(j);
	char where[300] = "";
	if (found && *path)
		snprintf(where, sizeof where, "'%s' ", path);
	snprintf(err, errlen,
		 "%s:%d:%d: the string %sholds a NUL character (\\u0000), which a content record cannot "
		 "carry: remove it",
		 name, je->line, je->column, where);
}

article_t *article_parse(const char *json, size_t len, const char *name, const char *base_dir,
			 char *err, size_t errlen)
{
	/* Windows editors and some exporters start the file with a byte order mark: RFC 8259
	 * lets a reader ignore a UTF-8 one. UTF-16 is refused by name, not as a bad byte. */
	if (len >= 3 && !memcmp(json, "\xEF\xBB\xBF", 3)) {
		json += 3;
		len -= 3;
	}
	if (len >= 2 && (!memcmp(json, "\xFF\xFE", 2) || !memcmp(json, "\xFE\xFF", 2))) {
		snprintf(err, errlen, "%s: the file is UTF-16; a content record is UTF-8 JSON (save it as UTF-8)",
			 name);
		return NULL;
	}
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je);
	if (!root) {
		if (json_error_code(&je) == json_error_null_character)
			nul_error(json, len, name, &je, err, errlen);
		else
			snprintf(err, errlen, "%s:%d:%d: malformed JSON: %s", name, je.line, je.column, je.text);
		return NULL;
	}
	arena_t *ar = arena_new();
	if (!ar) {
		json_decref(root);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	jmp_buf jb;
	if (setjmp(jb)) {
		/* An allocation failed somewhere in the walk: nothing half-built is returned. (A
		 * libxml document being walked at that moment is not freed.) */
		arena_free(ar);
		json_decref(root);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	arena_on_oom(ar, &jb);
	article_t *a = parse_record(root, ar, name, base_dir, err, errlen);
	if (a) /* on a refusal, fail() has freed the arena */
		arena_on_oom(ar, NULL);
	json_decref(root);
	return a;
}

article_t *article_load(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	if (file_read_msg(path, ARTICLE_MAX_BYTES, &buf, &n, NULL, err, errlen))
		return NULL;
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof dir, ".");
	if (slash == path)
		snprintf(dir, sizeof dir, "/");
	article_t *a = article_parse(buf, n, path, dir, err, errlen);
	free(buf);
	return a;
}

/* ---- sentences and words ---- */

static int is_abbrev(const char *text, size_t end)
{
	/* end indexes the '.'; look at the word before it. */
	size_t s = end;
	while (s > 0 && text[s - 1] != ' ' && text[s - 1] != '(' && text[s - 1] != '"')
		s--;
	size_t n = end - s;
	if (n == 0)
		return 0;
	if (n == 1 && ((text[s] >= 'A' && text[s] <= 'Z') || (text[s] >= 'a' && text[s] <= 'z')))
		return 1; /* an initial: "J. Smith", "e.g." middle */
	static const char *const ab[] = {"e.g", "i.e", "etc", "vs", "Dr", "Mr", "Mrs", "Ms", "Prof",
					 "St", "Jr", "Sr", "approx", "No", "Fig", "fig", "cf", "al",
					 "Inc", "Ltd", "Co", "z.B", "bzw", "ca", "Nr", "usw", "d.h",
					 "p.ej", "Sra", "Sr", "Dra", "aprox", "min", "max", NULL};
	for (int i = 0; ab[i]; i++)
		if (strlen(ab[i]) == n && !strncmp(text + s, ab[i], n))
			return 1;
	return 0;
}

static int utf8_at(const char *s, const char *lit)
{
	return !strncmp(s, lit, strlen(lit));
}

/* Passes text[s, e) to fn without its surrounding spaces and newlines, unless nothing is left. */
static void emit_trimmed(const char *text, size_t s, size_t e, art_sentence_fn fn, void *ud)
{
	while (s < e && (text[s] == ' ' || text[s] == '\n'))
		s++;
	while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\n'))
		e--;
	if (e > s)
		fn(text + s, e - s, ud);
}

void article_sentences(const char *text, art_sentence_fn fn, void *ud)
{
	size_t n = strlen(text), start = 0;
	size_t i = 0;
	while (i < n) {
		size_t cut = 0; /* end (exclusive) of a sentence found at i */
		unsigned char c = (unsigned char)text[i];
		size_t adv = 1;
		if (utf8_at(text + i, "。") || utf8_at(text + i, "！") || utf8_at(text + i, "？") ||
		    utf8_at(text + i, "．")) {
			size_t j = i + 3;
			/* closing brackets and quotes stay with the sentence */
			while (utf8_at(text + j, "」") || utf8_at(text + j, "』") ||
			       utf8_at(text + j, "）") || utf8_at(text + j, "”"))
				j += 3;
			cut = j;
			adv = j - i;
		} else if (c == '.' || c == '!' || c == '?' || utf8_at(text + i, "…")) {
			size_t j = i + (c < 0x80 ? 1 : 3);
			while (j < n && (text[j] == '.' || text[j] == '!' || text[j] == '?'))
				j++;
			while (j < n && (text[j] == '"' || text[j] == '\'' || text[j] == ')' ||
					 utf8_at(text + j, "”") || utf8_at(text + j, "’") ||
					 utf8_at(text + j, "»")))
				j += ((unsigned char)text[j] < 0x80) ? 1 : ((unsigned char)text[j] >= 0xE0 ? 3 : 2);
			adv = j - i;
			if (j >= n) {
				cut = n;
			} else if (text[j] == ' ' || text[j] == '\n') {
				size_t k = j;
				while (k < n && (text[k] == ' ' || text[k] == '\n'))
					k++;
				unsigned char nx = (unsigned char)text[k];
				int starts = (nx >= 'A' && nx <= 'Z') || (nx >= '0' && nx <= '9') ||
					     nx == '"' || nx == '\'' || nx == '(' || nx >= 0x80;
				if (c == '.' && i + 1 == j && is_abbrev(text, i))
					starts = 0;
				if (starts)
					cut = j;
			}
		}
		if (cut) {
			emit_trimmed(text, start, cut, fn, ud);
			start = cut;
			i = cut;
			continue;
		}
		i += adv;
	}
	if (start < n)
		emit_trimmed(text, start, n, fn, ud);
}

static int is_cjk(unsigned cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

double article_words(const char *s, size_t len)
{
	double w = 0;
	int inword = 0;
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end && *p) {
		uint32_t cp;
		int l = utf8_decode((const char *)p, (size_t)(end - p), &cp);
		if (!l) /* a bad byte counts as U+FFFD */
			l = 1;
		if (is_cjk(cp)) {
			w += 0.6;
			inword = 0;
		} else if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
			   (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 &&
							  !(cp >= 0x2000 && cp <= 0x2BFF) &&
							  !(cp >= 0x3000 && cp <= 0x303F) &&
							  !(cp >= 0xFF00 && cp <= 0xFF0F))) {
			if (!inword)
				w += 1;
			inword = 1;
		} else if (cp == '\'' || cp == 0x2019 || cp == '-') {
			/* don't, well-known: one word */
		} else {
			inword = 0;
		}
		p += l;
	}
	return w;
}
