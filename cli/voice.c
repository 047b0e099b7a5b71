/*
 * voice.c - `vidc voice` (script JSON or a short preview text -> WAV + word timings, through
 * stage_voice of pipeline/stage.h) and `vidc voices` (a provider's voices, pipeline/voice.h).
 *
 * Exit status: 0 success, 1 input or provider errors, 2 usage errors.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define F(x) offsetof(cli_args, x)

const char cli_voice_usage[] =
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

static const cli_opt o_provider = {"--provider", NULL, OPT_STR, F(provider), 0, 0, NULL};
static const cli_opt o_voice = {"--voice", NULL, OPT_STR, F(voice), 0, 0, NULL};
static const cli_opt o_speed = {"--speed", NULL, OPT_NUM, F(speed), 0.5, 3.0, "a number from 0.5 to 3 (1 = normal)"};
static const cli_opt o_lang = {"--lang", NULL, OPT_STR, F(lang), 0, 0, NULL};
static const cli_opt o_base_url = {"--base-url", NULL, OPT_STR, F(base_url), 0, 0, NULL};
static const cli_opt o_timeout = {"--timeout", NULL, OPT_NUM, F(timeout), 1, 1e9, "milliseconds"};
static const cli_opt o_jobs = {"--jobs", NULL, OPT_INT, F(jobs), 1, 16, "a number from 1 to 16"};
static const cli_opt o_timing = {"--timing", NULL, OPT_STR, F(timing), 0, 0, NULL};
static const cli_opt o_preview = {"--preview", NULL, OPT_STR, F(preview), 0, 0, NULL};

const cli_opt *const cli_voice_opts[] = {&o_provider, &o_voice, &o_speed, &o_lang, &o_base_url, &o_timeout,
					 &o_jobs, &o_timing, &cli_opt_output, &o_preview, NULL};
const cli_opt *const cli_voices_opts[] = {&o_provider, &o_base_url, &o_voice, &o_lang, &o_timeout, NULL};

/* The provider options of a. 0 or the exit status 2. */
static int voice_options(cli_args *a, voice_opts *o)
{
	memset(o, 0, sizeof *o);
	if (a->provider && !voice_provider_find(a->provider))
		return cli_usage(a, "unknown provider '%s' (espeak, openai, elevenlabs, coqui, piper, bark)", a->provider);
	o->provider = a->provider;
	o->voice = a->voice;
	o->lang = a->lang;
	o->base_url = a->base_url;
	o->speed = a->speed > 0 ? a->speed : 1.0;
	o->timeout_ms = (long)a->timeout;
	o->jobs = a->jobs;
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

/* The timings go beside the audio: voice.wav -> voice.json. 0 or the exit status 2. */
static int timing_path(cli_args *a, char *buf, size_t n)
{
	if (a->timing) {
		snprintf(buf, n, "%s", a->timing);
		return 0;
	}
	snprintf(buf, n, "%s", a->output);
	char *dot = strrchr(buf, '.'), *slash = strrchr(buf, '/');
	if (dot && (!slash || dot > slash))
		*dot = 0;
	size_t l = strlen(buf);
	snprintf(buf + l, n - l, ".json");
	if (!strcmp(buf, a->output))
		return cli_usage(a, "the timings would overwrite '%s'; give --timing PATH", a->output);
	return 0;
}

int cli_voice(cli_args *a)
{
	const char *input = a->npos ? a->pos[0] : NULL;
	if (a->npos > 1)
		return cli_usage(a, "unexpected argument '%s'", a->pos[1]);
	if (a->preview && input)
		return cli_usage(a, "give a script or --preview, not both (%s)", input);
	if (!a->preview && !input)
		return cli_usage(a, "no script given");
	if (!a->output)
		return cli_usage(a, "no output given (-o VOICE.wav)");
	if (a->preview && utf8_chars(a->preview) > VOICE_PREVIEW_MAX)
		return cli_usage(a, "--preview takes at most 200 characters; this text has %d", utf8_chars(a->preview));
	if (a->preview && !a->preview[strspn(a->preview, " \t\n")])
		return cli_usage(a, "--preview needs some text");
	char timing[4096];
	stage_voice_opts o = {.script = input, .preview = a->preview, .wav = a->output, .timing = timing};
	int rc = voice_options(a, &o.voice);
	if (!rc)
		rc = timing_path(a, timing, sizeof timing);
	if (rc)
		return rc;
	if (input && (same_file(timing, input) || same_file(a->output, input)))
		return cli_usage(a, "the output would overwrite the script '%s'", input);
	stage_cb cb;
	if ((rc = cli_callbacks(a, &cb)))
		return rc;
	stage_voice_result r;
	vidc_err e = {0};
	if (stage_voice(&o, &cb, &r, &e))
		return cli_error(a, &e);
	fprintf(stderr, "vidc: wrote %s (%.2fs, %d words, %d sections) and %s\n", a->output, r.seconds, r.words,
		r.sections, timing);
	return 0;
}

int cli_voices(cli_args *a)
{
	voice_opts o;
	if (a->npos)
		return cli_usage(a, "unexpected argument '%s'", a->pos[0]);
	int rc = voice_options(a, &o);
	if (rc)
		return rc;
	const voice_provider *p = voice_provider_find(o.provider ? o.provider : "espeak");
	char err[2048];
	if (p->list(&o, stdout, err, sizeof err) < 0) {
		fprintf(stderr, "vidc: voices: %s\n", err);
		return 1;
	}
	return 0;
}
