/*
 * still.c - still pictures (see still.h): a frame composed by graph.c into memory, contact sheets
 * (frames area-averaged into a labelled grid) and JPEG encoding with libavcodec's mjpeg at the
 * best quality that fits a byte cap. Replaces the old thumb.c, which built a thumbnail's IR by
 * hand and passed the video's frame through a temporary PNG: the thumbnail is now a template
 * compiled like any spec (pipeline/stage_publish.c), rendered here to memory.
 */
#include "still.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "draw.h"
#include "font.h"
#include "graph.h"
#include "render.h"
#include "rterr.h"
#include "surface.h"
#include "text.h"

/* Straight RGBA of a premultiplied surface (opaque after surf_flatten, but a sheet's labels are
 * drawn over it, so every pixel is converted). */
static int surf_to_image(const surf_t *s, golden_image *out)
{
	out->w = s->w;
	out->h = s->h;
	out->rgba = malloc((size_t)s->w * s->h * 4);
	if (!out->rgba)
		return VE_NOMEM;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			uint32_t p = s->px[(size_t)y * s->stride + x];
			uint8_t *o = out->rgba + ((size_t)y * s->w + x) * 4;
			unsigned a = p >> 24;
			for (int c = 0; c < 3; c++) {
				unsigned v = (p >> (8 * c)) & 255;
				o[c] = (uint8_t)(a == 255 || !a ? v : (v * 255 + a / 2) / a);
			}
			o[3] = (uint8_t)a;
		}
	return 0;
}

int still_frame(const ir_program *p, int64_t f, golden_image *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = 0;
	int rc = rterr_frame(p, f, err, errlen);
	if (rc)
		return rc;
	rt_graph *g = NULL;
	rc = graph_new(&g, p, err, errlen);
	if (rc)
		return rc;
	surf_t *s = surf_new(p->width, p->height);
	if (!s)
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for the frame");
	else if (!(rc = graph_render(g, f, s, err, errlen)) && surf_to_image(s, out))
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for the frame");
	surf_free(s);
	graph_free(g);
	return rc;
}

/* ---- JPEG ---------------------------------------------------------------------------------- */

/* One JPEG of f at qscale q into pkt. Returns 0 or a libav error. */
static int jpeg_once(const AVCodec *codec, AVFrame *f, int q, AVPacket *pkt)
{
	AVCodecContext *c = avcodec_alloc_context3(codec);
	if (!c)
		return AVERROR(ENOMEM);
	c->width = f->width;
	c->height = f->height;
	c->pix_fmt = AV_PIX_FMT_YUVJ420P;
	c->color_range = AVCOL_RANGE_JPEG;
	c->time_base = (AVRational){1, 25};
	c->flags |= AV_CODEC_FLAG_QSCALE;
	c->global_quality = q * FF_QP2LAMBDA;
	f->quality = c->global_quality;
	f->pict_type = AV_PICTURE_TYPE_I;
	int ret = avcodec_open2(c, codec, NULL);
	if (ret >= 0)
		ret = avcodec_send_frame(c, f);
	if (ret >= 0)
		ret = avcodec_send_frame(c, NULL);
	if (ret >= 0)
		ret = avcodec_receive_packet(c, pkt);
	avcodec_free_context(&c);
	return ret;
}

