/*
 * script.c - the script stage's shared half (see script.h): options, the generator table, the
 * finishing steps every draft goes through (timing, fitting, chapters, SEO limits) and the
 * validation of a script file against the schema kept in the stdlib.
 */
#include "script.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/platform.h"
#include "../base/utf8.h"
#include "../compiler/compile.h"
#include "jsonschema.h"
#include "overlay.h"

/* ---- options ---- */

/* The platform rules (the stdlib's platforms.json): durations, SEO limits, chapter rules. NULL
 * with err filled when the file cannot be read. The caller frees the table. */
static platform_table *platform_rules(char *err, size_t errlen)
{
	platform_table *t = NULL;
	vidc_err e;
	if (platform_load(compile_stdlib_dir(NULL), &t, &e) && err && errlen)
		snprintf(err, errlen, "%s", e.msg);
	return t;
}

/* The site rules of platform (a preset name), or of YouTube's when it is none. */
static const platform_site *site_of(const platform_table *t, const char *platform)
{
	const platform_preset *p = t ? platform_preset_find(t, platform) : NULL;
	return t ? platform_site_find(t, p ? p->site : "youtube") : NULL;
}

static const char *const PLATFORMS[] = {"tiktok", "youtube_short", "instagram_reel",
					"youtube_long"};

int script_type_parse(const char *s, script_type *t)
{
	if (!strcmp(s, "short"))
		*t = SCRIPT_SHORT;
	else if (!strcmp(s, "medium"))
		*t = SCRIPT_MEDIUM;
	else if (!strcmp(s, "long"))
		*t = SCRIPT_LONG;
	else
		return -1;
	return 0;
}

const char *script_type_name(script_type t)
{
	return t == SCRIPT_SHORT ? "short" : t == SCRIPT_MEDIUM ? "medium" : "long";
}

int script_opts_init(script_opts *o, script_type type, const char *platforms, char *err,
		     size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->type = type;
	o->wpm = SCRIPT_DEFAULT_WPM;
	o->repair_attempts = 2;
	o->max_attempts = 4;
	static const double range[3][2] = {{30, 90}, {60, 180}, {300, 900}};
	o->min_s = range[type][0];
	o->max_s = range[type][1];
	if (!platforms || !*platforms)
		platforms = type == SCRIPT_SHORT	? "tiktok,youtube_short,instagram_reel"
			    : type == SCRIPT_MEDIUM ? "tiktok,youtube_long"
						    : "youtube_long";
	const char *p = platforms;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n) {
			int found = -1;
			for (int i = 0; i < 4; i++)
				if (strlen(PLATFORMS[i]) == n && !strncmp(PLATFORMS[i], p, n))
					found = i;
			if (found < 0) {
				snprintf(err, errlen,
					 "unknown platform '%.*s' (use tiktok, youtube_short, instagram_reel, youtube_long)",
					 (int)n, p);
				return -1;
			}
			int dup = 0;
			for (int i = 0; i < o->nplatforms; i++)
				dup |= !strcmp(o->platforms[i], PLATFORMS[found]);
			if (!dup)
				o->platforms[o->nplatforms++] = PLATFORMS[found];
		}
		p += n + (e ? 1 : 0);
	}
	if (!o->nplatforms) {
		snprintf(err, errlen, "no platform given");
		return -1;
	}
	/* Never plan a script a listed platform would refuse (the platform file's hard limits). */
	platform_table *t = platform_rules(err, errlen);
	if (!t)
		return -1;
	for (int i = 0; i < o->nplatforms; i++) {
		const platform_preset *pr = platform_preset_find(t, o->platforms[i]);
		if (pr && pr->max_s < o->max_s)
			o->max_s = pr->max_s;
		if (o->max_s < o->min_s) {
			snprintf(err, errlen,
				 "a %s script runs %.0f-%.0f s but %s accepts at most %.0f s; choose another type or platform",
				 script_type_name(type), range[type][0], range[type][1], o->platforms[i],
				 pr ? pr->max_s : 0);
			platform_free(t);
			return -1;
		}
	}
	platform_free(t);
	const char *env;
	o->base_url = (env = getenv("VIDC_LLM_BASE_URL")) && *env ? env : "https://api.openai.com/v1";
	o->api_key = getenv("VIDC_LLM_API_KEY");
	o->model = (env = getenv("VIDC_LLM_MODEL")) && *env ? env : "gpt-4o-mini";
	o->json_schema = (env = getenv("VIDC_LLM_RESPONSE_FORMAT")) && !strcmp(env, "json_schema");
	o->timeout_ms = (env = getenv("VIDC_LLM_TIMEOUT")) && atof(env) > 0 ? (long)(atof(env) * 1000)
									    : 120000;
	return 0;
}

