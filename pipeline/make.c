/*
 * make.c - the one-command video (make.h): the stages of stage.h in order, each writing its file
 * into the output folder. `script` starts from an edited script; `no_render` stops after the
 * spec. With no options and no network it uses the embedded defaults (extractive script, espeak
 * voice). Every file goes through a temp name and a rename, so a failed or cancelled stage
 * leaves the earlier stages' files whole and nothing half-written.
 */
#include "make.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "assets.h"
#include "specllm.h"
#include "stage_priv.h"

#define SAY(cb, ...) stage_say((cb), STAGE_NOTE, "make", __VA_ARGS__)

typedef struct {
	const make_opts *o;
	const stage_cb *cb;
	vidc_err *e;
	article_t *art;
	char *script;              /* DIR/script.json */
	assets_t assets;           /* DIR/assets.json: a visual per section */
	stage_spec *wide;          /* the 16:9 spec, compiled, for the metadata's chapters */
	platform_table *platforms; /* the platform file, read once for the specs (NULL: unreadable,
				    * and the specs' compile says why) */
	stage_spec_opts spec;      /* o->spec with the music's folder granted (grant_music) */
	char *music_dir;           /* that folder, and the allow list it is in: they outlive the */
	const char **allow;        /* compiled specs, which borrow them */
} make_run_t;

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* mkdir -p: creates dir and any missing parents. */
static int make_dirs(const char *dir, vidc_err *e)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
		return err_set(e, VE_INVAL, "cannot create '%s': the name is too long", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST)
			return err_errno(e, errno, "cannot create '%s'", dir);
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return err_errno(e, errno, "cannot create '%s'", dir);
	return 0;
}

/* ---- 1-3: script, voice, photos ----------------------------------------------------------- */

static int run_script(make_run_t *m)
{
	const make_opts *o = m->o;
	if (!(m->script = path_in(o->dir, "script.json")))
		return err_set(m->e, VE_NOMEM, "out of memory");
	if (o->script) /* an edited script: validated before spending time on the voice */
		return stage_script_edited(o->script, m->script, m->cb, m->e);
	script_type type = SCRIPT_SHORT;
	if (o->type) {
		if (script_type_parse(o->type, &type))
			return err_set(m->e, VE_INVAL, "--type takes short, medium or long, not '%s'", o->type);
	} else if (o->npresets == 1 && !strcmp(o->presets[0], "youtube_long")) {
		type = SCRIPT_MEDIUM;
	}
	char platforms[128] = "";
	for (int i = 0; i < o->npresets; i++)
		snprintf(platforms + strlen(platforms), sizeof platforms - strlen(platforms), "%s%s",
			 i ? "," : "", o->presets[i]);
	stage_script_opts so;
	memset(&so, 0, sizeof so);
	char err[VE_MSG_MAX];
	if (script_opts_init(&so.script, type, platforms, err, sizeof err))
		return err_set(m->e, VE_INVAL, "%s", err);
	so.generator = o->generator;
	so.output = m->script;
	return stage_script(m->art, &so, m->cb, NULL, m->e);
}

static int run_voice(make_run_t *m)
{
	char *wav = path_in(m->o->dir, "voice.wav"), *json = path_in(m->o->dir, "voice.json");
	stage_voice_opts vo = {m->script, NULL, wav, json, m->o->voice};
	stage_voice_result r;
	int rc = wav && json ? stage_voice(&vo, m->cb, &r, m->e) : err_set(m->e, VE_NOMEM, "out of memory");
	if (!rc)
		SAY(m->cb, "voice: %d words, %.1fs", r.words, r.seconds);
	else if (rc != VE_CANCELED)
		err_prefix(m->e, "voice");
	free(wav);
	free(json);
	return rc;
}

static void say_assets(void *ud, int warning, const char *msg)
{
	stage_say(ud, warning ? STAGE_WARNING : STAGE_NOTE, "make", "visuals: %s", msg);
}

/* A visual for every section (pipeline/assets.h), chosen for the first preset's frame, or the
 * user's edited assets file. Sections that fell back to a text card are warnings. */
