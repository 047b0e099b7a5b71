/*
 * pipeline_stock.c - Pexels, Pixabay, OpenAI images and Stable Diffusion (pipeline/stock.c,
 * pipeline/aiimage.c) against tests/fakes/stock_server.py: searches and their pagination, the
 * 24-hour search cache (with the key kept out of it), the picker's orientation and resolution
 * preference and its credit, footage files, generated pictures cached by prompt; and the faults:
 * 429 with Retry-After, malformed JSON (not cached), no results, an HTML page instead of an
 * image, a download cut off halfway (not cached), a redirect to 127.0.0.1 (refused), bad keys,
 * a spent rate limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "fakesrv.h"
#include "../../pipeline/aiimage.h"
#include "../../pipeline/http.h"
#include "../../pipeline/stock.h"

static char dir[256], cache[300], stats_cache[300], video[300];
static char base[64];

/* A JSON string's value, "" when absent. */
static const char *js(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static void opts(fetch_opts *o)
{
	fakesrv_fetch_opts(o, cache, 2);
}

/* The fake's counters: searches, generations, media; and the last request. */
static json_t *stats(void)
{
	fetch_opts o;
	opts(&o);
	o.cache_dir = stats_cache;
	o.refresh = 1;
	o.trusted = 1;
	char url[128], *body = NULL;
	size_t len = 0;
	snprintf(url, sizeof url, "%s/_stats", base);
	fetch_result r;
	vidc_err e = {0};
	if (fetch_body(url, &o, &r, &body, &len, &e))
		return json_object();
	json_t *j = json_loadb(body, len, 0, NULL);
	free(body);
	return j ? j : json_object();
}

static long counter(const char *name)
{
	json_t *j = stats();
	long n = (long)json_integer_value(json_object_get(j, name));
	json_decref(j);
	return n;
}

static void set_mode(const char *mode)
{
	http_client c;
	http_client_init(&c, "fake", base, NULL, NULL);
	char body[100], err[300];
	snprintf(body, sizeof body, "{\"mode\": \"%s\"}", mode);
	http_response r;
	if (http_post_json(&c, "/_mode", body, &r, err, sizeof err))
		fprintf(stderr, "cannot set the fake's mode to %s: %s\n", mode, err);
	http_response_free(&r);
}

/* Whether a file under the cache folder contains text. */
/* The first page of 15 photos of text, for a 1080x1920 (portrait) or 1920x1080 frame. */
static stock_query photos(const char *text, stock_orient orient)
{
	int portrait = orient == STOCK_PORTRAIT;
	stock_query q = {.query = text, .media = STOCK_PHOTO, .orient = orient, .want_width = portrait ? 1080 : 1920,
			 .want_height = portrait ? 1920 : 1080, .page = 1, .per_page = 15};
	return q;
}

static int cache_holds(const char *text)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "grep -rqF '%s' '%s'", text, cache);
	return system(cmd) == 0;
}

