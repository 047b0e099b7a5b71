/*
 * stages.c - the service's calls into the pipeline and the runtime (stages.h), written against
 * the stage library (pipeline/stage.h: spec loading, render, subtitles, thumbnail) and the
 * pipeline's script, voice and spec writers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include <libavutil/frame.h>

#include "../base/err.h"
#include "../base/file.h"
#include "../base/roots.h"
#include "../compiler/compile.h"
#include "../compiler/ir.h"
#include "../pipeline/article.h"
#include "../pipeline/script.h"
#include "../pipeline/specgen.h"
#include "../pipeline/stage.h"
#include "../pipeline/voice.h"
#include "../runtime/image.h"
#include "stages.h"

#define MAX_IMAGES 64

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Writes text to path atomically (base/file.h). */
static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
	vidc_err e;
	int rc = file_write_atomic(path, text, strlen(text), &e);
	if (rc)
		err_copy(&e, err, errlen);
	return rc;
}

/* The largest file a stage reads whole: a voice preview, an image copied into a project. */
#define MAX_READ (256u << 20)

int stg_script(const char *article, const char *base_dir, const char *type, const char *platforms_csv,
	       const char *generator, json_t **script, char *err, size_t errlen)
{
	*script = NULL;
	script_type t;
	if (script_type_parse(type, &t)) {
		snprintf(err, errlen, "unknown project type '%s'", type);
		return -1;
	}
	article_t *a = article_parse(article, strlen(article), "content", base_dir, err, errlen);
	if (!a)
		return -1;
	script_opts so;
	int rc = script_opts_init(&so, t, platforms_csv, err, errlen);
	const script_generator *g = script_generator_find(generator ? generator : "extract");
	if (!rc && !g) {
		snprintf(err, errlen, "unknown script generator '%s' (extract, llm)", generator);
		rc = -1;
	}
	if (!rc && !(*script = script_generate(g, a, &so, err, errlen)))
		rc = -1;
	article_free(a);
	return rc;
}

int stg_voice(const char *dir, json_t *script, const char *provider, const char *voice, double *seconds,
	      char *err, size_t errlen)
{
	char *sp = path_in(dir, "script.json"), *wav = path_in(dir, "voice.wav"), *js = path_in(dir, "voice.json");
	char *text = script_dump(script);
	int rc = sp && wav && js && text ? write_text(sp, text, err, errlen) : -4;
	voice_script vs;
	memset(&vs, 0, sizeof vs);
	if (!rc && voice_script_load(sp, &vs, err, errlen))
		rc = -1;
	voice_opts o;
	memset(&o, 0, sizeof o);
	o.provider = provider;
	o.voice = voice;
	o.speed = 1.0;
	voice_track t;
	memset(&t, 0, sizeof t);
	int vr = rc ? 0 : voice_make(&o, &vs, &t, err, errlen);
	if (vr)
		rc = vr == VOICE_ETRANSIENT ? VE_NET : VE_UNSUPPORTED; /* VE_NET: worth another try */
	if (!rc && (voice_write_wav(wav, t.pcm, t.n, VOICE_RATE, err, errlen) ||
		    voice_write_timing(js, &t, err, errlen)))
		rc = -2;
	if (!rc)
		*seconds = (double)t.n / VOICE_RATE;
	if (rc == -4)
		snprintf(err, errlen, "out of memory");
	voice_track_free(&t);
	voice_script_free(&vs);
	free(text);
	free(sp);
	free(wav);
	free(js);
	return rc;
}

static int slurp(const char *path, char **data, size_t *len)
{
	return file_read(path, MAX_READ, data, len, NULL);
}

