/*
 * asset.h - file names in a spec: images, clips, audio, fonts, hooks, timing files, imports and
 * code listings. A relative name is relative to the file it is written in (an import's names to
 * the imported file). Internal to compiler/.
 */
#ifndef VIDC_ASSET_H
#define VIDC_ASSET_H

#include <stddef.h>

#include "checker.h"

/* rel against the folder of source file `file` (absolute names stay as they are); arena. */
const char *asset_join(checker_t *c, int file, const char *rel);
/* Whether path is a regular file this process can read. */
int asset_file_ok(const char *path);
/* The string value v as a path (what names it in messages: "image", "voice file", ...); when the
 * options ask for asset checks, a missing or unreadable file is reported at v. *src (if not NULL)
 * gets the name as written. NULL if v is not a usable string. */
const char *asset_path(checker_t *c, const ast_value *v, const char *what, const char **src);

#endif
