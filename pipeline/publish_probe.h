/*
 * publish_probe.h - the check before an upload: the rendered file is probed (libavformat through
 * base/media.h) and compared with the platform's rules (duration, aspect, resolution, size,
 * codecs, frame rate), so vidc refuses with a message naming every broken rule instead of letting
 * the platform reject the video after the upload. The rules come from the platform table
 * (stdlib/platforms.json, base/platform.h); publish_rules is the part of a preset the check
 * reads, with each rule's source so a refusal says where the limit comes from.
 */
#ifndef VIDC_PUBLISH_PROBE_H
#define VIDC_PUBLISH_PROBE_H

#include <stdint.h>

#include "../base/err.h"
#include "../base/platform.h"

typedef struct {
	double duration_s;
	int width, height;
	double fps;
	char vcodec[32], acodec[32]; /* libavcodec names: "h264", "hevc", "aac"; "" when absent */
	int64_t bytes;
} pprobe_info;

typedef struct {
	const char *name;	       /* in messages: "YouTube Shorts" */
	double min_s, max_s;	       /* duration; 0: no limit */
	double min_aspect, max_aspect; /* width / height; 0: any (Shorts: at most 1, vertical or square) */
	int min_w, min_h, max_w, max_h; /* pixels; 0: no limit */
	int64_t max_bytes;	       /* 0: no limit */
	double min_fps, max_fps;       /* 0: no limit */
	const char *const *video_codecs; /* NULL-terminated libavcodec names; NULL: any */
	const char *const *audio_codecs; /* NULL: any; an empty list: no audio required */
	/* Where the rules come from: "preset tiktok of stdlib/platforms.json" and each rule's
	 * source (the page and when it was checked); NULL: not named in messages. */
	const char *origin, *src_duration, *src_aspect, *src_resolution, *src_size, *src_frame_rate,
		*src_codecs;
	char origin_buf[300];
} publish_rules;

/* The upload rules of preset p of table t (platform_upload_preset) into r, which points into
 * t and lives as long as it. */
void pprobe_rules(const platform_table *t, const platform_preset *p, publish_rules *r);

/* Probes the file at path. 0, or VE_DECODE / VE_NOTFOUND / ... with the cause. */
int pprobe_file(const char *path, pprobe_info *info, vidc_err *e);
/* 0 when info keeps every rule; else VE_INVAL with one message listing each broken rule, e.g.
 * "not fit for YouTube Shorts: 200.0 s is longer than 180 s (duration: as documented on ...);
 * 1920x1080 is wider than tall (aspect: ...) [preset youtube_short of stdlib/platforms.json]". */
int pprobe_check(const pprobe_info *info, const publish_rules *r, vidc_err *e);
/* pprobe_file + pprobe_check, the message naming the file. */
int pprobe_video(const char *path, const publish_rules *r, pprobe_info *info, vidc_err *e);

#endif
