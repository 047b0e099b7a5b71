/*
 * check.c - from the AST to the checked model (model.h): imports, constants, styles, templates
 * and hooks; name and unit checking; speech anchors; timeline resolution; preset checks; asset
 * existence. Every problem goes to the diagnostics sink and checking goes on, so one run reports
 * all of a file's errors. lower.c then turns the model into IR per preset.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ast.h"
#include "compile.h"
#include "model.h"
#include "parse.h"
#include "preset.h"

#define MAX_IMPORT_DEPTH 16
#define MAX_EXPAND_DEPTH 16
#define MAX_STYLE_DEPTH 16
/* Statements that template expansion may produce in all: several hundred layers is a long video;
 * a million is a fan-out (t9 uses t8 ten times, ...) that would exhaust memory. */
#define MAX_EXPANDED 20000
#define MAX_FILE_BYTES (16 * 1024 * 1024)
#define MAX_SECONDS 86400.0 /* longer than any platform takes; keeps frame counts sane */

typedef struct {
	const char *name;
	const ast_value *v;
	span_t sp;
} const_sym;

typedef struct {
	const char *name;
	const ast_stmt *st;
} stmt_sym;

typedef struct {
	const char *name, *path;
	span_t sp;
} hook_sym;

/* Template parameters bound to argument values while a template body is copied. */
typedef struct subst {
	const char *const *names;
	const ast_value **vals;
	int n;
} subst_t;

typedef struct {
	spec_t *s;
	arena_t *a;
	diag_sink *d;
	const compile_opts *o;
	const char *stdlib;
	const_sym *consts;
	int nconsts, cconsts;
	stmt_sym *styles;
	int nstyles, cstyles;
	stmt_sym *templates;
	int ntemplates, ctemplates;
	hook_sym *hooks;
	int nhooks, chooks;
	const char **files; /* real paths of loaded files: import once, detect cycles */
	int nfiles, cfiles;
	int order;
	int have_video;
	span_t video_sp;
	span_t *preset_sps;
	int cpreset_sps;
	const char *active[MAX_EXPAND_DEPTH + 1]; /* templates being expanded, outermost first */
	const ast_stmt *style_chain[MAX_STYLE_DEPTH]; /* styles being applied, outermost first */
	long expanded;			      /* statements copied by expansion so far */
	int expand_failed;		      /* the MAX_EXPANDED error was given */
} checker;

static double fps(const checker *c)
{
	return (double)c->s->fps_num / c->s->fps_den;
}

static int64_t to_frame(const checker *c, double t)
{
	return llround(t * fps(c));
}

static double frame_sec(const checker *c, int64_t f)
{
	return (double)f / fps(c);
}

/* ---- names -------------------------------------------------------------------------------- */

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static void unknown(checker *c, span_t sp, const char *what, const char *name,
		    const char *const *cands, int n)
{
	const char *sug = diag_suggest(name, cands, n);
	if (sug) {
		diag_error(c->d, sp, "unknown %s '%s' (did you mean '%s'?)", what, name, sug);
		return;
	}
	char list[512];
	size_t used = 0;
	list[0] = 0;
	for (int i = 0; i < n && used + 40 < sizeof list; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", cands[i]);
	if (n > 0)
		diag_error(c->d, sp, "unknown %s '%s' (expected one of: %s)", what, name, list);
	else
		diag_error(c->d, sp, "unknown %s '%s'", what, name);
}

static const char *const *sym_names(checker *c, const void *syms, size_t stride, int n)
{
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		names[i] = *(const char *const *)((const char *)syms + stride * (size_t)i);
	return names;
}

static const_sym *find_const(checker *c, const char *name)
{
	for (int i = 0; i < c->nconsts; i++)
		if (!strcmp(c->consts[i].name, name))
			return &c->consts[i];
	return NULL;
}

static const ast_stmt *find_stmt_sym(stmt_sym *syms, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(syms[i].name, name))
			return syms[i].st;
	return NULL;
}

static hook_sym *find_hook(checker *c, const char *name)
{
	for (int i = 0; i < c->nhooks; i++)
		if (!strcmp(c->hooks[i].name, name))
			return &c->hooks[i];
	return NULL;
}

/* Follows constants: an identifier naming a constant stands for the constant's value. */
static const ast_value *R(checker *c, const ast_value *v)
{
	for (int i = 0; v && v->kind == AV_IDENT && i < 16; i++) {
		const_sym *k = find_const(c, v->s);
		if (!k)
			break;
		v = k->v;
	}
	return v;
}

static const char *describe(const ast_value *v)
{
	static char buf[96];
	switch (v->kind) {
	case AV_NUM:
		switch (v->unit) {
		case UNIT_S: case UNIT_MS: case UNIT_F: return "a duration";
		case UNIT_PX: case UNIT_SA: return "a length";
		case UNIT_PCT: return "a percentage";
		case UNIT_DEG: return "an angle";
		case UNIT_DB: return "a level in dB";
		default: return "a number";
		}
	case AV_STR: return "a string";
	case AV_COLOR: return "a colour";
	case AV_IDENT:
		snprintf(buf, sizeof buf, "the name '%.60s'", v->s);
		return buf;
	case AV_CALL:
		snprintf(buf, sizeof buf, "a call to '%.60s'", v->s);
		return buf;
	case AV_ARROW: return "'->'";
	case AV_BINOP: return "an expression";
	}
	return "a value";
}

