/*
 * anchor.c - points in time (see anchor.h). A time is a duration from the start of its
 * container, a percentage of it, or a speech anchor: a word, sentence or section of the
 * narration, found in the voice's word timings (timing.c), optionally shifted by a duration.
 */
#include "anchor.h"

#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "sym.h"
#include "value.h"

/* text as the inside of a spec string literal (a fix-it's replacement): the characters the
 * lexer reads as escapes or string ends are escaped back (SPEC.md, strings). */
static const char *string_body(checker_t *c, const char *text)
{
	size_t n = strlen(text);
	char *out = arena_alloc(c->a, n * 8 + 1), *o = out;
	if (!out)
		return text;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '{')
			*o++ = '\\', *o++ = (char)*p;
		else if (*p < 0x20)
			o += sprintf(o, "\\u{%X}", *p);
		else
			*o++ = (char)*p;
	}
	*o = 0;
	return out;
}

static int anchor_index(checker_t *c, const ast_value *v, int count, const char *unit)
{
	/* word(3): 1-based index */
	int i;
	if (!val_int(c, v, &i))
		return -1;
	if (i < 1 || i > count) {
		diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "%s %d does not exist: the narration has %d %ss", unit, i,
			   count, unit);
		return -1;
	}
	return i - 1;
}

/* A speech anchor's argument: a[0] is the index or text, nth which match (0 = the only one). */
typedef struct {
	const ast_value *call, *a0;
	int nth;
	int end; /* the anchor's end (word_end, ...) rather than its start */
} anchor_arg;

static int word_at(checker_t *c, const timing_t *t, const anchor_arg *x, double *out)
{
	const ast_value *a0 = x->a0, *v = x->call;
	int w = -1, nth = x->nth;
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
			if (sug) {
				diag_err(c->d, DE_NO_MATCH, a0->sp, "no word of the narration matches \"%s\" (did you mean \"%s\"?)", a0->s, sug);
				diag_fixit_word(c->d, a0->sp, a0->s, string_body(c, sug));
			} else
				diag_err(c->d, DE_NO_MATCH, a0->sp, "no word of the narration matches \"%s\"", a0->s);
			return 0;
		}
		if (nth > n || nth < 0) {
			diag_err(c->d, DE_NO_MATCH, v->sp, "\"%s\" occurs %d time%s in the narration; there is no match %d", a0->s, n, n == 1 ? "" : "s", nth);
			return 0;
		}
		if (n > 1 && nth == 0) {
			int second = -1;
			timing_match(t, a0->s, 2, &second, &nw);
			diag_err(c->d, DE_AMBIGUOUS_ANCHOR, a0->sp,
				   "\"%s\" matches %d places in the narration (at %.2fs and %.2fs%s); pick one with %s(\"%s\", N) or a longer phrase",
				   a0->s, n, t->words[w].start, t->words[second].start,
				   n > 2 ? ", ..." : "", v->s, a0->s);
			return 0;
		}
		if (x->end)
			w += nw - 1;
	} else {
		val_expected(c, a0, "a word number or a text");
		return 0;
	}
	*out = x->end ? t->words[w].end : t->words[w].start;
	return 1;
}

static int sentence_at(checker_t *c, const timing_t *t, const anchor_arg *x, double *out)
{
	const ast_value *a0 = x->a0, *v = x->call;
	int s = -1, nth = x->nth;
	if (a0->kind == AV_NUM) {
		if ((s = anchor_index(c, a0, t->nsentences, "sentence")) < 0)
			return 0;
	} else if (a0->kind == AV_STR) {
		int n = timing_match_sentence(t, a0->s, nth, &s);
		if (n == 0) {
			diag_err(c->d, DE_NO_MATCH, a0->sp, "no sentence of the narration contains \"%s\"", a0->s);
			return 0;
		}
		if (nth > n || nth < 0) {
			diag_err(c->d, DE_NO_MATCH, v->sp, "\"%s\" occurs in %d sentence%s; there is no match %d", a0->s, n, n == 1 ? "" : "s", nth);
			return 0;
		}
		if (n > 1 && nth == 0) {
			diag_err(c->d, DE_AMBIGUOUS_ANCHOR, a0->sp, "\"%s\" is in %d sentences; pick one with %s(\"%s\", N) or a longer phrase",
				   a0->s, n, v->s, a0->s);
			return 0;
		}
	} else {
		val_expected(c, a0, "a sentence number or a text");
		return 0;
	}
	*out = x->end ? t->words[timing_sentence_last(t, s)].end : t->words[t->sentence_first[s]].start;
	return 1;
}

