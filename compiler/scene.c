/*
 * scene.c - the timeline (see scene.h): scenes one after another, each with its length (a
 * duration, `auto` from its voice section, or an end time, often a speech anchor), its
 * transition into the next scene (overlapping the two), its layers and chapters; and overlays
 * over the whole video.
 */
#include "scene.h"

#include <string.h>

#include "anchor.h"
#include "group.h"
#include "layer.h"
#include "marker.h"
#include "sym.h"
#include "tropt.h"
#include "value.h"
#include "when.h"

/* `when` blocks in a scene or an overlay (SPEC §18.6): layers add; the timeline stays put. */
static int adds_layer(const char *head)
{
	return layer_kind(head) >= 0;
}

static const char *const scene_fixed[] = {"duration", "end", "transition", "narrates", "chapter", "marker"};
static const when_rules scene_when = {adds_layer, scene_fixed, COUNT(scene_fixed)};
static const when_rules overlay_when = {adds_layer, NULL, 0};

/* The words after a transition's type: a duration, a direction, `through COLOUR`, `ease E`.
 * Returns how many durations were given. */
static int transition_options(checker_t *c, const ast_stmt *st, mscene *sc, double *dur)
{
	static const char *const dirs[] = {"left", "right", "up", "down"}; /* ir_dir order */
	unsigned flags = ir_transitions[sc->tr].flags;
	int have_dur = 0;
	for (int i = 1; i < st->nargs; i++) {
		const ast_value *v = val_resolve(c, st->args[i]);
		int di = -1;
		for (int k = 0; v->kind == AV_IDENT && k < COUNT(dirs); k++)
			if (!strcmp(v->s, dirs[k]))
				di = k;
		if (v->kind == AV_NUM) {
			if (have_dur++)
				diag_err(c->d, DE_DUPLICATE, v->sp, "the transition's duration is given twice");
			else
				val_fade(c, v, dur);
		} else if (di >= 0) {
			if (!(flags & IR_TRF_DIR))
				diag_err(c->d, DE_NOT_APPLICABLE, v->sp, "a direction applies to slide, push and wipe");
			sc->tr_dir = (ir_dir)di;
		} else if (v->kind == AV_IDENT && !strcmp(v->s, "through") && i + 1 < st->nargs) {
			if (!(flags & IR_TRF_COLOR))
				diag_err(c->d, DE_NOT_APPLICABLE, v->sp, "'through' applies to fade");
			val_color(c, st->args[++i], &sc->tr_color);
		} else if (v->kind == AV_IDENT && !strcmp(v->s, "ease") && i + 1 < st->nargs) {
			val_ease(c, st->args[++i], &sc->tr_ease);
		} else if (!tropt_read(c, st, &i, sc)) {
			static const char *const base[] = {"left", "right", "up", "down", "through", "ease"};
			const char *words[COUNT(base) + 8];
			int n = 0;
			for (int k = 0; k < COUNT(base); k++)
				words[n++] = base[k];
			for (int k = 0; k < tropt_nwords && n < COUNT(words); k++)
				words[n++] = tropt_words[k];
			if (v->kind == AV_IDENT) {
				val_unknown(c, v->sp, "transition option", v->s, words, n);
				/* a misspelt `feather 8%`: its width is not a second duration */
				const ast_value *nx = i + 1 < st->nargs ? val_resolve(c, st->args[i + 1]) : NULL;
				if (nx && nx->kind == AV_NUM && (nx->unit == UNIT_PCT || nx->unit == UNIT_PX))
					i++;
			} else
				val_expected(c, v, "a duration, a direction, 'through COLOUR', 'ease EASING', 'feather W' or 'motion_blur'");
		}
	}
	return have_dur;
}

/* transition TYPE [DURATION] [DIRECTION] [through COLOUR] [ease E] [feather W] [motion_blur [S]]:
 * into the next scene. */
