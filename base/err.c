/*
 * err.c - the error type of err.h: formatting, errno translation and code names. A table maps
 * errno values to codes and causes, so adding one is one line.
 */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int errnum, code;
	const char *cause; /* NULL: the C library's strerror text, which is already clear */
} errno_table[] = {
	{ENOSPC, VE_IO, "the disk is full"},
	{EDQUOT, VE_IO, "the disk quota is used up"},
	{EFBIG, VE_LIMIT, "the file is larger than the file system allows"},
	{EROFS, VE_IO, "the file system is read-only"},
	{EIO, VE_IO, "input/output error (a failing disk or a lost network mount)"},
	{ENOMEM, VE_NOMEM, "out of memory"},
	{ENOENT, VE_NOTFOUND, NULL},
	{ENOTDIR, VE_NOTFOUND, NULL},
	{EACCES, VE_IO, NULL},
	{EPERM, VE_IO, NULL},
	{EISDIR, VE_INVAL, "it is a directory, not a file"},
	{ENXIO, VE_INVAL, "it is a device or socket, not a regular file"},
	{ENODEV, VE_INVAL, "it is a device, not a regular file"},
	{ELOOP, VE_INVAL, "too many levels of symbolic links"},
	{ENAMETOOLONG, VE_INVAL, "the path is too long"},
	{EEXIST, VE_CONFLICT, NULL},
	{EXDEV, VE_IO, "the temporary file is on another file system"},
	{EMFILE, VE_IO, "too many open files"},
	{ENFILE, VE_IO, "too many open files on the system"},
	{EINTR, VE_CANCELED, "interrupted"},
	{ECANCELED, VE_CANCELED, "cancelled"},
	{ETIMEDOUT, VE_TIMEOUT, "timed out"},
	{ECONNREFUSED, VE_NET, "connection refused"},
	{ECONNRESET, VE_NET, "connection reset by the peer"},
	{ENETUNREACH, VE_NET, "the network is unreachable"},
	{EHOSTUNREACH, VE_NET, "the host is unreachable"},
	{EPIPE, VE_IO, "the reader went away (broken pipe)"},
	{EINVAL, VE_INVAL, NULL},
	{ERANGE, VE_LIMIT, NULL},
	{EOVERFLOW, VE_LIMIT, "the value or file is too large"},
};

static const char *const code_names[] = {
	"VE_OK",      "VE_INVAL",   "VE_IO",       "VE_DECODE",   "VE_NOMEM",  "VE_UNSUPPORTED",
	"VE_CANCELED", "VE_ENCODE", "VE_LIMIT",    "VE_DENIED",   "VE_NET",    "VE_TIMEOUT",
	"VE_PROTOCOL", "VE_AUTH",   "VE_NOTFOUND", "VE_CONFLICT", "VE_QUOTA",
};

static const char *const code_texts[] = {
	"no error",           "invalid input",        "input/output error", "cannot decode",
	"out of memory",      "not supported",        "cancelled",          "cannot encode",
	"limit exceeded",     "not allowed",          "network error",      "timed out",
	"unexpected reply",   "not authorised",       "not found",          "conflict",
	"quota exceeded",
};

#define NCODES (int)(sizeof code_names / sizeof code_names[0])

static void vset(vidc_err *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int err_set(vidc_err *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int err_errno_code(int errnum)
{
	for (size_t i = 0; i < sizeof errno_table / sizeof errno_table[0]; i++)
		if (errno_table[i].errnum == errnum)
			return errno_table[i].code;
	return VE_IO;
}

const char *err_errno_cause(int errnum)
{
	for (size_t i = 0; i < sizeof errno_table / sizeof errno_table[0]; i++)
		if (errno_table[i].errnum == errnum && errno_table[i].cause)
			return errno_table[i].cause;
	/* strerror's table is static in glibc; the text is only read. */
	return errnum ? strerror(errnum) : "unknown error";
}

int err_errno(vidc_err *e, int errnum, const char *fmt, ...)
{
	int code = err_errno_code(errnum);
	if (!e)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	size_t n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, "%s%s", n ? ": " : "", err_errno_cause(errnum));
	return code;
}

void err_prefix(vidc_err *e, const char *fmt, ...)
{
	if (!e)
		return;
	char head[VE_MSG_MAX], old[VE_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* Truncation is fine (the message just ends early); the return value says by how much. */
	int n = snprintf(e->msg, sizeof e->msg, "%s: ", head);
	if (n >= 0 && (size_t)n < sizeof e->msg)
		snprintf(e->msg + n, sizeof e->msg - (size_t)n, "%s", old);
}

int err_copy(const vidc_err *e, char *buf, size_t len)
{
	if (buf && len)
		snprintf(buf, len, "%s", e->msg);
	return e->code;
}

const char *err_code_name(int code)
{
	return code <= 0 && -code < NCODES ? code_names[-code] : "VE_?";
}

const char *err_code_text(int code)
{
	return code <= 0 && -code < NCODES ? code_texts[-code] : "unknown error";
}
