/*
 * assets.c - `vidc assets SCRIPT.json --article ARTICLE.json -o ASSETS.json`: the assets stage
 * (pipeline/assets.h) on its own: a visual for every section of a script, written as data the
 * spec writer reads; `--swap N=PATH_OR_URL` replaces one section's choice in an existing file.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/assets.h"
#include "cmds.h"

#define MAX_LIST 16

static const char *assets_usage =
	"usage: vidc assets SCRIPT.json --article ARTICLE.json -o ASSETS.json [options]\n"
	"       vidc assets -o ASSETS.json --swap N=PATH_OR_URL ...\n"
	"\n"
	"Picks a visual for every section of the script (hook, intro, point1..N, cta) and writes the\n"
	"choices to ASSETS.json: kind (photo, footage, ai_image, code_card, text_card), the file\n"
	"(copied into images/ and code/ beside it), where it came from, its credit and licence, and\n"
	"why it was chosen. The article's own images (paths or URLs) go where their alt text,\n"
	"caption and place in the article match a section; a section that explains a code block shows\n"
	"it as a code card; the rest come from the sources of --visuals in order.\n"
	"\n"
	"Options:\n"
	"  --article FILE         the content record (its images and code)\n"
	"  --preset P             tiktok (default), youtube_short, instagram_reel or youtube_long:\n"
	"                         the orientation and size pictures are chosen for\n"
	"  --visuals LIST         sources in order, from article, stock (Pexels, Pixabay photos),\n"
	"                         footage (their videos), ai (OpenAI images or Stable Diffusion),\n"
	"                         cards (default article,stock,ai,cards)\n"
	"  --swap N=PATH_OR_URL   use this picture or clip for section N (its index in the file, or\n"
	"                         its name: hook, point2, ...); with an existing ASSETS.json only\n"
	"                         that section changes\n"
	"  --allow DIR            local images may also come from DIR (besides the article's folder)\n"
	"  --cache-dir DIR        the download cache (default VIDC_CACHE_DIR, $XDG_CACHE_HOME/vidc)\n"
	"\n"
	"Settings: VIDC_PEXELS_KEY, VIDC_PIXABAY_KEY, VIDC_OPENAI_API_KEY or VIDC_SD_URL enable the\n"
	"stock and AI sources; VIDC_ALLOW_PRIVATE_URLS=1 lets URLs reach private addresses.\n";

static volatile int canceled;
static void on_signal(int sig)
{
	(void)sig;
	canceled = 1;
}

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "vidc assets: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n(run 'vidc assets --help' for usage)\n");
	return 2;
}

typedef struct {
	assets_opts o;
	const char *swaps[MAX_LIST], *allow[MAX_LIST];
	int nswaps, nallow;
} args_t;

static int parse(int argc, char **argv, args_t *a)
{
	assets_opts_init(&a->o);
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(assets_usage, stdout);
			return 0;
		}
		static const char *const valued[] = {"-o", "--output", "--article", "--preset", "--visuals",
						     "--swap", "--allow", "--cache-dir", NULL};
		int takes = 0;
		for (int k = 0; valued[k]; k++)
			takes |= !strcmp(s, valued[k]);
		const char *v = takes && i + 1 < argc ? argv[++i] : NULL;
		if (takes && !v)
			return usage("option '%s' needs a value", s);
		if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
			a->o.out_path = v;
		} else if (!strcmp(s, "--article")) {
			a->o.article_path = v;
		} else if (!strcmp(s, "--preset")) {
			a->o.preset = v;
		} else if (!strcmp(s, "--cache-dir")) {
			a->o.fetch.cache_dir = v;
		} else if (!strcmp(s, "--visuals")) {
			vidc_err e = {0};
			if (assets_parse_visuals(v, a->o.order, &a->o.norder, &e))
				return usage("%s", e.msg);
		} else if (!strcmp(s, "--swap") || !strcmp(s, "--allow")) {
			int swap = s[2] == 's';
			if ((swap ? a->nswaps : a->nallow) == MAX_LIST)
				return usage("at most 16 of %s", s);
			if (swap)
				a->swaps[a->nswaps++] = v;
			else
				a->allow[a->nallow++] = v;
		} else if (s[0] == '-' && s[1]) {
			return usage("unknown option '%s'", s);
		} else if (a->o.script_path) {
			return usage("one script at a time ('%s' is a second one)", s);
		} else {
			a->o.script_path = s;
		}
	}
	if (!a->o.out_path)
		return usage("%s", "where to? (-o ASSETS.json)");
	if (!a->o.script_path && !(a->nswaps && access(a->o.out_path, F_OK) == 0))
		return usage("%s", "which script? (vidc assets SCRIPT.json --article ARTICLE.json -o ASSETS.json)");
	a->o.allow = a->allow;
	a->o.nallow = a->nallow;
	return -1;
}

/* --swap on the file: each swap replaces one section; the file is written once at the end. */
static int do_swaps(const args_t *a, assets_t *as)
{
	vidc_err e = {0};
	roots_t *roots = roots_new();
	int rc = roots ? roots_add(roots, ".", &e) : err_set(&e, VE_NOMEM, "out of memory");
	for (int i = 0; !rc && i < a->nallow; i++)
		rc = roots_add(roots, a->allow[i], &e);
	for (int i = 0; !rc && i < a->nswaps; i++) {
		rc = assets_swap(as, a->o.out_path, a->swaps[i], roots, &a->o.fetch, &e);
		if (!rc)
			fprintf(stderr, "vidc assets: %s\n", a->swaps[i]);
	}
	if (!rc)
		rc = assets_save(a->o.out_path, as, &e);
	roots_free(roots);
	if (rc)
		fprintf(stderr, "vidc assets: %s\n", e.msg);
	return rc ? 1 : 0;
}

int cmd_assets(int argc, char **argv)
{
	args_t a;
	memset(&a, 0, sizeof a);
	int rc = parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	a.o.fetch.cancel = &canceled;
	a.o.fetch.log = stderr;
	a.o.log = stderr;
	assets_t as;
	vidc_err e = {0};
	if (a.nswaps && access(a.o.out_path, F_OK) == 0) {
		if (assets_load(a.o.out_path, &as, &e)) {
			fprintf(stderr, "vidc assets: %s\n", e.msg);
			return 1;
		}
	} else if (assets_make(&a.o, &as, &e)) {
		fprintf(stderr, "vidc assets: %s\n", e.msg);
		return 1;
	}
	rc = a.nswaps ? do_swaps(&a, &as) : 0;
	if (!rc)
		fprintf(stderr, "vidc assets: wrote %s\n", a.o.out_path);
	assets_free(&as);
	return rc;
}
