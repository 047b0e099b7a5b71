/*
 * publish.c - the commands that make what goes beside the video, and pictures of it:
 *   vidc subs SPEC -o OUT.srt|.vtt|.ass    captions file          (stage_subs)
 *   vidc chapters SPEC                     YouTube chapter block  (stage_chapters)
 *   vidc thumb SPEC -o OUT.jpg             thumbnail              (stage_thumb)
 *   vidc sheet SPEC -o SHEET.png           contact sheet          (stage_sheet)
 * Exit status as vidc's: 0 ok, 1 errors in the spec or its assets, 2 usage.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* cli_start for subs, chapters and thumb: they read the spec's words, chapters and pictures,
 * so a missing clip or music file elsewhere in it does not stop them. */
static int start_no_assets(cli_args *a, cli_run *r, int lower)
{
	a->no_assets = 1;
	return cli_start(a, r, lower);
}

int cli_subs(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "which spec? (vidc subs SPEC.vid -o OUT.srt)");
	if (!a->output)
		return cli_usage(a, "where to? (vidc subs SPEC.vid -o OUT.srt)");
	int fmt = a->format ? stage_subs_format_parse(a->format) : (int)stage_subs_format_of(a->output);
	if (fmt < 0)
		return cli_usage(a, "--format takes srt, vtt or ass, not '%s'", a->format);
	cli_run l;
	int rc = start_no_assets(a, &l, 0);
	if (rc)
		return rc;
	stage_subs_opts o = {a->output, (stage_subs_format)fmt, a->style};
	stage_subs_result r;
	vidc_err e = {0};
	static const char *const names[] = {"srt", "vtt", "ass"};
	if (stage_subs(l.s, a->preset, &o, &l.cb, &r, &e)) {
		rc = cli_error(a, &e);
		if (r.bad_style)
			rc = 2;
	} else {
		fprintf(stderr, "vidc: wrote %s (%d cues, %s)\n", a->output, r.cues,
			a->format ? a->format : names[fmt]);
	}
	return cli_run_free(&l, rc);
}

int cli_chapters(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "which spec? (vidc chapters SPEC.vid)");
	cli_run l;
	int rc = start_no_assets(a, &l, 1);
	if (rc)
		return rc;
	char *block = NULL;
	vidc_err e = {0};
	rc = stage_chapters(l.p, &block, &l.cb, &e);
	if (block)
		fputs(block, stdout); /* printed even when YouTube would ignore it; the status says so */
	if (rc && !block)
		cli_error(a, &e);
	free(block);
	return cli_run_free(&l, rc ? 1 : 0);
}

int cli_thumb(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "which spec? (vidc thumb SPEC.vid -o thumb.jpg)");
	if (!a->output)
		return cli_usage(a, "where to? (vidc thumb SPEC.vid -o thumb.jpg)");
	double at = -1;
	if (a->at) {
		char *end;
		at = strtod(a->at, &end);
		if (end == a->at || !(at >= 0) || !isfinite(at) || (*end && strcmp(end, "s") && strcmp(end, "ms")))
			return cli_usage(a, "--at takes a time such as 12.4s or 1500ms, not '%s'", a->at);
		if (!strcmp(end, "ms"))
			at /= 1000;
	}
	cli_run l;
	int rc = start_no_assets(a, &l, 0);
	if (rc)
		return rc;
	stage_thumb_opts o = {a->output, a->title, a->image, at, a->template_file};
	stage_thumb_result r;
	vidc_err e = {0};
	if (stage_thumb(l.s, a->preset, &o, &l.cb, &r, &e))
		rc = cli_error(a, &e);
	else
		fprintf(stderr, "vidc: wrote %s (%dx%d, %lld bytes, \"%s\")\n", a->output, r.width, r.height,
			(long long)r.bytes, r.title);
	return cli_run_free(&l, rc);
}

int cli_sheet(cli_args *a)
{
	if (a->npos > 1)
		return cli_usage(a, "one spec only ('%s')", a->pos[1]);
	if (a->npos == 0 || !a->output)
		return cli_usage(a, "%s", a->npos == 0 ? "which spec?" : "where to? (-o sheet.png)");
	if (a->frames && a->every > 0)
		return cli_usage(a, "--frames or --every, not both");
	cli_run l;
	int rc = cli_start(a, &l, 1);
	if (rc)
		return rc;
	stage_sheet_opts o = {a->output, a->cols, a->frames, a->every, a->width};
	stage_sheet_result r;
	vidc_err e = {0};
	if (stage_sheet(l.p, &o, &l.cb, &r, &e))
		rc = cli_error(a, &e);
	else
		printf("%s: %d frames, %dx%d\n", a->output, r.frames, r.width, r.height);
	return cli_run_free(&l, rc);
}
