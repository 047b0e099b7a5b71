/*
 * specgen.c - writes the .vid spec of `vidc make` (see specgen.h).
 *
 * The narrated sections come from the timing file, not the script: the voice stage skips blank
 * sections, and a scene bound to a section the timing file lacks would not compile. Each section
 * becomes one `use` of a stdlib template; photos are dealt to the sections in order (the first to
 * the opening) and reused in turn when there are fewer photos than sections; with none, the
 * points are coloured cards. For 16:9 the chapters are written as top-level `chapter` lines
 * anchored to their sections, merged so that each lasts at least YouTube's 10 s.
 */
#include "specgen.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define CHAPTER_MIN_S 10.0 /* YouTube: every chapter lasts at least 10 s */
#define OVERLAY_WORDS 6	   /* an overlay made from a point's text: its first words */

typedef struct {
	char name[32];
	double start, end; /* seconds: first word's start, last word's end */
} section_t;

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int specgen_vertical(const char *preset)
{
	return strcmp(preset, "youtube_long") != 0;
}

/* A .vid string literal: quotes, backslashes and braces escaped, control characters dropped,
 * newlines folded into spaces (a caption or title is one paragraph). */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '{')
			fprintf(f, "\\%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			fputc(' ', f);
		else if (c >= 0x20)
			fputc(c, f);
	}
	fputc('"', f);
}

