/*
 * voice_espeak.c - the embedded provider: libespeak-ng in synchronous mode. Its WORD events carry
 * the exact sample where each word starts and the word's position in the text, so timings need
 * no guessing. Also the reference that voice_align() warps onto other providers' audio.
 *
 * espeak-ng keeps global state (voice, rate, the one callback), so every call holds one mutex.
 * Event text positions count characters (code points), from 1, not bytes; they are mapped back
 * to byte offsets and then to the compiler's words (white-space separated), since espeak splits
 * differently ("12-24" is several words to it, "—" none).
 */
#include "voice.h"

#include <ctype.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/utf8.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int sample_rate; /* 0 until initialised, -1 when initialisation failed */

typedef struct {
	short *pcm;
	long n, cap;
	struct ev {
		long sample;
		int pos; /* 1-based character position */
	} *ev;
	int nev, evcap;
	int oom;
} collect;

static int on_synth(short *wav, int num, espeak_EVENT *events)
{
	collect *c = events ? events->user_data : NULL;
	if (!c)
		return 0;
	if (num > 0 && wav) {
		if (c->n + num > c->cap) {
			long cap = (c->n + num) * 2;
			short *p = realloc(c->pcm, sizeof(short) * (size_t)cap);
			if (!p) {
				c->oom = 1;
				return 1; /* abort synthesis */
			}
			c->pcm = p;
			c->cap = cap;
		}
		memcpy(c->pcm + c->n, wav, sizeof(short) * (size_t)num);
		c->n += num;
	}
	for (espeak_EVENT *e = events; e->type != espeakEVENT_LIST_TERMINATED; e++) {
		if (e->type != espeakEVENT_WORD)
			continue;
		if (c->nev == c->evcap) {
			int cap = c->evcap ? c->evcap * 2 : 64;
			struct ev *p = realloc(c->ev, sizeof(struct ev) * (size_t)cap);
			if (!p) {
				c->oom = 1;
				return 1;
			}
			c->ev = p;
			c->evcap = cap;
		}
		c->ev[c->nev].sample = e->sample;
		c->ev[c->nev].pos = e->text_position;
		c->nev++;
	}
	return 0;
}

static int init_locked(char *err, size_t errlen)
{
	if (sample_rate == 0) {
		sample_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
		if (sample_rate <= 0)
			sample_rate = -1;
		else
			espeak_SetSynthCallback(on_synth);
	}
	if (sample_rate < 0) {
		snprintf(err, errlen, "espeak: libespeak-ng could not be initialised (is espeak-ng-data installed?)");
		return VOICE_EPROVIDER;
	}
	return 0;
}

const char *voice_espeak_name(const char *bcp47, char *buf, size_t n)
{
	/* Lower-case, '_' -> '-'. */
	size_t i = 0;
	for (; bcp47 && bcp47[i] && i + 1 < n; i++)
		buf[i] = bcp47[i] == '_' ? '-' : (char)tolower((unsigned char)bcp47[i]);
	buf[i] = 0;
	static const char *const map[][2] = {
		{"en", "en-us"},	   {"en-gb", "en-gb"},	   {"en-uk", "en-gb"},	  {"zh", "cmn"},
		{"zh-cn", "cmn"},	   {"zh-hans", "cmn"},	   {"zh-tw", "cmn-latn-pinyin"},
		{"zh-hk", "yue"},	   {"zh-hant", "cmn"},	   {"yue", "yue"},	  {"cmn", "cmn"},
		{"pt", "pt-br"},	   {"pt-br", "pt-br"},	   {"pt-pt", "pt"},	  {"no", "nb"},
		{"nb", "nb"},		   {"nn", "nb"},	   {"es-mx", "es-419"},	  {"es-419", "es-419"},
		{"es-ar", "es-419"},	   {"fr-ca", "fr"},	   {"fil", "tl"},	  {"iw", "he"},
		{"in", "id"},		   {"fa", "fa"},	   {"sr", "sr"},	  {"hy", "hy"},
	};
	for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
		if (!strcmp(buf, map[k][0])) {
			snprintf(buf, n, "%s", map[k][1]);
			return buf;
		}
	if (!strncmp(buf, "en-", 3) && strcmp(buf, "en-us"))
		return buf; /* en-gb-x-rp and the like exist as such */
	if (!strncmp(buf, "en-", 3))
		return buf;
	if (!strncmp(buf, "zh-", 3)) {
		snprintf(buf, n, "cmn");
		return buf;
	}
	/* Otherwise the primary subtag: "de-DE" -> "de", "ja-JP" -> "ja". */
	char *dash = strchr(buf, '-');
	if (dash)
		*dash = 0;
	if (!buf[0])
		snprintf(buf, n, "en-us");
	return buf;
}

