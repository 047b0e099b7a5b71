/*
 * diag.c - collects diagnostics and prints them with the source line and a caret (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../base/utf8.h"

typedef struct {
	char *path, *text;
	size_t len;
} source;

typedef struct {
	span_t sp;
	char *text;
} fixit;

typedef struct {
	diag_level lvl;
	span_t sp;
	char *msg;
	int warning; /* a warning's kind (diag_warning), -1 for none */
	diag_code code; /* an error's kind */
	fixit *fix;
	int nfix;
} diag;

/* In diag_code order; published in SPEC.md, so a name never changes once released. */
static const char *const code_names[DE_COUNT] = {
	"unclassified", "syntax", "unclosed-block", "unmatched-brace", "bad-character", "bad-string",
	"unknown-unit", "bad-colour", "missing-unit", "wrong-type", "out-of-range", "bad-arguments",
	"malformed", "unexpected-block", "duplicate", "conflict", "not-applicable", "misplaced",
	"missing", "timing", "keyframe-order", "missing-voice", "bad-timings", "no-match",
	"ambiguous-anchor", "platform-limit", "limit", "unknown-property", "unknown-statement",
	"unknown-template", "unknown-style", "unknown-effect", "unknown-transition", "unknown-hook",
	"unknown-colour", "unknown-section", "unknown-function", "unknown-option", "unknown-name",
	"unknown-parameter", "hook-error", "bad-media", "unreadable-file", "file-too-large",
	"out-of-memory", "outside-project", "file-not-found"};

const char *diag_code_name(diag_code c)
{
	return c >= 0 && c < DE_COUNT ? code_names[c] : "";
}

/* In diag_warning order. */
static const char *const warning_names[DW_COUNT] = {
	"duration", "duplicate-preset", "chapters", "hidden-layer", "clipped", "unused-transition",
	"voice-cut", "pan-range", "empty-group", "font-style"};

const char *diag_warning_name(diag_warning w)
{
	return w >= 0 && w < DW_COUNT ? warning_names[w] : "";
}

int diag_warning_find(const char *name)
{
	for (int i = 0; i < DW_COUNT; i++)
		if (!strcmp(name, warning_names[i]))
			return i;
	return -1;
}

const char *const *diag_warning_names(void)
{
	return warning_names;
}

/* A value read through a name (diag_via): the name written at use stands for the value at def. */
typedef struct {
	span_t use, def;
	char *name;
} via;

/* Steps from a constant's value out to where it is read: a chain of constants is rarely more
 * than two deep, and sym_follow stops at 16. */
#define MAX_VIA_STEPS 16

struct diag_sink {
	source *srcs;
	int nsrcs;
	diag *items;
	int n, cap;
	int werror;
	unsigned warnings_off; /* bit 1 << diag_warning: not reported (-Wno-NAME) */
	int dropping;   /* the last error or warning repeated an earlier one: drop its notes too */
	int max_errors; /* errors kept; more are counted in `over` (0 = no limit) */
	int over;       /* errors past max_errors, not kept */
	int lost;       /* diagnostics lost for want of memory (each counts as an error) */
	int full;       /* the 1000-diagnostic cap was reached */
	int last;       /* the error or warning fix-its attach to, -1 when it was dropped */
	via vias[DIAG_VIAS]; /* the last records of diag_via: record i is at vias[i % DIAG_VIAS] */
	size_t nvias;        /* records made so far */
};

/* A spec that makes a diagnostic for every byte (or a template expanded a million times) would
 * print megabytes; past this many in all, warnings and notes are dropped too. */
#define MAX_DIAGS 1000

diag_sink *diag_new(void)
{
	diag_sink *d = calloc(1, sizeof *d);
	if (d) {
		d->max_errors = DIAG_MAX_ERRORS;
		d->last = -1;
	}
	return d;
}

void diag_free(diag_sink *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nsrcs; i++) {
		free(d->srcs[i].path);
		free(d->srcs[i].text);
	}
	for (int i = 0; i < d->n; i++) {
		free(d->items[i].msg);
		for (int k = 0; k < d->items[i].nfix; k++)
			free(d->items[i].fix[k].text);
		free(d->items[i].fix);
	}
	for (int i = 0; i < DIAG_VIAS; i++)
		free(d->vias[i].name);
	free(d->srcs);
	free(d->items);
	free(d);
}

