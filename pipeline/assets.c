/*
 * assets.c - a visual for every section (see assets.h). The flow per run: the script's sections;
 * the article's images and code matched to them (pipeline/match.c), each image fetched or
 * resolved inside the project roots and decoded once to be sure it is a usable picture (a
 * failure takes it out and the matching runs again); then, for every section still without a
 * visual, the sources of --visuals in order: stock photos, stock footage (pipeline/stock.c),
 * AI pictures (pipeline/aiimage.c), a text card. The chosen files are copied beside the assets
 * file, whose entries say what was chosen and why.
 */
#include "assets.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libavutil/frame.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "../base/jsonfile.h"
#include "../base/media.h"
#include "aiimage.h"
#include "article.h"
#include "match.h"
#include "overlay.h"
#include "script.h"
#include "sniff.h"
#include "stock.h"

#define MIN_PICTURE_SIDE 320 /* smaller pictures look like mush on a 1080 px canvas */
#define CODE_LINES_TALL 22   /* code lines a vertical frame shows legibly (40 px type) */
#define CODE_LINES_WIDE 14   /* ... and a 16:9 frame */

static const char *const kind_names[AS_NKINDS] = {"photo", "footage", "ai_image", "code_card", "text_card"};
static const char *const visual_names[VIS_N] = {"article", "stock", "footage", "ai", "cards"};

/* The brand gradients of text cards, taken in turn so neighbouring cards differ. */
static const char *const card_gradients[][2] = {
	{"#1d3557", "#457b9d"}, {"#264653", "#2a9d8f"}, {"#355070", "#6d597a"}, {"#9c3d2e", "#e76f51"},
};

static const struct {
	const char *name;
	int width, height;
} presets[] = {
	{"tiktok", 1080, 1920}, {"youtube_short", 1080, 1920}, {"instagram_reel", 1080, 1920},
	{"youtube_long", 1920, 1080},
};

const char *assets_kind_name(asset_kind k)
{
	return k >= 0 && k < AS_NKINDS ? kind_names[k] : "?";
}

void assets_opts_init(assets_opts *o)
{
	memset(o, 0, sizeof *o);
	o->preset = "tiktok";
	static const asset_visual dflt[] = {VIS_ARTICLE, VIS_STOCK, VIS_AI, VIS_CARDS};
	memcpy(o->order, dflt, sizeof dflt);
	o->norder = 4;
	fetch_opts_init(&o->fetch);
}

int assets_parse_visuals(const char *list, asset_visual *order, int *n, vidc_err *e)
{
	*n = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list ? list : "");
	char *save = NULL;
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int v = -1;
		for (int i = 0; i < VIS_N; i++)
			if (!strcmp(t, visual_names[i]))
				v = i;
		if (v < 0)
			return err_set(e, VE_INVAL, "unknown visual source '%s' (article, stock, footage, ai, cards)", t);
		for (int i = 0; i < *n; i++)
			if (order[i] == (asset_visual)v)
				return err_set(e, VE_INVAL, "visual source '%s' is listed twice", t);
		order[(*n)++] = (asset_visual)v;
	}
	if (!*n)
		return err_set(e, VE_INVAL, "--visuals needs at least one source (article, stock, footage, ai, cards)");
	return 0;
}

/* ---- entries ------------------------------------------------------------------------------- */

static void entry_clear(asset_entry *en)
{
	free(en->path);
	free(en->original);
	free(en->text);
	free(en->credit);
	free(en->author);
	free(en->author_url);
	free(en->page_url);
	free(en->licence);
	free(en->licence_url);
	free(en->why);
	int index = en->index;
	char section[32];
	memcpy(section, en->section, sizeof section);
	memset(en, 0, sizeof *en);
	en->index = index;
	memcpy(en->section, section, sizeof section);
}

void assets_free(assets_t *a)
{
	for (int i = 0; i < a->n; i++)
		entry_clear(&a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

const asset_entry *assets_find(const assets_t *a, const char *section)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].section, section))
			return &a->v[i];
	return NULL;
}

