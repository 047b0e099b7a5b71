/*
 * cache.c - the fetcher's content-addressed store (see cache.h). Index entries are small JSON
 * files (jansson), objects are the bodies as downloaded. The layout is flat on purpose: a person
 * can look inside (`ls ~/.cache/vidc/objects`) and delete the folder at any time.
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "../base/file.h"

struct cache_hash {
	EVP_MD_CTX *ctx;
};

cache_hash *cache_hash_new(void)
{
	cache_hash *h = malloc(sizeof *h);
	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
		return NULL;
	}
	return h;
}

int cache_hash_update(cache_hash *h, const void *data, size_t len)
{
	return EVP_DigestUpdate(h->ctx, data, len) == 1 ? 0 : VE_NOMEM;
}

void cache_hash_hex(cache_hash *h, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1)
		n = 0;
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[n ? 64 : 0] = 0;
}

void cache_hash_free(cache_hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void cache_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	out[0] = 0;
	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1)
		return;
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Removes DIR/tmp files left by processes that died mid-download ("PID-..."). */
static void sweep_tmp(const char *tmpdir)
{
	DIR *d = opendir(tmpdir);
	if (!d)
		return;
	struct dirent *de;
	char path[4400];
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (end == de->d_name || *end != '-' || pid <= 0)
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno == EPERM)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name) < (int)sizeof path)
			unlink(path);
	}
	closedir(d);
}

int cache_dir(const char *given, char *out, size_t n, vidc_err *e)
{
	const char *env = getenv("VIDC_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
		   *home = getenv("HOME");
	int w;
	if (given && *given)
		w = snprintf(out, n, "%s", given);
	else if (env && *env)
		w = snprintf(out, n, "%s", env);
	else if (xdg && *xdg == '/')
		w = snprintf(out, n, "%s/vidc", xdg);
	else if (home && *home)
		w = snprintf(out, n, "%s/.cache/vidc", home);
	else
		return err_set(e, VE_INVAL, "no cache folder: set VIDC_CACHE_DIR (HOME is not set)");
	if (w < 0 || (size_t)w + 16 >= n)
		return err_set(e, VE_INVAL, "the cache folder's name is too long");
	while (w > 1 && out[w - 1] == '/')
		out[--w] = 0;
	static const char *const subs[] = {"", "/objects", "/index", "/tmp", "/partial"};
	char path[4200];
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
		snprintf(path, sizeof path, "%s%s", out, subs[i]);
		if (file_mkdirs(path, 0700))
			return err_errno(e, errno, "cannot create the cache folder '%s'", path);
	}
	static volatile int swept; /* once per process is enough */
	if (!swept) {
		swept = 1;
		snprintf(path, sizeof path, "%s/tmp", out);
		sweep_tmp(path);
	}
	return 0;
}

int cache_tmp_name(const char *dir, char *out, size_t n)
{
	static volatile unsigned long seq;
	unsigned long k = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
	int w = snprintf(out, n, "%s/tmp/%ld-%lu-%ld", dir, (long)getpid(), k, (long)time(NULL));
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

void cache_partial_name(const char *dir, const char *key, char *out, size_t n)
{
	char h[65];
	cache_sha256_hex(key, strlen(key), h);
	snprintf(out, n, "%s/partial/%s", dir, h);
}

static void index_name(const char *dir, const char *key, char *out, size_t n)
{
	char h[65];
	cache_sha256_hex(key, strlen(key), h);
	snprintf(out, n, "%s/index/%.2s/%s.json", dir, h, h);
}

static void object_name(const char *dir, const char *sha, sniff_type t, char *out, size_t n)
{
	snprintf(out, n, "%s/objects/%.2s/%s%s", dir, sha, sha, sniff_ext(t));
}

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

int cache_get(const char *dir, const char *key, long ttl_s, cache_entry *ent, vidc_err *e)
{
	char path[4200];
	index_name(dir, key, path, sizeof path);
	json_t *j = json_load_file(path, 0, NULL);
	if (!j)
		return 0; /* absent, or torn by a crash: a miss either way */
	memset(ent, 0, sizeof *ent);
	const char *sha = json_string_value(json_object_get(j, "sha256"));
	ent->type = sniff_from_mime(json_string_value(json_object_get(j, "type")));
	ent->size = json_integer_value(json_object_get(j, "size"));
	ent->width = json_integer_value(json_object_get(j, "width"));
	ent->height = json_integer_value(json_object_get(j, "height"));
	ent->fetched = (time_t)json_integer_value(json_object_get(j, "fetched"));
	copy_str(ent->content_type, sizeof ent->content_type,
		 json_string_value(json_object_get(j, "content_type")));
	copy_str(ent->url, sizeof ent->url, json_string_value(json_object_get(j, "url")));
	copy_str(ent->final_url, sizeof ent->final_url,
		 json_string_value(json_object_get(j, "final_url")));
	int ok = sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
	if (ok)
		copy_str(ent->sha256, sizeof ent->sha256, sha);
	json_decref(j);
	if (!ok)
		return 0;
	if (ttl_s > 0 && time(NULL) - ent->fetched >= ttl_s)
		return 0;
	object_name(dir, ent->sha256, ent->type, ent->path, sizeof ent->path);
	struct stat st;
	/* An object deleted by hand, or replaced: fetch again. */
	if (stat(ent->path, &st) || !S_ISREG(st.st_mode) || st.st_size != ent->size)
		return 0;
	(void)e;
	return 1;
}

int cache_put(const char *dir, const char *key, const char *tmp, cache_entry *ent, vidc_err *e)
{
	object_name(dir, ent->sha256, ent->type, ent->path, sizeof ent->path);
	char sub[4200];
	snprintf(sub, sizeof sub, "%s/objects/%.2s", dir, ent->sha256);
	if (file_mkdirs(sub, 0700))
		return err_errno(e, errno, "cannot create the cache folder '%s'", sub);
	struct stat st;
	if (!stat(ent->path, &st) && S_ISREG(st.st_mode) && st.st_size == ent->size)
		unlink(tmp); /* the same bytes are there already (another URL, another process) */
	else if (rename(tmp, ent->path))
		return err_errno(e, errno, "cannot store '%s' in the cache", ent->path);
	chmod(ent->path, 0444);

	json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s}", "url", key, "sha256",
			      ent->sha256, "size", (json_int_t)ent->size, "type", sniff_mime(ent->type),
			      "width", (json_int_t)ent->width, "height", (json_int_t)ent->height,
			      "fetched", (json_int_t)ent->fetched, "content_type", ent->content_type,
			      "final_url", ent->final_url);
	if (!j)
		return err_set(e, VE_NOMEM, "out of memory writing the cache index");
	char path[4200], itmp[4200];
	index_name(dir, key, path, sizeof path);
	snprintf(sub, sizeof sub, "%s", path);
	*strrchr(sub, '/') = 0;
	int rc = 0;
	if (file_mkdirs(sub, 0700) || cache_tmp_name(dir, itmp, sizeof itmp))
		rc = err_errno(e, errno, "cannot create the cache folder '%s'", sub);
	else if (json_dump_file(j, itmp, JSON_COMPACT) || rename(itmp, path)) {
		rc = err_errno(e, errno, "cannot write the cache index '%s'", path);
		unlink(itmp);
	}
	json_decref(j);
	copy_str(ent->url, sizeof ent->url, key);
	return rc;
}

void cache_forget(const char *dir, const char *key)
{
	char path[4200];
	index_name(dir, key, path, sizeof path);
	unlink(path);
}
