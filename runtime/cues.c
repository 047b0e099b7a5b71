/*
 * cues.c - word timings to caption cues, and the SRT / WebVTT / ASS writers (see cues.h).
 */
#include "cues.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/utf8.h"
#include "font.h"

#define PAUSE_BREAK 1.0 /* s: a pause this long ends a cue */

/* ---- a growing string ------------------------------------------------------------------- */

/* base/buf.h's buffer with a sticky failure: a caption line is built by many small appends and
 * checked once at the end. */
typedef struct {
	buf_t b;
	int oom;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!b->oom && buf_vappendf(&b->b, fmt, ap))
		b->oom = 1;
	va_end(ap);
}

/* The text (malloc'd), or NULL when an append failed. */
static char *sb_done(sbuf *b)
{
	if (b->oom) {
		buf_free(&b->b);
		return NULL;
	}
	return buf_detach(&b->b, NULL);
}

/* ---- styles ------------------------------------------------------------------------------ */

/* Where each style's block sits: its bottom margin (ASS MarginV) in pixels. */
static int margin_plain(int h, ir_rect sa, int bottom, int vertical)
{
	return bottom + (int)round(h * 0.02); /* bottom of the safe area: the platform's caption block is below it */
}

static int margin_bold_center(int h, ir_rect sa, int bottom, int vertical)
{
	return h - (sa.y + (int)round(sa.h * 0.66)); /* bottom two thirds down: centred in the middle third */
}

static int margin_karaoke(int h, ir_rect sa, int bottom, int vertical)
{
	/* vertical: low in the frame but above the app's caption block; 16:9: the bottom */
	return vertical ? h - (sa.y + (int)round(sa.h * 0.82)) : bottom + (int)round(h * 0.03);
}

/* The styles: size in parts of the frame's shorter side, outline and shadow in parts of the
 * size, and adv, the average advance of a character in ems: DejaVu Sans (the platform file's
 * font as shipped), mixed case; bold and capitals are wider, and karaoke scales the spoken
 * word 112 %. */
static const struct {
	const char *name;
	cue_style_kind kind;
	double size, outline, shadow, adv;
	int bold, upper;
	int (*margin_v)(int h, ir_rect sa, int bottom, int vertical);
} styles[] = {
	{"plain", CUE_STYLE_PLAIN, 0.05, 0.06, 0.03, 0.52, 0, 0, margin_plain},
	{"bold_center", CUE_STYLE_BOLD_CENTER, 0.085, 0.08, 0.04, 0.68, 1, 1, margin_bold_center},
	{"karaoke", CUE_STYLE_KARAOKE, 0.065, 0.07, 0.035, 0.66, 1, 0, margin_karaoke},
};

int cues_style(const ir_program *p, const char *name, cue_style *st)
{
	memset(st, 0, sizeof *st);
	size_t k = 0;
	while (name && k < sizeof styles / sizeof *styles && strcmp(name, styles[k].name))
		k++;
	if (k == sizeof styles / sizeof *styles)
		return -1;
	int w = p->width, h = p->height;
	ir_rect sa = p->safe;
	if (sa.w <= 0 || sa.h <= 0)
		sa = (ir_rect){0, 0, w, h};
	double m = w < h ? w : h;
	int right = w - (sa.x + sa.w), bottom = h - (sa.y + sa.h);
	st->font = p->font_text ? p->font_text : FONT_GENERIC_TEXT;
	st->align = 2;
	st->margin_l = sa.x;
	st->margin_r = right;
	st->kind = styles[k].kind;
	st->name = styles[k].name;
	st->size = round(m * styles[k].size);
	st->bold = styles[k].bold;
	st->upper = styles[k].upper;
	st->outline = round(st->size * styles[k].outline * 2) / 2;
	st->shadow = round(st->size * styles[k].shadow * 2) / 2;
	st->margin_v = styles[k].margin_v(h, sa, bottom, h > w);
	int avail = w - st->margin_l - st->margin_r - (int)(2 * st->outline);
	int mc = (int)(avail / (st->size * styles[k].adv));
	st->max_chars = mc > 42 ? 42 : mc < 8 ? 8 : mc;
	return 0;
}

/* ---- grouping ---------------------------------------------------------------------------- */

