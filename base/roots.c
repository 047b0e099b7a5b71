/*
 * roots.c - the project roots of roots.h. Roots are stored resolved (realpath), so containment
 * is a prefix test that ends at a '/' boundary: "/srv/a" does not contain "/srv/ab".
 */
#include "roots.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct roots {
	char **dirs;
	int n, cap;
};

roots_t *roots_new(void)
{
	return calloc(1, sizeof(roots_t));
}

void roots_free(roots_t *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++)
		free(r->dirs[i]);
	free(r->dirs);
	free(r);
}

int roots_count(const roots_t *r)
{
	return r ? r->n : 0;
}

const char *roots_get(const roots_t *r, int i)
{
	return r && i >= 0 && i < r->n ? r->dirs[i] : NULL;
}

int roots_add(roots_t *r, const char *dir, vidc_err *e)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return err_errno(e, errno, "cannot use '%s' as a project root", dir);
	struct stat st;
	if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return err_set(e, VE_INVAL, "cannot use '%s' as a project root: it is not a folder", dir);
	}
	if (r->n == r->cap) {
		int ncap = r->cap ? r->cap * 2 : 4;
		char **nd = realloc(r->dirs, sizeof *nd * (size_t)ncap);
		if (!nd) {
			free(real);
			return err_set(e, VE_NOMEM, "out of memory");
		}
		r->dirs = nd;
		r->cap = ncap;
	}
	r->dirs[r->n++] = real;
	return 0;
}

int roots_contains(const roots_t *r, const char *abs)
{
	for (int i = 0; r && i < r->n; i++) {
		const char *d = r->dirs[i];
		size_t n = strlen(d);
		if (n == 1 && d[0] == '/')
			return abs[0] == '/';
		if (!strncmp(abs, d, n) && (abs[n] == 0 || abs[n] == '/'))
			return 1;
	}
	return 0;
}

/* base_dir + "/" + name (or name alone when absolute), malloc'd. */
static char *joined(const char *base_dir, const char *name)
{
	if (name[0] == '/' || !base_dir || !*base_dir)
		return strdup(name);
	size_t n = strlen(base_dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", base_dir, name);
	return p;
}

/* Where a missing path would be: realpath of its deepest existing ancestor plus the rest. */
static char *resolve_missing(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	size_t n = strlen(copy);
	for (;;) {
		char *slash = NULL;
		for (size_t i = n; i-- > 0;)
			if (copy[i] == '/') {
				slash = copy + i;
				break;
			}
		if (!slash) {
			free(copy);
			copy = NULL;
			char *cwd = realpath(".", NULL);
			if (!cwd)
				return NULL;
			char *res = joined(cwd, path);
			free(cwd);
			return res;
		}
		*slash = 0;
		char *real = realpath(slash == copy ? "/" : copy, NULL);
		if (real) {
			char *res = joined(real, path + (slash - copy) + 1);
			free(real);
			free(copy);
			return res;
		}
		n = (size_t)(slash - copy);
	}
}

/* Whether path has a ".." component. In what resolve_missing returns, one can only follow a
 * missing folder, so where it leads depends on what is created there later: refused. */
static int has_dotdot(const char *path)
{
	for (const char *p = strstr(path, "/.."); p; p = strstr(p + 1, "/.."))
		if (p[3] == 0 || p[3] == '/')
			return 1;
	return 0;
}

static int denied(const roots_t *r, vidc_err *e, const char *name, const char *abs)
{
	char list[512] = "";
	size_t k = 0;
	for (int i = 0; i < r->n && k < sizeof list; i++)
		k += (size_t)snprintf(list + k, sizeof list - k, "%s'%s'", i ? ", " : "", r->dirs[i]);
	return err_set(e, VE_DENIED,
		       "'%s' is outside the project (it resolves to '%s'); files are read only from "
		       "the project's folders: %s (grant another with --allow DIR)",
		       name, abs, r->n ? list : "none");
}

int roots_resolve(const roots_t *r, const char *base_dir, const char *name, char **abs,
		  vidc_err *e)
{
	*abs = NULL;
	char *path = joined(base_dir, name);
	if (!path)
		return err_set(e, VE_NOMEM, "out of memory");
	char *real = realpath(path, NULL);
	if (!real) {
		int en = errno;
		/* Where it would be decides first, whatever the cause (a missing file, a component
		 * that is a file, a folder without search permission): a name outside says
		 * "outside", so the answer never tells what exists beyond the roots. */
		char *where = resolve_missing(path);
		int rc;
		if (where && (!roots_contains(r, where) || has_dotdot(where)))
			rc = denied(r, e, name, where);
		else
			rc = err_errno(e, en, "cannot read '%s'", name);
		free(where);
		free(path);
		return rc;
	}
	free(path);
	if (!roots_contains(r, real)) {
		int rc = denied(r, e, name, real);
		free(real);
		return rc;
	}
	*abs = real;
	return 0;
}
