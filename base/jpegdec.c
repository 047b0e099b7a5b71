/*
 * jpegdec.c - JPEG decoding by rows with libjpeg-turbo (see jpegdec.h). libjpeg reports errors
 * through error_exit, which must not return: it longjmps back to the call that was running.
 * Warnings about the entropy-coded data (a truncated file, a bad Huffman code) are errors here,
 * as libav's strict decoder makes them for the other formats.
 */
#include "jpegdec.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "media.h"

/* A progressive JPEG may hold any number of scans, each a pass over the whole coefficient array:
 * a few kilobytes can keep a decoder busy for minutes. Real files have about 10; libjpeg-turbo's
 * own tools stop at 500. */
#define MAX_SCANS 500

struct jpegdec {
	struct jpeg_decompress_struct ci;
	struct jpeg_error_mgr jerr;
	struct jpeg_progress_mgr prog;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX + 64];
	FILE *f;
	int started, ncomp, log2ch, rows;
	int vrows[3]; /* rows of component c per iMCU row */
	JSAMPARRAY arr[3];
	int out_rows;
};

static void on_error(j_common_ptr ci)
{
	jpegdec_t *d = (jpegdec_t *)ci->client_data;
	char m[JMSG_LENGTH_MAX];
	ci->err->format_message(ci, m);
	snprintf(d->msg, sizeof d->msg, "%s", m);
	longjmp(d->jump, 1);
}

/* Warnings that say nothing about the pixels: bytes between markers, unknown JFIF or Adobe
 * versions, a bad ICC profile (not used). The others mean the picture is damaged. */
static int harmless(int code)
{
	return code == JWRN_EXTRANEOUS_DATA || code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM ||
	       code == JWRN_BOGUS_ICC;
}

static void on_message(j_common_ptr ci, int level)
{
	/* level -1 is a warning, >= 0 trace messages (not shown) */
	if (level < 0 && !harmless(ci->err->msg_code))
		on_error(ci);
}

static void on_progress(j_common_ptr ci)
{
	const struct jpeg_decompress_struct *c = (const struct jpeg_decompress_struct *)ci;
	if (c->input_scan_number > MAX_SCANS) {
		jpegdec_t *d = (jpegdec_t *)ci->client_data;
		snprintf(d->msg, sizeof d->msg, "more than %d progressive scans", MAX_SCANS);
		longjmp(d->jump, 1);
	}
}

/* ---- EXIF orientation -------------------------------------------------------------------- */

static unsigned rd16(const uint8_t *p, int be) { return be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0]; }
static uint32_t rd32(const uint8_t *p, int be)
{
	return be ? (uint32_t)rd16(p, 1) << 16 | rd16(p + 2, 1) : (uint32_t)rd16(p + 2, 0) << 16 | rd16(p, 0);
}

/* The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment (TIFF 6.0 layout), or 1. */
static int exif_orientation(const uint8_t *a, size_t n)
{
	if (n < 14 || memcmp(a, "Exif\0\0", 6))
		return 1;
	const uint8_t *t = a + 6;
	size_t tn = n - 6;
	int be = t[0] == 'M' && t[1] == 'M';
	if (!be && !(t[0] == 'I' && t[1] == 'I'))
		return 1;
	uint32_t ifd = rd32(t + 4, be);
	if (ifd > tn - 2 || ifd < 8)
		return 1;
	unsigned cnt = rd16(t + ifd, be);
	for (unsigned i = 0; i < cnt && ifd + 2 + 12 * (size_t)(i + 1) <= tn; i++) {
		const uint8_t *e = t + ifd + 2 + 12 * (size_t)i;
		if (rd16(e, be) == 0x0112 && rd16(e + 2, be) == 3) { /* SHORT */
			unsigned o = rd16(e + 8, be);
			return o >= 1 && o <= 8 ? (int)o : 1;
		}
	}
	return 1;
}

/* ---- opening ----------------------------------------------------------------------------- */

/* The libav layout of the stored planes, or AV_PIX_FMT_NONE when libav should decode it. */
static enum AVPixelFormat layout(const struct jpeg_decompress_struct *c, int *log2ch)
{
	*log2ch = 0;
	if (c->data_precision != 8 || c->arith_code)
		return AV_PIX_FMT_NONE;
	if (c->num_components == 1 && c->jpeg_color_space == JCS_GRAYSCALE)
		return AV_PIX_FMT_GRAY8;
	if (c->num_components != 3 || c->jpeg_color_space != JCS_YCbCr)
		return AV_PIX_FMT_NONE;
	const jpeg_component_info *k = c->comp_info;
	if (k[1].h_samp_factor != 1 || k[1].v_samp_factor != 1 || k[2].h_samp_factor != 1 ||
	    k[2].v_samp_factor != 1)
		return AV_PIX_FMT_NONE;
	int h = k[0].h_samp_factor, v = k[0].v_samp_factor;
	*log2ch = v == 2;
	if (h == 2 && v == 2)
		return AV_PIX_FMT_YUVJ420P;
	if (h == 2 && v == 1)
		return AV_PIX_FMT_YUVJ422P;
	if (h == 1 && v == 1)
		return AV_PIX_FMT_YUVJ444P;
	if (h == 1 && v == 2)
		return AV_PIX_FMT_YUVJ440P;
	if (h == 4 && v == 1)
		return AV_PIX_FMT_YUVJ411P;
	return AV_PIX_FMT_NONE;
}

