/*
 * voice_words.c - clips, the words of a text and sound detection (voice_words.h): the pieces the
 * voice stage, its alignment and its providers share.
 */
#include "voice_words.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void voice_clip_free(voice_clip *c)
{
	free(c->pcm);
	free(c->words);
	memset(c, 0, sizeof *c);
}

/* ---- words -------------------------------------------------------------------------------- */

/* The length of a CJK clause mark at p (、。，！？；：), 0 when there is none. */
static int cjk_mark(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == 0xe3 && u[1] == 0x80 && (u[2] == 0x81 || u[2] == 0x82))
		return 3;
	if (u[0] == 0xef && u[1] == 0xbc && (u[2] == 0x8c || u[2] == 0x81 || u[2] == 0x9f || u[2] == 0x9b || u[2] == 0x9a))
		return 3;
	return 0;
}

/* The compiler's rule (compiler/timing.c, timing_match): words are separated by ASCII white
 * space; everything else, punctuation and UTF-8 included, belongs to a word. Chinese and
 * Japanese have no spaces, so there a word also ends after a clause mark (、。，！？；：): the
 * timed unit is a clause, which captions can break between and karaoke can highlight. */
int voice_split_words(const char *text, voice_word **words)
{
	int n = 0, cap = 16;
	voice_word *w = malloc(sizeof *w * (size_t)cap);
	if (!w)
		return VOICE_ENOMEM;
	for (const char *p = text; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p)) {
			int m = cjk_mark(p);
			p += m ? m : 1;
			if (m)
				break;
		}
		if (n == cap) {
			voice_word *nw = realloc(w, sizeof *w * (size_t)(cap *= 2));
			if (!nw) {
				free(w);
				return VOICE_ENOMEM;
			}
			w = nw;
		}
		w[n++] = (voice_word){(int)(s - text), (int)(p - s), 0, 0};
	}
	*words = w;
	return n;
}

/* ---- sound detection ---------------------------------------------------------------------- */

/* A 10 ms frame has sound when its RMS is within 40 dB of the loudest frame's and above
 * -54 dBFS: espeak's pauses are digital silence, a cloud voice's are a noise floor well below. */
int voice_vad(const float *pcm, long n, int rate, unsigned char **sound)
{
	int hop = rate / 100 > 0 ? rate / 100 : 1;
	int nf = (int)((n + hop - 1) / hop);
	double *rms = malloc(sizeof(double) * (size_t)(nf ? nf : 1));
	*sound = malloc((size_t)(nf ? nf : 1));
	if (!rms || !*sound) {
		free(rms);
		free(*sound);
		*sound = NULL;
		return VOICE_ENOMEM;
	}
	double peak = 0;
	for (int f = 0; f < nf; f++) {
		long a = (long)f * hop, b = a + hop < n ? a + hop : n;
		double s = 0;
		for (long i = a; i < b; i++)
			s += (double)pcm[i] * pcm[i];
		rms[f] = b > a ? sqrt(s / (double)(b - a)) : 0;
		if (rms[f] > peak)
			peak = rms[f];
	}
	double thr = peak / 100 > 0.002 ? peak / 100 : 0.002;
	for (int f = 0; f < nf; f++)
		(*sound)[f] = rms[f] > thr;
	free(rms);
	return nf;
}

void voice_sound_bounds(const float *pcm, long n, int rate, long *first, long *last)
{
	*first = *last = -1;
	unsigned char *s;
	int nf = voice_vad(pcm, n, rate, &s);
	if (nf < 0)
		return;
	int hop = rate / 100 > 0 ? rate / 100 : 1;
	int a = 0, b = nf - 1;
	while (a < nf && !s[a])
		a++;
	while (b >= 0 && !s[b])
		b--;
	if (a < nf) {
		/* Refine to the sample inside the boundary frames. */
		double thr = 0.002;
		long i = (long)a * hop, e = i + hop < n ? i + hop : n;
		while (i < e && fabsf(pcm[i]) < thr)
			i++;
		*first = i < e ? i : (long)a * hop;
		long j = (long)b * hop + hop - 1 < n - 1 ? (long)b * hop + hop - 1 : n - 1;
		long st = (long)b * hop;
		while (j > st && fabsf(pcm[j]) < thr)
			j--;
		*last = j;
	}
	free(s);
}

int voice_timings_from_starts(const voice_clip *c, voice_word *w, int nw, const long *start0)
{
	if (nw == 0)
		return 0;
	long *st = malloc(sizeof(long) * (size_t)nw);
	unsigned char *snd = NULL;
	int nf = voice_vad(c->pcm, c->n, c->rate, &snd);
	if (!st || nf < 0) {
		free(st);
		free(snd);
		return VOICE_ENOMEM;
	}
	int hop = c->rate / 100 > 0 ? c->rate / 100 : 1;
	long first, last;
	voice_sound_bounds(c->pcm, c->n, c->rate, &first, &last);
	if (last < 0)
		first = last = 0;
	/* Unknown starts take the next known one; after the last known, the end of the sound. */
	long next = last + 1;
	for (int i = nw - 1; i >= 0; i--) {
		st[i] = start0[i] >= 0 ? start0[i] : next;
		next = st[i];
	}
	for (int i = 1; i < nw; i++)
		if (st[i] < st[i - 1])
			st[i] = st[i - 1];
	/* Move each start to the first sound before the next word's start (a word's leading pause
	 * belongs to the pause, not to the word). */
	for (int i = 0; i < nw; i++) {
		long lim = i + 1 < nw ? st[i + 1] : last + 1;
		int f = (int)(st[i] / hop);
		while ((long)f * hop < lim && f < nf && !snd[f])
			f++;
		long s = (long)f * hop;
		if (s > st[i] && s < lim)
			st[i] = s;
	}
	for (int i = 1; i < nw; i++)
		if (st[i] < st[i - 1])
			st[i] = st[i - 1];
	for (int i = 0; i < nw; i++) {
		long lim = i + 1 < nw ? st[i + 1] : last + 1;
		/* Last frame with sound in [st, lim). */
		long e = st[i];
		for (int f = (int)((lim - 1) / hop); f >= 0 && (long)f * hop + hop > st[i]; f--)
			if (f < nf && snd[f]) {
				e = (long)f * hop + hop;
				break;
			}
		if (e > lim)
			e = lim;
		if (e < st[i])
			e = st[i];
		w[i].start = (double)st[i] / c->rate;
		w[i].end = (double)e / c->rate;
	}
	free(st);
	free(snd);
	return 0;
}
