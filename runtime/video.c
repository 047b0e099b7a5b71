/*
 * video.c - the IR_VIDEO source: a clip decoded with libavformat/libavcodec, converted with
 * libswscale to premultiplied RGBA at the size it is drawn at (layer_need_scale), upright.
 *
 * Time mapping. Output frame f of a node active from f0 is at layer time t = (f - f0) / fps;
 * it shows clip time s = trim_in + t * speed. Past the trimmed end (trim_out, or the clip's
 * end) a looping clip wraps around (s = trim_in + (t * speed mod length)), a holding one stays
 * on its last frame. The picture is the source frame whose presentation interval
 * [pts_k, pts_k+1) contains s: 24 fps shown at 30 fps repeats every fourth source frame,
 * speed 2 skips every other one. The choice depends only on f and the file, so a frame
 * rendered alone (`vidc frame`) equals the same frame of a full render.
 *
 * Decoding. The decoder keeps two frames, the one shown and the next one (the read-ahead that
 * tells where the shown one ends). Later times decode forward; a time before the shown frame,
 * or more than SEEK_AHEAD seconds past it, seeks to the keyframe before it and decodes from
 * there. libavcodec's frame threads do the decoding work in parallel. A converted picture is
 * reused while the same source frame stays on screen (slow motion, 24 fps at 30 fps).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "../base/media.h"
#include "layer.h"
#include "rterr.h"
#include "source.h"

/* Presentation times closer than this are equal (seconds): absorbs the rounding of f / fps
 * against pts * time_base, far below any frame interval. */
#define TIME_EPS 1e-6
/* Where a holding or looping clip's last instant is taken: just before its end. */
#define END_EPS 1e-4
/* Beyond this distance ahead (seconds) seeking is cheaper than decoding everything between. */
#define SEEK_AHEAD 3.0

typedef struct {
	const char *src;
	AVFormatContext *fmt;
	AVCodecContext *dec;
	AVPacket *pkt;
	int si;
	double tb;         /* seconds per pts tick */
	int64_t start_pts; /* the stream's first timestamp; clip time 0 */
	double frame_dur;  /* nominal seconds per frame, for frames without timestamps */
	double seg_in, seg_len; /* the trimmed part of the clip, seconds */
	double clip_len;        /* the whole clip's length as the file declares it, seconds */
	int rot;                /* clockwise quarter turns that make the picture upright */
	int nat_w, nat_h;       /* display size: sample aspect ratio and rotation applied */
	int cw, ch;             /* conversion size before rotation */
	struct SwsContext *sws;
	surf_t *surf, *unrot; /* the shown picture; the conversion target when rotated */
	int64_t surf_key;     /* decode serial of the frame in surf, -1 none */
	/* decoder position */
	AVFrame *cur, *next; /* cur is shown for s in [cur_t, next_t) */
	double cur_t, next_t;
	int64_t cur_key, next_key, serial; /* serial numbers of decoded frames (for the cache) */
	int eof;          /* the decoder is drained: nothing after next (or cur) */
	int started;      /* something was decoded since the last seek or the open */
	double last_t;    /* time of the last decoded frame, for frames without a timestamp */
	double max_t;     /* latest frame time decoded so far (truncation check) */
	src_work *work, own; /* the graph's counters, or own when the caller keeps none */
} vid_state;

static void drop_frames(vid_state *st)
{
	av_frame_free(&st->cur);
	av_frame_free(&st->next);
	st->eof = 0;
	st->started = 0;
}

static void vid_free(vid_state *st)
{
	if (!st)
		return;
	drop_frames(st);
	sws_freeContext(st->sws);
	surf_free(st->surf);
	surf_free(st->unrot);
	av_packet_free(&st->pkt);
	avcodec_free_context(&st->dec);
	media_close(&st->fmt);
	free(st);
}

/* Decodes the next frame into *out (NULL and st->eof set at the end); its time and serial
 * go to st->next_t and st->next_key, as it always becomes st->next. */
