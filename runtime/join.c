/*
 * join.c - split renders joined (join.h). The pieces' H.264 packets are copied in order, their
 * timestamps moved by the piece's first frame; the soundtrack is mixed and encoded once on its
 * own (join_soundtrack, an audio-only MP4 that pipeline/pieces.c may keep in its cache) and its
 * AAC packets are copied beside the video as the video advances, so the file interleaves as
 * finely as a single-pass render; the muxer is encode.c's (copy modes), so chapters, faststart
 * and the AAC settings are the same.
 */
#include "join.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../base/file.h"
#include "../base/media.h"
#include "audio.h"
#include "encode.h"
#include "render.h"
#include "rterr.h"

/* The soundtrack file's tags: what the mix measured, so a cached soundtrack reports it too. */
#define TAG_LOUDNESS "vidc_loudness"
#define TAG_TRUE_PEAK "vidc_true_peak"

typedef struct {
	const ir_program *p;
	const join_opts *o;
	enc_t *enc;
	AVFormatContext *st; /* the soundtrack */
	int ai;              /* its audio stream */
	AVPacket *apkt;      /* its next packet, not yet written (NULL at its end) */
	int64_t done;        /* frames copied */
	char cause[512];
} joiner;

/* Reads the soundtrack's next packet into j->apkt (freed at its end). */
static void next_audio(joiner *j)
{
	int ret;
	while ((ret = av_read_frame(j->st, j->apkt)) >= 0 && j->apkt->stream_index != j->ai)
		av_packet_unref(j->apkt);
	if (ret < 0)
		av_packet_free(&j->apkt);
}

/* Copies the soundtrack's packets that start before sample target (all of them for
 * INT64_MAX). */
static int audio_until(joiner *j, int64_t target)
{
	AVStream *as = j->st->streams[j->ai];
	while (j->apkt) {
		int64_t at = j->apkt->pts != AV_NOPTS_VALUE ? j->apkt->pts : j->apkt->dts;
		if (target != INT64_MAX && av_rescale_q(at, as->time_base, (AVRational){1, ENC_SAMPLE_RATE}) >= target)
			return 0;
		int rc = enc_audio_packet(j->enc, j->apkt, as->time_base.num, as->time_base.den, j->cause,
					  sizeof j->cause);
		av_packet_unref(j->apkt);
		if (rc)
			return rc;
		next_audio(j);
	}
	return 0;
}

static int video_index(AVFormatContext *fmt)
{
	return av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
}

/* Whether b's video stream can follow a's in one H.264 track: same codec, size and headers. */
static int same_stream(const AVCodecParameters *a, const AVCodecParameters *b)
{
	return a->codec_id == b->codec_id && a->width == b->width && a->height == b->height &&
	       a->format == b->format && a->extradata_size == b->extradata_size &&
	       (!a->extradata_size || !memcmp(a->extradata, b->extradata, (size_t)a->extradata_size));
}

/* Copies piece k's packets; fmt is open on it. */
static int copy_piece(joiner *j, int k, AVFormatContext *fmt, int vi, char *err, size_t errlen)
{
	const join_piece *pc = &j->o->pieces[k];
	const ir_program *p = j->p;
	AVStream *st = fmt->streams[vi];
	AVPacket *pkt = av_packet_alloc();
	if (!pkt)
		return rterr_node(RT_ENOMEM, p, NULL, err, errlen, "out of memory");
	int64_t n = 0;
	int rc = 0, ret;
	while (!rc && (ret = av_read_frame(fmt, pkt)) >= 0) {
		if (pkt->stream_index != vi) {
			av_packet_unref(pkt);
			continue;
		}
		if (n == 0 && !(pkt->flags & AV_PKT_FLAG_KEY))
			rc = rterr_node(RT_EINVAL, p, NULL, err, errlen,
					"piece '%s' does not start on a keyframe", pc->path);
		if (j->o->cancel && *j->o->cancel)
			rc = rterr_node(RT_ECANCELED, p, NULL, err, errlen, "join cancelled");
		/* the audio up to the end of this packet's frame (in decoding order, so never past
		 * what has been shown), then the frame */
		int64_t dts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
		int64_t f = pc->first + av_rescale_q(dts, st->time_base, (AVRational){p->fps_den, p->fps_num});
		if (!rc && (rc = audio_until(j, aud_samples_for(p, f + 1 > 0 ? f + 1 : 0))))
			rterr_node(rc, p, NULL, err, errlen, "cannot encode '%s': %s", j->o->output, j->cause);
		if (!rc && (rc = enc_video_packet(j->enc, pkt, st->time_base.num, st->time_base.den, pc->first,
						  j->cause, sizeof j->cause)))
			rterr_node(rc, p, NULL, err, errlen, "cannot write '%s': %s", j->o->output, j->cause);
		av_packet_unref(pkt);
		n++;
		j->done++;
		if (!rc && j->o->on_progress)
			j->o->on_progress(j->o->progress_ud, j->done, p->frames);
	}
	av_packet_free(&pkt);
	if (!rc && n != pc->nframes)
		rc = rterr_node(RT_EINVAL, p, NULL, err, errlen,
				"piece '%s' holds %lld frames, its place in the video [%lld, %lld) needs %lld",
				pc->path, (long long)n, (long long)pc->first, (long long)(pc->first + pc->nframes),
				(long long)pc->nframes);
	return rc;
}

