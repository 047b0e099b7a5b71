/*
 * diag.c - collects diagnostics and prints them with the source line and a caret (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/utf8.h"

typedef struct {
	char *path, *text;
	size_t len;
} source;

typedef struct {
	diag_level lvl;
	span_t sp;
	char *msg;
	int warning; /* a warning's kind (diag_warning), -1 for none */
} diag;

/* In diag_warning order. */
static const char *const warning_names[DW_COUNT] = {
	"duration", "duplicate-preset", "chapters", "hidden-layer", "clipped", "unused-transition",
	"voice-cut"};

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
};

/* A spec that makes a diagnostic for every byte (or a template expanded a million times) would
 * print megabytes; past this many in all, warnings and notes are dropped too. */
#define MAX_DIAGS 1000

diag_sink *diag_new(void)
{
	diag_sink *d = calloc(1, sizeof *d);
	if (d)
		d->max_errors = DIAG_MAX_ERRORS;
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
	for (int i = 0; i < d->n; i++)
		free(d->items[i].msg);
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

static void report(diag_sink *d, diag_level lvl, int warning, span_t sp, const char *fmt,
		   va_list ap)
{
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
	d->items[d->n++] = (diag){lvl, sp, msg, warning};
}

void diag_report(diag_sink *d, diag_level lvl, span_t sp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(d, lvl, -1, sp, fmt, ap);
	va_end(ap);
}

void diag_report_warning(diag_sink *d, diag_warning w, span_t sp, const char *fmt, ...)
{
	if (w >= 0 && w < DW_COUNT && (d->warnings_off & (1u << w))) {
		d->dropping = 1; /* its notes go with it */
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	report(d, DIAG_WARNING, w, sp, fmt, ap);
	va_end(ap);
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

int diag_print(const diag_sink *d, FILE *out, int color)
{
	group *gs = malloc(sizeof(group) * (size_t)(d->n + 1));
	int ng = 0;
	for (int i = 0; gs && i < d->n; i++) {
		if (d->items[i].lvl == DIAG_NOTE && ng > 0) {
			gs[ng - 1].count++;
			continue;
		}
		/* Errors without a position (file -1) come first. */
		gs[ng] = (group){i, 1, d->items[i].sp.file, d->items[i].sp.off, ng};
		ng++;
	}
	if (gs) {
		qsort(gs, (size_t)ng, sizeof(group), group_cmp);
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