static void test_search(void)
{
	const stock_provider *px = stock_provider_find("pexels"), *pb = stock_provider_find("pixabay");
	CHECK(px && pb && !stock_provider_find("unsplash"), "provider table");
	fetch_opts o;
	opts(&o);
	stock_query q = photos("coffee beans", STOCK_PORTRAIT);
	stock_results r;
	vidc_err e = {0};
	int rc = stock_search(px, &q, &o, &r, &e);
	CHECK(rc == 0 && r.n == 15 && r.total == 20 && r.more && !r.from_cache,
	      "pexels page 1: rc %d n %d total %ld more %d: %s", rc, r.n, r.total, r.more, e.msg);
	if (!rc && r.n) {
		stock_item *it = &r.items[0];
		CHECK(!strcmp(it->author, "Photographer 0") && strstr(it->author_url, "pexels.com/@") &&
		      strstr(it->page_url, "pexels.com/photo/") && strstr(it->description, "coffee beans"),
		      "credit: %s %s %s", it->author, it->author_url, it->page_url);
		CHECK(r.ratelimit_remaining == 19999, "X-Ratelimit-Remaining: %lld", r.ratelimit_remaining);
		/* A portrait item large enough is asked for at the frame's size. */
		stock_item *big = &r.items[12];
		CHECK(strstr(big->file_url, "w=1080&h=1920") && big->file_width == 1080,
		      "file url %s", big->file_url);
	}
	json_t *st = stats(); /* a new reference: everything read from it dies with it */
	json_t *last = json_object_get(st, "last");
	const char *auth = json_string_value(json_object_get(last, "authorization"));
	json_t *qq = json_object_get(last, "query");
	CHECK(auth && !strcmp(auth, "pexels-test"), "Authorization: %s", auth ? auth : "(none)");
	CHECK(!strcmp(js(json_object_get(qq, "orientation")), "portrait") &&
	      !strcmp(js(json_object_get(qq, "query")), "coffee beans") &&
	      !strcmp(js(json_object_get(qq, "per_page")), "15"),
	      "pexels query parameters");
	json_decref(st);
	stock_results_free(&r);
	/* Page 2 holds the rest; the same search again comes from the cache. */
	long before = counter("searches");
	q.page = 2;
	rc = stock_search(px, &q, &o, &r, &e);
	CHECK(rc == 0 && r.n == 5 && !r.more, "pexels page 2: n %d more %d: %s", r.n, r.more, e.msg);
	stock_results_free(&r);
	rc = stock_search(px, &q, &o, &r, &e);
	CHECK(rc == 0 && r.from_cache && counter("searches") == before + 1,
	      "cached search: from_cache %d, searches %ld -> %ld", r.from_cache, before, counter("searches"));
	stock_results_free(&r);

	/* Pixabay: the key travels in the query, never into the cache's files. */
	q.page = 1;
	q.per_page = 2; /* below Pixabay's minimum of 3: clamped */
	q.orient = STOCK_LANDSCAPE;
	rc = stock_search(pb, &q, &o, &r, &e);
	CHECK(rc == 0 && r.n == 3 && r.total == 20, "pixabay: rc %d n %d: %s", rc, r.n, e.msg);
	if (!rc && r.n) {
		CHECK(!strcmp(r.items[0].author, "user0") && strstr(r.items[0].page_url, "pixabay.com") &&
		      r.items[0].file_width == 1200, "pixabay item: %s %d", r.items[0].author, r.items[0].file_width);
	}
	stock_results_free(&r);
	st = stats();
	qq = json_object_get(json_object_get(st, "last"), "query");
	CHECK(!strcmp(js(json_object_get(qq, "orientation")), "horizontal") &&
	      !strcmp(js(json_object_get(qq, "image_type")), "photo") &&
	      !strcmp(js(json_object_get(qq, "key")), "pixabay-test"),
	      "pixabay query parameters");
	json_decref(st);
	CHECK(!cache_holds("pixabay-test"), "the Pixabay key was written into the cache");
	CHECK(!cache_holds("pexels-test"), "the Pexels key was written into the cache");

	/* Bad and missing keys. */
	q.key = "wrong";
	q.query = "tea";
	rc = stock_search(px, &q, &o, &r, &e);
	CHECK(rc == VE_AUTH && strstr(e.msg, "401") && strstr(e.msg, "VIDC_PEXELS_KEY"), "pexels bad key: %d %s", rc, e.msg);
	rc = stock_search(pb, &q, &o, &r, &e);
	CHECK(rc == VE_AUTH && strstr(e.msg, "Invalid or missing API key") && strstr(e.msg, "VIDC_PIXABAY_KEY"),
	      "pixabay bad key: %d %s", rc, e.msg);
	q.key = NULL;
	unsetenv("VIDC_PIXABAY_KEY");
	rc = stock_search(pb, &q, &o, &r, &e);
	CHECK(rc == VE_AUTH && strstr(e.msg, "set VIDC_PIXABAY_KEY"), "pixabay no key: %d %s", rc, e.msg);
	setenv("VIDC_PIXABAY_KEY", "pixabay-test", 1);
}