void diag_set_max_errors(diag_sink *d, int n)
{
	d->max_errors = n > 0 ? n : 0;
}

int diag_add_source(diag_sink *d, const char *path, const char *text, size_t len)
{
	source *srcs = realloc(d->srcs, sizeof(source) * (size_t)(d->nsrcs + 1));
	if (!srcs) {
		d->lost++;
		return -1;
	}
	d->srcs = srcs;
	source *s = &d->srcs[d->nsrcs];
	s->path = strdup(path);
	s->text = malloc(len + 1);
	if (!s->path || !s->text) {
		free(s->path);
		free(s->text);
		d->lost++;
		return -1;
	}
	memcpy(s->text, text, len);
	s->text[len] = 0;
	s->len = len;
	return d->nsrcs++;
}

const char *diag_source_path(const diag_sink *d, int file)
{
	return file >= 0 && file < d->nsrcs ? d->srcs[file].path : "<input>";
}

int diag_nsources(const diag_sink *d)
{
	return d->nsrcs;
}

const char *diag_source_text(const diag_sink *d, int file, size_t *len)
{
	if (file < 0 || file >= d->nsrcs)
		return NULL;
	if (len)
		*len = d->srcs[file].len;
	return d->srcs[file].text;
}

static int kept_errors(const diag_sink *d)
{
	int c = 0;
	for (int i = 0; i < d->n; i++)
		c += d->items[i].lvl == DIAG_ERROR || (d->items[i].lvl == DIAG_WARNING && d->werror);
	return c;
}

/* Whether a diagnostic of level lvl is past the limits (and counted as such). Notes follow the
 * diagnostic they belong to. */
static int over_limit(diag_sink *d, diag_level lvl)
{
	if (lvl == DIAG_NOTE)
		return d->dropping || d->n >= MAX_DIAGS;
	int is_error = lvl == DIAG_ERROR || d->werror;
	if (is_error && d->max_errors > 0 && kept_errors(d) >= d->max_errors) {
		d->over++;
		return 1;
	}
	if (d->n >= MAX_DIAGS) {
		d->full = 1;
		d->over += is_error;
		return 1;
	}
	return 0;
}

/* ---- values read through a name ---------------------------------------------------------- */

static int same_span(span_t a, span_t b)
{
	return a.file == b.file && a.off == b.off && a.len == b.len;
}

/* Whether span a lies within span b. */
static int within(span_t a, span_t b)
{
	return a.file >= 0 && a.file == b.file && a.off >= b.off && a.off + a.len <= b.off + b.len;
}

void diag_via(diag_sink *d, span_t use, span_t def, const char *name)
{
	if (!d || use.file < 0 || def.file < 0 || within(use, def)) /* a constant naming itself */
		return;
	if (d->nvias) {
		const via *last = &d->vias[(d->nvias - 1) % DIAG_VIAS];
		if (same_span(last->use, use) && same_span(last->def, def))
			return; /* read again (each preset's pass, a value folded twice) */
	}
	char *copy = strdup(name);
	if (!copy)
		return; /* the diagnostics stay at the constant's value, as without this record */
	via *r = &d->vias[d->nvias++ % DIAG_VIAS];
	free(r->name);
	*r = (via){use, def, copy};
}

/* The most recent record that holds sp in its def (up: its use is where to go) or is read at sp
 * (down: its def is), leading to none of the spans in seen[0..n): constants that name each other
 * in a circle leave records both ways, and each span is visited once. */
static const via *via_find(const diag_sink *d, span_t sp, int up, const span_t *seen, int n)
{
	size_t kept = d->nvias < DIAG_VIAS ? d->nvias : DIAG_VIAS;
	for (size_t k = 1; k <= kept; k++) {
		const via *r = &d->vias[(d->nvias - k) % DIAG_VIAS];
		if (up ? !within(sp, r->def) : !same_span(sp, r->use))
			continue;
		span_t to = up ? r->use : r->def;
		int j = 0;
		while (j < n && !same_span(seen[j], to))
			j++;
		if (j == n)
			return r;
	}
	return NULL;
}

