/*
 * pipeline_preview.c - the model behind `vidc preview` (pipeline/preview.h) without a browser:
 * the state of a compiled spec (duration, timeline), frames clamped into the video as a PNG at
 * full size and a JPEG when smaller, a poll that sees nothing until a file changes, a broken save
 * that keeps the last good frames and reports the error, a picture the spec uses being watched,
 * and nothing printed by the library.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../pipeline/preview.h"
#include "check.h"

static const char good[] = "video { preset youtube_long; fps 30 }\n"
			   "scene a 1s { solid #264653 }\n"
			   "scene b 1s { solid #2a9d8f\n  image \"pic.png\" { width 20%; height 20% } }\n";

static void save(const char *path, const char *text)
{
	usleep(20000); /* a new modification time even on a coarse clock */
	check_write(path, text, strlen(text));
}

static int has(const buf_t *b, const char *s)
{
	return b->data && strstr(b->data, s) != NULL;
}

int main(void)
{
	char spec[600], pic[600], err_path[600];
	snprintf(spec, sizeof spec, "%s", check_path("spec.vid"));
	snprintf(pic, sizeof pic, "%s", check_path("pic.png"));
	snprintf(err_path, sizeof err_path, "%s", check_path("stderr"));
	FILE *src = fopen("tests/fixtures/red.png", "rb");
	char png[1 << 16];
	size_t n = src ? fread(png, 1, sizeof png, src) : 0;
	if (src)
		fclose(src);
	CHECK(n > 0, "tests/fixtures/red.png (run from the repository)");
	check_write(pic, png, n);
	save(spec, good);
	fflush(stderr);
	int saved_err = dup(2);
	if (saved_err < 0 || !freopen(err_path, "w", stderr))
		return 2;

	preview_opts o = {spec, NULL, {NULL, 1, 0, NULL, 0, 0, 0}};
	preview *pv = NULL;
	vidc_err e = {0};
	int rc = preview_new(&o, &pv, &e), changed = -1;
	CHECK(rc == 0 && pv, "preview_new: %d %s", rc, e.msg);
	if (!pv)
		return check_done();
	buf_t st = BUF_INIT;
	CHECK(preview_state(pv, &st, &e) == 0, "state: %s", e.msg);
	CHECK(has(&st, "\"ok\":true") && has(&st, "\"duration\":2.0000") && has(&st, "\"name\":\"b\""),
	      "state: %s", st.data);
	CHECK(has(&st, "\"kind\":\"image\",\"label\":\"pic.png\""), "the image layer in the timeline: %s", st.data);
	buf_free(&st);

	/* far outside the video: clamped, not an error */
	preview_picture p;
	rc = preview_frame(pv, -50, 0, &p, &e);
	CHECK(rc == 0 && !strcmp(p.mime, "image/png") && p.w == 1920 && p.h == 1080 && p.len > 8 &&
		      !memcmp(p.data, "\x89PNG", 4),
	      "full frame: %d %s", rc, e.msg);
	free(p.data);
	rc = preview_frame(pv, 1e12, 320, &p, &e);
	CHECK(rc == 0 && !strcmp(p.mime, "image/jpeg") && p.w == 320 && p.h == 180 && p.len > 2 &&
		      (uint8_t)p.data[0] == 0xFF,
	      "small frame: %d %s (%dx%d)", rc, e.msg, p.w, p.h);
	free(p.data);
	rc = preview_frame(pv, 0.5, 3, &p, &e);
	CHECK(rc == 0 && p.w == PREVIEW_MIN_WIDTH, "a tiny width is raised to the minimum: %d", p.w);
	free(p.data);

	uint64_t gen = preview_generation(pv);
	CHECK(preview_poll(pv, &changed, &e) == 0 && changed == 0 && preview_generation(pv) == gen,
	      "nothing changed: changed %d", changed);

	/* a broken save: reported, the last good frames stay */
	save(spec, "video { preset youtube_long; fps 30 }\nscene a 1s { solid #264653\n  colr red }\n");
	CHECK(preview_poll(pv, &changed, &e) == 0 && changed == 1 && preview_generation(pv) == gen + 1,
	      "the broken save is seen: %d", changed);
	CHECK(preview_state(pv, &st, &e) == 0 && has(&st, "\"ok\":false") && has(&st, "colr") &&
		      has(&st, "\"duration\":2.0000"),
	      "broken state: %s", st.data);
	buf_free(&st);
	rc = preview_frame(pv, 1.5, 0, &p, &e);
	CHECK(rc == 0 && p.w == 1920, "the last good frame: %d %s", rc, e.msg);
	free(p.data);

	/* fixed, then a file the spec uses changes */
	save(spec, good);
	CHECK(preview_poll(pv, &changed, &e) == 0 && changed == 1, "the fix is seen");
	CHECK(preview_state(pv, &st, &e) == 0 && has(&st, "\"ok\":true"), "fixed: %s", st.data);
	buf_free(&st);
	gen = preview_generation(pv);
	usleep(20000);
	check_write(pic, png, n - 1); /* a damaged picture */
	CHECK(preview_poll(pv, &changed, &e) == 0 && changed == 1 && preview_generation(pv) == gen + 1,
	      "a picture the spec uses is watched");

	uint8_t *wav;
	size_t len;
	CHECK(preview_audio(pv, &wav, &len, &e) == VE_NOTFOUND, "a silent video has no sound: %s", e.msg);
	preview_free(pv);

	/* stderr back, with what went to the file: a failed CHECK's message, or the library's */
	fflush(stderr);
	int had = failures;
	char out[4096];
	FILE *f = fopen(err_path, "rb");
	size_t got = f ? fread(out, 1, sizeof out, f) : 0;
	if (f)
		fclose(f);
	if (dup2(saved_err, 2) < 0)
		return 2;
	fwrite(out, 1, got, stderr);
	CHECK(had || got == 0, "the library printed %zu bytes on stderr", got);
	return check_done();
}
