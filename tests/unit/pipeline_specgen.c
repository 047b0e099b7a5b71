/*
 * pipeline_specgen.c - the spec `vidc make` writes: from a script and its voice timings
 * (tests/fixtures/make/), a vertical spec with photos and a 16:9 spec without any must both
 * compile clean, name every narrated section once, escape the script's text, and (16:9) carry
 * YouTube-valid chapters: the first at 0:00, at least three, each at least 10 s long. The
 * presets' sizes come from the platform table the caller passes (specgen_opts.platforms), not
 * from a file read again on every call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "../../compiler/compile.h"
#include "../../compiler/ir.h"
#include "../../base/platform.h"
#include "../../pipeline/specgen.h"

/* The shipped platform file with youtube_long made 1080x1920 (its safe area narrowed to fit),
 * loaded from a copy in dir. */
static platform_table *upright_long(const char *dir)
{
	size_t len;
	char *text = check_slurp("stdlib/platforms.json", &len), path[4200];
	const char *from[] = {"\"width\": 1920, \"height\": 1080", "\"x\": 96, \"y\": 54, \"width\": 1728"};
	const char *to[] = {"\"width\": 1080, \"height\": 1920", "\"x\": 96, \"y\": 54, \"width\": 880 "};
	for (int i = 0; text && i < 2; i++) {
		char *at = strstr(text, from[i]);
		CHECK(at != NULL, "'%s' is not in platforms.json", from[i]);
		if (at)
			memcpy(at, to[i], strlen(to[i])); /* the same length */
	}
	snprintf(path, sizeof path, "%s/platforms.json", dir);
	FILE *f = fopen(path, "wb");
	if (f && text)
		fwrite(text, 1, len, f);
	if (f)
		fclose(f);
	free(text);
	platform_table *t = NULL;
	vidc_err e;
	CHECK(platform_load_file(path, &t, &e) == 0, "the edited copy: %s", e.msg);
	remove(path);
	return t;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Compiles path for preset; returns the program (the caller frees it, then *spec, then *d: the
 * spec's source text lives in the sink). */
static ir_program *compile(const char *path, const char *preset, spec_t **spec, diag_sink **d)
{
	/* the specs are written in a temp folder and name the fixtures' timing file */
	static const char *const allow[] = {"tests/fixtures"};
	compile_opts o = {.stdlib_dir = "stdlib", .check_assets = 0, .allow = allow, .nallow = 1};
	*d = diag_new();
	*spec = compile_spec(path, *d, &o);
	int errors = diag_errors(*d);
	if (errors)
		diag_print(*d, stderr, 0);
	CHECK(!errors, "%s does not compile", path);
	return errors ? NULL : compile_lower(*spec, preset);
}

int main(void)
{
	char dir[] = "/tmp/vidc-specgen.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char cwd[4096], timing[4200], tall[4200], wide[4200], err[512];
	if (!getcwd(cwd, sizeof cwd))
		return 1;
	snprintf(timing, sizeof timing, "%s/tests/fixtures/make/voice.json", cwd);
	snprintf(tall, sizeof tall, "%s/tall.vid", dir);
	snprintf(wide, sizeof wide, "%s/wide.vid", dir);

	const char *photos[] = {"a.jpg", "b.jpg"};
	const char *vertical[] = {"tiktok", "youtube_short"};
	specgen_opts o = {
		.script_path = "tests/fixtures/make/script.json",
		.timing_path = timing,
		.voice_name = "voice.wav",
		.timing_name = timing,
		.title = "Cold brew, \"explained\"",
		.images = photos,
		.nimages = 2,
		.presets = vertical,
		.npresets = 2,
		.captions = "karaoke",
		.source = "script.json",
	};
	CHECK(specgen_write(tall, &o, err, sizeof err) == 0, "%s", err);
	char *text = check_slurp(tall, NULL);
	CHECK(text != NULL, "no %s", tall);
	if (text) {
		CHECK(strstr(text, "import \"templates/short.vid\""), "no template import:\n%s", text);
		CHECK(strstr(text, "preset tiktok youtube_short"), "presets:\n%s", text);
		CHECK(strstr(text, "captions karaoke"), "captions:\n%s", text);
		CHECK(strstr(text, "use short_open(\"hook\", \"Cold brew, \\\"explained\\\"\", \"a.jpg\")"),
		      "opening:\n%s", text);
		CHECK(strstr(text, "\"12-24 \\\"hours\\\" \\{cold}\""), "escaping:\n%s", text);
		/* An empty overlay takes the first words of the point's text. */
		CHECK(strstr(text, "\"Grind the beans coarse, like sea\xe2\x80\xa6\""), "overlay from text:\n%s", text);
		const char *secs[] = {"\"hook\"", "\"intro\"", "\"point1\"", "\"point2\"", "\"point3\"", "\"cta\""};
		for (int i = 0; i < 6; i++)
			CHECK(count(text, secs[i]) == 1, "section %s appears %d times", secs[i], count(text, secs[i]));
		CHECK(!strstr(text, "chapter"), "a vertical spec has no chapters:\n%s", text);
	}
	free(text);
	spec_t *s;
	diag_sink *d;
	ir_program *p = compile(tall, "tiktok", &s, &d);
	if (p) {
		CHECK(p->width == 1080 && p->height == 1920, "size %dx%d", p->width, p->height);
		ir_program_free(p);
	}
	compile_free(s);
	diag_free(d);

	const char *horizontal[] = {"youtube_long"};
	o.presets = horizontal;
	o.npresets = 1;
	o.nimages = 0;
	o.captions = NULL;
	CHECK(specgen_write(wide, &o, err, sizeof err) == 0, "%s", err);
	text = check_slurp(wide, NULL);
	if (text) {
		CHECK(strstr(text, "import \"templates/explainer.vid\""), "no template import:\n%s", text);
		CHECK(count(text, "use explainer_card(") == 5, "cards without photos:\n%s", text);
		CHECK(strstr(text, "chapter \"Intro\" 0s"), "first chapter:\n%s", text);
	}
	free(text);
	p = compile(wide, "youtube_long", &s, &d);
	if (p) {
		double end = (double)p->frames * p->fps_den / p->fps_num;
		CHECK(p->nchapters >= 3, "%d chapters", p->nchapters);
		CHECK(p->nchapters > 0 && p->chapters[0].t == 0, "first chapter not at 0:00");
		for (int i = 0; i < p->nchapters; i++) {
			double next = i + 1 < p->nchapters ? p->chapters[i + 1].t : end;
			CHECK(next - p->chapters[i].t >= 10, "chapter %d '%s' lasts %.2fs", i,
			      p->chapters[i].title, next - p->chapters[i].t);
		}
		ir_program_free(p);
	}
	compile_free(s);
	diag_free(d);

	/* the caller's table decides: youtube_long upright in it makes a vertical spec */
	platform_table *shipped = NULL, *edited = upright_long(dir);
	vidc_err pe;
	CHECK(platform_load("stdlib", &shipped, &pe) == 0, "%s", pe.msg);
	CHECK(shipped && !specgen_vertical(shipped, "youtube_long") && specgen_vertical(shipped, "tiktok"),
	      "the shipped sizes");
	CHECK(edited && specgen_vertical(edited, "youtube_long"), "the edited youtube_long is vertical");
	CHECK(specgen_vertical(NULL, "youtube_long") && specgen_vertical(shipped, "no_such"),
	      "no table or an unknown preset: vertical");
	o.platforms = edited;
	CHECK(edited && specgen_write(wide, &o, err, sizeof err) == 0, "%s", err);
	text = edited ? check_slurp(wide, NULL) : NULL;
	CHECK(text && strstr(text, "import \"templates/short.vid\""), "the caller's table was not used:\n%s",
	      text ? text : "");
	free(text);
	platform_free(edited);
	platform_free(shipped);

	remove(tall);
	remove(wide);
	rmdir(dir);
	if (!failures)
		printf("pipeline_specgen: ok\n");
	return failures != 0;
}
