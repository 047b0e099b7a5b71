/*
 * script_extract.c - the embedded script generator (no network): an extractive summary. Every
 * prose sentence is scored (keyword and title overlap, the section heading's words, numbers,
 * position, length); the points are the best sentence of each section, then the best remaining
 * ones, until the speaking time reaches the type's target; then extended with neighbouring
 * sentences when the script is still too short. Point texts are always contiguous ranges of one
 * block of the article (never rewritten), so a reader can find every sentence in the source.
 * Hook, overlays, visual cues, CTA and chapter titles are picked by small rules below.
 */
#include "overlay.h"
#include "script.h"
#include "terms.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/utf8.h"

typedef struct {
	const char *p; /* inside the block's text */
	size_t len;
	int block, section, index; /* index: the sentence's place in its block */
	double words, secs, score;
	int used;
	int repeat; /* a copy mark_repeats took out */
	int code;   /* holds inline code a voice would read as symbols (spoken_code) */
} sent_t;

typedef struct {
	sent_t *v;
	int n, cap;
	int block, section;
	const article_t *a;
	double wpm;
	/* spoken_code's place in the current block's inline code spans */
	int cblock, ci;	 /* the block, the next span */
	long coff;	 /* where span ci starts in the block's text, -1 not yet looked for */
	size_t cpos;	 /* where to look for the next span */
} sents_t;

/* Whether an inline code span reads as a word: letters, digits, '_' and '-' only
 * ("tracemalloc", "git", "max_len"); "fopen()", "\"rb\"", "a.b(c)" would be read out symbol by
 * symbol. */
static int code_is_word(const char *c)
{
	for (const unsigned char *p = (const unsigned char *)c; *p; p++)
		if (!(isalnum(*p) || *p == '_' || *p == '-' || *p == ' ' || *p >= 0x80))
			return 0;
	return 1;
}

/* Whether the sentence s[0..len) of block b holds one of its inline code spans
 * (art_block.code) that is not a plain word. The spans are in text order, as the sentences
 * come: each is looked for once, from where the one before it ended (linear in the block). */
static int spoken_code(sents_t *ss, const art_block *b, const char *s, size_t len)
{
	if (ss->cblock != ss->block) {
		ss->cblock = ss->block;
		ss->ci = 0;
		ss->coff = -1;
		ss->cpos = 0;
	}
	size_t so = (size_t)(s - b->text), eo = so + len;
	int hit = 0;
	while (ss->ci < b->ncode) {
		const char *c = b->code[ss->ci];
		size_t n = strlen(c);
		if (ss->coff < 0) {
			const char *p = n ? strstr(b->text + ss->cpos, c) : NULL;
			if (!p) { /* not in the text as written (an entity the cleaning decoded) */
				ss->ci++;
				continue;
			}
			ss->coff = (long)(p - b->text);
		}
		if ((size_t)ss->coff >= eo)
			break; /* in a later sentence */
		if ((size_t)ss->coff + n > so && !code_is_word(c))
			hit = 1;
		ss->cpos = (size_t)ss->coff + n;
		ss->coff = -1;
		ss->ci++;
	}
	return hit;
}

static void on_sentence(const char *s, size_t len, void *ud)
{
	sents_t *ss = ud;
	if (ss->n == ss->cap) {
		int cap = ss->cap ? ss->cap * 2 : 64;
		sent_t *v = realloc(ss->v, sizeof *v * (size_t)cap);
		if (!v)
			return;
		ss->v = v;
		ss->cap = cap;
	}
	sent_t *t = &ss->v[ss->n];
	memset(t, 0, sizeof *t);
	t->p = s;
	t->len = len;
	t->block = ss->block;
	t->section = ss->section;
	/* Counted as the sentences come, not by walking back over the block: a page that is one
	 * 50 MB paragraph has 700,000 sentences in a block, and the walk back took hours. */
	t->index = ss->n > 0 && ss->v[ss->n - 1].block == ss->block ? ss->v[ss->n - 1].index + 1 : 0;
	t->words = article_words(s, len);
	t->secs = t->words * 60.0 / ss->wpm;
	t->code = ss->a->blocks[ss->block].ncode ? spoken_code(ss, &ss->a->blocks[ss->block], s, len) : 0;
	ss->n++;
}

/* ---- language ---- */

