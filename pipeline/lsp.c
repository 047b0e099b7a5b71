/*
 * lsp.c - the language server (see lsp.h): JSON-RPC messages framed by Content-Length headers,
 * a table of methods, the open documents' texts, and the translation of vidc's JSON diagnostics
 * (diag_json) into LSP's publishDiagnostics. Compiling is the spec stage's (stage.h); nothing
 * here knows a diagnostic's meaning.
 */
#include "lsp.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "../base/buf.h"
#include "../base/utf8.h"
#include "../compiler/compile.h"
#include "../compiler/query.h"

/* A message bigger than this is refused: a spec is far smaller (compile.c's limit). */
#define LSP_MAX_MESSAGE (64u << 20)
#define LSP_MAX_DOCS 256

typedef struct {
	char *uri, *path, *text;
	size_t len;
} lsp_doc;

typedef struct {
	FILE *in, *out;
	const stage_spec_opts *o;
	lsp_doc docs[LSP_MAX_DOCS];
	int ndocs;
	int utf8;     /* the client takes positions in UTF-8 bytes (else UTF-16 units) */
	int shutdown; /* shutdown was asked: exit is then a clean end */
	int done, rc;
} lsp_server;

/* ---- framing ------------------------------------------------------------------------------ */

/* The next message's body (NUL-terminated, the caller frees), or NULL at the end of input or
 * on a malformed header (rc set). */
static char *read_message(lsp_server *s)
{
	char line[256];
	long long n = -1;
	while (fgets(line, sizeof line, s->in)) {
		if (!strcmp(line, "\r\n") || !strcmp(line, "\n"))
			break;
		if (!strncasecmp(line, "Content-Length:", 15))
			n = strtoll(line + 15, NULL, 10);
	}
	if (feof(s->in) && n < 0)
		return NULL;
	if (n < 0 || (unsigned long long)n > LSP_MAX_MESSAGE) {
		s->rc = VE_PROTOCOL;
		return NULL;
	}
	char *body = malloc((size_t)n + 1);
	if (!body || fread(body, 1, (size_t)n, s->in) != (size_t)n) {
		s->rc = body ? VE_PROTOCOL : VE_NOMEM;
		free(body);
		return NULL;
	}
	body[n] = 0;
	return body;
}

/* Sends msg (takes the reference). */
static void send_message(lsp_server *s, json_t *msg)
{
	if (!msg)
		return;
	json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text) {
		s->rc = VE_NOMEM;
		return;
	}
	fprintf(s->out, "Content-Length: %zu\r\n\r\n%s", strlen(text), text);
	fflush(s->out);
	free(text);
}

static void reply(lsp_server *s, json_t *id, json_t *result)
{
	send_message(s, json_pack("{sOso}", "id", id, "result", result ? result : json_null()));
}

static void reply_error(lsp_server *s, json_t *id, int code, const char *msg)
{
	send_message(s, json_pack("{sOs{siss}}", "id", id, "error", "code", code, "message", msg));
}

/* ---- documents ---------------------------------------------------------------------------- */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
}

/* file:///a%20b/x.vid -> /a b/x.vid (a URI of another scheme is kept as its own name). */
static char *uri_path(const char *uri)
{
	if (strncmp(uri, "file://", 7))
		return strdup(uri);
	const char *p = uri + 7;
	char *out = malloc(strlen(p) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0)
			*o++ = (char)(hi * 16 + lo), p += 2;
		else
			*o++ = *p;
	}
	*o = 0;
	return out;
}

static lsp_doc *find_doc(lsp_server *s, const char *uri)
{
	for (int i = 0; i < s->ndocs; i++)
		if (!strcmp(s->docs[i].uri, uri))
			return &s->docs[i];
	return NULL;
}

static void doc_free(lsp_doc *d)
{
	free(d->uri);
	free(d->path);
	free(d->text);
}

/* ---- diagnostics -------------------------------------------------------------------------- */

/* The byte offset where 1-based line starts in text (its end when shorter). */
static size_t line_start(const char *text, size_t len, int line)
{
	size_t p = 0;
	for (int l = 1; l < line && p < len; p++)
		if (text[p] == '\n')
			l++;
	return p;
}

/* LSP's character for a 1-based byte column on a 1-based line of text. */
static int text_character(const lsp_server *s, const char *text, size_t len, int line, int col)
{
	if (s->utf8 || col <= 1 || !text)
		return col > 1 ? col - 1 : 0;
	size_t p = line_start(text, len, line);
	int units = 0;
	size_t end = p + (size_t)(col - 1);
	while (p < end && p < len && text[p] != '\n') {
		uint32_t cp;
		int k = utf8_decode(text + p, len - p, &cp);
		units += cp > 0xFFFF ? 2 : 1;
		p += k > 0 ? (size_t)k : 1;
	}
	return units;
}