/* Whether code point cp is written without spaces between words and takes two columns: CJK
 * ideographs, kana, hangul, CJK punctuation and fullwidth forms. */
static int wide_cp(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ||
	       (cp >= 0x20000 && cp <= 0x3fffd);
}

/* The code point starting at s (U+FFFD for a bad or cut sequence). */
static unsigned cp_at(const char *s)
{
	uint32_t cp;
	utf8_decode(s, strnlen(s, 4), &cp);
	return cp;
}

/* Width in columns: a wide (CJK) character counts two, so lines of CJK fit like Latin ones. */
static int u8len(const char *s)
{
	int n = 0;
	for (; *s; s++)
		if (!utf8_is_cont((unsigned char)*s))
			n += wide_cp(cp_at(s)) ? 2 : 1;
	return n;
}

/* Whether a word starts or ends with a wide character: no space goes between two such words
 * (Chinese and Japanese are written without spaces; the voice splits them at punctuation). */
static int wide_start(const char *w)
{
	return w && *w && wide_cp(cp_at(w));
}

static int wide_end(const char *w)
{
	if (!w || !*w)
		return 0;
	return wide_cp(cp_at(w + utf8_floor(w, strlen(w) - 1)));
}

/* The last code point of s, skipping closing quotes and brackets. */
static unsigned last_cp(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		size_t i = utf8_floor(s, n - 1);
		unsigned cp = cp_at(s + i);
		if (cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201d || cp == 0x2019 ||
		    cp == 0xbb) {
			n = i;
			continue;
		}
		return cp;
	}
	return 0;
}

static int ends_sentence(const char *w)
{
	if (!w)
		return 0;
	unsigned c = last_cp(w);
	return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xff01 || c == 0xff1f;
}

static int ends_clause(const char *w)
{
	if (!w)
		return 0;
	unsigned c = last_cp(w);
	return c == ',' || c == ';' || c == ':' || c == 0x2014 || c == 0x2013 || c == 0xff0c || c == 0x3001;
}

/* A line should not end on a word that leans on the next one (an article, a conjunction). */
static int leans(const char *w)
{
	static const char *const words[] = {"a", "an", "the", "and", "or", "but", "of", "to", "in", "on",
					    "at", "for", "with", "by", "from", "as", "is", "are"};
	if (!w)
		return 0;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (!strcasecmp(w, words[i]))
			return 1;
	return 0;
}

typedef struct {
	const ir_word *w;
	int *len; /* characters of each word */
	int max;  /* per line */
	cue_t *out;
	int n, cap;
	int oom;
} grouper;

static int span_chars(const grouper *g, int a, int b)
{
	int c = b - a - 1;
	for (int i = a; i < b; i++)
		c += g->len[i];
	return c;
}

/* The best line break of [a, b): the word that starts line 2, or b when one line is enough;
 * *fits tells whether both lines are within the limit. */
static int line_break(const grouper *g, int a, int b, int *fits)
{
	int total = span_chars(g, a, b);
	if (total <= g->max) {
		*fits = 1;
		return b;
	}
	int best = -1, best_any = a + 1;
	double bs = -1e9, bs_any = -1e9;
	for (int k = a + 1; k < b; k++) {
		int l1 = span_chars(g, a, k), l2 = span_chars(g, k, b);
		double s = -fabs((double)(l1 - l2)) / total + (ends_clause(g->w[k - 1].text) ? 0.4 : 0) -
			   (leans(g->w[k - 1].text) ? 0.3 : 0);
		if (l1 <= g->max && l2 <= g->max && s > bs) {
			bs = s;
			best = k;
		}
		double sa = -(double)(l1 > l2 ? l1 : l2);
		if (sa > bs_any) {
			bs_any = sa;
			best_any = k;
		}
	}
	*fits = best >= 0;
	return best >= 0 ? best : best_any;
}

static void emit(grouper *g, int a, int b)
{
	if (g->n == g->cap) {
		int nc = g->cap ? g->cap * 2 : 32;
		cue_t *nn = realloc(g->out, sizeof *nn * (size_t)nc);
		if (!nn) {
			g->oom = 1;
			return;
		}
		g->out = nn;
		g->cap = nc;
	}
	int fits;
	cue_t *c = &g->out[g->n++];
	c->w0 = a;
	c->w1 = b;
	c->brk = line_break(g, a, b, &fits);
}