const script_generator *script_generator_find(const char *name)
{
	if (!strcmp(name, "extract"))
		return &script_gen_extract;
	if (!strcmp(name, "llm"))
		return &script_gen_llm;
	return NULL;
}

/* ---- timing and chapters ---- */

double script_speech_s(const char *text, double wpm)
{
	if (!text || wpm <= 0)
		return 0;
	return article_words(text, strlen(text)) * 60.0 / wpm;
}

static const char *str_of(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static double round2(double x)
{
	return floor(x * 100 + 0.5) / 100;
}

/* First words of text, at most max bytes, cut at a space (or at a UTF-8 boundary for text
 * without spaces); adds nothing. */
static char *first_words(const char *text, size_t max)
{
	size_t n = strlen(text);
	if (n <= max)
		return strdup(text);
	return strndup(text, script_word_cut(text, utf8_floor(text, max), max / 2));
}

size_t script_word_cut(const char *s, size_t cut, size_t keep)
{
	size_t sp = cut;
	while (sp > 0 && s[sp] != ' ')
		sp--;
	if (sp > keep)
		cut = sp;
	while (cut > 0 && strchr(" ,;:-", s[cut - 1]))
		cut--;
	return cut;
}

/* Cuts s to at most max characters at a word boundary, adding "…" when cut. Returns a new
 * string. */
static char *cut_chars(const char *s, size_t max)
{
	if (utf8_count(s) <= max)
		return strdup(s);
	size_t bytes = utf8_prefix(s, max - 1);
	bytes = script_word_cut(s, bytes, bytes / 2);
	char *r = malloc(bytes + 4);
	if (!r)
		return NULL;
	memcpy(r, s, bytes);
	memcpy(r + bytes, "\xE2\x80\xA6", 4);
	return r;
}

void script_retime(json_t *s, double wpm)
{
	json_t *pts = json_object_get(s, "points");
	size_t np = json_array_size(pts);
	double t = script_speech_s(str_of(s, "hook"), wpm) + SCRIPT_PAUSE_S;
	const char *intro = str_of(s, "intro");
	if (*intro)
		t += script_speech_s(intro, wpm) + SCRIPT_PAUSE_S;
	json_t *old = json_object_get(s, "chapter_markers");
	size_t nold = json_array_size(old);
	json_t *ch = json_array();
	const char *intro_title = nold ? str_of(json_array_get(old, 0), "title") : "";
	json_t *c0 = json_object();
	json_object_set_new(c0, "time", json_real(0));
	json_object_set_new(c0, "title", json_string(*intro_title ? intro_title : "Intro"));
	json_array_append_new(ch, c0);
	for (size_t i = 0; i < np; i++) {
		json_t *p = json_array_get(pts, i);
		double d = round2(script_speech_s(str_of(p, "text"), wpm));
		if (d < 0.5)
			d = 0.5;
		json_object_set_new(p, "duration_est", json_real(d));
		if (json_is_false(json_object_get(p, "_chapter"))) {
			/* the generator says: this point continues the chapter before */
			t += d + SCRIPT_PAUSE_S;
			continue;
		}
		const char *title = str_of(p, "_chapter");
		if (!*title && nold == np + 1)
			title = str_of(json_array_get(old, i + 1), "title");
		if (!*title)
			title = str_of(p, "text_overlay");
		char *own = NULL;
		if (!*title)
			title = own = first_words(str_of(p, "text"), 60);
		char *tt = cut_chars(title, 100);
		json_t *c = json_object();
		json_object_set_new(c, "time", json_real(round2(t)));
		json_object_set_new(c, "title", json_string(tt ? tt : "Part"));
		free(tt);
		free(own);
		json_array_append_new(ch, c);
		t += d + SCRIPT_PAUSE_S;
	}
	t += script_speech_s(str_of(s, "cta"), wpm);
	double total = round2(t);
	/* YouTube: every chapter >= 10 s (platforms.json). A chapter that would be shorter absorbs
	 * the next one's point (the next marker is dropped); a short last chapter folds into the
	 * one before. */
	platform_table *pt = platform_rules(NULL, 0);
	const platform_site *yt = site_of(pt, "youtube_long");
	double min_s = yt && yt->chapters_min_count ? yt->chapters_min_s : 10;
	platform_free(pt);
	json_t *kept = json_array();
	json_array_append(kept, json_array_get(ch, 0));
	for (size_t i = 1; i < json_array_size(ch); i++) {
		json_t *last = json_array_get(kept, json_array_size(kept) - 1);
		json_t *c = json_array_get(ch, i);
		if (json_real_value(json_object_get(c, "time")) -
			    json_real_value(json_object_get(last, "time")) >= min_s)
			json_array_append(kept, c);
	}
	size_t nk = json_array_size(kept);
	if (nk > 1 && total - json_real_value(json_object_get(json_array_get(kept, nk - 1), "time")) < min_s)
		json_array_remove(kept, nk - 1);
	json_decref(ch);
	json_object_set_new(s, "chapter_markers", kept);
	json_object_set_new(s, "total_estimated_duration", json_real(total));
}

/* ---- SEO ---- */

/* "cold brew" -> "coldbrew" (letters and digits of any script, no '#'). */
static char *hashtag(const char *s)
{
	char *r = malloc(strlen(s) + 1);
	if (!r)
		return NULL;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || isalnum(*p) || *p == '_')
			r[n++] = (char)*p;
	r[n] = 0;
	return r;
}

