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

#include "../base/file.h"
#include "../base/platform.h"
#include "../compiler/compile.h"
#include "../compiler/fmt.h"
#include "overlay.h"

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

int specgen_vertical(const platform_table *t, const char *preset)
{
	const platform_preset *p = t ? platform_preset_find(t, preset) : NULL;
	return !p || p->height > p->width;
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

/* The on-screen words of point k (0-based): its text_overlay, else the start of its text; never
 * code or an open bracket (then the words before it, else the article's title). */
static char *point_overlay(json_t *script, int k, const char *title)
{
	json_t *p = json_array_get(json_object_get(script, "points"), (size_t)k);
	const char *ov = jstr(p, "text_overlay");
	char *clean = *ov ? overlay_clean(ov) : NULL;
	if (!clean) {
		char *fw = first_words(jstr(p, "text"), OVERLAY_WORDS);
		clean = fw ? overlay_clean(fw) : NULL;
		free(fw);
	}
	return clean ? clean : strdup(title ? title : "");
}

/* A chapter's title for point k: the overlay, shortened. */
static char *point_chapter(json_t *script, int k, const char *title)
{
	char *ov = point_overlay(script, k, title);
	if (!ov)
		return NULL;
	char *t = first_words(ov, 5);
	free(ov);
	return t;
}

static const char *const card_colors[] = {"#1d3557", "#2a9d8f", "#6d597a", "#e76f51", "#264653"};

/* The font size a code card's panel fits the frame at: the longest line across the safe area's
 * width, every line down 3/4 of its height (DejaVu Sans Mono: 0.6 em wide, 1.35 em a line). */
static int code_font_px(const char *spec_dir, const char *rel, int vertical)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s", spec_dir, rel);
	FILE *cf = fopen(path, "r");
	int cols = 0, col = 0, lines = 0, ch;
	while (cf && (ch = fgetc(cf)) != EOF) {
		if (ch == '\n') {
			lines++;
			col = 0;
		} else if ((ch & 0xC0) != 0x80) {
			col += ch == '\t' ? 4 - col % 4 : 1;
			cols = col > cols ? col : cols;
		}
	}
	if (cf)
		fclose(cf);
	double w = vertical ? 880 : 1728, h = vertical ? 0.76 * 1440 : 0.72 * 972;
	double by_w = w / (0.6 * (cols + 6)), by_h = h / (1.35 * (lines + 2));
	double px = by_w < by_h ? by_w : by_h;
	return px > 56 ? 56 : px < 20 ? 20 : (int)px;
}

/* One section's `use` line: from its assets entry (en), else the legacy photo or a card. */
static void write_use(FILE *f, const specgen_opts *o, const char *spec_dir, const char *name,
		      const char *words, const asset_entry *en, const char *photo, int *card)
{
	int vertical = specgen_vertical(o->platforms, o->presets[0]);
	const char *pre = vertical ? "short" : "explainer";
	int hook = !strcmp(name, "hook");
	asset_kind k = en ? en->kind : photo ? AS_PHOTO : AS_TEXT_CARD;
	const char *path = en ? en->path : photo;
	if ((k == AS_PHOTO || k == AS_AI_IMAGE || k == AS_FOOTAGE || k == AS_CODE_CARD) && !path)
		k = AS_TEXT_CARD;
	if (hook && k == AS_CODE_CARD)
		k = AS_TEXT_CARD; /* the title over code would compete with it */
	char *card_text = NULL;
	if (k == AS_TEXT_CARD && en && en->text && !hook)
		card_text = overlay_clean(en->text);
	switch (k) {
	case AS_PHOTO:
	case AS_AI_IMAGE:
		fprintf(f, "use %s_%s(", pre, hook ? "open" : "point");
		break;
	case AS_FOOTAGE:
		fprintf(f, "use %s_footage(", pre);
		break;
	case AS_CODE_CARD:
		fprintf(f, "use %s_code(", pre);
		break;
	default:
		fprintf(f, "use %s_%s(", pre, en ? "text" : "card");
		break;
	}
	put_str(f, name);
	fputs(", ", f);
	put_str(f, card_text ? card_text : words);
	free(card_text);
	if (k == AS_CODE_CARD) {
		fprintf(f, ", %s, ", en->language[0] ? en->language : "text");
		put_str(f, path);
		fprintf(f, ", %dpx", code_font_px(spec_dir, path, vertical));
	} else if (k != AS_TEXT_CARD) {
		fputs(", ", f);
		put_str(f, path);
	} else if (en) {
		fprintf(f, ", %s, %s", en->colors[0], en->colors[1]);
	} else {
		fprintf(f, ", %s", card_colors[(*card)++ % 5]);
	}
	fputs(")\n", f);
}

