/*
 * platform.c - reads the platform table (see platform.h) with jansson. What each rule holds is
 * itself a table below ({rule, field, kind, where it goes, range}), so a new rule is one line
 * here and one in the file. Every rule must carry a "source"; anything missing, mistyped or out
 * of range is an error naming the file and the JSON path, never a silent default.
 */
#include "platform.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "file.h"

/* The file is a few kilobytes; this is only a guard against reading something else whole. */
#define PLATFORM_MAX_BYTES (1024 * 1024)
#define MAX_PRESETS 64
#define MAX_SITES 16
#define MAX_STYLES 32
#define MAX_CODECS 16

struct platform_table {
	arena_t *a;
	const char *path;
	platform_preset *presets;
	int npresets;
	platform_site *sites;
	int nsites;
	const char *fonts[2]; /* text, code */
	const char **styles;
	int nstyles;
};

typedef struct {
	const char *file;
	arena_t *a;
	vidc_err *e;
} reader;

/* ---- checked access ------------------------------------------------------------------------ */

static int bad(reader *r, const char *jpath, const char *what)
{
	return err_set(r->e, VE_INVAL, "%s: %s: %s", r->file, jpath, what);
}

static json_t *member(reader *r, json_t *o, const char *jpath, const char *key, char *out,
		      size_t n)
{
	if ((size_t)snprintf(out, n, "%s.%s", jpath, key) >= n)
		out[n - 1] = 0; /* a cut path in a message is still a path */
	json_t *v = json_object_get(o, key);
	if (!v)
		bad(r, out, "missing");
	return v;
}

static int get_string(reader *r, json_t *o, const char *jpath, const char *key, int nonempty,
		      const char **out)
{
	char p[256];
	json_t *v = member(r, o, jpath, key, p, sizeof p);
	if (!v)
		return VE_INVAL;
	if (!json_is_string(v) || (nonempty && !*json_string_value(v)))
		return bad(r, p, nonempty ? "expected a non-empty string" : "expected a string");
	*out = arena_strdup(r->a, json_string_value(v));
	return *out ? 0 : err_set(r->e, VE_NOMEM, "%s: out of memory", r->file);
}

static int get_number(reader *r, json_t *o, const char *jpath, const char *key, double min,
		      double max, int whole, double *out)
{
	char p[256], what[128];
	json_t *v = member(r, o, jpath, key, p, sizeof p);
	if (!v)
		return VE_INVAL;
	double x = json_number_value(v);
	if (!json_is_number(v) || x < min || x > max || (whole && x != (double)(int64_t)x)) {
		snprintf(what, sizeof what, "expected %s from %.15g to %.15g", whole ? "a whole number" : "a number",
			 min, max);
		return bad(r, p, what);
	}
	*out = x;
	return 0;
}

/* A rule: an object with its values and a "source" naming where it comes from. */
static json_t *get_rule(reader *r, json_t *o, const char *jpath, const char *key, char *p, size_t n,
			const char **src)
{
	json_t *v = member(r, o, jpath, key, p, n);
	if (!v)
		return NULL;
	if (!json_is_object(v)) {
		bad(r, p, "expected an object (a rule with its \"source\")");
		return NULL;
	}
	return get_string(r, v, p, "source", 1, src) ? NULL : v;
}

/* ---- what the rules hold ------------------------------------------------------------------- */

/* F_REAL is a ratio or a rate (any number); F_NAMES a list of strings kept NULL-terminated, an
 * empty list read as NULL ("any"). */
typedef enum { F_INT, F_INT64, F_SECONDS, F_REAL, F_KBPS, F_STRING, F_BOOL, F_NAMES } field_kind;

typedef struct {
	const char *rule, *key;
	field_kind kind;
	size_t at; /* offsetof the field in the struct */
	double min, max;
} field;

typedef struct {
	const char *rule;
	size_t src; /* offsetof the source's field */
} rule;

#define P(x) offsetof(platform_preset, x)
#define S(x) offsetof(platform_site, x)

