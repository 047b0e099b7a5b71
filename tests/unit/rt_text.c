/*
 * rt_text.c - text renders real ink: Latin, CJK, Arabic and Hebrew (right-to-left order),
 * colour emoji; wrapping makes lines; box, stroke and shadow draw where they should; a missing
 * font is an error naming the spec line, not a crash. Also renders a text layer in a program.
 */
#include "rt_test.h"

#include "../../runtime/text.h"

static ir_text_style style(void)
{
	ir_text_style s;
	text_style_init(&s, 40);
	return s;
}

/* An IR_TEXT node showing content in style(). */
static ir_node *text_node(ir_program *p, const char *content)
{
	ir_node *n = ir_node_add(p, IR_TEXT);
	n->u.text.content = content;
	n->u.text.style = style();
	return n;
}

typedef struct {
	long ink;           /* pixels with alpha */
	long colored;       /* pixels with clearly different r, g, b */
	double top_cx;      /* ink centroid x of the upper part of the block, 0..1 of the width */
} ink_t;

static ink_t measure(const text_out *t)
{
	ink_t k = {0, 0, 0};
	const surf_t *s = t->surf;
	double sx = 0, sw = 0;
	int y_top = (int)(t->oy + t->nat_h * 0.55);
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			uint32_t p = t_px(s, x, y);
			unsigned a = p >> 24;
			if (a < 64)
				continue;
			k.ink++;
			int r = p & 255, g = p >> 8 & 255, b = p >> 16 & 255;
			if (abs(r - g) > 40 || abs(g - b) > 40 || abs(r - b) > 40)
				k.colored++;
			if (y < y_top) {
				sx += x + 0.5 - t->ox;
				sw++;
			}
		}
	k.top_cx = sw > 0 ? sx / sw / t->nat_w : -1;
	return k;
}

static int render(font_ctx *fc, const char *txt, ir_text_style *st, double wrap, text_out *o)
{
	char cause[256];
	text_req r = {txt, NULL, st, wrap, 1};
	int rc = text_render(fc, &r, o, cause, sizeof cause);
	if (rc)
		fprintf(stderr, "text_render(\"%s\"): %s\n", txt, cause);
	return rc;
}

static void test_scripts(font_ctx *fc)
{
	struct {
		const char *name, *txt;
		int rtl, emoji;
	} cases[] = {
		{"latin", "Hello, world", 0, 0},
		{"cjk", "你好世界，日本語のテキスト", 0, 0},
		{"arabic", "مرحبا بالعالم", 0, 0},
		{"hebrew", "שלום עולם", 0, 0},
		{"emoji", "\xF0\x9F\x98\x80\xF0\x9F\x8E\xAC\xF0\x9F\x9A\x80", 0, 1},
		/* strong letters first, then neutral dots: in a right-to-left paragraph the letters
		 * are on the right and the dots trail to the left */
		{"hebrew-order", "שלום..............", 1, 0},
		{"arabic-order", "سلام..............", 1, 0},
		{"latin-order", "Hello..............", -1, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ir_text_style st = style();
		text_out o;
		if (render(fc, cases[i].txt, &st, 0, &o)) {
			t_failures++;
			continue;
		}
		ink_t k = measure(&o);
		printf("rt_text: %-12s %4.0fx%-3.0f ink %6ld px, glyphs %d, missing %d, colour %ld, top centroid %.2f\n",
		       cases[i].name, o.nat_w, o.nat_h, k.ink, o.glyphs, o.missing, k.colored, k.top_cx);
		CHECK(k.ink > 200, "%s: no ink (%ld)", cases[i].name, k.ink);
		CHECK(o.missing == 0, "%s: %d characters without a font", cases[i].name, o.missing);
		if (cases[i].emoji)
			CHECK(k.colored > 200, "%s: emoji must be in colour (%ld coloured px)", cases[i].name, k.colored);
		if (cases[i].rtl > 0)
			CHECK(k.top_cx > 0.6, "%s: letters must be on the right (centroid %.2f)", cases[i].name, k.top_cx);
		if (cases[i].rtl < 0)
			CHECK(k.top_cx < 0.4, "%s: letters must be on the left (centroid %.2f)", cases[i].name, k.top_cx);
		surf_free(o.surf);
	}
}

static void test_wrap_and_decor(font_ctx *fc)
{
	ir_text_style st = style();
	text_out one, wrapped;
	const char *txt = "The quick brown fox jumps over the lazy dog";
	if (render(fc, txt, &st, 0, &one) || render(fc, txt, &st, 300, &wrapped)) {
		t_failures++;
		return;
	}
	CHECK(wrapped.nat_w <= 300.5, "wrapped width %.1f > 300", wrapped.nat_w);
	CHECK(wrapped.nat_h > 2.5 * one.nat_h, "wrapping makes lines (%.1f vs %.1f)", wrapped.nat_h, one.nat_h);
	surf_free(one.surf);
	surf_free(wrapped.surf);

	/* box with padding: its corners region is box colour; stroke darkens around glyphs */
	st.box_color = (ir_color){200, 0, 0, 255};
	st.box_padding = 20;
	st.box_radius = 10;
	st.stroke_width = 3;
	st.stroke_color = t_rgb(0, 0, 255);
	st.shadow_color = (ir_color){0, 0, 0, 200};
	st.shadow_dx = 4;
	st.shadow_dy = 4;
	st.shadow_blur = 6;
	text_out b;
	if (render(fc, "Box", &st, 0, &b)) {
		t_failures++;
		return;
	}
	int cx = (int)(b.ox + 12), cy = (int)(b.oy + 12);
	CHECK(t_near(t_px(b.surf, cx, cy), 200, 0, 0, 0), "box colour inside the padding " PXFMT,
	      PXARG(t_px(b.surf, cx, cy)));
	CHECK((t_px(b.surf, (int)b.ox, (int)b.oy) >> 24) < 255, "rounded corner is not square");
	long blue = 0;
	for (int y = 0; y < b.surf->h; y++)
		for (int x = 0; x < b.surf->w; x++) {
			uint32_t p = t_px(b.surf, x, y);
			if ((p >> 16 & 255) > 200 && (p & 255) < 60)
				blue++;
		}
	CHECK(blue > 50, "stroke colour present (%ld px)", blue);
	surf_free(b.surf);
}

static void test_missing_font(void)
{
	ir_program *p = t_prog(200, 100, 3);
	ir_node *n = text_node(p, "hi");
	n->u.text.style.font = "No Such Font Family";
	n->file = "spec.vid";
	n->line = 12;
	n->col = 5;
	int l = t_layer(p, n->id, 10, 10, 0, 0, IR_FIT_NONE);
	t_one_scene(p, l);
	char err[512];
	rt_graph *g;
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "%s", err);
	surf_t *s = surf_new(200, 100);
	int rc = graph_render(g, 0, s, err, sizeof err);
	CHECK(rc < 0, "missing font must fail");
	CHECK(strstr(err, "spec.vid:12:5: error:") && strstr(err, "No Such Font Family"), "message: %s", err);
	surf_free(s);
	graph_free(g);
	ir_program_free(p);
}

