/*
 * script.h - stage 1 of the pipeline: article -> script. A script is a JSON object (the user may
 * edit it between stages):
 *     hook, intro, points[] {text, duration_est, visual_cue, text_overlay}, cta,
 *     chapter_markers[] {time, title}, total_estimated_duration, seo {PLATFORM: {title,
 *     description, tags[]}}
 * checked against stdlib/schema/script.schema.json. Two generators sit behind one interface:
 * "extract" (embedded, no network; script_extract.c) and "llm" (any OpenAI-compatible
 * chat-completions endpoint; script_llm.c). Both hand their draft to the shared finishing steps
 * here: durations from word counts at the voice's rate, the type's duration range, chapters
 * under YouTube's rules, each platform's SEO limits, then schema validation.
 *
 * Scripts are jansson objects; the caller owns the json_t returned and json_decref()s it.
 */
#ifndef VIDC_SCRIPT_H
#define VIDC_SCRIPT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "article.h"

typedef enum { SCRIPT_SHORT, SCRIPT_MEDIUM, SCRIPT_LONG } script_type;

/* Speaking rate assumed when none is given: espeak-ng speaks about 165 words a minute at its
 * default speed (175 nominal, less after punctuation pauses); most cloud voices run 150-170. */
#define SCRIPT_DEFAULT_WPM 165.0
/* Silence between the script's parts (hook, intro, each point, cta), in seconds. */
#define SCRIPT_PAUSE_S 0.4

enum { SCRIPT_MAX_PLATFORMS = 4 };

typedef struct {
	script_type type;
	double wpm;			  /* words per minute, > 0 */
	const char *platforms[SCRIPT_MAX_PLATFORMS]; /* tiktok, youtube_short, instagram_reel, youtube_long */
	int nplatforms;
	double min_s, max_s;		  /* the range the script must fit (script_opts_init) */
	const char *schema_path;	  /* NULL: the stdlib's schema/script.schema.json */
	FILE *log;			  /* NULL: silent; else notes (trimmed points, retries) */
	/* llm generator */
	const char *base_url;		  /* default $VIDC_LLM_BASE_URL or https://api.openai.com/v1 */
	const char *api_key;		  /* default $VIDC_LLM_API_KEY */
	const char *model;		  /* default $VIDC_LLM_MODEL or gpt-4o-mini */
	long timeout_ms;		  /* per request, default $VIDC_LLM_TIMEOUT (s) or 120 s */
	int max_attempts;		  /* HTTP attempts per request (429/5xx retries), default 4 */
	int repair_attempts;		  /* re-asks after an invalid reply, default 2 */
	int json_schema;		  /* 1: response_format json_schema (the script schema) instead
					   * of json_object; default $VIDC_LLM_RESPONSE_FORMAT */
	volatile int *cancel;		  /* non-zero aborts a request in progress (NULL: not
					   * cancellable); the generator then fails */
} script_opts;

/* Defaults for the type; platforms as a comma list (NULL: the type's default list: short ->
 * tiktok,youtube_short,instagram_reel; medium -> tiktok,youtube_long; long -> youtube_long).
 * Sets min_s/max_s from the type (short 30-90 s, medium 60-180 s, long 300-900 s) narrowed by
 * every platform's hard limit (stdlib/platforms.json: YouTube Shorts 180 s). Returns 0, or -1 with err filled for an
 * unknown platform or a type no listed platform can carry. */
int script_opts_init(script_opts *o, script_type type, const char *platforms, char *err,
		     size_t errlen);
int script_type_parse(const char *s, script_type *t); /* "short" ... 0, else -1 */
const char *script_type_name(script_type t);

typedef struct {
	const char *name;
	/* Returns a draft script (hook, intro, points with text/visual_cue/text_overlay, cta, and
	 * optionally seo and chapter titles) or NULL with err filled. */
	json_t *(*draft)(const article_t *a, const script_opts *o, char *err, size_t errlen);
} script_generator;

extern const script_generator script_gen_extract;
extern const script_generator script_gen_llm;
const script_generator *script_generator_find(const char *name); /* NULL when unknown */

/* Runs the generator and the finishing steps; returns a script that validates and fits, or NULL
 * with err filled. */
json_t *script_generate(const script_generator *g, const article_t *a, const script_opts *o,
			char *err, size_t errlen);

/* Speaking time of a text at wpm, in seconds (article_words / wpm * 60). */
double script_speech_s(const char *text, double wpm);
/* Recomputes each point's duration_est, the chapter times (chapter i+1 starts point i; titles
 * kept when the count matches, otherwise rebuilt), merges chapters shorter than 10 s and sets
 * total_estimated_duration. */
void script_retime(json_t *s, double wpm);
/* Fills seo for every platform in o from the draft's own seo (kept where present) and the
 * article, and enforces the limits: YouTube title <= 100 characters, tags <= 500 characters in
 * total; Instagram <= 30 hashtags and a 2,200-character caption; TikTok caption (description
 * plus hashtags) <= 2,200 characters; YouTube descriptions get the chapter timestamps when the
 * chapters meet YouTube's rules (first at 0:00, at least three, each >= 10 s). */
void script_seo_finish(json_t *s, const article_t *a, const script_opts *o);

/* Loads the schema (o->schema_path or the stdlib's). NULL with err filled. */
json_t *script_schema_load(const char *schema_path, char *err, size_t errlen);
/* Schema validation plus what a schema cannot say (chapter times in order and inside the video,
 * YouTube's 500-character tag total, the TikTok/Instagram caption total). 0 or -1 with err
 * naming the JSON path: "$.points[2].duration_est: expected a number, found a string". */
int script_validate(json_t *schema, json_t *s, char *err, size_t errlen);
/* Reads a script file (possibly edited by hand) and validates it: the entry point for the stages
 * after this one. NULL with err filled: "FILE:LINE:COL: malformed JSON: ..." or
 * "FILE: $.points[2].text: must not be empty". schema_path NULL: the stdlib's. */
json_t *script_load(const char *path, const char *schema_path, char *err, size_t errlen);
/* After a hand edit: recomputes durations, chapter times and the total as script_retime does,
 * keeping the user's chapter titles (each stays with the point it started) and refreshing the
 * chapter timestamps at the end of YouTube descriptions. */
void script_retime_edited(json_t *s, double wpm);
/* Speaking time of the script's texts now (hook, intro, points, cta, pauses) at wpm: compare
 * with total_estimated_duration to see whether an edit made it stale. */
double script_spoken_s(json_t *s, double wpm);
/* The JSON text of a script, 2-space indented, UTF-8 unescaped. Caller frees. */
char *script_dump(json_t *s);

/* Where to cut s (titles, overlays) at or before byte cut, itself on a character boundary: at
 * the last space when that keeps more than keep bytes, then before trailing " ,;:-". */
size_t script_word_cut(const char *s, size_t cut, size_t keep);

#endif
