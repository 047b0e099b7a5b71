/*
 * simd.h - which vector level the runtime's inner loops (surface.c's row kernels, canvas.c's
 * gradient and grain rows, encode.c's RGB -> YUV) run at. Every kernel has a portable scalar
 * version and SSE2/AVX2 versions that give the same bits; the level only changes speed.
 *
 * The level is the best this build and this CPU run, chosen once (pthread_once), optionally
 * lowered by the environment variable VIDC_SIMD=scalar|sse2|avx2 (read once; a level above
 * what the CPU runs is lowered to it). The kernels also exist with the level as an argument
 * (the *_at functions of surface.h, canvas.h, encode.h) so that tests compare every level in
 * one process.
 */
#ifndef VIDC_SIMD_H
#define VIDC_SIMD_H

enum { SIMD_SCALAR = 0, SIMD_SSE2 = 1, SIMD_AVX2 = 2, SIMD_LEVELS };

/* The best level this build and CPU run (SSE2 is x86-64's baseline; AVX2 is asked of the CPU). */
int simd_cpu(void);
/* The level the kernels use: simd_cpu(), or lower when VIDC_SIMD asks. */
int simd_level(void);
/* "scalar", "sse2", "avx2"; NULL for a level out of range. */
const char *simd_name(int level);
/* When VIDC_SIMD holds a value that names no level, that value (the CLI refuses it); else NULL. */
const char *simd_env_invalid(void);

#endif
