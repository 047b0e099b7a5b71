/*
 * rt_textanim.c - text in motion (issue 16, SPEC §18.5), measured in pixels of specs compiled
 * and rendered as `vidc frame` does: a staggered word fade shows word 1 partly and word 2 not
 * at all at 0.25 s and ends on the static text's exact pixels; a typewriter shows exactly k
 * letters at step k; a colour key's midpoint is the linear-light mix; a keyed font size grows
 * the ink; `with narration` starts word 3 at its spoken time. Also how units are counted.
 */
#include "rt_test.h"

#include "../../compiler/compile.h"
#include "../../runtime/text.h"

#define BG 0x20 /* the specs' background grey */

typedef struct {
	spec_t *spec;
	diag_sink *d;
	ir_program *p;
} compiled;

/* Compiles body after a header naming the fixtures' voice (the spec "lives" in tests/fixtures). */
static int compile_text(compiled *c, const char *body)
{
	char src[4096];
	snprintf(src, sizeof src,
		 "video { preset youtube_long }\nvoice \"voice.wav\" { timings \"voice.json\" }\n"
		 "scene s 3s {\n  solid #202020\n  %s\n}\n",
		 body);
	compile_opts o = {.stdlib_dir = "stdlib", .check_assets = 0};
	c->d = diag_new();
	c->spec = compile_spec_text("tests/fixtures/textanim-test.vid", src, strlen(src), c->d, &o);
	c->p = NULL;
	if (diag_errors(c->d)) {
		diag_print(c->d, stderr, 0);
		CHECK(0, "spec does not compile: %s", body);
		return 0;
	}
	c->p = compile_lower(c->spec, "youtube_long");
	CHECK(c->p != NULL, "compile_lower");
	return c->p != NULL;
}

static void release(compiled *c)
{
	ir_program_free(c->p);
	compile_free(c->spec);
	diag_free(c->d);
}

/* The same text static (st) and animated (an): body is the text up to its block's closing brace,
 * anim the animation the second adds, so the two can only differ by the animation. */
static int compile_pair(compiled *st, compiled *an, const char *body, const char *anim)
{
	char a[1024], b[1024];
	snprintf(a, sizeof a, "%s }", body);
	snprintf(b, sizeof b, "%s; %s }", body, anim);
	if (!compile_text(st, a))
		return 0;
	if (!compile_text(an, b)) {
		release(st);
		return 0;
	}
	return 1;
}

static int64_t frame_at(const ir_program *p, double t)
{
	return (int64_t)floor(t * p->fps_num / p->fps_den + 1e-9);
}

static surf_t *render_at(const compiled *c, double t)
{
	return t_render(c->p, NULL, frame_at(c->p, t));
}

static int is_ink(uint32_t px)
{
	return !t_near(px, BG, BG, BG, 12);
}

/* Runs of columns with ink (separated by gaps wider than gap px): their [x0, x1) in lo/hi. */
static int ink_runs(const surf_t *s, int gap, int *lo, int *hi, int max)
{
	int n = 0, last = -1000;
	for (int x = 0; x < s->w; x++) {
		int ink = 0;
		for (int y = 0; y < s->h && !ink; y++)
			ink = is_ink(t_px(s, x, y));
		if (!ink)
			continue;
		if (x - last > gap) {
			if (n == max)
				return n;
			lo[n] = x;
			n++;
		}
		hi[n - 1] = x + 1;
		last = x;
	}
	return n;
}

/* The brightest red channel in columns [x0, x1) (white text on grey: how far it is drawn). */
static int brightest(const surf_t *s, int x0, int x1)
{
	int m = 0;
	for (int y = 0; y < s->h; y++)
		for (int x = x0; x < x1; x++) {
			int r = (int)(t_px(s, x, y) & 255);
			if (r > m)
				m = r;
		}
	return m;
}