static int run_assets(make_run_t *m)
{
	const make_opts *o = m->o;
	char *out = path_in(o->dir, "assets.json");
	if (!out)
		return err_set(m->e, VE_NOMEM, "out of memory");
	int rc = 0;
	if (o->assets) {
		char *a = realpath(o->assets, NULL), *b = realpath(o->dir, NULL);
		const char *slash = a ? strrchr(a, '/') : NULL;
		if (!a || !b || !slash || strncmp(a, b, (size_t)(slash - a)) || b[slash - a])
			rc = err_set(m->e, VE_INVAL, "--assets %s: an assets file is used from the output folder %s "
				     "(its files are named relative to it)", o->assets, o->dir);
		free(a);
		free(b);
		if (!rc)
			rc = assets_load(o->assets, &m->assets, m->e);
		free(out);
		return rc;
	}
	assets_opts ao;
	assets_opts_init(&ao);
	ao.script_path = m->script;
	ao.article_path = o->article;
	ao.out_path = out;
	ao.preset = o->presets[0];
	ao.allow = o->allow;
	ao.nallow = o->nallow;
	ao.fetch.cancel = m->cb ? m->cb->cancel : NULL;
	ao.say = say_assets;
	ao.say_ud = (void *)m->cb;
	ao.article_said = 1; /* stage 1 (stage_article) said what the record's reading skipped */
	if (o->visuals)
		rc = assets_parse_visuals(o->visuals, ao.order, &ao.norder, m->e);
	if (!rc)
		rc = assets_make(&ao, &m->assets, m->e);
	if (!rc)
		SAY(m->cb, "wrote %s", out);
	free(out);
	return rc;
}

/* ---- 4-6: spec, render, subtitles and thumbnail ------------------------------------------- */

/* Renders every preset of the compiled spec s (one spec: ps[0..np)). */
static int run_render(make_run_t *m, const stage_spec *s, const char *const *ps, int np)
{
	for (int i = 0; i < np; i++) {
		ir_program *p = NULL;
		int rc = stage_spec_lower(s, ps[i], &p, m->e);
		char name[64];
		snprintf(name, sizeof name, m->o->npresets > 1 ? "video-%s.mp4" : "video.mp4", ps[i]);
		char *out = path_in(m->o->dir, name);
		stage_render_opts ro = {.output = out, .quality = m->o->quality};
		if (!rc)
			rc = out ? stage_render(p, &ro, m->cb, m->e) : err_set(m->e, VE_NOMEM, "out of memory");
		if (!rc)
			SAY(m->cb, "wrote %s (%s, %dx%d, %.2fs)", out, ps[i], p->width, p->height,
			    ir_frame_time(p, p->frames));
		free(out);
		ir_program_free(p);
		if (rc)
			return rc;
	}
	return 0;
}

/* video[TAG].srt, .vtt and thumb[TAG].jpg of the spec, for its first preset. */
static int run_publish(make_run_t *m, const stage_spec *s, const char *preset, const char *tag)
{
	static const stage_subs_format fmts[] = {STAGE_SUBS_SRT, STAGE_SUBS_VTT};
	static const char *const exts[] = {"srt", "vtt"};
	int rc = 0;
	for (int i = 0; i < 2 && !rc; i++) {
		char name[64];
		snprintf(name, sizeof name, "video%s.%s", tag, exts[i]);
		char *out = path_in(m->o->dir, name);
		stage_subs_opts so = {out, fmts[i], NULL};
		stage_subs_result r;
		rc = out ? stage_subs(s, preset, &so, m->cb, &r, m->e) : err_set(m->e, VE_NOMEM, "out of memory");
		if (!rc)
			SAY(m->cb, "wrote %s (%d cues, %s)", out, r.cues, exts[i]);
		free(out);
	}
	if (rc)
		return rc;
	char name[64];
	snprintf(name, sizeof name, "thumb%s.jpg", tag);
	char *out = path_in(m->o->dir, name);
	stage_thumb_opts to = {.output = out, .at = -1};
	stage_thumb_result r;
	rc = out ? stage_thumb(s, preset, &to, m->cb, &r, m->e) : err_set(m->e, VE_NOMEM, "out of memory");
	if (!rc)
		SAY(m->cb, "wrote %s (%dx%d, %lld bytes, \"%s\")", out, r.width, r.height, (long long)r.bytes, r.title);
	free(out);
	return rc;
}

/* The spec written by the model (specllm.h) from what the template writer would use (so). 0
 * when written; 1 after a warning naming the remaining errors or the failure (the caller then
 * writes the template writer's spec); VE_CANCELED or VE_NOMEM: it stops. Only the spec's folder, the stdlib
 * and the music's folder are its roots: the model's text is untrusted. */
