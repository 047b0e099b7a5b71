/*
 * rt_code.c - code frames: the tokenizers classify what they should; the panel has the theme's
 * colour; keywords are drawn in the keyword colour; line numbers widen the left margin; tabs
 * are 4-column stops; every language renders; a code layer renders inside a program.
 */
#include "rt_test.h"

#include "../../runtime/font.h"
#include "../../runtime/highlight.h"
#include "../../runtime/source.h"

/* One Dark and GitHub light, as in code.c */
#define DARK_PANEL 0x28, 0x2c, 0x34
#define LIGHT_PANEL 0xf6, 0xf8, 0xfa
#define DARK_KW 0xc6, 0x78, 0xdd
#define DARK_TYPE 0xe5, 0xc0, 0x7b
#define LIGHT_KW 0xcf, 0x22, 0x2e

typedef struct {
	ir_program *p;
	font_ctx *fonts;
	void *state;
	src_view v;
} panel_t;

/* Prepares a code source alone (a program with just that layer) and gets its view. */
static int panel(panel_t *o, const char *lang, const char *src, const char *theme, int numbers)
{
	memset(o, 0, sizeof *o);
	o->p = t_prog(640, 360, 30);
	ir_node *n = ir_node_add(o->p, IR_CODE);
	n->u.code.lang = lang;
	n->u.code.source = src;
	n->u.code.theme = theme;
	n->u.code.line_numbers = numbers;
	n->u.code.font_size = 32;
	n->file = "test.vid";
	n->line = 7;
	int id = n->id;
	int l = t_layer(o->p, id, 0, 0, 0, 0, IR_FIT_NONE);
	t_timeline(o->p, t_ids(o->p, 1, t_scene(o->p, 0, 30, t_ids(o->p, 1, l), 1)), 1, NULL, 0);
	char err[512];
	src_ctx cx = {o->p, &o->fonts, NULL, NULL, NULL};
	int rc = code_source.prepare(&cx, &o->p->nodes[id], &o->state, err, sizeof err);
	if (!rc)
		rc = code_source.frame(&cx, &o->p->nodes[id], o->state, 0, &o->v, err, sizeof err);
	if (rc)
		fprintf(stderr, "code %s: %s\n", lang, err);
	return rc;
}

static void panel_free(panel_t *o)
{
	if (o->state)
		code_source.release(o->state);
	font_ctx_free(o->fonts);
	ir_program_free(o->p);
}

/* Pixels within tol of (r,g,b), and the smallest x among them (-1 when none). */
static long count_color(const surf_t *s, int r, int g, int b, int tol, int *minx)
{
	long k = 0;
	*minx = -1;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			if (t_near(t_px(s, x, y), r, g, b, tol) && (t_px(s, x, y) >> 24) == 255) {
				k++;
				if (*minx < 0 || x < *minx)
					*minx = x;
			}
	return k;
}

static void expect_classes(const char *lang, const char *src, const char *want)
{
	/* want: one letter per byte: . plain, k keyword, t type, s string, c comment, n number,
	 * p punct, f func, m meta; ' ' in want = don't care */
	static const char letters[] = ".ktscnpfm";
	size_t n = strlen(src);
	unsigned char cls[256];
	hl_classify(hl_lang(lang), src, n, cls);
	char got[257];
	for (size_t i = 0; i < n; i++)
		got[i] = letters[cls[i]];
	got[n] = 0;
	for (size_t i = 0; i < n && want[i]; i++)
		if (want[i] != ' ' && want[i] != got[i]) {
			CHECK(0, "%s: %s\n  want %s\n  got  %s", lang, src, want, got);
			return;
		}
}

