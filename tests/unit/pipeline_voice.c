/*
 * pipeline_voice.c - the voice stage with the embedded espeak provider: every word of the
 * narration timed in order without overlaps, the timing file accepted by the compiler's loader,
 * its end within 50 ms of the WAV's real duration, Spanish and German text, word splitting that
 * matches the compiler's, and the accuracy of voice_align() against espeak's exact timings.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "../../base/arena.h"
#include "../../compiler/timing.h"
#include "../../pipeline/voice.h"
#include "../../pipeline/voice_align.h"



static char dir[] = "/tmp/vidc-voice-XXXXXX";


/* Makes the voice of a script, writes it, reads both files back and checks the contract. */
static void check_voice(const char *name, const char *script_json, const char *lang, double speed)
{
	char spath[512], wpath[512], tpath[512], err[1024];
	snprintf(spath, sizeof spath, "%s/%s.script.json", dir, name);
	snprintf(wpath, sizeof wpath, "%s/%s.wav", dir, name);
	snprintf(tpath, sizeof tpath, "%s/%s.json", dir, name);
	FILE *f = fopen(spath, "w");
	fputs(script_json, f);
	fclose(f);
	voice_script s;
	int rc = voice_script_load(spath, &s, err, sizeof err);
	CHECK(rc == 0, "%s: %s", name, err);
	if (rc)
		return;
	voice_opts o = {.provider = "espeak", .lang = lang, .speed = speed};
	voice_track t;
	rc = voice_make(&o, &s, &t, err, sizeof err);
	CHECK(rc == 0, "%s: %s", name, err);
	if (rc) {
		voice_script_free(&s);
		return;
	}
	CHECK(voice_write_wav(wpath, t.pcm, t.n, VOICE_RATE, err, sizeof err) == 0, "%s", err);
	CHECK(voice_write_timing(tpath, &t, err, sizeof err) == 0, "%s", err);

	/* The compiler accepts the file (order, no overlaps, nothing past the end). */
	arena_t *a = arena_new();
	timing_t *tm = timing_load(a, tpath, NULL, err, sizeof err);
	CHECK(tm != NULL, "%s: timing_load: %s", name, err);
	/* Every word of the text, as the compiler splits it, in order. */
	voice_word *w;
	int nw = voice_split_words(t.text, &w);
	CHECK(tm && tm->nwords == nw, "%s: %d words timed, the text has %d", name, tm ? tm->nwords : -1, nw);
	for (int i = 0; tm && i < nw && i < tm->nwords; i++) {
		CHECK(tm->words[i].offset == w[i].offset && tm->words[i].length == w[i].length &&
			      !strncmp(tm->words[i].text, t.text + w[i].offset, (size_t)w[i].length),
		      "%s: word %d is '%s'", name, i, tm->words[i].text);
		if (i > 0)
			CHECK(tm->words[i].start >= tm->words[i - 1].end, "%s: word %d '%s' overlaps", name, i,
			      tm->words[i].text);
	}
	free(w);
	/* Sections in order hook, intro, point1.., cta, covering every word. */
	CHECK(tm && tm->nsections == s.n, "%s: %d sections", name, tm ? tm->nsections : -1);
	for (int i = 0; tm && i < tm->nsections; i++) {
		CHECK(!strcmp(tm->sections[i].name, s.sec[i].name), "%s: section %d is %s", name, i, tm->sections[i].name);
		CHECK(tm->sections[i].first == (i ? tm->sections[i - 1].last + 1 : 0), "%s: section gap", name);
	}
	CHECK(tm && tm->sections[tm->nsections - 1].last == tm->nwords - 1, "%s: last section", name);

	/* The end of the timings against the WAV's real length, decoded. */
	size_t n;
	char *wav = check_slurp(wpath, &n);
	voice_clip c;
	CHECK(wav && voice_decode(wav, n, &c, err, sizeof err) == 0, "%s: decode: %s", name, err);
	if (wav && c.pcm && tm) {
		double real = (double)c.n / c.rate;
		double last_end = tm->words[tm->nwords - 1].end;
		CHECK(fabs(tm->duration - real) < 0.002, "%s: duration %.3f, WAV %.3f", name, tm->duration, real);
		CHECK(fabs(last_end - real) <= 0.050, "%s: last word ends at %.3f, the audio at %.3f", name, last_end, real);
		CHECK(c.rate == VOICE_RATE, "%s: rate %d", name, c.rate);
		/* The first word starts within 50 ms of the start. */
		CHECK(tm->words[0].start <= 0.050, "%s: first word at %.3f", name, tm->words[0].start);
		printf("%s: %d words, %d sections, %.2fs audio, last word ends %.0f ms before\n", name, tm->nwords,
		       tm->nsections, real, (real - last_end) * 1000);
		voice_clip_free(&c);
	}
	free(wav);
	arena_free(a);
	voice_track_free(&t);
	voice_script_free(&s);
}

