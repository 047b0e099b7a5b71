/*
 * golden.c - PNG in and out with libavcodec, PSNR and difference images (see golden.h).
 */
#include "golden.h"

#include <limits.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "../base/media.h"

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "golden: '%s': %s", path, why);
	return -1;
}

int golden_read(const char *path, golden_image *img, char *err, size_t errlen)
{
	memset(img, 0, sizeof *img);
	char *data;
	size_t n;
	vidc_err e;
	int64_t w, h;
	if (file_read_msg(path, (size_t)256 << 20, &data, &n, "golden", err, errlen)) /* names the path */
		return -1;
	if (media_probe_size(data, n, &w, &h) == 0 && media_check_pixels(w, h, &e)) {
		free(data);
		return fail(err, errlen, path, e.msg);
	}
	AVPacket *pkt = av_packet_alloc();
	if (!pkt || n == 0 || n > INT_MAX || av_new_packet(pkt, (int)n) < 0) {
		free(data);
		av_packet_free(&pkt);
		return fail(err, errlen, path, n ? "out of memory" : "it is empty");
	}
	memcpy(pkt->data, data, n);
	free(data);
	int rc = -1;
	const AVCodec *dec = avcodec_find_decoder(AV_CODEC_ID_PNG);
	AVCodecContext *ctx = dec ? avcodec_alloc_context3(dec) : NULL;
	AVFrame *fr = av_frame_alloc();
	struct SwsContext *sws = NULL;
	if (ctx)
		ctx->max_pixels = MEDIA_MAX_PIXELS;
	if (!ctx || !fr || avcodec_open2(ctx, dec, NULL) < 0 ||
	    avcodec_send_packet(ctx, pkt) < 0 || avcodec_receive_frame(ctx, fr) < 0) {
		fail(err, errlen, path, "not a readable PNG");
		goto done;
	}
	img->w = fr->width;
	img->h = fr->height;
	img->rgba = malloc((size_t)img->w * img->h * 4);
	sws = sws_getContext(fr->width, fr->height, fr->format, fr->width, fr->height,
			     AV_PIX_FMT_RGBA, SWS_POINT, NULL, NULL, NULL);
	if (!img->rgba || !sws) {
		fail(err, errlen, path, "cannot convert its pixels");
		goto done;
	}
	uint8_t *dst[4] = {img->rgba, NULL, NULL, NULL};
	int dst_stride[4] = {img->w * 4, 0, 0, 0};
	sws_scale(sws, (const uint8_t *const *)fr->data, fr->linesize, 0, fr->height, dst, dst_stride);
	rc = 0;
done:
	if (rc)
		golden_release(img);
	sws_freeContext(sws);
	av_frame_free(&fr);
	avcodec_free_context(&ctx);
	av_packet_free(&pkt);
	return rc;
}

int golden_png(const golden_image *img, uint8_t **data, size_t *len)
{
	const AVCodec *enc = avcodec_find_encoder(AV_CODEC_ID_PNG);
	AVCodecContext *ctx = enc ? avcodec_alloc_context3(enc) : NULL;
	AVFrame *fr = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	int rc = -1;
	*data = NULL;
	if (!ctx || !fr || !pkt)
		goto done;
	ctx->width = img->w;
	ctx->height = img->h;
	ctx->pix_fmt = AV_PIX_FMT_RGBA;
	ctx->time_base = (AVRational){1, 1};
	if (avcodec_open2(ctx, enc, NULL) < 0)
		goto done;
	fr->width = img->w;
	fr->height = img->h;
	fr->format = AV_PIX_FMT_RGBA;
	if (av_frame_get_buffer(fr, 0) < 0)
		goto done;
	for (int y = 0; y < img->h; y++)
		memcpy(fr->data[0] + (size_t)y * fr->linesize[0], img->rgba + (size_t)y * img->w * 4,
		       (size_t)img->w * 4);
	if (avcodec_send_frame(ctx, fr) < 0 || avcodec_receive_packet(ctx, pkt) < 0)
		goto done;
	if ((*data = malloc((size_t)pkt->size))) {
		memcpy(*data, pkt->data, (size_t)pkt->size);
		*len = (size_t)pkt->size;
		rc = 0;
	}
done:
	av_packet_free(&pkt);
	av_frame_free(&fr);
	avcodec_free_context(&ctx);
	return rc;
}

int golden_write(const char *path, const golden_image *img, char *err, size_t errlen)
{
	uint8_t *data;
	size_t len;
	vidc_err e;
	if (golden_png(img, &data, &len))
		return fail(err, errlen, path, "cannot encode the PNG (out of memory?)");
	/* through a temp file: a failure leaves nothing at path, and its message names the cause
	 * (permission denied, the disk is full, no such folder) */
	int rc = file_write_atomic(path, data, len, &e);
	free(data);
	if (rc)
		snprintf(err, errlen, "golden: %s", e.msg);
	return rc ? -1 : 0;
}

void golden_release(golden_image *img)
{
	free(img->rgba);
	img->rgba = NULL;
}

double golden_psnr(const golden_image *a, const golden_image *b)
{
	double se = 0;
	size_t n = (size_t)a->w * a->h;
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < 3; c++) {
			double d = (double)a->rgba[i * 4 + c] - b->rgba[i * 4 + c];
			se += d * d;
		}
	if (se == 0)
		return INFINITY;
	double mse = se / ((double)n * 3);
	return 10 * log10(255.0 * 255.0 / mse);
}

int golden_diff(const golden_image *a, const golden_image *b, golden_image *out)
{
	out->w = a->w;
	out->h = a->h;
	out->rgba = malloc((size_t)a->w * a->h * 4);
	if (!out->rgba)
		return -1;
	size_t n = (size_t)a->w * a->h;
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < 3; c++) {
			int d = abs((int)a->rgba[i * 4 + c] - b->rgba[i * 4 + c]) * 8;
			out->rgba[i * 4 + c] = (uint8_t)(d > 255 ? 255 : d);
		}
		out->rgba[i * 4 + 3] = 255;
	}
	return 0;
}
