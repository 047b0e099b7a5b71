/*
 * check.c - the checker's top level (see check.h): the video block (presets, frame rate,
 * background), the voice and music, captions, the scenes in order and the overlays (scene.c),
 * chapters, and the platform rules each named preset must meet.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "asset.h"
#include "group.h"
#include "kenburns.h"
#include "layer.h"
#include "marker.h"
#include "scene.h"
#include "value.h"

/* Whether preset is already in the spec's list (a name given twice). */
/* preset NAME...: each platform the video is made for (its span is kept for the rule checks). */
static void video_preset(checker_t *c, const ast_stmt *p)
{
	if (p->nargs == 0)
		diag_err(c->d, DE_MISSING, p->sp, "preset needs at least one name (youtube_long, youtube_short, instagram_reel, tiktok)");
	const platform_table *t = c->s->platforms;
	if (!t)
		return; /* the platform file's error says why */
	int n = platform_npresets(t);
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)n);
	for (int j = 0; j < n; j++)
		names[j] = platform_preset_at(t, j)->name;
	for (int k = 0; k < p->nargs; k++) {
		int pi;
		if (!val_enum(c, p->args[k], "preset", names, n, &pi))
			continue;
		if (model_has_preset(c->s, names[pi])) {
			diag_warn(c->d, DW_DUPLICATE_PRESET, p->args[k]->sp, "preset '%s' is named twice", names[pi]);
			continue;
		}
		int cap = c->s->cpresets;
		*ARENA_PUSH(c->a, c->s->presets, c->s->npresets, c->s->cpresets) = names[pi];
		if (c->cpreset_sps < c->s->cpresets) {
			span_t *nsp = arena_alloc(c->a, sizeof(span_t) * (size_t)c->s->cpresets);
			if (c->preset_sps)
				memcpy(nsp, c->preset_sps, sizeof(span_t) * (size_t)cap);
			c->preset_sps = nsp;
			c->cpreset_sps = c->s->cpresets;
		}
		c->preset_sps[c->s->npresets - 1] = p->args[k]->sp;
	}
}

/* fps N: whole rates 1..120 and the NTSC rates, kept exact as fractions. */
static void video_fps(checker_t *c, const ast_stmt *p)
{
	static const struct {
		double approx;
		int num, den;
	} ntsc[] = {{29.97, 30000, 1001}, {23.976, 24000, 1001}, {59.94, 60000, 1001}};
	double f;
	if (!val_want_args(c, p, 1, 1, "a frame rate (24, 25, 30, 29.97, 50, 60)") ||
	    !val_scalar(c, p->args[0], &f))
		return;
	for (int i = 0; i < COUNT(ntsc); i++)
		if (fabs(f - ntsc[i].approx) < 0.006) {
			c->s->fps_num = ntsc[i].num, c->s->fps_den = ntsc[i].den;
			return;
		}
	if (f == floor(f) && f >= 1 && f <= 120)
		c->s->fps_num = (int)f, c->s->fps_den = 1;
	else
		diag_err(c->d, DE_OUT_OF_RANGE, p->args[0]->sp, "frame rate must be a whole number from 1 to 120, or 23.976, 29.97 or 59.94");
}

static void video_background(checker_t *c, const ast_stmt *p)
{
	if (val_want_args(c, p, 1, 1, "a colour"))
		val_color(c, p->args[0], &c->s->background);
}

static const struct {
	const char *name;
	void (*read)(checker_t *c, const ast_stmt *p);
} video_props[] = {
	{"preset", video_preset},
	{"fps", video_fps},
	{"background", video_background},
};

static void video_block(checker_t *c, const ast_stmt *st)
{
	if (c->have_video) {
		diag_err(c->d, DE_DUPLICATE, st->sp, "the spec has two video blocks");
		return;
	}
	c->have_video = 1;
	c->video_sp = st->sp;
	val_want_args(c, st, 0, 0, "only a block: video { preset tiktok; fps 30 }");
	const char *names[COUNT(video_props)];
	for (int k = 0; k < COUNT(video_props); k++)
		names[k] = video_props[k].name;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		int k = 0;
		while (k < COUNT(video_props) && strcmp(p->head, video_props[k].name))
			k++;
		if (k < COUNT(video_props))
			video_props[k].read(c, p);
		else
			val_unknown(c, p->sp, "video property", p->head, names, COUNT(video_props));
	}
}

