/*
 * runtime_simd.c - the vector kernels (SSE2, AVX2) and their scalar twins give the same bits
 * (issue 17). Every kernel of runtime/simd.h's list runs at each level this CPU supports
 * (__builtin_cpu_supports) and is compared byte for byte with the scalar level: on random data
 * (fixed seed; odd lengths, unaligned starts, alpha 0, 255 and between) and on rows of real
 * frames (golden frames rendered by `vidc frame`, and a frame of examples/cold-brew.vid rendered
 * now). A difference prints the kernel, the level, the case and the first differing element.
 */
#include "check.h"

#include <stdint.h>

#include <libavutil/frame.h>

#include "../../runtime/canvas.h"
#include "../../runtime/encode.h"
#include "../../runtime/image.h"
#include "../../runtime/simd.h"
#include "../../runtime/surface.h"

static uint64_t rng = 0x17c0ffee17c0ffeeull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* A valid premultiplied pixel (every channel <= alpha); alpha 0, 255 or between in thirds. */
static uint32_t rnd_px(void)
{
	unsigned pick = rnd() % 3, a = pick == 0 ? 0 : pick == 1 ? 255 : rnd() % 254 + 1;
	uint32_t p = (uint32_t)a << 24;
	for (int c = 0; c < 3; c++)
		p |= (uint32_t)(a ? rnd() % (a + 1) : 0) << (8 * c);
	return p;
}

static void rnd_row(uint32_t *p, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = rnd_px();
}

/* The levels to compare with the scalar one: every level this CPU supports. */
static int top_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(VIDC_NO_AVX2)
	return __builtin_cpu_supports("avx2") ? SIMD_AVX2 : SIMD_SSE2;
#elif defined(__SSE2__)
	return SIMD_SSE2;
#else
	return SIMD_SCALAR;
#endif
}

/* Index of the first differing byte, or -1. */
static long first_diff(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

/* Counts a failure when got differs from ref, naming the case, the level and the first byte. */
static void same_(int line, const void *ref, const void *got, size_t bytes, int lvl, const char *what)
{
	long at = first_diff(ref, got, bytes);
	if (at < 0)
		return;
	fprintf(stderr, "%s:%d: FAIL: %s: %s differs from scalar at byte %ld (%02x, scalar %02x)\n", __FILE__,
		line, what, simd_name(lvl), at, ((const unsigned char *)got)[at], ((const unsigned char *)ref)[at]);
	failures++;
}
#define SAME(ref, got, bytes, lvl, ...) same_(__LINE__, ref, got, bytes, lvl, check_fmt(__VA_ARGS__))

enum { MAXN = 4200 };
static uint32_t A[MAXN + 8], B[MAXN + 8], D0[MAXN + 8], D1[MAXN + 8], ROW[MAXN + 16];
static int IX[MAXN];
static uint16_t W4[4 * MAXN + 32];

/* surf_row_lerp on a (offset oa) and b (offset ob) into d (offset od), n pixels, at t. */
static void lerp_case(const uint32_t *a, const uint32_t *b, int n, unsigned t, int od, const char *what)
{
	surf_row_lerp_at(SIMD_SCALAR, D0 + od, a, b, n, t);
	for (int lvl = SIMD_SSE2; lvl <= top_level(); lvl++) {
		surf_row_lerp_at(lvl, D1 + od, a, b, n, t);
		SAME(D0 + od, D1 + od, (size_t)n * 4, lvl, "surf_row_lerp %s n=%d t=%u", what, n, t);
	}
}

/* surf_row_sample_over of ROW through IX/W4 over dst (its copy per level), n pixels, k. */
static void sample_case(const uint32_t *dst, int n, unsigned k, int od, const char *what)
{
	memcpy(D0 + od, dst, (size_t)n * 4);
	surf_row_sample_over_at(SIMD_SCALAR, D0 + od, ROW, IX, W4, n, k);
	for (int lvl = SIMD_SSE2; lvl <= top_level(); lvl++) {
		memcpy(D1 + od, dst, (size_t)n * 4);
		surf_row_sample_over_at(lvl, D1 + od, ROW, IX, W4, n, k);
		SAME(D0 + od, D1 + od, (size_t)n * 4, lvl, "surf_row_sample_over %s n=%d k=%u", what, n, k);
	}
}

/* Sampling positions of a scale by s from offset x0 (as draw.c's Ken Burns does), m source px. */
static void sample_map(int n, double s, double x0, int m)
{
	for (int i = 0; i < n; i++) {
		double x = x0 + i * s;
		int xi = (int)x;
		if (xi > m - 2)
			xi = m - 2;
		IX[i] = xi < 0 ? 0 : xi;
		uint16_t w = (uint16_t)((x - xi) * 256);
		for (int c = 0; c < 4; c++)
			W4[4 * i + c] = w > 256 ? 256 : w;
	}
}

static const unsigned ts[] = {0, 1, 2, 64, 127, 128, 129, 200, 254, 255, 256};

static void test_rows_random(void)
{
	int lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 127, 1079, 1080, 1081, 4097};
	for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
		int n = lens[li];
		for (int off = 0; off < 4; off++) { /* unaligned starts of inputs and output */
			rnd_row(A, n + 8);
			rnd_row(B, n + 8);
			for (size_t ti = 0; ti < sizeof ts / sizeof *ts; ti++)
				lerp_case(A + off, B + 3 - off % 4, n, ts[ti], (off + 1) % 4, "random");
			lerp_case(A + off, B + off, n, rnd() % 257, off, "random t");
			/* sample_over: random neighbours and weights 0..256 */
			int m = n + 9;
			rnd_row(ROW, m + 1);
			for (int i = 0; i < n; i++) {
				IX[i] = (int)(rnd() % (unsigned)(m - 1));
				uint16_t w = (uint16_t)(rnd() % 257);
				for (int c = 0; c < 4; c++)
					W4[4 * i + c] = w;
			}
			unsigned ks[] = {0, 1, 128, 255, 256, rnd() % 257};
			for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++)
				sample_case(B + off, n, ks[ki], off, "random");
		}
	}
	/* in place: d aliases a */
	rnd_row(A, 1001);
	rnd_row(B, 1001);
	memcpy(D1, A, 1001 * 4);
	for (int lvl = SIMD_SCALAR; lvl <= top_level(); lvl++) {
		memcpy(D0, D1, 1001 * 4);
		surf_row_lerp_at(lvl, D0, D0, B, 1001, 77);
		if (lvl == SIMD_SCALAR)
			memcpy(A, D0, 1001 * 4);
		else
			SAME(A, D0, 1001 * 4, lvl, "surf_row_lerp in place");
	}
}

