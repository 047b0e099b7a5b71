/*
 * make.c - `vidc make ARTICLE.json -o DIR`: the one-command video. Wires the stages in order,
 * each writing its file into DIR so a person can stop, edit and go on:
 *
 *   article.json -> script.json (pipeline/script) -> voice.wav + voice.json (pipeline/voice)
 *   -> images/ (the article's local photos that decode) -> video.vid (pipeline/specgen)
 *   -> video[-PRESET].mp4 (compiler + runtime) -> video.srt, video.vtt, thumb.jpg (cli/publish.c)
 *   -> PRESET.json (title, description, tags: the script's SEO for the platform)
 *
 * `--script FILE` starts from an edited script instead of writing one; `--no-render` stops after
 * the spec. With no flags and no network it uses the embedded defaults (extractive script,
 * espeak voice). Every file is written to a temp name and renamed, so a failed stage leaves the
 * earlier stages' files whole and nothing half-written.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libavutil/frame.h>

#include "../compiler/compile.h"
#include "../compiler/ir.h"
#include "../pipeline/article.h"
#include "../pipeline/script.h"
#include "../pipeline/specgen.h"
#include "../pipeline/voice.h"
#include "../runtime/image.h"
#include "../runtime/render.h"
#include "cmds.h"

#define MAX_PRESETS 4
#define MAX_IMAGES 64

static const char *make_usage =
	"usage: vidc make ARTICLE.json -o DIR [options]\n"
	"\n"
	"Article to finished video in one command: writes DIR/script.json, DIR/voice.wav and\n"
	"DIR/voice.json, DIR/images/, DIR/video.vid (a readable spec: edit it and run vidc render),\n"
	"DIR/video.mp4 (DIR/video-PRESET.mp4 for several presets), DIR/video.srt and .vtt,\n"
	"DIR/thumb.jpg and DIR/PRESET.json (title, description with chapters, tags per platform).\n"
	"Vertical and 16:9 presets together get two specs: video-tall.vid and video-wide.vid.\n"
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
	"  --quality N            1 (best) to 51; default picks by preset\n"
	"  --no-render            stop after writing the spec\n";

typedef struct {
	const char *article, *dir, *script, *generator, *captions, *music, *type;
	const char *presets[MAX_PRESETS];
	int npresets;
	voice_opts vo;
	int quality, no_render;
} make_args;

static volatile int cancelled;
static void on_signal(int sig)
{
	(void)sig;
	cancelled = 1;
}

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "vidc make: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n(run 'vidc make --help' for usage)\n");
	return 2;
}

static int known_preset(const char *p)
{
	return !strcmp(p, "tiktok") || !strcmp(p, "youtube_short") || !strcmp(p, "instagram_reel") ||
	       !strcmp(p, "youtube_long");
}

/* Parses argv; returns -1 when fine, else the exit status. */
static int parse(int argc, char **argv, make_args *a, char *presets_buf, size_t buflen)
{
	memset(a, 0, sizeof *a);
	a->vo.speed = 1.0;
	a->vo.log = stderr;
	const char *presets = "tiktok";
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
#define VALUE() (i + 1 < argc ? argv[++i] : NULL)
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(make_usage, stdout);
			return 0;
		}
		int takes = !strcmp(s, "-o") || !strcmp(s, "--output") || !strcmp(s, "--preset") ||
			    !strcmp(s, "--type") || !strcmp(s, "--generator") || !strcmp(s, "--script") ||
			    !strcmp(s, "--provider") || !strcmp(s, "--voice") || !strcmp(s, "--speed") ||
			    !strcmp(s, "--lang") || !strcmp(s, "--captions") || !strcmp(s, "--music") ||
			    !strcmp(s, "--quality");
		const char *v = NULL;
		if (takes && !(v = VALUE()))
			return usage("option '%s' needs a value", s);
		if (!strcmp(s, "-o") || !strcmp(s, "--output"))
			a->dir = v;
		else if (!strcmp(s, "--preset"))
			presets = v;
		else if (!strcmp(s, "--type"))
			a->type = v;
		else if (!strcmp(s, "--generator"))
			a->generator = v;
		else if (!strcmp(s, "--script"))
			a->script = v;
		else if (!strcmp(s, "--provider"))
			a->vo.provider = v;
		else if (!strcmp(s, "--voice"))
			a->vo.voice = v;
		else if (!strcmp(s, "--lang"))
			a->vo.lang = v;
		else if (!strcmp(s, "--captions"))
			a->captions = v;
		else if (!strcmp(s, "--music"))
			a->music = v;
		else if (!strcmp(s, "--speed")) {
			char *end;
			a->vo.speed = strtod(v, &end);
			if (*end || !(a->vo.speed >= 0.5 && a->vo.speed <= 2.0))
				return usage("--speed takes a number from 0.5 to 2, not '%s'", v);
		} else if (!strcmp(s, "--quality")) {
			char *end;
			long q = strtol(v, &end, 10);
			if (*end || q < 1 || q > 51)
				return usage("--quality takes a whole number from 1 to 51, not '%s'", v);
			a->quality = (int)q;
		} else if (!strcmp(s, "--no-render"))
			a->no_render = 1;
		else if (s[0] == '-' && s[1])
			return usage("unknown option '%s'", s);
		else if (a->article)
			return usage("one article at a time ('%s' is a second one)", s);
		else
			a->article = s;
