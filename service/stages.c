/*
 * stages.c - the service's calls into the pipeline and the runtime (stages.h), written against
 * the stage library (pipeline/stage.h: spec loading, render, subtitles, thumbnail) and the
 * pipeline's script, voice, visuals (pipeline/assets.h: the stage `vidc make` runs) and spec
 * writers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/file.h"
#include "../base/roots.h"
#include "../compiler/compile.h"
#include "../compiler/ir.h"
#include "../pipeline/article.h"
#include "../pipeline/assets.h"
#include "../pipeline/script.h"
#include "../pipeline/pieces.h"
#include "../pipeline/specgen.h"
#include "../pipeline/stage.h"
#include "../pipeline/voice.h"
#include "stages.h"

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

/* Speaks vs with the provider's voice at normal speed into *t, zeroed first so that it can be
 * freed whatever happens: voice_make's code. */
static int speak(const char *provider, const char *voice, const voice_script *vs, voice_track *t, char *err,
		 size_t errlen)
{
	voice_opts o;
	memset(&o, 0, sizeof o);
	o.provider = provider;
	o.voice = voice;
	o.speed = 1.0;
	memset(t, 0, sizeof *t);
	return voice_make(&o, vs, t, err, errlen);
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
	voice_track t;
	memset(&t, 0, sizeof t);
	int vr = rc ? 0 : speak(provider, voice, &vs, &t, err, errlen);
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

int stg_preview(const char *tmp_dir, const char *provider, const char *voice, const char *text, char **wav,
		size_t *len, char *err, size_t errlen)
{
	voice_script vs;
	if (voice_script_text(text, &vs)) {
		snprintf(err, errlen, "out of memory");
		return -4;
	}
	voice_track t;
	char path[4200];
	snprintf(path, sizeof path, "%s/preview-%d-%lx.wav", tmp_dir, (int)getpid(), (unsigned long)pthread_self());
	int rc = speak(provider, voice, &vs, &t, err, errlen) ? VE_NET : 0;
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

/* The store's VideoAsset types of the assets file's kinds (assets.h's order). */
static const char *const asset_types[AS_NKINDS] = {"image", "footage", "image", "overlay", "overlay"};

static json_t *str_or_null(const char *s)
{
	json_t *v = s && *s ? json_string(s) : NULL;
	return v ? v : json_null();
}

/* The index into the VideoScript's sections (intro 0, pointN N); the hook and the call to
 * action are the script's own fields, not sections: null. */
static json_t *section_index(const char *name)
{
	if (!strcmp(name, "intro"))
		return json_integer(0);
	if (!strncmp(name, "point", 5) && atoi(name + 5) > 0)
		return json_integer(atoi(name + 5));
	return json_null();
}

/* One entry of the assets file as a VideoAsset row. url: where a fetched file came from;
 * original_url: the page its credit points to (stock), else what the article named. */
static json_t *asset_row(const char *dir, const asset_entry *en, int order)
{
	json_t *r = json_object();
	char *fp = NULL;
	if (en->path && asprintf(&fp, "%s/%s", dir, en->path) < 0)
		fp = NULL;
	int remote = en->original && strstr(en->original, "://");
	json_object_set_new(r, "asset_type", json_string(asset_types[en->kind]));
	json_object_set_new(r, "source", json_string(strcmp(en->source, "user") ? en->source : "uploaded"));
	json_object_set_new(r, "file_path", str_or_null(fp));
	json_object_set_new(r, "url", str_or_null(remote ? en->original : NULL));
	json_object_set_new(r, "duration", en->kind == AS_FOOTAGE && en->duration > 0 ? json_real(en->duration) : json_null());
	json_object_set_new(r, "section_index", section_index(en->section));
	json_object_set_new(r, "order", json_integer(order));
	json_object_set_new(r, "credit", str_or_null(en->credit));
	json_object_set_new(r, "licence", str_or_null(en->licence));
	json_object_set_new(r, "original_url", str_or_null(en->page_url && *en->page_url ? en->page_url : en->original));
	free(fp);
	return r;
}

int stg_visuals_check(const char *list, char *err, size_t errlen)
{
	asset_visual order[VIS_N];
	int n;
	vidc_err e;
	if (!assets_parse_visuals(list, order, &n, &e))
		return 0;
	err_copy(&e, err, errlen);
	return -1;
}

int stg_assets(const stg_assets_opts *o, json_t **rows, int *generated, char *err, size_t errlen)
{
	*rows = NULL;
	*generated = 0;
	vidc_err e = {0};
	char *script = path_in(o->dir, "script.json"), *out = path_in(o->dir, "assets.json");
	int rc = script && out ? 0 : err_set(&e, VE_NOMEM, "out of memory");
	/* the site's files folder may not exist yet (nothing uploaded): its root is then empty */
	if (!rc && o->article && mkdir(o->files_dir, 0777) && errno != EEXIST)
		rc = err_errno(&e, errno, "cannot create the site's files folder '%s'", o->files_dir);
	assets_opts ao;
	assets_opts_init(&ao);
	ao.script_path = script;
	ao.article_path = o->article ? "the content record" : NULL;
	ao.article_text = o->article;
	ao.article_dir = o->files_dir;
	ao.out_path = out;
	ao.preset = o->preset;
	ao.fetch.cache_dir = o->cache_dir;
	ao.fetch.cancel = o->cancel;
	ao.say = o->say;
	ao.say_ud = o->say_ud;
	if (!rc && o->visuals)
		rc = assets_parse_visuals(o->visuals, ao.order, &ao.norder, &e);
	assets_t a = {0};
	if (!rc)
		rc = assets_make(&ao, &a, &e);
	if (!rc && !(*rows = json_array()))
		rc = err_set(&e, VE_NOMEM, "out of memory");
	for (int i = 0; !rc && i < a.n; i++) {
		json_array_append_new(*rows, asset_row(o->dir, &a.v[i], i));
		*generated += a.v[i].kind == AS_AI_IMAGE || !strncmp(a.v[i].source, "stock_", 6);
	}
	if (rc)
		err_copy(&e, err, errlen);
	assets_free(&a);
	free(script);
	free(out);
	return rc;
}

int stg_music(const char *dir, const char *files_dir, const char *name, const char **spec_name, char *err,
	      size_t errlen)
{
	static __thread char spec[32];
	vidc_err e = {0};
	char *src = NULL, *to = NULL;
	roots_t *roots = roots_new();
	int rc = roots ? 0 : err_set(&e, VE_NOMEM, "out of memory");
	if (!rc && roots_add(roots, files_dir, NULL))
		rc = err_set(&e, VE_NOTFOUND, "music_track '%s': the site has no files folder ('%s')", name, files_dir);
	if (!rc && (rc = roots_resolve(roots, files_dir, name, &src, &e)))
		err_prefix(&e, "music_track");
	/* the spec names it: its extension kept to letters and digits */
	const char *base = src ? strrchr(src, '/') : NULL, *dot = base ? strrchr(base, '.') : NULL;
	size_t k = snprintf(spec, sizeof spec, "music.");
	for (const char *c = dot ? dot + 1 : ""; *c && k < 14; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
			spec[k++] = *c;
	snprintf(spec + k, sizeof spec - k, "%s", k == 6 ? "audio" : "");
	if (!rc && !(to = path_in(dir, spec)))
		rc = err_set(&e, VE_NOMEM, "out of memory");
	if (!rc)
		rc = file_copy(src, to, &e);
	if (rc)
		err_copy(&e, err, errlen);
	else
		*spec_name = spec;
	roots_free(roots);
	free(src);
	free(to);
	return rc;
}

int stg_spec(const char *dir, const char *preset, int fps, const char *title, const char *music, char *err,
	     size_t errlen)
{
	char spec_name[64];
	snprintf(spec_name, sizeof spec_name, "%s.vid", preset);
	char *spec = path_in(dir, spec_name), *script = path_in(dir, "script.json"), *timing = path_in(dir, "voice.json"),
	     *apath = path_in(dir, "assets.json");
	const char *presets[1] = {preset};
	assets_t a = {0};
	vidc_err e;
	platform_table *t = NULL; /* read once for the captions and the spec (NULL: unreadable, and
				   * the spec's compile says why) */
	if (platform_load(compile_stdlib_dir(NULL), &t, &e))
		t = NULL;
	int rc = spec && script && timing && apath ? 0 : -4;
	if (rc)
		snprintf(err, errlen, "out of memory");
	else if ((rc = assets_load(apath, &a, &e)))
		err_copy(&e, err, errlen);
	specgen_opts so = {
		.script_path = script,
		.timing_path = timing,
		.voice_name = "voice.wav",
		.timing_name = "voice.json",
		.title = title,
		.assets = &a,
		.presets = presets,
		.npresets = 1,
		.captions = specgen_vertical(t, preset) ? "karaoke" : "plain",
		.music = music,
		.source = "script.json",
		.fps = fps,
	};
	so.platforms = t;
	if (!rc && specgen_write(spec, &so, err, errlen))
		rc = -1;
	platform_free(t);
	assets_free(&a);
	free(spec);
	free(script);
	free(timing);
	free(apath);
	return rc;
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

/* Compiles the spec and lowers it for preset. No allow folder: the spec's roots are its own
 * folder, the project's (where its voice, pictures and music are copied), and the stdlib, so a
 * project's spec never reads another site's files or the machine's (SPEC.md section 14). */
typedef struct {
	stage_spec *s;
	ir_program *p;
	vidc_err e;
} loaded;

static int load(const char *spec, const char *preset, loaded *l)
{
	memset(l, 0, sizeof *l);
	stage_spec_opts so = {.check_assets = 1};
	int rc = stage_spec_load(spec, NULL, 0, &so, NULL, &l->s, &l->e);
	if (!rc)
		rc = stage_spec_lower(l->s, preset, &l->p, &l->e);
	return rc;
}

/* The end of every stage call on a loaded spec: the message copied out on failure, the spec and
 * its program freed. Returns rc. */
static int done(int rc, loaded *l, char *err, size_t errlen)
{
	if (rc)
		err_copy(&l->e, err, errlen);
	ir_program_free(l->p);
	stage_spec_free(l->s);
	return rc;
}

int stg_render(const char *spec, const char *preset, const char *out, stg_progress_fn progress, void *ud,
	       volatile int *cancel, stg_video *info, char *err, size_t errlen)
{
	loaded l;
	int rc = load(spec, preset, &l);
	if (!rc) {
		progress_fwd f = {progress, ud};
		stage_cb cb = {.ud = &f, .progress = fwd_progress, .cancel = cancel};
		stage_render_opts o = {.output = out};
		rc = stage_render(l.p, &o, &cb, &l.e);
		info->width = l.p->width;
		info->height = l.p->height;
		info->frames = l.p->frames;
		info->duration = ir_frame_time(l.p, l.p->frames);
	}
	return done(rc, &l, err, errlen);
}

int stg_render_piece(const char *spec, const char *preset, int pieces, int piece, const char *out,
		     const char *cache_dir, stg_progress_fn progress, void *ud, volatile int *cancel, char *err,
		     size_t errlen)
{
	loaded l;
	int rc = load(spec, preset, &l);
	if (!rc) {
		progress_fwd f = {progress, ud};
		stage_cb cb = {.ud = &f, .progress = fwd_progress, .cancel = cancel};
		pieces_one_opts o = {out, 0, pieces, piece, {cache_dir, 0, !cache_dir}};
		pieces_one_result r;
		rc = pieces_render_one(l.p, &o, &cb, &r, &l.e);
	}
	return done(rc, &l, err, errlen);
}

int stg_max_pieces(const char *spec, const char *preset, int *max, double *seconds, char *err, size_t errlen)
{
	loaded l;
	int rc = load(spec, preset, &l);
	if (!rc) {
		int64_t gop = pieces_gop(l.p);
		int64_t n = (l.p->frames + gop - 1) / gop; /* pieces_plan: a piece per started GOP */
		*max = n < 1 ? 1 : n > PIECES_MAX ? PIECES_MAX : (int)n;
		*seconds = ir_frame_time(l.p, l.p->frames);
	}
	return done(rc, &l, err, errlen);
}

int stg_join(const char *spec, const char *preset, const char *const *files, int n, const char *out,
	     const char *cache_dir, stg_video *info, char *err, size_t errlen)
{
	loaded l;
	int rc = load(spec, preset, &l);
	if (!rc) {
		pieces_join_opts o = {.output = out, .files = files, .nfiles = n, .spec = spec, .spec_opts.check_assets = 1,
				      .cache = {cache_dir, 0, !cache_dir}};
		pieces_join_result r;
		rc = pieces_join(&o, NULL, &r, &l.e);
		info->width = r.width;
		info->height = r.height;
		info->frames = r.frames;
		info->duration = ir_frame_time(l.p, r.frames);
	}
	return done(rc, &l, err, errlen);
}

int stg_subtitles(const char *spec, const char *preset, const char *srt, const char *vtt, char *err, size_t errlen)
{
	loaded l;
	int rc = load(spec, preset, &l);
	const char *outs[2] = {srt, vtt};
	stage_subs_format fmts[2] = {stage_subs_format_of(srt), stage_subs_format_of(vtt)};
	for (int i = 0; !rc && i < 2; i++) {
		stage_subs_opts o = {outs[i], fmts[i], NULL};
		stage_subs_result r;
		rc = stage_subs(l.s, preset, &o, NULL, &r, &l.e);
	}
	return done(rc, &l, err, errlen);
}

int stg_thumbnail(const char *spec, const char *preset, const char *out, char *err, size_t errlen)
{
	loaded l;
	int rc = load(spec, preset, &l);
	if (!rc) {
		stage_thumb_opts o = {.output = out, .at = -1};
		stage_thumb_result r;
		rc = stage_thumb(l.s, preset, &o, NULL, &r, &l.e);
	}
	return done(rc, &l, err, errlen);
}