static const char *an(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

static void expected(checker *c, const ast_value *v, const char *what)
{
	diag_error(c->d, v->sp, "expected %s, found %s", what, describe(v));
}

/* ---- values ------------------------------------------------------------------------------ */

static int get_str(checker *c, const ast_value *v, const char **out)
{
	v = R(c, v);
	if (v->kind != AV_STR) {
		expected(c, v, "a string");
		return 0;
	}
	*out = v->s;
	return 1;
}

static ir_color color_of(unsigned u)
{
	ir_color k = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
	return k;
}

static const char *const color_names[] = {"black", "white", "transparent", "red", "green", "blue",
					  "yellow", "gray"};
static const unsigned color_values[] = {0x000000FF, 0xFFFFFFFF, 0x00000000, 0xFF0000FF,
					0x00FF00FF, 0x0000FFFF, 0xFFFF00FF, 0x808080FF};

static int get_color(checker *c, const ast_value *v, ir_color *out)
{
	v = R(c, v);
	if (v->kind == AV_COLOR) {
		*out = color_of(v->color);
		return 1;
	}
	if (v->kind == AV_IDENT) {
		for (int i = 0; i < COUNT(color_names); i++)
			if (!strcmp(v->s, color_names[i])) {
				*out = color_of(color_values[i]);
				return 1;
			}
		unknown(c, v->sp, "colour", v->s, color_names, COUNT(color_names));
		return 0;
	}
	expected(c, v, "a colour (#rrggbb, #rrggbbaa or a colour name)");
	return 0;
}

static int finite_ok(checker *c, const ast_value *v)
{
	if (!isfinite(v->num) || fabs(v->num) > 1e9) {
		diag_error(c->d, v->sp, "number out of range");
		return 0;
	}
	return 1;
}

/* A plain number; 50% is 0.5. */
static int get_scalar(checker *c, const ast_value *v, double *out)
{
	v = R(c, v);
	if (v->kind != AV_NUM || (v->unit != UNIT_NONE && v->unit != UNIT_PCT)) {
		expected(c, v, "a number or a percentage");
		return 0;
	}
	if (!finite_ok(c, v))
		return 0;
	*out = v->unit == UNIT_PCT ? v->num / 100 : v->num;
	return 1;
}

static int get_int(checker *c, const ast_value *v, int *out)
{
	v = R(c, v);
	if (v->kind != AV_NUM || v->unit != UNIT_NONE || v->num != floor(v->num) ||
	    fabs(v->num) > 1e6) {
		expected(c, v, "a whole number");
		return 0;
	}
	*out = (int)v->num;
	return 1;
}

/* A length along an axis: px, % of the canvas, sa = % of the safe area; a bare 0 is allowed. */
static int get_len(checker *c, const ast_value *v, double *out, unit_kind *unit)
{
	v = R(c, v);
	if (v->kind == AV_NUM && (v->unit == UNIT_PX || v->unit == UNIT_PCT || v->unit == UNIT_SA ||
				  (v->unit == UNIT_NONE && v->num == 0))) {
		if (!finite_ok(c, v))
			return 0;
		*out = v->num;
		*unit = v->unit == UNIT_NONE ? UNIT_PX : v->unit;
		return 1;
	}
	if (v->kind == AV_NUM && v->unit == UNIT_NONE)
		diag_error(c->d, v->sp, "a length needs a unit: px, %% or sa (write '%gpx')", v->num);
	else
		expected(c, v, "a length (px, % or sa)");
	return 0;
}

/* A duration in seconds: s, ms or f (frames at the video's rate); a bare 0 is allowed. */
static int get_dur(checker *c, const ast_value *v, double *out)
{
	v = R(c, v);
	if (v->kind == AV_NUM && (v->unit == UNIT_S || v->unit == UNIT_MS || v->unit == UNIT_F ||
				  (v->unit == UNIT_NONE && v->num == 0))) {
		if (!finite_ok(c, v))
			return 0;
		if (v->num < 0) {
			diag_error(c->d, v->sp, "a duration cannot be negative");
			return 0;
		}
		*out = v->unit == UNIT_MS ? v->num / 1000 : v->unit == UNIT_F ? v->num / fps(c) : v->num;
		if (*out > MAX_SECONDS) {
			diag_error(c->d, v->sp, "duration too long (more than 24 hours)");
			return 0;
		}
		return 1;
	}
	if (v->kind == AV_NUM && v->unit == UNIT_NONE)
		diag_error(c->d, v->sp, "a duration needs a unit: s, ms or f (write '%gs')", v->num);
	else
		expected(c, v, "a duration (s, ms or f)");
	return 0;
}

static int get_enum(checker *c, const ast_value *v, const char *what, const char *const *names,
		    int n, int *out)
{
	v = R(c, v);
	if (v->kind != AV_IDENT) {
		char buf[128];
		snprintf(buf, sizeof buf, "a %s", what);
		expected(c, v, buf);
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (!strcmp(v->s, names[i])) {
			*out = i;
			return 1;
		}
	unknown(c, v->sp, what, v->s, names, n);
	return 0;
}

static int get_bool(checker *c, const ast_stmt *st, int *out)
{
	static const char *const names[] = {"off", "on", "false", "true", "no", "yes"};
	if (st->nargs == 0) {
		*out = 1;
		return 1;
	}
	int i;
	if (!get_enum(c, st->args[0], "switch (on or off)", names, COUNT(names), &i))
		return 0;
	*out = i & 1;
	return 1;
}

static const char *const ease_names[] = {"linear", "ease_in", "ease_out", "ease_in_out", "in",
					 "out", "in_out", "hold", "cubic_bezier"};

static int get_ease(checker *c, const ast_value *v, ir_ease *out)
{
	v = R(c, v);
	memset(out, 0, sizeof *out);
	if (v->kind == AV_CALL && !strcmp(v->s, "cubic_bezier")) {
		if (v->nargs != 4) {
			diag_error(c->d, v->sp, "cubic_bezier takes 4 numbers (x1, y1, x2, y2), found %d", v->nargs);
			return 0;
		}
		for (int i = 0; i < 4; i++) {
			if (v->args[i].name || !v->args[i].v ||
			    !get_scalar(c, v->args[i].v, &out->p[i]))
				return 0;
		}
		if (out->p[0] < 0 || out->p[0] > 1 || out->p[2] < 0 || out->p[2] > 1) {
			diag_error(c->d, v->sp, "cubic_bezier x1 and x2 must be between 0 and 1");
			return 0;
		}
		out->kind = IR_EASE_BEZIER;
		return 1;
	}
	int i;
	if (!get_enum(c, v, "easing", ease_names, COUNT(ease_names) - 1, &i))
		return 0;
	static const ir_ease_kind kinds[] = {IR_EASE_LINEAR, IR_EASE_IN, IR_EASE_OUT, IR_EASE_IN_OUT,
					     IR_EASE_IN, IR_EASE_OUT, IR_EASE_IN_OUT, IR_EASE_HOLD};
	out->kind = kinds[i];
	return 1;
}

static int want_args(checker *c, const ast_stmt *st, int min, int max, const char *usage)
{
	if (st->nargs >= min && st->nargs <= max)
		return 1;
	span_t sp = st->nargs > max ? st->args[max]->sp : st->sp;
	diag_error(c->d, sp, "'%s' takes %s", st->head, usage);
	return 0;
}

static void no_block(checker *c, const ast_stmt *st)
{
	if (st->block)
		diag_error(c->d, st->sp, "'%s' takes no { } block", st->head);
}

/* ---- speech anchors ------------------------------------------------------------------------ */

static const char *const anchor_names[] = {"word", "word_end", "sentence", "sentence_end",
					   "section", "section_end"};

static int anchor_index(checker *c, const ast_value *v, int count, const char *unit)
{
	/* word(3): 1-based index */
	int i;
	if (!get_int(c, v, &i))
		return -1;
	if (i < 1 || i > count) {
		diag_error(c->d, v->sp, "%s %d does not exist: the narration has %d %ss", unit, i,
			   count, unit);
		return -1;
	}
	return i - 1;
}

/* An anchor call to absolute seconds on the video timeline. */
static int get_anchor(checker *c, const ast_value *v, double *out)
{
	int kind = -1;
	for (int i = 0; i < COUNT(anchor_names); i++)
		if (!strcmp(v->s, anchor_names[i]))
			kind = i;
	if (kind < 0) {
		unknown(c, v->sp, "time function", v->s, anchor_names, COUNT(anchor_names));
		return 0;
	}
	const timing_t *t = c->s->timing;
	if (!t) {
		diag_error(c->d, v->sp,
			   "'%s(...)' anchors to the narration, but the spec has no voice with timings (add: voice \"voice.wav\" { timings \"voice.json\" })",
			   v->s);
		return 0;
	}
	if (v->nargs < 1 || v->nargs > 2 || v->args[0].name || (v->nargs == 2 && v->args[1].name)) {
		diag_error(c->d, v->sp, "%s() takes an index or a text, and optionally which match (e.g. %s(\"coffee\", 2))", v->s, v->s);
		return 0;
	}
	const ast_value *a0 = R(c, v->args[0].v);
	int nth = 0;
	if (v->nargs == 2 && !get_int(c, v->args[1].v, &nth))
		return 0;
	double base = c->s->voice_start;
	if (kind <= 1) { /* word */
		int w = -1;
		if (a0->kind == AV_NUM) {
			if ((w = anchor_index(c, a0, t->nwords, "word")) < 0)
				return 0;
		} else if (a0->kind == AV_STR) {
			int nw = 0;
			int n = timing_match(t, a0->s, nth, &w, &nw);
			if (n == 0) {
				const char **cands = arena_alloc(c->a, sizeof(char *) * (size_t)(t->nwords + 1));
				for (int i = 0; i < t->nwords; i++)
					cands[i] = t->words[i].text;
				const char *sug = nw == 1 ? diag_suggest(a0->s, cands, t->nwords) : NULL;
				if (sug)
					diag_error(c->d, a0->sp, "no word of the narration matches \"%s\" (did you mean \"%s\"?)", a0->s, sug);
				else
					diag_error(c->d, a0->sp, "no word of the narration matches \"%s\"", a0->s);
				return 0;
			}
			if (nth > n || nth < 0) {
				diag_error(c->d, v->sp, "\"%s\" occurs %d time%s in the narration; there is no match %d", a0->s, n, n == 1 ? "" : "s", nth);
				return 0;
			}
			if (n > 1 && nth == 0) {
				int second = -1;
				timing_match(t, a0->s, 2, &second, &nw);
				diag_error(c->d, a0->sp,
					   "\"%s\" matches %d places in the narration (at %.2fs and %.2fs%s); pick one with %s(\"%s\", N) or a longer phrase",
					   a0->s, n, t->words[w].start, t->words[second].start,
					   n > 2 ? ", ..." : "", v->s, a0->s);
				return 0;
			}
			if (kind == 1)
				w += nw - 1;
		} else {
			expected(c, a0, "a word number or a text");
			return 0;
		}
		*out = base + (kind == 0 ? t->words[w].start : t->words[w].end);
		return 1;
	}
	if (kind <= 3) { /* sentence */
		int s = -1;
		if (a0->kind == AV_NUM) {
			if ((s = anchor_index(c, a0, t->nsentences, "sentence")) < 0)
				return 0;
		} else if (a0->kind == AV_STR) {
			int n = timing_match_sentence(t, a0->s, nth, &s);
			if (n == 0) {
				diag_error(c->d, a0->sp, "no sentence of the narration contains \"%s\"", a0->s);
				return 0;
			}
			if (nth > n || nth < 0) {
				diag_error(c->d, v->sp, "\"%s\" occurs in %d sentence%s; there is no match %d", a0->s, n, n == 1 ? "" : "s", nth);
				return 0;
			}
			if (n > 1 && nth == 0) {
				diag_error(c->d, a0->sp, "\"%s\" is in %d sentences; pick one with %s(\"%s\", N) or a longer phrase",
					   a0->s, n, v->s, a0->s);
				return 0;
			}
		} else {
			expected(c, a0, "a sentence number or a text");
			return 0;
		}
		*out = base + (kind == 2 ? t->words[t->sentence_first[s]].start
					 : t->words[timing_sentence_last(t, s)].end);
		return 1;
	}
	/* section */
	if (a0->kind != AV_STR) {
		expected(c, a0, "a section name");
		return 0;
	}
	for (int i = 0; i < t->nsections; i++)
		if (!strcmp(t->sections[i].name, a0->s)) {
			*out = base + (kind == 4 ? t->words[t->sections[i].first].start
						 : t->words[t->sections[i].last].end);
			return 1;
		}
	const char **cands = arena_alloc(c->a, sizeof(char *) * (size_t)(t->nsections + 1));
	for (int i = 0; i < t->nsections; i++)
		cands[i] = t->sections[i].name;
	unknown(c, a0->sp, "section", a0->s, cands, t->nsections);
	return 0;
}

/* A point in time. Durations are relative to base; a negative one counts back from base + span;
 * a percentage is of span; speech anchors are absolute. anchor + duration and anchor - duration
 * shift an anchor. Result: seconds on the video timeline. */
static int get_time(checker *c, const ast_value *v, double base, double span, double *out)
{
	v = R(c, v);
	if (v->kind == AV_CALL)
		return get_anchor(c, v, out);
	if (v->kind == AV_BINOP) {
		double l, r;
		if (!get_time(c, v->lhs, base, span, &l) || !get_dur(c, v->rhs, &r))
			return 0;
		*out = v->op == '+' ? l + r : l - r;
		return 1;
	}
	if (v->kind == AV_NUM && v->unit == UNIT_PCT) {
		if (!finite_ok(c, v))
			return 0;
		*out = base + span * v->num / 100;
		return 1;
	}
	if (v->kind == AV_NUM && v->num < 0 &&
	    (v->unit == UNIT_S || v->unit == UNIT_MS || v->unit == UNIT_F)) {
		ast_value pos = *v;
		pos.num = -v->num;
		double d;
		if (!get_dur(c, &pos, &d))
			return 0;
		*out = base + span - d;
		return 1;
	}
	if (v->kind == AV_NUM) {
		double d;
		if (!get_dur(c, v, &d))
			return 0;
		*out = base + d;
		return 1;
	}
	expected(c, v, "a time (5s, 500ms, 12f, 50%, or a speech anchor such as word(\"coffee\"))");
	return 0;
}

/* ---- files -------------------------------------------------------------------------------- */

static const char *dir_of(checker *c, int file)
{
	const char *p = diag_source_path(c->d, file);
	const char *slash = strrchr(p, '/');
	return slash ? arena_strndup(c->a, p, (size_t)(slash - p)) : ".";
}

static const char *join_path(checker *c, int file, const char *rel)
{
	if (rel[0] == '/')
		return rel;
	const char *dir = dir_of(c, file);
	return strcmp(dir, ".") ? arena_printf(c->a, "%s/%s", dir, rel) : rel;
}

static int file_ok(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* Resolves an asset path relative to the file the string is written in, and checks it exists. */
static const char *asset(checker *c, const ast_value *v, const char *what, const char **src)
{
	const char *s;
	if (!get_str(c, v, &s))
		return NULL;
	if (!*s) {
		diag_error(c->d, R(c, v)->sp, "empty %s path", what);
		return NULL;
	}
	const char *p = join_path(c, R(c, v)->sp.file, s);
	if (src)
		*src = s;
	if (c->o->check_assets && !file_ok(p)) {
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			diag_error(c->d, R(c, v)->sp, "%s '%s' is a directory, not a file", what, s);
		else if (stat(p, &st) == 0)
			diag_error(c->d, R(c, v)->sp, "%s '%s' cannot be read (permission denied)", what, s);
		else if (strcmp(p, s))
			diag_error(c->d, R(c, v)->sp, "%s '%s' not found (looked for %s)", what, s, p);
		else
			diag_error(c->d, R(c, v)->sp, "%s '%s' not found", what, s);
	}
	return p;
}

static char *read_file(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = "cannot open it";
		return NULL;
	}
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE_BYTES + 65536) {
				*why = "it is larger than 16 MiB";
				free(buf);
				fclose(f);
				return NULL;
			}
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				*why = "out of memory";
				return NULL;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		*why = "a read error occurred";
		return NULL;
	}
	*len = n;
	return buf;
}

/* ---- definitions, imports, templates --------------------------------------------------------- */

static void load_defs(checker *c, ast_file *f, int imported, int depth);

static void define(checker *c, const ast_stmt *st)
{
	if (!strcmp(st->head, "const")) {
		if (st->nargs != 2 || st->args[0]->kind != AV_IDENT) {
			diag_error(c->d, st->sp, "write a constant as: const NAME = value");
			return;
		}
		const char *name = st->args[0]->s;
		const_sym *prev = find_const(c, name);
		if (prev) {
			diag_error(c->d, st->args[0]->sp, "constant '%s' is defined twice", name);
			diag_note(c->d, prev->sp, "first defined here");
			return;
		}
		const_sym *k = ARENA_PUSH(c->a, c->consts, c->nconsts, c->cconsts);
		k->name = name;
		k->v = st->args[1];
		k->sp = st->args[0]->sp;
		no_block(c, st);
		return;
	}
	if (!strcmp(st->head, "style") || !strcmp(st->head, "template")) {
		int is_style = st->head[0] == 's';
		const ast_value *n = st->nargs ? st->args[0] : NULL;
		int ok = n && (is_style ? n->kind == AV_IDENT : n->kind == AV_CALL);
		if (!ok || !st->block) {
			diag_error(c->d, st->sp, is_style ? "write a style as: style NAME [extends OTHER] { ... }"
							  : "write a template as: template NAME(param: type, ...) { ... }");
			return;
		}
		stmt_sym **syms = is_style ? &c->styles : &c->templates;
		int *cnt = is_style ? &c->nstyles : &c->ntemplates;
		int *cap = is_style ? &c->cstyles : &c->ctemplates;
		const ast_stmt *prev = find_stmt_sym(*syms, *cnt, n->s);
		if (prev) {
			diag_error(c->d, n->sp, "%s '%s' is defined twice", st->head, n->s);
			diag_note(c->d, prev->args[0]->sp, "first defined here");
			return;
		}
		stmt_sym *k = ARENA_PUSH(c->a, *syms, *cnt, *cap);
		k->name = n->s;
		k->st = st;
		return;
	}
	if (!strcmp(st->head, "hook")) {
		if (st->nargs != 2 || st->args[0]->kind != AV_IDENT || st->args[1]->kind != AV_STR) {
			diag_error(c->d, st->sp, "write a hook as: hook NAME \"file.lua\"");
			return;
		}
		if (find_hook(c, st->args[0]->s)) {
			diag_error(c->d, st->args[0]->sp, "hook '%s' is defined twice", st->args[0]->s);
			return;
		}
		const char *p = asset(c, st->args[1], "Lua file", NULL);
		hook_sym *h = ARENA_PUSH(c->a, c->hooks, c->nhooks, c->chooks);
		h->name = st->args[0]->s;
		h->path = p ? p : "";
		h->sp = st->args[0]->sp;
		return;
	}
}

static int is_def(const char *head)
{
	return !strcmp(head, "const") || !strcmp(head, "style") || !strcmp(head, "template") ||
	       !strcmp(head, "hook");
}

static ast_file *load_file(checker *c, const char *path, span_t from, int quiet_missing)
{
	char *real = realpath(path, NULL);
	if (real) {
		for (int i = 0; i < c->nfiles; i++)
			if (!strcmp(c->files[i], real)) {
				free(real);
				return NULL; /* already loaded: imports are idempotent */
			}
		*ARENA_PUSH(c->a, c->files, c->nfiles, c->cfiles) = arena_strdup(c->a, real);
		free(real);
	}
	size_t len = 0;
	const char *why = NULL;
	char *text = read_file(path, &len, &why);
	if (!text) {
		if (!quiet_missing)
			diag_error(c->d, from, "cannot read '%s': %s", path, why);
		return NULL;
	}
	int id = diag_add_source(c->d, path, text, len);
	free(text);
	return parse_file(c->a, c->d, id);
}