static const rule preset_rules[] = {
	{"canvas", P(src_canvas)},	     {"safe_area", P(src_safe)}, {"duration", P(src_duration)},
	{"recommended", P(src_recommended)}, {"size", P(src_size)},	 {"bitrate", P(src_bitrate)},
	{"captions", P(src_captions)}, {"chapters", P(src_chapters)},	 {"aspect", P(src_aspect)},
	{"resolution", P(src_resolution)}, {"frame_rate", P(src_frame_rate)}, {"codecs", P(src_codecs)},
};

static const field preset_fields[] = {
	{"canvas", "width", F_INT, P(width), 16, 8192},
	{"canvas", "height", F_INT, P(height), 16, 8192},
	{"canvas", "fps", F_INT, P(fps), 1, 120},
	{"safe_area", "x", F_INT, P(safe.x), 0, 8192},
	{"safe_area", "y", F_INT, P(safe.y), 0, 8192},
	{"safe_area", "width", F_INT, P(safe.w), 1, 8192},
	{"safe_area", "height", F_INT, P(safe.h), 1, 8192},
	{"duration", "min_s", F_SECONDS, P(min_s), 0, 86400},
	{"duration", "max_s", F_SECONDS, P(max_s), 0.001, 86400},
	{"recommended", "min_s", F_SECONDS, P(rec_min_s), 0, 86400},
	{"recommended", "max_s", F_SECONDS, P(rec_max_s), 0.001, 86400},
	{"size", "max_bytes", F_INT64, P(max_bytes), 1e5, 1e15},
	{"bitrate", "min_total_kbps", F_KBPS, P(min_bitrate), 1, 1e6},
	{"captions", "default", F_STRING, P(captions), 0, 0},
	{"chapters", "shown", F_BOOL, P(chapters), 0, 0},
	{"aspect", "min", F_REAL, P(min_aspect), 0, 100},
	{"aspect", "max", F_REAL, P(max_aspect), 0, 100},
	{"resolution", "min_width", F_INT, P(min_w), 0, 16384},
	{"resolution", "min_height", F_INT, P(min_h), 0, 16384},
	{"resolution", "max_width", F_INT, P(max_w), 0, 16384},
	{"resolution", "max_height", F_INT, P(max_h), 0, 16384},
	{"frame_rate", "min_fps", F_REAL, P(min_fps), 0, 1000},
	{"frame_rate", "max_fps", F_REAL, P(max_fps), 0, 1000},
	{"codecs", "video", F_NAMES, P(video_codecs), 0, MAX_CODECS},
	{"codecs", "audio", F_NAMES, P(audio_codecs), 0, MAX_CODECS},
};

static const rule site_rules[] = {
	{"title", S(src_title)},	 {"description", S(src_description)},
	{"tags", S(src_tags)},		 {"hashtags", S(src_hashtags)},
	{"thumbnail", S(src_thumbnail)}, {"category", S(src_category)},
};

static const field site_fields[] = {
	{"title", "max_chars", F_INT, S(title_max), 1, 1e6},
	{"description", "max_chars", F_INT, S(description_max), 1, 1e6},
	{"tags", "max_count", F_INT, S(tags_max), 0, 1000},
	{"tags", "max_total_chars", F_INT, S(tags_max_total), 1, 1e6},
	{"hashtags", "max", F_INT, S(hashtags_max), 0, 1e6},
	{"thumbnail", "width", F_INT, S(thumb_width), 16, 8192},
	{"thumbnail", "height", F_INT, S(thumb_height), 16, 8192},
	{"thumbnail", "max_bytes", F_INT64, S(thumb_max_bytes), 1000, 1e9},
	{"category", "default", F_STRING, S(category), 0, 0},
};

/* Chapters are optional: only a site that shows them in descriptions has the rule. */
static const field chapter_fields[] = {
	{"chapters", "first_at_s", F_SECONDS, S(chapters_first_s), 0, 86400},
	{"chapters", "min_count", F_INT, S(chapters_min_count), 1, 1000},
	{"chapters", "min_seconds", F_SECONDS, S(chapters_min_s), 0, 86400},
};

