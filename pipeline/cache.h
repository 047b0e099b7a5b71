/*
 * cache.h - the content-addressed store under the fetcher (pipeline/fetch.c): bodies live in
 * DIR/objects/ab/abcdef...EXT named by the SHA-256 of their bytes, so the same picture reached by
 * two URLs is stored once; DIR/index/xy/SHA256(KEY).json maps a key (a URL, or "ai:" plus a
 * prompt hash) to its object with the time it was fetched, for TTLs. DIR/tmp holds bodies being
 * downloaded (named with the writer's PID: a dead writer's leftovers are removed) and
 * DIR/partial the parts of broken downloads kept for a Range resume. Everything is placed by
 * rename, so concurrent writers (threads, processes) never see a half-written file.
 */
#ifndef VIDC_CACHE_H
#define VIDC_CACHE_H

#include <stddef.h>
#include <time.h>

#include "../base/err.h"
#include "sniff.h"

typedef struct {
	char path[4096];	 /* the object file */
	char sha256[65];
	long long size;
	sniff_type type;
	long long width, height; /* 0 when not an image */
	char content_type[128];	 /* as served */
	char url[2048];		 /* the key's public form (a URL, or the key itself) */
	char final_url[2048];	 /* after redirects, "" when none */
	time_t fetched;
} cache_entry;

/* The cache folder: given, else VIDC_CACHE_DIR, else $XDG_CACHE_HOME/vidc, else
 * $HOME/.cache/vidc; created (0700) with its subfolders. 0 or VE_IO/VE_INVAL. */
int cache_dir(const char *given, char *out, size_t n, vidc_err *e);

/* Looks key up: 1 with ent filled when its entry exists, its object is whole and it is younger
 * than ttl_s (0: any age); 0 when not; a negative code on a broken cache folder. */
int cache_get(const char *dir, const char *key, long ttl_s, cache_entry *ent, vidc_err *e);

/* Moves the finished body file tmp (in DIR/tmp) into the objects under ent->sha256 and
 * sniff_ext(ent->type), then writes key's index entry from ent; ent->path is set. 0 or VE_IO. */
int cache_put(const char *dir, const char *key, const char *tmp, cache_entry *ent, vidc_err *e);

/* Removes key's index entry (its object stays: other keys may name it). */
void cache_forget(const char *dir, const char *key);

/* A fresh temp file name in DIR/tmp for this process. */
int cache_tmp_name(const char *dir, char *out, size_t n);

/* Where key's partial download lives (DIR/partial/SHA256(key)), and its validator file. */
void cache_partial_name(const char *dir, const char *key, char *out, size_t n);

/* SHA-256 as hex (OpenSSL's libcrypto). */
void cache_sha256_hex(const void *data, size_t len, char out[65]);

/* Incremental SHA-256 over a streamed body. */
typedef struct cache_hash cache_hash;
cache_hash *cache_hash_new(void);
int cache_hash_update(cache_hash *h, const void *data, size_t len);
void cache_hash_hex(cache_hash *h, char out[65]); /* finishes h */
void cache_hash_free(cache_hash *h);

#endif
