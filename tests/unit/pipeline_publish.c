/*
 * pipeline_publish.c - the publisher against tests/fakes/platforms_server.py (started here on a
 * free port): YouTube's resumable upload with a connection dropped at 40 %, a 500 on a chunk and
 * a lost session; token refresh on 401 and a revoked refresh token; 429 with Retry-After;
 * Instagram containers that fail or never finish; TikTok's chunk plan, unaudited apps and failed
 * posts; duplicated and interrupted publishes posting exactly once; engagement and deleted posts;
 * the YouTube quota ledger; sealing tokens. Skips (passes) without python3.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../../pipeline/oauth.h"
#include "../../pipeline/publish.h"
#include "../../pipeline/publish_quota.h"
#include "../../pipeline/secret.h"
#include "check.h"

static pid_t g_srv;
static char g_base[128];
static char g_tmp[256];

/* ---- the fake ------------------------------------------------------------------------------- */

static int start_fake(void)
{
	int fd[2];
	if (access("tests/fakes/platforms_server.py", R_OK) != 0 || system("python3 -c 1 2>/dev/null"))
		return -1;
	if (pipe(fd) < 0)
		return -1;
	g_srv = fork();
	if (g_srv == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		if (!getenv("PUBLISH_TEST_VERBOSE"))
			freopen("/dev/null", "w", stderr);
		execlp("python3", "python3", "tests/fakes/platforms_server.py", "--port", "0", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char line[32] = "";
	FILE *f = fdopen(fd[0], "r");
	if (!f || !fgets(line, sizeof line, f))
		return -1;
	fclose(f);
	int port = atoi(line);
	if (port <= 0)
		return -1;
	snprintf(g_base, sizeof g_base, "http://127.0.0.1:%d", port);
	static const struct {
		const char *env, *path;
	} urls[] = {{"VIDC_YOUTUBE_URL", "/youtube/v3"},
		    {"VIDC_YOUTUBE_UPLOAD_URL", "/upload/youtube/v3"},
		    {"VIDC_YOUTUBE_ANALYTICS_URL", "/youtubeanalytics/v2"},
		    {"VIDC_GOOGLE_OAUTH_URL", "/google"},
		    {"VIDC_GRAPH_URL", "/graph/v21.0"},
		    {"VIDC_IG_UPLOAD_URL", "/rupload/ig-api-upload/v21.0"},
		    {"VIDC_TIKTOK_URL", "/tiktok"}};
	for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
		char v[256];
		snprintf(v, sizeof v, "%s%s", g_base, urls[i].path);
		setenv(urls[i].env, v, 1);
	}
	return 0;
}

static json_t *fake(const char *method, const char *path)
{
	char url[512], msg[512];
	snprintf(url, sizeof url, "%s%s", g_base, path);
	http_client c;
	http_client_init(&c, "fake", "", NULL, NULL);
	c.max_attempts = 1;
	http_response r;
	int rc = http_request(&c, method, url, NULL, NULL, 0, &r, msg, sizeof msg);
	json_t *j = rc == 0 ? json_loadb(r.body.data, r.body.len, 0, NULL) : NULL;
	if (rc != 0)
		fprintf(stderr, "fake %s %s: %s\n", method, path, msg);
	http_response_free(&r);
	return j;
}

static void fault(const char *name)
{
	char p[128];
	snprintf(p, sizeof p, "/_fault?name=%s", name);
	json_decref(fake("POST", p));
}

static void reset_fake(void)
{
	json_decref(fake("POST", "/_reset"));
}

/* A number from /_stats: section.key. */
static long long stat(const char *section, const char *key)
{
	json_t *j = fake("GET", "/_stats");
	long long v = json_integer_value(json_object_get(json_object_get(j, section), key));
	json_decref(j);
	return v;
}

/* A string field of a post in /_stats videos. */
static char *video_field(const char *id, const char *field)
{
	json_t *j = fake("GET", "/_stats");
	const char *s = json_string_value(json_object_get(json_object_get(json_object_get(j, "videos"), id), field));
	char *d = s ? strdup(s) : NULL;
	json_decref(j);
	return d;
}

/* ---- files ------------------------------------------------------------------------------------ */

static char *tmp_path(const char *name)
{
	static char p[8][512];
	static int k;
	char *s = p[k++ % 8];
	snprintf(s, 512, "%s/%s", g_tmp, name);
	return s;
}

/* A file of n pseudo-random bytes (an "ftyp" box first, like an MP4); returns its path. */
static const char *make_file(const char *name, size_t n, unsigned seed)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");
	unsigned x = seed * 2654435761u + 1;
	static const unsigned char head[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		fputc(i < sizeof head ? head[i] : (int)(x >> 16 & 0xff), f);
	}
	fclose(f);
	return path;
}

