/*
 * pipeline_script.c - the script stage's finishing rules (pipeline/script.h) on synthetic input:
 * platform limits with oversized keywords and summaries (YouTube title 100, tags 500 in total,
 * Instagram 30 hashtags, TikTok/Instagram caption 2,200), chapter merging under YouTube's rules,
 * the type ranges narrowed by platforms, the extractive generator on an article without headings
 * (points from the article, fit to the range), and the HTTP client's error sentences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check.h"
#include "../../pipeline/article.h"
#include "../../pipeline/http.h"
#include "../../pipeline/script.h"


static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void test_opts(void)
{
	char err[256];
	script_opts o;
	CHECK(script_opts_init(&o, SCRIPT_SHORT, NULL, err, sizeof err) == 0, "%s", err);
	CHECK(o.nplatforms == 3 && o.min_s == 30 && o.max_s == 90, "short default: %d platforms, %g-%g", o.nplatforms, o.min_s, o.max_s);
	CHECK(script_opts_init(&o, SCRIPT_SHORT, "instagram_reel", err, sizeof err) == 0 && o.max_s == 90, "reels 90: %g", o.max_s);
	CHECK(script_opts_init(&o, SCRIPT_SHORT, "tiktok,tiktok,", err, sizeof err) == 0 && o.nplatforms == 1, "dedup");
	CHECK(script_opts_init(&o, SCRIPT_LONG, NULL, err, sizeof err) == 0 && o.min_s == 300 && o.max_s == 900, "long");
	CHECK(script_opts_init(&o, SCRIPT_MEDIUM, "youtube_short", err, sizeof err) == 0 && o.max_s == 180, "medium on shorts: %g", o.max_s);
	CHECK(script_opts_init(&o, SCRIPT_LONG, "tiktok,youtube_short", err, sizeof err) < 0 && strstr(err, "youtube_short accepts at most 180 s"), "%s", err);
	CHECK(script_opts_init(&o, SCRIPT_SHORT, "vine", err, sizeof err) < 0 && strstr(err, "unknown platform 'vine'"), "%s", err);
}

/* A script with n points of the given text, as a generator's draft. */
static json_t *draft(int n, const char *text)
{
	json_t *s = json_object();
	json_object_set_new(s, "hook", json_string("A hook of eight words to start with."));
	json_object_set_new(s, "intro", json_string(""));
	json_t *pts = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(pts, json_pack("{s:s, s:f, s:s, s:s}", "text", text, "duration_est", 0.0,
						     "visual_cue", "", "text_overlay", "Overlay"));
	json_object_set_new(s, "points", pts);
	json_object_set_new(s, "cta", json_string("Follow for more."));
	json_object_set_new(s, "chapter_markers", json_array());
	return s;
}

static void test_chapters(void)
{
	/* 20 words = 7.27 s at 165 wpm: chapters every point would be < 10 s; merged to >= 10. */
	const char *t20 = "one two three four five six seven eight nine ten one two three four five six seven eight nine ten";
	json_t *s = draft(8, t20);
	script_retime(s, 165);
	json_t *ch = json_object_get(s, "chapter_markers");
	double total = json_number_value(json_object_get(s, "total_estimated_duration"));
	CHECK(json_array_size(ch) >= 3, "%zu chapters", json_array_size(ch));
	CHECK(json_number_value(json_object_get(json_array_get(ch, 0), "time")) == 0, "first at 0");
	for (size_t i = 0; i < json_array_size(ch); i++) {
		double t0 = json_number_value(json_object_get(json_array_get(ch, i), "time"));
		double t1 = i + 1 < json_array_size(ch) ? json_number_value(json_object_get(json_array_get(ch, i + 1), "time")) : total;
		CHECK(t1 - t0 >= 10, "chapter %zu lasts %.2f", i, t1 - t0);
	}
	double d = json_number_value(json_object_get(json_array_get(json_object_get(s, "points"), 0), "duration_est"));
	CHECK(d > 7.2 && d < 7.3, "20 words at 165 wpm: %g s", d);
	/* hook 8 words 2.91 + 0.4, 8 x (7.27 + 0.4), cta 3 words 1.09 */
	CHECK(total > 65.6 && total < 65.8, "total %g", total);
	json_decref(s);
}