#undef VALUE
	}
	if (!a->article)
		return usage("%s", "which article? (vidc make ARTICLE.json -o DIR)");
	if (!a->dir)
		return usage("%s", "where to? (-o DIR)");
	snprintf(presets_buf, buflen, "%s", presets);
	for (char *p = strtok(presets_buf, ","); p; p = strtok(NULL, ",")) {
		if (!known_preset(p))
			return usage("unknown preset '%s' (tiktok, youtube_short, instagram_reel, youtube_long)", p);
		if (a->npresets == MAX_PRESETS)
			return usage("%s", "at most four presets");
		a->presets[a->npresets++] = p;
	}
	if (!a->npresets)
		return usage("%s", "--preset needs at least one preset");
	if (a->captions && strcmp(a->captions, "plain") && strcmp(a->captions, "bold_center") &&
	    strcmp(a->captions, "karaoke") && strcmp(a->captions, "none"))
		return usage("unknown caption style '%s' (plain, bold_center, karaoke, none)", a->captions);
	return -1;
}

/* mkdir -p: creates dir and any missing parents. */
static int make_dirs(const char *dir)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

static int write_text(const char *path, const char *text)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	int ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path)) {
		remove(tmp);
		return -1;
	}
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		return -1;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", to);
	FILE *out = fopen(tmp, "wb");
	if (!out) {
		fclose(in);
		return -1;
	}
	char buf[65536];
	size_t n;
	int ok = 1;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ok &= fwrite(buf, 1, n, out) == n;
	ok &= !ferror(in);
	fclose(in);
	ok &= fclose(out) == 0;
	if (!ok || rename(tmp, to)) {
		remove(tmp);
		return -1;
	}
	return 0;
}