/* Scripts that name a language well enough for a guess: an article without a `language` in
 * Hebrew letters is read by the Hebrew voice, not spelt out by the English one. Ranges are
 * Unicode blocks; Han alone is Chinese, Han with kana Japanese (below). */
static const struct {
	uint32_t lo, hi;
	const char *lang;
} SCRIPTS[] = {
	{0x0370, 0x03FF, "el"}, {0x0400, 0x04FF, "ru"}, {0x0590, 0x05FF, "he"},
	{0x0600, 0x06FF, "ar"}, {0x0900, 0x097F, "hi"}, {0x0E00, 0x0E7F, "th"},
	{0xAC00, 0xD7A3, "ko"},
};

/* The language's primary subtag, lower case, into buf (8 bytes): the record's, else a guess
 * from the script of the text: kana: ja, many Han characters: zh, else the script (SCRIPTS)
 * holding more letters than the Latin alphabet, else en. */
static const char *lang_of(const article_t *a, char *buf)
{
	if (*a->language) {
		size_t i = 0;
		while (i < 7 && isalpha((unsigned char)a->language[i])) {
			buf[i] = (char)tolower((unsigned char)a->language[i]);
			i++;
		}
		buf[i] = 0;
		return buf;
	}
	enum { NS = sizeof SCRIPTS / sizeof *SCRIPTS };
	int kana = 0, han = 0, latin = 0, in[NS] = {0};
	size_t n = strlen(a->text);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int l = utf8_decode(a->text + i, n - i, &cp);
		i += l > 0 ? (size_t)l : 1;
		if (cp >= 0x3040 && cp <= 0x30FF)
			kana++;
		else if (cp >= 0x4000 && cp <= 0x9FFF)
			han++;
		else if (cp < 0x250 && isalpha((int)(cp < 0x80 ? cp : 'a')))
			latin++;
		else
			for (int k = 0; k < NS; k++)
				if (cp >= SCRIPTS[k].lo && cp <= SCRIPTS[k].hi)
					in[k]++;
	}
	if (kana > 5)
		return "ja";
	if (han > 20)
		return "zh";
	int best = -1;
	for (int k = 0; k < NS; k++)
		if (in[k] > latin && (best < 0 || in[k] > in[best]))
			best = k;
	return best >= 0 ? SCRIPTS[best].lang : "en";
}

typedef struct {
	const char *lang, *intro, *cta;
} phrase_t;

static const phrase_t PHRASES[] = {
	{"en", "Intro", "Follow for more, and read the full article at the link."},
	{"es", "Introducción", "Síguenos para más y lee el artículo completo en el enlace."},
	{"de", "Einleitung", "Folge uns für mehr und lies den ganzen Artikel über den Link."},
	{"fr", "Introduction", "Abonnez-vous pour en voir plus et lisez l'article complet via le lien."},
	{"pt", "Introdução", "Siga para mais e leia o artigo completo no link."},
	{"it", "Introduzione", "Seguici per altri contenuti e leggi l'articolo completo al link."},
	{"ja", "はじめに", "続きはリンクの記事で。フォローもお願いします。"},
	{"zh", "简介", "关注我们，完整文章请看链接。"},
	{"ar", "مقدمة", "تابعونا للمزيد، واقرأوا المقال كاملاً عبر الرابط."},
	{"he", "פתיחה", "עקבו אחרינו לעוד, וקראו את הכתבה המלאה בקישור."},
	{"ru", "Введение", "Подписывайтесь и читайте полную статью по ссылке."},
};

static const phrase_t *phrases(const article_t *a)
{
	char buf[8];
	const char *l = lang_of(a, buf);
	for (size_t i = 0; i < sizeof PHRASES / sizeof *PHRASES; i++)
		if (!strcmp(PHRASES[i].lang, l))
			return &PHRASES[i];
	return &PHRASES[0];
}

/* ---- scoring ---- */

static int has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			return 1;
	return 0;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

typedef struct {
	char *w;
	int sent;
} occ_t;

static int occ_cmp(const void *x, const void *y)
{
	const occ_t *a = x, *b = y;
	int c = strcmp(a->w, b->w);
	return c ? c : a->sent - b->sent;
}

/* Centrality (as in SumBasic / centroid summarisers): a sentence whose content words recur in
 * many other sentences states the article's topic. out[i] = sum over its distinct words of
 * (sentences sharing the word), damped for short sentences, scaled so the best is 1. One sort
 * of all word occurrences, so linear-logarithmic in the article's length. */
