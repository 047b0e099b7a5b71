/*
 * voice.c - the voice stage's frame: reads the script, has a provider speak each section (with
 * retries), aligns providers that give no timings, trims and joins the clips at 48 kHz, and
 * writes the WAV and the word-timing JSON (SPEC.md §6). Providers live in voice_espeak.c and
 * voice_http.c, the alignment in voice_align.c.
 */
#include "voice.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/media.h"
#include "../base/utf8.h"
#include "voice_align.h"

const voice_provider *voice_provider_find(const char *name)
{
	static const voice_provider *const all[] = {&voice_espeak, &voice_openai, &voice_elevenlabs,
						    &voice_coqui, &voice_piper, &voice_bark};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (name && !strcmp(name, all[i]->name))
			return all[i];
	return NULL;
}

const char *voice_lang(const voice_opts *o, const char *script_lang)
{
	if (o && o->lang && *o->lang)
		return o->lang;
	if (script_lang && *script_lang)
		return script_lang;
	return "en";
}

/* ---- the script --------------------------------------------------------------------------- */

static int add_section(voice_script *s, const char *name, const char *text)
{
	if (!text)
		return 0;
	while (*text && isspace((unsigned char)*text))
		text++;
	size_t n = strlen(text);
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		n--;
	if (n == 0)
		return 0;
	voice_section *p = realloc(s->sec, sizeof *p * (size_t)(s->n + 1));
	if (!p)
		return VOICE_ENOMEM;
	s->sec = p;
	voice_section *v = &s->sec[s->n];
	snprintf(v->name, sizeof v->name, "%s", name);
	if (!(v->text = strndup(text, n)))
		return VOICE_ENOMEM;
	s->n++;
	return 0;
}

int voice_script_text(const char *text, voice_script *s)
{
	memset(s, 0, sizeof *s);
	return add_section(s, "preview", text);
}

int voice_script_load(const char *path, voice_script *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		snprintf(err, errlen, "cannot read script '%s': %s (line %d)", path, je.text, je.line);
		return VOICE_EINPUT;
	}
	int rc = VOICE_EINPUT;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "script '%s': expected a JSON object with hook, intro, points, cta", path);
		goto done;
	}
	json_t *points = json_object_get(root, "points");
	if (points && !json_is_array(points)) {
		snprintf(err, errlen, "script '%s': \"points\" must be an array", path);
		goto done;
	}
	rc = VOICE_ENOMEM;
	if (add_section(s, "hook", json_string_value(json_object_get(root, "hook"))) ||
	    add_section(s, "intro", json_string_value(json_object_get(root, "intro"))))
		goto done;
	for (size_t i = 0; i < json_array_size(points); i++) {
		json_t *pt = json_array_get(points, i);
		const char *t = json_is_string(pt) ? json_string_value(pt)
						    : json_string_value(json_object_get(pt, "text"));
		char name[32];
		snprintf(name, sizeof name, "point%u", (unsigned)(i + 1) % 100000u);
		if (add_section(s, name, t))
			goto done;
	}
	if (add_section(s, "cta", json_string_value(json_object_get(root, "cta"))))
		goto done;
	const char *lang = json_string_value(json_object_get(root, "language"));
	if (lang && *lang && !(s->lang = strdup(lang)))
		goto done;
	rc = 0;
	if (s->n == 0) {
		snprintf(err, errlen, "script '%s': nothing to narrate (no hook, intro, points[].text or cta)", path);
		rc = VOICE_EINPUT;
	}
done:
	if (rc == VOICE_ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc < 0)
		voice_script_free(s);
	json_decref(root);
	return rc;
}

void voice_script_free(voice_script *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->sec[i].text);
	free(s->sec);
	free(s->lang);
	memset(s, 0, sizeof *s);
}

/* ---- decoding and resampling -------------------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v);

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A streamed WAV (espeak-ng --stdout, OpenAI's wav) declares a data size it does not hold;
 * libavformat then reports a corrupt packet. Returns a copy with the sizes made true, or NULL
 * when data is not such a WAV. */
static unsigned char *fix_wav(const unsigned char *d, size_t len)
{
	if (len < 12 || len > 0x7FFFFFFF || memcmp(d, "RIFF", 4) || memcmp(d + 8, "WAVE", 4))
		return NULL;
	for (size_t off = 12; off + 8 <= len;) {
		uint32_t sz = get32(d + off + 4);
		if (!memcmp(d + off, "data", 4)) {
			if (sz <= len - off - 8)
				return NULL;
			unsigned char *c = malloc(len);
			if (!c)
				return NULL;
			memcpy(c, d, len);
			put32(c + 4, (uint32_t)(len - 8));
			put32(c + off + 4, (uint32_t)((len - off - 8) & ~(size_t)1));
			return c;
		}
		off += 8 + (size_t)sz + (sz & 1);
	}
	return NULL;
}