static int decode_one(vid_state *st, AVFrame **out, char *cause, size_t len)
{
	*out = NULL;
	AVFrame *fr = av_frame_alloc();
	if (!fr) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	int damaged = 0;
	for (;;) {
		int ret = avcodec_receive_frame(st->dec, fr);
		if (ret == 0)
			break;
		if (ret == AVERROR_EOF) {
			st->eof = 1;
			av_frame_free(&fr);
			return 0;
		}
		/* a damaged picture is dropped, as players do, unless nothing but damage follows */
		if (ret == AVERROR_INVALIDDATA && ++damaged < 100)
			continue;
		if (ret != AVERROR(EAGAIN)) {
			av_frame_free(&fr);
			rterr_av(ret, cause, len);
			return VE_DECODE;
		}
		/* the decoder wants input */
		ret = av_read_frame(st->fmt, st->pkt);
		if (ret == AVERROR_EOF) {
			avcodec_send_packet(st->dec, NULL); /* drain */
			continue;
		}
		if (ret < 0) {
			av_frame_free(&fr);
			rterr_av(ret, cause, len);
			return ret == AVERROR(EIO) ? VE_IO : VE_DECODE;
		}
		if (st->pkt->stream_index == st->si) {
			ret = avcodec_send_packet(st->dec, st->pkt);
			/* damaged packets are concealed by the decoder; only unusable streams fail */
			if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_INVALIDDATA) {
				av_packet_unref(st->pkt);
				av_frame_free(&fr);
				rterr_av(ret, cause, len);
				return VE_DECODE;
			}
		}
		av_packet_unref(st->pkt);
	}
	if (fr->width <= 0 || fr->height <= 0) {
		av_frame_free(&fr);
		snprintf(cause, len, "a picture of size 0");
		return VE_DECODE;
	}
	int64_t ts = fr->best_effort_timestamp;
	double t = ts == AV_NOPTS_VALUE ? (st->started ? st->last_t + st->frame_dur : 0)
					: (double)(ts - st->start_pts) * st->tb;
	st->last_t = t;
	st->started = 1;
	if (t > st->max_t)
		st->max_t = t;
	*out = fr;
	st->next_t = t;
	st->next_key = st->serial++;
	st->work->decoded++;
	return 0;
}

static int seek_to(vid_state *st, double s, char *cause, size_t len)
{
	int64_t ts = s <= 0 ? st->start_pts : st->start_pts + (int64_t)floor(s / st->tb);
	st->work->seeks++;
	int ret = av_seek_frame(st->fmt, st->si, ts, AVSEEK_FLAG_BACKWARD);
	if (ret < 0 && s > 0)
		ret = av_seek_frame(st->fmt, st->si, st->start_pts, AVSEEK_FLAG_BACKWARD);
	if (ret < 0) {
		/* not seekable (a pipe-like format): reopen by seeking the byte stream to 0 */
		ret = avformat_seek_file(st->fmt, -1, INT64_MIN, 0, 0, AVSEEK_FLAG_BYTE);
		if (ret < 0) {
			rterr_av(ret, cause, len);
			return VE_DECODE;
		}
	}
	avcodec_flush_buffers(st->dec);
	drop_frames(st);
	return 0;
}

/* Positions the decoder so that st->cur is the frame shown at clip time s. */
static int position(vid_state *st, double s, char *cause, size_t len)
{
	int rc;
	if (!st->cur || st->cur_t > s + TIME_EPS || s - st->cur_t > SEEK_AHEAD) {
		/* nothing decoded yet and s near the start: just decode from where the file is */
		int fresh = !st->cur && !st->started && s < SEEK_AHEAD;
		if (!fresh && (rc = seek_to(st, s, cause, len)))
			return rc;
		for (int attempt = 0;; attempt++) {
			if (!st->next && !st->eof) {
				AVFrame *fr;
				if ((rc = decode_one(st, &fr, cause, len)))
					return rc;
				st->next = fr;
			}
			if (!st->next) {
				snprintf(cause, len, "no picture could be decoded");
				return VE_DECODE;
			}
			/* the first frame after a seek must not be later than s (a seek that landed
			 * past it, in a file without an index): start over from the beginning */
			if (st->next_t > s + TIME_EPS && s > 0 && attempt == 0 && !fresh) {
				if ((rc = seek_to(st, 0, cause, len)))
					return rc;
				continue;
			}
			break;
		}
		st->cur = st->next;
		st->cur_t = st->next_t;
		st->cur_key = st->next_key;
		st->next = NULL;
	}
	/* decode forward until the frame after cur starts later than s */
	for (;;) {
		if (!st->next && !st->eof) {
			AVFrame *fr;
			if ((rc = decode_one(st, &fr, cause, len)))
				return rc;
			st->next = fr;
		}
		if (!st->next || st->next_t > s + TIME_EPS)
			return 0;
		av_frame_free(&st->cur);
		st->cur = st->next;
		st->cur_t = st->next_t;
		st->cur_key = st->next_key;
		st->next = NULL;
	}
}

