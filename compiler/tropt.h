/*
 * tropt.h - the options of a built-in transition beyond its duration, direction, colour and
 * easing (SPEC.md §18.7): a wipe's feathered edge (`feather 8%` of its travel, or `feather 24px`)
 * and a slide's or push's motion blur (`motion_blur [SHUTTER]`). Kept apart from scene.c so the
 * transition statement's reader only asks here whether a word is one of these. Internal to
 * compiler/.
 */
#ifndef VIDC_TROPT_H
#define VIDC_TROPT_H

#include "checker.h"

/* The largest feather in px, and the motion-blur shutter when none is given (a fraction of the
 * frame interval: 0.5 is film's 180-degree shutter). */
#define TROPT_FEATHER_MAX_PX 4096
#define TROPT_SHUTTER_DEFAULT 0.5

/* The option words, for "did you mean" in scene.c's list of transition options. */
extern const char *const tropt_words[];
extern const int tropt_nwords;

/* If st->args[*i] is one of these options, reads it (and its value, moving *i past it) into sc,
 * reporting misuse at the spec line, and returns 1; else 0 and nothing is read. */
int tropt_read(checker_t *c, const ast_stmt *st, int *i, mscene *sc);

#endif
