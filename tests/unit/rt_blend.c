/*
 * rt_blend.c - issue 16's blend modes, gradients and easings measured on pixels and values
 * (SPEC 18.3): each mode of known colours against the formula, a half-transparent layer half
 * way, normal mode bit for bit as before, a gradient's ends, middle and radial centre vs corner,
 * and the spring and bounce easings.
 */
#include "rt_test.h"

#include "../../runtime/blend.h"
#include "../../runtime/gradient.h"

/* A 32 x 16 program: a backdrop solid bg under a solid top blended by mode at opacity op (with
 * gradient gr), both full frame and opaque: layer_covers must not take the top one as hiding
 * the backdrop (it did before blends, and the backdrop was never drawn). */
static surf_t *two_solids(ir_color bg, ir_color top, int mode, double op, const ir_gradient *gr)
{
	ir_program *p = t_prog(32, 16, 4);
	int a = t_solid(p, bg), b = t_solid(p, top);
	int la = t_layer(p, a, 0, 0, 32, 16, IR_FIT_FILL), lb = t_layer(p, b, 0, 0, 32, 16, IR_FIT_FILL);
	p->nodes[lb].u.layer.blend = mode;
	p->nodes[lb].u.layer.opacity = ir_curve_const(p, op);
	p->nodes[lb].u.layer.gradient = gr;
	int sc = t_scene(p, 0, 4, t_ids(p, 2, la, lb), 2);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	surf_t *s = t_render(p, NULL, 1);
	ir_program_free(p);
	return s;
}

static void expect(const char *what, ir_color bg, ir_color top, int mode, double op, int r, int g, int b)
{
	surf_t *s = two_solids(bg, top, mode, op, NULL);
	CHECK(s, "%s: render failed", what);
	if (s)
		CHECK(t_near(t_px(s, 16, 8), r, g, b, 1), "%s: " PXFMT ", expected (%d,%d,%d)", what,
		      PXARG(t_px(s, 16, 8)), r, g, b);
	surf_free(s);
}

static void test_modes(void)
{
	ir_color grey = t_rgb(128, 128, 128), c = t_rgb(200, 100, 50);
	expect("multiply", c, grey, IR_BLEND_MULTIPLY, 1, 100, 50, 25);
	/* screen: 1 - (1 - a)(1 - b): 200,128 -> 228; 100 -> 178; 50 -> 153 */
	expect("screen", c, grey, IR_BLEND_SCREEN, 1, 228, 178, 153);
	/* overlay on a backdrop above half is screen(2Cb - 1, Cs); below half 2 Cb Cs */
	expect("overlay", c, grey, IR_BLEND_OVERLAY, 1, 200, 100, 50);
	expect("overlay dark source", c, t_rgb(64, 64, 64), IR_BLEND_OVERLAY, 1, 172, 50, 25);
	expect("add clamps", c, t_rgb(100, 100, 100), IR_BLEND_ADD, 1, 255, 200, 150);
	expect("darken", c, t_rgb(150, 150, 150), IR_BLEND_DARKEN, 1, 150, 100, 50);
	expect("lighten", c, t_rgb(150, 150, 150), IR_BLEND_LIGHTEN, 1, 200, 150, 150);
	/* half transparent: half way between the backdrop and the blend */
	expect("multiply at 50%", c, grey, IR_BLEND_MULTIPLY, 0.5, 150, 75, 38);
	expect("add at 50%", c, t_rgb(100, 100, 100), IR_BLEND_ADD, 0.5, 228, 150, 100);
	/* normal is source-over, the same bits as the kernels of surface.c */
	expect("normal", c, grey, IR_BLEND_NORMAL, 0.5, 164, 114, 89);
	/* a transparent backdrop takes the source as it is (premultiplied formula, ab = 0) */
	uint32_t s = 0x80404040u; /* 50 % grey at alpha 128 */
	for (int m = 1; m < IR_BLEND_COUNT; m++)
		CHECK(blend_px(m)(0, s) == s, "%s over nothing is the source", ir_blend_names[m]);
	CHECK(blend_px(IR_BLEND_NORMAL) == surf_over_px && blend_row(IR_BLEND_NORMAL) == surf_row_sample_over,
	      "normal keeps surface.c's kernels");
}

