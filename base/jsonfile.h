/*
 * jsonfile.h - a JSON input file read under the rules of file.h (a regular file, its size capped
 * before reading) and parsed, with an error that names the file, line and column. Inputs written
 * by people or by other stages (assets files, platform tables) all come in this way, so a FIFO
 * or a 4 GB file is refused the same way everywhere.
 */
#ifndef VIDC_BASE_JSONFILE_H
#define VIDC_BASE_JSONFILE_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Reads and parses path (at most max_bytes; flags are jansson's decoding flags) into *root (a
 * new reference). 0, or file_read's codes, or VE_INVAL "PATH:LINE:COL: malformed JSON: WHY". */
int jsonfile_read(const char *path, size_t max_bytes, size_t flags, json_t **root, vidc_err *e);

#endif