static int character(const lsp_server *s, const lsp_doc *d, int line, int col)
{
	return text_character(s, d->text, d->len, line, col);
}

/* The 1-based byte column of LSP's character on a 1-based line of d (the inverse). */
static int byte_col(const lsp_server *s, const lsp_doc *d, int line, int ch)
{
	if (s->utf8)
		return ch + 1;
	size_t p = line_start(d->text, d->len, line), p0 = p;
	for (int units = 0; units < ch && p < d->len && d->text[p] != '\n';) {
		uint32_t cp;
		int k = utf8_decode(d->text + p, d->len - p, &cp);
		units += cp > 0xFFFF ? 2 : 1;
		p += k > 0 ? (size_t)k : 1;
	}
	return (int)(p - p0) + 1;
}

static json_t *position(const lsp_server *s, const lsp_doc *d, json_t *pos)
{
	int line = (int)json_integer_value(json_object_get(pos, "line"));
	int col = (int)json_integer_value(json_object_get(pos, "col"));
	return json_pack("{sisi}", "line", line > 0 ? line - 1 : 0, "character", character(s, d, line, col));
}

/* vidc's range object as LSP's; a diagnostic in another file (an import) or without a place
 * is shown at the top of the document. */
static json_t *range(const lsp_server *s, const lsp_doc *d, json_t *g)
{
	json_t *r = json_object_get(g, "range");
	const char *file = json_string_value(json_object_get(g, "file"));
	if (!json_is_object(r) || !file || strcmp(file, d->path))
		return json_pack("{s{sisi}s{sisi}}", "start", "line", 0, "character", 0, "end", "line", 0,
				 "character", 0);
	return json_pack("{soso}", "start", position(s, d, json_object_get(r, "start")), "end",
			 position(s, d, json_object_get(r, "end")));
}

/* One vidc diagnostic as an LSP one; its notes become relatedInformation, its code and fix-its
 * go along as they are (code, data). */
static json_t *lsp_diagnostic(const lsp_server *s, const lsp_doc *d, json_t *g)
{
	const char *sev = json_string_value(json_object_get(g, "severity"));
	const char *msg = json_string_value(json_object_get(g, "message"));
	const char *file = json_string_value(json_object_get(g, "file"));
	json_t *r = json_object_get(g, "range");
	json_t *out = json_pack("{sosisOssso}", "range", range(s, d, g), "severity",
				sev && !strcmp(sev, "error") ? 1 : sev && !strcmp(sev, "warning") ? 2 : 3, "code",
				json_object_get(g, "code"), "source", "vidc", "data",
				json_pack("{sO}", "fixits", json_object_get(g, "fixits")));
	if (!out)
		return NULL;
	if (file && strcmp(file, d->path) && json_is_object(r)) /* name the other file's place */
		json_object_set_new(out, "message",
				    json_sprintf("%s:%d: %s", file,
						 (int)json_integer_value(json_object_get(json_object_get(r, "start"), "line")),
						 msg ? msg : ""));
	else
		json_object_set_new(out, "message", json_string(msg ? msg : ""));
	json_t *rel = json_array(), *note;
	size_t i;
	json_array_foreach(json_object_get(g, "notes"), i, note) {
		const char *nf = json_string_value(json_object_get(note, "file"));
		if (!nf || strcmp(nf, d->path))
			continue;
		json_array_append_new(rel, json_pack("{s{ssso}sO}", "location", "uri", d->uri, "range",
						     range(s, d, note), "message", json_object_get(note, "message")));
	}
	json_object_set_new(out, "relatedInformation", rel);
	return out;
}

/* Compiles d as `vidc check` does and publishes its diagnostics. */
static void publish(lsp_server *s, const lsp_doc *d)
{
	diag_json_acc c = {BUF_INIT, 1, 0};
	stage_cb cb = {0};
	cb.diagnostics = diag_json_collect;
	cb.ud = &c;
	stage_spec *spec = NULL;
	vidc_err e = {0};
	if (stage_spec_load(d->path, d->text, d->len, s->o, &cb, &spec, &e) == 0)
		stage_spec_check(spec, &cb, &e);
	stage_spec_free(spec);
	json_t *list = json_array(), *all = NULL;
	if (!c.failed && buf_puts(&c.out, "]") == 0) {
		char *text = malloc(c.out.len + 2);
		if (text) {
			text[0] = '[';
			memcpy(text + 1, c.out.data, c.out.len + 1);
			all = json_loads(text, 0, NULL);
			free(text);
		}
	}
	buf_free(&c.out);
	if (!all)
		s->rc = VE_NOMEM;
	json_t *g;
	size_t i;
	json_array_foreach(all, i, g) json_array_append_new(list, lsp_diagnostic(s, d, g));
	json_decref(all);
	send_message(s, json_pack("{sss{ssso}}", "method", "textDocument/publishDiagnostics", "params",
				  "uri", d->uri, "diagnostics", list));
}

