/*
 * tropt.c - a wipe's feather and a slide's or push's motion blur (see tropt.h). Both default to
 * off, and off leaves the IR (and so the pixels) exactly as before they existed.
 */
#include "tropt.h"

#include <string.h>

#include "value.h"

/* feather WIDTH: % of the wipe's travel (the frame's width or height along its direction) or px. */
static void read_feather(checker_t *c, const ast_stmt *st, int *i, mscene *sc, const ast_value *word)
{
	if (sc->tr != IR_TR_WIPE)
		diag_err(c->d, DE_NOT_APPLICABLE, word->sp,
			 "'feather' applies to wipe (the only transition with a moving edge between the scenes)");
	if (*i + 1 >= st->nargs) {
		diag_err(c->d, DE_MISSING, word->sp, "feather needs a width: a %% of the wipe's travel or px (e.g. 'feather 8%%')");
		return;
	}
	const ast_value *v = val_resolve(c, st->args[++*i]);
	double w;
	unit_kind u;
	if (v->kind == AV_NUM && v->unit == UNIT_SA) {
		diag_err(c->d, DE_NOT_APPLICABLE, v->sp, "a feather is %% of the wipe's travel or px, not sa (the safe area does not move)");
		return;
	}
	if (!val_len(c, v, &w, &u))
		return;
	if (w < 0 || (u == UNIT_PCT && w > 100) || (u == UNIT_PX && w > TROPT_FEATHER_MAX_PX)) {
		diag_err(c->d, DE_OUT_OF_RANGE, v->sp, "feather %g%s is out of range (0 to 100%% of the wipe's travel, or 0 to %dpx)",
			 w, u == UNIT_PCT ? "%" : "px", TROPT_FEATHER_MAX_PX);
		return;
	}
	sc->tr_feather = w;
	sc->tr_feather_px = u == UNIT_PX;
}

/* motion_blur [SHUTTER]: SHUTTER is the fraction of a frame's interval the picture is smeared
 * over, 0-1 or %; a bare number or percentage after the word is the shutter (a duration has a
 * unit, so it is never mistaken for one). */
static void read_blur(checker_t *c, const ast_stmt *st, int *i, mscene *sc, const ast_value *word)
{
	if (sc->tr != IR_TR_SLIDE && sc->tr != IR_TR_PUSH)
		diag_err(c->d, DE_NOT_APPLICABLE, word->sp,
			 "'motion_blur' applies to slide and push (the transitions that move a picture), not to %s",
			 sc->tr == IR_TR_HOOK ? "a hook transition, which draws its own frames" : ir_transitions[sc->tr].name);
	double s = TROPT_SHUTTER_DEFAULT;
	if (*i + 1 < st->nargs) {
		const ast_value *v = val_resolve(c, st->args[*i + 1]);
		if (v->kind == AV_NUM && (v->unit == UNIT_NONE || v->unit == UNIT_PCT)) {
			++*i;
			if (!val_scalar(c, v, &s))
				return;
			if (s <= 0 || s > 1) {
				diag_err(c->d, DE_OUT_OF_RANGE, v->sp,
					 "motion_blur's shutter %g is out of range (above 0, at most 1 = the whole frame interval)", s);
				return;
			}
		}
	}
	sc->tr_shutter = s;
}

typedef void (*opt_fn)(checker_t *c, const ast_stmt *st, int *i, mscene *sc, const ast_value *word);

/* Indexed alike: the words (for "did you mean") and their readers. */
const char *const tropt_words[] = {"feather", "motion_blur"};
const int tropt_nwords = (int)(sizeof tropt_words / sizeof tropt_words[0]);
static const opt_fn readers[] = {read_feather, read_blur};

int tropt_read(checker_t *c, const ast_stmt *st, int *i, mscene *sc)
{
	const ast_value *word = val_resolve(c, st->args[*i]);
	for (int k = 0; word->kind == AV_IDENT && k < tropt_nwords; k++)
		if (!strcmp(word->s, tropt_words[k])) {
			readers[k](c, st, i, sc, word);
			return 1;
		}
	return 0;
}