static void test_pick(void)
{
	const stock_provider *px = stock_provider_find("pexels"), *pb = stock_provider_find("pixabay");
	fetch_opts o;
	opts(&o);
	const char *kw[] = {"cold brew", "coffee"};
	stock_pick_opts po = {.cue = "Close-up of coarse coffee grounds on a scale", .keywords = kw,
			      .nkeywords = 2, .media = STOCK_PHOTO, .orient = STOCK_PORTRAIT,
			      .want_width = 1080, .want_height = 1920};
	stock_choice c;
	vidc_err e = {0};
	int rc = stock_pick(px, &po, &o, &c, &e);
	CHECK(rc == 0, "pick: %s", e.msg);
	if (!rc) {
		CHECK(c.item.file_width == 1080 && c.item.file_height == 1920 && c.file.width == 1080 &&
		      c.file.height == 1920 && c.file.type == SNIFF_PNG,
		      "picked %dx%d, file %lldx%lld", c.item.file_width, c.item.file_height, c.file.width, c.file.height);
		CHECK(!strcmp(c.query, "coarse coffee grounds scale"), "query '%s'", c.query);
		CHECK(!strcmp(c.item.licence, "Pexels License") && *c.item.author && *c.item.page_url,
		      "credit %s / %s / %s", c.item.licence, c.item.author, c.item.page_url);
	}
	/* Every portrait item of page 1 used: the picker reads page 2 for one. */
	long long used[5];
	stock_query q = {.query = "coarse coffee grounds scale", .media = STOCK_PHOTO,
			 .orient = STOCK_PORTRAIT, .want_width = 1080, .want_height = 1920, .page = 1,
			 .per_page = 15};
	stock_results r;
	if (!stock_search(px, &q, &o, &r, &e)) {
		for (int i = 0; i < 5; i++)
			used[i] = r.items[10 + i].id;
		stock_results_free(&r);
	}
	po.used = used;
	po.nused = 5;
	stock_choice c2;
	rc = stock_pick(px, &po, &o, &c2, &e);
	CHECK(rc == 0 && c2.item.height > c2.item.width && c2.item.id != c.item.id,
	      "pick with page 1's portraits used: rc %d, %dx%d: %s", rc, c2.item.width, c2.item.height, e.msg);
	for (int i = 0; i < 5; i++)
		CHECK(c2.item.id != used[i], "a used item was picked again");
	stock_choice_free(&c);
	stock_choice_free(&c2);

	/* Footage from both services: an MP4 at least the frame's size, long enough. */
	po.used = NULL;
	po.nused = 0;
	po.media = STOCK_VIDEO;
	po.min_duration = 10;
	for (int k = 0; k < 2; k++) {
		rc = stock_pick(k ? pb : px, &po, &o, &c, &e);
		CHECK(rc == 0 && c.file.type == SNIFF_MP4 && c.item.file_width == 1080 &&
		      c.item.file_height == 1920 && c.item.duration >= 10,
		      "%s footage: rc %d type %d %dx%d %.0fs: %s", k ? "pixabay" : "pexels", rc, c.file.type,
		      c.item.file_width, c.item.file_height, c.item.duration, e.msg);
		stock_choice_free(&c);
	}
}

static void test_faults(void)
{
	const stock_provider *px = stock_provider_find("pexels"), *pb = stock_provider_find("pixabay");
	fetch_opts o;
	opts(&o);
	stock_query q = photos("green tea", STOCK_LANDSCAPE);
	stock_results r;
	vidc_err e = {0};

	/* 429 with Retry-After: 1: waited for, then the reply. */
	set_mode("429");
	long before = counter("searches");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = stock_search(px, &q, &o, &r, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(rc == 0 && r.n == 15 && counter("searches") == before + 2 && waited >= 0.95,
	      "429: rc %d, %ld searches, %.2fs: %s", rc, counter("searches") - before, waited, e.msg);
	stock_results_free(&r);

	/* Malformed JSON: an error naming the provider, and not cached (the next search asks). */
	set_mode("malformed");
	q.query = "black tea";
	rc = stock_search(pb, &q, &o, &r, &e);
	CHECK(rc == VE_PROTOCOL && strstr(e.msg, "pixabay") && strstr(e.msg, "JSON"), "malformed: %d %s", rc, e.msg);
	set_mode("ok");
	rc = stock_search(pb, &q, &o, &r, &e);
	CHECK(rc == 0 && !r.from_cache && r.n == 15, "after a malformed reply: rc %d cache %d: %s", rc, r.from_cache, e.msg);
	stock_results_free(&r);

	/* No results: the picker says so. */
	stock_pick_opts po = {.cue = "nothing", .media = STOCK_PHOTO, .orient = STOCK_PORTRAIT,
			      .want_width = 1080, .want_height = 1920};
	stock_choice c;
	rc = stock_pick(px, &po, &o, &c, &e);
	CHECK(rc == VE_NOTFOUND && strstr(e.msg, "nothing"), "no results: %d %s", rc, e.msg);

	/* Media faults: an HTML page, a cut-off body, a redirect to loopback. None is cached. */
	static const struct {
		const char *mode, *cue;
		int code;
		const char *text;
	} f[] = {
		{"html", "oolong tea leaves", VE_PROTOCOL, "HTML page"},
		{"cut", "matcha whisk", VE_NET, "closed before the body was complete"},
		{"redirect", "tea ceremony", VE_DENIED, "127.0.0.1"},
	};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		set_mode(f[i].mode);
		long media0 = counter("media");
		po.cue = f[i].cue;
		rc = stock_pick(px, &po, &o, &c, &e);
		CHECK(rc == f[i].code && strstr(e.msg, f[i].text) && strstr(e.msg, "/media/"),
		      "%s: %d %s", f[i].mode, rc, e.msg);
		/* Three candidates tried (each of the cut ones with its retries). */
		CHECK(counter("media") > media0, "%s: no download was tried", f[i].mode);
	}
	set_mode("ok");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "test -z \"$(find '%s/objects' -name '*.html')\"", cache);
	CHECK(system(cmd) == 0, "an HTML page was stored");
}

