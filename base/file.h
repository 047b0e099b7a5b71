/*
 * file.h - reading and writing whole files safely. Every stage reads its inputs (specs, hooks,
 * articles, scripts, timings) with file_read and writes its outputs through a temp file and a
 * rename, so a reader never sees half a file and a failed or killed run leaves the old file (or
 * nothing) at the output path.
 *
 * Rules:
 *   - Inputs are regular files only. A device (/dev/zero), FIFO, socket or directory is refused
 *     with a message that says so, before any byte is read (a FIFO does not block the open).
 *   - The size limit is checked from fstat before reading, and again while reading (a file that
 *     grows under us still stops at the limit).
 *   - An output path may be a regular file (replaced) or a new name in an existing folder; a
 *     directory or device is refused before any work (so `-o /dev/null` as root cannot turn the
 *     device node into an MP4).
 *   - Temp files are "DIR/.NAME.tmp-PID". Creating one removes the stale temps of the same NAME
 *     whose PID is no longer alive (left by a killed run).
 */
#ifndef VIDC_FILE_H
#define VIDC_FILE_H

#include <stddef.h>

#include "err.h"

/* Reads the regular file at path, at most max_bytes, into a malloc'd NUL-terminated *data (its
 * length without the NUL in *len). 0, or VE_NOTFOUND / VE_IO / VE_INVAL (not a regular file) /
 * VE_LIMIT (too large) / VE_NOMEM with a message naming the path and the cause. */
int file_read(const char *path, size_t max_bytes, char **data, size_t *len, vidc_err *e);
/* file_read for callers that report into a text buffer: on failure err holds "WHAT: message"
 * (the message alone when what is NULL) and the VE_* code is returned. */
int file_read_msg(const char *path, size_t max_bytes, char **data, size_t *len, const char *what,
		  char *err, size_t errlen);

/* Whether path may be written as an output: 0 for a regular file or a new name whose folder
 * exists; VE_INVAL for a directory, device, FIFO or socket; VE_NOTFOUND when the folder is
 * missing. */
int file_out_check(const char *path, vidc_err *e);

/* Writes the temp name for output path into tmp (n bytes) and removes stale temps of path left
 * by dead processes. 0, or VE_INVAL when the name does not fit. */
int file_tmp_name(const char *path, char *tmp, size_t n, vidc_err *e);

/* Makes the finished temp file the output: fsync, a last file_out_check (the path may have
 * become a directory meanwhile), rename. On failure the temp is removed. 0 or a VE_* code. */
int file_commit(const char *tmp, const char *path, vidc_err *e);

/* Removes a temp file after a failure (errors are ignored: there is nothing more to say). A
 * temp that is a folder (a two-pass render's work folder, named by file_tmp_name too) is
 * removed with the files in it (one level). */
void file_discard(const char *tmp);

/* file_out_check, then data written to a temp file beside path, fsync'd and renamed over it. */
int file_write_atomic(const char *path, const void *data, size_t len, vidc_err *e);

/* Puts a copy of from at to, whole or not at all: a hard link when both are on one file system
 * (no bytes copied), else the bytes streamed into a temp file beside to and committed. 0 or a
 * VE_* code naming the file that failed. */
int file_copy(const char *from, const char *to, vidc_err *e);

/* mkdir -p: path and each missing folder above it, with mode. 0, or -1 with errno set (the
 * caller names the path in its own words). */
int file_mkdirs(const char *path, unsigned mode);

/* The names in dir (not "." files) that keep accepts (NULL: all), sorted by strcmp so every run
 * sees them in one order: *names (free with file_list_free) and their count *n. 0, or a VE_*
 * code with "cannot list the folder DIR: cause". */
int file_list(const char *dir, int (*keep)(const char *name), char ***names, int *n, vidc_err *e);
void file_list_free(char **names, int n);

/* What a non-regular file is, for messages: "a directory", "a device", "a FIFO", "a socket". */
const char *file_kind(unsigned mode);

/* "16 MiB", "1.5 GiB", "900 bytes": a size for messages. */
const char *file_size_text(unsigned long long bytes, char *buf, size_t n);

#endif