static int spec_by_llm(make_run_t *m, const char *spec, const specgen_opts *so)
{
	script_opts llm;
	char err[VE_MSG_MAX];
	if (script_opts_init(&llm, SCRIPT_SHORT, NULL, err, sizeof err)) {
		stage_say(m->cb, STAGE_WARNING, "make", "%s: no model for the spec (%s); the template "
			  "writer's spec is written instead", spec, err);
		return 1;
	}
	const char *music_root[1] = {m->music_dir};
	specllm_opts lo = {
		.spec_path = spec,
		.script_path = so->script_path,
		.timing_path = so->timing_path,
		.voice_name = so->voice_name,
		.timing_name = so->timing_name,
		.assets = so->assets,
		.presets = so->presets,
		.npresets = so->npresets,
		.captions = so->captions,
		.music = so->music,
		.rounds = m->o->spec_rounds,
		.stdlib_dir = m->o->spec.stdlib_dir,
		.allow = music_root,
		.nallow = m->music_dir ? 1 : 0,
		.llm = &llm,
		.log = m->o->verbose ? stage_log_open(m->cb, "make") : NULL,
		.cancel = stage_cancel_flag(m->cb),
	};
	specllm_result r;
	vidc_err le = {0};
	int rc = specllm_write(&lo, &r, &le);
	if (lo.log)
		fclose(lo.log);
	if (!rc)
		SAY(m->cb, "wrote %s (written by the model in %d round%s)", spec, r.rounds, r.rounds == 1 ? "" : "s");
	if (rc == VE_CANCELED || rc == VE_NOMEM)
		return err_set(m->e, rc, "%s", le.msg);
	if (rc)
		stage_say(m->cb, STAGE_WARNING, "make", "%s: the model's spec is not used (%s); the template "
			  "writer's spec is written instead", spec, le.msg);
	return rc ? 1 : 0;
}

/* The spec of one orientation (ps[0..np), all vertical or all 16:9) written to DIR/name. */
static int write_spec(make_run_t *m, const char *spec, const char *const *ps, int np, int wide)
{
	const make_opts *o = m->o;
	char *timing = path_in(o->dir, "voice.json"), *music = NULL;
	const char *script_name = strrchr(m->script, '/') ? strrchr(m->script, '/') + 1 : m->script;
	specgen_opts so = {
		.script_path = m->script,
		.timing_path = timing,
		.voice_name = "voice.wav",
		.timing_name = "voice.json",
		.title = m->art->title,
		.assets = &m->assets,
		.presets = ps,
		.npresets = np,
		.captions = o->captions ? (strcmp(o->captions, "none") ? o->captions : NULL)
					: (wide ? "plain" : "karaoke"),
		.source = script_name,
		.platforms = m->platforms,
	};
	int rc = timing ? 0 : err_set(m->e, VE_NOMEM, "out of memory");
	/* The spec names the music by absolute path: it lives outside DIR. */
	if (!rc && o->music && !(music = realpath(o->music, NULL)))
		rc = err_errno(m->e, errno, "music '%s'", o->music);
	so.music = music;
	int templ = !rc && o->spec_by && !strcmp(o->spec_by, "llm") ? spec_by_llm(m, spec, &so) : 1;
	if (!rc && templ < 0)
		rc = templ;
	if (!rc && templ) {
		rc = stage_spec_write(spec, &so, m->cb, m->e);
		if (!rc)
			SAY(m->cb, "wrote %s", spec);
	}
	free(music);
	free(timing);
	return rc;
}

/* The made spec names the caller's music by absolute path, outside DIR (write_spec): its
 * folder becomes one more allow root of m->spec, since the caller named that file itself. */
static int grant_music(make_run_t *m)
{
	const make_opts *o = m->o;
	m->spec = o->spec;
	if (!o->music)
		return 0;
	char *real = realpath(o->music, NULL);
	if (!real)
		return err_errno(m->e, errno, "music '%s'", o->music);
	*strrchr(real, '/') = 0; /* realpath names a file: it has a '/' */
	m->music_dir = real[0] ? real : strcpy(real, "/");
	int n = o->spec.nallow;
	if (!(m->allow = malloc(sizeof *m->allow * (size_t)(n + 1))))
		return err_set(m->e, VE_NOMEM, "out of memory");
	for (int i = 0; i < n; i++)
		m->allow[i] = o->spec.allow[i];
	m->allow[n] = m->music_dir;
	m->spec.allow = m->allow;
	m->spec.nallow = n + 1;
	return 0;
}

