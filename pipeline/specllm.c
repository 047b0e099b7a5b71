/*
 * specllm.c - the spec written by a language model, repaired in rounds (see specllm.h).
 *
 * One round: POST {base}/chat/completions with the conversation so far; the reply's first
 * fenced block is the spec; it is compiled in memory under the spec's real path (so its files
 * resolve and are checked against the project roots exactly as `vidc render` would check them);
 * errors (the compiler's, and this module's contract: every preset named, a voice with timings)
 * go back as `{"diagnostics":[...]}`, the same JSON as `vidc check --format json`, with the
 * model's reply kept in the conversation so it edits its own text. Transport faults are retried
 * inside http.c; a reply that is not a chat completion ends the attempt (re-asking a broken
 * proxy does not help), and the caller falls back to the template writer.
 */
#include "specllm.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "../compiler/compile.h"
#include "../compiler/diag.h"
#include "http.h"
#include "llm_chat.h"
#include "specgen.h"

/* Files read from the stdlib for the prompt; they are ours, but a cap keeps a broken install
 * from sending megabytes. */
#define PROMPT_FILE_MAX (256 * 1024)
/* Errors fed back per round: enough for the model to see every kind of mistake it made, few
 * enough that a hopeless spec does not flood the context. */
#define FEEDBACK_MAX_ERRORS 25
/* A reply body: the spec and the API's envelope. */
#define REPLY_MAX_BODY (1024 * 1024)

/* ---- the prompt ---------------------------------------------------------------------------- */

static int is_vid(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 4 && d->d_name[0] != '.' && !strcmp(d->d_name + n - 4, ".vid");
}

/* The `template NAME(...)` lines of a file (a signature may span lines, up to its '{'), each
 * after the comment lines just above it: the stdlib says what each template shows there. */
static int signatures_of(const char *text, buf_t *b)
{
	int rc = 0;
	const char *doc = NULL; /* start of the comment block right above the current line */
	for (const char *l = text; *l && !rc;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (!strncmp(l, "//", 2)) {
			doc = doc ? doc : l;
		} else if (!strncmp(l, "template ", 9)) {
			const char *brace = strchr(l, '{');
			size_t sig = brace ? (size_t)(brace - l) : n;
			while (sig && (l[sig - 1] == ' ' || l[sig - 1] == '\n'))
				sig--;
			if (doc)
				rc |= buf_append(b, doc, (size_t)(l - doc));
			rc |= buf_append(b, l, sig);
			rc |= buf_puts(b, "\n\n");
			doc = NULL;
		} else {
			doc = NULL;
		}
		l += n + (nl != NULL);
	}
	return rc;
}

/* Every stdlib template's signature, file by file in name order. */
static int template_signatures(const char *stdlib, buf_t *b, vidc_err *e)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/templates", stdlib);
	struct dirent **names;
	int n = scandir(dir, &names, is_vid, alphasort);
	if (n < 0)
		return err_errno(e, errno, "cannot list the stdlib's templates in '%s'", dir);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4400], *text = NULL;
		size_t len;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (!rc && !(rc = file_read(path, PROMPT_FILE_MAX, &text, &len, e))) {
			if (buf_appendf(b, "=== import \"templates/%s\" for:\n", names[i]->d_name) ||
			    signatures_of(text, b))
				rc = err_set(e, VE_NOMEM, "out of memory");
		}
		free(text);
		free(names[i]);
	}
	free(names);
	return rc;
}

