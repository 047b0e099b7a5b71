/*
 * stage_check.c - what `vidc check` verifies beyond compiling (stage.h, issue 10): the checks
 * that need the runtime or a decoder, which the compiler must not depend on. Every hook the
 * lowered program uses is loaded in the render's sandbox without rendering a frame
 * (runtime/hook.h), and the voice's word timings are compared with the audio's length read from
 * its header (base/media.h). Problems become diagnostics at the spec line, printed like the
 * compiler's.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/media.h"
#include "../runtime/font.h"
#include "../runtime/fontstyle.h"
#include "../runtime/hook.h"
#include "stage.h"
#include "stage_priv.h"

/* Timings may end this much after the audio (rounding, a trailing breath) before it is an error. */
#define CHECK_TIMING_SLACK 0.5

typedef struct {
	const diag_sink *from; /* the spec's sink: its sources */
	diag_sink *d;          /* the check's diagnostics */
	int *ids;              /* source id in from -> id in d, or -1 before it is copied */
	int nids;
	char **seen;           /* asset paths whose headers were read (each is reported once), */
	int nseen, cseen;      /* as many as the spec names: a linear search, specs name hundreds */
} check_ctx;

/* The id in c->d of source i of the spec's sink (copied on first use), or -1. */
static int source_copy(check_ctx *c, int i)
{
	size_t len;
	const char *text = diag_source_text(c->from, i, &len);
	if (!text)
		return -1;
	if (c->ids[i] < 0)
		c->ids[i] = diag_add_source(c->d, diag_source_path(c->from, i), text, len);
	return c->ids[i];
}

/* The id in c->d of the source at path, or -1. */
static int source_id(check_ctx *c, const char *path)
{
	for (int i = 0; i < c->nids; i++)
		if (!strcmp(diag_source_path(c->from, i), path))
			return source_copy(c, i);
	return -1;
}

/* sp of the spec's sink as a span of c->d. */
static span_t map_span(check_ctx *c, span_t sp)
{
	sp.file = sp.file >= 0 && sp.file < c->nids ? source_copy(c, sp.file) : -1;
	return sp;
}

