/*
 * voice_align.c - word timings for audio that came without them (openai, coqui, piper, bark):
 * the same text spoken by espeak gives exact word timings and its own pauses; the pauses of both
 * recordings are found with the energy detector of voice_words.c, matched in order by dynamic
 * programming on their relative position in the speech, and the espeak timeline is warped
 * piecewise-linearly onto the real one through the matched pause edges. Speech rate differences
 * between pauses are absorbed linearly; within a phrase the error is what remains of the two
 * voices' different rhythms (see SPEC.md "Voice providers" for the measured accuracy).
 */
#include "voice_align.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_PAUSE_FRAMES 7 /* 70 ms of silence inside speech count as a pause */
#define SKIP_COST 0.06	   /* leaving a pause unmatched costs this much relative position */

typedef struct {
	double a, b; /* seconds: pause start (end of the sound before) and end */
	double pos;  /* middle, as a fraction of the speech span */
} pause;

/* Speech span and the pauses inside it. Returns the count, or VOICE_ENOMEM. */
static int find_pauses(const voice_clip *c, double *s0, double *s1, pause **out)
{
	unsigned char *snd;
	int nf = voice_vad(c->pcm, c->n, c->rate, &snd);
	if (nf < 0)
		return VOICE_ENOMEM;
	double hop = (double)(c->rate / 100 > 0 ? c->rate / 100 : 1) / c->rate;
	int f0 = 0, f1 = nf - 1;
	while (f0 < nf && !snd[f0])
		f0++;
	while (f1 >= 0 && !snd[f1])
		f1--;
	*out = NULL;
	if (f0 > f1) {
		*s0 = 0;
		*s1 = (double)c->n / c->rate;
		free(snd);
		return 0;
	}
	*s0 = f0 * hop;
	*s1 = (f1 + 1) * hop;
	int n = 0, cap = 16;
	pause *p = malloc(sizeof *p * (size_t)cap);
	if (!p) {
		free(snd);
		return VOICE_ENOMEM;
	}
	for (int f = f0; f <= f1;) {
		if (snd[f]) {
			f++;
			continue;
		}
		int g = f;
		while (g <= f1 && !snd[g])
			g++;
		if (g - f >= MIN_PAUSE_FRAMES) {
			if (n == cap) {
				pause *q = realloc(p, sizeof *p * (size_t)(cap *= 2));
				if (!q) {
					free(p);
					free(snd);
					return VOICE_ENOMEM;
				}
				p = q;
			}
			p[n].a = f * hop;
			p[n].b = g * hop;
			p[n].pos = ((p[n].a + p[n].b) / 2 - *s0) / (*s1 - *s0);
			n++;
		}
		f = g;
	}
	free(snd);
	*out = p;
	return n;
}

/* Maps t through the increasing anchor pairs (x[i] -> y[i]); outside them, shifts. */
static double warp(const double *x, const double *y, int n, double t)
{
	if (t <= x[0])
		return y[0] + (t - x[0]);
	for (int i = 1; i < n; i++)
		if (t <= x[i])
			return x[i] > x[i - 1] ? y[i - 1] + (t - x[i - 1]) * (y[i] - y[i - 1]) / (x[i] - x[i - 1]) : y[i];
	return y[n - 1] + (t - x[n - 1]);
}