static int has_tag(json_t *tags, const char *t)
{
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) if (!strcasecmp(json_string_value(v), t)) return 1;
	return 0;
}

static const char *const STOP[] = {
	"the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "how",
	"what", "why", "your", "you", "it", "its", "this", "that", "from", "by", "at", "as", "be",
	"de", "la", "el", "los", "las", "y", "en", "un", "una", "con", "para", "por", "del", "der",
	"die", "das", "und", "mit", "für", "ein", "eine", "le", "les", "des", "et", "du", NULL};

static int is_stop(const char *w)
{
	for (int i = 0; STOP[i]; i++)
		if (!strcasecmp(w, STOP[i]))
			return 1;
	return 0;
}

/* YouTube counts a tag's characters, a comma between tags and quotes around tags with
 * spaces. */
static size_t yt_tags_len(json_t *tags)
{
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(tags, i, v) {
		const char *t = json_string_value(v);
		n += utf8_count(t) + (strchr(t, ' ') ? 2 : 0) + (i ? 1 : 0);
	}
	return n;
}

static size_t caption_len(const char *desc, json_t *tags)
{
	size_t n = utf8_count(desc), i;
	json_t *v;
	if (json_array_size(tags))
		n += 2; /* "\n\n" */
	json_array_foreach(tags, i, v) n += utf8_count(json_string_value(v)) + 1 + (i ? 1 : 0);
	return n;
}