typedef struct {
	span_t sp;
	const char *name;
} via_note;

/* Where a diagnostic reported at *sp belongs: out of constants' values, to the place that read
 * them. notes[] gets, outermost constant first, where each one's note points; returns how many. */
static int via_walk(const diag_sink *d, span_t *sp, via_note *notes)
{
	span_t seen[MAX_VIA_STEPS + 1] = {*sp};
	int n = 0;
	const via *r;
	while (n < MAX_VIA_STEPS && (r = via_find(d, *sp, 1, seen, n + 1))) {
		notes[n++] = (via_note){*sp, r->name}; /* where in the value: the part that is wrong */
		*sp = seen[n] = r->use;
	}
	for (int i = 0; i < n / 2; i++) { /* found innermost first */
		via_note t = notes[i];
		notes[i] = notes[n - 1 - i];
		notes[n - 1 - i] = t;
	}
	if (n) /* moved out: the place that read the first constant */
		return n;
	/* Reported where a name is read: the constant it stands for, and the one that stands for. */
	while (n < MAX_VIA_STEPS && (r = via_find(d, seen[n], 0, seen, n + 1))) {
		notes[n++] = (via_note){r->def, r->name};
		seen[n] = r->def;
	}
	return n;
}

static void report(diag_sink *d, diag_level lvl, int warning, diag_code code, span_t sp,
		   const char *fmt, va_list ap);

static void report_note(diag_sink *d, span_t sp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(d, DIAG_NOTE, -1, DE_UNCLASSIFIED, sp, fmt, ap);
	va_end(ap);
}

static void report(diag_sink *d, diag_level lvl, int warning, diag_code code, span_t sp,
		   const char *fmt, va_list ap)
{
	if (lvl != DIAG_NOTE)
		d->last = -1;
	if (over_limit(d, lvl)) {
		d->dropping = 1;
		return;
	}
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!msg) {
		va_end(ap2);
		d->lost++;
		return;
	}
	vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	via_note notes[MAX_VIA_STEPS];
	int nnotes = lvl == DIAG_NOTE ? 0 : via_walk(d, &sp, notes);
	/* The same message at the same place says nothing new (a style with a mistake, applied to
	 * ten layers, is one mistake): keep the first, and drop the repeat's notes with it. */
	d->dropping = 0;
	if (lvl != DIAG_NOTE)
		for (int i = 0; i < d->n; i++) {
			const diag *g = &d->items[i];
			if (g->lvl == lvl && g->sp.file == sp.file && g->sp.off == sp.off &&
			    g->sp.len == sp.len && !strcmp(g->msg, msg)) {
				d->dropping = 1;
				free(msg);
				return;
			}
		}
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 16;
		diag *items = realloc(d->items, sizeof(diag) * (size_t)cap);
		if (!items) {
			free(msg);
			d->lost++;
			return;
		}
		d->items = items;
		d->cap = cap;
	}
	if (lvl != DIAG_NOTE)
		d->last = d->n;
	d->items[d->n++] = (diag){lvl, sp, msg, warning, code, NULL, 0};
	for (int i = 0; i < nnotes; i++) /* notes leave d->last: fix-its attach to the diagnostic */
		report_note(d, notes[i].sp, "'%s' is defined here", notes[i].name);
}

void diag_report(diag_sink *d, diag_level lvl, span_t sp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(d, lvl, -1, DE_UNCLASSIFIED, sp, fmt, ap);
	va_end(ap);
}

int diag_has_error_at(const diag_sink *d, diag_code code, span_t sp)
{
	via_note notes[MAX_VIA_STEPS];
	via_walk(d, &sp, notes);
	for (int i = 0; i < d->n; i++) {
		const diag *g = &d->items[i];
		if (g->lvl == DIAG_ERROR && g->code == code && g->sp.file == sp.file && g->sp.off == sp.off &&
		    g->sp.len == sp.len)
			return 1;
	}
	return 0;
}

void diag_report_code(diag_sink *d, diag_code code, span_t sp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(d, DIAG_ERROR, -1, code, sp, fmt, ap);
	va_end(ap);
}

