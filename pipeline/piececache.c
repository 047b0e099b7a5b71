/*
 * piececache.c - piece hashes and the piece cache (piececache.h). The IR is dumped once per
 * program (ir_dump_key) and filtered per piece line by line: the dump's format is the stable
 * one of SPEC.md section 9, so what a node line holds is what the node decides.
 */
#include "piececache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/file.h"
#include "cache.h"

/* A hook's folder is hashed for the pictures and fonts canvas:image and canvas:text may read
 * from it (any of them, by a name the hook computes); past these it is not hashed and its
 * pieces are not cached. */
#define FOLDER_MAX_FILES 4096
#define FOLDER_MAX_BYTES (1LL << 30)

typedef struct {
	char *path;
	char sha[65];
	int rc; /* 0, or the VE_* code hashing it gave */
	char msg[256];
} memo;

struct pcache_hasher {
	const ir_program *p;
	char *dump;
	size_t len;
	memo *m;
	int n, cap;
};

pcache_hasher *pcache_hasher_new(const ir_program *p)
{
	pcache_hasher *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->p = p;
	FILE *f = open_memstream(&h->dump, &h->len);
	if (!f) {
		free(h);
		return NULL;
	}
	ir_dump_key(p, f);
	if (fclose(f) || !h->dump) {
		free(h->dump);
		free(h);
		return NULL;
	}
	return h;
}

void pcache_hasher_free(pcache_hasher *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->n; i++)
		free(h->m[i].path);
	free(h->m);
	free(h->dump);
	free(h);
}

/* ---- hashing files ------------------------------------------------------------------------ */

static int hash_fd(int fd, cache_hash *ch, long long *bytes)
{
	char buf[1 << 16];
	ssize_t r;
	int rc = 0;
	while ((r = read(fd, buf, sizeof buf)) > 0) {
		if (bytes)
			*bytes += r;
		if (cache_hash_update(ch, buf, (size_t)r)) {
			rc = VE_NOMEM;
			break;
		}
	}
	if (r < 0)
		rc = VE_IO;
	return rc;
}

/* SHA-256 of the bytes of the regular file at path. */
static int hash_file(const char *path, char hex[65], vidc_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno(e, errno, "cannot read '%s' to hash it", path);
	cache_hash *ch = cache_hash_new();
	int rc = ch ? hash_fd(fd, ch, NULL) : VE_NOMEM;
	close(fd);
	if (rc) {
		cache_hash_free(ch);
		return err_set(e, rc, "cannot read '%s' to hash it", path);
	}
	cache_hash_hex(ch, hex);
	cache_hash_free(ch);
	return 0;
}

/* Whether name is a file a hook's canvas may read: a picture or a font, by its extension. */
static int readable_by_hook(const char *name)
{
	static const char *const ext[] = {"png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff",
					  "ttf", "otf", "ttc", "woff", "woff2", NULL};
	const char *dot = strrchr(name, '.');
	for (int i = 0; dot && ext[i]; i++)
		if (!strcasecmp(dot + 1, ext[i]))
			return 1;
	return 0;
}

typedef struct {
	cache_hash *ch;
	int files;
	long long bytes;
} folder_walk;

/* Adds every picture and font file under dir (sorted, recursively, dot files aside) to w: its
 * name relative to the folder, then its bytes. */
static int walk(folder_walk *w, const char *dir, const char *rel, vidc_err *e)
{
	char **names;
	int n, rc = file_list(dir, NULL, &names, &n, e);
	if (rc)
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		char path[4096], sub[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		struct stat st;
		if (stat(path, &st))
			continue; /* a dangling link reads as nothing, in every render alike */
		if (S_ISDIR(st.st_mode)) {
			rc = walk(w, path, sub, e);
		} else if (S_ISREG(st.st_mode) && readable_by_hook(names[i])) {
			if (++w->files > FOLDER_MAX_FILES || (w->bytes += st.st_size) > FOLDER_MAX_BYTES) {
				rc = err_set(e, VE_LIMIT, "the folder of '%s' holds over %d files or %lld bytes",
					     dir, FOLDER_MAX_FILES, FOLDER_MAX_BYTES);
				break;
			}
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				rc = err_errno(e, errno, "cannot read '%s' to hash it", path);
				break;
			}
			cache_hash_update(w->ch, sub, strlen(sub) + 1);
			rc = hash_fd(fd, w->ch, NULL);
			close(fd);
			if (rc)
				err_set(e, rc, "cannot read '%s' to hash it", path);
		}
	}
	file_list_free(names, n);
	return rc;
}