/* ---- voice and music ------------------------------------------------------------------------ */

/* A level: a linear factor (20%, 0.2) or decibels (-14dB), at most +12 dB. */
static void audio_level(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings)
{
	double v;
	const ast_value *r = val_resolve(c, p->args[0]);
	if (r->kind == AV_NUM && r->unit == UNIT_DB)
		v = pow(10, r->num / 20);
	else if (!val_scalar(c, r, &v))
		return;
	if (v < 0 || v > 4)
		diag_err(c->d, DE_OUT_OF_RANGE, r->sp, "level must be between 0%% and 400%% (+12dB)");
	else if (p->head[0] == 'v')
		a->volume = v;
	else
		a->duck = v;
}

static void audio_fade(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings)
{
	double v;
	if (val_fade(c, p->args[0], &v))
		*(p->head[5] == 'i' ? &a->fade_in : &a->fade_out) = v;
}

static void audio_loop(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings)
{
	val_bool(c, p, &a->loop);
}

static void audio_start(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings)
{
	double v;
	if (val_dur(c, p->args[0], &v))
		a->start = v;
}

static void audio_trim(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings)
{
	double v;
	if (val_dur(c, p->args[0], &v))
		a->trim_in = v;
}

/* Read after the block: the voice's start shifts every word. */
static void audio_timings(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings)
{
	*timings = p->args[0];
}

enum { A_VOICE = 1, A_MUSIC = 2 };

static const struct {
	const char *name;
	unsigned roles;    /* A_VOICE, A_MUSIC */
	int nargs;         /* -1: the handler checks */
	const char *usage; /* for "'NAME' takes USAGE" */
	void (*read)(checker_t *c, const ast_stmt *p, maudio *a, const ast_value **timings);
} audio_props[] = {
	{"volume", A_VOICE | A_MUSIC, 1, "a level (20% or -14dB)", audio_level},
	{"duck", A_MUSIC, 1, "a level (20% or -14dB)", audio_level},
	{"timings", A_VOICE, 1, "the word-timing file (JSON)", audio_timings},
	{"start", A_VOICE | A_MUSIC, 1, "a time on the video", audio_start},
	{"trim", A_VOICE | A_MUSIC, 1, "where in the file to start", audio_trim},
	{"fade_in", A_VOICE | A_MUSIC, 1, "a duration", audio_fade},
	{"fade_out", A_VOICE | A_MUSIC, 1, "a duration", audio_fade},
	{"loop", A_VOICE | A_MUSIC, -1, NULL, audio_loop},
};

static void audio_props_read(checker_t *c, const ast_stmt *st, maudio *a, int is_voice,
			     const ast_value **timings)
{
	unsigned role = is_voice ? A_VOICE : A_MUSIC;
	const char *names[COUNT(audio_props)];
	int n = 0;
	for (int k = 0; k < COUNT(audio_props); k++)
		if (audio_props[k].roles & role)
			names[n++] = audio_props[k].name;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		int k = 0;
		while (k < COUNT(audio_props) &&
		       (!(audio_props[k].roles & role) || strcmp(p->head, audio_props[k].name)))
			k++;
		if (k == COUNT(audio_props))
			val_unknown(c, p->sp, is_voice ? "voice property" : "music property", p->head, names, n);
		else if (audio_props[k].nargs < 0 ||
			 val_want_args(c, p, audio_props[k].nargs, audio_props[k].nargs, audio_props[k].usage))
			audio_props[k].read(c, p, a, timings);
	}
}

