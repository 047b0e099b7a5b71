/*
 * rterr.h - runtime error messages. Every runtime failure is reported once, as
 * "file:line:col: error: <what> '<asset>': <cause>", so the user can find the spec line that
 * asked for the asset. Codes are the negative VE_* values of base/err.h, shared by every stage.
 */
#ifndef VIDC_RTERR_H
#define VIDC_RTERR_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../compiler/ir.h"

/* Formats "file:line:col: error: " + fmt into err for node n (n may be NULL: the program's spec
 * path is used). Returns code so callers can `return rterr_node(...)`. */
int rterr_node(int code, const ir_program *p, const ir_node *n, char *err, size_t errlen,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* 0 if frame f is one of p's frames; otherwise VE_INVAL with err naming the valid range. */
int rterr_frame(const ir_program *p, int64_t f, char *err, size_t errlen);

/* path (a resolved absolute file name, as the IR keeps a hook's) as the user's spec names it:
 * below the folder of n's spec file as the user wrote that file ("proj/fx/x.lua" for `vidc
 * render proj/a.vid` and `hook x "fx/x.lua"`), the way compile errors name the spec. path itself
 * when n has no file or path is outside that folder. buf holds the result when it is not path. */
const char *rterr_path(const ir_node *n, const char *path, char *buf, size_t len);

/* The text of a libav error code (av_strerror), in a static-free caller buffer. */
const char *rterr_av(int averr, char *buf, size_t len);

#endif
