/*
 * audio.c - the mix (see audio.h).
 *
 * No input is held whole: memory stays flat in the video's length. Each input is decoded once
 * at open to count its frames (48 kHz stereo from its trim point on; errors are reported there),
 * then streamed (media_audio_reader) by a cursor that keeps a window of the last few hundred
 * milliseconds: the timeline is read in order, so the cursor only moves forward; going back (a
 * loop's wrap, the next loudness pass, which starts again at 0) restarts its decoder, and a
 * partial render reaches its first sample by decoding from the start. Every decoding of a file
 * gives the same samples, so the mix is bit for bit what one decoding held in memory gave. A
 * voice that loops has a second cursor for the ducking's look-ahead (one window would have to
 * span the wrap). A file is so decoded four times in a render (the count, the two loudness
 * passes, the render; a join's mix again): three decodings more than keeping it, about 15 s of
 * CPU for an hour of MP3 narration (against thousands for that hour's frames), where keeping it
 * took 340 MB for an hour of 16-bit mono (bench/README.md, "Session 10: the soundtrack").
 * Keeping the samples in a temporary file instead (a mapping the kernel pages) would move that
 * memory to the page cache, or to shared memory when the temp folder is a tmpfs, not remove it.
 * The mix is produced in 10 ms blocks, never kept whole (the loudness passes only meter it):
 *   - each input: gain curve (interpolated across the block), linear fades at the start and end
 *     of its active range, and for music the ducking gain;
 *   - ducking: the voices' short-term RMS, measured 100 ms ahead so the music is already down
 *     when the first word starts, drives a one-pole envelope (attack ~100 ms, release ~300 ms);
 *   - loudness normalisation (ITU-R BS.1770-4 / EBU R128): before the first sample is handed out
 *     the whole timeline is mixed once and measured (K-weighting, 400 ms blocks every 100 ms,
 *     absolute -70 LUFS and relative -10 LU gates), and one gain brings it to the mix node's
 *     target; a second measuring pass through the limiter corrects for what the limiter took.
 *     The gain depends only on the program, so a partial render is as loud as the full one;
 *   - a look-ahead limiter (5 ms) whose gain is the moving average of a windowed minimum of the
 *     gain each sample needs, which provably keeps every sample under the ceiling with no steps.
 *     The peak it limits is the true peak: the larger of the sample and the signal between it
 *     and the previous one, interpolated 4x (windowed sinc, as BS.1770-4 Annex 2 estimates it),
 *     with a margin under the ceiling for what the AAC encoder adds.
 */
#include "audio.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/media.h"
#include "encode.h"
#include "rterr.h"

#define SR ENC_SAMPLE_RATE
#define BLOCK 480        /* 10 ms */
#define LOOK (SR / 10)   /* ducking detector look-ahead: 100 ms */
#define LIM_L 240        /* limiter look-ahead: 5 ms */
#define VOICE_RMS 0.01   /* about -40 dBFS: the voice is speaking */
#define TP_K 8           /* true-peak interpolator: 2 * TP_K taps per phase */
#define AAC_MARGIN_DB 0.5 /* the limiter aims this far under the true-peak ceiling */
#define MAX_BOOST_DB 24.0 /* normalisation never raises a source more than this above its own level */

enum { ROLE_CLIP, ROLE_VOICE, ROLE_MUSIC };

#define WIN 4800               /* frames a cursor decodes at a time: 100 ms */
#define KEEP (LOOK + 2 * BLOCK) /* frames a cursor keeps behind: the ducking reads 100 ms ahead */
#define LOOP_WHOLE (10 * SR)    /* a looping input this short is kept whole (cursor_fill) */

/* A forward reader of one input's decoded frames: frames [w0, w0 + wn) are in win (stereo
 * interleaved). The decoder is open from the first read until the input's last frame is in the
 * window (r NULL with w0 + wn == len), or until it fails (dead: silence from then on, like an
 * allocation failure in the mix: the samples were all decoded once at open). */
typedef struct {
	media_audio_reader *r;
	float *win; /* 2 (KEEP + WIN) floats, or the whole of a short loop */
	int64_t w0, wn;
	int dead;
} cursor_t;

