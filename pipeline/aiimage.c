/*
 * aiimage.c - AI pictures from OpenAI's images API or a Stable Diffusion web UI (see aiimage.h).
 * One table row per known OpenAI model says which sizes it accepts; the size of the frame's
 * orientation is asked for, and the runtime crops the picture to the canvas (fit cover).
 */
#include "aiimage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../base/b64.h"
#include "../base/buf.h"
#include "../base/file.h"
#include "http.h"
#include "stock.h"

#define AI_TIMEOUT_MS 180000L
#define AI_MAX_PICTURE (40LL << 20)

typedef struct {
	const char *model;
	const char *size[3]; /* landscape, portrait, square: by orient_index */
	int response_format; /* takes response_format (b64_json / url) */
} openai_model;

static const openai_model openai_models[] = {
	{"dall-e-3", {"1792x1024", "1024x1792", "1024x1024"}, 1},
	{"gpt-image-1", {"1536x1024", "1024x1536", "1024x1024"}, 0},
	{"dall-e-2", {"1024x1024", "1024x1024", "1024x1024"}, 1},
};

/* The request's orientation as an index into the tables here: 0 landscape, 1 portrait, 2 square. */
static int orient_index(const aiimage_req *r)
{
	return (int)stock_orient_of(r->width, r->height) - STOCK_LANDSCAPE;
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

const char *aiimage_default_provider(void)
{
	if (getenv("VIDC_OPENAI_API_KEY") && *getenv("VIDC_OPENAI_API_KEY"))
		return "openai";
	if (getenv("VIDC_SD_URL") && *getenv("VIDC_SD_URL"))
		return "sd";
	return NULL;
}

void aiimage_prompt(const char *cue, const char *topic, char *out, size_t n)
{
	/* The cue says what to show; the topic keeps the picture on the article's subject; the
	 * rest keeps letters out of it (generated text is gibberish and would compete with the
	 * video's own overlays). */
	int has_cue = cue && *cue, has_topic = topic && *topic;
	snprintf(out, n, "%.600s%s%.300s. Photograph, natural light, no text, no letters, no watermark.",
		 has_cue ? cue : "", has_cue && has_topic ? ". For an article about: " : "",
		 has_topic ? topic : "");
}

/* Maps the shared HTTP client's failure to a code. */
static int http_code(int hr, long status)
{
	if (hr == HTTP_ENOMEM)
		return VE_NOMEM;
	if (hr == HTTP_ETIMEOUT)
		return VE_TIMEOUT;
	if (hr == HTTP_ENET)
		return VE_NET;
	if (hr == HTTP_ETOOBIG)
		return VE_LIMIT;
	if (status == 401 || status == 403)
		return VE_AUTH;
	if (status == 429)
		return VE_QUOTA;
	return VE_PROTOCOL;
}

/* POSTs req (stolen) to base+path; *root gets the parsed JSON reply. */
static int post(const aiimage_req *r, const char *name, const char *base, const char *key,
		const char *key_env, const char *path, json_t *req, json_t **root, vidc_err *e)
{
	*root = NULL;
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!body)
		return err_set(e, VE_NOMEM, "out of memory");
	http_client c;
	http_client_init(&c, name, base, key, key_env);
	c.timeout_ms = r->timeout_ms > 0 ? r->timeout_ms : AI_TIMEOUT_MS;
	c.max_attempts = 3;
	c.max_body = (size_t)AI_MAX_PICTURE * 2;
	long b = atol(env_or("VIDC_HTTP_BACKOFF_MS", "0"));
	if (b > 0)
		c.backoff_ms = b;
	c.log = r->log;
	http_response resp;
	char err[1024];
	int hr = http_post_json(&c, path, body, &resp, err, sizeof err);
	free(body);
	int rc = 0;
	if (hr < 0) {
		rc = err_set(e, http_code(hr, resp.status), "%s", err);
	} else {
		json_error_t je;
		*root = json_loadb(resp.body.data, resp.body.len, 0, &je);
		if (!*root)
			rc = err_set(e, VE_PROTOCOL, "%s: the reply is not JSON: %s", name, je.text);
	}
	http_response_free(&resp);
	return rc;
}

/* Stores a base64 picture from a reply under key. */
static int store_b64(const char *name, const char *b64, const char *key, const fetch_opts *fo,
		     fetch_result *file, vidc_err *e)
{
	unsigned char *png = NULL;
	size_t len = 0;
	if (b64_decode(b64, &png, &len) || !len) {
		free(png);
		return err_set(e, VE_PROTOCOL, "%s: the picture in the reply is not valid base64", name);
	}
	fetch_opts o = *fo;
	o.accept = FETCH_IMAGE;
	o.max_bytes = AI_MAX_PICTURE;
	int rc = fetch_store(key, png, len, &o, file, e);
	free(png);
	if (rc)
		err_prefix(e, "%s", name);
	return rc;
}

static const openai_model *find_model(const char *m)
{
	for (size_t i = 0; i < sizeof openai_models / sizeof *openai_models; i++)
		if (!strcmp(openai_models[i].model, m))
			return &openai_models[i];
	return NULL;
}