static int section_at(checker_t *c, const timing_t *t, const anchor_arg *x, double *out)
{
	const ast_value *a0 = x->a0;
	if (a0->kind != AV_STR) {
		val_expected(c, a0, "a section name");
		return 0;
	}
	for (int i = 0; i < t->nsections; i++)
		if (!strcmp(t->sections[i].name, a0->s)) {
			*out = x->end ? t->words[t->sections[i].last].end
				      : t->words[t->sections[i].first].start;
			return 1;
		}
	const char **cands = arena_alloc(c->a, sizeof(char *) * (size_t)(t->nsections + 1));
	for (int i = 0; i < t->nsections; i++)
		cands[i] = t->sections[i].name;
	val_unknown(c, a0->sp, "section", a0->s, cands, t->nsections);
	return 0;
}

/* The time functions: seconds from the start of the narration. */
static const struct {
	const char *name;
	int end;
	int (*at)(checker_t *c, const timing_t *t, const anchor_arg *x, double *out);
} anchors[] = {
	{"word", 0, word_at},	      {"word_end", 1, word_at},
	{"sentence", 0, sentence_at}, {"sentence_end", 1, sentence_at},
	{"section", 0, section_at},   {"section_end", 1, section_at},
};

/* An anchor call to absolute seconds on the video timeline. */
static int anchor_call(checker_t *c, const ast_value *v, double *out)
{
	int kind = -1;
	const char *names[COUNT(anchors)];
	for (int i = 0; i < COUNT(anchors); i++) {
		names[i] = anchors[i].name;
		if (!strcmp(v->s, anchors[i].name))
			kind = i;
	}
	if (kind < 0) {
		val_unknown(c, v->sp, "time function", v->s, names, COUNT(anchors));
		return 0;
	}
	const timing_t *t = c->s->timing;
	if (!t && c->timing_bad)
		return 0;
	if (!t) {
		diag_err(c->d, DE_MISSING_VOICE, v->sp,
			   "'%s(...)' anchors to the narration, but the spec has no voice with timings (add: voice \"voice.wav\" { timings \"voice.json\" })",
			   v->s);
		return 0;
	}
	if (v->nargs < 1 || v->nargs > 2 || v->args[0].name || (v->nargs == 2 && v->args[1].name)) {
		diag_err(c->d, DE_BAD_ARGUMENTS, v->sp, "%s() takes an index or a text, and optionally which match (e.g. %s(\"coffee\", 2))", v->s, v->s);
		return 0;
	}
	anchor_arg x = {v, val_resolve(c, v->args[0].v), 0, anchors[kind].end};
	if (v->nargs == 2 && !val_int(c, v->args[1].v, &x.nth))
		return 0;
	double at;
	if (!anchors[kind].at(c, t, &x, &at))
		return 0;
	*out = c->s->voice_start + at;
	return 1;
}

/* A marker's name (SPEC §18.6): its moment, absolute like a speech anchor. */
static int marker_at(checker_t *c, const ast_value *v, double *out)
{
	const spec_t *s = c->s;
	for (int i = s->nmarkers - 1; i >= 0; i--) /* the latest setting (marker.h) */
		if (!strcmp(s->markers[i].name, v->s)) {
			*out = s->markers[i].t;
			return 1;
		}
	/* marker.c noted every marker statement (checker.h), so a use before one can say where */
	const ast_stmt *later = NULL;
	for (int i = 0; i < c->nmarker_decls && !later; i++)
		if (!strcmp(c->marker_decls[i]->args[0]->s, v->s))
			later = c->marker_decls[i];
	if (later) {
		diag_err(c->d, DE_TIMING, v->sp, "marker '%s' is used before its statement: a marker is known from where it is set on", v->s);
		diag_note(c->d, later->sp, "'%s' is set here", v->s);
		return 0;
	}
	if (c->nmarker_decls == 0) {
		val_expected(c, v, "a time (5s, 500ms, 12f, 50%, a speech anchor such as word(\"coffee\"), or a marker)");
		return 0;
	}
	const char **names = arena_alloc(c->a, sizeof(char *) * (size_t)c->nmarker_decls);
	for (int i = 0; i < c->nmarker_decls; i++)
		names[i] = c->marker_decls[i]->args[0]->s;
	val_unknown(c, v->sp, "marker", v->s, names, c->nmarker_decls);
	return 0;
}

