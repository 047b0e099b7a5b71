/*
 * font.c - font lookup and fallback (see font.h). Faces are cached per file and index for the
 * whole render, so a hundred captions in the same font open it once.
 */
#include "font.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <hb-ft.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/err.h"

#define MAX_FACES 32
#define MAX_FOUND 64

/* A family lookup fontconfig answered: a spec of 20,000 text layers in one font asked it
 * 20,000 times (each FcFontMatch sorts every installed font), now once per family and style. */
typedef struct {
	char *family;
	int weight, italic;
	font_face *face;
} found_t;

struct font_ctx {
	FT_Library lib;
	char *text_font; /* the default family: the program's font_text */
	font_face faces[MAX_FACES];
	int nfaces;
	found_t found[MAX_FOUND]; /* past MAX_FOUND styles, fontconfig is asked each time */
	int nfound;
};

int font_ctx_new(font_ctx **out, const char *text_font, char *cause, size_t len)
{
	*out = NULL;
	font_ctx *c = calloc(1, sizeof *c);
	if (c && !(c->text_font = strdup(text_font && *text_font ? text_font : FONT_GENERIC_TEXT))) {
		free(c);
		c = NULL;
	}
	if (!c) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	if (FT_Init_FreeType(&c->lib)) {
		free(c->text_font);
		free(c);
		snprintf(cause, len, "cannot initialise FreeType");
		return VE_IO;
	}
	if (!FcInit()) {
		FT_Done_FreeType(c->lib);
		free(c->text_font);
		free(c);
		snprintf(cause, len, "cannot initialise fontconfig");
		return VE_IO;
	}
	*out = c;
	return 0;
}

int font_ctx_get(font_ctx **slot, const char *text_font, char *cause, size_t len)
{
	return *slot ? 0 : font_ctx_new(slot, text_font, cause, len);
}

void font_ctx_free(font_ctx *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nfaces; i++) {
		hb_font_destroy(c->faces[i].hb);
		FT_Done_Face(c->faces[i].face);
		free(c->faces[i].path);
	}
	for (int i = 0; i < c->nfound; i++)
		free(c->found[i].family);
	FT_Done_FreeType(c->lib);
	free(c->text_font);
	free(c);
}

/* What went wrong opening a font file, in words: FreeType's codes (2 is "unknown file
 * format") mean nothing to a person choosing a font. */
static const char *face_error(FT_Error e)
{
	static const struct {
		FT_Error code;
		const char *text;
	} texts[] = {
		{FT_Err_Cannot_Open_Resource, "it cannot be opened"},
		{FT_Err_Cannot_Open_Stream, "it cannot be opened"},
		{FT_Err_Unknown_File_Format, "it is not a font file (no format FreeType reads: TrueType, OpenType, "
					     "WOFF, Type 1, ...)"},
		{FT_Err_Invalid_File_Format, "it is damaged (a font format, but invalid)"},
		{FT_Err_Invalid_Table, "it is damaged (an invalid table)"},
		{FT_Err_Invalid_Offset, "it is damaged (an invalid offset)"},
		{FT_Err_Table_Missing, "it is damaged or incomplete (a required table is missing)"},
		{FT_Err_Locations_Missing, "it is damaged or incomplete (the glyph locations are missing)"},
		{FT_Err_Array_Too_Large, "it is damaged (a table is too large)"},
		{FT_Err_Invalid_Stream_Read, "it is truncated (it ends before its tables do)"},
		{FT_Err_Invalid_Stream_Seek, "it is truncated (it ends before its tables do)"},
		{FT_Err_Invalid_Stream_Skip, "it is truncated (it ends before its tables do)"},
		{FT_Err_Invalid_Stream_Operation, "it is truncated or unreadable"},
		{FT_Err_Invalid_Argument, "it has no such face (a collection with fewer fonts?)"},
		{FT_Err_Out_Of_Memory, "out of memory"},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].code == e)
			return texts[i].text;
	return NULL;
}

/* Whether path is a regular file that starts like a font (TrueType, OpenType, a collection,
 * WOFF, Type 1): 1 yes, 0 a file of another kind, -1 with the cause in cause when it cannot be
 * used at all. Opened without blocking, so a FIFO named as a font does not hang the render. */
