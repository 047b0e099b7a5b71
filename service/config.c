/*
 * config.c - reading the service's configuration file (config.h). A table maps each key to its
 * field, so the reader, the defaults and SPEC.md's list stay one list.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "stages.h"

typedef enum { K_STR, K_INT, K_LONG } kind_t;

/* A string key's size is its field's; a number's default and range are in its row. */
#define STR_KEY(name, def) {#name, K_STR, offsetof(svc_config, name), sizeof ((svc_config *)0)->name, def, 0, 0, 0}
#define NUM_KEY(name, kind, def, min, max) {#name, kind, offsetof(svc_config, name), 0, NULL, def, min, max}

static const struct {
	const char *key;
	kind_t kind;
	size_t off, size;
	const char *str_def; /* K_STR: NULL is "" */
	long long def, min, max;
} keys[] = {
	STR_KEY(db, "vidc.db"),
	STR_KEY(media, "media"),
	STR_KEY(listen, "127.0.0.1:8080"),
	STR_KEY(token_key_file, NULL),
	STR_KEY(cache_dir, NULL),
	STR_KEY(visuals, "article,stock,ai,cards"),
	NUM_KEY(body_limit, K_LONG, 1 << 20, 256, 1LL << 32),
	NUM_KEY(retention_days, K_INT, 7, 0, 3650),
	NUM_KEY(lease_seconds, K_INT, 30, 2, 3600),
	NUM_KEY(http_threads, K_INT, 4, 1, 256),
	NUM_KEY(connections_per_ip, K_INT, 64, 0, 100000),
	NUM_KEY(request_timeout, K_INT, 60, 1, 3600),
	NUM_KEY(page_size, K_INT, 20, 1, 1000),
	NUM_KEY(max_queued_jobs, K_INT, 100, 1, 1000000),
	NUM_KEY(job_attempts, K_INT, 3, 1, 100),
	NUM_KEY(fps, K_INT, 30, 1, 120),
	STR_KEY(public_media_url, NULL),
	NUM_KEY(youtube_uploads_per_day, K_INT, 100, 1, 1000000),
	NUM_KEY(youtube_units_per_day, K_INT, 10000, 1, 100000000),
	NUM_KEY(publish_poll_ms, K_INT, 5000, 10, 600000),
	NUM_KEY(publish_timeout_s, K_INT, 900, 1, 86400),
	STR_KEY(broker, NULL),
	NUM_KEY(split_seconds, K_INT, 300, 0, 86400),
};

/* Provider endpoints the file may set, and the environment variable the pipeline reads. */
static const struct {
	const char *key, *env;
} providers[] = {
	{"llm_base_url", "VIDC_LLM_BASE_URL"},	   {"llm_model", "VIDC_LLM_MODEL"},
	{"llm_timeout", "VIDC_LLM_TIMEOUT"},	   {"openai_base_url", "VIDC_OPENAI_BASE_URL"},
	{"openai_tts_model", "VIDC_OPENAI_TTS_MODEL"}, {"elevenlabs_base_url", "VIDC_ELEVENLABS_BASE_URL"},
	{"elevenlabs_model", "VIDC_ELEVENLABS_MODEL"}, {"coqui_url", "VIDC_COQUI_URL"},
	{"piper_url", "VIDC_PIPER_URL"},	   {"bark_url", "VIDC_BARK_URL"},
	{"http_timeout_ms", "VIDC_HTTP_TIMEOUT_MS"},
	{"pexels_url", "VIDC_PEXELS_URL"},	   {"pixabay_url", "VIDC_PIXABAY_URL"},
	{"openai_images_url", "VIDC_OPENAI_IMAGES_URL"}, {"openai_image_model", "VIDC_OPENAI_IMAGE_MODEL"},
	{"sd_url", "VIDC_SD_URL"},		   {"sd_steps", "VIDC_SD_STEPS"},
};

static void defaults(svc_config *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		char *field = (char *)c + keys[i].off;
		if (keys[i].kind == K_STR)
			snprintf(field, keys[i].size, "%s", keys[i].str_def ? keys[i].str_def : "");
		else if (keys[i].kind == K_INT)
			*(int *)field = (int)keys[i].def;
		else
			*(long long *)field = keys[i].def;
	}
	if (getenv("VIDC_BROKER")) /* the file's "broker" and --broker win over it */
		snprintf(c->broker, sizeof c->broker, "%s", getenv("VIDC_BROKER"));
	credits_defaults(&c->credits);
}