/* A list of at most max non-empty strings into *out, NULL-terminated; [] leaves *out NULL. */
static int get_names(reader *r, json_t *o, const char *jpath, const char *key, int max,
		     const char *const **out)
{
	char p[256], q[300];
	json_t *v = member(r, o, jpath, key, p, sizeof p);
	if (!v)
		return VE_INVAL;
	size_t n = json_array_size(v);
	if (!json_is_array(v) || n > (size_t)max) {
		snprintf(q, sizeof q, "expected a list of at most %d names", max);
		return bad(r, p, q);
	}
	*out = NULL;
	if (!n)
		return 0;
	const char **names = arena_alloc(r->a, sizeof(char *) * (n + 1));
	if (!names)
		return err_set(r->e, VE_NOMEM, "%s: out of memory", r->file);
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(v, i);
		snprintf(q, sizeof q, "%s[%zu]", p, i);
		if (!json_is_string(s) || !*json_string_value(s))
			return bad(r, q, "expected a non-empty string");
		if (!(names[i] = arena_strdup(r->a, json_string_value(s))))
			return err_set(r->e, VE_NOMEM, "%s: out of memory", r->file);
	}
	names[n] = NULL;
	*out = names;
	return 0;
}

static int set_field(reader *r, json_t *o, const char *jpath, const field *f, void *base)
{
	char *dst = (char *)base + f->at;
	double x;
	int rc;
	if (f->kind == F_STRING)
		return get_string(r, o, jpath, f->key, 0, (const char **)dst);
	if (f->kind == F_NAMES)
		return get_names(r, o, jpath, f->key, (int)f->max, (const char *const **)dst);
	if (f->kind == F_BOOL) {
		char p[256];
		json_t *v = member(r, o, jpath, f->key, p, sizeof p);
		if (!v)
			return VE_INVAL;
		if (!json_is_boolean(v))
			return bad(r, p, "expected true or false");
		*(int *)dst = json_is_true(v);
		return 0;
	}
	int whole = f->kind != F_SECONDS && f->kind != F_REAL;
	if ((rc = get_number(r, o, jpath, f->key, f->min, f->max, whole, &x)))
		return rc;
	if (f->kind == F_INT)
		*(int *)dst = (int)x;
	else if (f->kind == F_INT64)
		*(int64_t *)dst = (int64_t)x;
	else if (f->kind == F_KBPS)
		*(int64_t *)dst = (int64_t)(x * 1000);
	else
		*(double *)dst = x;
	return 0;
}

/* Reads the rules of one object (a preset or a site) at jpath into base. */
static int read_rules(reader *r, json_t *o, const char *jpath, const rule *rules, int nrules,
		      const field *fields, int nfields, void *base)
{
	for (int i = 0; i < nrules; i++) {
		char p[256];
		json_t *ro = get_rule(r, o, jpath, rules[i].rule, p, sizeof p,
				      (const char **)((char *)base + rules[i].src));
		if (!ro)
			return VE_INVAL;
		for (int k = 0; k < nfields; k++) {
			int rc;
			if (!strcmp(fields[k].rule, rules[i].rule) && (rc = set_field(r, ro, p, &fields[k], base)))
				return rc;
		}
	}
	return 0;
}

/* ---- presets and sites --------------------------------------------------------------------- */