static void test_tokenizers(void)
{
	expect_classes("c", "int x = 0x1F; // hi", "ttt...p.nnnnp.ccccc");
	expect_classes("c", "#include <a.h>\nreturn f(\"s\\\"\");",
		       "mmmmmmmm sssss kkkkkk fpssssspp");
	expect_classes("python", "def f(a): # c\n  return 'x'",
		       "kkk.fp.pp.ccc...kkkkkk.sss");
	expect_classes("python", "s = r\"\"\"a\nb\"\"\" @dec", ". p ssssssssss mmmm");
	expect_classes("js", "const s = `a\n${b}`; foo(1.5e3)", "kkkkk...p.ssssssssp.fffpnnnnnp");
	expect_classes("shell", "echo \"$HOME x\" # c\nx=$1", "tttt.smmmmmsss.ccc..pmm");
	expect_classes("json", "{\"k\": [1, true, null]}", "ptttp.pnp.kkkkp.kkkkpp");
	expect_classes("lua", "local s = [[x]] --[[c\nc]] -- e", "kkkkk...p.sssss.ccccccccc.cccc");
	expect_classes("go", "func main() { s := `a\\` }", "kkkk ffffpp p . pp ssss p");
	expect_classes("rust", "fn f<'a>(x: &'a str) { println!(\"\") }",
		       "kk..pmmpp.p.pmm.tttp.p.ffffffffpssp.p");
	expect_classes("html", "<a href=\"u\">t</a><!-- c -->", "pm.ttttpsssp.ppmpcccccccccc");
	expect_classes("html", "<style>p { color: #fff }</style>", "pmmmmmpm.p.tttttp.nnnn.pppmmmmmp");
	expect_classes("css", ".c:hover { margin: 0 4px !important; }",
		       "ffffffff p ttttttp n nnn kkkkkkkkkkp p");
	expect_classes("text", "int x; // no", "............");

	/* noise made of the characters the scanners care about: every byte gets a valid class and
	 * nothing reads outside the text (make asan checks the latter) */
	static const char alphabet[] = "\"'`$#@/*-[]=<>{}():;!\\\n\t rbx0.e+-&";
	static const char *const langs[] = {"c", "python", "js", "shell", "json", "html", "css", "lua", "go", "rust", "text"};
	unsigned seed = 12345;
	for (int it = 0; it < 3000; it++) {
		char buf[64];
		unsigned char cls[64];
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof buf;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		memset(cls, 0xEE, sizeof cls);
		const char *lang = langs[it % (sizeof langs / sizeof langs[0])];
		hl_classify(hl_lang(lang), buf, n, cls);
		for (size_t i = 0; i < n; i++)
			if (cls[i] >= HL_COUNT) {
				CHECK(0, "%s: byte %zu of %.*s has class %d", lang, i, (int)n, buf, cls[i]);
				break;
			}
	}
}

static void test_theme_and_keywords(void)
{
	panel_t d, l;
	if (panel(&d, "c", "return x;", "dark", 1) || panel(&l, "c", "return x;", "light", 1)) {
		CHECK(0, "code panels did not render");
		return;
	}
	const surf_t *s = d.v.surf;
	/* inside the padding, away from the rounded corners: the panel colour */
	uint32_t pd = t_px(s, s->w / 2, 4), pl = t_px(l.v.surf, l.v.surf->w / 2, 4);
	CHECK(t_near(pd, DARK_PANEL, 0) && pd >> 24 == 255, "dark panel " PXFMT, PXARG(pd));
	CHECK(t_near(pl, LIGHT_PANEL, 0) && pl >> 24 == 255, "light panel " PXFMT, PXARG(pl));
	/* the corners are rounded: transparent */
	CHECK(t_px(s, 0, 0) >> 24 == 0, "corner alpha %u", t_px(s, 0, 0) >> 24);
	int x;
	long kw = count_color(s, DARK_KW, 2, &x);
	CHECK(kw > 30, "dark keyword pixels: %ld", kw);
	/* "return" is the first word: its ink is in the left part of the panel */
	CHECK(x >= 0 && x < s->w / 2, "keyword at x=%d of %d", x, s->w);
	long lkw = count_color(l.v.surf, LIGHT_KW, 2, &x);
	CHECK(lkw > 30, "light keyword pixels: %ld", lkw);
	CHECK(d.v.nat_w > 100 && d.v.nat_h > 32 && d.v.kx == 1, "natural size %gx%g k %g", d.v.nat_w,
	      d.v.nat_h, d.v.kx);
	panel_free(&d);
	panel_free(&l);

	/* the same source as plain text has no keyword colour; as C, "int" has the type colour */
	panel_t t, c;
	if (!panel(&t, "text", "return x;", "dark", 1)) {
		CHECK(count_color(t.v.surf, DARK_KW, 2, &x) == 0, "text highlighted a keyword");
		panel_free(&t);
	}
	if (!panel(&c, "c", "int x;", "dark", 0)) {
		CHECK(count_color(c.v.surf, DARK_TYPE, 2, &x) > 20, "no type-coloured pixels for int");
		CHECK(x >= 0 && x < c.v.surf->w / 3, "int at x=%d of %d", x, c.v.surf->w);
		panel_free(&c);
	}
}