static int is_word(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* The span of the statement at line:col of file: its keyword and the name after it
 * ("draw lower_third", "effect grain", "transition circle"), which the caret marks. */
static span_t use_span(check_ctx *c, const char *file, int line, int col)
{
	span_t sp = {-1, line, col, 0, 0};
	if (!file || line <= 0 || (sp.file = source_id(c, file)) < 0)
		return sp;
	size_t len;
	const char *text = diag_source_text(c->d, sp.file, &len);
	size_t off = 0;
	for (int l = 1; l < line && off < len; off++)
		l += text[off] == '\n';
	off += (size_t)(col > 0 ? col - 1 : 0);
	if (off > len)
		off = len;
	size_t end = off;
	while (end < len && is_word(text[end]))
		end++;
	size_t name = end;
	while (name < len && (text[name] == ' ' || text[name] == '\t'))
		name++;
	if (name > end && name < len && is_word(text[name]))
		for (end = name; end < len && is_word(text[end]);)
			end++;
	sp.off = (int)off;
	sp.len = (int)(end - off);
	return sp;
}

static void on_hook_problem(void *ud, const ir_node *use, const char *msg)
{
	check_ctx *c = ud;
	diag_err(c->d, DE_HOOK, use_span(c, use->file, use->line, use->col), "%s", msg);
}

/* Where parameter name is written in the block of the use at sp (its first word at the block's
 * own level, strings skipped), or sp when it is not found there (a template's argument). */
static span_t param_span(check_ctx *c, span_t sp, const char *name)
{
	size_t len = 0, n = strlen(name);
	const char *text = sp.file >= 0 ? diag_source_text(c->d, sp.file, &len) : NULL;
	int depth = 0, line = sp.line;
	size_t bol = (size_t)sp.off - (size_t)(sp.col - 1);
	for (size_t i = text ? (size_t)sp.off : len; text && i < len; i++) {
		char ch = text[i];
		if (ch == '"') {
			while (++i < len && text[i] != '"' && text[i] != '\n')
				i += text[i] == '\\';
		} else if (ch == '\n') {
			line++;
			bol = i + 1;
		} else if (ch == '{') {
			depth++;
		} else if (ch == '}' && --depth <= 0) {
			break;
		} else if (depth == 1 && !is_word(text[i - 1]) && i + n < len &&
			   !strncmp(text + i, name, n) && !is_word(text[i + n])) {
			return (span_t){sp.file, line, (int)(i - bol) + 1, (int)i, (int)n};
		}
	}
	return sp;
}

/* The parameters use gives, against those its hook file declares. */
static void check_params(check_ctx *c, const ir_node *use, const char *name, const ir_param *ps,
			 int np, const hook_param_decl *decls, int nd)
{
	span_t use_sp = use_span(c, use->file, use->line, use->col);
	const char *names[HOOK_MAX_PARAMS];
	for (int i = 0; i < nd; i++)
		names[i] = decls[i].name;
	for (int i = 0; i < np; i++) {
		const ir_param *q = &ps[i];
		span_t sp = param_span(c, use_sp, q->name);
		int k = 0;
		while (k < nd && strcmp(q->name, decls[k].name))
			k++;
		if (k == nd) {
			const char *near = diag_suggest(q->name, names, nd);
			if (near) {
				diag_err(c->d, DE_UNKNOWN_PARAMETER, sp, "hook '%s' has no parameter '%s' (did you mean '%s'?)", name,
					   q->name, near);
				diag_fixit_word(c->d, sp, q->name, near);
			} else {
				diag_err(c->d, DE_UNKNOWN_PARAMETER, sp, "hook '%s' has no parameter '%s'%s", name, q->name,
					   nd ? "" : " (it declares none)");
			}
			continue;
		}
		const hook_param_decl *d = &decls[k];
		if (d->kind == HOOK_PARAM_NUMBER && q->str) {
			diag_err(c->d, DE_WRONG_TYPE, sp, "parameter '%s' of hook '%s' takes a number, not '%s'", q->name, name,
				   q->str);
			continue;
		}
		if (d->kind != HOOK_PARAM_NUMBER && !q->str) {
			diag_err(c->d, DE_WRONG_TYPE, sp, "parameter '%s' of hook '%s' takes a %s, not a number", q->name,
				   name, d->kind == HOOK_PARAM_COLOR ? "colour" : "string");
			continue;
		}
		if (d->kind == HOOK_PARAM_COLOR && q->str[0] != '#') {
			diag_err(c->d, DE_WRONG_TYPE, sp, "parameter '%s' of hook '%s' takes a colour, not '%s'", q->name, name,
				   q->str);
			continue;
		}
		for (int j = 0; !q->str && j < q->curve.n; j++) {
			double v = q->curve.keys[j].v;
			if ((d->has_min && v < d->min) || (d->has_max && v > d->max)) {
				char lo[32] = "", hi[32] = "";
				if (d->has_min)
					snprintf(lo, sizeof lo, "%g", d->min);
				if (d->has_max)
					snprintf(hi, sizeof hi, "%g", d->max);
				diag_err(c->d, DE_OUT_OF_RANGE, sp, "parameter '%s' of hook '%s' is %g, outside its range %s..%s",
					   q->name, name, v, lo, hi);
				break;
			}
		}
	}
}

static void on_hook_decl(void *ud, const ir_node *use, const char *name, const char *path,
			 const hook_param_decl *decls, int n)
{
	(void)path;
	if (use->kind == IR_HOOK)
		check_params(ud, use, name, use->u.hook.params, use->u.hook.nparams, decls, n);
	else if (use->kind == IR_EFFECT)
		check_params(ud, use, name, use->u.effect.params, use->u.effect.nparams, decls, n);
}

/* The length of the audio file at path in seconds, from its header. */
static int audio_seconds(const char *path, double *seconds, vidc_err *e)
{
	AVFormatContext *fmt = NULL;
	int rc = media_open(&fmt, path, e);
	if (rc)
		return rc;
	int si = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
	const AVStream *st = si >= 0 ? fmt->streams[si] : NULL;
	if (!st)
		rc = err_set(e, VE_DECODE, "it has no audio stream");
	else if (st->duration > 0 && st->time_base.den > 0)
		*seconds = (double)st->duration * st->time_base.num / st->time_base.den;
	else if (fmt->duration > 0)
		*seconds = (double)fmt->duration / AV_TIME_BASE;
	else
		rc = err_set(e, VE_DECODE, "its header does not give its length");
	media_close(&fmt);
	return rc;
}

/* The voice's word timings against the audio's length. */
static void check_timings(check_ctx *c, const spec_t *sp)
{
	compile_voice v;
	if (!compile_voice_timing(sp, &v))
		return;
	double seconds = 0;
	vidc_err e = {0, ""};
	if (audio_seconds(v.path, &seconds, &e)) {
		diag_err(c->d, DE_BAD_MEDIA, map_span(c, v.sp), "cannot read the length of voice '%s': %s", v.src, e.msg);
		return;
	}
	if (v.words_end > seconds + CHECK_TIMING_SLACK)
		diag_err(c->d, DE_BAD_TIMINGS, map_span(c, v.sp), "the word timings end at %.2fs but %s lasts %.2fs", v.words_end, v.src,
			   seconds);
}

/* Whether the header of the media file at path opens and holds a stream of type with a decoder
 * (and, for a picture, a size within the pixel limit): what a render would find first. */
static int media_header(const char *path, enum AVMediaType type, vidc_err *e)
{
	AVFormatContext *fmt = NULL;
	int rc = type == AVMEDIA_TYPE_VIDEO ? media_image_check(path, e) : 0;
	if (rc < 0 || (rc = media_open(&fmt, path, e)))
		return rc < 0 ? rc : 0;
	int si = av_find_best_stream(fmt, type, -1, -1, NULL, 0);
	const AVCodecParameters *cp = si >= 0 ? fmt->streams[si]->codecpar : NULL;
	if (!cp)
		rc = err_set(e, VE_DECODE, "it has no %s stream", type == AVMEDIA_TYPE_VIDEO ? "picture" : "audio");
	else if (!avcodec_find_decoder(cp->codec_id))
		rc = err_set(e, VE_UNSUPPORTED, "no decoder for its %s codec", avcodec_get_name(cp->codec_id));
	else if (type == AVMEDIA_TYPE_VIDEO)
		rc = media_check_pixels(cp->width, cp->height, e);
	media_close(&fmt);
	return rc;
}

/* Adds path to the paths already read. Out of memory it is not added: the file is then read
 * again where it is used again (a repeated diagnostic, never a missed one). */
static void remember(check_ctx *c, const char *path)
{
	if (c->nseen == c->cseen) {
		int cap = c->cseen ? 2 * c->cseen : 32;
		char **grown = realloc(c->seen, sizeof *grown * (size_t)cap);
		if (!grown)
			return;
		c->seen = grown;
		c->cseen = cap;
	}
	if ((c->seen[c->nseen] = strdup(path)))
		c->nseen++;
}

/* Every picture, clip and sound file of program p read as far as its header, each path once. */
static void check_media(check_ctx *c, const ir_program *p)
{
	for (int i = 0; i < p->nnodes; i++) {
		const ir_node *n = &p->nodes[i];
		const char *path = n->kind == IR_IMAGE ? n->u.image.path : n->kind == IR_VIDEO ? n->u.video.path
				   : n->kind == IR_AUDIO ? n->u.audio.path : NULL;
		const char *src = n->kind == IR_IMAGE ? n->u.image.src : n->kind == IR_VIDEO ? n->u.video.src
				  : n->kind == IR_AUDIO ? n->u.audio.src : NULL;
		/* A video layer's sound is its clip's, if it has one (a silent clip is fine): the
		 * video node reads the same file's header. */
		if (n->kind == IR_AUDIO && n->u.audio.role && !strcmp(n->u.audio.role, "clip"))
			continue;
		int k = 0;
		while (path && k < c->nseen && strcmp(c->seen[k], path))
			k++;
		if (!path || k < c->nseen)
			continue;
		remember(c, path);
		vidc_err e = {0, ""};
		const char *what = n->kind == IR_IMAGE ? "image" : n->kind == IR_VIDEO ? "video" : n->u.audio.role;
		if (media_header(path, n->kind == IR_AUDIO ? AVMEDIA_TYPE_AUDIO : AVMEDIA_TYPE_VIDEO, &e))
			diag_err(c->d, DE_BAD_MEDIA, use_span(c, n->file, n->line, n->col), "cannot read %s '%s': %s",
				   what ? what : "audio", src ? src : path, e.msg);
	}
}

/* "700 (bold)": a weight with its name when it has one. */
static const char *weight_words(int w, char *buf, size_t len)
{
	static const struct {
		int w;
		const char *name;
	} names[] = {{300, "light"}, {400, "regular"}, {500, "medium"}, {700, "bold"}, {900, "black"}};
	snprintf(buf, len, "%d", w);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].w == w)
			snprintf(buf, len, "%d (%s)", w, names[i].name);
	return buf;
}