static void audio_stmt(checker_t *c, const ast_stmt *st, int is_voice)
{
	if (!val_want_args(c, st, 1, 1, "an audio file (a string)"))
		return;
	maudio *a = ARENA_PUSH(c->a, c->s->audio, c->s->naudio, c->s->caudio);
	memset(a, 0, sizeof *a);
	a->role = is_voice ? "voice" : "music";
	a->sp = st->sp;
	a->path = asset_path(c, st->args[0], is_voice ? "voice file" : "music file", &a->src);
	a->volume = is_voice ? 1 : 0.2;
	a->duck = is_voice ? 1 : 0.5;
	a->fade_in = is_voice ? 0 : 1;
	a->fade_out = is_voice ? 0 : 2;
	a->loop = !is_voice;
	const ast_value *timings = NULL;
	audio_props_read(c, st, a, is_voice, &timings);
	if (is_voice) {
		if (c->s->timing || c->s->voice_start < 0) {
			diag_err(c->d, DE_DUPLICATE, st->sp, "the spec has two voices; add more audio as music or video clips");
			return;
		}
		c->s->voice_start = a->start;
		if (timings) {
			int before = diag_errors(c->d);
			const char *src, *p = asset_path(c, timings, "timing file", &src);
			if (p && asset_file_ok(p)) {
				char err[512];
				const char *shown = asset_join(c, val_resolve(c, timings)->sp.file, src);
				c->s->timing = timing_load(c->a, p, shown, err, sizeof err);
				if (!c->s->timing)
					diag_err(c->d, DE_BAD_TIMINGS, val_resolve(c, timings)->sp, "%s", err);
			}
			/* Missing or broken: reported here once, not again at every anchor. */
			c->timing_bad = !c->s->timing && diag_errors(c->d) > before;
		}
		if (!c->s->timing)
			c->s->voice_start = -1; /* marks "a voice was given", even without timings */
	}
}

/* ---- captions, chapters, platform rules ------------------------------------------------------ */

/* captions STYLE: a style of the platform file's caption_styles. */
static void captions_stmt(checker_t *c, const ast_stmt *st)
{
	int i;
	if (c->s->captions) {
		diag_err(c->d, DE_DUPLICATE, st->sp, "captions are given twice");
		return;
	}
	const platform_table *t = c->s->platforms;
	int n = t ? platform_ncaption_styles(t) : 0;
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(n + 1));
	for (int k = 0; k < n; k++)
		names[k] = platform_caption_style(t, k);
	if (!val_want_args(c, st, 1, 1, "a caption style (plain, bold_center, karaoke)") || !t ||
	    !val_enum(c, st->args[0], "caption style", names, n, &i))
		return;
	val_no_block(c, st);
	c->s->captions = names[i];
	c->s->captions_sp = st->sp;
}

static void chapter_top(checker_t *c, const ast_stmt *st)
{
	const char *title;
	double t;
	if (!val_want_args(c, st, 2, 2, "a title and a time: chapter \"Intro\" 0s"))
		return;
	val_no_block(c, st);
	if (val_str(c, st->args[0], &title) && anchor_time(c, st->args[1], 0, checker_sec(c, c->s->frames), &t)) {
		mchapter *ch = ARENA_PUSH(c->a, c->s->chapters, c->s->nchapters, c->s->cchapters);
		ch->t = t;
		ch->title = title;
		ch->sp = st->sp;
	}
}