/* position(), and an error when the pictures stop well before the length the file declares
 * (a cut-off download or copy) rather than silently holding the last one. */
static int locate(vid_state *st, double s, char *cause, size_t len)
{
	int rc = position(st, s, cause, len);
	double want = fmin(st->clip_len, st->seg_in + st->seg_len), got = st->max_t + st->frame_dur;
	/* generous margins: declared lengths are a little off in many honest files */
	if (!rc && st->eof && !st->next && st->clip_len > 0 && got < 0.9 * want && want - got > 1.0) {
		snprintf(cause, len, "the pictures end at %.2fs of %.2fs (truncated file?)", got, st->clip_len);
		rc = VE_DECODE;
	}
	return rc;
}

/* Clip time for output frame f. */
static double clip_time(const vid_state *st, const ir_program *p, const ir_node *n, int64_t f)
{
	double t = (double)(f - n->f0) * p->fps_den / p->fps_num;
	if (t < 0)
		t = 0;
	double speed = n->u.video.speed > 0 ? n->u.video.speed : 1;
	double x = t * speed;
	if (x >= st->seg_len)
		x = n->u.video.loop ? fmod(x, st->seg_len) : st->seg_len;
	if (x > st->seg_len - END_EPS)
		x = fmax(0, st->seg_len - END_EPS);
	return st->seg_in + x;
}

static int sws_cs(int spc, int h)
{
	switch (spc) {
	case AVCOL_SPC_BT709: return SWS_CS_ITU709;
	case AVCOL_SPC_FCC: return SWS_CS_FCC;
	case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
	case AVCOL_SPC_BT2020_NCL:
	case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
	case AVCOL_SPC_BT470BG:
	case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
	default: return h >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601; /* what players assume */
	}
}

/* Converts st->cur into st->surf (skipped when it already holds that frame). */
static int convert(vid_state *st, char *cause, size_t len)
{
	if (st->surf_key == st->cur_key)
		return 0;
	const AVFrame *fr = st->cur;
	/* Area averaging when shrinking, bicubic otherwise; chroma interpolated at full horizontal
	 * resolution. Not SWS_ACCURATE_RND: it forces swscale's C path, 20x slower at 1080p (a
	 * third of a render's time) for a difference of one level in rare pixels. */
	int flags = (st->cw < fr->width || st->ch < fr->height ? SWS_AREA : SWS_BICUBIC) | SWS_FULL_CHR_H_INT;
	st->sws = sws_getCachedContext(st->sws, fr->width, fr->height, fr->format, st->cw, st->ch,
				       AV_PIX_FMT_RGBA, flags, NULL, NULL, NULL);
	if (!st->sws) {
		const char *name = av_get_pix_fmt_name(fr->format);
		snprintf(cause, len, "cannot convert pixel format %s", name ? name : "?");
		return VE_DECODE;
	}
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fr->format);
	if (d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components >= 3) {
		int full = fr->color_range == AVCOL_RANGE_JPEG || fr->format == AV_PIX_FMT_YUVJ420P ||
			   fr->format == AV_PIX_FMT_YUVJ422P || fr->format == AV_PIX_FMT_YUVJ444P;
		sws_setColorspaceDetails(st->sws, sws_getCoefficients(sws_cs(fr->colorspace, fr->height)), full,
					 sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
	}
	surf_t *t = st->rot ? st->unrot : st->surf;
	uint8_t *dst[4] = {(uint8_t *)t->px, NULL, NULL, NULL};
	int dst_stride[4] = {t->stride * 4, 0, 0, 0};
	if (sws_scale(st->sws, (const uint8_t *const *)fr->data, fr->linesize, 0, fr->height, dst,
		      dst_stride) <= 0) {
		snprintf(cause, len, "cannot convert the picture");
		return VE_DECODE;
	}
	if (d && (d->flags & AV_PIX_FMT_FLAG_ALPHA)) {
		/* swscale writes straight alpha; the runtime works premultiplied */
		surf_premultiply(t);
	}
	if (st->rot) {
		surf_t *o = st->surf;
		int W = t->w, H = t->h;
		for (int y = 0; y < o->h; y++) {
			uint32_t *row = o->px + (size_t)y * o->stride;
			for (int x = 0; x < o->w; x++) {
				int sx, sy;
				if (st->rot == 1) {
					sx = y;
					sy = H - 1 - x;
				} else if (st->rot == 2) {
					sx = W - 1 - x;
					sy = H - 1 - y;
				} else {
					sx = W - 1 - y;
					sy = x;
				}
				row[x] = t->px[(size_t)sy * t->stride + sx];
			}
		}
	}
	/* swscale writes alpha 255 for a format without alpha: such a picture hides what is under
	 * it, so a full-frame clip lets the scene skip its background (graph.c's layer_covers) */
	st->surf->opaque = !(d && (d->flags & AV_PIX_FMT_FLAG_ALPHA));
	st->surf_key = st->cur_key;
	return 0;
}

