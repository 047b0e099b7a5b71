/*
 * lex.c - the .vid lexer (see lex.h). Hand-written; the grammar's lexical part is in
 * grammar/vid.ebnf.
 */
#include "lex.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../base/hex.h"
#include "../base/utf8.h"

void lex_init(lexer_t *lx, arena_t *a, diag_sink *d, int file, const char *src, size_t len)
{
	memset(lx, 0, sizeof *lx);
	lx->arena = a;
	lx->diag = d;
	lx->file = file;
	lx->src = lx->p = src;
	lx->end = src + len;
	lx->line = 1;
	lx->line_start = src;
	lx->prev = TK_NEWLINE;
	/* A UTF-8 byte order mark is allowed and skipped. */
	if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
		lx->p += 3;
}

int lex_wrong_encoding(diag_sink *d, int file, const char *src, size_t len)
{
	const unsigned char *u = (const unsigned char *)src;
	if (len < 2)
		return 0;
	int bom = (u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF);
	/* Without a mark: a NUL in the first two bytes is no text a person wrote in UTF-8. */
	if (!bom && u[0] != 0 && u[1] != 0)
		return 0;
	span_t sp = {file, 1, 1, 0, bom ? 2 : 1};
	diag_err(d, DE_BAD_CHARACTER, sp, "the file is %s, not UTF-8: save it as UTF-8",
		 bom ? "UTF-16 (it starts with a UTF-16 byte order mark)" : "binary or UTF-16 (it has NUL bytes)");
	return 1;
}

static const char *tok_names[] = {
	"end of file", "end of line", "name", "number", "string", "colour",
	"'{'", "'}'", "'('", "')'", "','", "'='", "':'", "'->'", "'+'", "'-'", "invalid character", "comment",
	"'*'", "'/'",
};

const char *lex_token_name(tok_kind k)
{
	return tok_names[k];
}

static const char *unit_names[] = {"", "s", "ms", "f", "px", "%", "sa", "deg", "dB", "?"};

static span_t span_at(lexer_t *lx, const char *start)
{
	span_t sp;
	sp.file = lx->file;
	sp.line = lx->line;
	sp.col = (int)(start - lx->line_start) + 1;
	sp.off = (int)(start - lx->src);
	sp.len = (int)(lx->p - start);
	return sp;
}

static int peekc(lexer_t *lx, int k)
{
	return lx->p + k < lx->end ? (unsigned char)lx->p[k] : 0;
}

static void newline(lexer_t *lx)
{
	lx->line++;
	lx->line_start = lx->p;
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static int utf8_len(const char *s, size_t n)
{
	uint32_t cp;
	return utf8_decode(s, n, &cp);
}

/* Bytes from p on that are not UTF-8: a run of them is one mistake, reported once. */
static const char *bad_run(const char *p, const char *end)
{
	while (p < end && !utf8_len(p, (size_t)(end - p)))
		p++;
	return p;
}

/* Control characters from p on (not tab, newline or carriage return: those are spacing), for
 * one message per run. DEL only outside strings. */
static const char *control_run(const char *p, const char *end, int in_string)
{
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\t' || c == '\n' || c == '\r' || !(c < 0x20 || (!in_string && c == 0x7F)))
			break;
	}
	return p;
}

static void err_here(lexer_t *lx, const char *at, int len, const char *msg)
{
	span_t sp;
	sp.file = lx->file;
	sp.line = lx->line;
	sp.col = (int)(at - lx->line_start) + 1;
	sp.off = (int)(at - lx->src);
	sp.len = len;
	diag_err(lx->diag, DE_BAD_STRING, sp, "%s", msg);
}

/* Triple-quoted string: raw text up to the closing quotes. A newline right after the opening
 * quotes is dropped, and so is the indentation common to all non-blank lines, so a block of
 * code can be indented with the spec around it. */