/* A percentage or a negative time needs its container's length; a top-level marker has none
 * (ANCHOR_NO_SPAN): without this check 50% there was silently 0 s. A value from a constant is
 * reported where the marker names the constant (diag_via; the constant itself is fine in a
 * scene). */
static int have_span(checker_t *c, const ast_value *v, double span, const char *what)
{
	if (span >= 0)
		return 1;
	diag_err(c->d, DE_TIMING, v->sp,
		 "%s, and a top-level marker has no length to go by (it is read before the scenes, so the "
		 "video's length is not known yet): give a duration from the video's start (20s), a speech "
		 "anchor, or set the marker in a scene", what);
	return 0;
}

/* A time that is no sum: a duration, a percentage, a negative duration or an anchor. */
static int time_term(checker_t *c, const ast_value *v, double base, double span, double *out)
{
	v = expr_fold(c, v); /* `2 * 1.5s`, `max(1s, 20f)`: one duration */
	if (v->kind == AV_POISON)
		return 0;
	if (v->kind == AV_CALL)
		return anchor_call(c, v, out);
	if (v->kind == AV_IDENT)
		return marker_at(c, v, out);
	if (v->kind == AV_NUM && v->unit == UNIT_PCT) {
		if (!val_finite(c, v) || !have_span(c, v, span, "a percentage is a share of its container's length"))
			return 0;
		*out = base + span * v->num / 100;
		return 1;
	}
	if (v->kind == AV_NUM && v->num < 0 &&
	    (v->unit == UNIT_S || v->unit == UNIT_MS || v->unit == UNIT_F)) {
		if (!have_span(c, v, span, "a negative duration counts back from its container's end"))
			return 0;
		ast_value pos = *v;
		pos.num = -v->num;
		double d;
		if (!val_dur(c, &pos, &d))
			return 0;
		*out = base + span - d;
		return 1;
	}
	if (v->kind == AV_NUM) {
		double d;
		if (!val_dur(c, v, &d))
			return 0;
		*out = base + d;
		return 1;
	}
	val_expected(c, v, "a time (5s, 500ms, 12f, 50%, or a speech anchor such as word(\"coffee\"))");
	return 0;
}

/* A sum `t + d1 - d2 ...` is a chain leaning left (the parser builds it in a loop, and constants
 * may continue it); it is walked in a loop, not by recursion, so a long one cannot exhaust the
 * stack. Terms are checked left to right, stopping at the first bad one. */
static int is_sum(const ast_value *v)
{
	return v->kind == AV_BINOP && (v->op == '+' || v->op == '-');
}

int anchor_time(checker_t *c, const ast_value *v, double base, double span, double *out)
{
	/* Constants only: a sum of a time and durations keeps its meaning (`50% + 1s` is 1 s after
	 * the middle, `-2s + 1s` 1 s before the end); its terms are folded one by one. */
	v = sym_follow(c, v);
	int n = 0;
	for (const ast_value *w = v; is_sum(w); w = sym_follow(c, w->lhs))
		if (++n > MAX_TIME_TERMS) {
			diag_err(c->d, DE_LIMIT, v->sp, "a time adds up more than %d terms (does a constant name itself?)", MAX_TIME_TERMS);
			return 0;
		}
	const ast_value **chain = arena_alloc(c->a, sizeof(ast_value *) * (size_t)(n + 1));
	const ast_value *w = v;
	for (int i = n - 1; i >= 0; i--, w = sym_follow(c, w->lhs))
		chain[i] = w; /* chain[0] is the innermost sum */
	if (!time_term(c, w, base, span, out))
		return 0;
	for (int i = 0; i < n; i++) {
		double r;
		if (!val_dur(c, chain[i]->rhs, &r))
			return 0;
		*out = chain[i]->op == '+' ? *out + r : *out - r;
	}
	return 1;
}
