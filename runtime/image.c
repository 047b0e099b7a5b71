/*
 * image.c - the image source (see image.h). An image is decoded once, scaled once with swscale's
 * area filter to the largest size any layer draws it at (layer_need_scale), turned upright, cut
 * to the part any layer ever shows (layer_need_window) and kept while its layers draw; per-frame
 * work is then only bilinear sampling in draw.c.
 */
#include "image.h"

#include <math.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "../base/media.h"
#include "layer.h"
#include "rterr.h"
#include "source.h"

int img_orientation(const AVFrame *fr)
{
	AVFrameSideData *sd = av_frame_get_side_data(fr, AV_FRAME_DATA_DISPLAYMATRIX);
	if (sd && sd->size >= 9 * sizeof(int32_t)) {
		const int32_t *m = (const int32_t *)sd->data;
		double ccw = av_display_rotation_get(m);
		int flip = (double)m[0] * m[4] - (double)m[1] * m[3] < 0;
		int cw = ((int)lrint(-ccw / 90) % 4 + 4) % 4 * 90;
		/* EXIF orientation codes for (clockwise rotation, mirrored) */
		static const int plain[4] = {1, 6, 3, 8}, mirrored[4] = {2, 7, 4, 5};
		return flip ? mirrored[cw / 90] : plain[cw / 90];
	}
	AVDictionaryEntry *e = av_dict_get(fr->metadata, "Orientation", NULL, 0);
	if (e && e->value) {
		int o = atoi(e->value);
		if (o >= 1 && o <= 8)
			return o;
	}
	return 1;
}

int img_decode(const char *path, AVFrame **out, char *cause, size_t len)
{
	/* base/media checks the header against the pixel limit before decoding and opens local
	 * regular files only. */
	vidc_err e;
	int rc = media_decode_picture(path, out, &e);
	if (rc)
		err_copy(&e, cause, len);
	return rc;
}

/* Turns s (stored orientation) upright; returns the new surface (s is freed) or NULL. */
static surf_t *orient(surf_t *s, int o)
{
	if (o <= 1 || o > 8)
		return s;
	int swap = o >= 5;
	int W = s->w, H = s->h;
	surf_t *d = swap ? surf_new(H, W) : surf_new(W, H);
	if (!d) {
		surf_free(s);
		return NULL;
	}
	for (int y = 0; y < d->h; y++) {
		uint32_t *row = d->px + (size_t)y * d->stride;
		for (int x = 0; x < d->w; x++) {
			int sx, sy;
			switch (o) {
			case 2: sx = W - 1 - x; sy = y; break;
			case 3: sx = W - 1 - x; sy = H - 1 - y; break;
			case 4: sx = x; sy = H - 1 - y; break;
			case 5: sx = y; sy = x; break;
			case 6: sx = y; sy = H - 1 - x; break;
			case 7: sx = W - 1 - y; sy = H - 1 - x; break;
			default: sx = W - 1 - y; sy = x; break; /* 8 */
			}
			row[x] = s->px[(size_t)sy * s->stride + sx];
		}
	}
	surf_free(s);
	return d;
}

/* The size a picture of W x H is stored at when no layer draws it larger than max_scale. */
static void scaled_size(int W, int H, double max_scale, int *tw, int *th)
{
	double k = max_scale >= 1 || !(max_scale > 0) ? 1 : max_scale;
	*tw = (int)ceil(W * k - 1e-6);
	*th = (int)ceil(H * k - 1e-6);
	if (*tw < 1)
		*tw = 1;
	if (*th < 1)
		*th = 1;
}

/* Area averaging when shrinking (no aliasing in fine detail), bicubic otherwise; accurate
 * rounding and full chroma so stills are as clean as they can be. */
