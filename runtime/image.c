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

#include "../base/jpegdec.h"
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

/* Decodes the whole JPEG jd into a new frame (the pixels the row path scales from). */
static int jpeg_whole(jpegdec_t *jd, const jpegdec_info *ji, AVFrame **out, vidc_err *e)
{
	AVFrame *fr = av_frame_alloc();
	if (!fr)
		return err_set(e, VE_NOMEM, "out of memory");
	fr->format = ji->fmt;
	fr->width = ji->width;
	fr->height = ji->height;
	fr->color_range = AVCOL_RANGE_JPEG;
	if (av_frame_get_buffer(fr, 0) < 0) {
		av_frame_free(&fr);
		return err_set(e, VE_NOMEM, "out of memory for a %dx%d picture", ji->width, ji->height);
	}
	for (int y = 0, n; y < ji->height; y += n) {
		uint8_t *dst[3];
		for (int p = 0; p < 3; p++)
			dst[p] = fr->data[p] ? fr->data[p] + (size_t)fr->linesize[p] * (size_t)(y >> (p ? ji->log2_chroma_h : 0))
					     : NULL;
		if ((n = jpegdec_read(jd, dst, fr->linesize, e)) <= 0) {
			av_frame_free(&fr);
			return n < 0 ? n : err_set(e, VE_DECODE, "corrupt or truncated picture data");
		}
	}
	if (ji->orientation != 1) {
		char o[4];
		snprintf(o, sizeof o, "%d", ji->orientation);
		av_dict_set(&fr->metadata, "Orientation", o, 0);
	}
	*out = fr;
	return 0;
}