static char *build_system(const char *stdlib, vidc_err *e)
{
	char path[4096], *rules = NULL;
	size_t len;
	snprintf(path, sizeof path, "%s/llm/spec_rules.md", stdlib);
	if (file_read(path, PROMPT_FILE_MAX, &rules, &len, e))
		return NULL;
	buf_t b = BUF_INIT;
	int rc = buf_puts(&b, "You write the .vid spec of a narrated social video for vidc, a video "
			      "compiler. Follow these rules exactly.\n\n");
	rc |= buf_append(&b, rules, len);
	free(rules);
	rc |= buf_puts(&b, "\n\n# The stdlib templates (their signatures, read from the stdlib now)\n\n");
	if (rc || template_signatures(stdlib, &b, e)) {
		if (rc)
			err_set(e, VE_NOMEM, "out of memory");
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* The sections the voice narrates, in order, as the timing file lists them. */
static int put_sections(buf_t *b, const char *timing_path, vidc_err *e)
{
	json_error_t je;
	json_t *t = json_load_file(timing_path, 0, &je);
	if (!t)
		return err_set(e, VE_INVAL, "%s:%d:%d: %s", timing_path, je.line, je.column, je.text);
	json_t *s;
	size_t i;
	int rc = buf_puts(b, "Sections, in narration order (one scene each):");
	json_array_foreach(json_object_get(t, "sections"), i, s)
		rc |= buf_appendf(b, "%s %s", i ? "," : "", json_string_value(json_object_get(s, "name")));
	rc |= buf_putc(b, '\n');
	json_decref(t);
	return rc ? err_set(e, VE_NOMEM, "out of memory") : 0;
}

static int put_assets(buf_t *b, const assets_t *as)
{
	int rc = buf_puts(b, "Visual of each section (the assets file; paths relative to the spec):\n");
	for (int i = 0; as && i < as->n; i++) {
		const asset_entry *en = &as->v[i];
		rc |= buf_appendf(b, "- %s: %s", en->section, assets_kind_name(en->kind));
		if (en->path)
			rc |= buf_appendf(b, " \"%s\"", en->path);
		if (en->kind == AS_CODE_CARD)
			rc |= buf_appendf(b, " (language %s)", en->language[0] ? en->language : "text");
		if (en->kind == AS_TEXT_CARD)
			rc |= buf_appendf(b, " words \"%s\" colours %s %s", en->text ? en->text : "",
					  en->colors[0], en->colors[1]);
		rc |= buf_putc(b, '\n');
	}
	return rc;
}

static char *build_user(const specllm_opts *o, vidc_err *e)
{
	char *script = NULL;
	size_t slen;
	if (file_read(o->script_path, PROMPT_FILE_MAX, &script, &slen, e))
		return NULL;
	buf_t b = BUF_INIT;
	int rc = buf_puts(&b, "Presets:");
	for (int i = 0; i < o->npresets; i++)
		rc |= buf_appendf(&b, " %s", o->presets[i]);
	rc |= buf_appendf(&b, "\nVoice: \"%s\" with timings \"%s\"\n", o->voice_name, o->timing_name);
	rc |= buf_appendf(&b, "Captions: %s\n", o->captions ? o->captions : "none");
	if (o->music)
		rc |= buf_appendf(&b, "Music: \"%s\" at volume 20%%\n", o->music);
	if (rc || put_sections(&b, o->timing_path, e) || put_assets(&b, o->assets)) {
		if (!e->code)
			err_set(e, VE_NOMEM, "out of memory");
		free(script);
		buf_free(&b);
		return NULL;
	}
	rc |= buf_puts(&b, "The script (its texts are what the voice says):\n```json\n");
	rc |= buf_append(&b, script, slen);
	rc |= buf_puts(&b, "```\nWrite the spec.");
	free(script);
	if (rc) {
		buf_free(&b);
		err_set(e, VE_NOMEM, "out of memory");
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* ---- one round ----------------------------------------------------------------------------- */

/* The first fenced block of a reply (``` with any info string, to the next line starting ```);
 * NULL when there is none. */
static const char *fenced(const char *c, size_t *len)
{
	const char *open = strstr(c, "```");
	const char *body = open ? strchr(open, '\n') : NULL;
	if (!body)
		return NULL;
	body++;
	const char *close = body;
	while (close && strncmp(close, "```", 3)) {
		close = strchr(close, '\n');
		close = close ? close + 1 : NULL;
	}
	*len = close ? (size_t)(close - body) : strlen(body);
	return body;
}

/* Errors about the reply itself, in the diagnostics' JSON shape (no file, no range). */
static int own_error(buf_t *j, int *first, const char *code, const char *msg)
{
	int rc = buf_puts(j, *first ? "" : ",");
	*first = 0;
	rc |= buf_puts(j, "{\"file\":null,\"range\":null,\"severity\":\"error\",\"code\":");
	rc |= diag_json_string(j, code, strlen(code));
	rc |= buf_puts(j, ",\"message\":");
	rc |= diag_json_string(j, msg, strlen(msg));
	rc |= buf_puts(j, ",\"notes\":[],\"fixits\":[]}");
	return rc;
}

/* What a spec must hold besides compiling: the chain renders every preset and writes captions
 * from the voice's timings. */
static void contract(const specllm_opts *o, const spec_t *s, diag_sink *d)
{
	span_t none = {-1, 0, 0, 0, 0};
	for (int i = 0; i < o->npresets; i++)
		if (!compile_has_preset(s, o->presets[i]))
			diag_err(d, DE_MISSING, none, "the video block must name preset '%s'", o->presets[i]);
	compile_voice v;
	if (!compile_voice_timing(s, &v))
		diag_err(d, DE_MISSING_VOICE, none, "the spec needs voice \"%s\" { timings \"%s\" }",
			 o->voice_name, o->timing_name);
}

/* Compiles a spec text; its errors go to j as JSON objects. Returns the error count, or
 * VE_NOMEM. */
static int compile_round(const specllm_opts *o, const char *text, size_t len, buf_t *j, int *first)
{
	diag_sink *d = diag_new();
	if (!d)
		return VE_NOMEM;
	diag_set_max_errors(d, FEEDBACK_MAX_ERRORS);
	compile_opts co = {o->stdlib_dir, 1, o->allow, o->nallow};
	spec_t *s = compile_spec_text(o->spec_path, text, len, d, &co);
	if (s && !diag_errors(d))
		contract(o, s, d);
	int errors = diag_errors(d);
	if (!s || diag_json(d, j, first))
		errors = VE_NOMEM;
	compile_free(s);
	diag_free(d);
	return errors;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The errors of a diagnostics array body as one line each, "FILE:LINE:COL: MESSAGE [CODE]",
 * for the log and the final warning. */
static void summarize(const char *body, char *out, size_t outlen)
{
	buf_t a = BUF_INIT;
	buf_putc(&a, '[');
	buf_puts(&a, body ? body : "");
	buf_putc(&a, ']');
	json_t *arr = a.data ? json_loads(a.data, 0, NULL) : NULL;
	buf_free(&a);
	out[0] = 0;
	json_t *d;
	size_t i;
	json_array_foreach(arr, i, d) {
		if (strcmp(jstr(d, "severity"), "error"))
			continue;
		json_t *st = json_object_get(json_object_get(d, "range"), "start");
		const char *file = json_string_value(json_object_get(d, "file"));
		size_t n = strlen(out);
		if (file && st)
			snprintf(out + n, outlen - n, "%s%s:%lld:%lld: ", n ? "; " : "", file,
				 json_integer_value(json_object_get(st, "line")),
				 json_integer_value(json_object_get(st, "col")));
		else if (n)
			snprintf(out + n, outlen - n, "; ");
		n = strlen(out);
		snprintf(out + n, outlen - n, "%s [%s]", jstr(d, "message"), jstr(d, "code"));
	}
	json_decref(arr);
}

/* Checks one reply: 0 with the spec written, else the number of errors (> 0) with the
 * diagnostics array body in j, or a negative VE_* code. */
static int check_reply(const specllm_opts *o, const char *content, buf_t *j, vidc_err *e)
{
	size_t len = 0;
	const char *spec = fenced(content, &len);
	int first = 1, errors;
	char why[160];
	if (!spec) {
		errors = own_error(j, &first, "missing", "the reply holds no fenced ```vid block with the spec") ? VE_NOMEM : 1;
	} else if (len > SPECLLM_MAX_SPEC) {
		snprintf(why, sizeof why, "the spec is %zu bytes; at most %d are accepted", len, SPECLLM_MAX_SPEC);
		errors = own_error(j, &first, "limit", why) ? VE_NOMEM : 1;
	} else {
		errors = compile_round(o, spec, len, j, &first);
	}
	if (errors == VE_NOMEM)
		return err_set(e, VE_NOMEM, "out of memory");
	if (errors)
		return errors;
	char err[512];
	if (specgen_write_text(o->spec_path, spec, len, err, sizeof err))
		return err_set(e, VE_IO, "%s", err);
	return 0;
}

/* ---- the rounds ---------------------------------------------------------------------------- */

static int converse(const specllm_opts *o, http_client *c, json_t *msgs, specllm_result *r, vidc_err *e)
{
	int rounds = o->rounds > 0 ? (o->rounds < SPECLLM_MAX_ROUNDS ? o->rounds : SPECLLM_MAX_ROUNDS)
				   : SPECLLM_DEFAULT_ROUNDS;
	char last[VE_MSG_MAX - 200] = "";
	for (int round = 1; round <= rounds; round++) {
		if (o->cancel && *o->cancel)
			return err_set(e, VE_CANCELED, "spec cancelled");
		r->rounds = round;
		char *content = llm_chat(c, o->llm->model, msgs, NULL, 0.2, e);
		if (!content)
			return e->code ? e->code : VE_NOMEM;
		buf_t j = BUF_INIT;
		int errors = check_reply(o, content, &j, e);
		if (errors <= 0) {
			r->errors = 0;
			free(content);
			buf_free(&j);
			if (!errors && o->log)
				fprintf(o->log, "spec round %d of %d: the model's spec compiles; written to %s\n",
					round, rounds, o->spec_path);
			return errors;
		}
		r->errors = errors;
		summarize(j.data, last, sizeof last);
		if (o->log)
			fprintf(o->log, "spec round %d of %d: %d error%s: %s\n", round, rounds, errors,
				errors == 1 ? "" : "s", last);
		buf_t fb = BUF_INIT;
		buf_appendf(&fb, "vidc compiled your spec as %s: %d error%s. `vidc check --format json` "
			    "says:\n{\"diagnostics\":[", o->spec_path, errors, errors == 1 ? "" : "s");
		buf_append(&fb, j.data ? j.data : "", j.len);
		buf_puts(&fb, "]}\nFix every error and reply with the whole corrected spec in one ```vid block.");
		json_array_append_new(msgs, llm_msg("assistant", content));
		json_array_append_new(msgs, llm_msg("user", fb.data ? fb.data : ""));
		free(content);
		buf_free(&fb);
		buf_free(&j);
	}
	return err_set(e, VE_INVAL, "the model's spec still has %d error%s after %d round%s: %s", r->errors,
		       r->errors == 1 ? "" : "s", rounds, rounds == 1 ? "" : "s", last);
}

int specllm_write(const specllm_opts *o, specllm_result *r, vidc_err *e)
{
	specllm_result ignore;
	vidc_err local = {0};
	r = r ? r : &ignore;
	e = e ? e : &local;
	e->code = 0;
	memset(r, 0, sizeof *r);
	const char *base = o->llm->base_url ? o->llm->base_url : "https://api.openai.com/v1";
	const char *prov = strstr(base, "api.openai.com") ? "openai" : "llm";
	if ((!o->llm->api_key || !*o->llm->api_key) && strstr(base, "api.openai.com"))
		return err_set(e, VE_AUTH, "openai: no API key: set VIDC_LLM_API_KEY (or VIDC_LLM_BASE_URL "
			       "for a local server)");
	compile_opts co = {o->stdlib_dir, 0, NULL, 0};
	const char *stdlib = compile_stdlib_dir(&co);
	if (!stdlib)
		return err_set(e, VE_NOTFOUND, "no stdlib folder (set VIDC_STDLIB)");
	char *sys = build_system(stdlib, e), *user = sys ? build_user(o, e) : NULL;
	if (!user) {
		free(sys);
		return e->code ? e->code : VE_NOMEM;
	}
	http_client c;
	http_client_init(&c, prov, base, o->llm->api_key, "VIDC_LLM_API_KEY");
	if (o->llm->timeout_ms > 0)
		c.timeout_ms = o->llm->timeout_ms;
	if (o->llm->max_attempts > 0)
		c.max_attempts = o->llm->max_attempts;
	c.max_body = REPLY_MAX_BODY;
	c.log = o->log;
	c.cancel = o->cancel;
	json_t *msgs = json_array();
	json_array_append_new(msgs, llm_msg("system", sys));
	json_array_append_new(msgs, llm_msg("user", user));
	free(sys);
	free(user);
	int rc = msgs ? converse(o, &c, msgs, r, e) : err_set(e, VE_NOMEM, "out of memory");
	json_decref(msgs);
	return rc;
}
