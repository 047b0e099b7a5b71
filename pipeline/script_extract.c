/*
 * script_extract.c - the embedded script generator (no network): an extractive summary. Every
 * prose sentence is scored (keyword and title overlap, the section heading's words, numbers,
 * position, length); the points are the best sentence of each section, then the best remaining
 * ones, until the speaking time reaches the type's target; then extended with neighbouring
 * sentences when the script is still too short. Point texts are always contiguous ranges of one
 * block of the article (never rewritten), so a reader can find every sentence in the source.
 * Hook, overlays, visual cues, CTA and chapter titles are picked by small rules below.
 */
#include "script.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
	const char *p; /* inside the block's text */
	size_t len;
	int block, section, index; /* index: the sentence's place in its block */
	double words, secs, score;
	int used;
} sent_t;

typedef struct {
	sent_t *v;
	int n, cap;
	int block, section;
	const article_t *a;
	double wpm;
} sents_t;

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
	t->index = 0;
	for (int i = ss->n - 1; i >= 0 && ss->v[i].block == ss->block; i--)
		t->index++;
	t->words = article_words(s, len);
	t->secs = t->words * 60.0 / ss->wpm;
	ss->n++;
}

/* ---- language ---- */

/* The language's primary subtag, lower case, into buf (8 bytes): the record's, else a guess
 * from the script of the text (kana: ja, many Han characters: zh, else en). */
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
	int kana = 0, han = 0;
	for (const unsigned char *p = (const unsigned char *)a->text; *p; p++) {
		if (p[0] == 0xE3 && (p[1] == 0x81 || p[1] == 0x82 || p[1] == 0x83))
			kana++;
		else if (p[0] >= 0xE4 && p[0] <= 0xE9)
			han++;
	}
	return kana > 5 ? "ja" : han > 20 ? "zh" : "en";
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

typedef struct {
	char **w;
	int n;
} terms_t;

static int is_stopword(const char *w, size_t n)
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
static void add_terms(terms_t *t, const char *s)
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
		if (n >= 3 && !is_stopword((const char *)p, n)) {
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

static void free_terms(terms_t *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->w[i]);
	free(t->w);
}