static int open_piece(const ir_program *p, const char *path, AVFormatContext **fmt, int *vi, char *err,
		      size_t errlen)
{
	vidc_err e = {0};
	if (media_open(fmt, path, &e))
		return rterr_node(RT_EIO, p, NULL, err, errlen, "cannot read piece '%s': %s", path, e.msg);
	if ((*vi = video_index(*fmt)) < 0) {
		media_close(fmt);
		return rterr_node(RT_EINVAL, p, NULL, err, errlen, "piece '%s' has no video stream", path);
	}
	const AVCodecParameters *cp = (*fmt)->streams[*vi]->codecpar;
	if (cp->codec_id != AV_CODEC_ID_H264 || cp->width != p->width || cp->height != p->height) {
		media_close(fmt);
		return rterr_node(RT_EINVAL, p, NULL, err, errlen,
				  "piece '%s' is not H.264 at %dx%d, the video's size", path, p->width, p->height);
	}
	return 0;
}

/* The pieces must tile the video: in order, contiguous, from frame 0 to the last. */
static int check_tiling(const ir_program *p, const join_opts *o, char *err, size_t errlen)
{
	int64_t at = 0;
	for (int k = 0; k < o->npieces; k++) {
		const join_piece *pc = &o->pieces[k];
		if (pc->first != at || pc->nframes <= 0)
			return rterr_node(RT_EINVAL, p, NULL, err, errlen,
					  "piece '%s' covers frames [%lld, %lld), the next piece must start at %lld",
					  pc->path, (long long)pc->first, (long long)(pc->first + pc->nframes),
					  (long long)at);
		at += pc->nframes;
	}
	if (at != p->frames)
		return rterr_node(RT_EINVAL, p, NULL, err, errlen,
				  "the pieces end at frame %lld, the video has %lld frames (a piece is missing)",
				  (long long)at, (long long)p->frames);
	return 0;
}

/* Copies every piece into j->enc after piece 0 (open in first). */
static int copy_all(joiner *j, AVFormatContext *first, int first_vi, char *err, size_t errlen)
{
	const AVCodecParameters *ref = first->streams[first_vi]->codecpar;
	int rc = 0;
	for (int k = 0; k < j->o->npieces && !rc; k++) {
		AVFormatContext *fmt = first;
		int vi = first_vi;
		if (k > 0 && (rc = open_piece(j->p, j->o->pieces[k].path, &fmt, &vi, err, errlen)))
			break;
		if (k > 0 && !same_stream(ref, fmt->streams[vi]->codecpar))
			rc = rterr_node(RT_EINVAL, j->p, NULL, err, errlen,
					"piece '%s' was encoded with other settings than '%s' (render every piece "
					"of a video with the same vidc and options)",
					j->o->pieces[k].path, j->o->pieces[0].path);
		if (!rc)
			rc = copy_piece(j, k, fmt, vi, err, errlen);
		if (k > 0)
			media_close(&fmt);
	}
	return rc;
}

void join_soundtrack_settings(char *out, size_t n)
{
	snprintf(out, n, "aac-lc rate=%d channels=2 bitrate=%d %s %s", ENC_SAMPLE_RATE, ENC_AUDIO_BITRATE,
		 LIBAVCODEC_IDENT, LIBAVFORMAT_IDENT);
}

