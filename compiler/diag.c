/*
 * diag.c - collects diagnostics and prints them with the source line and a caret (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *path, *text;
	size_t len;
} source;

typedef struct {
	diag_level lvl;
	span_t sp;
	char *msg;
} diag;

struct diag_sink {
	source *srcs;
	int nsrcs;
	diag *items;
	int n, cap;
	int werror;
	int dropping; /* the last error or warning repeated an earlier one: drop its notes too */
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("vidc: out of memory\n", stderr);
		abort();
	}
	return p;
}

diag_sink *diag_new(void)
{
	diag_sink *d = xrealloc(NULL, sizeof *d);
	memset(d, 0, sizeof *d);
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

int diag_add_source(diag_sink *d, const char *path, const char *text, size_t len)
{
	d->srcs = xrealloc(d->srcs, sizeof(source) * (size_t)(d->nsrcs + 1));
	source *s = &d->srcs[d->nsrcs];
	s->path = strdup(path);
	s->text = xrealloc(NULL, len + 1);
	if (!s->path)
		abort();
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

void diag_report(diag_sink *d, diag_level lvl, span_t sp, const char *fmt, ...)
{
	/* A pathological input could produce an endless stream of errors; past this many the
	 * rest add nothing a user can act on. */
	if (d->n >= 1000)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *msg = xrealloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* The same message at the same place says nothing new (a style with a mistake, applied to
	 * ten layers, is one mistake): keep the first, and drop the repeat's notes with it. */
	if (lvl == DIAG_NOTE && d->dropping) {
		free(msg);
		return;
	}
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
		d->cap = d->cap ? d->cap * 2 : 16;
		d->items = xrealloc(d->items, sizeof(diag) * (size_t)d->cap);
	}
	d->items[d->n++] = (diag){lvl, sp, msg};
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
	return count(d, DIAG_ERROR);
}

int diag_warnings(const diag_sink *d)
{
	return count(d, DIAG_WARNING);
}

void diag_set_werror(diag_sink *d, int on)
{
	d->werror = on;
}

/* Width in columns of the UTF-8 text [s, s+n): continuation bytes take no column. Tabs are
 * printed as they are, so the caret line copies them to stay aligned. */
static void put_pad(FILE *out, const char *line, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\t')
			fputc('\t', out);
		else if ((c & 0xC0) != 0x80)
			fputc(' ', out);
	}
}

static int columns(const char *s, int n)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static void print_one(const diag_sink *d, const diag *g, FILE *out, int color);

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
	group *gs = xrealloc(NULL, sizeof(group) * (size_t)(d->n + 1));
	int ng = 0;
	for (int i = 0; i < d->n; i++) {
		if (d->items[i].lvl == DIAG_NOTE && ng > 0) {
			gs[ng - 1].count++;
			continue;
		}
		/* Errors without a position (file -1) come first. */
		gs[ng] = (group){i, 1, d->items[i].sp.file, d->items[i].sp.off, ng};
		ng++;
	}
	qsort(gs, (size_t)ng, sizeof(group), group_cmp);
	for (int k = 0; k < ng; k++)
		for (int i = gs[k].first; i < gs[k].first + gs[k].count; i++)
			print_one(d, &d->items[i], out, color);
	free(gs);
	return d->n;
}

static void print_one(const diag_sink *d, const diag *g, FILE *out, int color)
{
	static const char *names[] = {"note", "warning", "error"};
	static const char *colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
	{
		diag_level lvl = g->lvl == DIAG_WARNING && d->werror ? DIAG_ERROR : g->lvl;
		const char *name = g->lvl == DIAG_WARNING && d->werror ? "error" : names[lvl];
		if (color)
			fputs("\033[1m", out);
		if (g->sp.file >= 0)
			fprintf(out, "%s:%d:%d: ", diag_source_path(d, g->sp.file), g->sp.line,
				g->sp.col);
		else
			fputs("vidc: ", out);
		fprintf(out, "%s%s:%s %s%s%s\n", color ? colors[lvl] : "", name,
			color ? "\033[0m\033[1m" : "", g->msg,
			g->lvl == DIAG_WARNING && d->werror ? " [-Werror]" : "", color ? "\033[0m" : "");
		if (g->sp.file < 0 || g->sp.line <= 0)
			return;
		const source *s = &d->srcs[g->sp.file];
		if ((size_t)g->sp.off > s->len)
			return;
		const char *ls = s->text + g->sp.off;
		while (ls > s->text && ls[-1] != '\n')
			ls--;
		const char *le = ls;
		while (*le && *le != '\n' && *le != '\r')
			le++;
		int col0 = (int)(s->text + g->sp.off - ls);
		fprintf(out, "%5d | %.*s\n      | ", g->sp.line, (int)(le - ls), ls);
		put_pad(out, ls, col0);
		int rest = (int)(le - ls) - col0;
		int len = g->sp.len < rest ? g->sp.len : rest;
		int w = columns(ls + col0, len > 0 ? len : 0);
		if (color)
			fputs(colors[lvl], out);
		fputc('^', out);
		for (int k = 1; k < w; k++)
			fputc('~', out);
		if (color)
			fputs("\033[0m", out);
		fputc('\n', out);
	}
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