void diag_report_warning(diag_sink *d, diag_warning w, span_t sp, const char *fmt, ...)
{
	if (w >= 0 && w < DW_COUNT && (d->warnings_off & (1u << w))) {
		d->dropping = 1; /* its notes go with it */
		d->last = -1;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	report(d, DIAG_WARNING, w, DE_UNCLASSIFIED, sp, fmt, ap);
	va_end(ap);
}

/* ---- fix-its ------------------------------------------------------------------------------ */

void diag_fixit(diag_sink *d, span_t sp, const char *fmt, ...)
{
	if (d->last < 0 || sp.file < 0 || sp.off < 0 || sp.len < 0)
		return;
	diag *g = &d->items[d->last];
	fixit *fix = realloc(g->fix, sizeof(fixit) * (size_t)(g->nfix + 1));
	if (!fix) {
		d->lost++;
		return;
	}
	g->fix = fix;
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (text)
		vsnprintf(text, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	if (!text) {
		d->lost++;
		return;
	}
	g->fix[g->nfix++] = (fixit){sp, text};
}

void diag_fixit_word(diag_sink *d, span_t sp, const char *word, const char *replacement)
{
	size_t len, n = strlen(word);
	const char *text = diag_source_text(d, sp.file, &len);
	if (!text || sp.off < 0 || (size_t)sp.off > len)
		return;
	const char *at = text + sp.off;
	size_t room = len - (size_t)sp.off;
	int skip = room > 0 && (*at == '"' || *at == '\'') ? 1 : 0; /* a name given as a string */
	if (room < n + (size_t)skip || memcmp(at + skip, word, n))
		return;
	/* the name must end there: "colr" is not a fix-it for the "col" of "colrx" */
	if (room > n + (size_t)skip) {
		unsigned next = (unsigned char)at[skip + n];
		if (next == '_' || next == '-' || (next | 0x20u) - 'a' < 26u || next - '0' < 10u)
			return;
	}
	span_t w = sp;
	w.off += skip;
	w.col += skip;
	w.len = (int)n;
	diag_fixit(d, w, "%s", replacement);
}

int diag_edits_collect(const diag_sink *d, const char *path, diag_edits *out)
{
	for (int i = 0; i < d->n; i++) {
		const diag *g = &d->items[i];
		for (int k = 0; k < g->nfix; k++) {
			const fixit *f = &g->fix[k];
			if (strcmp(diag_source_path(d, f->sp.file), path) || f->sp.file >= d->nsrcs)
				continue;
			if (out->n == out->cap) {
				int cap = out->cap ? out->cap * 2 : 8;
				diag_edit *e = realloc(out->e, sizeof(diag_edit) * (size_t)cap);
				if (!e)
					return VE_NOMEM;
				out->e = e;
				out->cap = cap;
			}
			char *text = strdup(f->text);
			if (!text)
				return VE_NOMEM;
			out->e[out->n++] = (diag_edit){f->sp.off, f->sp.len, text};
		}
	}
	return 0;
}

void diag_edits_free(diag_edits *ed)
{
	for (int i = 0; i < ed->n; i++)
		free(ed->e[i].text);
	free(ed->e);
	*ed = (diag_edits){NULL, 0, 0};
}

static int edit_cmp(const void *a, const void *b)
{
	const diag_edit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Whether edits a and b (a first by offset) touch the same bytes; two insertions at one place
 * collide too, since their order would be a guess. */
static int edits_collide(const diag_edit *a, const diag_edit *b)
{
	return b->off < a->off + a->len || (b->off == a->off);
}

int diag_edits_apply(diag_edits *ed, const char *text, size_t len, buf_t *out, int *skipped)
{
	*skipped = 0;
	if (ed->n > 1)
		qsort(ed->e, (size_t)ed->n, sizeof(diag_edit), edit_cmp);
	/* the same edit reported twice (a template used twice) is one edit */
	int n = 0;
	for (int i = 0; i < ed->n; i++) {
		diag_edit *e = &ed->e[i];
		if (n > 0 && ed->e[n - 1].off == e->off && ed->e[n - 1].len == e->len &&
		    !strcmp(ed->e[n - 1].text, e->text)) {
			free(e->text);
			continue;
		}
		ed->e[n++] = *e;
	}
	ed->n = n;
	char *bad = calloc((size_t)n + 1, 1); /* bad[i]: edit i collides with a neighbour */
	if (!bad)
		return VE_NOMEM;
	for (int i = 0; i + 1 < n; i++)
		for (int j = i + 1; j < n && edits_collide(&ed->e[i], &ed->e[j]); j++)
			bad[i] = bad[j] = 1;
	size_t at = 0;
	int kept = 0, rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		diag_edit *e = &ed->e[i];
		if (bad[i] || (size_t)e->off + (size_t)e->len > len) {
			++*skipped;
			free(e->text);
			continue;
		}
		rc = buf_append(out, text + at, (size_t)e->off - at) || buf_puts(out, e->text) ? VE_NOMEM : 0;
		at = (size_t)e->off + (size_t)e->len;
		ed->e[kept++] = *e;
	}
	for (int i = kept + *skipped; rc && i < n; i++) /* the rest, after running out of memory */
		free(ed->e[i].text);
	ed->n = kept;
	free(bad);
	if (!rc && buf_append(out, text + at, len - at))
		rc = VE_NOMEM;
	return rc;
}

static int count(const diag_sink *d, diag_level lvl)
{
	int c = 0;
	for (int i = 0; i < d->n; i++) {
		diag_level l = d->items[i].lvl;
		if (l == DIAG_WARNING && d->werror)
			l = DIAG_ERROR;
		c += l == lvl;
	}
	return c;
}

int diag_errors(const diag_sink *d)
{
	return count(d, DIAG_ERROR) + d->over + d->lost;
}

int diag_warnings(const diag_sink *d)
{
	return count(d, DIAG_WARNING);
}

void diag_set_werror(diag_sink *d, int on)
{
	d->werror = on;
}

void diag_set_warnings_off(diag_sink *d, unsigned off)
{
	d->warnings_off = off;
}

/* ---- printing --------------------------------------------------------------------------- */

/* Text from a spec is shown, never obeyed: control characters (C0, DEL, C1), the Unicode line
 * and bidirectional controls (which could make a line read differently from what the compiler
 * sees) are printed as <U+XXXX> and bytes that are not UTF-8 as <XX>, as gcc does. Each unit
 * of text takes one column on the caret line, an escaped one as many as its spelling. */
typedef struct {
	int len;       /* bytes of the source it covers */
	int width;     /* columns it takes */
	char show[12]; /* what is printed, when escaped (else the bytes themselves) */
	int escaped;
} unit;

static int must_escape(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F;
}

static unit next_unit(const char *s, size_t n)
{
	unit u = {1, 1, "", 0};
	uint32_t cp;
	int k = utf8_decode(s, n, &cp);
	if (k == 0) {
		snprintf(u.show, sizeof u.show, "<%02X>", (unsigned char)s[0]);
	} else if (cp != '\t' && must_escape(cp)) {
		u.len = k;
		snprintf(u.show, sizeof u.show, "<U+%04X>", (unsigned)cp);
	} else {
		u.len = k;
		return u;
	}
	u.escaped = 1;
	u.width = (int)strlen(u.show);
	return u;
}

static void put_escaped(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unit u = next_unit(s + i, n - i);
		if (u.escaped)
			fputs(u.show, out);
		else
			fwrite(s + i, 1, (size_t)u.len, out);
		i += (size_t)u.len;
	}
}

/* Columns the text [s, s+n) takes when printed. */
static int columns(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n;) {
		unit u = next_unit(s + i, n - i);
		c += u.width;
		i += (size_t)u.len;
	}
	return c;
}