/* The encoder's RGB -> YUV of s at every level. */
static void yuv_case(const surf_t *s, const char *what)
{
	int W = s->w & ~1, H = s->h & ~1;
	if (W < 2 || H < 2)
		return;
	int ls[3] = {W + 5, W / 2 + 3, W / 2 + 7}; /* odd line sizes: unaligned rows */
	size_t sz[3] = {(size_t)ls[0] * H + 1, (size_t)ls[1] * (H / 2) + 1, (size_t)ls[2] * (H / 2) + 1};
	uint8_t *ref[3], *got[3];
	for (int p = 0; p < 3; p++) {
		ref[p] = calloc(1, sz[p]);
		got[p] = calloc(1, sz[p]);
	}
	uint8_t *r1[3] = {ref[0] + 1, ref[1] + 1, ref[2] + 1}, *g1[3] = {got[0] + 1, got[1] + 1, got[2] + 1};
	enc_rgb_to_yuv_at(SIMD_SCALAR, s, r1, ls);
	for (int lvl = SIMD_SSE2; lvl <= top_level(); lvl++) {
		for (int p = 0; p < 3; p++)
			memset(got[p], 0, sz[p]);
		enc_rgb_to_yuv_at(lvl, s, g1, ls);
		for (int p = 0; p < 3; p++)
			SAME(ref[p], got[p], sz[p], lvl, "enc_rgb_to_yuv plane %d, %s %dx%d", p, what, s->w, s->h);
	}
	for (int p = 0; p < 3; p++) {
		free(ref[p]);
		free(got[p]);
	}
}

static void test_yuv_random(void)
{
	int sizes[][2] = {{2, 2}, {3, 3}, {17, 5}, {31, 9}, {33, 4}, {64, 16}, {1081, 7}};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		int w = sizes[i][0], h = sizes[i][1];
		uint32_t *px = malloc(sizeof *px * ((size_t)(w + 3) * h + 1));
		/* an odd stride and a start one pixel in: no alignment at all */
		surf_t s = {.w = w, .h = h, .stride = w + 3, .px = px + 1};
		for (size_t k = 0; k < (size_t)(w + 3) * h; k++)
			s.px[k] = rnd() | 0xff000000u;
		yuv_case(&s, "random");
		for (size_t k = 0; k < (size_t)(w + 3) * h; k++)
			s.px[k] = rnd_px(); /* the encoder ignores alpha; the levels must agree anyway */
		yuv_case(&s, "random alpha");
		free(px);
	}
}

/* canvas:radial_gradient's positions and canvas_noise's grain at every level. */
static void radial_case(int x0, int x1, float dy, float cx, float k, float r0)
{
	static int ref[MAXN], got[MAXN];
	canvas_radial_row_at(SIMD_SCALAR, ref, x0, x1, dy, cx, k, r0);
	for (int lvl = SIMD_SSE2; lvl <= top_level(); lvl++) {
		canvas_radial_row_at(lvl, got, x0, x1, dy, cx, k, r0);
		SAME(ref, got, (size_t)(x1 - x0) * sizeof *ref, lvl,
		     "canvas_radial_row x %d..%d dy %.9g cx %.9g k %.9g r0 %.9g", x0, x1, dy, cx, k, r0);
	}
}

