/*
 * stage_render.c - the stages that turn a lowered program into pictures (stage.h): the MP4
 * (runtime/render.h), one frame as a PNG, a contact sheet (runtime/still.h) and the golden-frame
 * comparison the tests run (runtime/golden.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../base/file.h"
#include "../runtime/encode.h"
#include "../runtime/golden.h"
#include "../runtime/render.h"
#include "../runtime/still.h"
#include "stage.h"
#include "stage_priv.h"

/* ---- render ------------------------------------------------------------------------------- */

static void on_render_progress(void *ud, int64_t done, int64_t total)
{
	const stage_cb *cb = ud;
	cb->progress(cb->ud, "render", done, total);
}

/* One pass of rt_render to output (pass and stats: render.h's two-pass fields). */
static int render_pass(const ir_program *p, const stage_render_opts *o, const stage_cb *cb, int pass,
		       const char *stats, int *over_peak, int64_t pass2_bytes, const char *output, vidc_err *e)
{
	rt_render_opts ro;
	memset(&ro, 0, sizeof ro);
	ro.output = output;
	ro.quality = o->quality;
	ro.progress = RT_PROGRESS_NONE;
	ro.first_frame = o->first_frame;
	ro.nframes = o->nframes;
	ro.cancel = stage_cancel_flag(cb);
	ro.loudness = o->loudness;
	ro.true_peak = o->true_peak;
	ro.pass = pass;
	ro.stats = stats;
	ro.over_peak = over_peak;
	ro.pass2_bytes = pass2_bytes;
	if (cb && cb->progress) {
		ro.on_progress = on_render_progress;
		ro.progress_ud = (void *)cb;
	}
	char err[VE_MSG_MAX];
	int rc = rt_render(p, &ro, err, sizeof err);
	return rc ? stage_rt_err(e, rc, err) : 0;
}

static long long file_bytes(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* x264 writes its statistics itself and libav only says "Generic error in an external library"
 * when that write fails: with almost no room left in the work folder's file system (a few MiB
 * for a render is nothing), the cause is said plainly. */
static int say_full(int rc, const char *dir, const char *output, vidc_err *e)
{
	struct statvfs fs;
	if (rc && rc != VE_CANCELED && statvfs(dir, &fs) == 0 &&
	    (unsigned long long)fs.f_bavail * fs.f_frsize < 4ull << 20)
		return err_set(e, VE_IO, "cannot write '%s': the disk is full (%llu KiB free)", output,
			       (unsigned long long)fs.f_bavail * fs.f_frsize / 1024);
	return rc;
}

/* The size budget is a limit on the total, not a rate (SPEC.md, "Size budget"): pass 1 encodes
 * at the CRF, checks the frame size's peak rate on its packets and writes x264's statistics; a
 * file within the budget and the peak is the result (no extra cost). Otherwise the frames are
 * composed again (the same frames: composition is deterministic) and x264's second pass spends
 * the budget's total (or, when only the peak was exceeded, pass 1's own size) where the first
 * found the detail, under the peak rate. Both passes write into a private folder beside the
 * output (one file system: the result is renamed), removed on every path; the output gets a file
 * only at the end. */