static int check_preset(reader *r, const char *jpath, const platform_preset *p)
{
	char q[256];
	if (p->safe.x + p->safe.w > p->width || p->safe.y + p->safe.h > p->height) {
		snprintf(q, sizeof q, "%s.safe_area", jpath);
		return bad(r, q, "the safe area reaches outside the canvas");
	}
	if (p->min_s > p->max_s || p->rec_min_s > p->rec_max_s) {
		snprintf(q, sizeof q, "%s.%s", jpath, p->min_s > p->max_s ? "duration" : "recommended");
		return bad(r, q, "min_s is above max_s");
	}
	/* 0 is "no limit", so only two set bounds can cross */
	const struct {
		double lo, hi;
		const char *rule, *what;
	} pairs[] = {
		{p->min_aspect, p->max_aspect, "aspect", "min is above max"},
		{p->min_w, p->max_w, "resolution", "min_width is above max_width"},
		{p->min_h, p->max_h, "resolution", "min_height is above max_height"},
		{p->min_fps, p->max_fps, "frame_rate", "min_fps is above max_fps"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		if (pairs[i].lo > 0 && pairs[i].hi > 0 && pairs[i].lo > pairs[i].hi) {
			snprintf(q, sizeof q, "%s.%s", jpath, pairs[i].rule);
			return bad(r, q, pairs[i].what);
		}
	return 0;
}

/* Reads element i of an array, the object o at jpath, into all[i]; earlier elements are read (a
 * name may be checked against them). */
typedef int (*element_fn)(reader *r, json_t *o, const char *jpath, int i, void *all);

/* The name of element i (a const char * at name_at in each element of `size` bytes) must not
 * repeat an earlier one's: lookups by name would never find the later. */
static int unique_name(reader *r, const char *arr, const char *all, size_t size, size_t name_at, int i)
{
	const char *name = *(const char *const *)(all + (size_t)i * size + name_at);
	for (int k = 0; k < i; k++)
		if (!strcmp(*(const char *const *)(all + (size_t)k * size + name_at), name)) {
			char jpath[64];
			snprintf(jpath, sizeof jpath, "$.%s[%d].name", arr, i);
			return bad(r, jpath, "an entry of that name comes earlier");
		}
	return 0;
}

static int read_preset(reader *r, json_t *o, const char *jpath, int i, void *all)
{
	platform_preset *p = &((platform_preset *)all)[i];
	int rc;
	if ((rc = get_string(r, o, jpath, "name", 1, &p->name)) ||
	    (rc = get_string(r, o, jpath, "site", 1, &p->site)) ||
	    (rc = get_string(r, o, jpath, "display", 1, &p->display)) ||
	    (rc = read_rules(r, o, jpath, preset_rules, (int)(sizeof preset_rules / sizeof *preset_rules),
			     preset_fields, (int)(sizeof preset_fields / sizeof *preset_fields), p)))
		return rc;
	return check_preset(r, jpath, p);
}

static int read_site(reader *r, json_t *o, const char *jpath, int i, void *all)
{
	platform_site *s = &((platform_site *)all)[i];
	int rc;
	if ((rc = get_string(r, o, jpath, "name", 1, &s->name)) ||
	    (rc = get_string(r, o, jpath, "display", 1, &s->display)) ||
	    (rc = read_rules(r, o, jpath, site_rules, (int)(sizeof site_rules / sizeof *site_rules),
			     site_fields, (int)(sizeof site_fields / sizeof *site_fields), s)))
		return rc;
	if (!json_object_get(o, "chapters"))
		return 0;
	static const rule ch = {"chapters", S(src_chapters)};
	return read_rules(r, o, jpath, &ch, 1, chapter_fields,
			  (int)(sizeof chapter_fields / sizeof *chapter_fields), s);
}

/* The root's array `key` of 1..max objects, each read by fn into a new arena array of elements
 * of `size` bytes (*out, *count). Their names (at name_at) are unique within the array. */
static int read_array(reader *r, json_t *root, const char *key, int max, size_t size,
		      size_t name_at, element_fn fn, void **out, int *count)
{
	char p[256];
	json_t *arr = member(r, root, "$", key, p, sizeof p);
	if (!arr)
		return VE_INVAL;
	size_t n = json_array_size(arr);
	if (!json_is_array(arr) || n == 0 || n > (size_t)max) {
		char what[64];
		snprintf(what, sizeof what, "expected an array of 1 to %d entries", max);
		return bad(r, p, what);
	}
	char *all = arena_alloc(r->a, size * n);
	if (!all)
		return err_set(r->e, VE_NOMEM, "%s: out of memory", r->file);
	memset(all, 0, size * n);
	*out = all;
	for (size_t i = 0; i < n; i++) {
		char jpath[64];
		snprintf(jpath, sizeof jpath, "$.%s[%zu]", key, i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o))
			return bad(r, jpath, "expected an object");
		int rc = fn(r, o, jpath, (int)i, all);
		if (rc || (rc = unique_name(r, key, all, size, name_at, (int)i)))
			return rc;
		(*count)++;
	}
	return 0;
}

/* Every preset names a site the file has, with chapter rules if it shows chapters. */
static int check_sites(reader *r, const platform_table *t)
{
	for (int i = 0; i < t->npresets; i++) {
		const platform_site *s = platform_site_find(t, t->presets[i].site);
		char jpath[64];
		snprintf(jpath, sizeof jpath, "$.presets[%d].%s", i, s ? "chapters.shown" : "site");
		if (!s)
			return bad(r, jpath, "names no site of $.sites");
		if (t->presets[i].chapters && !s->chapters_min_count)
			return bad(r, jpath, "its site has no chapter rules (a \"chapters\" rule)");
	}
	return 0;
}

/* fonts {text, code} and caption_styles {names}; each preset's default style must be one. */
static int read_fonts_styles(reader *r, json_t *root, platform_table *t)
{
	char p[256], q[256];
	const char *src;
	json_t *fo = get_rule(r, root, "$", "fonts", p, sizeof p, &src);
	int rc;
	if (!fo || (rc = get_string(r, fo, p, "text", 1, &t->fonts[0])) ||
	    (rc = get_string(r, fo, p, "code", 1, &t->fonts[1])))
		return VE_INVAL;
	json_t *cs = get_rule(r, root, "$", "caption_styles", p, sizeof p, &src);
	if (!cs)
		return VE_INVAL;
	json_t *names = member(r, cs, p, "names", q, sizeof q);
	size_t n = json_array_size(names);
	if (!names || !json_is_array(names) || n == 0 || n > MAX_STYLES)
		return names ? bad(r, q, "expected an array of style names") : VE_INVAL;
	t->styles = arena_alloc(r->a, sizeof(char *) * n);
	for (size_t i = 0; t->styles && i < n; i++) {
		json_t *s = json_array_get(names, i);
		if (!json_is_string(s) || !*json_string_value(s)) {
			snprintf(q, sizeof q, "$.caption_styles.names[%zu]", i);
			return bad(r, q, "expected a non-empty string");
		}
		if (!(t->styles[t->nstyles++] = arena_strdup(r->a, json_string_value(s))))
			return err_set(r->e, VE_NOMEM, "%s: out of memory", r->file);
	}
	for (int i = 0; i < t->npresets; i++) {
		int found = 0;
		for (int k = 0; k < t->nstyles; k++)
			found |= !strcmp(t->styles[k], t->presets[i].captions);
		if (!found) {
			snprintf(q, sizeof q, "$.presets[%d].captions.default", i);
			return bad(r, q, "names no style of $.caption_styles.names");
		}
	}
	return 0;
}

/* ---- the table ----------------------------------------------------------------------------- */

static int read_table(reader *r, json_t *root, platform_table *t)
{
	double version;
	void *presets = NULL, *sites = NULL;
	int rc;
	if (!json_is_object(root))
		return bad(r, "$", "expected an object");
	if ((rc = get_number(r, root, "$", "version", 1, 1, 1, &version)))
		return rc;
	rc = read_array(r, root, "presets", MAX_PRESETS, sizeof *t->presets, P(name), read_preset, &presets,
			&t->npresets);
	t->presets = presets;
	if (rc)
		return rc;
	rc = read_array(r, root, "sites", MAX_SITES, sizeof *t->sites, S(name), read_site, &sites, &t->nsites);
	t->sites = sites;
	if (rc || (rc = check_sites(r, t)))
		return rc;
	return read_fonts_styles(r, root, t);
}

int platform_load_file(const char *path, platform_table **out, vidc_err *e)
{
	*out = NULL;
	char *data;
	size_t len;
	int rc = file_read(path, PLATFORM_MAX_BYTES, &data, &len, e);
	if (rc)
		return rc;
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je);
	free(data);
	if (!root)
		return err_set(e, VE_INVAL, "%s:%d:%d: not JSON: %s", path, je.line, je.column, je.text);
	arena_t *a = arena_new();
	platform_table *t = a ? arena_alloc(a, sizeof *t) : NULL;
	if (!t || !(t->path = arena_strdup(a, path))) {
		json_decref(root);
		arena_free(a);
		return err_set(e, VE_NOMEM, "%s: out of memory", path);
	}
	t->a = a;
	reader r = {path, a, e};
	rc = read_table(&r, root, t);
	json_decref(root);
	if (!rc && arena_failed(a))
		rc = err_set(e, VE_NOMEM, "%s: out of memory", path);
	if (rc) {
		arena_free(a);
		return rc;
	}
	*out = t;
	return 0;
}

