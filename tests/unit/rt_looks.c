/*
 * rt_looks.c - masks, mattes, corner radius, drop shadow and blur (issue 16, SPEC 18.2) measured
 * on real pixels: specs compiled from text and rendered through the graph at 1920x1080.
 */
#include "rt_test.h"

#include "../../compiler/compile.h"
#include "../../compiler/diag.h"
#include "../../runtime/looks.h"

/* A spec compiled from text and lowered for youtube_long (30 fps); p NULL after counting a
 * failure. */
typedef struct {
	diag_sink *d;
	spec_t *s;
	ir_program *p;
} t_spec;

static void spec_open(t_spec *t, const char *name, const char *text)
{
	char *path = check_fmt("%s/%s.vid", check_tmpdir(), name);
	check_write(path, text, strlen(text));
	compile_opts o = {.stdlib_dir = "stdlib", .check_assets = 0};
	t->d = diag_new();
	t->s = compile_spec(path, t->d, &o);
	t->p = NULL;
	if (diag_errors(t->d)) {
		diag_print(t->d, stderr, 0);
		CHECK(0, "%s does not compile", name);
	} else {
		t->p = compile_lower(t->s, "youtube_long");
		CHECK(t->p, "%s: lowering failed", name);
	}
}

static void spec_close(t_spec *t)
{
	ir_program_free(t->p);
	compile_free(t->s);
	diag_free(t->d);
}

/* Frame f of the spec `text` (youtube_long, 30 fps), or NULL after counting a failure. */
static surf_t *render_spec(const char *name, const char *text, int64_t f)
{
	t_spec t;
	spec_open(&t, name, text);
	surf_t *out = NULL;
	if (t.p) {
		out = t_render(t.p, NULL, f);
		CHECK(out, "%s: render failed", name);
	}
	spec_close(&t);
	return out;
}

#define HEAD "video { preset youtube_long; fps 30 }\nscene s 4s {\n  solid #000080\n"

static int red(uint32_t p)
{
	return p & 255;
}

/* A pixel that must be exactly one colour. */
typedef struct {
	int x, y, r, g, b;
	const char *what;
} probe;

static void check_probes(const char *spec_name, const char *spec, const probe *ps, int n)
{
	surf_t *s = render_spec(spec_name, spec, 0);
	for (int i = 0; s && i < n; i++) {
		uint32_t px = t_px(s, ps[i].x, ps[i].y);
		CHECK(t_near(px, ps[i].r, ps[i].g, ps[i].b, 0), "%s: %s at (%d, %d) is " PXFMT, spec_name, ps[i].what,
		      ps[i].x, ps[i].y, PXARG(px));
	}
	surf_free(s);
}

#define BG 0, 0, 128
#define RED 255, 0, 0
#define NPROBES(a) (int)(sizeof(a) / sizeof((a)[0]))

static void test_rect_mask(void)
{
	static const probe plain[] = {
		{50, 50, BG, "outside the mask: background"},   {99, 150, BG, "left of the mask"},
		{300, 150, BG, "right of the mask"},             {100, 150, RED, "the mask's first column: layer"},
		{299, 199, RED, "the mask's last pixel: layer"}, {200, 200, BG, "below the mask"},
	};
	static const probe inverted[] = {{50, 50, RED, "outside: layer"}, {200, 150, BG, "inside: background"}};
	check_probes("rect", HEAD "  solid #ff0000 { mask rect 100px 100px 200px 100px }\n}\n", plain, NPROBES(plain));
	check_probes("invert", HEAD "  solid #ff0000 { mask rect 100px 100px 200px 100px; mask invert }\n}\n", inverted,
		     NPROBES(inverted));
}

/* The first x (from x0, stepping dx) on row y where red crosses half. */
static int edge_x(const surf_t *s, int y, int x0, int dx)
{
	for (int x = x0; x >= 0 && x < s->w; x += dx)
		if (red(t_px(s, x, y)) >= 128)
			return x;
	return -1;
}

