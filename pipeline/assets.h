/*
 * assets.h - the stage between the voice and the spec: a visual for every narrated section of a
 * script, chosen from the article's own images and code, stock photos and footage, AI pictures,
 * and rendered cards, written as data (the assets file) that the spec writer (pipeline/specgen.c)
 * reads and a person may edit:
 *
 *   { "version": 1, "preset": "tiktok", "width": 1080, "height": 1920,
 *     "visuals": ["article", "stock", "ai", "cards"],
 *     "sections": [
 *       { "index": 1, "section": "hook", "kind": "photo", "source": "article_image",
 *         "path": "images/01.jpg", "original": "https://example.com/hero.jpg",
 *         "width": 1600, "height": 1200, "credit": "", "licence": "", "why": "..." },
 *       { "index": 3, "section": "point1", "kind": "code_card", "source": "rendered",
 *         "path": "code/point1.py", "language": "python", "lines": 9, "why": "..." },
 *       { "index": 4, "section": "point2", "kind": "text_card", "source": "rendered",
 *         "text": "12 to 18 hours", "colors": ["#1d3557", "#2a9d8f"], "why": "..." } ],
 *     "credits": ["Photo by Jane Doe on Pexels: https://www.pexels.com/photo/..."] }
 *
 * kind: photo, footage, ai_image, code_card, text_card (the store maps them to image, footage,
 * overlay); source: article_image, stock_pexels, stock_pixabay, ai_generated, rendered, user.
 * Paths are relative to the assets file's folder, where the chosen files are copied (images/,
 * code/), so a project folder holds everything its spec names.
 */
#ifndef VIDC_ASSETS_H
#define VIDC_ASSETS_H

#include <stdio.h>

#include <jansson.h>

#include "../base/err.h"
#include "../base/roots.h"
#include "fetch.h"

typedef enum { AS_PHOTO, AS_FOOTAGE, AS_AI_IMAGE, AS_CODE_CARD, AS_TEXT_CARD, AS_NKINDS } asset_kind;

/* The sources in --visuals, in the order the user lists them. */
typedef enum { VIS_ARTICLE, VIS_STOCK, VIS_FOOTAGE, VIS_AI, VIS_CARDS, VIS_N } asset_visual;

#define ASSETS_MAX_SECTIONS 48 /* hook, intro, 40 points, cta, with room */

typedef struct {
	int index;		 /* 1-based place in the file */
	char section[32];	 /* hook, intro, point1..N, cta */
	asset_kind kind;
	char source[24];	 /* article_image, stock_pexels, ... */
	char *path;		 /* relative to the assets file's folder; NULL for a text card */
	char *original;		 /* the URL or path it came from; NULL when rendered */
	char *text;		 /* text card: the words; code card and others: NULL */
	char language[16];	 /* code card */
	int lines;		 /* code card: lines shown */
	char colors[2][8];	 /* text card: the gradient, "#rrggbb" */
	int width, height;	 /* pictures and footage */
	double duration;	 /* footage, seconds */
	char *credit, *author, *author_url, *page_url, *licence, *licence_url;
	char *why;		 /* one sentence: why this visual (or why it fell back) */
	int fell_back;		 /* 1: a card because every source before it failed */
} asset_entry;

typedef struct {
	char preset[24];
	int width, height;
	asset_entry *v;
	int n;
} assets_t;

typedef struct {
	const char *script_path;   /* the script JSON (SPEC.md §11) */
	const char *article_path;  /* the content record; NULL: no article images or code */
	/* The record as text instead of a file (the service's, from its store): article_path is
	 * then only its name in messages, and its local pictures resolve in article_dir, which is
	 * their root (a site's files folder). */
	const char *article_text;
	const char *article_dir;
	const char *out_path;	   /* the assets file; its folder gets images/ and code/ */
	const char *preset;	   /* default tiktok */
	asset_visual order[VIS_N]; /* default article, stock, ai, cards */
	int norder;
	const char *const *allow;  /* folders the article's local images may come from besides its
				    * own (--allow DIR) */
	int nallow;
	fetch_opts fetch;	   /* cache folder, cancel flag, progress, log, address rule */
	/* Set when the caller has already said what reading the record skipped (vidc make's
	 * article stage): those warnings are then not said again. */
	int article_said;
	/* A line per section ("point2  photo  article image 2 ...") and a warning per article
	 * picture that cannot be used; NULL: silent. */
	void (*say)(void *ud, int warning, const char *msg);
	void *say_ud;
} assets_opts;

/* Defaults (preset tiktok, order article,stock,ai,cards, fetch_opts_init). */
void assets_opts_init(assets_opts *o);
/* Parses "article,stock,ai,cards" (also "footage", "none" is refused). 0 or VE_INVAL naming the
 * unknown word. */
int assets_parse_visuals(const char *list, asset_visual *order, int *n, vidc_err *e);

/* The narrated sections of a script (SPEC.md §11), each of which gets a visual: the hook, the
 * intro and the CTA when they have words, and every point with text (a point without words is
 * not narrated, so it gets none). The one count: the stage lays out these sections, and the
 * service's credit estimate and hold count them. 0 for NULL. */
int assets_count_sections(const json_t *script);

/* Chooses a visual for every section and writes the assets file (temp + rename), copying the
 * chosen files beside it. 0 or a VE_* code with e naming the file and cause. *out, when not
 * NULL, receives the result (free it with assets_free). */
int assets_make(const assets_opts *o, assets_t *out, vidc_err *e);

/* Reads an assets file (for the spec writer, --swap, the service). Paths stay relative. */
int assets_load(const char *path, assets_t *a, vidc_err *e);
/* Writes a (temp + rename). */
int assets_save(const char *path, const assets_t *a, vidc_err *e);
void assets_free(assets_t *a);

/* The entry of a section by name, or NULL. */
const asset_entry *assets_find(const assets_t *a, const char *section);

/* Replaces one section's visual with a local file or a URL: "3=photo.jpg", "point2=https://...".
 * The section is a name or the 1-based index of the file. Local files resolve inside roots (the
 * current folder and --allow folders); URLs go through the fetcher. The file is copied beside
 * the assets file; kind is photo or footage by its content. 0 or VE_*. */
int assets_swap(assets_t *a, const char *assets_path, const char *spec, const roots_t *roots,
		const fetch_opts *fo, vidc_err *e);

const char *assets_kind_name(asset_kind k);

#endif
