/*
 * rt_audio_stream.c - the soundtrack is streamed from its files, never held whole (audio.c's
 * cursors), and streaming changes no bit:
 *   - memory: a mix of one 4-minute input (8 kHz mono: a 3.8 MB file that is 46 MB as the
 *     48 kHz float the mix reads) is opened, read for 10 s, and opened again at 3:50 (the way a
 *     partial render starts): the process's anonymous memory (RssAnon) grows by less than 8 MB
 *     while it is open (decoding every input whole into memory took +46 MB here);
 *   - bits: three quiet inputs mixed at gain 1 with no fades and no loudness normalisation (the
 *     limiter idle) are their decodings (media_audio_file, whole) summed sample for sample, bit
 *     for bit, from random first samples, across loop wraps and a trim: a 13 s looping MP3 read
 *     through its cursor (the decoder restarts at each wrap), a 3 s looping Vorbis kept whole,
 *     and a 5 s clip that plays once from 20 s.
 */
#include "rt_test.h"

#include "../../base/media.h"
#include "../../runtime/audio.h"

#define SR 48000

/* AddressSanitizer keeps freed memory in quarantine (256 MB) and its own shadow: RssAnon says
 * nothing about the mix there, so the bound is checked in the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		exit(2);
	}
}

static int audio_node(ir_program *p, const char *path, const char *role, int loop, double start,
		      double trim)
{
	ir_node *n = ir_node_add(p, IR_AUDIO);
	n->u.audio.path = arena_strdup(p->arena, path);
	n->u.audio.src = n->u.audio.path;
	n->u.audio.role = role;
	n->u.audio.gain = ir_curve_const(p, 1);
	n->u.audio.loop = loop;
	n->u.audio.duck = 1;
	n->u.audio.start = start;
	n->u.audio.trim_in = trim;
	n->file = "a.vid";
	n->line = 3;
	n->col = 1;
	return n->id;
}

/* The mix node over the given inputs: no loudness target (no normalisation), -1 dBTP. */
static void mix_of(ir_program *p, int n, int a, int b, int c)
{
	ir_node *mix = ir_node_add(p, IR_MIX); /* after the last audio_node: adding moves nodes */
	mix->u.mix.inputs = t_ids(p, n, a, b, c);
	mix->u.mix.ninputs = n;
	mix->u.mix.true_peak = -1;
	p->mix = mix->id;
}

/* This process's anonymous resident memory, kB (/proc/self/status). */
static long rss_anon_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void memory(const char *dir)
{
	const char *longf = check_fmt("%s/long.wav", dir);
	sh(check_fmt("ffmpeg -v error -y -f lavfi -i 'sine=frequency=300:sample_rate=8000:duration=240' "
		     "-af volume=-12dB -ac 1 '%s'",
		     longf));
	ir_program *p = t_prog(64, 64, 240 * 30);
	int a = audio_node(p, longf, "music", 0, 0, 0);
	mix_of(p, 1, a, 0, 0);
	char err[512];
	static float buf[2 * SR];
	long before = rss_anon_kb(), worst = 0;
	for (int k = 0; k < 2; k++) {
		aud_mix_t *m;
		int64_t first = k == 0 ? 0 : 230LL * SR;
		int rc = aud_open(&m, p, first, NULL, err, sizeof err);
		CHECK(rc == 0, "aud_open at %lld: %s", (long long)first, err);
		if (rc)
			break;
		for (int s = 0; s < 10; s++)
			aud_read(m, buf, SR);
		long now = rss_anon_kb();
		worst = now - before > worst ? now - before : worst;
		aud_free(m);
	}
	printf("rt_audio_stream: a 4-minute input (46 MB as float) open: RssAnon +%ld kB at most\n", worst);
	CHECK(before > 0, "RssAnon not found in /proc/self/status");
	if (UNDER_ASAN)
		printf("rt_audio_stream: under AddressSanitizer: the bound is not checked\n");
	else
		CHECK(worst < 8 * 1024, "the mix's memory grows with the input's length: RssAnon +%ld kB", worst);
	ir_program_free(p);
}