/* ---- methods ------------------------------------------------------------------------------ */

static void m_initialize(lsp_server *s, json_t *id, json_t *params)
{
	json_t *enc, *encs = json_object_get(json_object_get(json_object_get(params, "capabilities"),
							     "general"), "positionEncodings");
	size_t i;
	json_array_foreach(encs, i, enc) if (json_is_string(enc) && !strcmp(json_string_value(enc), "utf-8"))
		s->utf8 = 1;
	/* completion is offered after the characters that start a name in an argument: a space
	 * (use |, effect |), a parenthesis or a quote (word("|)) */
	reply(s, id, json_pack("{s{sssisbs{s[sss]}sbsb}s{ssss}}", "capabilities", "positionEncoding",
			       s->utf8 ? "utf-8" : "utf-16", "textDocumentSync", 1, "codeActionProvider", 1,
			       "completionProvider", "triggerCharacters", " ", "(", "\"", "hoverProvider", 1,
			       "definitionProvider", 1, "serverInfo", "name", "vidc", "version", "0.1.0"));
}

/* didOpen and didChange: the document's whole text (textDocumentSync 1, full). */
static void m_text(lsp_server *s, json_t *id, json_t *params)
{
	(void)id;
	json_t *td = json_object_get(params, "textDocument");
	const char *uri = json_string_value(json_object_get(td, "uri"));
	json_t *text = json_object_get(td, "text"), *changes = json_object_get(params, "contentChanges");
	if (!text && json_array_size(changes))
		text = json_object_get(json_array_get(changes, json_array_size(changes) - 1), "text");
	if (!uri || !json_is_string(text))
		return;
	lsp_doc *d = find_doc(s, uri);
	if (!d) {
		if (s->ndocs == LSP_MAX_DOCS)
			return;
		d = &s->docs[s->ndocs];
		*d = (lsp_doc){strdup(uri), uri_path(uri), NULL, 0};
		if (!d->uri || !d->path) {
			doc_free(d);
			s->rc = VE_NOMEM;
			return;
		}
		s->ndocs++;
	}
	char *t = malloc(json_string_length(text) + 1);
	if (!t) {
		s->rc = VE_NOMEM;
		return;
	}
	memcpy(t, json_string_value(text), json_string_length(text) + 1);
	free(d->text);
	d->text = t;
	d->len = json_string_length(text);
	publish(s, d);
}

static void m_close(lsp_server *s, json_t *id, json_t *params)
{
	(void)id;
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	lsp_doc *d = uri ? find_doc(s, uri) : NULL;
	if (!d)
		return;
	send_message(s, json_pack("{sss{sss[]}}", "method", "textDocument/publishDiagnostics", "params",
				  "uri", d->uri, "diagnostics"));
	doc_free(d);
	*d = s->docs[--s->ndocs];
}

/* The fix-its of the diagnostics the client sends back (their data, as published) as quick
 * fixes: one action per diagnostic, editing this document only. */
static void m_code_action(lsp_server *s, json_t *id, json_t *params)
{
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	lsp_doc *d = uri ? find_doc(s, uri) : NULL;
	json_t *actions = json_array(), *g, *f;
	size_t i, k;
	json_array_foreach(d ? json_object_get(json_object_get(params, "context"), "diagnostics") : NULL, i, g) {
		json_t *edits = json_array();
		json_array_foreach(json_object_get(json_object_get(g, "data"), "fixits"), k, f) {
			const char *file = json_string_value(json_object_get(f, "file"));
			json_t *r = json_object_get(f, "range");
			if (!file || strcmp(file, d->path) || !json_is_object(r))
				continue;
			json_array_append_new(edits, json_pack("{s{soso}sO}", "range", "start",
							       position(s, d, json_object_get(r, "start")), "end",
							       position(s, d, json_object_get(r, "end")), "newText",
							       json_object_get(f, "replacement")));
		}
		if (!json_array_size(edits)) {
			json_decref(edits);
			continue;
		}
		json_t *first = json_object_get(json_array_get(edits, 0), "newText");
		json_array_append_new(actions,
				      json_pack("{sssss[O]s{s{so}}}", "title",
						json_array_size(edits) == 1 ? "Apply vidc's fix" : "Apply vidc's fixes",
						"kind", "quickfix", "diagnostics", g, "edit", "changes", uri, edits));
		if (json_array_size(edits) == 1 && json_is_string(first)) /* say what it writes */
			json_object_set_new(json_array_get(actions, json_array_size(actions) - 1), "title",
					    json_sprintf("Change to '%s'", json_string_value(first)));
	}
	reply(s, id, actions);
}