/* SHA-256 over a hook file and the pictures and fonts of its folder. */
static int hash_folder_of(const char *file, char hex[65], vidc_err *e)
{
	char dir[4096], own[65];
	const char *slash = strrchr(file, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
	int rc = hash_file(file, own, e);
	if (rc)
		return rc;
	folder_walk w = {cache_hash_new(), 0, 0};
	if (!w.ch)
		return err_set(e, VE_NOMEM, "out of memory");
	cache_hash_update(w.ch, own, sizeof own);
	rc = walk(&w, dir, "", e);
	if (!rc)
		cache_hash_hex(w.ch, hex);
	cache_hash_free(w.ch);
	return rc;
}

/* The memoised hash of path (folder: of its folder), one per file per hasher. */
static int asset_hash(pcache_hasher *h, const char *path, int folder, char hex[65], vidc_err *e)
{
	char key[4200];
	snprintf(key, sizeof key, "%c%s", folder ? 'd' : 'f', path);
	for (int i = 0; i < h->n; i++)
		if (!strcmp(h->m[i].path, key)) {
			if (h->m[i].rc)
				return err_set(e, h->m[i].rc, "%s", h->m[i].msg);
			memcpy(hex, h->m[i].sha, 65);
			return 0;
		}
	if (h->n == h->cap) {
		int cap = h->cap ? h->cap * 2 : 16;
		memo *g = realloc(h->m, sizeof *g * (size_t)cap);
		if (!g)
			return err_set(e, VE_NOMEM, "out of memory");
		h->m = g;
		h->cap = cap;
	}
	memo *m = &h->m[h->n];
	memset(m, 0, sizeof *m);
	if (!(m->path = strdup(key)))
		return err_set(e, VE_NOMEM, "out of memory");
	vidc_err e2 = {0};
	m->rc = folder ? hash_folder_of(path, m->sha, &e2) : hash_file(path, m->sha, &e2);
	snprintf(m->msg, sizeof m->msg, "%.255s", e2.msg);
	h->n++;
	if (m->rc)
		return err_set(e, m->rc, "%s", m->msg);
	memcpy(hex, m->sha, 65);
	return 0;
}

/* ---- the content hash --------------------------------------------------------------------- */

/* The files node n reads, as "asset PATH SHA" lines. */
static int node_assets(pcache_hasher *h, const ir_node *n, buf_t *b, vidc_err *e)
{
	/* sounds are the join's (it mixes them); a script counts with the folder beside it (the
	 * files it reads) */
	const char *path = n->kind == IR_AUDIO ? NULL : ir_node_file(n);
	int folder = n->kind == IR_HOOK || n->kind == IR_EFFECT || n->kind == IR_TRANSITION;
	char hex[65];
	if (!path)
		return 0;
	int rc = asset_hash(h, path, folder, hex, e);
	if (!rc && buf_appendf(b, "asset %s %s %s\n", folder ? "folder-of" : "file", path, hex))
		rc = err_set(e, VE_NOMEM, "out of memory");
	return rc;
}

/* The node line's id and frame range ("n12 layer [165,390) ..."); 0 when it is not one. */
static int node_line(const char *line, int *id, long long *f0, long long *f1, char kind[24])
{
	return sscanf(line, "n%d %23s [%lld,%lld)", id, kind, f0, f1) == 4;
}

/* Whether the line belongs in the piece's text: the header and the words always; chapters
 * never (the join writes them); audio never (the join mixes it); a node when its range meets
 * the piece's frames. */
static int keep_line(pcache_hasher *h, const char *line, int64_t a, int64_t b, int *node)
{
	int id;
	long long f0, f1;
	char kind[24];
	*node = -1;
	if (!strncmp(line, "chapter ", 8))
		return 0;
	if (!node_line(line, &id, &f0, &f1, kind))
		return 1;
	if (!strcmp(kind, "audio") || !strcmp(kind, "mix") || id < 0 || id >= h->p->nnodes)
		return 0;
	if (f1 <= a || f0 >= b)
		return 0;
	*node = id;
	return 1;
}

int pcache_content(pcache_hasher *h, int64_t first, int64_t nframes, char hex[65], vidc_err *e)
{
	buf_t b = {0};
	int rc = 0;
	if (buf_appendf(&b, "vidc-piece 1 frames=%lld+%lld\n", (long long)first, (long long)nframes))
		rc = err_set(e, VE_NOMEM, "out of memory");
	for (const char *line = h->dump; !rc && line < h->dump + h->len;) {
		const char *nl = memchr(line, '\n', (size_t)(h->dump + h->len - line));
		size_t len = nl ? (size_t)(nl - line + 1) : (size_t)(h->dump + h->len - line);
		char head[96];
		snprintf(head, sizeof head, "%.*s", (int)(len < sizeof head ? len : sizeof head - 1), line);
		int node;
		if (keep_line(h, head, first, first + nframes, &node)) {
			if (buf_append(&b, line, len))
				rc = err_set(e, VE_NOMEM, "out of memory");
			else if (node >= 0)
				rc = node_assets(h, &h->p->nodes[node], &b, e);
		}
		line += len;
	}
	if (!rc)
		cache_sha256_hex(b.data ? b.data : "", b.len, hex);
	buf_free(&b);
	return rc;
}

/* ---- the soundtrack's content hash -------------------------------------------------------- */

/* Whether node n decides the soundtrack: the mix, its inputs, and a clip whose sound is one of
 * them (its speed and trim decide what of the sound is heard). */
static int sound_node(const ir_program *p, const ir_node *n)
{
	if (n->kind == IR_AUDIO || n->kind == IR_MIX)
		return 1;
	return n->kind == IR_VIDEO && n->u.video.audio >= 0 && n->u.video.audio < p->nnodes &&
	       p->nodes[n->u.video.audio].kind == IR_AUDIO;
}

/* The sound file an audio node reads (audio.c's choice: its resolved path, else its source). */
static int sound_asset(pcache_hasher *h, const ir_node *n, buf_t *b, vidc_err *e)
{
	const char *path = n->kind != IR_AUDIO ? NULL : n->u.audio.path ? n->u.audio.path : n->u.audio.src;
	char hex[65];
	if (!path)
		return 0;
	int rc = asset_hash(h, path, 0, hex, e);
	if (!rc && buf_appendf(b, "asset file %s %s\n", path, hex))
		rc = err_set(e, VE_NOMEM, "out of memory");
	return rc;
}

int pcache_soundtrack(pcache_hasher *h, char hex[65], vidc_err *e)
{
	const ir_program *p = h->p;
	buf_t b = {0};
	int rc = 0;
	/* the timeline's length in samples follows frames and rate (aud_samples_for) */
	if (buf_appendf(&b, "vidc-soundtrack 1 frames=%lld fps=%d/%d mix=n%d\n", (long long)p->frames, p->fps_num,
			p->fps_den, p->mix))
		rc = err_set(e, VE_NOMEM, "out of memory");
	for (const char *line = h->dump; !rc && line < h->dump + h->len;) {
		const char *nl = memchr(line, '\n', (size_t)(h->dump + h->len - line));
		size_t len = nl ? (size_t)(nl - line + 1) : (size_t)(h->dump + h->len - line);
		char head[96], kind[24];
		int id;
		long long f0, f1;
		snprintf(head, sizeof head, "%.*s", (int)(len < sizeof head ? len : sizeof head - 1), line);
		if (node_line(head, &id, &f0, &f1, kind) && id >= 0 && id < p->nnodes && sound_node(p, &p->nodes[id])) {
			if (buf_append(&b, line, len))
				rc = err_set(e, VE_NOMEM, "out of memory");
			else
				rc = sound_asset(h, &p->nodes[id], &b, e);
		}
		line += len;
	}
	if (!rc)
		cache_sha256_hex(b.data ? b.data : "", b.len, hex);
	buf_free(&b);
	return rc;
}

/* ---- the key ------------------------------------------------------------------------------ */

static char self_hash[65];
static int self_rc;

static void hash_self(void)
{
	vidc_err e = {0};
	self_rc = hash_file("/proc/self/exe", self_hash, &e);
}

int pcache_key(const char *content, const char *settings, char hex[65], vidc_err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, hash_self);
	if (self_rc)
		return err_set(e, VE_IO, "cannot read vidc's own executable to key the piece cache");
	char *text = NULL;
	int n = asprintf(&text, "vidc-piece-key 1\nvidc %s\ncontent %s\nencoder %s\n", self_hash, content,
			 settings);
	if (n < 0)
		return err_set(e, VE_NOMEM, "out of memory");
	cache_sha256_hex(text, (size_t)n, hex);
	free(text);
	return 0;
}