int voice_align(const voice_clip *ref, voice_clip *real, char *err, size_t errlen)
{
	pause *pa = NULL, *pb = NULL;
	double a0, a1, b0, b1;
	double *dp = NULL, *x = NULL, *y = NULL;
	char *how = NULL;
	int na = find_pauses(ref, &a0, &a1, &pa), nb = na < 0 ? 0 : find_pauses(real, &b0, &b1, &pb);
	int rc = VOICE_ENOMEM;
	if (na < 0 || nb < 0)
		goto done;
	/* dp[i][j]: cost of matching the first i ref pauses with the first j real ones. */
	int W = nb + 1;
	dp = malloc(sizeof(double) * (size_t)(na + 1) * (size_t)W);
	how = malloc((size_t)(na + 1) * (size_t)W);
	x = malloc(sizeof(double) * (size_t)(2 * (na < nb ? na : nb) + 2));
	y = malloc(sizeof(double) * (size_t)(2 * (na < nb ? na : nb) + 2));
	real->words = malloc(sizeof(voice_word) * (size_t)(ref->nwords ? ref->nwords : 1));
	if (!dp || !how || !x || !y || !real->words)
		goto done;
	for (int i = 0; i <= na; i++)
		for (int j = 0; j <= nb; j++) {
			double best = i == 0 && j == 0 ? 0 : 1e300;
			char h = 0;
			if (i > 0 && dp[(i - 1) * W + j] + SKIP_COST < best)
				best = dp[(i - 1) * W + j] + SKIP_COST, h = 'a';
			if (j > 0 && dp[i * W + j - 1] + SKIP_COST < best)
				best = dp[i * W + j - 1] + SKIP_COST, h = 'b';
			if (i > 0 && j > 0) {
				double d = pa[i - 1].pos - pb[j - 1].pos;
				double c = dp[(i - 1) * W + j - 1] + (d < 0 ? -d : d);
				if (c < best)
					best = c, h = 'm';
			}
			dp[i * W + j] = best;
			how[i * W + j] = h;
		}
	/* Walk back, collecting matched pause edges as anchors (in reverse). */
	int k = 0;
	x[k] = a1, y[k] = b1, k++;
	for (int i = na, j = nb; i > 0 || j > 0;) {
		char h = how[i * W + j];
		if (h == 'm') {
			x[k] = pa[i - 1].b, y[k] = pb[j - 1].b, k++;
			x[k] = pa[i - 1].a, y[k] = pb[j - 1].a, k++;
			i--, j--;
		} else if (h == 'a')
			i--;
		else
			j--;
	}
	x[k] = a0, y[k] = b0, k++;
	for (int i = 0; i < k / 2; i++) {
		double t = x[i];
		x[i] = x[k - 1 - i], x[k - 1 - i] = t;
		t = y[i];
		y[i] = y[k - 1 - i], y[k - 1 - i] = t;
	}
	double dur = (double)real->n / real->rate, prev = 0;
	for (int i = 0; i < ref->nwords; i++) {
		voice_word w = ref->words[i];
		double s = warp(x, y, k, w.start), e = warp(x, y, k, w.end);
		s = s < prev ? prev : s > dur ? dur : s;
		e = e < s ? s : e > dur ? dur : e;
		w.start = s;
		w.end = e;
		prev = e;
		real->words[i] = w;
	}
	real->nwords = ref->nwords;
	rc = 0;
done:
	if (rc < 0) {
		free(real->words);
		real->words = NULL;
		snprintf(err, errlen, "out of memory");
	}
	free(pa);
	free(pb);
	free(dp);
	free(how);
	free(x);
	free(y);
	return rc;
}

int voice_align_even(const char *text, voice_clip *real, char *err, size_t errlen)
{
	voice_word *w;
	int nw = voice_split_words(text, &w);
	if (nw < 0) {
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	long first, last;
	voice_sound_bounds(real->pcm, real->n, real->rate, &first, &last);
	if (last < 0)
		first = 0, last = real->n - 1;
	/* Each word gets time in proportion to its bytes plus one for the space after it. */
	long total = 0;
	for (int i = 0; i < nw; i++)
		total += w[i].length + 1;
	double t0 = (double)first / real->rate, span = (double)(last + 1 - first) / real->rate, at = 0;
	for (int i = 0; i < nw; i++) {
		w[i].start = t0 + span * at / (double)total;
		at += w[i].length + 1;
		w[i].end = t0 + span * (at - 1) / (double)total;
	}
	real->words = w;
	real->nwords = nw;
	return 0;
}
