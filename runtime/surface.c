/*
 * surface.c - premultiplied RGBA buffers (see surface.h). The inner loops work on two 8-bit
 * channels at once in one 32-bit word ("SWAR": R,B in the 0x00ff00ff lanes, G,A shifted down),
 * which keeps them integer, exact to rounding, and fast enough without SIMD intrinsics.
 */
#include "surface.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simd.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(VIDC_NO_AVX2)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1 /* compiled for AVX2 with a target attribute, chosen at run time */
#endif

#define LANES 0x00ff00ffu

surf_t *surf_new(int w, int h)
{
	if (w <= 0 || h <= 0 || (size_t)w * (size_t)h > ((size_t)1 << 30))
		return NULL;
	surf_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->w = w;
	s->h = h;
	s->stride = (w + 15) & ~15; /* 64-byte rows help the vectoriser and the cache */
	size_t bytes = (size_t)s->stride * (size_t)h * 4;
	if (posix_memalign((void **)&s->px, 64, bytes)) {
		free(s);
		return NULL;
	}
	memset(s->px, 0, bytes);
	return s;
}

void surf_free(surf_t *s)
{
	if (!s)
		return;
	free(s->px);
	free(s);
}

uint32_t surf_pack(ir_color c)
{
	unsigned a = c.a;
	unsigned r = (c.r * a + 127) / 255, g = (c.g * a + 127) / 255, b = (c.b * a + 127) / 255;
	return r | g << 8 | b << 16 | (uint32_t)a << 24;
}

/* x * a / 256 on both lanes, rounded. a in 0..256. */
static inline uint32_t lanes_scale(uint32_t x, unsigned a)
{
	return ((x * a + 0x00800080u) >> 8) & LANES;
}

uint32_t surf_scale_px(uint32_t p, unsigned a)
{
	if (a >= 256)
		return p;
	return lanes_scale(p & LANES, a) | lanes_scale((p >> 8) & LANES, a) << 8;
}

/* x * m / 255 on both lanes, exactly rounded (Blinn's trick). m in 0..255. */
static inline uint32_t lanes_mul255(uint32_t x, unsigned m)
{
	uint32_t t = x * m + 0x00800080u;
	return ((t + ((t >> 8) & LANES)) >> 8) & LANES;
}

static inline uint32_t over_px(uint32_t d, uint32_t s)
{
	unsigned sa = s >> 24;
	if (sa == 255)
		return s;
	if (s == 0)
		return d;
	unsigned ia = 255 - sa;
	return (lanes_mul255(d & LANES, ia) + (s & LANES)) |
	       (lanes_mul255((d >> 8) & LANES, ia) + ((s >> 8) & LANES)) << 8;
}

uint32_t surf_over_px(uint32_t d, uint32_t s)
{
	return over_px(d, s);
}

void surf_fill(surf_t *s, uint32_t px)
{
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++)
			row[x] = px;
	}
}

static inline uint32_t lerp_px(uint32_t a, uint32_t b, unsigned t, unsigned it)
{
	uint32_t rb = (((a & LANES) * it + (b & LANES) * t + 0x00800080u) >> 8) & LANES;
	uint32_t ga = ((((a >> 8) & LANES) * it + ((b >> 8) & LANES) * t + 0x00800080u) >> 8) & LANES;
	return rb | ga << 8;
}

void surf_fill_round_rect(surf_t *s, double x0, double y0, double x1, double y1, double r, uint32_t px)
{
	r = fmax(0, fmin(r, fmin(x1 - x0, y1 - y0) / 2));
	int Y0 = (int)fmax(0, floor(y0)), Y1 = (int)fmin(s->h, ceil(y1));
	int X0 = (int)fmax(0, floor(x0)), X1 = (int)fmin(s->w, ceil(x1));
	for (int y = Y0; y < Y1; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		double cy = y + 0.5;
		for (int x = X0; x < X1; x++) {
			double cx = x + 0.5;
			/* signed distance to the rounded rectangle */
			double qx = fmax(fmax(x0 + r - cx, cx - (x1 - r)), 0);
			double qy = fmax(fmax(y0 + r - cy, cy - (y1 - r)), 0);
			double d = qx > 0 && qy > 0 ? hypot(qx, qy) - r
						    : fmax(fmax(x0 - cx, cx - x1), fmax(y0 - cy, cy - y1));
			double cov = fmin(fmax(0.5 - d, 0), 1);
			if (cov > 0)
				row[x] = surf_over_px(row[x], surf_scale_px(px, (unsigned)lrint(cov * 256)));
		}
	}
}

