/*
 * voice_http.c - the voice providers reached over HTTP (pipeline/http.h does the requests, with
 * timeouts and retries of 429/5xx/network failures). Protocols, as documented in SPEC.md "Voice
 * providers":
 *
 *   openai      POST {base}/audio/speech {model, input, voice, response_format:"wav", speed}
 *               (Authorization: Bearer); the voice list is the fixed six. No timings: aligned.
 *   elevenlabs  POST {base}/v1/text-to-speech/{voice_id}/with-timestamps?output_format=pcm_24000
 *               {text, model_id, voice_settings:{speed}} (xi-api-key) -> {audio_base64,
 *               alignment:{characters, character_start_times_seconds, ..._end_...}}: the
 *               character times become word times. GET {base}/v1/voices lists voices.
 *   coqui       Coqui TTS's server (TTS/server/server.py, `tts-server`): GET
 *               {base}/api/tts?text=&speaker_id=&language_id=&style_wav= -> WAV. No timings.
 *   piper       piper1-gpl's server (`python3 -m piper.http_server`): POST {base}/ {text, voice,
 *               length_scale} -> WAV; GET {base}/voices. No timings.
 *   bark        no standard server exists; vidc speaks a minimal one: POST {base}/generate
 *               {text, voice_preset} -> WAV. No timings.
 *
 * Failures of the request itself (after http.c's retries) are final (VOICE_EPROVIDER); a reply
 * that arrives but cannot be used (malformed JSON, undecodable audio) is VOICE_ETRANSIENT, so the
 * section is asked for again.
 */
#include "voice.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/b64.h"
#include "../base/utf8.h"
#include "http.h"

#define TTS_TIMEOUT_MS 120000L

typedef struct {
	const char *name, *base_env, *base_default, *key_env, *auth_header;
	int need_key;
} endpoint;

static const endpoint EP_OPENAI = {"openai", "VIDC_OPENAI_BASE_URL", "https://api.openai.com/v1",
				   "VIDC_OPENAI_API_KEY", NULL, 1};
static const endpoint EP_ELEVEN = {"elevenlabs", "VIDC_ELEVENLABS_BASE_URL", "https://api.elevenlabs.io",
				   "VIDC_ELEVENLABS_API_KEY", "xi-api-key", 1};
static const endpoint EP_COQUI = {"coqui", "VIDC_COQUI_URL", "http://localhost:5002", NULL, NULL, 0};
static const endpoint EP_PIPER = {"piper", "VIDC_PIPER_URL", "http://localhost:5000", NULL, NULL, 0};
static const endpoint EP_BARK = {"bark", "VIDC_BARK_URL", "http://localhost:5003", NULL, NULL, 0};

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = name ? getenv(name) : NULL;
	return v && *v ? v : dflt;
}

static int client(const endpoint *ep, const voice_opts *o, http_client *c, char *err, size_t errlen)
{
	const char *base = o->base_url && *o->base_url ? o->base_url : env_or(ep->base_env, ep->base_default);
	const char *key = o->api_key && *o->api_key ? o->api_key : env_or(ep->key_env, NULL);
	if (ep->need_key && !key) {
		snprintf(err, errlen, "%s: no API key (set %s)", ep->name, ep->key_env);
		return VOICE_EPROVIDER;
	}
	http_client_init(c, ep->name, base, key, ep->key_env);
	c->auth_header = ep->auth_header;
	long t = o->timeout_ms > 0 ? o->timeout_ms : atol(env_or("VIDC_HTTP_TIMEOUT_MS", "0"));
	c->timeout_ms = t > 0 ? t : TTS_TIMEOUT_MS;
	c->max_attempts = 3;
	long b = atol(env_or("VIDC_HTTP_BACKOFF_MS", "0"));
	if (b > 0)
		c->backoff_ms = b;
	c->log = o->log;
	c->cancel = o->cancel;
	return 0;
}

static int from_http(int rc)
{
	return rc == HTTP_ENOMEM ? VOICE_ENOMEM : rc == HTTP_ECANCELED ? VOICE_ECANCELED : VOICE_EPROVIDER;
}

