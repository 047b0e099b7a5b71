/*
 * encode.h - the end of the flow: opaque RGBA frames and float stereo samples in, a
 * platform-ready MP4 out (H.264 High yuv420p BT.709 limited range, closed GOPs, capped CRF,
 * AAC-LC 48 kHz stereo, moov atom in front). Also writes single frames as PNG.
 */
#ifndef VIDC_ENCODE_H
#define VIDC_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "surface.h"

#define ENC_SAMPLE_RATE 48000
#define ENC_AUDIO_BITRATE 192000
/* The default rate control (bench/README.md, "Quality per bit", has the measurements): veryfast
 * at CRF 15 keeps every 15th frame of the reference short (120 frames) at >= 40 dB luma PSNR
 * against `vidc frame` (worst 40.65 dB) for 44 % more bytes than CRF 17, which left 10 frames of
 * its most detailed photo at 39.5-39.9 dB (CRF 16: one at 39.95). x264's AQ stays at full
 * strength: half strength reached 40 dB on the reference for fewer bytes, but not on a 3 s cut
 * of its detailed photo, and it erased the dither of dark gradients (twice the flat 8x8 blocks:
 * bands). The size budget is a total, not a rate (enc_budget_pass): a file over it is encoded
 * again in x264's second pass. superfast is a third cheaper but, on detailed photos, ran into the
 * old VBV cap sooner; ultrafast overshoots a 72 MB budget. --quality N sets the CRF (lower:
 * larger and better). */
#define ENC_PRESET "veryfast"
#define ENC_DEFAULT_CRF 15

typedef struct enc enc_t;
struct AVCodecParameters;
struct AVPacket;

typedef struct {
	const char *path; /* the file written (a temp path; render.c renames it) */
	int width, height, fps_num, fps_den;
	int crf;                  /* 1..51 */
	int64_t maxrate, bufsize; /* VBV in bits/s and bits; 0 = uncapped (see enc_peak_checked) */
	/* Two-pass rate control (enc_budget_pass): 0 encodes once at the CRF; 1 the same, writing
	 * x264's statistics to the file stats (and stats.mbtree); 2 reads them and encodes at the
	 * average bitrate (bits/s) instead of the CRF. stats is a path the caller removes after. */
	int pass;
	const char *stats;
	int64_t bitrate;
	/* Pass 0 at the peak rate: give x264 the cap as its VBV (on one thread) rather than only
	 * checking it on the packets: a piece of a split render that went over the peak. */
	int hold_peak;
	const ir_chapter *chapters; /* MP4 chapter markers, in time order (NULL: none) */
	int nchapters;
	double duration; /* seconds: where the last chapter ends */
	/* Split renders (pipeline/pieces.c): a piece is video only (the join mixes the audio once
	 * for the whole timeline); the join copies the pieces' H.264 stream (parameters of the
	 * first piece) instead of encoding; tags are key, value, ..., NULL written as MP4 metadata
	 * (a piece's place in the video). */
	int no_audio;
	const struct AVCodecParameters *copy_video;
	const char *const *tags;
	/* The join's soundtrack (runtime/join.c): written alone (no_video), then its AAC stream
	 * copied beside the pieces (copy_audio, the parameters of that stream), so a cached one is
	 * reused as it is. */
	int no_video;
	const struct AVCodecParameters *copy_audio;
	/* YUV4MPEG2 instead of an MP4 (`vidc render -o OUT.y4m`): the pictures exactly as x264 would
	 * get them, uncompressed, video only (no_audio, no rate control, no chapters or tags). */
	int raw;
} enc_params;

/* On failure the cause (without position) goes to cause. */
int enc_open(enc_t **e, const enc_params *ep, char *cause, size_t len);
/* Appends the next video frame (opaque, e.g. after surf_flatten). */
int enc_video(enc_t *e, const surf_t *frame, char *cause, size_t len);
/* Appends a frame that is already yuv420p limited range (width x height luma, half-size
 * chroma planes) without copying it: libavcodec hands it to x264, which copies it into its own
 * picture before this returns (the planes are only read during the call). The encoder alone of
 * bench/, fed from a mapped file. */
int enc_video_yuv(enc_t *e, const uint8_t *const planes[3], const int linesize[3], char *cause,
		  size_t len);
/* Pictures in the encoder's own format (yuv420p limited range at its size) that it takes without
 * a copy: render.c converts each composed frame straight into one. enc_pic_new gives NULL when
 * out of memory (or for a file without video). enc_pic_planes hands out the planes to write
 * (after enc_video_pic the encoder may still hold a reference: the picture then gets planes of
 * its own first). enc_video_pic appends the picture as the next frame; it stays the caller's. */