typedef struct {
	const ir_node *n;
	const char *path;
	media_audio_opts o; /* how the input is decoded (rate, trim, length), the same every time */
	cursor_t cur, look; /* the mix's; the ducking look-ahead's for a looping voice */
	int64_t len;    /* frames the input has */
	int64_t start;  /* timeline sample where the input's frame 0 plays */
	int64_t a0, a1; /* active range on the timeline */
	int64_t end;    /* where the sound really stops (fade-out reference) */
	double fin, fout; /* fade lengths, samples */
	int role, loop;
} input_t;

struct aud_mix {
	const ir_program *p;
	input_t *in;
	int nin, has_voice;
	int64_t pos, mixpos;
	float *ahead; /* raw mix of [pos, mixpos), interleaved */
	int nahead, cap;
	double env; /* ducking envelope 0..1 */
	double ceil;
	double t2prev, t2sum;
	double ring[LIM_L];
	int ringpos;
	float *req, *tgt; /* limiter scratch */
	int scap;
	float hist[2 * TP_K]; /* the last TP_K raw samples before ahead[0], interleaved */
	float *ext;           /* hist + ahead, for the true-peak interpolator */
	int ecap;
	double norm;      /* loudness normalisation gain, linear */
	aud_stats stats;
	volatile int *cancel; /* the caller's stop flag, read by the loudness pass (may be NULL) */
};

/* ---- measuring (ITU-R BS.1770-4) --------------------------------------------------------- */

/* 4x interpolation filter: phase q (0..2 for 1/4, 2/4, 3/4 between samples), tap j. Written
 * once (pthread_once: renders may run on several threads), read-only afterwards. */
static float tp_coef[3][2 * TP_K];
static pthread_once_t tp_once = PTHREAD_ONCE_INIT;

static void tp_fill(void)
{
	for (int q = 0; q < 3; q++) {
		double phi = (q + 1) / 4.0;
		for (int j = -TP_K + 1; j <= TP_K; j++) {
			double u = phi - j; /* distance from sample n + j to n + phi */
			double sinc = sin(M_PI * u) / (M_PI * u);
			double w = 0.5 * (1 + cos(M_PI * u / TP_K));
			tp_coef[q][j + TP_K - 1] = (float)(sinc * w);
		}
	}
}

/* The largest magnitude in the interval (x[0] - 1, x[0]] of the stereo frame x (interleaved):
 * the sample and the three interpolated points before it, the larger of the two channels. x must
 * be readable from x[-2 TP_K] to x[2 (TP_K - 1) + 1]. The six sums (three phases, two channels)
 * are independent chains, each in tap order: the CPU overlaps them (one chain at a time waited
 * on each addition), and each sum is the one a chain of its own would give. */
static inline float true_peak_at(const float *x)
{
	float pk = fmaxf(fabsf(x[0]), fabsf(x[1]));
	const float *base = x - 2 * TP_K; /* frame n + j for n = -1, j = -TP_K + 1 .. TP_K */
	float a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0; /* phases 1/4, 2/4, 3/4; channels */
	for (int j = 0; j < 2 * TP_K; j++) {
		float l = base[2 * j], r = base[2 * j + 1];
		a0 += tp_coef[0][j] * l;
		a1 += tp_coef[0][j] * r;
		b0 += tp_coef[1][j] * l;
		b1 += tp_coef[1][j] * r;
		c0 += tp_coef[2][j] * l;
		c1 += tp_coef[2][j] * r;
	}
	pk = fmaxf(pk, fmaxf(fabsf(a0), fabsf(a1)));
	pk = fmaxf(pk, fmaxf(fabsf(b0), fabsf(b1)));
	return fmaxf(pk, fmaxf(fabsf(c0), fabsf(c1)));
}

struct aud_meter {
	double s1[2][2], s2[2][2]; /* biquad states: [stage][channel], transposed direct form II */
	double acc;                /* sum of squares of the current 100 ms step */
	int nacc;
	double *step; /* sums of squares of every completed 100 ms step */
	int nstep, cap;
	/* the last 2 TP_K stereo samples, for the true peak, each written twice (at r and
	 * r + 2 TP_K), so that they are always whole in order somewhere: no copy a sample */
	float ring[8 * TP_K];
	int64_t n;
	double tp; /* linear */
	int oom;
};

aud_meter_t *aud_meter_new(void)
{
	pthread_once(&tp_once, tp_fill);
	return calloc(1, sizeof(aud_meter_t));
}