int pcache_dir(const char *dir, char *out, size_t n, vidc_err *e)
{
	if (dir && *dir) {
		snprintf(out, n, "%s", dir);
	} else {
		char base[4096];
		int rc = cache_dir(NULL, base, sizeof base, e);
		if (rc)
			return rc;
		if (snprintf(out, n, "%s/pieces", base) >= (int)n)
			return err_set(e, VE_INVAL, "the cache folder's name is too long");
	}
	if (file_mkdirs(out, 0700))
		return err_errno(e, errno, "cannot create the piece cache '%s'", out);
	return 0;
}

static void entry_path(const char *dir, const char *key, char *path, size_t n)
{
	snprintf(path, n, "%s/%.2s/%s.mp4", dir, key, key);
}

int pcache_get(const char *dir, const char *key, char *path, size_t n)
{
	entry_path(dir, key, path, n);
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	utimensat(AT_FDCWD, path, NULL, 0); /* used now: last in line for eviction */
	return 1;
}

int pcache_path(const char *dir, const char *key, char *path, size_t n, vidc_err *e)
{
	char sub[4200];
	snprintf(sub, sizeof sub, "%s/%.2s", dir, key);
	if (file_mkdirs(sub, 0700))
		return err_errno(e, errno, "cannot create '%s'", sub);
	entry_path(dir, key, path, n);
	return 0;
}