/* GETs path from the provider (a voice list): the body parsed as JSON, NULL when it is not JSON
 * (je says why; *rc stays 0) or when the request failed (*rc < 0, err says why). */
static json_t *get_json(const endpoint *ep, const voice_opts *o, const char *path, json_error_t *je,
			int *rc, char *err, size_t errlen)
{
	http_client c;
	*rc = client(ep, o, &c, err, errlen);
	if (*rc < 0)
		return NULL;
	http_response r;
	int hr = http_get(&c, path, &r, err, errlen);
	json_t *root = hr < 0 ? NULL : json_loadb(r.body.data, r.body.len, 0, je);
	http_response_free(&r);
	if (hr < 0)
		*rc = from_http(hr);
	return root;
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* The audio of a synthesis request's reply r (hr: the request's result) decoded into out; r is
 * freed. Errors name the provider. */
static int reply_audio(const endpoint *ep, int hr, http_response *r, voice_clip *out, char *err,
		       size_t errlen)
{
	if (hr < 0) {
		http_response_free(r);
		return from_http(hr);
	}
	char e[256];
	int rc = voice_decode(r->body.data, r->body.len, out, e, sizeof e);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", ep->name, e);
	http_response_free(r);
	return rc;
}

/* POSTs a JSON object (stolen) and decodes the audio reply. A NULL req (json_pack out of
 * memory) is reported as out of memory, so callers pass json_pack's result as it is. */
static int post_for_audio(const endpoint *ep, const voice_opts *o, const char *path, json_t *req,
			  voice_clip *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	http_client c;
	int rc = client(ep, o, &c, err, errlen);
	char *body = rc == 0 ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (rc < 0)
		return rc;
	if (!body) {
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	http_response r;
	int hr = http_request(&c, "POST", path, "application/json", body, strlen(body), &r, err, errlen);
	free(body);
	return reply_audio(ep, hr, &r, out, err, errlen);
}

/* A BCP 47 tag's primary language subtag in lower case ("pt-BR" -> "pt"), cut to fit n. */
static void lang_primary(const char *bcp47, char *buf, size_t n)
{
	size_t i = 0;
	for (; bcp47[i] && bcp47[i] != '-' && bcp47[i] != '_' && i + 1 < n; i++)
		buf[i] = (char)tolower((unsigned char)bcp47[i]);
	buf[i] = 0;
}

/* ---- openai ------------------------------------------------------------------------------- */

static int openai_synth(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen)
{
	json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:f}", "model", env_or("VIDC_OPENAI_TTS_MODEL", "tts-1"),
				"input", text, "voice", o->voice && *o->voice ? o->voice : "alloy",
				"response_format", "wav", "speed", clampd(o->speed > 0 ? o->speed : 1, 0.25, 4.0));
	return post_for_audio(&EP_OPENAI, o, "/audio/speech", req, out, err, errlen);
}

