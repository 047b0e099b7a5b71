/*
 * image.c - the image source (see image.h). An image is decoded once, scaled once with swscale's
 * area filter to the largest size any layer draws it at (layer_need_scale), turned upright, cut
 * to the part any layer ever shows (layer_need_window) and kept while its layers draw; per-frame
 * work is then only bilinear sampling in draw.c.
 */
#include "image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

int img_convert(AVFrame *fr, double max_scale, surf_t **out, char *cause, size_t len)
{
	*out = NULL;
	int o = img_orientation(fr);
	int W = fr->width, H = fr->height;
	double k = max_scale >= 1 || !(max_scale > 0) ? 1 : max_scale;
	int tw = (int)ceil(W * k - 1e-6), th = (int)ceil(H * k - 1e-6);
	if (tw < 1)
		tw = 1;
	if (th < 1)
		th = 1;
	surf_t *s = surf_new(tw, th);
	struct SwsContext *sws = NULL;
	if (!s) {
		snprintf(cause, len, "out of memory for a %dx%d picture", tw, th);
		return VE_NOMEM;
	}
	/* Area averaging when shrinking (no aliasing in fine detail), bicubic otherwise;
	 * accurate rounding and full chroma so stills are as clean as they can be. */
	int flags = (tw < W ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT |
		    SWS_FULL_CHR_H_INP;
	sws = sws_getContext(W, H, fr->format, tw, th, AV_PIX_FMT_RGBA, flags, NULL, NULL, NULL);
	if (!sws) {
		snprintf(cause, len, "cannot convert pixel format %s",
			 av_get_pix_fmt_name(fr->format) ? av_get_pix_fmt_name(fr->format) : "?");
		surf_free(s);
		return VE_DECODE;
	}
	uint8_t *dst[4] = {(uint8_t *)s->px, NULL, NULL, NULL};
	int dst_stride[4] = {s->stride * 4, 0, 0, 0};
	int ret = sws_scale(sws, (const uint8_t *const *)fr->data, fr->linesize, 0, H, dst, dst_stride);
	sws_freeContext(sws);
	int has_alpha = 0;
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(fr->format);
	if (desc && (desc->flags & AV_PIX_FMT_FLAG_ALPHA))
		has_alpha = 1;
	if (fr->format == AV_PIX_FMT_PAL8)
		has_alpha = 1; /* GIF and palette PNG may carry transparency */
	if (ret <= 0) {
		snprintf(cause, len, "cannot convert the picture");
		surf_free(s);
		return VE_DECODE;
	}
	/* swscale writes straight alpha; the runtime works premultiplied */
	if (has_alpha) {
		surf_premultiply(s);
	} else {
		surf_flatten(s);
	}
	if (!(s = orient(s, o))) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	*out = s;
	return 0;
}

/* ---- the source ---------------------------------------------------------------------------- */

typedef struct {
	surf_t *surf;
	int nat_w, nat_h;
	double kx, ky; /* surface pixels per natural pixel of the whole scaled picture */
	int x0, y0;    /* where surf starts in it (a crop) */
} img_state;

/* Keeps of st->surf only the part any layer ever shows (layer_need_window) and 2 pixels around
 * it for the bilinear filter, so the pixels sampled are the same as in the whole picture (the
 * sample positions, counted from a moved origin, can round one ulp apart: on the reference, 1603
 * of 8.3M channel values of one frame in 30 differ by 1, 85 dB; goldens are unaffected): a
 * square photo under a portrait canvas' Ken Burns window keeps 56 % of its columns (a 4096x4096
 * photo on 1080x1920: 21.5 MB -> 12 MB, twice that during a dissolve). Left whole when the crop
 * saves little or memory runs out. */
static void crop_to_window(img_state *st, const ir_program *p, int id)
{
	surf_t *s = st->surf;
	double win[4];
	layer_need_window(p, id, st->nat_w, st->nat_h, win);
	int x0 = (int)fmax(floor(win[0] * st->kx) - 2, 0), x1 = (int)fmin(ceil(win[2] * st->kx) + 2, s->w);
	int y0 = (int)fmax(floor(win[1] * st->ky) - 2, 0), y1 = (int)fmin(ceil(win[3] * st->ky) + 2, s->h);
	if (x1 <= x0 || y1 <= y0 || (double)(x1 - x0) * (y1 - y0) > 0.9 * s->w * s->h)
		return;
	surf_t *c = surf_new(x1 - x0, y1 - y0);
	if (!c)
		return;
	for (int y = y0; y < y1; y++)
		memcpy(c->px + (size_t)(y - y0) * c->stride, s->px + (size_t)y * s->stride + x0,
		       sizeof(uint32_t) * (size_t)(x1 - x0));
	c->opaque = s->opaque;
	surf_free(s);
	st->surf = c;
	st->x0 = x0;
	st->y0 = y0;
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
	surf_t *full;
	rc = img_convert(fr, need, &full, cause, sizeof cause);
	av_frame_free(&fr);
	if (rc) {
		free(st);
		return rterr_node(rc, p, n, err, errlen, "cannot decode image '%s': %s", src, cause);
	}
	st->surf = full;
	st->kx = (double)full->w / st->nat_w;
	st->ky = (double)full->h / st->nat_h;
	crop_to_window(st, p, n->id);
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
}

const src_ops image_source = {image_prepare, image_frame, image_release};