/* Stage 1: the script, written or taken from --script. Returns the script's path (malloc'd). */
static char *stage_script(const make_args *a, const article_t *art)
{
	char err[1024];
	char *out = path_in(a->dir, "script.json");
	if (a->script) {
		/* An edited script: validate it before spending time on the voice. */
		json_error_t je;
		json_t *s = json_load_file(a->script, 0, &je);
		json_t *schema = s ? script_schema_load(NULL, err, sizeof err) : NULL;
		if (!s)
			fprintf(stderr, "%s:%d:%d: error: %s\n", a->script, je.line, je.column, je.text);
		else if (!schema)
			fprintf(stderr, "vidc make: %s\n", err);
		int bad = !s || !schema || script_validate(schema, s, err, sizeof err);
		if (s && schema && bad)
			fprintf(stderr, "%s: error: %s\n", a->script, err);
		json_decref(schema);
		json_decref(s);
		if (bad || (strcmp(a->script, out) && copy_file(a->script, out))) {
			if (!bad)
				fprintf(stderr, "vidc make: cannot write '%s': %s\n", out, strerror(errno));
			free(out);
			return NULL;
		}
		return out;
	}
	script_type type = SCRIPT_SHORT;
	if (a->type) {
		if (script_type_parse(a->type, &type)) {
			fprintf(stderr, "vidc make: --type takes short, medium or long, not '%s'\n", a->type);
			free(out);
			return NULL;
		}
	} else if (a->npresets == 1 && !strcmp(a->presets[0], "youtube_long")) {
		type = SCRIPT_MEDIUM;
	}
	char platforms[128] = "";
	for (int i = 0; i < a->npresets; i++)
		snprintf(platforms + strlen(platforms), sizeof platforms - strlen(platforms), "%s%s",
			 i ? "," : "", a->presets[i]);
	script_opts so;
	if (script_opts_init(&so, type, platforms, err, sizeof err)) {
		fprintf(stderr, "vidc make: %s\n", err);
		free(out);
		return NULL;
	}
	so.log = stderr;
	const script_generator *g = script_generator_find(a->generator ? a->generator : "extract");
	if (!g) {
		fprintf(stderr, "vidc make: unknown generator '%s' (extract, llm)\n", a->generator);
		free(out);
		return NULL;
	}
	json_t *s = script_generate(g, art, &so, err, sizeof err);
	if (!s) {
		/* The generators' messages name the article already when it is the cause. */
		if (!strncmp(err, a->article, strlen(a->article)))
			fprintf(stderr, "vidc make: %s\n", err);
		else
			fprintf(stderr, "vidc make: %s: %s\n", a->article, err);
		free(out);
		return NULL;
	}
	char *text = script_dump(s);
	json_decref(s);
	if (!text || write_text(out, text)) {
		fprintf(stderr, "vidc make: cannot write '%s': %s\n", out, strerror(errno));
		free(text);
		free(out);
		return NULL;
	}
	free(text);
	return out;
}

/* Stage 2: voice.wav and voice.json from the script. */
static int stage_voice(const make_args *a, const char *script)
{
	char err[1024];
	voice_script vs;
	if (voice_script_load(script, &vs, err, sizeof err)) {
		fprintf(stderr, "vidc make: %s\n", err);
		return -1;
	}
	voice_track t;
	int rc = voice_make(&a->vo, &vs, &t, err, sizeof err);
	voice_script_free(&vs);
	if (rc) {
		fprintf(stderr, "vidc make: voice: %s\n", err);
		return -1;
	}
	char *wav = path_in(a->dir, "voice.wav"), *json = path_in(a->dir, "voice.json");
	rc = voice_write_wav(wav, t.pcm, t.n, VOICE_RATE, err, sizeof err);
	if (!rc)
		rc = voice_write_timing(json, &t, err, sizeof err);
	if (rc)
		fprintf(stderr, "vidc make: %s\n", err);
	else
		fprintf(stderr, "vidc make: voice: %d words, %.1fs\n", t.nwords, (double)t.n / VOICE_RATE);
	voice_track_free(&t);
	free(wav);
	free(json);
	return rc ? -1 : 0;
}

/* Stage 3: the article's photos that are local files and decode, copied to DIR/images/NN.ext.
 * A URL (no network here) or a damaged file is skipped with a warning naming it. Returns the
 * count; names[] get paths relative to DIR (malloc'd). */