static struct SwsContext *scaler(const AVFrame *fr, int tw, int th, char *cause, size_t len)
{
	int flags = (tw < fr->width ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT |
		    SWS_FULL_CHR_H_INP;
	struct SwsContext *sws = sws_getContext(fr->width, fr->height, fr->format, tw, th, AV_PIX_FMT_RGBA,
						flags, NULL, NULL, NULL);
	if (!sws)
		snprintf(cause, len, "cannot convert pixel format %s",
			 av_get_pix_fmt_name(fr->format) ? av_get_pix_fmt_name(fr->format) : "?");
	return sws;
}

/* swscale writes straight alpha; the runtime works premultiplied. */
static void finish_alpha(const AVFrame *fr, surf_t *s)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(fr->format);
	/* GIF and palette PNG may carry transparency */
	if ((desc && (desc->flags & AV_PIX_FMT_FLAG_ALPHA)) || fr->format == AV_PIX_FMT_PAL8)
		surf_premultiply(s);
	else
		surf_flatten(s);
}

int img_convert(AVFrame *fr, double max_scale, surf_t **out, char *cause, size_t len)
{
	*out = NULL;
	int o = img_orientation(fr);
	int W = fr->width, H = fr->height, tw, th;
	scaled_size(W, H, max_scale, &tw, &th);
	surf_t *s = surf_new(tw, th);
	if (!s) {
		snprintf(cause, len, "out of memory for a %dx%d picture", tw, th);
		return VE_NOMEM;
	}
	struct SwsContext *sws = scaler(fr, tw, th, cause, len);
	if (!sws) {
		surf_free(s);
		return VE_DECODE;
	}
	uint8_t *dst[4] = {(uint8_t *)s->px, NULL, NULL, NULL};
	int dst_stride[4] = {s->stride * 4, 0, 0, 0};
	int ret = sws_scale(sws, (const uint8_t *const *)fr->data, fr->linesize, 0, H, dst, dst_stride);
	sws_freeContext(sws);
	if (ret <= 0) {
		snprintf(cause, len, "cannot convert the picture");
		surf_free(s);
		return VE_DECODE;
	}
	finish_alpha(fr, s);
	if (!(s = orient(s, o))) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	*out = s;
	return 0;
}

#define BAND 128 /* output rows per swscale call in convert_rect: 1.2 MB for a 2318 px wide photo */

/* Gives the system the pages of fr's planes above input row `row` (luma rows; fr is ours alone
 * and is only read below it from now on): *done is how far it got. The decoded photo (25 MB for
 * 4096x4096) was resident whole while its cut (12 MB) filled in; this way the two together stay
 * near the photo's size. The pages are only dropped, never read again: the pixels are the same. */
static void drop_rows_above(AVFrame *fr, int row, int *done)
{
#ifdef MADV_DONTNEED
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fr->format);
	if (row <= *done || !d || !(d->flags & AV_PIX_FMT_FLAG_PLANAR) || !av_frame_is_writable(fr))
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	for (int p = 0; p < 4 && fr->data[p] && fr->linesize[p] > 0; p++) {
		int sh = p == 1 || p == 2 ? d->log2_chroma_h : 0;
		uintptr_t a = ((uintptr_t)fr->data[p] + (uintptr_t)fr->linesize[p] * (uintptr_t)(*done >> sh) +
			       page - 1) & ~(page - 1);
		uintptr_t b = ((uintptr_t)fr->data[p] + (uintptr_t)fr->linesize[p] * (uintptr_t)(row >> sh)) &
			      ~(page - 1);
		if (b > a)
			madvise((void *)a, b - a, MADV_DONTNEED);
	}
	*done = row;
#else
	(void)fr, (void)row, (void)done;
#endif
}

static void band_keep(void *opaque, uint8_t *data) { (void)opaque, (void)data; }

/* Scales fr (stored upright) to tw x th like img_convert, but computes only the output rows
 * [r[1], r[3]) and keeps only the columns [r[0], r[2]): swscale's slice API gives BAND output
 * rows at a time (each output row is the same filter over the same input rows, so the pixels are
 * bit for bit those of the whole picture), and the full-width band is cut at once. A 4096x4096
 * photo under a portrait window no longer passes through its whole 2318x2318 scaled copy
 * (21.5 MB) on the way to the 1304x2318 it keeps. */