static void fmt_ts(double t, char *buf, size_t n)
{
	long s = (long)floor(t + 1e-6);
	if (s >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

/* The chapter list as "0:00 Intro\n0:14 ...", or NULL when it breaks the site's chapter rules
 * (YouTube: the first at 0:00, at least three, each at least 10 s) or the site has none. */
static char *chapter_lines(json_t *s, const platform_site *site)
{
	json_t *ch = json_object_get(s, "chapter_markers");
	size_t n = json_array_size(ch);
	double total = json_number_value(json_object_get(s, "total_estimated_duration"));
	if (!site || !site->chapters_min_count || n < (size_t)site->chapters_min_count ||
	    json_number_value(json_object_get(json_array_get(ch, 0), "time")) != site->chapters_first_s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		double t0 = json_number_value(json_object_get(json_array_get(ch, i), "time"));
		double t1 = i + 1 < n ? json_number_value(json_object_get(json_array_get(ch, i + 1), "time"))
				      : total;
		if (t1 - t0 < site->chapters_min_s)
			return NULL;
	}
	size_t cap = 64 + n * 120, len = 0;
	char *r = malloc(cap);
	if (!r)
		return NULL;
	r[0] = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(ch, i);
		char ts[32];
		fmt_ts(json_number_value(json_object_get(c, "time")), ts, sizeof ts);
		len += (size_t)snprintf(r + len, cap - len, "%s%s %.100s", i ? "\n" : "", ts,
					str_of(c, "title"));
		if (len >= cap)
			break;
	}
	return r;
}

/* Candidate tags: the article's keywords, then the title's content words. */
static json_t *base_tags(const article_t *a)
{
	json_t *tags = json_array();
	for (int i = 0; i < a->nkeywords; i++)
		if (!has_tag(tags, a->keywords[i]) && utf8_count(a->keywords[i]) <= 100)
			json_array_append_new(tags, json_string(a->keywords[i]));
	char *t = strdup(a->title);
	if (t) {
		char *save = NULL;
		for (char *w = strtok_r(t, " ,.:;!?¿¡()\"'", &save); w; w = strtok_r(NULL, " ,.:;!?¿¡()\"'", &save)) {
			if (utf8_count(w) < 3 || strlen(w) > 24 || is_stop(w))
				continue;
			for (char *q = w; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			/* "brew" adds nothing beside the keyword "cold brew" */
			int dup = 0;
			size_t j;
			json_t *v;
			json_array_foreach(tags, j, v) dup |= strcasestr(json_string_value(v), w) != NULL;
			if (!dup)
				json_array_append_new(tags, json_string(w));
		}
		free(t);
	}
	return tags;
}

void script_seo_finish(json_t *s, const article_t *a, const script_opts *o)
{
	json_t *old = json_object_get(s, "seo");
	json_t *seo = json_object();
	platform_table *pt = platform_rules(NULL, 0);
	char *chapters = chapter_lines(s, site_of(pt, "youtube_long"));
	json_t *base = base_tags(a);
	for (int i = 0; pt && i < o->nplatforms; i++) {
		const char *pf = o->platforms[i];
		const platform_site *site = site_of(pt, pf);
		json_t *d = json_object_get(old, pf);
		int yt = !strncmp(pf, "youtube", 7);
		const char *title = str_of(d, "title");
		if (!*title)
			title = a->title;
		char *ttl = cut_chars(title, (size_t)site->title_max);
		/* Description: the draft's, else hook + the article's summary. */
		char *desc = NULL;
		const char *dd = str_of(d, "description");
		if (*dd) {
			desc = strdup(dd);
		} else {
			const char *sum = *a->meta_description ? a->meta_description : str_of(s, "intro");
			size_t n = strlen(str_of(s, "hook")) + strlen(sum) + 4;
			desc = malloc(n);
			if (desc)
				snprintf(desc, n, "%s%s%s", str_of(s, "hook"), *sum ? "\n\n" : "", sum);
		}
		/* Tags: the draft's, then the article's. Stored without '#'; hashtags for the
		 * vertical platforms, plain words for YouTube. */
		json_t *tags = json_array();
		json_t *src[2] = {json_object_get(d, "tags"), base};
		for (int k = 0; k < 2; k++) {
			size_t j;
			json_t *v;
			json_array_foreach(src[k], j, v) {
				const char *t = json_string_value(v);
				if (!t)
					continue;
				while (*t == '#')
					t++;
				char *h = yt ? strdup(t) : hashtag(t);
				if (h && *h && utf8_count(h) <= 100 && !has_tag(tags, h))
					json_array_append_new(tags, json_string(h));
				free(h);
			}
		}
		while (json_array_size(tags) > (size_t)site->tags_max)
			json_array_remove(tags, json_array_size(tags) - 1);
		if (yt)
			while (json_array_size(tags) && yt_tags_len(tags) > (size_t)site->tags_max_total)
				json_array_remove(tags, json_array_size(tags) - 1);
		if (yt && chapters && desc) {
			size_t n = strlen(desc) + strlen(chapters) + 4;
			char *nd = malloc(n);
			if (nd) {
				snprintf(nd, n, "%s\n\n%s", desc, chapters);
				free(desc);
				desc = nd;
			}
		}
		/* Caption limits: YouTube descriptions 5,000; TikTok and Instagram 2,200 with the
		 * hashtags (platforms.json). Cut the prose, never the chapter list (it is short and
		 * at the end). */
		size_t limit = (size_t)site->description_max;
		if (desc && !yt) {
			while (json_array_size(tags) && caption_len("", tags) > limit / 2)
				json_array_remove(tags, json_array_size(tags) - 1);
			size_t room = limit - caption_len("", tags);
			if (utf8_count(desc) > room) {
				char *c = cut_chars(desc, room);
				free(desc);
				desc = c;
			}
		} else if (desc && utf8_count(desc) > limit) {
			char *c = cut_chars(desc, limit);
			free(desc);
			desc = c;
		}
		json_t *e = json_object();
		json_object_set_new(e, "title", json_string(ttl && *ttl ? ttl : "Video"));
		json_object_set_new(e, "description", json_string(desc ? desc : ""));
		json_object_set_new(e, "tags", tags);
		json_object_set_new(seo, pf, e);
		free(ttl);
		free(desc);
	}
	json_decref(base);
	free(chapters);
	platform_free(pt);
	json_object_set_new(s, "seo", seo);
}

/* ---- schema and validation ---- */

json_t *script_schema_load(const char *schema_path, char *err, size_t errlen)
{
	char buf[4200];
	if (!schema_path) {
		const char *dir = compile_stdlib_dir(NULL);
		if (!dir) {
			snprintf(err, errlen,
				 "cannot find the stdlib folder holding schema/script.schema.json (set VIDC_STDLIB)");
			return NULL;
		}
		snprintf(buf, sizeof buf, "%s/schema/script.schema.json", dir);
		schema_path = buf;
	}
	return jschema_load(schema_path, err, errlen);
}

int script_validate(json_t *schema, json_t *s, char *err, size_t errlen)
{
	if (jschema_validate(schema, s, err, errlen) < 0)
		return -1;
	double total = json_number_value(json_object_get(s, "total_estimated_duration"));
	json_t *ch = json_object_get(s, "chapter_markers");
	double prev = -1;
	size_t i;
	json_t *c;
	json_array_foreach(ch, i, c) {
		double t = json_number_value(json_object_get(c, "time"));
		if (t <= prev) {
			snprintf(err, errlen, "$.chapter_markers[%zu].time: %.2f s is not after the chapter before (%.2f s)", i, t, prev);
			return -1;
		}
		if (t >= total) {
			snprintf(err, errlen, "$.chapter_markers[%zu].time: %.2f s is past the end of the script (%.2f s)", i, t, total);
			return -1;
		}
		prev = t;
	}
	json_t *seo = json_object_get(s, "seo");
	const char *pf;
	json_t *d;
	platform_table *pt = platform_rules(err, errlen);
	if (!pt)
		return -1;
	int rc = 0;
	json_object_foreach(seo, pf, d) {
		const platform_site *site = site_of(pt, pf);
		json_t *tags = json_object_get(d, "tags");
		if (!strncmp(pf, "youtube", 7) && yt_tags_len(tags) > (size_t)site->tags_max_total) {
			snprintf(err, errlen, "$.seo.%s.tags: %zu characters in total; %s allows %d", pf, yt_tags_len(tags), site->display, site->tags_max_total);
			rc = -1;
			break;
		}
		if (!strncmp(pf, "youtube", 7))
			continue;
		size_t n = caption_len(str_of(d, "description"), tags);
		if (n > (size_t)site->description_max) {
			snprintf(err, errlen, "$.seo.%s.description: the caption with its hashtags has %zu characters; %s allows %d", pf, n, site->display, site->description_max);
			rc = -1;
			break;
		}
	}
	platform_free(pt);
	return rc;
}

json_t *script_load(const char *path, const char *schema_path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *s = json_load_file(path, 0, &je);
	if (!s) {
		if (je.line < 1)
			snprintf(err, errlen, "%s: %s", path, je.text);
		else
			snprintf(err, errlen, "%s:%d:%d: malformed JSON: %s", path, je.line, je.column, je.text);
		return NULL;
	}
	char serr[400];
	json_t *schema = script_schema_load(schema_path, serr, sizeof serr);
	if (!schema) {
		snprintf(err, errlen, "%s", serr);
		json_decref(s);
		return NULL;
	}
	char verr[600];
	int rc = script_validate(schema, s, verr, sizeof verr);
	json_decref(schema);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, verr);
		json_decref(s);
		return NULL;
	}
	return s;
}

