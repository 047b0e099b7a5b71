/*
 * captions.c - burned-in captions through libass (see captions.h).
 *
 * The ASS script is built in memory from the cues: the style header goes in as the "codec
 * private" data and every event through ass_process_chunk, whose times are milliseconds (an
 * ASS file only has centiseconds), so the karaoke highlight changes on the exact frame a word
 * starts. libass returns alpha bitmaps with one colour each; they are blended over the
 * premultiplied canvas in the order given (shadow, outline, fill).
 */
#include "captions.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ass/ass.h>

#include "cues.h"
#include "rterr.h"

struct captions {
	const ir_program *p;
	ASS_Library *lib;
	ASS_Renderer *rnd;
	ASS_Track *track;
};

static void quiet(int level, const char *fmt, va_list args, void *data)
{
	(void)level;
	(void)fmt;
	(void)args;
	(void)data; /* libass's font notes are not for vidc's users */
}

/* A new track with the cues' events at the given sizes (scale: NULL or percent per cue). */
static int load_track(captions_t *c, const cue_list *cl, const cue_style *st, const int *scale)
{
	cue_event *ev = NULL;
	char *hdr = cues_ass_header(st, c->p->width, c->p->height);
	int nev = hdr ? cues_events(cl, st, scale, &ev) : -1, rc = -1;
	if (c->track)
		ass_free_track(c->track);
	if (nev < 0 || !(c->track = ass_new_track(c->lib)))
		goto out;
	ass_process_codec_private(c->track, hdr, (int)strlen(hdr));
	for (int i = 0; i < nev; i++) {
		char *line = NULL;
		/* Matroska's event format: ReadOrder, Layer, Style, Name, MarginL/R/V, Effect, Text */
		if (asprintf(&line, "%d,0,%s,,0,0,0,,%s", i, st->name, ev[i].text) < 0)
			goto out;
		ass_process_chunk(c->track, line, (int)strlen(line), ev[i].start_ms,
				  ev[i].end_ms - ev[i].start_ms);
		free(line);
	}
	rc = 0;
out:
	cues_events_free(ev, nev);
	free(hdr);
	return rc;
}

/* libass breaks lines at spaces only: a word wider than the frame (German's compounds, a long
 * URL, a language without spaces) would run off both edges. Each cue is drawn at each of its
 * events' starts, at its size in fit[] (percent), and a cue wider than the frame between the
 * style's margins is made smaller, the same size for all its words. libass clips what it draws
 * to the frame, so a cue far too wide measures as the frame's width: the caller measures again
 * until every cue fits. Returns 1 when some cue was made smaller. */
static int measure(captions_t *c, const cue_list *cl, const cue_style *st, int *fit)
{
	cue_event *ev = NULL;
	int nev = cues_events(cl, st, fit, &ev), any = 0;
	int avail = c->p->width - st->margin_l - st->margin_r;
	if (nev < 0 || avail < 16)
		return 0;
	int *wid = calloc((size_t)cl->n + 1, sizeof *wid);
	for (int i = 0; wid && i < nev; i++) {
		/* a karaoke cue has an event per word: its first tells, unless the cue comes near
		 * the margins (another word's highlight is 12 % larger) */
		if (i > 0 && ev[i].cue == ev[i - 1].cue && wid[ev[i].cue] < avail * 85 / 100)
			continue;
		int x0 = INT32_MAX, x1 = INT32_MIN;
		for (ASS_Image *im = ass_render_frame(c->rnd, c->track, ev[i].start_ms, NULL); im; im = im->next)
			if (im->w > 0 && im->h > 0) {
				x0 = im->dst_x < x0 ? im->dst_x : x0;
				x1 = im->dst_x + im->w > x1 ? im->dst_x + im->w : x1;
			}
		if (x1 > x0 && x1 - x0 > wid[ev[i].cue])
			wid[ev[i].cue] = x1 - x0;
	}
	for (int k = 0; wid && k < cl->n; k++)
		if (wid[k] > avail && fit[k] > 10) {
			/* one percent under the ratio: outlines and rounding grow with the size */
			int pc = (int)((double)fit[k] * avail / wid[k]) - 1;
			fit[k] = pc < 10 ? 10 : pc;
			any = 1;
		}
	free(wid);
	cues_events_free(ev, nev);
	return any;
}