static int openai_list(const voice_opts *o, FILE *f, char *err, size_t errlen)
{
	static const char *const v[][2] = {{"alloy", "neutral"}, {"echo", "male"},    {"fable", "British"},
					   {"onyx", "deep male"}, {"nova", "female"}, {"shimmer", "soft female"}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		fprintf(f, "%s\t%s\n", v[i][0], v[i][1]);
	return 0;
}

/* OpenAI takes 4096 characters per request. */
const voice_provider voice_openai = {"openai", openai_synth, openai_list, 4000, 0.25, 4.0};

/* ---- elevenlabs --------------------------------------------------------------------------- */

/* Byte offset of each code point of text, by index. Returns the count. */
static int utf8_index(const char *text, int **idx)
{
	int n = 0, len = (int)strlen(text);
	*idx = malloc(sizeof(int) * (size_t)(len + 1));
	if (!*idx)
		return -1;
	for (int i = 0; i < len; i++)
		if (!utf8_is_cont((unsigned char)text[i]))
			(*idx)[n++] = i;
	return n;
}

/* Word timings from ElevenLabs' character alignment. The characters are the input text's, one
 * code point each; when they are not (the service normalised the text), the timings are dropped
 * and voice.c aligns instead. */
static void words_from_chars(const char *text, json_t *al, voice_clip *out)
{
	json_t *ch = json_object_get(al, "characters"), *cs = json_object_get(al, "character_start_times_seconds"),
	       *ce = json_object_get(al, "character_end_times_seconds");
	size_t n = json_array_size(ch);
	if (!n || json_array_size(cs) != n || json_array_size(ce) != n)
		return;
	int *idx;
	int ncp = utf8_index(text, &idx);
	if (ncp < 0)
		return;
	voice_word *w = NULL;
	int nw = voice_split_words(text, &w);
	int ok = nw >= 0 && (size_t)ncp == n;
	for (size_t i = 0; ok && i < n; i++) {
		const char *c = json_string_value(json_array_get(ch, i));
		size_t cl = c ? strlen(c) : 0;
		ok = cl > 0 && !strncmp(text + idx[i], c, cl);
	}
	for (int k = 0, i = 0; ok && k < nw; k++) {
		double s = -1, e = -1;
		for (; i < ncp && idx[i] < w[k].offset + w[k].length; i++) {
			if (idx[i] < w[k].offset)
				continue;
			double a = json_number_value(json_array_get(cs, (size_t)i)),
			       b = json_number_value(json_array_get(ce, (size_t)i));
			if (s < 0)
				s = a;
			if (b > e)
				e = b;
		}
		double prev = k > 0 ? w[k - 1].end : 0, dur = (double)out->n / out->rate;
		s = clampd(s < 0 ? prev : s, prev, dur);
		w[k].start = s;
		w[k].end = clampd(e, s, dur);
	}
	free(idx);
	if (ok) {
		out->words = w;
		out->nwords = nw;
	} else
		free(w);
}

static int eleven_synth(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	http_client c;
	int rc = client(&EP_ELEVEN, o, &c, err, errlen);
	if (rc < 0)
		return rc;
	json_t *req = json_pack("{s:s, s:s, s:{s:f}}", "text", text, "model_id",
				env_or("VIDC_ELEVENLABS_MODEL", "eleven_multilingual_v2"), "voice_settings", "speed",
				clampd(o->speed > 0 ? o->speed : 1, 0.7, 1.2));
	/* The v2.5 (turbo, flash) models take the language; multilingual_v2 detects it. */
	const char *model = env_or("VIDC_ELEVENLABS_MODEL", "eleven_multilingual_v2");
	if (req && o->lang && (strstr(model, "v2_5") || strstr(model, "flash") || strstr(model, "turbo"))) {
		char lang[8];
		lang_primary(o->lang, lang, sizeof lang);
		json_object_set_new(req, "language_code", json_string(lang));
	}
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!body) {
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	/* the id is one path segment: escaped, so a '/' or '..' in it can't reach another endpoint
	 * with the operator's key */
	char path[512], *id = curl_easy_escape(NULL, o->voice && *o->voice ? o->voice : "21m00Tcm4TlvDq8ikWAM", 0);
	if (!id) {
		free(body);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	snprintf(path, sizeof path, "/v1/text-to-speech/%s/with-timestamps?output_format=pcm_24000", id);
	curl_free(id);
	http_response r;
	int hr = http_request(&c, "POST", path, "application/json", body, strlen(body), &r, err, errlen);
	free(body);
	if (hr < 0) {
		http_response_free(&r);
		return from_http(hr);
	}
	json_error_t je;
	json_t *root = json_loadb(r.body.data, r.body.len, 0, &je);
	const char *b64 = json_string_value(json_object_get(root, "audio_base64"));
	unsigned char *pcm = NULL;
	size_t plen = 0;
	long n = b64 && !b64_decode(b64, &pcm, &plen) ? (long)plen : -1;
	rc = VOICE_ETRANSIENT;
	if (!root)
		snprintf(err, errlen, "elevenlabs: the reply is not valid JSON: %s", je.text);
	else if (!b64)
		snprintf(err, errlen, "elevenlabs: the reply has no \"audio_base64\"");
	else if (n < 0)
		snprintf(err, errlen, "elevenlabs: \"audio_base64\" is not valid base64");
	else if (n >= 4 && (!memcmp(pcm, "RIFF", 4) || !memcmp(pcm, "ID3", 3) || (pcm[0] == 0xFF && (pcm[1] & 0xE0) == 0xE0))) {
		/* A container or MP3 after all (the output_format was not honoured). */
		char e[256];
		rc = voice_decode(pcm, (size_t)n, out, e, sizeof e);
		if (rc < 0)
			snprintf(err, errlen, "elevenlabs: %s", e);
	} else if (n < 2) {
		snprintf(err, errlen, "elevenlabs: the reply holds no audio");
	} else if (!(out->pcm = malloc(sizeof(float) * (size_t)(n / 2)))) {
		snprintf(err, errlen, "out of memory");
		rc = VOICE_ENOMEM;
	} else {
		/* pcm_24000: 16-bit little-endian mono at 24 kHz. */
		out->n = n / 2;
		out->rate = 24000;
		for (long i = 0; i < out->n; i++)
			out->pcm[i] = (int16_t)(pcm[2 * i] | pcm[2 * i + 1] << 8) / 32768.0f;
		rc = 0;
	}
	if (rc == 0)
		words_from_chars(text, json_object_get(root, "alignment"), out);
	free(pcm);
	json_decref(root);
	http_response_free(&r);
	return rc;
}

static int eleven_list(const voice_opts *o, FILE *f, char *err, size_t errlen)
{
	int rc;
	json_error_t je;
	json_t *root = get_json(&EP_ELEVEN, o, "/v1/voices", &je, &rc, err, errlen);
	if (rc < 0)
		return rc;
	json_t *v = json_object_get(root, "voices");
	if (!json_is_array(v)) {
		snprintf(err, errlen, "elevenlabs: the voice list is not valid JSON with a \"voices\" array%s%s",
			 root ? "" : ": ", root ? "" : je.text);
		rc = VOICE_EPROVIDER;
	}
	for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		const char *id = json_string_value(json_object_get(e, "voice_id")),
			   *name = json_string_value(json_object_get(e, "name"));
		if (!id)
			continue;
		fprintf(f, "%s\t%s", id, name ? name : "");
		json_t *labels = json_object_get(e, "labels");
		const char *k;
		json_t *val;
		int first = 1;
		json_object_foreach(labels, k, val) if (json_is_string(val))
		{
			fprintf(f, "%s%s: %s", first ? " (" : ", ", k, json_string_value(val));
			first = 0;
		}
		fprintf(f, "%s\n", first ? "" : ")");
	}
	json_decref(root);
	return rc;
}

/* 5000 characters per request on the older models. */
const voice_provider voice_elevenlabs = {"elevenlabs", eleven_synth, eleven_list, 4500, 0.7, 1.2};

/* ---- coqui -------------------------------------------------------------------------------- */

static int url_append(char *buf, size_t n, size_t *used, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (*used + 4 >= n)
			return -1;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			buf[(*used)++] = (char)ch;
		else {
			buf[(*used)++] = '%';
			buf[(*used)++] = hex[ch >> 4];
			buf[(*used)++] = hex[ch & 15];
		}
	}
	buf[*used] = 0;
	return 0;
}