void script_retime_edited(json_t *s, double wpm)
{
	json_t *pts = json_object_get(s, "points"), *ch = json_object_get(s, "chapter_markers");
	size_t np = json_array_size(pts), i;
	double *start = calloc(np + 1, sizeof *start);
	if (!start)
		return;
	double t = script_speech_s(str_of(s, "hook"), wpm) + SCRIPT_PAUSE_S;
	if (*str_of(s, "intro"))
		t += script_speech_s(str_of(s, "intro"), wpm) + SCRIPT_PAUSE_S;
	json_t *p;
	json_array_foreach(pts, i, p) {
		start[i] = t; /* where the point started before the edit (its old duration) */
		t += json_number_value(json_object_get(p, "duration_est")) + SCRIPT_PAUSE_S;
		json_object_set_new(p, "_chapter", json_false());
	}
	json_t *c;
	json_array_foreach(ch, i, c) {
		if (i == 0 || !np)
			continue;
		double ct = json_number_value(json_object_get(c, "time"));
		size_t best = 0;
		for (size_t k = 1; k < np; k++)
			if (fabs(start[k] - ct) < fabs(start[best] - ct))
				best = k;
		json_object_set(json_array_get(pts, best), "_chapter", json_object_get(c, "title"));
	}
	free(start);
	script_retime(s, wpm);
	json_array_foreach(pts, i, p) json_object_del(p, "_chapter");
	/* The chapter block closing YouTube descriptions: replace it with the new times. */
	platform_table *pt = platform_rules(NULL, 0);
	const platform_site *yt = site_of(pt, "youtube_long");
	char *lines = chapter_lines(s, yt);
	const char *pf;
	json_t *d;
	json_object_foreach(json_object_get(s, "seo"), pf, d) {
		if (strncmp(pf, "youtube", 7))
			continue;
		const char *desc = str_of(d, "description");
		const char *blk = strstr(desc, "0:00 ");
		while (blk && blk != desc && blk[-1] != '\n')
			blk = strstr(blk + 1, "0:00 ");
		size_t keep = blk ? (size_t)(blk - desc) : strlen(desc);
		while (keep > 0 && desc[keep - 1] == '\n')
			keep--;
		size_t n = keep + (lines ? strlen(lines) : 0) + 3;
		char *nd = malloc(n);
		if (!nd)
			continue;
		snprintf(nd, n, "%.*s%s%s", (int)keep, desc, lines && keep ? "\n\n" : "", lines ? lines : "");
		if (yt && utf8_count(nd) <= (size_t)yt->description_max)
			json_object_set_new(d, "description", json_string(nd));
		free(nd);
	}
	free(lines);
	platform_free(pt);
}