static int render_passes(const ir_program *p, const stage_render_opts *o, const stage_cb *cb, vidc_err *e)
{
	char dir[4200], stats[4300], first[4300], second[4300], a[32], b[32];
	/* .NAME.tmp-PID, as a one-pass render's temp file: the next render removes it if this
	 * process is killed */
	int rc = file_tmp_name(o->output, dir, sizeof dir, e);
	if (rc)
		return rc;
	if (mkdir(dir, 0700) != 0) {
		if (errno == EEXIST) /* left by an earlier process with this PID */
			file_discard(dir);
		if (errno != EEXIST || mkdir(dir, 0700) != 0)
			return err_errno(e, errno, "cannot make the render's work folder beside '%s'", o->output);
	}
	snprintf(stats, sizeof stats, "%s/x264.log", dir);
	snprintf(first, sizeof first, "%s/first.mp4", dir);
	snprintf(second, sizeof second, "%s/second.mp4", dir);
	const char *name = p->preset ? p->preset : "the preset";
	long long budget = (long long)p->max_bytes, size = 0;
	int over_peak = 0;
	rc = render_pass(p, o, cb, 1, stats, &over_peak, 0, first, e);
	int fits = !rc && ((size = file_bytes(first)) <= budget || budget <= 0);
	if (!rc && fits && !over_peak) {
		rc = file_commit(first, o->output, e); /* nothing to say: the common case */
	} else if (!rc) {
		if (!fits)
			stage_say(cb, STAGE_NOTE, "render",
				  "%s at the CRF, over %s's %s budget: a second pass composes the frames again "
				  "and spreads the budget over them",
				  file_size_text((unsigned long long)size, a, sizeof a), name,
				  file_size_text((unsigned long long)budget, b, sizeof b));
		else
			stage_say(cb, STAGE_NOTE, "render",
				  "at the CRF some seconds take more than the %.0f Mb/s a %dx%d video may peak "
				  "at: a second pass composes the frames again and spreads the same %s over them",
				  enc_peak_rate(p->width, p->height) / 1e6, p->width, p->height,
				  file_size_text((unsigned long long)size, a, sizeof a));
		unlink(first); /* its room on the disk, for the second */
		rc = render_pass(p, o, cb, 2, stats, NULL, fits ? size : 0, second, e);
		if (!rc && budget > 0 && (size = file_bytes(second)) > budget)
			rc = err_set(e, VE_LIMIT, "the second pass made %s, still over %s's %s budget; "
				     "nothing was written", file_size_text((unsigned long long)size, a, sizeof a),
				     name, file_size_text((unsigned long long)budget, b, sizeof b));
		else if (!rc) {
			if (budget > 0)
				stage_say(cb, STAGE_NOTE, "render", "second pass: %s of the %s budget",
					  file_size_text((unsigned long long)size, a, sizeof a),
					  file_size_text((unsigned long long)budget, b, sizeof b));
			rc = file_commit(second, o->output, e);
		}
	}
	rc = say_full(rc, dir, o->output, e);
	file_discard(dir);
	return rc;
}

int stage_render(const ir_program *p, const stage_render_opts *o, const stage_cb *cb, vidc_err *e)
{
	if (!o || !o->output)
		return err_set(e, VE_INVAL, "render: no output path");
	int rc = file_out_check(o->output, e);
	if (rc)
		return rc;
	if (stage_canceled(cb, "render", e))
		return VE_CANCELED;
	if (rt_output_raw(o->output)) { /* pictures only, uncompressed: nothing to hold to a budget */
		if (o->quality > 0)
			stage_say(cb, STAGE_WARNING, "render", "--quality does not apply to '%s': a .y4m file's "
				  "frames are not compressed", o->output);
		return render_pass(p, o, cb, 0, NULL, NULL, 0, o->output, e);
	}
	return render_passes(p, o, cb, e);
}

/* Writes img as a PNG through a temp name, so a failure leaves nothing at path; a failure
 * names its cause (permission denied, the disk is full). */
static int write_png(const char *path, const golden_image *img, vidc_err *e)
{
	uint8_t *data;
	size_t len;
	int rc = file_out_check(path, e);
	if (rc)
		return rc;
	if (golden_png(img, &data, &len))
		return err_set(e, VE_NOMEM, "cannot write '%s': the PNG could not be encoded (out of memory?)", path);
	rc = file_write_atomic(path, data, len, e);
	free(data);
	return rc;
}

int stage_frame(const ir_program *p, int64_t f, const char *png, const stage_cb *cb, vidc_err *e)
{
	if (stage_canceled(cb, "frame", e))
		return VE_CANCELED;
	golden_image img;
	char err[VE_MSG_MAX];
	int rc = still_frame(p, f, &img, err, sizeof err);
	if (rc)
		return stage_rt_err(e, rc, err);
	rc = write_png(png, &img, e);
	golden_release(&img);
	return rc;
}

/* ---- contact sheet ------------------------------------------------------------------------ */

/* The frames a sheet shows: one every o->every seconds, or o->frames spread evenly (the middle
 * of each equal part). Returns the count (0 for an empty video). */
static int sheet_frames(const ir_program *p, const stage_sheet_opts *o, int64_t *fr)
{
	double fps = (double)p->fps_num / p->fps_den;
	int n = 0;
	if (o->every > 0) {
		for (double t = 0; n < STILL_SHEET_MAX; t += o->every) {
			double f = floor(t * fps + 1e-6);
			if (f >= (double)p->frames)
				break;
			fr[n++] = (int64_t)f;
		}
		return n;
	}
	int want = o->frames > 0 ? o->frames : 12;
	for (int i = 0; i < want && p->frames > 0; i++) {
		int64_t f = (int64_t)floor((i + 0.5) * (double)p->frames / want);
		if (n == 0 || f != fr[n - 1])
			fr[n++] = f;
	}
	return n;
}

