/*
 * fuzz_canvas.c - libFuzzer target over the Lua canvas API (runtime/canvas.c) as a hostile hook
 * uses it: the input is read as a program of canvas calls with arguments of every kind (numbers
 * small and huge, NaN, infinities, colours good and bad, option tables, the transition's images,
 * the canvas itself, picture file names inside and outside the hook's folder, a canvas kept from
 * the frame before), written out as a Lua hook transition and run through the real hook host
 * (lua_host.c, hook.c, graph.c) on a 64x48 program, two frames per input. Each call goes through
 * pcall, so one bad argument does not end the run; the budgets are the runtime's own, lowered
 * so an input takes milliseconds.
 *
 * A hook's error is expected; what must never happen is a crash, a sanitizer report, a leak, a
 * hang or an error that does not name the hook (the message must end with "(hook 'fz' called
 * from ...)").
 *
 *   make fuzz && ./build/fuzz/fuzz_canvas tests/fuzz/corpus/fuzz_canvas
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../base/arena.h"
#include "../../compiler/ir.h"
#include "../../runtime/golden.h"
#include "../../runtime/graph.h"
#include "../../runtime/lua_host.h"
#include "../../runtime/surface.h"
#include "../unit/rt_build.h"

static char dir[] = "/tmp/vidc-fuzz-canvas-XXXXXX";
static char hook_path[128];

/* ---- reading the input ----------------------------------------------------------------------- */

typedef struct {
	const uint8_t *p;
	size_t n;
} input;

static unsigned byte(input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned pick(input *in, unsigned n)
{
	return byte(in) % n;
}

/* ---- writing the hook ------------------------------------------------------------------------ */

typedef struct {
	char *s;
	size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
		va_end(ap);
		if (k < 0)
			abort();
		if ((size_t)k < t->cap - t->n) {
			t->n += (size_t)k;
			return;
		}
		t->cap = (t->cap + (size_t)k) * 2;
		if (!(t->s = realloc(t->s, t->cap)))
			abort();
	}
}

static const char *const methods[] = {
	"rect",  "rounded_rect", "ellipse",    "circle",     "line",   "linear_gradient", "radial_gradient",
	"clear", "image",        "text",       "measure",    "blend",  "clip_rect",       "clip_circle",
	"unclip", "noise",       "grade",      "color_matrix", "blur", "shift_rows",      "rgb_split",
	"nosuch"};

static void number(text *t, input *in)
{
	static const char *const special[] = {"0/0",  "1/0",       "-1/0",           "-0.0",
					      "1e7",  "-1e7",      "1e9",            "2^31",
					      "2^53", "2^63",      "1e300",          "-1e300",
					      "math.maxinteger", "math.mininteger", "0.5", "1e-300"};
	switch (pick(in, 4)) {
	case 0:
		put(t, "%d", (int)(int8_t)byte(in));
		break;
	case 1:
		put(t, "%g", (int16_t)(byte(in) << 8 | byte(in)) / 16.0);
		break;
	case 2:
		put(t, "%s", special[pick(in, 16)]);
		break;
	default:
		put(t, "%u", byte(in) * 4);
		break;
	}
}

static void colour(text *t, input *in)
{
	static const char *const c[] = {"'#fff'",      "'#ffff'",     "'#ff00ff'", "'#ff00ff80'", "'red'",
					"'transparent'", "'#'",       "'#zz'",     "''",          "'#1234567'",
					"'#123456789'", "'black'",    "'#00000000'", "'white'",   "'#0f08'"};
	if (pick(in, 3) == 0) {
		put(t, "{");
		for (unsigned i = pick(in, 6); i > 0; i--) {
			number(t, in);
			put(t, ",");
		}
		put(t, "}");
	} else {
		put(t, "%s", c[pick(in, 15)]);
	}
}

static void string_arg(text *t, input *in)
{
	static const char *const s[] = {"'Hi'",  "''",        "'h\\195\\169llo'", "'\\255\\254'",
					"'\\216\\167\\217\\132'", "'\\230\\151\\165\\230\\156\\172'", "'a\\nb\\n\\nc'",
					"('W'):rep(50)", "('x y '):rep(700)", "'\\0'", "'\\240\\159\\152\\128'",
					"('\\204\\129'):rep(40)"};
	put(t, "%s", s[pick(in, 12)]);
}

static void options(text *t, input *in)
{
	static const char *const keys[] = {"size", "font",  "weight", "align",   "valign", "stroke",
					   "stroke_color", "width", "opacity", "color", "brightness", "contrast",
					   "saturation", "tint", "tint_amount"};
	static const char *const strs[] = {"'bold'", "'light'", "'center'", "'right'", "'middle'", "'bottom'",
					   "'DejaVu Sans'", "'dot.png'", "'No Such Font'", "'/dev/null'"};
	put(t, "{");
	for (unsigned i = pick(in, 6); i > 0; i--) {
		put(t, "%s = ", keys[pick(in, 15)]);
		unsigned k = pick(in, 3);
		if (k == 0)
			number(t, in);
		else if (k == 1)
			put(t, "%s", strs[pick(in, 10)]);
		else
			colour(t, in);
		put(t, ", ");
	}
	put(t, "}");
}

static void image_arg(text *t, input *in)
{
	static const char *const im[] = {"a",           "b",          "c",           "kept or c",  "'dot.png'",
					 "'missing.png'", "'../dot.png'", "'/etc/passwd'", "'sub/dot.png'", "''",
					 "'dot.png/'",  "'.'",        "'hook.lua'",  "'link.png'",  "'fifo.png'"};
	put(t, "%s", im[pick(in, 15)]);
}