int stg_preview(const char *tmp_dir, const char *provider, const char *voice, const char *text, char **wav,
		size_t *len, char *err, size_t errlen)
{
	voice_script vs;
	if (voice_script_text(text, &vs)) {
		snprintf(err, errlen, "out of memory");
		return -4;
	}
	voice_opts o;
	memset(&o, 0, sizeof o);
	o.provider = provider;
	o.voice = voice;
	o.speed = 1.0;
	voice_track t;
	memset(&t, 0, sizeof t);
	char path[4200];
	snprintf(path, sizeof path, "%s/preview-%d-%lx.wav", tmp_dir, (int)getpid(), (unsigned long)pthread_self());
	int rc = voice_make(&o, &vs, &t, err, errlen) ? VE_NET : 0;
	if (!rc && voice_write_wav(path, t.pcm, t.n, VOICE_RATE, err, errlen))
		rc = -2;
	vidc_err e;
	if (!rc && (rc = file_read(path, MAX_READ, wav, len, &e)))
		err_copy(&e, err, errlen);
	remove(path);
	voice_track_free(&t);
	voice_script_free(&vs);
	return rc;
}

/* Copies a file (atomically: whole or absent). */
static int copy_file(const char *from, const char *to)
{
	char *data;
	size_t len;
	if (slurp(from, &data, &len))
		return -1;
	int rc = file_write_atomic(to, data, len, NULL);
	free(data);
	return rc;
}

/* One image of the article: copied when it is a local file inside the site's files folder (the
 * only root a content record that came over the API may read) that decodes and is big enough. */
static int image_one(const char *dir, const roots_t *roots, const char *base_dir, const art_image *im, int n,
		     json_t *out)
{
	if (strstr(im->path, "://") || !strncmp(im->path, "data:", 5))
		return 0; /* URLs are the asset fetcher's (issue 11) */
	char *src = NULL;
	if (!roots || roots_resolve(roots, base_dir, im->path, &src, NULL))
		return 0; /* outside the site's files (another site's, /etc/...) or missing */
	AVFrame *fr = NULL;
	char cause[256];
	if (img_decode(src, &fr, cause, sizeof cause) < 0) {
		free(src);
		return 0;
	}
	int small = fr->width < 320 || fr->height < 320;
	av_frame_free(&fr);
	if (small) {
		free(src);
		return 0;
	}
	const char *base = strrchr(src, '/');
	const char *dot = strrchr(base ? base : src, '.');
	char rel[64];
	snprintf(rel, sizeof rel, "images/%02d%.8s", n + 1, dot ? dot : ".img");
	char *dst = path_in(dir, rel);
	int ok = dst && copy_file(src, dst) == 0;
	free(dst);
	free(src);
	if (ok)
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "file_path", rel, "original", im->src, "alt", im->alt));
	return ok;
}

int stg_images(const char *dir, const char *article, const char *base_dir, json_t **images, char *err,
	       size_t errlen)
{
	*images = json_array();
	article_t *a = article_parse(article, strlen(article), "content", base_dir, err, errlen);
	if (!a)
		return -1;
	char *idir = path_in(dir, "images");
	if (!idir || (mkdir(idir, 0777) && errno != EEXIST)) {
		snprintf(err, errlen, "cannot create '%s': %s", idir ? idir : dir, strerror(errno));
		free(idir);
		article_free(a);
		return -2;
	}
	free(idir);
	roots_t *roots = roots_new();
	if (roots && roots_add(roots, base_dir, NULL)) {
		roots_free(roots); /* no files folder: no local image is readable */
		roots = NULL;
	}
	for (int i = 0, n = 0; i < a->nimages && n < MAX_IMAGES; i++)
		n += image_one(dir, roots, base_dir, &a->images[i], n, *images);
	roots_free(roots);
	article_free(a);
	return 0;
}