/* Spaces under [s, s+n) for the caret line; tabs are copied so the caret stays aligned. */
static void put_pad(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unit u = next_unit(s + i, n - i);
		if (s[i] == '\t')
			fputc('\t', out);
		else
			fprintf(out, "%*s", u.width, "");
		i += (size_t)u.len;
	}
}

/* A longer source line is shown as a window of about this many columns around the caret. */
#define SHOWN_COLUMNS 200

/* The byte offset in [ls, le) after about `cols` columns from `from`. */
static const char *advance_cols(const char *from, const char *le, int cols)
{
	const char *p = from;
	while (p < le && cols > 0) {
		unit u = next_unit(p, (size_t)(le - p));
		cols -= u.width;
		p += u.len;
	}
	return p;
}

/* Prints the source line [ls, le) with a caret under [at, at+len). */
static void print_line(FILE *out, int line, const char *ls, const char *le, const char *at,
		       int len, const char *color)
{
	const char *ws = ls, *we = le; /* the window shown */
	if (columns(ls, (size_t)(le - ls)) > SHOWN_COLUMNS) {
		if (columns(ls, (size_t)(at - ls)) > SHOWN_COLUMNS / 3) {
			/* start a third of the window before the caret, counted in columns */
			ws = at;
			for (int back = SHOWN_COLUMNS / 3; ws > ls;) {
				const char *prev = ls + utf8_floor(ls, (size_t)(ws - ls - 1));
				back -= columns(prev, (size_t)(ws - prev));
				if (back < 0)
					break;
				ws = prev;
			}
		}
		we = advance_cols(ws, le, SHOWN_COLUMNS);
		if (we < at)
			we = at;
	}
	const char *pre = ws > ls ? "..." : "", *post = we < le ? "..." : "";
	fprintf(out, "%5d | %s", line, pre);
	put_escaped(out, ws, (size_t)(we - ws));
	fprintf(out, "%s\n      | %*s", post, (int)strlen(pre), "");
	put_pad(out, ws, (size_t)(at - ws));
	int rest = (int)(we - at);
	int w = columns(at, (size_t)(len < rest ? (len > 0 ? len : 0) : rest > 0 ? rest : 0));
	if (color)
		fputs(color, out);
	fputc('^', out);
	for (int k = 1; k < w; k++)
		fputc('~', out);
	if (color)
		fputs("\033[0m", out);
	fputc('\n', out);
}