static int convert_rect(AVFrame *fr, int tw, int th, const int r[4], surf_t **out, char *cause, size_t len)
{
	*out = NULL;
	int w = r[2] - r[0], h = r[3] - r[1], rc = VE_NOMEM, dropped = 0;
	surf_t *s = surf_new(w, h);
	struct SwsContext *sws = NULL;
	AVFrame *bf = av_frame_alloc();
	size_t line = (size_t)tw * 4;
	uint8_t *band = av_malloc(line * BAND);
	if (!s || !bf || !band || !(bf->buf[0] = av_buffer_create(band, line * BAND, band_keep, NULL, 0))) {
		snprintf(cause, len, "out of memory for a %dx%d picture", w, h);
		goto done;
	}
	rc = VE_DECODE;
	if (!(sws = scaler(fr, tw, th, cause, len)))
		goto done;
	bf->format = AV_PIX_FMT_RGBA;
	bf->width = tw;
	bf->height = th;
	bf->linesize[0] = (int)line;
	for (int y = r[1]; y < r[3]; y += BAND) {
		int n = r[3] - y < BAND ? r[3] - y : BAND;
		/* sws_receive_slice writes row y at data[0] + y * linesize: data[0] is placed so that
		 * row y lands on the band's first row */
		bf->data[0] = (uint8_t *)((uintptr_t)band - (uintptr_t)y * line);
		int ret = sws_frame_start(sws, bf, fr);
		if (ret >= 0)
			ret = sws_send_slice(sws, 0, fr->height);
		if (ret >= 0)
			ret = sws_receive_slice(sws, y, n);
		sws_frame_end(sws);
		if (ret < 0) {
			snprintf(cause, len, "cannot convert the picture");
			goto done;
		}
		for (int i = 0; i < n; i++)
			memcpy(s->px + (size_t)(y - r[1] + i) * s->stride, band + line * i + (size_t)r[0] * 4,
			       sizeof(uint32_t) * (size_t)w);
		/* the next band reads from input row (y + n) * H / th on, less the filter's reach
		 * (area: about H / th rows; bicubic: 2), with a wide margin */
		double k = (double)fr->height / th;
		drop_rows_above(fr, (int)floor((y + n) * k) - 16 - 4 * (int)ceil(k), &dropped);
	}
	finish_alpha(fr, s);
	*out = s;
	s = NULL;
	rc = 0;
done:
	sws_freeContext(sws);
	av_frame_free(&bf); /* the band's buffer reference; band_keep leaves band to av_free */
	av_free(band);
	surf_free(s);
	return rc;
}

/* ---- the source ---------------------------------------------------------------------------- */

typedef struct {
	surf_t *surf;
	int nat_w, nat_h;
	double kx, ky; /* surface pixels per natural pixel of the whole scaled picture */
	int x0, y0;    /* where surf starts in it (a crop) */
} img_state;

/* The part of the w x h scaled picture any layer ever shows (layer_need_window) and 2 pixels
 * around it for the bilinear filter, so the pixels sampled are the same as in the whole picture
 * (the sample positions, counted from a moved origin, can round one ulp apart: on the reference,
 * 1603 of 8.3M channel values of one frame in 30 differ by 1, 85 dB; goldens are unaffected): a
 * square photo under a portrait canvas' Ken Burns window keeps 56 % of its columns (a 4096x4096
 * photo on 1080x1920: 21.5 MB -> 12 MB, twice that during a dissolve). r is x0, y0, x1, y1; the
 * whole picture when the crop would save little. */
static void window_rect(const img_state *st, const ir_program *p, int id, int w, int h, int r[4])
{
	double win[4];
	layer_need_window(p, id, st->nat_w, st->nat_h, win);
	int x0 = (int)fmax(floor(win[0] * st->kx) - 2, 0), x1 = (int)fmin(ceil(win[2] * st->kx) + 2, w);
	int y0 = (int)fmax(floor(win[1] * st->ky) - 2, 0), y1 = (int)fmin(ceil(win[3] * st->ky) + 2, h);
	if (x1 <= x0 || y1 <= y0 || (double)(x1 - x0) * (y1 - y0) > 0.9 * w * h) {
		x0 = y0 = 0;
		x1 = w;
		y1 = h;
	}
	r[0] = x0;
	r[1] = y0;
	r[2] = x1;
	r[3] = y1;
}

/* Keeps of st->surf (the whole scaled picture, turned upright) only window_rect; left whole
 * when memory runs out. */
