/*
 * fuzz_highlight.c - libFuzzer target over the code-frame tokenizers (runtime/highlight.c): the
 * first byte picks the language, the rest is the snippet. Every byte must get a valid class and
 * no scanner may read outside the snippet (the input is copied to an exact-size buffer, without
 * a terminating NUL, so AddressSanitizer sees any overrun).
 *
 *   make fuzz && ./build/fuzz/fuzz_highlight CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/highlight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {"c", "cpp", "python", "javascript", "typescript", "shell",
					    "json", "html", "css", "lua", "go", "rust", "text"};
	if (size < 1)
		return 0;
	const char *lang = langs[data[0] % (sizeof langs / sizeof langs[0])];
	size_t n = size - 1;
	char *src = malloc(n ? n : 1);
	unsigned char *cls = malloc(n ? n : 1);
	if (!src || !cls)
		abort();
	memcpy(src, data + 1, n);
	hl_classify(hl_lang(lang), src, n, cls);
	for (size_t i = 0; i < n; i++)
		if (cls[i] >= HL_COUNT)
			abort();
	free(src);
	free(cls);
	return 0;
}
