/*
 * preview.c - `vidc preview`'s model (preview.h): the spec compiled through the spec stage
 * (stage.h, so the project roots and --allow apply as everywhere), the files that compile used,
 * watched by their modification times, the frame at a time through the runtime's still API (the
 * pictures `vidc frame` writes), the timeline and diagnostics as JSON for the page, and the mix.
 */
#include "preview.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../runtime/audio.h"
#include "../runtime/golden.h"
#include "../runtime/still.h"
#include "stage_priv.h"

/* One file the last compile read, as it was then (exists 0: it was missing, which is watched
 * too: creating it fixes the spec). */
typedef struct {
	char *path;
	struct timespec mtime;
	off_t size;
	int exists;
} dep_t;

struct preview {
	char *spec, *preset;
	stage_spec_opts spec_opts;
	stage_spec *good;  /* the last spec that compiled, and its program */
	ir_program *prog;
	stage_spec *wspec; /* without captions: the spec with plain captions, for the narration's */
	ir_program *wprog; /* words (NULL when the voice has no timings) */
	int ok;            /* the spec on disk compiles (else diags holds why) */
	buf_t diags;       /* the body of the JSON array of the last compile's diagnostics */
	uint64_t gen;
	dep_t *deps;
	int ndeps, cdeps;
	uint8_t *wav;      /* the mix of prog, made on the first request */
	size_t wavlen;
};

/* ---- the files a compile used ------------------------------------------------------------- */

static void deps_clear(preview *pv)
{
	for (int i = 0; i < pv->ndeps; i++)
		free(pv->deps[i].path);
	pv->ndeps = 0;
}

/* Adds path (once) with its current state. 0 or VE_NOMEM. */
static int dep_add(preview *pv, const char *path)
{
	if (!path || !*path || *path == '<')
		return 0; /* "<input>": no file */
	for (int i = 0; i < pv->ndeps; i++)
		if (!strcmp(pv->deps[i].path, path))
			return 0;
	if (pv->ndeps == pv->cdeps) {
		int cap = pv->cdeps ? pv->cdeps * 2 : 16;
		dep_t *d = realloc(pv->deps, sizeof *d * (size_t)cap);
		if (!d)
			return VE_NOMEM;
		pv->deps = d;
		pv->cdeps = cap;
	}
	dep_t *d = &pv->deps[pv->ndeps];
	memset(d, 0, sizeof *d);
	if (!(d->path = strdup(path)))
		return VE_NOMEM;
	struct stat st;
	if (stat(path, &st) == 0) {
		d->exists = 1;
		d->mtime = st.st_mtim;
		d->size = st.st_size;
	}
	pv->ndeps++;
	return 0;
}

static int deps_of_sink(preview *pv, const diag_sink *d)
{
	int rc = 0;
	for (int i = 0; d && !rc && i < diag_nsources(d); i++)
		rc = dep_add(pv, diag_source_path(d, i));
	return rc;
}

/* The file a node reads, or NULL (ir_node_file). *label gets what the node shows, in a few
 * words, for the timeline: its text, its file as written, its hook. */
static const char *node_file(const ir_node *n, const char **label)
{
	static const char *const none = "";
	const char *l = n->kind == IR_IMAGE    ? n->u.image.src
			: n->kind == IR_VIDEO  ? n->u.video.src
			: n->kind == IR_HOOK   ? n->u.hook.name
			: n->kind == IR_EFFECT ? n->u.effect.name
			: n->kind == IR_AUDIO  ? n->u.audio.src
			: n->kind == IR_CODE   ? n->u.code.lang
			: n->kind == IR_TEXT   ? n->u.text.content
					       : none;
	*label = l;
	return ir_node_file(n);
}

static int deps_of_program(preview *pv, const ir_program *p)
{
	int rc = 0;
	const char *label;
	for (int i = 0; p && !rc && i < p->nnodes; i++)
		rc = dep_add(pv, node_file(&p->nodes[i], &label));
	return rc;
}

/* ---- compiling ---------------------------------------------------------------------------- */

/* What a compile's diagnostics callback gathers: the JSON and the sources seen. */
typedef struct {
	preview *pv;
	diag_json_acc json;
	int rc;
} compile_ctx;

static void on_diagnostics(void *ud, const diag_sink *d)
{
	compile_ctx *c = ud;
	diag_json_collect(&c->json, d);
	if (!c->rc)
		c->rc = deps_of_sink(c->pv, d);
}

/* A failure that is not a compiler diagnostic (a preset the spec does not name, a hook that
 * does not load without its own position) as one diagnostic object, so the page shows it. */
