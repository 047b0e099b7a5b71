/*
 * style.h - text styles: the defaults, the text property table (font, weight, font_size, color,
 * stroke, shadow, box, align, line_spacing, and `style NAME` to apply a named style), and
 * named styles with `extends`. Used by text layers and style definitions. Internal to compiler/.
 */
#ifndef VIDC_STYLE_H
#define VIDC_STYLE_H

#include "checker.h"

/* A style being built and the unit of its font size (px, or % of the canvas height). */
typedef struct {
	ir_text_style *s;
	unit_kind *font_unit;
} style_target;

/* The defaults: the platform file's text font, 64 px white, centred. */
void style_defaults(checker_t *c, ir_text_style *s, unit_kind *font_unit);
/* Applies one text property statement to t. Returns 0 (and reports nothing) if st is not a
 * text property. depth: how many styles are being applied around it. */
int style_prop(checker_t *c, const ast_stmt *st, style_target t, int depth);
/* The text property names in table order, for "did you mean". */
int style_nprops(void);
const char *style_prop_name(int i);

#endif
