/*
 * media.h - the one way vidc opens and decodes media with libav (images, video clips, music,
 * narration, provider replies). It sits below the runtime's image/video/audio sources and the
 * pipeline's voice stage, and enforces the rules for untrusted assets:
 *   - local regular files only: a URL or libav protocol name (tcp://, rtmp://, ftp://, concat:,
 *     pipe:, ...) is refused with VE_DENIED before anything connects, the input is opened as
 *     "file:PATH" with protocol_whitelist "file", and playlist demuxers that open other files
 *     (hls, dash, concat, imf, sdp, rtsp) are refused;
 *   - a device, FIFO or directory is refused (VE_INVAL, "is not a regular file") before opening;
 *   - every picture's size is checked against MEDIA_MAX_PIXELS from its header before decoding
 *     (PNG, JPEG, GIF, BMP and WebP headers are read directly; other formats and every decoder
 *     carry libavcodec's max_pixels as a backstop).
 *
 * Messages are the cause alone ("No such file or directory", "the picture is 16000x16000 ...");
 * the caller names the asset, since only it knows the spec's name for the file.
 * Release what media_open* returned with media_close.
 */
#ifndef VIDC_MEDIA_H
#define VIDC_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "err.h"

/* 50 megapixels (200 MB as RGBA): more than an 8K frame (33 MP) or a 48 MP phone photo. */
#define MEDIA_MAX_PIXELS 50000000LL
/* The longest side of a picture; libav's own limit is about 2^30 pixels in total. */
#define MEDIA_MAX_SIDE 32768
/* The highest audio sample rate accepted (768 kHz, the top of studio formats). A header claiming
 * more (a WAV may say 1.9 GHz) is refused before the resampler is built: its filter would take
 * seconds to compute for nothing. */
#define MEDIA_MAX_RATE 768000

/* 0 when a w x h picture is within the limits, else VE_LIMIT (VE_DECODE for a size <= 0) with
 * the numbers in the message. */
int media_check_pixels(int64_t w, int64_t h, vidc_err *e);

/* The size a picture file's header declares. 0 with *w, *h set; 1 when the format is not one
 * read here (PNG, JPEG, GIF, BMP, WebP): the decoder's max_pixels then applies. */
int media_probe_size(const void *data, size_t len, int64_t *w, int64_t *h);
/* media_probe_size on the start of the regular file at path: 0 with *w, *h set, 1 for a format
 * not read here, or a VE_* code (not a regular file, unreadable). */
int media_image_size(const char *path, int64_t *w, int64_t *h, vidc_err *e);
/* media_image_size, then media_check_pixels. 0 (also for an unknown format), or a VE_* code. */
int media_image_check(const char *path, vidc_err *e);

/* Whether name is a URL or a libav protocol name rather than a file name. */
int media_is_url(const char *name);

/* Opens the local media file at path (rules above) and reads its stream info. 0 or a VE_*. */
int media_open(AVFormatContext **fmt, const char *path, vidc_err *e);
/* Opens media held in memory (a provider's reply); data must outlive the context. */
int media_open_memory(AVFormatContext **fmt, const void *data, size_t len, vidc_err *e);
/* Closes what media_open or media_open_memory returned (NULL is fine); *fmt becomes NULL. */
void media_close(AVFormatContext **fmt);

enum {
	MEDIA_DEC_STRICT = 1,  /* report damage instead of concealing it (a photo half grey) */
	MEDIA_DEC_THREADS = 2  /* frame + slice threads (clips); default is one thread */
};
/* Opens a decoder for stream si of fmt with the pixel limit set. 0 or a VE_* code. */
int media_open_decoder(AVFormatContext *fmt, int si, int flags, AVCodecContext **dec, vidc_err *e);

/* Decodes the first picture of the file at path (an image, or a clip's first frame) after
 * checking its header. *out is the decoded frame in its own format. 0 or a VE_* code. */
int media_decode_picture(const char *path, AVFrame **out, vidc_err *e);

typedef struct {
	int channels;  /* output channels: 1 (mono) or 2 (stereo, interleaved) */
	int rate;      /* output sample rate; 0 keeps the stream's */
	int64_t skip;  /* output frames to drop first */
	int64_t max;   /* output frames to keep at most; < 0: all */
	int silent_ok; /* a file without an audio stream gives 0 frames instead of an error */
} media_audio_opts;

/* Decodes fmt's best audio stream to float samples resampled per o. *pcm (malloc'd, may be NULL
 * for 0 frames) gets *frames frames at *rate Hz. 0 or a VE_* code. */
int media_decode_audio(AVFormatContext *fmt, const media_audio_opts *o, float **pcm,
		       int64_t *frames, int *rate, vidc_err *e);
/* media_open + media_decode_audio + media_close. */
int media_audio_file(const char *path, const media_audio_opts *o, float **pcm, int64_t *frames,
		     int *rate, vidc_err *e);

/* Receives decoded audio as it is resampled: frames frames of interleaved float in the
 * channels asked for (pcm is only valid during the call). 0 to go on, or a VE_* code (with e set)
 * that stops the decoding and is returned. */
typedef int (*media_audio_sink)(void *ctx, const float *pcm, int64_t frames, vidc_err *e);
/* media_decode_audio block by block into sink, never holding the whole stream: the caller keeps
 * it in whatever form it needs (runtime/audio.c packs it to int16 or one channel as it comes).
 * *frames is the count handed to the sink. */
int media_decode_audio_to(AVFormatContext *fmt, const media_audio_opts *o, media_audio_sink sink,
			  void *ctx, int64_t *frames, int *rate, vidc_err *e);
/* media_open + media_decode_audio_to + media_close. */
int media_audio_file_to(const char *path, const media_audio_opts *o, media_audio_sink sink, void *ctx,
			int64_t *frames, int *rate, vidc_err *e);

/* The same decoding pulled a block at a time (runtime/audio.c streams each input this way, so
 * no input is ever held whole): the frames are exactly media_decode_audio_to's for the same path
 * and o, in order. Opening fails as media_audio_file_to does (a file without audio is a reader
 * with no frames when o->silent_ok). */
typedef struct media_audio_reader media_audio_reader;
int media_audio_reader_open(media_audio_reader **r, const char *path, const media_audio_opts *o,
			    vidc_err *e);
/* Up to n frames (o->channels interleaved floats each) into pcm: fewer only at the end, 0 after
 * it; or a negative VE_* code. */
int64_t media_audio_reader_read(media_audio_reader *r, float *pcm, int64_t n, vidc_err *e);
void media_audio_reader_free(media_audio_reader *r);

/* Resamples n frames of interleaved float audio with the given channels from one rate to
 * another into a malloc'd *out of *outn frames. 0 or a VE_* code. */
int media_resample(const float *in, int64_t n, int channels, int from, int to, float **out,
		   int64_t *outn, vidc_err *e);

/* Sets e from a libav error: errno-based codes through err_errno's causes and codes, others as
 * av_strerror's text with code (VE_DECODE, VE_ENCODE, ...). Returns the VE_* code. */
int media_err(vidc_err *e, int code, int averr);

#endif
