/*
 * rt_shape.c - shape layers and the path rasteriser (issue 16), measured in pixels:
 *   - a filled rect's edge pixels carry exactly the area they cover (a half pixel is 128);
 *   - an ellipse's coverage adds up to its area (pi a b) within 1%, full inside, empty outside;
 *   - a stroke's measured width (the coverage summed across it) is its width;
 *   - a relative SVG path parses to the same commands and the same pixels as its absolute twin,
 *     arcs and smooth curves included;
 *   - trim 0..50% of a line draws its first half only;
 *   - the hole of an even-odd ring is empty (and nonzero fills it);
 *   - a malformed path is refused with the offset of the bad command or number;
 *   - a path past the rasteriser's work budget is refused (VE_LIMIT), not drawn for minutes;
 *   - through the graph: a shape layer at a whole-pixel position draws exactly those pixels.
 */
#include "rt_test.h"

#include "../../compiler/svgpath.h"
#include "../../runtime/path.h"

static const path_xform ident = {{1, 0, 0, 1, 0, 0}};

static ir_path parse(arena_t *a, const char *s)
{
	ir_path p = {NULL, 0};
	int off;
	char msg[200];
	CHECK(svgpath_parse(a, s, &p, &off, msg, sizeof msg) == 0, "'%s': %s at %d", s, msg, off);
	return p;
}

/* Coverage mask of path s (SVG syntax) filled or stroked (width > 0) on a w x h mask. */
static path_mask raster(const char *s, int w, int h, ir_fill_rule rule, double width, double t0, double t1)
{
	arena_t *a = arena_new();
	ir_path p = parse(a, s);
	path_flat f = {0}, part = {0};
	path_mask m = {0};
	vidc_err e = {0};
	CHECK(path_flatten(&p, &ident, 0.05, &f, &e) == 0, "flatten: %s", e.msg);
	const path_flat *use = &f;
	if (t0 > 0 || t1 < 1) {
		CHECK(path_flat_trim(&f, t0, t1, &part, &e) == 0, "trim: %s", e.msg);
		use = &part;
	}
	CHECK(path_mask_new(&m, w, h, &e) == 0, "mask: %s", e.msg);
	if (width > 0)
		CHECK(path_stroke(use, width, IR_CAP_BUTT, &m, &e) == 0, "stroke: %s", e.msg);
	else
		CHECK(path_fill(use, rule, &m, &e) == 0, "fill: %s", e.msg);
	path_flat_free(&f);
	path_flat_free(&part);
	arena_free(a);
	return m;
}

static int at(const path_mask *m, int x, int y)
{
	return m->a[(size_t)y * (size_t)m->w + (size_t)x];
}

static void test_rect_edges(void)
{
	/* x from 10.5 to 20.25, y from 5 to 15.75 */
	path_mask m = raster("M 10.5 5 L 20.25 5 L 20.25 15.75 L 10.5 15.75 Z", 32, 24, IR_FILL_NONZERO, 0, 0, 1);
	CHECK(at(&m, 9, 8) == 0, "left of the rect: %d", at(&m, 9, 8));
	CHECK(at(&m, 10, 8) == 128, "half-covered left edge pixel: %d, want 128", at(&m, 10, 8));
	CHECK(at(&m, 15, 8) == 255, "inside: %d", at(&m, 15, 8));
	CHECK(at(&m, 20, 8) == 64, "quarter-covered right edge pixel: %d, want 64", at(&m, 20, 8));
	CHECK(at(&m, 21, 8) == 0, "right of the rect: %d", at(&m, 21, 8));
	CHECK(at(&m, 15, 4) == 0 && at(&m, 15, 5) == 255, "top edge on a pixel boundary: %d %d", at(&m, 15, 4), at(&m, 15, 5));
	CHECK(at(&m, 15, 15) == 191, "bottom edge pixel 3/4 covered: %d, want 191", at(&m, 15, 15));
	CHECK(at(&m, 10, 15) == 96, "corner pixel 1/2 x 3/4 covered: %d, want 96", at(&m, 10, 15));
	path_mask_free(&m);
	/* partly outside the mask: clipped, the inside unchanged */
	m = raster("M -10 -10 L 5.5 -10 L 5.5 5 L -10 5 Z", 16, 16, IR_FILL_NONZERO, 0, 0, 1);
	CHECK(at(&m, 0, 0) == 255 && at(&m, 5, 2) == 128 && at(&m, 6, 2) == 0 && at(&m, 2, 5) == 0,
	      "clipped rect: %d %d %d %d", at(&m, 0, 0), at(&m, 5, 2), at(&m, 6, 2), at(&m, 2, 5));
	path_mask_free(&m);
}

