/*
 * asset.c - file names written in a spec (see asset.h): resolved against the folder of the file
 * the name is written in, checked to be a readable regular file, and read with a size cap.
 */
#include "asset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "value.h"

static const char *dir_of(checker_t *c, int file)
{
	const char *p = diag_source_path(c->d, file);
	const char *slash = strrchr(p, '/');
	return slash ? arena_strndup(c->a, p, (size_t)(slash - p)) : ".";
}

const char *asset_join(checker_t *c, int file, const char *rel)
{
	if (rel[0] == '/')
		return rel;
	const char *dir = dir_of(c, file);
	return strcmp(dir, ".") ? arena_printf(c->a, "%s/%s", dir, rel) : rel;
}

int asset_file_ok(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

const char *asset_path(checker_t *c, const ast_value *v, const char *what, const char **src)
{
	const char *s;
	if (!val_str(c, v, &s))
		return NULL;
	if (!*s) {
		diag_error(c->d, val_resolve(c, v)->sp, "empty %s path", what);
		return NULL;
	}
	const char *p = asset_join(c, val_resolve(c, v)->sp.file, s);
	if (src)
		*src = s;
	if (c->o->check_assets && !asset_file_ok(p)) {
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			diag_error(c->d, val_resolve(c, v)->sp, "%s '%s' is a directory, not a file", what, s);
		else if (stat(p, &st) == 0)
			diag_error(c->d, val_resolve(c, v)->sp, "%s '%s' cannot be read (permission denied)", what, s);
		else if (strcmp(p, s))
			diag_error(c->d, val_resolve(c, v)->sp, "%s '%s' not found (looked for %s)", what, s, p);
		else
			diag_error(c->d, val_resolve(c, v)->sp, "%s '%s' not found", what, s);
	}
	return p;
}