/* One orientation: the spec, and unless no_render its videos, subtitles and thumbnail. */
static int run_orientation(make_run_t *m, const char *const *ps, int np, int wide, int both)
{
	const make_opts *o = m->o;
	const char *name = both ? (wide ? "video-wide.vid" : "video-tall.vid") : "video.vid";
	char *spec = path_in(o->dir, name);
	if (!spec)
		return err_set(m->e, VE_NOMEM, "out of memory");
	int rc = write_spec(m, spec, ps, np, wide);
	stage_spec *s = NULL;
	stage_spec_opts so = m->spec;
	if (!rc && !o->no_render) {
		SAY(m->cb, "[5/5] render %s", name);
		so.check_assets = 1;
		rc = stage_spec_load(spec, NULL, 0, &so, m->cb, &s, m->e);
		if (!rc)
			rc = run_render(m, s, ps, np);
		if (!rc)
			rc = run_publish(m, s, ps[0], both ? (wide ? "-wide" : "-tall") : "");
	} else if (!rc && wide) {
		/* only the chapter times are wanted: a quiet compile without the asset checks */
		so.check_assets = 0;
		vidc_err ignore;
		stage_spec_load_quiet(spec, NULL, 0, &so, NULL, &s, &ignore);
	}
	if (!rc && wide) {
		m->wide = s;
		s = NULL;
	}
	stage_spec_free(s);
	free(spec);
	if (!rc && stage_canceled(m->cb, "make", m->e))
		rc = VE_CANCELED;
	return rc;
}

/* ---- 7: platform metadata ----------------------------------------------------------------- */

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
	buf_t b = BUF_INIT;
	for (const char *l = desc; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (!chapter_line(l, n)) {
			buf_append(&b, l, n);
			buf_putc(&b, '\n');
		}
		l += n + (nl != NULL);
	}
	while (b.len >= 2 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '\n')
		b.data[--b.len] = 0;
	buf_puts(&b, b.len && b.data[b.len - 1] != '\n' ? "\n\n" : "\n");
	buf_puts(&b, block);
	return buf_detach(&b, NULL);
}

/* The YouTube chapter block of the rendered 16:9 spec with the voice's real times, or NULL when
 * it has fewer than three chapters (YouTube shows none then). The script's own block holds
 * estimates. Caller frees. */
static char *real_chapters(const stage_spec *s)
{
	ir_program *p = NULL;
	char *block = NULL;
	vidc_err ignore;
	if (s && compile_has_preset(stage_spec_compiled(s), "youtube_long") &&
	    !stage_spec_lower(s, "youtube_long", &p, &ignore) && p->nchapters >= 3)
		stage_chapters(p, &block, NULL, &ignore);
	ir_program_free(p);
	return block;
}

/* The characters a platform's description may still take for credits: YouTube's 5,000 less its
 * chapter block; TikTok's and Instagram's 2,200-character caption less the hashtags. */
static size_t credit_budget(const char *preset, json_t *seo, const char *block)
{
	size_t limit = strncmp(preset, "youtube", 7) ? 2200 : 5000, used = block ? strlen(block) + 2 : 0;
	json_t *t;
	size_t i;
	if (strncmp(preset, "youtube", 7))
		json_array_foreach(json_object_get(seo, "tags"), i, t)
			used += strlen(json_string_value(t) ? json_string_value(t) : "") + 2; /* "#tag " */
	used += 2;
	return used < limit ? limit - used : 0;
}

/* The description with the credits the stock services ask for ("Photo by NAME on Pexels: URL"),
 * as many as fit in budget characters (counted as UTF-8 characters). Caller frees. */
static char *with_credits(const char *desc, const assets_t *as, size_t budget)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, desc);
	size_t chars = 0;
	for (const char *p = desc; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	int head = 0;
	for (int i = 0; i < as->n; i++) {
		const char *c = as->v[i].credit;
		if (!c || !*c || strstr(b.data ? b.data : "", c))
			continue;
		size_t need = strlen(c) + 1 + (head ? 0 : 10); /* "\n\nCredits:" once */
		if (chars + need > budget)
			break;
		if (!head) {
			buf_puts(&b, "\n\nCredits:");
			head = 1;
		}
		buf_putc(&b, '\n');
		buf_puts(&b, c);
		chars += need;
	}
	return buf_detach(&b, NULL);
}

/* DIR/PRESET.json for every preset: the script's SEO for that platform, the visuals' credits
 * added to the description; for youtube_long the description's chapter block holds the rendered
 * video's chapter times. */