static void import(checker *c, const ast_stmt *st, int depth)
{
	const char *rel;
	if (st->nargs != 1 || !get_str(c, st->args[0], &rel)) {
		if (st->nargs != 1)
			diag_error(c->d, st->sp, "write an import as: import \"file.vid\"");
		return;
	}
	if (depth >= MAX_IMPORT_DEPTH) {
		diag_error(c->d, st->args[0]->sp, "imports nest more than %d deep (is there a cycle?)", MAX_IMPORT_DEPTH);
		return;
	}
	const char *p = join_path(c, st->args[0]->sp.file, rel);
	if (!file_ok(p) && c->stdlib && rel[0] != '/') {
		const char *q = arena_printf(c->a, "%s/%s", c->stdlib, rel);
		if (file_ok(q))
			p = q;
	}
	if (!file_ok(p)) {
		diag_error(c->d, st->args[0]->sp, "imported file '%s' not found (looked beside the importing file and in the stdlib)", rel);
		return;
	}
	ast_file *f = load_file(c, p, st->args[0]->sp, 0);
	if (f)
		load_defs(c, f, 1, depth + 1);
}

static void load_defs(checker *c, ast_file *f, int imported, int depth)
{
	for (int i = 0; i < f->n; i++) {
		const ast_stmt *st = f->stmts[i];
		if (!strcmp(st->head, "import"))
			import(c, st, depth);
		else if (is_def(st->head))
			define(c, st);
		else if (imported)
			diag_error(c->d, st->sp, "an imported file may hold only import, const, style, template and hook; '%s' belongs in the main spec", st->head);
	}
}

static ast_value *subst_value(checker *c, const ast_value *v, const subst_t *sb);

static ast_value *copy_value(checker *c, const ast_value *v, const subst_t *sb)
{
	ast_value *n = arena_alloc(c->a, sizeof *n);
	*n = *v;
	if (v->kind == AV_CALL && v->nargs) {
		n->args = arena_alloc(c->a, sizeof(ast_arg) * (size_t)v->nargs);
		for (int i = 0; i < v->nargs; i++) {
			n->args[i] = v->args[i];
			if (v->args[i].v)
				n->args[i].v = subst_value(c, v->args[i].v, sb);
		}
	} else if (v->kind == AV_BINOP) {
		n->lhs = subst_value(c, v->lhs, sb);
		n->rhs = subst_value(c, v->rhs, sb);
	}
	return n;
}

static ast_value *subst_value(checker *c, const ast_value *v, const subst_t *sb)
{
	if (v->kind == AV_IDENT && sb)
		for (int i = 0; i < sb->n; i++)
			if (!strcmp(sb->names[i], v->s))
				return (ast_value *)sb->vals[i];
	if (!sb || (v->kind != AV_CALL && v->kind != AV_BINOP))
		return (ast_value *)v;
	return copy_value(c, v, sb);
}

static const char *const param_types[] = {"string", "number", "duration", "time", "length",
					  "color", "path", "name", "any"};

/* Whether value v fits a template parameter type; reports at v if not. */
static int arg_fits(checker *c, const ast_value *v, const char *type, const char *param,
		    const char *tmpl)
{
	const ast_value *r = R(c, v);
	int ok = 1;
	if (!strcmp(type, "string") || !strcmp(type, "path"))
		ok = r->kind == AV_STR;
	else if (!strcmp(type, "number"))
		ok = r->kind == AV_NUM && (r->unit == UNIT_NONE || r->unit == UNIT_PCT);
	else if (!strcmp(type, "duration"))
		ok = r->kind == AV_NUM && (r->unit == UNIT_S || r->unit == UNIT_MS || r->unit == UNIT_F);
	else if (!strcmp(type, "time"))
		ok = (r->kind == AV_NUM && (r->unit == UNIT_S || r->unit == UNIT_MS || r->unit == UNIT_F ||
					    r->unit == UNIT_PCT)) ||
		     r->kind == AV_CALL || r->kind == AV_BINOP;
	else if (!strcmp(type, "length"))
		ok = r->kind == AV_NUM && (r->unit == UNIT_PX || r->unit == UNIT_PCT || r->unit == UNIT_SA);
	else if (!strcmp(type, "color"))
		ok = r->kind == AV_COLOR;
	else if (!strcmp(type, "name"))
		ok = r->kind == AV_IDENT;
	if (!ok)
		diag_error(c->d, v->sp, "argument '%s' of template '%s' must be a %s, found %s", param,
			   tmpl, type, describe(r));
	else if (!strcmp(type, "path") && c->o->check_assets)
		asset(c, v, "file", NULL);
	return ok;
}

static void expand_list(checker *c, ast_stmt **in, int n, ast_stmt ***out, int *nout, int *cout,
			const subst_t *sb, int depth, int top);

/* Instantiates `use NAME(args)`: checks the arguments against the parameters, then copies the
 * template's body with the parameters bound. */
static void expand_use(checker *c, const ast_stmt *use, ast_stmt ***out, int *nout, int *cout,
		       const subst_t *outer, int depth, int top)
{
	if (use->nargs != 1 || use->args[0]->kind != AV_CALL) {
		diag_error(c->d, use->sp, "write a template use as: use NAME(arg, name = arg, ...)");
		return;
	}
	const ast_value *call = use->args[0];
	/* Every use counts against the expansion budget, found or not: a template that uses an
	 * unknown one ten times, used ten times, ... would otherwise repeat one error 10^depth times. */
	if (c->expand_failed)
		return;
	if (depth > 0 && ++c->expanded > MAX_EXPANDED) {
		c->expand_failed = 1;
		diag_error(c->d, use->sp, "templates expand to more than %d statements", MAX_EXPANDED);
		return;
	}
	const ast_stmt *t = find_stmt_sym(c->templates, c->ntemplates, call->s);
	if (!t) {
		unknown(c, call->sp, "template", call->s,
			sym_names(c, c->templates, sizeof(stmt_sym), c->ntemplates), c->ntemplates);
		return;
	}
	for (int i = 0; i < depth && i < MAX_EXPAND_DEPTH; i++)
		if (!strcmp(c->active[i], call->s)) {
			char chain[512] = "";
			size_t len = 0;
			for (int k = i; k < depth && len < sizeof chain; k++)
				len += (size_t)snprintf(chain + len, sizeof chain - len, "'%s' uses ", c->active[k]);
			if (len < sizeof chain)
				snprintf(chain + len, sizeof chain - len, "'%s'", call->s);
			diag_error(c->d, call->sp, "template '%s' uses itself (%s)", call->s, chain);
			return;
		}
	if (depth >= MAX_EXPAND_DEPTH) {
		diag_error(c->d, call->sp, "templates expand more than %d deep", MAX_EXPAND_DEPTH);
		return;
	}
	if (c->expand_failed)
		return;
	const ast_value *sig = t->args[0];
	int np = sig->nargs;
	subst_t sb;
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)(np + 1));
	const ast_value **vals = arena_alloc(c->a, sizeof(ast_value *) * (size_t)(np + 1));
	int ok = 1;
	for (int i = 0; i < np; i++) {
		const ast_arg *p = &sig->args[i];
		if (!p->name || !p->type) {
			diag_error(c->d, p->sp, "template parameter %d needs a name and a type (name: type)", i + 1);
			return;
		}
		int ti;
		if (!get_enum(c, &(ast_value){.kind = AV_IDENT, .sp = p->sp, .s = p->type},
			      "parameter type", param_types, COUNT(param_types), &ti))
			return;
		names[i] = p->name;
	}
	int positional = 1;
	for (int i = 0; i < call->nargs; i++) {
		const ast_arg *a = &call->args[i];
		if (a->type || !a->v) {
			diag_error(c->d, a->sp, "an argument is a value or name = value");
			ok = 0;
			continue;
		}
		int slot = -1;
		if (a->name) {
			positional = 0;
			for (int k = 0; k < np; k++)
				if (!strcmp(names[k], a->name))
					slot = k;
			if (slot < 0) {
				const char *sug = diag_suggest(a->name, names, np);
				if (sug)
					diag_error(c->d, a->sp, "template '%s' has no parameter '%s' (did you mean '%s'?)", call->s, a->name, sug);
				else
					diag_error(c->d, a->sp, "template '%s' has no parameter '%s'", call->s, a->name);
				ok = 0;
				continue;
			}
		} else {
			if (!positional) {
				diag_error(c->d, a->sp, "a positional argument cannot follow a named one");
				ok = 0;
				continue;
			}
			if (i >= np) {
				diag_error(c->d, a->sp, "template '%s' takes %d argument%s, found %d", call->s, np, np == 1 ? "" : "s", call->nargs);
				ok = 0;
				break;
			}
			slot = i;
		}
		if (vals[slot]) {
			diag_error(c->d, a->sp, "argument '%s' is given twice", names[slot]);
			ok = 0;
			continue;
		}
		const ast_value *v = subst_value(c, a->v, outer);
		vals[slot] = v;
		if (!arg_fits(c, v, sig->args[slot].type, names[slot], call->s))
			ok = 0;
	}
	for (int i = 0; i < np; i++) {
		if (vals[i])
			continue;
		if (sig->args[i].v) {
			vals[i] = sig->args[i].v;
			continue;
		}
		diag_error(c->d, call->sp, "template '%s' needs argument '%s' (%s)", call->s, names[i], sig->args[i].type);
		diag_note(c->d, sig->args[i].sp, "'%s' is declared here", names[i]);
		ok = 0;
	}
	if (!ok)
		return;
	sb.names = names;
	sb.vals = vals;
	sb.n = np;
	int first = *nout;
	c->active[depth] = call->s;
	expand_list(c, t->body, t->nbody, out, nout, cout, &sb, depth + 1, top);
	for (int i = first; i < *nout; i++)
		if (!(*out)[i]->from_use)
			(*out)[i]->from_use = use;
}

/* Copies a list of statements, expanding `use` and binding template parameters. */
static void expand_list(checker *c, ast_stmt **in, int n, ast_stmt ***out, int *nout, int *cout,
			const subst_t *sb, int depth, int top)
{
	for (int i = 0; i < n; i++) {
		const ast_stmt *st = in[i];
		if (!strcmp(st->head, "use")) {
			expand_use(c, st, out, nout, cout, sb, depth, top);
			continue;
		}
		/* Definitions live at the top of a file (where load_defs took them); `style` inside a
		 * block is the text property. */
		int def = (is_def(st->head) || !strcmp(st->head, "import")) &&
			  (strcmp(st->head, "style") || st->block);
		if (def && top) {
			if (sb)
				diag_error(c->d, st->sp, "'%s' cannot appear inside a template", st->head);
			continue; /* definitions were loaded already */
		}
		if (c->expand_failed)
			return;
		if (sb && ++c->expanded > MAX_EXPANDED) {
			c->expand_failed = 1;
			diag_error(c->d, st->sp, "templates expand to more than %d statements", MAX_EXPANDED);
			return;
		}
		ast_stmt *cp = arena_alloc(c->a, sizeof *cp);
		*cp = *st;
		cp->body = NULL;
		cp->nbody = cp->cbody = 0;
		if (sb && st->nargs) {
			cp->args = arena_alloc(c->a, sizeof(ast_value *) * (size_t)st->nargs);
			for (int k = 0; k < st->nargs; k++)
				cp->args[k] = subst_value(c, st->args[k], sb);
		}
		expand_list(c, st->body, st->nbody, &cp->body, &cp->nbody, &cp->cbody, sb, depth, 0);
		*ARENA_PUSH(c->a, *out, *nout, *cout) = cp;
	}
}

/* ---- text styles ----------------------------------------------------------------------------- */

static void style_defaults(ir_text_style *s, unit_kind *font_unit)
{
	memset(s, 0, sizeof *s);
	s->font = "DejaVu Sans";
	s->weight = 400;
	s->size = 64;
	s->line_spacing = 1.0;
	s->color = (ir_color){255, 255, 255, 255};
	s->stroke_color = (ir_color){0, 0, 0, 255};
	s->shadow_color = (ir_color){0, 0, 0, 0};
	s->align = IR_ALIGN_CENTER;
	*font_unit = UNIT_PX;
}

static const char *const text_props[] = {"style", "font", "weight", "italic", "font_size", "color",
					 "stroke", "shadow", "box", "align", "line_spacing"};

static void apply_style(checker *c, const ast_value *name, ir_text_style *s, unit_kind *fu, int depth);