static void centrality(const sents_t *ss, double *out)
{
	occ_t *occ = NULL;
	size_t n = 0, cap = 0;
	for (int i = 0; i < ss->n; i++) {
		out[i] = 0;
		char *x = strndup(ss->v[i].p, ss->v[i].len);
		terms_t t = {0};
		if (x)
			terms_add(&t, x);
		free(x);
		for (int j = 0; j < t.n; j++) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				occ_t *no = realloc(occ, sizeof *no * nc);
				if (!no) {
					free(t.w[j]);
					continue;
				}
				occ = no;
				cap = nc;
			}
			occ[n].w = t.w[j];
			occ[n++].sent = i;
		}
		free(t.w);
	}
	if (n)
		qsort(occ, n, sizeof *occ, occ_cmp);
	int *cnt = calloc((size_t)ss->n + 1, sizeof *cnt);
	for (size_t r0 = 0; r0 < n && cnt;) {
		size_t r1 = r0, d = 0;
		while (r1 < n && !strcmp(occ[r1].w, occ[r0].w)) {
			if (r1 == r0 || occ[r1].sent != occ[r1 - 1].sent)
				d++;
			r1++;
		}
		for (size_t k = r0; k < r1; k++)
			if (k == r0 || occ[k].sent != occ[k - 1].sent) {
				out[occ[k].sent] += (double)(d - 1);
				cnt[occ[k].sent]++;
			}
		r0 = r1;
	}
	double max = 0;
	for (int i = 0; i < ss->n; i++) {
		out[i] = cnt ? out[i] / (cnt[i] + 4) : 0;
		if (out[i] > max)
			max = out[i];
	}
	for (int i = 0; i < ss->n && max > 0; i++)
		out[i] /= max;
	for (size_t k = 0; k < n; k++)
		free(occ[k].w);
	free(occ);
	free(cnt);
}

static void score(sents_t *ss, const article_t *a, const char **section_heading)
{
	double *cent = calloc((size_t)ss->n + 1, sizeof *cent);
	if (cent)
		centrality(ss, cent);
	terms_t kw = {0}, title = {0};
	for (int i = 0; i < a->nkeywords; i++)
		terms_add(&kw, a->keywords[i]);
	terms_add(&title, a->title);
	for (int i = 0; i < ss->n; i++) {
		sent_t *s = &ss->v[i];
		double sc = 0;
		sc += 1.2 * min_d(terms_hits(&kw, s->p, s->len), 3);
		sc += 0.8 * min_d(terms_hits(&title, s->p, s->len), 3);
		const char *h = section_heading[s->section];
		if (h && *h) {
			terms_t ht = {0};
			terms_add(&ht, h);
			sc += 0.5 * min_d(terms_hits(&ht, s->p, s->len), 2);
			terms_free(&ht);
		}
		if (cent)
			sc += 1.2 * cent[i];
		if (has_digit(s->p, s->len))
			sc += 1.0;
		if (s->index == 0)
			sc += 0.8; /* the topic sentence of its paragraph */
		sc += 0.6 * (1.0 - (double)i / (ss->n > 1 ? ss->n - 1 : 1));
		if (a->blocks[s->block].kind == ART_ITEM)
			sc += 0.4;
		if (a->blocks[s->block].kind == ART_CAPTION)
			sc -= 0.8; /* restates a picture; the prose says more */
		if (s->words >= 8 && s->words <= 28)
			sc += 0.6;
		else if (s->words < 6)
			sc -= 0.8;
		else if (s->words > 40)
			sc -= 0.8;
		char last = s->p[s->len - 1];
		if (last == ':')
			sc -= 1.5; /* introduces a list; says little alone */
		if (last == '?')
			sc -= 0.3;
		/* The voice would read code out symbol by symbol ("open bracket x star star two"):
		 * a sentence that is code never becomes a point; one that names code only when the
		 * article has little else to say. */
		char *text = strndup(s->p, s->len);
		int code = text ? overlay_codeish(text) : 0;
		free(text);
		if (code == OVERLAY_CODE)
			sc -= 20;
		else if (code == OVERLAY_IDENT)
			sc -= 1.5;
		/* Inline code marked up as such (<code>fopen()</code>): said only when the article
		 * has nothing else left (draft_choose, draft_extend skip it; draft_grow takes it
		 * last). */
		if (s->code)
			sc -= 10;
		s->score = sc;
	}
	terms_free(&kw);
	terms_free(&title);
	free(cent);
}

