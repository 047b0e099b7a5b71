/*
 * style.c - text styles (see style.h). Each property is one entry of a table: its name, how
 * many values it takes, the usage shown when the count is wrong, and the handler that reads the
 * values into the style.
 */
#include "style.h"

#include <string.h>
#include <strings.h>

#include "asset.h"
#include "sym.h"
#include "value.h"
#include "when.h"

void style_defaults(checker_t *c, ir_text_style *s, unit_kind *font_unit)
{
	memset(s, 0, sizeof *s);
	s->font = c->s->platforms ? platform_font(c->s->platforms, "text") : ""; /* no table: already an error */
	s->weight = 400;
	s->size = 64;
	s->line_spacing = 1.0;
	s->color = (ir_color){255, 255, 255, 255};
	s->stroke_color = (ir_color){0, 0, 0, 255};
	s->shadow_color = (ir_color){0, 0, 0, 0};
	s->align = IR_ALIGN_CENTER;
	s->wrap = IR_WRAP_BALANCED;
	*font_unit = UNIT_PX;
}

static void style_apply(checker_t *c, const ast_value *name, style_target t, int depth);

static void prop_style(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	style_apply(c, st->args[0], t, depth + 1);
}

/* A family name for fontconfig, or a font file (a name with a '/' or a font extension). */
/* A family name as written, or a font file resolved inside the project roots; NULL if v is not a
 * string (reported). */
static const char *font_name(checker_t *c, const ast_value *v)
{
	const char *f;
	if (!val_str(c, v, &f))
		return NULL;
	size_t n = strlen(f);
	int is_file = strchr(f, '/') || (n > 4 && (!strcasecmp(f + n - 4, ".ttf") ||
						    !strcasecmp(f + n - 4, ".otf") ||
						    !strcasecmp(f + n - 4, ".ttc")));
	const char *path = is_file ? asset_path(c, v, "font file", NULL) : f;
	return path ? path : f;
}

/* `font "Inter" "Noto Sans Arabic" ...`: the first font, then the fallbacks in order. */
static void prop_font(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	const char *f = font_name(c, st->args[0]);
	if (!f)
		return;
	t.s->font = f;
	t.s->nfallback = 0;
	for (int i = 1; i < st->nargs; i++)
		if ((f = font_name(c, st->args[i])))
			t.s->fallback[t.s->nfallback++] = f;
}

static void prop_weight(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	static const char *const w[] = {"regular", "bold", "normal", "light", "medium", "black"};
	static const int wv[] = {400, 700, 400, 300, 500, 900};
	const ast_value *v = val_resolve(c, st->args[0]);
	int i;
	if (v->kind == AV_NUM) {
		if (!val_int(c, v, &i))
			return;
		if (i < 100 || i > 900)
			diag_error(c->d, v->sp, "a font weight is between 100 and 900");
		else
			t.s->weight = i;
	} else if (val_enum(c, v, "font weight", w, COUNT(w), &i)) {
		t.s->weight = wv[i];
	}
}

static void prop_italic(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	val_bool(c, st, &t.s->italic);
}

static void prop_font_size(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	double v;
	unit_kind u;
	if (!val_len_axis(c, st->args[0], 2, &v, &u))
		return;
	if (v <= 0 || v > 2000)
		diag_error(c->d, st->args[0]->sp, "font size must be above 0 and at most 2000px");
	else
		t.s->size = v, *t.font_unit = u;
}

static void prop_color(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	val_color(c, st->args[0], &t.s->color);
}

static void prop_stroke(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	double w;
	unit_kind u;
	if (!val_len(c, st->args[0], &w, &u))
		return;
	if (u != UNIT_PX)
		diag_error(c->d, st->args[0]->sp, "a stroke width is in px");
	t.s->stroke_width = w;
	if (st->nargs > 1)
		val_color(c, st->args[1], &t.s->stroke_color);
}

static void prop_shadow(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	double v[3] = {0, 0, 0};
	unit_kind u;
	for (int i = 0; i < 3; i++)
		if (val_len(c, st->args[i], &v[i], &u) && u != UNIT_PX)
			diag_error(c->d, st->args[i]->sp, "shadow offsets and blur are in px");
	t.s->shadow_dx = v[0], t.s->shadow_dy = v[1], t.s->shadow_blur = v[2];
	val_color(c, st->args[3], &t.s->shadow_color);
}

static void prop_box(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	double v;
	unit_kind u;
	val_color(c, st->args[0], &t.s->box_color);
	if (st->nargs > 1 && val_len(c, st->args[1], &v, &u))
		t.s->box_padding = v;
	if (st->nargs > 2 && val_len(c, st->args[2], &v, &u))
		t.s->box_radius = v;
}