static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	if (in >= 0)
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out >= 0) {
		char buf[1 << 16];
		ssize_t r;
		rc = 0;
		while ((r = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)r) != r) {
				rc = -1;
				break;
			}
		if (r < 0 || fsync(out))
			rc = -1;
	}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		rc = -1;
	return rc;
}

int pcache_put(const char *dir, const char *key, const char *src, vidc_err *e)
{
	char path[4300], sub[4200], tmp[4400];
	snprintf(sub, sizeof sub, "%s/%.2s", dir, key);
	entry_path(dir, key, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%ld", sub, key, (long)getpid());
	if (file_mkdirs(sub, 0700))
		return err_errno(e, errno, "cannot create '%s'", sub);
	unlink(tmp);
	if (link(src, tmp) && copy_file(src, tmp)) {
		int err = errno;
		unlink(tmp);
		return err_errno(e, err, "cannot copy '%s' into the piece cache '%s'", src, dir);
	}
	if (rename(tmp, path)) {
		int err = errno;
		unlink(tmp);
		return err_errno(e, err, "cannot place '%s'", path);
	}
	utimensat(AT_FDCWD, path, NULL, 0);
	return 0;
}

typedef struct {
	char *path;
	long long size;
	double used;
} entry;

static int by_use(const void *a, const void *b)
{
	double x = ((const entry *)a)->used, y = ((const entry *)b)->used;
	return x < y ? -1 : x > y;
}

/* Appends the pieces in dir/SUB/ to *es. */
static void list_sub(const char *sub, entry **es, int *n, int *cap, long long *total)
{
	DIR *d = opendir(sub);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".mp4"))
			continue;
		char path[4400];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", sub, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (*n == *cap) {
			int c = *cap ? *cap * 2 : 64;
			entry *g = realloc(*es, sizeof *g * (size_t)c);
			if (!g)
				break;
			*es = g;
			*cap = c;
		}
		entry *x = &(*es)[*n];
		if (!(x->path = strdup(path)))
			break;
		x->size = (long long)st.st_size;
		x->used = st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
		*total += x->size;
		(*n)++;
	}
	closedir(d);
}

int pcache_evict(const char *dir, int64_t max_bytes, double keep_since)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	entry *es = NULL;
	int n = 0, cap = 0, removed = 0;
	long long total = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (strlen(de->d_name) != 2 || de->d_name[0] == '.')
			continue;
		char sub[4200];
		snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
		list_sub(sub, &es, &n, &cap, &total);
	}
	closedir(d);
	if (n)
		qsort(es, (size_t)n, sizeof *es, by_use);
	for (int i = 0; i < n; i++) {
		if (total > max_bytes && !(keep_since > 0 && es[i].used >= keep_since) && !unlink(es[i].path)) {
			total -= es[i].size;
			removed++;
		}
		free(es[i].path);
	}
	free(es);
	return removed;
}