static int font_file_kind(const char *path, char *cause, size_t len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(cause, len, "cannot use font file '%s': %s", path, err_errno_cause(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(cause, len, "cannot use font file '%s': it is not a regular file", path);
		return -1;
	}
	unsigned char m[4] = {0};
	ssize_t n = read(fd, m, sizeof m);
	close(fd);
	static const unsigned char magics[][4] = {{0, 1, 0, 0}, {'O', 'T', 'T', 'O'}, {'t', 'r', 'u', 'e'},
						 {'t', 't', 'c', 'f'}, {'w', 'O', 'F', 'F'}, {'w', 'O', 'F', '2'},
						 {'%', '!', 'P', 'S'}, {0x80, 1, 0, 0}};
	for (size_t i = 0; n == 4 && i < sizeof magics / sizeof magics[0]; i++)
		if (!memcmp(m, magics[i], i == 7 ? 2 : 4))
			return 1;
	return 0;
}

static font_face *open_face(font_ctx *c, const char *path, int index, char *cause, size_t len)
{
	for (int i = 0; i < c->nfaces; i++)
		if (c->faces[i].index == index && !strcmp(c->faces[i].path, path))
			return &c->faces[i];
	if (c->nfaces == MAX_FACES) {
		snprintf(cause, len, "too many fonts");
		return NULL;
	}
	int kind = font_file_kind(path, cause, len);
	if (kind < 0)
		return NULL;
	font_face *f = &c->faces[c->nfaces];
	memset(f, 0, sizeof *f);
	FT_Error e = FT_New_Face(c->lib, path, index, &f->face);
	if (e) {
		const char *why = face_error(e);
		if (e == FT_Err_Unknown_File_Format && kind)
			snprintf(cause, len, "cannot use font file '%s': it is truncated or damaged (it starts "
					     "like a font, but FreeType cannot read it)", path);
		else if (why)
			snprintf(cause, len, "cannot use font file '%s': %s", path, why);
		else
			snprintf(cause, len, "cannot use font file '%s': FreeType cannot read it (error %d)", path, e);
		return NULL;
	}
	if (!(f->path = strdup(path))) {
		FT_Done_Face(f->face);
		snprintf(cause, len, "out of memory");
		return NULL;
	}
	f->index = index;
	f->bitmap = !FT_IS_SCALABLE(f->face);
	if (f->bitmap && f->face->num_fixed_sizes <= 0) {
		FT_Done_Face(f->face);
		free(f->path);
		snprintf(cause, len, "font '%s' has neither outlines nor bitmaps", path);
		return NULL;
	}
	font_set_size(f, 32);
	f->hb = hb_ft_font_create_referenced(f->face);
	if (!f->hb) {
		FT_Done_Face(f->face);
		free(f->path);
		snprintf(cause, len, "out of memory");
		return NULL;
	}
	if (f->bitmap)
		hb_ft_font_set_load_flags(f->hb, FT_LOAD_DEFAULT | FT_LOAD_COLOR);
	c->nfaces++;
	return f;
}

void font_set_size(font_face *f, double px)
{
	if (f->size == px && f->size > 0)
		return;
	f->size = px;
	if (f->bitmap) {
		/* nearest strike at or above the size, else the largest */
		int best = 0;
		for (int i = 0; i < f->face->num_fixed_sizes; i++) {
			double s = f->face->available_sizes[i].y_ppem / 64.0;
			double bs = f->face->available_sizes[best].y_ppem / 64.0;
			if ((s >= px && (bs < px || s < bs)) || (bs < px && s > bs))
				best = i;
		}
		FT_Select_Size(f->face, best);
		f->strike = f->face->available_sizes[best].y_ppem / 64.0;
		if (f->strike <= 0)
			f->strike = px;
	} else {
		FT_Set_Char_Size(f->face, 0, (FT_F26Dot6)lrint(px * 64), 72, 72);
	}
	if (f->hb)
		hb_ft_font_changed(f->hb);
}

double font_scale(const font_face *f)
{
	return f->bitmap && f->strike > 0 ? f->size / f->strike : 1;
}

int font_is_file(const char *s)
{
	if (strchr(s, '/'))
		return 1;
	size_t n = strlen(s);
	const char *ext[] = {".ttf", ".otf", ".ttc", ".otc", ".pfb", ".woff"};
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t k = strlen(ext[i]);
		if (n > k && !strcasecmp(s + n - k, ext[i]))
			return 1;
	}
	return 0;
}

/* Does the matched pattern carry the requested family among its names? */
static int family_matches(FcPattern *m, const char *family)
{
	FcChar8 *name;
	for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &name) == FcResultMatch; i++)
		if (!strcasecmp((const char *)name, family))
			return 1;
	return 0;
}

static FcPattern *match(FcPattern *pat)
{
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	FcResult r;
	return FcFontMatch(NULL, pat, &r);
}

static font_face *face_of_match(font_ctx *c, FcPattern *m, char *cause, size_t len)
{
	FcChar8 *file = NULL;
	int index = 0;
	if (FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch) {
		snprintf(cause, len, "fontconfig returned no file");
		return NULL;
	}
	FcPatternGetInteger(m, FC_INDEX, 0, &index);
	return open_face(c, (const char *)file, index, cause, len);
}

/* One bit per style a face can be asked for: bold (weight 600 and up) and italic. */
static unsigned style_bit(int weight, int italic)
{
	return 1u << ((weight >= 600) * 2 + !!italic);
}

