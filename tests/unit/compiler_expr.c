/*
 * compiler_expr.c - unit tests of SPEC §18.6 through the compiler's public API: arithmetic folded
 * to the numbers the IR holds (template parameters, min/max, px and % on each preset's canvas),
 * a `when portrait` override and a font size in sa lowered differently on a landscape and a
 * portrait preset from one spec, markers as times, and the editor's hover and definition on a
 * marker's name. The errors' wording is in tests/diag/expr.err; here, that each is one error.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../compiler/compile.h"
#include "../../compiler/query.h"

static const char spec[] =
	"video { preset youtube_long tiktok }\n"                         /* 1 */
	"template card(title: string, size: length = 30px) {\n"          /* 2 */
	"  scene 4s {\n"                                                 /* 3 */
	"    marker reveal at 25% + 500ms\n"                             /* 4 */
	"    text title {\n"                                             /* 5 */
	"      font_size 8sa\n"                                          /* 6 */
	"      x 100% - size * 2\n"                                      /* 7 */
	"      y max(10%, 300px)\n"                                      /* 8 */
	"      start reveal\n"                                           /* 9 */
	"      when portrait { font_size 5sa }\n"                        /* 10 */
	"    }\n"
	"  }\n"
	"}\n"
	"use card(\"Hi\", size = 20px * 1.5)\n";

static const ir_node *first_kind(const ir_program *p, ir_kind k)
{
	for (int i = 0; i < p->nnodes; i++)
		if (p->nodes[i].kind == k)
			return &p->nodes[i];
	return NULL;
}

/* The text's font size, its layer's x and y, and its first frame on preset. */
static void lowered(const spec_t *s, const char *preset, double *size, double *x, double *y, int64_t *f0)
{
	ir_program *p = compile_lower(s, preset);
	CHECK(p != NULL, "no IR for %s", preset);
	if (!p)
		return;
	const ir_node *t = first_kind(p, IR_TEXT), *l = first_kind(p, IR_LAYER);
	CHECK(t && l, "no text layer on %s", preset);
	if (t && l) {
		*size = t->u.text.style.size;
		*x = ir_curve_eval(&l->u.layer.x, 0);
		*y = ir_curve_eval(&l->u.layer.y, 0);
		*f0 = t->f0;
	}
	CHECK(p->nmarkers == 1 && !strcmp(p->markers[0].name, "reveal") && fabs(p->markers[0].t - 1.5) < 1e-9,
	      "markers on %s: %d", preset, p->nmarkers);
	ir_program_free(p);
}

static void test_presets(void)
{
	diag_sink *d = diag_new();
	compile_opts o = {NULL, 0, NULL, 0};
	spec_t *s = compile_spec_text("t.vid", spec, strlen(spec), d, &o);
	CHECK(s && diag_errors(d) == 0, "errors: %d", diag_errors(d));
	if (!s || diag_errors(d)) {
		diag_print(d, stderr, 0);
		compile_free(s);
		diag_free(d);
		return;
	}
	double size = 0, x = 0, y = 0;
	int64_t f0 = 0;
	lowered(s, "youtube_long", &size, &x, &y, &f0);
	/* 8sa of a 972 px safe area; 1920 - 2 * 30; max(108, 300); reveal = 1 s + 0.5 s */
	CHECK(fabs(size - 77.76) < 1e-6 && fabs(x - 1860) < 1e-9 && fabs(y - 300) < 1e-9 && f0 == 45,
	      "youtube_long: size %g x %g y %g f0 %lld", size, x, y, (long long)f0);
	lowered(s, "tiktok", &size, &x, &y, &f0);
	/* when portrait: 5sa of 1420 px; 1080 - 60; max(192, 300) */
	CHECK(fabs(size - 71) < 1e-6 && fabs(x - 1020) < 1e-9 && fabs(y - 300) < 1e-9 && f0 == 45,
	      "tiktok: size %g x %g y %g f0 %lld", size, x, y, (long long)f0);

	query_time qt;
	int ok = query_hover(s, 9, 14, &qt); /* on `reveal` in `start reveal` */
	CHECK(ok && fabs(qt.start - 1.5) < 1e-9 && !strcmp(qt.what, "marker reveal"), "hover: %d %s", ok, ok ? qt.what : "");
	query_place pl;
	ok = query_definition(s, 9, 14, &pl);
	CHECK(ok && pl.line == 4 && pl.col == 12, "definition: %d at %d:%d", ok, pl.line, pl.col);
	compile_free(s);
	diag_free(d);
}

/* Each misuse is one error (no follow-on "expected a length" after the expression's own). */
static void test_errors(void)
{
	static const char *const bad[] = {
		"scene 2s { text \"a\" { x 10px * 20px } }",
		"scene 2s { text \"a\" { font_size 40px / (1 - 1) } }",
		"scene 2s { text \"a\" { y 2s + 10px } }",
		"scene 2s { text \"a\" { start nowhere } }\nmarker somewhere at 1s",
		"scene 2s { when preset tiktk { solid #000 } }",
		"scene 2s { when preset tiktok { duration 1s } }",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[512];
		snprintf(text, sizeof text, "video { preset tiktok }\n%s\n", bad[i]);
		diag_sink *d = diag_new();
		compile_opts o = {NULL, 0, NULL, 0};
		spec_t *s = compile_spec_text("t.vid", text, strlen(text), d, &o);
		CHECK(diag_errors(d) == 1, "%s: %d errors", bad[i], diag_errors(d));
		compile_free(s);
		diag_free(d);
	}
}

int main(void)
{
	test_presets();
	test_errors();
	return check_done();
}