int captions_new(captions_t **out, const ir_program *p, char *err, size_t errlen)
{
	*out = NULL;
	if (p->captions < 0 || p->captions >= p->nnodes || p->nodes[p->captions].kind != IR_CAPTIONS)
		return 0;
	const ir_node *n = &p->nodes[p->captions];
	cue_style st;
	if (cues_style(p, n->u.captions.style, &st))
		return rterr_node(VE_INVAL, p, n, err, errlen, "unknown caption style '%s'",
				  n->u.captions.style ? n->u.captions.style : "?");
	captions_t *c = calloc(1, sizeof *c);
	if (!c)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	c->p = p;
	cue_list cl;
	int rc = 0, *fit = NULL;
	int64_t end_ms = (int64_t)llround(ir_frame_time(p, p->frames) * 1000);
	if (cues_build(&cl, n->u.captions.words, n->u.captions.nwords, st.max_chars, end_ms)) {
		free(c);
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	}
	if ((c->lib = ass_library_init()))
		ass_set_message_cb(c->lib, quiet, NULL);
	if (!c->lib || !(c->rnd = ass_renderer_init(c->lib))) {
		rc = rterr_node(VE_NOMEM, p, n, err, errlen, "cannot start libass");
		goto out;
	}
	ass_set_frame_size(c->rnd, p->width, p->height);
	ass_set_storage_size(c->rnd, p->width, p->height);
	/* light hinting: the same outlines at every size, and no autohinter surprises */
	ass_set_hinting(c->rnd, ASS_HINTING_NONE);
	ass_set_fonts(c->rnd, NULL, st.font, ASS_FONTPROVIDER_FONTCONFIG, NULL, 1);
	if (!(fit = calloc((size_t)cl.n + 1, sizeof *fit)))
		goto oom;
	for (int k = 0; k < cl.n; k++)
		fit[k] = 100;
	if (load_track(c, &cl, &st, fit))
		goto oom;
	/* each round shrinks a clipped cue by at least the margins' share: 12 reach 10 % */
	for (int round = 0; round < 12 && measure(c, &cl, &st, fit); round++)
		if (load_track(c, &cl, &st, fit))
			goto oom;
	goto out;
oom:
	rc = rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
out:
	free(fit);
	cues_free(&cl);
	if (rc) {
		captions_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* One libass bitmap (alpha coverage, one colour 0xRRGGBBTT with TT transparency) over dst. */
static void blend(surf_t *dst, const ASS_Image *im)
{
	unsigned r = im->color >> 24, g = (im->color >> 16) & 255, b = (im->color >> 8) & 255;
	unsigned op = 255 - (im->color & 255);
	for (int y = 0; y < im->h; y++) {
		int dy = im->dst_y + y;
		if (dy < 0 || dy >= dst->h)
			continue;
		const unsigned char *a = im->bitmap + (size_t)y * im->stride;
		uint32_t *row = dst->px + (size_t)dy * dst->stride;
		for (int x = 0; x < im->w; x++) {
			int dx = im->dst_x + x;
			if (!a[x] || dx < 0 || dx >= dst->w)
				continue;
			unsigned k = (a[x] * op + 127) / 255; /* coverage x opacity, 0..255 */
			uint32_t src = (uint32_t)((r * k + 127) / 255) | (uint32_t)((g * k + 127) / 255) << 8 |
				       (uint32_t)((b * k + 127) / 255) << 16 | (uint32_t)k << 24;
			row[dx] = surf_over_px(row[dx], src);
		}
	}
}

void captions_draw(captions_t *c, int64_t f, surf_t *dst)
{
	if (!c)
		return;
	long long now = llround(ir_frame_time(c->p, f) * 1000);
	for (ASS_Image *im = ass_render_frame(c->rnd, c->track, now, NULL); im; im = im->next)
		blend(dst, im);
}

void captions_free(captions_t *c)
{
	if (!c)
		return;
	if (c->track)
		ass_free_track(c->track);
	if (c->rnd)
		ass_renderer_done(c->rnd);
	if (c->lib)
		ass_library_done(c->lib);
	free(c);
}