int voice_decode(const void *data, size_t len, voice_clip *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	unsigned char *fixed = fix_wav(data, len);
	AVFormatContext *fmt = NULL;
	media_audio_opts o = {1, 0, 0, -1, 0}; /* mono at the reply's own rate */
	vidc_err e;
	float *pcm = NULL;
	int64_t n = 0;
	int rate = 0, rc = media_open_memory(&fmt, fixed ? fixed : data, len, &e);
	if (rc && rc != VE_NOMEM)
		snprintf(err, errlen, "the reply is not audio that can be decoded (%zu bytes)", len);
	else if (!rc && (rc = media_decode_audio(fmt, &o, &pcm, &n, &rate, &e)) && rc != VE_NOMEM)
		snprintf(err, errlen, "the reply holds no audio that can be decoded: %s", e.msg);
	if (rc == VE_NOMEM)
		snprintf(err, errlen, "out of memory");
	else if (rc)
		rc = VOICE_ETRANSIENT;
	media_close(&fmt);
	free(fixed);
	if (!rc && n > LONG_MAX / 2) {
		free(pcm);
		snprintf(err, errlen, "the reply's audio is too long");
		return VOICE_EINPUT;
	}
	out->pcm = pcm;
	out->n = (long)n;
	out->rate = rate;
	return rc;
}

int voice_resample(voice_clip *c, int rate, char *err, size_t errlen)
{
	if (c->rate == rate)
		return 0;
	float *o;
	int64_t n;
	vidc_err e;
	int rc = media_resample(c->pcm, c->n, 1, c->rate, rate, &o, &n, &e);
	if (rc) {
		snprintf(err, errlen, "%s", e.msg);
		return rc == VE_NOMEM ? VOICE_ENOMEM : VOICE_EPROVIDER;
	}
	free(c->pcm);
	c->pcm = o;
	c->n = (long)n;
	c->rate = rate;
	return 0;
}

/* ---- speed -------------------------------------------------------------------------------- */

/* WSOLA (Verhelst & Roelands, "An overlap-add technique based on waveform similarity", ICASSP
 * 1993): 40 ms Hann windows laid down every 20 ms of output, each taken from near speed x its
 * output position in the input, shifted by up to 8 ms to the place most similar to the natural
 * continuation of the window before, so pitch is kept and no phase jumps are heard. */
int voice_stretch(voice_clip *c, double speed, char *err, size_t errlen)
{
	if (speed <= 0 || fabs(speed - 1.0) < 0.005 || c->n == 0)
		return 0;
	long W = (long)(c->rate * 0.04) & ~1L, H = W / 2, tol = (long)(c->rate * 0.008);
	if (W < 16 || c->n < W + 2 * tol + H) {
		/* Too short to stretch: leave as is. */
		return 0;
	}
	long frames = (long)((double)(c->n - W - tol - H) / (H * speed)) + 1;
	long outn = frames * H + W;
	float *o = calloc((size_t)outn, sizeof(float));
	float *win = malloc(sizeof(float) * (size_t)W);
	if (!o || !win) {
		free(o);
		free(win);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	for (long i = 0; i < W; i++)
		win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * (double)i / W));
	long prev = 0;
	for (long k = 0; k < frames; k++) {
		long nominal = (long)llround((double)k * H * speed), pos = nominal;
		if (k > 0) {
			long target = prev + H, lo = nominal - tol, hi = nominal + tol;
			if (lo < 0)
				lo = 0;
			if (hi + W > c->n)
				hi = c->n - W;
			double best = -1e300;
			for (long cand = lo; cand <= hi; cand++) {
				double sum = 0;
				/* Every second sample of the overlap is enough to find the best shift. */
				for (long i = 0; i < H && target + i < c->n; i += 2)
					sum += (double)c->pcm[target + i] * c->pcm[cand + i];
				if (sum > best)
					best = sum, pos = cand;
			}
		}
		if (pos + W > c->n)
			break;
		for (long i = 0; i < W; i++)
			o[k * H + i] += c->pcm[pos + i] * win[i];
		prev = pos;
	}
	free(win);
	free(c->pcm);
	c->pcm = o;
	c->n = outn;
	for (int i = 0; i < c->nwords; i++) {
		c->words[i].start /= speed;
		c->words[i].end /= speed;
	}
	return 0;
}