static void test_numbers_and_tabs(void)
{
	panel_t on, off, tab, sp;
	if (panel(&on, "c", "return 1;\nreturn 2;", "dark", 1) ||
	    panel(&off, "c", "return 1;\nreturn 2;", "dark", 0)) {
		CHECK(0, "panels did not render");
		return;
	}
	int x_on, x_off;
	count_color(on.v.surf, DARK_KW, 2, &x_on);
	count_color(off.v.surf, DARK_KW, 2, &x_off);
	/* the gutter: one digit (about 0.6 em) plus a gap of about an em */
	CHECK(x_on - x_off > 32, "code starts at x=%d with numbers, %d without", x_on, x_off);
	CHECK(on.v.nat_w - off.v.nat_w > 32, "widths %g vs %g", on.v.nat_w, off.v.nat_w);
	CHECK(on.v.nat_h == off.v.nat_h, "heights %g vs %g", on.v.nat_h, off.v.nat_h);
	panel_free(&on);
	panel_free(&off);

	/* a tab at column 1 reaches column 4, like three spaces; trailing blank lines go */
	if (!panel(&tab, "c", "x\treturn;\n\n", "dark", 1) && !panel(&sp, "c", "x   return;", "dark", 1)) {
		int same = tab.v.surf->w == sp.v.surf->w && tab.v.surf->h == sp.v.surf->h;
		for (int y = 0; same && y < tab.v.surf->h; y++)
			same = !memcmp(tab.v.surf->px + (size_t)y * tab.v.surf->stride,
				       sp.v.surf->px + (size_t)y * sp.v.surf->stride, (size_t)tab.v.surf->w * 4);
		CHECK(same, "tab and spaces render differently (%dx%d vs %dx%d)", tab.v.surf->w,
		      tab.v.surf->h, sp.v.surf->w, sp.v.surf->h);
		panel_free(&tab);
		panel_free(&sp);
	}
}

