/*
 * fontstyle.h - whether an installed font has a face of the weight and slant a text asks for
 * (SPEC.md §5, fonts): fontconfig answers a family it has no bold face for with its regular one,
 * and the text comes out regular with no error. `vidc check` (pipeline/stage_check.c) asks here
 * for every font of every text's fallback list and warns (-Wfont-style). Kept apart from font.c,
 * which renders: this opens no face and keeps no state.
 */
#ifndef VIDC_FONTSTYLE_H
#define VIDC_FONTSTYLE_H

#include <stddef.h>

typedef struct {
	int known;          /* fontconfig has the family (or reads the file); else nothing below is set */
	int color;          /* a colour bitmap font (emoji): weight and slant do not apply to it */
	int weight_missing; /* no face within 100 of the weight asked for */
	int got_weight;     /* the weight (100-900) of the face the text gets instead */
	int slant_missing;  /* italic asked for, and the face the text gets is upright */
} fontstyle_gap;

/* What family (a fontconfig family name, or a font file when file is set) lacks for text of
 * weight (CSS-like, 400 regular) and italic. 0, or VE_NOMEM with cause set. */
int fontstyle_check(const char *family, int file, int weight, int italic, fontstyle_gap *out, char *cause,
		    size_t len);

#endif