/* Applies one text property statement to a style. Returns 0 if st is not a text property. */
static int text_prop(checker *c, const ast_stmt *st, ir_text_style *s, unit_kind *fu, int depth)
{
	const char *h = st->head;
	int found = 0;
	for (int i = 0; i < COUNT(text_props); i++)
		found |= !strcmp(h, text_props[i]);
	if (!found)
		return 0;
	no_block(c, st);
	if (!strcmp(h, "style")) {
		if (want_args(c, st, 1, 1, "a style name"))
			apply_style(c, st->args[0], s, fu, depth + 1);
	} else if (!strcmp(h, "font")) {
		const char *f;
		if (want_args(c, st, 1, 1, "a font family or a font file (a string)") &&
		    get_str(c, st->args[0], &f)) {
			size_t n = strlen(f);
			int is_file = strchr(f, '/') || (n > 4 && (!strcasecmp(f + n - 4, ".ttf") ||
							    !strcasecmp(f + n - 4, ".otf") ||
							    !strcasecmp(f + n - 4, ".ttc")));
			s->font = is_file ? asset(c, st->args[0], "font file", NULL) : f;
			if (!s->font)
				s->font = f;
		}
	} else if (!strcmp(h, "weight")) {
		static const char *const w[] = {"regular", "bold", "normal", "light", "medium", "black"};
		static const int wv[] = {400, 700, 400, 300, 500, 900};
		if (!want_args(c, st, 1, 1, "regular, bold or a weight 100..900"))
			return 1;
		const ast_value *v = R(c, st->args[0]);
		int i;
		if (v->kind == AV_NUM) {
			if (get_int(c, v, &i) && (i < 100 || i > 900))
				diag_error(c->d, v->sp, "a font weight is between 100 and 900");
			else
				s->weight = i;
		} else if (get_enum(c, v, "font weight", w, COUNT(w), &i)) {
			s->weight = wv[i];
		}
	} else if (!strcmp(h, "italic")) {
		if (want_args(c, st, 0, 1, "on or off"))
			get_bool(c, st, &s->italic);
	} else if (!strcmp(h, "font_size")) {
		double v;
		unit_kind u;
		if (want_args(c, st, 1, 1, "a size (px, or % of the canvas height)") &&
		    get_len(c, st->args[0], &v, &u)) {
			if (u == UNIT_SA)
				diag_error(c->d, st->args[0]->sp, "a font size is in px or %% of the canvas height");
			else if (v <= 0 || v > 2000)
				diag_error(c->d, st->args[0]->sp, "font size must be above 0 and at most 2000px");
			else
				s->size = v, *fu = u;
		}
	} else if (!strcmp(h, "color")) {
		if (want_args(c, st, 1, 1, "a colour"))
			get_color(c, st->args[0], &s->color);
	} else if (!strcmp(h, "stroke")) {
		double w;
		unit_kind u;
		if (want_args(c, st, 1, 2, "a width in px and a colour") &&
		    get_len(c, st->args[0], &w, &u)) {
			if (u != UNIT_PX)
				diag_error(c->d, st->args[0]->sp, "a stroke width is in px");
			s->stroke_width = w;
			if (st->nargs > 1)
				get_color(c, st->args[1], &s->stroke_color);
		}
	} else if (!strcmp(h, "shadow")) {
		double v[3] = {0, 0, 0};
		unit_kind u;
		if (!want_args(c, st, 4, 4, "dx dy blur colour (e.g. shadow 0px 4px 8px #00000099)"))
			return 1;
		for (int i = 0; i < 3; i++)
			if (get_len(c, st->args[i], &v[i], &u) && u != UNIT_PX)
				diag_error(c->d, st->args[i]->sp, "shadow offsets and blur are in px");
		s->shadow_dx = v[0], s->shadow_dy = v[1], s->shadow_blur = v[2];
		get_color(c, st->args[3], &s->shadow_color);
	} else if (!strcmp(h, "box")) {
		double v;
		unit_kind u;
		if (!want_args(c, st, 1, 3, "a colour, then padding and corner radius in px"))
			return 1;
		get_color(c, st->args[0], &s->box_color);
		if (st->nargs > 1 && get_len(c, st->args[1], &v, &u))
			s->box_padding = v;
		if (st->nargs > 2 && get_len(c, st->args[2], &v, &u))
			s->box_radius = v;
	} else if (!strcmp(h, "align")) {
		static const char *const a[] = {"left", "center", "right"};
		int i;
		if (want_args(c, st, 1, 1, "left, center or right") &&
		    get_enum(c, st->args[0], "alignment", a, 3, &i))
			s->align = (ir_align)i;
	} else if (!strcmp(h, "line_spacing")) {
		double v;
		if (want_args(c, st, 1, 1, "a multiple of the line height (e.g. 1.2)") &&
		    get_scalar(c, st->args[0], &v)) {
			if (v <= 0 || v > 10)
				diag_error(c->d, st->args[0]->sp, "line spacing must be above 0 and at most 10");
			else
				s->line_spacing = v;
		}
	}
	return 1;
}

static void apply_style(checker *c, const ast_value *name, ir_text_style *s, unit_kind *fu, int depth)
{
	name = R(c, name);
	if (name->kind != AV_IDENT) {
		expected(c, name, "a style name");
		return;
	}
	const ast_stmt *st = find_stmt_sym(c->styles, c->nstyles, name->s);
	if (!st) {
		unknown(c, name->sp, "style", name->s,
			sym_names(c, c->styles, sizeof(stmt_sym), c->nstyles), c->nstyles);
		return;
	}
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
	if (st->nargs == 3 && st->args[1]->kind == AV_IDENT && !strcmp(st->args[1]->s, "extends"))
		apply_style(c, st->args[2], s, fu, depth + 1);
	else if (st->nargs != 1)
		diag_error(c->d, st->sp, "write a style as: style NAME [extends OTHER] { ... }");
	for (int i = 0; i < st->nbody; i++)
		if (!text_prop(c, st->body[i], s, fu, depth))
			unknown(c, st->body[i]->sp, "style property", st->body[i]->head, text_props,
				COUNT(text_props));
}

/* ---- layers -------------------------------------------------------------------------------- */

static const char *const layer_kinds[] = {"solid", "image", "video", "text", "code", "draw"};
static const ir_kind layer_irk[] = {IR_SOLID, IR_IMAGE, IR_VIDEO, IR_TEXT, IR_CODE, IR_HOOK};

static const char *const common_props[] = {
	"position", "size", "width", "height", "anchor", "fit", "opacity", "scale", "rotate",
	"z", "start", "end", "duration", "fade_in", "fade_out", "kenburns", "animate", "effect"};

static const char *const anim_props[] = {"x", "y", "width", "height", "opacity", "scale",
					 "rotation", "zoom", "pan_x", "pan_y", "position", "size"};

/* Adds a key to a curve; keys must come in time order. */
static void add_key(checker *c, mcurve *cv, double t, double v, unit_kind u, ir_ease e, span_t sp)
{
	if (cv->n > 0 && t < cv->k[cv->n - 1].t - 1e-9) {
		diag_error(c->d, sp, "keyframes must come in time order (this one is at %.3fs, the one before at %.3fs)", t, cv->k[cv->n - 1].t);
		return;
	}
	mkey *k = ARENA_PUSH(c->a, cv->k, cv->n, cv->cap);
	k->t = t;
	k->v = v;
	k->unit = u;
	k->ease = e;
	if (cv->n == 1)
		cv->sp = sp;
}

static void set_const(checker *c, mcurve *cv, double v, unit_kind u, span_t sp)
{
	if (cv->n > 0) {
		diag_error(c->d, sp, "this property is set twice (or also animated)");
		diag_note(c->d, cv->sp, "set here first");
		return;
	}
	add_key(c, cv, 0, v, u, (ir_ease){IR_EASE_LINEAR, {0}}, sp);
}

static int get_axis_len(checker *c, const ast_value *v, double *out, unit_kind *u)
{
	return get_len(c, v, out, u);
}

/* Value of an animatable property for keyframes: lengths for geometry, scalars otherwise. */
static int anim_value(checker *c, int prop, const ast_value *v, double *out, unit_kind *u)
{
	*u = UNIT_NONE;
	if (prop <= LP_H)
		return get_axis_len(c, v, out, u);
	if (prop == LP_ROTATION) {
		const ast_value *r = R(c, v);
		if (r->kind == AV_NUM && (r->unit == UNIT_DEG || r->unit == UNIT_NONE)) {
			*out = r->num;
			return finite_ok(c, r);
		}
		expected(c, r, "an angle (deg)");
		return 0;
	}
	if (!get_scalar(c, v, out))
		return 0;
	if (prop == LP_ZOOM && (*out < 1 || *out > 100)) {
		diag_error(c->d, v->sp, "zoom must be between 1 and 100 (below 1 would show past the image's edge)");
		return 0;
	}
	if ((prop == LP_OPACITY || prop == LP_PAN_X || prop == LP_PAN_Y) && (*out < 0 || *out > 1)) {
		diag_error(c->d, v->sp, "%s must be between 0 and 1 (0%% and 100%%)",
			   prop == LP_OPACITY ? "opacity" : "a pan position");
		return 0;
	}
	return 1;
}

static void animate(checker *c, const ast_stmt *st, mlayer *L, double lt0, double lt1)
{
	int pi;
	if (!want_args(c, st, 1, 1, "a property name and a block of keys") ||
	    !get_enum(c, st->args[0], "animatable property", anim_props, COUNT(anim_props), &pi))
		return;
	static const int map[] = {LP_X, LP_Y, LP_W, LP_H, LP_OPACITY, LP_SCALE, LP_ROTATION,
				  LP_ZOOM, LP_PAN_X, LP_PAN_Y, LP_X, LP_W};
	int prop = map[pi];
	int pair = pi >= 10; /* position, size: two values a key */
	mcurve *cv = &L->c[prop], *cv2 = pair ? &L->c[prop + 1] : NULL;
	if (cv->n || (cv2 && cv2->n)) {
		diag_error(c->d, st->sp, "'%s' is set twice (or also animated)", anim_props[pi]);
		return;
	}
	if (!st->block || st->nbody == 0) {
		diag_error(c->d, st->sp, "animate needs a block of keys: { key 0s VALUE; key 1s VALUE ease_out }");
		return;
	}
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *k = st->body[i];
		if (strcmp(k->head, "key")) {
			unknown(c, k->sp, "statement in animate", k->head, (const char *const[]){"key"}, 1);
			continue;
		}
		int nv = pair ? 2 : 1;
		if (k->nargs < 1 + nv || k->nargs > 1 + nv + 1) {
			diag_error(c->d, k->sp, pair ? "write a key as: key TIME X Y [easing]"
						     : "write a key as: key TIME VALUE [easing]");
			continue;
		}
		double t, v, v2 = 0;
		unit_kind u, u2 = UNIT_NONE;
		ir_ease e = {IR_EASE_LINEAR, {0}};
		if (!get_time(c, k->args[0], lt0, lt1 - lt0, &t))
			continue;
		if (!anim_value(c, prop, k->args[1], &v, &u))
			continue;
		if (pair && !anim_value(c, prop + 1, k->args[2], &v2, &u2))
			continue;
		if (k->nargs == 2 + nv - 1 + 1 && !get_ease(c, k->args[nv + 1], &e))
			continue;
		add_key(c, cv, t, v, u, e, k->sp);
		if (pair)
			add_key(c, cv2, t, v2, u2, e, k->sp);
	}
}

static void kenburns(checker *c, const ast_stmt *st, mlayer *L, double lt0, double lt1)
{
	if (L->kind != IR_IMAGE && L->kind != IR_VIDEO) {
		diag_error(c->d, st->sp, "kenburns applies to image and video layers");
		return;
	}
	if (L->kenburns) {
		diag_error(c->d, st->sp, "kenburns is given twice");
		return;
	}
	want_args(c, st, 0, 0, "no values, only a block: kenburns { zoom 1 -> 1.2; pan 50% 50% -> 60% 40%; ease in_out }");
	L->kenburns = 1;
	double z0 = 1, z1 = 1.15, p[4] = {0.5, 0.5, 0.5, 0.5};
	ir_ease e = {IR_EASE_LINEAR, {0}};
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *k = st->body[i];
		unit_kind u;
		if (!strcmp(k->head, "zoom")) {
			if (k->nargs != 3 || k->args[1]->kind != AV_ARROW) {
				diag_error(c->d, k->sp, "write: zoom FROM -> TO (e.g. zoom 1 -> 1.2)");
				continue;
			}
			anim_value(c, LP_ZOOM, k->args[0], &z0, &u);
			anim_value(c, LP_ZOOM, k->args[2], &z1, &u);
		} else if (!strcmp(k->head, "pan")) {
			if (k->nargs != 5 || k->args[2]->kind != AV_ARROW) {
				diag_error(c->d, k->sp, "write: pan X Y -> X Y (positions in the image, e.g. pan 40%% 50%% -> 60%% 50%%)");
				continue;
			}
			anim_value(c, LP_PAN_X, k->args[0], &p[0], &u);
			anim_value(c, LP_PAN_Y, k->args[1], &p[1], &u);
			anim_value(c, LP_PAN_X, k->args[3], &p[2], &u);
			anim_value(c, LP_PAN_Y, k->args[4], &p[3], &u);
		} else if (!strcmp(k->head, "ease")) {
			if (want_args(c, k, 1, 1, "an easing"))
				get_ease(c, k->args[0], &e);
		} else {
			unknown(c, k->sp, "kenburns property", k->head,
				(const char *const[]){"zoom", "pan", "ease"}, 3);
		}
	}
	if (L->c[LP_ZOOM].n || L->c[LP_PAN_X].n) {
		diag_error(c->d, st->sp, "kenburns and animate zoom/pan_x/pan_y cannot both be given");
		return;
	}
	add_key(c, &L->c[LP_ZOOM], lt0, z0, UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_ZOOM], lt1, z1, UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_X], lt0, p[0], UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_X], lt1, p[2], UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_Y], lt0, p[1], UNIT_NONE, e, st->sp);
	add_key(c, &L->c[LP_PAN_Y], lt1, p[3], UNIT_NONE, e, st->sp);
}

