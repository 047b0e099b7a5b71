/*
 * pipeline_article.c - the content record and its HTML (pipeline/article.h): entities decoded,
 * scripts/styles/nav/hidden content dropped, nested lists, table rows, code kept apart, figure
 * captions joined to their image, relative image paths resolved against the JSON's folder,
 * sentence splitting (abbreviations, decimals, Spanish ¿¡, CJK 。！？), word counts, and the
 * errors for malformed records. Also the JSON Schema subset validator's paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../pipeline/article.h"
#include "../../pipeline/jsonschema.h"


static article_t *parse(const char *json, char *err, size_t n)
{
	return article_parse(json, strlen(json), "t.json", "base", err, n);
}

/* A record whose content_html is html (a C string with no quotes needing escape beyond \"). */
static article_t *html_article(const char *html)
{
	char err[512];
	size_t n = strlen(html) * 2 + 128;
	char *json = malloc(n);
	size_t o = (size_t)snprintf(json, n, "{\"title\": \"T\", \"content_html\": \"");
	for (const char *p = html; *p; p++) {
		if (*p == '"' || *p == '\\')
			json[o++] = '\\';
		if (*p == '\n' || *p == '\t') {
			json[o++] = '\\';
			json[o++] = *p == '\n' ? 'n' : 't';
			continue;
		}
		json[o++] = *p;
	}
	snprintf(json + o, n - o, "\"}");
	article_t *a = parse(json, err, sizeof err);
	CHECK(a != NULL, "%s", err);
	free(json);
	return a;
}

static const art_block *find(const article_t *a, art_kind k, int nth)
{
	for (int i = 0; i < a->nblocks; i++)
		if (a->blocks[i].kind == k && nth-- == 0)
			return &a->blocks[i];
	return NULL;
}

static void test_entities_and_junk(void)
{
	article_t *a = html_article(
		"<html><head><style>p{color:red}</style><script>var x = 'JUNK1';</script></head><body>"
		"<nav>Home JUNK2</nav><p>Caf&eacute; &amp; cr&egrave;me &mdash; 2&nbsp;cm &#8220;ok&#8221; &lt;b&gt;</p>"
		"<script>document.write('JUNK3')</script><noscript>JUNK4</noscript><aside>JUNK5</aside>"
		"<iframe src=x>JUNK6</iframe><svg><text>JUNK7</text></svg>"
		"<div hidden>JUNK8</div><p style=\"display: none\">JUNK9</p><span aria-hidden=\"true\">JUNK10</span>"
		"<!-- JUNK11 --><p>Visible   text\n\t spread   over lines.</p>"
		"<header><h2>Kept heading</h2><p class=\"post-byline\">By JUNK12</p></header>"
		"<div class=\"share-bar\">JUNK13</div><div id=\"ad\">JUNK14</div><p class=\"shadow\">Kept shadow.</p>"
		"<footer>JUNK15</footer></body></html>");
	if (!a)
		return;
	CHECK(!strstr(a->text, "JUNK"), "junk leaked: %s", a->text);
	const art_block *p = find(a, ART_PARA, 0);
	CHECK(p && !strcmp(p->text, "Café & crème — 2 cm “ok” <b>"), "entities: '%s'", p ? p->text : "");
	p = find(a, ART_PARA, 1);
	CHECK(p && !strcmp(p->text, "Visible text spread over lines."), "whitespace: '%s'", p ? p->text : "");
	CHECK(find(a, ART_HEADING, 0) && !strcmp(find(a, ART_HEADING, 0)->text, "Kept heading"), "header heading");
	CHECK(strstr(a->text, "Kept shadow."), "class 'shadow' is not an ad: %s", a->text);
	article_free(a);
}

