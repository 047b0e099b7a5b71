/*
 * make.c - `vidc make ARTICLE.json -o DIR`: the one-command video. Parses the options into a
 * make_opts and runs make_run (pipeline/make.h), which chains the stages; this file only prints.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../base/platform.h"
#include "../compiler/compile.h"
#include "../pipeline/assets.h"
#include "cli.h"

#define F(x) offsetof(cli_args, x)

const char cli_make_usage[] =
	"usage: vidc make ARTICLE.json -o DIR [options]\n"
	"\n"
	"Article to finished video in one command: writes DIR/script.json, DIR/voice.wav and\n"
	"DIR/voice.json, DIR/assets.json with DIR/images/ and DIR/code/ (a visual for every\n"
	"section: the article's pictures and code, stock, AI pictures, cards), DIR/video.vid (a readable spec: edit it and run vidc render),\n"
	"DIR/video.mp4 (DIR/video-PRESET.mp4 for several presets), DIR/video.srt and .vtt,\n"
	"DIR/thumb.jpg and DIR/PRESET.json (title, description with chapters, tags per platform).\n"
	"Vertical and 16:9 presets together get two specs: video-tall.vid and video-wide.vid.\n"
	"Ctrl-C (or SIGTERM) stops it at any stage, leaving the finished stages' files whole.\n"
	"\n"
	"Options:\n"
	"  --preset LIST          comma list of tiktok, youtube_short, instagram_reel, youtube_long\n"
	"                         (default tiktok)\n"
	"  --type short|medium|long  script length (default short; medium when only youtube_long)\n"
	"  --generator extract|llm   script writer (default extract: offline)\n"
	"  --script FILE          use this (edited) script instead of writing one\n"
	"  --provider P           voice: espeak (default, offline), openai, elevenlabs, coqui, piper, bark\n"
	"  --voice V              the provider's voice (default: one for the article's language)\n"
	"  --speed F              speaking speed (default 1.0)\n"
	"  --lang L               language (BCP 47) instead of the article's\n"
	"  --captions STYLE       plain, bold_center, karaoke or none (default karaoke; plain for 16:9)\n"
	"  --music FILE           background music at 20 %\n"
	"  --quality N            1 (best) to 51, default 15\n"
	"  --allow DIR            a folder the article's photos may come from besides its own\n"
	"                         (repeatable)\n"
	"  --visuals LIST         where each section's visual comes from, in order: article, stock,\n"
	"                         footage, ai, cards (default article,stock,ai,cards; see vidc assets)\n"
	"  --assets FILE          use this (edited) DIR/assets.json instead of choosing again\n"
	"  --spec-by template|llm who writes the spec (default template: the stdlib templates,\n"
	"                         offline). llm: the model of --generator llm (VIDC_LLM_BASE_URL,\n"
	"                         VIDC_LLM_API_KEY, VIDC_LLM_MODEL) writes it from the script, the\n"
	"                         visuals and the templates' signatures; its errors go back to it\n"
	"                         as JSON diagnostics; after the last round the template spec is\n"
	"                         written with a warning naming the errors left\n"
	"  --spec-rounds N        requests for the model's spec, 1 to 8 (default 3)\n"
	"  -v, --verbose          a note per round of the model's spec\n"
	"  --no-render            stop after writing the spec\n";

static const cli_opt o_script = {"--script", NULL, OPT_STR, F(script), 0, 0, NULL};
static const cli_opt o_speed = {"--speed", NULL, OPT_NUM, F(speed), 0.5, 2.0, "a number from 0.5 to 2"};
static const cli_opt o_captions = {"--captions", NULL, OPT_STR, F(captions), 0, 0, NULL};
static const cli_opt o_music = {"--music", NULL, OPT_STR, F(music), 0, 0, NULL};
static const cli_opt o_no_render = {"--no-render", NULL, OPT_FLAG, F(no_render), 0, 0, NULL};
static const cli_opt o_assets = {"--assets", NULL, OPT_STR, F(assets), 0, 0, NULL};
static const cli_opt o_spec_by = {"--spec-by", NULL, OPT_STR, F(spec_by), 0, 0, NULL};
static const cli_opt o_spec_rounds = {"--spec-rounds", NULL, OPT_INT, F(spec_rounds), 1, 8, "a whole number from 1 to 8"};
static const cli_opt o_verbose = {"--verbose", "-v", OPT_FLAG, F(verbose), 0, 0, NULL};

const cli_opt *const cli_make_opts[] = {&cli_opt_output, &cli_opt_preset, &cli_opt_type, &cli_opt_generator,
					&o_script, &cli_opt_provider, &cli_opt_voice, &o_speed, &cli_opt_lang,
					&o_captions, &o_music, &cli_opt_quality, &o_no_render, &cli_opt_allow,
					&cli_opt_color, &cli_opt_visuals, &o_assets, &o_spec_by, &o_spec_rounds,
					&o_verbose, NULL};

/* The platform file's preset names ("tiktok, youtube_short, ...") or caption styles, for a
 * message. */
