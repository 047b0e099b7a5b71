/*
 * rt_wipes.c - the pixels of SPEC §18.7: a feathered wipe's edge is a monotonic ramp as wide as
 * the feather at the mid-point frame; a motion-blurred slide spreads its moving edge over about
 * the per-frame displacement and leaves what does not move exactly as the plain slide draws it;
 * a push's blur works along y; a picture that barely moves costs one sample.
 */
#include "rt_test.h"

#include "../../runtime/trfx.h"

/* Scene A (black, with a red box at x 10..40 so its static part has content) over [0,20), scene B
 * white over [9,30), transition of kind over [9,20), linear: frame 14 has progress exactly 0.5. */
static ir_program *pair(int w, int h, ir_transition_kind kind, ir_dir dir, ir_node **trp)
{
	ir_program *p = t_prog(w, h, 30);
	int a = t_solid(p, t_rgb(0, 0, 0)), box = t_solid(p, t_rgb(255, 0, 0)), b = t_solid(p, t_rgb(255, 255, 255));
	int la = t_layer(p, a, 0, 0, 0, 0, IR_FIT_FILL), lbox = t_layer(p, box, 10, 0, 30, h, IR_FIT_FILL);
	int lb = t_layer(p, b, 0, 0, 0, 0, IR_FIT_FILL);
	int sa = t_scene(p, 0, 20, t_ids(p, 2, la, lbox), 2), sb = t_scene(p, 9, 30, t_ids(p, 1, lb), 1);
	ir_node *tr = t_transition(p, kind, sa, sb, 9, 20);
	tr->u.transition.dir = dir;
	*trp = tr;
	t_timeline(p, t_ids(p, 2, sa, sb), 2, t_ids(p, 1, tr->id), 1);
	return p;
}

/* The green channel along row y (or column x when vert): 0 on black and red, 255 on white. */
static int green(const surf_t *s, int i, int vert)
{
	return (int)(t_px(s, vert ? s->w / 2 : i, vert ? i : s->h / 2) >> 8 & 255);
}

/* How many positions along the axis are strictly between the two scenes' values, whether the
 * values never decrease, and the first position at or above 128. */
static int ramp(const surf_t *s, int vert, int *monotonic, int *half)
{
	int n = vert ? s->h : s->w, mixed = 0;
	*monotonic = 1;
	*half = -1;
	for (int i = 0; i < n; i++) {
		int g = green(s, i, vert);
		mixed += g > 0 && g < 255;
		if (i && g < green(s, i - 1, vert))
			*monotonic = 0;
		if (*half < 0 && g >= 128)
			*half = i;
	}
	return mixed;
}

static void test_feather(void)
{
	/* wipe left, feather 20% of 200 px = 40 px: the ramp's middle at 100 at progress 0.5 */
	ir_node *tr;
	ir_program *p = pair(200, 40, IR_TR_WIPE, IR_DIR_LEFT, &tr);
	tr->u.transition.feather = 20;
	surf_t *s = t_render(p, NULL, 14);
	CHECK(s, "feathered wipe: render failed");
	if (s) {
		int mono, half, mixed = ramp(s, 0, &mono, &half);
		CHECK(mono, "feathered wipe left: the luma does not rise monotonically towards the incoming scene");
		CHECK(mixed >= 38 && mixed <= 40, "feathered wipe left: ramp %d px wide, want 40 (20%% of 200)", mixed);
		CHECK(half >= 99 && half <= 101, "feathered wipe left: ramp centred at %d, want 100", half);
		for (int i = 81; i < 119; i++)
			CHECK(green(s, i, 0) > green(s, i - 1, 0), "feathered wipe: flat at x %d inside the ramp", i);
		surf_free(s);
	}
	/* the plain wipe of before: one anti-aliased pixel at most */
	tr->u.transition.feather = 0;
	if ((s = t_render(p, NULL, 14))) {
		int mono, half;
		CHECK(ramp(s, 0, &mono, &half) <= 1, "a wipe without feather has a hard edge");
		surf_free(s);
	}
	ir_program_free(p);

	/* wipe down, feather 30 px on a 60x200 frame: the ramp across rows 85..115 */
	p = pair(60, 200, IR_TR_WIPE, IR_DIR_DOWN, &tr);
	tr->u.transition.feather = 30;
	tr->u.transition.feather_px = 1;
	if ((s = t_render(p, NULL, 14))) {
		int mono, half, mixed = ramp(s, 1, &mono, &half);
		/* down: the incoming (white) scene grows from the top, so the luma falls along y */
		int falls = 1;
		for (int i = 1; i < 200; i++)
			falls &= green(s, i, 1) <= green(s, i - 1, 1);
		CHECK(falls, "feathered wipe down: the luma does not fall monotonically away from the incoming scene");
		CHECK(mixed >= 28 && mixed <= 30, "feathered wipe down: ramp %d px wide, want 30", mixed);
		CHECK(green(s, 84, 1) == 255 && green(s, 116, 1) == 0, "feathered wipe down: outside the ramp is not the scenes");
		surf_free(s);
	}
	ir_program_free(p);
}