static int hits(const terms_t *t, const char *s, size_t len)
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
			add_terms(&t, x);
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
		add_terms(&kw, a->keywords[i]);
	add_terms(&title, a->title);
	for (int i = 0; i < ss->n; i++) {
		sent_t *s = &ss->v[i];
		double sc = 0;
		sc += 1.2 * min_d(hits(&kw, s->p, s->len), 3);
		sc += 0.8 * min_d(hits(&title, s->p, s->len), 3);
		const char *h = section_heading[s->section];
		if (h && *h) {
			terms_t ht = {0};
			add_terms(&ht, h);
			sc += 0.5 * min_d(hits(&ht, s->p, s->len), 2);
			free_terms(&ht);
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
		s->score = sc;
	}
	free_terms(&kw);
	free_terms(&title);
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
				if (!is_connector(st + ws, wl) && !is_stopword(st + ws, wl) &&
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

/* Words of text shared with the image's alt and caption. */
static int image_overlap(const art_image *im, const char *text, const char *heading)
{
	terms_t t = {0};
	add_terms(&t, im->alt);
	add_terms(&t, im->caption);
	int h = hits(&t, text, strlen(text));
	if (heading && *heading)
		h += hits(&t, heading, strlen(heading));
	free_terms(&t);
	return h;
}

static size_t chars_of(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static char *cut_bytes_words(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return strdup(s);
	size_t cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	size_t sp = cut;
	while (sp > 0 && s[sp] != ' ')
		sp--;
	if (sp > max / 3)
		cut = sp;
	while (cut > 0 && strchr(" ,;:-", s[cut - 1]))
		cut--;
	return strndup(s, cut);
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

static json_t *extract_draft(const article_t *a, const script_opts *o, char *err, size_t errlen)
{
	const phrase_t *ph = phrases(a);
	sents_t ss = {0};
	ss.a = a;
	ss.wpm = o->wpm;
	int nsections = 1;
	for (int i = 0; i < a->nblocks; i++)
		nsections += a->blocks[i].kind == ART_HEADING;
	const char **heading = calloc((size_t)nsections + 1, sizeof *heading);
	if (!heading) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	int section = 0;
	for (int i = 0; i < a->nblocks; i++) {
		const art_block *b = &a->blocks[i];
		if (b->kind == ART_HEADING) {
			/* An h1 repeating the title opens no section. */
			if (!(b->level == 1 && !strcasecmp(b->text, a->title)))
				heading[++section] = b->text;
			continue;
		}
		if (b->kind == ART_CODE || b->kind == ART_ROW)
			continue;
		ss.block = i;
		ss.section = section;
		article_sentences(b->text, on_sentence, &ss);
	}
	score(&ss, a, heading);
	/* Too-short fragments ("Step 1.") never stand alone as points. */
	int usable = 0;
	for (int i = 0; i < ss.n; i++) {
		if (ss.v[i].words < 3)
			ss.v[i].used = -1;
		else
			usable++;
	}
	json_t *s = NULL;
	if (!usable) {
		snprintf(err, errlen, "%s: the article has no prose to narrate (only headings, code or tables)", a->path);
		goto out;
	}

	/* Hook: a question title stands; otherwise the strongest short sentence, favouring
	 * numbers and exclamations - the line that makes a viewer stay. */
	const char *hook = a->title;
	size_t hook_len = strlen(a->title);
	int hook_i = -1;
	if (a->title[hook_len - 1] != '?') {
		double best = -1e9;
		for (int i = 0; i < ss.n; i++) {
			sent_t *t = &ss.v[i];
			if (t->used || t->words < 5 || t->words > 24)
				continue;
			double h = t->score + (has_digit(t->p, t->len) ? 1.0 : 0) +
				   (t->p[t->len - 1] == '!' ? 0.5 : 0) - (t->p[t->len - 1] == ':' ? 3 : 0);
			if (h > best) {
				best = h;
				hook_i = i;
			}
		}
		if (hook_i >= 0 && best > 2.0) {
			hook = ss.v[hook_i].p;
			hook_len = ss.v[hook_i].len;
			ss.v[hook_i].used = 1;
		} else {
			hook_i = -1;
		}
	}
	/* Intro: the article's own summary when it is short enough to say, else its first
	 * sentence. */
	char *intro = NULL;
	double intro_w = article_words(a->meta_description, strlen(a->meta_description));
	if (*a->meta_description && intro_w <= (o->type == SCRIPT_SHORT ? 30 : 60)) {
		intro = strdup(a->meta_description);
	} else {
		for (int i = 0; i < ss.n; i++)
			if (!ss.v[i].used && ss.v[i].words <= 35 && ss.v[i].words >= 5) {
				intro = strndup(ss.v[i].p, ss.v[i].len);
				ss.v[i].used = 1;
				break;
			}
	}
	if (!intro)
		intro = strdup("");
	char *hook_s = strndup(hook, hook_len);
	double fixed = script_speech_s(hook_s, o->wpm) + script_speech_s(intro, o->wpm) +
		       script_speech_s(ph->cta, o->wpm) + 3 * SCRIPT_PAUSE_S;
	double target = o->min_s + (o->max_s - o->min_s) * 0.45;
	int max_points = o->type == SCRIPT_SHORT ? 5 : o->type == SCRIPT_MEDIUM ? 8 : 16;
	double point_cap = o->type == SCRIPT_LONG ? 75 : o->type == SCRIPT_MEDIUM ? 30 : 20;

	/* Candidates: the best sentence of each section first (so every heading gets its say),
	 * then every sentence by score. */
	sent_t **order = malloc(sizeof *order * (size_t)(ss.n + 1));
	span_t *spans = calloc((size_t)ss.n + 1, sizeof *spans);
	int nspans = 0;
	double total = fixed;
	if (!order || !spans) {
		snprintf(err, errlen, "out of memory");
		free(order);
		free(spans);
		free(intro);
		free(hook_s);
		goto out;
	}
	for (int i = 0; i < ss.n; i++)
		order[i] = &ss.v[i];
	qsort(order, (size_t)ss.n, sizeof *order, by_score);
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < ss.n && nspans < max_points; k++) {
			sent_t *t = order[k];
			if (t->used)
				continue;
			if (pass == 0) { /* one per section in this pass */
				int seen = 0;
				for (int j = 0; j < nspans; j++)
					seen |= ss.v[spans[j].first].section == t->section;
				if (seen)
					continue;
			}
			double add = t->secs + SCRIPT_PAUSE_S;
			if (t->secs > point_cap)
				continue;
			if (total + add > target && total >= o->min_s)
				continue;
			if (total + add > o->max_s)
				continue;
			t->used = 1;
			int idx = (int)(t - ss.v);
			spans[nspans].first = spans[nspans].last = idx;
			nspans++;
			total += add;
		}
	}
	/* Still short of the type's minimum: extend points with their neighbouring sentences
	 * (the next, else the previous, in the same block), then add more points. */
	while (total < o->min_s) {
		int best = -1, bestnext = -1;
		double bs = -1e9;
		for (int j = 0; j < nspans; j++) {
			int cand[2] = {spans[j].last + 1, spans[j].first - 1};
			double cur = 0;
			for (int q = spans[j].first; q <= spans[j].last; q++)
				cur += ss.v[q].secs;
			for (int c = 0; c < 2; c++) {
				int nx = cand[c];
				if (nx < 0 || nx >= ss.n || ss.v[nx].used ||
				    ss.v[nx].block != ss.v[spans[j].first].block)
					continue;
				if (cur + ss.v[nx].secs > point_cap * 1.5 || total + ss.v[nx].secs > o->max_s)
					continue;
				if (ss.v[nx].score > bs) {
					bs = ss.v[nx].score;
					best = j;
					bestnext = nx;
				}
			}
		}
		if (best >= 0) {
			ss.v[bestnext].used = 1;
			if (bestnext > spans[best].last)
				spans[best].last = bestnext;
			else
				spans[best].first = bestnext;
			total += ss.v[bestnext].secs;
			continue;
		}
		int added = 0;
		for (int k = 0; k < ss.n; k++) {
			sent_t *t = order[k];
			if (t->used || total + t->secs + SCRIPT_PAUSE_S > o->max_s || nspans >= 40)
				continue;
			t->used = 1;
			spans[nspans].first = spans[nspans].last = (int)(t - ss.v);
			nspans++;
			total += t->secs + SCRIPT_PAUSE_S;
			added = 1;
			break;
		}
		if (!added)
			break;
	}
	free(order);
	if (total < o->min_s) {
		double words = 0;
		for (int i = 0; i < ss.n; i++)
			words += ss.v[i].words;
		snprintf(err, errlen,
			 "%s: the article is too short for a %s video: all of its prose (%.0f words) "
			 "runs about %.0f s at %.0f words a minute, with hook and call to action; a %s "
			 "video needs at least %.0f s (the extractive generator never pads with "
			 "invented text: use a longer article or the llm generator%s)",
			 a->path, script_type_name(o->type), words, total, o->wpm,
			 script_type_name(o->type), o->min_s,
			 o->type == SCRIPT_SHORT ? "" : ", or a shorter --type");
		free(spans);
		free(intro);
		free(hook_s);
		goto out;
	}
	qsort(spans, (size_t)nspans, sizeof *spans, by_pos);
	/* Adjacent spans of one block become one point (their text is contiguous). */
	int m = 0;
	for (int j = 0; j < nspans; j++) {
		if (m > 0 && ss.v[spans[m - 1].last].block == ss.v[spans[j].first].block &&
		    spans[m - 1].last + 1 == spans[j].first)
			spans[m - 1].last = spans[j].last;
		else
			spans[m++] = spans[j];
	}
	nspans = m;

	s = json_object();
	char lang[8], lbuf[8];
	snprintf(lang, sizeof lang, "%s", lang_of(a, lbuf));
	json_object_set_new(s, "language", json_string(lang));
	json_object_set_new(s, "hook", json_string(hook_s));
	json_object_set_new(s, "intro", json_string(intro));
	json_t *pts = json_array();
	/* Visuals: each image goes to the point whose text (and heading) shares the most words
	 * with its alt text and caption; images that match nothing are spread evenly over the
	 * points still without one; the rest get a text card. */
	int *img_of = malloc(sizeof *img_of * (size_t)(nspans + 1));
	for (int j = 0; img_of && j < nspans; j++)
		img_of[j] = -1;
	int *spare = malloc(sizeof *spare * (size_t)(a->nimages + 1));
	int nspare = 0;
	for (int i = 0; img_of && spare && i < a->nimages; i++) {
		int bj = -1, bo = 0;
		for (int j = 0; j < nspans; j++) {
			if (img_of[j] >= 0)
				continue;
			const sent_t *f = &ss.v[spans[j].first], *l = &ss.v[spans[j].last];
			char *text = strndup(f->p, (size_t)(l->p + l->len - f->p));
			int ov = text ? image_overlap(&a->images[i], text, heading[f->section]) : 0;
			free(text);
			if (ov > bo) {
				bo = ov;
				bj = j;
			}
		}
		if (bj >= 0)
			img_of[bj] = i;
		else
			spare[nspare++] = i;
	}
	for (int k = 0; img_of && spare && k < nspare; k++) {
		int want = (int)((k + 0.5) * nspans / nspare);
		for (int d = 0; d < nspans; d++) {
			int j = (want + d) % nspans;
			if (img_of[j] < 0) {
				img_of[j] = spare[k];
				break;
			}
		}
	}
	free(spare);
	int has_headings = 0;
	for (int i = 1; i <= nsections && !has_headings; i++)
		has_headings = heading[i] != NULL;
	int last_section = -1;
	for (int j = 0; j < nspans; j++) {
		const sent_t *f = &ss.v[spans[j].first], *l = &ss.v[spans[j].last];
		char *text = strndup(f->p, (size_t)(l->p + l->len - f->p));
		const char *h = heading[f->section];
		json_t *p = json_object();
		json_object_set_new(p, "text", json_string(text));
		json_object_set_new(p, "duration_est", json_real(0));
		int bi = img_of ? img_of[j] : -1;
		/* Overlay: a number with its unit, else the section heading, else a keyword found in
		 * the point, else its first words. */
		/* German capitalises its units ("15 Liter"); elsewhere a capital after a number
		 * starts a name ("In 2020 Apple"), not a unit. */
		char *ov = number_phrase(text, !strcmp(lang, "de"));
		/* The heading only on the section's first point: a second point under it would
		 * show the same words twice in a row. */
		if (!ov && h && strlen(h) <= 48 && f->section != last_section)
			ov = strdup(h);
		if (!ov)
			for (int i = 0; i < a->nkeywords && !ov; i++)
				if (strcasestr(text, a->keywords[i]) && strlen(a->keywords[i]) <= 48 &&
				    chars_of(a->keywords[i]) >= 3)
					ov = strdup(a->keywords[i]);
		if (!ov)
			ov = cut_bytes_words(text, 32);
		char *ovc = cut_bytes_words(ov ? ov : "", 60);
		char cue[1200];
		if (bi >= 0) {
			snprintf(cue, sizeof cue, "image: %s", a->images[bi].path);
		} else {
			snprintf(cue, sizeof cue, "text card: %s", ovc ? ovc : "");
		}
		json_object_set_new(p, "visual_cue", json_string(cue));
		json_object_set_new(p, "text_overlay", json_string(ovc ? ovc : ""));
		/* Chapters: with headings, one per section (the points after its first continue
		 * it; the text before the first heading belongs to the intro); without, one per
		 * point. */
		if (h && f->section != last_section)
			json_object_set_new(p, "_chapter", json_string(h));
		else if (has_headings)
			json_object_set_new(p, "_chapter", json_false());
		last_section = f->section;
		json_array_append_new(pts, p);
		free(ov);
		free(ovc);
		free(text);
	}
	free(img_of);
	json_object_set_new(s, "points", pts);
	json_object_set_new(s, "cta", json_string(ph->cta));
	json_t *ch = json_array();
	json_t *c0 = json_object();
	json_object_set_new(c0, "time", json_real(0));
	json_object_set_new(c0, "title", json_string(ph->intro));
	json_array_append_new(ch, c0);
	json_object_set_new(s, "chapter_markers", ch);
	free(spans);
	free(intro);
	free(hook_s);
out:
	free(ss.v);
	free(heading);
	return s;
}

const script_generator script_gen_extract = {"extract", extract_draft};
