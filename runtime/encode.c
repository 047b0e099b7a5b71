/*
 * encode.c - H.264/AAC in MP4 through libavcodec/libavformat, and PNG (see encode.h).
 *
 * Colour: the canvas holds sRGB-encoded full-range RGB. The encoder receives BT.709 Y'CbCr in
 * limited ("TV", 16-235/16-240) range, converted here in 1.15 fixed point with the 2x2 chroma
 * average folded in, and the stream is tagged BT.709 primaries/transfer/matrix and limited
 * range, so players decode exactly what was composed.
 */
#include "encode.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(VIDC_NO_AVX2)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1 /* compiled for AVX2 with a target attribute, chosen at run time */
#endif

#include "../base/media.h"
#include "../base/platform.h"
#include "rterr.h"
#include "simd.h"

struct enc {
	AVFormatContext *oc;
	AVCodecContext *vc, *ac;
	AVStream *vs, *as;
	AVFrame *vf, *af;
	AVPacket *pkt;
	int64_t vpts, apts;
	int afill; /* samples in af so far */
	int fps_num, fps_den; /* copy_video mode: the frame rate the offsets count in */
	int header, opened_io;
	/* The peak checked on the packets instead of x264's VBV (enc_peak_checked): the
	 * buffer of a decoder reading at maxrate, in bits (what it gains a frame, its size, its
	 * fill), and whether it ran dry. */
	double peak_step, peak_buf, peak_fill;
	int over_peak;
};

/* BT.709 limited-range coefficients, 1.15 */
typedef struct {
	int yr, yg, yb, ur, ug, ub, vr, vg, vb;
} yuv_coeffs;

static int fail(int code, char *cause, size_t len, const char *what, int averr)
{
	vidc_err e;
	if (averr) /* base/media's causes: ENOSPC says "the disk is full" */
		snprintf(cause, len, "%s: %s", what, (media_err(&e, code, averr), e.msg));
	else
		snprintf(cause, len, "%s", what);
	return code;
}

/* Coefficients in 1.15 fixed point (they fit a signed 16-bit lane, which the vector code's
 * pairwise multiply-add needs); the green ones absorb the rounding so that every grey maps to
 * chroma 128 exactly. */
static void init_coeffs(yuv_coeffs *e)
{
	const double kr = 0.2126, kb = 0.0722, kg = 1 - kr - kb;
	const double ys = 219.0 / 255 * 32768, cs = 224.0 / 255 * 32768;
	e->yr = (int)lrint(kr * ys);
	e->yg = (int)lrint(kg * ys);
	e->yb = (int)lrint(kb * ys);
	e->ur = (int)lrint(-kr / (2 * (1 - kb)) * cs);
	e->ub = (int)lrint(0.5 * cs);
	e->ug = -e->ur - e->ub;
	e->vr = (int)lrint(0.5 * cs);
	e->vb = (int)lrint(-kb / (2 * (1 - kr)) * cs);
	e->vg = -e->vr - e->vb;
}

static inline uint8_t clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

#define Y_ADD ((16 << 15) + (1 << 14))      /* offset and rounding of luma, 1.15 */
#define C_ADD ((128 << 17) + (1 << 16))     /* of chroma from a 2x2 sum (4x), 1.17 */

#if defined(__SSE2__)
/* Sum of each pixel's two 32-bit halves of a pairwise multiply-add: four results from a
 * (pixels 0, 1) and b (pixels 2, 3). */
static inline __m128i hsum_pairs(__m128i a, __m128i b)
{
	__m128 fa = _mm_castsi128_ps(a), fb = _mm_castsi128_ps(b);
	return _mm_add_epi32(_mm_castps_si128(_mm_shuffle_ps(fa, fb, _MM_SHUFFLE(2, 0, 2, 0))),
			     _mm_castps_si128(_mm_shuffle_ps(fa, fb, _MM_SHUFFLE(3, 1, 3, 1))));
}

/* Luma of 4 RGBA pixels as 32-bit lanes */
static inline __m128i luma4(__m128i p, __m128i cy)
{
	const __m128i z = _mm_setzero_si128();
	__m128i s = hsum_pairs(_mm_madd_epi16(_mm_unpacklo_epi8(p, z), cy),
			       _mm_madd_epi16(_mm_unpackhi_epi8(p, z), cy));
	return _mm_srai_epi32(_mm_add_epi32(s, _mm_set1_epi32(Y_ADD)), 15);
}

/* 16-bit channel sums of the 2x2 blocks of 4 columns of two rows: blocks 0 and 1 */
static inline __m128i block_sums(__m128i a, __m128i b)
{
	const __m128i z = _mm_setzero_si128();
	__m128i l = _mm_add_epi16(_mm_unpacklo_epi8(a, z), _mm_unpacklo_epi8(b, z));
	__m128i h = _mm_add_epi16(_mm_unpackhi_epi8(a, z), _mm_unpackhi_epi8(b, z));
	l = _mm_add_epi16(l, _mm_srli_si128(l, 8));
	h = _mm_add_epi16(h, _mm_srli_si128(h, 8));
	return _mm_unpacklo_epi64(l, h);
}

static inline __m128i chroma4(__m128i b01, __m128i b23, __m128i c)
{
	__m128i s = hsum_pairs(_mm_madd_epi16(b01, c), _mm_madd_epi16(b23, c));
	return _mm_srai_epi32(_mm_add_epi32(s, _mm_set1_epi32(C_ADD)), 17);
}
#endif

#if defined(HAVE_AVX2_PATH)
/* The same as the SSE2 helpers, on 256 bits. AVX2 works in two 128-bit halves, so results come
 * out per half and are put back in order with a cross-lane permute. */