/* Character position (1-based code points) -> byte offset in text. */
static int char_to_byte(const char *text, int len, int pos)
{
	int chars = 0;
	for (int i = 0; i < len; i++) {
		if (utf8_is_cont((unsigned char)text[i]))
			continue;
		if (++chars == pos)
			return i;
	}
	return len;
}

/* What `espeak-ng -v en-gb` does when no voice file has that name: choose by language. */
static espeak_ERROR set_by_language(const char *name)
{
	char lang[64];
	snprintf(lang, sizeof lang, "%s", name);
	lang[strcspn(lang, "+")] = 0;
	if (!lang[0])
		return EE_NOT_FOUND;
	espeak_VOICE want = {0};
	want.languages = lang;
	if (espeak_SetVoiceByProperties(&want) != EE_OK)
		return EE_NOT_FOUND;
	/* It falls back to some voice when nothing matches: accept only one whose first language
	 * has the primary subtag asked for. languages = priority byte, name, NUL, ... */
	espeak_VOICE *got = espeak_GetCurrentVoice();
	if (!got || !got->languages || !got->languages[0])
		return EE_NOT_FOUND;
	const char *l = got->languages + 1;
	size_t n = strcspn(lang, "-");
	return strcspn(l, "-") == n && !strncasecmp(l, lang, n) ? EE_OK : EE_NOT_FOUND;
}

/* espeak-ng opens a voice name as a file under its data folder, so a name with a slash (or one
   starting with a dot) reads any file on the machine as a voice, and a file that is not one
   crashes the library: names (which may hold commas, quotes and UTF-8: K'iche', Māori) go
   through, paths and control bytes do not. */
static bool voice_espeak_name_ok(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 64)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			return false;
	return true;
}