static int stage_images(const make_args *a, const article_t *art, char **names)
{
	char *idir = path_in(a->dir, "images");
	mkdir(idir, 0777);
	int n = 0;
	for (int i = 0; i < art->nimages && n < MAX_IMAGES; i++) {
		const char *src = art->images[i].path;
		if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8) || !strncmp(src, "data:", 5)) {
			fprintf(stderr, "vidc make: warning: image %s is not a local file; skipped\n", src);
			continue;
		}
		AVFrame *fr = NULL;
		char cause[256];
		if (img_decode(src, &fr, cause, sizeof cause) < 0) {
			fprintf(stderr, "vidc make: warning: image '%s' (images[%d] of %s): %s; skipped\n", src,
				i, a->article, cause);
			continue;
		}
		int small = fr->width < 320 || fr->height < 320;
		av_frame_free(&fr);
		if (small) {
			fprintf(stderr, "vidc make: warning: image '%s' is too small for a video (under 320 px); skipped\n", src);
			continue;
		}
		const char *base = strrchr(src, '/');
		base = base ? base + 1 : src;
		const char *dot = strrchr(base, '.');
		char rel[64], *dst;
		snprintf(rel, sizeof rel, "images/%02d%.8s", n + 1, dot ? dot : ".img");
		dst = path_in(a->dir, rel);
		if (copy_file(src, dst)) {
			fprintf(stderr, "vidc make: warning: cannot copy image '%s' to '%s': %s; skipped\n", src, dst,
				strerror(errno));
			free(dst);
			continue;
		}
		free(dst);
		names[n++] = strdup(rel);
	}
	free(idir);
	return n;
}

/* Stage 5: renders every preset of the spec. */
static int stage_render(const make_args *a, const char *spec_path, const char *const *presets,
			int npresets, int total_presets)
{
	compile_opts co = {NULL, 1};
	diag_sink *d = diag_new();
	spec_t *s = compile_spec(spec_path, d, &co);
	diag_print(d, stderr, 0);
	int rc = diag_errors(d) ? -1 : 0;
	for (int i = 0; !rc && i < npresets; i++) {
		ir_program *p = compile_lower(s, presets[i]);
		char name[64], err[1024];
		if (total_presets > 1)
			snprintf(name, sizeof name, "video-%s.mp4", presets[i]);
		else
			snprintf(name, sizeof name, "video.mp4");
		char *out = path_in(a->dir, name);
		rt_render_opts o;
		memset(&o, 0, sizeof o);
		o.output = out;
		o.quality = a->quality;
		o.cancel = &cancelled;
		o.progress = isatty(2) ? RT_PROGRESS_BAR : RT_PROGRESS_NONE;
		if (rt_render(p, &o, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			rc = -1;
		} else {
			fprintf(stderr, "vidc make: wrote %s (%s, %dx%d, %.2fs)\n", out, presets[i], p->width,
				p->height, ir_frame_time(p, p->frames));
		}
		free(out);
		ir_program_free(p);
	}
	compile_free(s);
	diag_free(d);
	return rc;
}

/* Runs another vidc command (cli/publish.c) on the spec: the same code a user runs. */
static int run_cmd(int (*cmd)(int, char **), const char *name, const char *spec, const char *preset,
		   const char *out)
{
	char *argv[] = {(char *)name, (char *)spec, "--preset", (char *)preset, "-o", (char *)out, NULL};
	return cmd(6, argv);
}

/* Stage 6a: subtitles (SRT and WebVTT) and the thumbnail of a spec, for its first preset. */
static int stage_publish_files(const make_args *a, const char *spec, const char *preset, const char *tag)
{
	int rc = 0;
	const char *exts[] = {"srt", "vtt"};
	for (int i = 0; i < 2 && !rc; i++) {
		char name[64];
		snprintf(name, sizeof name, "video%s.%s", tag, exts[i]);
		char *out = path_in(a->dir, name);
		rc = run_cmd(cmd_subs, "subs", spec, preset, out);
		free(out);
	}
	if (!rc) {
		char name[64];
		snprintf(name, sizeof name, "thumb%s.jpg", tag);
		char *out = path_in(a->dir, name);
		rc = run_cmd(cmd_thumb, "thumb", spec, preset, out);
		free(out);
	}
	return rc;
}

/* The YouTube chapter block of the rendered 16:9 spec ("0:00 Intro\n0:14 ..."), or NULL when the
 * spec has fewer than three chapters (YouTube shows none then). The script's own block holds
 * estimates; this one holds the voice's real times. Caller frees. */
static char *real_chapters(const char *spec_path)
{
	compile_opts co = {NULL, 0};
	diag_sink *d = diag_new();
	spec_t *s = compile_spec(spec_path, d, &co);
	char *block = NULL;
	size_t len = 0;
	if (!diag_errors(d) && compile_has_preset(s, "youtube_long")) {
		ir_program *p = compile_lower(s, "youtube_long");
		if (p->nchapters >= 3) {
			FILE *f = open_memstream(&block, &len);
			for (int i = 0; f && i < p->nchapters; i++) {
				long t = (long)p->chapters[i].t;
				if (t >= 3600)
					fprintf(f, "%ld:%02ld:%02ld %s\n", t / 3600, t / 60 % 60, t % 60, p->chapters[i].title);
				else
					fprintf(f, "%ld:%02ld %s\n", t / 60, t % 60, p->chapters[i].title);
			}
			if (f)
				fclose(f);
		}
		ir_program_free(p);
	}
	compile_free(s);
	diag_free(d);
	return block;
}

/* Whether a description line is a chapter timestamp line ("1:23 Title", "1:02:03 Title"). */
static int chapter_line(const char *l, size_t n)
{
	size_t i = 0, digits = 0, colons = 0;
	while (i < n && ((l[i] >= '0' && l[i] <= '9') || l[i] == ':')) {
		colons += l[i] == ':';
		digits += l[i] != ':';
		i++;
	}
	return colons >= 1 && digits >= 3 && i < n && l[i] == ' ';
}

/* The description with its chapter lines replaced by block. Caller frees. */
static char *with_chapters(const char *desc, const char *block)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	for (const char *l = desc; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (!chapter_line(l, n))
			fprintf(f, "%.*s\n", (int)n, l);
		l += n + (e != NULL);
	}
	fclose(f);
	while (len >= 2 && out[len - 1] == '\n' && out[len - 2] == '\n')
		out[--len] = 0;
	char *res = NULL;
	if (asprintf(&res, "%s%s%s", out, len && out[len - 1] != '\n' ? "\n\n" : "\n", block) < 0)
		res = NULL;
	free(out);
	return res;
}