#define AVX2_FN __attribute__((target("avx2"))) static inline
AVX2_FN __m256i hsum_pairs8(__m256i a, __m256i b)
{
	__m256 fa = _mm256_castsi256_ps(a), fb = _mm256_castsi256_ps(b);
	return _mm256_add_epi32(_mm256_castps_si256(_mm256_shuffle_ps(fa, fb, _MM_SHUFFLE(2, 0, 2, 0))),
				_mm256_castps_si256(_mm256_shuffle_ps(fa, fb, _MM_SHUFFLE(3, 1, 3, 1))));
}

/* luma of 8 pixels, in order */
AVX2_FN __m256i luma8(__m256i p, __m256i cy)
{
	const __m256i z = _mm256_setzero_si256();
	__m256i s = hsum_pairs8(_mm256_madd_epi16(_mm256_unpacklo_epi8(p, z), cy),
				_mm256_madd_epi16(_mm256_unpackhi_epi8(p, z), cy));
	return _mm256_srai_epi32(_mm256_add_epi32(s, _mm256_set1_epi32(Y_ADD)), 15);
}

/* 2x2 block sums of 8 columns: blocks 0, 1 | 2, 3 */
AVX2_FN __m256i block_sums8(__m256i a, __m256i b)
{
	const __m256i z = _mm256_setzero_si256();
	__m256i l = _mm256_add_epi16(_mm256_unpacklo_epi8(a, z), _mm256_unpacklo_epi8(b, z));
	__m256i h = _mm256_add_epi16(_mm256_unpackhi_epi8(a, z), _mm256_unpackhi_epi8(b, z));
	l = _mm256_add_epi16(l, _mm256_srli_si256(l, 8));
	h = _mm256_add_epi16(h, _mm256_srli_si256(h, 8));
	return _mm256_unpacklo_epi64(l, h);
}

/* chroma of blocks 0..7 (s0: 0-3, s1: 4-7), in order */
AVX2_FN __m256i chroma8(__m256i s0, __m256i s1, __m256i c)
{
	__m256i s = hsum_pairs8(_mm256_madd_epi16(s0, c), _mm256_madd_epi16(s1, c));
	s = _mm256_srai_epi32(_mm256_add_epi32(s, _mm256_set1_epi32(C_ADD)), 17);
	return _mm256_permutevar8x32_epi32(s, _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7));
}

/* rgb_to_yuv's vector loop for one pair of rows, 16 pixels at a time; returns how many it did */
__attribute__((target("avx2"))) static int yuv_rows_avx2(const yuv_coeffs *e, const uint32_t *r0,
							 const uint32_t *r1, uint8_t *y0, uint8_t *y1,
							 uint8_t *u, uint8_t *v, int W)
{
	const __m256i cy = _mm256_setr_epi16(
		(short)e->yr, (short)e->yg, (short)e->yb, 0, (short)e->yr, (short)e->yg, (short)e->yb, 0,
		(short)e->yr, (short)e->yg, (short)e->yb, 0, (short)e->yr, (short)e->yg, (short)e->yb, 0);
	const __m256i cu = _mm256_setr_epi16(
		(short)e->ur, (short)e->ug, (short)e->ub, 0, (short)e->ur, (short)e->ug, (short)e->ub, 0,
		(short)e->ur, (short)e->ug, (short)e->ub, 0, (short)e->ur, (short)e->ug, (short)e->ub, 0);
	const __m256i cv = _mm256_setr_epi16(
		(short)e->vr, (short)e->vg, (short)e->vb, 0, (short)e->vr, (short)e->vg, (short)e->vb, 0,
		(short)e->vr, (short)e->vg, (short)e->vb, 0, (short)e->vr, (short)e->vg, (short)e->vb, 0);
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	int x = 0;
	for (; x + 16 <= W; x += 16) {
		__m256i a0 = _mm256_loadu_si256((const __m256i *)(r0 + x));
		__m256i a1 = _mm256_loadu_si256((const __m256i *)(r0 + x + 8));
		__m256i b0 = _mm256_loadu_si256((const __m256i *)(r1 + x));
		__m256i b1 = _mm256_loadu_si256((const __m256i *)(r1 + x + 8));
		__m256i ya = _mm256_packs_epi32(luma8(a0, cy), luma8(a1, cy));
		__m256i yb = _mm256_packs_epi32(luma8(b0, cy), luma8(b1, cy));
		__m256i yy = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(ya, yb), order);
		_mm_storeu_si128((__m128i *)(y0 + x), _mm256_castsi256_si128(yy));
		_mm_storeu_si128((__m128i *)(y1 + x), _mm256_extracti128_si256(yy, 1));
		__m256i s0 = block_sums8(a0, b0), s1 = block_sums8(a1, b1);
		__m256i uv = _mm256_packs_epi32(chroma8(s0, s1, cu), chroma8(s0, s1, cv));
		uv = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(uv, uv), order);
		__m128i l = _mm256_castsi256_si128(uv);
		_mm_storel_epi64((__m128i *)(u + x / 2), l);
		_mm_storel_epi64((__m128i *)(v + x / 2), _mm_srli_si128(l, 8));
	}
	return x;
}
#endif

/* RGBA (alpha ignored: the canvas is opaque) -> yuv420p limited range, chroma from the
 * average of each 2x2 block. The vector loops do the scalar arithmetic exactly. */