/* One font of a text's list (index k: 0 the first, then the fallbacks) against the text's
 * weight and slant, each font and style once per check (and once more as a fallback). */
static void check_font_style(check_ctx *c, const ir_node *n, const char *font, int k)
{
	const ir_text_style *st = &n->u.text.style;
	char key[512], cause[128], want[48], got[48];
	snprintf(key, sizeof key, "\nfont-style\n%s\n%d\n%d\n%d", font, st->weight, st->italic, k > 0);
	for (int i = 0; i < c->nseen; i++)
		if (!strcmp(c->seen[i], key))
			return;
	remember(c, key);
	fontstyle_gap g;
	if (fontstyle_check(font, font_is_file(font), st->weight, st->italic, &g, cause, sizeof cause) || !g.known ||
	    (!g.weight_missing && !g.slant_missing))
		return;
	const char *which = k ? "fallback font" : "font", *what = k ? "its characters are" : "the text is";
	weight_words(st->weight > 0 ? st->weight : 400, want, sizeof want);
	weight_words(g.got_weight, got, sizeof got);
	span_t sp = use_span(c, n->file, n->line, n->col);
	if (g.weight_missing && g.slant_missing)
		diag_warn(c->d, DW_FONT_STYLE, sp, "%s '%s' has no italic face of weight %s: %s drawn upright in its %s face",
			  which, font, want, what, got);
	else if (g.weight_missing)
		diag_warn(c->d, DW_FONT_STYLE, sp, "%s '%s' has no face of weight %s: %s drawn in its %s face", which, font, want,
			  what, got);
	else
		diag_warn(c->d, DW_FONT_STYLE, sp, "%s '%s' has no italic face: %s drawn upright", which, font, what);
}

