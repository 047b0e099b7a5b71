/*
 * rterr.c - formatting of runtime error messages (see rterr.h).
 */
#include "rterr.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/error.h>

int rterr_node(int code, const ir_program *p, const ir_node *n, char *err, size_t errlen,
	       const char *fmt, ...)
{
	if (!err || errlen == 0)
		return code;
	const char *file = n && n->file ? n->file : (p && p->spec ? p->spec : "vidc");
	int k;
	if (n && n->line > 0)
		k = snprintf(err, errlen, "%s:%d:%d: error: ", file, n->line, n->col);
	else
		k = snprintf(err, errlen, "%s: error: ", file);
	if (k < 0 || (size_t)k >= errlen)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return code;
}

const char *rterr_av(int averr, char *buf, size_t len)
{
	if (av_strerror(averr, buf, len) < 0)
		snprintf(buf, len, "libav error %d", averr);
	return buf;
}

int rterr_frame(const ir_program *p, int64_t f, char *err, size_t errlen)
{
	if (f < 0 || f >= p->frames)
		return rterr_node(VE_INVAL, p, NULL, err, errlen, "frame %lld is outside the video (0..%lld)",
				  (long long)f, (long long)p->frames - 1);
	return 0;
}

const char *rterr_path(const ir_node *n, const char *path, char *buf, size_t len)
{
	if (!path || path[0] != '/' || !n || !n->file || len == 0)
		return path;
	const char *slash = strrchr(n->file, '/');
	int dl = slash ? (int)(slash - n->file) : 0;
	char dir[PATH_MAX], real[PATH_MAX];
	snprintf(dir, sizeof dir, "%.*s", dl, n->file);
	if (!realpath(!slash ? "." : dl ? dir : "/", real))
		return path;
	size_t rl = strcmp(real, "/") ? strlen(real) : 0;
	if (strncmp(path, real, rl) || path[rl] != '/')
		return path;
	if (slash)
		snprintf(buf, len, "%.*s/%s", dl, n->file, path + rl + 1);
	else
		snprintf(buf, len, "%s", path + rl + 1);
	return buf;
}