static void lex_long_string(lexer_t *lx, token_t *t, const char *start)
{
	const char *body = lx->p;
	while (lx->p < lx->end && !(peekc(lx, 0) == '"' && peekc(lx, 1) == '"' && peekc(lx, 2) == '"')) {
		if (*lx->p == '\n') {
			lx->p++;
			newline(lx);
		} else {
			lx->p++;
		}
	}
	const char *bend = lx->p;
	if (lx->p >= lx->end) {
		t->sp = span_at(lx, start);
		err_here(lx, start, 3, "unterminated string: '\"\"\"' has no closing '\"\"\"'");
	} else {
		lx->p += 3;
	}
	if (body < bend && *body == '\n')
		body++;
	else if (bend - body >= 2 && body[0] == '\r' && body[1] == '\n')
		body += 2;
	/* Common indentation of non-blank lines. */
	int common = -1;
	for (const char *l = body; l < bend;) {
		const char *q = l;
		while (q < bend && (*q == ' ' || *q == '\t'))
			q++;
		if (q < bend && *q != '\n' && *q != '\r') {
			int ind = (int)(q - l);
			if (common < 0 || ind < common)
				common = ind;
		}
		while (q < bend && *q != '\n')
			q++;
		l = q < bend ? q + 1 : q;
	}
	if (common < 0)
		common = 0;
	char *out = arena_alloc(lx->arena, (size_t)(bend - body) + 1), *o = out;
	for (const char *l = body; l < bend;) {
		const char *q = l;
		int skip = 0;
		while (q < bend && skip < common && (*q == ' ' || *q == '\t'))
			q++, skip++;
		while (q < bend && *q != '\n') {
			if (*q != '\r')
				*o++ = *q;
			q++;
		}
		if (q < bend)
			*o++ = '\n', q++;
		l = q;
	}
	/* A closing quote on a line of its own leaves no trailing newline. */
	while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
		o--;
	if (o > out && o[-1] == '\n')
		o--;
	*o = 0;
	t->text = out;
	for (const char *q = out; *q;) {
		int n = utf8_len(q, strlen(q));
		if (!n) {
			err_here(lx, start, 3, "string is not valid UTF-8");
			break;
		}
		q += n;
	}
}

/* Where the string starting at p ends: its closing quote, or the end of its line (a string
 * ends on its line). Decoding only shrinks text (\u{1F600} is 9 bytes in, 4 out), so the decoded
 * string fits in that many bytes: memory stays linear in the spec's size. */
static const char *string_end(const char *p, const char *end)
{
	while (p < end && *p != '"' && *p != '\n' && *p != '\r')
		p += *p == '\\' && p + 1 < end ? 2 : 1; /* an escape is two bytes, as lex_string reads it */
	return p;
}

static void lex_string(lexer_t *lx, token_t *t, const char *start)
{
	size_t room = (size_t)(string_end(lx->p, lx->end) - lx->p);
	char *out = arena_alloc(lx->arena, room + 1), *o = out;
	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '\r') {
			err_here(lx, start, 1,
				 "unterminated string (strings end on their line; use \"\"\" for several lines)");
			break;
		}
		unsigned char c = (unsigned char)*lx->p;
		if (c == '"') {
			lx->p++;
			break;
		}
		if (c == '\\') {
			const char *esc = lx->p;
			lx->p++;
			int e = peekc(lx, 0);
			lx->p += lx->p < lx->end;
			switch (e) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '{': *o++ = '{'; break;
			case 'u': {
				unsigned cp = 0;
				int ok = peekc(lx, 0) == '{', nd = 0;
				if (ok) {
					lx->p++;
					while (hex_digit(peekc(lx, 0)) >= 0 && nd < 7)
						cp = cp * 16 + (unsigned)hex_digit(peekc(lx, 0)), lx->p++, nd++;
					ok = nd > 0 && peekc(lx, 0) == '}' && cp <= 0x10FFFF &&
					     !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0;
					if (peekc(lx, 0) == '}')
						lx->p++;
				}
				if (ok)
					o += utf8_encode(cp, o);
				else
					err_here(lx, esc, (int)(lx->p - esc),
						 "invalid escape: write \\u{HEX} with a Unicode code point");
				break;
			}
			default:
				err_here(lx, esc, 2, "unknown escape in string (known: \\n \\t \\\" \\\\ \\{ \\u{HEX})");
			}
			continue;
		}
		int n = utf8_len(lx->p, (size_t)(lx->end - lx->p));
		if (!n) {
			const char *e = bad_run(lx->p, lx->end);
			err_here(lx, lx->p, (int)(e - lx->p), "string is not valid UTF-8");
			lx->p = e;
			continue;
		}
		if (c < 0x20 && c != '\t') {
			const char *e = control_run(lx->p, lx->end, 1);
			err_here(lx, lx->p, (int)(e - lx->p), e - lx->p > 1 ? "control characters in string" : "control character in string");
			lx->p = e;
			continue;
		}
		memcpy(o, lx->p, (size_t)n);
		o += n;
		lx->p += n;
	}
	*o = 0;
	t->text = out;
}

