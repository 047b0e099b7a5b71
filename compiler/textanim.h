/*
 * textanim.h - text in motion (issue 16, SPEC §18.5) as a text layer states it: `animate words
 * fade|rise|pop|typewriter [stagger D] [each D] [with narration]` (or `letters`), and keyframed
 * `animate color`, `animate font_size` and `animate text` (held). layer.c hands these `animate`
 * statements over; lower.c copies the result into the IR_TEXT node. Internal to compiler/.
 */
#ifndef VIDC_TEXTANIM_H
#define VIDC_TEXTANIM_H

#include "checker.h"

/* The names `animate` takes for text (words, letters, color, font_size, text), for did-you-mean
 * beside the layer's animatable properties. */
#define TEXTANIM_NNAMES 5
extern const char *const textanim_names[TEXTANIM_NNAMES];

/* Whether `animate name` is text in motion. */
int textanim_is(const char *name);

/* Reads `animate NAME ...` (NAME one of textanim_names) of layer L, which shows over [lt0, lt1]
 * seconds on the video timeline, into L->anim and L->fsize. */
void textanim_read(checker_t *c, const ast_stmt *st, mlayer *L, double lt0, double lt1);

/* `color A -> B` and `font_size A -> B` on a text layer: from A at its start to B at its end,
 * linearly (as kenburns' arrows), the same as two keys. 1 when st is one of these (read and
 * reported), 0 when it is not (style.c reads it). */
int textanim_arrow(checker_t *c, const ast_stmt *st, mlayer *L, double lt0, double lt1);

#endif
