/*
 * file.c - whole-file reads with a size cap and atomic writes (see file.h for the rules).
 */
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *file_size_text(unsigned long long bytes, char *buf, size_t n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	if (bytes < 1024) {
		snprintf(buf, n, "%llu bytes", bytes);
		return buf;
	}
	double v = (double)bytes / 1024;
	int u = 0;
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (v == (double)(unsigned long long)v)
		snprintf(buf, n, "%.0f %s", v, units[u]);
	else
		snprintf(buf, n, "%.1f %s", v, units[u]);
	return buf;
}

const char *file_kind(unsigned m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a plain file";
}

static int too_big(vidc_err *e, const char *path, unsigned long long size, size_t max)
{
	char a[32], b[32];
	return err_set(e, VE_LIMIT, "cannot read '%s': it is %s, over the limit of %s", path,
		       file_size_text(size, a, sizeof a), file_size_text(max, b, sizeof b));
}

/* Reads fd to the end into *data, stopping with VE_LIMIT past max bytes. */
static int read_all(int fd, const char *path, size_t hint, size_t max, char **data, size_t *len,
		    vidc_err *e)
{
	size_t cap = hint + 1 < 4096 ? 4096 : hint + 1, n = 0;
	if (cap > max + 1)
		cap = max + 1;
	char *buf = malloc(cap + 1);
	if (!buf)
		return err_set(e, VE_NOMEM, "cannot read '%s': out of memory", path);
	for (;;) {
		if (n == cap) {
			if (n > max) {
				free(buf);
				return too_big(e, path, n, max);
			}
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nb = realloc(buf, ncap + 1);
			if (!nb) {
				free(buf);
				return err_set(e, VE_NOMEM, "cannot read '%s': out of memory", path);
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int en = errno;
			free(buf);
			return err_errno(e, en, "cannot read '%s'", path);
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n > max) {
		free(buf);
		return too_big(e, path, n, max);
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

int file_read(const char *path, size_t max_bytes, char **data, size_t *len, vidc_err *e)
{
	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return err_errno(e, errno, "cannot read '%s'", path);
	struct stat st;
	int rc;
	if (fstat(fd, &st) != 0)
		rc = err_errno(e, errno, "cannot read '%s'", path);
	else if (!S_ISREG(st.st_mode))
		rc = err_set(e, VE_INVAL, "cannot read '%s': it is %s, not a regular file", path,
			     file_kind(st.st_mode));
	else if ((unsigned long long)st.st_size > max_bytes)
		rc = too_big(e, path, (unsigned long long)st.st_size, max_bytes);
	else
		rc = read_all(fd, path, (size_t)st.st_size, max_bytes, data, len, e);
	close(fd);
	return rc;
}

int file_read_msg(const char *path, size_t max_bytes, char **data, size_t *len, const char *what,
		  char *err, size_t errlen)
{
	vidc_err e;
	int rc = file_read(path, max_bytes, data, len, &e);
	if (rc)
		snprintf(err, errlen, "%s%s%s", what ? what : "", what ? ": " : "", e.msg);
	return rc;
}

/* The folder part of path ("." when none), into dir. */
static void dir_of(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == path)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

int file_out_check(const char *path, vidc_err *e)
{
	struct stat st;
	if (!path || !*path)
		return err_set(e, VE_INVAL, "no output path");
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			return 0;
		return err_set(e, VE_INVAL, "cannot write '%s': it is %s; the output must be a regular file "
			       "or a new name", path, file_kind(st.st_mode));
	}
	if (errno != ENOENT)
		return err_errno(e, errno, "cannot write '%s'", path);
	char dir[4096];
	dir_of(path, dir, sizeof dir);
	if (stat(dir, &st) != 0)
		return err_errno(e, errno, "cannot write '%s': folder '%s'", path, dir);
	if (!S_ISDIR(st.st_mode))
		return err_set(e, VE_INVAL, "cannot write '%s': '%s' is not a folder", path, dir);
	return 0;
}

/* Whether the process pid is gone (a stale temp's writer). EPERM means it exists. */
static int pid_dead(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes path; a folder with its files (one level deep: what vidc puts in a temp folder). */
static void remove_temp(const char *path)
{
	if (unlink(path) == 0 || (errno != EISDIR && errno != EPERM))
		return;
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char full[4096];
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    snprintf(full, sizeof full, "%s/%s", path, de->d_name) < (int)sizeof full)
			unlink(full);
	}
	closedir(d);
	rmdir(path);
}

/* Removes DIR/.BASE.tmp-PID files (or folders) whose PID is dead. Best effort: a temp we cannot
 * remove stays. */
static void remove_stale(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t bl = strlen(base);
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (nm[0] != '.' || strncmp(nm + 1, base, bl) || strncmp(nm + 1 + bl, ".tmp-", 5))
			continue;
		const char *num = nm + 1 + bl + 5;
		char *end;
		long pid = strtol(num, &end, 10);
		if (end == num || *end || pid == (long)getpid() || !pid_dead(pid))
			continue;
		char full[4096];
		if (snprintf(full, sizeof full, "%s/%s", dir, nm) < (int)sizeof full)
			remove_temp(full);
	}
	closedir(d);
}

int file_tmp_name(const char *path, char *tmp, size_t n, vidc_err *e)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	if (!*base)
		return err_set(e, VE_INVAL, "cannot write '%s': it names a folder", path);
	int k = snprintf(tmp, n, "%.*s.%s.tmp-%ld", (int)dirlen, path, base, (long)getpid());
	if (k < 0 || (size_t)k >= n)
		return err_set(e, VE_INVAL, "cannot write '%s': the path is too long", path);
	char dir[4096];
	dir_of(path, dir, sizeof dir);
	remove_stale(dir, base);
	return 0;
}