static void transition_stmt(checker_t *c, const ast_stmt *st, mscene *sc)
{
	if (sc->has_tr) {
		diag_err(c->d, DE_DUPLICATE, st->sp, "a scene has one transition (into the next scene)");
		return;
	}
	if (st->nargs < 1) {
		diag_err(c->d, DE_MISSING, st->sp, "transition needs a type: cut, fade, dissolve, slide, push, wipe or a hook");
		return;
	}
	val_no_block(c, st);
	sc->has_tr = 1;
	sc->tr_sp = st->sp;
	sc->tr = IR_TR_DISSOLVE;
	sc->tr_color = (ir_color){0, 0, 0, 255};
	sc->tr_dir = IR_DIR_LEFT;
	double dur = 0.5;
	const ast_value *t = val_resolve(c, st->args[0]);
	if (t->kind != AV_IDENT) {
		val_expected(c, t, "a transition type");
		sc->has_tr = 0;
		return;
	}
	int ti = ir_transition_find(t->s);
	hook_sym *h = ti < 0 ? sym_hook(c, t->s) : NULL;
	if (ti < 0 && !h) {
		const char *cands[64];
		int n = 0;
		for (int i = 0; i < IR_TR_COUNT; i++)
			if (ir_transitions[i].flags & IR_TRF_BUILTIN)
				cands[n++] = ir_transitions[i].name;
		for (int i = 0; i < c->nhooks && n < 64; i++)
			cands[n++] = c->hooks[i].name;
		val_unknown(c, t->sp, "transition", t->s, cands, n);
		sc->has_tr = 0;
		return;
	}
	sc->tr = ti >= 0 ? (ir_transition_kind)ti : IR_TR_HOOK;
	if (h)
		sc->tr_hook = h->name, sc->tr_path = h->path;
	if (ir_transitions[sc->tr].flags & IR_TRF_DIR)
		sc->tr_ease.kind = IR_EASE_IN_OUT;
	int have_dur = transition_options(c, st, sc, &dur);
	if (sc->tr == IR_TR_CUT) {
		if (have_dur)
			diag_err(c->d, DE_NOT_APPLICABLE, st->sp, "a cut has no duration");
		dur = 0;
	} else if (dur <= 0) {
		diag_err(c->d, DE_MISSING, st->sp, "a %s needs a duration above 0", t->s);
	}
	sc->tr_frames = checker_frame(c, dur);
	if (sc->tr != IR_TR_CUT && sc->tr_frames < 1)
		sc->tr_frames = 1;
}

/* sp is where the error points, name_sp where the name is written (for its fix-it). */
static const timing_section *find_section(checker_t *c, const char *name, span_t sp, span_t name_sp,
					  int *index)
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
		diag_err(c->d, DE_MISSING_VOICE, sp, "the scene is 'auto', but the voice's timing file has no sections");
	else
		val_unknown_at(c, sp, name_sp, "voice section", name, cands, t->nsections);
	return NULL;
}

/* How a scene's length is given: at most one of a duration, `auto` or an end time. */
typedef struct {
	const ast_value *dur, *end;
	int is_auto;
	span_t auto_sp;
	const char *narrates; /* the voice section an auto scene lasts, when not its own name */
	span_t name_sp;       /* where that section's name is written (the scene's or narrates') */
} scene_len;

/* scene [NAME] [DURATION | auto]: a first name that is no constant names the scene. */
static void scene_head(checker_t *c, const ast_stmt *st, mscene *sc, scene_len *len)
{
	for (int i = 0; i < st->nargs; i++) {
		const ast_value *v = st->args[i];
		if (v->kind == AV_IDENT && !strcmp(v->s, "auto"))
			len->is_auto = 1, len->auto_sp = v->sp;
		else if (v->kind == AV_IDENT && i == 0 && !sym_const(c, v->s))
			sc->name = v->s, len->name_sp = v->sp;
		else if (!len->dur)
			len->dur = v;
		else
			diag_err(c->d, DE_MALFORMED, v->sp, "write a scene as: scene [NAME] [DURATION | auto] { ... }");
	}
}

static void set_transition(checker_t *c, const ast_stmt *p, mscene *sc, scene_len *len)
{
	transition_stmt(c, p, sc);
}

static void set_duration(checker_t *c, const ast_stmt *p, mscene *sc, scene_len *len)
{
	if (!val_want_args(c, p, 1, 1, "a duration or auto"))
		return;
	if (len->dur || len->is_auto)
		diag_err(c->d, DE_DUPLICATE, p->sp, "the scene's duration is given twice");
	if (p->args[0]->kind == AV_IDENT && !strcmp(p->args[0]->s, "auto"))
		len->is_auto = 1, len->auto_sp = p->args[0]->sp;
	else
		len->dur = p->args[0];
}

static void set_end(checker_t *c, const ast_stmt *p, mscene *sc, scene_len *len)
{
	if (val_want_args(c, p, 1, 1, "a time (usually a speech anchor)"))
		len->end = p->args[0];
}

static void set_narrates(checker_t *c, const ast_stmt *p, mscene *sc, scene_len *len)
{
	if (val_want_args(c, p, 1, 1, "a section name of the voice (a string)") &&
	    val_str(c, p->args[0], &len->narrates))
		len->name_sp = val_resolve(c, p->args[0])->sp;
}