int stage_sheet(const ir_program *p, const stage_sheet_opts *o, const stage_cb *cb,
		stage_sheet_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	if (o->frames > STILL_SHEET_MAX)
		return err_set(e, VE_INVAL, "a sheet holds at most %d frames", STILL_SHEET_MAX);
	int rc = file_out_check(o->output, e);
	if (rc)
		return rc;
	int64_t fr[STILL_SHEET_MAX];
	int n = sheet_frames(p, o, fr);
	if (!n)
		return err_set(e, VE_INVAL, "%s has no frames", p->spec);
	char title[512], err[VE_MSG_MAX];
	snprintf(title, sizeof title, "%s  -  %s %dx%d, %.2fs", p->spec, p->preset, p->width, p->height,
		 ir_frame_time(p, p->frames));
	still_sheet_opts so = {fr, n, o->cols > 0 ? o->cols : p->width >= p->height ? 4 : 6,
			       o->width > 0 ? o->width : 1600, title, stage_cancel_flag(cb)};
	golden_image img;
	if ((rc = still_sheet(p, &so, &img, err, sizeof err)))
		return stage_rt_err(e, rc, err);
	rc = write_png(o->output, &img, e);
	if (!rc) {
		r->frames = n;
		r->width = img.w;
		r->height = img.h;
	}
	golden_release(&img);
	return rc;
}

/* ---- golden frames ------------------------------------------------------------------------ */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* A golden PNG (not the .actual/.diff helpers written beside it). */
static int is_golden(const char *name)
{
	return ends_with(name, ".png") && !ends_with(name, ".actual.png") && !ends_with(name, ".diff.png");
}

/* The golden PNGs of gdir, sorted. */
static int golden_names(const char *gdir, char ***out, int *n, vidc_err *e)
{
	int rc = file_list(gdir, is_golden, out, n, e);
	return rc == VE_NOTFOUND ? err_set(e, rc, "no golden folder '%s'", gdir) : rc;
}

typedef struct {
	const stage_golden_opts *o;
	const stage_cb *cb;
	const char *name;
	char spec[4096], path[4096], actual[4096], diffp[4096], at[64], preset[64];
	double threshold;
	/* The spec of the last golden, compiled once for all of its goldens (they sort together),
	 * so its warnings print once: loaded names it, s is NULL when it failed with load_err. */
	char loaded[4096];
	stage_spec *s;
	char load_err[VE_MSG_MAX + 4096 + 128];
} golden_job;

/* SPEC@TIME[@PRESET].png -> the spec, time, preset and file names; 0 when malformed. */
static int golden_parse(golden_job *j)
{
	const char *dir = j->o->dir, *name = j->name;
	int stem_len = (int)strlen(name) - 4;
	char stem[1024];
	snprintf(stem, sizeof stem, "%.*s", stem_len, name);
	char *p1 = strchr(stem, '@');
	if (!p1)
		return 0;
	*p1++ = 0;
	char *p2 = strchr(p1, '@');
	if (p2)
		*p2++ = 0;
	snprintf(j->preset, sizeof j->preset, "%s", p2 ? p2 : "");
	snprintf(j->at, sizeof j->at, "%s", p1);
	snprintf(j->spec, sizeof j->spec, "%s/%s.vid", dir, stem);
	snprintf(j->path, sizeof j->path, "%s/golden/%s", dir, name);
	snprintf(j->actual, sizeof j->actual, "%s/golden/%.*s.actual.png", dir, stem_len, name);
	snprintf(j->diffp, sizeof j->diffp, "%s/golden/%.*s.diff.png", dir, stem_len, name);
	return 1;
}

static stage_golden_status golden_item(golden_job *j, stage_golden_status st, double psnr, const char *detail)
{
	stage_golden_item it = {j->name, st, psnr, detail};
	if (j->o->on_item)
		j->o->on_item(j->cb ? j->cb->ud : NULL, &it);
	return st;
}

/* Compares the rendered frame got with the golden on disk: STAGE_GOLDEN_OK, or FAIL with why in
 * detail (the actual and difference images kept beside it). Reports nothing. */
static stage_golden_status golden_compare(golden_job *j, const golden_image *got, double *psnr,
					  char *detail, size_t size)
{
	golden_image want, diff;
	char err[VE_MSG_MAX];
	vidc_err e2 = {0};
	stage_golden_status st = STAGE_GOLDEN_FAIL;
	*psnr = NAN;
	if (golden_read(j->path, &want, err, sizeof err) < 0) {
		snprintf(detail, size, "%s", err);
		return st;
	}
	if (want.w != got->w || want.h != got->h) {
		write_png(j->actual, got, &e2);
		snprintf(detail, size, "size %dx%d, the golden is %dx%d (kept %s)", got->w, got->h,
			 want.w, want.h, j->actual);
	} else if ((*psnr = golden_psnr(&want, got)) >= j->threshold) {
		remove(j->actual);
		remove(j->diffp);
		st = STAGE_GOLDEN_OK;
	} else if (golden_diff(&want, got, &diff) == 0) {
		write_png(j->actual, got, &e2);
		write_png(j->diffp, &diff, &e2);
		golden_release(&diff);
		snprintf(detail, size, "PSNR %.2f dB < %.1f (see %s and %s)", *psnr, j->threshold,
			 j->actual, j->diffp);
	} else {
		snprintf(detail, size, "out of memory");
	}
	golden_release(&want);
	return st;
}