static void test_languages(void)
{
	static const struct {
		const char *lang, *src;
	} cases[] = {
		{"c", "static int f(void) { return 0; }"},
		{"cpp", "template <class T> class V { public: T x; };"},
		{"python", "def f(x):\n\treturn [i for i in x if i]  # odd"},
		{"javascript", "const f = async () => { return await g(`t${x}`); };"},
		{"js", "let x = null;"},
		{"typescript", "interface P { name: string; age?: number }"},
		{"shell", "if [ -f \"$1\" ]; then echo yes; fi"},
		{"bash", "for i in 1 2; do echo $i; done"},
		{"sh", "while read l; do :; done"},
		{"json", "{\"a\": [1, 2.5e3, true, null], \"b\": {\"c\": \"d\"}}"},
		{"html", "<!doctype html>\n<p class=\"x\">Hi &amp; bye</p>\n<script>if (a) f();</script>"},
		{"css", "@media (max-width: 600px) { .a > b:hover { color: #0af; } }"},
		{"lua", "local function f(t) for k, v in pairs(t) do print(k) end end"},
		{"go", "package main\nfunc main() { for i := range xs { fmt.Println(i) } }"},
		{"rust", "fn main() { let v: Vec<u8> = vec![1, 2]; if v.len() > 1 { return; } }"},
		{"text", "plain words, if while return"},
		{"", "no language at all"},
		{"python", "s = \"unterminated\n'''also unterminated"},
		{"c", "/* never closed"},
		{"c", "emoji \xF0\x9F\x98\x80 and 漢字 in a comment // é"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		panel_t o;
		int rc = panel(&o, cases[i].lang, cases[i].src, i % 2 ? "light" : "dark", 1);
		CHECK(rc == 0, "language '%s' did not render", cases[i].lang);
		if (rc)
			continue;
		/* ink: opaque pixels far from both panel colours */
		long ink = 0;
		for (int y = 0; y < o.v.surf->h; y++)
			for (int x = 0; x < o.v.surf->w; x++) {
				uint32_t q = t_px(o.v.surf, x, y);
				if (q >> 24 == 255 && !t_near(q, DARK_PANEL, 60) && !t_near(q, LIGHT_PANEL, 60))
					ink++;
			}
		CHECK(ink > 200, "'%s': %ld ink pixels", cases[i].lang, ink);
		CHECK(o.v.surf->w > 100 && o.v.surf->h > 40, "'%s': panel %dx%d", cases[i].lang,
		      o.v.surf->w, o.v.surf->h);
		panel_free(&o);
	}
}

/* A code source node: lang, source, the dark theme with line numbers, font_size px. */
static int code_node(ir_program *p, const char *lang, const char *source, double font_size)
{
	ir_node *n = ir_node_add(p, IR_CODE);
	n->u.code.lang = lang;
	n->u.code.source = source;
	n->u.code.theme = "dark";
	n->u.code.line_numbers = 1;
	n->u.code.font_size = font_size;
	return n->id;
}

/* A panel drawn smaller (a box narrower than its natural width, fit contain) is rasterised at
 * the size it is drawn at; one drawn larger is rasterised larger, not magnified. */
static void test_scaled(void)
{
	static const double widths[] = {120, 1600};
	for (int i = 0; i < 2; i++) {
		ir_program *p = t_prog(1920, 360, 30);
		int src = code_node(p, "c", "int main(void) { return 0; }", 32);
		int l = t_layer(p, src, 0, 0, widths[i], widths[i] > 1000 ? 300 : 0, IR_FIT_CONTAIN);
		t_one_scene(p, l);
		char err[512];
		font_ctx *fonts = NULL;
		src_ctx cx = {p, &fonts, NULL, NULL, NULL};
		void *st = NULL;
		src_view v;
		if (code_source.prepare(&cx, &p->nodes[src], &st, err, sizeof err) ||
		    code_source.frame(&cx, &p->nodes[src], st, 0, &v, err, sizeof err)) {
			CHECK(0, "scaled panel: %s", err);
		} else {
			double k = widths[i] / v.nat_w;
			CHECK(fabs(v.kx - k) < 0.02 && abs(v.surf->w - (int)widths[i]) <= 2,
			      "box %g: natural width %g, raster scale %g (want %g), surface %d px wide", widths[i],
			      v.nat_w, v.kx, k, v.surf->w);
		}
		if (st)
			code_source.release(st);
		font_ctx_free(fonts);
		surf_t *s = t_render(p, NULL, 0);
		CHECK(s != NULL, "scaled panel render");
		surf_free(s);
		ir_program_free(p);
	}
}

/* The golden spec's first scene through the whole graph: the dark panel is on the canvas. */
static void test_in_program(void)
{
	ir_program *p = t_prog(640, 360, 30);
	int src = code_node(p, "python", "def f():\n    return 1", 24);
	ir_node *l = &p->nodes[t_layer(p, src, 320, 180, 0, 0, IR_FIT_NONE)];
	l->u.layer.anchor_x = l->u.layer.anchor_y = 0.5;
	t_one_scene(p, l->id);
	surf_t *s = t_render(p, NULL, 5);
	CHECK(s != NULL, "render failed");
	if (s) {
		uint32_t c = t_px(s, 320, 180), bg = t_px(s, 5, 5);
		/* the centre of the panel is panel or ink, never the black canvas */
		CHECK(!t_near(c, 0, 0, 0, 10), "centre " PXFMT, PXARG(c));
		CHECK(t_near(bg, 0, 0, 0, 0), "canvas corner " PXFMT, PXARG(bg));
		int x;
		CHECK(count_color(s, DARK_PANEL, 0, &x) > 1000, "no panel colour on the canvas");
		surf_free(s);
	}
	ir_program_free(p);
}

int main(void)
{
	test_tokenizers();
	test_theme_and_keywords();
	test_numbers_and_tabs();
	test_languages();
	test_scaled();
	test_in_program();
	return check_done();
}
