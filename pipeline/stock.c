/*
 * stock.c - Pexels and Pixabay search and the stock picker (see stock.h). Each service is one
 * row of the provider table: its settings, its URL builder and its reply parser; the rest (the
 * cached request, rate limits, scoring, the download) is shared.
 */
#include "stock.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../base/buf.h"
#include "terms.h"

#define STOCK_MAX_REPLY (8LL << 20)	  /* a search reply is a few kilobytes */
#define STOCK_MAX_PHOTO (50LL << 20)
#define STOCK_MAX_FOOTAGE (300LL << 20)
#define STOCK_TRIES 3			  /* candidates tried when downloads fail */

typedef int (*build_fn)(const stock_provider *p, const stock_query *q, const char *base,
			const char *key, buf_t *url, buf_t *shown);
typedef int (*parse_fn)(const stock_query *q, json_t *root, stock_results *out);

struct stock_provider {
	const char *name, *key_env, *url_env, *url_default;
	const char *licence, *licence_url;
	int reset_is_epoch; /* X-Ratelimit-Reset: a UNIX time (Pexels) or seconds to wait */
	build_fn build;
	parse_fn parse;
};

/* When a service said its quota is spent, until when (UNIX time); per process. */
static pthread_mutex_t g_rate_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t g_spent_until[2];

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int)json_integer_value(v) : json_is_real(v) ? (int)json_real_value(v) : 0;
}

/* Appends s URL-encoded. */
static int put_escaped(buf_t *b, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	if (!e)
		return VE_NOMEM;
	int rc = buf_puts(b, e);
	curl_free(e);
	return rc;
}

/* ---- Pexels ------------------------------------------------------------------------------- */

static const char *const pexels_orient[] = {NULL, "landscape", "portrait", "square"};

static int pexels_build(const stock_provider *p, const stock_query *q, const char *base,
			const char *key, buf_t *url, buf_t *shown)
{
	(void)p;
	(void)key; /* sent as a header */
	int rc = buf_appendf(url, "%s%s?query=", base, q->media == STOCK_VIDEO ? "/videos/search" : "/v1/search");
	rc = rc ? rc : put_escaped(url, q->query);
	if (!rc && pexels_orient[q->orient])
		rc = buf_appendf(url, "&orientation=%s", pexels_orient[q->orient]);
	/* size=large asks for 24 MP photos or 4K footage; medium (12 MP, Full HD) fills any preset. */
	rc = rc ? rc : buf_appendf(url, "&size=medium&per_page=%d&page=%d", q->per_page, q->page);
	return rc ? rc : buf_puts(shown, url->data);
}

/* The smallest file at least as large as the frame, else the largest. */
static void pick_file(stock_item *it, const char *url, int w, int h, const stock_query *q,
		      const char **best, int *bw, int *bh)
{
	(void)it;
	int big = w >= q->want_width && h >= q->want_height;
	int best_big = *best && *bw >= q->want_width && *bh >= q->want_height;
	long long area = (long long)w * h, best_area = (long long)*bw * *bh;
	if (!*best || (big && (!best_big || area < best_area)) || (!big && !best_big && area > best_area)) {
		*best = url;
		*bw = w;
		*bh = h;
	}
}

/* The file chosen (url, fw x fh) and the page and author the credits name. */
static void set_file(stock_item *it, const char *url, int fw, int fh, const char *page, const char *author)
{
	it->file_url = strdup(url);
	it->file_width = fw;
	it->file_height = fh;
	it->page_url = dup_or_empty(page);
	it->author = dup_or_empty(author);
}

static int pexels_photo(const stock_query *q, json_t *ph, stock_item *it)
{
	json_t *src = json_object_get(ph, "src");
	const char *orig = jstr(src, "original");
	if (!*orig)
		return -1;
	it->id = json_integer_value(json_object_get(ph, "id"));
	it->width = jint(ph, "width");
	it->height = jint(ph, "height");
	/* Pexels' image server crops and scales to any size asked for on the original's URL. */
	buf_t u = BUF_INIT;
	if (it->width >= q->want_width && it->height >= q->want_height && !strchr(orig, '?')) {
		buf_appendf(&u, "%s?auto=compress&cs=tinysrgb&fit=crop&w=%d&h=%d", orig, q->want_width,
			    q->want_height);
		it->file_width = q->want_width;
		it->file_height = q->want_height;
	} else {
		buf_puts(&u, orig);
		it->file_width = it->width;
		it->file_height = it->height;
	}
	it->file_url = buf_detach(&u, NULL);
	it->page_url = dup_or_empty(jstr(ph, "url"));
	it->author = dup_or_empty(jstr(ph, "photographer"));
	it->author_url = dup_or_empty(jstr(ph, "photographer_url"));
	it->description = dup_or_empty(jstr(ph, "alt"));
	return 0;
}