static unit_kind unit_of(const char *s, int n)
{
	for (int u = UNIT_S; u < UNIT_BAD; u++)
		if ((int)strlen(unit_names[u]) == n && !memcmp(unit_names[u], s, (size_t)n))
			return (unit_kind)u;
	if (n == 2 && !memcmp(s, "db", 2))
		return UNIT_DB;
	return UNIT_BAD;
}

/* Units a designer writes out of habit, and the unit each means: reported with a fix-it, then
 * read as that unit so the value's checks do not add a second error for one mistake. */
static const struct {
	const char *word;
	unit_kind unit;
} unit_aliases[] = {
	{"sec", UNIT_S},     {"secs", UNIT_S},	  {"second", UNIT_S},  {"seconds", UNIT_S},
	{"msec", UNIT_MS},   {"msecs", UNIT_MS},  {"frame", UNIT_F},   {"frames", UNIT_F},
	{"fr", UNIT_F},	     {"pixel", UNIT_PX},  {"pixels", UNIT_PX}, {"pix", UNIT_PX},
	{"degree", UNIT_DEG}, {"degrees", UNIT_DEG},
};

/* Reports the unknown unit that starts at us (the lexer is past it); returns the unit it is
 * read as: the one meant when that is clear, else UNIT_BAD. */
static unit_kind bad_unit(lexer_t *lx, const char *us)
{
	static const char *const cands[] = {"s", "ms", "f", "px", "sa", "deg", "dB"};
	int n = (int)(lx->p - us);
	char u[32];
	snprintf(u, sizeof u, "%.*s", n > 30 ? 30 : n, us);
	span_t sp = span_at(lx, us);
	if ((u[0] == 'e' || u[0] == 'E') && is_digit((unsigned char)u[1])) {
		diag_err(lx->diag, DE_UNKNOWN_UNIT, sp, "numbers are written in plain digits, not with an exponent ('%s')", u);
		return UNIT_BAD;
	}
	const char *sug = NULL;
	unit_kind meant = UNIT_BAD;
	for (size_t i = 0; i < sizeof unit_aliases / sizeof unit_aliases[0]; i++)
		if (!strcmp(u, unit_aliases[i].word))
			meant = unit_aliases[i].unit, sug = unit_names[meant];
	if (!sug && (sug = diag_suggest(u, cands, 7)))
		meant = unit_of(sug, (int)strlen(sug));
	if (!sug) {
		diag_err(lx->diag, DE_UNKNOWN_UNIT, sp, "unknown unit '%s' (units: s ms f px %% sa deg dB)", u);
		return UNIT_BAD;
	}
	diag_err(lx->diag, DE_UNKNOWN_UNIT, sp, "unknown unit '%s' (did you mean '%s'?)", u, sug);
	diag_fixit_word(lx->diag, sp, u, sug);
	return meant;
}

static void lex_number(lexer_t *lx, token_t *t, const char *start)
{
	const char *q = lx->p;
	if (*q == '-')
		q++;
	double v = 0;
	int digits = 0;
	while (q < lx->end && is_digit((unsigned char)*q))
		v = v * 10 + (*q++ - '0'), digits++;
	if (q + 1 < lx->end && *q == '.' && is_digit((unsigned char)q[1])) { /* also .5s */
		q++;
		double scale = 0.1;
		while (q < lx->end && is_digit((unsigned char)*q))
			v += (*q++ - '0') * scale, scale /= 10, digits++;
	}
	if (digits > 15)
		v = HUGE_VAL;
	if (*lx->p == '-')
		v = -v;
	lx->p = q;
	t->kind = TK_NUMBER;
	t->num = v;
	t->unit = UNIT_NONE;
	const char *us = lx->p;
	const char *gap = us;
	while (gap < lx->end && (*gap == ' ' || *gap == '\t'))
		gap++;
	if (peekc(lx, 0) == '%') {
		lx->p++;
		t->unit = UNIT_PCT;
	} else if (gap > us && gap < lx->end && *gap == '%') {
		/* `50 %`: '%' means nothing else, so it is read as the number's unit after the error. */
		lx->p = gap + 1;
		t->unit = UNIT_PCT;
		diag_err(lx->diag, DE_BAD_CHARACTER, span_at(lx, gap), "a unit follows its number without a space: write '%.*s%%'",
			 (int)(us - start), start);
		span_t cut = span_at(lx, us); /* the spaces and the '%' become '%' */
		diag_fixit(lx->diag, cut, "%%");
	} else if (is_ident_start(peekc(lx, 0))) {
		while (is_ident_start(peekc(lx, 0)) || is_digit(peekc(lx, 0)))
			lx->p++;
		t->unit = unit_of(us, (int)(lx->p - us));
		if (t->unit == UNIT_BAD)
			t->unit = bad_unit(lx, us);
	}
}