/* Font files that are no fonts: the cause in words, not "FreeType error 2" (issue 10). */
static void test_bad_font_files(font_ctx *fc)
{
	char notfont[300], cut[300], cmd[700];
	snprintf(notfont, sizeof notfont, "%s/notes.ttf", check_tmpdir());
	snprintf(cut, sizeof cut, "%s/cut.ttf", check_tmpdir());
	snprintf(cmd, sizeof cmd,
		 "echo 'not a font' > '%s' && f=$(fc-match -f '%%{file}' 'DejaVu Sans') && head -c 20000 \"$f\" > '%s'",
		 notfont, cut);
	CHECK(system(cmd) == 0, "%s", cmd);
	const char *paths[] = {notfont, cut}, *want[] = {"it is not a font file", "truncated or damaged"};
	for (int i = 0; i < 2; i++) {
		ir_text_style st = style();
		st.font = paths[i];
		text_req r = {"Hello", NULL, &st, 0, 1};
		text_out o;
		char cause[512] = "";
		int rc = text_render(fc, &r, &o, cause, sizeof cause);
		printf("rt_text: bad font %d -> %s\n", i, cause);
		CHECK(rc < 0 && strstr(cause, paths[i]) && strstr(cause, want[i]) && !strstr(cause, "FreeType error"),
		      "font file %s: %s", paths[i], cause);
		if (!rc)
			surf_free(o.surf);
	}
}

/* A centred text layer over a dark canvas: white ink lands around the anchor. */
static void test_layer(void)
{
	ir_program *p = t_prog(400, 200, 3);
	ir_node *n = text_node(p, "Centre");
	n->u.text.style.align = IR_ALIGN_CENTER;
	int tid = n->id;
	int l = t_layer(p, tid, 200, 100, 0, 0, IR_FIT_NONE);
	p->nodes[l].u.layer.anchor_x = 0.5;
	p->nodes[l].u.layer.anchor_y = 0.5;
	t_one_scene(p, l);
	surf_t *s = t_render(p, NULL, 1);
	CHECK(s, "render");
	if (s) {
		double sx = 0, sy = 0, sw = 0;
		for (int y = 0; y < s->h; y++)
			for (int x = 0; x < s->w; x++) {
				double v = t_px(s, x, y) & 255;
				sx += v * x;
				sy += v * y;
				sw += v;
			}
		CHECK(sw > 0 && fabs(sx / sw - 200) < 12 && fabs(sy / sw - 100) < 12,
		      "ink centred at (%.1f, %.1f)", sw ? sx / sw : -1, sw ? sy / sw : -1);
	}
	surf_free(s);
	ir_program_free(p);
}