/* ---- overlays and cues ---- */

static int is_connector(const char *w, size_t n)
{
	static const char *const c[] = {"to", "-", "–", "x", "of", "per", "and", "or", "a", "bis",
					"und", "oder", "de", "al", "y", "o", "et", "à", "ou", "e", NULL};
	for (int i = 0; c[i]; i++)
		if (strlen(c[i]) == n && !strncmp(c[i], w, n))
			return 1;
	return 0;
}

/* "12 to 18 hours", "1:8 ratio", "67% less": the first number in text with its unit words. */
static char *number_phrase(const char *text, int caps_ok)
{
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if (has_digit(p, (size_t)(e - p))) {
			const char *end = e;
			int words = 1;
			const char *q = e;
			while (*q == ' ' && words < 4) {
				const char *ws = q + 1, *we = ws;
				while (*we && *we != ' ')
					we++;
				size_t n = (size_t)(we - ws);
				if (!n)
					break;
				if (has_digit(ws, n) || is_connector(ws, n)) {
					end = we;
					q = we;
					words++;
					continue;
				}
				int alpha = 1;
				for (size_t k = 0; k < n; k++)
					if (!(isalpha((unsigned char)ws[k]) || (unsigned char)ws[k] >= 0x80))
						alpha = 0;
				if ((alpha || strchr(".,;:!?)", ws[n - 1])) && n <= 14 && (caps_ok || !isupper((unsigned char)ws[0])))
					end = we;
				break;
			}
			size_t n = (size_t)(end - p);
			while (n > 0 && strchr(".,;:!?)(\"'", p[n - 1]))
				n--;
			const char *st = p;
			while (n > 0 && strchr("(\"'", *st)) {
				st++;
				n--;
			}
			/* A connector or a filler word at the end ("90% of what", "12 to") reads
			 * badly: drop it, word by word. */
			for (;;) {
				size_t ws = n;
				while (ws > 0 && st[ws - 1] != ' ')
					ws--;
				if (ws == 0)
					break;
				size_t wl = n - ws;
				if (!is_connector(st + ws, wl) && !terms_stopword(st + ws, wl) &&
				    !(wl == 4 && !strncasecmp(st + ws, "most", 4)))
					break;
				n = ws;
				while (n > 0 && st[n - 1] == ' ')
					n--;
			}
			/* A lone digit ("0", "3") says nothing on screen without its unit. */
			if (n > 1 && n <= 60)
				return strndup(st, n);
		}
		p = e;
	}
	return NULL;
}

static char *cut_bytes_words(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return strdup(s);
	return strndup(s, script_word_cut(s, utf8_floor(s, max), max / 3));
}

/* ---- the draft ---- */

static int by_score(const void *x, const void *y)
{
	const sent_t *a = *(const sent_t *const *)x, *b = *(const sent_t *const *)y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a < b ? -1 : 1;
}

typedef struct {
	int first, last; /* sentence indices in ss, same block, contiguous */
} span_t;

static int by_pos(const void *x, const void *y)
{
	const span_t *a = x, *b = y;
	return a->first - b->first;
}

/* The draft being made: the article's sentences, its sections' headings, the points chosen
 * (spans of sentences) and their speaking time. */
typedef struct {
	const article_t *a;
	const script_opts *o;
	const phrase_t *ph;
	sents_t ss;
	const char **heading; /* [0..nsections]: heading[0] is the text before the first heading */
	int nsections;
	sent_t **order;       /* the sentences by score */
	span_t *spans;
	int nspans;
	double total;         /* seconds: hook, intro, cta, points and pauses */
	char *hook, *intro;
	double point_cap;     /* the longest a point may run, s */
} draft_t;

static void draft_free(draft_t *d)
{
	free(d->ss.v);
	free(d->heading);
	free(d->order);
	free(d->spans);
	free(d->hook);
	free(d->intro);
}

/* Sentences compared as a listener hears a repeat: byte for byte, but any run of digits
 * equals any other ("after 3 weeks" repeats "after 4 weeks"). */
static int text_cmp(const sent_t *a, const sent_t *b)
{
	size_t i = 0, j = 0;
	while (i < a->len && j < b->len) {
		int da = isdigit((unsigned char)a->p[i]), db = isdigit((unsigned char)b->p[j]);
		if (da && db) {
			while (i < a->len && isdigit((unsigned char)a->p[i]))
				i++;
			while (j < b->len && isdigit((unsigned char)b->p[j]))
				j++;
			continue;
		}
		if (a->p[i] != b->p[j])
			return (unsigned char)a->p[i] - (unsigned char)b->p[j];
		i++;
		j++;
	}
	return (i < a->len) - (j < b->len);
}

