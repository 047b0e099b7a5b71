/*
 * stage_publish.c - what goes beside the video when it is published (stage.h): captions files
 * (runtime/cues.h), the YouTube chapter block, and the thumbnail. The thumbnail is the stdlib
 * template templates/thumb.vid compiled like any spec at the video's preset and rendered to
 * memory (runtime/still.h), then encoded as a JPEG under YouTube's 2 MB: designers restyle it as
 * they restyle videos, and nothing goes through a temporary file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "../runtime/cues.h"
#include "../runtime/still.h"
#include "stage.h"
#include "stage_priv.h"

#define THUMB_MAX_BYTES 2000000 /* YouTube's thumbnail limit: 2 MB */

/* ---- subtitles ---------------------------------------------------------------------------- */

int stage_subs_format_parse(const char *name)
{
	static const struct {
		const char *name;
		stage_subs_format f;
	} formats[] = {{"srt", STAGE_SUBS_SRT}, {"vtt", STAGE_SUBS_VTT}, {"webvtt", STAGE_SUBS_VTT},
		       {"ass", STAGE_SUBS_ASS}};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (!strcmp(name, formats[i].name))
			return (int)formats[i].f;
	return -1;
}

static int ends_with_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !strcasecmp(s + n - k, suf);
}

stage_subs_format stage_subs_format_of(const char *path)
{
	return ends_with_ci(path, ".vtt") ? STAGE_SUBS_VTT : ends_with_ci(path, ".ass") ? STAGE_SUBS_ASS : STAGE_SUBS_SRT;
}

/* The cues of p's captions node written to o->output through a temp name. */
static int subs_write(const ir_program *p, const stage_subs_opts *o, stage_subs_result *r, vidc_err *e)
{
	const ir_node *n = &p->nodes[p->captions];
	/* sidecar SRT/VTT use the plain style's line length (players draw them); ASS the spec's
	 * style unless o->style says otherwise */
	const char *style = o->format == STAGE_SUBS_ASS ? (o->style ? o->style : n->u.captions.style) : "plain";
	cue_style st;
	if (cues_style(p, style, &st)) {
		r->bad_style = 1;
		return err_set(e, VE_INVAL, "unknown caption style '%s' (plain, bold_center, karaoke)", style);
	}
	cue_list cl;
	int64_t end_ms = (int64_t)llround(ir_frame_time(p, p->frames) * 1000);
	if (cues_build(&cl, n->u.captions.words, n->u.captions.nwords, st.max_chars, end_ms))
		return err_set(e, VE_NOMEM, "out of memory");
	static const cues_format fmts[] = {CUES_SRT, CUES_VTT, CUES_ASS};
	char tmp[4096];
	int rc = file_out_check(o->output, e);
	if (!rc)
		rc = file_tmp_name(o->output, tmp, sizeof tmp, e);
	if (!rc) {
		FILE *f = fopen(tmp, "w");
		if (!f) {
			rc = err_errno(e, errno, "cannot write '%s'", o->output);
		} else if (cues_write(f, fmts[o->format], &cl, &st, p->width, p->height) | fclose(f)) {
			rc = err_errno(e, errno, "cannot write '%s'", o->output);
			file_discard(tmp);
		} else {
			rc = file_commit(tmp, o->output, e);
		}
	}
	if (!rc)
		r->cues = cl.n;
	cues_free(&cl);
	return rc;
}

int stage_subs(const stage_spec *s, const char *preset, const stage_subs_opts *o, const stage_cb *cb,
	       stage_subs_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	ir_program *p = NULL;
	stage_spec *plain = NULL;
	int rc = stage_spec_lower(s, preset, &p, e);
	if (!rc && p->captions < 0) {
		/* no burned-in captions: the words are still there if the voice has timings */
		ir_program_free(p);
		p = NULL;
		vidc_err quiet;
		if (stage_spec_variant(s, "\ncaptions plain\n", 1, NULL, &plain, &quiet) ||
		    stage_spec_lower(plain, preset, &p, e))
			rc = err_set(e, VE_INVAL, "the spec's voice has no word timings (voice \"file\" { timings "
						  "\"words.json\" }, SPEC.md section 6)");
	}
	if (!rc && p->captions < 0)
		rc = err_set(e, VE_INVAL, "the spec has no voice with word timings");
	if (!rc && !stage_canceled(cb, "subs", e))
		rc = subs_write(p, o, r, e);
	else if (!rc)
		rc = VE_CANCELED;
	ir_program_free(p);
	stage_spec_free(plain);
	return rc;
}

/* ---- chapters ----------------------------------------------------------------------------- */

