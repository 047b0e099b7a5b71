/*
 * fontstyle.c - the face fontconfig would give a text, against the style asked for (see
 * fontstyle.h). The pattern is built as font.c's font_find builds it, so the answer is the face
 * the render uses; its weight and slant are read from the face's file, because fontconfig's
 * answer has its synthetic rules applied (an upright face reported oblique with a skew matrix,
 * a regular one bold with "embolden"), which font.c does not carry out.
 */
#include "fontstyle.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/err.h"

/* A face further than this from the weight asked for is another weight (bold is not medium). */
#define FONTSTYLE_WEIGHT_SLACK 100

static int is_generic(const char *family)
{
	static const char *const generic[] = {"sans-serif", "serif", "monospace"};
	for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
		if (!strcasecmp(family, generic[i]))
			return 1;
	return 0;
}

/* The face fontconfig matches for family at weight and slant, if it is that family. */
static FcPattern *match_family(const char *family, int weight, int italic, int *nomem)
{
	FcPattern *pat = FcPatternCreate();
	if (!pat) {
		*nomem = 1;
		return NULL;
	}
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddInteger(pat, FC_WEIGHT, FcWeightFromOpenType(weight));
	FcPatternAddInteger(pat, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult r;
	FcPattern *m = FcFontMatch(NULL, pat, &r);
	FcPatternDestroy(pat);
	FcChar8 *name, *file = NULL;
	int same = m && is_generic(family), index = 0, count = 0;
	for (int i = 0; m && !same && FcPatternGetString(m, FC_FAMILY, i, &name) == FcResultMatch; i++)
		same = !strcasecmp((const char *)name, family);
	FcPattern *face = NULL;
	if (m && same && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
		FcPatternGetInteger(m, FC_INDEX, 0, &index);
		face = FcFreeTypeQuery(file, (unsigned)index, NULL, &count);
	}
	if (m)
		FcPatternDestroy(m);
	return face;
}

int fontstyle_check(const char *family, int file, int weight, int italic, fontstyle_gap *out, char *cause,
		    size_t len)
{
	memset(out, 0, sizeof *out);
	if (!family || !*family || !FcInit())
		return 0;
	weight = weight > 0 ? weight : 400;
	int nomem = 0, count = 0;
	FcPattern *m = file ? FcFreeTypeQuery((const FcChar8 *)family, 0, NULL, &count)
			    : match_family(family, weight, italic, &nomem);
	if (nomem) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	if (!m)
		return 0;
	out->known = 1;
	FcBool color = FcFalse;
	int w = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
	FcPatternGetBool(m, FC_COLOR, 0, &color);
	FcPatternGetInteger(m, FC_WEIGHT, 0, &w);
	FcPatternGetInteger(m, FC_SLANT, 0, &slant);
	FcPatternDestroy(m);
	out->color = color == FcTrue;
	out->got_weight = FcWeightToOpenType(w);
	if (out->color)
		return 0;
	out->weight_missing = abs(out->got_weight - weight) > FONTSTYLE_WEIGHT_SLACK;
	out->slant_missing = italic && slant == FC_SLANT_ROMAN;
	return 0;
}
