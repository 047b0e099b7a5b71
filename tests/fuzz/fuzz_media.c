/*
 * fuzz_media.c - libFuzzer target over asset decoding, the bytes an untrusted image, clip or
 * sound can hold:
 *   - the header probe and pixel limit (base/media: media_probe_size, media_check_pixels);
 *   - the bytes as media in memory (media_open_memory): the first pictures of its video stream
 *     through a strict decoder, and its audio decoded and resampled (media_decode_audio);
 *   - the bytes as a file, named with an extension the first byte picks (the demuxers probe by
 *     name too): the runtime's image decoder (img_decode, then img_convert to a surface) and
 *     media_audio_file, as a spec's image and music would be read, and img_load (a JPEG decoded
 *     by rows with libjpeg-turbo, base/jpegdec, and scaled band by band).
 * A picture larger than the limit coming out of any decoder is a finding (abort): the limit must
 * hold for every path, not only for the headers media.c reads itself.
 *
 *   make fuzz && ./build/fuzz/fuzz_media tests/fuzz/corpus/fuzz_media
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "../../base/media.h"
#include "../../runtime/image.h"

static char dir[] = "/tmp/vidc-fuzz-media-XXXXXX";
static const char *const exts[] = {"png", "jpg", "gif", "bmp", "webp", "mp4", "mkv", "wav",
				   "mp3", "ogg", "m4a", "tiff", "bin", "ts", "avi", "flac"};
#define NEXT (sizeof exts / sizeof exts[0])

static void cleanup(void)
{
	char p[128];
	for (size_t i = 0; i < NEXT; i++) {
		snprintf(p, sizeof p, "%s/in.%s", dir, exts[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(cleanup);
	av_log_set_level(AV_LOG_QUIET);
	return 0;
}

static void check_frame(const AVFrame *fr)
{
	if ((int64_t)fr->width * fr->height > MEDIA_MAX_PIXELS || fr->width > MEDIA_MAX_SIDE ||
	    fr->height > MEDIA_MAX_SIDE)
		abort(); /* a decoder produced a picture past the limit */
}

/* Up to 4 pictures of fmt's video stream, as a clip layer would decode them. */
static void pictures(AVFormatContext *fmt)
{
	int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	AVCodecContext *dec = NULL;
	vidc_err e;
	if (si < 0 || media_open_decoder(fmt, si, MEDIA_DEC_STRICT, &dec, &e))
		return;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	int got = 0;
	for (int reads = 0; pkt && fr && got < 4 && reads < 64; reads++) {
		int eof = av_read_frame(fmt, pkt) < 0;
		if (eof)
			avcodec_send_packet(dec, NULL);
		else if (pkt->stream_index == si)
			avcodec_send_packet(dec, pkt);
		av_packet_unref(pkt);
		while (avcodec_receive_frame(dec, fr) == 0) {
			check_frame(fr);
			av_frame_unref(fr);
			got++;
		}
		if (eof)
			break;
	}
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
}

static void in_memory(const uint8_t *data, size_t size)
{
	AVFormatContext *fmt = NULL;
	vidc_err e;
	if (media_open_memory(&fmt, data, size, &e))
		return;
	pictures(fmt);
	media_close(&fmt);
	if (media_open_memory(&fmt, data, size, &e))
		return;
	media_audio_opts o = {1, 16000, 0, 48000, 1};
	float *pcm;
	int64_t n;
	int rate;
	if (!media_decode_audio(fmt, &o, &pcm, &n, &rate, &e)) {
		if (n < 0 || n > o.max || (n && !pcm))
			abort();
		free(pcm);
	}
	media_close(&fmt);
}

static void as_file(const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof path, "%s/in.%s", dir, exts[size ? data[0] % NEXT : 0]);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort(); /* /tmp full: not a finding, but better loud than silently testing nothing */
	AVFrame *fr = NULL;
	char cause[256] = "";
	if (img_decode(path, &fr, cause, sizeof cause) == 0) {
		check_frame(fr);
		surf_t *s = NULL;
		if (img_convert(fr, 0.25, &s, cause, sizeof cause) == 0)
			surf_free(s);
		av_frame_free(&fr);
	} else if (!cause[0]) {
		abort(); /* a failure must say why */
	}
	/* the image source's path: a JPEG decoded by rows and scaled band by band */
	surf_t *s = NULL;
	cause[0] = 0;
	if (img_load(path, 0.3, &s, cause, sizeof cause) == 0)
		surf_free(s);
	else if (!cause[0])
		abort();
	media_audio_opts o = {2, 48000, 100, 24000, 1};
	float *pcm;
	int64_t n;
	int rate;
	vidc_err e;
	if (!media_audio_file(path, &o, &pcm, &n, &rate, &e))
		free(pcm);
	else if (!e.msg[0])
		abort();
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t w, h;
	vidc_err e;
	if (media_probe_size(data, size, &w, &h) == 0)
		media_check_pixels(w, h, &e);
	in_memory(data, size);
	as_file(data, size);
	return 0;
}