static void write_body(FILE *f, const specgen_opts *o, const char *spec_dir, json_t *script,
		       const section_t *sec, int ns)
{
	int vertical = specgen_vertical(o->platforms, o->presets[0]);
	const char *pre = vertical ? "short" : "explainer";
	int img = 0, card = 0;
	double last_chapter = -1;
	char *chapters = NULL;
	size_t chlen = 0;
	FILE *ch = open_memstream(&chapters, &chlen);
	char *title = overlay_clean(o->title);

	for (int i = 0; i < ns; i++) {
		const char *name = sec[i].name;
		const asset_entry *en = o->assets ? assets_find(o->assets, name) : NULL;
		const char *photo = !o->assets && o->nimages && strcmp(name, "cta") ? o->images[img++ % o->nimages] : NULL;
		char *chapter = NULL;
		if (!strcmp(name, "hook")) {
			write_use(f, o, spec_dir, name, title ? title : o->title, en, photo, &card);
			chapter = strdup("Intro");
		} else if (!strcmp(name, "cta")) {
			fprintf(f, "use %s_end(\"cta\", ", pre);
			put_str(f, jstr(script, "cta"));
			fputs(")\n", f);
			chapter = strdup("Wrap-up");
		} else {
			int k = -1;
			char *overlay;
			if (!strncmp(name, "point", 5) && (k = atoi(name + 5) - 1) >= 0) {
				overlay = point_overlay(script, k, o->title);
				chapter = point_chapter(script, k, o->title);
			} else {
				char *fw = first_words(jstr(script, name), OVERLAY_WORDS);
				overlay = fw ? overlay_clean(fw) : NULL;
				free(fw);
			}
			write_use(f, o, spec_dir, name, overlay ? overlay : (title ? title : o->title), en,
				  photo, &card);
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
	free(title);
}

int specgen_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	diag_sink *d = diag_new();
	buf_t out = BUF_INIT;
	vidc_err e = {0};
	int rc = d ? fmt_spec(d, path, text, len, &out, &e) : VE_NOMEM;
	diag_free(d);
	if (rc == VE_NOMEM) {
		buf_free(&out);
		fail(err, errlen, "out of memory writing '%s'", path);
		return -1;
	}
	rc = rc ? file_write_atomic(path, text, len, &e) : file_write_atomic(path, out.data, out.len, &e);
	buf_free(&out);
	if (rc)
		fail(err, errlen, "%s", e.msg);
	return rc ? -1 : 0;
}

static int write_spec(const char *path, const specgen_opts *o, char *err, size_t errlen)
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
	/* Written in memory, then laid out by the formatter and written atomically. */
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	if (!f) {
		fail(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		free(sec);
		json_decref(script);
		return -1;
	}
	int vertical = specgen_vertical(o->platforms, o->presets[0]);
	fprintf(f, "// Written by `vidc make` from %s. Edit it and render again with\n//   vidc render THIS.vid --preset all -o video.mp4\n",
		o->source ? o->source : "a script");
	fprintf(f, "// Every scene is `auto`: it lasts as long as the voice section it narrates.\n\n");
	fprintf(f, "import \"templates/%s.vid\"\n\n", vertical ? "short" : "explainer");
	fputs("video {\n  preset", f);
	for (int i = 0; i < o->npresets; i++)
		fprintf(f, " %s", o->presets[i]);
	fprintf(f, "\n  fps %d\n}\n\n", o->fps > 0 ? o->fps : 30);
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
	char dirbuf[4096];
	snprintf(dirbuf, sizeof dirbuf, "%s", path);
	char *slash = strrchr(dirbuf, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(dirbuf, sizeof dirbuf, ".");
	write_body(f, o, dirbuf, script, sec, ns);
	free(sec);
	json_decref(script);
	int bad = fflush(f) || ferror(f);
	if (fclose(f) || bad || !mem) {
		fail(err, errlen, "cannot write '%s': out of memory", path);
		free(mem);
		return -1;
	}
	int rc = specgen_write_text(path, mem, memlen, err, errlen);
	free(mem);
	return rc;
}

int specgen_write(const char *path, const specgen_opts *o, char *err, size_t errlen)
{
	if (o->platforms)
		return write_spec(path, o, err, errlen);
	/* Read once for the whole spec. A file that cannot be read leaves the presets vertical:
	 * the spec's compile then names the file's problem. */
	specgen_opts own = *o;
	platform_table *t = NULL;
	vidc_err e;
	if (!platform_load(compile_stdlib_dir(NULL), &t, &e))
		own.platforms = t;
	int rc = write_spec(path, &own, err, errlen);
	platform_free(t);
	return rc;
}