static void print_one(const diag_sink *d, const diag *g, FILE *out, int color)
{
	static const char *names[] = {"note", "warning", "error"};
	static const char *colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
	diag_level lvl = g->lvl == DIAG_WARNING && d->werror ? DIAG_ERROR : g->lvl;
	const char *name = g->lvl == DIAG_WARNING && d->werror ? "error" : names[lvl];
	if (color)
		fputs("\033[1m", out);
	if (g->sp.file >= 0) {
		put_escaped(out, diag_source_path(d, g->sp.file), strlen(diag_source_path(d, g->sp.file)));
		fprintf(out, ":%d:%d: ", g->sp.line, g->sp.col);
	} else {
		fputs("vidc: ", out);
	}
	fprintf(out, "%s%s:%s ", color ? colors[lvl] : "", name, color ? "\033[0m\033[1m" : "");
	put_escaped(out, g->msg, strlen(g->msg));
	/* gcc's tags: [-Wclipped], or [-Werror=clipped] when -Werror made it an error */
	if (g->lvl == DIAG_WARNING && g->warning >= 0)
		fprintf(out, " [-W%s%s]", d->werror ? "error=" : "", warning_names[g->warning]);
	else if (g->lvl == DIAG_WARNING && d->werror)
		fputs(" [-Werror]", out);
	fprintf(out, "%s\n", color ? "\033[0m" : "");
	if (g->sp.file < 0 || g->sp.file >= d->nsrcs || g->sp.line <= 0)
		return;
	const source *s = &d->srcs[g->sp.file];
	if (g->sp.off < 0 || (size_t)g->sp.off > s->len)
		return;
	const char *at = s->text + g->sp.off, *end = s->text + s->len;
	const char *ls = at;
	while (ls > s->text && ls[-1] != '\n')
		ls--;
	const char *le = ls;
	while (le < end && *le != '\n' && *le != '\r')
		le++;
	if (at > le)
		at = le;
	print_line(out, g->sp.line, ls, le, at, g->sp.len, color ? colors[lvl] : NULL);
}

/* Diagnostics print in source order (file, then position), each note staying after the
 * diagnostic it belongs to; the sort is stable so equal positions keep their order. */
