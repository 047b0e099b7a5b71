/*
 * err.h - the one error type of vidc. Every library function below cli/ that can fail returns 0 or
 * a negative VE_* code and, when given a vidc_err, fills its message with one sentence that names
 * the file, asset or spec line and the real cause. The codes form one space shared by the base
 * layer, the compiler's helpers, the runtime and the pipeline, so a caller can pass a code up
 * without translating it. cli/ maps codes to exit statuses; nothing here prints.
 */
#ifndef VIDC_ERR_H
#define VIDC_ERR_H

#include <stddef.h>

enum {
	VE_OK = 0,
	VE_INVAL = -1,        /* the input asks for something impossible or is malformed */
	VE_IO = -2,           /* a file cannot be opened, read or written */
	VE_DECODE = -3,       /* an asset cannot be decoded */
	VE_NOMEM = -4,        /* out of memory */
	VE_UNSUPPORTED = -5,  /* a feature, format or codec this build lacks */
	VE_CANCELED = -6,     /* the caller's cancel flag was set (Ctrl-C) */
	VE_ENCODE = -7,       /* the encoder or muxer failed */
	VE_LIMIT = -8,        /* a size, pixel, depth or time limit was exceeded */
	VE_DENIED = -9,       /* outside the project roots, or a refused URL or protocol */
	VE_NET = -10,         /* could not connect, DNS, TLS, connection reset */
	VE_TIMEOUT = -11,     /* a connect or total timeout */
	VE_PROTOCOL = -12,    /* a remote replied wrongly (bad status, bad body) */
	VE_AUTH = -13,        /* a remote refused the credentials */
	VE_NOTFOUND = -14,    /* a file or remote object does not exist */
	VE_CONFLICT = -15,    /* the target exists or changed under us */
	VE_QUOTA = -16        /* a remote quota or rate limit */
};

#define VE_MSG_MAX 1024

typedef struct {
	int code;           /* 0 or a VE_* code */
	char msg[VE_MSG_MAX];
} vidc_err;

/* Sets e to code and the printf-formatted message; returns code so a caller can write
 * `return err_set(e, VE_IO, ...)`. e may be NULL (the code is still returned). */
int err_set(vidc_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like err_set for a failed system call: the code comes from errnum (ENOSPC -> VE_IO,
 * ENOMEM -> VE_NOMEM, ENOENT -> VE_NOTFOUND, ETIMEDOUT -> VE_TIMEOUT, ...) and the message is
 * fmt followed by ": " and a cause a person understands ("the disk is full" rather than the C
 * library's "No space left on device"). */
int err_errno(vidc_err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The VE_* code errnum maps to, and the human cause err_errno appends. */
int err_errno_code(int errnum);
const char *err_errno_cause(int errnum);

/* Puts "fmt: " in front of e's message (for context added on the way up). */
void err_prefix(vidc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies e's message into a caller's char buffer (the runtime's older char *err, size_t len
 * interface); returns e's code. */
int err_copy(const vidc_err *e, char *buf, size_t len);

/* "VE_IO", "VE_LIMIT", ... ("VE_OK" for 0, "VE_?" for an unknown code). */
const char *err_code_name(int code);

/* One line describing the code for people ("input/output error", "limit exceeded", ...). */
const char *err_code_text(int code);

#endif
