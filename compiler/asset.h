/*
 * asset.h - file names in a spec: images, clips, audio, fonts, hooks, timing files, imports and
 * code listings. A relative name is relative to the file it is written in (an import's names to
 * the imported file), and every name must resolve inside the project roots (compile.h): the
 * checker hands on the resolved absolute path, never the name as written. Internal to compiler/.
 */
#ifndef VIDC_ASSET_H
#define VIDC_ASSET_H

#include <stddef.h>

#include "checker.h"

/* The folder of source file `file` ("." for a bare name); arena. */
const char *asset_dir(checker_t *c, int file);
/* rel against the folder of source file `file` (absolute names stay as they are); arena. */
const char *asset_join(checker_t *c, int file, const char *rel);
/* Whether path is a regular file this process can read. */
int asset_file_ok(const char *path);
/* Resolves name, relative to the folder dir, inside the project roots. 0 with *abs (arena) the
 * absolute path, symbolic links followed, of an existing regular file; VE_NOTFOUND when it does
 * not exist (inside the roots; nothing reported); any other code after an error at sp naming
 * `what` ("image", "imported file", ...): outside the roots, not a regular file, unreadable
 * folder. *abs is NULL unless 0. */
int asset_resolve(checker_t *c, span_t sp, const char *dir, const char *name, const char *what,
		  const char **abs);
/* The string value v as a path (what names it in messages: "image", "voice file", ...), resolved
 * with asset_resolve against the folder of the file v is written in. A missing file is reported
 * at v when the options ask for asset checks (and then the path as joined is returned, for a
 * spec checked without its assets); outside the roots or not a regular file is always an error
 * and gives NULL. *src (if not NULL) gets the name as written. NULL if v is not a usable
 * string. */
const char *asset_path(checker_t *c, const ast_value *v, const char *what, const char **src);

#endif