/* The mix of p into the open encoder, measured. */
static int mix_into(const ir_program *p, enc_t *enc, volatile int *cancel, double *lufs, double *peak, char *err,
		    size_t errlen)
{
	aud_mix_t *mix = NULL;
	aud_meter_t *meter = aud_meter_new();
	char cause[512];
	int64_t done = 0, total = aud_samples_for(p, p->frames);
	int rc = meter ? aud_open(&mix, p, 0, cancel, err, errlen)
		       : rterr_node(RT_ENOMEM, p, NULL, err, errlen, "out of memory");
	/* a second at a time, so a cancel is seen while a long soundtrack is encoded */
	while (!rc && done < total) {
		int64_t next = done + ENC_SAMPLE_RATE < total ? done + ENC_SAMPLE_RATE : total;
		if (cancel && *cancel)
			rc = rterr_node(RT_ECANCELED, p, NULL, err, errlen, "join cancelled");
		else if ((rc = aud_encode_until(mix, meter, enc, &done, next, cause, sizeof cause)))
			rterr_node(rc, p, NULL, err, errlen, "cannot encode the soundtrack: %s", cause);
	}
	if (!rc) {
		*lufs = aud_meter_loudness(meter);
		*peak = aud_meter_true_peak(meter);
	}
	aud_free(mix);
	aud_meter_free(meter);
	return rc;
}

int join_soundtrack(const ir_program *p, const char *path, volatile int *cancel, double *loudness, double *true_peak,
		    char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	vidc_err e = {0};
	char tmp[4096], cause[512], lufs[64], peak[64];
	if (file_out_check(path, &e) || file_tmp_name(path, tmp, sizeof tmp, &e))
		return rterr_node(RT_EIO, p, NULL, err, errlen, "%s", e.msg);
	static const char *const tags[] = {"vidc_soundtrack", "1", NULL};
	enc_params ep = {.path = tmp, .no_video = 1, .tags = tags};
	enc_t *enc = NULL;
	double l = -INFINITY, tp = -INFINITY;
	int rc = enc_open(&enc, &ep, cause, sizeof cause);
	if (rc)
		rterr_node(rc, p, NULL, err, errlen, "cannot write the soundtrack '%s': %s", path, cause);
	if (!rc)
		rc = mix_into(p, enc, cancel, &l, &tp, err, errlen);
	/* the figures go into the moov atom, which enc_finish writes last */
	snprintf(lufs, sizeof lufs, "%.17g", l);
	snprintf(peak, sizeof peak, "%.17g", tp);
	if (!rc && ((rc = enc_tag(enc, TAG_LOUDNESS, lufs, cause, sizeof cause)) ||
		    (rc = enc_tag(enc, TAG_TRUE_PEAK, peak, cause, sizeof cause)) ||
		    (rc = enc_finish(enc, cause, sizeof cause))))
		rterr_node(rc, p, NULL, err, errlen, "cannot write the soundtrack '%s': %s", path, cause);
	enc_free(enc);
	if (!rc && file_commit(tmp, path, &e))
		return rterr_node(RT_EIO, p, NULL, err, errlen, "%s", e.msg);
	if (rc) {
		file_discard(tmp);
		return rc;
	}
	if (loudness)
		*loudness = l;
	if (true_peak)
		*true_peak = tp;
	return 0;
}

/* Checks that fmt is a soundtrack of vidc (its AAC stream's index, else -1) and reads its figures. */
static int soundtrack_stream(AVFormatContext *fmt, double *loudness, double *true_peak)
{
	int ai = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
	const AVCodecParameters *cp = ai >= 0 ? fmt->streams[ai]->codecpar : NULL;
	const AVDictionaryEntry *l = av_dict_get(fmt->metadata, TAG_LOUDNESS, NULL, 0);
	const AVDictionaryEntry *tp = av_dict_get(fmt->metadata, TAG_TRUE_PEAK, NULL, 0);
	if (!cp || cp->codec_id != AV_CODEC_ID_AAC || cp->sample_rate != ENC_SAMPLE_RATE || !l || !tp)
		return -1;
	if (loudness)
		*loudness = strtod(l->value, NULL);
	if (true_peak)
		*true_peak = strtod(tp->value, NULL);
	return ai;
}

#define NOT_A_SOUNDTRACK "'%s' is not a soundtrack of vidc (AAC at %d Hz with its loudness)"