static void test_ai(void)
{
	fetch_opts o;
	opts(&o);
	aiimage_req rq = {.provider = "openai", .cue = "a glass jar of cold brew in a fridge",
			  .topic = "Cold Brew at Home", .width = 1080, .height = 1920};
	aiimage_result ar;
	vidc_err e = {0};
	long g0 = counter("generations");
	int rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == 0 && ar.file.type == SNIFF_PNG && ar.file.width == 1024 && ar.file.height == 1792,
	      "openai dall-e-3 portrait: rc %d %lldx%lld: %s", rc, ar.file.width, ar.file.height, e.msg);
	json_t *st = stats(); /* a new reference: everything read from it dies with it */
	json_t *last = json_object_get(st, "last");
	json_t *body = json_object_get(last, "body");
	CHECK(!strcmp(js(json_object_get(body, "size")), "1024x1792") &&
	      !strcmp(js(json_object_get(body, "response_format")), "b64_json") &&
	      strstr(js(json_object_get(body, "prompt")), "cold brew in a fridge") &&
	      strstr(js(json_object_get(body, "prompt")), "Cold Brew at Home"),
	      "openai request");
	CHECK(!strcmp(js(json_object_get(last, "authorization")), "Bearer sk-test"), "bearer");
	json_decref(st);
	/* Cached by prompt: no second generation. */
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == 0 && ar.file.from_cache && counter("generations") == g0 + 1, "ai cache: rc %d, %ld generations",
	      rc, counter("generations") - g0);
	/* gpt-image-1 takes no response_format (the fake refuses it). */
	rq.model = "gpt-image-1";
	rq.width = 1920;
	rq.height = 1080;
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == 0 && ar.file.width == 1536 && ar.file.height == 1024, "gpt-image-1: %d %lldx%lld %s", rc,
	      ar.file.width, ar.file.height, e.msg);
	/* A URL reply is downloaded as content; a wrong key names the setting. */
	set_mode("url");
	rq.model = "dall-e-2";
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == 0 && ar.file.width == 1024, "url reply: %d %s", rc, e.msg);
	set_mode("redirect");
	rq.cue = "a kettle";
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == VE_DENIED && strstr(e.msg, "127.0.0.1"), "url reply redirected to loopback: %d %s", rc, e.msg);
	set_mode("malformed");
	rq.cue = "a teapot";
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == VE_PROTOCOL && strstr(e.msg, "not JSON"), "malformed: %d %s", rc, e.msg);
	set_mode("429");
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == 0, "429 then fine: %d %s", rc, e.msg);
	set_mode("ok");
	rq.api_key = "sk-wrong";
	rq.cue = "a cup";
	rc = aiimage_generate(&rq, &o, &ar, &e);
	CHECK(rc == VE_AUTH && strstr(e.msg, "401") && strstr(e.msg, "VIDC_OPENAI_API_KEY"), "bad key: %d %s", rc, e.msg);
	rq.api_key = NULL;

	/* Stable Diffusion: the preset's aspect in multiples of 64, base64 PNG back. */
	aiimage_req sd = {.provider = "sd", .cue = "steam over a coffee cup", .topic = "Coffee",
			  .width = 1080, .height = 1920};
	rc = aiimage_generate(&sd, &o, &ar, &e);
	CHECK(rc == 0 && ar.file.width == 576 && ar.file.height == 1024, "sd: %d %lldx%lld %s", rc,
	      ar.file.width, ar.file.height, e.msg);
	st = stats();
	body = json_object_get(json_object_get(st, "last"), "body");
	CHECK(json_integer_value(json_object_get(body, "width")) == 576 &&
	      strstr(js(json_object_get(body, "negative_prompt")), "text"), "sd request");
	json_decref(st);
	g0 = counter("generations");
	rc = aiimage_generate(&sd, &o, &ar, &e);
	CHECK(rc == 0 && ar.file.from_cache && counter("generations") == g0, "sd cache");
	unsetenv("VIDC_SD_URL");
	sd.cue = "other";
	rc = aiimage_generate(&sd, &o, &ar, &e);
	CHECK(rc == VE_INVAL && strstr(e.msg, "VIDC_SD_URL"), "no SD server: %d %s", rc, e.msg);
	setenv("VIDC_SD_URL", base, 1);
}

