/*
 * render.c - the runtime's entry points (render.h). rt_render runs a two-stage pipeline: this
 * thread composes frame n+1 (graph.c) and converts it to YUV (encode.c's converter) while an
 * encoder thread encodes frame n (x264 adds threads of its own) and pulls the matching audio
 * (audio.c). A frame is composed and converted in horizontal bands of BAND_ROWS rows that stay
 * in the cache (graph_render_bands) or, when one of its operations needs the whole canvas, into
 * one canvas converted after, straight into the encoder's own pictures (no copy on the way to
 * x264). They travel in a small fixed pool, so memory does not grow with the video's length.
 * Each frame is composed by one thread from the program alone, so the pixels never depend on
 * timing or on which frames came before.
 */
#include "render.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>

#include "../base/file.h"
#include "audio.h"
#include "encode.h"
#include "graph.h"
#include "rterr.h"
#include "simd.h"
#include "surface.h"

/* The encoder's pictures in flight: composing, queued, queued, encoding (the encoder thread
 * holds its picture through the send, while x264 encodes a frame on its slice threads). A
 * 1080x1920 picture is 3 MB: four of them take half the memory of the three canvases the pool
 * held when the encoder thread converted. */
#define POOL 4
/* Rows of a band (even, for 4:2:0): 32 rows of a 1080-wide canvas are 135 kB, a dissolve's two
 * scenes 270 kB, which stay in L2 between composition and conversion (bench/README.md,
 * "Session 9: bands"). */
#define BAND_ROWS 32

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enc_pic *buf[POOL]; /* the encoder's own pictures: converted into, sent without a copy */
	int free_list[POOL], nfree;
	int queue[POOL], qhead, qlen; /* composed frames in order */
	int producing;                /* cleared when the composer has pushed its last frame */
	int stop;                     /* set on any error: both sides wind down */
	int64_t encoded;              /* frames handed to the encoder so far */
	/* encoder side */
	enc_t *enc;
	aud_mix_t *mix;
	aud_meter_t *meter; /* NULL unless the caller asked for the loudness */
	const ir_program *p;
	int64_t first, nframes;
	int64_t samples; /* audio samples written so far */
	int rc;
	char cause[512];
} pipe_t;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int write_audio_until(pipe_t *q, int64_t target)
{
	if (!q->mix) /* a piece, video only */
		return 0;
	return aud_encode_until(q->mix, q->meter, q->enc, &q->samples, target, q->cause, sizeof q->cause);
}

static void *encoder_main(void *arg)
{
	pipe_t *q = arg;
	for (int64_t i = 0;; i++) {
		pthread_mutex_lock(&q->mu);
		while (q->qlen == 0 && q->producing && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop || q->qlen == 0) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		int b = q->queue[q->qhead];
		pthread_mutex_unlock(&q->mu);

		/* the audio up to the end of this frame first, so the muxer interleaves finely */
		int rc = write_audio_until(q, aud_samples_for(q->p, i + 1));
		if (!rc)
			rc = enc_video_pic(q->enc, q->buf[b], q->cause, sizeof q->cause);

		pthread_mutex_lock(&q->mu);
		q->qhead = (q->qhead + 1) % POOL;
		q->qlen--;
		q->free_list[q->nfree++] = b;
		q->encoded++;
		if (rc) {
			q->rc = rc;
			q->stop = 1;
		}
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (rc)
			break;
	}
	return NULL;
}

/* ---- composition and conversion ---------------------------------------------------------- */

typedef struct {
	rt_graph *g;
	surf_t *band;   /* BAND_ROWS rows of the canvas */
	surf_t *canvas; /* the whole canvas, made for the first frame that needs it */
	int bands;      /* 0: every frame whole (VIDC_BANDS=0, for comparison) */
} composer;

typedef struct {
	uint8_t *data[3];
	int linesize[3];
} yuv_planes;

static void band_to_yuv(void *ud, const surf_t *band)
{
	const yuv_planes *y = ud;
	uint8_t *d[3] = {y->data[0] + (size_t)band->oy * y->linesize[0],
			 y->data[1] + (size_t)(band->oy / 2) * y->linesize[1],
			 y->data[2] + (size_t)(band->oy / 2) * y->linesize[2]};
	enc_rgb_to_yuv_at(simd_level(), band, d, y->linesize);
}