int platform_load(const char *stdlib_dir, platform_table **out, vidc_err *e)
{
	*out = NULL;
	if (!stdlib_dir)
		return err_set(e, VE_NOTFOUND, "the platform rules (%s) are in the stdlib, and no stdlib "
					      "folder was found (set VIDC_STDLIB)", PLATFORM_FILE);
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", stdlib_dir, PLATFORM_FILE) >= sizeof path)
		return err_set(e, VE_INVAL, "the stdlib folder's name is too long");
	return platform_load_file(path, out, e);
}

void platform_free(platform_table *t)
{
	if (t)
		arena_free(t->a);
}

const char *platform_path(const platform_table *t)
{
	return t->path;
}

int platform_npresets(const platform_table *t)
{
	return t->npresets;
}

const platform_preset *platform_preset_at(const platform_table *t, int i)
{
	return i >= 0 && i < t->npresets ? &t->presets[i] : NULL;
}

const platform_preset *platform_preset_find(const platform_table *t, const char *name)
{
	for (int i = 0; name && i < t->npresets; i++)
		if (!strcmp(t->presets[i].name, name))
			return &t->presets[i];
	return NULL;
}

const platform_site *platform_site_find(const platform_table *t, const char *name)
{
	for (int i = 0; name && i < t->nsites; i++)
		if (!strcmp(t->sites[i].name, name))
			return &t->sites[i];
	return NULL;
}