void enc_rgb_to_yuv_at(int level, const surf_t *s, uint8_t *const data[3], const int linesize[3])
{
	yuv_coeffs k, *e = &k;
	init_coeffs(e); /* nine lrint() per frame: cheaper than sharing them */
	int W = s->w & ~1, H = s->h & ~1;
	for (int y = 0; y < H; y += 2) {
		const uint32_t *r0 = s->px + (size_t)y * s->stride, *r1 = r0 + s->stride;
		uint8_t *y0 = data[0] + (size_t)y * linesize[0], *y1 = y0 + linesize[0];
		uint8_t *u = data[1] + (size_t)(y / 2) * linesize[1];
		uint8_t *v = data[2] + (size_t)(y / 2) * linesize[2];
		int x = 0;
#if defined(HAVE_AVX2_PATH)
		if (level >= SIMD_AVX2)
			x = yuv_rows_avx2(e, r0, r1, y0, y1, u, v, W);
#endif
#if defined(__SSE2__)
		const __m128i cy = _mm_setr_epi16((short)e->yr, (short)e->yg, (short)e->yb, 0,
						  (short)e->yr, (short)e->yg, (short)e->yb, 0);
		const __m128i cu = _mm_setr_epi16((short)e->ur, (short)e->ug, (short)e->ub, 0,
						  (short)e->ur, (short)e->ug, (short)e->ub, 0);
		const __m128i cv = _mm_setr_epi16((short)e->vr, (short)e->vg, (short)e->vb, 0,
						  (short)e->vr, (short)e->vg, (short)e->vb, 0);
		for (; level >= SIMD_SSE2 && x + 8 <= W; x += 8) {
			__m128i a0 = _mm_loadu_si128((const __m128i *)(r0 + x));
			__m128i a1 = _mm_loadu_si128((const __m128i *)(r0 + x + 4));
			__m128i b0 = _mm_loadu_si128((const __m128i *)(r1 + x));
			__m128i b1 = _mm_loadu_si128((const __m128i *)(r1 + x + 4));
			__m128i ya = _mm_packs_epi32(luma4(a0, cy), luma4(a1, cy));
			__m128i yb = _mm_packs_epi32(luma4(b0, cy), luma4(b1, cy));
			__m128i yy = _mm_packus_epi16(ya, yb);
			_mm_storel_epi64((__m128i *)(y0 + x), yy);
			_mm_storel_epi64((__m128i *)(y1 + x), _mm_srli_si128(yy, 8));
			__m128i s01 = block_sums(a0, b0), s23 = block_sums(a1, b1);
			__m128i uv = _mm_packs_epi32(chroma4(s01, s23, cu), chroma4(s01, s23, cv));
			uv = _mm_packus_epi16(uv, uv);
			uint32_t uw = (uint32_t)_mm_cvtsi128_si32(uv);
			uint32_t vw = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(uv, 4));
			memcpy(u + x / 2, &uw, 4);
			memcpy(v + x / 2, &vw, 4);
		}
#endif
		for (; x < W; x += 2) {
			uint32_t a = r0[x], b = r0[x + 1], c = r1[x], d = r1[x + 1];
			int ra = a & 255, ga = a >> 8 & 255, ba = a >> 16 & 255;
			int rb = b & 255, gb = b >> 8 & 255, bb = b >> 16 & 255;
			int rc = c & 255, gc = c >> 8 & 255, bc = c >> 16 & 255;
			int rd = d & 255, gd = d >> 8 & 255, bd = d >> 16 & 255;
			y0[x] = clamp8((e->yr * ra + e->yg * ga + e->yb * ba + Y_ADD) >> 15);
			y0[x + 1] = clamp8((e->yr * rb + e->yg * gb + e->yb * bb + Y_ADD) >> 15);
			y1[x] = clamp8((e->yr * rc + e->yg * gc + e->yb * bc + Y_ADD) >> 15);
			y1[x + 1] = clamp8((e->yr * rd + e->yg * gd + e->yb * bd + Y_ADD) >> 15);
			int R = ra + rb + rc + rd, G = ga + gb + gc + gd, B = ba + bb + bc + bd;
			u[x / 2] = clamp8((e->ur * R + e->ug * G + e->ub * B + C_ADD) >> 17);
			v[x / 2] = clamp8((e->vr * R + e->vg * G + e->vb * B + C_ADD) >> 17);
		}
	}
}

/* The peak rate a frame of this size may take: without a budget the cap only guards against
 * pathological content. */
static double peak_rate(int width, int height)
{
	return (double)width * height >= 1920.0 * 1080 ? 25e6 : 12e6;
}

/* The audio track at its nominal rate (AAC may run slightly over, hence the 1.1). */
#define AUDIO_RATE (ENC_AUDIO_BITRATE * 1.1)

/* Whether seconds of video can fit in max_bytes at all: whatever the platform's floor, the video
 * needs 50 kb/s beside the audio. platform_min_bytes is the one rule (the checker applies it to
 * the spec first): the bits, 2 s of VBV buffer (bits <= maxrate * T + bufsize, bufsize = 2 s of
 * maxrate), 3 % for the container and 64 KiB for the moov atom. 0, or VE_INVAL with cause. */
static int budget_fits(int64_t max_bytes, int64_t min_bitrate, double seconds, char *cause, size_t len)
{
	double floor = fmax((double)min_bitrate, AUDIO_RATE + 50e3);
	double need = platform_min_bytes((int64_t)floor, seconds);
	if (need <= (double)max_bytes)
		return 0;
	snprintf(cause, len,
		 "%.1f s of video cannot fit in the platform's %lld bytes even at %.0f kb/s "
		 "for video and audio together (it would need at least %.0f bytes)",
		 seconds, (long long)max_bytes, floor / 1000, need);
	return VE_INVAL;
}

int enc_budget(int64_t max_bytes, int64_t min_bitrate, double seconds, int width, int height,
	       int64_t *maxrate, int64_t *bufsize, char *cause, size_t len)
{
	return enc_budget_parts(max_bytes, min_bitrate, seconds, 1, width, height, maxrate, bufsize, cause, len);
}

