/*
 * encode_only.c - the encode-only baseline of bench/run.sh: the same encoder code path as
 * `vidc render` (runtime/encode.c: libx264 with vidc's preset, CRF, threads, GOP and the VBV
 * cap of the preset's size budget, AAC, MP4 with faststart) fed from a source that costs
 * nothing to produce, so its wall time is what the encoder alone needs.
 *
 *   encode_only solid OUT.mp4 FRAMES [W H]     a grey RGBA frame, through the RGB->YUV step
 *   encode_only yuv IN.yuv OUT.mp4 [W H]       raw yuv420p frames read from a file: the same
 *                                              pictures as the reference spec, no conversion
 *
 * Both write silent audio of the video's length, as vidc writes its mix. 30 fps, and the
 * tiktok size budget (72 MB); W x H default 1080 x 1920.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/encode.h"

#define FPS 30
#define TIKTOK_BYTES 72000000LL

static int audio_for(enc_t *e, int64_t frame, int64_t *written, char *cause, size_t len)
{
	static float zeros[2 * 1600];
	int64_t want = (frame + 1) * ENC_SAMPLE_RATE / FPS;
	while (*written < want) {
		int n = want - *written > 1600 ? 1600 : (int)(want - *written);
		int rc = enc_audio(e, zeros, n, cause, len);
		if (rc)
			return rc;
		*written += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[1], "solid") && strcmp(argv[1], "yuv"))) {
		fprintf(stderr, "usage: encode_only solid OUT.mp4 FRAMES [W H]\n"
				"       encode_only yuv IN.yuv OUT.mp4 [W H]\n");
		return 2;
	}
	int yuv = !strcmp(argv[1], "yuv");
	const char *out = yuv ? argv[3] : argv[2];
	int W = argc > 5 ? atoi(argv[4]) : 1080, H = argc > 5 ? atoi(argv[5]) : 1920;
	int64_t frames = yuv ? 0 : atoll(argv[3]);
	FILE *in = NULL;
	if (yuv) {
		if (!(in = fopen(argv[2], "rb"))) {
			perror(argv[2]);
			return 1;
		}
		fseeko(in, 0, SEEK_END);
		frames = ftello(in) / ((int64_t)W * H * 3 / 2);
		rewind(in);
	}
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
	if (enc_budget(TIKTOK_BYTES, (double)frames / FPS, W, H, &ep.maxrate, &ep.bufsize, cause,
		       sizeof cause)) {
		fprintf(stderr, "encode_only: %s\n", cause);
		return 1;
	}
	enc_t *e = NULL;
	if (enc_open(&e, &ep, cause, sizeof cause)) {
		fprintf(stderr, "encode_only: %s\n", cause);
		enc_free(e);
		return 1;
	}
	surf_t *s = yuv ? NULL : surf_new(W, H);
	uint8_t *buf = yuv ? malloc((size_t)W * H * 3 / 2) : NULL;
	if ((!yuv && !s) || (yuv && !buf)) {
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
		if (yuv) {
			if (fread(buf, 1, (size_t)W * H * 3 / 2, in) != (size_t)W * H * 3 / 2) {
				snprintf(cause, sizeof cause, "short read");
				rc = 1;
				break;
			}
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
	enc_free(e);
	surf_free(s);
	free(buf);
	if (in)
		fclose(in);
	return rc ? 1 : 0;
}
