/*
 * fetch.c - `vidc fetch URL [-o FILE]`: one download through the fetcher (pipeline/fetch.h),
 * the same path every URL of an article, a stock search or an AI reply takes: the cache, the
 * limits, the address rule. Prints where the body is in the cache (and copies it to FILE), so a
 * person can warm the cache, check that a URL would be accepted, or see why not.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "../pipeline/fetch.h"
#include "cli.h"

#define F(x) offsetof(cli_args, x)

const char cli_fetch_usage[] =
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

static const cli_opt o_accept = {"--accept", NULL, OPT_STR, F(accept), 0, 0, NULL};
static const cli_opt o_max_bytes = {"--max-bytes", NULL, OPT_NUM, F(max_bytes), 1, 1e15,
				    "a positive number of bytes"};
static const cli_opt o_ttl = {"--ttl", NULL, OPT_NUM, F(ttl), 0, 1e12, "a number of seconds"};
static const cli_opt o_refresh = {"--refresh", NULL, OPT_FLAG, F(refresh), 0, 0, NULL};
static const cli_opt o_cache_dir = {"--cache-dir", NULL, OPT_STR, F(cache_dir), 0, 0, NULL};

const cli_opt *const cli_fetch_opts[] = {&cli_opt_output, &o_accept, &o_max_bytes, &o_ttl, &o_refresh,
					 &o_cache_dir, NULL};

static const struct {
	const char *name;
	int accept;
} kinds[] = {
	{"any", 0}, {"image", FETCH_IMAGE}, {"video", FETCH_VIDEO},
	{"media", FETCH_IMAGE | FETCH_VIDEO}, {"json", FETCH_JSON},
};

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

int cli_fetch(cli_args *a)
{
	if (a->npos > 1)
		return cli_usage(a, "one URL at a time ('%s' is a second one)", a->pos[1]);
	if (a->npos == 0)
		return cli_usage(a, "which URL? (vidc fetch URL)");
	fetch_opts o;
	fetch_opts_init(&o);
	if (a->accept) {
		size_t k = 0;
		while (k < sizeof kinds / sizeof *kinds && strcmp(kinds[k].name, a->accept))
			k++;
		if (k == sizeof kinds / sizeof *kinds)
			return cli_usage(a, "--accept takes image, video, media, json or any, not '%s'", a->accept);
		o.accept = kinds[k].accept;
	}
	if (a->max_bytes > 0)
		o.max_bytes = (long long)a->max_bytes;
	if (cli_given(a, "--ttl"))
		o.ttl_s = (long)a->ttl;
	if (a->cache_dir)
		o.cache_dir = a->cache_dir;
	o.refresh = a->refresh;
	stage_cb cb;
	int rc = cli_callbacks(a, &cb);
	if (rc)
		return rc;
	o.cancel = cb.cancel;
	o.log = stderr;
	fetch_result r;
	vidc_err e = {0};
	if (fetch_url(a->pos[0], &o, &r, &e))
		return cli_error(a, &e);
	printf("%s\t%s\t%lld bytes", r.path, sniff_mime(r.type), r.size);
	if (r.width > 0)
		printf("\t%lldx%lld", r.width, r.height);
	printf("\t%s\n", r.from_cache ? "cached" : "fetched");
	if (a->output && copy_out(r.path, a->output, r.size + 1))
		return 1;
	return 0;
}