static void test_ratelimit(void)
{
	/* Last: a spent quota is remembered for the rest of the process. */
	const stock_provider *px = stock_provider_find("pexels");
	fetch_opts o;
	opts(&o);
	set_mode("ratelimit");
	stock_query q = {.query = "rooibos", .media = STOCK_PHOTO, .page = 1, .per_page = 15};
	stock_results r;
	vidc_err e = {0};
	int rc = stock_search(px, &q, &o, &r, &e);
	CHECK(rc == 0 && r.ratelimit_remaining == 0, "ratelimit: %d %lld", rc, r.ratelimit_remaining);
	stock_results_free(&r);
	long before = counter("searches");
	q.query = "chai";
	rc = stock_search(px, &q, &o, &r, &e);
	CHECK(rc == VE_QUOTA && strstr(e.msg, "rate limit") && counter("searches") == before,
	      "spent quota: %d %s (%ld requests)", rc, e.msg, counter("searches") - before);
	set_mode("ok");
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/vidc-stock.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(cache, sizeof cache, "%s/cache", dir);
	snprintf(stats_cache, sizeof stats_cache, "%s/stats", dir);
	snprintf(video, sizeof video, "%s/clip.mp4", dir);
	char cmd[800];
	snprintf(cmd, sizeof cmd, "ffmpeg -v error -f lavfi -i testsrc=size=320x568:rate=25 -t 2 "
		 "-pix_fmt yuv420p -y '%s'", video);
	if (system(cmd)) {
		fprintf(stderr, "cannot make a test clip with ffmpeg\n");
		return 1;
	}
	fakesrv srv;
	if (fakesrv_start(&srv, "tests/fakes/stock_server.py", "--host", "127.0.0.2", "--video", video, NULL)) {
		fprintf(stderr, "cannot start tests/fakes/stock_server.py\n");
		return 1;
	}
	snprintf(base, sizeof base, "http://127.0.0.2:%d", srv.port);
	setenv("VIDC_PEXELS_KEY", "pexels-test", 1);
	setenv("VIDC_PIXABAY_KEY", "pixabay-test", 1);
	setenv("VIDC_OPENAI_API_KEY", "sk-test", 1);
	setenv("VIDC_PEXELS_URL", base, 1);
	setenv("VIDC_PIXABAY_URL", base, 1);
	setenv("VIDC_OPENAI_IMAGES_URL", base, 1);
	setenv("VIDC_SD_URL", base, 1);
	setenv("VIDC_HTTP_BACKOFF_MS", "50", 1);
	struct timespec t[6];
	clock_gettime(CLOCK_MONOTONIC, &t[0]);
	test_search();
	clock_gettime(CLOCK_MONOTONIC, &t[1]);
	test_pick();
	clock_gettime(CLOCK_MONOTONIC, &t[2]);
	test_faults();
	clock_gettime(CLOCK_MONOTONIC, &t[3]);
	test_ai();
	clock_gettime(CLOCK_MONOTONIC, &t[4]);
	test_ratelimit();
	clock_gettime(CLOCK_MONOTONIC, &t[5]);
	if (getenv("VIDC_TEST_TIMES"))
		for (int i = 1; i < 6; i++)
			fprintf(stderr, "part %d: %.2fs\n", i, (double)(t[i].tv_sec - t[i - 1].tv_sec) + (t[i].tv_nsec - t[i - 1].tv_nsec) / 1e9);
	fakesrv_stop(&srv);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	return failures != 0;
}