/* Splits a sentence (or a run between pauses) into cues that fit. */
static void split(grouper *g, int a, int b)
{
	int fits;
	line_break(g, a, b, &fits);
	double dur = g->w[b - 1].t1 - g->w[a].t0;
	if (b - a == 1 || (fits && dur * 1000 <= CUES_MAX_MS)) {
		emit(g, a, b);
		return;
	}
	int total = span_chars(g, a, b), best = a + 1;
	double bs = -1e9;
	for (int k = a + 1; k < b; k++) {
		int l1 = span_chars(g, a, k), l2 = span_chars(g, k, b);
		double gap = g->w[k].t0 - g->w[k - 1].t1;
		double s = -fabs((double)(l1 - l2)) / total;
		if (ends_clause(g->w[k - 1].text))
			s += 0.6;
		s += 0.4 * (gap > 0.5 ? 1 : gap > 0 ? gap / 0.5 : 0);
		if (l1 < 8 || l2 < 8) /* no orphaned single short word */
			s -= 0.5;
		if (leans(g->w[k - 1].text))
			s -= 0.3;
		if (s > bs) {
			bs = s;
			best = k;
		}
	}
	split(g, a, best);
	split(g, best, b);
}

int cues_build(cue_list *cl, const ir_word *w, int nw, int max_chars, int64_t video_end_ms)
{
	memset(cl, 0, sizeof *cl);
	cl->words = w;
	cl->nwords = nw;
	if (nw <= 0)
		return 0;
	grouper g = {w, calloc((size_t)nw, sizeof(int)), max_chars > 4 ? max_chars : 4, NULL, 0, 0, 0};
	if (!g.len)
		return -1;
	for (int i = 0; i < nw; i++)
		g.len[i] = u8len(w[i].text ? w[i].text : "");
	int a = 0;
	for (int i = 0; i < nw && !g.oom; i++) {
		int last = i + 1 == nw || ends_sentence(w[i].text ? w[i].text : "") ||
			   w[i + 1].t0 - w[i].t1 >= PAUSE_BREAK;
		if (last) {
			split(&g, a, i + 1);
			a = i + 1;
		}
	}
	free(g.len);
	if (g.oom) {
		free(g.out);
		return -1;
	}
	/* timing: the words' span, then at least CUES_MIN_MS from the gaps around it */
	int n = g.n;
	cue_t *c = g.out;
	double *t0 = malloc(sizeof(double) * 2 * (size_t)n);
	if (!t0) {
		free(c);
		return -1;
	}
	double *t1 = t0 + n, min = CUES_MIN_MS / 1000.0;
	double end = video_end_ms > 0 ? video_end_ms / 1000.0 : 1e30;
	for (int i = 0; i < n; i++) {
		t0[i] = w[c[i].w0].t0;
		t1[i] = w[c[i].w1 - 1].t1;
	}
	for (int i = 0; i < n; i++) {
		if (t1[i] - t0[i] < min) {
			double lim = i + 1 < n ? t0[i + 1] : end;
			t1[i] = fmin(t0[i] + min, lim);
		}
		if (t1[i] - t0[i] < min) {
			double lim = i > 0 ? t1[i - 1] : 0;
			t0[i] = fmax(t1[i] - min, lim);
		}
	}
	for (int i = 0; i < n; i++) {
		c[i].start_ms = llround(t0[i] * 1000);
		c[i].end_ms = llround(t1[i] * 1000);
	}
	for (int i = 0; i + 1 < n; i++)
		if (c[i].end_ms > c[i + 1].start_ms)
			c[i].end_ms = c[i + 1].start_ms;
	for (int i = 0; i < n; i++)
		if (c[i].end_ms <= c[i].start_ms)
			c[i].end_ms = c[i].start_ms + 1;
	free(t0);
	cl->cues = c;
	cl->n = n;
	return 0;
}

void cues_free(cue_list *cl)
{
	free(cl->cues);
	cl->cues = NULL;
	cl->n = 0;
}

/* ---- text ----------------------------------------------------------------------------------- */