/* Frame f of p as the encoder's YUV picture, in bands when it can be. */
static int compose(composer *c, const ir_program *p, int64_t f, enc_pic *pic, char *err, size_t errlen)
{
	yuv_planes y, *out = &y;
	char cause[256];
	int rc = enc_pic_planes(pic, y.data, y.linesize, cause, sizeof cause);
	if (rc)
		return rterr_node(rc, p, NULL, err, errlen, "%s", cause);
	rc = c->bands ? graph_render_bands(c->g, f, c->band, BAND_ROWS, band_to_yuv, out, err, errlen) : 0;
	if (rc)
		return rc < 0 ? rc : 0;
	if (!c->canvas && !(c->canvas = surf_new(p->width, p->height)))
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for the canvas");
	if ((rc = graph_render(c->g, f, c->canvas, err, errlen)))
		return rc;
	enc_rgb_to_yuv_at(simd_level(), c->canvas, out->data, out->linesize);
	return 0;
}

/* ---- progress ------------------------------------------------------------------------------ */

typedef struct {
	rt_progress_mode mode;
	int tty;
	double t0, last;
	int64_t total;
} progress_t;

static void progress_show(progress_t *pg, int64_t done, int final)
{
	if (pg->mode == RT_PROGRESS_NONE || (pg->mode == RT_PROGRESS_BAR && !pg->tty))
		return;
	double t = now_s();
	double every = pg->mode == RT_PROGRESS_JSON ? 1.0 : 0.2;
	if (!final && t - pg->last < every)
		return;
	pg->last = t;
	double el = t - pg->t0;
	double fps = el > 0 ? done / el : 0;
	double eta = fps > 0 ? (pg->total - done) / fps : 0;
	if (pg->mode == RT_PROGRESS_JSON) {
		printf("{\"frame\":%lld,\"frames\":%lld,\"fps\":%.1f,\"eta_s\":%.1f}\n", (long long)done,
		       (long long)pg->total, fps, eta);
		fflush(stdout);
		return;
	}
	char bar[31];
	int fill = pg->total > 0 ? (int)(30 * done / pg->total) : 30;
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = 0;
	fprintf(stderr, "\r[%s] %lld/%lld frames  %.1f fps  ETA %.0f s ", bar, (long long)done,
		(long long)pg->total, fps, eta);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/* ---- rt_render ----------------------------------------------------------------------------- */

/* The encoder's settings for frames [first, first + nframes): the rate cap from the budget
 * (the program's, or the piece's share), chapters when the whole video is rendered. */
static int encode_params(const ir_program *p, const rt_render_opts *opts, int64_t first, int64_t nframes,
			 enc_params *ep, char *err, size_t errlen)
{
	char cause[512] = "";
	double seconds = (double)nframes * p->fps_den / p->fps_num;
	memset(ep, 0, sizeof *ep);
	ep->width = p->width;
	ep->height = p->height;
	ep->fps_num = p->fps_num;
	ep->fps_den = p->fps_den;
	if (first == 0 && nframes == p->frames) { /* chapters belong to the whole video's timeline */
		ep->chapters = p->chapters;
		ep->nchapters = p->nchapters;
		ep->duration = seconds;
	}
	ep->crf = opts->quality >= 1 && opts->quality <= 51 ? opts->quality : ENC_DEFAULT_CRF;
	if ((ep->raw = opts->output && rt_output_raw(opts->output))) {
		ep->no_audio = 1; /* pictures only: no sound, no budget or rate, no chapters */
		ep->chapters = NULL;
		ep->nchapters = 0;
		return 0;
	}
	ep->no_audio = opts->no_audio;
	ep->tags = opts->tags;
	ep->pass = opts->pieces > 0 ? 0 : opts->pass;
	ep->stats = opts->stats;
	ep->hold_peak = opts->hold_peak;
	/* pass 2 may be given a lower total than the preset's (stage_render: pass 1's own size, when
	 * it fit the budget but not the peak) */
	int64_t budget = p->max_bytes;
	if (ep->pass == 2 && opts->pass2_bytes > 0 && (budget <= 0 || opts->pass2_bytes < budget))
		budget = opts->pass2_bytes;
	/* a piece is capped by its video's budget split in parts, not by a budget of its own */
	int rc = opts->pieces > 0
			 ? enc_budget_parts(p->max_bytes, p->min_bitrate, ir_frame_time(p, p->frames), opts->pieces,
					    p->width, p->height, &ep->maxrate, &ep->bufsize, cause, sizeof cause)
			 : enc_budget_pass(budget, p->min_bitrate, seconds, p->width, p->height, ep->pass,
					   &ep->maxrate, &ep->bufsize, &ep->bitrate, cause, sizeof cause);
	if (rc)
		return rterr_node(rc, p, NULL, err, errlen, "preset %s: %s", p->preset ? p->preset : "?", cause);
	return 0;
}

int rt_output_raw(const char *output)
{
	size_t n = strlen(output);
	return n > 4 && strcasecmp(output + n - 4, ".y4m") == 0;
}

int rt_render_settings(const ir_program *p, const rt_render_opts *opts, int64_t first, int64_t nframes,
		       char *out, size_t outlen, char *err, size_t errlen)
{
	enc_params ep;
	int rc = encode_params(p, opts, first, nframes, &ep, err, errlen);
	if (rc)
		return rc;
	snprintf(out, outlen,
		 "h264 libx264 preset=%s crf=%d maxrate=%lld bufsize=%lld vbv=%s size=%dx%d fps=%d/%d audio=%s "
		 "aac=%d chapters=%d libavcodec=%u ffmpeg=%s",
		 ENC_PRESET, ep.crf, (long long)ep.maxrate, (long long)ep.bufsize,
		 enc_peak_checked(&ep) ? "checked,sliced-threads" : "x264,one-thread", ep.width, ep.height,
		 ep.fps_num, ep.fps_den, ep.no_audio ? "none" : "mix", ENC_AUDIO_BITRATE, ep.nchapters,
		 avcodec_version(), av_version_info());
	return 0;
}

int rt_render(const ir_program *p, const rt_render_opts *opts, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	if (!opts || !opts->output)
		return rterr_node(VE_INVAL, p, NULL, err, errlen, "no output path");
	int64_t first = opts->first_frame > 0 ? opts->first_frame : 0;
	int64_t nframes = opts->nframes > 0 ? opts->nframes : p->frames - first;
	if (first + nframes > p->frames)
		nframes = p->frames - first;
	if (nframes <= 0)
		return rterr_node(VE_INVAL, p, NULL, err, errlen,
				  "nothing to render: frames [%lld, %lld) of a %lld-frame video",
				  (long long)first, (long long)(first + (opts->nframes > 0 ? opts->nframes : 0)),
				  (long long)p->frames);
	/* The output must be a regular file or a new name (never a folder or a device such as
	 * /dev/null, which the final rename would replace): checked before any frame is made. The
	 * video goes to a temp name beside it (.NAME.tmp-PID; creating it removes those of dead
	 * runs), so a failed or killed render leaves nothing at the output path. */
	vidc_err e;
	char tmp[4096];
	int rc = file_out_check(opts->output, &e);
	if (!rc)
		rc = file_tmp_name(opts->output, tmp, sizeof tmp, &e);
	if (rc)
		return rterr_node(rc, p, NULL, err, errlen, "%s", e.msg);
	rt_graph *g = NULL;
	char cause[512] = "";
	if ((rc = graph_new(&g, p, err, errlen)))
		return rc;
	const char *bands = getenv("VIDC_BANDS");
	composer cm = {g, NULL, NULL, !bands || strcmp(bands, "0") != 0};

	/* The size budget is checked before any frame is composed. */
	enc_params ep;
	if ((rc = encode_params(p, opts, first, nframes, &ep, err, errlen))) {
		graph_free(g);
		return rc;
	}
	pipe_t q;
	memset(&q, 0, sizeof q);
	q.p = p;
	q.first = first;
	q.nframes = nframes;
	int threaded = 0;
	if (!ep.no_audio && (rc = aud_open(&q.mix, p, aud_samples_for(p, first), opts->cancel, err, errlen)))
		goto out;
	if (!ep.no_audio && (opts->loudness || opts->true_peak) && !(q.meter = aud_meter_new())) {
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
		goto out;
	}
	ep.path = tmp;
	if ((rc = enc_open(&q.enc, &ep, cause, sizeof cause))) {
		rterr_node(rc, p, NULL, err, errlen, "cannot encode '%s': %s", opts->output, cause);
		goto out;
	}
	for (int i = 0; i < POOL; i++) {
		if (!(q.buf[i] = enc_pic_new(q.enc))) {
			rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for frame buffers");
			goto out;
		}
		q.free_list[q.nfree++] = i;
	}
	if (!(cm.band = surf_new(p->width, BAND_ROWS))) {
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for frame buffers");
		goto out;
	}
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	q.producing = 1;
	pthread_t th;
	if (pthread_create(&th, NULL, encoder_main, &q) != 0) {
		pthread_mutex_destroy(&q.mu);
		pthread_cond_destroy(&q.cv);
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "cannot start the encoder thread");
		goto out;
	}
	threaded = 1;

	progress_t pg = {opts->progress, isatty(2), now_s(), 0, nframes};
	for (int64_t i = 0; i < nframes && !rc; i++) {
		if (opts->cancel && *opts->cancel) {
			rc = rterr_node(VE_CANCELED, p, NULL, err, errlen, "render cancelled");
			break;
		}
		pthread_mutex_lock(&q.mu);
		while (q.nfree == 0 && !q.stop)
			pthread_cond_wait(&q.cv, &q.mu);
		int stopped = q.stop, b = stopped ? -1 : q.free_list[--q.nfree];
		int64_t done = q.encoded;
		pthread_mutex_unlock(&q.mu);
		if (stopped)
			break;
		progress_show(&pg, done, 0);
		if (opts->on_progress)
			opts->on_progress(opts->progress_ud, done, nframes);
		int64_t f = first + i;
		rc = compose(&cm, p, f, q.buf[b], err, errlen);
		graph_release_before(g, f + 1);
		pthread_mutex_lock(&q.mu);
		if (rc) {
			q.free_list[q.nfree++] = b;
		} else {
			q.queue[(q.qhead + q.qlen) % POOL] = b;
			q.qlen++;
		}
		pthread_cond_broadcast(&q.cv);
		pthread_mutex_unlock(&q.mu);
	}
	pthread_mutex_lock(&q.mu);
	q.producing = 0;
	if (rc)
		q.stop = 1;
	pthread_cond_broadcast(&q.cv);
	pthread_mutex_unlock(&q.mu);
	pthread_join(th, NULL);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.cv);
	if (!rc && q.rc)
		rc = rterr_node(q.rc, p, NULL, err, errlen, "cannot encode '%s': %s", opts->output, q.cause);
	if (!rc && (rc = write_audio_until(&q, aud_samples_for(p, nframes))))
		rterr_node(rc, p, NULL, err, errlen, "cannot encode '%s': %s", opts->output, q.cause);
	if (!rc && (rc = enc_finish(q.enc, cause, sizeof cause)))
		rterr_node(rc, p, NULL, err, errlen, "cannot encode '%s': %s", opts->output, cause);
	if (!rc)
		progress_show(&pg, nframes, 1);
	if (!rc && opts->on_progress)
		opts->on_progress(opts->progress_ud, nframes, nframes);
	else if (pg.mode == RT_PROGRESS_BAR && pg.tty)
		fputc('\n', stderr);
	if (!rc && opts->over_peak)
		*opts->over_peak = enc_over_peak(q.enc);
	if (!rc && q.meter) {
		if (opts->loudness)
			*opts->loudness = aud_meter_loudness(q.meter);
		if (opts->true_peak)
			*opts->true_peak = aud_meter_true_peak(q.meter);
	}