void aud_meter_free(aud_meter_t *mt)
{
	if (mt)
		free(mt->step);
	free(mt);
}

/* K-weighting at 48 kHz (BS.1770-4 Table 1 and 2): a high shelf (+4 dB above ~1.5 kHz), then
 * the RLB high-pass (~38 Hz). */
static const double KB[2][3] = {{1.53512485958697, -2.69169618940638, 1.19839281085285},
				{1.0, -2.0, 1.0}};
static const double KA[2][2] = {{-1.69065929318241, 0.73248077421585},
				{-1.99004745483398, 0.99007225036621}};

void aud_meter_feed(aud_meter_t *mt, const float *lr, int n)
{
	for (int i = 0; i < n; i++) {
		double sq = 0;
		for (int c = 0; c < 2; c++) {
			double x = lr[2 * i + c];
			for (int st = 0; st < 2; st++) {
				double y = KB[st][0] * x + mt->s1[st][c];
				mt->s1[st][c] = KB[st][1] * x - KA[st][0] * y + mt->s2[st][c];
				mt->s2[st][c] = KB[st][2] * x - KA[st][1] * y;
				x = y;
			}
			sq += x * x;
		}
		mt->acc += sq;
		if (++mt->nacc == SR / 10) {
			if (mt->nstep == mt->cap) {
				int nc = mt->cap ? mt->cap * 2 : 1024;
				double *ns = realloc(mt->step, sizeof(double) * (size_t)nc);
				if (!ns) {
					mt->oom = 1;
				} else {
					mt->step = ns;
					mt->cap = nc;
				}
			}
			if (mt->nstep < mt->cap)
				mt->step[mt->nstep++] = mt->acc;
			mt->acc = 0;
			mt->nacc = 0;
		}
		/* true peak, TP_K - 1 samples late: the ring holds samples n - 2 TP_K + 1 .. n, in
		 * order from frame (n + 1) % 2 TP_K */
		int r = (int)(mt->n % (2 * TP_K));
		mt->ring[2 * r] = mt->ring[2 * (r + 2 * TP_K)] = lr[2 * i];
		mt->ring[2 * r + 1] = mt->ring[2 * (r + 2 * TP_K) + 1] = lr[2 * i + 1];
		mt->n++;
		if (mt->n >= 2 * TP_K) {
			const float *w = mt->ring + 2 * ((r + 1) % (2 * TP_K));
			float pk = true_peak_at(w + 2 * TP_K);
			if (pk > mt->tp)
				mt->tp = pk;
		}
	}
}

double aud_meter_loudness(const aud_meter_t *mt)
{
	/* 400 ms blocks: four consecutive 100 ms steps */
	int nb = mt->nstep - 3;
	double sum = 0, gate;
	int k = 0;
	for (int pass = 0; pass < 2; pass++) {
		gate = pass == 0 ? -70 : -0.691 + 10 * log10(sum / k) - 10;
		if (pass == 1 && k == 0)
			return -HUGE_VAL;
		sum = 0;
		k = 0;
		for (int b = 0; b < nb; b++) {
			double z = (mt->step[b] + mt->step[b + 1] + mt->step[b + 2] + mt->step[b + 3]) / (0.4 * SR);
			double l = z > 0 ? -0.691 + 10 * log10(z) : -HUGE_VAL;
			if (l > -70 && l > gate) {
				sum += z;
				k++;
			}
		}
	}
	return k ? -0.691 + 10 * log10(sum / k) : -HUGE_VAL;
}

double aud_meter_true_peak(const aud_meter_t *mt)
{
	return mt->tp > 0 ? 20 * log10(mt->tp) : -HUGE_VAL;
}

/* ---- decoding ---------------------------------------------------------------------------- */

/* media_audio_sink for the count at open: the frames are only counted. */
static int count_block(void *ctx, const float *p, int64_t n, vidc_err *e)
{
	return 0;
}

/* Sets in up to decode path from skip seconds on, at most max frames (< 0: all), played speed
 * times faster (resampled to SR / speed and played at SR, so the pitch follows, as a tape
 * would), and counts its frames (in->len) by decoding it once. A file without an audio stream
 * is silence (0 frames) when silent_ok (a video clip without sound), else an error. */