static void test_ellipse_area(void)
{
	/* the ellipse of radii 40 x 25 centred on (50.3, 40.7), as four arcs */
	path_mask m = raster("M 10.3 40.7 A 40 25 0 0 1 50.3 15.7 A 40 25 0 0 1 90.3 40.7 A 40 25 0 0 1 50.3 65.7 A 40 25 0 0 1 10.3 40.7 Z",
			     100, 80, IR_FILL_NONZERO, 0, 0, 1);
	double sum = 0;
	int bad = 0;
	for (int y = 0; y < m.h; y++)
		for (int x = 0; x < m.w; x++) {
			sum += at(&m, x, y) / 255.0;
			/* pixel centre's normalised radius: well inside full, well outside empty */
			double u = (x + 0.5 - 50.3) / 40, v = (y + 0.5 - 40.7) / 25, r = sqrt(u * u + v * v);
			if ((r < 0.95 && at(&m, x, y) != 255) || (r > 1.05 && at(&m, x, y) != 0))
				bad++;
		}
	double want = M_PI * 40 * 25;
	CHECK(fabs(sum - want) / want < 0.01, "ellipse area %.1f, want %.1f", sum, want);
	CHECK(bad == 0, "%d pixels away from the ellipse's edge are not full or empty", bad);
	path_mask_free(&m);
}

static void test_stroke_width(void)
{
	/* a horizontal line at y = 20.5 stroked 7 px: 3.5 each side */
	path_mask m = raster("M 10 20.5 L 90 20.5", 100, 40, IR_FILL_NONZERO, 7, 0, 1);
	double across = 0;
	for (int y = 0; y < m.h; y++)
		across += at(&m, 50, y) / 255.0;
	CHECK(fabs(across - 7) < 0.02, "stroke measures %.3f px across, want 7", across);
	CHECK(at(&m, 9, 20) == 0 && at(&m, 10, 20) == 255, "butt cap at x = 10: %d %d", at(&m, 9, 20), at(&m, 10, 20));
	path_mask_free(&m);
	/* a diagonal: the area of the stroke is length x width */
	m = raster("M 20 20 L 80 80", 100, 100, IR_FILL_NONZERO, 6, 0, 1);
	double area = 0;
	for (int i = 0; i < m.w * m.h; i++)
		area += m.a[i] / 255.0;
	double want = 60 * M_SQRT2 * 6;
	CHECK(fabs(area - want) / want < 0.01, "diagonal stroke area %.1f, want %.1f", area, want);
	path_mask_free(&m);
	/* a corner: round join, no gap and no spike */
	m = raster("M 10 50 L 50 50 L 50 10", 64, 64, IR_FILL_NONZERO, 8, 0, 1);
	CHECK(at(&m, 51, 51) == 255, "the outer corner is filled by the join: %d", at(&m, 51, 51));
	CHECK(at(&m, 55, 55) == 0, "the join is round (no miter spike): %d", at(&m, 55, 55));
	path_mask_free(&m);
}

static int same_cmds(const ir_path *a, const ir_path *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++) {
		if (a->cmds[i].op != b->cmds[i].op)
			return 0;
		for (int k = 0; k < 6; k++)
			if (fabs(a->cmds[i].p[k] - b->cmds[i].p[k]) > 1e-9)
				return 0;
	}
	return 1;
}