static void set_background(checker_t *c, const ast_stmt *p, mscene *sc, scene_len *len)
{
	if (val_want_args(c, p, 1, 1, "a colour"))
		val_color(c, p->args[0], &sc->background);
}

/* The scene's own statements besides layers, read before its layers (which need its range).
 * chapter is read with the layers: its time is relative to the scene. */
static const struct {
	const char *name;
	void (*set)(checker_t *c, const ast_stmt *p, mscene *sc, scene_len *len);
} scene_props[] = {
	{"transition", set_transition}, {"duration", set_duration},	{"end", set_end},
	{"narrates", set_narrates},	{"background", set_background}, {"chapter", NULL},
};

const char *scene_prop_name(int i)
{
	return i >= 0 && i < COUNT(scene_props) ? scene_props[i].name : NULL;
}

/* A scene shorter than one frame would silently show for one frame: say so instead. */
static void no_length(checker_t *c, span_t sp, const mscene *sc, double seconds)
{
	diag_err(c->d, DE_TIMING, sp, "scene '%s' lasts %.3fs: a scene needs at least one frame (%.3fs)",
		   sc->name, seconds, 1 / checker_fps(c));
}

/* The frame where the scene ends, from how its length is given; f1 == f0 when unknown. */
static int64_t scene_end(checker_t *c, const ast_stmt *st, const mscene *sc, const scene_len *len,
			 int64_t f0, int64_t tr)
{
	int64_t f1 = f0;
	int given = !!len->dur + !!len->end + len->is_auto;
	double d, t;
	if (given > 1) {
		diag_err(c->d, DE_CONFLICT, st->sp, "give a scene one of: a duration, auto, or an end time");
	} else if (given == 0) {
		diag_err(c->d, DE_MISSING, st->sp, "scene '%s' has no duration: give one (5s), auto (the length of its voice section) or end <time>", sc->name);
	} else if (len->dur) {
		const ast_value *r = val_resolve(c, len->dur);
		if (r->kind == AV_CALL)
			diag_err(c->d, DE_MISPLACED, r->sp, "a speech anchor marks a point in time: write it as `end %s(...)` in the scene's block", r->s);
		else if (val_dur(c, len->dur, &d) && (f1 = f0 + checker_frame(c, d)) <= f0)
			no_length(c, len->dur->sp, sc, d);
	} else if (len->end) {
		if (anchor_time(c, len->end, checker_sec(c, f0), 0, &t)) {
			const ast_value *r = val_resolve(c, len->end);
			int absolute = r->kind == AV_CALL || r->kind == AV_BINOP;
			/* An anchored end is a cut at that moment: the transition is centred on it. */
			f1 = checker_frame(c, t) + (absolute ? tr / 2 : 0);
			if (absolute && f1 <= f0)
				diag_err(c->d, DE_TIMING, len->end->sp, "this anchor is at %.3fs, but the scene starts at %.3fs", t, checker_sec(c, f0));
			else if (f1 <= f0)
				no_length(c, len->end->sp, sc, t - checker_sec(c, f0));
		}
	} else if (!c->s->timing) {
		if (!c->timing_bad)
			diag_err(c->d, DE_MISSING_VOICE, len->auto_sp, "'auto' takes the scene's length from the voice, but the spec has no voice with timings");
	} else {
		int si;
		const timing_section *sec = find_section(c, len->narrates ? len->narrates : sc->name, len->auto_sp, len->name_sp, &si);
		if (sec) {
			const timing_t *tm = c->s->timing;
			double boundary = c->s->voice_start +
					  (si + 1 < tm->nsections ? tm->words[tm->sections[si + 1].first].start : tm->duration);
			f1 = checker_frame(c, boundary) + tr / 2;
			if (f1 <= f0)
				diag_err(c->d, DE_TIMING, len->auto_sp, "section '%s' ends at %.3fs, before this scene starts (%.3fs)", sec->name, boundary, checker_sec(c, f0));
		}
	}
	return f1;
}

/* chapter "Title" [TIME]: at the scene's start, or at a time in the scene. */
static void scene_chapter(checker_t *c, const ast_stmt *p, double base, double span)
{
	const char *title;
	double t = base;
	if (val_want_args(c, p, 1, 2, "a title, and optionally a time in the scene") &&
	    val_str(c, p->args[0], &title) &&
	    (p->nargs < 2 || anchor_time(c, p->args[1], base, span, &t))) {
		mchapter *ch = ARENA_PUSH(c->a, c->s->chapters, c->s->nchapters, c->s->cchapters);
		ch->t = t;
		ch->title = title;
		ch->sp = p->sp;
	}
}

