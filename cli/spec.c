/*
 * spec.c - the commands on one spec: vidc check, ir, render, frame and golden. Each parses with
 * cli.c, loads the spec with cli_load and hands the IR to one stage (pipeline/stage.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "cli.h"

int cli_check(cli_args *a)
{
	if (a->npos == 0)
		return cli_usage(a, "which spec? (vidc check SPEC.vid)");
	int json = a->format && !strcmp(a->format, "json");
	if (a->format && !json && strcmp(a->format, "text"))
		return cli_usage(a, "--format takes text or json, not '%s'", a->format);
	stage_cb cb;
	int bad = cli_callbacks(a, &cb);
	if (bad)
		return bad;
	diag_json_acc j = {BUF_INIT, 1, 0};
	if (json) { /* the diagnostics go to stdout as JSON; the summaries stay on stderr */
		cb.diagnostics = diag_json_collect;
		cb.ud = &j;
	}
	for (int i = 0; i < a->npos; i++) { /* every spec, even after a bad one */
		stage_spec *s = NULL;
		vidc_err e = {0};
		if (cli_load(a, &cb, a->pos[i], &s)) {
			bad = 1;
		} else if (stage_spec_check(s, &cb, &e)) {
			if (e.code == VE_INVAL) /* "2 errors in x.vid", after the diagnostics */
				fprintf(stderr, "%s\n", e.msg);
			else
				cli_error(a, &e);
			bad = 1;
		}
		stage_spec_free(s);
	}
	if (json) {
		if (j.failed)
			bad = cli_fail(a, "out of memory writing the diagnostics as JSON");
		else
			printf("{\"diagnostics\":[%s]}\n", j.out.data ? j.out.data : "");
		buf_free(&j.out);
	}
	return bad;
}

int cli_ir(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "give exactly one spec (vidc ir SPEC.vid)");
	cli_run l;
	if (cli_start(a, &l, 0))
		return 1; /* a bad --progress too: ir's status has always been 1 */
	const spec_t *sp = stage_spec_compiled(l.s);
	int rc = 1;
	vidc_err e = {0};
	/* With -o the dump is made in memory and written through a temp file once whole: a preset
	 * that fails to lower, or a full disk, leaves nothing at the output path. */
	char *text = NULL;
	size_t len = 0;
	FILE *out = a->output ? open_memstream(&text, &len) : stdout;
	if (!out) {
		fprintf(stderr, "vidc ir: out of memory\n");
		return cli_run_free(&l, 1);
	}
	if (a->output && file_out_check(a->output, &e)) { /* a folder or a device: before any work */
		fclose(out);
		free(text);
		return cli_run_free(&l, cli_error(a, &e));
	}
	for (int i = 0; i < compile_npresets(sp); i++) {
		const char *p = compile_preset(sp, i);
		ir_program *prog = NULL;
		if (a->preset && strcmp(p, a->preset))
			continue;
		if (stage_spec_lower(l.s, p, &prog, &e)) {
			rc = cli_error(a, &e);
			break;
		}
		ir_dump(prog, out);
		ir_program_free(prog);
		rc = 0;
	}
	ir_program *none = NULL;
	if (rc && a->preset && stage_spec_lower(l.s, a->preset, &none, &e))
		fprintf(stderr, "vidc: %s\n", e.msg);
	ir_program_free(none);
	if (out != stdout) {
		if (fclose(out) && !rc)
			rc = cli_fail(a, "out of memory writing the IR");
		if (!rc && file_write_atomic(a->output, text, len, &e))
			rc = cli_error(a, &e);
		free(text);
	}
	return cli_run_free(&l, rc);
}

int cli_frame(cli_args *a)
{
	if (a->npos != 1 || !a->at || !a->output)
		return cli_usage(a, "vidc frame SPEC.vid --at 12.4s -o frame.png");
	cli_run l;
	if (cli_start(a, &l, 1))
		return 1;
	vidc_err e = {0};
	int64_t f;
	int bad_syntax, rc = 0;
	if (stage_time_frame(l.p, a->at, &f, &bad_syntax, &e)) {
		fprintf(stderr, "vidc: %s\n", e.msg);
		rc = bad_syntax ? 2 : 1;
	} else if (stage_frame(l.p, f, a->output, &l.cb, &e)) {
		rc = cli_error(a, &e);
	}
	return cli_run_free(&l, rc);
}