/* The clip's length as the file declares it (seconds from the stream's start), or -1. */
static double declared_length(const vid_state *st)
{
	const AVStream *s = st->fmt->streams[st->si];
	if (s->duration > 0 && s->duration != AV_NOPTS_VALUE)
		return (double)s->duration * st->tb;
	if (st->fmt->duration > 0 && st->fmt->duration != AV_NOPTS_VALUE) {
		double start = st->fmt->start_time != AV_NOPTS_VALUE ? st->fmt->start_time / (double)AV_TIME_BASE : 0;
		double own = (double)st->start_pts * st->tb;
		return st->fmt->duration / (double)AV_TIME_BASE - (own - start);
	}
	return -1;
}

/* Reads every packet's timestamps to find the clip's end (files that do not declare it). */
static double scan_length(vid_state *st)
{
	double end = -1;
	while (av_read_frame(st->fmt, st->pkt) >= 0) {
		if (st->pkt->stream_index == st->si && st->pkt->pts != AV_NOPTS_VALUE) {
			double e = (double)(st->pkt->pts - st->start_pts) * st->tb +
				   (st->pkt->duration > 0 ? st->pkt->duration * st->tb : st->frame_dur);
			if (e > end)
				end = e;
		}
		av_packet_unref(st->pkt);
	}
	return end;
}