static int chapter_cmp(const void *a, const void *b)
{
	const mchapter *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* The site rules for chapters, from the first preset the spec names that shows them (YouTube:
 * a description's timestamps become chapters only if the first is at 0:00, there are at least
 * three, and each lasts at least 10 seconds), or NULL. */
static const platform_site *chapter_site(const spec_t *s)
{
	for (int i = 0; s->platforms && i < s->npresets; i++) {
		const platform_preset *p = platform_preset_find(s->platforms, s->presets[i]);
		if (p && p->chapters)
			return platform_site_find(s->platforms, p->site);
	}
	return NULL;
}

static void check_chapters(checker_t *c)
{
	spec_t *s = c->s;
	if (s->nchapters == 0)
		return;
	qsort(s->chapters, (size_t)s->nchapters, sizeof(mchapter), chapter_cmp);
	double end = checker_sec(c, s->frames);
	for (int i = 0; i < s->nchapters; i++)
		if (s->chapters[i].t < 0 || s->chapters[i].t >= end)
			diag_err(c->d, DE_TIMING, s->chapters[i].sp, "chapter at %.3fs is outside the video (0 to %.3fs)", s->chapters[i].t, end);
	const platform_site *site = chapter_site(s);
	if (!site)
		return;
	double first = site->chapters_first_s;
	if (s->chapters[0].t > first + 0.0005)
		diag_warn(c->d, DW_CHAPTERS, s->chapters[0].sp, "%s needs the first chapter at %d:%02d; this one is at %.3fs", site->display, (int)first / 60, (int)first % 60, s->chapters[0].t);
	if (s->nchapters < site->chapters_min_count)
		diag_warn(c->d, DW_CHAPTERS, s->chapters[0].sp, "%s shows chapters only when there are at least %d (found %d)", site->display, site->chapters_min_count, s->nchapters);
	for (int i = 0; i < s->nchapters; i++) {
		double next = i + 1 < s->nchapters ? s->chapters[i + 1].t : end;
		if (next - s->chapters[i].t < site->chapters_min_s)
			diag_warn(c->d, DW_CHAPTERS, s->chapters[i].sp, "chapter '%s' lasts %.1fs; %s needs at least %gs per chapter", s->chapters[i].title, next - s->chapters[i].t, site->display, site->chapters_min_s);
	}
}

/* Each preset's rules from the platform file: what the platform accepts (an error naming the
 * rule's source), vidc's recommended range (a warning), and whether the size budget allows the
 * lowest bitrate worth making (platform_min_bytes, the rule the encoder applies too). */
static void check_presets(checker_t *c)
{
	spec_t *s = c->s;
	double dur = checker_sec(c, s->frames);
	for (int i = 0; s->platforms && i < s->npresets; i++) {
		const platform_preset *p = platform_preset_find(s->platforms, s->presets[i]);
		span_t sp = c->preset_sps[i];
		if (dur > p->max_s + 1e-9)
			diag_err(c->d, DE_PLATFORM_LIMIT, sp, "the video lasts %.2fs; %s accepts at most %gs (preset %s; rule in " PLATFORM_FILE ": %s)", dur, p->display, p->max_s, p->name, p->src_duration);
		else if (dur < p->min_s - 1e-9)
			diag_err(c->d, DE_PLATFORM_LIMIT, sp, "the video lasts %.2fs; %s accepts at least %gs (preset %s; rule in " PLATFORM_FILE ": %s)", dur, p->display, p->min_s, p->name, p->src_duration);
		else if (dur < p->rec_min_s - 1e-9 || dur > p->rec_max_s + 1e-9)
			diag_warn(c->d, DW_DURATION, sp, "the video lasts %.2fs; %.0f-%.0fs is recommended for preset %s", dur, p->rec_min_s, p->rec_max_s, p->name);
		if (platform_min_bytes(p->min_bitrate, dur) > (double)p->max_bytes)
			diag_err(c->d, DE_PLATFORM_LIMIT, sp, "a %.0fs video cannot fit in %s's %lld MB limit at %lld kb/s (the lowest worth making)", dur, p->display, (long long)(p->max_bytes / 1000000), (long long)(p->min_bitrate / 1000));
	}
}

static span_t file_start(int file)
{
	span_t sp = {file, file >= 0, 1, 0, 1};
	return sp;
}

static const char *const top_stmts[] = {"video", "scene", "overlay", "voice", "music", "captions",
					"chapter", "import", "const", "style", "template", "hook", "use", "marker"};

const char *check_top_name(int i)
{
	return i >= 0 && i < COUNT(top_stmts) ? top_stmts[i] : NULL;
}

const char *check_video_prop(int i)
{
	return i >= 0 && i < COUNT(video_props) ? video_props[i].name : NULL;
}

const char *check_audio_prop(int i, int is_voice)
{
	if (i < 0 || i >= COUNT(audio_props))
		return NULL;
	return audio_props[i].roles & (is_voice ? A_VOICE : A_MUSIC) ? audio_props[i].name : "";
}

/* The main file uses a template at its top level: when that expands to no scene, the use
 * has its own error (an unknown template, a wrong argument), so no scenes is not reported. */
static int top_use(const checker_t *c)
{
	for (int i = 0; c->main_file && i < c->main_file->n; i++)
		if (!strcmp(c->main_file->stmts[i]->head, "use"))
			return 1;
	return 0;
}

void check_top(checker_t *c, ast_stmt **st, int n)
{
	spec_t *s = c->s;
	/* Settings first: the frame rate turns times into frames, the voice resolves anchors. */
	for (int i = 0; i < n; i++)
		if (!strcmp(st[i]->head, "video"))
			video_block(c, st[i]);
	if (s->npresets) /* the preset `when` blocks are resolved for in this pass */
		c->preset = s->presets[c->preset_index < s->npresets ? c->preset_index : 0];
	/* A main file that lost top-level statements to syntax errors (a scene or the video
	 * block among them, perhaps) has had its error: their absence is not another one. */
	int lost = c->main_file && c->main_file->dropped;
	if (!c->have_video) {
		if (!lost)
			diag_err(c->d, DE_MISSING, file_start(n ? st[0]->file : 0),
				   "the spec has no video block: add video { preset tiktok } (or youtube_long, youtube_short, instagram_reel)");
	} else if (s->npresets == 0 && s->platforms) /* no table: its error says why */
		diag_err(c->d, DE_MISSING, c->video_sp, "the video block names no preset: add preset tiktok (or youtube_long, youtube_short, instagram_reel)");
	for (int i = 0; i < n; i++)
		if (!strcmp(st[i]->head, "voice"))
			audio_stmt(c, st[i], 1);
	marker_declare(c, st, n);
	for (int i = 0; i < n; i++) /* before the scenes, whose times may name them */
		if (!strcmp(st[i]->head, "marker"))
			marker_read(c, st[i], 0, ANCHOR_NO_SPAN, -1);
	int nscenes = 0;
	for (int i = 0; i < n; i++)
		nscenes += !strcmp(st[i]->head, "scene");
	int64_t cursor = 0;
	int seen = 0;
	for (int i = 0; i < n; i++) {
		const char *h = st[i]->head;
		if (!strcmp(h, "scene"))
			scene_read(c, st[i], &cursor, ++seen == nscenes);
	}
	for (int i = 0; i < s->nscenes; i++)
		if (s->scenes[i].f1 > s->frames)
			s->frames = s->scenes[i].f1;
	if (nscenes == 0 && !lost && !top_use(c))
		diag_err(c->d, DE_MISSING, n ? st[0]->sp : file_start(-1), "the spec has no scenes: a video needs at least one scene");
	for (int i = 0; i < n; i++) {
		const char *h = st[i]->head;
		if (!strcmp(h, "video") || !strcmp(h, "scene") || !strcmp(h, "voice") || !strcmp(h, "marker"))
			continue;
		if (!strcmp(h, "overlay"))
			scene_overlay(c, st[i]);
		else if (!strcmp(h, "music"))
			audio_stmt(c, st[i], 0);
		else if (!strcmp(h, "captions"))
			captions_stmt(c, st[i]);
		else if (!strcmp(h, "chapter"))
			chapter_top(c, st[i]);
		else if (group_misplaced(c, st[i], "at the top level"))
			continue;
		else if (layer_kind(h) >= 0)
			diag_err(c->d, DE_MISPLACED, st[i]->sp, "%s %s layer belongs inside a scene or an overlay", val_an(h), h);
		else if (!strcmp(h, "when"))
			diag_err(c->d, DE_MISPLACED, st[i]->sp, "'when' belongs inside a scene, an overlay, a layer or a style (the scenes are the same on every preset)");
		else
			val_unknown(c, st[i]->sp, "statement", h, top_stmts, COUNT(top_stmts));
	}
	if (s->captions && !s->timing && !c->timing_bad)
		diag_err(c->d, DE_MISSING_VOICE, s->captions_sp, "captions come from the voice's word timings, but the spec has no voice with timings");
	if (s->timing) {
		double vend = s->voice_start + s->timing->duration, end = checker_sec(c, s->frames);
		if (vend > end + 0.05 && s->frames > 0)
			for (int i = 0; i < s->naudio; i++)
				if (!strcmp(s->audio[i].role, "voice"))
					diag_warn(c->d, DW_VOICE_CUT, s->audio[i].sp, "the voice runs until %.2fs but the video ends at %.2fs; the rest of the narration is cut", vend, end);
	}
	if (s->frames > 0 && s->npresets > 0)
		check_presets(c);
	check_chapters(c);
	kb_check(c);
}

