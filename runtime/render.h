/*
 * render.h - the runtime's entry points: evaluate an ir_program (compiler/ir.h) frame by frame and
 * write an MP4, or one frame as a PNG. This header and ir.h are all cli/ needs from the runtime.
 *
 * Errors: every function returns 0 on success or a negative code, and fills err (errlen bytes)
 * with a message naming the asset, the spec position (file:line:col) and the cause.
 */
#ifndef VIDC_RENDER_H
#define VIDC_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../compiler/ir.h"

/* Error codes are base/err.h's VE_* (VE_CANCELED lets a caller tell a user's Ctrl-C from a
 * failure). The RT_E* names are aliases kept for code written before the one code space; new
 * code uses VE_*. */
#define RT_EINVAL VE_INVAL
#define RT_EIO VE_IO
#define RT_EDECODE VE_DECODE
#define RT_ENOMEM VE_NOMEM
#define RT_EUNSUPPORTED VE_UNSUPPORTED
#define RT_ECANCELED VE_CANCELED
#define RT_EENCODE VE_ENCODE

typedef enum { RT_PROGRESS_NONE, RT_PROGRESS_BAR, RT_PROGRESS_JSON } rt_progress_mode;

typedef struct {
	/* final path; written to a temp file beside it, then renamed. A path ending in .y4m
	 * (rt_output_raw) gets the pictures uncompressed in YUV4MPEG2, exactly as x264 would get them:
	 * video only, one pass, no budget, no chapters (pass, pieces and no_audio do not apply). */
	const char *output;
	int quality;                 /* 0 = preset default; otherwise a CRF-like 1 (best) .. 51 */
	rt_progress_mode progress;   /* bar on stderr, or one JSON line per second on stdout */
	int64_t first_frame, nframes; /* render a part: [first_frame, first_frame + nframes); nframes 0 = all */
	volatile int *cancel;        /* set non-zero (e.g. from a SIGINT handler) to stop cleanly */
	/* Out, optional: the integrated loudness (LUFS) and true peak (dBTP) of the audio handed to
	 * the encoder, metered while it is written (no extra pass); -inf when the video is silent. */
	double *loudness, *true_peak;
	/* Optional: called as frames are composed with the frames encoded so far and the total
	 * (every frame, not throttled; the callee throttles), for callers that show progress
	 * themselves (pipeline/stage.h) instead of the bar or JSON lines above. */
	void (*on_progress)(void *ud, int64_t done, int64_t total);
	void *progress_ud;
	/* A piece of a split render (pipeline/pieces.c): video only (the join mixes the audio once
	 * for the whole timeline), encoded under the rate cap the video's budget gives when it is
	 * split in pieces parts (enc_budget_parts over the whole video), with tags (key, value,
	 * ..., NULL) saying where it belongs. */
	int no_audio;
	int pieces;
	const char *const *tags;
	/* The size budget as a total (pipeline/stage_render.c runs the passes; enc_budget_pass):
	 * pass 0 holds the video under a VBV cap at the budget's average rate (within the budget by
	 * construction; x264 on one thread) or, without a budget, checks the frame size's peak
	 * rate; pass 1 encodes at the CRF, checks the peak rate (*over_peak, optional, says whether
	 * it was exceeded) and writes x264's statistics to the file stats (and stats.mbtree: the
	 * caller removes both); pass 2 reads them and spends the budget's total (or pass2_bytes when
	 * lower) where pass 1 found the detail, held to the peak rate. */
	int pass;
	const char *stats;
	int *over_peak;
	int64_t pass2_bytes;
	/* A piece whose first encoding went over the peak rate (*over_peak): encoded again with the
	 * cap given to x264 (its VBV, on one thread) instead of only checked. */
	int hold_peak;
} rt_render_opts;

/* Whether output names a raw .y4m file rather than an MP4 (by its extension, any case). */
int rt_output_raw(const char *output);

/* What decides the encoded bytes of frames [first, first + nframes) besides their pixels, as one
 * line of text (codec, x264 preset, CRF, rate cap, size, frame rate, audio or not, the libav
 * build), for the piece cache's keys (pipeline/piececache.c). 0, or the budget's error. */
int rt_render_settings(const ir_program *p, const rt_render_opts *opts, int64_t first, int64_t nframes,
		       char *out, size_t outlen, char *err, size_t errlen);

/* Renders the whole program to an MP4 at opts->output. On failure or cancel no file is left at
 * the output path (and no temp file beside it). */
int rt_render(const ir_program *p, const rt_render_opts *opts, char *err, size_t errlen);

/* Renders frame f exactly as the encoder would receive it (before conversion to YUV) and writes
 * it as an 8-bit RGBA PNG (straight alpha, alpha 255 everywhere). Same program, same pixels. */
int rt_frame_png(const ir_program *p, int64_t f, const char *png_path, char *err, size_t errlen);

#endif