static int espeak_synth(const voice_opts *o, const char *text, voice_clip *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	voice_word *w = NULL;
	int nw = voice_split_words(text, &w);
	if (nw < 0) {
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	char vbuf[64];
	const char *vname = o->voice && *o->voice ? o->voice : voice_espeak_name(o->lang ? o->lang : "en", vbuf, sizeof vbuf);
	double speed = o->speed > 0 ? o->speed : 1.0;
	int rate = (int)(espeakRATE_NORMAL * speed + 0.5);
	if (rate < espeakRATE_MINIMUM)
		rate = espeakRATE_MINIMUM;
	if (rate > espeakRATE_MAXIMUM)
		rate = espeakRATE_MAXIMUM;
	if (!voice_espeak_name_ok(vname)) {
		free(w);
		snprintf(err, errlen, "espeak: '%s' is not a voice name (no slashes; list them with: vidc voices --provider espeak)", vname);
		return VOICE_EPROVIDER;
	}
	collect c = {0};
	pthread_mutex_lock(&lock);
	int rc = init_locked(err, errlen);
	if (rc == 0 && espeak_SetVoiceByName(vname) != EE_OK && set_by_language(vname) != EE_OK) {
		snprintf(err, errlen, "espeak: no voice '%s' (list them with: vidc voices --provider espeak)", vname);
		rc = VOICE_EPROVIDER;
	}
	if (rc == 0) {
		espeak_SetParameter(espeakRATE, rate, 0);
		espeak_SetParameter(espeakPUNCTUATION, espeakPUNCT_NONE, 0);
		unsigned int uid = 0;
		if (espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, &uid, &c) != EE_OK ||
		    espeak_Synchronize() != EE_OK) {
			snprintf(err, errlen, "espeak: synthesis failed");
			rc = VOICE_EPROVIDER;
		}
	}
	int sr = sample_rate;
	pthread_mutex_unlock(&lock);
	if (rc == 0 && c.oom) {
		snprintf(err, errlen, "out of memory");
		rc = VOICE_ENOMEM;
	}
	if (rc == 0 && !(out->pcm = malloc(sizeof(float) * (size_t)(c.n ? c.n : 1)))) {
		snprintf(err, errlen, "out of memory");
		rc = VOICE_ENOMEM;
	}
	if (rc < 0) {
		free(c.pcm);
		free(c.ev);
		free(w);
		return rc;
	}
	for (long i = 0; i < c.n; i++)
		out->pcm[i] = c.pcm[i] / 32768.0f;
	out->n = c.n;
	out->rate = sr;
	free(c.pcm);

	/* Event -> word: the word holding the event's byte, or the next one when the event points
	 * at white space. The first event of a word gives its start. */
	int len = (int)strlen(text);
	long *start = malloc(sizeof(long) * (size_t)(nw ? nw : 1));
	if (!start) {
		free(c.ev);
		free(w);
		voice_clip_free(out);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	for (int i = 0; i < nw; i++)
		start[i] = -1;
	int k = 0;
	for (int e = 0; e < c.nev; e++) {
		/* espeak-ng 1.51 sometimes sends a stray WORD event at position 0 after a clause
		 * ends; positions past the text are as useless. */
		if (c.ev[e].pos <= 0)
			continue;
		int b = char_to_byte(text, len, c.ev[e].pos);
		if (b >= len)
			continue;
		while (k < nw && w[k].offset + w[k].length <= b)
			k++;
		if (k < nw && start[k] < 0)
			start[k] = c.ev[e].sample < 0 ? 0 : c.ev[e].sample > c.n ? c.n : c.ev[e].sample;
	}
	free(c.ev);
	if (voice_timings_from_starts(out, w, nw, start) < 0) {
		free(start);
		free(w);
		voice_clip_free(out);
		snprintf(err, errlen, "out of memory");
		return VOICE_ENOMEM;
	}
	free(start);
	out->words = w;
	out->nwords = nw;
	return 0;
}

static int voice_cmp(const void *a, const void *b)
{
	const espeak_VOICE *x = *(const espeak_VOICE *const *)a, *y = *(const espeak_VOICE *const *)b;
	return strcmp(x->languages + 1, y->languages + 1);
}

static int espeak_list(const voice_opts *o, FILE *f, char *err, size_t errlen)
{
	pthread_mutex_lock(&lock);
	int rc = init_locked(err, errlen);
	if (rc == 0) {
		const espeak_VOICE **v = espeak_ListVoices(NULL);
		int n = 0;
		while (v && v[n])
			n++;
		const espeak_VOICE **copy = malloc(sizeof *copy * (size_t)(n ? n : 1));
		if (!copy) {
			rc = VOICE_ENOMEM;
			snprintf(err, errlen, "out of memory");
		} else {
			memcpy(copy, v, sizeof *copy * (size_t)n);
			qsort(copy, (size_t)n, sizeof *copy, voice_cmp);
			/* languages: a priority byte, then a NUL-terminated name, repeated; the first is
			 * the name to pass to --voice. */
			for (int i = 0; i < n; i++)
				fprintf(f, "%s\t%s\n", copy[i]->languages + 1, copy[i]->name);
			free(copy);
		}
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

/* espeak takes 80 to 450 words a minute; 175 is normal. */
const voice_provider voice_espeak = {"espeak", espeak_synth, espeak_list, 0, 80.0 / 175, 450.0 / 175};