/* The first n words of s, with an ellipsis when cut. */
static char *first_words(const char *s, int n)
{
	size_t len = strlen(s), i = 0;
	int words = 0, in = 0;
	for (; i < len; i++) {
		int space = s[i] == ' ' || s[i] == '\t' || s[i] == '\n';
		if (!space && !in && ++words > n)
			break;
		in = !space;
	}
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == ',' || s[i - 1] == ';' || s[i - 1] == ':'))
		i--;
	char *out = malloc(i + 4);
	if (!out)
		return NULL;
	memcpy(out, s, i);
	if (i < len)
		memcpy(out + i, "\xe2\x80\xa6", 3), i += 3; /* … */
	out[i] = 0;
	return out;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int load_sections(const char *path, section_t **out, int *n, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		fail(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	json_t *words = json_object_get(root, "words"), *secs = json_object_get(root, "sections");
	size_t nw = json_array_size(words), ns = json_array_size(secs);
	if (!ns) {
		fail(err, errlen, "%s: the timings have no sections (the voice stage writes one per part of the script)", path);
		json_decref(root);
		return -1;
	}
	section_t *s = calloc(ns, sizeof *s);
	if (!s) {
		json_decref(root);
		fail(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ns; i++) {
		json_t *sec = json_array_get(secs, i);
		json_int_t a = json_integer_value(json_object_get(sec, "first_word"));
		json_int_t b = json_integer_value(json_object_get(sec, "last_word"));
		snprintf(s[i].name, sizeof s[i].name, "%s", jstr(sec, "name"));
		if (a < 0 || b < a || (size_t)b >= nw) {
			fail(err, errlen, "%s: section '%s' names words %lld-%lld of %zu", path, s[i].name,
			     (long long)a, (long long)b, nw);
			free(s);
			json_decref(root);
			return -1;
		}
		s[i].start = json_number_value(json_object_get(json_array_get(words, (size_t)a), "start"));
		s[i].end = json_number_value(json_object_get(json_array_get(words, (size_t)b), "end"));
	}
	json_decref(root);
	*out = s;
	*n = (int)ns;
	return 0;
}

/* The on-screen words of point k (0-based): its text_overlay, else the start of its text. */
static char *point_overlay(json_t *script, int k)
{
	json_t *p = json_array_get(json_object_get(script, "points"), (size_t)k);
	const char *ov = jstr(p, "text_overlay");
	if (*ov)
		return strdup(ov);
	return first_words(jstr(p, "text"), OVERLAY_WORDS);
}

/* A chapter's title for point k: the overlay, shortened. */
static char *point_chapter(json_t *script, int k)
{
	char *ov = point_overlay(script, k);
	if (!ov)
		return NULL;
	char *t = first_words(ov, 5);
	free(ov);
	return t;
}

static const char *const card_colors[] = {"#1d3557", "#2a9d8f", "#6d597a", "#e76f51", "#264653"};

static void write_body(FILE *f, const specgen_opts *o, json_t *script, const section_t *sec, int ns)
{
	int vertical = specgen_vertical(o->presets[0]);
	const char *pre = vertical ? "short" : "explainer";
	int img = 0, card = 0;
	double last_chapter = -1;
	char *chapters = NULL;
	size_t chlen = 0;
	FILE *ch = open_memstream(&chapters, &chlen);

	for (int i = 0; i < ns; i++) {
		const char *name = sec[i].name;
		const char *photo = o->nimages ? o->images[img++ % o->nimages] : NULL;
		char *chapter = NULL;
		if (!strcmp(name, "hook")) {
			if (photo) {
				fprintf(f, "use %s_open(\"hook\", ", pre);
				put_str(f, o->title);
				fputs(", ", f);
				put_str(f, photo);
			} else {
				fprintf(f, "use %s_card(\"hook\", ", pre);
				put_str(f, o->title);
				fprintf(f, ", %s", card_colors[card++ % 5]);
			}
			fputs(")\n", f);
			chapter = strdup("Intro");
		} else if (!strcmp(name, "cta")) {
			img--;
			fprintf(f, "use %s_end(\"cta\", ", pre);
			put_str(f, jstr(script, "cta"));
			fputs(")\n", f);
			chapter = strdup("Wrap-up");
		} else {
			int k = -1;
			char *overlay;
			if (!strncmp(name, "point", 5) && (k = atoi(name + 5) - 1) >= 0) {
				overlay = point_overlay(script, k);
				chapter = point_chapter(script, k);
			} else {
				overlay = first_words(jstr(script, name), OVERLAY_WORDS);
			}
			if (photo) {
				fprintf(f, "use %s_point(", pre);
				put_str(f, name);
				fputs(", ", f);
				put_str(f, overlay ? overlay : "");
				fputs(", ", f);
				put_str(f, photo);
			} else {
				fprintf(f, "use %s_card(", pre);
				put_str(f, name);
				fputs(", ", f);
				put_str(f, overlay ? overlay : "");
				fprintf(f, ", %s", card_colors[card++ % 5]);
			}
			fputs(")\n", f);
			free(overlay);
		}
		/* A chapter where every chapter lasts 10 s or more: the first at 0:00, each next one
		 * at least 10 s after the previous and 10 s before the end. */
		if (chapter && ch) {
			double t = sec[i].start, end = sec[ns - 1].end;
			if (last_chapter < 0) {
				fputs("chapter ", ch);
				put_str(ch, i == 0 ? chapter : "Intro");
				fputs(" 0s\n", ch);
				last_chapter = 0;
			} else if (t - last_chapter >= CHAPTER_MIN_S && end - t >= CHAPTER_MIN_S) {
				fputs("chapter ", ch);
				put_str(ch, chapter);
				fprintf(ch, " section(\"%s\")\n", name);
				last_chapter = t;
			}
		}
		free(chapter);
	}
	if (ch)
		fclose(ch);
	if (!vertical && chapters && *chapters) {
		fputs("\n// Chapters, each at least 10 s long (YouTube's rule), anchored to their sections.\n", f);
		fputs(chapters, f);
	}
	free(chapters);
}

int specgen_write(const char *path, const specgen_opts *o, char *err, size_t errlen)
{
	if (o->npresets < 1) {
		fail(err, errlen, "no preset to write a spec for");
		return -1;
	}
	json_error_t je;
	json_t *script = json_load_file(o->script_path, 0, &je);
	if (!script) {
		fail(err, errlen, "%s:%d:%d: %s", o->script_path, je.line, je.column, je.text);
		return -1;
	}
	section_t *sec = NULL;
	int ns = 0;
	if (load_sections(o->timing_path, &sec, &ns, err, errlen)) {
		json_decref(script);
		return -1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fail(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
		free(sec);
		json_decref(script);
		return -1;
	}
	int vertical = specgen_vertical(o->presets[0]);
	fprintf(f, "// Written by `vidc make` from %s. Edit it and render again with\n//   vidc render THIS.vid --preset all -o video.mp4\n",
		o->source ? o->source : "a script");
	fprintf(f, "// Every scene is `auto`: it lasts as long as the voice section it narrates.\n\n");
	fprintf(f, "import \"templates/%s.vid\"\n\n", vertical ? "short" : "explainer");
	fputs("video {\n  preset", f);
	for (int i = 0; i < o->npresets; i++)
		fprintf(f, " %s", o->presets[i]);
	fputs("\n  fps 30\n}\n\n", f);
	fputs("voice ", f);
	put_str(f, o->voice_name);
	fputs(" { timings ", f);
	put_str(f, o->timing_name);
	fputs(" }\n", f);
	if (o->music) {
		fputs("music ", f);
		put_str(f, o->music);
		fputs(" { volume 20% }\n", f);
	}
	if (o->captions)
		fprintf(f, "captions %s\n", o->captions);
	fputc('\n', f);
	write_body(f, o, script, sec, ns);
	free(sec);
	json_decref(script);
	if (fflush(f) || ferror(f)) {
		fail(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
		fclose(f);
		remove(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path)) {
		fail(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}