static void crop_to_window(img_state *st, const ir_program *p, int id)
{
	surf_t *s = st->surf;
	int r[4];
	window_rect(st, p, id, s->w, s->h, r);
	if (r[2] - r[0] == s->w && r[3] - r[1] == s->h)
		return;
	surf_t *c = surf_new(r[2] - r[0], r[3] - r[1]);
	if (!c)
		return;
	for (int y = r[1]; y < r[3]; y++)
		memcpy(c->px + (size_t)(y - r[1]) * c->stride, s->px + (size_t)y * s->stride + r[0],
		       sizeof(uint32_t) * (size_t)c->w);
	c->opaque = s->opaque;
	surf_free(s);
	st->surf = c;
	st->x0 = r[0];
	st->y0 = r[1];
}

/* Fills st->surf from the decoded fr at need times its natural size, cut to window_rect. A
 * picture stored upright is scaled straight into the cut (convert_rect); one with an EXIF
 * orientation is scaled whole, turned, then cut. */
static int convert_source(img_state *st, AVFrame *fr, double need, const ir_program *p, int id,
			  char *cause, size_t len)
{
	if (img_orientation(fr) != 1) {
		int rc = img_convert(fr, need, &st->surf, cause, len);
		if (rc)
			return rc;
		st->kx = (double)st->surf->w / st->nat_w;
		st->ky = (double)st->surf->h / st->nat_h;
		crop_to_window(st, p, id);
		return 0;
	}
	int tw, th, r[4];
	scaled_size(fr->width, fr->height, need, &tw, &th);
	st->kx = (double)tw / st->nat_w;
	st->ky = (double)th / st->nat_h;
	window_rect(st, p, id, tw, th, r);
	st->x0 = r[0];
	st->y0 = r[1];
	return convert_rect(fr, tw, th, r, &st->surf, cause, len);
}

/* Hands the pages of a photo just freed back to the system. A photo's buffers (the decoded
 * 4096x4096 frame: 25 MB; a kept 1304x2318 cut: 12 MB) are freed while others are live, and once
 * glibc has seen one large block freed it raises its mmap threshold above them, so later ones
 * come from the heap, where free pages between live blocks stay resident: on the reference short
 * each dissolve left the peak 14-49 MB higher than what was live. malloc_trim releases every free
 * page (it walks only free chunks: well under a millisecond, twice per photo). */
static void give_back(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static int image_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	const char *path = n->u.image.path ? n->u.image.path : n->u.image.src;
	const char *src = n->u.image.src ? n->u.image.src : path;
	if (!path)
		return rterr_node(VE_INVAL, p, n, err, errlen, "image without a path");
	img_state *st = calloc(1, sizeof *st);
	if (!st)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	char cause[256];
	AVFrame *fr = NULL;
	int rc = img_decode(path, &fr, cause, sizeof cause);
	if (rc) {
		free(st);
		return rterr_node(rc, p, n, err, errlen, "cannot decode image '%s': %s", src, cause);
	}
	int swap = img_orientation(fr) >= 5;
	st->nat_w = swap ? fr->height : fr->width;
	st->nat_h = swap ? fr->width : fr->height;
	/* Convert straight to the largest size any layer draws the image at (a 6000x4000 photo
	 * becomes about a canvas' worth of pixels), with a little headroom so the per-frame
	 * bilinear step is a slight minification, which is sharper than a magnification. */
	double need = layer_need_scale(p, n->id, st->nat_w, st->nat_h) * 1.05;
	rc = convert_source(st, fr, need, p, n->id, cause, sizeof cause);
	av_frame_free(&fr);
	give_back();
	if (rc) {
		free(st);
		return rterr_node(rc, p, n, err, errlen, "cannot decode image '%s': %s", src, cause);
	}
	*state = st;
	return 0;
}

static int image_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		       char *err, size_t errlen)
{
	img_state *st = state;
	src_view_set(v, st->surf, st->nat_w, st->nat_h, -st->x0, -st->y0, st->kx, st->ky);
	return 0;
}

static void image_release(void *state)
{
	img_state *st = state;
	surf_free(st->surf);
	free(st);
	give_back();
}

const src_ops image_source = {image_prepare, image_frame, image_release};