/* The part of jpegdec_open that may longjmp: header, layout, start. 0, 1 (libav's), or VE_*. */
static int start(jpegdec_t *d, int scale_num, jpegdec_info *info, vidc_err *e)
{
	struct jpeg_decompress_struct *c = &d->ci;
	jpeg_save_markers(c, JPEG_APP0 + 1, 0xFFFF);
	if (jpeg_read_header(c, TRUE) != JPEG_HEADER_OK)
		return 1;
	int rc = media_check_pixels(c->image_width, c->image_height, e);
	if (rc)
		return rc;
	if ((info->fmt = layout(c, &d->log2ch)) == AV_PIX_FMT_NONE)
		return 1;
	info->orientation = 1;
	for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next)
		if (m->marker == JPEG_APP0 + 1 && (info->orientation = exif_orientation(m->data, m->data_length)) != 1)
			break;
	c->raw_data_out = TRUE;
	c->dct_method = JDCT_ISLOW;
	c->scale_num = (unsigned)(scale_num >= 1 && scale_num <= 8 ? scale_num : 8);
	c->scale_denom = 8;
	if (!jpeg_start_decompress(c))
		return 1;
	d->started = 1;
	d->ncomp = c->num_components;
	d->rows = c->max_v_samp_factor * c->min_DCT_scaled_size;
	for (int k = 0; k < d->ncomp; k++) {
		const jpeg_component_info *ck = &c->comp_info[k];
		d->vrows[k] = ck->v_samp_factor * ck->DCT_scaled_size;
		/* whole blocks: libjpeg writes the padding too */
		JDIMENSION w = ck->width_in_blocks * (JDIMENSION)ck->DCT_scaled_size;
		d->arr[k] = (*c->mem->alloc_sarray)((j_common_ptr)c, JPOOL_IMAGE, w, (JDIMENSION)d->vrows[k]);
	}
	info->width = (int)c->output_width;
	info->height = (int)c->output_height;
	info->full_w = (int)c->image_width;
	info->full_h = (int)c->image_height;
	info->log2_chroma_h = d->log2ch;
	info->rows = d->rows;
	return 0;
}

int jpegdec_open(jpegdec_t **out, const char *path, int scale_num, jpegdec_info *info, vidc_err *e)
{
	*out = NULL;
	memset(info, 0, sizeof *info);
	/* local regular file, and the declared size within the limit, before any decoding */
	int rc = media_image_check(path, e);
	if (rc)
		return rc;
	jpegdec_t *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(e, VE_NOMEM, "out of memory");
	if (!(d->f = fopen(path, "rb"))) {
		int en = errno;
		free(d);
		return err_set(e, err_errno_code(en), "%s", err_errno_cause(en));
	}
	d->ci.err = jpeg_std_error(&d->jerr);
	d->jerr.error_exit = on_error;
	d->jerr.emit_message = on_message;
	d->ci.client_data = d;
	if (setjmp(d->jump)) {
		/* a header libjpeg refuses: libav reads it or names the fault */
		jpegdec_free(d);
		return 1;
	}
	jpeg_create_decompress(&d->ci);
	d->prog.progress_monitor = on_progress;
	d->ci.progress = &d->prog;
	jpeg_stdio_src(&d->ci, d->f);
	rc = start(d, scale_num, info, e);
	if (rc) {
		jpegdec_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int jpegdec_read(jpegdec_t *d, uint8_t *const data[3], const int linesize[3], vidc_err *e)
{
	struct jpeg_decompress_struct *c = &d->ci;
	if (c->output_scanline >= c->output_height)
		return 0;
	if (setjmp(d->jump))
		return err_set(e, VE_DECODE, "corrupt or truncated picture data (%s)", d->msg);
	JDIMENSION y = c->output_scanline;
	if (jpeg_read_raw_data(c, d->arr, (JDIMENSION)d->rows) != (JDIMENSION)d->rows)
		return err_set(e, VE_DECODE, "corrupt or truncated picture data");
	int n = (int)(c->output_height - y < (JDIMENSION)d->rows ? c->output_height - y : (JDIMENSION)d->rows);
	for (int k = 0; k < d->ncomp; k++) {
		const jpeg_component_info *ck = &c->comp_info[k];
		int sh = k ? d->log2ch : 0;
		int rows = (n + (1 << sh) - 1) >> sh;
		size_t w = ck->downsampled_width;
		for (int i = 0; i < rows && i < d->vrows[k]; i++)
			memcpy(data[k] + (ptrdiff_t)linesize[k] * i, d->arr[k][i], w);
	}
	return n;
}

void jpegdec_free(jpegdec_t *d)
{
	if (!d)
		return;
	/* jpeg_destroy frees every libjpeg allocation; it never calls error_exit */
	jpeg_destroy_decompress(&d->ci);
	if (d->f)
		fclose(d->f);
	free(d);
}
