/*
 * rt_loudness.c - the BS.1770-4 meter of audio.c against EBU Tech 3341's reference signals
 * (1 kHz stereo sine at -23 dBFS reads -23.0 LUFS; the gating case -36/-23/-36 dBFS reads -23.0)
 * and a true-peak case whose samples miss the peak (12 kHz at 45 degrees: samples at -9 dBFS,
 * true peak -6 dBFS). Then the mix: a program with a quiet voice and music comes out at the
 * -14 LUFS target with the true peak under -1 dBTP, and a partial render starting at 4 s gives
 * the same samples as the full one; music alone far below the target is normalised too.
 */
#include "rt_test.h"

#include "../../runtime/audio.h"

#define SR 48000

static double sine_lufs(const double *amp_db, const double *secs, int n, double hz, double phase)
{
	aud_meter_t *mt = aud_meter_new();
	float buf[2 * 1000];
	int64_t s = 0;
	for (int k = 0; k < n; k++) {
		double a = pow(10, amp_db[k] / 20);
		int64_t len = (int64_t)(secs[k] * SR);
		for (int64_t i = 0; i < len; i += 1000) {
			int m = len - i > 1000 ? 1000 : (int)(len - i);
			for (int j = 0; j < m; j++, s++) {
				float v = (float)(a * sin(2 * M_PI * hz * s / SR + phase));
				buf[2 * j] = buf[2 * j + 1] = v;
			}
			aud_meter_feed(mt, buf, m);
		}
	}
	double l = aud_meter_loudness(mt);
	aud_meter_free(mt);
	return l;
}

static double sine_tp(double hz, double amp, double phase)
{
	aud_meter_t *mt = aud_meter_new();
	float buf[2 * SR];
	for (int j = 0; j < SR; j++)
		buf[2 * j] = buf[2 * j + 1] = (float)(amp * sin(2 * M_PI * hz * j / SR + phase));
	aud_meter_feed(mt, buf, SR);
	double tp = aud_meter_true_peak(mt);
	aud_meter_free(mt);
	return tp;
}

static int audio_node(ir_program *p, const char *path, const char *role, double gain)
{
	ir_node *n = ir_node_add(p, IR_AUDIO);
	n->u.audio.path = arena_strdup(p->arena, path);
	n->u.audio.src = n->u.audio.path;
	n->u.audio.role = role;
	n->u.audio.gain = ir_curve_const(p, gain);
	n->u.audio.loop = 1;
	n->u.audio.duck = 0.5;
	n->file = "a.vid";
	n->line = 3;
	n->col = 1;
	return n->id;
}