static int decode_input(input_t *in, const char *path, double skip, int64_t max, double speed,
			int silent_ok, char *cause, size_t len)
{
	if (!(speed > 0))
		speed = 1;
	in->path = path;
	in->o = (media_audio_opts){2, (int)lrint(SR / speed), (int64_t)llround(skip * SR / speed), max, silent_ok};
	vidc_err e;
	int rate;
	in->len = 0;
	int rc = media_audio_file_to(path, &in->o, count_block, NULL, &in->len, &rate, &e);
	if (rc)
		err_copy(&e, cause, len);
	return rc;
}

static void cursor_close(cursor_t *c)
{
	media_audio_reader_free(c->r);
	c->r = NULL;
}

static void cursor_free(cursor_t *c)
{
	cursor_close(c);
	free(c->win);
	c->win = NULL;
}

/* Brings frame i (0 <= i < x->len) into c's window: 1, or 0 when it cannot (c is then dead).
 * A looping input of at most LOOP_WHOLE frames is kept whole in the window (a short loop would
 * otherwise reopen its file at every wrap): memory bounded by a constant, not by the video. */
static int cursor_fill(const input_t *x, cursor_t *c, int64_t i)
{
	vidc_err e;
	int whole = x->loop && x->len <= LOOP_WHOLE;
	int64_t cap = whole ? x->len : KEEP + WIN;
	if (c->dead)
		return 0;
	if (i < c->w0) { /* behind the window: decode again from the start */
		cursor_close(c);
		c->w0 = 0;
		c->wn = 0;
	}
	if (!c->win && !(c->win = malloc(sizeof(float) * 2 * (size_t)cap))) {
		c->dead = 1;
		return 0;
	}
	while (i >= c->w0 + c->wn) {
		/* a closed reader is opened again only at frame 0: it is closed after the last frame */
		if (!c->r && (c->w0 + c->wn > 0 || media_audio_reader_open(&c->r, x->path, &x->o, &e))) {
			c->dead = 1;
			return 0;
		}
		int64_t keep = whole || c->wn < KEEP ? c->wn : KEEP;
		memmove(c->win, c->win + 2 * (c->wn - keep), sizeof(float) * 2 * (size_t)keep);
		c->w0 += c->wn - keep;
		int64_t got = media_audio_reader_read(c->r, c->win + 2 * keep, cap - keep, &e);
		c->wn = (int64_t)keep + (got > 0 ? got : 0);
		if (got <= 0) {
			cursor_close(c);
			c->dead = 1;
			return 0;
		}
		if (c->w0 + c->wn >= x->len) /* the input's last frame: its decoder is not needed */
			cursor_close(c);
	}
	return 1;
}

/* ---- mixing ------------------------------------------------------------------------------ */

static int64_t frame_sample(const ir_program *p, int64_t f)
{
	return (int64_t)llround((double)f * SR * p->fps_den / p->fps_num);
}

static int mix_block(aud_mix_t *m);

/* Back to the start of the timeline, as if nothing had been read. */
static void rewind_mix(aud_mix_t *m)
{
	m->pos = m->mixpos = 0;
	m->env = 0;
	m->nahead = 0;
	m->t2prev = 1;
	for (int i = 0; i < LIM_L; i++)
		m->ring[i] = 1;
	m->t2sum = LIM_L;
	m->ringpos = 0;
	memset(m->hist, 0, sizeof m->hist);
}

/* Measures the timeline [0, end): the raw mix (limited 0) or the limiter's output (1). */
static int measure(aud_mix_t *m, int64_t end, int limited, double *lufs, double *tp)
{
	aud_meter_t *mt = aud_meter_new();
	if (!mt)
		return -1;
	rewind_mix(m);
	float buf[2 * 4800];
	while (m->pos < end) {
		if (m->cancel && *m->cancel) { /* a long mix takes seconds: a Ctrl-C must not wait */
			aud_meter_free(mt);
			return -2;
		}
		int k = end - m->pos > 4800 ? 4800 : (int)(end - m->pos);
		if (limited) {
			aud_read(m, buf, k);
			aud_meter_feed(mt, buf, k);
		} else {
			while (m->nahead < k)
				if (mix_block(m)) {
					aud_meter_free(mt);
					return -1;
				}
			aud_meter_feed(mt, m->ahead, k);
			memmove(m->ahead, m->ahead + 2 * k, sizeof(float) * 2 * (size_t)(m->nahead - k));
			m->nahead -= k;
			m->pos += k;
		}
	}
	int oom = mt->oom;
	*lufs = aud_meter_loudness(mt);
	*tp = aud_meter_true_peak(mt);
	aud_meter_free(mt);
	rewind_mix(m);
	return oom ? -1 : 0;
}