/* The compiled spec of the current golden (loaded once per spec); NULL with j->load_err. */
static stage_spec *golden_spec(golden_job *j)
{
	if (!strcmp(j->loaded, j->spec))
		return j->s;
	stage_spec_free(j->s);
	j->s = NULL;
	snprintf(j->loaded, sizeof j->loaded, "%s", j->spec);
	vidc_err e = {0};
	if (access(j->spec, F_OK) != 0)
		snprintf(j->load_err, sizeof j->load_err, "its spec '%s' is missing (a golden is named "
			 "SPEC@TIME[@PRESET].png after SPEC.vid in the folder above golden/)", j->spec);
	else if (stage_spec_load(j->spec, NULL, 0, &j->o->spec, j->cb, &j->s, &e))
		snprintf(j->load_err, sizeof j->load_err, "%s", e.msg);
	return j->s;
}

/* Writes the rendered frame as the golden (--update). */
static stage_golden_status golden_rewrite(golden_job *j, const golden_image *got)
{
	vidc_err e = {0};
	char detail[VE_MSG_MAX + 32];
	if (write_png(j->path, got, &e) == 0) {
		remove(j->diffp);
		remove(j->actual);
		return golden_item(j, STAGE_GOLDEN_UPDATED, NAN, NULL);
	}
	snprintf(detail, sizeof detail, "cannot replace it: %s", e.msg);
	return golden_item(j, STAGE_GOLDEN_FAIL, NAN, detail);
}

/* One golden; returns its status (reported through on_item). --update rewrites it when it
 * fails (every one with update_all). */
static stage_golden_status golden_one(golden_job *j)
{
	if (!golden_parse(j))
		return golden_item(j, STAGE_GOLDEN_FAIL, NAN, "name it SPEC@TIME[@PRESET].png");
	stage_spec *s = golden_spec(j);
	if (!s)
		return golden_item(j, STAGE_GOLDEN_FAIL, NAN, j->load_err);
	ir_program *p = NULL;
	vidc_err e = {0};
	golden_image got = {0};
	int64_t f;
	int bad;
	double psnr = NAN;
	char err[VE_MSG_MAX], detail[VE_MSG_MAX + 3 * 4096];
	stage_golden_status st = STAGE_GOLDEN_FAIL;
	if (stage_spec_lower(s, j->preset[0] ? j->preset : NULL, &p, &e)) {
		st = golden_item(j, st, NAN, e.msg);
	} else if (stage_time_frame(p, j->at, &f, &bad, &e)) {
		snprintf(detail, sizeof detail, "'%s' is not a time inside the video", j->at);
		st = golden_item(j, st, NAN, detail);
	} else if (still_frame(p, f, &got, err, sizeof err) < 0) {
		st = golden_item(j, st, NAN, err);
	} else if (j->o->update && j->o->update_all) {
		st = golden_rewrite(j, &got);
	} else if ((st = golden_compare(j, &got, &psnr, detail, sizeof detail)) == STAGE_GOLDEN_OK) {
		st = golden_item(j, st, psnr, NULL);
	} else {
		st = j->o->update ? golden_rewrite(j, &got) : golden_item(j, st, psnr, detail);
	}
	golden_release(&got);
	ir_program_free(p);
	return st;
}

int stage_golden(const stage_golden_opts *o, const stage_cb *cb, stage_golden_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	char gdir[4096];
	snprintf(gdir, sizeof gdir, "%s/golden", o->dir);
	char **names;
	int n, rc = golden_names(gdir, &names, &n, e);
	if (rc)
		return rc;
	golden_job j = {.o = o, .cb = cb, .threshold = o->threshold > 0 ? o->threshold : 40};
	for (int i = 0; i < n; i++) {
		if (!rc && stage_canceled(cb, "golden", e))
			rc = VE_CANCELED;
		if (!rc) {
			j.name = names[i];
			r->checked++;
			r->failed += golden_one(&j) == STAGE_GOLDEN_FAIL;
		}
	}
	file_list_free(names, n);
	stage_spec_free(j.s);
	return rc;
}