/* By text, then by position (the sentences are one array). */
static int repeat_cmp(const void *x, const void *y)
{
	const sent_t *a = *(const sent_t *const *)x, *b = *(const sent_t *const *)y;
	int c = text_cmp(a, b);
	return c ? c : (a > b) - (a < b);
}

/* A sentence the article repeats is said once: a pull quote printed twice keeps its first copy;
 * a line printed three times or more (a listicle's filler under every item, "Read more.") is
 * never a hook or a point. */
static void mark_repeats(sents_t *ss)
{
	sent_t **v = malloc(sizeof *v * (size_t)(ss->n + 1));
	if (!v)
		return; /* repeats stay possible; nothing else depends on this */
	for (int i = 0; i < ss->n; i++)
		v[i] = &ss->v[i];
	qsort(v, (size_t)ss->n, sizeof *v, repeat_cmp);
	for (int g = 0, e; g < ss->n; g = e) {
		for (e = g + 1; e < ss->n && !text_cmp(v[g], v[e]); e++)
			v[e]->used = -1, v[e]->repeat = 1; /* v[g] is the first: ties go by position */
		if (e - g >= 3)
			v[g]->used = -1, v[g]->repeat = 1; /* a template's filler, not a point */
	}
	free(v);
}

/* Every prose sentence, with its section, scored. 0, or -1 with err set. */
static int draft_sentences(draft_t *d, char *err, size_t errlen)
{
	const article_t *a = d->a;
	d->ss.a = a;
	d->ss.wpm = d->o->wpm;
	d->ss.cblock = -1;
	d->nsections = 1;
	for (int i = 0; i < a->nblocks; i++)
		d->nsections += a->blocks[i].kind == ART_HEADING;
	if (!(d->heading = calloc((size_t)d->nsections + 1, sizeof *d->heading))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int section = 0;
	for (int i = 0; i < a->nblocks; i++) {
		const art_block *b = &a->blocks[i];
		if (b->kind == ART_HEADING) {
			/* An h1 repeating the title opens no section. */
			if (!(b->level == 1 && !strcasecmp(b->text, a->title)))
				d->heading[++section] = b->text;
			continue;
		}
		if (b->kind == ART_CODE || b->kind == ART_ROW)
			continue;
		d->ss.block = i;
		d->ss.section = section;
		article_sentences(b->text, on_sentence, &d->ss);
	}
	score(&d->ss, a, d->heading);
	mark_repeats(&d->ss);
	/* Too-short fragments ("Step 1.") never stand alone as points. */
	int usable = 0;
	for (int i = 0; i < d->ss.n; i++) {
		if (d->ss.v[i].words < 3)
			d->ss.v[i].used = -1;
		else
			usable++;
	}
	if (!usable) {
		snprintf(err, errlen, "%s: the article has no prose to narrate (only headings, code or tables)", a->path);
		return -1;
	}
	return 0;
}

/* Hook: a question title stands; otherwise the strongest short sentence, favouring numbers
 * and exclamations - the line that makes a viewer stay. Intro: the article's own summary when
 * it is short enough to say, else its first sentence. */
static int draft_hook_intro(draft_t *d)
{
	const article_t *a = d->a;
	sents_t *ss = &d->ss;
	const char *hook = a->title;
	size_t hook_len = strlen(a->title);
	if (a->title[hook_len - 1] != '?') {
		double best = -1e9;
		int hook_i = -1;
		for (int i = 0; i < ss->n; i++) {
			sent_t *t = &ss->v[i];
			if (t->used || t->code || t->words < 5 || t->words > 24)
				continue;
			double h = t->score + (has_digit(t->p, t->len) ? 1.0 : 0) +
				   (t->p[t->len - 1] == '!' ? 0.5 : 0) - (t->p[t->len - 1] == ':' ? 3 : 0);
			if (h > best) {
				best = h;
				hook_i = i;
			}
		}
		if (hook_i >= 0 && best > 2.0) {
			hook = ss->v[hook_i].p;
			hook_len = ss->v[hook_i].len;
			ss->v[hook_i].used = 1;
		}
	}
	double intro_w = article_words(a->meta_description, strlen(a->meta_description));
	if (*a->meta_description && intro_w <= (d->o->type == SCRIPT_SHORT ? 30 : 60)) {
		d->intro = strdup(a->meta_description);
	} else {
		for (int i = 0; i < ss->n; i++)
			if (!ss->v[i].used && !ss->v[i].code && ss->v[i].words <= 35 && ss->v[i].words >= 5) {
				d->intro = strndup(ss->v[i].p, ss->v[i].len);
				ss->v[i].used = 1;
				break;
			}
	}
	if (!d->intro)
		d->intro = strdup("");
	d->hook = strndup(hook, hook_len);
	return d->intro && d->hook ? 0 : -1;
}

/* Candidates: the best sentence of each section first (so every heading gets its say), then
 * every sentence by score, until the speaking time reaches about 45 % into the range. */
static void draft_choose(draft_t *d)
{
	const script_opts *o = d->o;
	sents_t *ss = &d->ss;
	double target = o->min_s + (o->max_s - o->min_s) * 0.45;
	int max_points = o->type == SCRIPT_SHORT ? 5 : o->type == SCRIPT_MEDIUM ? 8 : 16;
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < ss->n && d->nspans < max_points; k++) {
			sent_t *t = d->order[k];
			if (t->used || t->code)
				continue;
			if (pass == 0) { /* one per section in this pass */
				int seen = 0;
				for (int j = 0; j < d->nspans; j++)
					seen |= ss->v[d->spans[j].first].section == t->section;
				if (seen)
					continue;
			}
			double add = t->secs + SCRIPT_PAUSE_S;
			if (t->secs > d->point_cap || (d->total + add > target && d->total >= o->min_s) ||
			    d->total + add > o->max_s)
				continue;
			t->used = 1;
			int idx = (int)(t - ss->v);
			d->spans[d->nspans].first = d->spans[d->nspans].last = idx;
			d->nspans++;
			d->total += add;
		}
	}
}