static int openai(const aiimage_req *r, const char *key_id, const fetch_opts *fo, aiimage_result *out,
		  vidc_err *e)
{
	const char *key = r->api_key ? r->api_key : env_or("VIDC_OPENAI_API_KEY", NULL);
	if (!key)
		return err_set(e, VE_AUTH, "openai: no API key (set VIDC_OPENAI_API_KEY)");
	const openai_model *m = find_model(out->model);
	const char *size = m ? m->size[orient_index(r)] : "1024x1024";
	json_t *req = json_pack("{s:s, s:s, s:i, s:s}", "model", out->model, "prompt", out->prompt,
				"n", 1, "size", size);
	if (req && m && m->response_format)
		json_object_set_new(req, "response_format", json_string("b64_json"));
	if (!req)
		return err_set(e, VE_NOMEM, "out of memory");
	const char *base = r->base_url ? r->base_url : env_or("VIDC_OPENAI_IMAGES_URL", "https://api.openai.com");
	json_t *root;
	int rc = post(r, "openai", base, key, "VIDC_OPENAI_API_KEY", "/v1/images/generations", req, &root, e);
	if (rc)
		return rc;
	json_t *d0 = json_array_get(json_object_get(root, "data"), 0);
	const char *b64 = json_string_value(json_object_get(d0, "b64_json"));
	const char *url = json_string_value(json_object_get(d0, "url"));
	if (b64) {
		rc = store_b64("openai", b64, key_id, fo, &out->file, e);
	} else if (url) {
		/* A URL in a reply is content: the address rule applies. */
		fetch_opts o = *fo;
		o.trusted = 0;
		o.public_url = NULL;
		o.accept = FETCH_IMAGE;
		o.max_bytes = AI_MAX_PICTURE;
		o.what = "openai";
		fetch_result f;
		char *data = NULL;
		size_t len = 0;
		rc = fetch_body(url, &o, &f, &data, &len, e);
		if (!rc)
			rc = fetch_store(key_id, data, len, &o, &out->file, e);
		free(data);
	} else {
		rc = err_set(e, VE_PROTOCOL, "openai: the reply has no data[0].b64_json or data[0].url");
	}
	json_decref(root);
	return rc;
}

static int sd(const aiimage_req *r, const char *key_id, const fetch_opts *fo, aiimage_result *out,
	      vidc_err *e)
{
	const char *base = r->base_url ? r->base_url : env_or("VIDC_SD_URL", NULL);
	if (!base)
		return err_set(e, VE_INVAL, "sd: no Stable Diffusion server (set VIDC_SD_URL)");
	/* SD 1.x/2.x/XL draw best near a megapixel, in multiples of 64. */
	static const int sizes[3][2] = {{1024, 576}, {576, 1024}, {768, 768}};
	int w = sizes[orient_index(r)][0], h = sizes[orient_index(r)][1];
	out->width = w;
	out->height = h;
	int steps = atoi(env_or("VIDC_SD_STEPS", "25"));
	json_t *req = json_pack("{s:s, s:s, s:i, s:i, s:i, s:f, s:i}", "prompt", out->prompt,
				"negative_prompt", "text, letters, watermark, logo, signature, blurry",
				"width", w, "height", h, "steps", steps > 0 && steps <= 150 ? steps : 25,
				"cfg_scale", 7.0, "seed", -1);
	if (!req)
		return err_set(e, VE_NOMEM, "out of memory");
	json_t *root;
	int rc = post(r, "sd", base, NULL, NULL, "/sdapi/v1/txt2img", req, &root, e);
	if (rc)
		return rc;
	const char *b64 = json_string_value(json_array_get(json_object_get(root, "images"), 0));
	rc = b64 ? store_b64("sd", b64, key_id, fo, &out->file, e)
		 : err_set(e, VE_PROTOCOL, "sd: the reply has no images[0]");
	json_decref(root);
	return rc;
}

int aiimage_generate(const aiimage_req *r, const fetch_opts *fo, aiimage_result *out, vidc_err *e)
{
	memset(out, 0, sizeof *out);
	const char *prov = r->provider ? r->provider : aiimage_default_provider();
	if (!prov)
		return err_set(e, VE_INVAL, "no AI image service configured (set VIDC_OPENAI_API_KEY or VIDC_SD_URL)");
	int is_openai = !strcmp(prov, "openai");
	if (!is_openai && strcmp(prov, "sd"))
		return err_set(e, VE_INVAL, "unknown AI image service '%s' (openai, sd)", prov);
	snprintf(out->provider, sizeof out->provider, "%s", prov);
	snprintf(out->model, sizeof out->model, "%s",
		 is_openai ? (r->model ? r->model : env_or("VIDC_OPENAI_IMAGE_MODEL", "dall-e-3")) : "sd");
	aiimage_prompt(r->cue, r->topic, out->prompt, sizeof out->prompt);
	out->width = r->width;
	out->height = r->height;
	/* Cached by what decides the picture: service, model, orientation, prompt. */
	char h[65], key[200];
	fetch_sha256_hex(out->prompt, strlen(out->prompt), h);
	static const char *const orient_names[3] = {"landscape", "portrait", "square"};
	const char *orient = orient_names[orient_index(r)];
	snprintf(key, sizeof key, "ai:%s:%s:%s:%s", prov, out->model, orient, h);
	int rc = fetch_lookup(key, fo, &out->file, e);
	if (rc)
		return rc < 0 ? rc : 0;
	return is_openai ? openai(r, key, fo, out, e) : sd(r, key, fo, out, e);
}
