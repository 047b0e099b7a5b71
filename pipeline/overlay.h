/*
 * overlay.h - words fit for the screen and the voice: overlays, chapter titles and thumbnail
 * titles never show a fragment of code ("[x**2") or unbalanced brackets, and the narration never
 * reads out code symbols. Used where those texts are made (pipeline/script_extract.c, the
 * finishing steps of pipeline/script.c) and again where they are written into a spec
 * (pipeline/specgen.c).
 */
#ifndef VIDC_OVERLAY_H
#define VIDC_OVERLAY_H

enum {
	OVERLAY_PROSE = 0,
	OVERLAY_IDENT = 1, /* names code: json_load_file, len(x), obj.method() */
	OVERLAY_CODE = 2   /* is code: operators (** == -> ; = { }), unbalanced brackets */
};

/* How much of s is code (the worse of its words). */
int overlay_codeish(const char *s);
/* Whether every bracket of s is closed in order. */
int overlay_balanced(const char *s);
/* s cut before its first word that names or is code, without a dangling connector or
 * punctuation at the end, brackets balanced; NULL when no word would remain or out of memory.
 * The caller frees. */
char *overlay_clean(const char *s);

/* The first max words of s that are prose, skipping the code words between them ("json_object_get
 * returns a borrowed reference" -> "returns a borrowed reference"), without a dangling end;
 * NULL when none. The caller frees. */
char *overlay_prose(const char *s, int max);

#endif
