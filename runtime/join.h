/*
 * join.h - the second half of a split render: the pieces (video-only MP4s that rt_render wrote
 * with no_audio, each starting on a keyframe: the encoder's GOPs are closed) are copied one
 * after the other into one MP4 without re-encoding, and the soundtrack of the whole timeline is
 * mixed and encoded once beside them (loudness is a property of the whole mix, and one AAC
 * stream has no seams), with the chapters, faststart, and the preset's size budget checked.
 * The soundtrack is a file of its own first (join_soundtrack: an audio-only MP4 with the mix's
 * loudness in its tags) whose AAC packets the join copies, so a caller can keep it and join
 * again after an edit that left the audio alone without mixing or encoding it again.
 *
 * Errors: 0 or a negative RT_E* code (render.h) with err naming the piece and the cause.
 */
#ifndef VIDC_JOIN_H
#define VIDC_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "../compiler/ir.h"

typedef struct {
	const char *path;
	int64_t first, nframes; /* its frames [first, first + nframes) of the video */
} join_piece;

typedef struct {
	const char *output; /* written to a temp name beside it, then renamed */
	const join_piece *pieces; /* in order, contiguous, covering [0, p->frames) */
	int npieces;
	volatile int *cancel;
	/* Optional: frames copied so far of p->frames. */
	void (*on_progress)(void *ud, int64_t done, int64_t total);
	void *progress_ud;
	/* Out, optional: the mix's integrated loudness (LUFS) and true peak (dBTP). */
	double *loudness, *true_peak;
	/* The soundtrack (join_soundtrack's file for this program); NULL: mixed and encoded into a
	 * temp file beside the output, removed after. */
	const char *soundtrack;
} join_opts;

/* Joins the pieces of p into o->output. A piece that does not fit (other frame count, size,
 * codec settings, not starting on a keyframe) is refused naming it. */
int join_run(const ir_program *p, const join_opts *o, char *err, size_t errlen);

/* Mixes p's whole soundtrack, encodes it to AAC and writes it to path as an audio-only MP4
 * (temp name, then renamed) whose tags hold the mix's loudness and true peak (out, optional). */
int join_soundtrack(const ir_program *p, const char *path, volatile int *cancel, double *loudness, double *true_peak,
		    char *err, size_t errlen);

/* The figures in a soundtrack's tags (out, optional); RT_EIO or RT_EINVAL naming the file when it
 * cannot be read or is not one (a cache entry cut short). */
int join_soundtrack_figures(const char *path, double *loudness, double *true_peak, char *err, size_t errlen);

/* What decides a soundtrack's bytes besides the program: the AAC encoder's settings and the
 * libav build, as one line (a cache key's part). */
void join_soundtrack_settings(char *out, size_t n);

/* Copies the piece at in to out with other tags (key, value, ..., NULL): a cached piece handed
 * out under the name and place of the render that asked for it. */
int join_retag(const char *in, const char *out, const char *const *tags, char *err, size_t errlen);

/* What a piece file says about itself. */
typedef struct {
	char tag[4096];  /* its "vidc_piece" metadata ("" when it has none) */
	int cached; /* its "vidc_cache" metadata is "1": it was rendered through a piece cache */
	int64_t frames;  /* video frames, counted */
	int width, height;
} join_info;

int join_probe(const char *path, join_info *info, char *err, size_t errlen);

#endif