int img_decode(const char *path, AVFrame **out, char *cause, size_t len)
{
	/* JPEGs through libjpeg, as the image source reads them by rows (the same pixels); the
	 * rest through base/media. Both check the header against the pixel limit before decoding
	 * and open local regular files only. */
	vidc_err e;
	jpegdec_t *jd;
	jpegdec_info ji;
	*out = NULL;
	int rc = jpegdec_open(&jd, path, 8, &ji, &e);
	if (rc == 0) {
		rc = jpeg_whole(jd, &ji, out, &e);
		jpegdec_free(jd);
	} else if (rc > 0) {
		rc = media_decode_picture(path, out, &e);
	}
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
#define BAND_IN 256 /* at most about this many input rows per band (a photo drawn much smaller) */

/* The input convert_rect scales: a whole decoded picture (libav), or a JPEG decoded top to bottom
 * as the bands reach it (base/jpegdec) into a window of rows, so the photo (25 MB for 4096x4096)
 * never exists whole: the window holds a band's input rows and the filter's reach, 1-4 MB. */
typedef struct {
	AVFrame *fr;     /* what swscale reads: the picture, or a frame over the window */
	jpegdec_t *jd;   /* NULL: fr is whole */
	int sh;          /* chroma rows = luma rows >> sh */
	int w0, next;    /* the window holds luma rows [w0, next) */
	int cap, step;   /* rows it has room for; rows per jpegdec_read */
	uint8_t *mem[3]; /* planes with GUARD rows before and after */
	uint8_t *buf[3]; /* row w0 of each plane */
	int ls[3];
	int dropped;     /* whole picture: rows given back (drop_rows_above) */
} rows_src;

#define GUARD 32 /* spare rows around the window: a read a little outside it stays in our memory */

static void band_keep(void *opaque, uint8_t *data) { (void)opaque, (void)data; }

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

/* Output rows per band (*nb) and the input rows a band's filter reaches beyond its own, for k
 * input rows per output row: area averaging reads about k rows, bicubic 4; the margin is wide. */
static void band_rows(double k, int *nb, int *reach)
{
	int n = k > 1 ? (int)(BAND_IN / k) : BAND;
	*nb = n < 8 ? 8 : n > BAND ? BAND : n;
	*reach = 16 + 4 * (int)ceil(k);
}

static void scaled_size(int W, int H, double max_scale, int *tw, int *th);

/* A window over jd's planes (layout, size and rows per read in ji) with room for the input rows
 * of one band of a scale to need times the picture's size. 0 or VE_NOMEM (rows_free cleans up,
 * jd included). */
static int rows_window(rows_src *rs, jpegdec_t *jd, const jpegdec_info *ji, double need)
{
	int tw, th, nb, reach;
	scaled_size(ji->width, ji->height, need, &tw, &th);
	double k = (double)ji->height / th;
	band_rows(k, &nb, &reach);
	int cap = (int)ceil(nb * k) + 2 * reach + 3 * ji->rows + 2;
	memset(rs, 0, sizeof *rs);
	rs->jd = jd;
	rs->sh = ji->log2_chroma_h;
	rs->step = ji->rows;
	rs->cap = (cap + ji->rows - 1) / ji->rows * ji->rows;
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(ji->fmt);
	int np = ji->fmt == AV_PIX_FMT_GRAY8 ? 1 : 3;
	for (int p = 0; p < np; p++) {
		int w = p ? AV_CEIL_RSHIFT(ji->width, d->log2_chroma_w) : ji->width;
		int rows = (p ? rs->cap >> rs->sh : rs->cap) + 2 * GUARD;
		rs->ls[p] = (w + 64 + 63) & ~63; /* swscale's readers may look past the last column */
		if (!(rs->mem[p] = av_mallocz((size_t)rs->ls[p] * (size_t)rows)))
			return VE_NOMEM;
		rs->buf[p] = rs->mem[p] + (size_t)rs->ls[p] * GUARD;
	}
	if (!(rs->fr = av_frame_alloc()) ||
	    !(rs->fr->buf[0] = av_buffer_create(rs->mem[0], 1, band_keep, NULL, 0)))
		return VE_NOMEM;
	rs->fr->format = ji->fmt;
	rs->fr->width = ji->width;
	rs->fr->height = ji->height;
	rs->fr->color_range = AVCOL_RANGE_JPEG;
	return 0;
}

static void rows_free(rows_src *rs)
{
	if (!rs->jd)
		return; /* a whole picture belongs to the caller */
	av_frame_free(&rs->fr); /* the window's reference; band_keep leaves mem to av_free */
	for (int p = 0; p < 3; p++)
		av_free(rs->mem[p]);
	jpegdec_free(rs->jd);
	memset(rs, 0, sizeof *rs);
}

/* Makes luma rows [in0, in1) of the picture readable through rs->fr (absolute row numbers: the
 * frame's data pointers are placed so that row w0 lands on the window's first row). Rows before
 * in0 are let go. 0 or a VE_* code with cause set. */
static int rows_need(rows_src *rs, int in0, int in1, char *cause, size_t len)
{
	AVFrame *fr = rs->fr;
	if (!rs->jd) {
		drop_rows_above(fr, in0, &rs->dropped);
		return 0;
	}
	if (in1 > fr->height)
		in1 = fr->height;
	while (rs->next < in1) {
		if (rs->next + rs->step > rs->w0 + rs->cap) { /* slide: keep [in0, next), whole steps */
			int keep0 = in0 / rs->step * rs->step;
			if (keep0 > rs->next)
				keep0 = rs->next;
			if (keep0 <= rs->w0 || rs->next - keep0 + rs->step > rs->cap) {
				snprintf(cause, len, "internal error: the JPEG window is too small");
				return VE_INVAL;
			}
			for (int p = 0; p < 3 && rs->buf[p]; p++) {
				int sh = p ? rs->sh : 0;
				memmove(rs->buf[p], rs->buf[p] + (size_t)rs->ls[p] * (size_t)((keep0 - rs->w0) >> sh),
					(size_t)rs->ls[p] * (size_t)((rs->next - keep0) >> sh));
			}
			rs->w0 = keep0;
		}
		uint8_t *dst[3];
		for (int p = 0; p < 3; p++)
			dst[p] = rs->buf[p] ? rs->buf[p] + (size_t)rs->ls[p] * (size_t)((rs->next - rs->w0) >> (p ? rs->sh : 0))
					    : NULL;
		vidc_err e;
		int n = jpegdec_read(rs->jd, dst, rs->ls, &e);
		if (n < 0) {
			err_copy(&e, cause, len);
			return n;
		}
		if (n == 0) {
			snprintf(cause, len, "corrupt or truncated picture data");
			return VE_DECODE;
		}
		rs->next += n;
	}
	for (int p = 0; p < 3; p++) {
		fr->data[p] = rs->buf[p] ? rs->buf[p] - (ptrdiff_t)rs->ls[p] * (rs->w0 >> (p ? rs->sh : 0)) : NULL;
		fr->linesize[p] = rs->buf[p] ? rs->ls[p] : 0;
	}
	return 0;
}

/* Scales the picture of src (stored upright) to tw x th like img_convert, but computes only the
 * output rows [r[1], r[3]) and keeps only the columns [r[0], r[2]): swscale's slice API gives a
 * band of output rows at a time (each output row is the same filter over the same input rows, so
 * the pixels are bit for bit those of the whole picture), and the full-width band is cut at once.
 * A 4096x4096 photo under a portrait window no longer passes through its whole 2318x2318 scaled
 * copy (21.5 MB) on the way to the 1304x2318 it keeps, and a JPEG is decoded only as far as the
 * bands reach (rows_need). */
static int convert_rect(rows_src *src, int tw, int th, const int r[4], surf_t **out, char *cause, size_t len)
{
	*out = NULL;
	AVFrame *fr = src->fr;
	int w = r[2] - r[0], h = r[3] - r[1], rc = VE_NOMEM;
	double k = (double)fr->height / th; /* input rows per output row */
	int nb, reach;
	band_rows(k, &nb, &reach);
	surf_t *s = surf_new(w, h);
	struct SwsContext *sws = NULL;
	AVFrame *bf = av_frame_alloc();
	size_t line = (size_t)tw * 4;
	uint8_t *band = av_malloc(line * (size_t)nb);
	if (!s || !bf || !band || !(bf->buf[0] = av_buffer_create(band, line * (size_t)nb, band_keep, NULL, 0))) {
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
	for (int y = r[1]; y < r[3]; y += nb) {
		int n = r[3] - y < nb ? r[3] - y : nb;
		/* the input rows this band reads: y * k on, less and plus the filter's reach (area:
		 * about k rows; bicubic: 2), with a wide margin */
		int in0 = (int)floor(y * k) - reach, in1 = (int)ceil((y + n) * k) + reach;
		if ((rc = rows_need(src, in0 < 0 ? 0 : in0, in1, cause, len)))
			goto done;
		rc = VE_DECODE;
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

/* Convert straight to the largest size any layer draws the image at (a 6000x4000 photo becomes
 * about a canvas' worth of pixels), with a little headroom so the per-frame bilinear step is a
 * slight minification, which is sharper than a magnification. */
#ifndef IMG_HEADROOM
#define IMG_HEADROOM 1.05
#endif

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

/* Fills st->surf from the picture of src (w x h as stored, orientation o) at need times its
 * natural size, cut to window_rect. A picture stored upright is scaled straight into the cut
 * (convert_rect); one with an EXIF orientation is scaled whole, turned, then cut (src is then a
 * whole decoded picture). */
static int convert_source(img_state *st, rows_src *src, double need, const ir_program *p, int id,
			  char *cause, size_t len)
{
	AVFrame *fr = src->fr;
	if (!src->jd && img_orientation(fr) != 1) {
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
	return convert_rect(src, tw, th, r, &st->surf, cause, len);
}

/* Opens path as a JPEG to decode by rows (base/jpegdec) into src, its window sized for a scale
 * to need times its size: 0, 1 when it is not one (or is stored turned: libav's or the whole
 * decode's path), or a VE_* code with cause set. */
static int open_rows(rows_src *src, const char *path, const ir_program *p, int id, img_state *st,
		     double *need, char *cause, size_t len)
{
	jpegdec_t *jd;
	jpegdec_info ji;
	vidc_err e;
	int rc = jpegdec_open(&jd, path, 8, &ji, &e);
	if (rc < 0)
		err_copy(&e, cause, len);
	if (rc)
		return rc;
	if (ji.orientation != 1) {
		jpegdec_free(jd);
		return 1;
	}
	st->nat_w = ji.width;
	st->nat_h = ji.height;
	*need = layer_need_scale(p, id, st->nat_w, st->nat_h) * IMG_HEADROOM;
	if (rows_window(src, jd, &ji, *need)) {
		rows_free(src);
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	return 0;
}

int img_load(const char *path, double scale, surf_t **out, char *cause, size_t len)
{
	*out = NULL;
	jpegdec_t *jd;
	jpegdec_info ji;
	vidc_err e;
	int rc = jpegdec_open(&jd, path, 8, &ji, &e);
	if (rc < 0) {
		err_copy(&e, cause, len);
		return rc;
	}
	if (rc == 0 && ji.orientation == 1) {
		rows_src rs;
		int tw, th;
		if (rows_window(&rs, jd, &ji, scale)) {
			rows_free(&rs);
			snprintf(cause, len, "out of memory");
			return VE_NOMEM;
		}
		scaled_size(ji.width, ji.height, scale, &tw, &th);
		int r[4] = {0, 0, tw, th};
		rc = convert_rect(&rs, tw, th, r, out, cause, len);
		rows_free(&rs);
		return rc;
	}
	jpegdec_free(jd);
	AVFrame *fr;
	if ((rc = img_decode(path, &fr, cause, len)))
		return rc;
	rc = img_convert(fr, scale, out, cause, len);
	av_frame_free(&fr);
	return rc;
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
	rows_src rs = {0};
	double need = 1;
	int rc = open_rows(&rs, path, p, n->id, st, &need, cause, sizeof cause);
	if (rc > 0) { /* not a JPEG read by rows: decoded whole */
		rc = img_decode(path, &fr, cause, sizeof cause);
		if (!rc) {
			int swap = img_orientation(fr) >= 5;
			st->nat_w = swap ? fr->height : fr->width;
			st->nat_h = swap ? fr->width : fr->height;
			need = layer_need_scale(p, n->id, st->nat_w, st->nat_h) * IMG_HEADROOM;
			rs.fr = fr;
		}
	}
	if (!rc)
		rc = convert_source(st, &rs, need, p, n->id, cause, sizeof cause);
	rows_free(&rs);
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