static int same_pixels(const surf_t *a, const surf_t *b)
{
	for (int y = 0; y < a->h; y++)
		if (memcmp(a->px + (size_t)y * a->stride, b->px + (size_t)y * b->stride, sizeof(uint32_t) * (size_t)a->w))
			return 0;
	return 1;
}

/* A static text and its animated twin (compile_pair), the static frame at 0 s and its ink runs
 * (the letters or words apart, left to right, split at gaps wider than gap pixels). */
typedef struct {
	compiled st, an;
	surf_t *s;
	int lo[8], hi[8], n;
} twin_t;

static int twin_open(twin_t *t, const char *body, const char *anim, int gap)
{
	if (!compile_pair(&t->st, &t->an, body, anim))
		return 0;
	t->s = render_at(&t->st, 0);
	t->n = t->s ? ink_runs(t->s, gap, t->lo, t->hi, 8) : 0;
	return 1;
}

static void twin_close(twin_t *t)
{
	surf_free(t->s);
	release(&t->st);
	release(&t->an);
}

static void test_fade_stagger(void)
{
	compiled st, an;
	if (!compile_pair(&st, &an, "text \"Cold brew\" { font_size 120px",
			  "animate words fade stagger 500ms"))
		return;
	surf_t *s = render_at(&st, 0.25), *a = render_at(&an, 0.25), *end = render_at(&an, 2.5);
	int lo[4], hi[4];
	if (s && a && end && ink_runs(s, 20, lo, hi, 4) == 2) {
		int w1 = brightest(a, lo[0], hi[0]), w2 = brightest(a, lo[1], hi[1]), full = brightest(s, lo[0], hi[0]);
		CHECK(w2 == BG, "word 2 is background at 0.25 s (brightest %d)", w2);
		CHECK(w1 > BG + 40 && w1 < full - 20, "word 1 is partly drawn at 0.25 s (brightest %d of %d)", w1, full);
		CHECK(same_pixels(end, s), "after the animation the frame is the static text's, bit for bit");
	} else {
		CHECK(0, "the static text has two words");
	}
	surf_free(s);
	surf_free(a);
	surf_free(end);
	release(&st);
	release(&an);
}

static void test_typewriter(void)
{
	twin_t t;
	if (!twin_open(&t, "text \"HIJKL\" { font_size 120px", "animate letters typewriter stagger 500ms", 2))
		return;
	CHECK(t.n == 5, "the static text shows five letters apart (%d)", t.n);
	for (int k = 1; t.n == 5 && k <= 5; k++) {
		surf_t *a = render_at(&t.an, (k - 1) * 0.5 + 0.25);
		int alo[8], ahi[8], m = a ? ink_runs(a, 2, alo, ahi, 8) : -1;
		CHECK(m == k, "step %d shows %d letters", k, m);
		for (int i = 0; i < m && i < k; i++)
			CHECK(alo[i] == t.lo[i] && ahi[i] == t.hi[i], "letter %d of step %d is where the final text has it", i + 1, k);
		surf_free(a);
	}
	twin_close(&t);
}

/* Red to blue: halfway in linear light is (188, 0, 188), not sRGB's (128, 0, 128). */
static void test_color(void)
{
	compiled an;
	if (!compile_text(&an, "text \"M\" { font_size 400px; weight bold; animate color { key 0s #ff0000; key 2s #0000ff } }"))
		return;
	surf_t *a = render_at(&an, 1.0);
	int best = -1, br = 0, bg = 0, bb = 0;
	for (int y = 0; a && y < a->h; y++)
		for (int x = 0; x < a->w; x++) {
			uint32_t p = t_px(a, x, y);
			int r = p & 255, g = p >> 8 & 255, b = p >> 16 & 255;
			if (r + b > best)
				best = r + b, br = r, bg = g, bb = b;
		}
	CHECK(abs(br - 188) <= 3 && abs(bb - 188) <= 3 && bg <= 3, "midpoint colour (%d,%d,%d), want (188,0,188)", br, bg, bb);
	surf_free(a);
	release(&an);
}