/* How far (dB, >= 0) the spec's volumes put the loudest input below its source's own level. The
 * boost limit counts from the sources, not from the mix: music alone at its default 40 % (a level
 * that only means something beside a voice) is brought to the target like any other mix. */
static double volume_headroom_db(const aud_mix_t *m)
{
	double top = 0;
	for (int k = 0; k < m->nin; k++) {
		const ir_curve *c = &m->in[k].n->u.audio.gain;
		for (int i = 0; i < c->n; i++)
			top = fmax(top, c->keys[i].v);
	}
	return top > 0 && top < 1 ? -20 * log10(top) : 0;
}

/* Finds the gain that brings the whole mix to the target loudness (see the top of the file). */
static int normalise(aud_mix_t *m, double target, int64_t end)
{
	double l, tp;
	m->norm = 1;
	int rc = measure(m, end, 0, &l, &tp);
	if (rc)
		return rc;
	m->stats.input_loudness = l;
	if (!isfinite(l)) /* silence, or too short to measure: leave it alone */
		return 0;
	double max_boost = MAX_BOOST_DB + volume_headroom_db(m);
	double g = fmin(target - l, max_boost);
	m->norm = pow(10, g / 20);
	if ((rc = measure(m, end, 1, &l, &tp)))
		return rc;
	/* the limiter took some loudness (peaks pushed over the ceiling): give it back once */
	if (isfinite(l) && fabs(target - l) > 0.05) {
		g = fmin(g + (target - l), max_boost);
		m->norm = pow(10, g / 20);
	}
	m->stats.gain_db = g;
	return 0;
}

