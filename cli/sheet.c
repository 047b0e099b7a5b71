/*
 * sheet.c - `vidc sheet SPEC [--preset P] [--cols N] [--frames N | --every 2s] -o sheet.png`: a
 * contact sheet, frames of the video in a grid, each labelled with its time, so a designer sees
 * a template or an effect at a glance (the pictures in SPEC.md are made with it). Frames are
 * composed by the frame graph exactly as the encoder would get them, then area-averaged down.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler/compile.h"
#include "../runtime/draw.h"
#include "../runtime/font.h"
#include "../runtime/golden.h"
#include "../runtime/graph.h"
#include "../runtime/text.h"
#include "cmds.h"

#define SHEET_MAX_FRAMES 200

static int sheet_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "vidc: sheet: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\nusage: vidc sheet SPEC.vid [--preset P] [--cols N] [--frames N | --every 2s] "
			"[--width PX] -o sheet.png\n");
	return 2;
}

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

static void label(font_ctx *fc, surf_t *dst, const char *str, double x, double y, double size,
		  ir_color color, int bold)
{
	ir_text_style st;
	memset(&st, 0, sizeof st);
	st.font = "DejaVu Sans";
	st.weight = bold ? 700 : 400;
	st.size = size;
	st.line_spacing = 1;
	st.color = color;
	st.align = IR_ALIGN_LEFT;
	text_req r = {str, NULL, &st, 0, 1};
	text_out o;
	char cause[256];
	if (text_render(fc, &r, &o, cause, sizeof cause))
		return;
	draw_params d = {0, 0, o.surf->w, o.surf->h, x - o.ox, y - o.oy, x - o.ox + o.surf->w,
			 y - o.oy + o.surf->h, 0, 0, 0, 1};
	draw_surface(dst, o.surf, &d);
	surf_free(o.surf);
}

static int write_png(const surf_t *s, const char *path)
{
	golden_image img = {s->w, s->h, malloc((size_t)s->w * s->h * 4)};
	if (!img.rgba)
		return -1;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			uint32_t p = s->px[(size_t)y * s->stride + x];
			uint8_t *o = img.rgba + ((size_t)y * s->w + x) * 4;
			unsigned a = p >> 24;
			for (int c = 0; c < 3; c++) {
				unsigned v = (p >> (8 * c)) & 255;
				o[c] = (uint8_t)(a == 255 || !a ? v : (v * 255 + a / 2) / a);
			}
			o[3] = (uint8_t)a;
		}
	char err[512];
	int rc = golden_write(path, &img, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	free(img.rgba);
	return rc;
}

static int parse_time(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v) || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	*out = v;
	return 0;
}

int cmd_sheet(int argc, char **argv)
{
	const char *spec = NULL, *preset = NULL, *out = NULL;
	int cols = 0, nframes = 0, width = 1600;
	double every = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = !strcmp(a, "--preset") || !strcmp(a, "--cols") || !strcmp(a, "--frames") ||
			    !strcmp(a, "--every") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
			    !strcmp(a, "--width");
		if (takes && !v)
			return sheet_usage("option '%s' needs a value", a);
		if (!strcmp(a, "--preset"))
			preset = v;
		else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
			out = v;
		else if (!strcmp(a, "--cols") && ((cols = atoi(v)) < 1 || cols > 20))
			return sheet_usage("--cols takes 1 to 20, not '%s'", v);
		else if (!strcmp(a, "--frames") && ((nframes = atoi(v)) < 1 || nframes > SHEET_MAX_FRAMES))
			return sheet_usage("--frames takes 1 to 200, not '%s'", v);
		else if (!strcmp(a, "--width") && ((width = atoi(v)) < 200 || width > 8000))
			return sheet_usage("--width takes 200 to 8000 pixels, not '%s'", v);
		else if (!strcmp(a, "--every") && parse_time(v, &every))
			return sheet_usage("--every takes a duration such as 2s or 500ms, not '%s'", v);
		else if (!takes && a[0] == '-')
			return sheet_usage("unknown option '%s'", a);
		else if (!takes && spec)
			return sheet_usage("one spec only ('%s')", a);
		else if (!takes)
			spec = a;
		if (takes)
			i++;
	}
	if (!spec || !out)
		return sheet_usage("%s", !spec ? "which spec?" : "where to? (-o sheet.png)");
	if (nframes && every > 0)
		return sheet_usage("%s", "--frames or --every, not both");

	diag_sink *d = diag_new();
	compile_opts o = {NULL, 1};
	spec_t *s = compile_spec(spec, d, &o);
	diag_print(d, stderr, 0);
	int rc = 1;
	if (diag_errors(d)) {
		fprintf(stderr, "%d error%s in %s\n", diag_errors(d), diag_errors(d) == 1 ? "" : "s", spec);
		goto done_spec;
	}
	if (preset && !compile_has_preset(s, preset)) {
		fprintf(stderr, "vidc: the spec does not name preset '%s'\n", preset);
		goto done_spec;
	}
	if (!preset)
		preset = compile_preset(s, 0);
	ir_program *p = compile_lower(s, preset);
	double fps = (double)p->fps_num / p->fps_den;
	int64_t fr[SHEET_MAX_FRAMES];
	int n = 0;
	if (every > 0) {
		for (double t = 0; n < SHEET_MAX_FRAMES; t += every) {
			int64_t f = (int64_t)floor(t * fps + 1e-6);
			if (f >= p->frames)
				break;
			fr[n++] = f;
		}
	} else {
		if (!nframes)
			nframes = 12;
		for (int i = 0; i < nframes && p->frames > 0; i++) {
			int64_t f = (int64_t)floor((i + 0.5) * (double)p->frames / nframes);
			if (n == 0 || f != fr[n - 1])
				fr[n++] = f;
		}
	}
	if (!n) {
		fprintf(stderr, "vidc: %s has no frames\n", spec);
		goto done_prog;
	}
	if (!cols)
		cols = p->width >= p->height ? 4 : 6;
	if (cols > n)
		cols = n;
	int rows = (n + cols - 1) / cols;
	int gap = 12, pad = 24, head = 56, lab = 30;
	int cw = (width - 2 * pad - (cols - 1) * gap) / cols;
	int chh = (int)lrint((double)cw * p->height / p->width);
	if (cw < 16 || chh < 16) {
		fprintf(stderr, "vidc: sheet: cells too small; use fewer --cols or a larger --width\n");
		goto done_prog;
	}
	int H = pad + head + rows * (chh + lab) + (rows - 1) * gap + pad;
	surf_t *sheet = surf_new(width, H), *frame = surf_new(p->width, p->height);
	font_ctx *fc = NULL;
	char cause[256], err[1024];
	rt_graph *g = NULL;
	if (!sheet || !frame || font_ctx_new(&fc, cause, sizeof cause)) {
		fprintf(stderr, "vidc: sheet: out of memory or no fonts\n");
		goto done_all;
	}
	if (graph_new(&g, p, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		goto done_all;
	}
	surf_fill(sheet, surf_pack((ir_color){27, 27, 31, 255}));
	char title[512];
	snprintf(title, sizeof title, "%s  -  %s %dx%d, %.2fs", spec, preset, p->width, p->height,
		 ir_frame_time(p, p->frames));
	label(fc, sheet, title, pad, pad + 4, 24, (ir_color){235, 235, 235, 255}, 1);
	for (int i = 0; i < n; i++) {
		if (graph_render(g, fr[i], frame, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			goto done_all;
		}
		graph_release_before(g, fr[i]);
		int x = pad + (i % cols) * (cw + gap), y = pad + head + (i / cols) * (chh + lab + gap);
		downscale(sheet, x, y, cw, chh, frame);
		char t[64];
		snprintf(t, sizeof t, "%.2fs  (frame %lld)", ir_frame_time(p, fr[i]), (long long)fr[i]);
		label(fc, sheet, t, x + 2, y + chh + 6, 16, (ir_color){200, 200, 200, 255}, 0);
	}
	if (write_png(sheet, out) == 0) {
		printf("%s: %d frames, %dx%d\n", out, n, width, H);
		rc = 0;
	}
done_all:
	graph_free(g);
	font_ctx_free(fc);
	surf_free(sheet);
	surf_free(frame);
done_prog:
	ir_program_free(p);
done_spec:
	compile_free(s);
	diag_free(d);
	return rc;
}
