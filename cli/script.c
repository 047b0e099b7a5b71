/*
 * script.c - `vidc script`: stage 1, article -> script (stage_article + stage_script of
 * pipeline/stage.h), and `vidc script --validate` / `--retime` for a script the user edited
 * before running the next stages.
 *
 * Exit status: 0 success, 1 input or provider errors, 2 usage errors.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "cli.h"

#define F(x) offsetof(cli_args, x)

const char cli_script_usage[] =
	"usage: vidc script ARTICLE.json [options]      write the script of a content record\n"
	"       vidc script --validate SCRIPT.json [--type T --platforms L]\n"
	"                                               check an edited script (schema, chapters,\n"
	"                                               SEO limits; with --type also its length)\n"
	"       vidc script --retime SCRIPT.json [-o OUT] after editing texts: recompute durations,\n"
	"                                               chapter times (titles kept) and the total\n"
	"       vidc script --text ARTICLE.json         print the article's text as the generators\n"
	"                                               see it (one block per line)\n"
	"\n"
	"Options:\n"
	"  --type short|medium|long   short 30-90 s (default), medium 60-180 s, long 5-15 min\n"
	"  --platforms LIST           tiktok,youtube_short,instagram_reel,youtube_long (comma list);\n"
	"                             default: short tiktok,youtube_short,instagram_reel; medium\n"
	"                             tiktok,youtube_long; long youtube_long. The length also fits\n"
	"                             every platform's limit (platforms.json; Shorts: 180 s).\n"
	"  --generator extract|llm    extract (default): embedded, no network; llm: an\n"
	"                             OpenAI-compatible chat-completions endpoint\n"
	"  --wpm N                    speaking rate in words a minute (default 165, espeak-ng at\n"
	"                             speed 1.0)\n"
	"  --base-url URL             llm: default $VIDC_LLM_BASE_URL or https://api.openai.com/v1\n"
	"  --model NAME               llm: default $VIDC_LLM_MODEL or gpt-4o-mini\n"
	"  --response-format F        llm: json_object (default) or json_schema (structured\n"
	"                             outputs with the script schema); $VIDC_LLM_RESPONSE_FORMAT\n"
	"                             (the key comes from $VIDC_LLM_API_KEY only, never a flag)\n"
	"  --timeout S                llm: seconds per request (default $VIDC_LLM_TIMEOUT or 120)\n"
	"  --attempts N               llm: requests per call incl. 429/5xx/timeout retries (4)\n"
	"  --repairs N                llm: re-asks after an invalid reply (default 2)\n"
	"  -o, --output PATH          where to write (default: standard output)\n"
	"  --allow DIR                a folder the article's photos may come from besides its own\n"
	"  -q, --quiet                no notes on standard error\n";

static const cli_opt o_type = {"--type", NULL, OPT_STR, F(type), 0, 0, NULL};
static const cli_opt o_platforms = {"--platforms", NULL, OPT_STR, F(platforms), 0, 0, NULL};
static const cli_opt o_generator = {"--generator", NULL, OPT_STR, F(generator), 0, 0, NULL};
static const cli_opt o_base_url = {"--base-url", NULL, OPT_STR, F(base_url), 0, 0, NULL};
static const cli_opt o_model = {"--model", NULL, OPT_STR, F(model), 0, 0, NULL};
static const cli_opt o_rformat = {"--response-format", NULL, OPT_STR, F(response_format), 0, 0, NULL};
static const cli_opt o_wpm = {"--wpm", NULL, OPT_NUM, F(wpm), 1e-9, 1000, "words a minute (e.g. 165)"};
static const cli_opt o_timeout = {"--timeout", NULL, OPT_NUM, F(timeout), 1e-9, 1000, "seconds (e.g. 60)"};
static const cli_opt o_attempts = {"--attempts", NULL, OPT_INT, F(attempts), 1, 20, "a small whole number"};
static const cli_opt o_repairs = {"--repairs", NULL, OPT_INT, F(repairs), 0, 20, "a small whole number"};
static const cli_opt o_validate = {"--validate", NULL, OPT_FLAG, F(validate), 0, 0, NULL};
static const cli_opt o_retime = {"--retime", NULL, OPT_FLAG, F(retime), 0, 0, NULL};
static const cli_opt o_text = {"--text", NULL, OPT_FLAG, F(text), 0, 0, NULL};
static const cli_opt o_quiet = {"--quiet", "-q", OPT_FLAG, F(quiet), 0, 0, NULL};

const cli_opt *const cli_script_opts[] = {&o_type, &o_platforms, &o_generator, &o_base_url, &o_model, &o_rformat,
					  &cli_opt_output, &o_wpm, &o_timeout, &o_attempts, &o_repairs, &o_validate,
					  &o_retime, &o_text, &o_quiet, &cli_opt_allow, NULL};

static int validate_file(cli_args *a, const char *path, const char *type, const char *platforms, double wpm)
{
	char err[1024];
	json_t *s = script_load(path, NULL, err, sizeof err);
	if (!s) {
		return cli_fail(a, "%s", err);
	}
	int rc = 0;
	double total = json_number_value(json_object_get(s, "total_estimated_duration"));
	if (type) {
		script_type t;
		script_opts o;
		if (script_type_parse(type, &t) < 0) {
			rc = cli_usage(a, "--type takes short, medium or long, not '%s'", type);
		} else if (script_opts_init(&o, t, platforms, err, sizeof err) < 0) {
			rc = cli_usage(a, "%s", err);
		} else if (total < o.min_s || total > o.max_s) {
			fprintf(stderr,
				"vidc script: %s: $.total_estimated_duration: %.1f s is outside %.0f-%.0f s for a %s video\n",
				path, total, o.min_s, o.max_s, type);
			rc = 1;
		}
	}
	if (!rc) {
		/* An edit that changed the texts leaves the times stale: say so (not an error; the
		 * voice stage measures the real durations). */
		double now = script_spoken_s(s, wpm);
		if (now > total * 1.1 + 1 || now < total * 0.9 - 1)
			fprintf(stderr,
				"vidc script: note: %s: the texts now run about %.1f s at %.0f words a minute, "
				"not %.1f s; 'vidc script --retime %s -o %s' updates the times\n",
				path, now, wpm, total, path, path);
		printf("%s: valid script (%zu points, %.1f s)\n", path,
		       json_array_size(json_object_get(s, "points")), total);
	}
	json_decref(s);
	return rc;
}