/* Every text's fonts (the program's default when it names none) against its weight and slant:
 * fontconfig answers a missing bold or italic with another face and no error. */
static void check_fonts(check_ctx *c, const ir_program *p)
{
	for (int i = 0; i < p->nnodes; i++) {
		const ir_node *n = &p->nodes[i];
		if (n->kind != IR_TEXT)
			continue;
		const char *first = n->u.text.style.font ? n->u.text.style.font : p->font_text;
		if (first)
			check_font_style(c, n, first, 0);
		for (int k = 0; k < n->u.text.style.nfallback; k++)
			check_font_style(c, n, n->u.text.style.fallback[k], k + 1);
	}
}

/* The sources the spec's sink holds (diag.h has no count: ids run until one has no text). */
static int count_sources(const diag_sink *d)
{
	int n = 0;
	while (diag_source_text(d, n, NULL))
		n++;
	return n;
}

/* The hooks of every preset's program: a hook may differ per preset only through parameters,
 * but what a preset lowers is what it renders, so each is checked (repeats are one diagnostic).
 * The fonts are checked here too, not once before the loop: a `when preset`/`when landscape`
 * block can set a text's font, weight or slant for some presets only (SPEC §18.6). */
static int check_hooks(check_ctx *c, const stage_spec *s, vidc_err *e)
{
	const spec_t *sp = stage_spec_compiled(s);
	for (int i = 0; i < compile_npresets(sp); i++) {
		ir_program *p = NULL;
		int rc = stage_spec_lower(s, compile_preset(sp, i), &p, e);
		if (!rc) {
			check_media(c, p);
			check_fonts(c, p);
		}
		if (!rc && (rc = hook_check(p, on_hook_problem, on_hook_decl, c)) > 0)
			rc = 0;
		ir_program_free(p);
		if (rc)
			return rc == VE_NOMEM ? err_set(e, rc, "out of memory checking the hooks of '%s'",
							stage_spec_path(s))
					      : rc;
	}
	return 0;
}

int stage_spec_check(const stage_spec *s, const stage_cb *cb, vidc_err *e)
{
	const stage_spec_opts *o = stage_spec_options(s);
	if (!o->check_assets)
		return 0;
	check_ctx c = {.from = stage_spec_diag(s), .d = diag_new()};
	c.nids = count_sources(c.from);
	if (!c.d || !(c.ids = malloc(sizeof(int) * (size_t)(c.nids + 1)))) {
		diag_free(c.d);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	for (int i = 0; i < c.nids; i++)
		c.ids[i] = -1;
	if (o->max_errors)
		diag_set_max_errors(c.d, o->max_errors < 0 ? 0 : o->max_errors);
	diag_set_werror(c.d, o->werror); /* the check's warnings (-Wfont-style) obey the flags too */
	diag_set_warnings_off(c.d, o->warnings_off);
	int rc = check_hooks(&c, s, e);
	if (!rc)
		check_timings(&c, stage_spec_compiled(s));
	int errors = diag_errors(c.d);
	if ((errors || diag_warnings(c.d)) && cb && cb->diagnostics)
		cb->diagnostics(cb->ud, c.d);
	if (!rc && errors)
		rc = err_set(e, VE_INVAL, "%d error%s in %s", errors, errors == 1 ? "" : "s",
			     stage_spec_path(s));
	diag_free(c.d);
	free(c.ids);
	for (int i = 0; i < c.nseen; i++)
		free(c.seen[i]);
	free(c.seen);
	return rc;
}

const char *stage_spec_file(const stage_spec *s, int i)
{
	const diag_sink *d = stage_spec_diag(s);
	int n = d ? diag_nsources(d) : 0;
	if (i >= 0 && i < n)
		return diag_source_path(d, i);
	compile_voice v;
	if (i == n && compile_voice_timing(stage_spec_compiled(s), &v))
		return v.timing;
	return NULL;
}