/* Coqui's language ids: the primary subtag, except XTTS's "zh-cn". */
static void coqui_lang(const char *bcp47, char *buf, size_t n)
{
	lang_primary(bcp47, buf, n);
	if (!strcmp(buf, "zh"))
		snprintf(buf, n, "zh-cn");
}

static int coqui_synth(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	http_client c;
	int rc = client(&EP_COQUI, o, &c, err, errlen);
	if (rc < 0)
		return rc;
	size_t cap = strlen(text) * 3 + 512, used = 0;
	char *path = malloc(cap), lang[16];
	if (!path) {
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	coqui_lang(o->lang ? o->lang : "en", lang, sizeof lang);
	used = (size_t)snprintf(path, cap, "/api/tts?text=");
	url_append(path, cap, &used, text);
	used += (size_t)snprintf(path + used, cap - used, "&speaker_id=");
	url_append(path, cap, &used, o->voice ? o->voice : "");
	used += (size_t)snprintf(path + used, cap - used, "&language_id=");
	url_append(path, cap, &used, lang);
	snprintf(path + used, cap - used, "&style_wav=");
	http_response r;
	int hr = http_get(&c, path, &r, err, errlen);
	free(path);
	return reply_audio(&EP_COQUI, hr, &r, out, err, errlen);
}

static int coqui_list(const voice_opts *o, FILE *f, char *err, size_t errlen)
{
	fprintf(f, "# coqui: the speakers depend on the model the server runs; Coqui's server has no\n"
		   "# listing endpoint. Pass the speaker name as --voice; XTTS-v2's built-in speakers\n"
		   "# include:\n");
	static const char *const v[] = {"Claribel Dervla", "Daisy Studious", "Gracie Wise", "Ana Florence",
					"Andrew Chipper", "Craig Gutsy", "Damien Black", "Viktor Eka"};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		fprintf(f, "%s\tXTTS-v2 built-in\n", v[i]);
	return 0;
}

/* The text travels in the URL: keep it under common 8 KiB limits once percent-encoded. */
const voice_provider voice_coqui = {"coqui", coqui_synth, coqui_list, 1500, 0, 0};

/* ---- piper -------------------------------------------------------------------------------- */

static int piper_synth(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen)
{
	/* length_scale is the inverse of speed: 0.8 speaks 25% faster. */
	json_t *req = json_pack("{s:s, s:f}", "text", text, "length_scale", 1.0 / clampd(o->speed > 0 ? o->speed : 1, 0.25, 4));
	if (req && o->voice && *o->voice)
		json_object_set_new(req, "voice", json_string(o->voice));
	return post_for_audio(&EP_PIPER, o, "/", req, out, err, errlen);
}

static int piper_list(const voice_opts *o, FILE *f, char *err, size_t errlen)
{
	int rc;
	json_t *root = get_json(&EP_PIPER, o, "/voices", NULL, &rc, err, errlen);
	if (rc < 0)
		return rc;
	if (json_is_object(root)) {
		/* {"en_US-lessac-medium": {config...}, ...} */
		const char *k;
		json_t *v;
		json_object_foreach(root, k, v)
		{
			const char *lang = json_string_value(json_object_get(json_object_get(v, "language"), "code"));
			fprintf(f, "%s\t%s\n", k, lang ? lang : "");
		}
	} else if (json_is_array(root)) {
		for (size_t i = 0; i < json_array_size(root); i++) {
			json_t *v = json_array_get(root, i);
			const char *k = json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "name"));
			if (k)
				fprintf(f, "%s\t\n", k);
		}
	} else {
		snprintf(err, errlen, "piper: the voice list is not valid JSON");
		rc = VOICE_EPROVIDER;
	}
	json_decref(root);
	return rc;
}

