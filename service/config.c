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

static const struct {
	const char *key;
	kind_t kind;
	size_t off, size;
	long long min, max;
} keys[] = {
	{"db", K_STR, offsetof(svc_config, db), sizeof ((svc_config *)0)->db, 0, 0},
	{"media", K_STR, offsetof(svc_config, media), sizeof ((svc_config *)0)->media, 0, 0},
	{"listen", K_STR, offsetof(svc_config, listen), sizeof ((svc_config *)0)->listen, 0, 0},
	{"token_key_file", K_STR, offsetof(svc_config, token_key_file), sizeof ((svc_config *)0)->token_key_file, 0, 0},
	{"cache_dir", K_STR, offsetof(svc_config, cache_dir), sizeof ((svc_config *)0)->cache_dir, 0, 0},
	{"visuals", K_STR, offsetof(svc_config, visuals), sizeof ((svc_config *)0)->visuals, 0, 0},
	{"body_limit", K_LONG, offsetof(svc_config, body_limit), 0, 256, 1LL << 32},
	{"retention_days", K_INT, offsetof(svc_config, retention_days), 0, 0, 3650},
	{"lease_seconds", K_INT, offsetof(svc_config, lease_seconds), 0, 2, 3600},
	{"http_threads", K_INT, offsetof(svc_config, http_threads), 0, 1, 256},
	{"page_size", K_INT, offsetof(svc_config, page_size), 0, 1, 1000},
	{"max_queued_jobs", K_INT, offsetof(svc_config, max_queued_jobs), 0, 1, 1000000},
	{"job_attempts", K_INT, offsetof(svc_config, job_attempts), 0, 1, 100},
	{"fps", K_INT, offsetof(svc_config, fps), 0, 1, 120},
	{"public_media_url", K_STR, offsetof(svc_config, public_media_url), sizeof ((svc_config *)0)->public_media_url, 0, 0},
	{"youtube_uploads_per_day", K_INT, offsetof(svc_config, youtube_uploads_per_day), 0, 1, 1000000},
	{"youtube_units_per_day", K_INT, offsetof(svc_config, youtube_units_per_day), 0, 1, 100000000},
	{"publish_poll_ms", K_INT, offsetof(svc_config, publish_poll_ms), 0, 10, 600000},
	{"publish_timeout_s", K_INT, offsetof(svc_config, publish_timeout_s), 0, 1, 86400},
	{"broker", K_STR, offsetof(svc_config, broker), sizeof ((svc_config *)0)->broker, 0, 0},
	{"split_seconds", K_INT, offsetof(svc_config, split_seconds), 0, 0, 86400},
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
	snprintf(c->db, sizeof c->db, "vidc.db");
	snprintf(c->media, sizeof c->media, "media");
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	snprintf(c->visuals, sizeof c->visuals, "article,stock,ai,cards");
	c->body_limit = 1 << 20;
	c->retention_days = 7;
	c->lease_seconds = 30;
	c->http_threads = 4;
	c->page_size = 20;
	c->max_queued_jobs = 100;
	c->job_attempts = 3;
	c->fps = 30;
	c->youtube_uploads_per_day = 100;
	c->youtube_units_per_day = 10000;
	c->publish_poll_ms = 5000;
	c->publish_timeout_s = 900;
	c->split_seconds = 300;
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

static int set_credits(svc_config *c, const char *path, json_t *o, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: 'credits' must be an object of operation type: credits", path);
		return -1;
	}
	json_object_foreach(o, k, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000) {
			snprintf(err, errlen, "%s: credits.%s must be a whole number of credits (0 or more)", path, k);
			return -1;
		}
		if (credits_set(&c->credits, k, (int)json_integer_value(v))) {
			snprintf(err, errlen, "%s: credits.%s is not an operation type (video_script_generation, "
					      "video_tts_standard, ...: SPEC.md, Service)", path, k);
			return -1;
		}
	}
	return 0;
}

static int set_providers(const char *path, json_t *o, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: 'providers' must be an object", path);
		return -1;
	}
	json_object_foreach(o, k, v) {
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
	}
	return 0;
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
		if (!strcmp(k, "credits"))
			rc = set_credits(c, path, v, err, errlen);
		else if (!strcmp(k, "providers"))
			rc = set_providers(path, v, err, errlen);
		else
			rc = set_key(c, path, k, v, err, errlen);
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