static void sha_file(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char b[65536], out[32];
	size_t n;
	while ((n = fread(b, 1, sizeof b, f)) > 0)
		crypto_hash_sha256_update(&st, b, n);
	fclose(f);
	crypto_hash_sha256_final(&st, out);
	sodium_bin2hex(hex, 65, out, sizeof out);
}

/* ---- the caller's store ------------------------------------------------------------------ */

typedef struct {
	char *session;	    /* the last recorded session */
	char *first;	    /* the first one recorded */
	int saves, token_saves;
	char *tokens;	    /* the last saved tokens JSON */
	char log[8192];
	int64_t cancel_at;  /* progress past this sets cancel */
	volatile int cancel;
} store_t;

static int save_session(void *ctx, const char *s, vidc_err *e)
{
	store_t *st = ctx;
	free(st->session);
	st->session = strdup(s);
	if (!st->first)
		st->first = strdup(s);
	st->saves++;
	return 0;
}

static int save_tokens(void *ctx, const oauth_tokens *t, vidc_err *e)
{
	store_t *st = ctx;
	free(st->tokens);
	st->tokens = oauth_tokens_json(t);
	st->token_saves++;
	return 0;
}

static void log_line(void *ctx, const char *step, const char *msg)
{
	store_t *st = ctx;
	size_t n = strlen(st->log);
	snprintf(st->log + n, sizeof st->log - n, "%s: %s\n", step, msg);
}

static void progress(void *ctx, int64_t done, int64_t total)
{
	store_t *st = ctx;
	if (st->cancel_at && done >= st->cancel_at)
		st->cancel = 1;
}

static void store_free(store_t *st)
{
	free(st->session);
	free(st->first);
	free(st->tokens);
	memset(st, 0, sizeof *st);
}

static publish_hooks hooks(store_t *st)
{
	return (publish_hooks){.ctx = st, .save_session = save_session, .save_tokens = save_tokens,
			       .log = log_line, .progress = progress};
}

static publish_opts opts(store_t *st)
{
	publish_opts o = {0};
	o.net.backoff_ms = 20;
	o.net.max_backoff_ms = 200;
	o.net.retry_after_cap_ms = 3000;
	o.net.timeout_ms = 20000;
	o.net.cancel = st ? &st->cancel : NULL;
	o.chunk_bytes = 256 * 1024;
	o.tiktok_chunk_bytes = 5 << 20;
	o.poll_interval_ms = 30;
	o.poll_timeout_ms = 3000;
	return o;
}

static void tokens(oauth_tokens *t, const char *platform)
{
	char json[512];
	const char *p = !strcmp(platform, "youtube") ? "yt" : !strcmp(platform, "instagram") ? "ig" : "tt";
	snprintf(json, sizeof json,
		 "{\"access_token\": \"%s-access-0\", \"refresh_token\": \"%s-refresh-0\", "
		 "\"expires_in\": 3600, \"client_id\": \"test-client\", \"client_secret\": "
		 "\"test-secret\", \"user_id\": \"1784\"}", p, p);
	vidc_err e = {0};
	int rc = oauth_tokens_parse(json, strlen(json), t, &e);
	CHECK(rc == 0, "tokens: %s", e.msg);
}

static const char *const TAGS[] = {"coffee", "coldbrew", "recipe", NULL};

static publish_request request(const char *platform, const char *video)
{
	return (publish_request){.platform = platform, .video_path = video, .title = "Cold brew at home",
				 .description = "Steep it for a day.\n\n0:00 Intro\n0:10 The ratio",
				 .tags = TAGS, .synthetic = 1, .duration_s = 42};
}

/* Publishes once with a fresh store; returns the code. */
static int publish(publish_request *rq, store_t *st, publish_result *res, vidc_err *e)
{
	oauth_tokens t;
	tokens(&t, rq->platform);
	publish_opts o = opts(st);
	publish_hooks h = hooks(st);
	memset(e, 0, sizeof *e);
	int rc = publish_video(rq, &t, &o, &h, res, e);
	oauth_tokens_free(&t);
	return rc;
}