/* '-' right before a digit starts a negative number unless it sticks to the value before it:
 * `-20px -10px` is two numbers, `word("x") - 100ms` and `word("x")-100ms` are a subtraction. */
static int neg_ok(const lexer_t *lx)
{
	if (lx->p == lx->src)
		return 1;
	char b = lx->p[-1];
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '(' || b == ',' || b == '{' ||
	       b == '=' || b == ';' || b == ':' || b == '>' || b == '*' ||
	       /* after a division sign, not after the end of a block comment */
	       (b == '/' && (lx->p - 1 == lx->src || lx->p[-2] != '*'));
}

/* A colour literal at s ('#' and 3, 4, 6 or 8 hex digits) into t; a malformed one is an error
 * and opaque black. */
static void lex_color(lexer_t *lx, token_t *t, const char *s)
{
	lx->p++;
	const char *h = lx->p;
	while (hex_digit(peekc(lx, 0)) >= 0 || is_ident_start(peekc(lx, 0)))
		lx->p++;
	int n = (int)(lx->p - h);
	int ok = n == 3 || n == 4 || n == 6 || n == 8;
	for (int i = 0; i < n; i++)
		ok = ok && hex_digit((unsigned char)h[i]) >= 0;
	t->kind = TK_COLOR;
	if (!ok) {
		t->sp = span_at(lx, s);
		diag_err(lx->diag, DE_BAD_COLOUR, t->sp,
			   "invalid colour '%.*s': write #rgb, #rgba, #rrggbb or #rrggbbaa in hex",
			   n + 1 > 40 ? 40 : n + 1, s);
		t->color = 0x000000FF;
	} else {
		unsigned v[8] = {0};
		for (int i = 0; i < n; i++)
			v[i] = (unsigned)hex_digit((unsigned char)h[i]);
		unsigned r, g, b, a = 255;
		if (n <= 4) {
			r = v[0] * 17, g = v[1] * 17, b = v[2] * 17;
			if (n == 4)
				a = v[3] * 17;
		} else {
			r = v[0] * 16 + v[1], g = v[2] * 16 + v[3], b = v[4] * 16 + v[5];
			if (n == 8)
				a = v[6] * 16 + v[7];
		}
		t->color = r << 24 | g << 16 | b << 8 | a;
	}
}