static int open_clip(vid_state *st, const char *path, char *cause, size_t len)
{
	if (!(st->pkt = av_packet_alloc())) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	vidc_err e;
	int rc = media_open(&st->fmt, path, &e);
	if (rc)
		return err_copy(&e, cause, len);
	st->si = av_find_best_stream(st->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (st->si < 0) {
		snprintf(cause, len, "no video stream in the file");
		return VE_DECODE;
	}
	AVStream *s = st->fmt->streams[st->si];
	if (s->disposition & AV_DISPOSITION_ATTACHED_PIC) {
		snprintf(cause, len, "the file holds a still picture, not a video (use an image layer)");
		return VE_DECODE;
	}
	if ((rc = media_open_decoder(st->fmt, st->si, MEDIA_DEC_THREADS, &st->dec, &e)))
		return err_copy(&e, cause, len);
	int w = s->codecpar->width, h = s->codecpar->height;
	if (w <= 0 || h <= 0) { /* a text file is read as a "tty" stream of no size */
		snprintf(cause, len, "no picture size: the file is not a video (it reads as '%s')",
			 st->fmt->iformat && st->fmt->iformat->name ? st->fmt->iformat->name : "unknown");
		return VE_DECODE;
	}
	if (w > 16384 || h > 16384) {
		snprintf(cause, len, "unusable picture size %dx%d", w, h);
		return VE_DECODE;
	}
	st->tb = av_q2d(s->time_base);
	if (!(st->tb > 0)) {
		snprintf(cause, len, "no time base");
		return VE_DECODE;
	}
	st->start_pts = s->start_time != AV_NOPTS_VALUE ? s->start_time : 0;
	AVRational fr = s->avg_frame_rate.num > 0 ? s->avg_frame_rate : s->r_frame_rate;
	st->frame_dur = fr.num > 0 && fr.den > 0 ? av_q2d(av_inv_q(fr)) : 1 / 30.0;
	/* display size: non-square pixels stretched, then the rotation the file asks for */
	AVRational sar = s->sample_aspect_ratio.num > 0 ? s->sample_aspect_ratio : s->codecpar->sample_aspect_ratio;
	int dw = w;
	if (sar.num > 0 && sar.den > 0 && sar.num != sar.den)
		dw = (int)lrint(w * av_q2d(sar));
	if (dw < 1)
		dw = 1;
	size_t msize = 0;
	const int32_t *m = (const int32_t *)av_stream_get_side_data(s, AV_PKT_DATA_DISPLAYMATRIX, &msize);
	if (m && msize >= 9 * sizeof(int32_t)) {
		double ccw = av_display_rotation_get(m);
		if (!isnan(ccw))
			st->rot = ((int)lrint(-ccw / 90) % 4 + 4) % 4;
	}
	st->nat_w = st->rot & 1 ? h : dw;
	st->nat_h = st->rot & 1 ? dw : h;
	return 0;
}

static int video_prepare(const src_ctx *cx, const ir_node *n, void **state, char *err, size_t errlen)
{
	const ir_program *p = cx->p;
	const char *path = n->u.video.path && n->u.video.path[0] ? n->u.video.path : n->u.video.src;
	const char *src = n->u.video.src && n->u.video.src[0] ? n->u.video.src : path;
	if (!path || !path[0])
		return rterr_node(VE_INVAL, p, n, err, errlen, "video without a path");
	vid_state *st = calloc(1, sizeof *st);
	if (!st)
		return rterr_node(VE_NOMEM, p, n, err, errlen, "out of memory");
	st->src = src;
	st->surf_key = -1;
	st->work = cx->work ? cx->work : &st->own;
	char cause[256];
	int rc = open_clip(st, path, cause, sizeof cause);
	if (rc)
		goto fail;
	/* the trimmed segment */
	double len = declared_length(st);
	if (!(len > 0)) {
		len = scan_length(st);
		if ((rc = seek_to(st, 0, cause, sizeof cause)))
			goto fail;
	}
	st->clip_len = len;
	st->seg_in = n->u.video.trim_in > 0 ? n->u.video.trim_in : 0;
	double seg_end = len > 0 ? len : DBL_MAX;
	if (n->u.video.trim_out >= 0 && n->u.video.trim_out < seg_end)
		seg_end = n->u.video.trim_out;
	if (len > 0 && st->seg_in >= len) {
		rc = VE_INVAL;
		snprintf(cause, sizeof cause, "trim starts at %.3gs but the clip is %.3gs long", st->seg_in, len);
		goto fail;
	}
	st->seg_len = seg_end - st->seg_in;
	if (!(st->seg_len > 0) || st->seg_len == DBL_MAX) {
		/* no length anywhere: hold (looping needs a length) */
		st->seg_len = DBL_MAX / 4;
	}
	/* converted once per source frame at the largest size any layer draws the clip at */
	double need = layer_need_scale(p, n->id, st->nat_w, st->nat_h) * 1.05;
	double k = need >= 1 || !(need > 0) ? 1 : need;
	int tw = (int)ceil(st->nat_w * k - 1e-6), th = (int)ceil(st->nat_h * k - 1e-6);
	if (tw < 1)
		tw = 1;
	if (th < 1)
		th = 1;
	st->cw = st->rot & 1 ? th : tw;
	st->ch = st->rot & 1 ? tw : th;
	if (!(st->surf = surf_new(tw, th)) || (st->rot && !(st->unrot = surf_new(st->cw, st->ch)))) {
		rc = VE_NOMEM;
		snprintf(cause, sizeof cause, "out of memory for %dx%d pictures", tw, th);
		goto fail;
	}
	/* decode the first frame shown now, so a damaged file fails at once */
	if ((rc = locate(st, clip_time(st, p, n, n->f0 > 0 ? n->f0 : 0), cause, sizeof cause)) ||
	    (rc = convert(st, cause, sizeof cause)))
		goto fail;
	*state = st;
	return 0;
fail:
	vid_free(st);
	return rterr_node(rc, p, n, err, errlen, "cannot %s video '%s': %s",
			  rc == VE_IO || rc == VE_NOTFOUND || rc == VE_INVAL || rc == VE_DENIED ? "open" : "decode",
			  src, cause);
}

static int video_frame(const src_ctx *cx, const ir_node *n, void *state, int64_t f, src_view *v,
		       char *err, size_t errlen)
{
	vid_state *st = state;
	const ir_program *p = cx->p;
	double s = clip_time(st, p, n, f);
	char cause[256];
	int rc = locate(st, s, cause, sizeof cause);
	if (!rc)
		rc = convert(st, cause, sizeof cause);
	if (rc)
		return rterr_node(rc, p, n, err, errlen, "cannot decode video '%s' at %.2fs: %s", st->src, s, cause);
	src_view_whole(v, st->surf, st->nat_w, st->nat_h);
	return 0;
}

static void video_release(void *state)
{
	vid_free(state);
}

const src_ops video_source = {video_prepare, video_frame, video_release};