int font_find(font_ctx *c, const char *family, int weight, int italic, font_face **out,
	      char *cause, size_t len)
{
	*out = NULL;
	if (!family || !*family)
		family = c->text_font;
	/* a generic alias matches whatever family fontconfig maps it to */
	int generic = !strcasecmp(family, "sans-serif") || !strcasecmp(family, "serif") ||
		      !strcasecmp(family, "monospace");
	if (font_is_file(family)) {
		font_face *f = open_face(c, family, 0, cause, len);
		if (!f)
			return VE_IO;
		*out = f;
		return 0;
	}
	for (int i = 0; i < c->nfound; i++)
		if (c->found[i].weight == weight && c->found[i].italic == !!italic && !strcmp(c->found[i].family, family)) {
			*out = c->found[i].face;
			return 0;
		}
	FcPattern *pat = FcPatternCreate();
	if (!pat) {
		snprintf(cause, len, "out of memory");
		return VE_NOMEM;
	}
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcPatternAddInteger(pat, FC_WEIGHT, FcWeightFromOpenType(weight > 0 ? weight : 400));
	FcPatternAddInteger(pat, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	FcPattern *m = match(pat);
	FcPatternDestroy(pat);
	if (!m || (!generic && !family_matches(m, family))) {
		if (m)
			FcPatternDestroy(m);
		snprintf(cause, len, "font '%s' is not installed", family);
		return VE_IO;
	}
	font_face *f = face_of_match(c, m, cause, len);
	FcPatternDestroy(m);
	if (!f)
		return VE_IO;
	f->served |= style_bit(weight, italic);
	*out = f;
	char *key = c->nfound < MAX_FOUND ? strdup(family) : NULL;
	if (key)
		c->found[c->nfound++] = (found_t){key, weight, !!italic, f};
	return 0;
}

static int is_emoji(uint32_t cp)
{
	return (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
	       (cp >= 0x1F000 && cp <= 0x1F2FF) || (cp >= 0x1F1E6 && cp <= 0x1F1FF);
}

/* Whether face f suits a text of this weight and slant: its own flags say so, or fontconfig
 * gave it for that style (a family with no bold face: its regular is the best there is). A
 * bitmap emoji font suits every style. */
static int suits(const font_face *f, int weight, int italic)
{
	int bold = (f->face->style_flags & FT_STYLE_FLAG_BOLD) != 0;
	int ital = (f->face->style_flags & FT_STYLE_FLAG_ITALIC) != 0;
	return f->bitmap || (bold == (weight >= 600) && ital == !!italic) || (f->served & style_bit(weight, italic));
}

font_face *font_for(font_ctx *c, font_face *primary, uint32_t cp, int weight, int italic)
{
	int emoji = is_emoji(cp);
	/* Emoji prefer a colour font even when the text font has a monochrome glyph. */
	if (primary && !(emoji && !primary->bitmap) && FT_Get_Char_Index(primary->face, cp))
		return primary;
	/* Faces already loaded, if they suit the style: a bold title's Arabic must not come from a
	 * regular face loaded for another text (issue 16: bold and italic kept through fallback). */
	for (int i = 0; i < c->nfaces; i++) {
		font_face *f = &c->faces[i];
		if (f != primary && (!emoji || f->bitmap) && suits(f, weight, italic) && FT_Get_Char_Index(f->face, cp))
			return f;
	}
	FcPattern *pat = FcPatternCreate();
	FcCharSet *cs = FcCharSetCreate();
	if (!pat || !cs) {
		if (pat)
			FcPatternDestroy(pat);
		if (cs)
			FcCharSetDestroy(cs);
		return NULL;
	}
	FcCharSetAddChar(cs, cp);
	FcPatternAddCharSet(pat, FC_CHARSET, cs);
	if (emoji) {
		FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"Noto Color Emoji");
		FcPatternAddBool(pat, FC_COLOR, FcTrue);
	} else {
		FcPatternAddInteger(pat, FC_WEIGHT, FcWeightFromOpenType(weight > 0 ? weight : 400));
		FcPatternAddInteger(pat, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
	}
	FcPattern *m = match(pat);
	FcPatternDestroy(pat);
	FcCharSetDestroy(cs);
	font_face *f = NULL;
	if (m) {
		FcCharSet *mcs;
		if (FcPatternGetCharSet(m, FC_CHARSET, 0, &mcs) == FcResultMatch && FcCharSetHasChar(mcs, cp)) {
			char cause[128];
			f = face_of_match(c, m, cause, sizeof cause);
			if (f && !FT_Get_Char_Index(f->face, cp))
				f = NULL;
			if (f)
				f->served |= style_bit(weight, italic);
		}
		FcPatternDestroy(m);
	}
	if (!f && primary && FT_Get_Char_Index(primary->face, cp))
		return primary; /* a monochrome emoji beats a missing one */
	return f;
}