typedef struct enc_pic enc_pic;
enc_pic *enc_pic_new(const enc_t *e);
void enc_pic_free(enc_pic *pic);
int enc_pic_planes(enc_pic *pic, uint8_t *data[3], int linesize[3], char *cause, size_t len);
int enc_video_pic(enc_t *e, enc_pic *pic, char *cause, size_t len);
/* copy_video mode: appends one packet of the copied stream, its timestamps in tb_num/tb_den
 * seconds plus offset_frames frames of the video (the piece's place). */
int enc_video_packet(enc_t *e, struct AVPacket *pkt, int tb_num, int tb_den, int64_t offset_frames,
		     char *cause, size_t len);
/* copy_audio mode: appends one packet of the copied AAC stream, its timestamps in tb_num/tb_den. */
int enc_audio_packet(enc_t *e, struct AVPacket *pkt, int tb_num, int tb_den, char *cause, size_t len);
/* Sets a metadata tag of the file before enc_finish writes it (the moov atom is written last);
 * it is kept under its own key when the file was opened with tags. */
int enc_tag(enc_t *e, const char *key, const char *value, char *cause, size_t len);
/* Whether ep's maxrate and bufsize are only checked on the packets (enc_over_peak) rather than
 * given to x264, whose VBV needs one thread to stay deterministic (encode.c, open_x264): in pass
 * 1, and in pass 0 when the rate is the frame size's peak (no budget binds) unless hold_peak. */
int enc_peak_checked(const enc_params *ep);
/* Whether the video's packets overflowed a checked peak so far: a decoder reading at maxrate
 * with bufsize bits of buffer would have run dry. */
int enc_over_peak(const enc_t *e);
/* The peak rate (bits/s) a video of this frame size is held to: 25 Mb/s from 1080p (H.264 High
 * at level 4.0), else 12 Mb/s. */
double enc_peak_rate(int width, int height);
/* The time (seconds) up to which audio has been handed to the encoder. */
double enc_audio_time(const enc_t *e);
/* Appends n interleaved stereo float samples at ENC_SAMPLE_RATE. */
int enc_audio(enc_t *e, const float *lr, int n, char *cause, size_t len);
/* Flushes both encoders and writes the trailer (and, for faststart, moves the moov atom). */
int enc_finish(enc_t *e, char *cause, size_t len);
void enc_free(enc_t *e);

/* The VBV cap for a video of the given duration under a file budget of max_bytes (0 = none):
 * returns 0 and sets *maxrate and *bufsize (bits/s, bits), or VE_INVAL with the reason in cause
 * when the budget cannot hold min_bitrate (bits/s of video and audio together, the platform
 * file's floor; at least the audio and 50 kb/s of video) by base/platform.h's platform_min_bytes, the
 * rule the checker applies to the spec. */
int enc_budget(int64_t max_bytes, int64_t min_bitrate, double seconds, int width, int height,
	       int64_t *maxrate, int64_t *bufsize, char *cause, size_t len);

/* The budget as a total (a whole render, pipeline/stage_render.c runs the passes): pass 0 is
 * enc_budget. Passes 1 and 2 check the same floor, then cap the rate only at the peak a frame of
 * this size needs (25 Mb/s from 1080p, else 12 Mb/s; 2 s of buffer), so hard scenes borrow bits
 * from easy ones; for pass 2, *bitrate is the average video rate that fills 97 % of max_bytes
 * with the audio and the moov atom (at most the cap; 0 without a budget). */
int enc_budget_pass(int64_t max_bytes, int64_t min_bitrate, double seconds, int width, int height, int pass,
		    int64_t *maxrate, int64_t *bufsize, int64_t *bitrate, char *cause, size_t len);

/* enc_budget for a video encoded in parts (a split render) whose files are joined: one rate cap
 * for every part (so their H.264 headers agree), with room for each part's VBV buffer and
 * index, so the joined file stays within max_bytes. */
int enc_budget_parts(int64_t max_bytes, int64_t min_bitrate, double seconds, int parts, int width, int height,
		     int64_t *maxrate, int64_t *bufsize, char *cause, size_t len);

/* The encoder's colour conversion (see encode.c's header) of s's even-sized part into the yuv420p
 * planes data[0..2] (linesize bytes per row), at a vector level of simd.h: every level gives the
 * same bytes (tests/unit/runtime_simd.c). */
void enc_rgb_to_yuv_at(int level, const surf_t *s, uint8_t *const data[3], const int linesize[3]);

/* Encodes an opaque surface as an 8-bit RGBA PNG into a malloc'd *data of *size bytes (the caller
 * writes it, e.g. with base/file_write_atomic). */
int enc_png(const surf_t *s, uint8_t **data, size_t *size, char *cause, size_t len);

#endif
