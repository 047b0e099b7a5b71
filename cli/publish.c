/*
 * publish.c - the commands that make what goes beside the video when it is published:
 *   vidc subs SPEC [--preset P] [--format srt|vtt|ass] [--style S] -o OUT   captions file
 *   vidc chapters SPEC [--preset P]                                        YouTube chapter block
 *   vidc thumb SPEC [--preset P] [--title T] [--image PATH] [--at TIME] -o OUT.jpg
 * Each compiles the spec, lowers it for one preset and hands the IR to the runtime (cues.h,
 * thumb.h). Exit status as vidc's: 0 ok, 1 errors in the spec or its assets, 2 usage.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../compiler/compile.h"
#include "../compiler/ir.h"
#include "../runtime/cues.h"
#include "../runtime/thumb.h"
#include "cmds.h"

typedef struct {
	const char *spec, *preset, *output, *format, *style, *title, *image, *at;
} popts;

static int usage(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "vidc %s: ", cmd);
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\n(run 'vidc help' for usage)\n");
	return 2;
}

/* Parses the options every publish command shares; returns 0 or the exit status 2. */
static int parse(int argc, char **argv, popts *o)
{
	memset(o, 0, sizeof *o);
	const char *cmd = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **slot = NULL;
		if (!strcmp(s, "--preset"))
			slot = &o->preset;
		else if (!strcmp(s, "-o") || !strcmp(s, "--output"))
			slot = &o->output;
		else if (!strcmp(s, "--format"))
			slot = &o->format;
		else if (!strcmp(s, "--style"))
			slot = &o->style;
		else if (!strcmp(s, "--title"))
			slot = &o->title;
		else if (!strcmp(s, "--image"))
			slot = &o->image;
		else if (!strcmp(s, "--at"))
			slot = &o->at;
		else if (s[0] == '-' && s[1])
			return usage(cmd, "unknown option '%s'", s);
		else if (o->spec)
			return usage(cmd, "give one spec (a second one: '%s')", s);
		else
			o->spec = s;
		if (slot) {
			if (i + 1 >= argc)
				return usage(cmd, "option '%s' needs a value", s);
			*slot = argv[++i];
		}
	}
	if (!o->spec)
		return usage(cmd, "which spec? (vidc %s SPEC.vid)", cmd);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 + 64 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, 4096, f);
		n += k;
		if (k < 4096)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Compiles the spec and lowers it for the chosen preset. extra, when set, is appended to the
 * spec's text (a `captions plain` for subs of a spec that burns in none). */
static ir_program *load(const popts *o, const char *extra, spec_t **sp, diag_sink **dp)
{
	*sp = NULL;
	*dp = diag_new();
	compile_opts co = {NULL, 0};
	spec_t *s;
	if (extra) {
		size_t len;
		char *text = slurp(o->spec, &len);
		if (!text) {
			fprintf(stderr, "vidc: cannot read '%s': %s\n", o->spec, strerror(errno));
			return NULL;
		}
		size_t k = strlen(extra);
		memcpy(text + len, extra, k);
		s = compile_spec_text(o->spec, text, len + k, *dp, &co);
		free(text);
	} else {
		s = compile_spec(o->spec, *dp, &co);
	}
	*sp = s;
	if (extra && diag_errors(*dp))
		return NULL; /* the caller explains; the spec itself compiled the first time */
	diag_print(*dp, stderr, 0);
	if (diag_errors(*dp))
		return NULL;
	const char *preset = o->preset ? o->preset : compile_preset(s, 0);
	if (!compile_has_preset(s, preset)) {
		fprintf(stderr, "vidc: the spec does not name preset '%s'\n", preset);
		return NULL;
	}
	return compile_lower(s, preset);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !strcasecmp(s + n - k, suf);
}

/* ---- subs ------------------------------------------------------------------------------ */