/* Alignment accuracy: espeak at speed 1.3 plays the provider whose audio has no timings; its
 * exact timings are the truth. voice_align warps the speed-1.0 timings onto it. A different voice
 * (British English, other vowels and rhythm) at another speed is the harder case. */
static void check_alignment(const char *text, const char *voice, double speed, double *mean_ms, double *max_ms)
{
	char err[512];
	voice_opts o1 = {.provider = "espeak", .lang = "en", .speed = 1.0};
	voice_opts o2 = o1;
	o2.speed = speed;
	o2.voice = voice;
	voice_clip ref, truth, real;
	CHECK(voice_espeak.synth(&o1, text, &ref, err, sizeof err) == 0, "%s", err);
	CHECK(voice_espeak.synth(&o2, text, &truth, err, sizeof err) == 0, "%s", err);
	real = truth;
	real.words = NULL;
	real.nwords = 0;
	CHECK(voice_align(&ref, &real, err, sizeof err) == 0, "%s", err);
	CHECK(real.nwords == truth.nwords, "aligned %d words of %d", real.nwords, truth.nwords);
	double sum = 0, mx = 0;
	for (int i = 0; i < real.nwords; i++) {
		double e = fabs(real.words[i].start - truth.words[i].start) * 1000;
		sum += e;
		if (e > mx)
			mx = e;
		if (i > 0)
			CHECK(real.words[i].start >= real.words[i - 1].end, "aligned word %d overlaps", i);
	}
	*mean_ms = real.nwords ? sum / real.nwords : 0;
	*max_ms = mx;
	free(real.words);
	voice_clip_free(&ref);
	voice_clip_free(&truth);
}

/* WSOLA keeps pitch and scales length: a 220 Hz tone made 1.3x faster and 0.7x slower. */
static void check_stretch(void)
{
	char err[256];
	for (int k = 0; k < 2; k++) {
		double speed = k ? 0.7 : 1.3;
		voice_clip c = {0};
		c.rate = 24000;
		c.n = 48000;
		c.pcm = malloc(sizeof(float) * (size_t)c.n);
		for (long i = 0; i < c.n; i++)
			c.pcm[i] = (float)(0.5 * sin(2 * M_PI * 220.0 * (double)i / c.rate));
		CHECK(voice_stretch(&c, speed, err, sizeof err) == 0, "%s", err);
		double want = 48000 / speed;
		CHECK(fabs(c.n - want) < 0.03 * want, "stretch %.1f: %ld samples, want about %.0f", speed, c.n, want);
		/* Rising zero crossings over the steady middle give the pitch. */
		long a = c.n / 4, b = 3 * c.n / 4, up = 0;
		for (long i = a + 1; i < b; i++)
			up += c.pcm[i - 1] < 0 && c.pcm[i] >= 0;
		double hz = up * (double)c.rate / (double)(b - a);
		CHECK(fabs(hz - 220) < 4, "stretch %.1f: pitch %.1f Hz, want 220", speed, hz);
		voice_clip_free(&c);
	}
}

/* Replies come as WAV, MP3, FLAC...: stereo 44.1 kHz MP3 and FLAC made by ffmpeg decode to mono. */
static void check_decode(void)
{
	static const char *const ext[] = {"mp3", "flac", "ogg"};
	for (int k = 0; k < 3; k++) {
		char path[512], cmd[1024], err[256];
		snprintf(path, sizeof path, "%s/tone.%s", dir, ext[k]);
		snprintf(cmd, sizeof cmd,
			 "ffmpeg -v error -y -f lavfi -i 'sine=frequency=440:duration=1:sample_rate=44100' -ac 2 '%s'", path);
		if (system(cmd) != 0) {
			printf("decode: ffmpeg cannot make a %s file here, skipped\n", ext[k]);
			continue;
		}
		size_t n;
		char *data = check_slurp(path, &n);
		voice_clip c;
		CHECK(data && voice_decode(data, n, &c, err, sizeof err) == 0, "%s: %s", ext[k], err);
		if (data && c.pcm) {
			CHECK(c.rate == 44100, "%s: rate %d", ext[k], c.rate);
			CHECK(fabs((double)c.n / c.rate - 1.0) < 0.06, "%s: %.3f s", ext[k], (double)c.n / c.rate);
			voice_clip_free(&c);
		}
		free(data);
	}
	char err[256];
	voice_clip c;
	CHECK(voice_decode("not audio at all", 16, &c, err, sizeof err) == VOICE_ETRANSIENT, "garbage decoded");
}