static void grain_case(const uint32_t *row, int n, const int16_t *n0, const int16_t *n1, const int16_t *n2,
		       const char *what)
{
	memcpy(D0, row, (size_t)n * 4);
	canvas_grain_row_at(SIMD_SCALAR, D0, n0, n1, n2, n);
	for (int lvl = SIMD_SSE2; lvl <= top_level(); lvl++) {
		memcpy(D1 + 1, row, (size_t)n * 4);
		canvas_grain_row_at(lvl, D1 + 1, n0, n1, n2, n);
		SAME(D0, D1 + 1, (size_t)n * 4, lvl, "canvas_grain_row %s n=%d", what, n);
	}
}

static void test_canvas_random(void)
{
	for (int c = 0; c < 400; c++) {
		int x0 = (int)(rnd() % 9), x1 = x0 + (int)(rnd() % 1100);
		/* centres and radii as scripts give them: fractional, often off the canvas */
		float cx = (float)((int)(rnd() % 4000) - 1000) / 7.0f, dy = (float)((int)(rnd() % 4000) - 2000) / 3.0f;
		float r0 = (float)(rnd() % 900) / 3.0f, k = 1024.0f / ((float)(rnd() % 2000) / 3.0f + 0.5f);
		radial_case(x0, x1, dy, cx, k, r0);
	}
	static int16_t n[3][MAXN];
	int lens[] = {1, 3, 4, 5, 7, 13, 64, 1079, 1081};
	for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
		int len = lens[li];
		for (int c = 0; c < 3; c++)
			for (int i = 0; i < len; i++)
				n[c][i] = (int16_t)((int)(rnd() % 509) - 254); /* canvas_noise's range */
		rnd_row(A, len);
		grain_case(A, len, n[0], n[0], n[0], "mono, random alpha");
		grain_case(A, len, n[0], n[1], n[2], "colour, random alpha");
		for (int i = 0; i < len; i++)
			A[i] |= 0xff000000u;
		grain_case(A, len, n[0], n[0], n[0], "mono, opaque");
	}
}

/* Every kernel on the rows of a real frame: lerps between its rows, a Ken Burns-like resample of
 * a row over another (opaque, and at partial alpha through surf_scale_px), grain, RGB -> YUV. */
static void frame_case(const surf_t *s, const char *name)
{
	int n = s->w < MAXN ? s->w : MAXN;
	for (int y = 0; y + 9 < s->h; y += s->h / 23 + 1) {
		const uint32_t *r0 = s->px + (size_t)y * s->stride, *r1 = r0 + (size_t)9 * s->stride;
		lerp_case(r0, r1, n, 1 + (unsigned)y % 255, 0, name);
		lerp_case(r0 + 1, r1, n - 1, 128, 1, name);
		memcpy(ROW, r1, (size_t)n * 4);
		ROW[n] = ROW[n - 1];
		double scale = 0.87 + (y % 7) * 0.01;
		sample_map(n, scale, (y % 13) * 0.37, n);
		sample_case(r0, n, 256, 0, name);
		sample_case(r0, n - 3, 200, 3, name);
		for (int i = 0; i < n; i++) /* a translucent layer over the frame: alpha ramps 0..256 */
			ROW[i] = surf_scale_px(ROW[i], (unsigned)(i * 257 / n));
		sample_case(r0, n, 256, 2, name);
		static int16_t g[MAXN];
		for (int i = 0; i < n; i++)
			g[i] = (int16_t)(((int)(r1[i] & 255) - 127) * 254 / 128); /* the frame as grain, |g| < 255 */
		grain_case(r0, n, g, g, g, name);
	}
	yuv_case(s, name);
}

static void frame_file(const char *path)
{
	struct AVFrame *fr = NULL;
	surf_t *s = NULL;
	char cause[256];
	int rc = img_decode(path, &fr, cause, sizeof cause);
	CHECK(rc == 0, "%s: %s", path, cause);
	if (rc == 0) {
		rc = img_convert(fr, 1, &s, cause, sizeof cause);
		CHECK(rc == 0 && s && s->w >= 16, "%s: %s", path, cause);
	}
	if (s)
		frame_case(s, path);
	surf_free(s);
	av_frame_free(&fr);
}

static void test_frames(void)
{
	frame_file("tests/golden/golden/kenburns@15s.png");
	frame_file("tests/golden/golden/lua-effects@2.5s.png");
	frame_file("tests/golden/golden/tpl-explainer@14.5s.png");
	/* a frame of the example rendered now by the vidc under test (a photo, text, a title box) */
	const char *vidc = getenv("VIDC") ? getenv("VIDC") : "build/vidc";
	const char *out = check_path("cold-brew.png");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' frame examples/cold-brew.vid --at 9s -o '%s' 2>&1", vidc, out);
	CHECK(system(cmd) == 0, "%s failed", cmd);
	frame_file(out);
}

int main(void)
{
	CHECK(simd_cpu() == top_level(), "simd_cpu() says %s, the CPU supports %s", simd_name(simd_cpu()),
	      simd_name(top_level()));
	CHECK(simd_level() <= simd_cpu(), "level %d above the CPU's %d", simd_level(), simd_cpu());
	fprintf(stderr, "comparing levels scalar..%s\n", simd_name(top_level()));
	test_rows_random();
	test_yuv_random();
	test_canvas_random();
	test_frames();
	return check_done();
}
