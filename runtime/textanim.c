/*
 * textanim.c - text in motion at one instant (see textanim.h).
 */
#include "textanim.h"

#include <math.h>

/* When unit i of n starts (seconds): stagger apart from the layer's start, or at its word's
 * spoken start (letters spread evenly over the word's spoken time). */
static double unit_start(const ir_textanim *a, const int *word_of, int i, int n)
{
	if (!a->nwords)
		return a->start + i * a->stagger;
	int w = word_of ? word_of[i] : i;
	if (w >= a->nwords) /* more words in the text than matched (a lone dash): the last one's time */
		w = a->nwords - 1;
	if (!word_of)
		return a->words[w].t0;
	int first = i, last = i;
	while (first > 0 && word_of[first - 1] == word_of[i])
		first--;
	while (last + 1 < n && word_of[last + 1] == word_of[i])
		last++;
	double t0 = a->words[w].t0, t1 = a->words[w].t1;
	return t0 + (t1 - t0) * (i - first) / (last - first + 1);
}

/* easeOutBack (CSS-like, overshoot s): ends at 1 after going about 10% past it. */
static double back_out(double p)
{
	const double s = 1.70158;
	double q = p - 1;
	return 1 + (s + 1) * q * q * q + s * q * q;
}

int textanim_units(const ir_textanim *a, double t, const int *word_of, int n, double em, text_unit_fx *fx)
{
	int pending = 0;
	for (int i = 0; i < n; i++) {
		double s = unit_start(a, word_of, i, n), p;
		if (a->kind == IR_TA_TYPEWRITER || a->each <= 0)
			p = t >= s ? 1 : 0;
		else
			p = fmin(fmax((t - s) / a->each, 0), 1);
		text_unit_fx *f = &fx[i];
		*f = (text_unit_fx){1, 0, 1};
		if (p >= 1)
			continue;
		pending = 1;
		double e = 1 - (1 - p) * (1 - p) * (1 - p); /* ease out: quick, then settling */
		switch (a->kind) {
		case IR_TA_RISE:
			f->alpha = (float)p;
			f->dy = (float)((1 - e) * TEXTANIM_RISE_EM * em);
			break;
		case IR_TA_POP:
			f->alpha = (float)fmin(1, p * 3);
			f->scale = (float)(TEXTANIM_POP_FROM + (1 - TEXTANIM_POP_FROM) * back_out(p));
			break;
		case IR_TA_TYPEWRITER:
			f->alpha = 0;
			break;
		default:
			f->alpha = (float)p;
			break;
		}
	}
	return pending;
}

static double to_linear(double c)
{
	c /= 255;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double to_srgb(double l)
{
	double c = l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1 / 2.4) - 0.055;
	return fmin(fmax(c * 255, 0), 255);
}

ir_color textanim_color(const ir_textanim *a, double t, ir_color def)
{
	int n = a->ncolors;
	if (!n)
		return def;
	if (t <= a->colors[0].t)
		return a->colors[0].c;
	if (t >= a->colors[n - 1].t)
		return a->colors[n - 1].c;
	int i = 0;
	while (i + 2 < n && t >= a->colors[i + 1].t)
		i++;
	const ir_color_key *k0 = &a->colors[i], *k1 = &a->colors[i + 1];
	double x = k1->t > k0->t ? ir_ease_eval(&k0->ease, (t - k0->t) / (k1->t - k0->t)) : 1;
	const uint8_t c0[4] = {k0->c.r, k0->c.g, k0->c.b, k0->c.a}, c1[4] = {k1->c.r, k1->c.g, k1->c.b, k1->c.a};
	uint8_t out[4];
	for (int ch = 0; ch < 3; ch++)
		out[ch] = (uint8_t)lrint(to_srgb(to_linear(c0[ch]) + (to_linear(c1[ch]) - to_linear(c0[ch])) * x));
	out[3] = (uint8_t)lrint(fmin(fmax(c0[3] + (c1[3] - c0[3]) * x, 0), 255));
	return (ir_color){out[0], out[1], out[2], out[3]};
}

double textanim_size(const ir_textanim *a, double t, double def)
{
	return a->size.n ? ir_curve_eval(&a->size, t) : def;
}

int textanim_text(const ir_textanim *a, double t)
{
	if (!a->ntexts)
		return -1;
	int i = 0;
	while (i + 1 < a->ntexts && t >= a->texts[i + 1].t)
		i++;
	return i;
}

int textanim_any(const ir_textanim *a)
{
	return a->kind != IR_TA_NONE || a->ncolors || a->size.n || a->ntexts;
}
