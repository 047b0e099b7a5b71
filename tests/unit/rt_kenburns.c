/*
 * rt_kenburns.c - Ken Burns motion is sub-pixel smooth. A photo with one Gaussian blob is panned
 * and zoomed; the blob's centroid is tracked in every rendered frame to a hundredth of a pixel.
 * The RMS of the second difference of its position must stay <= 0.25 px/frame^2 (rounding the
 * window to whole pixels, as ffmpeg's zoompan does, gives about 1.4), and the position must
 * match the analytic Ken Burns mapping of ir.h within 0.1 px.
 */
#include "rt_test.h"

#include "../../runtime/encode.h"
#include "../../runtime/layer.h"

#define SW 1200
#define SH 900
#define BX 560.0
#define BY 430.0
#define SIGMA 18.0

static void write_blob(const char *path)
{
	surf_t *s = surf_new(SW, SH);
	for (int y = 0; y < SH; y++)
		for (int x = 0; x < SW; x++) {
			double d2 = (x + 0.5 - BX) * (x + 0.5 - BX) + (y + 0.5 - BY) * (y + 0.5 - BY);
			unsigned v = 20 + (unsigned)lrint(215 * exp(-d2 / (2 * SIGMA * SIGMA)));
			s->px[(size_t)y * s->stride + x] = v | v << 8 | v << 16 | 0xff000000u;
		}
	t_write_png(s, path);
	surf_free(s);
}

static void centroid(const surf_t *s, double *cx, double *cy)
{
	double sw = 0, sx = 0, sy = 0;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			double v = (double)(t_px(s, x, y) & 255) - 20;
			if (v <= 2)
				continue;
			sw += v;
			sx += v * (x + 0.5);
			sy += v * (y + 0.5);
		}
	*cx = sw > 0 ? sx / sw : -1;
	*cy = sw > 0 ? sy / sw : -1;
}

/* Where ir.h says the blob lands on a W x H canvas at zoom z, pan (px, py): as asked when the
 * zoom reaches the horizontal path all along (reach), else mapped by ir_pan_fit over the path's
 * span [p0, p1]; the vertical pan is still. */
