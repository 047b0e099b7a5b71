/*
 * fields.c - request field checks (fields.h).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../base/platform.h"
#include "../compiler/compile.h"
#include "fields.h"

const char *const fld_project_types[] = {"short", "medium", "long", NULL};
/* Filled from the platform file on first use (presets_load), then never changed: the table
 * stays loaded for the process, the names point into it. */
const char *fld_platforms[FLD_MAX_PRESETS + 1];
static platform_table *presets_table;
static char presets_err[1100];
static pthread_once_t presets_once = PTHREAD_ONCE_INIT;
const char *const fld_social_platforms[] = {"youtube", "instagram", "tiktok", NULL};
const char *const fld_project_status[] = {"draft", "scripting", "voiceover", "composing", "rendering", "review",
					  "published", "failed", NULL};
const char *const fld_asset_types[] = {"image", "footage", "music", "overlay", "subtitle", NULL};
const char *const fld_asset_sources[] = {"article_image", "ai_generated", "stock_pexels", "stock_pixabay",
					 "uploaded", "rendered", NULL};
const char *const fld_providers[] = {"espeak", "openai", "elevenlabs", "coqui", "piper", "bark", NULL};
const char *const fld_content_status[] = {"draft", "published", NULL};

static const char *const type_names[] = {
	[FLD_STR] = "a string", [FLD_INT] = "an integer", [FLD_ID] = "an id (an integer from 1)",
	[FLD_NUM] = "a number", [FLD_BOOL] = "true or false", [FLD_OBJ] = "an object",
	[FLD_STRS] = "a list of strings", [FLD_IDS] = "a list of ids", [FLD_ARR] = "a list",
	[FLD_NAME] = "a name, not a path (no '..', no leading / or ., no backslash or control character)", [FLD_ANY] = "a value"};

static void presets_load(void)
{
	vidc_err e = {0};
	if (platform_load(compile_stdlib_dir(NULL), &presets_table, &e)) {
		snprintf(presets_err, sizeof presets_err, "the presets cannot be read: %s", e.msg);
		return;
	}
	for (int i = 0; i < platform_npresets(presets_table) && i < FLD_MAX_PRESETS; i++)
		fld_platforms[i] = platform_preset_at(presets_table, i)->name;
}

const char *const *fld_presets(void)
{
	pthread_once(&presets_once, presets_load);
	return fld_platforms;
}

const char *fld_presets_error(void)
{
	fld_presets();
	return presets_err;
}

const char *fld_preset_platform(const char *preset)
{
	fld_presets();
	const platform_preset *p = presets_table ? platform_preset_find(presets_table, preset) : NULL;
	return p ? p->site : NULL;
}

int fld_in(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static void choices(const char *const *c, char *buf, size_t n)
{
	buf[0] = 0;
	for (int i = 0; c[i]; i++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? ", " : "", c[i]);
}

static int type_ok(json_t *v, fld_type t)
{
	switch (t) {
	case FLD_STR:
		return json_is_string(v);
	case FLD_INT:
		return json_is_integer(v);
	case FLD_ID:
		return json_is_integer(v) && json_integer_value(v) >= 1;
	case FLD_NUM:
		return json_is_number(v);
	case FLD_BOOL:
		return json_is_boolean(v);
	case FLD_OBJ:
		return json_is_object(v);
	case FLD_ARR:
		return json_is_array(v);
	case FLD_NAME: {
		/* '../../etc/passwd' as an espeak voice made espeak-ng parse the file and then crash
		 * the server. A voice name may hold UTF-8, commas and quotes (espeak's "K'iche'") and
		 * one slash inside (Bark's "v2/en_speaker_6"), never a path that climbs or starts at
		 * the root, a backslash or a control byte; each provider escapes or refuses the rest */
		const char *n = json_string_value(v);
		if (!n || !*n || *n == '/' || *n == '.' || strstr(n, ".."))
			return 0;
		for (; *n; n++)
			if ((unsigned char)*n < 0x20 || *n == 0x7f || *n == '\\')
				return 0;
		return 1;
	}
	case FLD_STRS:
	case FLD_IDS: {
		if (!json_is_array(v))
			return 0;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) if (t == FLD_STRS ? !json_is_string(x)
							       : !(json_is_integer(x) && json_integer_value(x) >= 1)) return 0;
		return 1;
	}
	default:
		return 1;
	}
}

/* The checks of one present value. */
static int check_one(json_t *v, const fld_spec *f, char *err, size_t errlen)
{
	char list[256];
	if (!type_ok(v, f->type)) {
		snprintf(err, errlen, "'%s' must be %s", f->name, type_names[f->type]);
		return -1;
	}
	if ((f->type == FLD_STR || f->type == FLD_NAME) && f->max_len && json_string_length(v) > f->max_len) {
		snprintf(err, errlen, "'%s' is longer than %zu bytes", f->name, f->max_len);
		return -1;
	}
	if ((f->type == FLD_STRS || f->type == FLD_IDS || f->type == FLD_ARR) && f->max_len &&
	    json_array_size(v) > f->max_len) {
		snprintf(err, errlen, "'%s' has more than %zu items", f->name, f->max_len);
		return -1;
	}
	if (f->choices && !f->choices[0]) { /* a list from a file that could not be read */
		snprintf(err, errlen, "'%s' cannot be checked: %s", f->name,
			 f->choices == fld_platforms ? presets_err : "no choices");
		return -1;
	}
	if (f->choices && f->type == FLD_STR && !fld_in(json_string_value(v), f->choices)) {
		choices(f->choices, list, sizeof list);
		snprintf(err, errlen, "'%s' must be one of %s (not '%s')", f->name, list, json_string_value(v));
		return -1;
	}
	if (f->choices && f->type == FLD_STRS) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (!fld_in(json_string_value(x), f->choices)) {
				choices(f->choices, list, sizeof list);
				snprintf(err, errlen, "'%s' items must be among %s (not '%s')", f->name, list,
					 json_string_value(x));
				return -1;
			}
		}
	}
	return 0;
}

int fld_check(json_t *o, const fld_spec *specs, int strict, char *err, size_t errlen, const char **field)
{
	*field = NULL;
	fld_presets(); /* specs name fld_platforms: read before any check */
	if (!json_is_object(o)) {
		snprintf(err, errlen, "the body must be a JSON object");
		return -1;
	}
	for (const fld_spec *f = specs; f->name; f++) {
		json_t *v = json_object_get(o, f->name);
		if (!v || (json_is_null(v) && f->nullable)) {
			if (f->required) {
				snprintf(err, errlen, "'%s' is required", f->name);
				*field = f->name;
				return -1;
			}
			continue;
		}
		if (check_one(v, f, err, errlen)) {
			*field = f->name;
			return -1;
		}
	}
	if (strict) {
		const char *k;
		json_t *v;
		json_object_foreach(o, k, v) {
			const fld_spec *f = specs;
			while (f->name && strcmp(f->name, k))
				f++;
			if (!f->name) {
				snprintf(err, errlen, "unknown field '%s'", k);
				*field = k;
				return -1;
			}
		}
	}
	return 0;
}

const char *fld_str(json_t *o, const char *name, const char *def)
{
	json_t *v = json_object_get(o, name);
	return json_is_string(v) ? json_string_value(v) : def;
}

long long fld_int(json_t *o, const char *name, long long def)
{
	json_t *v = json_object_get(o, name);
	return json_is_integer(v) ? json_integer_value(v) : def;
}