const voice_provider voice_piper = {"piper", piper_synth, piper_list, 0, 0.25, 4.0};

/* ---- bark --------------------------------------------------------------------------------- */

/* Bark's v2 speaker presets exist for these languages, ten speakers each. */
static const char *const BARK_LANGS[] = {"en", "de", "es", "fr", "hi", "it", "ja", "ko", "pl", "pt", "ru", "tr", "zh"};

static int bark_synth(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen)
{
	char preset[64], lang[8];
	lang_primary(o->lang ? o->lang : "en", lang, sizeof lang);
	int known = 0;
	for (size_t k = 0; k < sizeof BARK_LANGS / sizeof *BARK_LANGS; k++)
		known |= !strcmp(lang, BARK_LANGS[k]);
	snprintf(preset, sizeof preset, "v2/%s_speaker_6", known ? lang : "en");
	json_t *req = json_pack("{s:s, s:s}", "text", text, "voice_preset", o->voice && *o->voice ? o->voice : preset);
	return post_for_audio(&EP_BARK, o, "/generate", req, out, err, errlen);
}

static int bark_list(const voice_opts *o, FILE *f, char *err, size_t errlen)
{
	for (size_t k = 0; k < sizeof BARK_LANGS / sizeof *BARK_LANGS; k++)
		for (int s = 0; s < 10; s++)
			fprintf(f, "v2/%s_speaker_%d\t%s\n", BARK_LANGS[k], s, BARK_LANGS[k]);
	return 0;
}

/* Bark generates about 13 s of audio per request. */
const voice_provider voice_bark = {"bark", bark_synth, bark_list, 220, 0, 0};