static void prop_align(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	static const char *const a[] = {"left", "center", "right"};
	int i;
	if (val_enum(c, st->args[0], "alignment", a, COUNT(a), &i))
		t.s->align = (ir_align)i;
}

static void prop_wrap(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	static const char *const w[] = {"greedy", "balanced"}; /* in ir_wrap order */
	int i;
	if (val_enum(c, st->args[0], "wrapping", w, COUNT(w), &i))
		t.s->wrap = (ir_wrap)i;
}

static void prop_line_spacing(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	double v;
	if (!val_scalar(c, st->args[0], &v))
		return;
	if (v <= 0 || v > 10)
		diag_error(c->d, st->args[0]->sp, "line spacing must be above 0 and at most 10");
	else
		t.s->line_spacing = v;
}

static const struct {
	const char *name;
	int min, max;      /* how many values */
	const char *usage; /* what they are, for "'NAME' takes USAGE" */
	void (*fn)(checker_t *c, const ast_stmt *st, style_target t, int depth);
} props[] = {
	{"style", 1, 1, "a style name", prop_style},
	{"font", 1, 1 + IR_MAX_FALLBACK_FONTS, "font families or font files (strings), the first first", prop_font},
	{"weight", 1, 1, "regular, bold or a weight 100..900", prop_weight},
	{"italic", 0, 1, "on or off", prop_italic},
	{"font_size", 1, 1, "a size (px, or % of the canvas height)", prop_font_size},
	{"color", 1, 1, "a colour", prop_color},
	{"stroke", 1, 2, "a width in px and a colour", prop_stroke},
	{"shadow", 4, 4, "dx dy blur colour (e.g. shadow 0px 4px 8px #00000099)", prop_shadow},
	{"box", 1, 3, "a colour, then padding and corner radius in px", prop_box},
	{"align", 1, 1, "left, center or right", prop_align},
	{"line_spacing", 1, 1, "a multiple of the line height (e.g. 1.2)", prop_line_spacing},
	{"wrap", 1, 1, "balanced or greedy", prop_wrap},
};

int style_nprops(void)
{
	return COUNT(props);
}

const char *style_prop_name(int i)
{
	return i >= 0 && i < COUNT(props) ? props[i].name : NULL;
}

int style_prop(checker_t *c, const ast_stmt *st, style_target t, int depth)
{
	int k = -1;
	for (int i = 0; i < COUNT(props) && k < 0; i++)
		if (!strcmp(st->head, props[i].name))
			k = i;
	if (k < 0)
		return 0;
	val_no_block(c, st);
	if (val_want_args(c, st, props[k].min, props[k].max, props[k].usage))
		props[k].fn(c, st, t, depth);
	return 1;
}

static void style_apply(checker_t *c, const ast_value *name, style_target t, int depth)
{
	name = val_resolve(c, name);
	if (name->kind != AV_IDENT) {
		val_expected(c, name, "a style name");
		return;
	}
	const ast_stmt *st = val_known_stmt(c, name->sp, "style", name->s, sym_style(c, name->s), c->styles, c->nstyles);
	if (!st)
		return;
	/* A style reached again through its own `extends` or `style` lines: stop there, or a
	 * style naming itself twice would be applied 2^depth times. */
	for (int i = 0; i < depth && i < MAX_STYLE_DEPTH; i++)
		if (c->style_chain[i] == st) {
			diag_error(c->d, name->sp, "style '%s' extends itself", name->s);
			return;
		}
	if (depth >= MAX_STYLE_DEPTH) {
		diag_error(c->d, name->sp, "styles extend each other more than %d deep", MAX_STYLE_DEPTH);
		return;
	}
	c->style_chain[depth] = st;
	static const when_rules style_when = {NULL, NULL, 0};
	st = when_apply(c, st, &style_when); /* SPEC §18.6 */
	if (st->nargs == 3 && st->args[1]->kind == AV_IDENT && !strcmp(st->args[1]->s, "extends"))
		style_apply(c, st->args[2], t, depth + 1);
	else if (st->nargs != 1)
		diag_error(c->d, st->sp, "write a style as: style NAME [extends OTHER] { ... }");
	const char *names[COUNT(props)];
	for (int i = 0; i < COUNT(props); i++)
		names[i] = props[i].name;
	for (int i = 0; i < st->nbody; i++)
		if (!style_prop(c, st->body[i], t, depth))
			val_unknown(c, st->body[i]->sp, "style property", st->body[i]->head, names,
				    COUNT(props));
}