static int pexels_video(const stock_query *q, json_t *v, stock_item *it)
{
	const char *best = NULL;
	int bw = 0, bh = 0;
	json_t *f;
	size_t i;
	json_array_foreach(json_object_get(v, "video_files"), i, f) {
		const char *link = jstr(f, "link");
		if (*link && !strcmp(jstr(f, "file_type"), "video/mp4"))
			pick_file(it, link, jint(f, "width"), jint(f, "height"), q, &best, &bw, &bh);
	}
	if (!best)
		return -1;
	json_t *user = json_object_get(v, "user");
	it->id = json_integer_value(json_object_get(v, "id"));
	it->width = jint(v, "width");
	it->height = jint(v, "height");
	it->duration = json_number_value(json_object_get(v, "duration"));
	set_file(it, best, bw, bh, jstr(v, "url"), jstr(user, "name"));
	it->author_url = dup_or_empty(jstr(user, "url"));
	it->description = dup_or_empty("");
	return 0;
}

static int pexels_parse(const stock_query *q, json_t *root, stock_results *out)
{
	json_t *list = json_object_get(root, q->media == STOCK_VIDEO ? "videos" : "photos");
	if (!json_is_array(list) || !json_is_integer(json_object_get(root, "total_results")))
		return -1;
	out->total = (long)json_integer_value(json_object_get(root, "total_results"));
	out->more = json_is_string(json_object_get(root, "next_page"));
	json_t *v;
	size_t i;
	json_array_foreach(list, i, v) {
		stock_item *it = &out->items[out->n];
		memset(it, 0, sizeof *it);
		if ((q->media == STOCK_VIDEO ? pexels_video(q, v, it) : pexels_photo(q, v, it)) == 0)
			out->n++;
	}
	return 0;
}

/* ---- Pixabay ------------------------------------------------------------------------------ */

static const char *const pixabay_orient[] = {"all", "horizontal", "vertical", "all"};

static int pixabay_build(const stock_provider *p, const stock_query *q, const char *base,
			 const char *key, buf_t *url, buf_t *shown)
{
	(void)p;
	/* q: at most 100 characters, cut at a word. */
	char words[101];
	snprintf(words, sizeof words, "%s", q->query);
	if (strlen(q->query) > 100 && strrchr(words, ' '))
		*strrchr(words, ' ') = 0;
	const char *path = q->media == STOCK_VIDEO ? "/api/videos/" : "/api/";
	int per = q->per_page < 3 ? 3 : q->per_page > 200 ? 200 : q->per_page;
	for (int pass = 0; pass < 2; pass++) { /* the URL, then the same without the key */
		buf_t *b = pass ? shown : url;
		int rc = buf_appendf(b, "%s%s?key=", base, path);
		rc = rc ? rc : pass ? buf_puts(b, "KEY") : put_escaped(b, key);
		rc = rc ? rc : buf_puts(b, "&q=");
		rc = rc ? rc : put_escaped(b, words);
		if (!rc && q->media == STOCK_PHOTO)
			rc = buf_appendf(b, "&image_type=photo&orientation=%s", pixabay_orient[q->orient]);
		rc = rc ? rc : buf_appendf(b, "&safesearch=true&per_page=%d&page=%d", per, q->page);
		if (rc)
			return rc;
	}
	return 0;
}