double script_spoken_s(json_t *s, double wpm)
{
	double t = script_speech_s(str_of(s, "hook"), wpm) + SCRIPT_PAUSE_S;
	if (*str_of(s, "intro"))
		t += script_speech_s(str_of(s, "intro"), wpm) + SCRIPT_PAUSE_S;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(s, "points"), i, p) t +=
		script_speech_s(str_of(p, "text"), wpm) + SCRIPT_PAUSE_S;
	return t + script_speech_s(str_of(s, "cta"), wpm);
}

char *script_dump(json_t *s)
{
	return json_dumps(s, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
}

/* ---- the generate pipeline ---- */

static void put_in_order(json_t *s)
{
	/* Fixed key order in the output file, whatever order the draft built them in. */
	static const char *const keys[] = {"language", "hook", "intro", "points", "cta",
					   "chapter_markers", "total_estimated_duration", "seo"};
	size_t i;
	json_t *p;
	/* Generators' working keys never reach the file. */
	json_array_foreach(json_object_get(s, "points"), i, p) json_object_del(p, "_chapter");
	json_t *tmp = json_object();
	for (int i = 0; i < 8; i++) {
		json_t *v = json_object_get(s, keys[i]);
		if (v)
			json_object_set(tmp, keys[i], v);
	}
	json_object_clear(s);
	json_object_update(s, tmp);
	json_decref(tmp);
}

/* On-screen words never show code or an open bracket (pipeline/overlay.h), whichever generator
 * wrote them: an overlay is cut to the words before the code, else its prose words, else the
 * point's, else "Point N"; a chapter title is cut likewise, else "Part N". */
static void clean_screen_words(json_t *s)
{
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(s, "points"), i, p) {
		const char *ov = json_string_value(json_object_get(p, "text_overlay"));
		if (ov && *ov && (overlay_codeish(ov) || !overlay_balanced(ov))) {
			char *c = overlay_clean(ov);
			if (!c)
				c = overlay_prose(ov, 6);
			if (!c)
				c = overlay_prose(json_string_value(json_object_get(p, "text")), 6);
			char num[32];
			snprintf(num, sizeof num, "Point %zu", i + 1);
			json_object_set_new(p, "text_overlay", json_string(c ? c : num));
			free(c);
		}
	}
	json_t *c;
	json_array_foreach(json_object_get(s, "chapter_markers"), i, c) {
		const char *t = json_string_value(json_object_get(c, "title"));
		if (t && (overlay_codeish(t) || !overlay_balanced(t))) {
			char *cl = overlay_clean(t), part[32];
			snprintf(part, sizeof part, "Part %zu", i);
			json_object_set_new(c, "title", json_string(cl ? cl : part));
			free(cl);
		}
	}
}