static int json_plain_error(buf_t *b, int *first, const char *file, const char *msg)
{
	int rc = buf_appendf(b, "%s{\"file\":", *first ? "" : ",");
	rc = rc || diag_json_string(b, file, strlen(file));
	rc = rc || buf_appendf(b, ",\"severity\":\"error\",\"code\":\"preview\",\"message\":");
	rc = rc || diag_json_string(b, msg, strlen(msg));
	rc = rc || buf_appendf(b, ",\"notes\":[],\"fixits\":[]}");
	*first = 0;
	return rc ? VE_NOMEM : 0;
}

static void drop_good(preview *pv)
{
	ir_program_free(pv->wprog);
	stage_spec_free(pv->wspec);
	ir_program_free(pv->prog);
	stage_spec_free(pv->good);
	pv->wprog = NULL;
	pv->wspec = NULL;
	free(pv->wav);
	pv->wav = NULL;
}

/* The narration's words of a spec without captions come from the spec with plain captions
 * added, as `vidc subs` gets them; a voice without timings simply has none. */
static void narration_words(preview *pv)
{
	vidc_err quiet;
	if (pv->prog->captions >= 0 ||
	    stage_spec_variant(pv->good, "\ncaptions plain\n", 1, NULL, &pv->wspec, &quiet) ||
	    stage_spec_lower(pv->wspec, pv->preset, &pv->wprog, &quiet) || pv->wprog->captions < 0) {
		ir_program_free(pv->wprog);
		stage_spec_free(pv->wspec);
		pv->wprog = NULL;
		pv->wspec = NULL;
	}
}

/* Compiles the spec on disk again: on success it replaces the good spec and program; on failure
 * the good ones stay and the diagnostics say why. The watched files are this compile's sources
 * plus the files of the program in use. */
static int compile(preview *pv, vidc_err *e)
{
	compile_ctx c = {pv, {BUF_INIT, 1, 0}, 0};
	stage_cb cb = {&c, on_diagnostics, NULL, NULL, NULL};
	stage_spec *s = NULL;
	ir_program *p = NULL;
	vidc_err le = {0};
	deps_clear(pv);
	int rc = dep_add(pv, pv->spec), bad = stage_spec_load(pv->spec, NULL, 0, &pv->spec_opts, &cb, &s, &le);
	if (!bad && !rc)
		rc = deps_of_sink(pv, stage_spec_diag(s));
	if (!bad)
		bad = stage_spec_lower(s, pv->preset, &p, &le);
	if (!bad && pv->spec_opts.check_assets)
		bad = stage_spec_check(s, &cb, &le);
	if (bad && c.json.first && !rc) /* nothing explained it yet */
		rc = json_plain_error(&c.json.out, &c.json.first, pv->spec, le.msg);
	if (bad == VE_NOMEM || c.json.failed)
		rc = VE_NOMEM;
	if (!bad) {
		drop_good(pv);
		pv->good = s;
		pv->prog = p;
		narration_words(pv);
	} else {
		ir_program_free(p);
		stage_spec_free(s);
	}
	compile_voice v;
	if (!rc && pv->good && compile_voice_timing(stage_spec_compiled(pv->good), &v))
		rc = dep_add(pv, v.timing); /* the words the layers are anchored to */
	if (!rc)
		rc = deps_of_program(pv, pv->prog);
	pv->ok = !bad;
	buf_free(&pv->diags);
	pv->diags = c.json.out;
	pv->gen++;
	return rc ? err_set(e, rc, "out of memory previewing '%s'", pv->spec) : 0;
}