static void test_structure(void)
{
	article_t *a = html_article(
		"<div><div><h2>Steps <em>that</em> matter</h2>"
		"<ul><li>One <b>bold</b> item<ul><li>Nested A</li><li>Nested B</li></ul></li><li>Two</li></ul>"
		"<table><caption>Prices</caption><thead><tr><th>Item</th><th>Price</th></tr></thead>"
		"<tbody><tr><td>Beans</td><td>12 &euro;</td></tr><tr><td><p>Milk</p></td><td>1 €</td></tr></tbody></table>"
		"<pre><code>int main(void)\n{\n    return 0;\n}\n</code></pre>"
		"<p>Inline <code>code</code> stays in prose.</p>"
		"<figure><img src=\"pics/a.jpg\" alt=\"An A\"><figcaption>The A caption.</figcaption></figure>"
		"<h3>Unclosed<p>First para<p>Second para</div></div>");
	if (!a)
		return;
	const art_block *h = find(a, ART_HEADING, 0);
	CHECK(h && h->level == 2 && !strcmp(h->text, "Steps that matter"), "heading '%s'", h ? h->text : "");
	const char *items[] = {"One bold item", "Nested A", "Nested B", "Two"};
	int levels[] = {1, 2, 2, 1};
	for (int i = 0; i < 4; i++) {
		const art_block *b = find(a, ART_ITEM, i);
		CHECK(b && !strcmp(b->text, items[i]) && b->level == levels[i], "item %d: '%s' level %d", i,
		      b ? b->text : "", b ? b->level : -1);
	}
	const art_block *r = find(a, ART_ROW, 0);
	CHECK(r && !strcmp(r->text, "Item; Price"), "row 0 '%s'", r ? r->text : "");
	r = find(a, ART_ROW, 1);
	CHECK(r && !strcmp(r->text, "Beans; 12 €"), "row 1 '%s'", r ? r->text : "");
	r = find(a, ART_ROW, 2);
	CHECK(r && !strcmp(r->text, "Milk; 1 €"), "row 2 '%s'", r ? r->text : "");
	const art_block *c = find(a, ART_CAPTION, 0);
	CHECK(c && !strcmp(c->text, "Prices"), "table caption '%s'", c ? c->text : "");
	const art_block *code = find(a, ART_CODE, 0);
	CHECK(code && !strcmp(code->text, "int main(void)\n{\n    return 0;\n}"), "code '%s'",
	      code ? code->text : "");
	CHECK(!strstr(a->text, "return 0"), "code must not be in the prose text");
	const art_block *p = find(a, ART_PARA, 0);
	CHECK(p && !strcmp(p->text, "Inline code stays in prose."), "inline code '%s'", p ? p->text : "");
	CHECK(a->nimages == 1 && !strcmp(a->images[0].path, "base/pics/a.jpg") &&
		      !strcmp(a->images[0].alt, "An A") && !strcmp(a->images[0].caption, "The A caption."),
	      "figure image: %d %s", a->nimages, a->nimages ? a->images[0].path : "");
	h = find(a, ART_HEADING, 1);
	CHECK(h && h->level == 3 && !strcmp(h->text, "Unclosed"), "unclosed h3 '%s'", h ? h->text : "");
	CHECK(find(a, ART_PARA, 1) && !strcmp(find(a, ART_PARA, 1)->text, "First para"), "unclosed p");
	CHECK(find(a, ART_PARA, 2) && !strcmp(find(a, ART_PARA, 2)->text, "Second para"), "unclosed p 2");
	article_free(a);
}

typedef struct {
	char s[16][256];
	int n;
} sents;

static void on_s(const char *s, size_t len, void *ud)
{
	sents *ss = ud;
	if (ss->n < 16)
		snprintf(ss->s[ss->n++], 256, "%.*s", (int)len, s);
}

static void split_is(const char *text, int n, const char *const *want)
{
	sents ss = {0};
	article_sentences(text, on_s, &ss);
	CHECK(ss.n == n, "'%s': %d sentences, expected %d (first '%s')", text, ss.n, n, ss.s[0]);
	for (int i = 0; i < n && i < ss.n; i++)
		CHECK(!strcmp(ss.s[i], want[i]), "sentence %d: '%s', expected '%s'", i, ss.s[i], want[i]);
}