int aud_open(aud_mix_t **out, const ir_program *p, int64_t first_sample, volatile int *cancel, char *err,
	     size_t errlen)
{
	*out = NULL;
	aud_mix_t *m = calloc(1, sizeof *m);
	if (!m)
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
	m->cancel = cancel;
	pthread_once(&tp_once, tp_fill);
	m->p = p;
	m->norm = 1;
	m->t2prev = 1;
	m->ceil = pow(10, (-1.0 - AAC_MARGIN_DB) / 20);
	for (int i = 0; i < LIM_L; i++)
		m->ring[i] = 1;
	m->t2sum = LIM_L;
	const ir_node *mix = p->mix >= 0 && p->mix < p->nnodes && p->nodes[p->mix].kind == IR_MIX
				     ? &p->nodes[p->mix] : NULL;
	int64_t video_end = frame_sample(p, p->frames);
	if (mix) {
		if (mix->u.mix.true_peak < 0)
			m->ceil = pow(10, (mix->u.mix.true_peak - AAC_MARGIN_DB) / 20);
		m->in = calloc((size_t)mix->u.mix.ninputs + 1, sizeof *m->in);
		if (!m->in) {
			aud_free(m);
			return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
		}
		for (int i = 0; i < mix->u.mix.ninputs; i++) {
			int id = mix->u.mix.inputs[i];
			if (id < 0 || id >= p->nnodes || p->nodes[id].kind != IR_AUDIO) {
				aud_free(m);
				return rterr_node(VE_INVAL, p, mix, err, errlen,
						  "invalid program: mix input n%d is not audio", id);
			}
			const ir_node *n = &p->nodes[id];
			input_t *in = &m->in[m->nin];
			in->n = n;
			in->loop = n->u.audio.loop;
			in->role = n->u.audio.role && !strcmp(n->u.audio.role, "voice")   ? ROLE_VOICE
				   : n->u.audio.role && !strcmp(n->u.audio.role, "music") ? ROLE_MUSIC
											  : ROLE_CLIP;
			in->start = (int64_t)llround(n->u.audio.start * SR);
			in->a0 = frame_sample(p, n->f0 > 0 ? n->f0 : 0);
			if (in->a0 < in->start)
				in->a0 = in->start;
			in->a1 = frame_sample(p, n->f1 < p->frames ? n->f1 : p->frames);
			if (in->a1 > video_end)
				in->a1 = video_end;
			if (in->a1 <= in->a0)
				continue; /* never audible */
			const char *path = n->u.audio.path ? n->u.audio.path : n->u.audio.src;
			const char *src = n->u.audio.src ? n->u.audio.src : path;
			char cause[256];
			/* a non-looping input is only needed up to the end of its range */
			int64_t max = in->loop ? -1 : in->a1 - in->start;
			/* a video clip's sound follows its picture: the clip's speed and trim end */
			double speed = 1, trim_in = n->u.audio.trim_in > 0 ? n->u.audio.trim_in : 0;
			for (int v = 0; in->role == ROLE_CLIP && v < p->nnodes; v++) {
				const ir_node *vn = &p->nodes[v];
				if (vn->kind != IR_VIDEO || vn->u.video.audio != id)
					continue;
				speed = vn->u.video.speed > 0 ? vn->u.video.speed : 1;
				if (vn->u.video.trim_out > trim_in) {
					int64_t seg = (int64_t)llround((vn->u.video.trim_out - trim_in) * SR / speed);
					if (max < 0 || seg < max)
						max = seg;
				}
			}
			int rc = path ? decode_input(in, path, trim_in, max, speed, in->role == ROLE_CLIP, cause,
						     sizeof cause)
				      : VE_INVAL;
			if (!path)
				snprintf(cause, sizeof cause, "no path");
			if (rc) {
				int clip = in->role == ROLE_CLIP; /* in dies with m */
				aud_free(m);
				/* a clip's sound is read before its first picture: a damaged clip is a
				 * video to its author, not "audio" */
				if (clip)
					return rterr_node(rc, p, n, err, errlen,
							  "cannot decode video '%s': %s (its sound track; a truncated or "
							  "damaged file?)",
							  src ? src : "?", cause);
				return rterr_node(rc, p, n, err, errlen, "cannot decode audio '%s': %s",
						  src ? src : "?", cause);
			}
			if (in->len == 0)
				continue;
			in->end = in->loop ? in->a1 : (in->start + in->len < in->a1 ? in->start + in->len : in->a1);
			in->fin = fmax(n->u.audio.fade_in, 0) * SR;
			in->fout = fmax(n->u.audio.fade_out, 0) * SR;
			if (in->role == ROLE_VOICE)
				m->has_voice = 1;
			m->nin++;
		}
	}
	int nrc = m->nin > 0 && mix && mix->u.mix.loudness < 0 ? normalise(m, mix->u.mix.loudness, video_end) : 0;
	if (nrc) {
		aud_free(m);
		if (nrc == -2)
			return rterr_node(VE_CANCELED, p, NULL, err, errlen, "render cancelled");
		return rterr_node(VE_NOMEM, p, mix, err, errlen, "out of memory measuring the loudness");
	}
	/* Start early enough for the ducking envelope and the limiter to settle, so a partial
	 * render sounds like the same stretch of the full one. */
	int64_t warm = first_sample - 2 * SR;
	m->pos = m->mixpos = warm > 0 ? warm : 0;
	*out = m;
	if (first_sample > m->pos) {
		float junk[2 * 1024];
		while (m->pos < first_sample) {
			int k = first_sample - m->pos > 1024 ? 1024 : (int)(first_sample - m->pos);
			aud_read(m, junk, k);
		}
	}
	return 0;
}

/* Input x at timeline sample s (stereo) through cursor c: 1, or 0 for silence. */
static inline int input_at(const input_t *x, cursor_t *c, int64_t s, float *l, float *r)
{
	if (s < x->a0 || s >= x->end)
		return 0;
	int64_t i = s - x->start;
	if (i < 0)
		return 0;
	if (i >= x->len) {
		if (!x->loop)
			return 0;
		i %= x->len;
	}
	if ((i < c->w0 || i >= c->w0 + c->wn) && !cursor_fill(x, c, i))
		return 0;
	const float *q = c->win + 2 * (i - c->w0);
	*l = q[0];
	*r = q[1];
	return 1;
}