int stg_spec(const char *dir, const char *preset, int fps, const char *title, json_t *images, const char *music,
	     char *err, size_t errlen)
{
	const char *names[MAX_IMAGES];
	int n = 0;
	size_t i;
	json_t *im;
	json_array_foreach(images, i, im) if (n < MAX_IMAGES) names[n++] = json_string_value(json_object_get(im, "file_path"));
	char spec_name[64];
	snprintf(spec_name, sizeof spec_name, "%s.vid", preset);
	char *spec = path_in(dir, spec_name), *script = path_in(dir, "script.json"), *timing = path_in(dir, "voice.json");
	const char *presets[1] = {preset};
	int vertical = specgen_vertical(preset);
	specgen_opts so = {
		.script_path = script,
		.timing_path = timing,
		.voice_name = "voice.wav",
		.timing_name = "voice.json",
		.title = title,
		.images = names,
		.nimages = n,
		.presets = presets,
		.npresets = 1,
		.captions = vertical ? "karaoke" : "plain",
		.music = music,
		.source = "script.json",
		.fps = fps,
	};
	int rc = spec && script && timing ? specgen_write(spec, &so, err, errlen) : -4;
	free(spec);
	free(script);
	free(timing);
	return rc ? -1 : 0;
}

/* The stage library's callbacks for the service: progress to the worker's function, the cancel
 * flag; diagnostics and notes stay out of the worker's log (errors come back in vidc_err). */
typedef struct {
	stg_progress_fn fn;
	void *ud;
} progress_fwd;

static void fwd_progress(void *ud, const char *stage, int64_t done, int64_t total)
{
	progress_fwd *f = ud;
	if (f->fn && !strcmp(stage, "render"))
		f->fn(f->ud, done, total);
}

/* Compiles the spec (its folder is its root) and lowers it for preset. */
static int load(const char *spec, const char *preset, stage_spec **sp, ir_program **p, vidc_err *e)
{
	stage_spec_opts so;
	memset(&so, 0, sizeof so);
	so.check_assets = 1;
	*p = NULL;
	int rc = stage_spec_load(spec, NULL, 0, &so, NULL, sp, e);
	if (!rc && p != NULL)
		rc = stage_spec_lower(*sp, preset, p, e);
	return rc;
}

int stg_render(const char *spec, const char *preset, const char *out, stg_progress_fn progress, void *ud,
	       volatile int *cancel, stg_video *info, char *err, size_t errlen)
{
	stage_spec *s = NULL;
	ir_program *p = NULL;
	vidc_err e = {0};
	int rc = load(spec, preset, &s, &p, &e);
	if (!rc) {
		progress_fwd f = {progress, ud};
		stage_cb cb = {.ud = &f, .progress = fwd_progress, .cancel = cancel};
		stage_render_opts o;
		memset(&o, 0, sizeof o);
		o.output = out;
		rc = stage_render(p, &o, &cb, &e);
		info->width = p->width;
		info->height = p->height;
		info->frames = p->frames;
		info->duration = ir_frame_time(p, p->frames);
	}
	if (rc)
		err_copy(&e, err, errlen);
	ir_program_free(p);
	stage_spec_free(s);
	return rc;
}

int stg_subtitles(const char *spec, const char *preset, const char *srt, const char *vtt, char *err, size_t errlen)
{
	stage_spec *s = NULL;
	ir_program *p = NULL;
	vidc_err e = {0};
	int rc = load(spec, preset, &s, &p, &e);
	const char *outs[2] = {srt, vtt};
	stage_subs_format fmts[2] = {stage_subs_format_of(srt), stage_subs_format_of(vtt)};
	for (int i = 0; !rc && i < 2; i++) {
		stage_subs_opts o = {outs[i], fmts[i], NULL};
		stage_subs_result r;
		rc = stage_subs(s, preset, &o, NULL, &r, &e);
	}
	if (rc)
		err_copy(&e, err, errlen);
	ir_program_free(p);
	stage_spec_free(s);
	return rc;
}

int stg_thumbnail(const char *spec, const char *preset, const char *out, char *err, size_t errlen)
{
	stage_spec *s = NULL;
	ir_program *p = NULL;
	vidc_err e = {0};
	int rc = load(spec, preset, &s, &p, &e);
	if (!rc) {
		stage_thumb_opts o;
		memset(&o, 0, sizeof o);
		o.output = out;
		o.at = -1;
		stage_thumb_result r;
		rc = stage_thumb(s, preset, &o, NULL, &r, &e);
	}
	if (rc)
		err_copy(&e, err, errlen);
	ir_program_free(p);
	stage_spec_free(s);
	return rc;
}