static int set_key(svc_config *c, const char *path, const char *k, json_t *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (strcmp(k, keys[i].key))
			continue;
		char *field = (char *)c + keys[i].off;
		if (keys[i].kind == K_STR) {
			if (!json_is_string(v) || json_string_length(v) >= keys[i].size) {
				snprintf(err, errlen, "%s: '%s' must be a string (under %zu bytes)", path, k, keys[i].size);
				return -1;
			}
			snprintf(field, keys[i].size, "%s", json_string_value(v));
			return 0;
		}
		if (!json_is_integer(v) || json_integer_value(v) < keys[i].min || json_integer_value(v) > keys[i].max) {
			snprintf(err, errlen, "%s: '%s' must be a whole number from %lld to %lld", path, k,
				 keys[i].min, keys[i].max);
			return -1;
		}
		if (keys[i].kind == K_INT)
			*(int *)field = (int)json_integer_value(v);
		else
			*(long long *)field = json_integer_value(v);
		return 0;
	}
	snprintf(err, errlen, "%s: unknown key '%s'", path, k);
	return -1;
}

static int set_credit(svc_config *c, const char *path, const char *k, json_t *v, char *err, size_t errlen)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000) {
		snprintf(err, errlen, "%s: credits.%s must be a whole number of credits (0 or more)", path, k);
		return -1;
	}
	if (credits_set(&c->credits, k, (int)json_integer_value(v))) {
		snprintf(err, errlen, "%s: credits.%s is not an operation type (video_script_generation, "
				      "video_tts_standard, ...: SPEC.md, Service)", path, k);
		return -1;
	}
	return 0;
}

static int set_provider(svc_config *c, const char *path, const char *k, json_t *v, char *err, size_t errlen)
{
	(void)c; /* a provider setting goes to the environment, where the pipeline reads it */
	size_t i = 0, n = sizeof providers / sizeof *providers;
	while (i < n && strcmp(k, providers[i].key))
		i++;
	if (i == n) {
		int secret = strstr(k, "key") || strstr(k, "secret") || strstr(k, "token");
		snprintf(err, errlen, secret ? "%s: providers.%s: secrets come from the environment, never the "
					       "config file"
					     : "%s: providers.%s is not a provider setting",
			 path, k);
		return -1;
	}
	char buf[64];
	const char *val = json_is_string(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v)), val = buf;
	if (!val) {
		snprintf(err, errlen, "%s: providers.%s must be a string", path, k);
		return -1;
	}
	setenv(providers[i].env, val, 0); /* the environment wins over the file */
	return 0;
}

/* The keys whose value is an object of settings, each setting read by its row's function. */
static const struct {
	const char *key, *what; /* what: the object's description in the error */
	int (*set)(svc_config *c, const char *path, const char *k, json_t *v, char *err, size_t errlen);
} sections[] = {
	{"credits", "an object of operation type: credits", set_credit},
	{"providers", "an object", set_provider},
};

static int set_section(svc_config *c, const char *path, const char *k, json_t *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
		if (strcmp(k, sections[i].key))
			continue;
		if (!json_is_object(o)) {
			snprintf(err, errlen, "%s: '%s' must be %s", path, k, sections[i].what);
			return -1;
		}
		const char *sk;
		json_t *v;
		json_object_foreach(o, sk, v) {
			if (sections[i].set(c, path, sk, v, err, errlen))
				return -1;
		}
		return 0;
	}
	return set_key(c, path, k, o, err, errlen);
}

/* $VIDC_DB wins over the file (the environment holds what differs between machines, and a
 * PostgreSQL URL may carry a password that has no place in a config file); --db wins over both. */
static void db_from_env(svc_config *c)
{
	const char *db = getenv("VIDC_DB");
	if (db && *db)
		snprintf(c->db, sizeof c->db, "%s", db);
}

int svc_config_load(const char *path, svc_config *c, char *err, size_t errlen)
{
	defaults(c);
	if (!path) {
		db_from_env(c);
		return 0;
	}
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	int rc = 0;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: the configuration must be a JSON object", path);
		rc = -1;
	}
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v) {
		if (rc)
			break;
		rc = set_section(c, path, k, v, err, errlen);
	}
	json_decref(root);
	if (!rc && c->visuals[0] && stg_visuals_check(c->visuals, err, errlen)) {
		char why[900];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "%s: 'visuals': %s", path, why);
		rc = -1;
	}
	db_from_env(c);
	return rc;
}