int cmd_subs(int argc, char **argv)
{
	popts o;
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	if (!o.output)
		return usage("subs", "where to? (vidc subs SPEC.vid -o OUT.srt)%s", "");
	cues_format fmt;
	const char *f = o.format;
	if (!f)
		f = ends_with(o.output, ".vtt") ? "vtt" : ends_with(o.output, ".ass") ? "ass" : "srt";
	if (!strcmp(f, "srt"))
		fmt = CUES_SRT;
	else if (!strcmp(f, "vtt") || !strcmp(f, "webvtt"))
		fmt = CUES_VTT;
	else if (!strcmp(f, "ass"))
		fmt = CUES_ASS;
	else
		return usage("subs", "--format takes srt, vtt or ass, not '%s'", f);

	spec_t *s;
	diag_sink *d;
	ir_program *p = load(&o, NULL, &s, &d);
	int recompiled = 0;
	if (p && p->captions < 0) {
		/* no burned-in captions: the words are still there if the voice has timings */
		ir_program_free(p);
		compile_free(s);
		diag_free(d);
		p = load(&o, "\ncaptions plain\n", &s, &d);
		recompiled = 1;
	}
	rc = 1;
	if (!p && recompiled)
		fprintf(stderr, "vidc subs: the spec's voice has no word timings (voice \"file\" { timings "
				"\"words.json\" }, SPEC.md section 6)\n");
	if (p && p->captions >= 0) {
		const ir_node *n = &p->nodes[p->captions];
		cue_style st;
		/* sidecar SRT/VTT use the plain style's line length (players draw them); ASS the
		 * spec's style unless --style says otherwise */
		const char *style = fmt == CUES_ASS ? (o.style ? o.style : n->u.captions.style) : "plain";
		cue_list cl;
		int64_t end_ms = (int64_t)llround(ir_frame_time(p, p->frames) * 1000);
		FILE *out = NULL;
		if (cues_style(p, style, &st)) {
			fprintf(stderr, "vidc subs: unknown caption style '%s' (plain, bold_center, karaoke)\n", style);
			rc = 2;
		} else if (cues_build(&cl, n->u.captions.words, n->u.captions.nwords, st.max_chars, end_ms)) {
			fprintf(stderr, "vidc: out of memory\n");
		} else {
			if (!(out = fopen(o.output, "w")))
				fprintf(stderr, "vidc: cannot write '%s': %s\n", o.output, strerror(errno));
			else if (cues_write(out, fmt, &cl, &st, p->width, p->height) | fclose(out))
				fprintf(stderr, "vidc: cannot write '%s'\n", o.output);
			else {
				fprintf(stderr, "vidc: wrote %s (%d cues, %s)\n", o.output, cl.n, f);
				rc = 0;
			}
			cues_free(&cl);
		}
	} else if (p) {
		fprintf(stderr, "vidc subs: the spec has no voice with word timings\n");
	}
	ir_program_free(p);
	compile_free(s);
	diag_free(d);
	return rc;
}

/* ---- chapters ----------------------------------------------------------------------------- */

static void put_stamp(double t, int hours)
{
	long s = (long)floor(t + 1e-6);
	if (hours)
		printf("%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		printf("%ld:%02ld", s / 60, s % 60);
}

int cmd_chapters(int argc, char **argv)
{
	popts o;
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	spec_t *s;
	diag_sink *d;
	ir_program *p = load(&o, NULL, &s, &d);
	rc = 1;
	if (p) {
		double end = ir_frame_time(p, p->frames);
		if (p->nchapters == 0) {
			fprintf(stderr, "vidc chapters: the spec has no chapters\n");
		} else {
			/* YouTube's rules (the checker warns about them too): first at 0:00, three or
			 * more, each at least 10 s */
			rc = 0;
			if (p->chapters[0].t > 0.0005) {
				fprintf(stderr, "vidc chapters: the first chapter is at %.3fs; YouTube needs 0:00\n", p->chapters[0].t);
				rc = 1;
			}
			if (p->nchapters < 3) {
				fprintf(stderr, "vidc chapters: YouTube needs at least 3 chapters (the spec has %d)\n", p->nchapters);
				rc = 1;
			}
			for (int i = 0; i < p->nchapters; i++) {
				double next = i + 1 < p->nchapters ? p->chapters[i + 1].t : end;
				if (next - p->chapters[i].t < 10) {
					fprintf(stderr, "vidc chapters: chapter '%s' lasts %.1fs; YouTube needs 10s\n",
						p->chapters[i].title, next - p->chapters[i].t);
					rc = 1;
				}
			}
			int hours = end >= 3600;
			for (int i = 0; i < p->nchapters; i++) {
				put_stamp(p->chapters[i].t, hours);
				printf(" %s\n", p->chapters[i].title);
			}
		}
	}
	ir_program_free(p);
	compile_free(s);
	diag_free(d);
	return rc;
}

/* ---- thumb -------------------------------------------------------------------------------- */

int cmd_thumb(int argc, char **argv)
{
	popts o;
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	if (!o.output)
		return usage("thumb", "where to? (vidc thumb SPEC.vid -o thumb.jpg)%s", "");
	double at = -1;
	if (o.at) {
		char *end;
		at = strtod(o.at, &end);
		if (end == o.at || !(at >= 0) || (*end && strcmp(end, "s") && strcmp(end, "ms")))
			return usage("thumb", "--at takes a time such as 12.4s or 1500ms, not '%s'", o.at);
		if (!strcmp(end, "ms"))
			at /= 1000;
	}
	spec_t *s;
	diag_sink *d;
	ir_program *p = load(&o, NULL, &s, &d);
	rc = 1;
	if (p) {
		thumb_opts to = {o.title, o.image, at};
		thumb_result res;
		char err[1024];
		if (thumb_write(p, &to, o.output, &res, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
		} else {
			fprintf(stderr, "vidc: wrote %s (%dx%d, %lld bytes, \"%s\")\n", o.output, res.width,
				res.height, (long long)res.bytes, res.title);
			rc = 0;
		}
	}
	ir_program_free(p);
	compile_free(s);
	diag_free(d);
	return rc;
}