/* OUT.mp4 -> OUT-PRESET.mp4 for `render --preset all`. Caller frees. */
static char *output_for(const char *output, const char *preset)
{
	const char *dot = strrchr(output, '.'), *slash = strrchr(output, '/');
	int stem = dot && (!slash || dot > slash) ? (int)(dot - output) : (int)strlen(output);
	char *out = NULL;
	return asprintf(&out, "%.*s-%s%s", stem, output, preset, output + stem) < 0 ? NULL : out;
}

/* Renders one preset of s to out and says what was written. 0 or 1. */
static int render_one(cli_args *a, const stage_cb *cb, const stage_spec *s, const char *preset, const char *out)
{
	ir_program *p = NULL;
	vidc_err e = {0};
	double lufs = -INFINITY, peak = -INFINITY;
	stage_render_opts o = {out, a->quality, 0, 0, &lufs, &peak};
	int rc = stage_spec_lower(s, preset, &p, &e), split = -1;
	if (!rc && cli_out_is_input(a, out, s, p)) {
		ir_program_free(p);
		return 1;
	}
	if (!rc && (split = cli_render_split(a, cb, p, out)) >= 0) { /* pieces, the cache: scale.c */
		ir_program_free(p);
		return split;
	}
	if (!rc)
		rc = stage_render(p, &o, cb, &e);
	if (rc) {
		rc = cli_error(a, &e);
	} else if (!a->progress || strcmp(a->progress, "json")) {
		fprintf(stderr, "vidc: wrote %s (%s, %dx%d, %.2fs)\n", out, preset, p->width, p->height,
			ir_frame_time(p, p->frames));
		/* metered on what the encoder was given, before AAC */
		if (p->mix >= 0 && isfinite(lufs))
			fprintf(stderr, "vidc: loudness %.1f LUFS, true peak %.1f dBTP\n", lufs, peak);
	}
	ir_program_free(p);
	return rc;
}

int cli_render(cli_args *a)
{
	if (a->npos != 1 || !a->output)
		return cli_usage(a, "vidc render SPEC.vid -o OUT.mp4");
	int all = a->preset && !strcmp(a->preset, "all");
	cli_run l;
	int rc = cli_start(a, &l, !all); /* lowered to check --preset */
	if (rc)
		return rc;
	ir_program_free(l.p); /* lowered again per preset below */
	l.p = NULL;
	const spec_t *sp = stage_spec_compiled(l.s);
	int n = compile_npresets(sp);
	for (int i = 0; rc == 0 && i < n; i++) {
		const char *preset = compile_preset(sp, i);
		if (!all && strcmp(preset, a->preset ? a->preset : compile_preset(sp, 0)))
			continue;
		char *out = all && n > 1 ? output_for(a->output, preset) : strdup(a->output);
		rc = out ? render_one(a, &l.cb, l.s, preset, out) : 1;
		free(out);
	}
	return cli_run_free(&l, rc);
}

static void on_golden(void *ud, const stage_golden_item *it)
{
	const double *threshold = ud;
	if (it->status == STAGE_GOLDEN_UPDATED)
		printf("updated %s\n", it->name);
	else if (it->status == STAGE_GOLDEN_FAIL)
		fprintf(stderr, "FAIL %s: %s\n", it->name, it->detail ? it->detail : "failed");
	else if (isinf(it->psnr))
		printf("ok   %s (identical)\n", it->name);
	else
		printf("ok   %s (PSNR %.2f dB >= %.1f)\n", it->name, it->psnr, *threshold);
}

int cli_golden(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "vidc golden DIR [--update [--all]] [--threshold DB]");
	stage_cb cb;
	if (cli_callbacks(a, &cb))
		return 2;
	double threshold = a->threshold > 0 ? a->threshold : 40;
	cb.ud = &threshold;
	if (a->update_all && !a->update)
		return cli_usage(a, "--all goes with --update (rewrite every golden)");
	stage_golden_opts o = {a->pos[0], threshold, a->update, a->update_all, cli_spec_opts(a), on_golden};
	stage_golden_result r;
	vidc_err e = {0};
	if (stage_golden(&o, &cb, &r, &e)) {
		fprintf(stderr, "vidc: %s\n", e.msg);
		return 1;
	}
	if (r.checked == 0)
		fprintf(stderr, "vidc: no golden PNGs in '%s/golden'\n", a->pos[0]);
	printf("golden: %d checked, %d failed\n", r.checked, r.failed);
	return r.failed || r.checked == 0;
}