static void test_motion_blur(void)
{
	/* slide left over 11 frames of a 200 px frame: 18.2 px a frame; shutter 1 smears a whole one */
	ir_node *tr;
	ir_program *p = pair(200, 40, IR_TR_SLIDE, IR_DIR_LEFT, &tr);
	surf_t *plain = t_render(p, NULL, 14);
	tr->u.transition.shutter = 1;
	surf_t *blur = t_render(p, NULL, 14), *again = t_render(p, NULL, 14);
	CHECK(plain && blur && again, "motion blur: render failed");
	if (plain && blur && again) {
		int mono, half, sharp = ramp(plain, 0, &mono, &half), mixed = ramp(blur, 0, &mono, &half);
		CHECK(sharp == 0, "the plain slide has a hard edge (%d mixed columns)", sharp);
		CHECK(mixed >= 15 && mixed <= 19, "motion-blurred slide: edge spread over %d px, want about 18", mixed);
		CHECK(half >= 97 && half <= 103, "motion-blurred slide: edge centred at %d, want 100", half);
		int same = 1;
		for (int y = 0; y < 40; y++)
			for (int x = 0; x < 88; x++)
				same &= t_px(plain, x, y) == t_px(blur, x, y);
		CHECK(same, "motion blur changed the part of the outgoing scene that does not move");
		CHECK(!memcmp(blur->px, again->px, (size_t)blur->stride * 40 * 4), "motion blur is not deterministic");
	}
	surf_free(plain);
	surf_free(blur);
	surf_free(again);
	/* shutter 0.5: half as wide */
	tr->u.transition.shutter = 0.5;
	if ((blur = t_render(p, NULL, 14))) {
		int mono, half, mixed = ramp(blur, 0, &mono, &half);
		CHECK(mixed >= 7 && mixed <= 10, "shutter 0.5: edge spread over %d px, want about 9", mixed);
		surf_free(blur);
	}
	ir_program_free(p);

	/* push up on 60x200: 18.2 px a frame along y, both scenes move */
	p = pair(60, 200, IR_TR_PUSH, IR_DIR_UP, &tr);
	tr->u.transition.shutter = 1;
	if ((blur = t_render(p, NULL, 14))) {
		int mono, half, mixed = ramp(blur, 1, &mono, &half);
		CHECK(mixed >= 15 && mixed <= 19, "motion-blurred push up: edge spread over %d rows, want about 18", mixed);
		CHECK(mono, "motion-blurred push up: the edge is not a monotonic ramp");
		surf_free(blur);
	}
	ir_program_free(p);

	CHECK(trfx_samples(0) == 1 && trfx_samples(0.9) == 1, "a still picture costs one sample");
	CHECK(trfx_samples(5.2) == 6 && trfx_samples(500) == TRFX_MAX_SAMPLES, "samples: about one a pixel, bounded");
}

int main(void)
{
	test_feather();
	test_motion_blur();
	return check_done();
}