/* ---- questions: completion, hover, definition (compiler/query.h) -------------------------- */

/* A document compiled to answer a question: the sink holds the sources the answers name. */
typedef struct {
	diag_sink *diag;
	spec_t *spec;
	lsp_doc *doc;
	int line, col; /* the request's position: 1-based line, byte column */
} lsp_query;

/* Compiles the document a request names (its text as last sent) and reads its position.
 * 0 when the document is not open or memory ran out (the reply is then null). */
static int query_open(lsp_server *s, json_t *params, lsp_query *q)
{
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	json_t *pos = json_object_get(params, "position");
	memset(q, 0, sizeof *q);
	q->doc = uri ? find_doc(s, uri) : NULL;
	if (!q->doc || !json_is_object(pos))
		return 0;
	q->line = (int)json_integer_value(json_object_get(pos, "line")) + 1;
	q->col = byte_col(s, q->doc, q->line, (int)json_integer_value(json_object_get(pos, "character")));
	compile_opts co = {s->o->stdlib_dir, 0, s->o->allow, s->o->nallow};
	q->diag = diag_new();
	q->spec = q->diag ? compile_spec_text(q->doc->path, q->doc->text, q->doc->len, q->diag, &co) : NULL;
	if (!q->spec)
		s->rc = VE_NOMEM;
	return q->spec != NULL;
}

static void query_close(lsp_query *q)
{
	compile_free(q->spec);
	diag_free(q->diag);
}

/* LSP's CompletionItemKind for each of the compiler's kinds of name. */
static const int item_kinds[] = {
	[QI_STATEMENT] = 14 /* Keyword */, [QI_PROPERTY] = 10 /* Property */,
	[QI_STYLE] = 22 /* Struct */,      [QI_TEMPLATE] = 3 /* Function */,
	[QI_EFFECT] = 23 /* Event */,      [QI_TRANSITION] = 20 /* EnumMember */,
	[QI_WORD] = 1 /* Text */,          [QI_SECTION] = 18 /* Reference */,
};

static void m_completion(lsp_server *s, json_t *id, json_t *params)
{
	lsp_query q;
	query_items items = {NULL, 0, 0};
	json_t *list = json_array();
	if (query_open(s, params, &q) && query_complete(q.spec, q.line, q.col, &items))
		s->rc = VE_NOMEM;
	for (int i = 0; i < items.n; i++)
		json_array_append_new(list, json_pack("{sssiss}", "label", items.items[i].label, "kind",
						      item_kinds[items.items[i].kind], "detail",
						      items.items[i].detail ? items.items[i].detail : ""));
	query_items_free(&items);
	query_close(&q);
	reply(s, id, json_pack("{sbso}", "isIncomplete", 0, "items", list));
}

/* The range of a span of the document. */
static json_t *span_range(const lsp_server *s, const lsp_doc *d, span_t sp)
{
	int end_col = sp.col + sp.len;
	const char *nl = memchr(d->text + sp.off, '\n', (size_t)sp.len);
	if (nl) /* a span over lines (a long string) is shown up to its first line's end */
		end_col = sp.col + (int)(nl - (d->text + sp.off));
	return json_pack("{s{sisi}s{sisi}}", "start", "line", sp.line - 1, "character", character(s, d, sp.line, sp.col),
			 "end", "line", sp.line - 1, "character", character(s, d, sp.line, end_col));
}

static void m_hover(lsp_server *s, json_t *id, json_t *params)
{
	lsp_query q;
	query_time t;
	json_t *result = NULL;
	if (query_open(s, params, &q) && query_hover(q.spec, q.line, q.col, &t)) {
		json_t *text = t.scene ? json_sprintf("**%s**: %.2f s to %.2f s (%.2f s)\n\nin scene `%s` (%.2f s to %.2f s)",
						      t.what, t.start, t.end, t.end - t.start, t.scene, t.scene_start,
						      t.scene_end)
				       : json_sprintf("**%s**: %.2f s to %.2f s (%.2f s)", t.what, t.start, t.end,
						      t.end - t.start);
		result = json_pack("{s{ssso}so}", "contents", "kind", "markdown", "value", text, "range",
				   span_range(s, q.doc, t.sp));
	}
	query_close(&q);
	reply(s, id, result);
}