/* Decodes path whole the way audio.c reads an input (48 kHz stereo float from trim s on). */
static float *decode(const char *path, double trim, int64_t *n)
{
	media_audio_opts o = {2, SR, (int64_t)llround(trim * SR), -1, 0};
	float *pcm;
	int rate;
	vidc_err e;
	if (media_audio_file(path, &o, &pcm, n, &rate, &e)) {
		fprintf(stderr, "decoding %s: %s\n", path, e.msg);
		exit(2);
	}
	return pcm;
}

static void bits(const char *dir)
{
	const char *fa = check_fmt("%s/a.mp3", dir), *fb = check_fmt("%s/b.ogg", dir),
		   *fc = check_fmt("%s/c.wav", dir);
	sh(check_fmt("ffmpeg -v error -y -f lavfi -i \"aevalsrc='0.2*sin(2*PI*392*t)*(0.6+0.4*sin(2*PI*2*t))|"
		     "0.15*sin(2*PI*587*t)':s=44100:d=13\" -c:a libmp3lame '%s' && "
		     "ffmpeg -v error -y -f lavfi -i 'sine=frequency=523:sample_rate=22050:duration=3' "
		     "-af volume=-16dB -c:a libvorbis '%s' && "
		     "ffmpeg -v error -y -f lavfi -i 'sine=frequency=880:sample_rate=48000:duration=5' "
		     "-af volume=-16dB -ac 2 '%s'",
		     fa, fb, fc));
	const double trim_a = 1.5, start_b = 2, start_c = 20;
	ir_program *p = t_prog(64, 64, 60 * 30);
	int a = audio_node(p, fa, "music", 1, 0, trim_a);
	int b = audio_node(p, fb, "music", 1, start_b, 0);
	int c = audio_node(p, fc, "clip", 0, start_c, 0);
	mix_of(p, 3, a, b, c);
	int64_t na, nb, nc;
	float *ra = decode(fa, trim_a, &na), *rb = decode(fb, 0, &nb), *rc = decode(fc, 0, &nc);
	CHECK(na > 10 * SR && nb > 2 * SR && nb < 10 * SR && nc > 4 * SR, "decoded %lld %lld %lld frames",
	      (long long)na, (long long)nb, (long long)nc);
	static float got[2 * 4 * SR];
	uint32_t seed = 12345;
	int64_t bad = -1, compared = 0;
	for (int trial = 0; trial < 6 && bad < 0; trial++) {
		seed = seed * 1103515245u + 12345u;
		/* the first trial starts at 0; the others anywhere up to 55 s (the video is 60 s) */
		int64_t first = trial == 0 ? 0 : (int64_t)(seed >> 8) % (55LL * SR);
		char err[512];
		aud_mix_t *m;
		int rcode = aud_open(&m, p, first, NULL, err, sizeof err);
		CHECK(rcode == 0, "aud_open: %s", err);
		if (rcode)
			break;
		int n = 4 * SR;
		for (int i = 0; i < n;) { /* read in uneven pieces */
			seed = seed * 1103515245u + 12345u;
			int k = 1 + (int)(seed >> 16) % 3000;
			k = k < n - i ? k : n - i;
			aud_read(m, got + 2 * i, k);
			i += k;
		}
		aud_free(m);
		for (int i = 0; i < n && bad < 0; i++) {
			int64_t s = first + i;
			for (int ch = 0; ch < 2; ch++) {
				float want = 0; /* the mix's order: input by input, as float */
				want += ra[2 * (s % na) + ch];
				if (s >= (int64_t)(start_b * SR))
					want += rb[2 * ((s - (int64_t)(start_b * SR)) % nb) + ch];
				int64_t ic = s - (int64_t)(start_c * SR);
				if (ic >= 0 && ic < nc)
					want += rc[2 * ic + ch];
				if (memcmp(&want, &got[2 * i + ch], sizeof want) != 0)
					bad = s;
			}
			compared++;
		}
		if (bad >= 0)
			printf("rt_audio_stream: trial %d from sample %lld: sample %lld differs\n", trial,
			       (long long)first, (long long)bad);
	}
	printf("rt_audio_stream: %lld stereo samples compared with the whole decodings\n", (long long)compared);
	CHECK(bad < 0, "the streamed mix differs from the whole decodings at sample %lld", (long long)bad);
	free(ra);
	free(rb);
	free(rc);
	ir_program_free(p);
}

int main(void)
{
	const char *dir = check_tmpdir();
	memory(dir);
	bits(dir);
	return check_done();
}