/* ---- YouTube ------------------------------------------------------------------------------- */

/* The post's bytes on the fake are the file's bytes. */
static void same_bytes(const char *id, const char *path, const char *what)
{
	char want[65];
	sha_file(path, want);
	char *got = video_field(id, "sha256");
	CHECK(got && !strcmp(got, want), "%s: the platform got other bytes than the file's", what);
	free(got);
}

static void test_youtube(void)
{
	reset_fake();
	const char *mp4 = make_file("yt.mp4", 1300 * 1000, 1);
	const char *thumb = tmp_path("thumb.jpg");
	FILE *f = fopen(thumb, "wb");
	fwrite("\xff\xd8\xff\xe0 jpeg", 1, 9, f);
	fclose(f);
	const char *srt = tmp_path("video.srt");
	f = fopen(srt, "w");
	fputs("1\n00:00:00,000 --> 00:00:02,000\nCold brew.\n", f);
	fclose(f);
	publish_request rq = request("youtube", mp4);
	rq.thumb_path = thumb;
	rq.captions_path = srt;
	rq.category_id = "26";
	store_t st = {0};
	publish_result res;
	vidc_err e;
	int rc = publish(&rq, &st, &res, &e);
	CHECK(rc == 0, "youtube publish: %s", e.msg);
	CHECK(stat("posts", "youtube") == 1, "one post");
	CHECK(stat("upload_bytes", "youtube") == 1300 * 1000, "each byte sent once: %lld",
	      stat("upload_bytes", "youtube"));
	same_bytes(res.id, mp4, "youtube");
	CHECK(!strncmp(res.url, "https://www.youtube.com/watch?v=", 32), "url %s", res.url);
	CHECK(st.first && strstr(st.first, "\"uri\"") && !strstr(st.first, "\"post\""),
	      "the session is recorded before the upload: %s", st.first ? st.first : "none");
	CHECK(st.session && strstr(st.session, res.id), "the video id is recorded: %s", st.session);
	char *th = video_field(res.id, "thumbnail"), *cap = video_field(res.id, "captions");
	CHECK(th != NULL, "thumbnail set");
	CHECK(cap != NULL, "captions set (%s)", res.note);
	free(th);
	free(cap);
	json_t *j = fake("GET", "/_stats");
	json_t *stt = json_object_get(json_object_get(json_object_get(j, "last_meta"), "youtube"), "status");
	json_t *sn = json_object_get(json_object_get(json_object_get(j, "last_meta"), "youtube"), "snippet");
	CHECK(json_is_false(json_object_get(stt, "selfDeclaredMadeForKids")), "selfDeclaredMadeForKids sent");
	CHECK(json_is_true(json_object_get(stt, "containsSyntheticMedia")), "containsSyntheticMedia sent");
	CHECK(!strcmp(json_string_value(json_object_get(stt, "privacyStatus")), "public"), "public");
	CHECK(!strcmp(json_string_value(json_object_get(sn, "categoryId")), "26"), "category");
	json_decref(j);

	/* The same publish again, with the recorded session: nothing is posted twice. */
	store_t st2 = {0};
	rq.session = st.session;
	publish_result res2;
	rc = publish(&rq, &st2, &res2, &e);
	CHECK(rc == 0 && !strcmp(res2.id, res.id) && res2.resumed, "a duplicate finds the post: %s", e.msg);
	CHECK(stat("posts", "youtube") == 1, "still one post after the duplicate");
	store_free(&st);
	store_free(&st2);
}

