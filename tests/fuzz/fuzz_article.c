/*
 * fuzz_article.c - libFuzzer target over the content record (pipeline/article.c) and the
 * extractive script generator: JSON bytes -> article_parse (jansson, then libxml2's HTML parser
 * over content_html) -> sentence splitting and word counts of every block -> the extractive
 * script, its finishing steps and schema validation (pipeline/script.c). Any crash, leak or
 * sanitizer report is a bug; errors are expected and ignored.
 *
 *   make fuzz && ./build/fuzz/fuzz_article tests/fuzz/corpus/fuzz_article
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/article.h"
#include "../../pipeline/script.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("VIDC_STDLIB", "stdlib", 0); /* run from the repository root, as run.sh does */
	return 0;
}

static void on_sentence(const char *s, size_t len, void *ud)
{
	*(double *)ud += article_words(s, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	article_t *a = article_parse((const char *)data, size, "fuzz.json", "base", err, sizeof err);
	if (!a)
		return 0;
	double words = 0;
	for (int i = 0; i < a->nblocks; i++)
		article_sentences(a->blocks[i].text, on_sentence, &words);
	script_opts o;
	if (script_opts_init(&o, SCRIPT_SHORT, "tiktok,youtube_long", err, sizeof err) == 0) {
		o.max_s = 180; /* youtube_long caps nothing here; keep the short range's floor */
		json_t *s = script_generate(&script_gen_extract, a, &o, err, sizeof err);
		json_decref(s);
	}
	article_free(a);
	return 0;
}