/* Stage 6b: the platform metadata, DIR/PRESET.json: the script's SEO for that platform; for
 * youtube_long the description's chapter block holds the rendered video's chapter times. */
static int stage_metadata(const make_args *a, const char *script, const char *wide_spec)
{
	json_error_t je;
	json_t *s = json_load_file(script, 0, &je);
	if (!s)
		return -1;
	int rc = 0;
	for (int i = 0; i < a->npresets; i++) {
		json_t *seo = json_object_get(json_object_get(s, "seo"), a->presets[i]);
		json_t *m = json_object();
		json_object_set_new(m, "platform", json_string(a->presets[i]));
		json_object_set(m, "title", json_object_get(seo, "title"));
		json_object_set(m, "description", json_object_get(seo, "description"));
		char *block = !strcmp(a->presets[i], "youtube_long") && wide_spec ? real_chapters(wide_spec) : NULL;
		const char *desc = json_string_value(json_object_get(seo, "description"));
		if (block && desc) {
			char *d = with_chapters(desc, block);
			if (d)
				json_object_set_new(m, "description", json_string(d));
			free(d);
		}
		free(block);
		json_object_set(m, "tags", json_object_get(seo, "tags"));
		char name[64];
		snprintf(name, sizeof name, "%s.json", a->presets[i]);
		char *path = path_in(a->dir, name);
		char *text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!text || write_text(path, text)) {
			fprintf(stderr, "vidc make: cannot write '%s': %s\n", path, strerror(errno));
			rc = -1;
		}
		free(text);
		free(path);
		json_decref(m);
	}
	json_decref(s);
	return rc;
}