/* Appends word s, upper-cased when asked (ASCII, and Latin-1 letters in their 2-byte UTF-8). */
static void add_word(sbuf *b, const char *s, int upper, int escape)
{
	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		unsigned char ch = *u;
		if (upper && ch >= 'a' && ch <= 'z')
			ch = (unsigned char)(ch - 32);
		if (upper && ch == 0xc3 && u[1] >= 0xa0 && u[1] <= 0xbe && u[1] != 0xb7) {
			sb_add(b, "%c%c", 0xc3, u[1] - 0x20);
			u++;
			continue;
		}
		if (escape == CUES_VTT && (ch == '&' || ch == '<' || ch == '>')) {
			sb_add(b, "%s", ch == '&' ? "&amp;" : ch == '<' ? "&lt;" : "&gt;");
			continue;
		}
		if (escape == CUES_ASS && (ch == '{' || ch == '}' || ch == '\\')) {
			sb_add(b, "%c", ch == '{' ? '(' : ch == '}' ? ')' : '/');
			continue;
		}
		if (ch == '\n' || ch == '\r')
			ch = ' ';
		sb_add(b, "%c", ch);
	}
}

static char *cue_text(const cue_list *cl, int i, const char *sep, int upper, int escape,
		      int hl, const char *on, const char *off)
{
	sbuf b = {0};
	const cue_t *c = &cl->cues[i];
	for (int k = c->w0; k < c->w1; k++) {
		if (k > c->w0 && k == c->brk)
			sb_add(&b, "%s", sep);
		else if (k > c->w0 && !(wide_end(cl->words[k - 1].text) && wide_start(cl->words[k].text)))
			sb_add(&b, " ");
		if (k == hl)
			sb_add(&b, "%s", on);
		add_word(&b, cl->words[k].text ? cl->words[k].text : "", upper, escape);
		if (k == hl)
			sb_add(&b, "%s", off);
	}
	return sb_done(&b);
}

char *cues_text(const cue_list *cl, int i, const char *sep, int upper)
{
	return cue_text(cl, i, sep, upper, -1, -1, "", "");
}

/* ---- ASS ------------------------------------------------------------------------------------ */

/* The highlight of the spoken word (cues_events): amber, 112 %. ASS colours are &HAABBGGRR. */

/* pre + text in a new string; text is freed. NULL when out of memory. */
static char *prefix(const char *pre, char *text)
{
	size_t a = strlen(pre), b = strlen(text);
	char *r = malloc(a + b + 1);
	if (r) {
		memcpy(r, pre, a);
		memcpy(r + a, text, b + 1);
	}
	free(text);
	return r;
}

char *cues_ass_header(const cue_style *st, int width, int height)
{
	sbuf b = {0};
	sb_add(&b,
	       "[Script Info]\n"
	       "; written by vidc\n"
	       "ScriptType: v4.00+\n"
	       "PlayResX: %d\n"
	       "PlayResY: %d\n"
	       "WrapStyle: 0\n"
	       "ScaledBorderAndShadow: yes\n"
	       "YCbCr Matrix: None\n"
	       "\n"
	       "[V4+ Styles]\n"
	       "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
	       "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
	       "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
	       "Style: %s,%s,%g,&H00FFFFFF,&H0000C8FF,&H00000000,&H80000000,%d,0,0,0,100,100,0,0,1,"
	       "%g,%g,%d,%d,%d,%d,1\n"
	       "\n"
	       "[Events]\n"
	       "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
	       width, height, st->name, st->font, st->size, st->bold ? -1 : 0, st->outline, st->shadow,
	       st->align, st->margin_l, st->margin_r, st->margin_v);
	return sb_done(&b);
}