int enc_budget_pass(int64_t max_bytes, int64_t min_bitrate, double seconds, int width, int height, int pass,
		    int64_t *maxrate, int64_t *bufsize, int64_t *bitrate, char *cause, size_t len)
{
	*bitrate = 0;
	if (pass == 0)
		return enc_budget(max_bytes, min_bitrate, seconds, width, height, maxrate, bufsize, cause, len);
	double peak = peak_rate(width, height);
	*maxrate = (int64_t)peak;
	*bufsize = (int64_t)(peak * 2);
	if (max_bytes <= 0 || seconds <= 0)
		return 0;
	int rc = budget_fits(max_bytes, min_bitrate, seconds, cause, len);
	if (rc || pass != 2)
		return rc;
	/* The same 3 % and 64 KiB as platform_min_bytes, but no room for a VBV buffer: x264's
	 * second pass spends the total over the whole video (it lands within about 1 %). */
	double video = ((double)max_bytes * 0.97 - 64.0 * 1024) * 8 / seconds - AUDIO_RATE;
	*bitrate = (int64_t)fmin(video, peak);
	return 0;
}

int enc_budget_parts(int64_t max_bytes, int64_t min_bitrate, double seconds, int parts, int width, int height,
		     int64_t *maxrate, int64_t *bufsize, char *cause, size_t len)
{
	double rate = peak_rate(width, height);
	if (parts < 1)
		parts = 1;
	if (max_bytes > 0 && seconds > 0) {
		int rc = budget_fits(max_bytes, min_bitrate, seconds, cause, len);
		if (rc)
			return rc;
		/* In parts (a split render), each part has its own VBV buffer and moov atom before
		 * the join: the parts together stay under maxrate * (T + 2 s * parts). */
		double total = ((double)max_bytes * 0.97 - parts * 64.0 * 1024) * 8 / (seconds + 2.0 * parts);
		if (total - AUDIO_RATE < 50e3) {
			snprintf(cause, len,
				 "%.1f s of video in %d pieces cannot fit in the platform's %lld bytes (each piece "
				 "needs room of its own): use fewer pieces",
				 seconds, parts, (long long)max_bytes);
			return VE_INVAL;
		}
		if (total - AUDIO_RATE < rate)
			rate = total - AUDIO_RATE;
	}
	*maxrate = (int64_t)rate;
	*bufsize = (int64_t)(rate * 2);
	return 0;
}

static int write_packets(enc_t *e, AVCodecContext *c, AVStream *st, char *cause, size_t len)
{
	for (;;) {
		int ret = avcodec_receive_packet(c, e->pkt);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return 0;
		if (ret < 0)
			return fail(VE_ENCODE, cause, len, "encoder failed", ret);
		if (c == e->vc && e->peak_step > 0) {
			/* in decoding order, as a decoder's buffer is emptied; it fills at the peak rate */
			e->peak_fill -= 8.0 * e->pkt->size;
			if (e->peak_fill < 0)
				e->over_peak = 1;
			e->peak_fill = fmin(e->peak_fill + e->peak_step, e->peak_buf);
		}
		av_packet_rescale_ts(e->pkt, c->time_base, st->time_base);
		e->pkt->stream_index = st->index;
		ret = av_interleaved_write_frame(e->oc, e->pkt);
		if (ret < 0)
			return fail(VE_IO, cause, len, "cannot write the output", ret);
	}
}

/* The video stream and its codec context with what every video of vidc has: the size, the frame
 * rate, yuv420p in BT.709 limited range, square pixels. */
static int video_new(enc_t *e, const enc_params *ep, const AVCodec *codec, char *cause, size_t len)
{
	if (!(e->vs = avformat_new_stream(e->oc, NULL)) || !(e->vc = avcodec_alloc_context3(codec)))
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	AVCodecContext *vc = e->vc;
	vc->width = ep->width;
	vc->height = ep->height;
	vc->time_base = (AVRational){ep->fps_den, ep->fps_num};
	vc->framerate = (AVRational){ep->fps_num, ep->fps_den};
	vc->pix_fmt = AV_PIX_FMT_YUV420P;
	vc->color_range = AVCOL_RANGE_MPEG;
	vc->colorspace = AVCOL_SPC_BT709;
	vc->color_primaries = AVCOL_PRI_BT709;
	vc->color_trc = AVCOL_TRC_BT709;
	vc->sample_aspect_ratio = (AVRational){1, 1};
	return 0;
}

/* Opens video_new's codec with the options set since, and gives the stream its parameters. */
static int video_open(enc_t *e, const AVCodec *codec, const char *what, char *cause, size_t len)
{
	int ret;
	if ((ret = avcodec_open2(e->vc, codec, NULL)) < 0)
		return fail(VE_ENCODE, cause, len, what, ret);
	if ((ret = avcodec_parameters_from_context(e->vs->codecpar, e->vc)) < 0)
		return fail(VE_ENCODE, cause, len, "cannot set up the video stream", ret);
	e->vs->time_base = e->vc->time_base;
	e->vs->avg_frame_rate = e->vc->framerate;
	e->vs->r_frame_rate = e->vc->framerate;
	return 0;
}

