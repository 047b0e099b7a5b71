/*
 * publish_probe.c - probe a rendered file and check it against a platform's rules (see
 * publish_probe.h). Every rule is a row of one table: a test on the probed numbers and the
 * sentence that says how it is broken.
 */
#include "publish_probe.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../base/buf.h"
#include "../base/media.h"

int pprobe_file(const char *path, pprobe_info *info, vidc_err *e)
{
	memset(info, 0, sizeof *info);
	struct stat st;
	if (stat(path, &st) < 0)
		return err_errno(e, errno, "cannot read it");
	info->bytes = (int64_t)st.st_size;
	AVFormatContext *fmt = NULL;
	int rc = media_open(&fmt, path, e);
	if (rc)
		return rc;
	int vi = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	int ai = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
	if (vi < 0) {
		media_close(&fmt);
		return err_set(e, VE_DECODE, "no video stream");
	}
	AVStream *vs = fmt->streams[vi];
	info->width = vs->codecpar->width;
	info->height = vs->codecpar->height;
	AVRational fr = vs->avg_frame_rate.num ? vs->avg_frame_rate : vs->r_frame_rate;
	info->fps = fr.den ? av_q2d(fr) : 0;
	snprintf(info->vcodec, sizeof info->vcodec, "%s", avcodec_get_name(vs->codecpar->codec_id));
	if (ai >= 0)
		snprintf(info->acodec, sizeof info->acodec, "%s",
			 avcodec_get_name(fmt->streams[ai]->codecpar->codec_id));
	if (fmt->duration > 0)
		info->duration_s = fmt->duration / (double)AV_TIME_BASE;
	else if (vs->duration > 0)
		info->duration_s = vs->duration * av_q2d(vs->time_base);
	media_close(&fmt);
	return 0;
}

static int in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

static void codecs_text(const char *const *list, char *out, size_t n)
{
	size_t k = 0;
	out[0] = 0;
	for (; *list && k < n; list++)
		k += (size_t)snprintf(out + k, n - k, "%s%s", k ? ", " : "", *list);
}

void pprobe_rules(const platform_table *t, const platform_preset *p, publish_rules *r)
{
	*r = (publish_rules){.name = p->display, .min_s = p->min_s, .max_s = p->max_s,
			     .min_aspect = p->min_aspect, .max_aspect = p->max_aspect,
			     .min_w = p->min_w, .min_h = p->min_h, .max_w = p->max_w, .max_h = p->max_h,
			     .max_bytes = p->max_bytes, .min_fps = p->min_fps, .max_fps = p->max_fps,
			     .video_codecs = p->video_codecs, .audio_codecs = p->audio_codecs,
			     .src_duration = p->src_duration, .src_aspect = p->src_aspect,
			     .src_resolution = p->src_resolution, .src_size = p->src_size,
			     .src_frame_rate = p->src_frame_rate, .src_codecs = p->src_codecs};
	snprintf(r->origin_buf, sizeof r->origin_buf, "preset %s of %s", p->name, platform_path(t));
	r->origin = r->origin_buf;
}

typedef int (*rule_fn)(const pprobe_info *i, const publish_rules *r, char *why, size_t n);

