/*
 * fetch.c - `vidc fetch URL [-o FILE]`: one download through the fetcher (pipeline/fetch.h),
 * the same path every URL of an article, a stock search or an AI reply takes: the cache, the
 * limits, the address rule. Prints where the body is in the cache (and copies it to FILE), so a
 * person can warm the cache, check that a URL would be accepted, or see why not.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "../pipeline/fetch.h"
#include "cmds.h"

static const char *fetch_usage =
	"usage: vidc fetch URL [-o FILE] [options]\n"
	"\n"
	"Downloads URL into vidc's cache (VIDC_CACHE_DIR, else $XDG_CACHE_HOME/vidc, else\n"
	"~/.cache/vidc) unless it is there already, and prints the cached file's path, type, size\n"
	"and, for a picture, its pixel size. Only http and https; a URL that resolves to this\n"
	"machine or a private network is refused unless VIDC_ALLOW_PRIVATE_URLS=1.\n"
	"\n"
	"Options:\n"
	"  -o FILE              also copy the body to FILE\n"
	"  --accept KIND        image, video, media (image or video), json or any (default any)\n"
	"  --max-bytes N        refuse a body larger than N bytes (default 50 MiB)\n"
	"  --ttl SECONDS        fetch again when the cached copy is older (default: keep)\n"
	"  --refresh            fetch again whatever the cache holds\n"
	"  --cache-dir DIR      use DIR as the cache\n";

static volatile int canceled;
static void on_signal(int sig)
{
	(void)sig;
	canceled = 1;
}

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "vidc fetch: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n(run 'vidc fetch --help' for usage)\n");
	return 2;
}

static const struct {
	const char *name;
	int accept;
} kinds[] = {
	{"any", 0}, {"image", FETCH_IMAGE}, {"video", FETCH_VIDEO},
	{"media", FETCH_IMAGE | FETCH_VIDEO}, {"json", FETCH_JSON},
};

static int number(const char *v, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < 0)
		return -1;
	*out = n;
	return 0;
}

static int copy_out(const char *from, const char *to, long long max)
{
	char *data = NULL;
	size_t len = 0;
	vidc_err e = {0};
	int rc = file_read(from, (size_t)max, &data, &len, &e);
	if (!rc)
		rc = file_write_atomic(to, data, len, &e);
	free(data);
	if (rc)
		fprintf(stderr, "vidc fetch: %s\n", e.msg);
	return rc;
}

int cmd_fetch(int argc, char **argv)
{
	fetch_opts o;
	fetch_opts_init(&o);
	const char *url = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(fetch_usage, stdout);
			return 0;
		}
		int takes = !strcmp(s, "-o") || !strcmp(s, "--accept") || !strcmp(s, "--max-bytes") ||
			    !strcmp(s, "--ttl") || !strcmp(s, "--cache-dir");
		const char *v = takes && i + 1 < argc ? argv[++i] : NULL;
		if (takes && !v)
			return usage("option '%s' needs a value", s);
		long long n;
		if (!strcmp(s, "-o")) {
			out = v;
		} else if (!strcmp(s, "--accept")) {
			size_t k = 0;
			while (k < sizeof kinds / sizeof *kinds && strcmp(kinds[k].name, v))
				k++;
			if (k == sizeof kinds / sizeof *kinds)
				return usage("--accept takes image, video, media, json or any, not '%s'", v);
			o.accept = kinds[k].accept;
		} else if (!strcmp(s, "--max-bytes")) {
			if (number(v, &n) || !n)
				return usage("--max-bytes takes a positive number of bytes, not '%s'", v);
			o.max_bytes = n;
		} else if (!strcmp(s, "--ttl")) {
			if (number(v, &n))
				return usage("--ttl takes a number of seconds, not '%s'", v);
			o.ttl_s = (long)n;
		} else if (!strcmp(s, "--cache-dir")) {
			o.cache_dir = v;
		} else if (!strcmp(s, "--refresh")) {
			o.refresh = 1;
		} else if (s[0] == '-' && s[1]) {
			return usage("unknown option '%s'", s);
		} else if (url) {
			return usage("one URL at a time ('%s' is a second one)", s);
		} else {
			url = s;
		}
	}
	if (!url)
		return usage("%s", "which URL? (vidc fetch URL)");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	o.cancel = &canceled;
	o.log = stderr;
	fetch_result r;
	vidc_err e = {0};
	if (fetch_url(url, &o, &r, &e)) {
		fprintf(stderr, "vidc fetch: %s\n", e.msg);
		return 1;
	}
	printf("%s\t%s\t%lld bytes", r.path, sniff_mime(r.type), r.size);
	if (r.width > 0)
		printf("\t%lldx%lld", r.width, r.height);
	printf("\t%s\n", r.from_cache ? "cached" : "fetched");
	if (out && copy_out(r.path, out, r.size + 1))
		return 1;
	return 0;
}