int cmd_make(int argc, char **argv)
{
	make_args a;
	char presets_buf[256];
	int rc = parse(argc, argv, &a, presets_buf, sizeof presets_buf);
	if (rc >= 0)
		return rc;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (make_dirs(a.dir)) {
		fprintf(stderr, "vidc make: cannot create '%s': %s\n", a.dir, strerror(errno));
		return 1;
	}
	char err[1024];
	article_t *art = article_load(a.article, err, sizeof err);
	if (!art) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	char *images[MAX_IMAGES];
	int nimages = 0;
	char *script = NULL;
	rc = 1;

	fprintf(stderr, "vidc make: [1/5] script\n");
	if (!(script = stage_script(&a, art)))
		goto done;
	fprintf(stderr, "vidc make: [2/5] voice\n");
	if (stage_voice(&a, script))
		goto done;
	fprintf(stderr, "vidc make: [3/5] images\n");
	nimages = stage_images(&a, art, images);

	/* One spec per orientation: video.vid, or video-tall.vid and video-wide.vid. */
	const char *tall[MAX_PRESETS], *wide[MAX_PRESETS];
	int ntall = 0, nwide = 0;
	for (int i = 0; i < a.npresets; i++) {
		if (specgen_vertical(a.presets[i]))
			tall[ntall++] = a.presets[i];
		else
			wide[nwide++] = a.presets[i];
	}
	fprintf(stderr, "vidc make: [4/5] spec\n");
	char *script_abs = realpath(script, NULL);
	const char *script_name = strrchr(script, '/') ? strrchr(script, '/') + 1 : script;
	for (int k = 0; k < 2; k++) {
		const char **ps = k ? wide : tall;
		int np = k ? nwide : ntall;
		if (!np)
			continue;
		const char *name = ntall && nwide ? (k ? "video-wide.vid" : "video-tall.vid") : "video.vid";
		char *spec = path_in(a.dir, name), *timing = path_in(a.dir, "voice.json");
		specgen_opts so = {
			.script_path = script,
			.timing_path = timing,
			.voice_name = "voice.wav",
			.timing_name = "voice.json",
			.title = art->title,
			.images = (const char *const *)images,
			.nimages = nimages,
			.presets = ps,
			.npresets = np,
			.captions = a.captions ? (strcmp(a.captions, "none") ? a.captions : NULL)
					       : (k ? "plain" : "karaoke"),
			.music = a.music,
			.source = script_name,
		};
		char *music_copy = NULL;
		if (a.music) {
			/* The spec names the music by absolute path: it lives outside DIR. */
			music_copy = realpath(a.music, NULL);
			if (!music_copy) {
				fprintf(stderr, "vidc make: music '%s': %s\n", a.music, strerror(errno));
				free(spec);
				free(timing);
				free(script_abs);
				goto done;
			}
			so.music = music_copy;
		}
		int bad = specgen_write(spec, &so, err, sizeof err);
		free(music_copy);
		free(timing);
		if (bad) {
			fprintf(stderr, "vidc make: %s\n", err);
			free(spec);
			free(script_abs);
			goto done;
		}
		fprintf(stderr, "vidc make: wrote %s\n", spec);
		if (!a.no_render) {
			fprintf(stderr, "vidc make: [5/5] render %s\n", name);
			bad = stage_render(&a, spec, ps, np, a.npresets);
			if (!bad)
				bad = stage_publish_files(&a, spec, ps[0], ntall && nwide ? (k ? "-wide" : "-tall") : "");
		}
		free(spec);
		if (bad || cancelled) {
			free(script_abs);
			goto done;
		}
	}
	free(script_abs);
	char *wide_spec = nwide ? path_in(a.dir, ntall ? "video-wide.vid" : "video.vid") : NULL;
	int bad = stage_metadata(&a, script, wide_spec);
	free(wide_spec);
	if (bad)
		goto done;
	rc = 0;
done:
	for (int i = 0; i < nimages; i++)
		free(images[i]);
	free(script);
	article_free(art);
	return rc;
}