void surf_lerp(surf_t *dst, const surf_t *a, const surf_t *b, unsigned t)
{
	if (t > 256)
		t = 256;
	for (int y = 0; y < dst->h; y++)
		surf_row_lerp(dst->px + (size_t)y * dst->stride, a->px + (size_t)y * a->stride,
			      b->px + (size_t)y * b->stride, dst->w, t);
}

void surf_lerp_color(surf_t *dst, const surf_t *a, uint32_t c, unsigned t)
{
	if (t > 256)
		t = 256;
	unsigned it = 256 - t;
	for (int y = 0; y < dst->h; y++) {
		uint32_t *d = dst->px + (size_t)y * dst->stride;
		const uint32_t *pa = a->px + (size_t)y * a->stride;
		for (int x = 0; x < dst->w; x++)
			d[x] = lerp_px(pa[x], c, t, it);
	}
}

void surf_blit_shift(surf_t *dst, const surf_t *src, int dx, int dy)
{
	int x0 = dx > 0 ? dx : 0, x1 = src->w + dx < dst->w ? src->w + dx : dst->w;
	int y0 = dy > 0 ? dy : 0, y1 = src->h + dy < dst->h ? src->h + dy : dst->h;
	if (x1 <= x0)
		return;
	for (int y = y0; y < y1; y++)
		memcpy(dst->px + (size_t)y * dst->stride + x0,
		       src->px + (size_t)(y - dy) * src->stride + (x0 - dx),
		       (size_t)(x1 - x0) * 4);
}

void surf_premultiply(surf_t *s)
{
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++) {
			uint32_t p = row[x];
			unsigned a = p >> 24;
			if (a == 255)
				continue;
			unsigned r = ((p & 255) * a + 127) / 255, g = ((p >> 8 & 255) * a + 127) / 255,
				 b = ((p >> 16 & 255) * a + 127) / 255;
			row[x] = r | g << 8 | b << 16 | (uint32_t)a << 24;
		}
	}
}

void surf_flatten(surf_t *s)
{
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++)
			row[x] |= 0xff000000u;
	}
	s->opaque = 1;
}

int surf_is_opaque(const surf_t *s)
{
	if (s->opaque)
		return 1;
	if ((int64_t)s->w * s->h > 64) /* not worth a scan per frame */
		return 0;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			if (s->px[(size_t)y * s->stride + x] >> 24 != 255)
				return 0;
	return 1;
}

/* ---- row kernels --------------------------------------------------------------------------
 * The vector versions unpack each 8-bit channel to a 16-bit lane and do exactly the SWAR
 * arithmetic above lane by lane (every intermediate fits 16 bits: 255 * 256 + 128 < 65536), so
 * a frame has the same bits whichever version composed it. */

#if defined(__SSE2__)
/* (a * (256 - w) + b * w + 128) >> 8 on 16-bit lanes */
static inline __m128i lerp16(__m128i a, __m128i b, __m128i w)
{
	const __m128i c256 = _mm_set1_epi16(256), c128 = _mm_set1_epi16(128);
	__m128i t = _mm_add_epi16(_mm_mullo_epi16(a, _mm_sub_epi16(c256, w)), _mm_mullo_epi16(b, w));
	return _mm_srli_epi16(_mm_add_epi16(t, c128), 8);
}

/* (x * k + 128) >> 8 */
static inline __m128i scale16(__m128i x, __m128i k)
{
	return _mm_srli_epi16(_mm_add_epi16(_mm_mullo_epi16(x, k), _mm_set1_epi16(128)), 8);
}

/* s + d * (255 - alpha(s)) / 255 (Blinn's exact rounding) for two pixels in 16-bit lanes */
static inline __m128i over16(__m128i d, __m128i s)
{
	__m128i a = _mm_shufflehi_epi16(_mm_shufflelo_epi16(s, 0xff), 0xff);
	__m128i m = _mm_sub_epi16(_mm_set1_epi16(255), a);
	__m128i t = _mm_add_epi16(_mm_mullo_epi16(d, m), _mm_set1_epi16(128));
	return _mm_add_epi16(_mm_srli_epi16(_mm_add_epi16(t, _mm_srli_epi16(t, 8)), 8), s);
}
#endif