static double fade(const input_t *x, int64_t s)
{
	double g = 1;
	if (x->fin > 0 && s - x->a0 < x->fin)
		g *= (double)(s - x->a0) / x->fin;
	if (x->fout > 0 && x->end - s < x->fout)
		g *= (double)(x->end - s) / x->fout;
	return g < 0 ? 0 : g;
}

static double gain_at(const input_t *x, int64_t s)
{
	const ir_curve *c = &x->n->u.audio.gain;
	return c->n > 0 ? ir_curve_eval(c, (double)s / SR) : 1;
}

/* Mean square of the voices over [s, s + BLOCK). */
static double voice_power(aud_mix_t *m, int64_t s)
{
	double sum = 0;
	for (int k = 0; k < m->nin; k++) {
		input_t *x = &m->in[k];
		cursor_t *c = x->loop ? &x->look : &x->cur;
		if (x->role != ROLE_VOICE || s + BLOCK <= x->a0 || s >= x->end)
			continue;
		for (int j = 0; j < BLOCK; j += 2) {
			float l, r;
			if (input_at(x, c, s + j, &l, &r))
				sum += 0.5 * ((double)l * l + (double)r * r);
		}
	}
	return sum / (BLOCK / 2);
}

static int mix_block(aud_mix_t *m)
{
	if (m->nahead + BLOCK > m->cap) {
		int nc = (m->nahead + BLOCK) * 2;
		float *na = realloc(m->ahead, sizeof(float) * 2 * (size_t)nc);
		if (!na)
			return -1;
		m->ahead = na;
		m->cap = nc;
	}
	float *o = m->ahead + 2 * m->nahead;
	memset(o, 0, sizeof(float) * 2 * BLOCK);
	int64_t s0 = m->mixpos;
	/* ducking envelope for this block: target from the voices 100 ms ahead */
	double env0 = m->env, target = 0;
	if (m->has_voice)
		target = voice_power(m, s0 + LOOK) > VOICE_RMS * VOICE_RMS ? 1 : 0;
	const double ka = 1 - exp(-1.0 / (0.035 * SR)), kr = 1 - exp(-1.0 / (0.12 * SR));
	double kk = target > env0 ? ka : kr;
	for (int k = 0; k < m->nin; k++) {
		input_t *x = &m->in[k];
		if (s0 + BLOCK <= x->a0 || s0 >= x->end)
			continue;
		double g0 = gain_at(x, s0), g1 = gain_at(x, s0 + BLOCK);
		double duck = x->role == ROLE_MUSIC ? x->n->u.audio.duck : 1;
		if (!(duck >= 0))
			duck = 1;
		double env = env0;
		for (int j = 0; j < BLOCK; j++) {
			int64_t s = s0 + j;
			float l, r;
			if (x->role == ROLE_MUSIC && m->has_voice)
				env += (target - env) * kk;
			if (!input_at(x, &x->cur, s, &l, &r))
				continue;
			double g = (g0 + (g1 - g0) * j / BLOCK) * fade(x, s);
			if (x->role == ROLE_MUSIC)
				g *= 1 + (duck - 1) * env;
			o[2 * j] += (float)(l * g);
			o[2 * j + 1] += (float)(r * g);
		}
	}
	if (m->norm != 1)
		for (int j = 0; j < 2 * BLOCK; j++)
			o[j] = (float)(o[j] * m->norm);
	/* advance the envelope by one block (the same recurrence the music used) */
	double env = env0;
	for (int j = 0; j < BLOCK; j++)
		env += (target - env) * kk;
	m->env = env;
	m->nahead += BLOCK;
	m->mixpos += BLOCK;
	return 0;
}

