/*
 * main.c - the vidc command: parses the command line and wires the stages together. The only
 * place that prints to the user's terminal on behalf of the libraries and calls exit().
 *
 * Exit status: 0 success, 1 errors in the input (spec, assets) or a failed render, 2 usage errors.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "../compiler/compile.h"
#include "../compiler/ir.h"
#include "../runtime/golden.h"
#include "../runtime/render.h"
#include "cmds.h"

#define VIDC_VERSION "0.1.0"

static const char *usage_text =
	"usage: vidc <command> [options]\n"
	"\n"
	"Commands:\n"
	"  make ARTICLE.json -o DIR article to finished video: script, voice, spec, MP4, subtitles,\n"
	"                           thumbnail and platform metadata in DIR (vidc make --help)\n"
	"  check SPEC...            check specs: print every error and warning, render nothing\n"
	"  ir SPEC                  print the frame-graph IR the spec compiles to\n"
	"  render SPEC -o OUT.mp4   render the spec to an MP4\n"
	"  frame SPEC --at TIME -o OUT.png\n"
	"                           render one frame as a PNG (the exact pixels the encoder gets)\n"
	"  golden DIR               render the frame of every golden PNG in DIR/golden/ and compare\n"
	"                           by PSNR (--threshold, default 40 dB); a golden is named\n"
	"                           SPEC@TIME[@PRESET].png for DIR/SPEC.vid; a failure writes\n"
	"                           NAME.actual.png and NAME.diff.png beside it; --update rewrites\n"
	"                           the goldens. Make a new one with: vidc frame ... -o DIR/golden/...\n"
	"  voice SCRIPT.json -o VOICE.wav\n"
	"                           narrate a script: VOICE.wav plus word timings VOICE.json\n"
	"                           (--provider espeak|openai|elevenlabs|coqui|piper|bark,\n"
	"                           --voice, --speed, --lang, --preview \"TEXT\"; vidc voice --help)\n"
	"  voices --provider P      list a voice provider's voices\n"
	"  script ARTICLE.json -o SCRIPT.json\n"
	"                           article to narration script (--type short|medium|long,\n"
	"                           --platforms, --generator extract|llm; --validate SCRIPT.json\n"
	"                           checks an edited script; vidc script --help)\n"
	"  subs SPEC -o OUT.srt     captions file from the voice's word timings (.srt, .vtt or\n"
	"                           .ass, or --format; --style for ASS)\n"
	"  chapters SPEC            the chapters as a YouTube description block (0:00 Intro ...)\n"
	"  thumb SPEC -o OUT.jpg    thumbnail: hero image and title, 1280x720 or 1080x1920, < 2 MB\n"
	"                           (--title TEXT, --image PATH, --at TIME for a video frame)\n"
	"  sheet SPEC -o SHEET.png  contact sheet: frames in a grid labelled with their times\n"
	"                           (--cols N, --frames N or --every 2s, --width PX, --preset P)\n"
	"  fetch URL [-o FILE]      download through vidc's cache and limits (vidc fetch --help)\n"
	"  help                     this text\n"
	"\n"
	"Options:\n"
	"  --preset NAME            youtube_long, youtube_short, instagram_reel or tiktok; the spec\n"
	"                           must name it. Default: the first preset the spec names.\n"
	"                           render --preset all renders every preset the spec names,\n"
	"                           to OUT-PRESET.mp4.\n"
	"  -o, --output PATH        where to write (ir: a file instead of standard output)\n"
	"  --at TIME                frame: a time as 12.4s, 1500ms or 372f (frames)\n"
	"  --quality N              render: 1 (best, largest) to 51; default picks by preset\n"
	"  --progress bar|json|none render: a bar on a terminal (default), or one JSON line per\n"
	"                           second on standard output for a job queue\n"
	"  --update                 golden: rewrite the golden PNGs from the current build\n"
	"  --threshold DB           golden: the lowest PSNR that passes (default 40)\n"
	"  -Werror                  treat warnings as errors\n"
	"  --no-assets              check: do not require asset files to exist\n"
	"  --color auto|always|never  colours in diagnostics (default auto)\n"
	"  --version                print the version\n"
	"\n"
	"Exit status: 0 success, 1 errors in the spec, its assets or the render, 2 usage errors.\n"
	"The .vid language is described in SPEC.md.\n";

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "vidc: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(run 'vidc help' for usage)\n");
	exit(2);
}

typedef struct {
	const char *cmd;
	const char **specs;
	int nspecs;
	const char *preset, *output, *at, *progress, *color;
	int quality, werror, no_assets, update;
	double threshold;
} args_t;

static void parse_args(int argc, char **argv, args_t *a)
{
	memset(a, 0, sizeof *a);
	a->specs = calloc((size_t)argc, sizeof(char *));
	if (!a->specs)
		exit(1);
	a->cmd = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *s = argv[i];
#define VALUE() (i + 1 < argc ? argv[++i] : (usage_error("option '%s' needs a value", s), ""))
		if (!strcmp(s, "--preset"))
			a->preset = VALUE();
		else if (!strcmp(s, "-o") || !strcmp(s, "--output"))
			a->output = VALUE();
		else if (!strcmp(s, "--at"))
			a->at = VALUE();
		else if (!strcmp(s, "--progress"))
			a->progress = VALUE();
		else if (!strcmp(s, "--color"))
			a->color = VALUE();
		else if (!strcmp(s, "--quality")) {
			const char *v = VALUE();
			char *end;
			long q = strtol(v, &end, 10);
			if (*end || q < 1 || q > 51)
				usage_error("--quality takes a whole number from 1 to 51, not '%s'", v);
			a->quality = (int)q;
		} else if (!strcmp(s, "--update")) {
			a->update = 1;
		} else if (!strcmp(s, "--threshold")) {
			const char *v = VALUE();
			char *end;
			a->threshold = strtod(v, &end);
			if (*end || !(a->threshold > 0 && a->threshold < 200))
				usage_error("--threshold takes a PSNR in dB (e.g. 40), not '%s'", v);
		} else if (!strcmp(s, "-Werror"))
			a->werror = 1;
		else if (!strcmp(s, "--no-assets"))
			a->no_assets = 1;
		else if (s[0] == '-' && s[1])
			usage_error("unknown option '%s'", s);
		else
			a->specs[a->nspecs++] = s;
#undef VALUE
	}
}

static int use_color(const args_t *a)
{
	if (a->color && !strcmp(a->color, "always"))
		return 1;
	if (a->color && !strcmp(a->color, "never"))
		return 0;
	if (a->color && strcmp(a->color, "auto"))
		usage_error("--color takes auto, always or never, not '%s'", a->color);
	const char *nc = getenv("NO_COLOR");
	return isatty(2) && !(nc && *nc);
}

/* Compiles one spec and prints its diagnostics. Returns the spec, or NULL (after printing) when
 * it has errors. */