static void test_seo_limits(void)
{
	char err[512];
	/* 60 long keywords, a 3,000-character summary, a 150-character title. */
	char *json = malloc(20000);
	size_t n = (size_t)sprintf(json, "{\"title\": \"");
	for (int i = 0; i < 15; i++)
		n += (size_t)sprintf(json + n, "Very long title %d ", i);
	n += (size_t)sprintf(json + n, "\", \"meta_description\": \"");
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(json + n, "Summary %03d. ", i);
	n += (size_t)sprintf(json + n, "\", \"keywords\": [");
	for (int i = 0; i < 60; i++)
		n += (size_t)sprintf(json + n, "%s\"keyword phrase number %d\"", i ? ", " : "", i);
	sprintf(json + n, "]}");
	article_t *a = article_parse(json, strlen(json), "big.json", ".", err, sizeof err);
	free(json);
	CHECK(a != NULL, "%s", err);
	if (!a)
		return;
	script_opts o;
	script_opts_init(&o, SCRIPT_MEDIUM, "tiktok,youtube_short,instagram_reel,youtube_long", err, sizeof err);
	json_t *s = draft(8, "one two three four five six seven eight nine ten one two three four five six seven eight nine ten");
	script_retime(s, o.wpm);
	script_seo_finish(s, a, &o);
	json_t *seo = json_object_get(s, "seo");
	CHECK(json_object_size(seo) == 4, "4 platforms");
	const char *pf;
	json_t *d;
	json_object_foreach(seo, pf, d) {
		const char *title = json_string_value(json_object_get(d, "title"));
		const char *desc = json_string_value(json_object_get(d, "description"));
		json_t *tags = json_object_get(d, "tags");
		size_t tl = 0, i;
		json_t *t;
		json_array_foreach(tags, i, t) tl += chars(json_string_value(t)) + (strchr(json_string_value(t), ' ') ? 2 : 0) + (i ? 1 : 0);
		if (!strncmp(pf, "youtube", 7)) {
			CHECK(chars(title) <= 100, "%s title %zu", pf, chars(title));
			CHECK(tl <= 500, "%s tags %zu characters", pf, tl);
			CHECK(chars(desc) <= 5000, "%s description %zu", pf, chars(desc));
			CHECK(strstr(desc, "\n0:00 Intro\n"), "%s description has chapters: ...%s", pf, desc + strlen(desc) - 40);
		} else {
			size_t cap = chars(desc) + 2;
			json_array_foreach(tags, i, t) cap += chars(json_string_value(t)) + 1 + (i ? 1 : 0);
			CHECK(cap <= 2200, "%s caption %zu", pf, cap);
			CHECK(json_array_size(tags) <= 30, "%s %zu hashtags", pf, json_array_size(tags));
			json_array_foreach(tags, i, t) CHECK(!strchr(json_string_value(t), ' '), "%s hashtag '%s'", pf, json_string_value(t));
		}
	}
	char verr[512];
	json_t *schema = script_schema_load(NULL, err, sizeof err);
	CHECK(schema != NULL, "%s", err);
	if (schema) {
		CHECK(script_validate(schema, s, verr, sizeof verr) == 0, "validates: %s", verr);
		json_decref(schema);
	}
	json_decref(s);
	article_free(a);
}

static void test_extract_no_headings(void)
{
	char err[1024];
	const char *json =
		"{\"title\": \"A walk in the park\", \"keywords\": [\"park\"], \"content_html\": \""
		"<p>The park opened in 1890 and covers 40 hectares of lawns and woods. Locals walk there every morning. "
		"It has a lake with rowing boats that you can rent for 8 euros an hour.</p>"
		"<p>In spring, more than 20,000 tulips flower along the main avenue. The gardeners plant them by hand every November. "
		"Visitors come from all over the country to see them.</p>"
		"<p>The park cafe serves coffee, cakes and sandwiches from 9 am to 6 pm. On Sundays a brass band plays "
		"on the bandstand next to the cafe. Entry to the park itself is free all year round.</p>\"}";
	article_t *a = article_parse(json, strlen(json), "park.json", ".", err, sizeof err);
	CHECK(a != NULL, "%s", err);
	if (!a)
		return;
	script_opts o;
	script_opts_init(&o, SCRIPT_SHORT, "tiktok", err, sizeof err);
	json_t *s = script_generate(&script_gen_extract, a, &o, err, sizeof err);
	CHECK(s != NULL, "%s", err);
	if (s) {
		double t = json_number_value(json_object_get(s, "total_estimated_duration"));
		CHECK(t >= o.min_s && t <= o.max_s, "total %g", t);
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(s, "points"), i, p) {
			const char *txt = json_string_value(json_object_get(p, "text"));
			CHECK(strstr(a->text, txt) != NULL, "point %zu not from the article: %s", i, txt);
			CHECK(!json_object_get(p, "_chapter"), "working key leaked");
		}
		json_decref(s);
	}
	/* The same article is too short for a medium video: a clear error, no padding. */
	script_opts_init(&o, SCRIPT_MEDIUM, NULL, err, sizeof err);
	s = script_generate(&script_gen_extract, a, &o, err, sizeof err);
	CHECK(!s && strstr(err, "too short for a medium video"), "%s", s ? "(made a script)" : err);
	json_decref(s);
	article_free(a);
}

/* A sentence holding inline code that is not a plain word (<code>fopen()</code>) is never the
 * hook, the intro or a point while other prose is left: the voice would read its punctuation
 * aloud. A code span that is a word (<code>tracemalloc</code>) is spoken like any word. */