/* One step of growing a short draft: the best neighbouring sentence (the next, else the
 * previous, in the same block) joins its point. 1 when one did. */
static int draft_extend(draft_t *d)
{
	sents_t *ss = &d->ss;
	int best = -1, bestnext = -1;
	double bs = -1e9;
	for (int j = 0; j < d->nspans; j++) {
		int cand[2] = {d->spans[j].last + 1, d->spans[j].first - 1};
		double cur = 0;
		for (int q = d->spans[j].first; q <= d->spans[j].last; q++)
			cur += ss->v[q].secs;
		for (int c = 0; c < 2; c++) {
			int nx = cand[c];
			if (nx < 0 || nx >= ss->n || ss->v[nx].used || ss->v[nx].code ||
			    ss->v[nx].block != ss->v[d->spans[j].first].block)
				continue;
			if (cur + ss->v[nx].secs > d->point_cap * 1.5 || d->total + ss->v[nx].secs > d->o->max_s)
				continue;
			if (ss->v[nx].score > bs) {
				bs = ss->v[nx].score;
				best = j;
				bestnext = nx;
			}
		}
	}
	if (best < 0)
		return 0;
	ss->v[bestnext].used = 1;
	if (bestnext > d->spans[best].last)
		d->spans[best].last = bestnext;
	else
		d->spans[best].first = bestnext;
	d->total += ss->v[bestnext].secs;
	return 1;
}

/* Still short of the type's minimum: extend points with their neighbours, then add more
 * points. 0, or -1 with err set when all of the prose cannot reach it. */
static int draft_grow(draft_t *d, char *err, size_t errlen)
{
	const script_opts *o = d->o;
	while (d->total < o->min_s) {
		if (draft_extend(d))
			continue;
		int added = 0;
		for (int k = 0; k < d->ss.n && !added; k++) {
			sent_t *t = d->order[k];
			if (t->used || d->total + t->secs + SCRIPT_PAUSE_S > o->max_s || d->nspans >= 40)
				continue;
			t->used = 1;
			d->spans[d->nspans].first = d->spans[d->nspans].last = (int)(t - d->ss.v);
			d->nspans++;
			d->total += t->secs + SCRIPT_PAUSE_S;
			added = 1;
		}
		if (!added)
			break;
	}
	if (d->total >= o->min_s)
		return 0;
	double words = 0;
	int repeats = 0;
	for (int i = 0; i < d->ss.n; i++) {
		if (!d->ss.v[i].repeat)
			words += d->ss.v[i].words;
		repeats += d->ss.v[i].repeat;
	}
	char rep[96] = "";
	if (repeats)
		snprintf(rep, sizeof rep, ", not counting %d sentences it repeats", repeats);
	snprintf(err, errlen,
		 "%s: the article is too short for a %s video: all of its prose (%.0f words%s) "
		 "runs about %.1f s at %.0f words a minute, with hook and call to action; a %s "
		 "video needs at least %.0f s (the extractive generator never pads with "
		 "invented text: use a longer article or the llm generator%s)",
		 d->a->path, script_type_name(o->type), words, rep, d->total, o->wpm, script_type_name(o->type),
		 o->min_s, o->type == SCRIPT_SHORT ? "" : ", or a shorter --type");
	return -1;
}

