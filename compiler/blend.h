/*
 * blend.h - reading a layer's `blend` mode and `gradient` (issue 16, SPEC 18.3) into the IR's
 * ir_blend and ir_gradient. Internal to compiler/ (layer.c's property table calls these).
 */
#ifndef VIDC_BLEND_H
#define VIDC_BLEND_H

#include "checker.h"

/* `blend MODE`: one of ir_blend_names, with did-you-mean. Returns 1 with *out set, or 0. */
int blend_read_mode(checker_t *c, const ast_stmt *st, ir_blend *out);
/* `gradient linear [ANGLE] STOP STOP...` or `gradient radial STOP STOP...`, a stop being a
 * colour and an optional position (0..100 %). Returns the gradient in the arena, or NULL after
 * reporting every problem found. */
ir_gradient *blend_read_gradient(checker_t *c, const ast_stmt *st);

#endif