static void test_relative(void)
{
	static const char *const twins[][2] = {
		{"M 10 10 L 60 10 L 60 60 Z", "m 10 10 l 50 0 l 0 50 z"},
		{"M 10 10 H 50 V 40 H 10 Z", "m10,10h40v30h-40z"},
		{"M 10 80 C 20 20 40 20 50 80 S 80 140 90 80", "m 10 80 c 10 -60 30 -60 40 0 s 30 60 40 0"},
		{"M 10 50 Q 30 10 50 50 T 90 50", "m10 50q20-40 40 0t40 0"},
		{"M 20 50 A 30 20 15 1 1 80 50 L 80 90", "m 20 50 a 30 20 15 1 1 60 0 l 0 40"},
		{"M 5 5 L 20 5 L 20 20", "M5 5 20 5 20 20"}, /* implicit lines after a move */
	};
	arena_t *a = arena_new();
	for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++) {
		ir_path p = parse(a, twins[i][0]), q = parse(a, twins[i][1]);
		CHECK(same_cmds(&p, &q), "'%s' and '%s' differ", twins[i][0], twins[i][1]);
		path_mask m = raster(twins[i][0], 100, 150, IR_FILL_NONZERO, 0, 0, 1);
		path_mask n = raster(twins[i][1], 100, 150, IR_FILL_NONZERO, 0, 0, 1);
		CHECK(memcmp(m.a, n.a, (size_t)m.w * (size_t)m.h) == 0, "'%s' and '%s' draw differently", twins[i][0], twins[i][1]);
		path_mask_free(&m);
		path_mask_free(&n);
	}
	/* an arc ends exactly where it says, and a half circle's cubics stay on the circle */
	ir_path p = parse(a, "M 0 0 A 50 50 0 0 1 100 0");
	CHECK(p.n == 3 && p.cmds[2].p[4] == 100 && p.cmds[2].p[5] == 0, "half circle: %d commands", p.n);
	CHECK(p.n == 3 && fabs(p.cmds[1].p[4] - 50) < 1e-9 && fabs(p.cmds[1].p[5] + 50) < 1e-9,
	      "the half circle (sweep 1: clockwise on the screen, y down) passes through (50, -50)");
	arena_free(a);
}

static void test_trim(void)
{
	/* a 80 px line from x = 10 to 90, stroked 4 px: 0..50% ends at x = 50 */
	path_mask m = raster("M 10 20 L 90 20", 100, 40, IR_FILL_NONZERO, 4, 0, 0.5);
	CHECK(at(&m, 11, 19) == 255 && at(&m, 49, 19) == 255, "the first half is drawn: %d %d", at(&m, 11, 19), at(&m, 49, 19));
	CHECK(at(&m, 50, 19) == 0 && at(&m, 70, 19) == 0 && at(&m, 89, 19) == 0, "the second half is not: %d %d %d",
	      at(&m, 50, 19), at(&m, 70, 19), at(&m, 89, 19));
	path_mask_free(&m);
	/* 25..75% of a square's outline (four 40 px sides, 160 px): from the middle of the top side's
	 * successor... i.e. the right and bottom sides, from (50, 10) along to (10, 50) */
	m = raster("M 10 10 L 50 10 L 50 50 L 10 50 Z", 64, 64, IR_FILL_NONZERO, 2, 0.25, 0.75);
	CHECK(at(&m, 50, 30) == 255 && at(&m, 30, 50) == 255, "right and bottom sides drawn: %d %d", at(&m, 50, 30), at(&m, 30, 50));
	CHECK(at(&m, 30, 10) == 0 && at(&m, 10, 30) == 0, "top and left sides not drawn: %d %d", at(&m, 30, 10), at(&m, 10, 30));
	path_mask_free(&m);
	/* nothing when start meets end */
	m = raster("M 10 20 L 90 20", 100, 40, IR_FILL_NONZERO, 4, 0.3, 0.3);
	int any = 0;
	for (int i = 0; i < m.w * m.h; i++)
		any |= m.a[i];
	CHECK(!any, "an empty trim draws nothing");
	path_mask_free(&m);
}

static void test_evenodd(void)
{
	/* two squares with the same orientation: evenodd leaves the inner one empty */
	const char *ring = "M 10 10 L 90 10 L 90 90 L 10 90 Z M 30 30 L 70 30 L 70 70 L 30 70 Z";
	path_mask m = raster(ring, 100, 100, IR_FILL_EVENODD, 0, 0, 1);
	int hole = 0;
	for (int y = 31; y < 69; y++)
		for (int x = 31; x < 69; x++)
			hole += at(&m, x, y);
	CHECK(hole == 0, "the evenodd hole has coverage %d", hole);
	CHECK(at(&m, 20, 50) == 255 && at(&m, 80, 50) == 255, "the ring is filled: %d %d", at(&m, 20, 50), at(&m, 80, 50));
	path_mask_free(&m);
	m = raster(ring, 100, 100, IR_FILL_NONZERO, 0, 0, 1);
	CHECK(at(&m, 50, 50) == 255, "nonzero fills the same-direction inner square: %d", at(&m, 50, 50));
	path_mask_free(&m);
}

