/*
 * overlay.c - code kept off the screen and out of the voice (see overlay.h). A word is looked
 * at alone (split at spaces): operators make it code; an underscore inside a name, a call
 * "name(" or a dotted call "a.b(" make it name code. Balanced braces around words ("{cold}")
 * are left alone: the spec writer escapes them.
 */
#include "overlay.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const operators[] = {"**", "==", "!=", "<=", ">=", "->", "=>", "::", "&&", "||",
					"+=", "-=", "*=", "/=", "++", "--", "</", "/>", "$(", "${",
					"#include", "`", ";", "{}", NULL};

int overlay_balanced(const char *s)
{
	char stack[64];
	int n = 0;
	for (; *s; s++) {
		char c = *s;
		if (c == '(' || c == '[' || c == '{') {
			if (n == (int)sizeof stack)
				return 0;
			stack[n++] = c;
		} else if (c == ')' || c == ']' || c == '}') {
			char want = c == ')' ? '(' : c == ']' ? '[' : '{';
			if (!n || stack[--n] != want)
				return 0;
		}
	}
	return n == 0;
}

/* The code level of one word s[0..n). */
static int word_level(const char *s, size_t n)
{
	char w[256];
	if (n >= sizeof w)
		n = sizeof w - 1;
	memcpy(w, s, n);
	w[n] = 0;
	size_t m = n;
	while (m && strchr(",.:;!?", w[m - 1]))
		m--;
	if ((m == 3 && !strncasecmp(w, "c++", 3)) || (m == 2 && (!strncasecmp(w, "c#", 2) || !strncasecmp(w, "f#", 2))))
		return OVERLAY_PROSE; /* the languages' names */
	for (int i = 0; operators[i]; i++)
		if (strstr(w, operators[i]))
			return OVERLAY_CODE;
	/* "x=1", "a[i]": an assignment or subscript glued to a name. */
	for (size_t i = 1; i + 1 < n; i++)
		if ((w[i] == '=' || w[i] == '[') && (isalnum((unsigned char)w[i - 1]) || w[i - 1] == '_'))
			return OVERLAY_CODE;
	if (!strcmp(w, "="))
		return OVERLAY_CODE;
	int level = OVERLAY_PROSE;
	for (size_t i = 1; i + 1 < n; i++) {
		if (w[i] == '_' && isalnum((unsigned char)w[i - 1]) && isalnum((unsigned char)w[i + 1]))
			level = OVERLAY_IDENT; /* snake_case */
		if (w[i] == '.' && isalpha((unsigned char)w[i - 1]) && isalpha((unsigned char)w[i + 1]) &&
		    strchr(w + i, '('))
			level = OVERLAY_IDENT; /* obj.method( */
	}
	for (size_t i = 1; i < n; i++)
		if (w[i] == '(' && (isalnum((unsigned char)w[i - 1]) || w[i - 1] == '_'))
			return level > OVERLAY_IDENT ? level : OVERLAY_IDENT; /* name( */
	return level;
}

int overlay_codeish(const char *s)
{
	if (!s)
		return OVERLAY_PROSE;
	int level = overlay_balanced(s) ? OVERLAY_PROSE : OVERLAY_CODE;
	for (const char *p = s; *p && level < OVERLAY_CODE;) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		int l = k ? word_level(p, k) : 0;
		if (l > level)
			level = l;
		p += k;
	}
	return level;
}

static int dangling(const char *w, size_t n)
{
	static const char *const words[] = {"a", "an", "the", "of", "to", "and", "or", "with", "for",
					    "in", "on", "at", "by", "from", "as", "is", "use", "using",
					    "call", "like", "y", "de", "und", "et", NULL};
	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], w, n))
			return 1;
	return 0;
}

char *overlay_clean(const char *s)
{
	if (!s)
		return NULL;
	size_t end = 0;
	int words = 0;
	/* Keep whole words up to the first one that is or names code, or opens a bracket that
	 * the kept part does not close. */
	for (const char *p = s; *p;) {
		const char *w = p;
		while (*w == ' ')
			w++;
		size_t k = strcspn(w, " ");
		if (!k)
			break;
		if (word_level(w, k) != OVERLAY_PROSE)
			break;
		char *cand = strndup(s, (size_t)(w - s) + k);
		int ok = cand && overlay_balanced(cand);
		free(cand);
		if (!ok) {
			/* An opening bracket closed later ("(see below)"): keep looking ahead. */
			int opens = 0;
			for (size_t i = 0; i < k; i++)
				opens += w[i] == '(' || w[i] == '[';
			if (!opens)
				break;
		}
		p = w + k;
		end = (size_t)(p - s);
		words++;
	}
	char *out = strndup(s, end);
	if (!out)
		return NULL;
	/* Never leave an open bracket, a trailing connector or punctuation. */
	for (;;) {
		size_t n = strlen(out);
		while (n && strchr(" ,;:-([", out[n - 1]))
			out[--n] = 0;
		char *sp = strrchr(out, ' ');
		const char *last = sp ? sp + 1 : out;
		if (n && (!overlay_balanced(out) || (sp && dangling(last, strlen(last))))) {
			if (!sp) {
				out[0] = 0;
				break;
			}
			*sp = 0;
			words--;
			continue;
		}
		break;
	}
	int count = 0;
	for (const char *p = out; *p;) {
		while (*p == ' ')
			p++;
		if (*p)
			count++;
		p += strcspn(p, " ");
	}
	if (count < 1 || (strlen(out) < 3 && strcmp(out, s))) { /* "x" left of "x = 1": nothing */
		free(out);
		return NULL;
	}
	return out;
}

char *overlay_prose(const char *s, int max)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int words = 0;
	for (const char *p = s; *p && words < max;) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		if (!k)
			break;
		int prose = word_level(p, k) == OVERLAY_PROSE && !memchr(p, '(', k) && !memchr(p, ')', k) &&
			    !memchr(p, '[', k) && !memchr(p, ']', k);
		if (prose) {
			if (o)
				out[o++] = ' ';
			memcpy(out + o, p, k);
			o += k;
			words++;
		}
		p += k;
	}
	out[o] = 0;
	char *c = overlay_clean(out); /* drops a dangling end */
	free(out);
	return c;
}