#if defined(HAVE_AVX2_PATH)
/* surf_row_lerp's vector loop, eight pixels at a time; returns how many it did */
__attribute__((target("avx2"))) static int row_lerp_avx2(uint32_t *d, const uint32_t *a,
							  const uint32_t *b, int n, unsigned t)
{
	const __m256i z = _mm256_setzero_si256(), w = _mm256_set1_epi16((short)t);
	const __m256i iw = _mm256_set1_epi16((short)(256 - t)), r = _mm256_set1_epi16(128);
	int i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256i pa = _mm256_loadu_si256((const __m256i *)(a + i));
		__m256i pb = _mm256_loadu_si256((const __m256i *)(b + i));
		__m256i lo = _mm256_add_epi16(_mm256_mullo_epi16(_mm256_unpacklo_epi8(pa, z), iw),
					      _mm256_mullo_epi16(_mm256_unpacklo_epi8(pb, z), w));
		__m256i hi = _mm256_add_epi16(_mm256_mullo_epi16(_mm256_unpackhi_epi8(pa, z), iw),
					      _mm256_mullo_epi16(_mm256_unpackhi_epi8(pb, z), w));
		lo = _mm256_srli_epi16(_mm256_add_epi16(lo, r), 8);
		hi = _mm256_srli_epi16(_mm256_add_epi16(hi, r), 8);
		_mm256_storeu_si256((__m256i *)(d + i), _mm256_packus_epi16(lo, hi));
	}
	return i;
}


#define AVX2_FN __attribute__((target("avx2"))) static inline
AVX2_FN __m256i lerp16x(__m256i a, __m256i b, __m256i w)
{
	const __m256i c256 = _mm256_set1_epi16(256), c128 = _mm256_set1_epi16(128);
	__m256i t = _mm256_add_epi16(_mm256_mullo_epi16(a, _mm256_sub_epi16(c256, w)),
				     _mm256_mullo_epi16(b, w));
	return _mm256_srli_epi16(_mm256_add_epi16(t, c128), 8);
}

AVX2_FN __m256i over16x(__m256i d, __m256i s)
{
	__m256i a = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(s, 0xff), 0xff);
	__m256i m = _mm256_sub_epi16(_mm256_set1_epi16(255), a);
	__m256i t = _mm256_add_epi16(_mm256_mullo_epi16(d, m), _mm256_set1_epi16(128));
	return _mm256_add_epi16(_mm256_srli_epi16(_mm256_add_epi16(t, _mm256_srli_epi16(t, 8)), 8), s);
}

/* Two samples (their pixel pairs) as 16-bit lanes: sample a in the low half, b in the high. */
AVX2_FN __m256i pairs2(const uint32_t *row, int ia, int ib)
{
	__m128i q = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(row + ia)),
				       _mm_loadl_epi64((const __m128i *)(row + ib)));
	return _mm256_cvtepu8_epi16(q);
}

/* surf_row_sample_over's vector loop, eight pixels at a time; returns how many it did. The
 * lerp works on samples 0, 2 | 1, 3 (low | high half), hence the permutes of the weights and
 * of the packed result. */
__attribute__((target("avx2"))) static int sample_over_avx2(uint32_t *d, const uint32_t *row,
							    const int *ix, const uint16_t *w4, int n,
							    unsigned k)
{
	const __m256i z = _mm256_setzero_si256(), ones = _mm256_set1_epi32(-1);
	const __m256i kk = _mm256_set1_epi16((short)k), c128 = _mm256_set1_epi16(128);
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	int i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256i q01 = pairs2(row, ix[i], ix[i + 1]), q23 = pairs2(row, ix[i + 2], ix[i + 3]);
		__m256i q45 = pairs2(row, ix[i + 4], ix[i + 5]), q67 = pairs2(row, ix[i + 6], ix[i + 7]);
		__m256i w03 = _mm256_permute4x64_epi64(_mm256_loadu_si256((const __m256i *)(w4 + 4 * i)),
						       _MM_SHUFFLE(3, 1, 2, 0));
		__m256i w47 = _mm256_permute4x64_epi64(
			_mm256_loadu_si256((const __m256i *)(w4 + 4 * i + 16)), _MM_SHUFFLE(3, 1, 2, 0));
		__m256i r0 = lerp16x(_mm256_unpacklo_epi64(q01, q23), _mm256_unpackhi_epi64(q01, q23), w03);
		__m256i r1 = lerp16x(_mm256_unpacklo_epi64(q45, q67), _mm256_unpackhi_epi64(q45, q67), w47);
		if (k < 256) {
			r0 = _mm256_srli_epi16(_mm256_add_epi16(_mm256_mullo_epi16(r0, kk), c128), 8);
			r1 = _mm256_srli_epi16(_mm256_add_epi16(_mm256_mullo_epi16(r1, kk), c128), 8);
		}
		__m256i sp = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(r0, r1), order);
		int opaque = _mm256_movemask_epi8(_mm256_cmpeq_epi8(sp, ones)) & 0x88888888;
		if (opaque == (int)0x88888888) {
			_mm256_storeu_si256((__m256i *)(d + i), sp);
			continue;
		}
		if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(sp, z)) == -1)
			continue;
		__m256i dd = _mm256_loadu_si256((const __m256i *)(d + i));
		__m256i lo = over16x(_mm256_unpacklo_epi8(dd, z), _mm256_unpacklo_epi8(sp, z));
		__m256i hi = over16x(_mm256_unpackhi_epi8(dd, z), _mm256_unpackhi_epi8(sp, z));
		_mm256_storeu_si256((__m256i *)(d + i), _mm256_packus_epi16(lo, hi));
	}
	return i;
}
#endif