json_t *script_generate(const script_generator *g, const article_t *a, const script_opts *o,
			char *err, size_t errlen)
{
	json_t *schema = script_schema_load(o->schema_path, err, errlen);
	if (!schema)
		return NULL;
	json_t *s = g->draft(a, o, err, errlen);
	if (!s) {
		json_decref(schema);
		return NULL;
	}
	if (!json_is_string(json_object_get(s, "intro")))
		json_object_set_new(s, "intro", json_string(""));
	if (*a->language)
		json_object_set_new(s, "language", json_string(a->language));
	script_retime(s, o->wpm);
	/* Never silently exceed: drop the last points (logged) until the script fits. */
	int dropped = 0;
	while (json_number_value(json_object_get(s, "total_estimated_duration")) > o->max_s &&
	       json_array_size(json_object_get(s, "points")) > 1) {
		json_array_remove(json_object_get(s, "points"),
				  json_array_size(json_object_get(s, "points")) - 1);
		dropped++;
		script_retime(s, o->wpm);
	}
	double total = json_number_value(json_object_get(s, "total_estimated_duration"));
	if (dropped && o->log)
		fprintf(o->log, "script: dropped the last %d point%s to fit %.0f s\n", dropped,
			dropped == 1 ? "" : "s", o->max_s);
	if (total > o->max_s || total < o->min_s) {
		snprintf(err, errlen,
			 "%s: the %s script runs %.1f s at %.0f words a minute; a %s video needs %.0f-%.0f s",
			 a->path, g->name, total, o->wpm, script_type_name(o->type), o->min_s, o->max_s);
		json_decref(s);
		json_decref(schema);
		return NULL;
	}
	clean_screen_words(s);
	script_seo_finish(s, a, o);
	put_in_order(s);
	char verr[512];
	if (script_validate(schema, s, verr, sizeof verr) < 0) {
		snprintf(err, errlen, "%s: the %s generator produced an invalid script: %s", a->path,
			 g->name, verr);
		json_decref(s);
		s = NULL;
	}
	json_decref(schema);
	return s;
}