out:
	(void)threaded;
	enc_free(q.enc);
	aud_free(q.mix);
	aud_meter_free(q.meter);
	for (int i = 0; i < POOL; i++)
		enc_pic_free(q.buf[i]);
	surf_free(cm.band);
	surf_free(cm.canvas);
	graph_free(g);
	if (!rc && (rc = file_commit(tmp, opts->output, &e)))
		rterr_node(rc, p, NULL, err, errlen, "%s", e.msg);
	if (rc)
		file_discard(tmp);
	return rc;
}

/* ---- rt_frame_png -------------------------------------------------------------------------- */

int rt_frame_png(const ir_program *p, int64_t f, const char *png_path, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	int rc = rterr_frame(p, f, err, errlen);
	if (rc)
		return rc;
	vidc_err e;
	rc = file_out_check(png_path, &e); /* a folder or device is refused before rendering */
	if (rc)
		return rterr_node(rc, p, NULL, err, errlen, "%s", e.msg);
	rt_graph *g = NULL;
	if ((rc = graph_new(&g, p, err, errlen)))
		return rc;
	surf_t *s = surf_new(p->width, p->height);
	if (!s) {
		graph_free(g);
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory for the frame");
	}
	rc = graph_render(g, f, s, err, errlen);
	if (!rc) {
		char cause[256];
		uint8_t *png;
		size_t n;
		vidc_err e;
		if ((rc = enc_png(s, &png, &n, cause, sizeof cause)))
			rterr_node(rc, p, NULL, err, errlen, "cannot write '%s': %s", png_path, cause);
		else if ((rc = file_write_atomic(png_path, png, n, &e)))
			rterr_node(rc, p, NULL, err, errlen, "%s", e.msg);
		free(png);
	}
	surf_free(s);
	graph_free(g);
	return rc;
}