/* ---- the whole voiceover ------------------------------------------------------------------ */

void voice_track_free(voice_track *t)
{
	free(t->pcm);
	free(t->text);
	free(t->words);
	free(t->sections);
	memset(t, 0, sizeof *t);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* One section: synthesise with retries, give it timings, bring it to VOICE_RATE. */
static int speak_section(const voice_provider *p, const voice_opts *o, const voice_section *sec,
			 voice_clip *c, char *err, size_t errlen)
{
	char e[1024] = "";
	int rc = VOICE_ETRANSIENT, attempts = o->attempts > 0 ? o->attempts : 3;
	for (int a = 1; a <= attempts; a++) {
		if (o->cancel && *o->cancel) {
			snprintf(err, errlen, "cancelled");
			return VOICE_ECANCELED;
		}
		rc = p->synth(o, sec->text, c, e, sizeof e);
		if (rc == 0 && c->n == 0) {
			voice_clip_free(c);
			snprintf(e, sizeof e, "%s returned no audio", p->name);
			rc = VOICE_ETRANSIENT;
		}
		if (rc != VOICE_ETRANSIENT)
			break;
		if (a < attempts) {
			if (o->log)
				fprintf(o->log, "vidc: voice: section '%s': %s; trying again (%d of %d)\n", sec->name, e,
					a + 1, attempts);
			sleep_ms(250L << (a - 1));
		}
	}
	if (rc < 0) {
		snprintf(err, errlen, "section '%s': %s", sec->name, e);
		return rc;
	}
	/* What the provider cannot do of the speed asked for, WSOLA does. */
	double native = o->speed;
	if (native < p->speed_min)
		native = p->speed_min;
	if (native > p->speed_max)
		native = p->speed_max;
	if (p->speed_max <= 0)
		native = 1.0;
	if ((rc = voice_stretch(c, o->speed / native, e, sizeof e)) < 0) {
		voice_clip_free(c);
		snprintf(err, errlen, "section '%s': %s", sec->name, e);
		return rc;
	}
	voice_word *w = NULL;
	int nw = voice_split_words(sec->text, &w);
	if (nw < 0) {
		voice_clip_free(c);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	free(w);
	if (c->words && c->nwords != nw) {
		/* A provider's own timings that do not cover the text are dropped and re-aligned. */
		free(c->words);
		c->words = NULL;
		c->nwords = 0;
	}
	if (!c->words) {
		voice_opts r = *o;
		r.voice = NULL;
		voice_clip ref;
		rc = voice_espeak.synth(&r, sec->text, &ref, e, sizeof e);
		if (rc == 0) {
			rc = voice_align(&ref, c, e, sizeof e);
			voice_clip_free(&ref);
		} else if (rc == VOICE_EPROVIDER) {
			if (o->log)
				fprintf(o->log, "vidc: voice: section '%s': %s; word times are spread evenly instead\n",
					sec->name, e);
			rc = voice_align_even(sec->text, c, e, sizeof e);
		}
		if (rc < 0) {
			voice_clip_free(c);
			snprintf(err, errlen, "section '%s': aligning the words: %s", sec->name, e);
			return rc;
		}
	}
	if ((rc = voice_resample(c, VOICE_RATE, e, sizeof e)) < 0) {
		voice_clip_free(c);
		snprintf(err, errlen, "section '%s': %s", sec->name, e);
	}
	return rc;
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static int ends_with_any(const char *s, size_t n, const char *marks)
{
	while (n > 0 && (s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ')'))
		n--;
	return n > 0 && strchr(marks, s[n - 1]) != NULL;
}

/* The length of the first piece of text (at most max bytes) to send on its own: up to the last
 * sentence end that fits, else the last clause end (, ; :), else the last whole word, else max
 * bytes cut at a UTF-8 boundary. Providers limit the input (OpenAI 4096 characters; Bark speaks
 * about 13 s per request), and a shorter piece is also a cheaper retry. */
static size_t piece_len(const char *text, size_t max)
{
	size_t n = strlen(text);
	if (max == 0 || n <= max)
		return n;
	size_t sentence = 0, clause = 0, word = 0;
	for (size_t i = 0; i < max;) {
		while (i < n && isspace((unsigned char)text[i]))
			i++;
		size_t st = i;
		while (i < n && !isspace((unsigned char)text[i]))
			i++;
		if (i > max || i == st)
			break;
		word = i;
		if (ends_with_any(text + st, i - st, ".!?"))
			sentence = i;
		else if (ends_with_any(text + st, i - st, ",;:"))
			clause = i;
	}
	size_t cut = sentence ? sentence : clause ? clause : word;
	if (!cut) {
		cut = utf8_floor(text, max);
		if (!cut) /* the first character alone is longer than max: keep it whole */
			cut = utf8_prefix(text, 1);
	}
	return cut;
}

/* Appends clip c (VOICE_RATE, with words whose offsets index text_base) to t after gap samples,
 * trimmed to its sound plus VOICE_PAD_S on either side. */
static int append_clip(voice_track *t, long *pcmcap, long *wcap, voice_clip *c, long gap, size_t text_base,
		       const char *name, const char *provider, char *err, size_t errlen)
{
	long pad = (long)(VOICE_PAD_S * VOICE_RATE), first, last;
	voice_sound_bounds(c->pcm, c->n, c->rate, &first, &last);
	if (last < 0) {
		snprintf(err, errlen, "section '%s': %s returned silence", name, provider);
		return VOICE_EPROVIDER;
	}
	long a = first - pad > 0 ? first - pad : 0, b = last + 1 + pad < c->n ? last + 1 + pad : c->n;
	if (t->n == 0)
		gap = 0;
	long need = t->n + gap + (b - a);
	if (need > *pcmcap) {
		float *q = realloc(t->pcm, sizeof(float) * (size_t)(need * 2));
		if (!q)
			goto oom;
		t->pcm = q;
		*pcmcap = need * 2;
	}
	if (t->nwords + c->nwords > *wcap) {
		long wc = (t->nwords + c->nwords) * 2 + 16;
		voice_word *q = realloc(t->words, sizeof *q * (size_t)wc);
		if (!q)
			goto oom;
		t->words = q;
		*wcap = wc;
	}
	memset(t->pcm + t->n, 0, sizeof(float) * (size_t)gap);
	t->n += gap;
	double t0 = (double)t->n / VOICE_RATE, cut = (double)a / c->rate, len = (double)(b - a) / c->rate;
	memcpy(t->pcm + t->n, c->pcm + a, sizeof(float) * (size_t)(b - a));
	t->n += b - a;
	for (int k = 0; k < c->nwords; k++) {
		voice_word w = c->words[k];
		w.offset += (int)text_base;
		w.start = t0 + clampd(w.start - cut, 0, len);
		w.end = t0 + clampd(w.end - cut, 0, len);
		t->words[t->nwords++] = w;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return VOICE_ENOMEM;
}

/* One request's worth of text: a section, or a piece of a long one. */
typedef struct {
	int sec;
	size_t off; /* bytes into the section's text */
	voice_section piece;
	voice_clip clip;
	int rc;
	char err[1024];
} job;

typedef struct {
	const voice_provider *p;
	const voice_opts *o;
	job *jobs;
	int njobs, next, failed;
	pthread_mutex_t lock;
	int done; /* pieces spoken, for o->on_progress */
} queue;

/* Worker: takes jobs in order until none are left or one has failed for good. */
static void *work(void *arg)
{
	queue *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		if (q->o->cancel && *q->o->cancel)
			q->failed = 1;
		int j = q->failed ? q->njobs : q->next++;
		pthread_mutex_unlock(&q->lock);
		if (j >= q->njobs)
			return NULL;
		job *jb = &q->jobs[j];
		jb->rc = speak_section(q->p, q->o, &jb->piece, &jb->clip, jb->err, sizeof jb->err);
		pthread_mutex_lock(&q->lock);
		if (jb->rc < 0)
			q->failed = 1;
		int done = ++q->done;
		pthread_mutex_unlock(&q->lock);
		if (jb->rc == 0 && q->o->on_progress)
			q->o->on_progress(q->o->progress_ud, done, q->njobs);
	}
}

/* Splits every section into jobs. Returns the count, or VOICE_ENOMEM. */
static int make_jobs(const voice_provider *p, const voice_script *s, job **out)
{
	int n = 0, cap = s->n + 4;
	job *jobs = calloc((size_t)cap, sizeof *jobs);
	if (!jobs)
		return VOICE_ENOMEM;
	for (int i = 0; i < s->n; i++)
		for (size_t off = 0; s->sec[i].text[off];) {
			const char *rest = s->sec[i].text + off;
			size_t len = piece_len(rest, p->max_chars);
			if (n == cap) {
				job *q = realloc(jobs, sizeof *q * (size_t)(cap *= 2));
				if (!q)
					goto oom;
				jobs = q;
			}
			memset(&jobs[n], 0, sizeof jobs[n]);
			jobs[n].sec = i;
			jobs[n].off = off;
			jobs[n].piece = s->sec[i];
			if (!(jobs[n].piece.text = strndup(rest, len)))
				goto oom;
			n++;
			off += len;
			while (isspace((unsigned char)s->sec[i].text[off]))
				off++;
		}
	*out = jobs;
	return n;
oom:
	for (int k = 0; k < n; k++)
		free(jobs[k].piece.text);
	free(jobs);
	return VOICE_ENOMEM;
}

int voice_make(const voice_opts *o0, const voice_script *s, voice_track *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	voice_opts o = *o0;
	o.lang = voice_lang(o0, s->lang);
	if (!o.provider)
		o.provider = "espeak";
	if (o.speed <= 0)
		o.speed = 1.0;
	const voice_provider *p = voice_provider_find(o.provider);
	if (!p) {
		snprintf(err, errlen, "unknown voice provider '%s' (espeak, openai, elevenlabs, coqui, piper, bark)", o.provider);
		return VOICE_EINPUT;
	}
	job *jobs = NULL;
	int njobs = make_jobs(p, s, &jobs);
	size_t textcap = 1;
	for (int i = 0; i < s->n; i++)
		textcap += strlen(s->sec[i].text) + 2;
	long pcmcap = 0, wcap = 0;
	t->text = malloc(textcap);
	t->sections = calloc((size_t)(s->n ? s->n : 1), sizeof *t->sections);
	if (njobs < 0 || !t->text || !t->sections) {
		for (int k = 0; k < njobs; k++)
			free(jobs[k].piece.text);
		free(jobs);
		voice_track_free(t);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}

	/* Synthesis, several requests at a time for the HTTP providers (espeak is one engine
	 * behind a lock, so one thread). */
	queue q = {p, &o, jobs, njobs, 0, 0, PTHREAD_MUTEX_INITIALIZER, 0};
	int nthreads = o.jobs > 0 ? o.jobs : p == &voice_espeak ? 1 : 4;
	if (nthreads > njobs)
		nthreads = njobs;
	pthread_t th[16];
	if (nthreads > 16)
		nthreads = 16;
	int started = 0;
	for (; started < nthreads - 1; started++)
		if (pthread_create(&th[started], NULL, work, &q) != 0)
			break;
	work(&q);
	for (int k = 0; k < started; k++)
		pthread_join(th[k], NULL);

	/* Assembly, in order; the first failure (in narration order) is the one reported. */
	int rc = 0;
	for (int k = 0; k < njobs && rc == 0; k++)
		if (jobs[k].rc < 0) {
			snprintf(err, errlen, "%s", jobs[k].err);
			rc = jobs[k].rc;
		}
	if (rc == 0 && o.cancel && *o.cancel) {
		snprintf(err, errlen, "cancelled");
		rc = VOICE_ECANCELED;
	}
	if (rc == 0 && q.next < njobs && !q.failed) {
		snprintf(err, errlen, "internal error: not every section was spoken");
		rc = VOICE_EPROVIDER;
	}
	t->text[0] = 0;
	size_t textlen = 0, base = 0;
	for (int k = 0; k < njobs && rc == 0; k++) {
		int i = jobs[k].sec;
		if (jobs[k].off == 0) {
			if (i > 0)
				textlen += (size_t)sprintf(t->text + textlen, "\n\n");
			base = textlen;
			textlen += (size_t)sprintf(t->text + textlen, "%s", s->sec[i].text);
			snprintf(t->sections[t->nsections].name, sizeof t->sections[0].name, "%s", s->sec[i].name);
			t->sections[t->nsections].first = t->nwords;
			t->nsections++;
		}
		long gap = (long)((jobs[k].off == 0 ? VOICE_GAP_S : VOICE_PIECE_GAP_S) * VOICE_RATE);
		rc = append_clip(t, &pcmcap, &wcap, &jobs[k].clip, gap, base + jobs[k].off, s->sec[i].name, p->name,
				 err, errlen);
		t->sections[t->nsections - 1].last = t->nwords - 1;
	}
	for (int k = 0; k < njobs; k++) {
		free(jobs[k].piece.text);
		voice_clip_free(&jobs[k].clip);
	}
	free(jobs);
	if (rc < 0)
		voice_track_free(t);
	return rc;
}

/* ---- files -------------------------------------------------------------------------------- */

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

int voice_write_wav(const char *path, const float *pcm, long n, int rate, char *err, size_t errlen)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
		return VOICE_EIO;
	}
	unsigned char h[44];
	uint32_t bytes = (uint32_t)n * 2;
	memcpy(h, "RIFF", 4);
	put32(h + 4, 36 + bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	put16(h + 20, 1); /* PCM */
	put16(h + 22, 1); /* mono */
	put32(h + 24, (uint32_t)rate);
	put32(h + 28, (uint32_t)rate * 2);
	put16(h + 32, 2);
	put16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	put32(h + 40, bytes);
	int ok = fwrite(h, 1, 44, f) == 44;
	unsigned char buf[8192];
	for (long i = 0; ok && i < n;) {
		int k = 0;
		for (; k < (int)sizeof buf / 2 && i < n; k++, i++) {
			float v = pcm[i] * 32767.0f;
			long s = lrintf(v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v);
			put16(buf + 2 * k, (unsigned)(s & 0xFFFF));
		}
		ok = fwrite(buf, 2, (size_t)k, f) == (size_t)k;
	}
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		return VOICE_EIO;
	}
	return 0;
}

/* Times with millisecond precision (SPEC.md §6); rounding is monotonic, so order survives it. */
static json_t *ms(double s)
{
	return json_real(round(s * 1000.0) / 1000.0);
}

/* One word and one section a line, so the file reads (and diffs) like SPEC.md's example. */
static int write_timing_json(json_t *root, const char *path)
{
	const size_t fl = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9) | JSON_ENCODE_ANY;
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int bad = 0;
	const char *keys[] = {"version", "text", "duration"};
	for (int k = 0; k < 3; k++) {
		char *v = json_dumps(json_object_get(root, keys[k]), fl);
		bad |= !v || fprintf(f, "%s\"%s\": %s,\n", k ? " " : "{", keys[k], v) < 0;
		free(v);
	}
	const char *lists[] = {"words", "sections"};
	for (int k = 0; k < 2; k++) {
		json_t *a = json_object_get(root, lists[k]);
		bad |= fprintf(f, " \"%s\": [", lists[k]) < 0;
		for (size_t i = 0; i < json_array_size(a); i++) {
			char *v = json_dumps(json_array_get(a, i), fl);
			bad |= !v || fprintf(f, "%s\n  %s", i ? "," : "", v) < 0;
			free(v);
		}
		bad |= fprintf(f, "\n ]%s\n", k ? "}" : ",") < 0;
	}
	if (fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

int voice_write_timing(const char *path, const voice_track *t, char *err, size_t errlen)
{
	json_t *root = json_object(), *words = json_array(), *secs = json_array();
	int bad = !root || !words || !secs;
	if (!bad) {
		bad |= json_object_set_new(root, "version", json_integer(1));
		bad |= json_object_set_new(root, "text", json_string(t->text));
		bad |= json_object_set_new(root, "duration", ms((double)t->n / VOICE_RATE));
		for (int i = 0; i < t->nwords; i++) {
			const voice_word *w = &t->words[i];
			json_t *o = json_object();
			bad |= !o || json_object_set_new(o, "text", json_stringn(t->text + w->offset, (size_t)w->length)) ||
			       json_object_set_new(o, "start", ms(w->start)) || json_object_set_new(o, "end", ms(w->end)) ||
			       json_object_set_new(o, "offset", json_integer(w->offset)) ||
			       json_object_set_new(o, "length", json_integer(w->length)) || json_array_append_new(words, o);
		}
		for (int i = 0; i < t->nsections; i++) {
			json_t *o = json_object();
			bad |= !o || json_object_set_new(o, "name", json_string(t->sections[i].name)) ||
			       json_object_set_new(o, "first_word", json_integer(t->sections[i].first)) ||
			       json_object_set_new(o, "last_word", json_integer(t->sections[i].last)) ||
			       json_array_append_new(secs, o);
		}
		json_object_set(root, "words", words);
		json_object_set(root, "sections", secs);
	}
	json_decref(words);
	json_decref(secs);
	if (bad) {
		json_decref(root);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int rc = write_timing_json(root, tmp);
	json_decref(root);
	if (rc != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		return VOICE_EIO;
	}
	return 0;
}