/* The H.264 encoder and its stream. */
static int open_x264(enc_t *e, const enc_params *ep, char *cause, size_t len)
{
	int ret;
	const AVCodec *vcodec = avcodec_find_encoder_by_name("libx264");
	if (!vcodec)
		return fail(VE_ENCODE, cause, len, "this libavcodec has no libx264 encoder", 0);
	if ((ret = video_new(e, ep, vcodec, cause, len)))
		return ret;
	AVCodecContext *vc = e->vc;
	/* Closed GOPs of 2 s: platforms cut and seek on keyframes, and re-encode less cleanly
	 * from open GOPs. */
	int gop = (int)lrint(2.0 * ep->fps_num / ep->fps_den);
	vc->gop_size = gop > 1 ? gop : 1;
	vc->keyint_min = vc->gop_size;
	vc->flags |= AV_CODEC_FLAG_CLOSED_GOP;
	if (e->oc->oformat->flags & AVFMT_GLOBALHEADER)
		vc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	/* x264's VBV makes each frame's quantiser depend on the bits of frames (or slices) other
	 * threads are still encoding, which depends on timing: the same frames gave two streams.
	 * So x264 holds a rate (a budget's, pass 2's) on one thread, and otherwise runs without VBV
	 * on sliced threads (each frame cut in one slice per core, encoded together: the same bits
	 * on every run; x264's frame threads changed a few frames from run to run even at a plain
	 * CRF) while the peak rate is checked on the packets (enc_over_peak). */
	int vbv = ep->maxrate > 0 && !enc_peak_checked(ep);
	if (vbv) {
		vc->rc_max_rate = ep->maxrate;
		vc->rc_buffer_size = (int)(ep->bufsize > INT32_MAX ? INT32_MAX : ep->bufsize);
	} else if (ep->maxrate > 0) {
		e->peak_step = (double)ep->maxrate * ep->fps_den / ep->fps_num;
		e->peak_buf = (double)ep->bufsize;
		e->peak_fill = 0.9 * e->peak_buf; /* x264's initial fullness */
	}
	/* Two passes: libavcodec's flags turn on x264's statistics (written in pass 1, read in pass
	 * 2, where the bitrate replaces the CRF). fastfirstpass off: the first pass is the file
	 * kept when it fits, so it is encoded exactly as a single pass is. */
	if ((ep->pass == 1 || ep->pass == 2) && ep->stats) {
		vc->flags |= ep->pass == 1 ? AV_CODEC_FLAG_PASS1 : AV_CODEC_FLAG_PASS2;
		av_opt_set(vc->priv_data, "stats", ep->stats, 0);
		av_opt_set_int(vc->priv_data, "fastfirstpass", 0, 0);
		if (ep->pass == 2)
			vc->bit_rate = ep->bitrate;
	}
	/* libavcodec defaults to one thread; 0 with slices lets x264 pick one slice thread per
	 * core (and as many lookahead threads). */
	vc->thread_count = vbv ? 1 : 0;
	vc->thread_type = FF_THREAD_SLICE;
	av_opt_set(vc->priv_data, "preset", ENC_PRESET, 0);
	av_opt_set(vc->priv_data, "profile", "high", 0);
	av_opt_set_double(vc->priv_data, "crf", ep->crf, 0);
	/* no scene-cut keyframes inside a GOP: keeps the 2 s cadence exact */
	av_opt_set(vc->priv_data, "x264-params", "scenecut=0:open-gop=0", 0);
	return video_open(e, vcodec, "cannot open the H.264 encoder", cause, len);
}

/* The raw stream of a .y4m output: libavcodec's wrapped_avframe passes each picture to the
 * YUV4MPEG2 muxer as it is (a reference, no copy), which writes its planes after a FRAME line. */
static int open_raw(enc_t *e, const enc_params *ep, char *cause, size_t len)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_WRAPPED_AVFRAME);
	if (!codec)
		return fail(VE_ENCODE, cause, len, "this libavcodec cannot pass raw pictures on", 0);
	int rc = video_new(e, ep, codec, cause, len);
	if (rc)
		return rc;
	e->vc->chroma_sample_location = AVCHROMA_LOC_CENTER; /* the 2x2 average of enc_rgb_to_yuv_at */
	e->vs->sample_aspect_ratio = e->vc->sample_aspect_ratio; /* the header's A1:1 */
	return video_open(e, codec, "cannot open the raw picture stream", cause, len);
}

/* A picture in the encoder's format and size, its planes allocated (refcounted, as
 * avcodec_send_frame takes a reference rather than a copy). */
static AVFrame *pic_new(const AVCodecContext *vc)
{
	AVFrame *f = av_frame_alloc();
	if (!f)
		return NULL;
	f->format = vc->pix_fmt;
	f->width = vc->width;
	f->height = vc->height;
	f->color_range = vc->color_range;
	f->colorspace = vc->colorspace;
	f->color_primaries = vc->color_primaries;
	f->color_trc = vc->color_trc;
	if (av_frame_get_buffer(f, 0) < 0)
		av_frame_free(&f);
	return f;
}

/* The encoder's own picture for enc_video, made at its first frame (a
 * render that sends its own pictures never needs it). */
static int vf_ready(enc_t *e, char *cause, size_t len)
{
	if (!e->vf && !(e->vf = pic_new(e->vc)))
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	int ret = av_frame_make_writable(e->vf);
	return ret < 0 ? fail(VE_NOMEM, cause, len, "out of memory", ret) : 0;
}

/* A stream of the join copied as it is (codec parameters par): its packets come from a file. */
static int open_copied(enc_t *e, const AVCodecParameters *par, AVStream **st, char *cause, size_t len)
{
	int ret;
	if (!(*st = avformat_new_stream(e->oc, NULL)))
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	if ((ret = avcodec_parameters_copy((*st)->codecpar, par)) < 0)
		return fail(VE_NOMEM, cause, len, "out of memory", ret);
	(*st)->codecpar->codec_tag = 0; /* the MP4 muxer picks avc1 or mp4a */
	return 0;
}