static int r_short(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	return r->min_s > 0 && i->duration_s < r->min_s &&
	       snprintf(why, n, "%.1f s is shorter than %.0f s", i->duration_s, r->min_s) > 0;
}
static int r_long(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	return r->max_s > 0 && i->duration_s > r->max_s + 0.05 &&
	       snprintf(why, n, "%.1f s is longer than %.0f s", i->duration_s, r->max_s) > 0;
}
static int r_aspect(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	double a = i->height ? (double)i->width / i->height : 0;
	if (r->max_aspect > 0 && a > r->max_aspect + 1e-3)
		return snprintf(why, n, "%dx%d is %s (width/height %.2f, at most %.2f)", i->width,
				i->height, r->max_aspect <= 1 ? "wider than tall" : "too wide", a,
				r->max_aspect) > 0;
	return r->min_aspect > 0 && a < r->min_aspect - 1e-3 &&
	       snprintf(why, n, "%dx%d is too tall (width/height %.2f, at least %.2f)", i->width,
			i->height, a, r->min_aspect) > 0;
}
static int r_small(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	return ((r->min_w && i->width < r->min_w) || (r->min_h && i->height < r->min_h)) &&
	       snprintf(why, n, "%dx%d is below %dx%d", i->width, i->height, r->min_w, r->min_h) > 0;
}
static int r_big(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	return ((r->max_w && i->width > r->max_w) || (r->max_h && i->height > r->max_h)) &&
	       snprintf(why, n, "%dx%d is above %dx%d", i->width, i->height, r->max_w, r->max_h) > 0;
}
static int r_bytes(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	return r->max_bytes > 0 && i->bytes > r->max_bytes &&
	       snprintf(why, n, "the file is %.1f MB, more than %.1f MB", i->bytes / 1e6,
			r->max_bytes / 1e6) > 0;
}
static int r_fps(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	return ((r->min_fps > 0 && i->fps < r->min_fps - 0.01) ||
		(r->max_fps > 0 && i->fps > r->max_fps + 0.01)) &&
	       snprintf(why, n, "%.2f frames per second is outside %.0f-%.0f", i->fps, r->min_fps,
			r->max_fps) > 0;
}
static int r_vcodec(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	char list[160];
	if (!r->video_codecs || in_list(i->vcodec, r->video_codecs))
		return 0;
	codecs_text(r->video_codecs, list, sizeof list);
	return snprintf(why, n, "video codec %s is not one of %s", i->vcodec, list) > 0;
}
static int r_acodec(const pprobe_info *i, const publish_rules *r, char *why, size_t n)
{
	char list[160];
	if (!r->audio_codecs || !*r->audio_codecs || in_list(i->acodec, r->audio_codecs))
		return 0;
	codecs_text(r->audio_codecs, list, sizeof list);
	return snprintf(why, n, "%s%s is not one of %s", *i->acodec ? "audio codec " : "",
			*i->acodec ? i->acodec : "no audio track", list) > 0;
}

int pprobe_check(const pprobe_info *info, const publish_rules *r, vidc_err *e)
{
	/* each test with the platform file's rule it checks (the key in a preset) */
	static const struct {
		rule_fn fn;
		const char *rule;
		size_t src; /* offsetof the rule's source in publish_rules */
	} rules[] = {
		{r_short, "duration", offsetof(publish_rules, src_duration)},
		{r_long, "duration", offsetof(publish_rules, src_duration)},
		{r_aspect, "aspect", offsetof(publish_rules, src_aspect)},
		{r_small, "resolution", offsetof(publish_rules, src_resolution)},
		{r_big, "resolution", offsetof(publish_rules, src_resolution)},
		{r_bytes, "size", offsetof(publish_rules, src_size)},
		{r_fps, "frame_rate", offsetof(publish_rules, src_frame_rate)},
		{r_vcodec, "codecs", offsetof(publish_rules, src_codecs)},
		{r_acodec, "codecs", offsetof(publish_rules, src_codecs)},
	};
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < sizeof rules / sizeof *rules; k++) {
		char why[256];
		const char *src = *(const char *const *)((const char *)r + rules[k].src);
		if (!rules[k].fn(info, r, why, sizeof why))
			continue;
		int rc = src ? buf_appendf(&b, "%s%s (%s: %s)", b.len ? "; " : "", why, rules[k].rule, src)
			     : buf_appendf(&b, "%s%s", b.len ? "; " : "", why);
		if (rc < 0) {
			buf_free(&b);
			return err_set(e, VE_NOMEM, "out of memory");
		}
	}
	if (!b.len)
		return 0;
	int rc = err_set(e, VE_INVAL, "not fit for %s: %s%s%s%s", r->name ? r->name : "the platform", b.data,
			 r->origin ? " [" : "", r->origin ? r->origin : "", r->origin ? "]" : "");
	buf_free(&b);
	return rc;
}

int pprobe_video(const char *path, const publish_rules *r, pprobe_info *info, vidc_err *e)
{
	pprobe_info local;
	if (!info)
		info = &local;
	int rc = pprobe_file(path, info, e);
	if (rc == 0)
		rc = pprobe_check(info, r, e);
	if (rc)
		err_prefix(e, "%s", path);
	return rc;
}
