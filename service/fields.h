/*
 * fields.h - checking a request's JSON object against a table of its fields (name, type,
 * required, allowed values), so every endpoint's rules are data and every refusal names its
 * field: {"error": "'project_type' must be one of short, medium, long", "field": "project_type"}.
 * Also the lists of the service's choices (project types, statuses, and the presets, which are
 * the platform file's).
 */
#ifndef VIDC_FIELDS_H
#define VIDC_FIELDS_H

#include <stddef.h>

#include <jansson.h>

typedef enum {
	FLD_STR,     /* string */
	FLD_INT,     /* integer */
	FLD_ID,      /* integer >= 1 */
	FLD_NUM,     /* integer or real */
	FLD_BOOL,    /* true or false */
	FLD_OBJ,     /* object */
	FLD_STRS,    /* array of strings */
	FLD_IDS,     /* array of integers >= 1 */
	FLD_ARR,     /* array of anything */
	FLD_NAME,    /* a provider's voice name, never a path: no "..", no leading '/' or '.', no
		      * backslash or control byte (espeak-ng reads a file of that name) */
	FLD_ANY
} fld_type;

typedef struct {
	const char *name;
	fld_type type;
	int required;
	const char *const *choices; /* NULL-terminated; for FLD_STR and each FLD_STRS item */
	size_t max_len;             /* strings and arrays: at most this many bytes or items; 0 = none */
	int nullable;               /* null is accepted (as "not given") */
} fld_spec;

/* Checks o against specs (ending with a NULL name). Keys not in specs are refused when strict.
 * 0, or -1 with err and *field (the offending key) set. */
int fld_check(json_t *o, const fld_spec *specs, int strict, char *err, size_t errlen, const char **field);

/* The value as a string, or def when absent or null. */
const char *fld_str(json_t *o, const char *name, const char *def);
/* The value as an integer, or def. */
long long fld_int(json_t *o, const char *name, long long def);

extern const char *const fld_project_types[];  /* short, medium, long */
/* The output presets: the platform file's (stdlib/platforms.json, base/platform.h), in its order
 * (youtube_long, youtube_short, instagram_reel, tiktok), read once per process on first use by
 * fld_check, fld_presets or fld_preset_platform; NULL-terminated; empty when the file cannot be
 * read (fld_presets_error says why, and a check against it fails with that reason). */
#define FLD_MAX_PRESETS 64
extern const char *fld_platforms[FLD_MAX_PRESETS + 1];
const char *const *fld_presets(void); /* fld_platforms, read */
const char *fld_presets_error(void);  /* "" when read */
extern const char *const fld_social_platforms[]; /* youtube, instagram, tiktok: social accounts */
extern const char *const fld_project_status[]; /* draft ... published, failed */
extern const char *const fld_asset_types[];
extern const char *const fld_asset_sources[];
extern const char *const fld_providers[];      /* the voice providers */
extern const char *const fld_content_status[]; /* draft, published */

/* The social platform a preset is made for ("youtube_short" -> "youtube": the preset's site in
 * the platform file), NULL when unknown. */
const char *fld_preset_platform(const char *preset);

/* Whether s is one of list. */
int fld_in(const char *s, const char *const *list);

#endif