static const char *names(const platform_table *t, int styles, char *buf, size_t len)
{
	int n = styles ? platform_ncaption_styles(t) : platform_npresets(t);
	buf[0] = 0;
	for (int i = 0; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "",
			 styles ? platform_caption_style(t, i) : platform_preset_at(t, i)->name);
	return buf;
}

static int is_caption_style(const platform_table *t, const char *s)
{
	for (int i = 0; i < platform_ncaption_styles(t); i++)
		if (!strcmp(s, platform_caption_style(t, i)))
			return 1;
	return !strcmp(s, "none");
}

/* --preset's comma list into o->presets (pointing into buf), each a preset of the platform file.
 * 0 or the exit status 2. */
static int parse_presets(cli_args *a, const platform_table *t, make_opts *o, char *buf, size_t len)
{
	char known[256];
	snprintf(buf, len, "%s", a->preset ? a->preset : "tiktok");
	for (char *save, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (!platform_preset_find(t, p))
			return cli_usage(a, "unknown preset '%s' (%s)", p, names(t, 0, known, sizeof known));
		if (o->npresets == MAKE_MAX_PRESETS)
			return cli_usage(a, "at most four presets");
		o->presets[o->npresets++] = p;
	}
	return o->npresets ? 0 : cli_usage(a, "--preset needs at least one preset");
}

int cli_make(cli_args *a)
{
	if (a->npos > 1)
		return cli_usage(a, "one article at a time ('%s' is a second one)", a->pos[1]);
	if (a->npos == 0)
		return cli_usage(a, "which article? (vidc make ARTICLE.json -o DIR)");
	if (!a->output)
		return cli_usage(a, "where to? (-o DIR)");
	/* the flags as they are; the presets are added once checked against the platform file */
	make_opts o = {
		.article = a->pos[0], .dir = a->output, .script = a->script, .generator = a->generator,
		.type = a->type, .captions = a->captions, .music = a->music, .quality = a->quality,
		.voice = {.provider = a->provider, .voice = a->voice, .lang = a->lang,
			  .speed = a->speed > 0 ? a->speed : 1.0},
		.no_render = a->no_render, .spec = cli_spec_opts(a), .allow = a->allow, .nallow = a->nallow,
		.visuals = a->visuals, .assets = a->assets, .spec_by = a->spec_by, .spec_rounds = a->spec_rounds,
		.verbose = a->verbose,
	};
	platform_table *t;
	vidc_err pe = {0};
	if (platform_load(compile_stdlib_dir(NULL), &t, &pe))
		return cli_error(a, &pe);
	char presets[256], known[256];
	int rc = parse_presets(a, t, &o, presets, sizeof presets);
	if (!rc && a->spec_by && strcmp(a->spec_by, "template") && strcmp(a->spec_by, "llm"))
		rc = cli_usage(a, "--spec-by takes template or llm, not '%s'", a->spec_by);
	if (!rc && a->captions && !is_caption_style(t, a->captions))
		rc = cli_usage(a, "unknown caption style '%s' (%s, none)", a->captions, names(t, 1, known, sizeof known));
	platform_free(t);
	if (rc)
		return rc;
	if (a->visuals) {
		asset_visual order[VIS_N];
		int n;
		vidc_err ve = {0};
		if (assets_parse_visuals(a->visuals, order, &n, &ve))
			return cli_usage(a, "%s", ve.msg);
	}
	stage_cb cb;
	if ((rc = cli_callbacks(a, &cb)))
		return rc;
	vidc_err e = {0};
	return make_run(&o, &cb, &e) ? cli_error(a, &e) : 0;
}
