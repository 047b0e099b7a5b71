/*
 * timing.c - reads word-timing JSON with jansson and checks it: words in order, none
 * overlapping the next, none past the audio's end. Sentences are found from the narration text:
 * a word whose text ends in . ! ? or a CJK full stop closes a sentence.
 */
#include "timing.h"

#include "../base/file.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerance for provider rounding: timings are written with millisecond precision. */
#define EPS 0.0015

static int ends_sentence(const char *w)
{
	size_t n = strlen(w);
	while (n > 0 && (w[n - 1] == '"' || w[n - 1] == '\'' || w[n - 1] == ')'))
		n--;
	if (n == 0)
		return 0;
	char c = w[n - 1];
	if (c == '.' || c == '!' || c == '?')
		return 1;
	/* 。！？ and the ellipsis … in UTF-8 */
	static const char *const marks[] = {"\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F", "\xE2\x80\xA6"};
	for (int i = 0; i < 4; i++)
		if (n >= 3 && !memcmp(w + n - 3, marks[i], 3))
			return 1;
	return 0;
}

timing_t *timing_load(arena_t *a, const char *file, const char *shown, char *err, size_t errlen)
{
	const char *path = shown ? shown : file; /* in messages */
	char *data;
	size_t len;
	if (file_read_msg(file, TIMING_MAX_BYTES, &data, &len, "word timings", err, errlen))
		return NULL;
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je);
	free(data);
	if (!root) {
		snprintf(err, errlen, "cannot read word timings '%s': %s (line %d)", path, je.text, je.line);
		return NULL;
	}
	timing_t *t = arena_alloc(a, sizeof *t);
	json_t *words = json_object_get(root, "words");
	json_t *dur = json_object_get(root, "duration");
	json_t *text = json_object_get(root, "text");
	if (!json_is_object(root) || !json_is_array(words)) {
		snprintf(err, errlen, "word timings '%s': expected an object with a \"words\" array", path);
		goto fail;
	}
	if (!json_is_number(dur) || json_number_value(dur) <= 0) {
		snprintf(err, errlen, "word timings '%s': \"duration\" (the audio's length in seconds) is missing or not positive", path);
		goto fail;
	}
	t->duration = json_number_value(dur);
	t->path = arena_strdup(a, file);
	if (t->duration > TIMING_MAX_SECONDS) {
		snprintf(err, errlen, "word timings '%s': \"duration\" is %.0fs, longer than any video (24 hours)", path, t->duration);
		goto fail;
	}
	t->text = arena_strdup(a, json_is_string(text) ? json_string_value(text) : "");
	size_t n = json_array_size(words);
	if (n > 1000000) {
		snprintf(err, errlen, "word timings '%s': too many words (%zu)", path, n);
		goto fail;
	}
	t->nwords = (int)n;
	t->words = arena_alloc(a, sizeof(timing_word) * (n ? n : 1));
	t->sentence_first = arena_alloc(a, sizeof(int) * (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		json_t *w = json_array_get(words, i);
		json_t *wt = json_object_get(w, "text"), *ws = json_object_get(w, "start"),
		       *we = json_object_get(w, "end");
		if (!json_is_string(wt) || !json_is_number(ws) || !json_is_number(we)) {
			snprintf(err, errlen, "word timings '%s': word %zu needs \"text\", \"start\" and \"end\"", path, i + 1);
			goto fail;
		}
		timing_word *tw = &t->words[i];
		tw->text = arena_strdup(a, json_string_value(wt));
		tw->start = json_number_value(ws);
		tw->end = json_number_value(we);
		json_t *off = json_object_get(w, "offset"), *len = json_object_get(w, "length");
		tw->offset = json_is_integer(off) ? (int)json_integer_value(off) : -1;
		tw->length = json_is_integer(len) ? (int)json_integer_value(len) : (int)strlen(tw->text);
		if (tw->start < 0 || tw->end < tw->start - EPS) {
			snprintf(err, errlen, "word timings '%s': word %zu '%s' ends (%.3fs) before it starts (%.3fs)",
				 path, i + 1, tw->text, tw->end, tw->start);
			goto fail;
		}
		if (i > 0) {
			timing_word *pw = &t->words[i - 1];
			if (tw->start < pw->start - EPS) {
				snprintf(err, errlen, "word timings '%s': words out of order: word %zu '%s' starts at %.3fs, before word %zu '%s' (%.3fs)",
					 path, i + 1, tw->text, tw->start, i, pw->text, pw->start);
				goto fail;
			}
			if (tw->start < pw->end - EPS) {
				snprintf(err, errlen, "word timings '%s': word %zu '%s' starts at %.3fs, while word %zu '%s' still runs until %.3fs",
					 path, i + 1, tw->text, tw->start, i, pw->text, pw->end);
				goto fail;
			}
		}
		if (tw->end > t->duration + EPS) {
			snprintf(err, errlen, "word timings '%s': word %zu '%s' ends at %.3fs, past the audio's end (%.3fs)",
				 path, i + 1, tw->text, tw->end, t->duration);
			goto fail;
		}
		if (i == 0 || ends_sentence(t->words[i - 1].text))
			t->sentence_first[t->nsentences++] = (int)i;
		tw->sentence = t->nsentences - 1;
	}
	json_t *secs = json_object_get(root, "sections");
	if (secs && !json_is_array(secs)) {
		snprintf(err, errlen, "word timings '%s': \"sections\" must be an array", path);
		goto fail;
	}
	size_t ns = json_array_size(secs);
	t->sections = arena_alloc(a, sizeof(timing_section) * (ns ? ns : 1));
	for (size_t i = 0; i < ns; i++) {
		json_t *s = json_array_get(secs, i);
		json_t *sn = json_object_get(s, "name"), *sf = json_object_get(s, "first_word"),
		       *sl = json_object_get(s, "last_word");
		if (!json_is_string(sn) || !json_is_integer(sf) || !json_is_integer(sl) ||
		    json_integer_value(sf) < 0 || json_integer_value(sl) < json_integer_value(sf) ||
		    json_integer_value(sl) >= (json_int_t)n) {
			snprintf(err, errlen, "word timings '%s': section %zu needs \"name\" and word indices 0 <= first_word <= last_word < %zu",
				 path, i + 1, n);
			goto fail;
		}
		timing_section *ts = &t->sections[t->nsections++];
		ts->name = arena_strdup(a, json_string_value(sn));
		ts->first = (int)json_integer_value(sf);
		ts->last = (int)json_integer_value(sl);
		if (i > 0 && ts->first <= t->sections[i - 1].last) {
			snprintf(err, errlen, "word timings '%s': section '%s' starts inside the section before it", path, ts->name);
			goto fail;
		}
	}
	json_decref(root);
	return t;
fail:
	json_decref(root);
	return NULL;
}