/* The join's video: the pieces' H.264 stream copied as it is. */
static int open_copy(enc_t *e, const enc_params *ep, char *cause, size_t len)
{
	int rc = open_copied(e, ep->copy_video, &e->vs, cause, len);
	if (rc)
		return rc;
	e->vs->time_base = (AVRational){ep->fps_den, ep->fps_num};
	e->vs->avg_frame_rate = (AVRational){ep->fps_num, ep->fps_den};
	e->vs->r_frame_rate = e->vs->avg_frame_rate;
	e->fps_num = ep->fps_num;
	e->fps_den = ep->fps_den;
	return 0;
}

/* The join's soundtrack: an AAC stream copied as it is. */
static int open_copy_audio(enc_t *e, const enc_params *ep, char *cause, size_t len)
{
	int rc = open_copied(e, ep->copy_audio, &e->as, cause, len);
	if (!rc)
		e->as->time_base = (AVRational){1, ENC_SAMPLE_RATE};
	return rc;
}

/* The AAC encoder and its stream. */
static int open_aac(enc_t *e, char *cause, size_t len)
{
	int ret;
	const AVCodec *acodec = avcodec_find_encoder(AV_CODEC_ID_AAC);
	if (!acodec)
		return fail(VE_ENCODE, cause, len, "this libavcodec has no AAC encoder", 0);
	if (!(e->as = avformat_new_stream(e->oc, NULL)) || !(e->ac = avcodec_alloc_context3(acodec)))
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	AVCodecContext *ac = e->ac;
	ac->sample_fmt = AV_SAMPLE_FMT_FLTP;
	ac->sample_rate = ENC_SAMPLE_RATE;
	av_channel_layout_default(&ac->ch_layout, 2);
	ac->bit_rate = ENC_AUDIO_BITRATE;
	ac->profile = FF_PROFILE_AAC_LOW;
	ac->time_base = (AVRational){1, ENC_SAMPLE_RATE};
	if (e->oc->oformat->flags & AVFMT_GLOBALHEADER)
		ac->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if ((ret = avcodec_open2(ac, acodec, NULL)) < 0)
		return fail(VE_ENCODE, cause, len, "cannot open the AAC encoder", ret);
	if ((ret = avcodec_parameters_from_context(e->as->codecpar, ac)) < 0)
		return fail(VE_ENCODE, cause, len, "cannot set up the audio stream", ret);
	e->as->time_base = ac->time_base;
	if (!(e->af = av_frame_alloc()))
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	e->af->format = ac->sample_fmt;
	e->af->nb_samples = ac->frame_size > 0 ? ac->frame_size : 1024;
	e->af->sample_rate = ac->sample_rate;
	if ((ret = av_channel_layout_copy(&e->af->ch_layout, &ac->ch_layout)) < 0 ||
	    (ret = av_frame_get_buffer(e->af, 0)) < 0)
		return fail(VE_NOMEM, cause, len, "out of memory", ret);
	return 0;
}

/* Chapters: the mov muxer writes them as a QuickTime chapter track and a Nero chpl box, which
 * players and ffprobe -show_chapters read; freed with the context. */
static int add_chapters(enc_t *e, const enc_params *ep, char *cause, size_t len)
{
	for (int i = 0; i < ep->nchapters; i++) {
		AVChapter **cs = av_realloc_array(e->oc->chapters, (size_t)e->oc->nb_chapters + 1, sizeof *cs);
		AVChapter *ch = av_mallocz(sizeof *ch);
		if (cs)
			e->oc->chapters = cs;
		if (!cs || !ch) {
			av_free(ch);
			return fail(VE_NOMEM, cause, len, "out of memory", 0);
		}
		double t1 = i + 1 < ep->nchapters ? ep->chapters[i + 1].t : ep->duration;
		ch->id = i + 1;
		ch->time_base = (AVRational){1, 1000};
		ch->start = llround(ep->chapters[i].t * 1000);
		ch->end = llround(t1 * 1000);
		e->oc->chapters[e->oc->nb_chapters++] = ch;
		if (av_dict_set(&ch->metadata, "title", ep->chapters[i].title, 0) < 0)
			return fail(VE_NOMEM, cause, len, "out of memory", 0);
	}
	return 0;
}

int enc_open(enc_t **out, const enc_params *ep, char *cause, size_t len)
{
	*out = NULL;
	if (!ep->no_video && (ep->width <= 0 || ep->height <= 0 || (ep->width & 1) || (ep->height & 1)))
		return fail(VE_INVAL, cause, len, "H.264 4:2:0 needs an even width and height", 0);
	enc_t *e = calloc(1, sizeof *e);
	if (!e)
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	int ret, rc;
	*out = e;
	const char *format = ep->raw ? "yuv4mpegpipe" : "mp4";
	if ((ret = avformat_alloc_output_context2(&e->oc, NULL, format, ep->path)) < 0 || !e->oc)
		return fail(VE_ENCODE, cause, len, ep->raw ? "cannot create a YUV4MPEG2 muxer" : "cannot create an MP4 muxer",
			    ret);
	if (!(e->pkt = av_packet_alloc()))
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	if (ep->raw) {
		if (ep->no_video || ep->copy_video || !ep->no_audio)
			return fail(VE_INVAL, cause, len, "a .y4m file holds pictures only (no sound)", 0);
		if ((rc = open_raw(e, ep, cause, len)))
			return rc;
	} else if (!ep->no_video && (rc = ep->copy_video ? open_copy(e, ep, cause, len) : open_x264(e, ep, cause, len)))
		return rc;
	if (!ep->no_audio && (rc = ep->copy_audio ? open_copy_audio(e, ep, cause, len) : open_aac(e, cause, len)))
		return rc;
	if ((ret = avio_open(&e->oc->pb, ep->path, AVIO_FLAG_WRITE)) < 0)
		return fail(VE_IO, cause, len, "cannot create the output file", ret);
	e->opened_io = 1;
	if (!ep->raw && (rc = add_chapters(e, ep, cause, len)))
		return rc;
	for (int i = 0; !ep->raw && ep->tags && ep->tags[i] && ep->tags[i + 1]; i += 2)
		if (av_dict_set(&e->oc->metadata, ep->tags[i], ep->tags[i + 1], 0) < 0)
			return fail(VE_NOMEM, cause, len, "out of memory", 0);
	AVDictionary *opts = NULL;
	/* use_metadata_tags: the MP4 keeps vidc's own keys (a piece's place) as mdta entries */
	if (!ep->raw)
		av_dict_set(&opts, "movflags", ep->tags ? "+faststart+use_metadata_tags" : "+faststart", 0);
	ret = avformat_write_header(e->oc, &opts);
	av_dict_free(&opts);
	if (ret < 0)
		return fail(VE_IO, cause, len, ep->raw ? "cannot write the YUV4MPEG2 header" : "cannot write the MP4 header",
			    ret);
	e->header = 1;
	return 0;
}