/* Chinese and Japanese: a word ends after a clause mark, so captions can break there. */
static void check_cjk_split(void)
{
	voice_word *w = NULL;
	/* 朝の光、体内時計。GPS で */
	const char *t = "\xe6\x9c\x9d\xe3\x81\xae\xe5\x85\x89\xe3\x80\x81\xe4\xbd\x93\xe5\x86\x85"
			"\xe6\x99\x82\xe8\xa8\x88\xe3\x80\x82GPS \xe3\x81\xa7";
	int n = voice_split_words(t, &w);
	CHECK(n == 4, "%d words, want 4 (two clauses, GPS, a particle)", n);
	if (n == 4) {
		CHECK(w[0].offset == 0 && w[0].length == 12, "first clause %d+%d", w[0].offset, w[0].length);
		CHECK(w[1].offset == 12 && w[1].length == 15, "second clause %d+%d", w[1].offset, w[1].length);
		CHECK(w[2].offset == 27 && w[2].length == 3, "GPS %d+%d", w[2].offset, w[2].length);
	}
	free(w);
}

int main(void)
{
	check_cjk_split();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	check_voice("english",
		    "{\"hook\": \"Cold brew is easy, and it's cheap.\","
		    " \"intro\": \"The ratio is 1:4 \\u2014 that's one to four. Steep it for 12-24 hours!\","
		    " \"points\": [{\"text\": \"Grind the beans coarse.\", \"duration_est\": 3},"
		    "              {\"text\": \"Wait a day, then enjoy the coffee.\"}],"
		    " \"cta\": \"Follow for more (it's free).\", \"language\": \"en-US\"}",
		    NULL, 1.0);
	check_voice("fast", "{\"hook\": \"Speed matters: 3.5x faster, 100% sure.\", \"cta\": \"Go, go, go!\"}", NULL, 1.4);
	check_voice("spanish",
		    "{\"hook\": \"\\u00bfPor qu\\u00e9 el caf\\u00e9 fr\\u00edo es tan f\\u00e1cil?\","
		    " \"points\": [{\"text\": \"Mu\\u00e9lelo grueso, a\\u00f1ade agua y espera un d\\u00eda.\"}],"
		    " \"cta\": \"\\u00a1S\\u00edguenos!\", \"language\": \"es\"}",
		    NULL, 1.1);
	check_voice("german",
		    "{\"hook\": \"Kaltgebr\\u00fchter Kaffee ist gr\\u00f6\\u00dfer als gedacht.\","
		    " \"intro\": \"M\\u00fcller \\u00fcber Stra\\u00dfen \\u2014 f\\u00fcnf \\u00c4pfel, \\u00fcbrigens.\"}",
		    "de-DE", 1.0);

	/* Script problems are errors with the file named. */
	char err[512], p[512];
	voice_script s;
	snprintf(p, sizeof p, "%s/empty.json", dir);
	FILE *f = fopen(p, "w");
	fputs("{\"hook\": \"  \", \"points\": []}", f);
	fclose(f);
	CHECK(voice_script_load(p, &s, err, sizeof err) == VOICE_EINPUT && strstr(err, "nothing to narrate"), "%s", err);
	snprintf(p, sizeof p, "%s/broken.json", dir);
	f = fopen(p, "w");
	fputs("{\"hook\": ", f);
	fclose(f);
	CHECK(voice_script_load(p, &s, err, sizeof err) == VOICE_EINPUT && strstr(err, "broken.json"), "%s", err);

	/* Language tags to espeak voices. */
	char b[64];
	CHECK(!strcmp(voice_espeak_name("de-DE", b, sizeof b), "de"), "%s", b);
	CHECK(!strcmp(voice_espeak_name("zh", b, sizeof b), "cmn"), "%s", b);
	CHECK(!strcmp(voice_espeak_name("en", b, sizeof b), "en-us"), "%s", b);
	CHECK(!strcmp(voice_espeak_name("ja", b, sizeof b), "ja"), "%s", b);
	CHECK(!strcmp(voice_espeak_name("es-MX", b, sizeof b), "es-419"), "%s", b);

	check_stretch();
	check_decode();

	/* Alignment accuracy. */
	static const char *const texts[] = {
		"Cold brew is easy, and it's cheap. The ratio is one to four, by weight. Grind the beans "
		"coarse, add cold water, and wait a full day. Then strain it twice and enjoy the coffee.",
		"Most people think coffee needs heat. It does not. Time does the work instead, slowly, "
		"while you sleep, and the result is smoother and less bitter than anything you brew hot.",
	};
	static const struct {
		const char *voice;
		double speed;
	} cases[] = {{"en-us", 1.3}, {"en-us", 0.8}, {"en-gb-x-rp", 1.2}, {"en-us+f3", 0.9}};
	double worst_mean = 0, worst_max = 0;
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			double mean, mx;
			check_alignment(texts[i], cases[k].voice, cases[k].speed, &mean, &mx);
			printf("alignment, text %d, espeak %s at speed %.1f (reference en-us at 1.0): mean word start "
			       "error %.1f ms, max %.1f ms\n", i + 1, cases[k].voice, cases[k].speed, mean, mx);
			if (mean > worst_mean)
				worst_mean = mean;
			if (mx > worst_max)
				worst_max = mx;
		}
	}
	CHECK(worst_mean <= 80, "mean alignment error %.1f ms", worst_mean);
	CHECK(worst_max <= 300, "max alignment error %.1f ms", worst_max);

	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