static void nil_arg(text *t, input *in)
{
	(void)in;
	put(t, "nil");
}

static void bool_arg(text *t, input *in)
{
	put(t, "%s", byte(in) & 1 ? "true" : "false");
}

static void table_arg(text *t, input *in)
{
	put(t, "{");
	for (unsigned i = pick(in, 14); i > 0; i--) {
		number(t, in);
		put(t, ",");
	}
	put(t, "}");
}

/* One argument of a canvas call, by kind: numbers three times as often as the others (most
 * parameters are numbers). The order is the corpus's: a byte picks the same kind as before. */
static void (*const arguments[])(text *t, input *in) = {
	nil_arg, number, number, number, colour, string_arg, options, image_arg, bool_arg, table_arg,
};

static void argument(text *t, input *in)
{
	arguments[pick(in, sizeof arguments / sizeof arguments[0])](t, in);
}

/* One statement: a canvas call through pcall (the receiver sometimes the wrong object), a
 * property read, or keeping a handle for the next frame. */
static void statement(text *t, input *in)
{
	static const char *const self[] = {"c", "c", "c", "c", "c", "c", "a", "{}", "kept or c", "nil"};
	unsigned k = pick(in, 16);
	if (k == 0) {
		put(t, "  kept = %s\n", byte(in) & 1 ? "c" : "a");
		return;
	}
	if (k == 1) {
		put(t, "  local _ = pcall(function() return c.width + c.height + a.width end)\n");
		return;
	}
	const char *m = methods[pick(in, sizeof methods / sizeof methods[0])];
	put(t, "  pcall(c.%s, %s", m, self[pick(in, 10)]);
	for (unsigned i = pick(in, 9); i > 0; i--) {
		put(t, ", ");
		argument(t, in);
	}
	put(t, ")\n");
}

static char *hook_source(input *in)
{
	text t = {NULL, 0, 0};
	put(&t, "return { transition = function(ctx, a, b, c)\n");
	for (int i = 0; i < 64 && in->n; i++)
		statement(&t, in);
	put(&t, "end }\n");
	return t.s;
}

/* ---- the program ----------------------------------------------------------------------------- */

/* 64x48, 20 frames: scene a [0, 12), scene b [8, 20), the hook transition over [8, 12). */
static ir_program *program(void)
{
	ir_program *p = t_prog(64, 48, 20);
	p->spec = "fuzz.vid";
	int la = t_layer(p, t_solid(p, t_rgb(255, 0, 0)), 0, 0, 64, 48, IR_FIT_FILL);
	int a = t_scene(p, 0, 12, t_ids(p, 1, la), 1);
	int lb = t_layer(p, t_solid(p, t_rgb(0, 0, 255)), 0, 0, 64, 48, IR_FIT_FILL);
	int b = t_scene(p, 8, 20, t_ids(p, 1, lb), 1);
	ir_node *tr = t_transition(p, IR_TR_HOOK, a, b, 8, 12);
	tr->u.transition.hook = "fz";
	tr->u.transition.path = hook_path;
	tr->file = "fuzz.vid";
	tr->line = 3;
	tr->col = 5;
	int trid = tr->id;
	t_timeline(p, t_ids(p, 2, a, b), 2, t_ids(p, 1, trid), 1);
	return p;
}

/* fontconfig keeps its configuration caches for the life of the process on purpose (as in
 * tests/lsan.supp for `make asan`); they are not a leak of vidc's. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static void cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_canvas: cannot remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(cleanup);
	snprintf(hook_path, sizeof hook_path, "%s/hook.lua", dir);
	/* pictures beside the hook: a good one, one in a subfolder, a symlink out of the folder, a
	 * FIFO (which must not block) */
	uint8_t px[8 * 8 * 4];
	for (int i = 0; i < 64; i++)
		px[4 * i] = (uint8_t)(i * 4), px[4 * i + 1] = 200, px[4 * i + 2] = 100, px[4 * i + 3] = (uint8_t)(i * 3);
	golden_image img = {8, 8, px};
	char path[256], err[256];
	snprintf(path, sizeof path, "%s/dot.png", dir);
	if (golden_write(path, &img, err, sizeof err))
		abort();
	snprintf(path, sizeof path, "%s/sub", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/sub/dot.png", dir);
	if (golden_write(path, &img, err, sizeof err))
		abort();
	snprintf(path, sizeof path, "%s/link.png", dir);
	if (symlink("/etc/passwd", path))
		abort();
	snprintf(path, sizeof path, "%s/fifo.png", dir);
	if (mkfifo(path, 0600))
		abort();
	lh_limits lim = {(size_t)16 << 20, 5000000, 10};
	lua_host_set_limits(&lim);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input in = {data, size};
	char *src = hook_source(&in);
	FILE *f = fopen(hook_path, "w");
	if (!f || fputs(src, f) < 0 || fclose(f))
		abort();
	free(src);
	ir_program *p = program();
	char err[2048];
	rt_graph *g = NULL;
	if (graph_new(&g, p, err, sizeof err))
		abort();
	surf_t *s = surf_new(64, 48);
	if (!s)
		abort();
	for (int64_t fr = 9; fr <= 10; fr++) {
		err[0] = 0;
		int rc = graph_render(g, fr, s, err, sizeof err);
		/* every failure names the hook and the spec line that used it */
		if (rc < 0 && !strstr(err, "(hook 'fz' called from fuzz.vid:3:5)") && !strstr(err, "fuzz.vid:3:5:")) {
			fprintf(stderr, "fuzz_canvas: an error that names no hook: %s\n", err);
			abort();
		}
	}
	surf_free(s);
	graph_free(g);
	ir_program_free(p);
	return 0;
}