static token_t next(lexer_t *lx)
{
	token_t t;
	memset(&t, 0, sizeof t);
	for (;;) {
		int c = peekc(lx, 0);
		if (lx->p >= lx->end) {
			t.kind = TK_EOF;
			t.sp = span_at(lx, lx->p);
			return t;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
			continue;
		}
		if (c == '/' && peekc(lx, 1) == '/') {
			const char *s = lx->p;
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			if (lx->keep_comments) {
				t.kind = TK_COMMENT;
				t.sp = span_at(lx, s);
				return t;
			}
			continue;
		}
		if (c == '/' && peekc(lx, 1) == '*') {
			const char *s = lx->p;
			int sline = lx->line;
			const char *sls = lx->line_start;
			lx->p += 2;
			while (lx->p < lx->end && !(peekc(lx, 0) == '*' && peekc(lx, 1) == '/')) {
				if (*lx->p++ == '\n')
					newline(lx);
			}
			if (lx->p >= lx->end) {
				span_t sp = {lx->file, sline, (int)(s - sls) + 1, (int)(s - lx->src), 2};
				diag_err(lx->diag, DE_BAD_STRING, sp, "unterminated comment: '/*' has no closing '*/'");
			} else {
				lx->p += 2;
			}
			if (lx->keep_comments) { /* the span starts on the comment's first line */
				t.kind = TK_COMMENT;
				t.sp = (span_t){lx->file, sline, (int)(s - sls) + 1, (int)(s - lx->src), (int)(lx->p - s)};
				return t;
			}
			continue;
		}
		if (c == '\n') {
			const char *s = lx->p;
			lx->p++;
			if (lx->paren > 0) {
				newline(lx);
				continue;
			}
			t.kind = TK_NEWLINE;
			t.sp = span_at(lx, s);
			newline(lx);
			return t;
		}
		break;
	}
	const char *s = lx->p;
	int c = peekc(lx, 0);
	if (is_ident_start(c)) {
		while (is_ident_start(peekc(lx, 0)) || is_digit(peekc(lx, 0)))
			lx->p++;
		t.kind = TK_IDENT;
		t.text = arena_strndup(lx->arena, s, (size_t)(lx->p - s));
	} else if (is_digit(c) || (c == '.' && is_digit(peekc(lx, 1))) ||
		   (c == '-' && (is_digit(peekc(lx, 1)) || (peekc(lx, 1) == '.' && is_digit(peekc(lx, 2)))) &&
		    neg_ok(lx))) {
		lex_number(lx, &t, s);

	} else if (c == '"') {
		t.kind = TK_STRING;
		if (peekc(lx, 1) == '"' && peekc(lx, 2) == '"') {
			lx->p += 3;
			lex_long_string(lx, &t, s);
		} else {
			lx->p++;
			lex_string(lx, &t, s);
		}
	} else if (c == '#') {
		lex_color(lx, &t, s);
	} else {
		lx->p++;
		switch (c) {
		/* Braces never occur inside ( ): meeting one means a '(' was left open, and from here
		 * newlines end statements again, so the parser can recover. */
		case '{': t.kind = TK_LBRACE; lx->paren = 0; break;
		case '}': t.kind = TK_RBRACE; lx->paren = 0; break;
		case '(': t.kind = TK_LPAREN; lx->paren++; break;
		case ')': t.kind = TK_RPAREN; if (lx->paren > 0) lx->paren--; break;
		case ',': t.kind = TK_COMMA; break;
		case '=': t.kind = TK_EQUALS; break;
		case ':': t.kind = TK_COLON; break;
		case ';': t.kind = TK_NEWLINE; break;
		case '+': t.kind = TK_PLUS; break;
		case '*': t.kind = TK_STAR; break;
		case '/': t.kind = TK_SLASH; break; /* comments were taken above */
		case '-':
			if (peekc(lx, 0) == '>') {
				lx->p++;
				t.kind = TK_ARROW;
			} else {
				t.kind = TK_MINUS;
			}
			break;
		default: {
			/* Skip the whole UTF-8 sequence so the message shows the character, and a run of
			 * bad bytes or control characters whole: one message for each run. */
			int n = utf8_len(s, (size_t)(lx->end - s));
			int ctl = c < 0x20 || c == 0x7F;
			lx->p = ctl ? control_run(s, lx->end, 0) : n == 0 ? bad_run(s, lx->end) : s + n;
			int run = (int)(lx->p - s);
			t.kind = TK_ERROR;
			t.sp = span_at(lx, s);
			if (ctl && run > 1)
				diag_err(lx->diag, DE_BAD_CHARACTER, t.sp, "unexpected control characters (%d bytes, the first 0x%02x)", run, c);
			else if (ctl)
				diag_err(lx->diag, DE_BAD_CHARACTER, t.sp, "unexpected control character (byte 0x%02x)", c);
			else if (n == 0 && run > 1)
				diag_err(lx->diag, DE_BAD_CHARACTER, t.sp, "%d bytes of invalid UTF-8 outside a string (the first 0x%02x)", run, c);
			else if (n == 0)
				diag_err(lx->diag, DE_BAD_CHARACTER, t.sp, "invalid UTF-8 byte 0x%02x outside a string", c);
			else
				diag_err(lx->diag, DE_BAD_CHARACTER, t.sp, "unexpected character '%.*s'", n, s);
			return t;
		}
		}
	}
	t.sp = span_at(lx, s);
	return t;
}

token_t lex_next(lexer_t *lx)
{
	token_t t = next(lx);
	lx->prev = t.kind;
	return t;
}