/* path as a file URI: bytes other than unreserved ones and '/' percent-encoded. */
static json_t *path_uri(const char *path)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (isalnum(*p) || strchr("/-._~", *p))
			buf_putc(&b, (char)*p);
		else
			buf_appendf(&b, "%%%02X", *p);
	json_t *uri = b.data ? json_string(b.data) : NULL;
	buf_free(&b);
	return uri;
}

static void m_definition(lsp_server *s, json_t *id, json_t *params)
{
	lsp_query q;
	query_place p;
	json_t *result = NULL;
	if (query_open(s, params, &q) && query_definition(q.spec, q.line, q.col, &p)) {
		/* the target's own text turns its byte column into the client's characters */
		size_t len = 0;
		const char *text = NULL;
		for (int i = 0; diag_source_text(q.diag, i, NULL); i++)
			if (!strcmp(diag_source_path(q.diag, i), p.path))
				text = diag_source_text(q.diag, i, &len);
		int line = p.line > 0 ? p.line - 1 : 0, ch = p.line > 0 ? text_character(s, text, len, p.line, p.col) : 0;
		result = json_pack("{sos{s{sisi}s{sisi}}}", "uri", path_uri(p.path), "range", "start", "line", line,
				   "character", ch, "end", "line", line, "character", ch);
	}
	query_close(&q);
	reply(s, id, result);
}

static void m_shutdown(lsp_server *s, json_t *id, json_t *params)
{
	(void)params;
	s->shutdown = 1;
	reply(s, id, NULL);
}

static void m_exit(lsp_server *s, json_t *id, json_t *params)
{
	(void)id, (void)params;
	s->done = 1;
	if (!s->shutdown && !s->rc)
		s->rc = VE_PROTOCOL; /* the protocol: exit without shutdown ends with status 1 */
}

static void m_ignore(lsp_server *s, json_t *id, json_t *params)
{
	(void)s, (void)id, (void)params;
}

static const struct {
	const char *method;
	void (*run)(lsp_server *s, json_t *id, json_t *params);
} methods[] = {
	{"initialize", m_initialize},
	{"initialized", m_ignore},
	{"textDocument/didOpen", m_text},
	{"textDocument/didChange", m_text},
	{"textDocument/didSave", m_ignore},
	{"textDocument/didClose", m_close},
	{"textDocument/codeAction", m_code_action},
	{"textDocument/completion", m_completion},
	{"textDocument/hover", m_hover},
	{"textDocument/definition", m_definition},
	{"shutdown", m_shutdown},
	{"exit", m_exit},
};

static void dispatch(lsp_server *s, json_t *msg)
{
	const char *method = json_string_value(json_object_get(msg, "method"));
	json_t *id = json_object_get(msg, "id");
	if (!method) /* a reply to a request of ours: none are sent */
		return;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (!strcmp(method, methods[i].method)) {
			methods[i].run(s, id, json_object_get(msg, "params"));
			return;
		}
	if (id) /* an unknown notification is ignored, an unknown request answered */
		reply_error(s, id, -32601, "method not supported by vidc lsp");
}

int lsp_serve(FILE *in, FILE *out, const stage_spec_opts *o, vidc_err *e)
{
	lsp_server *s = calloc(1, sizeof *s);
	if (!s)
		return err_set(e, VE_NOMEM, "out of memory");
	s->in = in, s->out = out, s->o = o;
	while (!s->done && !s->rc) {
		char *body = read_message(s);
		if (!body)
			break;
		json_error_t je;
		json_t *msg = json_loads(body, 0, &je);
		free(body);
		if (!json_is_object(msg)) {
			send_message(s, json_pack("{sns{siss}}", "id", "error", "code", -32700, "message",
						  "parse error"));
			json_decref(msg);
			continue;
		}
		dispatch(s, msg);
		json_decref(msg);
	}
	int rc = s->rc;
	if (!rc && !s->done)
		rc = VE_PROTOCOL; /* input ended without exit */
	for (int i = 0; i < s->ndocs; i++)
		doc_free(&s->docs[i]);
	free(s);
	if (rc == VE_NOMEM)
		return err_set(e, rc, "out of memory");
	if (rc == VE_PROTOCOL)
		return err_set(e, rc, "the client ended without shutdown and exit, or sent a malformed message");
	return rc ? err_set(e, rc, "the server failed (%s)", err_code_name(rc)) : 0;
}