/* A hook parameter from a statement `name value`: numbers, lengths (px) and durations (s) become
 * curves; strings and colours become strings. */
static void hook_param(checker *c, const ast_stmt *st, ir_param **ps, int *n, int *cap)
{
	if (st->nargs != 1 || st->block) {
		diag_error(c->d, st->sp, "a hook parameter is written: NAME VALUE");
		return;
	}
	const ast_value *v = R(c, st->args[0]);
	ir_param *p = ARENA_PUSH(c->a, *ps, *n, *cap);
	memset(p, 0, sizeof *p);
	p->name = st->head;
	double x = 0;
	switch (v->kind) {
	case AV_STR:
		p->str = v->s;
		return;
	case AV_COLOR:
		p->str = arena_printf(c->a, "#%08x", v->color);
		return;
	case AV_IDENT:
		p->str = v->s;
		return;
	case AV_NUM:
		if (!finite_ok(c, v))
			return;
		x = v->unit == UNIT_PCT ? v->num / 100 : v->unit == UNIT_MS ? v->num / 1000
						       : v->unit == UNIT_F ? v->num / fps(c) : v->num;
		break;
	default:
		expected(c, v, "a number, string or colour");
		return;
	}
	p->curve.n = 1;
	p->curve.keys = arena_alloc(c->a, sizeof(ir_key));
	p->curve.keys[0].v = x;
}

static void effect(checker *c, const ast_stmt *st, mlayer *L)
{
	if (!want_args(c, st, 1, 1, "the name of an effect hook") || R(c, st->args[0])->kind != AV_IDENT) {
		if (st->nargs == 1)
			expected(c, st->args[0], "an effect name");
		return;
	}
	const char *name = R(c, st->args[0])->s;
	hook_sym *h = find_hook(c, name);
	if (!h) {
		unknown(c, st->args[0]->sp, "effect", name,
			sym_names(c, c->hooks, sizeof(hook_sym), c->nhooks), c->nhooks);
		return;
	}
	meffect *e = ARENA_PUSH(c->a, L->effects, L->neffects, L->ceffects);
	memset(e, 0, sizeof *e);
	e->name = name;
	e->path = h->path;
	e->sp = st->sp;
	for (int i = 0; i < st->nbody; i++)
		hook_param(c, st->body[i], &e->params, &e->nparams, &e->cparams);
}

/* Reads a layer statement into L. base/span: the time frame of the layer's container (scene or
 * overlay) in seconds; f0/f1: its frame range, the layer's default. */
static void layer(checker *c, const ast_stmt *st, int kind, mlayer *L, double base, double span,
		  int64_t f0, int64_t f1, const char *container)
{
	memset(L, 0, sizeof *L);
	L->kind = layer_irk[kind];
	L->sp = st->sp;
	L->order = c->order++;
	L->f0 = f0;
	L->f1 = f1;
	L->anchor_x = L->anchor_y = 0.5;
	L->fit = IR_FIT_COVER;
	L->speed = 1;
	L->volume = 1;
	L->trim_out = -1;
	L->audio = -1;
	L->numbers = 1;
	L->theme = "dark";
	L->code_size = 32;
	style_defaults(&L->style, &L->font_unit);
	L->wrap = 100;
	L->wrap_unit = UNIT_SA;
	L->content = "";

	/* The main argument. */
	switch (L->kind) {
	case IR_SOLID:
		if (want_args(c, st, 1, 1, "a colour"))
			get_color(c, st->args[0], &L->color);
		break;
	case IR_IMAGE:
	case IR_VIDEO:
		if (want_args(c, st, 1, 1, "a file path (a string)"))
			L->path = asset(c, st->args[0], L->kind == IR_IMAGE ? "image" : "video", &L->src);
		break;
	case IR_TEXT:
		if (want_args(c, st, 1, 1, "the text (a string)"))
			get_str(c, st->args[0], &L->content);
		break;
	case IR_CODE: {
		static const char *const langs[] = {"c", "python", "javascript", "shell", "json", "html",
						    "text", "cpp", "js", "bash", "sh", "typescript", "css", "lua", "go", "rust"};
		int li;
		L->code = "";
		L->lang = "text";
		if (want_args(c, st, 1, 2, "a language and the source (a string), or a language and a block with file \"...\"") &&
		    get_enum(c, st->args[0], "code language", langs, COUNT(langs), &li))
			L->lang = langs[li];
		if (st->nargs == 2)
			get_str(c, st->args[1], &L->code);
		break;
	}
	case IR_HOOK: {
		if (!want_args(c, st, 1, 1, "the name of a hook"))
			break;
		const ast_value *v = R(c, st->args[0]);
		hook_sym *h = v->kind == AV_IDENT ? find_hook(c, v->s) : NULL;
		if (v->kind != AV_IDENT)
			expected(c, v, "a hook name");
		else if (!h)
			unknown(c, v->sp, "hook", v->s, sym_names(c, c->hooks, sizeof(hook_sym), c->nhooks), c->nhooks);
		else
			L->hook = h->name, L->hook_path = h->path;
		break;
	}
	default:
		break;
	}

	/* Timing first: keyframes and fades are relative to the layer's own start. */
	double lt0 = base, lt1 = base + span;
	int has_start = 0, has_end = 0, has_dur = 0;
	double dur = 0;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		double t;
		if (!strcmp(p->head, "start")) {
			if (want_args(c, p, 1, 1, "a time") && get_time(c, p->args[0], base, span, &t))
				lt0 = t, has_start = 1;
		} else if (!strcmp(p->head, "end")) {
			if (want_args(c, p, 1, 1, "a time") && get_time(c, p->args[0], base, span, &t))
				lt1 = t, has_end = 1;
		} else if (!strcmp(p->head, "duration")) {
			if (want_args(c, p, 1, 1, "a duration") && get_dur(c, p->args[0], &dur))
				has_dur = 1;
		}
	}
	if (has_dur && has_end)
		diag_error(c->d, st->sp, "give a layer end or duration, not both");
	else if (has_dur)
		lt1 = lt0 + dur;
	(void)has_start;
	int64_t lf0 = to_frame(c, lt0), lf1 = to_frame(c, lt1);
	if (lf0 >= f1 || (has_end && lf1 <= f0)) {
		diag_warn(c->d, st->sp, "layer %s at %.3fs, %s its %s (%.3fs to %.3fs); it never shows",
			  lf0 >= f1 ? "starts" : "ends", lf0 >= f1 ? lt0 : lt1, lf0 >= f1 ? "after" : "before",
			  container, frame_sec(c, f0), frame_sec(c, f1));
		lf0 = lf1 = lf0 >= f1 ? f1 : f0;
	} else if (lf1 <= lf0) {
		diag_error(c->d, st->sp, "this layer ends (%.3fs) before or when it starts (%.3fs)", lt1, lt0);
		lf1 = lf0 + 1;
	}
	if (lf0 < f0 && lf1 > f0) {
		diag_warn(c->d, st->sp, "layer starts at %.3fs, before its %s starts (%.3fs); it shows from %.3fs",
			  lt0, container, frame_sec(c, f0), frame_sec(c, f0));
		lf0 = f0;
	}
	if (lf1 > f1 && lf0 < f1) {
		diag_warn(c->d, st->sp, "layer ends at %.3fs, after its %s ends (%.3fs); it is cut there",
			  lt1, container, frame_sec(c, f1));
		lf1 = f1;
	}
	L->f0 = lf0;
	L->f1 = lf1;

	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		const char *h = p->head;
		double v, v2;
		unit_kind u, u2;
		if (!strcmp(h, "start") || !strcmp(h, "end") || !strcmp(h, "duration"))
			continue;
		if (L->kind == IR_TEXT && text_prop(c, p, &L->style, &L->font_unit, 0))
			continue;
		if (!strcmp(h, "position")) {
			if (want_args(c, p, 2, 2, "x and y (px, % or sa)") && get_len(c, p->args[0], &v, &u) &&
			    get_len(c, p->args[1], &v2, &u2)) {
				set_const(c, &L->c[LP_X], v, u, p->sp);
				set_const(c, &L->c[LP_Y], v2, u2, p->sp);
			}
		} else if (!strcmp(h, "size")) {
			if (want_args(c, p, 2, 2, "width and height (px, % or sa)") &&
			    get_len(c, p->args[0], &v, &u) && get_len(c, p->args[1], &v2, &u2)) {
				set_const(c, &L->c[LP_W], v, u, p->sp);
				set_const(c, &L->c[LP_H], v2, u2, p->sp);
			}
		} else if (!strcmp(h, "width") || !strcmp(h, "height")) {
			if (want_args(c, p, 1, 1, "a length (px, % or sa)") && get_len(c, p->args[0], &v, &u)) {
				if (L->kind == IR_TEXT && h[0] == 'w')
					L->wrap = v, L->wrap_unit = u;
				else
					set_const(c, &L->c[h[0] == 'w' ? LP_W : LP_H], v, u, p->sp);
			}
		} else if (!strcmp(h, "anchor")) {
			static const char *const an[] = {"center", "top_left", "top", "top_right", "left",
							 "right", "bottom_left", "bottom", "bottom_right"};
			static const double ax[] = {0.5, 0, 0.5, 1, 0, 1, 0, 0.5, 1};
			static const double ay[] = {0.5, 0, 0, 0, 0.5, 0.5, 1, 1, 1};
			int ai;
			if (p->nargs == 2) {
				if (get_scalar(c, p->args[0], &L->anchor_x))
					get_scalar(c, p->args[1], &L->anchor_y);
			} else if (want_args(c, p, 1, 2, "a name (center, top_left, bottom, ...) or two fractions") &&
				   get_enum(c, p->args[0], "anchor", an, COUNT(an), &ai)) {
				L->anchor_x = ax[ai];
				L->anchor_y = ay[ai];
			}
		} else if (!strcmp(h, "fit")) {
			static const char *const fits[] = {"cover", "contain", "fill", "none"};
			int fi;
			if (want_args(c, p, 1, 1, "cover, contain, fill or none") &&
			    get_enum(c, p->args[0], "fit", fits, 4, &fi))
				L->fit = (ir_fit)fi;
		} else if (!strcmp(h, "opacity")) {
			if (want_args(c, p, 1, 1, "a number 0..1 or a percentage") &&
			    anim_value(c, LP_OPACITY, p->args[0], &v, &u))
				set_const(c, &L->c[LP_OPACITY], v, UNIT_NONE, p->sp);
		} else if (!strcmp(h, "scale")) {
			if (want_args(c, p, 1, 1, "a number") && get_scalar(c, p->args[0], &v))
				set_const(c, &L->c[LP_SCALE], v, UNIT_NONE, p->sp);
		} else if (!strcmp(h, "rotate")) {
			if (want_args(c, p, 1, 1, "an angle in deg") &&
			    anim_value(c, LP_ROTATION, p->args[0], &v, &u))
				set_const(c, &L->c[LP_ROTATION], v, UNIT_NONE, p->sp);
		} else if (!strcmp(h, "z")) {
			if (want_args(c, p, 1, 1, "a whole number"))
				get_int(c, p->args[0], &L->z);
		} else if (!strcmp(h, "fade_in") || !strcmp(h, "fade_out")) {
			double d;
			if (!want_args(c, p, 1, 1, "a duration") || !get_dur(c, p->args[0], &d))
				continue;
			(void)d; /* applied below, once both are known */
		} else if (!strcmp(h, "kenburns")) {
			kenburns(c, p, L, frame_sec(c, lf0), frame_sec(c, lf1));
		} else if (!strcmp(h, "animate")) {
			animate(c, p, L, frame_sec(c, lf0), frame_sec(c, lf1));
		} else if (!strcmp(h, "effect")) {
			effect(c, p, L);
		} else if (L->kind == IR_VIDEO && !strcmp(h, "trim")) {
			double a = 0, b = -1;
			if (want_args(c, p, 1, 2, "a start and optionally an end in the clip") &&
			    get_dur(c, p->args[0], &a) && (p->nargs < 2 || get_dur(c, p->args[1], &b))) {
				if (p->nargs == 2 && b <= a)
					diag_error(c->d, p->args[1]->sp, "trim end must be after trim start");
				L->trim_in = a, L->trim_out = b;
			}
		} else if (L->kind == IR_VIDEO && (!strcmp(h, "loop") || !strcmp(h, "hold"))) {
			want_args(c, p, 0, 0, "no value");
			L->loop = h[0] == 'l';
		} else if (L->kind == IR_VIDEO && !strcmp(h, "mute")) {
			want_args(c, p, 0, 0, "no value");
			L->mute = 1;
		} else if (L->kind == IR_VIDEO && !strcmp(h, "speed")) {
			if (want_args(c, p, 1, 1, "a factor (0.25 to 4)") && get_scalar(c, p->args[0], &v)) {
				if (v < 0.25 || v > 4)
					diag_error(c->d, p->args[0]->sp, "speed must be between 0.25 and 4");
				else
					L->speed = v;
			}
		} else if (L->kind == IR_VIDEO && !strcmp(h, "volume")) {
			if (want_args(c, p, 1, 1, "a level (80% or -3dB)")) {
				const ast_value *r = R(c, p->args[0]);
				if (r->kind == AV_NUM && r->unit == UNIT_DB)
					L->volume = pow(10, r->num / 20);
				else if (get_scalar(c, r, &v))
					L->volume = v;
			}
		} else if (L->kind == IR_CODE && !strcmp(h, "theme")) {
			static const char *const th[] = {"dark", "light"};
			int ti;
			if (want_args(c, p, 1, 1, "dark or light") && get_enum(c, p->args[0], "code theme", th, 2, &ti))
				L->theme = th[ti];
		} else if (L->kind == IR_CODE && !strcmp(h, "font_size")) {
			if (want_args(c, p, 1, 1, "a size in px") && get_len(c, p->args[0], &v, &u)) {
				if (u != UNIT_PX || v <= 0 || v > 500)
					diag_error(c->d, p->args[0]->sp, "code font size is in px, above 0 and at most 500");
				else
					L->code_size = v;
			}
		} else if (L->kind == IR_CODE && !strcmp(h, "numbers")) {
			get_bool(c, p, &L->numbers);
		} else if (L->kind == IR_CODE && !strcmp(h, "file")) {
			const char *path;
			if (want_args(c, p, 1, 1, "a source file") && (path = asset(c, p->args[0], "source file", NULL)) &&
			    file_ok(path)) {
				size_t n;
				const char *why;
				char *text = read_file(path, &n, &why);
				if (!text)
					diag_error(c->d, p->args[0]->sp, "cannot read source file: %s", why);
				else
					L->code = arena_strndup(c->a, text, n);
				free(text);
			}
		} else if (L->kind == IR_HOOK) {
			hook_param(c, p, &L->params, &L->nparams, &L->cparams);
		} else {
			/* Unknown: suggest from everything this layer kind accepts. */
			const char *cands[64];
			int n = 0;
			for (int k = 0; k < COUNT(common_props); k++)
				cands[n++] = common_props[k];
			if (L->kind == IR_TEXT)
				for (int k = 0; k < COUNT(text_props); k++)
					cands[n++] = text_props[k];
			if (L->kind == IR_VIDEO) {
				static const char *const vp[] = {"trim", "loop", "hold", "mute", "speed", "volume"};
				for (int k = 0; k < COUNT(vp); k++)
					cands[n++] = vp[k];
			}
			if (L->kind == IR_CODE) {
				static const char *const cp[] = {"theme", "font_size", "numbers", "file"};
				for (int k = 0; k < COUNT(cp); k++)
					cands[n++] = cp[k];
			}
			const char *sug = diag_suggest(h, cands, n);
			if (sug)
				diag_error(c->d, p->sp, "unknown property '%s' of %s %s layer (did you mean '%s'?)", h, an(layer_kinds[kind]), layer_kinds[kind], sug);
			else if (L->kind != IR_TEXT && text_prop(c, p, &L->style, &L->font_unit, 0))
				diag_error(c->d, p->sp, "'%s' applies to text layers, not to %s %s layer", h, an(layer_kinds[kind]), layer_kinds[kind]);
			else
				diag_error(c->d, p->sp, "unknown property '%s' of %s %s layer", h, an(layer_kinds[kind]), layer_kinds[kind]);
		}
	}
	/* Fades become opacity keys. */
	double fin = 0, fout = 0;
	span_t fsp = st->sp;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if ((!strcmp(p->head, "fade_in") || !strcmp(p->head, "fade_out")) && p->nargs == 1) {
			double d = 0;
			ast_value tmp = *R(c, p->args[0]);
			if (tmp.kind == AV_NUM && (tmp.unit == UNIT_S || tmp.unit == UNIT_MS || tmp.unit == UNIT_F) && tmp.num >= 0)
				d = tmp.unit == UNIT_MS ? tmp.num / 1000 : tmp.unit == UNIT_F ? tmp.num / fps(c) : tmp.num;
			if (p->head[5] == 'i')
				fin = d;
			else
				fout = d;
			fsp = p->sp;
		}
	}
	if (fin > 0 || fout > 0) {
		double a = frame_sec(c, lf0), b = frame_sec(c, lf1);
		double top = L->c[LP_OPACITY].n ? L->c[LP_OPACITY].k[0].v : 1;
		if (L->c[LP_OPACITY].n > 1) {
			diag_error(c->d, fsp, "fade_in/fade_out cannot be combined with animate opacity");
		} else if (fin + fout > b - a + 1e-9) {
			diag_error(c->d, fsp, "fades (%.3fs in, %.3fs out) are longer than the layer (%.3fs)", fin, fout, b - a);
		} else {
			mcurve cv;
			memset(&cv, 0, sizeof cv);
			ir_ease lin = {IR_EASE_LINEAR, {0}};
			add_key(c, &cv, a, fin > 0 ? 0 : top, UNIT_NONE, lin, fsp);
			if (fin > 0)
				add_key(c, &cv, a + fin, top, UNIT_NONE, lin, fsp);
			if (fout > 0)
				add_key(c, &cv, b - fout, top, UNIT_NONE, lin, fsp);
			add_key(c, &cv, b, fout > 0 ? 0 : top, UNIT_NONE, lin, fsp);
			L->c[LP_OPACITY] = cv;
		}
	}
	if (L->kind == IR_CODE && !L->code[0])
		diag_error(c->d, st->sp, "code layer has no source: give it as a string or with file \"...\"");
	if (L->kind == IR_VIDEO && !L->mute && L->path) {
		maudio *a = ARENA_PUSH(c->a, c->s->audio, c->s->naudio, c->s->caudio);
		memset(a, 0, sizeof *a);
		a->role = "clip";
		a->path = L->path;
		a->src = L->src;
		a->sp = st->sp;
		a->start = frame_sec(c, lf0);
		a->trim_in = L->trim_in;
		a->volume = L->volume;
		a->duck = 1;
		a->loop = L->loop;
		L->audio = c->s->naudio - 1;
	}
}