/* An arrow is two keys at the layer's ends: the whole 3 s scene, so the same colour at 1.5 s. */
static void test_color_arrow(void)
{
	compiled an, keyed;
	if (!compile_text(&an, "text \"M\" { font_size 400px; weight bold; color #ff0000 -> #0000ff }") ||
	    !compile_text(&keyed, "text \"M\" { font_size 400px; weight bold; animate color { key 0s #ff0000; key 3s #0000ff } }"))
		return;
	surf_t *a = render_at(&an, 1.5), *b = render_at(&keyed, 1.5);
	CHECK(a && b && same_pixels(a, b), "color A -> B is keys at the layer's start and end");
	surf_free(a);
	surf_free(b);
	release(&an);
	release(&keyed);
}

static int ink_height(const surf_t *s)
{
	int top = -1, bottom = -1;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			if (is_ink(t_px(s, x, y))) {
				if (top < 0)
					top = y;
				bottom = y;
				break;
			}
	return top < 0 ? 0 : bottom - top + 1;
}

static void test_size(void)
{
	compiled an;
	if (!compile_text(&an, "text \"Grow\" { animate font_size { key 0s 40px; key 2s 120px } }"))
		return;
	surf_t *a = render_at(&an, 0), *b = render_at(&an, 1), *c = render_at(&an, 2);
	if (a && b && c) {
		int ha = ink_height(a), hb = ink_height(b), hc = ink_height(c);
		CHECK(ha > 0 && ha < hb && hb < hc, "text height grows: %d, %d, %d px", ha, hb, hc);
		CHECK(hc > 2.6 * ha && hc < 3.4 * ha, "120px text is about 3 times 40px text (%d vs %d)", hc, ha);
	}
	surf_free(a);
	surf_free(b);
	surf_free(c);
	release(&an);
}

/* tests/fixtures/voice.json speaks "The ratio is one to four." from 1.40 s; "is" at 1.91 s,
 * "one" at 2.01 s. */
static void test_narration(void)
{
	twin_t t;
	if (!twin_open(&t, "text \"The ratio is one to four.\" { font_size 80px",
		       "animate words fade each 50ms with narration", 18))
		return;
	CHECK(t.n == 6, "six words (%d)", t.n);
	if (t.n == 6) {
		surf_t *before = render_at(&t.an, 1.85), *after = render_at(&t.an, 1.98);
		int full = brightest(t.s, t.lo[2], t.hi[2]);
		CHECK(before && brightest(before, t.lo[2], t.hi[2]) == BG, "word 3 is not drawn before its spoken time");
		CHECK(before && brightest(before, t.lo[1], t.hi[1]) == full, "word 2 is drawn by then");
		CHECK(after && brightest(after, t.lo[2], t.hi[2]) == full, "word 3 is drawn after its spoken time");
		CHECK(after && brightest(after, t.lo[3], t.hi[3]) == BG, "word 4 (spoken at 2.01 s) is not drawn yet");
		surf_free(before);
		surf_free(after);
	}
	twin_close(&t);
}

static void test_units(void)
{
	CHECK(text_units("Cold brew  is\neasy", 0, NULL, 0) == 4, "four words");
	CHECK(text_units("h\xC3\xA9llo w\xC3\xB6rld", 1, NULL, 0) == 10, "ten letters, accented ones whole");
	/* e + combining acute is one letter; woman + ZWJ + laptop is one */
	CHECK(text_units("e\xCC\x81", 1, NULL, 0) == 1, "a combining mark stays with its letter");
	CHECK(text_units("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB", 1, NULL, 0) == 1, "a ZWJ sequence is one letter");
	int w[8];
	CHECK(text_units("ab cd", 1, w, 8) == 4 && w[0] == 0 && w[1] == 0 && w[2] == 1 && w[3] == 1, "letters know their word");
}

int main(void)
{
	test_units();
	test_fade_stagger();
	test_typewriter();
	test_color();
	test_color_arrow();
	test_size();
	test_narration();
	return check_done();
}