static spec_t *compile(const args_t *a, const char *path, diag_sink *d)
{
	compile_opts o = {NULL, !a->no_assets};
	diag_set_werror(d, a->werror);
	spec_t *s = compile_spec(path, d, &o);
	diag_print(d, stderr, use_color(a));
	if (diag_errors(d)) {
		int e = diag_errors(d), w = diag_warnings(d);
		fprintf(stderr, "%d error%s", e, e == 1 ? "" : "s");
		if (w)
			fprintf(stderr, " and %d warning%s", w, w == 1 ? "" : "s");
		fprintf(stderr, " in %s\n", path);
		compile_free(s);
		return NULL;
	}
	return s;
}

static const char *pick_preset(const args_t *a, const spec_t *s)
{
	if (!a->preset)
		return compile_preset(s, 0);
	if (!compile_has_preset(s, a->preset)) {
		fprintf(stderr, "vidc: the spec does not name preset '%s' (it names:", a->preset);
		for (int i = 0; i < compile_npresets(s); i++)
			fprintf(stderr, " %s", compile_preset(s, i));
		fprintf(stderr, ")\n");
		return NULL;
	}
	return a->preset;
}

static int cmd_check(const args_t *a)
{
	if (a->nspecs == 0)
		usage_error("%s: which spec? (vidc check SPEC.vid)", "check");
	int bad = 0;
	for (int i = 0; i < a->nspecs; i++) {
		diag_sink *d = diag_new();
		spec_t *s = compile(a, a->specs[i], d);
		bad |= !s;
		compile_free(s);
		diag_free(d);
	}
	return bad;
}