static int layer_kind(const char *head)
{
	for (int i = 0; i < COUNT(layer_kinds); i++)
		if (!strcmp(head, layer_kinds[i]))
			return i;
	return -1;
}

/* ---- top level ----------------------------------------------------------------------------- */

static void video_block(checker *c, const ast_stmt *st)
{
	if (c->have_video) {
		diag_error(c->d, st->sp, "the spec has two video blocks");
		return;
	}
	c->have_video = 1;
	c->video_sp = st->sp;
	want_args(c, st, 0, 0, "only a block: video { preset tiktok; fps 30 }");
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (!strcmp(p->head, "preset")) {
			if (p->nargs == 0)
				diag_error(c->d, p->sp, "preset needs at least one name (youtube_long, youtube_short, instagram_reel, tiktok)");
			for (int k = 0; k < p->nargs; k++) {
				const char *names[8];
				int n = preset_count();
				for (int j = 0; j < n; j++)
					names[j] = preset_at(j)->name;
				int pi;
				if (!get_enum(c, p->args[k], "preset", names, n, &pi))
					continue;
				if (compile_has_preset(c->s, names[pi])) {
					diag_warn(c->d, p->args[k]->sp, "preset '%s' is named twice", names[pi]);
					continue;
				}
				int cap = c->s->cpresets;
				*ARENA_PUSH(c->a, c->s->presets, c->s->npresets, c->s->cpresets) = names[pi];
				if (c->cpreset_sps < c->s->cpresets) {
					span_t *nsp = arena_alloc(c->a, sizeof(span_t) * (size_t)c->s->cpresets);
					if (c->preset_sps)
						memcpy(nsp, c->preset_sps, sizeof(span_t) * (size_t)cap);
					c->preset_sps = nsp;
					c->cpreset_sps = c->s->cpresets;
				}
				c->preset_sps[c->s->npresets - 1] = p->args[k]->sp;
			}
		} else if (!strcmp(p->head, "fps")) {
			double f;
			if (!want_args(c, p, 1, 1, "a frame rate (24, 25, 30, 29.97, 50, 60)") ||
			    !get_scalar(c, p->args[0], &f))
				continue;
			if (fabs(f - 29.97) < 0.006)
				c->s->fps_num = 30000, c->s->fps_den = 1001;
			else if (fabs(f - 23.976) < 0.006)
				c->s->fps_num = 24000, c->s->fps_den = 1001;
			else if (fabs(f - 59.94) < 0.006)
				c->s->fps_num = 60000, c->s->fps_den = 1001;
			else if (f == floor(f) && f >= 1 && f <= 120)
				c->s->fps_num = (int)f, c->s->fps_den = 1;
			else
				diag_error(c->d, p->args[0]->sp, "frame rate must be a whole number from 1 to 120, or 23.976, 29.97 or 59.94");
		} else if (!strcmp(p->head, "background")) {
			if (want_args(c, p, 1, 1, "a colour"))
				get_color(c, p->args[0], &c->s->background);
		} else {
			unknown(c, p->sp, "video property", p->head,
				(const char *const[]){"preset", "fps", "background"}, 3);
		}
	}
}

static void audio_stmt(checker *c, const ast_stmt *st, int is_voice)
{
	if (!want_args(c, st, 1, 1, "an audio file (a string)"))
		return;
	maudio *a = ARENA_PUSH(c->a, c->s->audio, c->s->naudio, c->s->caudio);
	memset(a, 0, sizeof *a);
	a->role = is_voice ? "voice" : "music";
	a->sp = st->sp;
	a->path = asset(c, st->args[0], is_voice ? "voice file" : "music file", &a->src);
	a->volume = is_voice ? 1 : 0.2;
	a->duck = is_voice ? 1 : 0.5;
	a->fade_in = is_voice ? 0 : 1;
	a->fade_out = is_voice ? 0 : 2;
	a->loop = !is_voice;
	const ast_value *timings = NULL;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		const char *h = p->head;
		double v;
		if (!strcmp(h, "volume") || (!is_voice && !strcmp(h, "duck"))) {
			if (!want_args(c, p, 1, 1, "a level (20% or -14dB)"))
				continue;
			const ast_value *r = R(c, p->args[0]);
			if (r->kind == AV_NUM && r->unit == UNIT_DB)
				v = pow(10, r->num / 20);
			else if (!get_scalar(c, r, &v))
				continue;
			if (v < 0 || v > 4)
				diag_error(c->d, r->sp, "level must be between 0%% and 400%% (+12dB)");
			else if (h[0] == 'v')
				a->volume = v;
			else
				a->duck = v;
		} else if (!strcmp(h, "fade_in") || !strcmp(h, "fade_out")) {
			if (want_args(c, p, 1, 1, "a duration") && get_dur(c, p->args[0], &v))
				*(h[5] == 'i' ? &a->fade_in : &a->fade_out) = v;
		} else if (!strcmp(h, "loop")) {
			get_bool(c, p, &a->loop);
		} else if (!strcmp(h, "start")) {
			if (want_args(c, p, 1, 1, "a time on the video") && get_dur(c, p->args[0], &v))
				a->start = v;
		} else if (!strcmp(h, "trim")) {
			if (want_args(c, p, 1, 1, "where in the file to start") && get_dur(c, p->args[0], &v))
				a->trim_in = v;
		} else if (is_voice && !strcmp(h, "timings")) {
			if (want_args(c, p, 1, 1, "the word-timing file (JSON)"))
				timings = p->args[0];
		} else {
			static const char *const vp[] = {"volume", "timings", "start", "trim", "fade_in", "fade_out", "loop"};
			static const char *const mp[] = {"volume", "duck", "start", "trim", "fade_in", "fade_out", "loop"};
			unknown(c, p->sp, is_voice ? "voice property" : "music property", h, is_voice ? vp : mp, 7);
		}
	}
	if (is_voice) {
		if (c->s->timing || c->s->voice_start < 0) {
			diag_error(c->d, st->sp, "the spec has two voices; add more audio as music or video clips");
			return;
		}
		c->s->voice_start = a->start;
		if (timings) {
			const char *p = asset(c, timings, "timing file", NULL);
			if (p && file_ok(p)) {
				char err[512];
				c->s->timing = timing_load(c->a, p, err, sizeof err);
				if (!c->s->timing)
					diag_error(c->d, R(c, timings)->sp, "%s", err);
			}
		}
		if (!c->s->timing)
			c->s->voice_start = -1; /* marks "a voice was given", even without timings */
	}
}