typedef struct {
	int first, count;
	int file, off;
	int seq;
} group;

static int group_cmp(const void *a, const void *b)
{
	const group *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The diagnostics in source order, as groups (an error or warning and its notes); NULL when
 * out of memory. */
static group *order(const diag_sink *d, int *ng)
{
	group *gs = malloc(sizeof(group) * (size_t)(d->n + 1));
	*ng = 0;
	for (int i = 0; gs && i < d->n; i++) {
		if (d->items[i].lvl == DIAG_NOTE && *ng > 0) {
			gs[*ng - 1].count++;
			continue;
		}
		/* Errors without a position (file -1) come first. */
		gs[*ng] = (group){i, 1, d->items[i].sp.file, d->items[i].sp.off, *ng};
		++*ng;
	}
	if (gs)
		qsort(gs, (size_t)*ng, sizeof(group), group_cmp);
	return gs;
}

int diag_print(const diag_sink *d, FILE *out, int color)
{
	int ng;
	group *gs = order(d, &ng);
	if (gs) {
		for (int k = 0; k < ng; k++)
			for (int i = gs[k].first; i < gs[k].first + gs[k].count; i++)
				print_one(d, &d->items[i], out, color);
		free(gs);
	} else {
		for (int i = 0; i < d->n; i++) /* no memory to sort: in the order reported */
			print_one(d, &d->items[i], out, color);
	}
	if (d->over)
		fprintf(out, "vidc: error: too many errors: %d more not shown (-fmax-errors=%d)\n",
			d->over, d->max_errors);
	else if (d->full)
		fprintf(out, "vidc: note: more than %d diagnostics; the rest are not shown\n", MAX_DIAGS);
	if (d->lost)
		fprintf(out, "vidc: error: out of memory: %d diagnostic%s could not be kept\n", d->lost,
			d->lost == 1 ? "" : "s");
	return d->n;
}

/* ---- JSON ------------------------------------------------------------------------------- */

int diag_json_string(buf_t *out, const char *s, size_t n)
{
	int rc = buf_putc(out, '"');
	for (size_t i = 0; i < n && !rc;) {
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) { /* JSON text is UTF-8: a stray byte becomes the replacement character */
			rc = buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			rc = buf_putc(out, '\\') || buf_putc(out, (int)cp);
		else if (cp == '\n')
			rc = buf_puts(out, "\\n");
		else if (cp == '\t')
			rc = buf_puts(out, "\\t");
		else if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029) /* 2028/9 break JS */
			rc = buf_appendf(out, "\\u%04x", (unsigned)cp);
		else
			rc = buf_append(out, s + i, (size_t)k);
		i += (size_t)k;
	}
	return rc || buf_putc(out, '"') ? VE_NOMEM : 0;
}

/* The line and column (1-based, bytes) just after the span's last byte, counted from its start:
 * a span may run over several lines ('{' ... end of file). */
static void span_end(const diag_sink *d, span_t sp, int *line, int *col)
{
	*line = sp.line;
	*col = sp.col + (sp.len > 0 ? sp.len : 0);
	size_t len;
	const char *t = diag_source_text(d, sp.file, &len);
	if (!t || sp.off < 0 || (size_t)sp.off > len)
		return;
	size_t end = (size_t)sp.off + (size_t)(sp.len > 0 ? sp.len : 0);
	if (end > len)
		end = len;
	for (size_t i = (size_t)sp.off; i < end; i++)
		if (t[i] == '\n') {
			++*line;
			*col = (int)(end - i);
		}
}

/* "file":...,"range":{...} of a span (null for a diagnostic without a position). */
static int json_where(const diag_sink *d, buf_t *out, span_t sp)
{
	if (sp.file < 0 || sp.line <= 0)
		return buf_puts(out, "\"file\":null,\"range\":null");
	const char *path = diag_source_path(d, sp.file);
	int l1, c1;
	span_end(d, sp, &l1, &c1);
	int rc = buf_puts(out, "\"file\":") || diag_json_string(out, path, strlen(path));
	return rc || buf_appendf(out,
				 ",\"range\":{\"start\":{\"line\":%d,\"col\":%d},\"end\":{\"line\":%d,"
				 "\"col\":%d},\"offset\":%d,\"length\":%d}",
				 sp.line, sp.col, l1, c1, sp.off, sp.len > 0 ? sp.len : 0)
		       ? VE_NOMEM
		       : 0;
}