static void test_extract_inline_code(void)
{
	char err[1024];
	const char *json =
		"{\"title\": \"Reading files in C\", \"keywords\": [\"files\", \"fopen\", \"read\"], \"content_html\": \""
		"<p>Reading files in C takes three steps: open the file, read the bytes, close the file again.</p>"
		"<p>To read files, call <code>fopen(path, \\\"rb\\\")</code> and read the files with <code>fread()</code> in 4096 byte steps.</p>"
		"<p>The standard library has one tool for all files: <code>stdio</code>. It has been part of C since 1989.</p>"
		"<p>Every file you open must be closed, or the program runs out of file handles after about 1024 files.</p>"
		"<p>Binary mode matters on Windows, where text mode changes line endings while it reads the files.</p>"
		"<p>Check every call for errors: a disk can fill up, and a network drive can vanish while you read.</p>"
		"<p>Large files are best read in chunks of a few kilobytes, so the memory use stays flat.</p>"
		"<p>When you are done, close the file and free the buffer you used to read it.</p>\"}";
	article_t *a = article_parse(json, strlen(json), "c.json", ".", err, sizeof err);
	CHECK(a != NULL, "%s", err);
	if (!a)
		return;
	script_opts o;
	script_opts_init(&o, SCRIPT_SHORT, "tiktok", err, sizeof err);
	json_t *s = script_generate(&script_gen_extract, a, &o, err, sizeof err);
	CHECK(s != NULL, "%s", err);
	if (s) {
		const char *said[3] = {json_string_value(json_object_get(s, "hook")),
				       json_string_value(json_object_get(s, "intro")), NULL};
		for (int i = 0; i < 2; i++)
			CHECK(said[i] && !strstr(said[i], "fopen"), "code spoken: %s", said[i] ? said[i] : "");
		size_t i;
		json_t *p;
		int word_code = 0;
		json_array_foreach(json_object_get(s, "points"), i, p) {
			const char *txt = json_string_value(json_object_get(p, "text"));
			CHECK(!strstr(txt, "fopen") && !strstr(txt, "fread"), "point %zu reads code: %s", i, txt);
			word_code |= strstr(txt, "stdio") != NULL;
		}
		CHECK(word_code || strstr(said[0], "stdio") || strstr(said[1], "stdio"),
		      "a sentence with a code word was avoided too");
		json_decref(s);
	}
	article_free(a);
}

static void test_http_detail(void)
{
	char out[256];
	http_buf b = {0};
	const char *openai = "{\"error\": {\"message\": \"Incorrect API key provided: sk-x.\", \"type\": \"invalid_request_error\"}}";
	buf_append(&b, openai, strlen(openai));
	CHECK(!strcmp(http_error_detail(&b, out, sizeof out), "Incorrect API key provided: sk-x."), "openai: '%s'", out);
	buf_free(&b);
	const char *eleven = "{\"detail\": {\"status\": \"quota_exceeded\", \"message\": \"Quota exceeded.\"}}";
	buf_append(&b, eleven, strlen(eleven));
	CHECK(!strcmp(http_error_detail(&b, out, sizeof out), "Quota exceeded."), "detail: '%s'", out);
	buf_free(&b);
	const char *html = "<html>\n  <body>Bad   gateway</body>\n</html>";
	buf_append(&b, html, strlen(html));
	CHECK(!strcmp(http_error_detail(&b, out, sizeof out), "<html> <body>Bad gateway</body> </html>"), "text: '%s'", out);
	CHECK(strlen(http_error_detail(&b, out, 10)) == 9, "cut: '%s'", out);
	buf_free(&b);
	CHECK(!strcmp(http_reason(429), "Too Many Requests") && !strcmp(http_reason(599), ""), "reasons");
	/* A port nobody listens on (bound, then released): a connection error, named, after the
	 * given attempts. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	int port = 9;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	char base[64], want[96];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	snprintf(want, sizeof want, "fake: GET %s/models: ", base);
	http_client c;
	http_client_init(&c, "fake", base, "k", "FAKE_KEY");
	c.max_attempts = 2;
	c.backoff_ms = 10;
	http_response r;
	int rc = http_get(&c, "/models", &r, out, sizeof out);
	CHECK(rc == HTTP_ENET && r.attempts == 2, "rc %d attempts %d", rc, r.attempts);
	CHECK(strstr(out, want) && strstr(out, "(after 2 attempts)"), "'%s'", out);
	http_response_free(&r);
	http_client_init(&c, "fake", NULL, NULL, NULL);
	CHECK(http_get(&c, "/x", &r, out, sizeof out) == HTTP_EUSAGE && strstr(out, "no base URL"), "'%s'", out);
	http_response_free(&r);
}

int main(void)
{
	test_opts();
	test_chapters();
	test_seo_limits();
	test_extract_no_headings();
	test_extract_inline_code();
	test_http_detail();
	return check_done();
}
