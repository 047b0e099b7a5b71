/*
 * assets.c - `vidc assets SCRIPT.json --article ARTICLE.json -o ASSETS.json`: the assets stage
 * (pipeline/assets.h) on its own: a visual for every section of a script, written as data the
 * spec writer reads; `--swap N=PATH_OR_URL` replaces one section's choice in an existing file.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/assets.h"
#include "cli.h"

#define F(x) offsetof(cli_args, x)

const char cli_assets_usage[] =
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

static const cli_opt o_article = {"--article", NULL, OPT_STR, F(article), 0, 0, NULL};
static const cli_opt o_visuals = {"--visuals", NULL, OPT_STR, F(visuals), 0, 0, NULL};
static const cli_opt o_swap = {"--swap", NULL, OPT_LIST, F(swap), 0, 0, NULL};
static const cli_opt o_cache_dir = {"--cache-dir", NULL, OPT_STR, F(cache_dir), 0, 0, NULL};

const cli_opt *const cli_assets_opts[] = {&cli_opt_output, &cli_opt_preset, &cli_opt_allow, &o_article,
					  &o_visuals, &o_swap, &o_cache_dir, NULL};

static void say(void *ud, int warning, const char *msg)
{
	(void)ud;
	fprintf(stderr, "vidc assets: %s%s\n", warning ? "warning: " : "", msg);
}

/* --swap on the file: each swap replaces one section; the file is written once at the end. */
static int do_swaps(const cli_args *a, const assets_opts *o, assets_t *as, vidc_err *e)
{
	roots_t *roots = roots_new();
	int rc = roots ? roots_add(roots, ".", e) : err_set(e, VE_NOMEM, "out of memory");
	for (int i = 0; !rc && i < a->nallow; i++)
		rc = roots_add(roots, a->allow[i], e);
	for (int i = 0; !rc && i < a->nswap; i++) {
		rc = assets_swap(as, a->output, a->swap[i], roots, &o->fetch, e);
		if (!rc)
			fprintf(stderr, "vidc assets: %s\n", a->swap[i]);
	}
	if (!rc)
		rc = assets_save(a->output, as, e);
	roots_free(roots);
	return rc;
}

int cli_assets(cli_args *a)
{
	if (a->npos > 1)
		return cli_usage(a, "one script at a time ('%s' is a second one)", a->pos[1]);
	if (!a->output)
		return cli_usage(a, "where to? (-o ASSETS.json)");
	int edit = a->nswap && access(a->output, F_OK) == 0;
	if (!a->npos && !edit)
		return cli_usage(a, "which script? (vidc assets SCRIPT.json --article ARTICLE.json -o ASSETS.json)");
	assets_opts o;
	assets_opts_init(&o);
	vidc_err e = {0};
	if (a->visuals && assets_parse_visuals(a->visuals, o.order, &o.norder, &e))
		return cli_usage(a, "%s", e.msg);
	stage_cb cb;
	int rc = cli_callbacks(a, &cb);
	if (rc)
		return rc;
	o.script_path = a->npos ? a->pos[0] : NULL;
	o.article_path = a->article;
	o.out_path = a->output;
	if (a->preset)
		o.preset = a->preset;
	o.allow = a->allow;
	o.nallow = a->nallow;
	o.fetch.cache_dir = a->cache_dir;
	o.fetch.cancel = cb.cancel;
	o.fetch.log = stderr;
	o.say = say;
	assets_t as;
	rc = edit ? assets_load(a->output, &as, &e) : assets_make(&o, &as, &e);
	if (!rc && a->nswap) {
		rc = do_swaps(a, &o, &as, &e);
		assets_free(&as);
	} else if (!rc) {
		assets_free(&as);
	}
	if (rc)
		return cli_error(a, &e);
	fprintf(stderr, "vidc assets: wrote %s\n", a->output);
	return 0;
}
