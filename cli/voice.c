/*
 * voice.c - `vidc voice` (script JSON or a short preview text -> WAV + word timings) and
 * `vidc voices` (a provider's voices). The library side is pipeline/voice.h.
 *
 * Exit status: 0 success, 1 input or provider errors, 2 usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../pipeline/voice.h"
#include "cmds.h"

static const char *voice_usage =
	"usage: vidc voice SCRIPT.json [options] -o VOICE.wav\n"
	"       vidc voice --preview \"TEXT\" [options] -o CLIP.wav   (at most 200 characters)\n"
	"       vidc voices [--provider P] [--base-url URL]\n"
	"\n"
	"  --provider P      espeak (default, built in), openai, elevenlabs, coqui, piper, bark\n"
	"  --voice V         the provider's voice (vidc voices --provider P lists them)\n"
	"  --speed F         speaking rate, 1.0 = normal (0.5 to 3)\n"
	"  --lang L          language as BCP 47 (es, de-DE, ja); default the script's \"language\", else en\n"
	"  --base-url URL    the provider's endpoint (else VIDC_<PROVIDER>_BASE_URL / _URL)\n"
	"  --timeout MS      per HTTP request (default VIDC_HTTP_TIMEOUT_MS or 120000)\n"
	"  --jobs N          sections synthesised at once (default 4 over HTTP, 1 for espeak)\n"
	"  --timing PATH     where the word timings go (default: VOICE.json beside VOICE.wav)\n"
	"  -o, --output PATH the WAV to write (48 kHz mono 16-bit)\n"
	"Keys: VIDC_OPENAI_API_KEY, VIDC_ELEVENLABS_API_KEY. See SPEC.md \"Voice providers\".\n";

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "vidc: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(run 'vidc voice --help' for usage)\n");
	return 2;
}

typedef struct {
	voice_opts o;
	const char *input, *output, *timing, *preview;
} voice_args;

/* Parses the options common to both commands; returns 0, or 2 after a usage message. */
static int parse(int argc, char **argv, voice_args *a, int allow_input)
{
	memset(a, 0, sizeof *a);
	a->o.speed = 1.0;
	a->o.log = stderr;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(voice_usage, stdout);
			exit(0);
		}
		int has = i + 1 < argc;
		const char *v = has ? argv[i + 1] : NULL;
		if (!strcmp(s, "--provider") || !strcmp(s, "--voice") || !strcmp(s, "--speed") ||
		    !strcmp(s, "--lang") || !strcmp(s, "--base-url") || !strcmp(s, "--timeout") || !strcmp(s, "--jobs") ||
		    !strcmp(s, "--timing") || !strcmp(s, "-o") || !strcmp(s, "--output") || !strcmp(s, "--preview")) {
			if (!has)
				return usage("option '%s' needs a value", s);
			i++;
		}
		if (!strcmp(s, "--provider"))
			a->o.provider = v;
		else if (!strcmp(s, "--voice"))
			a->o.voice = v;
		else if (!strcmp(s, "--lang"))
			a->o.lang = v;
		else if (!strcmp(s, "--base-url"))
			a->o.base_url = v;
		else if (!strcmp(s, "--timing"))
			a->timing = v;
		else if (!strcmp(s, "-o") || !strcmp(s, "--output"))
			a->output = v;
		else if (!strcmp(s, "--preview"))
			a->preview = v;
		else if (!strcmp(s, "--speed")) {
			char *end;
			a->o.speed = strtod(v, &end);
			if (*end || !(a->o.speed >= 0.5 && a->o.speed <= 3.0))
				return usage("--speed takes a number from 0.5 to 3 (1 = normal), not '%s'", v);
		} else if (!strcmp(s, "--jobs")) {
			char *end;
			long j = strtol(v, &end, 10);
			if (*end || j < 1 || j > 16)
				return usage("--jobs takes a number from 1 to 16, not '%s'", v);
			a->o.jobs = (int)j;
		} else if (!strcmp(s, "--timeout")) {
			char *end;
			a->o.timeout_ms = strtol(v, &end, 10);
			if (*end || a->o.timeout_ms <= 0)
				return usage("--timeout takes milliseconds, not '%s'", v);
		} else if (s[0] == '-' && s[1])
			return usage("unknown option '%s'", s);
		else if (allow_input && !a->input)
			a->input = s;
		else
			return usage("unexpected argument '%s'", s);
	}
	if (a->o.provider && !voice_provider_find(a->o.provider))
		return usage("unknown provider '%s' (espeak, openai, elevenlabs, coqui, piper, bark)", a->o.provider);
	return 0;
}