/* The ink's width in the upper and the lower half of a two-line block (px). */
static void line_widths(const text_out *t, double *top, double *bottom)
{
	const surf_t *s = t->surf;
	int mid = (int)(t->oy + t->nat_h / 2), x0[2] = {s->w, s->w}, x1[2] = {-1, -1};
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			if ((t_px(s, x, y) >> 24) >= 64) {
				int h = y >= mid;
				x0[h] = x < x0[h] ? x : x0[h];
				x1[h] = x > x1[h] ? x : x1[h];
			}
	*top = x1[0] >= x0[0] ? x1[0] - x0[0] + 1 : 0;
	*bottom = x1[1] >= x0[1] ? x1[1] - x0[1] + 1 : 0;
}

/* Balanced wrapping (issue 16): where greedy wrapping leaves "dog" alone on the second line,
 * balanced keeps two lines and evens them out. */
static void test_balanced(font_ctx *fc)
{
	ir_text_style st = style();
	text_out one, greedy, balanced;
	const char *txt = "The quick brown fox jumps over the lazy dog";
	if (render(fc, txt, &st, 0, &one)) {
		t_failures++;
		return;
	}
	double wrap = one.nat_w * 0.95; /* all but the last word fit on the first line */
	st.wrap = IR_WRAP_GREEDY;
	int rc = render(fc, txt, &st, wrap, &greedy);
	st.wrap = IR_WRAP_BALANCED;
	if (rc || render(fc, txt, &st, wrap, &balanced)) {
		t_failures++;
		surf_free(one.surf);
		return;
	}
	double gt, gb, bt, bb;
	line_widths(&greedy, &gt, &gb);
	line_widths(&balanced, &bt, &bb);
	printf("rt_text: wrap at %.0f px: greedy lines %.0f + %.0f px, balanced %.0f + %.0f px\n", wrap, gt, gb, bt,
	       bb);
	CHECK(gb > 0 && gb < 0.25 * gt, "greedy: the case must leave one short word last (%.0f vs %.0f)", gb, gt);
	CHECK(fabs(balanced.nat_h - greedy.nat_h) < 0.5, "balanced keeps the line count (height %.1f vs %.1f)",
	      balanced.nat_h, greedy.nat_h);
	CHECK(bb >= 0.6 * bt && bt >= 0.6 * bb, "balanced lines are even: %.0f and %.0f px", bt, bb);
	CHECK(balanced.nat_w <= wrap + 0.5, "balanced width %.1f > the wrap width %.1f", balanced.nat_w, wrap);
	surf_free(one.surf);
	surf_free(greedy.surf);
	surf_free(balanced.surf);
}

/* Font fallback (issue 16): a style's own list is tried in order before the system's choice,
 * and bold survives fallback even when a regular face for the script is already loaded. */
static void test_fallback(font_ctx *fc)
{
	ir_text_style st = style();
	text_out reg, bold, serif, listed_bold;
	const char *txt = "冷萃咖啡";
	st.font = "DejaVu Sans"; /* has no CJK: every character falls back */
	int rc = render(fc, txt, &st, 0, &reg); /* loads a regular CJK face into the context */
	st.weight = 700;
	rc = rc ? rc : render(fc, txt, &st, 0, &bold);
	st.weight = 400;
	st.fallback[0] = "Noto Serif CJK JP";
	st.fallback[1] = "Noto Sans CJK JP";
	st.nfallback = 2;
	rc = rc ? rc : render(fc, txt, &st, 0, &serif);
	st.weight = 700;
	rc = rc ? rc : render(fc, txt, &st, 0, &listed_bold);
	if (rc) {
		t_failures++;
		return;
	}
	long r = measure(&reg).ink, b = measure(&bold).ink, sf = measure(&serif).ink, lb = measure(&listed_bold).ink;
	printf("rt_text: fallback ink: regular %ld, bold %ld, listed serif %ld, listed bold %ld\n", r, b, sf, lb);
	CHECK(b > r * 1.15, "bold CJK through fallback is bold (ink %ld vs regular %ld)", b, r);
	CHECK(sf != r && labs(sf - r) > r / 20, "the listed serif font is used, not the system's sans (ink %ld vs %ld)", sf, r);
	CHECK(lb > sf * 1.1, "a listed font keeps the style's weight (ink %ld vs %ld)", lb, sf);
	surf_free(reg.surf);
	surf_free(bold.surf);
	surf_free(serif.surf);
	surf_free(listed_bold.surf);
}

int main(void)
{
	font_ctx *fc;
	char cause[256];
	if (font_ctx_new(&fc, NULL, cause, sizeof cause)) {
		fprintf(stderr, "font_ctx_new: %s\n", cause);
		return 1;
	}
	test_scripts(fc);
	test_wrap_and_decor(fc);
	test_balanced(fc);
	test_fallback(fc);
	test_bad_font_files(fc);
	font_ctx_free(fc);
	test_missing_font();
	test_layer();
	return check_done();
}
