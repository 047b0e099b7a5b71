/*
 * script_llm.c - the script generator over any OpenAI-compatible chat-completions endpoint
 * (OpenAI, a self-hosted vLLM or llama.cpp server): POST {base}/chat/completions with the model,
 * a system message stating the exact structure and the time budget, the article as the user
 * message, and response_format {"type":"json_object"}. The reply's choices[0].message.content
 * must be a JSON object that passes the script schema and fits the type's duration; otherwise
 * the model is shown its reply and the validator's message and asked again, at most
 * repair_attempts times, then a clear error. Transport faults (429, 5xx, timeouts) are retried
 * inside http.c.
 */
#include "script.h"

#include <stdlib.h>
#include <string.h>

#include "../base/utf8.h"
#include "http.h"
#include "llm_chat.h"
#include "jsonschema.h"

/* The article as the model sees it; long articles are cut (a model's context is finite and the
 * script needs the gist, not every table row). */
#define LLM_ARTICLE_MAX 24000

static char *build_user(const article_t *a)
{
	buf_t b = BUF_INIT;
	int rc = buf_appendf(&b, "Title: %s\n", a->title);
	if (*a->meta_description)
		rc |= buf_appendf(&b, "Summary: %.1000s\n", a->meta_description);
	if (a->nkeywords) {
		rc |= buf_puts(&b, "Keywords: ");
		for (int i = 0; i < a->nkeywords; i++)
			rc |= buf_appendf(&b, "%s%s", i ? ", " : "", a->keywords[i]);
		rc |= buf_putc(&b, '\n');
	}
	for (int i = 0; i < a->nimages; i++)
		rc |= buf_appendf(&b, "Image: %.300s (alt: %.300s; caption: %.300s)\n", a->images[i].path,
				  a->images[i].alt, a->images[i].caption);
	rc |= buf_puts(&b, "\nArticle text:\n");
	size_t n = strlen(a->text);
	if (n > LLM_ARTICLE_MAX)
		n = utf8_floor(a->text, LLM_ARTICLE_MAX);
	rc |= buf_append(&b, a->text, n);
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

static char *build_system(const article_t *a, const script_opts *o)
{
	char plats[128] = "";
	for (int i = 0; i < o->nplatforms; i++) {
		strcat(plats, i ? ", " : "");
		strcat(plats, o->platforms[i]);
	}
	double wmin = o->min_s * o->wpm / 60, wmax = o->max_s * o->wpm / 60;
	size_t cap = 4096;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	snprintf(s, cap,
		 "You turn an article into the narration script of a %s social video. Reply with one "
		 "JSON object and nothing else, with exactly these keys:\n"
		 "  \"hook\": string, one sentence that makes the viewer stay;\n"
		 "  \"intro\": string, one or two sentences;\n"
		 "  \"points\": array of objects {\"text\": the narration of the point (taken from the "
		 "article, in its language, never reading code aloud), \"duration_est\": seconds as a "
		 "number, \"visual_cue\": a short description of what to show while it is spoken "
		 "(\"close-up of coarse coffee grounds\"), never a file name or URL, "
		 "\"text_overlay\": at most 6 words of prose (never code or brackets), a number from "
		 "the point when it has one};\n"
		 "  \"cta\": string, a short call to action;\n"
		 "  \"chapter_markers\": array of {\"time\": seconds, \"title\": string}, the first at 0 "
		 "for the intro, then one per point;\n"
		 "  \"total_estimated_duration\": seconds as a number;\n"
		 "  \"seo\": an object with one key per platform (%s), each {\"title\": at most 100 "
		 "characters, \"description\": string, \"tags\": array of strings without '#'}.\n"
		 "No other keys. The whole narration (hook, intro, points, cta) must be spoken in "
		 "%.0f to %.0f seconds at %.0f words a minute: between %.0f and %.0f words in total, "
		 "aim for about %.0f. Write in the article's language%s%s.",
		 script_type_name(o->type), plats, o->min_s, o->max_s, o->wpm, wmin, wmax,
		 (wmin + wmax) / 2 * 0.9, *a->language ? " (" : "", *a->language ? a->language : "");
	if (*a->language)
		strcat(s, ")");
	return s;
}

/* Strips a Markdown code fence some models wrap JSON in despite being told not to. */
static const char *unfence(const char *c, size_t *len)
{
	while (*c == ' ' || *c == '\n' || *c == '\r' || *c == '\t')
		c++;
	size_t n = strlen(c);
	if (!strncmp(c, "```", 3)) {
		const char *nl = strchr(c, '\n');
		if (nl) {
			c = nl + 1;
			n = strlen(c);
			const char *end = strstr(c, "```");
			if (end)
				n = (size_t)(end - c);
		}
	}
	*len = n;
	return c;
}

/* Checks a draft: schema, then the time budget. NULL when fine, else a problem sentence
 * (static buffer). */
static const char *problem_of(json_t *schema, json_t *d, const script_opts *o, int *too_long)
{
	static char why[700];
	*too_long = 0;
	if (jschema_validate(schema, d, why, sizeof why) < 0)
		return why;
	json_t *c = json_deep_copy(d);
	script_retime(c, o->wpm);
	double t = json_number_value(json_object_get(c, "total_estimated_duration"));
	json_decref(c);
	if (t < o->min_s || t > o->max_s) {
		*too_long = t > o->max_s;
		snprintf(why, sizeof why,
			 "the narration runs %.0f s at %.0f words a minute; it must run %.0f-%.0f s "
			 "(%.0f-%.0f words): %s",
			 t, o->wpm, o->min_s, o->max_s, o->min_s * o->wpm / 60, o->max_s * o->wpm / 60,
			 t < o->min_s ? "add points or lengthen them" : "remove or shorten points");
		return why;
	}
	return NULL;
}

static json_t *llm_draft(const article_t *a, const script_opts *o, char *err, size_t errlen)
{
	const char *base = o->base_url ? o->base_url : "https://api.openai.com/v1";
	const char *prov = strstr(base, "api.openai.com") ? "openai" : "llm";
	if ((!o->api_key || !*o->api_key) && strstr(base, "api.openai.com")) {
		snprintf(err, errlen, "openai: no API key: set VIDC_LLM_API_KEY (or VIDC_LLM_BASE_URL "
				      "for a local server)");
		return NULL;
	}
	json_t *schema = script_schema_load(o->schema_path, err, errlen);
	if (!schema)
		return NULL;
	http_client c;
	http_client_init(&c, prov, base, o->api_key, "VIDC_LLM_API_KEY");
	if (o->timeout_ms > 0)
		c.timeout_ms = o->timeout_ms;
	if (o->max_attempts > 0)
		c.max_attempts = o->max_attempts;
	c.log = o->log;
	c.cancel = o->cancel;
	char *sys = build_system(a, o), *user = build_user(a);
	json_t *msgs = json_array();
	json_array_append_new(msgs, llm_msg("system", sys ? sys : ""));
	json_array_append_new(msgs, llm_msg("user", user ? user : ""));
	free(sys);
	free(user);
	json_t *result = NULL;
	char last[800] = "";
	int tries = 1 + (o->repair_attempts > 0 ? o->repair_attempts : 0);
	for (int attempt = 1; attempt <= tries; attempt++) {
		json_t *rf;
		if (o->json_schema) {
			/* Structured outputs (OpenAI, vLLM guided decoding, llama.cpp grammars): the
			 * schema itself, without the keys some servers refuse. */
			json_t *sc = json_deep_copy(schema);
			json_object_del(sc, "$schema");
			json_object_del(sc, "$id");
			rf = json_pack("{s:s, s:{s:s, s:o, s:b}}", "type", "json_schema", "json_schema",
				       "name", "vidc_script", "schema", sc, "strict", 0);
		} else {
			rf = json_pack("{s:s}", "type", "json_object");
		}
		vidc_err e = {0};
		char *content = llm_chat(&c, o->model, msgs, rf, 0.3, &e);
		json_decref(rf);
		if (!content) {
			snprintf(err, errlen, "%s", e.msg);
			break;
		}
		size_t clen;
		const char *cj = unfence(content, &clen);
		json_error_t je;
		json_t *d = json_loadb(cj, clen, 0, &je);
		const char *why;
		int too_long = 0;
		char buf[600];
		if (!d) {
			snprintf(buf, sizeof buf, "the reply is not valid JSON (line %d, column %d: %s)",
				 je.line, je.column, je.text);
			why = buf;
		} else if (!json_is_object(d)) {
			why = "the reply must be a JSON object";
		} else {
			why = problem_of(schema, d, o, &too_long);
		}
		if (!why || (too_long && attempt == tries && d && json_is_object(d))) {
			/* A reply that is only too long is usable: script_generate trims its last
			 * points and says so. */
			result = d;
			free(content);
			break;
		}
		snprintf(last, sizeof last, "%s", why);
		if (o->log)
			fprintf(o->log, "%s: invalid reply (attempt %d of %d): %s\n", prov, attempt, tries, why);
		json_array_append_new(msgs, llm_msg("assistant", content));
		char fix[900];
		snprintf(fix, sizeof fix,
			 "Your reply is invalid: %s. Reply again with the whole corrected JSON object "
			 "only.", why);
		json_array_append_new(msgs, llm_msg("user", fix));
		json_decref(d);
		free(content);
		if (attempt == tries)
			snprintf(err, errlen, "%s: the model's reply is still invalid after %d attempts: %s",
				 prov, tries, last);
	}
	json_decref(msgs);
	json_decref(schema);
	if (result) {
		/* Keep only the requested platforms' SEO; script_seo_finish fills the rest. */
		json_t *seo = json_object_get(result, "seo");
		if (!json_is_object(seo))
			json_object_set_new(result, "seo", json_object());
	}
	return result;
}

const script_generator script_gen_llm = {"llm", llm_draft};