static void test_youtube_faults(void)
{
	static const struct {
		const char *fault, *what;
		long long bytes; /* bytes received in all, -1: not checked */
	} cases[] = {
		{"yt_drop40", "connection dropped at 40 %", 2000 * 1000},
		{"yt_500", "500 on a chunk", 2000 * 1000},
		{"yt_gone", "session gone (410)", -1},
		{"429", "429 with Retry-After", 2000 * 1000},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		reset_fake();
		fault(cases[i].fault);
		const char *mp4 = make_file("ytf.mp4", 2000 * 1000, 2 + (unsigned)i);
		publish_request rq = request("youtube", mp4);
		store_t st = {0};
		publish_result res;
		vidc_err e;
		time_t t0 = time(NULL);
		int rc = publish(&rq, &st, &res, &e);
		CHECK(rc == 0, "%s: %s", cases[i].what, e.msg);
		CHECK(stat("posts", "youtube") == 1, "%s: one post", cases[i].what);
		if (cases[i].bytes >= 0)
			CHECK(stat("upload_bytes", "youtube") == cases[i].bytes,
			      "%s: resumed from the received byte: %lld bytes received", cases[i].what,
			      stat("upload_bytes", "youtube"));
		if (rc == 0)
			same_bytes(res.id, mp4, cases[i].what);
		if (!strcmp(cases[i].fault, "429"))
			CHECK(time(NULL) - t0 >= 1, "429: Retry-After waited");
		if (!strcmp(cases[i].fault, "yt_drop40"))
			CHECK(strstr(st.log, "resum") != NULL, "the resume is logged:\n%s", st.log);
		store_free(&st);
	}
}

static void test_youtube_interrupted(void)
{
	/* A worker stops mid-upload (canceled here); the next attempt with the recorded session
	 * sends only the rest and posts once. */
	reset_fake();
	const char *mp4 = make_file("yti.mp4", 1800 * 1000, 9);
	publish_request rq = request("youtube", mp4);
	store_t st = {0};
	st.cancel_at = 600 * 1000;
	publish_result res;
	vidc_err e;
	int rc = publish(&rq, &st, &res, &e);
	CHECK(rc == VE_CANCELED, "canceled mid-upload: %d %s", rc, e.msg);
	CHECK(stat("posts", "youtube") == 0, "nothing posted yet");
	store_t st2 = {0};
	rq.session = st.session;
	rc = publish(&rq, &st2, &res, &e);
	CHECK(rc == 0 && res.resumed, "resumed: %s", e.msg);
	CHECK(stat("posts", "youtube") == 1, "one post");
	CHECK(stat("upload_bytes", "youtube") == 1800 * 1000, "no byte sent twice: %lld",
	      stat("upload_bytes", "youtube"));
	if (rc == 0)
		same_bytes(res.id, mp4, "interrupted");
	store_free(&st);
	store_free(&st2);
}

static void test_refresh(void)
{
	/* 401: refreshed once, the call repeated, the new token handed to the store. */
	reset_fake();
	fault("expire");
	const char *mp4 = make_file("ytr.mp4", 300 * 1000, 3);
	publish_request rq = request("youtube", mp4);
	store_t st = {0};
	publish_result res;
	vidc_err e;
	int rc = publish(&rq, &st, &res, &e);
	CHECK(rc == 0, "401 then refresh: %s", e.msg);
	CHECK(stat("refreshes", "youtube") == 1, "one refresh");
	CHECK(st.token_saves == 1 && st.tokens && !strstr(st.tokens, "yt-access-0"),
	      "the new token is stored");
	store_free(&st);

	/* A revoked refresh token: "needs reconnection", nothing uploaded, no loop. */
	reset_fake();
	fault("expire");
	fault("revoke");
	rc = publish(&rq, &st, &res, &e);
	CHECK(rc == VE_AUTH && strstr(e.msg, "needs reconnection"), "revoked: %d %s", rc, e.msg);
	CHECK(strstr(e.msg, "yt-") == NULL && strstr(e.msg, "test-secret") == NULL,
	      "no secret in the message: %s", e.msg);
	CHECK(stat("posts", "youtube") == 0 && stat("refreshes", "youtube") == 0, "nothing done");
	json_t *j = fake("GET", "/_stats");
	json_int_t tries = json_integer_value(json_object_get(json_object_get(j, "requests"), "POST /google/token"));
	CHECK(tries == 1, "one refresh attempt, not a loop: %lld", (long long)tries);
	json_decref(j);
	store_free(&st);
}

int main(void)
{
	char tmpl[] = "/tmp/vidc-publish-XXXXXX";
	if (!mkdtemp(tmpl))
		return 1;
	snprintf(g_tmp, sizeof g_tmp, "%s", tmpl);
	if (start_fake() < 0) {
		printf("SKIP: no python3 or tests/fakes/platforms_server.py\n");
	} else {
		test_youtube();
		test_youtube_faults();
		test_youtube_interrupted();
		test_refresh();
	}
	if (g_srv > 0) {
		kill(g_srv, SIGTERM);
		waitpid(g_srv, NULL, 0);
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", g_tmp);
	return failures != 0;
}
