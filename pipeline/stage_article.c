/*
 * stage_article.c - the stages before the voice and after it up to the spec (stage.h): loading
 * the content record under the project-root rule, article -> script (script.h), an edited
 * script validated and taken over, the article's photos copied beside the spec, and the spec
 * written (specgen.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <libavutil/frame.h>

#include "../base/file.h"
#include "../base/media.h"
#include "../base/roots.h"
#include "stage.h"
#include "stage_priv.h"

#define IMAGE_MAX_BYTES (256u << 20) /* a photo copied into the output folder */
#define SCRIPT_MAX_BYTES (16u << 20)
#define MIN_PHOTO_SIDE 320           /* px: smaller photos look blurred on a 1080 px canvas */

/* ---- the article -------------------------------------------------------------------------- */

static int is_url(const char *s)
{
	return !strncmp(s, "data:", 5) || media_is_url(s);
}

/* The roots an article's photos may come from: its own folder and the caller's. */
static int article_roots(const char *path, const stage_article_opts *o, roots_t **out, vidc_err *e)
{
	roots_t *r = roots_new();
	if (!r)
		return err_set(e, VE_NOMEM, "out of memory");
	char dir[4096];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (!dir[0])
		snprintf(dir, sizeof dir, "/");
	int rc = roots_add(r, dir, e);
	for (int i = 0; !rc && o && i < o->nallow; i++)
		rc = roots_add(r, o->allow[i], e);
	if (rc) {
		roots_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Drops the photos that resolve (symlinks followed) outside the roots, each with a warning.
 * The others keep their path as the article names it: the script shows it to the user. */
static int filter_images(article_t *a, const roots_t *r, const stage_cb *cb)
{
	int kept = 0;
	for (int i = 0; i < a->nimages; i++) {
		art_image im = a->images[i];
		if (!is_url(im.path)) { /* the path: "//cdn/x.jpg" and "/x.jpg" may resolve to URLs */
			char *abs = NULL;
			vidc_err why = {0};
			int rc = roots_resolve(r, NULL, im.path, &abs, &why);
			if (rc == VE_DENIED) {
				stage_say(cb, STAGE_WARNING, "article",
					  "image '%s' (images[%d] of %s) is outside the article's folder and every "
					  "--allow folder; skipped",
					  im.src, i, a->path);
				continue;
			}
			free(abs);
		}
		a->images[kept++] = im;
	}
	a->nimages = kept;
	return 0;
}

int stage_article(const char *path, const stage_article_opts *o, const stage_cb *cb, article_t **out,
		  vidc_err *e)
{
	*out = NULL;
	if (stage_canceled(cb, "article", e))
		return VE_CANCELED;
	char err[VE_MSG_MAX];
	article_t *a = article_load(path, err, sizeof err);
	if (!a)
		return err_set(e, VE_INVAL, "%s", err);
	for (int i = 0; i < a->nwarnings; i++)
		stage_say(cb, STAGE_WARNING, "article", "%s", a->warnings[i]);
	roots_t *r = NULL;
	int rc = article_roots(path, o, &r, e);
	if (!rc)
		rc = filter_images(a, r, cb);
	roots_free(r);
	if (rc) {
		article_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* ---- the script --------------------------------------------------------------------------- */

int stage_script(const article_t *a, const stage_script_opts *o, const stage_cb *cb, json_t **out,
		 vidc_err *e)
{
	if (out)
		*out = NULL;
	if (stage_canceled(cb, "script", e))
		return VE_CANCELED;
	const char *gname = o->generator ? o->generator : "extract";
	const script_generator *g = script_generator_find(gname);
	if (!g)
		return err_set(e, VE_INVAL, "unknown generator '%s' (extract, llm)", gname);
	script_opts so = o->script;
	so.log = stage_log_open(cb, "script");
	so.cancel = stage_cancel_flag(cb);
	char err[VE_MSG_MAX];
	json_t *s = script_generate(g, a, &so, err, sizeof err);
	if (so.log)
		fclose(so.log);
	if (!s) {
		if (stage_canceled(cb, "script", e))
			return VE_CANCELED;
		/* The generators' messages name the article already when it is the cause. */
		if (!strncmp(err, a->path, strlen(a->path)))
			return err_set(e, VE_INVAL, "%s", err);
		return err_set(e, VE_INVAL, "%s: %s", a->path, err);
	}
	int rc = 0;
	if (o->output) {
		char *text = script_dump(s);
		if (!text) {
			rc = err_set(e, VE_NOMEM, "out of memory");
		} else {
			size_t n = strlen(text);
			text[n] = '\n'; /* script_dump's NUL becomes the file's last newline */
			rc = file_write_atomic(o->output, text, n + 1, e);
			free(text);
		}
	}
	if (!rc && out)
		*out = s;
	else
		json_decref(s);
	return rc;
}

/* Copies src (at most max_bytes) to dst through a temp name. */
static int copy_file(const char *src, const char *dst, size_t max_bytes, vidc_err *e)
{
	char *data;
	size_t len;
	int rc = file_read(src, max_bytes, &data, &len, e);
	if (rc)
		return rc;
	rc = file_write_atomic(dst, data, len, e);
	free(data);
	return rc;
}

int stage_script_edited(const char *path, const char *output, const stage_cb *cb, vidc_err *e)
{
	char err[VE_MSG_MAX];
	json_t *s = script_load(path, NULL, err, sizeof err);
	if (!s)
		return err_set(e, VE_INVAL, "%s", err);
	json_decref(s);
	if (!output || !strcmp(path, output))
		return 0;
	return copy_file(path, output, SCRIPT_MAX_BYTES, e);
}

/* ---- the photos --------------------------------------------------------------------------- */

/* Whether the photo at images[i] is usable: a local file that decodes, big enough. */
static int photo_usable(const article_t *a, int i, const stage_cb *cb)
{
	const char *src = a->images[i].src, *path = a->images[i].path;
	if (is_url(path)) {
		stage_say(cb, STAGE_WARNING, "images", "image %s is not a local file; skipped", path);
		return 0;
	}
	AVFrame *fr = NULL;
	vidc_err why = {0};
	if (media_decode_picture(path, &fr, &why)) {
		stage_say(cb, STAGE_WARNING, "images", "image '%s' (images[%d] of %s): %s; skipped", src, i,
			  a->path, why.msg);
		return 0;
	}
	int small = fr->width < MIN_PHOTO_SIDE || fr->height < MIN_PHOTO_SIDE;
	av_frame_free(&fr);
	if (small)
		stage_say(cb, STAGE_WARNING, "images",
			  "image '%s' is too small for a video (under %d px); skipped", src, MIN_PHOTO_SIDE);
	return !small;
}

int stage_images(const article_t *a, const char *dir, const stage_cb *cb, char **names, int *n,
		 vidc_err *e)
{
	*n = 0;
	char idir[4096];
	snprintf(idir, sizeof idir, "%s/images", dir);
	if (mkdir(idir, 0777) && errno != EEXIST)
		return err_errno(e, errno, "cannot create '%s'", idir);
	for (int i = 0; i < a->nimages && *n < STAGE_MAX_IMAGES; i++) {
		if (stage_canceled(cb, "images", e))
			return VE_CANCELED;
		if (!photo_usable(a, i, cb))
			continue;
		const char *src = a->images[i].src;
		const char *base = strrchr(src, '/');
		base = base ? base + 1 : src;
		const char *dot = strrchr(base, '.');
		char rel[64], dst[4200];
		snprintf(rel, sizeof rel, "images/%02d%.8s", *n + 1, dot ? dot : ".img");
		snprintf(dst, sizeof dst, "%s/%s", dir, rel);
		vidc_err why = {0};
		if (copy_file(a->images[i].path, dst, IMAGE_MAX_BYTES, &why)) {
			stage_say(cb, STAGE_WARNING, "images", "cannot copy image '%s' to '%s': %s; skipped", src, dst,
				  why.msg);
			continue;
		}
		if (!(names[*n] = strdup(rel)))
			return err_set(e, VE_NOMEM, "out of memory");
		(*n)++;
	}
	return 0;
}

/* ---- the spec ----------------------------------------------------------------------------- */

int stage_spec_write(const char *path, const specgen_opts *o, const stage_cb *cb, vidc_err *e)
{
	if (stage_canceled(cb, "spec", e))
		return VE_CANCELED;
	char err[VE_MSG_MAX];
	if (specgen_write(path, o, err, sizeof err))
		return err_set(e, VE_IO, "%s", err);
	return 0;
}