static void test_ellipse(void)
{
	surf_t *s = render_spec("ellipse", HEAD "  solid #ff0000 { mask ellipse 960px 540px 300px 200px }\n}\n", 0);
	if (!s)
		return;
	int l = edge_x(s, 540, 0, 1), r = edge_x(s, 540, s->w - 1, -1);
	CHECK(abs(l - 660) <= 1 && abs(r - 1259) <= 1, "ellipse's horizontal edges at %d and %d (660, 1259)", l, r);
	int top = -1;
	for (int y = 0; y < s->h && top < 0; y++)
		if (red(t_px(s, 960, y)) >= 128)
			top = y;
	CHECK(abs(top - 340) <= 1, "ellipse's top edge at %d (340)", top);
	/* on the diagonal, at 45 degrees in the ellipse's own scale */
	int dx = (int)lrint(300 / sqrt(2)), dy = (int)lrint(200 / sqrt(2));
	CHECK(red(t_px(s, 960 + dx - 3, 540 + dy - 3)) == 255 && red(t_px(s, 960 + dx + 3, 540 + dy + 3)) == 0,
	      "ellipse's diagonal edge near (%d, %d)", 960 + dx, 540 + dy);
	surf_free(s);
}

static void test_feather(void)
{
	surf_t *s = render_spec("feather", HEAD "  solid #ff0000 { mask rect 500px 0 600px 100%; feather 40px }\n}\n", 0);
	if (!s)
		return;
	int mono = 1, partial = 0, prev = -1;
	for (int x = 400; x < 600; x++) {
		int v = red(t_px(s, x, 300));
		mono &= v >= prev;
		partial += v > 0 && v < 255;
		prev = v;
	}
	CHECK(mono, "the feathered edge rises monotonically");
	CHECK(partial >= 37 && partial <= 41, "the ramp is 40 px wide (%d partial pixels)", partial);
	CHECK(abs(red(t_px(s, 500, 300)) - 128) <= 4, "the outline is the ramp's middle (%d)", red(t_px(s, 500, 300)));
	surf_free(s);
}

/* A luma matte of white text on nothing: the layer where the text is, the background elsewhere. */
static void test_luma_matte(void)
{
	static const char *const text = "  text \"HI\" { name m; font_size 400px; color #ffffff; weight bold }\n";
	char *alone = check_fmt("video { preset youtube_long; fps 30 }\nscene s 4s {\n  solid #000000\n%s}\n", text);
	char *matted = check_fmt(HEAD "%s  solid #ff0000 { matte m luma }\n}\n", text);
	surf_t *t = render_spec("text", alone, 0), *s = render_spec("matte", matted, 0);
	if (t && s) {
		int in = 0, out = 0, bad = 0;
		for (int y = 0; y < s->h; y += 2)
			for (int x = 0; x < s->w; x += 2) {
				uint32_t tp = t_px(t, x, y), sp = t_px(s, x, y);
				if (red(tp) == 255)
					in++, bad += !t_near(sp, 255, 0, 0, 1);
				else if (red(tp) == 0)
					out++, bad += !t_near(sp, 0, 0, 128, 0);
			}
		CHECK(in > 2000 && out > 100000, "the text covers %d sampled pixels, %d are clear", in, out);
		CHECK(bad == 0, "%d pixels are not the layer where the text is and the background elsewhere", bad);
	}
	surf_free(t);
	surf_free(s);
}

static void test_shadow(void)
{
	/* the box covers [400, 500) on both axes, its shadow [430, 530) x [420, 520) */
	static const probe ps[] = {
		{450, 450, 255, 255, 255, "the layer over its shadow"}, {510, 510, RED, "the shadow"},
		{529, 519, RED, "the shadow's corner"},                 {530, 510, BG, "right of the shadow"},
		{510, 520, BG, "below the shadow"},                     {429, 510, BG, "left of the shadow"},
		{430, 510, RED, "the shadow's left edge"},
	};
	check_probes("shadow", HEAD "  solid #ffffff { size 100px 100px; position 450px 450px; shadow 30px 20px 0 #ff0000 }\n}\n",
		     ps, NPROBES(ps));
}

static void test_blur(void)
{
	surf_t *s = render_spec("blur", HEAD
				"  solid #808080 { size 400px 400px; position 1500px 540px; blur 30px }\n"
				"  solid #ffffff { anchor top_left; position 0 0; size 960px 100%; blur 30px }\n}\n", 0);
	if (!s)
		return;
	CHECK(t_near(t_px(s, 1500, 540), 128, 128, 128, 0), "a flat region keeps its value " PXFMT, PXARG(t_px(s, 1500, 540)));
	/* the hard edge at x = 960 spreads over about 30 px each way, and no further */
	CHECK(red(t_px(s, 920, 540)) == 255, "full left of the spread (%d)", red(t_px(s, 920, 540)));
	CHECK(red(t_px(s, 1000, 540)) == 0, "clear right of the spread (%d)", red(t_px(s, 1000, 540)));
	int a = red(t_px(s, 945, 540)), b = red(t_px(s, 975, 540));
	CHECK(a > 128 && a < 255 && b > 0 && b < 128, "inside the spread: %d, %d", a, b);
	CHECK(abs(red(t_px(s, 959, 540)) + red(t_px(s, 960, 540)) - 255) <= 4, "the edge is the middle (%d, %d)",
	      red(t_px(s, 959, 540)), red(t_px(s, 960, 540)));
	surf_free(s);
	CHECK(looks_blur_radius(30) == 10 && looks_blur_radius(0.5) == 1 && looks_blur_radius(0) == 0 &&
		      looks_blur_radius(1e9) == 67,
	      "blur radii");
}