static void unknown_in_scene(checker_t *c, const ast_stmt *p)
{
	const char *cands[32];
	int n = 0;
	for (int j = 0; j < layer_nkinds() && n < 16; j++)
		cands[n++] = layer_kind_name(j);
	for (int j = 0; j < COUNT(scene_props); j++)
		cands[n++] = scene_props[j].name;
	cands[n++] = "use";
	const char *sug = diag_suggest(p->head, cands, n);
	if (sug) {
		diag_err(c->d, DE_UNKNOWN_STATEMENT, p->sp, "unknown statement '%s' in a scene (did you mean '%s'?)", p->head, sug);
		diag_fixit_word(c->d, p->sp, p->head, sug);
	} else if (layer_common_prop(p->head))
		diag_err(c->d, DE_MISPLACED, p->sp, "'%s' is a layer property: put it inside a layer's block", p->head);
	else
		diag_err(c->d, DE_UNKNOWN_STATEMENT, p->sp, "unknown statement '%s' in a scene (expected a layer: solid, image, video, text, code, draw, shape; or transition, duration, end, narrates, background, chapter)", p->head);
}

/* The layer statement past MAX_SCENE_LAYERS among st's layers and their groups' (*n counts
 * them), or NULL. Groups nest at most a few levels (the parser's depth bounds the recursion). */
static const ast_stmt *layer_past_limit(const ast_stmt *st, int *n)
{
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (layer_kind(p->head) < 0)
			continue;
		if (++*n > MAX_SCENE_LAYERS)
			return p;
		const ast_stmt *past = !strcmp(p->head, "group") ? layer_past_limit(p, n) : NULL;
		if (past)
			return past;
	}
	return NULL;
}

static int scene_layer_limit(checker_t *c, const ast_stmt *st, const char *what)
{
	int n = 0;
	const ast_stmt *past = layer_past_limit(st, &n);
	if (!past)
		return 0;
	diag_err(c->d, DE_LIMIT, past->sp, "%s holds more than %d layers (its groups' included): split it into several, "
		 "or show many items with one layer (a text's lines, a picture)", what, MAX_SCENE_LAYERS);
	return 1;
}

/* The scene's layers and chapters, once its range is known. */
static void scene_body(checker_t *c, const ast_stmt *st, mscene *sc)
{
	layer_frame fr = {checker_sec(c, sc->f0), checker_sec(c, sc->f1) - checker_sec(c, sc->f0),
			  sc->f0, sc->f1, "scene"};
	for (int i = 0; i < st->nbody; i++) /* first: the scene's layers may name them */
		if (!strcmp(st->body[i]->head, "marker"))
			marker_read(c, st->body[i], fr.base, fr.span, c->s->nscenes - 1);
	if (scene_layer_limit(c, st, "a scene"))
		return; /* its layers are not read: 20,000 of them took minutes to render */
	/* Every layer's slot at once: an arena keeps each outgrown copy of a growing array, so a
	 * scene of thousands of layers would otherwise hold as much again in dead copies. */
	int nl = 0;
	for (int i = 0; i < st->nbody; i++)
		nl += layer_kind(st->body[i]->head) >= 0;
	if (!sc->nlayers && nl > sc->clayers && (sc->layers = arena_alloc(c->a, sizeof *sc->layers * (size_t)nl)))
		sc->clayers = nl;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		int k = layer_kind(p->head);
		if (k >= 0) {
			mlayer *L = ARENA_PUSH(c->a, sc->layers, sc->nlayers, sc->clayers);
			layer_read(c, p, k, L, &fr);
			if (L->kind == IR_GROUP)
				group_read(c, p, L, 1);
			continue;
		}
		if (!strcmp(p->head, "chapter")) {
			scene_chapter(c, p, fr.base, fr.span);
			continue;
		}
		int known = !strcmp(p->head, "marker");
		for (int j = 0; j < COUNT(scene_props); j++)
			known |= !strcmp(p->head, scene_props[j].name);
		if (!known)
			unknown_in_scene(c, p);
	}
	layer_mattes(c, sc->layers, 0, sc->nlayers);
}