/* The script as JSON to output (atomically) or standard output. */
static int emit(cli_args *a, json_t *s, const char *output)
{
	char *out = script_dump(s);
	if (!out)
		return cli_fail(a, "out of memory");
	int rc = 0;
	if (output) {
		size_t n = strlen(out);
		out[n] = '\n'; /* the NUL becomes the file's last newline */
		vidc_err e = {0};
		if (file_write_atomic(output, out, n + 1, &e))
			rc = cli_error(a, &e);
	} else {
		printf("%s\n", out);
	}
	free(out);
	return rc;
}

static int retime_file(cli_args *a, const char *path, const char *output, double wpm)
{
	char err[1024];
	json_t *s = script_load(path, NULL, err, sizeof err);
	if (!s) {
		return cli_fail(a, "%s", err);
	}
	script_retime_edited(s, wpm);
	int rc = emit(a, s, output);
	json_decref(s);
	return rc;
}

/* The options of a generation run, from the command line. 0 or the exit status 2. */
static int generation_opts(cli_args *a, stage_script_opts *so)
{
	script_type t = SCRIPT_SHORT;
	if (a->type && script_type_parse(a->type, &t) < 0)
		return cli_usage(a, "--type takes short, medium or long, not '%s'", a->type);
	if (a->generator && !script_generator_find(a->generator))
		return cli_usage(a, "--generator takes extract or llm, not '%s'", a->generator);
	if (a->response_format && strcmp(a->response_format, "json_object") && strcmp(a->response_format, "json_schema"))
		return cli_usage(a, "--response-format takes json_object or json_schema, not '%s'", a->response_format);
	char err[2048];
	memset(so, 0, sizeof *so);
	script_opts *o = &so->script;
	if (script_opts_init(o, t, a->platforms, err, sizeof err) < 0)
		return cli_usage(a, "%s", err);
	if (a->wpm > 0)
		o->wpm = a->wpm;
	if (a->base_url)
		o->base_url = a->base_url;
	if (a->model)
		o->model = a->model;
	if (a->response_format)
		o->json_schema = !strcmp(a->response_format, "json_schema");
	if (a->timeout > 0)
		o->timeout_ms = (long)(a->timeout * 1000);
	if (a->attempts > 0)
		o->max_attempts = a->attempts;
	if (cli_given(a, "--repairs"))
		o->repair_attempts = a->repairs;
	so->generator = a->generator;
	return 0;
}

int cli_script(cli_args *a)
{
	if (a->npos > 1)
		return cli_usage(a, "one input file only ('%s' is extra)", a->pos[1]);
	if (a->npos == 0)
		return cli_usage(a, "no input file");
	const char *input = a->pos[0];
	double wpm = a->wpm > 0 ? a->wpm : SCRIPT_DEFAULT_WPM;
	if (a->validate)
		return validate_file(a, input, a->type, a->platforms, wpm);
	if (a->retime)
		return retime_file(a, input, a->output, wpm);
	stage_script_opts so;
	int rc = generation_opts(a, &so);
	if (rc)
		return rc;
	stage_cb cb;
	if ((rc = cli_callbacks(a, &cb)))
		return rc;
	if (a->quiet)
		cb.message = NULL;
	stage_article_opts ao = {a->allow, a->nallow};
	article_t *art = NULL;
	json_t *s = NULL;
	vidc_err e = {0};
	if (stage_article(input, &ao, &cb, &art, &e))
		return cli_error(a, &e);
	if (a->text) {
		fputs(art->text, stdout);
	} else if (stage_script(art, &so, &cb, &s, &e)) {
		rc = cli_error(a, &e);
	} else {
		rc = emit(a, s, a->output);
		json_decref(s);
	}
	article_free(art);
	return rc;
}
