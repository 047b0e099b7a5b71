/*
 * rt_jpegrows.c - JPEG photos decoded by rows (base/jpegdec) and scaled band by band
 * (runtime/image.c, img_load) give bit for bit the pixels of the whole decoded picture scaled at
 * once (img_decode + img_convert), for every chroma layout and for scales down, far down, none
 * and up; a truncated or damaged JPEG is an error naming the damage, never a picture with a grey
 * half; the pixel limit holds before decoding; EXIF orientation is read.
 */
#include "check.h"

#include <stdint.h>
#include <stdio.h>

#include <jpeglib.h>
#include <libavutil/frame.h>

#include "../../base/jpegdec.h"
#include "../../base/media.h"
#include "../../runtime/image.h"

/* Writes a w x h JPEG with luma sampling hs x vs (chroma 1 x 1; 0 x 0: grayscale) holding a
 * pattern with detail at every scale (rings, a diagonal ramp, noise), and an EXIF orientation
 * (0: no EXIF). Returns its size in bytes. */
static long write_jpeg(const char *path, int w, int h, int hs, int vs, int orientation)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(2);
	}
	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, f);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = hs ? 3 : 1;
	c.in_color_space = hs ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 92, TRUE);
	if (hs) {
		c.comp_info[0].h_samp_factor = hs;
		c.comp_info[0].v_samp_factor = vs;
	}
	jpeg_start_compress(&c, TRUE);
	if (orientation) {
		/* "Exif\0\0", a little-endian TIFF header, IFD0 with one entry: Orientation (SHORT) */
		uint8_t ex[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
				0x12, 0x01, 3, 0, 1, 0, 0, 0, (uint8_t)orientation, 0, 0, 0, 0, 0, 0, 0};
		jpeg_write_marker(&c, JPEG_APP0 + 1, ex, sizeof ex);
	}
	JSAMPLE *row = malloc((size_t)w * 3);
	uint32_t seed = 12345;
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			seed = seed * 1664525u + 1013904223u;
			int dx = x - w / 3, dy = y - h / 2, r2 = dx * dx + dy * dy;
			int ring = (r2 / 97) & 1 ? 200 : 40, ramp = (x + 2 * y) * 255 / (w + 2 * h), noise = seed >> 27;
			if (hs) {
				row[3 * x] = (JSAMPLE)(ring + noise);
				row[3 * x + 1] = (JSAMPLE)ramp;
				row[3 * x + 2] = (JSAMPLE)((x / 7 + y / 5) & 1 ? 230 : 20);
			} else {
				row[x] = (JSAMPLE)((ring + ramp) / 2 + noise);
			}
		}
		JSAMPROW rp = row;
		jpeg_write_scanlines(&c, &rp, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	long n = ftell(f);
	fclose(f);
	return n;
}

static int same(const surf_t *a, const surf_t *b)
{
	if (a->w != b->w || a->h != b->h)
		return 0;
	for (int y = 0; y < a->h; y++)
		if (memcmp(a->px + (size_t)y * a->stride, b->px + (size_t)y * b->stride, (size_t)a->w * 4))
			return 0;
	return 1;
}

/* img_load (by rows) against img_decode + img_convert (whole) at scale k. */
static void compare(const char *path, const char *what, double k)
{
	char cause[256];
	AVFrame *fr = NULL;
	surf_t *whole = NULL, *rows = NULL;
	CHECK(img_decode(path, &fr, cause, sizeof cause) == 0, "%s: decode: %s", what, cause);
	if (fr)
		CHECK(img_convert(fr, k, &whole, cause, sizeof cause) == 0, "%s: convert: %s", what, cause);
	av_frame_free(&fr);
	CHECK(img_load(path, k, &rows, cause, sizeof cause) == 0, "%s x%.3f: by rows: %s", what, k, cause);
	if (whole && rows)
		CHECK(same(whole, rows), "%s x%.3f: by rows %dx%d differs from whole %dx%d", what, k, rows->w,
		      rows->h, whole->w, whole->h);
	surf_free(whole);
	surf_free(rows);
}

