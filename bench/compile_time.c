/*
 * compile_time.c - the compiler's own time on one spec, without process start-up: compiles the
 * spec RUNS times in one process (parse, imports, templates, checks, asset checks, lowering of
 * every preset, IR dump to memory) and prints the mean, fastest and slowest wall time per compile.
 *   build/bench/compile_time SPEC [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../compiler/compile.h"
#include "../compiler/ir.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: compile_time SPEC [RUNS]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 50;
	if (runs < 1)
		runs = 1;
	compile_opts o = {.check_assets = 1};
	double sum = 0, lo = 1e30, hi = 0;
	size_t bytes = 0;
	int nodes = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();
		diag_sink *d = diag_new();
		spec_t *s = compile_spec(argv[1], d, &o);
		if (diag_errors(d)) {
			diag_print(d, stderr, 0);
			fprintf(stderr, "compile_time: %s has errors\n", argv[1]);
			return 1;
		}
		for (int i = 0; i < compile_npresets(s); i++) {
			ir_program *p = compile_lower(s, compile_preset(s, i));
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);
			ir_dump(p, f);
			fclose(f);
			bytes = len;
			nodes = p->nnodes;
			free(buf);
			ir_program_free(p);
		}
		compile_free(s);
		diag_free(d);
		double t = now_ms() - t0;
		sum += t;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	printf("compile %s: %d IR nodes, %zu bytes of IR; %d runs: mean %.2f ms, min %.2f ms, max %.2f ms\n",
	       argv[1], nodes, bytes, runs, sum / runs, lo, hi);
	return 0;
}