int still_jpeg(const golden_image *img, int w, int h, int64_t max_bytes, uint8_t **out, size_t *len,
	       char *cause, size_t causelen)
{
	*out = NULL;
	*len = 0;
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
	if (!codec) {
		snprintf(cause, causelen, "this libavcodec has no JPEG encoder");
		return VE_ENCODE;
	}
	AVFrame *f = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	struct SwsContext *sws = sws_getContext(img->w, img->h, AV_PIX_FMT_RGBA, w, h, AV_PIX_FMT_YUVJ420P,
						SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
	int rc = VE_NOMEM;
	if (!f || !pkt || !sws)
		goto done;
	f->format = AV_PIX_FMT_YUVJ420P;
	f->width = w;
	f->height = h;
	f->color_range = AVCOL_RANGE_JPEG;
	if (av_frame_get_buffer(f, 0) < 0)
		goto done;
	const uint8_t *src[1] = {img->rgba};
	int stride[1] = {img->w * 4};
	sws_scale(sws, src, stride, 0, img->h, f->data, f->linesize);
	/* the best quality (lowest qscale) whose file fits */
	for (int q = 2; q <= 31; q++) {
		int ret = jpeg_once(codec, f, q, pkt);
		if (ret < 0) {
			rterr_av(ret, cause, causelen);
			rc = ret == AVERROR(ENOMEM) ? VE_NOMEM : VE_ENCODE;
			goto done;
		}
		if (pkt->size <= max_bytes || q == 31) {
			if (pkt->size > max_bytes) {
				snprintf(cause, causelen, "even the lowest JPEG quality is %d bytes", pkt->size);
				rc = VE_INVAL;
				goto done;
			}
			if (!(*out = malloc((size_t)pkt->size)))
				goto done;
			memcpy(*out, pkt->data, (size_t)pkt->size);
			*len = (size_t)pkt->size;
			rc = 0;
			goto done;
		}
		av_packet_unref(pkt);
	}
done:
	if (rc == VE_NOMEM)
		snprintf(cause, causelen, "out of memory");
	sws_freeContext(sws);
	av_packet_free(&pkt);
	av_frame_free(&f);
	return rc;
}

/* ---- contact sheets ------------------------------------------------------------------------ */

/* Area average of src into the w x h rectangle of dst at (x0, y0). */
static void downscale(surf_t *dst, int x0, int y0, int w, int h, const surf_t *src)
{
	for (int y = 0; y < h; y++) {
		int sy0 = (int)((long long)y * src->h / h), sy1 = (int)((long long)(y + 1) * src->h / h);
		if (sy1 <= sy0)
			sy1 = sy0 + 1;
		uint32_t *d = dst->px + (size_t)(y0 + y) * dst->stride + x0;
		for (int x = 0; x < w; x++) {
			int sx0 = (int)((long long)x * src->w / w), sx1 = (int)((long long)(x + 1) * src->w / w);
			if (sx1 <= sx0)
				sx1 = sx0 + 1;
			unsigned long acc[4] = {0, 0, 0, 0}, n = 0;
			for (int sy = sy0; sy < sy1; sy++) {
				const uint32_t *s = src->px + (size_t)sy * src->stride;
				for (int sx = sx0; sx < sx1; sx++, n++)
					for (int c = 0; c < 4; c++)
						acc[c] += (s[sx] >> (8 * c)) & 255;
			}
			uint32_t o = 0;
			for (int c = 0; c < 4; c++)
				o |= (uint32_t)((acc[c] + n / 2) / n) << (8 * c);
			d[x] = o;
		}
	}
}

/* A label in the program's text font with its top-left at (x, y); a label that cannot be shaped is left out
 * (the sheet is still useful without it). */
static void label(font_ctx *fc, surf_t *dst, const char *str, double x, double y, double size,
		  ir_color color, int bold)
{
	ir_text_style st;
	text_style_init(&st, size);
	st.weight = bold ? 700 : 400;
	st.color = color;
	text_req r = {str, NULL, &st, 0, 1};
	text_out o;
	char cause[256];
	if (text_render(fc, &r, &o, cause, sizeof cause))
		return;
	draw_params d = {0, 0, o.surf->w, o.surf->h, x - o.ox, y - o.oy, x - o.ox + o.surf->w,
			 y - o.oy + o.surf->h, 0, 0, 0, 1, 0};
	draw_surface(dst, o.surf, &d);
	surf_free(o.surf);
}

/* The sheet's layout in px. */
typedef struct {
	int cols, rows, cw, ch, H;
} sheet_layout;

enum { SHEET_GAP = 12, SHEET_PAD = 24, SHEET_HEAD = 56, SHEET_LABEL = 30 };

static int sheet_layout_for(const ir_program *p, const still_sheet_opts *o, sheet_layout *l)
{
	l->cols = o->cols < o->nframes ? o->cols : o->nframes;
	l->rows = (o->nframes + l->cols - 1) / l->cols;
	l->cw = (o->width - 2 * SHEET_PAD - (l->cols - 1) * SHEET_GAP) / l->cols;
	l->ch = (int)lrint((double)l->cw * p->height / p->width);
	l->H = SHEET_PAD + SHEET_HEAD + l->rows * (l->ch + SHEET_LABEL) + (l->rows - 1) * SHEET_GAP + SHEET_PAD;
	return l->cw >= 16 && l->ch >= 16;
}

int still_sheet(const ir_program *p, const still_sheet_opts *o, golden_image *out, char *err,
		size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = 0;
	sheet_layout l;
	if (o->nframes < 1 || o->nframes > STILL_SHEET_MAX || o->cols < 1)
		return rterr_node(VE_INVAL, p, NULL, err, errlen, "a sheet holds 1 to %d frames", STILL_SHEET_MAX);
	if (!sheet_layout_for(p, o, &l))
		return rterr_node(VE_INVAL, p, NULL, err, errlen,
				  "sheet: cells too small; use fewer --cols or a larger --width");
	surf_t *sheet = surf_new(o->width, l.H), *frame = surf_new(p->width, p->height);
	font_ctx *fc = NULL;
	rt_graph *g = NULL;
	char cause[256];
	int rc = 0;
	if (!sheet || !frame || font_ctx_new(&fc, p->font_text, cause, sizeof cause)) {
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "sheet: out of memory or no fonts");
		goto done;
	}
	if ((rc = graph_new(&g, p, err, errlen)))
		goto done;
	surf_fill(sheet, surf_pack((ir_color){27, 27, 31, 255}));
	label(fc, sheet, o->title ? o->title : "", SHEET_PAD, SHEET_PAD + 4, 24, (ir_color){235, 235, 235, 255}, 1);
	for (int i = 0; i < o->nframes; i++) {
		if (o->cancel && *o->cancel) {
			rc = rterr_node(VE_CANCELED, p, NULL, err, errlen, "sheet cancelled");
			goto done;
		}
		if ((rc = graph_render(g, o->frames[i], frame, err, errlen)))
			goto done;
		graph_release_before(g, o->frames[i]);
		int x = SHEET_PAD + (i % l.cols) * (l.cw + SHEET_GAP);
		int y = SHEET_PAD + SHEET_HEAD + (i / l.cols) * (l.ch + SHEET_LABEL + SHEET_GAP);
		downscale(sheet, x, y, l.cw, l.ch, frame);
		char t[64];
		snprintf(t, sizeof t, "%.2fs  (frame %lld)", ir_frame_time(p, o->frames[i]), (long long)o->frames[i]);
		label(fc, sheet, t, x + 2, y + l.ch + 6, 16, (ir_color){200, 200, 200, 255}, 0);
	}
	if (surf_to_image(sheet, out))
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for the sheet");
done:
	graph_free(g);
	font_ctx_free(fc);
	surf_free(sheet);
	surf_free(frame);
	return rc;
}