int join_soundtrack_figures(const char *path, double *loudness, double *true_peak, char *err, size_t errlen)
{
	vidc_err e = {0};
	AVFormatContext *fmt = NULL;
	if (media_open(&fmt, path, &e)) {
		snprintf(err, errlen, "cannot read the soundtrack '%s': %s", path, e.msg);
		return RT_EIO;
	}
	int ai = soundtrack_stream(fmt, loudness, true_peak);
	media_close(&fmt);
	if (ai < 0) {
		snprintf(err, errlen, NOT_A_SOUNDTRACK, path, ENC_SAMPLE_RATE);
		return RT_EINVAL;
	}
	return 0;
}

/* Opens the soundtrack at path: its AAC stream, the first packet read, the mix's figures. */
static int open_soundtrack(joiner *j, const char *path, char *err, size_t errlen)
{
	vidc_err e = {0};
	const ir_program *p = j->p;
	if (media_open(&j->st, path, &e))
		return rterr_node(RT_EIO, p, NULL, err, errlen, "cannot read the soundtrack '%s': %s", path, e.msg);
	if ((j->ai = soundtrack_stream(j->st, j->o->loudness, j->o->true_peak)) < 0)
		return rterr_node(RT_EINVAL, p, NULL, err, errlen, NOT_A_SOUNDTRACK, path, ENC_SAMPLE_RATE);
	for (unsigned i = 0; i < j->st->nb_streams; i++)
		if ((int)i != j->ai)
			j->st->streams[i]->discard = AVDISCARD_ALL;
	if (!(j->apkt = av_packet_alloc()))
		return rterr_node(RT_ENOMEM, p, NULL, err, errlen, "out of memory");
	next_audio(j);
	return 0;
}

/* The pieces and the soundtrack at track into tmp. */
static int join_into(joiner *j, const char *tmp, const char *track, char *err, size_t errlen)
{
	const ir_program *p = j->p;
	const join_opts *o = j->o;
	AVFormatContext *first = NULL;
	int vi, rc;
	if ((rc = open_piece(p, o->pieces[0].path, &first, &vi, err, errlen)))
		return rc;
	if ((rc = open_soundtrack(j, track, err, errlen)))
		goto out;
	enc_params ep = {.path = tmp, .width = p->width, .height = p->height, .fps_num = p->fps_num,
			 .fps_den = p->fps_den, .chapters = p->chapters, .nchapters = p->nchapters,
			 .duration = ir_frame_time(p, p->frames), .copy_video = first->streams[vi]->codecpar,
			 .copy_audio = j->st->streams[j->ai]->codecpar};
	if ((rc = enc_open(&j->enc, &ep, j->cause, sizeof j->cause))) {
		rterr_node(rc, p, NULL, err, errlen, "cannot write '%s': %s", o->output, j->cause);
		goto out;
	}
	if (!(rc = copy_all(j, first, vi, err, errlen)) && (rc = audio_until(j, INT64_MAX)))
		rterr_node(rc, p, NULL, err, errlen, "cannot write '%s': %s", o->output, j->cause);
	if (!rc && (rc = enc_finish(j->enc, j->cause, sizeof j->cause)))
		rterr_node(rc, p, NULL, err, errlen, "cannot write '%s': %s", o->output, j->cause);
	struct stat sb;
	if (!rc && p->max_bytes > 0 && stat(tmp, &sb) == 0 && sb.st_size > p->max_bytes)
		rc = rterr_node(RT_EINVAL, p, NULL, err, errlen,
				"the joined video is %lld bytes, over preset %s's budget of %lld",
				(long long)sb.st_size, p->preset ? p->preset : "?", (long long)p->max_bytes);
out:
	enc_free(j->enc);
	av_packet_free(&j->apkt);
	media_close(&j->st);
	media_close(&first);
	return rc;
}