static char *dupn(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static void set_why(asset_entry *en, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_why(asset_entry *en, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(en->why);
	en->why = s;
}

/* ---- files --------------------------------------------------------------------------------- */

/* The extension of a file's content (".jpg", ".mp4", ...). */
static const char *content_ext(const char *path)
{
	unsigned char head[SNIFF_HEAD];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof head) : -1;
	if (fd >= 0)
		close(fd);
	return n > 0 ? sniff_ext(sniff_bytes(head, (size_t)n)) : ".bin";
}

/* Decodes the first picture of path to be sure it is usable; *w, *h get its size. */
static int check_picture(const char *path, int *w, int *h, vidc_err *e)
{
	AVFrame *fr = NULL;
	int rc = media_decode_picture(path, &fr, e);
	if (rc)
		return rc;
	*w = fr->width;
	*h = fr->height;
	av_frame_free(&fr);
	if (*w < MIN_PICTURE_SIDE || *h < MIN_PICTURE_SIDE)
		return err_set(e, VE_LIMIT, "it is %dx%d pixels, too small for a video (under %d)", *w, *h,
			       MIN_PICTURE_SIDE);
	return 0;
}

/* ---- the run's state ----------------------------------------------------------------------- */

typedef struct {
	const assets_opts *o;
	char dir[4096];	      /* the assets file's folder */
	int width, height;    /* the preset's canvas */
	json_t *script;
	article_t *art;
	roots_t *roots;
	match_section sec[ASSETS_MAX_SECTIONS];
	char names[ASSETS_MAX_SECTIONS][24]; /* point1, point2, ... */
	double dur[ASSETS_MAX_SECTIONS]; /* estimated seconds of speech */
	int nsec;
	assets_t out;
	long long used_stock[ASSETS_MAX_SECTIONS];
	int nused_stock, ncards;
} run_t;

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int assets_count_sections(const json_t *script)
{
	static const char *const parts[] = {"hook", "intro", "cta"};
	int n = 0;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		n += *jstr(script, parts[i]) != 0;
	const json_t *points = json_object_get(script, "points");
	for (size_t i = 0; i < json_array_size(points); i++)
		n += *jstr(json_array_get(points, i), "text") != 0;
	return n;
}

/* The script's narrated sections, named as the voice stage names them. */
static int load_sections(run_t *r, vidc_err *e)
{
	json_t *s = r->script;
	json_t *points = json_object_get(s, "points");
	const char *hook = jstr(s, "hook"), *intro = jstr(s, "intro"), *cta = jstr(s, "cta");
	if ((int)json_array_size(points) + 3 > ASSETS_MAX_SECTIONS)
		return err_set(e, VE_LIMIT, "%s: %zu points, more than %d", r->o->script_path,
			       json_array_size(points), ASSETS_MAX_SECTIONS - 3);
	if (*hook)
		r->sec[r->nsec++] = (match_section){"hook", hook, r->art ? r->art->title : "", "", -1, 0};
	if (*intro)
		r->sec[r->nsec++] = (match_section){"intro", intro, "", "", -1, 0};
	json_t *p;
	size_t i;
	json_array_foreach(points, i, p) {
		const char *text = jstr(p, "text");
		if (!*text)
			continue;
		snprintf(r->names[i], sizeof r->names[i], "point%d", (int)i + 1);
		r->dur[r->nsec] = json_number_value(json_object_get(p, "duration_est"));
		r->sec[r->nsec++] = (match_section){r->names[i], text, jstr(p, "text_overlay"), jstr(p, "visual_cue"), -1, 0};
	}
	if (*cta)
		r->sec[r->nsec++] = (match_section){"cta", cta, "", "", -1, 0};
	for (int k = 0; k < r->nsec; k++) {
		if (!r->dur[k])
			r->dur[k] = script_speech_s(r->sec[k].text, SCRIPT_DEFAULT_WPM);
		/* A cue written as "image: PATH" or "text card: WORDS" (scripts before cues became
		 * descriptions) describes nothing: its words still help the matching. */
		const char *c = r->sec[k].cue;
		if (!strncmp(c, "text card:", 10))
			r->sec[k].cue = c + 10 + (c[10] == ' ');
	}
	return 0;
}

/* The article's image i in the project: fetched (a URL) or resolved inside the roots (a path),
 * decoded, copied to images/NN.ext. 0 or a code with e saying why it cannot be used. */
static int take_article_image(run_t *r, int i, asset_entry *en, vidc_err *e)
{
	const art_image *im = &r->art->images[i];
	const char *src = im->path;
	char *local = NULL;
	int rc;
	if (strstr(src, "://") || !strncmp(src, "data:", 5)) {
		fetch_opts fo = r->o->fetch;
		fo.accept = FETCH_IMAGE;
		fo.trusted = 0;
		fo.public_url = NULL;
		fetch_result fr;
		rc = fetch_url(src, &fo, &fr, e);
		if (!rc)
			local = strdup(fr.path);
	} else {
		rc = roots_resolve(r->roots, NULL, src, &local, e);
	}
	int w = 0, h = 0;
	if (!rc)
		rc = check_picture(local, &w, &h, e);
	if (!rc) {
		char rel[64], *to = NULL;
		snprintf(rel, sizeof rel, "images/%02d%s", en->index, content_ext(local));
		if (asprintf(&to, "%s/%s", r->dir, rel) < 0)
			rc = err_set(e, VE_NOMEM, "out of memory");
		else
			rc = file_copy(local, to, e);
		free(to);
		if (!rc) {
			en->kind = AS_PHOTO;
			snprintf(en->source, sizeof en->source, "article_image");
			en->path = strdup(rel);
			en->original = strdup(im->src);
			en->width = w;
			en->height = h;
			en->text = dupn(*im->alt ? im->alt : im->caption);
		}
	}
	free(local);
	return rc;
}

/* A code card: the block, cut at a line boundary to what the frame shows, in code/SECTION.ext. */
static int take_code(run_t *r, int b, asset_entry *en, vidc_err *e)
{
	static const struct {
		const char *lang, *ext, *ellipsis;
	} exts[] = {
		{"python", ".py", "# ..."}, {"javascript", ".js", "// ..."}, {"typescript", ".ts", "// ..."},
		{"c", ".c", "/* ... */"}, {"cpp", ".cpp", "// ..."}, {"go", ".go", "// ..."},
		{"rust", ".rs", "// ..."}, {"bash", ".sh", "# ..."}, {"json", ".json", "..."},
		{"html", ".html", "<!-- ... -->"}, {"css", ".css", "/* ... */"}, {"lua", ".lua", "-- ..."},
		{"text", ".txt", "..."},
	};
	const char *lang = match_code_language(&r->art->blocks[b]);
	size_t k = 0;
	while (k + 1 < sizeof exts / sizeof *exts && strcmp(exts[k].lang, lang))
		k++;
	int max = r->height > r->width ? CODE_LINES_TALL : CODE_LINES_WIDE;
	const char *code = r->art->blocks[b].text;
	buf_t out = BUF_INIT;
	int lines = 0;
	for (const char *p = code; *p && lines < max;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (lines == max - 1 && nl && nl[1]) { /* more follows: the last line says so */
			buf_appendf(&out, "%s\n", exts[k].ellipsis);
			lines++;
			break;
		}
		buf_append(&out, p, len);
		buf_putc(&out, '\n');
		lines++;
		p += len + (nl != NULL);
	}
	char rel[64], *to = NULL;
	snprintf(rel, sizeof rel, "code/%s%s", en->section, exts[k].ext);
	int rc = asprintf(&to, "%s/%s", r->dir, rel) < 0 ? err_set(e, VE_NOMEM, "out of memory")
		 : file_write_atomic(to, out.data ? out.data : "", out.len, e);
	free(to);
	buf_free(&out);
	if (rc)
		return rc;
	en->kind = AS_CODE_CARD;
	snprintf(en->source, sizeof en->source, "rendered");
	snprintf(en->language, sizeof en->language, "%s", lang);
	en->lines = lines;
	en->path = strdup(rel);
	return 0;
}

/* The article's images and code, matched; an image that cannot be used is taken out and the
 * matching runs again, so its section can have the next best. */
static void from_article(run_t *r, buf_t *notes)
{
	const article_t *a = r->art;
	if (!a)
		return;
	/* What the record's reading skipped (an image on the article's site without its address,
	 * a part of the HTML past a parser limit) is said here too: vidc assets and the service's
	 * assets job load the record themselves. */
	for (int i = 0; i < a->nwarnings && !r->o->article_said; i++)
		buf_appendf(notes, "%s\n", a->warnings[i]);
	match_locate(a, r->sec, r->nsec);
	int *usable = malloc(sizeof(int) * (size_t)(a->nimages + 1));
	match_choice *mc = calloc((size_t)r->nsec, sizeof *mc);
	if (!usable || !mc) {
		free(usable);
		free(mc);
		return;
	}
	for (int i = 0; i < a->nimages; i++)
		usable[i] = 1;
	for (int round = 0; round <= a->nimages; round++) {
		match_article(a, r->sec, r->nsec, usable, mc);
		int failed = 0;
		for (int k = 0; k < r->nsec; k++) {
			asset_entry *en = &r->out.v[k];
			if (en->path || mc[k].image < 0 || mc[k].code >= 0)
				continue;
			vidc_err e = {0};
			int i = mc[k].image;
			if (take_article_image(r, i, en, &e)) {
				usable[i] = 0;
				failed = 1;
				if (strstr(e.msg, a->images[i].src) || strstr(e.msg, a->images[i].path))
					buf_appendf(notes, "article image %d cannot be used: %s\n", i + 1, e.msg);
				else
					buf_appendf(notes, "article image %d ('%s') cannot be used: %s\n", i + 1,
						    a->images[i].src, e.msg);
				entry_clear(en);
				continue;
			}
			set_why(en, "article image %d%s%s%s: %s", i + 1, *a->images[i].alt ? " ('" : "",
				a->images[i].alt, *a->images[i].alt ? "')" : "", mc[k].image_why);
			/* Kept through the next rounds: its picture goes to no other section. */
			r->sec[k].done = 1;
			usable[i] = 0;
		}
		if (!failed)
			break;
	}
	for (int k = 0; k < r->nsec; k++) {
		asset_entry *en = &r->out.v[k];
		if (mc[k].code < 0 || en->path)
			continue;
		vidc_err e = {0};
		if (take_code(r, mc[k].code, en, &e)) {
			buf_appendf(notes, "code card for %s: %s\n", en->section, e.msg);
			entry_clear(en);
			continue;
		}
		int nth = 0;
		for (int b = 0; b <= mc[k].code; b++)
			nth += a->blocks[b].kind == ART_CODE;
		set_why(en, "it explains the article's code block %d (%s): %s", nth, en->language, mc[k].code_why);
	}
	free(usable);
	free(mc);
}

/* ---- stock, footage, AI, cards ------------------------------------------------------------- */

static const char *orient_name(int w, int h)
{
	return w > h ? "landscape" : "portrait";
}

static void credit_stock(asset_entry *en, const stock_choice *c, const char *what)
{
	const stock_item *it = &c->item;
	char *credit = NULL;
	int pexels = !strcmp(it->provider, "pexels");
	if (asprintf(&credit, "%s by %s %s %s: %s", what, it->author, pexels ? "on" : "from",
		     pexels ? "Pexels" : "Pixabay", it->page_url) < 0)
		credit = NULL;
	en->credit = credit;
	en->author = dupn(it->author);
	en->author_url = dupn(it->author_url);
	en->page_url = dupn(it->page_url);
	en->licence = dupn(it->licence);
	en->licence_url = dupn(it->licence_url);
	en->original = dupn(it->file_url);
	en->width = it->file_width;
	en->height = it->file_height;
	en->duration = it->duration;
	en->text = dupn(it->description);
	snprintf(en->source, sizeof en->source, "stock_%s", it->provider);
}

/* The words stock and AI are asked for: the cue, else the overlay, else the text's start. */
static const char *cue_of(const match_section *s)
{
	return *s->cue ? s->cue : *s->overlay ? s->overlay : s->text;
}

/* Copies a chosen picture or clip (a cache file of type t) into the project as images/NN.ext and
 * records that name in en->path: 1, or 0 with the reason appended to why. */
static int take_file(run_t *r, asset_entry *en, const char *from, sniff_type t, buf_t *why)
{
	char rel[64], *to = NULL;
	vidc_err e = {0};
	snprintf(rel, sizeof rel, "images/%02d%s", en->index, sniff_ext(t));
	int rc = asprintf(&to, "%s/%s", r->dir, rel) < 0 ? err_set(&e, VE_NOMEM, "out of memory") : file_copy(from, to, &e);
	free(to);
	if (rc) {
		buf_appendf(why, "%s%s", why->len ? "; " : "", e.msg);
		return 0;
	}
	en->path = strdup(rel);
	return 1;
}

static int from_stock(run_t *r, int k, int footage, buf_t *why)
{
	static const char *const names[] = {"pexels", "pixabay"};
	asset_entry *en = &r->out.v[k];
	int tried = 0;
	for (size_t p = 0; p < sizeof names / sizeof *names; p++) {
		const stock_provider *sp = stock_provider_find(names[p]);
		if (!stock_provider_key(sp))
			continue;
		tried++;
		stock_pick_opts po = {.cue = cue_of(&r->sec[k]),
				      .keywords = r->art ? r->art->keywords : NULL,
				      .nkeywords = r->art ? r->art->nkeywords : 0,
				      .media = footage ? STOCK_VIDEO : STOCK_PHOTO,
				      .orient = r->width > r->height ? STOCK_LANDSCAPE : STOCK_PORTRAIT,
				      .want_width = r->width, .want_height = r->height,
				      .min_duration = r->dur[k], .used = r->used_stock,
				      .nused = r->nused_stock};
		stock_choice c;
		vidc_err e = {0};
		if (stock_pick(sp, &po, &r->o->fetch, &c, &e)) {
			buf_appendf(why, "%s%s", why->len ? "; " : "", e.msg);
			continue;
		}
		if (!take_file(r, en, c.file.path, c.file.type, why)) {
			stock_choice_free(&c);
			continue;
		}
		en->kind = footage ? AS_FOOTAGE : AS_PHOTO;
		credit_stock(en, &c, footage ? "Video" : "Photo");
		set_why(en, "%s %s for '%s' (%s, %dx%d)%s%s", names[p], footage ? "footage" : "photo",
			c.query, orient_name(c.item.file_width, c.item.file_height), c.item.file_width,
			c.item.file_height, why->len ? "; before it: " : "", why->len ? why->data : "");
		r->used_stock[r->nused_stock++] = c.item.id;
		stock_choice_free(&c);
		return 1;
	}
	if (!tried)
		buf_appendf(why, "%s%s: no key (set VIDC_PEXELS_KEY or VIDC_PIXABAY_KEY)", why->len ? "; " : "",
			    footage ? "footage" : "stock");
	return 0;
}

static int from_ai(run_t *r, int k, buf_t *why)
{
	asset_entry *en = &r->out.v[k];
	const char *prov = aiimage_default_provider();
	if (!prov) {
		buf_appendf(why, "%sai: no service configured (set VIDC_OPENAI_API_KEY or VIDC_SD_URL)",
			    why->len ? "; " : "");
		return 0;
	}
	aiimage_req rq = {.provider = prov, .cue = cue_of(&r->sec[k]), .topic = r->art ? r->art->title : "",
			  .width = r->width, .height = r->height, .log = r->o->fetch.log};
	aiimage_result ar;
	vidc_err e = {0};
	if (aiimage_generate(&rq, &r->o->fetch, &ar, &e)) {
		buf_appendf(why, "%s%s", why->len ? "; " : "", e.msg);
		return 0;
	}
	if (!take_file(r, en, ar.file.path, ar.file.type, why))
		return 0;
	en->kind = AS_AI_IMAGE;
	snprintf(en->source, sizeof en->source, "ai_generated");
	en->width = (int)ar.file.width;
	en->height = (int)ar.file.height;
	en->text = strdup(ar.prompt);
	char *credit = NULL;
	if (asprintf(&credit, "Image generated with %s (%s)", !strcmp(prov, "openai") ? "OpenAI" : "Stable Diffusion",
		     ar.model) >= 0)
		en->credit = credit;
	set_why(en, "generated by %s (%s) from the cue%s%s", ar.provider, ar.model, why->len ? "; before it: " : "",
		why->len ? why->data : "");
	return 1;
}

/* The on-screen words of a card: the overlay, else the first words of the text, never code
 * (pipeline/overlay.h) nor a dangling "at" at the end. */
static char *card_words(const match_section *s)
{
	char *c = *s->overlay ? overlay_clean(s->overlay) : NULL;
	if (c)
		return c;
	const char *t = s->text;
	size_t i = 0;
	int words = 0, in = 0;
	for (; t[i]; i++) {
		int sp = t[i] == ' ';
		if (!sp && !in && ++words > 6)
			break;
		in = !sp;
	}
	char *fw = strndup(t, i);
	c = fw ? overlay_clean(fw) : NULL;
	free(fw);
	return c ? c : strdup(s->name);
}

static void text_card(run_t *r, int k, const buf_t *why, int fell_back)
{
	asset_entry *en = &r->out.v[k];
	const char *const *g = card_gradients[r->ncards++ % (sizeof card_gradients / sizeof *card_gradients)];
	en->kind = AS_TEXT_CARD;
	snprintf(en->source, sizeof en->source, "rendered");
	en->text = !strcmp(en->section, "cta") ? strdup(r->sec[k].text) : card_words(&r->sec[k]);
	snprintf(en->colors[0], sizeof en->colors[0], "%s", g[0]);
	snprintf(en->colors[1], sizeof en->colors[1], "%s", g[1]);
	en->fell_back = fell_back;
	if (!strcmp(en->section, "cta"))
		set_why(en, "the call to action closes on the brand card");
	else
		set_why(en, "%s%s", fell_back ? "fell back to a text card: " : "a text card, as --visuals asks",
			fell_back ? (why->len ? why->data : "no source found a visual") : "");
}

/* ---- the run ------------------------------------------------------------------------------- */

static int setup(run_t *r, const assets_opts *o, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	r->o = o;
	r->width = r->height = 0;
	for (size_t i = 0; i < sizeof presets / sizeof *presets; i++)
		if (!strcmp(presets[i].name, o->preset ? o->preset : "tiktok")) {
			r->width = presets[i].width;
			r->height = presets[i].height;
		}
	if (!r->width)
		return err_set(e, VE_INVAL, "unknown preset '%s' (tiktok, youtube_short, instagram_reel, youtube_long)",
			       o->preset);
	snprintf(r->out.preset, sizeof r->out.preset, "%s", o->preset ? o->preset : "tiktok");
	r->out.width = r->width;
	r->out.height = r->height;
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s", o->out_path);
	snprintf(r->dir, sizeof r->dir, "%s", dirname(tmp));
	char err[1024];
	r->script = script_load(o->script_path, NULL, err, sizeof err);
	if (!r->script)
		return err_set(e, VE_INVAL, "%s", err);
	if (!(r->roots = roots_new()))
		return err_set(e, VE_NOMEM, "out of memory");
	if (o->article_text) {
		const char *name = o->article_path ? o->article_path : "content";
		r->art = article_parse(o->article_text, strlen(o->article_text), name, o->article_dir, err, sizeof err);
		if (!r->art)
			return err_set(e, VE_INVAL, "%s", err);
		int rc = roots_add(r->roots, o->article_dir, e);
		if (rc)
			return rc;
	} else if (o->article_path) {
		r->art = article_load(o->article_path, err, sizeof err);
		if (!r->art)
			return err_set(e, VE_INVAL, "%s", err);
		snprintf(tmp, sizeof tmp, "%s", o->article_path);
		int rc = roots_add(r->roots, dirname(tmp), e);
		if (rc)
			return rc;
	}
	for (int i = 0; i < o->nallow; i++) {
		int rc = roots_add(r->roots, o->allow[i], e);
		if (rc)
			return rc;
	}
	static const char *const subs[] = {"", "/images", "/code"};
	for (size_t i = 0; i < 3; i++) {
		if (snprintf(tmp, sizeof tmp, "%s%s", r->dir, subs[i]) >= (int)sizeof tmp)
			return err_set(e, VE_INVAL, "the folder name '%s' is too long", r->dir);
		if (mkdir(tmp, 0777) && errno != EEXIST)
			return err_errno(e, errno, "cannot create '%s'", tmp);
	}
	return load_sections(r, e);
}

static void teardown(run_t *r)
{
	json_decref(r->script);
	article_free(r->art);
	roots_free(r->roots);
}

int assets_make(const assets_opts *o, assets_t *res, vidc_err *e)
{
	run_t r;
	int rc = setup(&r, o, e);
	if (!rc && !(r.out.v = calloc((size_t)r.nsec + 1, sizeof *r.out.v)))
		rc = err_set(e, VE_NOMEM, "out of memory");
	if (rc) {
		teardown(&r);
		return rc;
	}
	r.out.n = r.nsec;
	for (int k = 0; k < r.nsec; k++) {
		r.out.v[k].index = k + 1;
		snprintf(r.out.v[k].section, sizeof r.out.v[k].section, "%s", r.sec[k].name);
	}
	buf_t article_notes = BUF_INIT;
	int use_article = 0;
	for (int i = 0; i < o->norder; i++)
		use_article |= o->order[i] == VIS_ARTICLE;
	if (use_article)
		from_article(&r, &article_notes);
	for (int k = 0; k < r.nsec; k++) {
		asset_entry *en = &r.out.v[k];
		if (en->path)
			continue;
		if (!strcmp(en->section, "cta")) {
			text_card(&r, k, NULL, 0);
			continue;
		}
		buf_t why = BUF_INIT;
		if (use_article && r.art)
			buf_appendf(&why, "article: %s", r.art->nimages ? "none of its pictures fits this section" : "it has no pictures");
		int done = 0, cards = 0;
		for (int i = 0; i < o->norder && !done; i++) {
			switch (o->order[i]) {
			case VIS_STOCK: done = from_stock(&r, k, 0, &why); break;
			case VIS_FOOTAGE: done = from_stock(&r, k, 1, &why); break;
			case VIS_AI: done = from_ai(&r, k, &why); break;
			case VIS_CARDS: cards = 1; done = 1; break;
			default: break;
			}
		}
		if (!en->path)
			text_card(&r, k, &why, !cards || why.len);
		buf_free(&why);
		if (o->fetch.cancel && *o->fetch.cancel) {
			rc = err_set(e, VE_CANCELED, "canceled");
			break;
		}
	}
	for (const char *l = article_notes.data; o->say && l && *l;) {
		size_t k = strcspn(l, "\n");
		char line[VE_MSG_MAX + 64];
		snprintf(line, sizeof line, "%.*s", (int)k, l);
		o->say(o->say_ud, 1, line);
		l += k + (l[k] == '\n');
	}
	buf_free(&article_notes);
	if (!rc)
		rc = assets_save(o->out_path, &r.out, e);
	for (int k = 0; !rc && o->say && k < r.out.n; k++) {
		char line[2048];
		snprintf(line, sizeof line, "%-7s %-9s %s", r.out.v[k].section, kind_names[r.out.v[k].kind],
			 r.out.v[k].why ? r.out.v[k].why : "");
		o->say(o->say_ud, r.out.v[k].fell_back, line);
	}
	if (!rc && res)
		*res = r.out;
	else
		assets_free(&r.out);
	teardown(&r);
	return rc;
}

/* ---- the file ------------------------------------------------------------------------------ */

static void put_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

int assets_save(const char *path, const assets_t *a, vidc_err *e)
{
	json_t *root = json_object(), *secs = json_array(), *credits = json_array();
	if (!root || !secs || !credits) {
		json_decref(root);
		json_decref(secs);
		json_decref(credits);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "preset", json_string(a->preset));
	json_object_set_new(root, "width", json_integer(a->width));
	json_object_set_new(root, "height", json_integer(a->height));
	for (int i = 0; i < a->n; i++) {
		const asset_entry *en = &a->v[i];
		json_t *o = json_object();
		json_object_set_new(o, "index", json_integer(en->index));
		json_object_set_new(o, "section", json_string(en->section));
		json_object_set_new(o, "kind", json_string(kind_names[en->kind]));
		json_object_set_new(o, "source", json_string(en->source));
		put_str(o, "path", en->path);
		put_str(o, "original", en->original);
		put_str(o, "text", en->text);
		if (en->kind == AS_CODE_CARD) {
			json_object_set_new(o, "language", json_string(en->language));
			json_object_set_new(o, "lines", json_integer(en->lines));
		}
		if (en->kind == AS_TEXT_CARD)
			json_object_set_new(o, "colors", json_pack("[s, s]", en->colors[0], en->colors[1]));
		if (en->width > 0) {
			json_object_set_new(o, "width", json_integer(en->width));
			json_object_set_new(o, "height", json_integer(en->height));
		}
		if (en->duration > 0)
			json_object_set_new(o, "duration", json_real(en->duration));
		put_str(o, "credit", en->credit);
		put_str(o, "author", en->author);
		put_str(o, "author_url", en->author_url);
		put_str(o, "page_url", en->page_url);
		put_str(o, "licence", en->licence);
		put_str(o, "licence_url", en->licence_url);
		if (en->fell_back)
			json_object_set_new(o, "fell_back", json_true());
		put_str(o, "why", en->why);
		json_array_append_new(secs, o);
		if (en->credit && *en->credit)
			json_array_append_new(credits, json_string(en->credit));
	}
	json_object_set_new(root, "sections", secs);
	json_object_set_new(root, "credits", credits);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return err_set(e, VE_NOMEM, "out of memory");
	buf_t b = BUF_INIT;
	buf_puts(&b, text);
	buf_putc(&b, '\n');
	free(text);
	int rc = file_write_atomic(path, b.data, b.len, e);
	buf_free(&b);
	return rc;
}

/* A path from an assets file: relative, inside its folder (no ".."). */
static int safe_rel(const char *p)
{
	if (!p || !*p || *p == '/' || strstr(p, "://"))
		return 0;
	for (const char *s = p; *s;) {
		size_t k = strcspn(s, "/");
		if (k == 2 && !strncmp(s, "..", 2))
			return 0;
		s += k + (s[k] == '/');
	}
	return 1;
}

static int is_color(const char *c)
{
	return c && strlen(c) == 7 && c[0] == '#' && strspn(c + 1, "0123456789abcdefABCDEF") == 6;
}

static char *jdup(json_t *o, const char *k)
{
	return dupn(json_string_value(json_object_get(o, k)));
}

/* One entry from its JSON object; 0 or VE_INVAL naming the field. */
static int load_entry(const char *path, json_t *o, int i, asset_entry *en, vidc_err *e)
{
	const char *section = json_string_value(json_object_get(o, "section"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	if (!section || !*section || strlen(section) >= sizeof en->section)
		return err_set(e, VE_INVAL, "%s: sections[%d].section must be a section name (hook, point1, ...)", path, i);
	int k = -1;
	for (int j = 0; j < AS_NKINDS; j++)
		if (kind && !strcmp(kind, kind_names[j]))
			k = j;
	if (k < 0)
		return err_set(e, VE_INVAL, "%s: sections[%d].kind must be photo, footage, ai_image, code_card or text_card",
			       path, i);
	en->index = i + 1;
	snprintf(en->section, sizeof en->section, "%s", section);
	en->kind = (asset_kind)k;
	snprintf(en->source, sizeof en->source, "%s", json_string_value(json_object_get(o, "source")) ?
		 json_string_value(json_object_get(o, "source")) : "");
	en->path = jdup(o, "path");
	en->original = jdup(o, "original");
	en->text = jdup(o, "text");
	en->credit = jdup(o, "credit");
	en->author = jdup(o, "author");
	en->author_url = jdup(o, "author_url");
	en->page_url = jdup(o, "page_url");
	en->licence = jdup(o, "licence");
	en->licence_url = jdup(o, "licence_url");
	en->why = jdup(o, "why");
	en->width = (int)json_integer_value(json_object_get(o, "width"));
	en->height = (int)json_integer_value(json_object_get(o, "height"));
	en->duration = json_number_value(json_object_get(o, "duration"));
	en->lines = (int)json_integer_value(json_object_get(o, "lines"));
	en->fell_back = json_is_true(json_object_get(o, "fell_back"));
	const char *lang = json_string_value(json_object_get(o, "language"));
	snprintf(en->language, sizeof en->language, "%s", lang ? lang : "text");
	json_t *cols = json_object_get(o, "colors");
	for (int c = 0; c < 2; c++) {
		const char *v = json_string_value(json_array_get(cols, (size_t)c));
		snprintf(en->colors[c], sizeof en->colors[c], "%s", is_color(v) ? v : card_gradients[0][c]);
	}
	if (en->kind == AS_TEXT_CARD) {
		if (!en->text)
			return err_set(e, VE_INVAL, "%s: sections[%d] (%s): a text card needs \"text\"", path, i, en->section);
	} else if (!safe_rel(en->path)) {
		return err_set(e, VE_INVAL, "%s: sections[%d] (%s): \"path\" must name a file inside the assets "
			       "file's folder (a relative path without '..'); to use another file run "
			       "vidc assets --swap %d=FILE", path, i, en->section, i + 1);
	}
	return 0;
}

int assets_load(const char *path, assets_t *a, vidc_err *e)
{
	memset(a, 0, sizeof *a);
	json_t *root;
	int rc = jsonfile_read(path, 16u << 20, 0, &root, e);
	if (rc)
		return rc;
	json_t *secs = json_object_get(root, "sections");
	if (!json_is_array(secs) || !json_array_size(secs) || json_array_size(secs) > ASSETS_MAX_SECTIONS) {
		json_decref(root);
		return err_set(e, VE_INVAL, "%s: 'sections' must be a list of 1 to %d entries", path, ASSETS_MAX_SECTIONS);
	}
	const char *preset = json_string_value(json_object_get(root, "preset"));
	snprintf(a->preset, sizeof a->preset, "%s", preset ? preset : "");
	a->width = (int)json_integer_value(json_object_get(root, "width"));
	a->height = (int)json_integer_value(json_object_get(root, "height"));
	a->v = calloc(json_array_size(secs), sizeof *a->v);
	if (!a->v) {
		json_decref(root);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	json_t *o;
	size_t i;
	json_array_foreach(secs, i, o) {
		rc = load_entry(path, o, (int)i, &a->v[i], e);
		a->n = (int)i + 1;
		if (rc)
			break;
	}
	json_decref(root);
	if (rc)
		assets_free(a);
	return rc;
}

int assets_swap(assets_t *a, const char *assets_path, const char *spec, const roots_t *roots,
		const fetch_opts *fo, vidc_err *e)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec || !eq[1])
		return err_set(e, VE_INVAL, "--swap takes SECTION=PATH_OR_URL (3=photo.jpg, point2=https://...), not '%s'", spec);
	char which[40];
	snprintf(which, sizeof which, "%.*s", (int)(eq - spec < 39 ? eq - spec : 39), spec);
	asset_entry *en = NULL;
	char *end;
	long idx = strtol(which, &end, 10);
	for (int i = 0; i < a->n && !en; i++)
		if ((!*end && a->v[i].index == idx) || !strcmp(a->v[i].section, which))
			en = &a->v[i];
	if (!en)
		return err_set(e, VE_NOTFOUND, "--swap %s: no section '%s' in %s (it has 1-%d: hook, intro, point1, ...)",
			       spec, which, assets_path, a->n);
	const char *src = eq + 1;
	char *local = NULL;
	int rc;
	if (strstr(src, "://") || !strncmp(src, "data:", 5)) {
		fetch_opts o = *fo;
		o.accept = FETCH_IMAGE | FETCH_VIDEO;
		o.trusted = 0;
		o.public_url = NULL;
		o.max_bytes = 300LL << 20;
		fetch_result fr;
		rc = fetch_url(src, &o, &fr, e);
		if (!rc)
			local = strdup(fr.path);
	} else {
		rc = roots_resolve(roots, NULL, src, &local, e);
	}
	int w = 0, h = 0, video = 0;
	if (!rc) {
		const char *ext = content_ext(local);
		video = !strcmp(ext, ".mp4") || !strcmp(ext, ".webm") || !strcmp(ext, ".avi");
		if (!video)
			rc = check_picture(local, &w, &h, e);
	}
	char tmp[4096], rel[64], *to = NULL;
	snprintf(tmp, sizeof tmp, "%s", assets_path);
	if (!rc) {
		snprintf(rel, sizeof rel, "images/%02d-swap%s", en->index, content_ext(local));
		char *dir = dirname(tmp);
		char sub[4200];
		snprintf(sub, sizeof sub, "%s/images", dir);
		mkdir(sub, 0777);
		rc = asprintf(&to, "%s/%s", dir, rel) < 0 ? err_set(e, VE_NOMEM, "out of memory") : file_copy(local, to, e);
	}
	free(to);
	free(local);
	if (rc) {
		err_prefix(e, "--swap %s", spec);
		return rc;
	}
	entry_clear(en);
	en->kind = video ? AS_FOOTAGE : AS_PHOTO;
	snprintf(en->source, sizeof en->source, "user");
	en->path = strdup(rel);
	en->original = strdup(src);
	en->width = w;
	en->height = h;
	set_why(en, "chosen by hand (vidc assets --swap)");
	return 0;
}
