/*
 * rt_audio.c - the mix: a loud looping music bed and a voice that speaks from 1 s to 2 s.
 * Checks: nothing exceeds the limiter ceiling, the music is ducked while the voice speaks and
 * comes back after, the 1 s music file loops to the end, fade-in starts from silence, the
 * ducking gain moves smoothly (no clicks), a missing file is an error naming the asset, and an
 * MP4 with the mix carries an AAC track as long as the video.
 */
#include "rt_test.h"

#include "../../runtime/audio.h"

#define SR 48000

static void make_wavs(const char *dir)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "ffmpeg -v error -y -f lavfi -i 'sine=frequency=200:sample_rate=44100:duration=1' "
		 "-af volume=7 -ac 2 '%s/music.wav' && "
		 "ffmpeg -v error -y -f lavfi -i \"aevalsrc='if(between(t,1,2),0.5*sin(2*PI*1000*t),0)':s=22050:d=3\" "
		 "-ac 1 '%s/voice.wav' && "
		 "ffmpeg -v error -y -f lavfi -i 'sine=frequency=300:sample_rate=48000:duration=3' "
		 "-af volume=7 -ac 2 '%s/clip.wav'",
		 dir, dir, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "ffmpeg failed to make test audio\n");
		exit(2);
	}
}

static int audio_node(ir_program *p, const char *path, const char *role, int loop, double duck,
		      double fin)
{
	ir_node *n = ir_node_add(p, IR_AUDIO);
	n->u.audio.path = arena_strdup(p->arena, path);
	n->u.audio.src = n->u.audio.path;
	n->u.audio.role = role;
	n->u.audio.gain = ir_curve_const(p, 1);
	n->u.audio.loop = loop;
	n->u.audio.duck = duck;
	n->u.audio.fade_in = fin;
	n->file = "a.vid";
	n->line = 20;
	n->col = 1;
	return n->id;
}

/* Power of frequency hz in x[0..n) (left channel of interleaved stereo), Goertzel. */
static double tone(const float *x, int n, double hz)
{
	double w = 2 * M_PI * hz / SR, c = 2 * cos(w), s1 = 0, s2 = 0;
	for (int i = 0; i < n; i++) {
		double s0 = x[2 * i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	double pw = s1 * s1 + s2 * s2 - c * s1 * s2;
	return sqrt(pw) / n * 2;
}

int main(void)
{
	const char *dir = check_tmpdir();
	make_wavs(dir);
	char music[256], voice[256], clip[256], err[512];
	snprintf(clip, sizeof clip, "%s/clip.wav", dir);
	snprintf(music, sizeof music, "%s/music.wav", dir);
	snprintf(voice, sizeof voice, "%s/voice.wav", dir);

	ir_program *p = t_prog(64, 64, 90); /* 3 s */
	int mu = audio_node(p, music, "music", 1, 0.25, 0.3);
	int vo = audio_node(p, voice, "voice", 0, 1, 0);
	/* a loud clip under everything: music + clip alone peak near 1.75, so the limiter works */
	int cl = audio_node(p, clip, "clip", 0, 1, 0);
	ir_node *mix = ir_node_add(p, IR_MIX); /* after the last audio_node: adding moves nodes */
	mix->u.mix.inputs = t_ids(p, 3, mu, vo, cl);
	mix->u.mix.ninputs = 3;
	mix->u.mix.true_peak = -1;
	p->mix = mix->id;
	int sc = t_scene(p, 0, 90, NULL, 0);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);

	aud_mix_t *m;
	int rc = aud_open(&m, p, 0, NULL, err, sizeof err);
	CHECK(rc == 0, "aud_open: %s", err);
	if (rc == 0) {
		const int N = 3 * SR;
		float *x = malloc(sizeof(float) * 2 * N);
		for (int i = 0; i < N; i += 1000)
			aud_read(m, x + 2 * i, N - i < 1000 ? N - i : 1000);
		aud_free(m);
		double peak = 0;
		for (int i = 0; i < 2 * N; i++)
			peak = fmax(peak, fabs(x[i]));
		double ceil = pow(10, -1.0 / 20);
		printf("rt_audio: peak %.4f (ceiling %.4f)\n", peak, ceil);
		CHECK(peak <= ceil + 1e-4, "peak %.4f over the ceiling", peak);
		CHECK(peak > 0.8, "the limiter must not crush everything (%.3f)", peak);
		double fade0 = tone(x, 480, 200); /* the music alone: the clip's 300 Hz is orthogonal */
		CHECK(fade0 < 0.05, "fade-in starts near silence (%.3f)", fade0);
		double before = tone(x + 2 * (int)(0.5 * SR), SR / 4, 200);
		double during = tone(x + 2 * (int)(1.4 * SR), SR / 4, 200);
		double after = tone(x + 2 * (int)(2.6 * SR), SR / 4, 200); /* music looped by now */
		double v = tone(x + 2 * (int)(1.4 * SR), SR / 4, 1000);
		printf("rt_audio: music 200 Hz before %.3f, under the voice %.3f, after %.3f; voice %.3f\n",
		       before, during, after, v);
		CHECK(during < before * 0.4, "music ducked under the voice (%.3f vs %.3f)", during, before);
		CHECK(after > before * 0.7, "music back (and looping) after the voice (%.3f)", after);
		CHECK(v > 0.3, "voice audible (%.3f)", v);
		/* ducking is smooth: the music's 10 ms envelope never jumps by more than 3 dB */
		double prev = -1, worst = 0;
		for (int b = 60; b < 290; b++) {
			double e = tone(x + 2 * b * 480, 480, 200) + 1e-6;
			if (prev > 0)
				worst = fmax(worst, fabs(20 * log10(e / prev)));
			prev = e;
		}
		printf("rt_audio: largest 10 ms step of the music level %.2f dB\n", worst);
		CHECK(worst < 3, "ducking steps by %.2f dB in 10 ms", worst);
		free(x);
	}

	/* an MP4 with the mix: an AAC track as long as the video */
	char out[256], cmd[512], txt[512];
	snprintf(out, sizeof out, "%s/a.mp4", dir);
	rt_render_opts o = {0};
	o.output = out;
	rc = rt_render(p, &o, err, sizeof err);
	CHECK(rc == 0, "rt_render: %s", err);
	snprintf(cmd, sizeof cmd,
		 "ffprobe -v error -select_streams a -show_entries stream=codec_name,sample_rate,channels,duration "
		 "-of default=noprint_wrappers=1 '%s'",
		 out);
	FILE *f = popen(cmd, "r");
	size_t n = f ? fread(txt, 1, sizeof txt - 1, f) : 0;
	txt[n] = 0;
	if (f)
		pclose(f);
	CHECK(strstr(txt, "codec_name=aac") && strstr(txt, "sample_rate=48000") && strstr(txt, "channels=2"),
	      "AAC 48 kHz stereo: %s", txt);
	const char *d = strstr(txt, "duration=");
	CHECK(d && fabs(atof(d + 9) - 3.0) < 0.05, "audio duration: %s", txt);

	/* a missing file names the asset and the spec line */
	p->nodes[vo].u.audio.path = "/nonexistent/voice.mp3";
	p->nodes[vo].u.audio.src = "voice.mp3";
	rc = aud_open(&m, p, 0, NULL, err, sizeof err);
	CHECK(rc < 0, "missing audio must fail");
	CHECK(strstr(err, "a.vid:20:1: error:") && strstr(err, "voice.mp3"), "message: %s", err);
	if (rc == 0)
		aud_free(m);
	ir_program_free(p);
	return check_done();
}
