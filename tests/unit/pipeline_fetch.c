/*
 * pipeline_fetch.c - the one fetcher (pipeline/fetch.c) against tests/fakes/web_server.py, and
 * its parts: the sniffer (types and image sizes from header bytes, fed whole and byte by byte),
 * the address classes of the private-address rule, the URL rule. The server listens on
 * 127.0.0.2, which the tests let through with allow_addrs (as VIDC_ALLOW_PRIVATE_URLS=127.0.0.2
 * would); a redirect to 127.0.0.1 must then still be refused.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "fakesrv.h"
#include "../../pipeline/fetch.h"
#include "../../pipeline/sniff.h"

static char cache[256], stats_cache[300];
static int port;

/* ---- sniffer ------------------------------------------------------------------------------- */

static void test_sniff(void)
{
	static const struct {
		const char *bytes;
		size_t n;
		sniff_type t;
	} t[] = {
		{"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16, SNIFF_PNG},
		{"GIF89a\x40\x01\xf0\x00", 10, SNIFF_GIF},
		{"\xff\xd8\xff\xe1\x9c\x40", 6, SNIFF_JPEG},
		{"RIFF\0\0\0\0WEBPVP8X", 16, SNIFF_WEBP},
		{"RIFF\0\0\0\0AVI LIST", 16, SNIFF_AVI},
		{"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", 8, SNIFF_MKV},
		{"\0\0\0\x18" "ftypisom\0\0\2\0", 16, SNIFF_MP4},
		{"\0\0\0\x1c" "ftypavif\0\0\0\0", 16, SNIFF_HEIF},
		{"\n  <!DOCTYPE html><html><body>Not found</body></html>", 52, SNIFF_HTML},
		{"\xef\xbb\xbf<html><body>", 15, SNIFF_HTML},
		{"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 40, SNIFF_SVG},
		{" {\"photos\": []}", 16, SNIFF_JSON},
		{"Not Found", 9, SNIFF_TEXT},
		{"\x01\x02\x03\x04", 4, SNIFF_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		/* Whole, and byte by byte as a slow server sends it. */
		sniff_type whole = sniff_bytes(t[i].bytes, t[i].n);
		sniff_t s;
		sniff_init(&s);
		for (size_t k = 0; k < t[i].n; k++)
			sniff_feed(&s, t[i].bytes + k, 1);
		sniff_finish(&s);
		CHECK(whole == t[i].t && s.type == t[i].t, "case %zu: %s / %s, expected %s", i,
		      sniff_describe(whole), sniff_describe(s.type), sniff_describe(t[i].t));
	}
	CHECK(sniff_is_image(SNIFF_WEBP) && !sniff_is_image(SNIFF_SVG) && !sniff_is_image(SNIFF_HEIF) &&
	      sniff_is_video(SNIFF_MKV) && !sniff_is_video(SNIFF_JPEG), "image/video kinds");
	CHECK(sniff_from_mime("image/webp") == SNIFF_WEBP && !strcmp(sniff_ext(SNIFF_JPEG), ".jpg"),
	      "mime and extension tables");
}

/* ---- addresses and URLs -------------------------------------------------------------------- */

static const char *cls(const char *ip)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	if (inet_pton(AF_INET, ip, &a4.sin_addr) == 1)
		return fetch_addr_class((struct sockaddr *)&a4);
	if (inet_pton(AF_INET6, ip, &a6.sin6_addr) == 1)
		return fetch_addr_class((struct sockaddr *)&a6);
	return "bad test address";
}

static void test_addresses(void)
{
	static const struct {
		const char *ip, *cls;
	} t[] = {
		{"127.0.0.1", "loopback"}, {"127.255.1.2", "loopback"}, {"10.1.2.3", "private"},
		{"172.16.0.1", "private"}, {"172.31.255.255", "private"}, {"172.32.0.1", NULL},
		{"192.168.1.1", "private"}, {"100.64.0.1", "CGNAT"}, {"100.127.255.254", "CGNAT"},
		{"100.128.0.1", NULL}, {"169.254.169.254", "link-local"}, {"0.0.0.0", "unspecified"},
		{"224.0.0.1", "multicast"}, {"255.255.255.255", "reserved"}, {"8.8.8.8", NULL},
		{"93.184.216.34", NULL}, {"::", "unspecified"}, {"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"}, {"::ffff:10.0.0.1", "private"}, {"::ffff:8.8.8.8", NULL},
		{"::127.0.0.1", "loopback"}, {"fd00::1", "unique-local"}, {"fc12::1", "unique-local"},
		{"fe80::1", "link-local"}, {"ff02::1", "multicast"}, {"64:ff9b::a00:1", "private"},
		{"64:ff9b::808:808", NULL}, {"2002:7f00:1::", "loopback"}, {"2002:808:808::1", NULL},
		{"2606:4700:4700::1111", NULL}, {"2001:db8::1", "reserved"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		const char *c = cls(t[i].ip);
		CHECK((!c && !t[i].cls) || (c && t[i].cls && !strcmp(c, t[i].cls)), "%s: %s, expected %s",
		      t[i].ip, c ? c : "public", t[i].cls ? t[i].cls : "public");
	}
	static const struct {
		const char *url;
		int code;
	} u[] = {
		{"https://images.example.com/a.jpg?w=1", 0}, {"http://example.com:8080/x", 0},
		{"ftp://example.com/a.jpg", VE_DENIED},	    {"file:///etc/passwd", VE_DENIED},
		{"gopher://example.com/", VE_DENIED},	    {"rtmp://example.com/live", VE_DENIED},
		{"http://user:pw@example.com/", VE_DENIED}, {"not a url", VE_INVAL},
		{"data:image/png;base64,AAAA", VE_DENIED},
	};
	for (size_t i = 0; i < sizeof u / sizeof *u; i++) {
		vidc_err e = {0};
		int rc = fetch_check_url(u[i].url, &e);
		CHECK(rc == u[i].code, "%s: %d (%s), expected %d", u[i].url, rc, e.msg, u[i].code);
	}
}

/* ---- against the fake server --------------------------------------------------------------- */

/* The tests' fetch options: the fake, the test's cache, 3 attempts, accepting the FETCH_* bits
 * of accept (0: anything). */
static void opts(fetch_opts *o, int accept)
{
	fakesrv_fetch_opts(o, cache, 3);
	o->accept = accept;
}

static char *url(const char *path)
{
	return check_fmt("http://127.0.0.2:%d%s", port, path);
}

/* How many requests the server has seen for path (query included), or in all with NULL. */
static long requests(const char *path, long *ranges)
{
	fetch_opts o;
	opts(&o, 0);
	o.refresh = 1;
	o.trusted = 1;
	o.cache_dir = stats_cache; /* not counted with the bodies under test */
	fetch_result r;
	vidc_err e = {0};
	char *body = NULL;
	size_t len = 0;
	long n = -1;
	if (fetch_body(url("/_stats"), &o, &r, &body, &len, &e)) {
		fprintf(stderr, "stats: %s\n", e.msg);
		return -1;
	}
	json_t *j = json_loadb(body, len, 0, NULL);
	n = path ? (long)json_integer_value(json_object_get(json_object_get(j, "paths"), path))
		 : (long)json_integer_value(json_object_get(j, "total"));
	if (ranges)
		*ranges = (long)json_integer_value(json_object_get(j, "ranges"));
	json_decref(j);
	free(body);
	return n;
}

static long file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) ? -1 : (long)st.st_size;
}

/* The number of object files in the cache (bodies stored). */
static int objects(void)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "find '%s/objects' -type f | wc -l", cache);
	FILE *f = popen(cmd, "r");
	int n = -1;
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