/* Points in article order; adjacent spans of one block become one point (their text is
 * contiguous). */
static void draft_merge(draft_t *d)
{
	qsort(d->spans, (size_t)d->nspans, sizeof *d->spans, by_pos);
	int m = 0;
	for (int j = 0; j < d->nspans; j++) {
		if (m > 0 && d->ss.v[d->spans[m - 1].last].block == d->ss.v[d->spans[j].first].block &&
		    d->spans[m - 1].last + 1 == d->spans[j].first)
			d->spans[m - 1].last = d->spans[j].last;
		else
			d->spans[m++] = d->spans[j];
	}
	d->nspans = m;
}

/* The text of point j (malloc'd). */
static char *span_text(const draft_t *d, int j)
{
	const sent_t *f = &d->ss.v[d->spans[j].first], *l = &d->ss.v[d->spans[j].last];
	return strndup(f->p, (size_t)(l->p + l->len - f->p));
}

/* The draft's speaking time as script_retime will count it: hook, intro, each point (its
 * duration rounded as retime rounds it) and the CTA, a pause after each but the CTA. */
static double draft_total(const draft_t *d)
{
	double wpm = d->o->wpm;
	double t = script_speech_s(d->hook, wpm) + SCRIPT_PAUSE_S + script_speech_s(d->ph->cta, wpm);
	if (*d->intro)
		t += script_speech_s(d->intro, wpm) + SCRIPT_PAUSE_S;
	for (int j = 0; j < d->nspans; j++) {
		const sent_t *f = &d->ss.v[d->spans[j].first], *l = &d->ss.v[d->spans[j].last];
		char *text = strndup(f->p, (size_t)(l->p + l->len - f->p));
		double p = text ? round(script_speech_s(text, wpm) * 100) / 100 : 0;
		free(text);
		t += (p < 0.5 ? 0.5 : p) + SCRIPT_PAUSE_S;
	}
	return t;
}

/* Point j as JSON: text, overlay, visual cue and chapter mark. last_section: the section of
 * the point before (updated). */
static json_t *draft_point(const draft_t *d, int j, const char *lang, int has_headings,
			   int *last_section)
{
	const article_t *a = d->a;
	const sent_t *f = &d->ss.v[d->spans[j].first];
	char *text = span_text(d, j);
	if (!text)
		return NULL;
	const char *h = d->heading[f->section];
	json_t *p = json_object();
	json_object_set_new(p, "text", json_string(text));
	json_object_set_new(p, "duration_est", json_real(0));
	/* Overlay: a number with its unit, else the section heading, else a keyword found in the
	 * point, else its first words. German capitalises its units ("15 Liter"); elsewhere a
	 * capital after a number starts a name ("In 2020 Apple"), not a unit. */
	char *ov = number_phrase(text, !strcmp(lang, "de"));
	/* The heading only on the section's first point: a second point under it would show the
	 * same words twice in a row. */
	if (!ov && h && strlen(h) <= 48 && f->section != *last_section)
		ov = strdup(h);
	for (int i = 0; i < a->nkeywords && !ov; i++)
		if (strcasestr(text, a->keywords[i]) && strlen(a->keywords[i]) <= 48 && utf8_count(a->keywords[i]) >= 3)
			ov = strdup(a->keywords[i]);
	if (!ov)
		ov = cut_bytes_words(text, 32);
	char *ovc0 = cut_bytes_words(ov ? ov : "", 60);
	/* Never code on screen: the words before it, else the heading, else none (the spec writer
	 * then shows the point's first words). */
	char *ovc = ovc0 ? overlay_clean(ovc0) : NULL;
	if (!ovc && h && f->section != *last_section)
		ovc = overlay_clean(h);
	free(ovc0);
	/* The visual cue describes what to show, in the section's own words (its heading, the
	 * overlay), else the point's first words. The assets stage (vidc assets) picks the
	 * picture by the article's images' alt text, captions and places; its file is never named
	 * here, nor its alt text (which would only echo that matching). */
	char cue[1200];
	if (h && ovc && strcasecmp(h, ovc)) {
		snprintf(cue, sizeof cue, "%s: %s", h, ovc);
	} else if (h || ovc) {
		snprintf(cue, sizeof cue, "%s", h ? h : ovc);
	} else {
		char *fw = cut_bytes_words(text, 60);
		snprintf(cue, sizeof cue, "%s", fw ? fw : "");
		free(fw);
	}
	json_object_set_new(p, "visual_cue", json_string(cue));
	json_object_set_new(p, "text_overlay", json_string(ovc ? ovc : ""));
	/* Chapters: with headings, one per section (the points after its first continue it; the
	 * text before the first heading belongs to the intro); without, one per point. */
	if (h && f->section != *last_section)
		json_object_set_new(p, "_chapter", json_string(h));
	else if (has_headings)
		json_object_set_new(p, "_chapter", json_false());
	*last_section = f->section;
	free(ov);
	free(ovc);
	free(text);
	return p;
}

