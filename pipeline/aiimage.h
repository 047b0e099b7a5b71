/*
 * aiimage.h - pictures generated for a section when the article has none and stock finds none
 * that fits: the OpenAI images API and a self-hosted Stable Diffusion web UI (AUTOMATIC1111's
 * API), prompted from the section's visual cue and the article's topic, in the preset's aspect,
 * and cached by prompt (the same prompt, model and size never costs a second generation).
 *
 * Protocols:
 *   openai  POST {VIDC_OPENAI_IMAGES_URL, default https://api.openai.com}/v1/images/generations
 *           {model, prompt, n: 1, size, response_format: "b64_json"} with "Authorization:
 *           Bearer VIDC_OPENAI_API_KEY" (the key the voice stage uses); the reply's
 *           data[0].b64_json, or data[0].url (downloaded through the fetcher as an untrusted
 *           URL). Model VIDC_OPENAI_IMAGE_MODEL (default dall-e-3; gpt-image-1 and dall-e-2
 *           known: each has its own sizes, gpt-image-1 takes no response_format).
 *   sd      POST {VIDC_SD_URL}/sdapi/v1/txt2img {prompt, negative_prompt, width, height, steps,
 *           cfg_scale, seed}; the reply's images[0] (base64 PNG). Steps VIDC_SD_STEPS (25).
 * The base URLs are the operator's (trusted); requests go through pipeline/http.h (429
 * Retry-After, 5xx and timeouts retried).
 */
#ifndef VIDC_AIIMAGE_H
#define VIDC_AIIMAGE_H

#include "../base/err.h"
#include "fetch.h"

typedef struct {
	const char *provider;	 /* "openai" or "sd"; NULL: aiimage_default_provider() */
	const char *cue;	 /* what to show: "close-up of coarse coffee grounds" */
	const char *topic;	 /* the article's title */
	int width, height;	 /* the frame to fill (only its aspect matters) */
	const char *base_url;	 /* NULL: the environment's, else the service's */
	const char *api_key;	 /* NULL: VIDC_OPENAI_API_KEY */
	const char *model;	 /* NULL: VIDC_OPENAI_IMAGE_MODEL or dall-e-3 */
	long timeout_ms;	 /* per request, default 180 s */
	FILE *log;		 /* retries are noted here */
} aiimage_req;

typedef struct {
	fetch_result file;	 /* the picture in the cache */
	char provider[16];
	char model[64];
	char prompt[1200];	 /* as sent */
	int width, height;	 /* as asked */
} aiimage_result;

/* "openai" when VIDC_OPENAI_API_KEY is set, else "sd" when VIDC_SD_URL is, else NULL. */
const char *aiimage_default_provider(void);

/* The prompt vidc sends for a cue and topic (at most n-1 bytes). */
void aiimage_prompt(const char *cue, const char *topic, char *out, size_t n);

/* Generates (or finds in the cache) one picture. fo gives the cache folder and limits. 0, or
 * VE_AUTH (no or a wrong key), VE_QUOTA, VE_PROTOCOL (a reply without a picture, malformed
 * JSON, a body that is not an image), VE_NET, VE_TIMEOUT, VE_INVAL (unknown provider). */
int aiimage_generate(const aiimage_req *r, const fetch_opts *fo, aiimage_result *out, vidc_err *e);

#endif
