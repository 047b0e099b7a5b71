/*
 * textanim.h - text in motion at one instant (issue 16, SPEC §18.5): how far each word or letter
 * of a text has come in (its opacity, rise and scale), and the keyed colour, font size and
 * content. Pure functions of the IR and the time; runtime/text.c draws what they say.
 */
#ifndef VIDC_RT_TEXTANIM_H
#define VIDC_RT_TEXTANIM_H

#include "../compiler/ir.h"

/* One unit (word or letter) of a text as drawn at one instant. */
typedef struct {
	float alpha; /* 0..1; 0 hides the unit */
	float dy;    /* natural px, downwards (a rising unit starts below its place) */
	float scale; /* about the unit's centre, 1 = as laid out */
} text_unit_fx;

/* How far a rising unit starts below its place, and a popping one's first scale. */
#define TEXTANIM_RISE_EM 0.4
#define TEXTANIM_POP_FROM 0.6

/* Fills fx[0..n) for the n units of a text at time t (seconds, video timeline); word_of[i] is
 * the word unit i belongs to (letters timed by the narration spread over their word's spoken
 * time; NULL for words), em the font size in px. Returns 1 while some unit is still coming in,
 * 0 once all are in place (fx then all alpha 1, dy 0, scale 1). */
int textanim_units(const ir_textanim *a, double t, const int *word_of, int n, double em, text_unit_fx *fx);

/* The fill colour at t: the keys interpolated in linear light (sRGB decoded, mixed, encoded;
 * alpha mixed as it is), or def when there are none. */
ir_color textanim_color(const ir_textanim *a, double t, ir_color def);

/* The font size at t (px), or def when it is not keyed. */
double textanim_size(const ir_textanim *a, double t, double def);

/* The content key shown at t (the last at or before t, the first before it), or -1 when the
 * content is not keyed. */
int textanim_text(const ir_textanim *a, double t);

/* Whether the text animates at all (anything to evaluate per frame). */
int textanim_any(const ir_textanim *a);

#endif