/* The reveal: a rect whose width grows over 2 s, linear. */
static void test_animated_mask(void)
{
	static const char *const spec = HEAD
		"  solid #ff0000 {\n    mask rect\n    animate mask { key 0s 0 0 0 100%; key 2s 0 0 100% 100% }\n  }\n}\n";
	int w[2];
	int64_t frames[2] = {15, 45}; /* 0.5 s and 1.5 s */
	for (int i = 0; i < 2; i++) {
		surf_t *s = render_spec("reveal", spec, frames[i]);
		w[i] = -1;
		if (s) {
			w[i] = 0;
			for (int x = 0; x < s->w; x++)
				w[i] += red(t_px(s, x, 540)) >= 128;
		}
		surf_free(s);
	}
	CHECK(abs(w[0] - 480) <= 2 && abs(w[1] - 1440) <= 2, "revealed widths %d and %d (480, 1440)", w[0], w[1]);
}

/* Rounded corners, also on a full-canvas solid (which would otherwise hide all under it). */
static void test_radius(void)
{
	surf_t *s = render_spec("radius", HEAD "  solid #ff0000 { radius 100px }\n}\n", 0);
	if (!s)
		return;
	CHECK(t_near(t_px(s, 2, 2), 0, 0, 128, 0), "a rounded corner shows the background " PXFMT, PXARG(t_px(s, 2, 2)));
	CHECK(t_near(t_px(s, 1917, 1077), 0, 0, 128, 0), "the opposite corner too");
	CHECK(t_near(t_px(s, 960, 0), 255, 0, 0, 0), "the top edge's middle is the layer");
	CHECK(t_near(t_px(s, 40, 40), 255, 0, 0, 0), "inside the corner's arc is the layer " PXFMT, PXARG(t_px(s, 40, 40)));
	int d = (int)lrint(100 - 100 / sqrt(2)); /* where the arc crosses the diagonal */
	CHECK(red(t_px(s, d - 2, d - 2)) == 0 && red(t_px(s, d + 2, d + 2)) == 255, "the arc crosses the diagonal at %d", d);
	surf_free(s);
}

/* A path mask: a triangle with a square hole (nonzero: the hole drawn the other way round),
 * exact inside and outside, the same as the rect mask along a straight edge, and feathered. */
static void test_path_mask(void)
{
	static const probe tri[] = {
		{300, 120, RED, "inside the triangle: layer"},   {120, 380, BG, "outside, left of its side"},
		{300, 95, BG, "above its top edge"},              {300, 405, BG, "below its apex"},
		{300, 200, BG, "in the hole: background"},        {250, 160, RED, "between the hole and the side"},
	};
	check_probes("path", HEAD "  solid #ff0000 { mask path \"M 100 100 L 500 100 L 300 400 Z M 280 180 v 40 h 40 v -40 z\" }\n}\n",
		     tri, NPROBES(tri));
	static const probe inv[] = {{300, 120, BG, "inside: background"}, {50, 50, RED, "outside: layer"}};
	check_probes("path-invert", HEAD "  solid #ff0000 { mask path \"M 100 100 L 500 100 L 300 400 Z\"; mask invert }\n}\n",
		     inv, NPROBES(inv));
	/* a rectangle as a path: the rect mask's pixels exactly */
	surf_t *a = render_spec("path-rect", HEAD "  solid #ff0000 { mask path \"M 100 100 h 200 v 100 h -200 z\" }\n}\n", 0);
	surf_t *b = render_spec("rect-same", HEAD "  solid #ff0000 { mask rect 100px 100px 200px 100px }\n}\n", 0);
	int same = a && b;
	for (int y = 80; same && y < 220; y++)
		for (int x = 80; same && x < 320; x++)
			same = t_px(a, x, y) == t_px(b, x, y);
	CHECK(same, "a rectangle as a path masks as the rect mask does");
	surf_free(a);
	surf_free(b);
	/* feathered: a ramp across the left edge (x = 100), monotonic, half way near the edge */
	surf_t *s = render_spec("path-feather", HEAD "  solid #ff0000 { mask path \"M 100 100 h 600 v 600 h -600 z\"; feather 30px }\n}\n", 0);
	if (s) {
		int mono = 1;
		for (int x = 70; x < 130; x++)
			mono &= red(t_px(s, x, 400)) <= red(t_px(s, x + 1, 400));
		CHECK(mono, "the feathered edge rises monotonically");
		CHECK(red(t_px(s, 70, 400)) < 40 && red(t_px(s, 130, 400)) > 215 && abs(red(t_px(s, 100, 400)) - 128) < 40,
		      "the ramp spans the feather: %d %d %d", red(t_px(s, 70, 400)), red(t_px(s, 100, 400)), red(t_px(s, 130, 400)));
		surf_free(s);
	}
}

