/*
 * asset.c - file names written in a spec (see asset.h): resolved against the folder of the file
 * the name is written in, kept inside the project roots (base/roots.h) and checked to be a
 * readable regular file before anything opens it.
 */
#include "asset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "value.h"

const char *asset_dir(checker_t *c, int file)
{
	const char *p = diag_source_path(c->d, file);
	const char *slash = strrchr(p, '/');
	if (slash == p)
		return "/";
	return slash ? arena_strndup(c->a, p, (size_t)(slash - p)) : ".";
}

const char *asset_join(checker_t *c, int file, const char *rel)
{
	if (rel[0] == '/')
		return rel;
	const char *dir = asset_dir(c, file);
	return strcmp(dir, ".") ? arena_printf(c->a, "%s/%s", dir, rel) : rel;
}

int asset_file_ok(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* The rule, said the same way for every kind of file. A name that is itself a symbolic link
 * says so: the spec looks innocent, the link is what leads out. */
static void outside(checker_t *c, span_t sp, const char *dir, const char *name, const char *what)
{
	const char *p = name[0] == '/' ? name : arena_printf(c->a, "%s/%s", dir, name);
	struct stat st;
	int link = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
	diag_err(c->d, DE_OUTSIDE_PROJECT, sp,
		   "%s '%s' is %soutside the project (allowed: the spec's folder, the stdlib, and "
		   "folders given with --allow)",
		   what, name, link ? "a symbolic link to a file " : "");
}

int asset_resolve(checker_t *c, span_t sp, const char *dir, const char *name, const char *what,
		  const char **abs)
{
	*abs = NULL;
	if (!c->roots) {
		diag_err(c->d, DE_NOMEM, sp, "out of memory while checking %s '%s'", what, name);
		return VE_NOMEM;
	}
	char *real;
	vidc_err e;
	int rc = roots_resolve(c->roots, dir, name, &real, &e);
	if (rc == VE_DENIED)
		outside(c, sp, dir, name, what);
	else if (rc && rc != VE_NOTFOUND)
		diag_err(c->d, DE_UNREADABLE, sp, "%s: %s", what, e.msg);
	if (rc)
		return rc;
	/* Only regular files: a FIFO would block the render, a device would stream forever. */
	struct stat st;
	if (stat(real, &st) != 0)
		rc = err_errno(&e, errno, "%s '%s' cannot be read", what, name);
	else if (S_ISDIR(st.st_mode))
		rc = err_set(&e, VE_INVAL, "%s '%s' is a directory, not a file", what, name);
	else if (!S_ISREG(st.st_mode))
		rc = err_set(&e, VE_INVAL, "%s '%s' is not a regular file (a device, pipe or socket)",
			     what, name);
	if (rc)
		diag_err(c->d, DE_UNREADABLE, sp, "%s", e.msg);
	else
		*abs = arena_strdup(c->a, real);
	free(real);
	return rc;
}

const char *asset_path(checker_t *c, const ast_value *v, const char *what, const char **src)
{
	const char *s;
	if (!val_str(c, v, &s))
		return NULL;
	span_t sp = val_resolve(c, v)->sp;
	if (!*s) {
		diag_err(c->d, DE_MISSING, sp, "empty %s path", what);
		return NULL;
	}
	if (src)
		*src = s;
	const char *abs;
	int rc = asset_resolve(c, sp, asset_dir(c, sp.file), s, what, &abs);
	if (rc == VE_NOTFOUND) {
		const char *p = asset_join(c, sp.file, s);
		/* A template's path argument is checked where it is passed ("file") and again where
		 * the template uses it ("image"): one missing file is one error. */
		if (!c->o->check_assets || diag_has_error_at(c->d, DE_FILE_NOT_FOUND, sp))
			return p;
		if (strcmp(p, s))
			diag_err(c->d, DE_FILE_NOT_FOUND, sp, "%s '%s' not found (looked for %s)", what, s, p);
		else
			diag_err(c->d, DE_FILE_NOT_FOUND, sp, "%s '%s' not found", what, s);
		return p;
	}
	if (rc)
		return NULL;
	if (c->o->check_assets && access(abs, R_OK) != 0)
		diag_err(c->d, DE_UNREADABLE, sp, "%s '%s' cannot be read (permission denied)", what, s);
	return abs;
}