void aud_read(aud_mix_t *m, float *lr, int n)
{
	if (m->nin == 0) {
		memset(lr, 0, sizeof(float) * 2 * (size_t)n);
		m->pos += n;
		return;
	}
	while (m->nahead < n + LIM_L + TP_K)
		if (mix_block(m)) {
			memset(lr, 0, sizeof(float) * 2 * (size_t)n); /* out of memory: silence */
			m->pos += n;
			return;
		}
	int M = n + LIM_L, W = LIM_L + 1;
	if (M > m->scap) {
		float *a = realloc(m->req, sizeof(float) * 4 * (size_t)M);
		if (!a) {
			memset(lr, 0, sizeof(float) * 2 * (size_t)n);
			m->pos += n;
			return;
		}
		m->req = a;
		m->tgt = a + M;
		m->scap = M;
	}
	if (2 * TP_K + M + TP_K > m->ecap) {
		float *e = realloc(m->ext, sizeof(float) * 2 * (size_t)(2 * TP_K + M + TP_K));
		if (!e) {
			memset(lr, 0, sizeof(float) * 2 * (size_t)n);
			m->pos += n;
			return;
		}
		m->ext = e;
		m->ecap = 2 * TP_K + M + TP_K;
	}
	/* ext: TP_K samples of history, then the look-ahead */
	memcpy(m->ext, m->hist, sizeof m->hist);
	memcpy(m->ext + 2 * TP_K, m->ahead, sizeof(float) * 2 * (size_t)(M + TP_K));
	float *req = m->req, *g = m->tgt;
	for (int j = 0; j < M; j++) {
		const float *x = m->ext + 2 * (TP_K + j);
		float pk = true_peak_at(x);
		req[j] = pk > m->ceil ? (float)(m->ceil / pk) : 1.0f;
	}
	/* windowed minimum over [j, j + W) by van Herk / Gil-Werman: with blocks of W samples,
	 * the window is a suffix of one block and a prefix of the next */
	float *pre = g + M, *suf = pre + M;
	for (int i = 0; i < M; i++)
		pre[i] = i % W == 0 ? req[i] : fminf(pre[i - 1], req[i]);
	for (int i = M - 1; i >= 0; i--)
		suf[i] = i % W == W - 1 || i == M - 1 ? req[i] : fminf(suf[i + 1], req[i]);
	for (int j = 0; j < n; j++)
		g[j] = fminf(suf[j], pre[j + W - 1]);
	for (int j = 0; j < n; j++) {
		double t2 = m->t2prev + (1 - m->t2prev) * (1.0 / (0.15 * SR));
		if (g[j] < t2)
			t2 = g[j];
		m->t2prev = t2;
		m->t2sum += t2 - m->ring[m->ringpos];
		m->ring[m->ringpos] = t2;
		m->ringpos = (m->ringpos + 1) % LIM_L;
		double gain = m->t2sum / LIM_L;
		if (gain > 1)
			gain = 1;
		lr[2 * j] = (float)(m->ahead[2 * j] * gain);
		lr[2 * j + 1] = (float)(m->ahead[2 * j + 1] * gain);
	}
	memcpy(m->hist, m->ext + 2 * n, sizeof m->hist); /* the TP_K raw samples before the new ahead[0] */
	memmove(m->ahead, m->ahead + 2 * n, sizeof(float) * 2 * (size_t)(m->nahead - n));
	m->nahead -= n;
	m->pos += n;
}

void aud_free(aud_mix_t *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->nin; i++) {
		cursor_free(&m->in[i].cur);
		cursor_free(&m->in[i].look);
	}
	free(m->in);
	free(m->ahead);
	free(m->req);
	free(m->ext);
	free(m);
}

int aud_measure(const ir_program *p, aud_stats *st, char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	st->loudness = st->true_peak = st->input_loudness = -HUGE_VAL;
	aud_mix_t *m;
	int rc = aud_open(&m, p, 0, NULL, err, errlen);
	if (rc)
		return rc;
	*st = m->stats;
	st->has_audio = m->nin > 0;
	if (m->nin > 0 &&
	    measure(m, frame_sample(p, p->frames), 1, &st->loudness, &st->true_peak)) {
		aud_free(m);
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory measuring the loudness");
	}
	aud_free(m);
	return 0;
}

int64_t aud_samples_for(const ir_program *p, int64_t frames)
{
	return (int64_t)llround((double)frames * ENC_SAMPLE_RATE * p->fps_den / p->fps_num);
}

int aud_encode_until(aud_mix_t *m, aud_meter_t *meter, enc_t *enc, int64_t *samples, int64_t target,
		     char *cause, size_t len)
{
	float buf[2 * 1024];
	while (*samples < target) {
		int n = target - *samples > 1024 ? 1024 : (int)(target - *samples);
		aud_read(m, buf, n);
		if (meter)
			aud_meter_feed(meter, buf, n);
		int rc = enc_audio(enc, buf, n, cause, len);
		if (rc)
			return rc;
		*samples += n;
	}
	return 0;
}
