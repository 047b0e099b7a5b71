/*
 * pipeline_match.c - the article's images and code matched to a script's sections
 * (pipeline/match.c) against hand-labelled articles: tests/fixtures/assets/NAME.json (a
 * real-shaped content record), NAME.script.json (the script `vidc script --type medium` wrote
 * for it) and NAME.labels.json (where a person would put each image and code block: a section,
 * or null for one that illustrates no section of this script, e.g. a picture whose section shows
 * its code). At least 90 % of all labels must hold, no image may be used twice, code blocks must
 * become code cards where labelled; and the code rules: languages from classes and content,
 * overlays without code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "../../pipeline/article.h"
#include "../../pipeline/match.h"
#include "../../pipeline/overlay.h"

static const char *const fixtures[] = {"python-comprehensions", "sourdough-starter",
				       "office-ergonomics", "trail-shoes", "docker-compose", "lisbon-weekend"};

static int total, right, code_total, code_right;

static const char *js(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

/* The section whose match shows image img (or, with img < 0, code block code); NULL: none. */
static const char *section_with(const match_choice *mc, const match_section *sec, int n, int img, int code)
{
	const char *got = NULL;
	for (int k = 0; k < n; k++)
		if (img >= 0 ? mc[k].image == img : mc[k].code == code)
			got = sec[k].name;
	return got;
}

/* Whether the section got agrees with the label want (a section name, or null: nowhere). */
static int label_ok(json_t *want, const char *got)
{
	return json_is_null(want) ? !got : got && !strcmp(got, js(want));
}

static void one(const char *name)
{
	char path[256], err[512];
	snprintf(path, sizeof path, "tests/fixtures/assets/%s.json", name);
	article_t *a = article_load(path, err, sizeof err);
	CHECK(a, "%s", err);
	snprintf(path, sizeof path, "tests/fixtures/assets/%s.script.json", name);
	json_t *s = json_load_file(path, 0, NULL);
	snprintf(path, sizeof path, "tests/fixtures/assets/%s.labels.json", name);
	json_t *labels = json_load_file(path, 0, NULL);
	CHECK(s && labels, "%s: no script or labels", name);
	if (!a || !s || !labels) {
		article_free(a);
		json_decref(s);
		json_decref(labels);
		return;
	}
	/* The sections as the voice stage names them. */
	match_section sec[48];
	char names[48][16];
	int n = 0;
	sec[n++] = (match_section){"hook", js(json_object_get(s, "hook")), a->title, "", -1, 0};
	if (*js(json_object_get(s, "intro")))
		sec[n++] = (match_section){"intro", js(json_object_get(s, "intro")), "", "", -1, 0};
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(s, "points"), i, p) {
		snprintf(names[i], sizeof names[i], "point%zu", i + 1);
		sec[n++] = (match_section){names[i], js(json_object_get(p, "text")),
					   js(json_object_get(p, "text_overlay")),
					   js(json_object_get(p, "visual_cue")), -1, 0};
	}
	sec[n++] = (match_section){"cta", js(json_object_get(s, "cta")), "", "", -1, 0};
	match_locate(a, sec, n);
	match_choice mc[48];
	match_article(a, sec, n, NULL, mc);

	/* Images: each labelled one where the label says (or nowhere), none used twice. */
	int *uses = calloc((size_t)a->nimages + 1, sizeof *uses);
	for (int k = 0; k < n; k++)
		if (mc[k].image >= 0)
			uses[mc[k].image]++;
	const char *src;
	json_t *want;
	json_object_foreach(json_object_get(labels, "images"), src, want) {
		int img = -1;
		for (int j = 0; j < a->nimages; j++)
			if (!strcmp(a->images[j].src, src))
				img = j;
		CHECK(img >= 0, "%s: labelled image %s is not in the article", name, src);
		const char *got = img >= 0 ? section_with(mc, sec, n, img, -1) : NULL;
		int ok = label_ok(want, got);
		total++;
		right += ok;
		if (!ok)
			fprintf(stderr, "%s: image %s went to %s, labelled %s\n", name, src, got ? got : "nowhere",
				json_is_null(want) ? "nowhere" : js(want));
	}
	for (int j = 0; j < a->nimages; j++)
		CHECK(uses[j] <= 1, "%s: image %d used %d times", name, j + 1, uses[j]);
	free(uses);
	/* Code blocks: the labelled section shows it as a code card. */
	const char *nth;
	json_object_foreach(json_object_get(labels, "code"), nth, want) {
		int k = atoi(nth), block = -1;
		for (int b = 0, c = 0; b < a->nblocks; b++)
			if (a->blocks[b].kind == ART_CODE && ++c == k)
				block = b;
		const char *got = block >= 0 ? section_with(mc, sec, n, -1, block) : NULL;
		int ok = label_ok(want, got);
		total++;
		right += ok;
		code_total++;
		code_right += ok;
		if (!ok)
			fprintf(stderr, "%s: code block %d went to %s, labelled %s\n", name, k, got ? got : "nowhere",
				json_is_null(want) ? "nowhere" : js(want));
	}
	for (int k = 0; k < n; k++)
		CHECK(strcmp(sec[k].name, "cta") || (mc[k].image < 0 && mc[k].code < 0), "%s: the cta got a visual", name);
	article_free(a);
	json_decref(s);
	json_decref(labels);
}

