/*
 * highlight.h - syntax highlighting for code frames: a small hand-written tokenizer per
 * language family classifies every byte of a snippet (keyword, type, string, comment, ...).
 * It is a colouring aid, not a parser: it never fails, and text it does not understand stays
 * plain. Used by the code source (code.c), which maps classes to theme colours.
 */
#ifndef VIDC_HIGHLIGHT_H
#define VIDC_HIGHLIGHT_H

#include <stddef.h>

typedef enum {
	HL_PLAIN,
	HL_KEYWORD,
	HL_TYPE,    /* built-in types and builtins; keys of JSON objects, HTML attributes, CSS properties */
	HL_STRING,
	HL_COMMENT,
	HL_NUMBER,  /* numbers and constants such as CSS colours */
	HL_PUNCT,   /* operators and brackets */
	HL_FUNC,    /* a name followed by '(' (a call or definition), a macro, a CSS class */
	HL_META,    /* preprocessor lines, decorators, shell variables, HTML tag names, lifetimes */
	HL_COUNT
} hl_class;

/* The language family for a `code` language name (c, cpp, python, js, shell, ...; see
 * SPEC.md); unknown names and "text" give the family that highlights nothing. */
int hl_lang(const char *name);
/* Sets cls[i] to the hl_class of byte i of src[0..n). */
void hl_classify(int lang, const char *src, size_t n, unsigned char *cls);

#endif