static int progress_calls;
static long long progress_total;
static int on_progress(void *ud, long long done, long long total)
{
	(void)ud;
	progress_calls++;
	if (total > 0)
		progress_total = total;
	return done > 20000; /* cancel once 20 KB arrived, when the test asks (ud unused) */
}

static int count_progress(void *ud, long long done, long long total)
{
	(void)ud;
	(void)done;
	progress_calls++;
	if (total > 0)
		progress_total = total;
	return 0;
}

static void test_basic(void)
{
	fetch_opts o;
	opts(&o, FETCH_IMAGE);
	o.progress = count_progress;
	fetch_result r;
	vidc_err e = {0};
	int rc = fetch_url(url("/beans.jpg"), &o, &r, &e);
	CHECK(rc == 0, "beans.jpg: %s", e.msg);
	CHECK(!r.from_cache && r.type == SNIFF_JPEG && r.width > 0 && r.height > 0,
	      "fresh fetch: cache %d type %d %lldx%lld", r.from_cache, r.type, r.width, r.height);
	CHECK(r.size == file_size("examples/assets/beans.jpg"), "size %lld", r.size);
	CHECK(strstr(r.path, cache) == r.path && strstr(r.path, r.sha256) && strstr(r.path, ".jpg"),
	      "path %s", r.path);
	CHECK(progress_calls > 0 && progress_total == r.size, "progress %d calls, total %lld",
	      progress_calls, progress_total);
	/* Again: from the cache, no request. */
	rc = fetch_url(url("/beans.jpg"), &o, &r, &e);
	CHECK(rc == 0 && r.from_cache && r.attempts == 0, "second fetch: rc %d cache %d", rc, r.from_cache);
	CHECK(requests("/beans.jpg", NULL) == 1, "the server saw %ld requests for beans.jpg",
	      requests("/beans.jpg", NULL));
	/* The same bytes from another URL are stored once. */
	rc = fetch_url(url("/beans.jpg?copy=2"), &o, &r, &e);
	CHECK(rc == 0 && !r.from_cache, "copy: %s", e.msg);
	CHECK(objects() == 1, "%d objects for one picture", objects());
	/* A TTL: an entry older than it is fetched again. */
	sleep(1);
	o.ttl_s = 1;
	rc = fetch_url(url("/beans.jpg"), &o, &r, &e);
	CHECK(rc == 0 && !r.from_cache, "expired entry: rc %d cache %d", rc, r.from_cache);
	CHECK(requests("/beans.jpg", NULL) == 2, "after the TTL: %ld requests", requests("/beans.jpg", NULL));
	/* Redirects followed by hand, relative Locations included; too many is an error. */
	o.ttl_s = 0;
	rc = fetch_url(url("/chain/3/grind.jpg"), &o, &r, &e);
	CHECK(rc == 0 && strstr(r.final_url, "/grind.jpg") && !strstr(r.final_url, "chain"),
	      "chain: %s, final %s", e.msg, r.final_url);
	rc = fetch_url(url("/chain/9/grind.jpg"), &o, &r, &e);
	CHECK(rc == VE_PROTOCOL && strstr(e.msg, "redirects"), "long chain: %d %s", rc, e.msg);
	/* Not found: one request, no retry. */
	rc = fetch_url(url("/gone"), &o, &r, &e);
	CHECK(rc == VE_NOTFOUND && r.attempts == 1 && strstr(e.msg, "404") && strstr(e.msg, "/gone"),
	      "404: %d attempts %d: %s", rc, r.attempts, e.msg);
	/* fetch_store and fetch_lookup. */
	const char png1[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
	rc = fetch_store("ai:test-prompt", png1, sizeof png1 - 1, &o, &r, &e);
	CHECK(rc == 0 && r.height == 16, "store: %s", e.msg);
	CHECK(rc == 0 && r.width == 16 && r.type == SNIFF_PNG, "store: %s", e.msg);
	rc = fetch_lookup("ai:test-prompt", &o, &r, &e);
	CHECK(rc == 1 && r.size == (long long)sizeof png1 - 1, "lookup: %d", rc);
	CHECK(fetch_lookup("ai:other", &o, &r, &e) == 0, "lookup of an unknown key");
	rc = fetch_store("ai:html", "<html>no</html>", 15, &o, &r, &e);
	CHECK(rc == VE_PROTOCOL && strstr(e.msg, "HTML"), "storing HTML as an image: %d %s", rc, e.msg);
}

static void test_refusals(void)
{
	fetch_opts o;
	opts(&o, FETCH_IMAGE);
	fetch_result r;
	vidc_err e = {0};
	char to[300];
	long before = requests(NULL, NULL);

	int rc = fetch_url(url("/html.jpg"), &o, &r, &e);
	CHECK(rc == VE_PROTOCOL && strstr(e.msg, "/html.jpg") && strstr(e.msg, "HTML page") &&
	      strstr(e.msg, "image/jpeg"), "html as jpg: %d %s", rc, e.msg);
	CHECK(r.attempts == 1, "html as jpg retried (%d)", r.attempts);

	/* A redirect to loopback (not in the allowed list) is refused; so is a direct loopback URL,
	 * "localhost" and a loopback address spelt as one number, without a request being made. */
	snprintf(to, sizeof to, "/redirect?to=http://127.0.0.1:%d/beans.jpg", port);
	rc = fetch_url(url(to), &o, &r, &e);
	CHECK(rc == VE_DENIED && strstr(e.msg, "127.0.0.1") && strstr(e.msg, "loopback") &&
	      strstr(e.msg, "VIDC_ALLOW_PRIVATE_URLS"), "redirect to loopback: %d %s", rc, e.msg);
	long mid = requests(NULL, NULL);
	const char *direct[] = {"http://127.0.0.1:%d/beans.jpg", "http://localhost:%d/beans.jpg",
				"http://2130706433:%d/beans.jpg", "http://[::1]:%d/beans.jpg",
				"http://[::ffff:127.0.0.1]:%d/beans.jpg", "http://0.0.0.0:%d/beans.jpg"};
	for (size_t i = 0; i < sizeof direct / sizeof *direct; i++) {
		char u[200];
		snprintf(u, sizeof u, direct[i], port);
		rc = fetch_url(u, &o, &r, &e);
		CHECK(rc == VE_DENIED, "%s: %d %s", u, rc, e.msg);
	}
	CHECK(requests(NULL, NULL) == mid, "a refused URL reached the server");
	/* Redirects to other schemes. */
	rc = fetch_url(url("/redirect?to=file:///etc/passwd"), &o, &r, &e);
	CHECK(rc == VE_DENIED && strstr(e.msg, "file:///etc/passwd"), "redirect to file: %d %s", rc, e.msg);
	rc = fetch_url(url("/redirect?to=ftp://127.0.0.2/x"), &o, &r, &e);
	CHECK(rc == VE_DENIED, "redirect to ftp: %d %s", rc, e.msg);

	/* A trusted base URL may be private; a redirect from it to another origin may not. */
	fetch_opts t;
	opts(&t, 0);
	t.allow_addrs = NULL;
	t.trusted = 1;
	rc = fetch_url(url("/jar.jpg"), &t, &r, &e);
	CHECK(rc == 0, "trusted private URL: %s", e.msg);
	rc = fetch_url(url(to), &t, &r, &e);
	CHECK(rc == VE_DENIED && strstr(e.msg, "loopback"), "trusted, redirected elsewhere: %d %s", rc, e.msg);
	t.trusted = 0;
	rc = fetch_url(url("/pour.jpg"), &t, &r, &e);
	CHECK(rc == VE_DENIED && strstr(e.msg, "127.0.0.2"), "untrusted private URL: %d %s", rc, e.msg);
	t.allow_private = 1;
	rc = fetch_url(url("/pour.jpg"), &t, &r, &e);
	CHECK(rc == 0, "allow_private: %s", e.msg);

	/* The decompression bomb: refused from its header, nothing stored. */
	int objs = objects();
	rc = fetch_url(url("/bomb.png"), &o, &r, &e);
	CHECK(rc == VE_LIMIT && strstr(e.msg, "100000x100000") && strstr(e.msg, "/bomb.png"),
	      "bomb: %d %s", rc, e.msg);
	rc = fetch_url(url("/bomb.jpg"), &o, &r, &e);
	CHECK(rc == VE_LIMIT && strstr(e.msg, "30000x30000") && strstr(e.msg, "/bomb.jpg"),
	      "JPEG bomb behind 60 KB of EXIF: %d %s", rc, e.msg);
	CHECK(objects() == objs, "a bomb was stored");
	(void)before;
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_limits(void)
{
	fetch_opts o;
	opts(&o, FETCH_VIDEO);
	o.max_bytes = 50LL << 20;
	fetch_result r;
	vidc_err e = {0};
	long rss = max_rss_kb();
	int objs = objects();
	/* 200 MB announced: refused from Content-Length before the body. */
	int rc = fetch_url(url("/huge?mb=200"), &o, &r, &e);
	CHECK(rc == VE_LIMIT && strstr(e.msg, "209715200") && strstr(e.msg, "52428800"),
	      "huge with length: %d %s", rc, e.msg);
	/* 200 MB chunked: refused once 50 MB streamed to disk. */
	rc = fetch_url(url("/huge?mb=200&length=0"), &o, &r, &e);
	CHECK(rc == VE_LIMIT && strstr(e.msg, "52428800"), "huge chunked: %d %s", rc, e.msg);
	CHECK(r.attempts == 1, "the size limit was retried (%d)", r.attempts);
	long grew = max_rss_kb() - rss;
	CHECK(grew < 16 * 1024, "peak memory grew by %ld KB streaming 50 MB", grew);
	CHECK(objects() == objs, "a refused body was stored");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "test -z \"$(find '%s/partial' '%s/tmp' -type f)\"", cache, cache);
	CHECK(system(cmd) == 0, "a refused body left files in the cache");
}

static void test_faults(void)
{
	fetch_opts o;
	opts(&o, FETCH_IMAGE);
	fetch_result r;
	vidc_err e = {0};
	int objs = objects();

	/* Cut off halfway every time: an error after the retries, nothing cached. */
	int rc = fetch_url(url("/cut/jar.jpg"), &o, &r, &e);
	CHECK(rc == VE_NET && r.attempts == 3 && strstr(e.msg, "/cut/jar.jpg"), "cut: %d, %d attempts: %s",
	      rc, r.attempts, e.msg);
	CHECK(objects() == objs, "a cut-off body was stored");
	CHECK(fetch_lookup(url("/cut/jar.jpg"), &o, &r, &e) == 0, "a cut-off body is in the index");

	/* Cut once, then resumed with Range: the bytes are the file's. */
	long ranges0 = 0, ranges1 = 0;
	requests(NULL, &ranges0);
	rc = fetch_url(url("/flaky/grind.jpg"), &o, &r, &e);
	requests(NULL, &ranges1);
	CHECK(rc == 0 && r.attempts == 2, "flaky: %d, %d attempts: %s", rc, r.attempts, e.msg);
	CHECK(ranges1 == ranges0 + 1, "no Range request on the retry (%ld -> %ld)", ranges0, ranges1);
	char *body = NULL;
	size_t len = 0;
	FILE *f = fopen("examples/assets/grind.jpg", "rb");
	if (f) {
		body = malloc(1 << 22);
		len = fread(body, 1, 1 << 22, f);
		fclose(f);
	}
	char want[65];
	fetch_sha256_hex(body, len, want);
	CHECK(!strcmp(want, r.sha256) && r.size == (long long)len, "resumed body differs: %s vs %s", r.sha256, want);
	free(body);

	/* 429 with Retry-After: 1: waited for, then fine. 500 once: retried. */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = fetch_url(url("/limited/pour.jpg"), &o, &r, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(rc == 0 && r.attempts == 2 && waited >= 0.95, "429: %d, %d attempts, %.2fs: %s", rc,
	      r.attempts, waited, e.msg);
	rc = fetch_url(url("/error500/pour.jpg"), &o, &r, &e);
	CHECK(rc == 0 && r.attempts == 2, "500 once: %d, %d attempts: %s", rc, r.attempts, e.msg);

	/* A stalled body: the stall timeout ends it. */
	o.stall_ms = 1000;
	o.max_attempts = 1;
	rc = fetch_url(url("/slow/jar.jpg?delay=3"), &o, &r, &e);
	CHECK(rc == VE_TIMEOUT && strstr(e.msg, "timeout"), "stall: %d %s", rc, e.msg);

	/* The progress callback cancels. */
	o.stall_ms = 30000;
	o.accept = FETCH_VIDEO;
	o.progress = on_progress;
	rc = fetch_url(url("/huge?mb=5"), &o, &r, &e);
	CHECK(rc == VE_CANCELED, "cancel: %d %s", rc, e.msg);
	volatile int cancel = 1;
	o.progress = NULL;
	o.cancel = &cancel;
	rc = fetch_url(url("/jar.jpg"), &o, &r, &e);
	CHECK(rc == VE_CANCELED, "cancel flag: %d %s", rc, e.msg);
	/* Every whole body here is a picture stored before (same bytes, same object). */
	CHECK(objects() == objs, "objects: %d, expected %d", objects(), objs);
}

int main(void)
{
	test_sniff();
	test_addresses();
	snprintf(cache, sizeof cache, "/tmp/vidc-fetch.XXXXXX");
	if (!mkdtemp(cache)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(stats_cache, sizeof stats_cache, "%s/stats", cache);
	snprintf(cache + strlen(cache), sizeof cache - strlen(cache), "/c");
	fakesrv srv;
	if (fakesrv_start(&srv, "tests/fakes/web_server.py", "--host", "127.0.0.2", "--root",
			  "examples/assets", NULL)) {
		fprintf(stderr, "cannot start tests/fakes/web_server.py\n");
		return 1;
	}
	port = srv.port;
	test_basic();
	test_refusals();
	test_limits();
	test_faults();
	fakesrv_stop(&srv);
	char cmd[300];
	*strrchr(cache, '/') = 0;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", cache);
	return failures != 0;
}