static int pixabay_hit(const stock_query *q, json_t *h, stock_item *it)
{
	const char *url = NULL;
	int fw = 0, fh = 0;
	if (q->media == STOCK_VIDEO) {
		static const char *const sizes[] = {"large", "medium", "small", "tiny"};
		json_t *vs = json_object_get(h, "videos");
		for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
			json_t *v = json_object_get(vs, sizes[i]);
			if (*jstr(v, "url"))
				pick_file(it, jstr(v, "url"), jint(v, "width"), jint(v, "height"), q, &url, &fw, &fh);
		}
		it->width = jint(json_object_get(vs, "large"), "width");
		it->height = jint(json_object_get(vs, "large"), "height");
		it->duration = json_number_value(json_object_get(h, "duration"));
	} else {
		/* largeImageURL is the biggest without full API access: 1280 px on its long side. */
		url = jstr(h, "largeImageURL");
		it->width = jint(h, "imageWidth");
		it->height = jint(h, "imageHeight");
		int longest = it->width > it->height ? it->width : it->height;
		double s = longest > 1280 ? 1280.0 / longest : 1.0;
		fw = (int)(it->width * s + 0.5);
		fh = (int)(it->height * s + 0.5);
	}
	if (!url || !*url)
		return -1;
	it->id = json_integer_value(json_object_get(h, "id"));
	set_file(it, url, fw, fh, jstr(h, "pageURL"), jstr(h, "user"));
	buf_t u = BUF_INIT;
	buf_appendf(&u, "https://pixabay.com/users/%s-%lld/", jstr(h, "user"),
		    (long long)json_integer_value(json_object_get(h, "user_id")));
	it->author_url = buf_detach(&u, NULL);
	it->description = dup_or_empty(jstr(h, "tags"));
	return 0;
}

static int pixabay_parse(const stock_query *q, json_t *root, stock_results *out)
{
	json_t *hits = json_object_get(root, "hits");
	if (!json_is_array(hits) || !json_is_integer(json_object_get(root, "totalHits")))
		return -1;
	out->total = (long)json_integer_value(json_object_get(root, "totalHits"));
	out->more = (long)q->page * q->per_page < out->total;
	json_t *h;
	size_t i;
	json_array_foreach(hits, i, h) {
		stock_item *it = &out->items[out->n];
		memset(it, 0, sizeof *it);
		if (pixabay_hit(q, h, it) == 0)
			out->n++;
	}
	return 0;
}

/* ---- the providers ------------------------------------------------------------------------ */

static const stock_provider providers[] = {
	{"pexels", "VIDC_PEXELS_KEY", "VIDC_PEXELS_URL", "https://api.pexels.com", "Pexels License",
	 "https://www.pexels.com/license/", 1, pexels_build, pexels_parse},
	{"pixabay", "VIDC_PIXABAY_KEY", "VIDC_PIXABAY_URL", "https://pixabay.com",
	 "Pixabay Content License", "https://pixabay.com/service/license-summary/", 0, pixabay_build,
	 pixabay_parse},
};

const stock_provider *stock_provider_find(const char *name)
{
	for (size_t i = 0; i < sizeof providers / sizeof *providers; i++)
		if (name && !strcmp(providers[i].name, name))
			return &providers[i];
	return NULL;
}

const char *stock_provider_name(const stock_provider *p)
{
	return p->name;
}

const char *stock_provider_key(const stock_provider *p)
{
	const char *k = getenv(p->key_env);
	return k && *k ? k : NULL;
}