static void test_sentences(void)
{
	split_is("Brew it for 12.5 hours. Then strain it! Done? Yes.", 4,
		 (const char *const[]){"Brew it for 12.5 hours.", "Then strain it!", "Done?", "Yes."});
	split_is("Use e.g. a jar, i.e. glass. Dr. Smith agrees (mostly). Next one", 3,
		 (const char *const[]){"Use e.g. a jar, i.e. glass.", "Dr. Smith agrees (mostly).", "Next one"});
	split_is("He said \"stop.\" Then left... and came back. End", 3,
		 (const char *const[]){"He said \"stop.\"", "Then left... and came back.", "End"});
	split_is("¿Por qué importa? ¡Mucho! La masa fermenta despacio.", 3,
		 (const char *const[]){"¿Por qué importa?", "¡Mucho!", "La masa fermenta despacio."});
	split_is("朝の光を浴びます。体内時計が整います！本当ですか？「はい。」以上", 5,
		 (const char *const[]){"朝の光を浴びます。", "体内時計が整います！", "本当ですか？", "「はい。」", "以上"});
	split_is("今天天气很好。我们去散步吧！", 2, (const char *const[]){"今天天气很好。", "我们去散步吧！"});
	split_is("Zum Beispiel z.B. dies. Und das.", 2,
		 (const char *const[]){"Zum Beispiel z.B. dies.", "Und das."});
	double w = article_words("Don't stop: 12 well-known words", 31);
	CHECK(w == 5, "english words %g", w);
	w = article_words("朝の光", strlen("朝の光"));
	CHECK(w > 1.7 && w < 1.9, "cjk words %g", w);
}