static void test_malformed(void)
{
	static const struct {
		const char *s;
		int off;
	} bad[] = {
		{"M 0 0 L 10 10 X 5 5", 14},  /* not a command */
		{"L 10 10", 0},               /* must start with a move */
		{"M 0 0 L 10", 10},           /* a number missing at the end */
		{"M 0 0 C 1 2 3 4 x", 16},    /* a number missing inside */
		{"M 0 0 A 5 5 0 2 1 10 10", 14}, /* an arc flag that is not 0 or 1 */
		{"", 0},
		{"M 0 0 L 1e400 0", 8},      /* out of range */
	};
	arena_t *a = arena_new();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ir_path p;
		int off = -1;
		char msg[200] = "";
		int rc = svgpath_parse(a, bad[i].s, &p, &off, msg, sizeof msg);
		CHECK(rc != 0, "'%s' was accepted", bad[i].s);
		CHECK(off == bad[i].off, "'%s': error at %d (%s), want %d", bad[i].s, off, msg, bad[i].off);
	}
	/* the command limit */
	size_t n = 12 * (SVGPATH_MAX_CMDS + 10);
	char *big = malloc(n);
	size_t k = (size_t)snprintf(big, n, "M 0 0");
	for (int i = 0; i < SVGPATH_MAX_CMDS + 5; i++)
		k += (size_t)snprintf(big + k, n - k, " L %d 1", i % 100);
	ir_path p;
	int off;
	char msg[200];
	CHECK(svgpath_parse(a, big, &p, &off, msg, sizeof msg) != 0 && strstr(msg, "at most"),
	      "a path past the command limit: %s", msg);
	free(big);
	arena_free(a);
}

static void test_budget(void)
{
	/* 9000 full-height diagonals stroked 100 px wide on the largest mask: twice the budget */
	size_t n = 32 * 9001;
	char *zig = malloc(n);
	size_t k = (size_t)snprintf(zig, n, "M 0 0");
	for (int i = 0; i < 9000; i++)
		k += (size_t)snprintf(zig + k, n - k, " L %d %d", i & 1 ? 0 : 4000, i & 1 ? 0 : 4000);
	arena_t *a = arena_new();
	ir_path p = parse(a, zig);
	path_flat f = {0};
	path_mask m = {0};
	vidc_err e = {0};
	CHECK(path_flatten(&p, &ident, 0.1, &f, &e) == 0, "flatten: %s", e.msg);
	CHECK(path_mask_new(&m, 4096, 4096, &e) == 0, "mask: %s", e.msg);
	int rc = path_stroke(&f, 100, IR_CAP_BUTT, &m, &e);
	CHECK(rc == VE_LIMIT && strstr(e.msg, "too complex"), "a stroke past the budget: rc %d, %s", rc, e.msg);
	path_mask_free(&m);
	CHECK(path_mask_new(&m, 5000, 5000, &e) == VE_LIMIT, "a mask past the pixel limit");
	path_flat_free(&f);
	arena_free(a);
	free(zig);
}

/* A shape node drawn through the graph at a whole-pixel position gives its mask's pixels. */
static void test_graph(void)
{
	ir_program *p = t_prog(64, 48, 3);
	ir_node *n = ir_node_add(p, IR_SHAPE);
	n->u.shape.kind = "rect";
	n->u.shape.path = parse(p->arena, "M 0 0 L 20 0 L 20 10 L 0 10 Z");
	n->u.shape.w = 20, n->u.shape.h = 10;
	n->u.shape.fill = t_rgb(255, 0, 0);
	n->u.shape.trim_start = ir_curve_const(p, 0);
	n->u.shape.trim_end = ir_curve_const(p, 1);
	int sid = n->id;
	t_one_scene(p, t_layer(p, sid, 8, 6, 0, 0, IR_FIT_FILL));
	surf_t *s = t_render(p, NULL, 1);
	CHECK(s != NULL, "render");
	if (s) {
		uint32_t red = surf_pack(t_rgb(255, 0, 0)), black = surf_pack(t_rgb(0, 0, 0));
		CHECK(s->px[6 * s->stride + 8] == red && s->px[15 * s->stride + 27] == red, "inside the rect: %08x %08x",
		      s->px[6 * s->stride + 8], s->px[15 * s->stride + 27]);
		CHECK(s->px[5 * s->stride + 8] == black && s->px[6 * s->stride + 28] == black &&
			      s->px[16 * s->stride + 8] == black && s->px[6 * s->stride + 7] == black,
		      "outside the rect");
		surf_free(s);
	}
	ir_program_free(p);
}

int main(void)
{
	test_rect_edges();
	test_ellipse_area();
	test_stroke_width();
	test_relative();
	test_trim();
	test_evenodd();
	test_malformed();
	test_budget();
	test_graph();
	return failures ? 1 : 0;
}