/* The path mask's feather blurs its one-byte coverage (a quarter of a surface's memory):
 * looks_blur_a8 gives exactly what looks_blur gives each channel of the same grey surface. */
static void test_blur_a8(void)
{
	static const int sizes[][3] = {{97, 61, 1}, {64, 200, 10}, {300, 40, 67}, {5, 5, 30}};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int w = sizes[k][0], h = sizes[k][1], r = sizes[k][2], n = w > h ? w : h;
		surf_t *s = surf_new(w, h);
		uint8_t *a = malloc((size_t)w * (size_t)h);
		uint32_t *tmp = malloc(sizeof(uint32_t) * 2 * (size_t)n);
		CHECK(s && a && tmp, "memory");
		if (!s || !a || !tmp)
			goto next;
		uint32_t seed = 12345u + (uint32_t)k;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				seed = seed * 1103515245u + 12345u;
				/* hard edges (0 or 255) with some grey, as a rasterised mask has */
				uint8_t v = (uint8_t)((seed >> 16) % 3 == 0 ? 0 : (seed >> 16) % 3 == 1 ? 255 : seed >> 24);
				a[(size_t)y * (size_t)w + (size_t)x] = v;
				s->px[(size_t)y * s->stride + (size_t)x] = v * 0x01010101u;
			}
		looks_blur(s, 0, 0, w, h, r, tmp);
		looks_blur_a8(a, w, h, r, tmp);
		int same = 1;
		for (int y = 0; y < h && same; y++)
			for (int x = 0; x < w && same; x++)
				same = s->px[(size_t)y * s->stride + (size_t)x] == a[(size_t)y * (size_t)w + (size_t)x] * 0x01010101u;
		CHECK(same, "looks_blur_a8 equals looks_blur of a grey surface (%dx%d, radius %d)", w, h, r);
	next:
		surf_free(s);
		free(a);
		free(tmp);
	}
}

/* A layer with a gradient and a path mask that ends: its gradient picture and its mask are let
 * go once the video is past it (each once: both used to be freed where the gradient was) and
 * drawn again from nothing when asked for. */
static void test_release(void)
{
	t_spec t;
	spec_open(&t, "release", HEAD "  solid #ff0000 {\n    end 1s\n    gradient linear 90deg #ffffff #000000\n"
					"    mask path \"M 100 100 h 600 v 600 h -600 z\"\n  }\n}\n");
	rt_graph *g = t.p ? t_graph(t.p, "release") : NULL;
	if (g) {
		surf_t *a = t_render(t.p, g, 0);
		graph_release_before(g, 60); /* the layer ends at frame 30 */
		surf_t *b = t_render(t.p, g, 0);
		CHECK(a && b && t_px(a, 400, 400) == t_px(b, 400, 400) && t_px(a, 50, 50) == t_px(b, 50, 50) &&
			      t_px(a, 400, 400) != t_px(a, 50, 50),
		      "drawn again after its release, the layer is the same");
		surf_free(a);
		surf_free(b);
		graph_free(g);
	}
	spec_close(&t);
}

int main(void)
{
	test_release();
	test_path_mask();
	test_blur_a8();
	test_rect_mask();
	test_ellipse();
	test_feather();
	test_luma_matte();
	test_shadow();
	test_blur();
	test_animated_mask();
	test_radius();
	return check_done();
}