int join_run(const ir_program *p, const join_opts *o, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	int rc = check_tiling(p, o, err, errlen);
	if (rc)
		return rc;
	vidc_err e = {0};
	char tmp[4096], own[4200], track[4096] = "";
	if (file_out_check(o->output, &e) || file_tmp_name(o->output, tmp, sizeof tmp, &e))
		return rterr_node(RT_EIO, p, NULL, err, errlen, "%s", e.msg);
	if (!o->soundtrack) { /* mixed here, beside the output, and removed after */
		snprintf(own, sizeof own, "%s.soundtrack.mp4", o->output);
		if (file_tmp_name(own, track, sizeof track, &e))
			return rterr_node(RT_EIO, p, NULL, err, errlen, "%s", e.msg);
		rc = join_soundtrack(p, track, o->cancel, NULL, NULL, err, errlen);
	}
	joiner j = {.p = p, .o = o};
	if (!rc)
		rc = join_into(&j, tmp, o->soundtrack ? o->soundtrack : track, err, errlen);
	if (track[0])
		unlink(track);
	if (rc) {
		file_discard(tmp);
		return rc;
	}
	if (file_commit(tmp, o->output, &e))
		return rterr_node(RT_EIO, p, NULL, err, errlen, "%s", e.msg);
	return 0;
}

int join_probe(const char *path, join_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	vidc_err e = {0};
	AVFormatContext *fmt = NULL;
	if (media_open(&fmt, path, &e)) {
		snprintf(err, errlen, "cannot read piece '%s': %s", path, e.msg);
		return e.code ? e.code : RT_EIO;
	}
	int vi = video_index(fmt);
	if (vi < 0) {
		media_close(&fmt);
		snprintf(err, errlen, "'%s' has no video stream", path);
		return RT_EINVAL;
	}
	const AVDictionaryEntry *t = av_dict_get(fmt->metadata, "vidc_piece", NULL, 0);
	snprintf(info->tag, sizeof info->tag, "%s", t ? t->value : "");
	t = av_dict_get(fmt->metadata, "vidc_cache", NULL, 0);
	info->cached = t && !strcmp(t->value, "1");
	info->width = fmt->streams[vi]->codecpar->width;
	info->height = fmt->streams[vi]->codecpar->height;
	/* counted from the index, not trusted from the header's nb_frames */
	int entries = avformat_index_get_entries_count(fmt->streams[vi]);
	info->frames = entries > 0 ? entries : fmt->streams[vi]->nb_frames;
	media_close(&fmt);
	return 0;
}

int join_retag(const char *in, const char *out, const char *const *tags, char *err, size_t errlen)
{
	vidc_err e = {0};
	AVFormatContext *fmt = NULL;
	char tmp[4096];
	if (file_out_check(out, &e) || file_tmp_name(out, tmp, sizeof tmp, &e)) {
		snprintf(err, errlen, "%s", e.msg);
		return e.code ? e.code : RT_EIO;
	}
	if (media_open(&fmt, in, &e)) {
		snprintf(err, errlen, "cannot read piece '%s': %s", in, e.msg);
		return RT_EIO;
	}
	int vi = video_index(fmt), rc = 0, ret;
	AVStream *st = vi >= 0 ? fmt->streams[vi] : NULL;
	AVRational fr = st ? av_guess_frame_rate(fmt, st, NULL) : (AVRational){0, 1};
	enc_params ep = {.path = tmp, .no_audio = 1, .tags = tags, .fps_num = fr.num, .fps_den = fr.den};
	enc_t *enc = NULL;
	AVPacket *pkt = av_packet_alloc();
	char cause[512] = "";
	if (!st || fr.num <= 0 || !pkt) {
		snprintf(err, errlen, "piece '%s' has no video stream", in);
		rc = RT_EINVAL;
		goto out;
	}
	ep.width = st->codecpar->width;
	ep.height = st->codecpar->height;
	ep.copy_video = st->codecpar;
	if ((rc = enc_open(&enc, &ep, cause, sizeof cause)))
		goto fail;
	while (!rc && (ret = av_read_frame(fmt, pkt)) >= 0) {
		if (pkt->stream_index == vi)
			rc = enc_video_packet(enc, pkt, st->time_base.num, st->time_base.den, 0, cause, sizeof cause);
		av_packet_unref(pkt);
	}
	if (!rc)
		rc = enc_finish(enc, cause, sizeof cause);
fail:
	if (rc)
		snprintf(err, errlen, "cannot write '%s': %s", out, cause);
out:
	av_packet_free(&pkt);
	enc_free(enc);
	media_close(&fmt);
	if (rc) {
		file_discard(tmp);
		return rc;
	}
	if (file_commit(tmp, out, &e)) {
		snprintf(err, errlen, "%s", e.msg);
		return RT_EIO;
	}
	return 0;
}