static void test_same_pixels(void)
{
	static const struct {
		int hs, vs;
		const char *name;
	} layouts[] = {{2, 2, "420"}, {2, 1, "422"}, {1, 1, "444"}, {1, 2, "440"}, {0, 0, "gray"}};
	static const double scales[] = {0.566, 0.31, 0.02, 1, 1.6};
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		/* odd sizes: the last rows and columns of a partial block */
		const char *p = check_path(check_fmt("p-%s.jpg", layouts[i].name));
		write_jpeg(p, 601, 1203, layouts[i].hs, layouts[i].vs, 0);
		jpegdec_t *d;
		jpegdec_info ji;
		vidc_err e;
		CHECK(jpegdec_open(&d, p, 8, &ji, &e) == 0, "%s: jpegdec_open", layouts[i].name);
		jpegdec_free(d);
		for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++)
			compare(p, layouts[i].name, scales[s]);
	}
}

static void test_damage(void)
{
	const char *p = check_path("good.jpg"), *t = check_path("cut.jpg"), *b = check_path("bad.jpg");
	long n = write_jpeg(p, 640, 960, 2, 2, 0);
	size_t len;
	char *data = NULL;
	FILE *f = fopen(p, "rb");
	if (f) {
		data = malloc((size_t)n);
		len = fread(data, 1, (size_t)n, f);
		fclose(f);
	}
	if (!data) {
		CHECK(0, "cannot read %s", p);
		return;
	}
	char cause[256];
	surf_t *s = NULL;
	AVFrame *fr = NULL;
	/* cut at 60 %: the rows decoded so far must not become a picture */
	check_write(t, data, len * 6 / 10);
	CHECK(img_load(t, 0.5, &s, cause, sizeof cause) == VE_DECODE && !s, "truncated JPEG loaded");
	CHECK(strstr(cause, "corrupt or truncated"), "truncated: %s", cause);
	CHECK(img_decode(t, &fr, cause, sizeof cause) == VE_DECODE && !fr, "truncated JPEG decoded");
	/* garbage over the middle of the entropy-coded data */
	for (size_t i = len / 2; i < len / 2 + 64; i++)
		data[i] = (char)(i * 37);
	data[len / 2] = (char)0xFF;
	data[len / 2 + 1] = (char)0xD9; /* an early end of image */
	check_write(b, data, len);
	CHECK(img_load(b, 0.5, &s, cause, sizeof cause) == VE_DECODE && !s, "damaged JPEG loaded");
	/* a header claiming 40000x40000: refused before decoding, with the numbers */
	memcpy(data, "\xFF\xD8\xFF\xC0\x00\x11\x08\x9C\x40\x9C\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01",
	       21);
	check_write(b, data, 64);
	CHECK(img_load(b, 0.5, &s, cause, sizeof cause) == VE_LIMIT && !s, "40000x40000 JPEG not refused");
	CHECK(strstr(cause, "40000x40000"), "limit: %s", cause);
	free(data);
}

static void test_orientation(void)
{
	const char *p = check_path("turned.jpg");
	write_jpeg(p, 320, 200, 2, 2, 6);
	char cause[256];
	AVFrame *fr = NULL;
	CHECK(img_decode(p, &fr, cause, sizeof cause) == 0, "decode: %s", cause);
	if (fr)
		CHECK(img_orientation(fr) == 6, "orientation %d, not 6", img_orientation(fr));
	av_frame_free(&fr);
	surf_t *s = NULL;
	CHECK(img_load(p, 1, &s, cause, sizeof cause) == 0 && s && s->w == 200 && s->h == 320,
	      "turned JPEG: %dx%d", s ? s->w : 0, s ? s->h : 0);
	surf_free(s);
}

int main(void)
{
	test_same_pixels();
	test_damage();
	test_orientation();
	return check_done();
}
