/*
 * platform.h - the platform table: every rule vidc follows for YouTube, YouTube Shorts,
 * Instagram Reels and TikTok, read at run time from the stdlib's platforms.json, each rule with
 * its source (the page it comes from and when it was checked). The compiler's checks, the script
 * writer, the spec writer, the encoder's budget, chapters and publishing all read this one
 * table, so correcting a rule is editing the file, without a rebuild (SPEC.md, "The platform
 * file").
 *
 *   platform_table *t;
 *   if (platform_load(stdlib_dir, &t, &err)) ...;       // err names the file and the JSON path
 *   const platform_preset *p = platform_preset_find(t, "youtube_short");
 *   if (seconds > p->max_s) ... p->src_duration ...;
 *   platform_free(t);
 *
 * Everything returned points into the table and lives until platform_free.
 */
#ifndef VIDC_PLATFORM_H
#define VIDC_PLATFORM_H

#include <stdint.h>

#include "err.h"

#define PLATFORM_FILE "platforms.json"

typedef struct {
	int x, y, w, h;
} platform_rect;

/* An output preset: one platform's canvas, durations and budgets. */
typedef struct {
	const char *name;    /* youtube_long, youtube_short, instagram_reel, tiktok */
	const char *site;    /* youtube, instagram, tiktok: platform_site_find */
	const char *display; /* "YouTube Shorts", for messages */
	int width, height, fps;
	platform_rect safe;          /* the part of the canvas no platform UI covers */
	double min_s, max_s;         /* what the platform accepts: outside is an error */
	double rec_min_s, rec_max_s; /* vidc's recommended range: outside is a warning */
	int64_t max_bytes;           /* file-size budget */
	int64_t min_bitrate;         /* bits/s of video and audio together: the lowest worth making */
	const char *captions;        /* the default caption style */
	int chapters;                /* the site shows chapters for this preset (its site's rules) */
	/* What the platform takes, checked on the rendered file before an upload (with min_s,
	 * max_s and max_bytes above); 0 is no limit. */
	double min_aspect, max_aspect;  /* width / height (Shorts: at most 1, square or vertical) */
	int min_w, min_h, max_w, max_h; /* pixels */
	double min_fps, max_fps;
	const char *const *video_codecs; /* NULL-terminated libavcodec names ("h264"); NULL: any */
	const char *const *audio_codecs; /* NULL: any */
	/* where each rule comes from ("as documented on ..., checked 2026-11") */
	const char *src_canvas, *src_safe, *src_duration, *src_recommended, *src_size, *src_bitrate,
		*src_captions, *src_chapters, *src_aspect, *src_resolution, *src_frame_rate, *src_codecs;
} platform_preset;

/* A site's publishing rules (title, description, tags, chapters, thumbnail). Limits are in
 * characters (UTF-8 code points); 0 means the site sets none. */
typedef struct {
	const char *name;    /* youtube, instagram, tiktok */
	const char *display; /* YouTube */
	int title_max, description_max, hashtags_max;
	int tags_max, tags_max_total; /* tags kept at most, and their characters in all */
	/* chapters in a description: chapters_min_count 0 when the site has no chapters */
	int chapters_min_count;
	double chapters_first_s, chapters_min_s;
	int thumb_width, thumb_height;
	int64_t thumb_max_bytes;
	const char *category; /* default category id ("" when the site has none) */
	const char *src_title, *src_description, *src_tags, *src_hashtags, *src_chapters,
		*src_thumbnail, *src_category;
} platform_site;

typedef struct platform_table platform_table;

/* Reads stdlib_dir/platforms.json. 0 with *out set, or VE_NOTFOUND / VE_IO (cannot read it),
 * VE_INVAL (not JSON, or a rule missing or of the wrong type: the message names the file and
 * the JSON path, "stdlib/platforms.json: $.presets[1].duration.max_s: expected a number of
 * seconds"), VE_NOMEM. stdlib_dir NULL is VE_NOTFOUND. */
int platform_load(const char *stdlib_dir, platform_table **out, vidc_err *e);
/* Reads the file at path (for tests and tools). */
int platform_load_file(const char *path, platform_table **out, vidc_err *e);
void platform_free(platform_table *t);
/* The file the table was read from. */
const char *platform_path(const platform_table *t);

int platform_npresets(const platform_table *t);
const platform_preset *platform_preset_at(const platform_table *t, int i);
/* The preset called name, or NULL. */
const platform_preset *platform_preset_find(const platform_table *t, const char *name);
/* The preset whose upload rules apply when a video made for preset goes to site: preset itself
 * when it is made for site; else the site's preset of the same orientation (portrait or
 * square against landscape, by canvas: a vertical TikTok render posted to YouTube is a Short);
 * else (no such preset, or one the table does not know) the site's preset with the shortest
 * max_s, the strictest, so the platform refuses nothing after the upload; NULL when the table
 * has no preset for site. */
const platform_preset *platform_upload_preset(const platform_table *t, const char *site,
					      const char *preset);
/* The site called name (a preset's site), or NULL. */
const platform_site *platform_site_find(const platform_table *t, const char *name);

/* The site whose chapter rules apply to a video of preset: the preset's own site when it has
 * chapter rules, else the first site of the file that has them (a description block written for
 * a vertical preset is still meant for YouTube), or NULL when none has. */
const platform_site *platform_chapter_site(const platform_table *t, const char *preset);
/* The default font for "text" or "code" (a fontconfig family name). */
const char *platform_font(const platform_table *t, const char *role);
/* The caption styles vidc draws, in the file's order. */
int platform_ncaption_styles(const platform_table *t);
const char *platform_caption_style(const platform_table *t, int i);

/* The fewest bytes `seconds` of video need at bitrate bps (video and audio together): the bits,
 * 2 s of rate-control headroom, and the MP4 container's share (3 % and 64 KiB for its index).
 * The one rule for "does it fit": the compiler checks a spec with it, the encoder its budget. */
double platform_min_bytes(int64_t bps, double seconds);

#endif