static int same_file(const char *a, const char *b)
{
	struct stat x, y;
	return !strcmp(a, b) || (stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino);
}

static int utf8_chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int cmd_voice(int argc, char **argv)
{
	voice_args a;
	if (parse(argc, argv, &a, 1))
		return 2;
	if (a.preview && a.input)
		return usage("give a script or --preview, not both (%s)", a.input);
	if (!a.preview && !a.input)
		return usage("%s", "no script given");
	if (!a.output)
		return usage("%s", "no output given (-o VOICE.wav)");
	if (a.preview) {
		int n = utf8_chars(a.preview);
		char num[32];
		snprintf(num, sizeof num, "%d", n);
		if (n > VOICE_PREVIEW_MAX)
			return usage("--preview takes at most 200 characters; this text has %s", num);
	}
	/* The timings go beside the audio: voice.wav -> voice.json. */
	char tpath[4096];
	if (!a.timing) {
		snprintf(tpath, sizeof tpath, "%s", a.output);
		char *dot = strrchr(tpath, '.'), *slash = strrchr(tpath, '/');
		if (dot && (!slash || dot > slash))
			*dot = 0;
		size_t l = strlen(tpath);
		snprintf(tpath + l, sizeof tpath - l, ".json");
		if (!strcmp(tpath, a.output))
			return usage("the timings would overwrite '%s'; give --timing PATH", a.output);
	}
	const char *timing = a.timing ? a.timing : tpath;
	if (a.input && (same_file(timing, a.input) || same_file(a.output, a.input)))
		return usage("the output would overwrite the script '%s'", a.input);
	char err[2048];
	voice_script s;
	int rc = a.preview ? voice_script_text(a.preview, &s) : voice_script_load(a.input, &s, err, sizeof err);
	if (rc == 0 && s.n == 0) {
		voice_script_free(&s);
		return usage("%s", "--preview needs some text");
	}
	if (rc < 0) {
		fprintf(stderr, "vidc: %s\n", rc == VOICE_ENOMEM ? "out of memory" : err);
		return 1;
	}
	voice_track t;
	rc = voice_make(&a.o, &s, &t, err, sizeof err);
	voice_script_free(&s);
	if (rc < 0) {
		fprintf(stderr, "vidc: voice: %s\n", err);
		return 1;
	}
	rc = voice_write_wav(a.output, t.pcm, t.n, VOICE_RATE, err, sizeof err);
	if (rc == 0)
		rc = voice_write_timing(timing, &t, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "vidc: %s\n", err);
	else
		fprintf(stderr, "vidc: wrote %s (%.2fs, %d words, %d sections) and %s\n", a.output,
			(double)t.n / VOICE_RATE, t.nwords, t.nsections, timing);
	voice_track_free(&t);
	return rc < 0 ? 1 : 0;
}

int cmd_voices(int argc, char **argv)
{
	voice_args a;
	if (parse(argc, argv, &a, 0))
		return 2;
	const voice_provider *p = voice_provider_find(a.o.provider ? a.o.provider : "espeak");
	char err[2048];
	int rc = p->list(&a.o, stdout, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "vidc: voices: %s\n", err);
		return 1;
	}
	return 0;
}
