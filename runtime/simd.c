/*
 * simd.c - the runtime's vector level (see simd.h): the CPU asked once, VIDC_SIMD read once.
 */
#include "simd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[SIMD_LEVELS] = {"scalar", "sse2", "avx2"};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int cpu_level, use_level;
static const char *env_bad;

static void simd_init(void)
{
	cpu_level = SIMD_SCALAR;
#if defined(__SSE2__)
	cpu_level = SIMD_SSE2;
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(VIDC_NO_AVX2)
	if (__builtin_cpu_supports("avx2"))
		cpu_level = SIMD_AVX2;
#endif
	use_level = cpu_level;
	const char *v = getenv("VIDC_SIMD");
	if (!v || !*v)
		return;
	for (int i = 0; i < SIMD_LEVELS; i++)
		if (!strcmp(v, level_names[i])) {
			use_level = i < cpu_level ? i : cpu_level;
			return;
		}
	env_bad = v;
}

int simd_cpu(void)
{
	pthread_once(&once, simd_init);
	return cpu_level;
}

int simd_level(void)
{
	pthread_once(&once, simd_init);
	return use_level;
}

const char *simd_name(int level)
{
	return level >= 0 && level < SIMD_LEVELS ? level_names[level] : NULL;
}

const char *simd_env_invalid(void)
{
	pthread_once(&once, simd_init);
	return env_bad;
}