void scene_read(checker_t *c, const ast_stmt *st, int64_t *cursor, int is_last)
{
	mscene *sc = ARENA_PUSH(c->a, c->s->scenes, c->s->nscenes, c->s->cscenes);
	memset(sc, 0, sizeof *sc);
	sc->sp = st->sp;
	sc->name = arena_printf(c->a, "scene%d", c->s->nscenes);
	st = when_apply(c, st, &scene_when);
	scene_len len = {NULL, NULL, 0, st->sp, NULL, {-1, 0, 0, 0, 0}};
	scene_head(c, st, sc, &len);
	for (int i = 0; i < st->nbody; i++)
		for (int k = 0; k < COUNT(scene_props); k++)
			if (scene_props[k].set && !strcmp(st->body[i]->head, scene_props[k].name))
				scene_props[k].set(c, st->body[i], sc, &len);
	if (sc->has_tr && is_last) {
		/* A template cannot know which of its scenes comes last: no warning there. */
		if (!st->from_use)
			diag_warn(c->d, DW_UNUSED_TRANSITION, sc->tr_sp, "the last scene's transition leads nowhere and is ignored");
		sc->has_tr = 0;
	}
	int64_t tr = sc->has_tr ? sc->tr_frames : 0;
	int64_t f0 = *cursor, f1 = scene_end(c, st, sc, &len, f0, tr);
	if (f1 - f0 > checker_frame(c, MAX_SECONDS)) {
		diag_err(c->d, DE_LIMIT, st->sp, "scene longer than 24 hours");
		f1 = f0 + 1;
	}
	int64_t tr_in = c->s->nscenes > 1 && c->s->scenes[c->s->nscenes - 2].has_tr
				? c->s->scenes[c->s->nscenes - 2].tr_frames : 0;
	if (f1 > f0 && f1 - f0 < tr + tr_in)
		diag_err(c->d, DE_TIMING, st->sp, "scene '%s' lasts %.3fs, shorter than its transitions (%.3fs in, %.3fs out)",
			   sc->name, checker_sec(c, f1 - f0), checker_sec(c, tr_in), checker_sec(c, tr));
	if (f1 <= f0)
		f1 = f0 + 1;
	sc->f0 = f0;
	sc->f1 = f1;
	*cursor = f1 - tr;
	scene_body(c, st, sc);
}

void scene_overlay(checker_t *c, const ast_stmt *st)
{
	int64_t total = c->s->frames;
	double vend = checker_sec(c, total);
	st = when_apply(c, st, &overlay_when);
	double t0 = 0, t1 = vend;
	if (st->nargs > 1 || (st->nargs == 1 && st->args[0]->kind != AV_IDENT))
		diag_err(c->d, DE_MALFORMED, st->sp, "write an overlay as: overlay [NAME] { start TIME; end TIME; layers... }");
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (!strcmp(p->head, "start") && val_want_args(c, p, 1, 1, "a time on the video"))
			anchor_time(c, p->args[0], 0, vend, &t0);
		else if (!strcmp(p->head, "end") && val_want_args(c, p, 1, 1, "a time on the video"))
			anchor_time(c, p->args[0], 0, vend, &t1);
	}
	int64_t f0 = checker_frame(c, t0), f1 = checker_frame(c, t1);
	if (f1 > total) {
		diag_warn(c->d, DW_CLIPPED, st->sp, "overlay ends at %.3fs, after the video ends (%.3fs); it is cut there", t1, vend);
		f1 = total;
	}
	if (f0 < 0)
		f0 = 0;
	if (f1 <= f0) {
		diag_err(c->d, DE_TIMING, st->sp, "overlay ends before it starts");
		return;
	}
	if (scene_layer_limit(c, st, "an overlay"))
		return;
	layer_frame fr = {checker_sec(c, f0), checker_sec(c, f1) - checker_sec(c, f0), f0, f1, "overlay"};
	int first = c->s->noverlays;
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		if (!strcmp(p->head, "start") || !strcmp(p->head, "end") || group_misplaced(c, p, "in an overlay"))
			continue;
		int k = layer_kind(p->head);
		if (k < 0) {
			const char *cands[16];
			int n = 0;
			for (int j = 0; j < layer_nkinds() && n < 14; j++)
				cands[n++] = layer_kind_name(j);
			cands[n++] = "start";
			cands[n++] = "end";
			val_unknown(c, p->sp, "statement in an overlay", p->head, cands, n);
			continue;
		}
		mlayer *L = ARENA_PUSH(c->a, c->s->overlays, c->s->noverlays, c->s->coverlays);
		layer_read(c, p, k, L, &fr);
	}
	layer_mattes(c, c->s->overlays, first, c->s->noverlays);
}