static int run_metadata(make_run_t *m)
{
	json_error_t je;
	json_t *s = json_load_file(m->script, 0, &je);
	if (!s)
		return err_set(m->e, VE_INVAL, "%s:%d:%d: %s", m->script, je.line, je.column, je.text);
	int rc = 0;
	for (int i = 0; i < m->o->npresets && !rc; i++) {
		const char *preset = m->o->presets[i];
		json_t *seo = json_object_get(json_object_get(s, "seo"), preset);
		json_t *md = json_object();
		json_object_set_new(md, "platform", json_string(preset));
		json_object_set(md, "title", json_object_get(seo, "title"));
		json_object_set(md, "description", json_object_get(seo, "description"));
		char *block = !strcmp(preset, "youtube_long") ? real_chapters(m->wide) : NULL;
		const char *desc = json_string_value(json_object_get(seo, "description"));
		char *cd = desc ? with_credits(desc, &m->assets, credit_budget(preset, seo, block)) : NULL;
		char *d = block && cd ? with_chapters(cd, block) : NULL;
		if (d || cd)
			json_object_set_new(md, "description", json_string(d ? d : cd));
		free(d);
		free(cd);
		free(block);
		json_object_set(md, "tags", json_object_get(seo, "tags"));
		char name[64];
		snprintf(name, sizeof name, "%s.json", preset);
		char *path = path_in(m->o->dir, name);
		char *text = json_dumps(md, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		rc = path && text ? file_write_atomic(path, text, strlen(text), m->e)
				  : err_set(m->e, VE_NOMEM, "out of memory");
		free(text);
		free(path);
		json_decref(md);
	}
	json_decref(s);
	return rc;
}

/* ---- the chain ---------------------------------------------------------------------------- */

static int run_stages(make_run_t *m)
{
	const make_opts *o = m->o;
	SAY(m->cb, "[1/5] script");
	int rc = run_script(m);
	if (!rc) {
		SAY(m->cb, "[2/5] voice");
		rc = run_voice(m);
	}
	if (!rc) {
		SAY(m->cb, "[3/5] visuals");
		rc = run_assets(m);
	}
	if (rc)
		return rc;
	/* One spec per orientation: video.vid, or video-tall.vid and video-wide.vid. */
	const char *tall[MAKE_MAX_PRESETS], *wide[MAKE_MAX_PRESETS];
	int ntall = 0, nwide = 0;
	vidc_err pe;
	if (platform_load(o->spec.stdlib_dir ? o->spec.stdlib_dir : compile_stdlib_dir(NULL), &m->platforms, &pe))
		m->platforms = NULL;
	for (int i = 0; i < o->npresets; i++) {
		if (specgen_vertical(m->platforms, o->presets[i]))
			tall[ntall++] = o->presets[i];
		else
			wide[nwide++] = o->presets[i];
	}
	SAY(m->cb, "[4/5] spec");
	if (ntall)
		rc = run_orientation(m, tall, ntall, 0, ntall && nwide);
	if (!rc && nwide)
		rc = run_orientation(m, wide, nwide, 1, ntall && nwide);
	return rc ? rc : run_metadata(m);
}

int make_run(const make_opts *o, const stage_cb *cb, vidc_err *e)
{
	if (!o->article || !o->dir || o->npresets < 1 || o->npresets > MAKE_MAX_PRESETS)
		return err_set(e, VE_INVAL, "make: an article, an output folder and 1 to %d presets", MAKE_MAX_PRESETS);
	if (o->spec_by && strcmp(o->spec_by, "template") && strcmp(o->spec_by, "llm"))
		return err_set(e, VE_INVAL, "make: the spec is written by 'template' or 'llm', not '%s'", o->spec_by);
	if (o->spec_rounds < 0 || o->spec_rounds > SPECLLM_MAX_ROUNDS)
		return err_set(e, VE_INVAL, "make: 1 to %d rounds for the model's spec, not %d", SPECLLM_MAX_ROUNDS,
			       o->spec_rounds);
	make_run_t m;
	memset(&m, 0, sizeof m);
	m.o = o;
	m.cb = cb;
	m.e = e;
	int rc = make_dirs(o->dir, e);
	if (rc)
		return rc;
	stage_article_opts ao = {o->allow, o->nallow};
	if ((rc = stage_article(o->article, &ao, cb, &m.art, e)))
		return rc;
	rc = grant_music(&m);
	if (!rc)
		rc = run_stages(&m);
	assets_free(&m.assets);
	stage_spec_free(m.wide);
	platform_free(m.platforms);
	free(m.allow);
	free(m.music_dir);
	free(m.script);
	article_free(m.art);
	return rc;
}
