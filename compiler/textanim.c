/*
 * textanim.c - text in motion as a spec states it (see textanim.h): which units come in and how,
 * their timing (a stagger from the layer's start, or the narration's words), and the keys of
 * the colour, font size and content. Everything is checked here; the runtime (runtime/
 * textanim.c, runtime/text.c) only evaluates it.
 */
#include "textanim.h"

#include <string.h>

#include "anchor.h"
#include "value.h"

const char *const textanim_names[TEXTANIM_NNAMES] = {"words", "letters", "color", "font_size", "text"};

enum { TA_WORDS, TA_LETTERS, TA_COLOR, TA_FONT_SIZE, TA_TEXT };

/* How a unit comes in, by the name a spec writes (indexed by ir_textanim_kind - 1). */
static const char *const unit_kinds[] = {"fade", "rise", "pop", "typewriter"};

/* Default timing per unit (seconds): words are read slower than letters are drawn. */
static const double def_stagger[2] = {0.08, 0.03}, def_each[2] = {0.3, 0.2};

int textanim_is(const char *name)
{
	for (int i = 0; i < TEXTANIM_NNAMES; i++)
		if (!strcmp(name, textanim_names[i]))
			return 1;
	return 0;
}

/* The words of the narration that speak the layer's text, nearest the layer's start when it is
 * said more than once: `with narration` times each word by them. 0 after reporting why not. */
static int narration_words(checker_t *c, const ast_stmt *st, mlayer *L, double lt0)
{
	const timing_t *t = c->s->timing;
	if (!t) {
		if (!c->timing_bad)
			diag_err(c->d, DE_MISSING_VOICE, st->sp,
				 "'with narration' times the words by the narration, but the spec has no voice with timings (add: voice \"voice.wav\" { timings \"voice.json\" }, or drop 'with narration' to stagger them)");
		return 0;
	}
	int first = -1, nw = 0, n = timing_match(t, L->content, 0, &first, &nw);
	if (n == 0 || nw <= 0) {
		diag_err(c->d, DE_NO_MATCH, st->sp,
			 "'with narration': the text \"%.60s\" is not spoken in the narration, so its words have no times (the text must be words of the voice, in order; drop 'with narration' to stagger them)",
			 L->content);
		return 0;
	}
	double best = 1e300;
	for (int i = 1; i <= n; i++) {
		int w = -1, k = 0;
		timing_match(t, L->content, i, &w, &k);
		double d = c->s->voice_start + t->words[w].start - lt0;
		if (w >= 0 && (d < 0 ? -d : d) < best)
			best = d < 0 ? -d : d, first = w;
	}
	ir_word *words = arena_alloc(c->a, sizeof *words * (size_t)nw);
	if (!words)
		return 0;
	for (int i = 0; i < nw; i++) {
		const timing_word *w = &t->words[first + i];
		words[i] = (ir_word){w->text, c->s->voice_start + w->start, c->s->voice_start + w->end};
	}
	L->anim.words = words;
	L->anim.nwords = nw;
	return 1;
}