/* The draft as the script's JSON (the finishing steps of script.c fill in the rest). */
static json_t *draft_json(const draft_t *d)
{
	json_t *s = json_object();
	char lang[8], lbuf[8];
	snprintf(lang, sizeof lang, "%s", lang_of(d->a, lbuf));
	json_object_set_new(s, "language", json_string(lang));
	json_object_set_new(s, "hook", json_string(d->hook));
	json_object_set_new(s, "intro", json_string(d->intro));
	json_t *pts = json_array();
	int has_headings = 0;
	for (int i = 1; i <= d->nsections && !has_headings; i++)
		has_headings = d->heading[i] != NULL;
	int last_section = -1;
	for (int j = 0; j < d->nspans; j++) {
		json_t *p = draft_point(d, j, lang, has_headings, &last_section);
		if (p)
			json_array_append_new(pts, p);
	}
	json_object_set_new(s, "points", pts);
	json_object_set_new(s, "cta", json_string(d->ph->cta));
	json_t *ch = json_array();
	json_t *c0 = json_object();
	json_object_set_new(c0, "time", json_real(0));
	json_object_set_new(c0, "title", json_string(d->ph->intro));
	json_array_append_new(ch, c0);
	json_object_set_new(s, "chapter_markers", ch);
	return s;
}

static json_t *extract_draft(const article_t *a, const script_opts *o, char *err, size_t errlen)
{
	draft_t d;
	memset(&d, 0, sizeof d);
	d.a = a;
	d.o = o;
	d.ph = phrases(a);
	d.point_cap = o->type == SCRIPT_LONG ? 75 : o->type == SCRIPT_MEDIUM ? 30 : 20;
	json_t *s = NULL;
	if (draft_sentences(&d, err, errlen))
		goto out;
	d.order = malloc(sizeof *d.order * (size_t)(d.ss.n + 1));
	d.spans = calloc((size_t)d.ss.n + 1, sizeof *d.spans);
	if (!d.order || !d.spans || draft_hook_intro(&d)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	d.total = script_speech_s(d.hook, o->wpm) + script_speech_s(d.intro, o->wpm) +
		  script_speech_s(d.ph->cta, o->wpm) + 3 * SCRIPT_PAUSE_S;
	for (int i = 0; i < d.ss.n; i++)
		d.order[i] = &d.ss.v[i];
	qsort(d.order, (size_t)d.ss.n, sizeof *d.order, by_score);
	draft_choose(&d);
	/* Merging adjacent spans saves their pauses, so a merged draft can fall under the minimum
	 * that the sum of its spans reached: grow again until the merged total, counted as
	 * script_retime counts it, is in range (or the prose runs out: the error). */
	do {
		if (draft_grow(&d, err, errlen))
			goto out;
		draft_merge(&d);
	} while ((d.total = draft_total(&d)) < o->min_s);
	s = draft_json(&d);
out:
	draft_free(&d);
	return s;
}

const script_generator script_gen_extract = {"extract", extract_draft};