void surf_row_lerp(uint32_t *d, const uint32_t *a, const uint32_t *b, int n, unsigned t)
{
	surf_row_lerp_at(simd_level(), d, a, b, n, t);
}

void surf_row_lerp_at(int level, uint32_t *d, const uint32_t *a, const uint32_t *b, int n, unsigned t)
{
	int i = 0;
	if (t == 0) {
		if (d != a)
			memmove(d, a, (size_t)n * 4);
		return;
	}
	if (t >= 256) {
		if (d != b)
			memmove(d, b, (size_t)n * 4);
		return;
	}
#if defined(HAVE_AVX2_PATH)
	if (level >= SIMD_AVX2)
		i = row_lerp_avx2(d, a, b, n, t);
#endif
#if defined(__SSE2__)
	const __m128i z = _mm_setzero_si128(), w = _mm_set1_epi16((short)t);
	for (; level >= SIMD_SSE2 && i + 4 <= n; i += 4) {
		__m128i pa = _mm_loadu_si128((const __m128i *)(a + i));
		__m128i pb = _mm_loadu_si128((const __m128i *)(b + i));
		__m128i lo = lerp16(_mm_unpacklo_epi8(pa, z), _mm_unpacklo_epi8(pb, z), w);
		__m128i hi = lerp16(_mm_unpackhi_epi8(pa, z), _mm_unpackhi_epi8(pb, z), w);
		_mm_storeu_si128((__m128i *)(d + i), _mm_packus_epi16(lo, hi));
	}
#endif
	for (; i < n; i++)
		d[i] = lerp_px(a[i], b[i], t, 256 - t);
}

void surf_row_sample_over(uint32_t *d, const uint32_t *row, const int *ix, const uint16_t *w4, int n,
			  unsigned k)
{
	surf_row_sample_over_at(simd_level(), d, row, ix, w4, n, k);
}

void surf_row_sample_over_at(int level, uint32_t *d, const uint32_t *row, const int *ix, const uint16_t *w4,
			     int n, unsigned k)
{
	int i = 0;
	if (k == 0)
		return;
#if defined(HAVE_AVX2_PATH)
	if (level >= SIMD_AVX2 && n >= 8)
		i = sample_over_avx2(d, row, ix, w4, n, k);
#endif
#if defined(__SSE2__)
	const __m128i z = _mm_setzero_si128(), ones = _mm_set1_epi32(-1), kk = _mm_set1_epi16((short)k);
	for (; level >= SIMD_SSE2 && i + 4 <= n; i += 4) {
		/* each 64-bit load holds the two neighbours a sample blends */
		__m128i q0 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(row + ix[i])), z);
		__m128i q1 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(row + ix[i + 1])), z);
		__m128i q2 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(row + ix[i + 2])), z);
		__m128i q3 = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(row + ix[i + 3])), z);
		__m128i lo = lerp16(_mm_unpacklo_epi64(q0, q1), _mm_unpackhi_epi64(q0, q1),
				    _mm_loadu_si128((const __m128i *)(w4 + 4 * i)));
		__m128i hi = lerp16(_mm_unpacklo_epi64(q2, q3), _mm_unpackhi_epi64(q2, q3),
				    _mm_loadu_si128((const __m128i *)(w4 + 4 * i + 8)));
		if (k < 256) {
			lo = scale16(lo, kk);
			hi = scale16(hi, kk);
		}
		__m128i s = _mm_packus_epi16(lo, hi);
		int opaque = _mm_movemask_epi8(_mm_cmpeq_epi8(s, ones)) & 0x8888;
		if (opaque == 0x8888) {
			_mm_storeu_si128((__m128i *)(d + i), s);
			continue;
		}
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(s, z)) == 0xffff)
			continue;
		__m128i dd = _mm_loadu_si128((const __m128i *)(d + i));
		lo = over16(_mm_unpacklo_epi8(dd, z), lo);
		hi = over16(_mm_unpackhi_epi8(dd, z), hi);
		_mm_storeu_si128((__m128i *)(d + i), _mm_packus_epi16(lo, hi));
	}
#endif
	for (; i < n; i++) {
		uint32_t s = lerp_px(row[ix[i]], row[ix[i] + 1], w4[4 * i], 256 - w4[4 * i]);
		if (k < 256)
			s = surf_scale_px(s, k);
		d[i] = over_px(d[i], s);
	}
}
