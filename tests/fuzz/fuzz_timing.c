/*
 * fuzz_timing.c - libFuzzer target over the word-timing reader (compiler/timing.c): JSON bytes ->
 * timing_load (jansson, then the order/overlap/section checks) -> the phrase and sentence
 * matchers the speech anchors use.
 *
 * timing_load takes a path, so each input is written to one private temporary file first. The
 * phrases searched come from the input itself (its words, pairs of words, its "text" field), so
 * the fuzzer steers them by editing the JSON.
 *
 *   make fuzz && ./build/fuzz/fuzz_timing CORPUS_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../base/arena.h"
#include "../../compiler/timing.h"

static char path[] = "/tmp/vidc-fuzz-timing-XXXXXX";
static int fd = -1;

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	atexit(cleanup);
	return 0;
}

static int write_all(const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while (size) {
		ssize_t k = write(fd, data, size);
		if (k <= 0)
			return -1;
		data += k;
		size -= (size_t)k;
	}
	return 0;
}

/* Every query the compiler can make with this phrase; results are only checked for sanity. */
static void query(const timing_t *t, const char *phrase)
{
	int first = -1, nw = 0, sentence = -1;
	int n = timing_match(t, phrase, 0, &first, &nw);
	if (n > 0 && (first < 0 || first + nw > t->nwords))
		abort();
	if (n > 1)
		timing_match(t, phrase, n, &first, &nw);
	int ns = timing_match_sentence(t, phrase, 0, &sentence);
	if (ns > 0) {
		if (sentence < 0 || sentence >= t->nsentences)
			abort();
		timing_match_sentence(t, phrase, ns, &sentence);
		int last = timing_sentence_last(t, sentence);
		if (last < t->sentence_first[sentence] || last >= t->nwords)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (write_all(data, size))
		abort(); /* /tmp full: not a finding, but better loud than silently testing nothing */
	arena_t *a = arena_new();
	char err[512];
	timing_t *t = timing_load(a, path, NULL, err, sizeof err);
	if (!t) {
		if (!memchr(err, 0, sizeof err) || !err[0])
			abort(); /* a failure must say why */
	} else {
		/* Bounded: each query walks every word, and a file may hold a million of them. */
		int lim = t->nwords < 32 ? t->nwords : 32;
		for (int i = 0; i < lim; i++) {
			query(t, t->words[i].text);
			if (i + 1 < t->nwords) {
				char *two = arena_printf(a, "%s %s", t->words[i].text, t->words[i + 1].text);
				query(t, two);
			}
		}
		query(t, t->text);
		query(t, "");
		for (int s = 0; s < t->nsentences && s < 32; s++)
			timing_sentence_last(t, s);
	}
	arena_free(a);
	return 0;
}