static void put_stamp(buf_t *b, double t, int hours)
{
	long s = (long)floor(t + 1e-6);
	if (hours)
		buf_appendf(b, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		buf_appendf(b, "%ld:%02ld", s / 60, s % 60);
}

int stage_chapters(const ir_program *p, char **block, const stage_cb *cb, vidc_err *e)
{
	*block = NULL;
	if (p->nchapters == 0)
		return err_set(e, VE_INVAL, "the spec has no chapters");
	/* The site's chapter rules (platforms.json through the IR; the checker warns about them
	 * too). YouTube: first at 0:00, three or more, each at least 10 s. */
	double end = ir_frame_time(p, p->frames);
	const ir_chapter_rules *r = &p->chapter_rules;
	int bad = 0;
	if (r->site && p->chapters[0].t > r->first_s + 0.0005) {
		stage_say(cb, STAGE_WARNING, "chapters", "the first chapter is at %.3fs; %s needs %d:%02d",
			  p->chapters[0].t, r->site, (int)r->first_s / 60, (int)r->first_s % 60);
		bad++;
	}
	if (r->site && p->nchapters < r->min_count) {
		stage_say(cb, STAGE_WARNING, "chapters", "%s needs at least %d chapters (the spec has %d)",
			  r->site, r->min_count, p->nchapters);
		bad++;
	}
	for (int i = 0; r->site && i < p->nchapters; i++) {
		double next = i + 1 < p->nchapters ? p->chapters[i + 1].t : end;
		if (next - p->chapters[i].t < r->min_s) {
			stage_say(cb, STAGE_WARNING, "chapters", "chapter '%s' lasts %.1fs; %s needs %gs",
				  p->chapters[i].title, next - p->chapters[i].t, r->site, r->min_s);
			bad++;
		}
	}
	buf_t b = BUF_INIT;
	int hours = end >= 3600;
	for (int i = 0; i < p->nchapters; i++) {
		put_stamp(&b, p->chapters[i].t, hours);
		buf_appendf(&b, " %s\n", p->chapters[i].title);
	}
	if (!(*block = buf_detach(&b, NULL)))
		return err_set(e, VE_NOMEM, "out of memory");
	if (bad)
		return err_set(e, VE_INVAL, "%s would ignore these chapters (%d problem%s)", r->site, bad, bad == 1 ? "" : "s");
	return 0;
}

/* ---- thumbnail ---------------------------------------------------------------------------- */

static const char *default_title(const ir_program *p)
{
	for (int i = 0; i < p->nnodes; i++)
		if (p->nodes[i].kind == IR_TEXT && p->nodes[i].u.text.content && *p->nodes[i].u.text.content)
			return p->nodes[i].u.text.content;
	if (p->nchapters > 0)
		return p->chapters[0].title;
	return NULL;
}

static const char *default_image(const ir_program *p)
{
	for (int i = 0; i < p->nnodes; i++)
		if (p->nodes[i].kind == IR_IMAGE)
			return p->nodes[i].u.image.path ? p->nodes[i].u.image.path : p->nodes[i].u.image.src;
	return NULL;
}

/* s as a .vid string literal: quotes, backslashes and braces escaped, line breaks kept as \n,
 * other control characters dropped. */
static void put_vid_string(buf_t *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '{')
			buf_appendf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c >= 0x20 && c != 0x7f)
			buf_putc(b, c);
	}
	buf_putc(b, '"');
}

/* The import line and the title layers of the thumbnail, for a canvas of p's orientation. */
static void put_title(buf_t *b, const ir_program *p, const char *title)
{
	buf_appendf(b, "  use thumb_title_%s(", p->height > p->width ? "tall" : "wide");
	put_vid_string(b, title);
	buf_puts(b, ")\n");
}

static void put_import(buf_t *b, const stage_thumb_opts *o)
{
	buf_puts(b, "import ");
	put_vid_string(b, o->template_file ? o->template_file : "templates/thumb.vid");
	buf_putc(b, '\n');
}

/* The one-frame spec of a thumbnail with a picture file (or none) as its hero. */
static char *thumb_spec(const ir_program *p, const stage_thumb_opts *o, const char *image, const char *title)
{
	ir_color bg = p->background.a ? p->background : (ir_color){16, 16, 20, 255};
	buf_t b = BUF_INIT;
	put_import(&b, o);
	buf_appendf(&b, "video { preset %s; fps 30; background #%02x%02x%02x }\nscene thumb 1f {\n", p->preset,
		    bg.r, bg.g, bg.b);
	if (image) {
		buf_puts(&b, "  use thumb_photo(");
		put_vid_string(&b, image);
		buf_puts(&b, ")\n");
	}
	if (title)
		put_title(&b, p, title);
	buf_puts(&b, "}\n");
	return buf_detach(&b, NULL);
}

/* The lines appended to the video's own spec when its frame is the hero: the title drawn over
 * the whole video as an overlay, of which only the chosen frame is rendered. */
static char *thumb_overlay(const ir_program *p, const stage_thumb_opts *o, const char *title)
{
	buf_t b = BUF_INIT;
	buf_putc(&b, '\n');
	put_import(&b, o);
	buf_puts(&b, "overlay vidc_thumbnail {\n");
	put_title(&b, p, title);
	buf_puts(&b, "}\n");
	return buf_detach(&b, NULL);
}