static void test_languages(void)
{
	static const struct {
		const char *lang, *code, *want;
	} t[] = {
		{"python", "x = 1", "python"}, {"py", "x = 1", "python"}, {"shell", "ls", "bash"},
		{"console", "$ ls", "bash"}, {"golang", "x", "go"}, {"c++", "x", "cpp"},
		{"", "import os\ndef main():\n    print(os.getcwd())", "python"},
		{"", "#include <stdio.h>\nint main(void) { printf(\"hi\"); return 0; }", "c"},
		{"", "const x = 1;\nfunction f() { console.log(x); }", "javascript"},
		{"", "package main\nfunc main() { fmt.Println(\"hi\") }", "go"},
		{"", "$ sudo apt install ffmpeg\n$ echo done", "bash"},
		{"", "{\"name\": \"vidc\", \"version\": 1}", "json"},
		{"", "services:\n  web:\n    build: .", "text"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		art_block b = {.kind = ART_CODE, .text = t[i].code, .lang = t[i].lang};
		const char *got = match_code_language(&b);
		CHECK(!strcmp(got, t[i].want), "language of %s/'%.20s': %s, expected %s", t[i].lang, t[i].code, got, t[i].want);
	}
}

static void test_overlays(void)
{
	static const struct {
		const char *in, *out; /* out NULL: nothing usable */
	} t[] = {
		{"[x**2 for x in range(10)]", NULL},
		{"Squares: [x**2 for x in", "Squares"},
		{"12 to 18 hours", "12 to 18 hours"},
		{"The ratio (by weight) matters", "The ratio (by weight) matters"},
		{"Steep it (overnight", "Steep it"},
		{"Read it with json_load_file", "Read it"},
		{"Learn C++ fast", "Learn C++ fast"},
		{"x = 1; y = 2", NULL},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char *got = overlay_clean(t[i].in);
		CHECK((!got && !t[i].out) || (got && t[i].out && !strcmp(got, t[i].out)), "overlay '%s': '%s', expected '%s'",
		      t[i].in, got ? got : "(none)", t[i].out ? t[i].out : "(none)");
		if (got)
			CHECK(overlay_balanced(got) && overlay_codeish(got) == OVERLAY_PROSE, "'%s' still code", got);
		free(got);
	}
	CHECK(overlay_codeish("squares = [x**2 for x in range(10)]") == OVERLAY_CODE, "code sentence");
	CHECK(overlay_codeish("The function json_load_file reads a file.") == OVERLAY_IDENT, "identifier");
	CHECK(overlay_codeish("Grind the beans coarse, like sea salt.") == OVERLAY_PROSE, "prose");
}

int main(void)
{
	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++)
		one(fixtures[i]);
	fprintf(stderr, "matching: %d of %d labels (%.0f %%), code blocks %d of %d\n", right, total,
		total ? 100.0 * right / total : 0, code_right, code_total);
	CHECK(total >= 25 && right * 10 >= total * 9, "%d of %d labels hold, under 90 %%", right, total);
	CHECK(code_right == code_total, "%d of %d code blocks where labelled", code_right, code_total);
	test_languages();
	test_overlays();
	return failures != 0;
}