int main(void)
{
	double l = sine_lufs((double[]){-23}, (double[]){20}, 1, 1000, 0);
	printf("rt_loudness: 1 kHz at -23 dBFS: %.2f LUFS\n", l);
	CHECK(fabs(l + 23) <= 0.1, "%.3f LUFS, want -23.0", l);
	l = sine_lufs((double[]){-36, -23, -36}, (double[]){10, 60, 10}, 3, 1000, 0);
	printf("rt_loudness: -36/-23/-36 dBFS: %.2f LUFS\n", l);
	CHECK(fabs(l + 23) <= 0.1, "gated: %.3f LUFS, want -23.0", l);
	l = sine_lufs((double[]){-80}, (double[]){5}, 1, 1000, 0);
	CHECK(isinf(l) && l < 0, "below the absolute gate: %.3f, want -inf", l);
	double tp = sine_tp(12000, 0.5, M_PI / 4);
	printf("rt_loudness: 12 kHz, samples at -9 dBFS: true peak %.2f dBTP\n", tp);
	CHECK(fabs(tp - 20 * log10(0.5)) <= 0.3, "true peak %.2f dBTP, want -6.02", tp);

	/* the mix: quiet voice (300 Hz, bursts) and music (2 kHz), normalised to -14 LUFS */
	char dir[] = "/tmp/rt_loudness_XXXXXX", cmd[1024], voice[256], music[256];
	if (!mkdtemp(dir))
		return 2;
	snprintf(voice, sizeof voice, "%s/voice.wav", dir);
	snprintf(music, sizeof music, "%s/music.wav", dir);
	snprintf(cmd, sizeof cmd,
		 "ffmpeg -v error -y -f lavfi -i \"aevalsrc='0.05*sin(2*PI*300*t)*between(mod(t,2),0.5,1.5)"
		 "+0.9*between(t,3,3.002)':s=48000:d=6\" -ac 1 '%s' && "
		 "ffmpeg -v error -y -f lavfi -i \"aevalsrc='0.05*sin(2*PI*2000*t)':s=48000:d=1\" -ac 2 '%s'",
		 voice, music);
	if (system(cmd) != 0)
		return 2;
	ir_program *p = t_prog(64, 64, 6 * 30);
	int v = audio_node(p, voice, "voice", 1);
	int m = audio_node(p, music, "music", 0.2);
	ir_node *mix = ir_node_add(p, IR_MIX);
	mix->u.mix.inputs = t_ids(p, 2, v, m);
	mix->u.mix.ninputs = 2;
	mix->u.mix.loudness = -14;
	mix->u.mix.true_peak = -1;
	p->mix = mix->id;
	char err[512];
	aud_stats st;
	CHECK(aud_measure(p, &st, err, sizeof err) == 0, "%s", err);
	printf("rt_loudness: mix from %.2f LUFS, gain %+.2f dB: %.2f LUFS, true peak %.2f dBTP\n",
	       st.input_loudness, st.gain_db, st.loudness, st.true_peak);
	CHECK(fabs(st.loudness + 14) <= 0.5, "%.2f LUFS, want -14", st.loudness);
	CHECK(st.true_peak <= -1, "true peak %.2f dBTP, want <= -1", st.true_peak);

	/* music alone, quiet at the source (about -28 LUFS) and at 20 %: more than 24 dB below the
	 * target, still brought to -14 LUFS (the boost limit counts from the source's own level) */
	ir_program *q = t_prog(64, 64, 6 * 30);
	int qm = audio_node(q, music, "music", 0.2);
	ir_node *qmix = ir_node_add(q, IR_MIX);
	qmix->u.mix.inputs = t_ids(q, 1, qm);
	qmix->u.mix.ninputs = 1;
	qmix->u.mix.loudness = -14;
	qmix->u.mix.true_peak = -1;
	q->mix = qmix->id;
	CHECK(aud_measure(q, &st, err, sizeof err) == 0, "%s", err);
	printf("rt_loudness: music alone from %.2f LUFS, gain %+.2f dB: %.2f LUFS\n",
	       st.input_loudness, st.gain_db, st.loudness);
	CHECK(st.gain_db > 24, "music alone needs more than 24 dB here, got %+.2f", st.gain_db);
	CHECK(fabs(st.loudness + 14) <= 0.5, "music alone: %.2f LUFS, want -14", st.loudness);
	ir_program_free(q);

	/* a partial render from 4 s (its warm-up starts at 2 s) equals the full render from 4 s */
	aud_mix_t *a, *b;
	CHECK(aud_open(&a, p, 0, NULL, err, sizeof err) == 0, "%s", err);
	CHECK(aud_open(&b, p, 4 * SR, NULL, err, sizeof err) == 0, "%s", err);
	static float fa[2 * 5 * SR], fb[2 * SR];
	aud_read(a, fa, 5 * SR);
	aud_read(b, fb, SR);
	double maxd = 0;
	for (int i = 0; i < 2 * SR; i++)
		maxd = fmax(maxd, fabs(fa[2 * 4 * SR + i] - fb[i]));
	printf("rt_loudness: partial vs full render: largest difference %.2g\n", maxd);
	CHECK(maxd < 1e-4, "partial render differs by %g", maxd);
	aud_free(a);
	aud_free(b);
	ir_program_free(p);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done();
}
