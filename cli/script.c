/*
 * script.c - `vidc script`: stage 1, article -> script (pipeline/script.h), and
 * `vidc script --validate` for a script the user edited before running the next stages.
 *
 * Exit status: 0 success, 1 input or provider errors, 2 usage errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/article.h"
#include "../pipeline/script.h"
#include "cmds.h"

static const char *script_usage =
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
	"                             every platform's limit (YouTube Shorts: 60 s).\n"
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
	"  -q, --quiet                no notes on standard error\n";

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "vidc script: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(run 'vidc script --help' for usage)\n");
	return 2;
}

/* Writes text to path atomically: a temporary file beside it, then rename. */
static int write_atomic(const char *path, const char *text)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "vidc script: cannot write '%s': %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "vidc script: cannot write '%s': %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int validate_file(const char *path, const char *type, const char *platforms, double wpm)
{
	char err[1024];
	json_t *s = script_load(path, NULL, err, sizeof err);
	if (!s) {
		fprintf(stderr, "vidc script: %s\n", err);
		return 1;
	}
	int rc = 0;
	double total = json_number_value(json_object_get(s, "total_estimated_duration"));
	if (type) {
		script_type t;
		script_opts o;
		if (script_type_parse(type, &t) < 0) {
			rc = usage("--type takes short, medium or long, not '%s'", type);
		} else if (script_opts_init(&o, t, platforms, err, sizeof err) < 0) {
			rc = usage("%s", err);
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

static int emit(json_t *s, const char *output)
{
	char *out = script_dump(s);
	if (!out) {
		fprintf(stderr, "vidc script: out of memory\n");
		return 1;
	}
	int rc = 0;
	if (output)
		rc = write_atomic(output, out) < 0;
	else
		printf("%s\n", out);
	free(out);
	return rc;
}

static int retime_file(const char *path, const char *output, double wpm)
{
	char err[1024];
	json_t *s = script_load(path, NULL, err, sizeof err);
	if (!s) {
		fprintf(stderr, "vidc script: %s\n", err);
		return 1;
	}
	script_retime_edited(s, wpm);
	int rc = emit(s, output);
	json_decref(s);
	return rc;
}

int cmd_script(int argc, char **argv)
{
	const char *input = NULL, *output = NULL, *type = NULL, *platforms = NULL;
	const char *generator = "extract", *base_url = NULL, *model = NULL, *rformat = NULL;
	double wpm = 0, timeout = 0;
	int attempts = 0, repairs = -1, validate = 0, retime = 0, text = 0, quiet = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
#define VALUE() (i + 1 < argc ? argv[++i] : NULL)
#define NEED(v)                                                   \
	do {                                                      \
		if (!(v))                                         \
			return usage("option '%s' needs a value", s); \
	} while (0)
		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(script_usage, stdout);
			return 0;
		} else if (!strcmp(s, "--type")) {
			NEED(type = VALUE());
		} else if (!strcmp(s, "--platforms")) {
			NEED(platforms = VALUE());
		} else if (!strcmp(s, "--generator")) {
			NEED(generator = VALUE());
		} else if (!strcmp(s, "--base-url")) {
			NEED(base_url = VALUE());
		} else if (!strcmp(s, "--model")) {
			NEED(model = VALUE());
		} else if (!strcmp(s, "--response-format")) {
			NEED(rformat = VALUE());
			if (strcmp(rformat, "json_object") && strcmp(rformat, "json_schema"))
				return usage("--response-format takes json_object or json_schema, not '%s'", rformat);
		} else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
			NEED(output = VALUE());
		} else if (!strcmp(s, "--wpm") || !strcmp(s, "--timeout")) {
			const char *v = VALUE();
			NEED(v);
			char *end;
			double x = strtod(v, &end);
			if (*end || !(x > 0) || x > 1000)
				return usage(!strcmp(s, "--wpm") ? "--wpm takes words a minute (e.g. 165), not '%s'"
								 : "--timeout takes seconds (e.g. 60), not '%s'", v);
			*(!strcmp(s, "--wpm") ? &wpm : &timeout) = x;
		} else if (!strcmp(s, "--attempts") || !strcmp(s, "--repairs")) {
			const char *v = VALUE();
			NEED(v);
			char *end;
			long x = strtol(v, &end, 10);
			if (*end || x < 0 || x > 20 || (x == 0 && !strcmp(s, "--attempts")))
				return usage("%s takes a small whole number", s);
			*(!strcmp(s, "--attempts") ? &attempts : &repairs) = (int)x;
		} else if (!strcmp(s, "--validate")) {
			validate = 1;
		} else if (!strcmp(s, "--retime")) {
			retime = 1;
		} else if (!strcmp(s, "--text")) {
			text = 1;
		} else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
			quiet = 1;
		} else if (s[0] == '-' && s[1]) {
			return usage("unknown option '%s'", s);
		} else if (!input) {
			input = s;
		} else {
			return usage("one input file only ('%s' is extra)", s);
		}
#undef VALUE
#undef NEED
	}
	if (!input)
		return usage("no input file%s", "");
	if (validate)
		return validate_file(input, type, platforms, wpm > 0 ? wpm : SCRIPT_DEFAULT_WPM);
	if (retime)
		return retime_file(input, output, wpm > 0 ? wpm : SCRIPT_DEFAULT_WPM);

	script_type t = SCRIPT_SHORT;
	if (type && script_type_parse(type, &t) < 0)
		return usage("--type takes short, medium or long, not '%s'", type);
	const script_generator *g = script_generator_find(generator);
	if (!g)
		return usage("--generator takes extract or llm, not '%s'", generator);
	char err[2048];
	script_opts o;
	if (script_opts_init(&o, t, platforms, err, sizeof err) < 0)
		return usage("%s", err);
	if (wpm > 0)
		o.wpm = wpm;
	if (base_url)
		o.base_url = base_url;
	if (model)
		o.model = model;
	if (rformat)
		o.json_schema = !strcmp(rformat, "json_schema");
	if (timeout > 0)
		o.timeout_ms = (long)(timeout * 1000);
	if (attempts > 0)
		o.max_attempts = attempts;
	if (repairs >= 0)
		o.repair_attempts = repairs;
	o.log = quiet ? NULL : stderr;

	article_t *a = article_load(input, err, sizeof err);
	if (!a) {
		fprintf(stderr, "vidc script: %s\n", err);
		return 1;
	}
	if (text) {
		fputs(a->text, stdout);
		article_free(a);
		return 0;
	}
	json_t *s = script_generate(g, a, &o, err, sizeof err);
	article_free(a);
	if (!s) {
		fprintf(stderr, "vidc script: %s\n", err);
		return 1;
	}
	int rc = emit(s, output);
	json_decref(s);
	return rc;
}