int cues_events(const cue_list *cl, const cue_style *st, const int *scale, cue_event **out)
{
	*out = NULL;
	int cap = cl->n;
	if (st->kind == CUE_STYLE_KARAOKE)
		cap = cl->nwords;
	cue_event *ev = calloc((size_t)cap + 1, sizeof *ev);
	if (!ev)
		return -1;
	int n = 0;
	for (int i = 0; i < cl->n; i++) {
		const cue_t *c = &cl->cues[i];
		/* A smaller cue: every size override in it scaled too (the highlight's 112 %, and
		 * the reset after it, which would go back to the style's size). */
		int sc = scale && scale[i] > 0 && scale[i] != 100 ? scale[i] : 100;
		char pre[48] = "", on[80], off[64];
		if (sc != 100)
			snprintf(pre, sizeof pre, "{\\fscx%d\\fscy%d}", sc, sc);
		snprintf(on, sizeof on, "{\\1c&H00C8FF&\\fscx%d\\fscy%d}", 112 * sc / 100, 112 * sc / 100);
		snprintf(off, sizeof off, "{\\r%s", sc != 100 ? pre + 1 : "}");
		if (st->kind != CUE_STYLE_KARAOKE) {
			ev[n].start_ms = c->start_ms;
			ev[n].end_ms = c->end_ms;
			ev[n].cue = i;
			if (!(ev[n].text = cue_text(cl, i, "\\N", st->upper, CUES_ASS, -1, "", "")))
				goto oom;
			if (sc != 100 && !(ev[n].text = prefix(pre, ev[n].text)))
				goto oom;
			n++;
			continue;
		}
		/* one event per spoken word: from its start to the next word's start */
		for (int k = c->w0; k < c->w1; k++) {
			int64_t s = k == c->w0 ? c->start_ms : llround(cl->words[k].t0 * 1000);
			int64_t e = k + 1 == c->w1 ? c->end_ms : llround(cl->words[k + 1].t0 * 1000);
			if (s < c->start_ms)
				s = c->start_ms;
			if (e > c->end_ms)
				e = c->end_ms;
			if (e <= s)
				continue;
			ev[n].start_ms = s;
			ev[n].end_ms = e;
			ev[n].cue = i;
			if (!(ev[n].text = cue_text(cl, i, "\\N", st->upper, CUES_ASS, k, on, off)))
				goto oom;
			if (sc != 100 && !(ev[n].text = prefix(pre, ev[n].text)))
				goto oom;
			n++;
		}
	}
	*out = ev;
	return n;
oom:
	cues_events_free(ev, n);
	return -1;
}

void cues_events_free(cue_event *ev, int n)
{
	if (!ev)
		return;
	for (int i = 0; i < n; i++)
		free(ev[i].text);
	free(ev);
}

/* ---- writers -------------------------------------------------------------------------------- */

static void put_time(FILE *f, int64_t ms, cues_format fmt)
{
	if (ms < 0)
		ms = 0;
	long long h = ms / 3600000, mi = ms / 60000 % 60, s = ms / 1000 % 60, r = ms % 1000;
	if (fmt == CUES_SRT)
		fprintf(f, "%02lld:%02lld:%02lld,%03lld", h, mi, s, r);
	else if (fmt == CUES_VTT)
		fprintf(f, "%02lld:%02lld:%02lld.%03lld", h, mi, s, r);
	else /* ASS counts centiseconds */
		fprintf(f, "%lld:%02lld:%02lld.%02lld", h, mi, s, (r + 5) / 10 > 99 ? 99 : (r + 5) / 10);
}

int cues_write(FILE *out, cues_format fmt, const cue_list *cl, const cue_style *st, int width,
	       int height)
{
	if (fmt == CUES_ASS) {
		char *hdr = cues_ass_header(st, width, height);
		cue_event *ev;
		int n = hdr ? cues_events(cl, st, NULL, &ev) : -1;
		if (n < 0) {
			free(hdr);
			return -1;
		}
		fputs(hdr, out);
		for (int i = 0; i < n; i++) {
			fputs("Dialogue: 0,", out);
			put_time(out, ev[i].start_ms, fmt);
			fputc(',', out);
			put_time(out, ev[i].end_ms, fmt);
			fprintf(out, ",%s,,0,0,0,,%s\n", st->name, ev[i].text);
		}
		cues_events_free(ev, n);
		free(hdr);
		return ferror(out) ? -1 : 0;
	}
	if (fmt == CUES_VTT)
		fputs("WEBVTT\n\n", out);
	for (int i = 0; i < cl->n; i++) {
		char *t = cue_text(cl, i, "\n", 0, fmt, -1, "", "");
		if (!t)
			return -1;
		if (fmt == CUES_SRT)
			fprintf(out, "%d\n", i + 1);
		put_time(out, cl->cues[i].start_ms, fmt);
		fputs(" --> ", out);
		put_time(out, cl->cues[i].end_ms, fmt);
		fprintf(out, "\n%s\n\n", t);
		free(t);
	}
	return ferror(out) ? -1 : 0;
}