/* Writes a packet of a copied stream st, its timestamps already in st's time base. */
static int write_copied(enc_t *e, AVPacket *pkt, AVStream *st, char *cause, size_t len)
{
	pkt->stream_index = st->index;
	pkt->pos = -1;
	int ret = av_interleaved_write_frame(e->oc, pkt);
	if (ret < 0)
		return fail(VE_IO, cause, len, "cannot write the output", ret);
	return 0;
}

int enc_video_packet(enc_t *e, AVPacket *pkt, int tb_num, int tb_den, int64_t offset_frames,
		     char *cause, size_t len)
{
	AVRational tb = {tb_num, tb_den};
	int64_t off = av_rescale_q(offset_frames, (AVRational){e->fps_den, e->fps_num}, e->vs->time_base);
	av_packet_rescale_ts(pkt, tb, e->vs->time_base);
	if (pkt->pts != AV_NOPTS_VALUE)
		pkt->pts += off;
	if (pkt->dts != AV_NOPTS_VALUE)
		pkt->dts += off;
	return write_copied(e, pkt, e->vs, cause, len);
}

int enc_audio_packet(enc_t *e, AVPacket *pkt, int tb_num, int tb_den, char *cause, size_t len)
{
	av_packet_rescale_ts(pkt, (AVRational){tb_num, tb_den}, e->as->time_base);
	return write_copied(e, pkt, e->as, cause, len);
}

int enc_tag(enc_t *e, const char *key, const char *value, char *cause, size_t len)
{
	if (av_dict_set(&e->oc->metadata, key, value, 0) < 0)
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	return 0;
}

int enc_peak_checked(const enc_params *ep)
{
	return ep->maxrate > 0 &&
	       (ep->pass == 1 ||
		(ep->pass == 0 && !ep->hold_peak && ep->maxrate >= (int64_t)peak_rate(ep->width, ep->height)));
}

int enc_over_peak(const enc_t *e)
{
	return e && e->over_peak;
}

double enc_peak_rate(int width, int height)
{
	return peak_rate(width, height);
}

double enc_audio_time(const enc_t *e)
{
	return (double)(e->apts + e->afill) / ENC_SAMPLE_RATE;
}

static int send_video(enc_t *e, AVFrame *f, char *cause, size_t len)
{
	f->pts = e->vpts++;
	int ret = avcodec_send_frame(e->vc, f);
	if (ret < 0)
		return fail(VE_ENCODE, cause, len, "the H.264 encoder refused a frame", ret);
	return write_packets(e, e->vc, e->vs, cause, len);
}

int enc_video(enc_t *e, const surf_t *frame, char *cause, size_t len)
{
	int rc = vf_ready(e, cause, len);
	if (rc)
		return rc;
	enc_rgb_to_yuv_at(simd_level(), frame, e->vf->data, e->vf->linesize);
	return send_video(e, e->vf, cause, len);
}

/* enc_video_yuv's planes stay the caller's: nothing to free */
static void planes_kept(void *opaque, uint8_t *data)
{
	(void)opaque;
	(void)data;
}

int enc_video_yuv(enc_t *e, const uint8_t *const planes[3], const int linesize[3], char *cause,
		  size_t len)
{
	AVFrame *f = av_frame_alloc();
	if (!f)
		return fail(VE_NOMEM, cause, len, "out of memory", 0);
	f->format = e->vc->pix_fmt;
	f->width = e->vc->width;
	f->height = e->vc->height;
	f->color_range = e->vc->color_range;
	f->colorspace = e->vc->colorspace;
	f->color_primaries = e->vc->color_primaries;
	f->color_trc = e->vc->color_trc;
	/* wrapped in buffers that free nothing, so libavcodec takes a reference instead of copying
	 * them (it copies a frame without buffers) */
	for (int p = 0; p < 3; p++) {
		int h = p ? e->vc->height / 2 : e->vc->height;
		f->data[p] = (uint8_t *)planes[p];
		f->linesize[p] = linesize[p];
		if (!(f->buf[p] = av_buffer_create(f->data[p], (size_t)linesize[p] * h, planes_kept, NULL,
						   AV_BUFFER_FLAG_READONLY))) {
			av_frame_free(&f);
			return fail(VE_NOMEM, cause, len, "out of memory", 0);
		}
	}
	int rc = send_video(e, f, cause, len);
	av_frame_free(&f);
	return rc;
}

enc_pic *enc_pic_new(const enc_t *e)
{
	return e->vc ? (enc_pic *)pic_new(e->vc) : NULL;
}

void enc_pic_free(enc_pic *pic)
{
	AVFrame *f = (AVFrame *)pic;
	av_frame_free(&f);
}

