/*
 * stages.c - the service's calls into the pipeline and the runtime (stages.h), written against
 * today's functions (pipeline/script.h, voice.h, specgen.h, runtime/render.h, cues.h, thumb.h)
 * as cli/make.c uses them; replaced by calls to the stage library once it lands.
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
#include "../pipeline/voice.h"
#include "../runtime/cues.h"
#include "../runtime/image.h"
#include "../runtime/render.h"
#include "../runtime/thumb.h"
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

int stg_spec(const char *dir, const char *preset, const char *title, json_t *images, const char *music,
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
	};
	int rc = spec && script && timing ? specgen_write(spec, &so, err, errlen) : -4;
	free(spec);
	free(script);
	free(timing);
	return rc ? -1 : 0;
}

/* Compiles the spec and lowers it for preset; NULL with err filled. extra is appended to the
 * spec's text (captions for the sidecar files of a spec that burns in none). */
static ir_program *load(const char *spec, const char *preset, const char *extra, spec_t **sp, char *err, size_t errlen)
{
	compile_opts co = {NULL, 1};
	diag_sink *d = diag_new();
	char *text = NULL;
	size_t len = 0;
	if (extra && !slurp(spec, &text, &len)) {
		char *nt = realloc(text, len + strlen(extra) + 1);
		if (nt)
			memcpy(nt + len, extra, strlen(extra) + 1), text = nt, len += strlen(extra);
	}
	*sp = text ? compile_spec_text(spec, text, len, d, &co) : compile_spec(spec, d, &co);
	free(text);
	ir_program *p = NULL;
	if (diag_errors(d)) {
		char *msg = NULL;
		size_t ml = 0;
		FILE *f = open_memstream(&msg, &ml);
		if (f) {
			diag_print(d, f, 0);
			fclose(f);
		}
		snprintf(err, errlen, "%s: %.*s", spec, (int)strcspn(msg ? msg : "errors", "\n"), msg ? msg : "errors");
		free(msg);
	} else if (!compile_has_preset(*sp, preset)) {
		snprintf(err, errlen, "%s does not name preset '%s'", spec, preset);
	} else {
		p = compile_lower(*sp, preset);
	}
	diag_free(d);
	return p;
}

int stg_render(const char *spec, const char *preset, const char *out, stg_progress_fn progress, void *ud,
	       volatile int *cancel, stg_video *info, char *err, size_t errlen)
{
	spec_t *s;
	ir_program *p = load(spec, preset, NULL, &s, err, errlen);
	int rc = p ? 0 : -1;
	if (p) {
		rt_render_opts o;
		memset(&o, 0, sizeof o);
		o.output = out;
		o.cancel = cancel;
		o.progress = RT_PROGRESS_NONE;
		o.on_progress = progress;
		o.progress_ud = ud;
		rc = rt_render(p, &o, err, errlen);
		info->width = p->width;
		info->height = p->height;
		info->frames = p->frames;
		info->duration = ir_frame_time(p, p->frames);
	}
	ir_program_free(p);
	compile_free(s);
	return rc;
}

int stg_subtitles(const char *spec, const char *preset, const char *srt, const char *vtt, char *err, size_t errlen)
{
	spec_t *s;
	ir_program *p = load(spec, preset, NULL, &s, err, errlen);
	if (p && p->captions < 0) {
		ir_program_free(p);
		compile_free(s);
		p = load(spec, preset, "\ncaptions plain\n", &s, err, errlen);
	}
	int rc = -1;
	if (p && p->captions >= 0) {
		const ir_node *n = &p->nodes[p->captions];
		cue_style st;
		cue_list cl;
		int64_t end_ms = (int64_t)(ir_frame_time(p, p->frames) * 1000 + 0.5);
		if (cues_style(p, "plain", &st) == 0 &&
		    cues_build(&cl, n->u.captions.words, n->u.captions.nwords, st.max_chars, end_ms) == 0) {
			const char *outs[2] = {srt, vtt};
			cues_format fmts[2] = {CUES_SRT, CUES_VTT};
			rc = 0;
			for (int i = 0; i < 2 && !rc; i++) {
				char *text = NULL;
				size_t len = 0;
				FILE *f = open_memstream(&text, &len);
				int bad = !f || cues_write(f, fmts[i], &cl, &st, p->width, p->height);
				if (f)
					fclose(f);
				rc = bad ? (snprintf(err, errlen, "cannot write the captions"), -2)
					 : write_text(outs[i], text, err, errlen);
				free(text);
			}
			cues_free(&cl);
		}
	} else if (p) {
		snprintf(err, errlen, "%s: the voice has no word timings", spec);
	}
	ir_program_free(p);
	compile_free(s);
	return rc;
}

int stg_thumbnail(const char *spec, const char *preset, const char *out, char *err, size_t errlen)
{
	spec_t *s;
	ir_program *p = load(spec, preset, NULL, &s, err, errlen);
	int rc = -1;
	if (p) {
		thumb_opts to = {NULL, NULL, -1};
		thumb_result res;
		rc = thumb_write(p, &to, out, &res, err, errlen);
	}
	ir_program_free(p);
	compile_free(s);
	return rc;
}