/* Portrait or square (1) against landscape (0). */
static int upright(const platform_preset *p)
{
	return p->height >= p->width;
}

const platform_preset *platform_upload_preset(const platform_table *t, const char *site,
					      const char *preset)
{
	const platform_preset *own = platform_preset_find(t, preset), *strictest = NULL;
	if (own && site && !strcmp(own->site, site))
		return own;
	for (int i = 0; site && i < t->npresets; i++) {
		const platform_preset *p = &t->presets[i];
		if (strcmp(p->site, site))
			continue;
		if (own && upright(p) == upright(own))
			return p;
		if (!strictest || p->max_s < strictest->max_s)
			strictest = p;
	}
	return strictest;
}

const platform_site *platform_chapter_site(const platform_table *t, const char *preset)
{
	const platform_preset *p = platform_preset_find(t, preset);
	const platform_site *s = p ? platform_site_find(t, p->site) : NULL;
	if (s && s->chapters_min_count)
		return s;
	for (int i = 0; i < t->nsites; i++)
		if (t->sites[i].chapters_min_count)
			return &t->sites[i];
	return NULL;
}

const char *platform_font(const platform_table *t, const char *role)
{
	return role && !strcmp(role, "code") ? t->fonts[1] : t->fonts[0];
}

int platform_ncaption_styles(const platform_table *t)
{
	return t->nstyles;
}

const char *platform_caption_style(const platform_table *t, int i)
{
	return i >= 0 && i < t->nstyles ? t->styles[i] : NULL;
}

double platform_min_bytes(int64_t bps, double seconds)
{
	return ((double)bps * (seconds + 2) / 8 + 64.0 * 1024) / 0.97;
}
