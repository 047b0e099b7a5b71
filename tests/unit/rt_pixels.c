/*
 * rt_pixels.c - pixel-exact checks of composition: solids, box edges at fractional positions,
 * opacity, fits of an image (contain, cover, fill), every transition at its midpoint, frame
 * determinism (alone vs. in sequence), and rt_frame_png writing exactly the composed frame.
 */
#include "rt_test.h"

#include "../../runtime/encode.h"
#include "../../runtime/image.h"

#include <libavutil/frame.h>

/* A w x h PNG whose left half is red and right half green. */
static void write_halves(const char *path, int w, int h)
{
	surf_t *s = surf_new(w, h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			s->px[(size_t)y * s->stride + x] = x < w / 2 ? 0xff0000ffu : 0xff00ff00u;
	t_write_png(s, path);
	surf_free(s);
}

static void test_solids(void)
{
	ir_program *p = t_prog(64, 48, 10);
	p->background = t_rgb(0, 0, 255);
	int green = t_solid(p, t_rgb(0, 255, 0));
	int l1 = t_layer(p, green, 10, 10, 20, 20, IR_FIT_FILL);
	int l2 = t_layer(p, green, 40.5, 10, 10, 10, IR_FIT_FILL);  /* half-pixel left edge */
	int white = t_solid(p, t_rgb(255, 255, 255));
	int l3 = t_layer(p, white, 0, 40, 64, 8, IR_FIT_FILL);
	p->nodes[l3].u.layer.opacity = ir_curve_const(p, 0.5);
	int sc = t_scene(p, 0, 10, t_ids(p, 3, l1, l2, l3), 3);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	surf_t *s = t_render(p, NULL, 3);
	CHECK(s, "render failed");
	if (s) {
		CHECK(t_near(t_px(s, 0, 0), 0, 0, 255, 0), "background " PXFMT, PXARG(t_px(s, 0, 0)));
		CHECK(t_near(t_px(s, 10, 10), 0, 255, 0, 0), "box corner " PXFMT, PXARG(t_px(s, 10, 10)));
		CHECK(t_near(t_px(s, 29, 29), 0, 255, 0, 0), "box inside " PXFMT, PXARG(t_px(s, 29, 29)));
		CHECK(t_near(t_px(s, 30, 29), 0, 0, 255, 0), "box right edge exclusive " PXFMT,
		      PXARG(t_px(s, 30, 29)));
		CHECK(t_near(t_px(s, 9, 15), 0, 0, 255, 0), "left of box " PXFMT, PXARG(t_px(s, 9, 15)));
		CHECK(t_near(t_px(s, 40, 12), 0, 128, 127, 1), "half-covered column " PXFMT,
		      PXARG(t_px(s, 40, 12)));
		CHECK(t_near(t_px(s, 41, 12), 0, 255, 0, 0), "covered column " PXFMT, PXARG(t_px(s, 41, 12)));
		CHECK(t_near(t_px(s, 50, 12), 0, 128, 127, 1), "half-covered right column " PXFMT,
		      PXARG(t_px(s, 50, 12)));
		CHECK(t_near(t_px(s, 5, 44), 128, 128, 255, 1), "50%% white over blue " PXFMT,
		      PXARG(t_px(s, 5, 44)));
		CHECK((t_px(s, 5, 44) >> 24) == 255, "frame is opaque");
	}
	surf_free(s);
	ir_program_free(p);
}

static void test_fits(void)
{
	char path[256];
	snprintf(path, sizeof path, "%s/halves.png", check_tmpdir());
	write_halves(path, 40, 20);
	ir_fit fits[3] = {IR_FIT_CONTAIN, IR_FIT_COVER, IR_FIT_FILL};
	for (int i = 0; i < 3; i++) {
		ir_program *p = t_prog(100, 100, 5);
		p->background = t_rgb(0, 0, 255);
		int img = t_image(p, path, 7);
		int l = t_layer(p, img, 0, 0, 100, 100, fits[i]);
		int sc = t_scene(p, 0, 5, t_ids(p, 1, l), 1);
		t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
		surf_t *s = t_render(p, NULL, 0);
		CHECK(s, "render failed");
		if (!s)
			continue;
		if (fits[i] == IR_FIT_CONTAIN) {
			/* 40x20 into 100x100: 100x50 at y 25..75 */
			CHECK(t_near(t_px(s, 50, 10), 0, 0, 255, 0), "contain: bar above " PXFMT, PXARG(t_px(s, 50, 10)));
			CHECK(t_near(t_px(s, 50, 90), 0, 0, 255, 0), "contain: bar below");
			CHECK(t_near(t_px(s, 20, 50), 255, 0, 0, 0), "contain: red left " PXFMT, PXARG(t_px(s, 20, 50)));
			CHECK(t_near(t_px(s, 80, 50), 0, 255, 0, 0), "contain: green right");
			CHECK(t_near(t_px(s, 20, 25), 255, 0, 0, 0), "contain: top edge row 25 " PXFMT,
			      PXARG(t_px(s, 20, 25)));
			CHECK(t_near(t_px(s, 20, 24), 0, 0, 255, 0), "contain: row 24 is bar");
		} else if (fits[i] == IR_FIT_COVER) {
			/* the centre 20x20 of the source: left half red, right half green, no bars */
			CHECK(t_near(t_px(s, 20, 2), 255, 0, 0, 0), "cover: red " PXFMT, PXARG(t_px(s, 20, 2)));
			CHECK(t_near(t_px(s, 80, 97), 0, 255, 0, 0), "cover: green");
			CHECK(t_near(t_px(s, 45, 50), 255, 0, 0, 0), "cover: red up to the middle " PXFMT,
			      PXARG(t_px(s, 45, 50)));
		} else {
			CHECK(t_near(t_px(s, 20, 2), 255, 0, 0, 0), "fill: red");
			CHECK(t_near(t_px(s, 80, 97), 0, 255, 0, 0), "fill: green");
		}
		surf_free(s);
		ir_program_free(p);
	}
}

/* Scene A red [0,20), scene B blue [9,30), transition over [9,20) (11 frames: frame 14 is the
 * exact midpoint, p = 5.5 / 11). */
static ir_program *two_scenes(ir_transition_kind kind, ir_dir dir)
{
	ir_program *p = t_prog(64, 32, 30);
	int a = t_solid(p, t_rgb(255, 0, 0)), b = t_solid(p, t_rgb(0, 0, 255));
	int la = t_layer(p, a, 0, 0, 0, 0, IR_FIT_FILL), lb = t_layer(p, b, 0, 0, 0, 0, IR_FIT_FILL);
	int sa = t_scene(p, 0, 20, t_ids(p, 1, la), 1), sb = t_scene(p, 9, 30, t_ids(p, 1, lb), 1);
	ir_node *tr = ir_node_add(p, IR_TRANSITION);
	tr->f0 = 9;
	tr->f1 = 20;
	tr->u.transition.type = kind;
	tr->u.transition.from = sa;
	tr->u.transition.to = sb;
	tr->u.transition.dir = dir;
	tr->u.transition.color = t_rgb(255, 255, 255);
	tr->u.transition.ease.kind = IR_EASE_LINEAR;
	int trid = tr->id;
	t_timeline(p, t_ids(p, 2, sa, sb), 2, t_ids(p, 1, trid), 1);
	return p;
}

static void test_transitions(void)
{
	struct {
		ir_transition_kind k;
		ir_dir d;
		const char *name;
	} cases[] = {
		{IR_TR_CUT, IR_DIR_LEFT, "cut"},       {IR_TR_FADE, IR_DIR_LEFT, "fade"},
		{IR_TR_DISSOLVE, IR_DIR_LEFT, "dissolve"}, {IR_TR_SLIDE, IR_DIR_LEFT, "slide left"},
		{IR_TR_PUSH, IR_DIR_RIGHT, "push right"},  {IR_TR_WIPE, IR_DIR_LEFT, "wipe left"},
		{IR_TR_WIPE, IR_DIR_DOWN, "wipe down"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ir_program *p = two_scenes(cases[i].k, cases[i].d);
		surf_t *before = t_render(p, NULL, 5), *mid = t_render(p, NULL, 14), *after = t_render(p, NULL, 25);
		CHECK(before && mid && after, "%s: render failed", cases[i].name);
		if (before && mid && after) {
			CHECK(t_near(t_px(before, 5, 5), 255, 0, 0, 0), "%s: scene A before", cases[i].name);
			CHECK(t_near(t_px(after, 5, 5), 0, 0, 255, 0), "%s: scene B after", cases[i].name);
			uint32_t l = t_px(mid, 8, 8), r = t_px(mid, 56, 8), top = t_px(mid, 32, 4),
				 bot = t_px(mid, 32, 28);
			switch (cases[i].k) {
			case IR_TR_CUT:
				CHECK(t_near(l, 0, 0, 255, 0), "cut shows B " PXFMT, PXARG(l));
				break;
			case IR_TR_FADE:
				/* at the midpoint the picture is the fade colour */
				CHECK(t_near(l, 255, 255, 255, 1), "fade midpoint is white " PXFMT, PXARG(l));
				break;
			case IR_TR_DISSOLVE:
				CHECK(t_near(l, 128, 0, 128, 1), "dissolve midpoint " PXFMT, PXARG(l));
				break;
			case IR_TR_SLIDE:
			case IR_TR_WIPE:
				if (cases[i].d == IR_DIR_LEFT) {
					CHECK(t_near(l, 255, 0, 0, 0), "%s: left half still A " PXFMT, cases[i].name, PXARG(l));
					CHECK(t_near(r, 0, 0, 255, 0), "%s: right half B " PXFMT, cases[i].name, PXARG(r));
				} else {
					CHECK(t_near(top, 0, 0, 255, 0), "%s: top half B " PXFMT, cases[i].name, PXARG(top));
					CHECK(t_near(bot, 255, 0, 0, 0), "%s: bottom half A " PXFMT, cases[i].name, PXARG(bot));
				}
				break;
			case IR_TR_PUSH:
				CHECK(t_near(l, 0, 0, 255, 0), "push right: B enters from the left " PXFMT, PXARG(l));
				CHECK(t_near(r, 255, 0, 0, 0), "push right: A leaves to the right " PXFMT, PXARG(r));
				break;
			default:
				break;
			}
		}
		surf_free(before);
		surf_free(mid);
		surf_free(after);
		ir_program_free(p);
	}
}

/* A Ken Burns image and a dissolve: frame 14 rendered alone must equal frame 14 rendered after
 * frames 0..13 with the same graph, and rt_frame_png must write those very pixels. */
static void test_determinism(void)
{
	char path[256], png[256];
	snprintf(path, sizeof path, "%s/halves2.png", check_tmpdir());
	snprintf(png, sizeof png, "%s/frame.png", check_tmpdir());
	write_halves(path, 300, 200);
	ir_program *p = two_scenes(IR_TR_DISSOLVE, IR_DIR_LEFT);
	int img = t_image(p, path, 9);
	int kb = t_layer(p, img, 0, 0, 64, 32, IR_FIT_COVER);
	ir_node *l = &p->nodes[kb];
	l->u.layer.kenburns = 1;
	l->u.layer.zoom = t_ramp(p, 0, 1, 1, 1.4, IR_EASE_IN_OUT);
	l->u.layer.pan_x = t_ramp(p, 0, 0.3, 1, 0.7, IR_EASE_LINEAR);
	/* put the photo into scene A */
	ir_node *sa = &p->nodes[p->nodes[p->timeline].u.timeline.scenes[0]];
	sa->u.scene.layers = t_ids(p, 2, sa->u.scene.layers[0], kb);
	sa->u.scene.nlayers = 2;
	l->f0 = 0;
	l->f1 = 20;
	surf_t *alone = t_render(p, NULL, 14);
	char err[512];
	rt_graph *g = NULL;
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "%s", err);
	surf_t *seq = NULL;
	for (int f = 0; f <= 14 && g; f++) {
		surf_free(seq);
		seq = t_render(p, g, f);
	}
	graph_free(g);
	CHECK(alone && seq, "render failed");
	if (alone && seq) {
		int same = 1;
		for (int y = 0; y < alone->h; y++)
			if (memcmp(alone->px + (size_t)y * alone->stride, seq->px + (size_t)y * seq->stride,
				   (size_t)alone->w * 4))
				same = 0;
		CHECK(same, "frame 14 alone differs from frame 14 in sequence");
		CHECK(rt_frame_png(p, 14, png, err, sizeof err) == 0, "rt_frame_png: %s", err);
		AVFrame *fr = NULL;
		surf_t *back = NULL;
		char cause[256];
		CHECK(img_decode(png, &fr, cause, sizeof cause) == 0, "decode png: %s", cause);
		if (fr) {
			CHECK(fr->format == AV_PIX_FMT_RGBA, "PNG is RGBA (%d)", fr->format);
			CHECK(img_convert(fr, 1, &back, cause, sizeof cause) == 0, "%s", cause);
			av_frame_free(&fr);
		}
		if (back) {
			int eq = back->w == alone->w && back->h == alone->h;
			for (int y = 0; eq && y < alone->h; y++)
				if (memcmp(alone->px + (size_t)y * alone->stride, back->px + (size_t)y * back->stride,
					   (size_t)alone->w * 4))
					eq = 0;
			CHECK(eq, "PNG pixels differ from the composed frame");
			surf_free(back);
		}
	}
	surf_free(alone);
	surf_free(seq);
	ir_program_free(p);
}

int main(void)
{
	test_solids();
	test_fits();
	test_transitions();
	test_determinism();
	return check_done();
}