/* Case- and punctuation-blind comparison of one word: ASCII letters fold, other bytes (UTF-8 of
 * other scripts) compare as they are; ASCII punctuation is skipped on both sides. */
static int word_eq(const char *a, const char *b, size_t blen)
{
	const char *be = b + blen;
	for (;;) {
		while (*a && (unsigned char)*a < 0x80 && ispunct((unsigned char)*a))
			a++;
		while (b < be && (unsigned char)*b < 0x80 && ispunct((unsigned char)*b))
			b++;
		if (!*a || b >= be)
			return !*a && b >= be;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++, b++;
	}
}

int timing_match(const timing_t *t, const char *phrase, int nth, int *first, int *nwords)
{
	/* Split the phrase into words on white space. */
	const char *ws[64];
	size_t wl[64];
	int nw = 0;
	for (const char *p = phrase; *p && nw < 64;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		ws[nw] = s;
		wl[nw++] = (size_t)(p - s);
	}
	if (nwords)
		*nwords = nw;
	if (nw == 0)
		return 0;
	int count = 0;
	for (int i = 0; i + nw <= t->nwords; i++) {
		int ok = 1;
		for (int k = 0; k < nw && ok; k++)
			ok = word_eq(t->words[i + k].text, ws[k], wl[k]);
		if (!ok)
			continue;
		count++;
		if (count == 1 || count == nth)
			*first = i;
	}
	return count;
}

static int contains_fold(const char *hay, const char *needle)
{
	size_t n = strlen(needle), h = strlen(hay);
	if (n > h)
		return 0; /* also keeps a long phrase against many sentences linear, not quadratic */
	for (const char *end = hay + (h - n); hay <= end; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return n == 0;
}

int timing_sentence_last(const timing_t *t, int s)
{
	return s + 1 < t->nsentences ? t->sentence_first[s + 1] - 1 : t->nwords - 1;
}

int timing_match_sentence(const timing_t *t, const char *phrase, int nth, int *sentence)
{
	int count = 0;
	char buf[4096];
	for (int s = 0; s < t->nsentences; s++) {
		size_t used = 0;
		buf[0] = 0;
		for (int w = t->sentence_first[s]; w <= timing_sentence_last(t, s); w++) {
			int k = snprintf(buf + used, sizeof buf - used, "%s%s", used ? " " : "", t->words[w].text);
			if (k < 0 || (size_t)k >= sizeof buf - used)
				break;
			used += (size_t)k;
		}
		if (!contains_fold(buf, phrase))
			continue;
		count++;
		if (count == 1 || count == nth)
			*sentence = s;
	}
	return count;
}