/* `animate words|letters KIND [stagger D] [each D] [with narration]`. */
static void unit_anim(checker_t *c, const ast_stmt *st, mlayer *L, int letters, double lt0)
{
	ir_textanim *a = &L->anim;
	if (L->units_sp.line) {
		diag_err(c->d, a->letters == letters ? DE_DUPLICATE : DE_CONFLICT, st->sp,
			 "a text animates its words or its letters once ('animate %s' is given already)",
			 a->letters ? "letters" : "words");
		diag_note(c->d, L->units_sp, "given here");
		return;
	}
	val_no_block(c, st);
	int ki;
	if (st->nargs < 2) {
		diag_err(c->d, DE_MALFORMED, st->sp, "write: animate %s fade|rise|pop|typewriter [stagger 80ms] [each 300ms] [with narration]",
			 textanim_names[letters]);
		return;
	}
	if (!val_enum(c, st->args[1], "text animation", unit_kinds, (int)(sizeof unit_kinds / sizeof *unit_kinds), &ki))
		return;
	a->kind = (ir_textanim_kind)(ki + 1);
	a->letters = letters;
	a->start = lt0;
	a->stagger = def_stagger[letters];
	a->each = def_each[letters];
	int narrate = 0;
	static const char *const opts[] = {"stagger", "each", "with"};
	for (int i = 2; i < st->nargs; i += 2) {
		const ast_value *o = val_resolve(c, st->args[i]);
		int oi;
		if (!val_enum(c, o, "text animation option", opts, 3, &oi))
			return;
		if (i + 1 >= st->nargs) {
			diag_err(c->d, DE_MALFORMED, o->sp, "'%s' needs a value (%s)", opts[oi], oi == 2 ? "with narration" : "a duration, e.g. 80ms");
			return;
		}
		const ast_value *v = val_resolve(c, st->args[i + 1]);
		if (oi == 2) {
			if (v->kind != AV_IDENT || strcmp(v->s, "narration")) {
				val_expected(c, v, "'narration' (with narration)");
				return;
			}
			narrate = 1;
		} else if (!val_dur(c, v, oi ? &a->each : &a->stagger)) {
			return;
		} else if ((oi ? a->each : a->stagger) > 10) {
			diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "%s is at most 10s", opts[oi]);
			return;
		}
	}
	L->units_sp = st->sp;
	if (narrate && !narration_words(c, st, L, lt0))
		return;
}

/* A key's value for `animate color|font_size|text`. */
static int key_value(checker_t *c, int what, const ast_value *v, mkey *k, ir_color *col, const char **s)
{
	if (what == TA_COLOR)
		return val_color(c, v, col);
	if (what == TA_TEXT)
		return val_str(c, v, s);
	if (!val_len(c, v, &k->v, &k->unit))
		return 0;
	if (k->unit == UNIT_SA) {
		diag_err(c->d, DE_WRONG_TYPE, v->sp, "a font size is in px or %% of the canvas height");
		return 0;
	}
	if (k->v <= 0 || k->v > 2000) {
		diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "font size must be above 0 and at most 2000px");
		return 0;
	}
	return 1;
}

/* Appends one key of `animate color|font_size|text` at time t. */
static void push_key(checker_t *c, int what, mlayer *L, const mkey *k, ir_color col, const char *s)
{
	ir_textanim *a = &L->anim;
	if (what == TA_FONT_SIZE) {
		mkey *d = ARENA_PUSH(c->a, L->fsize.k, L->fsize.n, L->fsize.cap);
		if (d)
			*d = *k;
	} else if (what == TA_COLOR) {
		ir_color_key *d = ARENA_PUSH(c->a, a->colors, a->ncolors, L->colors_cap);
		if (d)
			*d = (ir_color_key){k->t, col, k->ease};
	} else {
		ir_text_key *d = ARENA_PUSH(c->a, a->texts, a->ntexts, L->texts_cap);
		if (d)
			*d = (ir_text_key){k->t, s};
	}
}

