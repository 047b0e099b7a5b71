/*
 * encode_only.c - the encode-only baseline of bench/run.sh: the same encoder code path as
 * `vidc render`'s first pass (runtime/encode.c: libx264 with vidc's preset, CRF, sliced
 * threads, GOP, the peak rate checked, x264's statistics written to a temp folder, AAC, MP4
 * with faststart) fed from a source that costs nothing to produce, so its wall time is what the
 * encoder alone needs.
 *
 *   encode_only solid OUT.mp4 FRAMES [W H]     a grey RGBA frame, through the RGB->YUV step
 *   encode_only yuv IN.yuv OUT.mp4 [W H]       raw yuv420p frames read from a file: the same
 *                                              pictures as the reference spec, no conversion
 *   encode_only stream OUT.mp4 FRAMES [W H]    the same pictures read from standard input one
 *                                              frame at a time (a pipe from ffmpeg): the peak
 *                                              RSS is the encoder's own, not the mapped file's
 *                                              (bench/mem.sh: the floor x264 sets)
 *
 * They write silent audio of the video's length, or with -a PCM the sound in PCM (interleaved
 * stereo 32-bit float samples at 48 kHz, as `ffmpeg -i vidc.mp4 -f f32le -ac 2 -ar 48000` gives
 * vidc's mix back), so that the AAC encoder has the same work as in vidc. 30 fps, and the
 * tiktok size budget (72 MB); W x H default 1080 x 1920. The input file is mapped and paged in
 * before the clock starts, so reading it costs the encoder nothing; the program prints the wall
 * and CPU time from opening the encoder to closing the file ("encode_only: wall S cpu S").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <libavutil/log.h>

#include "../base/file.h"
#include "../runtime/encode.h"

#define FPS 30
#define TIKTOK_BYTES 72000000LL

/* The sound (-a): pcm_n stereo samples, mapped; silence after them or without -a. */
static const float *pcm;
static int64_t pcm_n;

static int audio_for(enc_t *e, int64_t frame, int64_t *written, char *cause, size_t len)
{
	static float zeros[2 * 1600];
	int64_t want = (frame + 1) * ENC_SAMPLE_RATE / FPS;
	while (*written < want) {
		int n = want - *written > 1600 ? 1600 : (int)(want - *written);
		const float *lr = zeros;
		if (*written < pcm_n) {
			lr = pcm + 2 * *written;
			if (n > pcm_n - *written)
				n = (int)(pcm_n - *written);
		}
		int rc = enc_audio(e, lr, n, cause, len);
		if (rc)
			return rc;
		*written += n;
	}
	return 0;
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec * 1e-6;
}

/* Maps path (paged in now, before the clock starts); NULL with a message on failure. */
static const void *map_file(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	void *m = MAP_FAILED;
	if (in && fseeko(in, 0, SEEK_END) == 0 && (*len = (size_t)ftello(in)) > 0)
		m = mmap(NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(in), 0);
	if (m == MAP_FAILED)
		perror(path);
	if (in)
		fclose(in);
	return m == MAP_FAILED ? NULL : m;
}