static int cmd_ir(const args_t *a)
{
	if (a->nspecs != 1)
		usage_error("%s: give exactly one spec (vidc ir SPEC.vid)", "ir");
	diag_sink *d = diag_new();
	spec_t *s = compile(a, a->specs[0], d);
	int rc = 1;
	if (s) {
		FILE *out = stdout;
		if (a->output && !(out = fopen(a->output, "w"))) {
			fprintf(stderr, "vidc: cannot write '%s': %s\n", a->output, strerror(errno));
		} else {
			int all = !a->preset;
			for (int i = 0; i < compile_npresets(s); i++) {
				const char *p = compile_preset(s, i);
				if (!all && strcmp(p, a->preset))
					continue;
				ir_program *prog = compile_lower(s, p);
				ir_dump(prog, out);
				ir_program_free(prog);
				rc = 0;
			}
			if (rc)
				pick_preset(a, s);
			if (out != stdout && fclose(out))
				rc = 1;
		}
	}
	compile_free(s);
	diag_free(d);
	return rc;
}

/* Parses 12.4s, 1500ms, 372f or a bare number of seconds into a frame number. */
static int parse_at(const char *at, const ir_program *p, int64_t *frame)
{
	char *end;
	double v = strtod(at, &end);
	if (end == at || !isfinite(v) || v < 0)
		return 0;
	double fps = (double)p->fps_num / p->fps_den;
	if (!strcmp(end, "f")) {
		if (v != floor(v))
			return 0;
		*frame = (int64_t)v;
	} else if (!strcmp(end, "ms")) {
		*frame = (int64_t)floor(v / 1000 * fps + 1e-6);
	} else if (!strcmp(end, "s") || !*end) {
		*frame = (int64_t)floor(v * fps + 1e-6);
	} else {
		return 0;
	}
	return 1;
}

static volatile int cancelled;
static void on_signal(int sig)
{
	(void)sig;
	cancelled = 1;
}