/* `animate color|font_size|text { key T V [EASING] ... }`: keys in time order; text keys hold. */
static void key_anim(checker_t *c, const ast_stmt *st, mlayer *L, int what, double lt0, double lt1)
{
	ir_textanim *a = &L->anim;
	int given = what == TA_COLOR ? a->ncolors : what == TA_TEXT ? a->ntexts : L->fsize.n;
	if (given) {
		diag_err(c->d, DE_DUPLICATE, st->sp, "the %s is keyed twice ('animate %s' twice, or beside '%s A -> B')",
			 what == TA_TEXT ? "content" : what == TA_COLOR ? "colour" : "font size", textanim_names[what], textanim_names[what]);
		return;
	}
	val_want_args(c, st, 1, 1, "a property name and a block of keys");
	if (!st->block || st->nbody == 0) {
		diag_err(c->d, DE_MALFORMED, st->sp, "animate %s needs a block of keys: { key 0s %s; key 1s %s }", textanim_names[what],
			 what == TA_COLOR ? "#ffffff" : what == TA_TEXT ? "\"One\"" : "48px",
			 what == TA_COLOR ? "#ffcc00 ease_out" : what == TA_TEXT ? "\"Two\"" : "96px ease_out");
		return;
	}
	double last = -1e300;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *k = st->body[i];
		if (strcmp(k->head, "key")) {
			val_unknown(c, k->sp, "statement in animate", k->head, (const char *const[]){"key"}, 1);
			continue;
		}
		int most = what == TA_TEXT ? 2 : 3; /* text holds: no easing */
		if (k->nargs < 2 || k->nargs > most) {
			diag_err(c->d, DE_MALFORMED, k->sp, what == TA_TEXT ? "write a key as: key TIME \"TEXT\" (the text holds until the next key)"
									    : "write a key as: key TIME VALUE [easing]");
			continue;
		}
		mkey m = {0, 0, UNIT_NONE, {IR_EASE_LINEAR, {0}}};
		ir_color col = {0, 0, 0, 0};
		const char *s = NULL;
		if (!anchor_time(c, k->args[0], lt0, lt1 - lt0, &m.t) || !key_value(c, what, k->args[1], &m, &col, &s) ||
		    (k->nargs == 3 && !val_ease(c, k->args[2], &m.ease)))
			continue;
		if (m.t < last - 1e-9) {
			diag_err(c->d, DE_KEYFRAME_ORDER, k->sp, "keyframes must come in time order (this one is at %.3fs, the one before at %.3fs)", m.t, last);
			continue;
		}
		last = m.t;
		push_key(c, what, L, &m, col, s);
	}
	if (what == TA_TEXT)
		L->texts_sp = st->sp;
}

int textanim_arrow(checker_t *c, const ast_stmt *st, mlayer *L, double lt0, double lt1)
{
	int what = !strcmp(st->head, "color") ? TA_COLOR : !strcmp(st->head, "font_size") ? TA_FONT_SIZE : -1;
	if (what < 0 || st->nargs != 3 || st->args[1]->kind != AV_ARROW)
		return 0;
	if (what == TA_COLOR ? L->anim.ncolors : L->fsize.n) {
		diag_err(c->d, DE_CONFLICT, st->sp, "'%s' with an arrow and 'animate %s' both key the %s; give one", st->head,
			 st->head, what == TA_COLOR ? "colour" : "font size");
		return 1;
	}
	mkey k[2] = {{lt0, 0, UNIT_NONE, {IR_EASE_LINEAR, {0}}}, {lt1, 0, UNIT_NONE, {IR_EASE_LINEAR, {0}}}};
	ir_color col[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
	if (!key_value(c, what, st->args[0], &k[0], &col[0], NULL) || !key_value(c, what, st->args[2], &k[1], &col[1], NULL))
		return 1;
	for (int i = 0; i < 2; i++)
		push_key(c, what, L, &k[i], col[i], NULL);
	return 1;
}

void textanim_read(checker_t *c, const ast_stmt *st, mlayer *L, double lt0, double lt1)
{
	const char *name = val_resolve(c, st->args[0])->s;
	int what = 0;
	while (what < TEXTANIM_NNAMES && strcmp(name, textanim_names[what]))
		what++;
	if (L->kind != IR_TEXT) {
		diag_err(c->d, DE_NOT_APPLICABLE, st->sp, "'animate %s' applies to text layers", name);
		return;
	}
	int had_both = L->units_sp.line && L->texts_sp.line;
	if (what == TA_WORDS || what == TA_LETTERS)
		unit_anim(c, st, L, what == TA_LETTERS, lt0);
	else
		key_anim(c, st, L, what, lt0, lt1);
	/* the units are those of one text: keyed content would change them mid-animation */
	if (!had_both && L->units_sp.line && L->texts_sp.line) {
		diag_err(c->d, DE_CONFLICT, st->sp, "a text cannot both animate its %s and key its content ('animate text')",
			 L->anim.letters ? "letters" : "words");
		diag_note(c->d, what == TA_TEXT ? L->units_sp : L->texts_sp, "the other one is here");
	}
}