int preview_new(const preview_opts *o, preview **out, vidc_err *e)
{
	*out = NULL;
	preview *pv = calloc(1, sizeof *pv);
	if (!pv || !(pv->spec = strdup(o->spec)) || (o->preset && !(pv->preset = strdup(o->preset)))) {
		preview_free(pv);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	pv->spec_opts = o->spec_opts;
	int rc = compile(pv, e);
	if (rc)
		preview_free(pv);
	else
		*out = pv;
	return rc;
}

void preview_free(preview *pv)
{
	if (!pv)
		return;
	drop_good(pv);
	deps_clear(pv);
	free(pv->deps);
	buf_free(&pv->diags);
	free(pv->preset);
	free(pv->spec);
	free(pv);
}

int preview_poll(preview *pv, int *changed, vidc_err *e)
{
	*changed = 0;
	for (int i = 0; i < pv->ndeps && !*changed; i++) {
		const dep_t *d = &pv->deps[i];
		struct stat st;
		int exists = stat(d->path, &st) == 0;
		*changed = exists != d->exists ||
			   (exists && (st.st_mtim.tv_sec != d->mtime.tv_sec || st.st_mtim.tv_nsec != d->mtime.tv_nsec ||
				       st.st_size != d->size));
	}
	return *changed ? compile(pv, e) : 0;
}

uint64_t preview_generation(const preview *pv)
{
	return pv->gen;
}

/* ---- the state as JSON -------------------------------------------------------------------- */

static int json_str(buf_t *b, const char *key, const char *s)
{
	return buf_appendf(b, "\"%s\":", key) || diag_json_string(b, s ? s : "", s ? strlen(s) : 0);
}

static int json_span(buf_t *b, const ir_program *p, const ir_node *n)
{
	return buf_appendf(b, "\"t0\":%.4f,\"t1\":%.4f,\"line\":%d", ir_frame_time(p, n->f0), ir_frame_time(p, n->f1),
			   n->line);
}

static int json_layers(buf_t *b, const ir_program *p, const int *ids, int n)
{
	int rc = buf_putc(b, '[');
	for (int i = 0; !rc && i < n; i++) {
		const ir_node *l = &p->nodes[ids[i]];
		const ir_node *src = &p->nodes[l->u.layer.source];
		const char *label;
		node_file(src, &label);
		rc = buf_appendf(b, "%s{\"kind\":\"%s\",", i ? "," : "", ir_kind_name(src->kind)) ||
		     json_str(b, "label", label) || buf_putc(b, ',') || json_span(b, p, l) || buf_putc(b, '}');
	}
	return rc || buf_putc(b, ']');
}

static int json_scenes(buf_t *b, const ir_program *p)
{
	const ir_node *tl = &p->nodes[p->timeline];
	int rc = buf_appendf(b, ",\"scenes\":[");
	for (int i = 0; !rc && i < tl->u.timeline.nscenes; i++) {
		const ir_node *s = &p->nodes[tl->u.timeline.scenes[i]];
		rc = buf_appendf(b, "%s{", i ? "," : "") || json_str(b, "name", s->u.scene.name) || buf_putc(b, ',') ||
		     json_span(b, p, s) || buf_appendf(b, ",\"layers\":") ||
		     json_layers(b, p, s->u.scene.layers, s->u.scene.nlayers) || buf_putc(b, '}');
	}
	rc = rc || buf_appendf(b, "],\"transitions\":[");
	for (int i = 0; !rc && i < tl->u.timeline.ntransitions; i++) {
		const ir_node *t = &p->nodes[tl->u.timeline.transitions[i]];
		const char *name = t->u.transition.type == IR_TR_HOOK ? t->u.transition.hook
								       : ir_transitions[t->u.transition.type].name;
		rc = buf_appendf(b, "%s{", i ? "," : "") || json_str(b, "type", name) || buf_putc(b, ',') ||
		     json_span(b, p, t) || buf_putc(b, '}');
	}
	return rc || buf_appendf(b, "],\"overlays\":") || json_layers(b, p, p->overlays, p->noverlays);
}

/* The burned-in captions' style (or null) and the narration's words (from the captions, or
 * from wp, the same spec with plain captions). */
static int json_words(buf_t *b, const ir_program *p, const ir_program *wp)
{
	int rc = p->captions < 0 ? buf_appendf(b, ",\"captions\":null")
				 : buf_putc(b, ',') || json_str(b, "captions", p->nodes[p->captions].u.captions.style);
	const ir_node *c = p->captions >= 0 ? &p->nodes[p->captions] : wp ? &wp->nodes[wp->captions] : NULL;
	rc = rc || buf_appendf(b, ",\"words\":[");
	for (int i = 0; c && !rc && i < c->u.captions.nwords; i++) {
		const ir_word *w = &c->u.captions.words[i];
		rc = buf_appendf(b, "%s{", i ? "," : "") || json_str(b, "text", w->text) ||
		     buf_appendf(b, ",\"t0\":%.4f,\"t1\":%.4f}", w->t0, w->t1);
	}
	return rc || buf_putc(b, ']');
}

static int json_program(buf_t *b, const ir_program *p, const ir_program *wp)
{
	int rc = buf_appendf(b, ",") || json_str(b, "preset", p->preset) ||
		 buf_appendf(b, ",\"width\":%d,\"height\":%d,\"fps\":%.6f,\"frames\":%lld,\"duration\":%.4f,\"audio\":%s",
			     p->width, p->height, (double)p->fps_num / p->fps_den, (long long)p->frames,
			     ir_frame_time(p, p->frames), p->mix >= 0 ? "true" : "false");
	rc = rc || json_scenes(b, p) || json_words(b, p, wp) || buf_appendf(b, ",\"chapters\":[");
	for (int i = 0; !rc && i < p->nchapters; i++)
		rc = buf_appendf(b, "%s{\"t\":%.4f,", i ? "," : "", p->chapters[i].t) ||
		     json_str(b, "title", p->chapters[i].title) || buf_putc(b, '}');
	return rc || buf_putc(b, ']');
}

int preview_state(preview *pv, buf_t *out, vidc_err *e)
{
	int rc = buf_appendf(out, "{\"generation\":%llu,\"ok\":%s,", (unsigned long long)pv->gen, pv->ok ? "true" : "false") ||
		 json_str(out, "spec", pv->spec) || buf_appendf(out, ",\"diagnostics\":[") ||
		 buf_append(out, pv->diags.data ? pv->diags.data : "", pv->diags.len) || buf_putc(out, ']');
	if (!rc && pv->prog)
		rc = json_program(out, pv->prog, pv->wprog);
	rc = rc || buf_putc(out, '}');
	return rc ? err_set(e, VE_NOMEM, "out of memory") : 0;
}

/* ---- pictures and sound ------------------------------------------------------------------- */

int preview_frame(preview *pv, double t, int width, preview_picture *pic, vidc_err *e)
{
	memset(pic, 0, sizeof *pic);
	const ir_program *p = pv->prog;
	if (!p || p->frames <= 0)
		return err_set(e, VE_INVAL, "'%s' has not compiled yet: no frame to show", pv->spec);
	double f = isfinite(t) ? floor(t * p->fps_num / p->fps_den + 1e-6) : 0;
	int64_t frame = f < 0 ? 0 : f >= (double)p->frames ? p->frames - 1 : (int64_t)f;
	golden_image img;
	char err[VE_MSG_MAX];
	int rc = still_frame(p, frame, &img, err, sizeof err);
	if (rc)
		return stage_rt_err(e, rc, err);
	if (width <= 0 || width >= p->width) {
		pic->mime = "image/png";
		pic->w = p->width;
		pic->h = p->height;
		rc = golden_png(&img, &pic->data, &pic->len) ? err_set(e, VE_NOMEM, "cannot encode the frame as PNG") : 0;
	} else {
		pic->mime = "image/jpeg";
		pic->w = width < PREVIEW_MIN_WIDTH ? PREVIEW_MIN_WIDTH : width;
		pic->h = (int)lround((double)p->height * pic->w / p->width) & ~1;
		rc = still_jpeg(&img, pic->w, pic->h < 2 ? 2 : pic->h, (int64_t)16 << 20, &pic->data, &pic->len, err,
				sizeof err);
		if (rc)
			rc = err_set(e, rc, "cannot encode the frame as JPEG: %s", err);
	}
	golden_release(&img);
	return rc;
}

/* A little-endian field of bytes bytes (WAV is little-endian whatever the machine). */
static void le(uint8_t *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The mix of p as a 48 kHz stereo 16-bit WAV (the canonical 44-byte RIFF header). */
static int mix_wav(const ir_program *p, uint8_t **data, size_t *len, vidc_err *e)
{
	int64_t n = aud_samples_for(p, p->frames);
	size_t bytes = (size_t)n * 4;
	uint8_t *w = malloc(44 + bytes);
	float lr[2 * 4096];
	aud_mix_t *m = NULL;
	char err[VE_MSG_MAX];
	if (!w)
		return err_set(e, VE_NOMEM, "out of memory for the preview's sound");
	int rc = aud_open(&m, p, 0, NULL, err, sizeof err);
	if (rc) {
		free(w);
		return stage_rt_err(e, rc, err);
	}
	memcpy(w, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\0\0\0\0\0\0\0\0\x04\0\x10\0data", 40);
	le(w + 4, (uint32_t)(36 + bytes), 4);
	le(w + 24, 48000, 4);
	le(w + 28, 48000 * 4, 4);
	le(w + 40, (uint32_t)bytes, 4);
	for (int64_t i = 0; i < n;) {
		int k = n - i < 4096 ? (int)(n - i) : 4096;
		aud_read(m, lr, k);
		for (int j = 0; j < 2 * k; j++) {
			float v = lr[j] < -1.0f ? -1.0f : lr[j] > 1.0f ? 1.0f : lr[j];
			le(w + 44 + (size_t)(2 * i + j) * 2, (uint32_t)(int16_t)lrintf(v * 32767.0f), 2);
		}
		i += k;
	}
	aud_free(m);
	*data = w;
	*len = 44 + bytes;
	return 0;
}

int preview_audio(preview *pv, uint8_t **data, size_t *len, vidc_err *e)
{
	const ir_program *p = pv->prog;
	if (!p || p->mix < 0)
		return err_set(e, VE_NOTFOUND, "the video has no sound");
	if (ir_frame_time(p, p->frames) > PREVIEW_AUDIO_MAX_S)
		return err_set(e, VE_LIMIT, "the preview plays the sound of videos up to %d minutes",
			       PREVIEW_AUDIO_MAX_S / 60);
	if (!pv->wav) {
		int rc = mix_wav(p, &pv->wav, &pv->wavlen, e);
		if (rc)
			return rc;
	}
	if (!(*data = malloc(pv->wavlen)))
		return err_set(e, VE_NOMEM, "out of memory for the preview's sound");
	memcpy(*data, pv->wav, pv->wavlen);
	*len = pv->wavlen;
	return 0;
}