static const char *const caption_styles[] = {"plain", "bold_center", "karaoke"};

static void captions_stmt(checker *c, const ast_stmt *st)
{
	int i;
	if (c->s->captions) {
		diag_error(c->d, st->sp, "captions are given twice");
		return;
	}
	if (!want_args(c, st, 1, 1, "a caption style (plain, bold_center, karaoke)") ||
	    !get_enum(c, st->args[0], "caption style", caption_styles, COUNT(caption_styles), &i))
		return;
	no_block(c, st);
	c->s->captions = caption_styles[i];
	c->s->captions_sp = st->sp;
}

static void transition_stmt(checker *c, const ast_stmt *st, mscene *sc)
{
	if (sc->has_tr) {
		diag_error(c->d, st->sp, "a scene has one transition (into the next scene)");
		return;
	}
	if (st->nargs < 1) {
		diag_error(c->d, st->sp, "transition needs a type: cut, fade, dissolve, slide, push, wipe or a hook");
		return;
	}
	no_block(c, st);
	sc->has_tr = 1;
	sc->tr_sp = st->sp;
	sc->tr = IR_TR_DISSOLVE;
	sc->tr_color = (ir_color){0, 0, 0, 255};
	sc->tr_dir = IR_DIR_LEFT;
	double dur = 0.5;
	const ast_value *t = R(c, st->args[0]);
	if (t->kind != AV_IDENT) {
		expected(c, t, "a transition type");
		sc->has_tr = 0;
		return;
	}
	int ti = ir_transition_find(t->s);
	hook_sym *h = ti < 0 ? find_hook(c, t->s) : NULL;
	if (ti < 0 && !h) {
		const char *cands[64];
		int n = 0;
		for (int i = 0; i < IR_TR_COUNT; i++)
			if (ir_transitions[i].flags & IR_TRF_BUILTIN)
				cands[n++] = ir_transitions[i].name;
		for (int i = 0; i < c->nhooks && n < 64; i++)
			cands[n++] = c->hooks[i].name;
		unknown(c, t->sp, "transition", t->s, cands, n);
		sc->has_tr = 0;
		return;
	}
	sc->tr = ti >= 0 ? (ir_transition_kind)ti : IR_TR_HOOK;
	if (h)
		sc->tr_hook = h->name, sc->tr_path = h->path;
	unsigned flags = ir_transitions[sc->tr].flags;
	if (flags & IR_TRF_DIR)
		sc->tr_ease.kind = IR_EASE_IN_OUT;
	int have_dur = 0;
	for (int i = 1; i < st->nargs; i++) {
		const ast_value *v = R(c, st->args[i]);
		if (v->kind == AV_NUM) {
			if (have_dur++)
				diag_error(c->d, v->sp, "the transition's duration is given twice");
			else
				get_dur(c, v, &dur);
		} else if (v->kind == AV_IDENT && (!strcmp(v->s, "left") || !strcmp(v->s, "right") ||
						   !strcmp(v->s, "up") || !strcmp(v->s, "down"))) {
			if (!(flags & IR_TRF_DIR))
				diag_error(c->d, v->sp, "a direction applies to slide, push and wipe");
			sc->tr_dir = v->s[0] == 'l' ? IR_DIR_LEFT : v->s[0] == 'r' ? IR_DIR_RIGHT : v->s[0] == 'u' ? IR_DIR_UP : IR_DIR_DOWN;
		} else if (v->kind == AV_IDENT && !strcmp(v->s, "through") && i + 1 < st->nargs) {
			if (!(flags & IR_TRF_COLOR))
				diag_error(c->d, v->sp, "'through' applies to fade");
			get_color(c, st->args[++i], &sc->tr_color);
		} else if (v->kind == AV_IDENT && !strcmp(v->s, "ease") && i + 1 < st->nargs) {
			get_ease(c, st->args[++i], &sc->tr_ease);
		} else {
			static const char *const words[] = {"left", "right", "up", "down", "through", "ease"};
			if (v->kind == AV_IDENT)
				unknown(c, v->sp, "transition option", v->s, words, COUNT(words));
			else
				expected(c, v, "a duration, a direction, 'through COLOUR' or 'ease EASING'");
		}
	}
	if (sc->tr == IR_TR_CUT) {
		if (have_dur)
			diag_error(c->d, st->sp, "a cut has no duration");
		dur = 0;
	} else if (dur <= 0) {
		diag_error(c->d, st->sp, "a %s needs a duration above 0", t->s);
	}
	sc->tr_frames = to_frame(c, dur);
	if (sc->tr != IR_TR_CUT && sc->tr_frames < 1)
		sc->tr_frames = 1;
}

static const timing_section *find_section(checker *c, const char *name, span_t sp, int *index)
{
	const timing_t *t = c->s->timing;
	for (int i = 0; i < t->nsections; i++)
		if (!strcmp(t->sections[i].name, name)) {
			*index = i;
			return &t->sections[i];
		}
	const char **cands = arena_alloc(c->a, sizeof(char *) * (size_t)(t->nsections + 1));
	for (int i = 0; i < t->nsections; i++)
		cands[i] = t->sections[i].name;
	if (t->nsections == 0)
		diag_error(c->d, sp, "the scene is 'auto', but the voice's timing file has no sections");
	else
		unknown(c, sp, "voice section", name, cands, t->nsections);
	return NULL;
}

static const char *const scene_props[] = {"transition", "duration", "end", "narrates",
					  "background", "chapter"};

static void scene_stmt(checker *c, const ast_stmt *st, int64_t *cursor, int is_last)
{
	mscene *sc = ARENA_PUSH(c->a, c->s->scenes, c->s->nscenes, c->s->cscenes);
	memset(sc, 0, sizeof *sc);
	sc->sp = st->sp;
	sc->name = arena_printf(c->a, "scene%d", c->s->nscenes);
	const ast_value *dur_v = NULL, *end_v = NULL;
	int is_auto = 0;
	const char *narrates = NULL;
	span_t auto_sp = st->sp;
	for (int i = 0; i < st->nargs; i++) {
		const ast_value *v = st->args[i];
		if (v->kind == AV_IDENT && !strcmp(v->s, "auto"))
			is_auto = 1, auto_sp = v->sp;
		else if (v->kind == AV_IDENT && i == 0 && !find_const(c, v->s))
			sc->name = v->s;
		else if (!dur_v)
			dur_v = v;
		else
			diag_error(c->d, v->sp, "write a scene as: scene [NAME] [DURATION | auto] { ... }");
	}
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (!strcmp(p->head, "transition")) {
			transition_stmt(c, p, sc);
		} else if (!strcmp(p->head, "duration")) {
			if (want_args(c, p, 1, 1, "a duration or auto")) {
				if (dur_v || is_auto)
					diag_error(c->d, p->sp, "the scene's duration is given twice");
				if (p->args[0]->kind == AV_IDENT && !strcmp(p->args[0]->s, "auto"))
					is_auto = 1, auto_sp = p->args[0]->sp;
				else
					dur_v = p->args[0];
			}
		} else if (!strcmp(p->head, "end")) {
			if (want_args(c, p, 1, 1, "a time (usually a speech anchor)"))
				end_v = p->args[0];
		} else if (!strcmp(p->head, "narrates")) {
			if (want_args(c, p, 1, 1, "a section name of the voice (a string)"))
				get_str(c, p->args[0], &narrates);
		} else if (!strcmp(p->head, "background")) {
			if (want_args(c, p, 1, 1, "a colour"))
				get_color(c, p->args[0], &sc->background);
		}
	}
	if (sc->has_tr && is_last) {
		/* A template cannot know which of its scenes comes last: no warning there. */
		if (!st->from_use)
			diag_warn(c->d, sc->tr_sp, "the last scene's transition leads nowhere and is ignored");
		sc->has_tr = 0;
	}
	int64_t tr = sc->has_tr ? sc->tr_frames : 0;
	int64_t f0 = *cursor, f1 = f0;
	int given = !!dur_v + !!end_v + is_auto;
	double d;
	if (given > 1) {
		diag_error(c->d, st->sp, "give a scene one of: a duration, auto, or an end time");
	} else if (given == 0) {
		diag_error(c->d, st->sp, "scene '%s' has no duration: give one (5s), auto (the length of its voice section) or end <time>", sc->name);
	} else if (dur_v) {
		const ast_value *r = R(c, dur_v);
		if (r->kind == AV_CALL)
			diag_error(c->d, r->sp, "a speech anchor marks a point in time: write it as `end %s(...)` in the scene's block", r->s);
		else if (get_dur(c, dur_v, &d))
			f1 = f0 + to_frame(c, d);
	} else if (end_v) {
		double t;
		if (get_time(c, end_v, frame_sec(c, f0), 0, &t)) {
			const ast_value *r = R(c, end_v);
			int absolute = r->kind == AV_CALL || r->kind == AV_BINOP;
			/* An anchored end is a cut at that moment: the transition is centred on it. */
			f1 = to_frame(c, t) + (absolute ? tr / 2 : 0);
			if (absolute && f1 <= f0)
				diag_error(c->d, end_v->sp, "this anchor is at %.3fs, but the scene starts at %.3fs", t, frame_sec(c, f0));
		}
	} else if (is_auto) {
		if (!c->s->timing) {
			diag_error(c->d, auto_sp, "'auto' takes the scene's length from the voice, but the spec has no voice with timings");
		} else {
			int si;
			const timing_section *sec = find_section(c, narrates ? narrates : sc->name, auto_sp, &si);
			if (sec) {
				const timing_t *t = c->s->timing;
				double boundary = c->s->voice_start +
						  (si + 1 < t->nsections ? t->words[t->sections[si + 1].first].start : t->duration);
				f1 = to_frame(c, boundary) + tr / 2;
				if (f1 <= f0)
					diag_error(c->d, auto_sp, "section '%s' ends at %.3fs, before this scene starts (%.3fs)", sec->name, boundary, frame_sec(c, f0));
			}
		}
	}
	if (f1 - f0 > to_frame(c, MAX_SECONDS)) {
		diag_error(c->d, st->sp, "scene longer than 24 hours");
		f1 = f0 + 1;
	}
	int64_t tr_in = c->s->nscenes > 1 && c->s->scenes[c->s->nscenes - 2].has_tr
				? c->s->scenes[c->s->nscenes - 2].tr_frames : 0;
	if (f1 > f0 && (f1 - f0 < tr || f1 - f0 < tr_in || f1 - f0 < tr + tr_in - 0)) {
		if (f1 - f0 < tr + tr_in)
			diag_error(c->d, st->sp, "scene '%s' lasts %.3fs, shorter than its transitions (%.3fs in, %.3fs out)",
				   sc->name, frame_sec(c, f1 - f0), frame_sec(c, tr_in), frame_sec(c, tr));
	}
	if (f1 <= f0)
		f1 = f0 + 1;
	sc->f0 = f0;
	sc->f1 = f1;
	*cursor = f1 - tr;

	double base = frame_sec(c, f0), span = frame_sec(c, f1) - base;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		int k = layer_kind(p->head);
		if (k >= 0) {
			mlayer *L = ARENA_PUSH(c->a, sc->layers, sc->nlayers, sc->clayers);
			layer(c, p, k, L, base, span, f0, f1, "scene");
			continue;
		}
		if (!strcmp(p->head, "chapter")) {
			const char *title;
			double t = base;
			if (want_args(c, p, 1, 2, "a title, and optionally a time in the scene") &&
			    get_str(c, p->args[0], &title) &&
			    (p->nargs < 2 || get_time(c, p->args[1], base, span, &t))) {
				mchapter *ch = ARENA_PUSH(c->a, c->s->chapters, c->s->nchapters, c->s->cchapters);
				ch->t = t;
				ch->title = title;
				ch->sp = p->sp;
			}
			continue;
		}
		int known = 0;
		for (int j = 0; j < COUNT(scene_props); j++)
			known |= !strcmp(p->head, scene_props[j]);
		if (known)
			continue;
		const char *cands[16];
		int n = 0;
		for (int j = 0; j < COUNT(layer_kinds); j++)
			cands[n++] = layer_kinds[j];
		for (int j = 0; j < COUNT(scene_props); j++)
			cands[n++] = scene_props[j];
		cands[n++] = "use";
		const char *sug = diag_suggest(p->head, cands, n);
		int is_layer_prop = 0;
		for (int j = 0; j < COUNT(common_props); j++)
			is_layer_prop |= !strcmp(p->head, common_props[j]);
		if (sug)
			diag_error(c->d, p->sp, "unknown statement '%s' in a scene (did you mean '%s'?)", p->head, sug);
		else if (is_layer_prop)
			diag_error(c->d, p->sp, "'%s' is a layer property: put it inside a layer's block", p->head);
		else
			diag_error(c->d, p->sp, "unknown statement '%s' in a scene (expected a layer: solid, image, video, text, code, draw; or transition, duration, end, narrates, background, chapter)", p->head);
	}
}