int main(int argc, char **argv)
{
	size_t pcmlen = 0;
	if (argc > 3 && !strcmp(argv[1], "-a")) {
		if (!(pcm = map_file(argv[2], &pcmlen)))
			return 1;
		pcm_n = (int64_t)(pcmlen / (2 * sizeof(float)));
		argc -= 2;
		argv += 2;
	}
	if (argc < 4 ||
	    (strcmp(argv[1], "solid") && strcmp(argv[1], "yuv") && strcmp(argv[1], "stream"))) {
		fprintf(stderr, "usage: encode_only [-a PCM] solid OUT.mp4 FRAMES [W H]\n"
				"       encode_only [-a PCM] yuv IN.yuv OUT.mp4 [W H]\n"
				"       encode_only [-a PCM] stream OUT.mp4 FRAMES [W H] <IN.yuv\n");
		return 2;
	}
	int yuv = !strcmp(argv[1], "yuv"), stream = !strcmp(argv[1], "stream");
	const char *out = yuv ? argv[3] : argv[2];
	int W = argc > 5 ? atoi(argv[4]) : 1080, H = argc > 5 ? atoi(argv[5]) : 1920;
	int64_t frames = yuv ? 0 : atoll(argv[3]);
	const uint8_t *map = NULL;
	uint8_t *frame = NULL;
	size_t maplen = 0, fsize = (size_t)W * H * 3 / 2;
	if (stream && !(frame = malloc(fsize))) {
		fprintf(stderr, "encode_only: out of memory\n");
		return 1;
	}
	if (yuv) {
		if (!(map = map_file(argv[2], &maplen)))
			return 1;
		frames = (int64_t)(maplen / fsize);
	}
	av_log_set_level(AV_LOG_ERROR);
	if (frames <= 0) {
		fprintf(stderr, "encode_only: no frames\n");
		return 1;
	}
	char cause[512];
	enc_params ep = {0};
	ep.path = out;
	ep.width = W;
	ep.height = H;
	ep.fps_num = FPS;
	ep.fps_den = 1;
	ep.crf = ENC_DEFAULT_CRF;
	int64_t bitrate;
	char dir[] = "/tmp/encode_only.XXXXXX", stats[64];
	if (!mkdtemp(dir)) {
		perror("encode_only: mkdtemp");
		return 1;
	}
	snprintf(stats, sizeof stats, "%s/x264.log", dir);
	ep.pass = 1;
	ep.stats = stats;
	if (enc_budget_pass(TIKTOK_BYTES, 0, (double)frames / FPS, W, H, 1, &ep.maxrate, &ep.bufsize, &bitrate,
			    cause, sizeof cause)) {
		fprintf(stderr, "encode_only: %s\n", cause);
		return 1;
	}
	double w0 = wall_s(), c0 = cpu_s();
	enc_t *e = NULL;
	if (enc_open(&e, &ep, cause, sizeof cause)) {
		fprintf(stderr, "encode_only: %s\n", cause);
		enc_free(e);
		return 1;
	}
	surf_t *s = yuv || stream ? NULL : surf_new(W, H);
	if (!yuv && !stream && !s) {
		fprintf(stderr, "encode_only: out of memory\n");
		return 1;
	}
	if (s)
		surf_fill(s, 0xff808080u);
	int64_t written = 0;
	int rc = 0;
	for (int64_t f = 0; f < frames && !rc; f++) {
		rc = audio_for(e, f, &written, cause, sizeof cause);
		if (rc)
			break;
		if (stream && fread(frame, 1, fsize, stdin) != fsize) {
			snprintf(cause, sizeof cause, "standard input ended at frame %lld of %lld",
				 (long long)f, (long long)frames);
			rc = 1;
		} else if (yuv || stream) {
			const uint8_t *buf = stream ? frame : map + (size_t)f * fsize;
			const uint8_t *pl[3] = {buf, buf + (size_t)W * H, buf + (size_t)W * H * 5 / 4};
			const int ls[3] = {W, W / 2, W / 2};
			rc = enc_video_yuv(e, pl, ls, cause, sizeof cause);
		} else {
			rc = enc_video(e, s, cause, sizeof cause);
		}
	}
	if (!rc)
		rc = enc_finish(e, cause, sizeof cause);
	if (rc)
		fprintf(stderr, "encode_only: %s\n", cause);
	else
		printf("encode_only: wall %.3f s cpu %.3f s frames %lld\n", wall_s() - w0, cpu_s() - c0,
		       (long long)frames);
	enc_free(e);
	file_discard(dir); /* the statistics, as stage_render's work folder */
	surf_free(s);
	free(frame);
	if (map)
		munmap((void *)map, maplen);
	if (pcm)
		munmap((void *)pcm, pcmlen);
	return rc ? 1 : 0;
}
