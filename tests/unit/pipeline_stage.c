/*
 * pipeline_stage.c - the stage API (pipeline/stage.h) as an embedding program uses it: a spec
 * compiled from memory with its diagnostics delivered once through the callback, lowering for a
 * preset the spec does not name, times far past the end (no undefined behaviour), chapters,
 * a render stopped by the cancel flag before any work, a frame and a thumbnail written to disk,
 * and nothing printed by the library (stdout and stderr are checked empty).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../pipeline/stage.h"
#include "check.h"

typedef struct {
	int diagnostics, warnings, notes, progress;
	char last[1024];
} seen_t;

static void on_diag(void *ud, const diag_sink *d)
{
	seen_t *s = ud;
	s->diagnostics++;
	s->warnings += diag_warnings(d);
}

static void on_message(void *ud, stage_level level, const char *stage, const char *msg)
{
	seen_t *s = ud;
	s->notes++;
	snprintf(s->last, sizeof s->last, "%s: %s", stage, msg);
}

static void on_progress(void *ud, const char *stage, int64_t done, int64_t total)
{
	((seen_t *)ud)->progress++;
}

static const char spec[] = "video { preset youtube_long; fps 10 }\n"
			   "scene a 11s { solid #223344; text \"Title of the video\" }\n"
			   "chapter \"Intro\" 0s\n"
			   "chapter \"Middle\" 11s\n"
			   "scene b 10s { solid #443322 }\n";

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(void)
{
	/* the library never prints: both streams go to files that must stay empty */
	char out_path[600], err_path[600]; /* copies: check_path's buffers rotate */
	snprintf(out_path, sizeof out_path, "%s", check_path("stdout"));
	snprintf(err_path, sizeof err_path, "%s", check_path("stderr"));
	fflush(stdout);
	fflush(stderr);
	int saved_err = dup(2);
	if (saved_err < 0 || !freopen(out_path, "w", stdout) || !freopen(err_path, "w", stderr))
		return 2;

	seen_t seen = {0};
	volatile int cancel = 0;
	stage_cb cb = {&seen, on_diag, on_message, on_progress, &cancel};
	stage_spec_opts so = {NULL, 1, 0, NULL, 0, 0, 0};
	stage_spec *s = NULL;
	vidc_err e = {0};
	char path[600];
	snprintf(path, sizeof path, "%s/mem.vid", check_tmpdir());
	int rc = stage_spec_load(path, spec, strlen(spec), &so, &cb, &s, &e);
	CHECK(rc == 0 && s, "load: %d %s", rc, e.msg);
	/* 21 s is short for youtube_long, two chapters are too few: warnings, delivered once */
	CHECK(seen.diagnostics == 1 && seen.warnings >= 1, "diagnostics %d, warnings %d", seen.diagnostics,
	      seen.warnings);

	ir_program *p = NULL;
	rc = stage_spec_lower(s, "tiktok", &p, &e);
	CHECK(rc == VE_INVAL && !p && strstr(e.msg, "does not name preset 'tiktok'") &&
		      strstr(e.msg, "youtube_long"),
	      "unknown preset: %d %s", rc, e.msg);
	rc = stage_spec_lower(s, NULL, &p, &e);
	CHECK(rc == 0 && p && p->frames == 210, "lower: %d %s", rc, e.msg);
	if (!p)
		return check_done();

	int64_t f = -1;
	int bad = 0;
	CHECK(stage_time_frame(p, "1.5s", &f, &bad, &e) == 0 && f == 15, "1.5s -> %lld", (long long)f);
	CHECK(stage_time_frame(p, "209f", &f, &bad, &e) == 0 && f == 209, "209f");
	CHECK(stage_time_frame(p, "99999999999999999999s", &f, &bad, &e) == VE_LIMIT && !bad &&
		      strstr(e.msg, "past the end"),
	      "1e20 s: %s", e.msg);
	CHECK(stage_time_frame(p, "1e300f", &f, &bad, &e) == VE_LIMIT, "1e300 frames");
	CHECK(stage_time_frame(p, "12parsecs", &f, &bad, &e) == VE_INVAL && bad, "bad unit");
	CHECK(stage_time_frame(p, "-1s", &f, &bad, &e) == VE_INVAL && bad, "negative");

	/* two chapters: the block is made, the rule problem is a warning and VE_INVAL */
	char *block = NULL;
	seen.notes = 0;
	rc = stage_chapters(p, &block, &cb, &e);
	CHECK(rc == VE_INVAL && block && !strcmp(block, "0:00 Intro\n0:11 Middle\n"), "chapters: %d %s",
	      rc, block ? block : "(null)");
	CHECK(seen.notes == 1 && strstr(seen.last, "at least 3"), "chapter warning: %s", seen.last);
	free(block);

	/* a cancelled render does no work and leaves no file */
	cancel = 1;
	stage_render_opts ro = {.output = check_path("x.mp4")};
	rc = stage_render(p, &ro, &cb, &e);
	CHECK(rc == VE_CANCELED, "cancelled render: %d %s", rc, e.msg);
	CHECK(file_size(ro.output) < 0, "a cancelled render left a file");
	cancel = 0;

	/* a frame and a thumbnail */
	const char *png = check_path("f.png"), *jpg = check_path("t.jpg");
	rc = stage_frame(p, 15, png, &cb, &e);
	CHECK(rc == 0 && file_size(png) > 0, "frame: %d %s", rc, e.msg);
	stage_thumb_opts to = {.output = jpg, .at = -1};
	stage_thumb_result tr;
	rc = stage_thumb(s, NULL, &to, &cb, &tr, &e);
	CHECK(rc == 0 && tr.width == 1280 && tr.height == 720 && file_size(jpg) == tr.bytes &&
		      !strcmp(tr.title, "Title of the video"),
	      "thumb: %d %s (%dx%d, %s)", rc, e.msg, tr.width, tr.height, tr.title);
	/* the output must be a file or a new name: a folder is refused before any work */
	to.output = check_tmpdir();
	CHECK(stage_thumb(s, NULL, &to, &cb, &tr, &e) != 0, "thumb over a folder");

	ir_program_free(p);
	stage_spec_free(s);
	fflush(stdout);
	fflush(stderr);
	int failed_before = failures;
	long so_len = file_size(out_path), se_len = file_size(err_path);
	/* give the test its stderr back and show what was captured (CHECK messages included) */
	dup2(saved_err, 2);
	FILE *cap = fopen(err_path, "r");
	for (int c; cap && (c = fgetc(cap)) != EOF;)
		fputc(c, stderr);
	if (cap)
		fclose(cap);
	if (so_len > 0) { /* show what went to stdout */
		FILE *o = fopen(out_path, "r");
		for (int c, k = 0; o && (c = fgetc(o)) != EOF && k < 400; k++)
			fputc(c, stderr);
		if (o)
			fclose(o);
	}
	CHECK(so_len == 0 && (se_len == 0 || failed_before), "the library printed (%ld bytes on stdout, %ld on stderr)",
	      so_len, se_len);
	return check_done();
}