int enc_pic_planes(enc_pic *pic, uint8_t *data[3], int linesize[3], char *cause, size_t len)
{
	AVFrame *f = (AVFrame *)pic;
	int ret = av_frame_make_writable(f);
	if (ret < 0)
		return fail(VE_NOMEM, cause, len, "out of memory", ret);
	for (int p = 0; p < 3; p++) {
		data[p] = f->data[p];
		linesize[p] = f->linesize[p];
	}
	return 0;
}

int enc_video_pic(enc_t *e, enc_pic *pic, char *cause, size_t len)
{
	return send_video(e, (AVFrame *)pic, cause, len);
}

static int send_audio_frame(enc_t *e, int n, char *cause, size_t len)
{
	e->af->nb_samples = n;
	e->af->pts = e->apts;
	e->apts += n;
	int ret = avcodec_send_frame(e->ac, e->af);
	if (ret < 0)
		return fail(VE_ENCODE, cause, len, "the AAC encoder refused a frame", ret);
	e->afill = 0;
	return write_packets(e, e->ac, e->as, cause, len);
}

int enc_audio(enc_t *e, const float *lr, int n, char *cause, size_t len)
{
	int fs = e->ac->frame_size > 0 ? e->ac->frame_size : 1024;
	while (n > 0) {
		if (e->afill == 0) {
			int ret = av_frame_make_writable(e->af);
			if (ret < 0)
				return fail(VE_NOMEM, cause, len, "out of memory", ret);
		}
		int k = fs - e->afill < n ? fs - e->afill : n;
		float *l = (float *)e->af->data[0] + e->afill, *r = (float *)e->af->data[1] + e->afill;
		for (int i = 0; i < k; i++) {
			l[i] = lr[2 * i];
			r[i] = lr[2 * i + 1];
		}
		e->afill += k;
		lr += 2 * k;
		n -= k;
		if (e->afill == fs) {
			int rc = send_audio_frame(e, fs, cause, len);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Drains encoder c (NULL: the stream is copied or absent) into stream st. */
static int flush_codec(enc_t *e, AVCodecContext *c, AVStream *st, const char *what, char *cause, size_t len)
{
	if (!c)
		return 0;
	int ret = avcodec_send_frame(c, NULL);
	if (ret < 0 && ret != AVERROR_EOF)
		return fail(VE_ENCODE, cause, len, what, ret);
	return write_packets(e, c, st, cause, len);
}

int enc_finish(enc_t *e, char *cause, size_t len)
{
	int rc, ret;
	if (e->ac && e->afill > 0 && (rc = send_audio_frame(e, e->afill, cause, len)))
		return rc;
	/* vc is NULL in copy_video mode, ac in no_audio mode */
	if ((rc = flush_codec(e, e->vc, e->vs, "cannot flush the H.264 encoder", cause, len)) ||
	    (rc = flush_codec(e, e->ac, e->as, "cannot flush the AAC encoder", cause, len)))
		return rc;
	if ((ret = av_write_trailer(e->oc)) < 0)
		return fail(VE_IO, cause, len, "cannot finish the file", ret);
	e->header = 0;
	if ((ret = avio_closep(&e->oc->pb)) < 0)
		return fail(VE_IO, cause, len, "cannot close the output file", ret);
	e->opened_io = 0;
	return 0;
}

void enc_free(enc_t *e)
{
	if (!e)
		return;
	if (e->oc && e->opened_io)
		avio_closep(&e->oc->pb);
	avcodec_free_context(&e->vc);
	avcodec_free_context(&e->ac);
	av_frame_free(&e->vf);
	av_frame_free(&e->af);
	av_packet_free(&e->pkt);
	avformat_free_context(e->oc);
	free(e);
}

int enc_png(const surf_t *s, uint8_t **data, size_t *size, char *cause, size_t len)
{
	*data = NULL;
	*size = 0;
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
	if (!codec)
		return fail(VE_ENCODE, cause, len, "this libavcodec has no PNG encoder", 0);
	AVCodecContext *c = avcodec_alloc_context3(codec);
	AVFrame *f = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	int rc = 0, ret;
	if (!c || !f || !pkt) {
		rc = fail(VE_NOMEM, cause, len, "out of memory", 0);
		goto done;
	}
	c->width = s->w;
	c->height = s->h;
	c->pix_fmt = AV_PIX_FMT_RGBA;
	c->time_base = (AVRational){1, 1};
	if ((ret = avcodec_open2(c, codec, NULL)) < 0) {
		rc = fail(VE_ENCODE, cause, len, "cannot open the PNG encoder", ret);
		goto done;
	}
	f->format = AV_PIX_FMT_RGBA;
	f->width = s->w;
	f->height = s->h;
	if ((ret = av_frame_get_buffer(f, 0)) < 0) {
		rc = fail(VE_NOMEM, cause, len, "out of memory", ret);
		goto done;
	}
	/* The surface is opaque, so premultiplied equals straight alpha: a plain copy. */
	for (int y = 0; y < s->h; y++)
		memcpy(f->data[0] + (size_t)y * f->linesize[0], s->px + (size_t)y * s->stride,
		       (size_t)s->w * 4);
	if ((ret = avcodec_send_frame(c, f)) < 0 || (ret = avcodec_send_frame(c, NULL)) < 0 ||
	    (ret = avcodec_receive_packet(c, pkt)) < 0) {
		rc = fail(VE_ENCODE, cause, len, "PNG encoding failed", ret);
		goto done;
	}
	if (!(*data = malloc((size_t)pkt->size))) {
		rc = fail(VE_NOMEM, cause, len, "out of memory", 0);
		goto done;
	}
	memcpy(*data, pkt->data, (size_t)pkt->size);
	*size = (size_t)pkt->size;
done:
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&c);
	return rc;
}