static void test_record(void)
{
	char err[512];
	article_t *a = parse("{\"title\": \"  A   title \", \"meta_description\": \"M\", \"keywords\": [\"k1\", \"k2\"],"
			     " \"language\": \"es-ES\", \"images\": [\"x.jpg\", {\"src\": \"https://e.com/y.png\", \"alt\": \"Y\"},"
			     " {\"src\": \"/abs/z.jpg\", \"caption\": \"Z\"}], \"content_html\": \"<p>Hi.</p>\"}",
			     err, sizeof err);
	CHECK(a != NULL, "%s", err);
	if (a) {
		CHECK(!strcmp(a->title, "A title"), "title '%s'", a->title);
		CHECK(a->nkeywords == 2 && !strcmp(a->keywords[1], "k2"), "keywords");
		CHECK(!strcmp(a->language, "es-ES"), "language");
		CHECK(a->nimages == 3, "images %d", a->nimages);
		CHECK(a->nimages == 3 && !strcmp(a->images[0].path, "base/x.jpg"), "relative image");
		CHECK(a->nimages == 3 && !strcmp(a->images[1].path, "https://e.com/y.png"), "URL image");
		CHECK(a->nimages == 3 && !strcmp(a->images[2].path, "/abs/z.jpg") &&
			      !strcmp(a->images[2].caption, "Z"), "absolute image");
		CHECK(!strcmp(a->text, "Hi.\n"), "text '%s'", a->text);
		article_free(a);
	}
	a = parse("{\"title\": \"Tips &amp; <em>Tricks</em> &#8211; 2024\", \"meta_description\": \"A&lt;B\"}", err, sizeof err);
	CHECK(a && !strcmp(a->title, "Tips & Tricks – 2024") && !strcmp(a->meta_description, "A<B"),
	      "entities in plain fields: '%s' '%s'", a ? a->title : err, a ? a->meta_description : "");
	article_free(a);
	a = parse("{\"title\": \"AT&T rocks\"}", err, sizeof err);
	CHECK(a && !strcmp(a->title, "AT&T rocks"), "bare ampersand: '%s'", a ? a->title : err);
	article_free(a);
	static const struct {
		const char *json, *want;
	} bad[] = {
		{"{\"title\": \"x\",\n \"keywords\": [1 2]}", "t.json:2:"},
		{"[1]", "must be a JSON object"},
		{"{\"content_html\": \"<p>x</p>\"}", "missing 'title'"},
		{"{\"title\": \"   \"}", "'title' is empty"},
		{"{\"title\": 5}", "'title' must be a string"},
		{"{\"title\": \"x\", \"keywords\": [\"a\", 3]}", "'keywords[1]' must be a string"},
		{"{\"title\": \"x\", \"keywords\": 3}", "'keywords' must be a list of strings"},
		{"{\"title\": \"x\", \"images\": [{\"alt\": \"no src\"}]}", "'images[0].src' must be a string"},
		{"{\"title\": \"x\", \"images\": {}}", "'images' must be a list"},
		{"{\"title\": \"x\", \"content_html\": 7}", "'content_html' must be a string"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		a = parse(bad[i].json, err, sizeof err);
		CHECK(!a && strstr(err, bad[i].want), "case %zu: got '%s', expected '%s'", i, a ? "(ok)" : err, bad[i].want);
		article_free(a);
	}
}

/* <br><br> is a paragraph break (CMS bodies without <p>): two paragraphs, not one sentence. */
static void test_br_paragraphs(void)
{
	article_t *a = html_article("<div>First paragraph ends here<br><br>Second one starts<br/>\n<br/>"
				    "Third one<br>&nbsp;<br>Fourth one<br>still the fourth</div>");
	if (!a)
		return;
	CHECK(a->nblocks == 4, "%d blocks: %s", a->nblocks, a->text);
	CHECK(a->nblocks == 4 && !strcmp(a->blocks[0].text, "First paragraph ends here") &&
		      !strcmp(a->blocks[1].text, "Second one starts") && !strcmp(a->blocks[2].text, "Third one") &&
		      !strcmp(a->blocks[3].text, "Fourth one still the fourth"),
	      "paragraphs: %s", a->text);
	article_free(a);
}

/* A recipe's card data and a blog platform's controls are not narration: by structure (JSON-LD
 * ingredients, the "Ingredients" heading's list, recipe plugins' classes) and by shape (a label
 * and a value, a bare quantity, "6 min read", "Follow"). The prose around them stays. */
static void test_furniture(void)
{
	article_t *a = html_article(
		"<script type=\"application/ld+json\">{\"@graph\": [{\"@type\": \"Recipe\", \"recipeIngredient\": "
		"[\"2 ripe pears\", \"a pinch of salt\"]}]}</script>"
		"<div><a href=\"/@jane\">Jane Doe</a> <span>Follow</span></div><div>6 min read · Mar 3, 2024</div>"
		"<div><span>Listen</span> <span>Share</span></div><p>Written by Jane Doe</p>"
		"<p>These pears are poached in red wine until they turn deep purple.</p>"
		"<div class=\"tasty-recipes-details\"><p>Prep Time 10 mins Cook Time 55 mins</p><p>Servings: 4</p>"
		"<p>Yield: 1 loaf</p><p>Calories: 245kcal | Carbohydrates: 38g</p></div>"
		"<ul class=\"wprm-recipe-ingredients\"><li>JUNK1 3 cups water</li></ul>"
		"<h3>Ingredients</h3><ul><li>Pears, peeled</li><li>Red wine</li></ul>"
		"<h3>Method</h3><ul><li>2 ripe pears, halved</li><li>a pinch of salt</li></ul>"
		"<ul><li>1 egg</li><li>3 ripe bananas mashed</li><li>1 tsp baking soda</li><li>½ cup sugar</li></ul>"
		"<p>1½ cups flour</p><p>Sugar: it hides under sixty names.</p>"
		"<ul><li>Drink a glass of water when you wake up.</li><li>Walk 15 minutes outside.</li>"
		"<li>Read 10 pages before bed.</li></ul>"
		"<p>Serve them warm with a spoon of the syrup.</p>"
		"<figure><img src='p.jpg'><figcaption>Photo by Someone on Unsplash</figcaption></figure>"
		"<blockquote class=\"pullquote\"><p>Poached pears JUNK2 are easy.</p></blockquote>"
		"<div class=\"vote-count\"><p>2.1K</p></div>"
		"<div><p>Written by Jane Doe</p><p>Food writer. JUNK3 Coffee person.</p></div>");
	if (!a)
		return;
	static const char *const gone[] = {"Follow", "min read", "Listen", "Share", "Written by", "Prep Time",
					   "Servings", "Yield", "Calories", "JUNK1", "Pears, peeled", "Red wine",
					   "ripe pears,", "pinch", "1 egg", "bananas", "baking soda", "½ cup",
					   "flour", "Photo by", "JUNK2", "2.1K", "JUNK3", NULL};
	for (int i = 0; gone[i]; i++)
		CHECK(!strstr(a->text, gone[i]), "'%s' kept: %s", gone[i], a->text);
	static const char *const kept[] = {"These pears are poached", "Sugar: it hides", "Drink a glass",
					   "Walk 15 minutes outside.", "Read 10 pages", "Serve them warm", NULL};
	for (int i = 0; kept[i]; i++)
		CHECK(strstr(a->text, kept[i]) != NULL, "'%s' dropped: %s", kept[i], a->text);
	article_free(a);
}

/* Inline code is noted per block, as it appears in the text. */
static void test_inline_code(void)
{
	article_t *a = html_article("<p>Call <code>fopen()</code> with <code>\"rb\"</code> to read bytes.</p>"
				    "<p>No code here.</p><pre><code>int x;</code></pre>");
	if (!a)
		return;
	const art_block *p = find(a, ART_PARA, 0);
	CHECK(p && p->ncode == 2 && !strcmp(p->code[0], "fopen()") && !strcmp(p->code[1], "\"rb\"") &&
		      strstr(p->text, p->code[1]),
	      "inline code: %d", p ? p->ncode : -1);
	p = find(a, ART_PARA, 1);
	CHECK(p && p->ncode == 0, "plain paragraph has code");
	article_free(a);
}

/* Image references on the article's site resolve against its url (RFC 3986); without one a
 * root-relative one is dropped with a warning naming it (no doubled slash). */
static void test_base_url(void)
{
	char err[512];
	article_t *a = parse("{\"title\": \"T\", \"url\": \"http://blog.example.com/travel/lisbon/\", \"images\": "
			     "[\"//cdn.example.com/r.jpg\", \"local.jpg\"], \"content_html\": \"<p>Hi.</p>"
			     "<img src='/wp-content/uploads/a.jpg'><img src='//cdn.example.com/b.jpg'>"
			     "<img src='/x/../c.jpg?w=1'><img src='d.jpg'>\"}",
			     err, sizeof err);
	CHECK(a != NULL, "%s", err);
	if (a) {
		static const char *const want[] = {"http://cdn.example.com/r.jpg", "base/local.jpg",
						   "http://blog.example.com/wp-content/uploads/a.jpg",
						   "http://cdn.example.com/b.jpg", "http://blog.example.com/c.jpg?w=1",
						   "base/d.jpg"};
		CHECK(a->nimages == 6, "%d images", a->nimages);
		for (int i = 0; i < 6 && i < a->nimages; i++)
			CHECK(!strcmp(a->images[i].path, want[i]), "image %d: %s, expected %s", i, a->images[i].path,
			      want[i]);
		CHECK(a->nwarnings == 0, "warning: %s", a->nwarnings ? a->warnings[0] : "");
		article_free(a);
	}
	/* <base href> in the page, relative to the record's url; <link rel=canonical> without one */
	a = parse("{\"title\": \"T\", \"link\": \"https://e.com/a/b\", \"content_html\": "
		  "\"<head><base href='/static/'></head><p>Hi.</p><img src='/i/x.png'><img src='//c.e.com/y.png'>\"}",
		  err, sizeof err);
	CHECK(a && !strcmp(a->url, "https://e.com/static/") && a->nimages == 2 &&
		      !strcmp(a->images[0].path, "https://e.com/i/x.png") &&
		      !strcmp(a->images[1].path, "https://c.e.com/y.png"),
	      "base href: %s", a ? a->url : err);
	article_free(a);
	a = parse("{\"title\": \"T\", \"content_html\": \"<link rel='canonical' href='https://site.org/p/1'>"
		  "<p>Hi.</p><img src='/up/x.png'>\"}",
		  err, sizeof err);
	CHECK(a && a->nimages == 1 && !strcmp(a->images[0].path, "https://site.org/up/x.png"), "canonical: %s",
	      a && a->nimages ? a->images[0].path : err);
	article_free(a);
	/* no address: the image is named, and why */
	a = parse("{\"title\": \"T\", \"content_html\": \"<p>Hi.</p><img src='/wp-content/uploads/a.jpg'>"
		  "<img src='//cdn.example.com/b.jpg'>\"}",
		  err, sizeof err);
	CHECK(a && a->nimages == 1 && !strcmp(a->images[0].path, "https://cdn.example.com/b.jpg"), "no url: %d",
	      a ? a->nimages : -1);
	CHECK(a && a->nwarnings == 1 && strstr(a->warnings[0], "'/wp-content/uploads/a.jpg'") &&
		      strstr(a->warnings[0], "no 'url'") && !strstr(a->warnings[0], "//"),
	      "warning: %s", a && a->nwarnings ? a->warnings[0] : "(none)");
	article_free(a);
	a = parse("{\"title\": \"T\", \"images\": [\"javascript:alert(1)\", \"C:pics/x.jpg\"]}", err, sizeof err);
	CHECK(a && a->nimages == 1 && a->nwarnings == 1 && strstr(a->warnings[0], "'javascript:alert(1)' is a javascript: address"),
	      "javascript: image: %s", a && a->nwarnings ? a->warnings[0] : "(no warning)");
	article_free(a);
	a = parse("{\"title\": \"T\", \"url\": \"/travel/lisbon\"}", err, sizeof err);
	CHECK(!a && strstr(err, "t.json: 'url' must be an absolute http or https URL"), "%s", a ? "(ok)" : err);
	article_free(a);
	a = parse("{\"title\": \"T\", \"url\": 3}", err, sizeof err);
	CHECK(!a && strstr(err, "'url' must be a string"), "%s", a ? "(ok)" : err);
	article_free(a);
}

/* A NUL in a string: where and what, not jansson's flag name. */
static void test_nul(void)
{
	char err[512];
	article_t *a = parse("{\"title\": \"T\",\n \"images\": [{\"src\": \"a.jpg\", \"alt\": \"x\\u0000y\"}]}", err,
			     sizeof err);
	CHECK(!a && strstr(err, "t.json:2:") && strstr(err, "'images[0].alt'") && strstr(err, "NUL") &&
		      !strstr(err, "JSON_ALLOW_NUL"),
	      "%s", a ? "(ok)" : err);
	article_free(a);
}

static void test_schema(void)
{
	json_t *schema = json_loads(
		"{\"type\":\"object\",\"required\":[\"points\"],\"additionalProperties\":false,"
		"\"properties\":{\"points\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"$ref\":\"#/$defs/p\"}},"
		"\"kind\":{\"enum\":[\"a\",\"b\"]}},"
		"\"$defs\":{\"p\":{\"type\":\"object\",\"required\":[\"d\"],\"properties\":{\"d\":{\"type\":\"number\",\"minimum\":0},"
		"\"t\":{\"type\":\"string\",\"maxLength\":3}}}}}", 0, NULL);
	CHECK(schema != NULL, "schema parses");
	static const struct {
		const char *inst, *want;
	} cases[] = {
		{"{\"points\":[{\"d\":1},{\"d\":2,\"t\":\"äöü\"}]}", NULL},
		{"{\"points\":[{\"d\":1},{\"d\":\"x\"}]}", "$.points[1].d: expected a number, found a string"},
		{"{\"points\":[{\"d\":-1}]}", "$.points[0].d: must be at least 0"},
		{"{\"points\":[{\"d\":1,\"t\":\"long\"}]}", "$.points[0].t: must have at most 3 characters (it has 4)"},
		{"{\"points\":[]}", "$.points: needs at least 1 item (it has 0)"},
		{"{}", "$: missing required property 'points'"},
		{"{\"points\":[{\"d\":1}],\"extra\":1}", "$: unknown property 'extra'"},
		{"{\"points\":[{\"d\":1}],\"kind\":\"c\"}", "$.kind: must be one of [\"a\",\"b\"]"},
		{"[]", "$: expected an object, found an array"},
	};
	for (size_t i = 0; schema && i < sizeof cases / sizeof *cases; i++) {
		char err[512];
		json_t *v = json_loads(cases[i].inst, 0, NULL);
		int rc = jschema_validate(schema, v, err, sizeof err);
		if (!cases[i].want)
			CHECK(rc == 0, "case %zu should pass: %s", i, err);
		else
			CHECK(rc < 0 && strstr(err, cases[i].want), "case %zu: '%s', expected '%s'", i, rc < 0 ? err : "(valid)", cases[i].want);
		json_decref(v);
	}
	json_decref(schema);
}

int main(void)
{
	test_entities_and_junk();
	test_structure();
	test_sentences();
	test_record();
	test_br_paragraphs();
	test_furniture();
	test_inline_code();
	test_base_url();
	test_nul();
	test_schema();
	return check_done();
}