static void test_gradients(void)
{
	ir_gradient lin = {0, 90, 2, {0, 1}, {t_rgb(0, 0, 0), t_rgb(255, 255, 255)}};
	surf_t *s = surf_new(256, 8);
	grad_fill(s, &lin);
	CHECK(t_near(t_px(s, 0, 4), 0, 0, 0, 1), "linear start " PXFMT, PXARG(t_px(s, 0, 4)));
	CHECK(t_near(t_px(s, 255, 4), 255, 255, 255, 1), "linear end " PXFMT, PXARG(t_px(s, 255, 4)));
	CHECK(t_near(t_px(s, 128, 4), 128, 128, 128, 1), "linear middle " PXFMT, PXARG(t_px(s, 128, 4)));
	/* the dither averages to the exact value: columns 126..129 hold 255 (x + 0.5) / 256, 127.5
	 * on average, and the 4x4 pattern's 16 pixels add up to 16 times that */
	int sum = 0;
	for (int x = 0; x < 4; x++)
		for (int y = 0; y < 4; y++)
			sum += (int)(t_px(s, 126 + x, y) & 255);
	CHECK(abs(sum - 2040) <= 8, "dithered mean %d / 16", sum);
	surf_free(s);
	/* 0deg runs to the top: the top row is the last stop */
	ir_gradient up = {0, 0, 3, {0, 0.5, 1}, {t_rgb(255, 0, 0), t_rgb(0, 255, 0), t_rgb(0, 0, 255)}};
	s = surf_new(8, 100);
	grad_fill(s, &up);
	CHECK(t_near(t_px(s, 4, 0), 0, 0, 255, 3), "0deg: top is the last stop " PXFMT, PXARG(t_px(s, 4, 0)));
	CHECK(t_near(t_px(s, 4, 99), 255, 0, 0, 3), "0deg: bottom is the first " PXFMT, PXARG(t_px(s, 4, 99)));
	CHECK(t_near(t_px(s, 4, 50), 0, 255, 0, 6), "0deg: middle stop " PXFMT, PXARG(t_px(s, 4, 50)));
	surf_free(s);
	ir_gradient rad = {1, 0, 2, {0, 1}, {t_rgb(255, 255, 255), t_rgb(0, 0, 0)}};
	s = surf_new(100, 100);
	grad_fill(s, &rad);
	CHECK(t_near(t_px(s, 50, 50), 255, 255, 255, 3), "radial centre " PXFMT, PXARG(t_px(s, 50, 50)));
	CHECK(t_near(t_px(s, 0, 0), 0, 0, 0, 3), "radial corner " PXFMT, PXARG(t_px(s, 0, 0)));
	/* the middle of an edge is 1/sqrt(2) of the way to the corner: 255 * (1 - 0.707) */
	CHECK(t_near(t_px(s, 99, 50), 75, 75, 75, 4), "radial edge " PXFMT, PXARG(t_px(s, 99, 50)));
	surf_free(s);
	/* a fade to transparent stays the same colour (premultiplied interpolation) */
	ir_gradient fade = {0, 90, 2, {0, 1}, {t_rgb(255, 0, 0), {255, 0, 0, 0}}};
	surf_t *f = two_solids(t_rgb(0, 0, 255), t_rgb(0, 255, 0), IR_BLEND_NORMAL, 1, &fade);
	CHECK(f, "gradient render");
	if (f) {
		/* pixel centres at 1/64 and 63/64 of the way */
		CHECK(t_near(t_px(f, 0, 8), 251, 0, 4, 2), "fill start: the first stop " PXFMT, PXARG(t_px(f, 0, 8)));
		CHECK(t_near(t_px(f, 31, 8), 4, 0, 251, 2), "fill end: the backdrop " PXFMT, PXARG(t_px(f, 31, 8)));
		CHECK(t_near(t_px(f, 16, 8), 124, 0, 131, 4), "fill middle: half red, no green (the solid's colour is not drawn) " PXFMT,
		      PXARG(t_px(f, 16, 8)));
	}
	surf_free(f);
}

static void test_easing(void)
{
	ir_ease sp = {IR_EASE_SPRING, {0.35, 0, 0, 0}}, bo = {IR_EASE_BOUNCE, {0}};
	double top = 0, last = 0;
	for (int i = 1; i < 1000; i++) {
		double v = ir_ease_eval(&sp, i / 1000.0);
		top = v > top ? v : top;
		last = v;
	}
	CHECK(top > 1.03, "spring overshoots past 1 (top %.4f)", top);
	CHECK(fabs(last - 1) < 0.002, "spring settles near 1 before the end (%.5f)", last);
	CHECK(ir_ease_eval(&sp, 1) == 1 && ir_ease_eval(&sp, 0) == 0, "spring ends on its keys");
	ir_ease still = {IR_EASE_SPRING, {0, 0, 0, 0}};
	double hi = 0;
	for (int i = 1; i < 1000; i++)
		hi = fmax(hi, ir_ease_eval(&still, i / 1000.0));
	CHECK(hi <= 1 + 1e-9, "spring(0) never overshoots (%.5f)", hi);
	int touches = 0;
	double bmax = 0;
	for (int i = 1; i < 10000; i++) {
		double v = ir_ease_eval(&bo, i / 10000.0);
		bmax = fmax(bmax, v);
		if (v > 0.9999 && ir_ease_eval(&bo, (i - 1) / 10000.0) <= 0.9999)
			touches++;
	}
	CHECK(touches >= 3, "bounce touches 1 several times (%d)", touches);
	CHECK(bmax <= 1 + 1e-9 && ir_ease_eval(&bo, 1) == 1, "bounce never passes 1 and ends on it");
	/* the range of a curve includes a spring's overshoot */
	ir_key keys[2] = {{0, 0, sp}, {1, 100, {IR_EASE_LINEAR, {0}}}};
	ir_curve cv = {2, keys};
	double lo, hi2;
	ir_curve_range(&cv, &lo, &hi2);
	CHECK(lo == 0 && hi2 > 103, "range of a spring curve [%.3f, %.3f]", lo, hi2);
}

int main(void)
{
	test_modes();
	test_gradients();
	test_easing();
	return check_done();
}