static void overlay_stmt(checker *c, const ast_stmt *st)
{
	int64_t total = c->s->frames;
	double vend = frame_sec(c, total);
	double t0 = 0, t1 = vend;
	if (st->nargs > 1 || (st->nargs == 1 && st->args[0]->kind != AV_IDENT))
		diag_error(c->d, st->sp, "write an overlay as: overlay [NAME] { start TIME; end TIME; layers... }");
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (!strcmp(p->head, "start") && want_args(c, p, 1, 1, "a time on the video"))
			get_time(c, p->args[0], 0, vend, &t0);
		else if (!strcmp(p->head, "end") && want_args(c, p, 1, 1, "a time on the video"))
			get_time(c, p->args[0], 0, vend, &t1);
	}
	int64_t f0 = to_frame(c, t0), f1 = to_frame(c, t1);
	if (f1 > total) {
		diag_warn(c->d, st->sp, "overlay ends at %.3fs, after the video ends (%.3fs); it is cut there", t1, vend);
		f1 = total;
	}
	if (f0 < 0)
		f0 = 0;
	if (f1 <= f0) {
		diag_error(c->d, st->sp, "overlay ends before it starts");
		return;
	}
	double base = frame_sec(c, f0), span = frame_sec(c, f1) - base;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (!strcmp(p->head, "start") || !strcmp(p->head, "end"))
			continue;
		int k = layer_kind(p->head);
		if (k < 0) {
			const char *cands[8];
			for (int j = 0; j < COUNT(layer_kinds); j++)
				cands[j] = layer_kinds[j];
			cands[COUNT(layer_kinds)] = "start";
			cands[COUNT(layer_kinds) + 1] = "end";
			unknown(c, p->sp, "statement in an overlay", p->head, cands, COUNT(layer_kinds) + 2);
			continue;
		}
		mlayer *L = ARENA_PUSH(c->a, c->s->overlays, c->s->noverlays, c->s->coverlays);
		layer(c, p, k, L, base, span, f0, f1, "overlay");
	}
}

static void chapter_top(checker *c, const ast_stmt *st)
{
	const char *title;
	double t;
	if (!want_args(c, st, 2, 2, "a title and a time: chapter \"Intro\" 0s"))
		return;
	no_block(c, st);
	if (get_str(c, st->args[0], &title) && get_time(c, st->args[1], 0, frame_sec(c, c->s->frames), &t)) {
		mchapter *ch = ARENA_PUSH(c->a, c->s->chapters, c->s->nchapters, c->s->cchapters);
		ch->t = t;
		ch->title = title;
		ch->sp = st->sp;
	}
}

static int chapter_cmp(const void *a, const void *b)
{
	const mchapter *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* YouTube turns a description's timestamps into chapters only if the first is 0:00, there are at
 * least three, and each lasts at least 10 seconds. */
static void check_chapters(checker *c)
{
	spec_t *s = c->s;
	if (s->nchapters == 0)
		return;
	qsort(s->chapters, (size_t)s->nchapters, sizeof(mchapter), chapter_cmp);
	double end = frame_sec(c, s->frames);
	for (int i = 0; i < s->nchapters; i++)
		if (s->chapters[i].t < 0 || s->chapters[i].t >= end)
			diag_error(c->d, s->chapters[i].sp, "chapter at %.3fs is outside the video (0 to %.3fs)", s->chapters[i].t, end);
	if (!compile_has_preset(s, "youtube_long"))
		return;
	if (s->chapters[0].t > 0.0005)
		diag_warn(c->d, s->chapters[0].sp, "YouTube needs the first chapter at 0:00; this one is at %.3fs", s->chapters[0].t);
	if (s->nchapters < 3)
		diag_warn(c->d, s->chapters[0].sp, "YouTube shows chapters only when there are at least 3 (found %d)", s->nchapters);
	for (int i = 0; i < s->nchapters; i++) {
		double next = i + 1 < s->nchapters ? s->chapters[i + 1].t : end;
		if (next - s->chapters[i].t < 10)
			diag_warn(c->d, s->chapters[i].sp, "chapter '%s' lasts %.1fs; YouTube needs at least 10s per chapter", s->chapters[i].title, next - s->chapters[i].t);
	}
}

static void check_presets(checker *c)
{
	spec_t *s = c->s;
	double dur = frame_sec(c, s->frames);
	for (int i = 0; i < s->npresets; i++) {
		const preset_t *p = preset_find(s->presets[i]);
		span_t sp = c->preset_sps[i];
		if (dur > p->limit_s + 1e-9)
			diag_error(c->d, sp, "the video lasts %.2fs; %s accepts at most %.0fs (preset %s)", dur, p->platform, p->limit_s, p->name);
		else if (dur < p->min_s - 1e-9 || dur > p->max_s + 1e-9)
			diag_warn(c->d, sp, "the video lasts %.2fs; %.0f-%.0fs is recommended for preset %s", dur, p->min_s, p->max_s, p->name);
		/* Fails early when even a minimal video bitrate (200 kb/s plus 128 kb/s audio) would
		 * exceed the platform's size budget. */
		if (dur * (200000.0 + 128000.0) / 8 > (double)p->max_bytes)
			diag_error(c->d, sp, "a %.0fs video cannot fit in %s's %lld MB limit", dur, p->platform, (long long)(p->max_bytes / 1000000));
	}
}

static span_t file_start(int file)
{
	span_t sp = {file, file >= 0, 1, 0, 1};
	return sp;
}

static const char *const top_stmts[] = {"video", "scene", "overlay", "voice", "music", "captions",
					"chapter", "import", "const", "style", "template", "hook", "use"};

static void check_top(checker *c, ast_stmt **st, int n)
{
	spec_t *s = c->s;
	/* Settings first: the frame rate turns times into frames, the voice resolves anchors. */
	for (int i = 0; i < n; i++)
		if (!strcmp(st[i]->head, "video"))
			video_block(c, st[i]);
	if (!c->have_video)
		diag_error(c->d, file_start(n ? st[0]->file : 0),
			   "the spec has no video block: add video { preset tiktok } (or youtube_long, youtube_short, instagram_reel)");
	else if (s->npresets == 0)
		diag_error(c->d, c->video_sp, "the video block names no preset: add preset tiktok (or youtube_long, youtube_short, instagram_reel)");
	for (int i = 0; i < n; i++)
		if (!strcmp(st[i]->head, "voice"))
			audio_stmt(c, st[i], 1);
	int nscenes = 0;
	for (int i = 0; i < n; i++)
		nscenes += !strcmp(st[i]->head, "scene");
	int64_t cursor = 0;
	int seen = 0;
	for (int i = 0; i < n; i++) {
		const char *h = st[i]->head;
		if (!strcmp(h, "scene"))
			scene_stmt(c, st[i], &cursor, ++seen == nscenes);
	}
	for (int i = 0; i < s->nscenes; i++)
		if (s->scenes[i].f1 > s->frames)
			s->frames = s->scenes[i].f1;
	if (nscenes == 0)
		diag_error(c->d, n ? st[0]->sp : file_start(-1), "the spec has no scenes: a video needs at least one scene");
	for (int i = 0; i < n; i++) {
		const char *h = st[i]->head;
		if (!strcmp(h, "video") || !strcmp(h, "scene") || !strcmp(h, "voice"))
			continue;
		if (!strcmp(h, "overlay"))
			overlay_stmt(c, st[i]);
		else if (!strcmp(h, "music"))
			audio_stmt(c, st[i], 0);
		else if (!strcmp(h, "captions"))
			captions_stmt(c, st[i]);
		else if (!strcmp(h, "chapter"))
			chapter_top(c, st[i]);
		else if (layer_kind(h) >= 0)
			diag_error(c->d, st[i]->sp, "%s %s layer belongs inside a scene or an overlay", an(h), h);
		else
			unknown(c, st[i]->sp, "statement", h, top_stmts, COUNT(top_stmts));
	}
	if (s->captions && !s->timing)
		diag_error(c->d, s->captions_sp, "captions come from the voice's word timings, but the spec has no voice with timings");
	if (s->timing) {
		double vend = s->voice_start + s->timing->duration, end = frame_sec(c, s->frames);
		if (vend > end + 0.05 && s->frames > 0)
			for (int i = 0; i < s->naudio; i++)
				if (!strcmp(s->audio[i].role, "voice"))
					diag_warn(c->d, s->audio[i].sp, "the voice runs until %.2fs but the video ends at %.2fs; the rest of the narration is cut", vend, end);
	}
	if (s->frames > 0 && s->npresets > 0)
		check_presets(c);
	check_chapters(c);
}

const char *compile_stdlib_dir(const compile_opts *o)
{
	static char buf[4096 + 64];
	if (o && o->stdlib_dir)
		return o->stdlib_dir;
	const char *env = getenv("VIDC_STDLIB");
	if (env && *env)
		return env;
	/* Beside the executable: build/vidc -> ../stdlib; PREFIX/bin/vidc -> ../share/vidc/stdlib */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			struct stat st;
			snprintf(buf, sizeof buf, "%s/../stdlib", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
			snprintf(buf, sizeof buf, "%s/../share/vidc/stdlib", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
		}
	}
	struct stat st;
	if (stat(VIDC_STDLIB_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return VIDC_STDLIB_DIR;
	return NULL;
}

static spec_t *compile_file(const char *path, const char *text, size_t len, diag_sink *d,
			    const compile_opts *o)
{
	static const compile_opts defaults = {NULL, 1};
	arena_t *a = arena_new();
	spec_t *s = arena_alloc(a, sizeof *s);
	s->arena = a;
	s->diag = d;
	s->path = arena_strdup(a, path);
	s->fps_num = 30;
	s->fps_den = 1;
	s->background = (ir_color){0, 0, 0, 255};
	checker c;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.a = a;
	c.d = d;
	c.o = o ? o : &defaults;
	c.stdlib = compile_stdlib_dir(c.o);

	ast_file *f;
	if (text) {
		char *real = realpath(path, NULL);
		if (real) {
			*ARENA_PUSH(a, c.files, c.nfiles, c.cfiles) = arena_strdup(a, real);
			free(real);
		}
		f = parse_file(a, d, diag_add_source(d, path, text, len));
	} else {
		f = load_file(&c, path, (span_t){-1, 0, 0, 0, 0}, 0);
	}
	if (!f)
		return s;
	/* The stdlib prelude declares the engine's own hooks and styles. */
	if (c.stdlib) {
		const char *prelude = arena_printf(a, "%s/prelude.vid", c.stdlib);
		if (file_ok(prelude)) {
			ast_file *pf = load_file(&c, prelude, (span_t){-1, 0, 0, 0, 0}, 1);
			if (pf)
				load_defs(&c, pf, 1, 1);
		}
	}
	load_defs(&c, f, 0, 0);
	ast_stmt **top = NULL;
	int ntop = 0, ctop = 0;
	expand_list(&c, f->stmts, f->n, &top, &ntop, &ctop, NULL, 0, 1);
	check_top(&c, top, ntop);
	return s;
}

spec_t *compile_spec(const char *path, diag_sink *d, const compile_opts *o)
{
	return compile_file(path, NULL, 0, d, o);
}

spec_t *compile_spec_text(const char *path, const char *text, size_t len, diag_sink *d,
			  const compile_opts *o)
{
	return compile_file(path, text ? text : "", text ? len : 0, d, o);
}

void compile_free(spec_t *s)
{
	if (s)
		arena_free(s->arena);
}

int compile_npresets(const spec_t *s)
{
	return s->npresets;
}

const char *compile_preset(const spec_t *s, int i)
{
	return i >= 0 && i < s->npresets ? s->presets[i] : NULL;
}

int compile_has_preset(const spec_t *s, const char *preset)
{
	for (int i = 0; i < s->npresets; i++)
		if (!strcmp(s->presets[i], preset))
			return 1;
	return 0;
}