static int cmd_frame(const args_t *a)
{
	if (a->nspecs != 1 || !a->at || !a->output)
		usage_error("%s: vidc frame SPEC.vid --at 12.4s -o frame.png", "frame");
	diag_sink *d = diag_new();
	spec_t *s = compile(a, a->specs[0], d);
	int rc = 1;
	const char *preset = s ? pick_preset(a, s) : NULL;
	if (preset) {
		ir_program *p = compile_lower(s, preset);
		int64_t f;
		char err[1024];
		if (!parse_at(a->at, p, &f)) {
			fprintf(stderr, "vidc: --at takes a time such as 12.4s, 1500ms or 372f, not '%s'\n", a->at);
			rc = 2;
		} else if (f >= p->frames) {
			fprintf(stderr, "vidc: %s is past the end of the video (%.3fs, %lld frames)\n", a->at,
				ir_frame_time(p, p->frames), (long long)p->frames);
		} else if (rt_frame_png(p, f, a->output, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
		} else {
			rc = 0;
		}
		ir_program_free(p);
	}
	compile_free(s);
	diag_free(d);
	return rc;
}

static int cmd_render(const args_t *a)
{
	if (a->nspecs != 1 || !a->output)
		usage_error("%s: vidc render SPEC.vid -o OUT.mp4", "render");
	rt_render_opts o;
	memset(&o, 0, sizeof o);
	o.quality = a->quality;
	o.cancel = &cancelled;
	o.progress = isatty(2) ? RT_PROGRESS_BAR : RT_PROGRESS_NONE;
	if (a->progress) {
		if (!strcmp(a->progress, "json"))
			o.progress = RT_PROGRESS_JSON;
		else if (!strcmp(a->progress, "none"))
			o.progress = RT_PROGRESS_NONE;
		else if (!strcmp(a->progress, "bar"))
			o.progress = RT_PROGRESS_BAR;
		else
			usage_error("--progress takes bar, json or none, not '%s'", a->progress);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	diag_sink *d = diag_new();
	spec_t *s = compile(a, a->specs[0], d);
	int rc = s ? 0 : 1;
	int all = a->preset && !strcmp(a->preset, "all");
	const char *one = s && !all ? pick_preset(a, s) : NULL;
	if (s && !all && !one)
		rc = 1;
	for (int i = 0; s && rc == 0 && i < compile_npresets(s); i++) {
		const char *preset = compile_preset(s, i);
		if (!all && strcmp(preset, one))
			continue;
		char *out = NULL;
		if (all && compile_npresets(s) > 1) {
			const char *dot = strrchr(a->output, '.');
			const char *slash = strrchr(a->output, '/');
			int stem = dot && (!slash || dot > slash) ? (int)(dot - a->output) : (int)strlen(a->output);
			if (asprintf(&out, "%.*s-%s%s", stem, a->output, preset, a->output + stem) < 0)
				return 1;
		} else {
			out = strdup(a->output);
		}
		ir_program *p = compile_lower(s, preset);
		char err[1024];
		double lufs = -INFINITY, peak = -INFINITY;
		o.output = out;
		o.loudness = &lufs;
		o.true_peak = &peak;
		if (rt_render(p, &o, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
		} else if (o.progress != RT_PROGRESS_JSON) {
			fprintf(stderr, "vidc: wrote %s (%s, %dx%d, %.2fs)\n", out, preset, p->width,
				p->height, ir_frame_time(p, p->frames));
			/* metered on what the encoder was given, before AAC */
			if (p->mix >= 0 && isfinite(lufs))
				fprintf(stderr, "vidc: loudness %.1f LUFS, true peak %.1f dBTP\n", lufs, peak);
		}
		ir_program_free(p);
		free(out);
	}
	compile_free(s);
	diag_free(d);
	return rc;
}


static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One golden: DIR/golden/SPEC@TIME[@PRESET].png. Returns 0 pass, 1 fail. */
static int golden_one(const args_t *a, const char *dir, const char *name, double threshold)
{
	char spec[4096], path[4096], actual[4096], diffp[4096], err[1024];
	char stem[1024], at[64] = "", preset[64] = "";
	snprintf(stem, sizeof stem, "%.*s", (int)(strlen(name) - 4), name);
	char *p1 = strchr(stem, '@');
	if (!p1) {
		fprintf(stderr, "FAIL %s: name it SPEC@TIME[@PRESET].png\n", name);
		return 1;
	}
	*p1++ = 0;
	char *p2 = strchr(p1, '@');
	if (p2)
		*p2++ = 0, snprintf(preset, sizeof preset, "%s", p2);
	snprintf(at, sizeof at, "%s", p1);
	snprintf(spec, sizeof spec, "%s/%s.vid", dir, stem);
	snprintf(path, sizeof path, "%s/golden/%s", dir, name);
	snprintf(actual, sizeof actual, "%s/golden/%.*s.actual.png", dir, (int)(strlen(name) - 4), name);
	snprintf(diffp, sizeof diffp, "%s/golden/%.*s.diff.png", dir, (int)(strlen(name) - 4), name);
	diag_sink *d = diag_new();
	spec_t *s = compile(a, spec, d);
	int rc = 1;
	if (s) {
		args_t b = *a;
		b.preset = preset[0] ? preset : NULL;
		const char *pr = pick_preset(&b, s);
		ir_program *p = pr ? compile_lower(s, pr) : NULL;
		int64_t f;
		if (!p) {
			fprintf(stderr, "FAIL %s: no such preset\n", name);
		} else if (!parse_at(at, p, &f) || f >= p->frames) {
			fprintf(stderr, "FAIL %s: '%s' is not a time inside the video\n", name, at);
		} else if (rt_frame_png(p, f, actual, err, sizeof err) < 0) {
			fprintf(stderr, "FAIL %s: %s\n", name, err);
		} else if (a->update) {
			if (rename(actual, path) == 0) {
				printf("updated %s\n", name);
				remove(diffp);
				rc = 0;
			} else {
				fprintf(stderr, "FAIL %s: cannot replace it: %s\n", name, strerror(errno));
			}
		} else {
			golden_image want, got, diff;
			if (golden_read(path, &want, err, sizeof err) < 0 || golden_read(actual, &got, err, sizeof err) < 0) {
				fprintf(stderr, "FAIL %s: %s\n", name, err);
			} else if (want.w != got.w || want.h != got.h) {
				fprintf(stderr, "FAIL %s: size %dx%d, the golden is %dx%d (kept %s)\n", name, got.w,
					got.h, want.w, want.h, actual);
			} else {
				double psnr = golden_psnr(&want, &got);
				if (psnr >= threshold) {
					if (isinf(psnr))
						printf("ok   %s (identical)\n", name);
					else
						printf("ok   %s (PSNR %.2f dB >= %.1f)\n", name, psnr, threshold);
					remove(actual);
					remove(diffp);
					rc = 0;
				} else if (golden_diff(&want, &got, &diff) == 0) {
					golden_write(diffp, &diff, err, sizeof err);
					golden_release(&diff);
					fprintf(stderr, "FAIL %s: PSNR %.2f dB < %.1f (see %s and %s)\n", name, psnr,
						threshold, actual, diffp);
				}
			}
			golden_release(&want);
			golden_release(&got);
		}
		ir_program_free(p);
	}
	compile_free(s);
	diag_free(d);
	return rc;
}

static int cmd_golden(const args_t *a)
{
	if (a->nspecs != 1)
		usage_error("%s: vidc golden DIR [--update] [--threshold DB]", "golden");
	const char *dir = a->specs[0];
	char gdir[4096];
	snprintf(gdir, sizeof gdir, "%s/golden", dir);
	DIR *dh = opendir(gdir);
	if (!dh) {
		fprintf(stderr, "vidc: no golden folder '%s': %s\n", gdir, strerror(errno));
		return 1;
	}
	char **names = NULL;
	int n = 0;
	for (struct dirent *e; (e = readdir(dh));) {
		if (!ends_with(e->d_name, ".png") || ends_with(e->d_name, ".actual.png") ||
		    ends_with(e->d_name, ".diff.png"))
			continue;
		names = realloc(names, sizeof(char *) * (size_t)(n + 1));
		if (!names || !(names[n++] = strdup(e->d_name)))
			return 1;
	}
	closedir(dh);
	qsort(names, (size_t)n, sizeof(char *), name_cmp);
	int failed = 0;
	for (int i = 0; i < n; i++) {
		failed += golden_one(a, dir, names[i], a->threshold > 0 ? a->threshold : 40);
		free(names[i]);
	}
	free(names);
	if (n == 0)
		fprintf(stderr, "vidc: no golden PNGs in '%s'\n", gdir);
	printf("golden: %d checked, %d failed\n", n, failed);
	return failed || n == 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	/* libav's own chatter (decoder warnings such as "EOI missing") is not for vidc's users: vidc
	 * reports what fails itself, naming the asset. VIDC_AV_LOG=1 shows it, for debugging. */
	if (!getenv("VIDC_AV_LOG") || !*getenv("VIDC_AV_LOG"))
		av_log_set_level(AV_LOG_FATAL);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("vidc %s (IR %d)\n", VIDC_VERSION, IR_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "sheet"))
		return cmd_sheet(argc - 1, argv + 1);
	if (!strcmp(cmd, "fetch"))
		return cmd_fetch(argc - 1, argv + 1);
	if (!strcmp(cmd, "subs"))
		return cmd_subs(argc - 1, argv + 1);
	if (!strcmp(cmd, "chapters"))
		return cmd_chapters(argc - 1, argv + 1);
	if (!strcmp(cmd, "thumb"))
		return cmd_thumb(argc - 1, argv + 1);
	if (!strcmp(cmd, "make"))
		return cmd_make(argc - 1, argv + 1);
	if (!strcmp(cmd, "voice"))
		return cmd_voice(argc - 1, argv + 1);
	if (!strcmp(cmd, "voices"))
		return cmd_voices(argc - 1, argv + 1);
	if (!strcmp(cmd, "script"))
		return cmd_script(argc - 1, argv + 1);
	args_t a;
	parse_args(argc, argv, &a);
	int rc;
	if (!strcmp(cmd, "check"))
		rc = cmd_check(&a);
	else if (!strcmp(cmd, "ir"))
		rc = cmd_ir(&a);
	else if (!strcmp(cmd, "render"))
		rc = cmd_render(&a);
	else if (!strcmp(cmd, "frame"))
		rc = cmd_frame(&a);
	else if (!strcmp(cmd, "golden"))
		rc = cmd_golden(&a);
	else {
		static const char *const cmds[] = {"make", "check", "ir", "render", "frame", "golden",
						   "voice", "voices", "script", "subs", "chapters",
						   "thumb", "sheet", "fetch", "help"};
		const char *sug = diag_suggest(cmd, cmds, (int)(sizeof cmds / sizeof *cmds));
		fprintf(stderr, "vidc: unknown command '%s'", cmd);
		if (sug)
			fprintf(stderr, " (did you mean '%s'?)", sug);
		fprintf(stderr, "\n(run 'vidc help' for usage)\n");
		rc = 2;
	}
	free(a.specs);
	return rc;
}