/* One error or warning (items[first]) with its notes and fix-its. */
static int json_one(const diag_sink *d, buf_t *out, const group *gr)
{
	const diag *g = &d->items[gr->first];
	int werr = g->lvl == DIAG_WARNING && d->werror;
	const char *sev = g->lvl == DIAG_ERROR || werr ? "error" : g->lvl == DIAG_WARNING ? "warning" : "note";
	const char *code = g->lvl == DIAG_WARNING ? (g->warning >= 0 ? warning_names[g->warning] : "warning")
						  : g->lvl == DIAG_ERROR ? code_names[g->code] : "note";
	int rc = buf_putc(out, '{') || json_where(d, out, g->sp) ||
		 buf_appendf(out, ",\"severity\":\"%s\",\"code\":\"%s\",\"message\":", sev, code) ||
		 diag_json_string(out, g->msg, strlen(g->msg)) || buf_puts(out, ",\"notes\":[");
	for (int i = gr->first + 1; !rc && i < gr->first + gr->count; i++) {
		const diag *n = &d->items[i];
		rc = (i > gr->first + 1 && buf_putc(out, ',')) || buf_putc(out, '{') ||
		     json_where(d, out, n->sp) || buf_puts(out, ",\"message\":") ||
		     diag_json_string(out, n->msg, strlen(n->msg)) || buf_putc(out, '}');
	}
	rc = rc || buf_puts(out, "],\"fixits\":[");
	for (int k = 0; !rc && k < g->nfix; k++)
		rc = (k && buf_putc(out, ',')) || buf_putc(out, '{') || json_where(d, out, g->fix[k].sp) ||
		     buf_puts(out, ",\"replacement\":") ||
		     diag_json_string(out, g->fix[k].text, strlen(g->fix[k].text)) || buf_putc(out, '}');
	return rc || buf_puts(out, "]}") ? VE_NOMEM : 0;
}

int diag_json(const diag_sink *d, buf_t *out, int *first)
{
	int ng;
	group *gs = order(d, &ng);
	if (!gs)
		return VE_NOMEM;
	int rc = 0;
	for (int k = 0; k < ng && !rc; k++) {
		if (d->items[gs[k].first].lvl == DIAG_NOTE) /* a note without its diagnostic: dropped */
			continue;
		rc = (!*first && buf_putc(out, ',')) || json_one(d, out, &gs[k]) ? VE_NOMEM : 0;
		*first = 0;
	}
	free(gs);
	return rc;
}

void diag_json_collect(void *acc, const diag_sink *d)
{
	diag_json_acc *a = acc;
	if (diag_json(d, &a->out, &a->first))
		a->failed = 1;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), capped inputs. */
static int distance(const char *a, const char *b)
{
	int n = (int)strlen(a), m = (int)strlen(b);
	if (n > 63 || m > 63)
		return 99;
	int dp[64][64];
	for (int i = 0; i <= n; i++)
		dp[i][0] = i;
	for (int j = 0; j <= m; j++)
		dp[0][j] = j;
	for (int i = 1; i <= n; i++)
		for (int j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = dp[i - 1][j] + 1;
			if (dp[i][j - 1] + 1 < v)
				v = dp[i][j - 1] + 1;
			if (dp[i - 1][j - 1] + cost < v)
				v = dp[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    dp[i - 2][j - 2] + 1 < v)
				v = dp[i - 2][j - 2] + 1;
			dp[i][j] = v;
		}
	return dp[n][m];
}

const char *diag_suggest(const char *word, const char *const *cands, int n)
{
	const char *best = NULL;
	int bestd = 99, len = (int)strlen(word);
	int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	for (int i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		int dd = distance(word, cands[i]);
		if (dd < bestd) {
			bestd = dd;
			best = cands[i];
		}
	}
	return bestd <= limit && bestd > 0 ? best : NULL;
}