static void expected(int W, int H, double z, double px, double py, int reach, double p0, double p1,
		     double *ex, double *ey)
{
	double s = fmax((double)W / SW, (double)H / SH);
	double ww = W / s / z, wh = H / s / z;
	double cx = reach ? px : ir_pan_fit(px, p0, p1, ww / SW);
	double u0 = cx * SW - ww / 2, v0 = ir_pan_fit(py, py, py, wh / SH) * SH - wh / 2;
	*ex = (BX - u0) * W / ww;
	*ey = (BY - v0) * H / wh;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The frame-to-frame motion of an eased pan is smooth across the whole scene (issue 16): no
 * frame stands still in its middle two thirds (clamping a pan the zoom cannot reach held the
 * picture for most of the scene, then lurched across in a few frames; a zoom and a pan pulling
 * opposite ways may turn the motion, which passes through 0 without holding), and no step is
 * more than 3 times the median step (an in_out ease's peak speed is 1.5 times its mean). */
static void steps(const char *name, const double *xs, int n)
{
	double d[64], sorted[64];
	if (n - 1 > 64)
		n = 65;
	for (int f = 0; f + 1 < n; f++)
		sorted[f] = fabs(d[f] = xs[f + 1] - xs[f]);
	qsort(sorted, (size_t)(n - 1), sizeof *sorted, by_value);
	double med = sorted[(n - 1) / 2], max = sorted[n - 2];
	int still = 0;
	for (int f = (n - 1) / 6; f < (n - 1) - (n - 1) / 6; f++)
		still += fabs(d[f]) < 0.02 && !(d[f - 1] * d[f + 1] < 0); /* a turn passes through 0 */
	printf("rt_kenburns: %-10s steps median %.3f px, max %.3f px, %d still frames in the middle\n", name,
	       med, max, still);
	CHECK(still == 0, "%s: %d frames without motion in the middle of the pan", name, still);
	CHECK(max <= 3 * med, "%s: a step of %.3f px against a median of %.3f px (a lurch)", name, max, med);
}

static void run_case(const char *name, const char *img, ir_curve (*zoom)(ir_program *),
		     ir_curve (*panx)(ir_program *))
{
	const int W = 320, H = 180, N = 60;
	ir_program *p = t_prog(W, H, N);
	int id = t_image(p, img, 2);
	int l = t_layer(p, id, 0, 0, W, H, IR_FIT_COVER);
	p->nodes[l].u.layer.kenburns = 1;
	p->nodes[l].u.layer.zoom = zoom(p);
	p->nodes[l].u.layer.pan_x = panx(p);
	p->nodes[l].u.layer.pan_y = ir_curve_const(p, 0.5);
	int sc = t_scene(p, 0, N, t_ids(p, 1, l), 1);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	/* issue 17: the photo keeps only what the window ever shows (the 4:3 photo's cover crop on
	 * 16:9 is 75 % of its height at zoom 1), and the positions below are checked on that crop */
	double win[4];
	layer_need_window(p, id, SW, SH, win);
	CHECK(win[0] >= 0 && win[1] >= 0 && win[2] <= SW && win[3] <= SH && win[3] - win[1] <= 0.76 * SH &&
		      win[2] - win[0] > 0.5 * SW,
	      "%s: the window kept is [%.1f, %.1f] x [%.1f, %.1f] of %dx%d", name, win[0], win[2], win[1], win[3],
	      SW, SH);
	char err[512];
	rt_graph *g = NULL;
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "%s", err);
	double xs[N], ys[N], maxerr = 0;
	for (int f = 0; f < N && g; f++) {
		surf_t *s = t_render(p, g, f);
		if (!s) {
			t_failures++;
			break;
		}
		centroid(s, &xs[f], &ys[f]);
		surf_free(s);
		const ir_node *ln = &p->nodes[l];
		double t = ir_frame_time(p, f), ex, ey, p0, p1;
		ir_curve_range(&ln->u.layer.pan_x, &p0, &p1);
		/* the photo is 4:3 on a 16:9 canvas: at zoom 1 the window is its whole width */
		int reach = ir_pan_reachable(&ln->u.layer.pan_x, &ln->u.layer.zoom, 1, 0, ir_frame_time(p, N - 1));
		expected(W, H, ir_curve_eval(&ln->u.layer.zoom, t), ir_curve_eval(&ln->u.layer.pan_x, t), 0.5,
			 reach, p0, p1, &ex, &ey);
		maxerr = fmax(maxerr, hypot(xs[f] - ex, ys[f] - ey));
	}
	graph_free(g);
	steps(name, xs, N);
	double sum = 0;
	for (int f = 1; f + 1 < N; f++) {
		double ax = xs[f + 1] - 2 * xs[f] + xs[f - 1], ay = ys[f + 1] - 2 * ys[f] + ys[f - 1];
		sum += ax * ax + ay * ay;
	}
	double rms = sqrt(sum / (N - 2));
	printf("rt_kenburns: %-10s travel %.1f px, RMS 2nd difference %.4f px/frame^2, max error %.3f px\n",
	       name, hypot(xs[N - 1] - xs[0], ys[N - 1] - ys[0]), rms, maxerr);
	CHECK(hypot(xs[N - 1] - xs[0], ys[N - 1] - ys[0]) > 5, "%s: the blob must move", name);
	CHECK(rms <= 0.25, "%s: RMS second difference %.4f > 0.25", name, rms);
	CHECK(maxerr < 0.1, "%s: centroid off the analytic position by %.3f px", name, maxerr);
	ir_program_free(p);
}

static ir_curve zoom_const(ir_program *p) { return ir_curve_const(p, 1.3); }
static ir_curve zoom_ramp(ir_program *p) { return t_ramp(p, 0, 1.0, 2, 1.6, IR_EASE_IN_OUT); }
static ir_curve zoom_slow(ir_program *p) { return t_ramp(p, 0, 1.25, 2, 1.5, IR_EASE_LINEAR); }
static ir_curve pan_const(ir_program *p) { return ir_curve_const(p, 0.5); }
static ir_curve pan_ramp(ir_program *p) { return t_ramp(p, 0, 0.4, 2, 0.6, IR_EASE_LINEAR); }
static ir_curve pan_ease(ir_program *p) { return t_ramp(p, 0, 0.42, 2, 0.58, IR_EASE_IN_OUT); }
/* issue 16: pan 30% -> 70% at zoom 1.05 (the window can centre only between 47.6% and 52.4%) */
static ir_curve zoom_tight(ir_program *p) { return ir_curve_const(p, 1.05); }
static ir_curve pan_far(ir_program *p) { return t_ramp(p, 0, 0.3, 2, 0.7, IR_EASE_IN_OUT); }
/* a zoom-in from the whole picture that drifts right: at zoom 1 no pan is off-centre */
static ir_curve zoom_in(ir_program *p) { return t_ramp(p, 0, 1.0, 2, 1.3, IR_EASE_LINEAR); }
static ir_curve pan_drift(ir_program *p) { return t_ramp(p, 0, 0.35, 2, 0.65, IR_EASE_IN_OUT); }

int main(void)
{
	char img[256];
	snprintf(img, sizeof img, "%s/blob.png", check_tmpdir());
	write_blob(img);
	run_case("pan", img, zoom_const, pan_ramp);
	run_case("zoom", img, zoom_ramp, pan_const);
	run_case("pan+zoom", img, zoom_slow, pan_ease);
	run_case("far pan", img, zoom_tight, pan_far);
	run_case("drift", img, zoom_in, pan_drift);
	return check_done();
}