void stock_results_free(stock_results *r)
{
	for (int i = 0; i < r->n; i++) {
		stock_item *it = &r->items[i];
		free(it->file_url);
		free(it->page_url);
		free(it->author);
		free(it->author_url);
		free(it->description);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

/* Remembers a spent quota; says whether one is still spent. */
static void note_rate(const stock_provider *p, const fetch_result *fr)
{
	if (fr->ratelimit_remaining != 0 || fr->ratelimit_reset < 0)
		return;
	time_t until = p->reset_is_epoch ? (time_t)fr->ratelimit_reset : time(NULL) + (time_t)fr->ratelimit_reset;
	pthread_mutex_lock(&g_rate_lock);
	g_spent_until[p - providers] = until;
	pthread_mutex_unlock(&g_rate_lock);
}

static time_t spent_until(const stock_provider *p)
{
	pthread_mutex_lock(&g_rate_lock);
	time_t t = g_spent_until[p - providers];
	pthread_mutex_unlock(&g_rate_lock);
	return t > time(NULL) ? t : 0;
}

int stock_search(const stock_provider *p, const stock_query *q0, const fetch_opts *fo,
		 stock_results *out, vidc_err *e)
{
	memset(out, 0, sizeof *out);
	out->ratelimit_remaining = out->ratelimit_reset = -1;
	stock_query q = *q0;
	if (q.page < 1)
		q.page = 1;
	if (q.per_page < 1)
		q.per_page = 15;
	if (!q.query || !*q.query)
		return err_set(e, VE_INVAL, "%s: nothing to search for", p->name);
	const char *key = q.key ? q.key : stock_provider_key(p);
	if (!key)
		return err_set(e, VE_AUTH, "%s: no API key (set %s)", p->name, p->key_env);
	time_t until = spent_until(p);
	if (until) {
		struct tm tm;
		char when[32];
		localtime_r(&until, &tm);
		strftime(when, sizeof when, "%H:%M", &tm);
		return err_set(e, VE_QUOTA, "%s: the rate limit is reached until %s (X-Ratelimit-Remaining: 0)",
			       p->name, when);
	}
	const char *env = getenv(p->url_env);
	const char *base = q.base_url ? q.base_url : env && *env ? env : p->url_default;
	size_t bl = strlen(base);
	while (bl > 1 && base[bl - 1] == '/')
		bl--;
	char basebuf[1024];
	snprintf(basebuf, sizeof basebuf, "%.*s", (int)bl, base);
	buf_t url = BUF_INIT, shown = BUF_INIT;
	char auth[600];
	snprintf(auth, sizeof auth, "Authorization: %s", key);
	const char *hdrs[] = {auth, "Accept: application/json", NULL};
	int rc = p->build(p, &q, basebuf, key, &url, &shown);
	if (rc) {
		buf_free(&url);
		buf_free(&shown);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	fetch_opts o = *fo;
	o.trusted = 1;
	o.public_url = shown.data;
	o.accept = FETCH_JSON;
	o.max_bytes = STOCK_MAX_REPLY;
	o.ttl_s = STOCK_SEARCH_TTL_S;
	o.headers = p->reset_is_epoch ? hdrs : hdrs + 1;
	o.what = p->name;
	fetch_result fr;
	char *body = NULL;
	size_t len = 0;
	rc = fetch_body(url.data, &o, &fr, &body, &len, e);
	if (rc) {
		/* Pixabay says a bad key with a 400 and a sentence naming it. */
		if (e && rc == VE_PROTOCOL && fr.status == 400 && strstr(e->msg, "API key"))
			rc = e->code = VE_AUTH;
		if (e && rc == VE_AUTH)
			snprintf(e->msg + strlen(e->msg), sizeof e->msg - strlen(e->msg), " (check %s)", p->key_env);
		goto done;
	}
	note_rate(p, &fr);
	out->ratelimit_remaining = fr.ratelimit_remaining;
	out->ratelimit_reset = fr.ratelimit_reset;
	out->from_cache = fr.from_cache;
	out->page = q.page;
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);
	size_t cap = 0;
	if (root) {
		json_t *list = json_object_get(root, "hits");
		if (!list)
			list = json_object_get(root, q.media == STOCK_VIDEO ? "videos" : "photos");
		cap = json_array_size(list);
	}
	out->items = calloc(cap ? cap : 1, sizeof *out->items);
	if (!out->items)
		rc = err_set(e, VE_NOMEM, "out of memory");
	else if (!root || p->parse(&q, root, out)) {
		/* Not the protocol's JSON: forget it, so the next run asks again. */
		fetch_forget(shown.data, &o);
		rc = err_set(e, VE_PROTOCOL, "%s: the search reply for '%s' is not %s's JSON%s%s", p->name,
			     q.query, p->name, root ? "" : ": ", root ? "" : je.text);
	}
	json_decref(root);
done:
	free(body);
	buf_free(&url);
	buf_free(&shown);
	if (rc)
		stock_results_free(out);
	return rc;
}

/* ---- choosing ----------------------------------------------------------------------------- */

void stock_choice_free(stock_choice *c)
{
	free(c->item.file_url);
	free(c->item.page_url);
	free(c->item.author);
	free(c->item.author_url);
	free(c->item.description);
	memset(c, 0, sizeof *c);
}

/* Words that describe the shot rather than its subject: a stock search for them finds noise. */
static const char *const shot_words[] = {
	"a", "an", "of", "on", "in", "at", "to", "by", "or", "it", "is", "be", "up", "some",
	"showing", "shows", "show", "shot", "image", "photo", "picture", "view", "close", "closeup",
	"close-up", "b-roll", "footage", "video", "clip", "scene", "background", "being", "over",
	"under", "very", "into", "onto",
};

static int stop_word(const char *w, size_t n)
{
	if (terms_stopword(w, n))
		return 1;
	for (size_t i = 0; i < sizeof shot_words / sizeof *shot_words; i++)
		if (strlen(shot_words[i]) == n && !strncasecmp(shot_words[i], w, n))
			return 1;
	return 0;
}

/* The content words of s (lower case, punctuation dropped), at most max, joined by spaces. */
static void content_words(const char *s, int max, char *out, size_t n)
{
	size_t o = 0;
	int words = 0;
	out[0] = 0;
	while (*s && words < max) {
		while (*s && !isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80))
			s++;
		const char *w = s;
		while (*s && (isalnum((unsigned char)*s) || *s == '-' || ((unsigned char)*s & 0x80)))
			s++;
		size_t k = (size_t)(s - w);
		if (!k || stop_word(w, k) || o + k + 2 >= n)
			continue;
		if (o)
			out[o++] = ' ';
		for (size_t i = 0; i < k; i++)
			out[o++] = (char)tolower((unsigned char)w[i]);
		out[o] = 0;
		words++;
	}
}

/* How many of the query's words the item's description holds. */
static int shared_words(const char *query, const char *desc)
{
	int n = 0;
	char w[64];
	for (const char *p = query; *p;) {
		size_t k = strcspn(p, " ");
		if (k && k < sizeof w) {
			memcpy(w, p, k);
			w[k] = 0;
			n += strcasestr(desc, w) != NULL;
		}
		p += k;
		while (*p == ' ')
			p++;
	}
	return n;
}

stock_orient stock_orient_of(int w, int h)
{
	return w > h * 11 / 10 ? STOCK_LANDSCAPE : h > w * 11 / 10 ? STOCK_PORTRAIT : STOCK_SQUARE;
}

static double score(const stock_item *it, const stock_pick_opts *po, const char *query, int rank)
{
	double s = 0;
	int w = it->file_width, h = it->file_height;
	stock_orient o = stock_orient_of(w, h);
	if (po->orient == STOCK_ANY || o == po->orient)
		s += 3;
	else if (o == STOCK_SQUARE)
		s += 1;
	if (po->want_width > 0 && po->want_height > 0) {
		double fw = (double)w / po->want_width, fh = (double)h / po->want_height;
		double f = fw < fh ? fw : fh;
		s += f >= 1 ? 2 : 2 * f;
	}
	int shared = shared_words(query, it->description ? it->description : "");
	s += shared > 4 ? 2 : shared * 0.5;
	if (it->media == STOCK_VIDEO && po->min_duration > 0)
		s += it->duration >= po->min_duration ? 1 : it->duration / po->min_duration;
	return s - rank * 0.01; /* the service's own ranking breaks ties */
}

static int used(const stock_pick_opts *po, long long id)
{
	for (int i = 0; i < po->nused; i++)
		if (po->used[i] == id)
			return 1;
	return 0;
}

/* The queries to try, most specific first, without repeats. */
static int build_queries(const stock_pick_opts *po, char q[3][256])
{
	int n = 0;
	char cue[120], head[80];
	content_words(po->cue ? po->cue : "", 6, cue, sizeof cue);
	content_words(po->cue ? po->cue : "", 2, head, sizeof head);
	const char *k0 = po->nkeywords > 0 ? po->keywords[0] : "";
	const char *k1 = po->nkeywords > 1 ? po->keywords[1] : "";
	char c[3][256];
	snprintf(c[0], sizeof c[0], "%s", cue);
	snprintf(c[1], sizeof c[1], "%s%s%.80s", head, *head && *k0 ? " " : "", k0);
	snprintf(c[2], sizeof c[2], "%.80s%s%.80s", k0, *k0 && *k1 ? " " : "", k1);
	for (int i = 0; i < 3; i++) {
		int dup = !*c[i];
		for (int j = 0; j < n && !dup; j++)
			dup = !strcasecmp(q[j], c[i]);
		if (!dup)
			memcpy(q[n++], c[i], 256);
	}
	return n;
}

/* Moves item i out of r into the choice (r keeps a hollow slot). */
static void take_item(stock_results *r, int i, stock_choice *c)
{
	c->item = r->items[i];
	c->item.provider = r->items[i].provider;
	memset(&r->items[i], 0, sizeof r->items[i]);
}

/* Scores a page's items (the used ones out of the running); returns the best score. */
static double score_page(const stock_provider *p, stock_results *r, const stock_pick_opts *po,
			 const char *query, double *sc)
{
	double best = -1e9;
	for (int i = 0; i < r->n; i++) {
		r->items[i].provider = p->name;
		r->items[i].media = po->media;
		r->items[i].licence = p->licence;
		r->items[i].licence_url = p->licence_url;
		sc[i] = used(po, r->items[i].id) ? -1e9 : score(&r->items[i], po, query, i);
		if (sc[i] > best)
			best = sc[i];
	}
	return best;
}

/* Downloads a page's items in score order until one arrives whole. 1 chosen, 0 none left, or a
 * negative code: the first download error (the caller may look elsewhere) or a hard one. */
static int choose_from(const stock_provider *p, stock_results *r, double *sc,
		       const stock_pick_opts *po, const fetch_opts *fo, const char *query,
		       stock_choice *out, vidc_err *e)
{
	int tried = 0, first_err = 0;
	while (tried < STOCK_TRIES) {
		int best = -1;
		for (int i = 0; i < r->n; i++)
			if (sc[i] > -1e8 && (best < 0 || sc[i] > sc[best]))
				best = i;
		if (best < 0)
			break;
		double chosen_score = sc[best];
		sc[best] = -1e9;
		tried++;
		fetch_opts o = *fo;
		o.trusted = 0;
		o.public_url = NULL;
		o.accept = po->media == STOCK_VIDEO ? FETCH_VIDEO : FETCH_IMAGE;
		o.max_bytes = po->media == STOCK_VIDEO ? STOCK_MAX_FOOTAGE : STOCK_MAX_PHOTO;
		o.ttl_s = 0;
		o.what = p->name;
		vidc_err de = {0};
		int rc = fetch_url(r->items[best].file_url, &o, &out->file, &de);
		if (!rc) {
			take_item(r, best, out);
			snprintf(out->query, sizeof out->query, "%.255s", query);
			out->score = chosen_score;
			return 1;
		}
		if (rc == VE_CANCELED || rc == VE_NOMEM || rc == VE_IO)
			return err_set(e, rc, "%s", de.msg);
		if (!first_err) {
			first_err = rc;
			*e = de;
		}
	}
	return first_err;
}

/* A page good enough to stop looking: an unused item of the wanted orientation, at least the
 * frame's size (3 + 2 points of score). */
#define STOCK_GOOD_SCORE 4.9

int stock_pick(const stock_provider *p, const stock_pick_opts *po, const fetch_opts *fo,
	       stock_choice *out, vidc_err *e)
{
	memset(out, 0, sizeof *out);
	char queries[3][256];
	int nq = build_queries(po, queries);
	if (!nq)
		return err_set(e, VE_INVAL, "%s: no words to search for (an empty visual cue and no keywords)", p->name);
	int pages = po->max_pages > 0 ? po->max_pages : 2;
	int download_err = 0;
	vidc_err de = {0};
	for (int k = 0; k < nq; k++) {
		/* The best page of this query: pages are read until one is good enough. */
		stock_results best = {0};
		double best_score = -1e9, sc[256], best_sc[256];
		for (int page = 1; page <= pages; page++) {
			stock_query q = {.query = queries[k], .media = po->media, .orient = po->orient,
					 .want_width = po->want_width, .want_height = po->want_height,
					 .page = page, .per_page = 15};
			stock_results r;
			int rc = stock_search(p, &q, fo, &r, e);
			if (rc) {
				stock_results_free(&best);
				return rc;
			}
			if (r.n > 256)
				r.n = 256; /* never: per_page is 15 */
			double s = score_page(p, &r, po, queries[k], sc);
			int more = r.more;
			if (s > best_score) {
				stock_results_free(&best);
				best = r;
				best_score = s;
				memcpy(best_sc, sc, sizeof(double) * (size_t)r.n);
			} else {
				stock_results_free(&r);
			}
			if (best_score >= STOCK_GOOD_SCORE || !more)
				break;
		}
		int rc = best.n ? choose_from(p, &best, best_sc, po, fo, queries[k], out, &de) : 0;
		stock_results_free(&best);
		if (rc == 1)
			return 0;
		if (rc == VE_CANCELED || rc == VE_NOMEM || rc == VE_IO) {
			*e = de;
			return rc;
		}
		if (rc < 0 && !download_err) {
			download_err = rc;
			*e = de;
		}
	}
	if (download_err)
		return download_err;
	return err_set(e, VE_NOTFOUND, "%s: no %s for '%s'%s%s%s", p->name,
		       po->media == STOCK_VIDEO ? "footage" : "photo", queries[0],
		       nq > 1 ? "' or '" : "", nq > 1 ? queries[nq - 1] : "", nq > 1 ? "'" : "");
}