/* Renders the thumbnail picture (at p's canvas) into img. */
static int thumb_picture(const stage_spec *s, const ir_program *p, const stage_thumb_opts *o,
			 const char *image, const char *title, const stage_cb *cb, golden_image *img, vidc_err *e)
{
	char err[VE_MSG_MAX];
	int64_t f = 0;
	if (!image && o->at >= 0) {
		double fr = floor(o->at * p->fps_num / p->fps_den + 1e-6);
		if (fr >= (double)p->frames)
			return err_set(e, VE_INVAL, "%s: --at %.3fs is past the end of the video", p->spec, o->at);
		f = (int64_t)fr;
		if (!title) {
			int rc = still_frame(p, f, img, err, sizeof err);
			return rc ? stage_rt_err(e, rc, err) : 0;
		}
	}
	char *text = !image && o->at >= 0 ? thumb_overlay(p, o, title) : thumb_spec(p, o, image, title);
	if (!text)
		return err_set(e, VE_NOMEM, "out of memory");
	stage_spec *t = NULL;
	ir_program *tp = NULL;
	const char **allow = NULL; /* t borrows them: freed after it */
	char *dir = NULL;
	int rc;
	if (!image && o->at >= 0) {
		rc = stage_spec_variant(s, text, 1, cb, &t, e);
	} else {
		/* named beside the spec: relative paths and the spec's roots stay the same */
		char path[4096];
		const char *sp = stage_spec_path(s), *slash = strrchr(sp, '/');
		snprintf(path, sizeof path, "%.*sthumbnail.vid", slash ? (int)(slash - sp + 1) : 0, sp);
		stage_spec_opts so = *stage_spec_options(s);
		so.werror = 0; /* a one-frame video's length warnings are not the user's */
		so.check_assets = 1;
		/* The picture's folder is granted: the caller named it (--image) or it is the
		 * spec's own picture, already inside the spec's roots. image is a realpath. */
		allow = malloc(sizeof *allow * (size_t)(so.nallow + 1));
		dir = image ? strdup(image) : NULL;
		if (!allow || (image && !dir)) {
			free(allow);
			free(dir);
			free(text);
			return err_set(e, VE_NOMEM, "out of memory");
		}
		for (int i = 0; i < so.nallow; i++)
			allow[i] = so.allow[i];
		if (dir && strrchr(dir, '/') > dir) {
			*strrchr(dir, '/') = 0;
			allow[so.nallow++] = dir;
		}
		so.allow = allow;
		rc = stage_spec_load_quiet(path, text, strlen(text), &so, cb, &t, e);
	}
	free(text);
	if (!rc)
		rc = stage_spec_lower(t, p->preset, &tp, e);
	if (!rc && (rc = still_frame(tp, f, img, err, sizeof err)))
		stage_rt_err(e, rc, err);
	ir_program_free(tp);
	stage_spec_free(t);
	free(allow);
	free(dir);
	return rc;
}

int stage_thumb(const stage_spec *s, const char *preset, const stage_thumb_opts *o, const stage_cb *cb,
		stage_thumb_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	ir_program *p = NULL;
	int rc = stage_spec_lower(s, preset, &p, e);
	if (!rc)
		rc = file_out_check(o->output, e);
	if (rc || stage_canceled(cb, "thumb", e)) {
		ir_program_free(p);
		return rc ? rc : VE_CANCELED;
	}
	const char *title = o->title ? o->title : default_title(p);
	const char *image = o->image ? o->image : o->at >= 0 ? NULL : default_image(p);
	char *abs = image ? realpath(image, NULL) : NULL;
	golden_image img = {0};
	if (image && !abs)
		rc = err_errno(e, errno, "%s: cannot read the thumbnail's picture '%s'", stage_spec_path(s), image);
	else
		rc = thumb_picture(s, p, o, abs, title, cb, &img, e);
	int vertical = p->height > p->width, W = vertical ? 1080 : 1280, H = vertical ? 1920 : 720;
	uint8_t *jpg = NULL;
	size_t jlen = 0;
	char cause[256];
	if (!rc && (rc = still_jpeg(&img, W, H, THUMB_MAX_BYTES, &jpg, &jlen, cause, sizeof cause)))
		err_set(e, rc, "%s: cannot encode the thumbnail: %s", p->spec, cause);
	if (!rc)
		rc = file_write_atomic(o->output, jpg, jlen, e);
	if (!rc) {
		r->width = W;
		r->height = H;
		r->bytes = (int64_t)jlen;
		snprintf(r->title, sizeof r->title, "%s", title ? title : "");
	}
	free(jpg);
	free(abs);
	golden_release(&img);
	ir_program_free(p);
	return rc;
}