static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int en = errno;
	close(fd);
	errno = en;
	return rc;
}

int file_commit(const char *tmp, const char *path, vidc_err *e)
{
	int rc = 0;
	if (sync_path(tmp) != 0)
		rc = err_errno(e, errno, "cannot write '%s'", path);
	else if ((rc = file_out_check(path, e)) == 0 && rename(tmp, path) != 0)
		rc = err_errno(e, errno, "cannot rename '%s' to '%s'", tmp, path);
	if (rc)
		unlink(tmp);
	return rc;
}

void file_discard(const char *tmp)
{
	if (tmp && *tmp)
		remove_temp(tmp);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, vidc_err *e)
{
	char tmp[4096];
	int rc;
	if ((rc = file_out_check(path, e)) || (rc = file_tmp_name(path, tmp, sizeof tmp, e)))
		return rc;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return err_errno(e, errno, "cannot write '%s'", path);
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		int en = errno;
		close(fd);
		unlink(tmp);
		return err_errno(e, en, "cannot write '%s'", path);
	}
	if (close(fd) != 0) {
		int en = errno;
		unlink(tmp);
		return err_errno(e, en, "cannot write '%s'", path);
	}
	if ((rc = file_out_check(path, e)) == 0 && rename(tmp, path) != 0)
		rc = err_errno(e, errno, "cannot rename '%s' to '%s'", tmp, path);
	if (rc)
		unlink(tmp);
	return rc;
}

int file_copy(const char *from, const char *to, vidc_err *e)
{
	char tmp[4200];
	int rc = file_tmp_name(to, tmp, sizeof tmp, e);
	if (rc)
		return rc;
	unlink(tmp);
	if (!link(from, tmp))
		return file_commit(tmp, to, e);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return err_errno(e, errno, "cannot read '%s'", from);
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return err_errno(e, errno, "cannot write '%s'", to);
	}
	char buf[65536];
	ssize_t k;
	while ((k = read(in, buf, sizeof buf)) > 0 || (k < 0 && errno == EINTR))
		if (k > 0 && write_all(out, buf, (size_t)k)) {
			k = -1;
			break;
		}
	int en = errno;
	close(in);
	if (close(out) || k < 0) {
		unlink(tmp);
		return err_errno(e, k < 0 ? en : errno, "cannot write '%s'", to);
	}
	return file_commit(tmp, to, e);
}

int file_mkdirs(const char *path, unsigned mode)
{
	char dir[4096];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int bad = mkdir(dir, mode) && errno != EEXIST;
		*p = '/';
		if (bad)
			return -1;
	}
	return mkdir(dir, mode) && errno != EEXIST ? -1 : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int file_list(const char *dir, int (*keep)(const char *name), char ***names, int *n, vidc_err *e)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return err_errno(e, errno, "cannot list the folder '%s'", dir);
	char **v = NULL;
	int cnt = 0, rc = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.' || (keep && !keep(de->d_name)))
			continue;
		char **g = realloc(v, sizeof *v * (size_t)(cnt + 1));
		if (!g || !(g[cnt] = strdup(de->d_name))) {
			v = g ? g : v;
			rc = err_set(e, VE_NOMEM, "out of memory listing '%s'", dir);
			break;
		}
		v = g;
		cnt++;
	}
	closedir(d);
	if (rc) {
		file_list_free(v, cnt);
		return rc;
	}
	if (cnt)
		qsort(v, (size_t)cnt, sizeof *v, name_cmp);
	*names = v;
	*n = cnt;
	return 0;
}

void file_list_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
