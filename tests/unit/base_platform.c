/*
 * base_platform.c - the platform table (base/platform.h): the stdlib's platforms.json loads with
 * the 2024-2025 rules (Shorts 180 s, Reels 3 s to 15 min, TikTok 10 min) and a source for each;
 * a broken copy is an error naming the file and the JSON path of the broken rule; the size rule
 * (platform_min_bytes) is the one the checker and the encoder share.
 */
#include <stdio.h>
#include <string.h>

#include "../../base/file.h"
#include "../../base/platform.h"
#include "check.h"

static char *stdlib_text(size_t *len)
{
	const char *dir = getenv("VIDC_STDLIB");
	char path[1024];
	snprintf(path, sizeof path, "%s/platforms.json", dir && *dir ? dir : "stdlib");
	char *text = NULL;
	vidc_err e;
	if (file_read(path, 1 << 20, &text, len, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		exit(2);
	}
	return text;
}

/* Loads the stdlib's file with `from` replaced by `to` (first occurrence); returns the code and
 * leaves the message in e. */
static int load_edited(const char *from, const char *to, vidc_err *e)
{
	size_t len;
	char *text = stdlib_text(&len);
	char *at = strstr(text, from);
	CHECK(at != NULL, "'%s' is not in platforms.json", from);
	if (!at) {
		free(text);
		return -99;
	}
	FILE *f = fopen(check_path("platforms.json"), "wb");
	fwrite(text, 1, (size_t)(at - text), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	free(text);
	platform_table *t = NULL;
	int rc = platform_load(check_tmpdir(), &t, e);
	platform_free(t);
	return rc;
}

static void expect_broken(const char *from, const char *to, const char *jpath)
{
	vidc_err e = {0};
	int rc = load_edited(from, to, &e);
	CHECK(rc == VE_INVAL, "editing %s: code %d, expected VE_INVAL (%s)", jpath, rc, e.msg);
	CHECK(strstr(e.msg, "platforms.json") && strstr(e.msg, jpath), "message '%s' names no %s", e.msg,
	      jpath);
}

int main(void)
{
	const char *dir = getenv("VIDC_STDLIB");
	platform_table *t = NULL;
	vidc_err e = {0};
	int rc = platform_load(dir && *dir ? dir : "stdlib", &t, &e);
	CHECK(rc == 0 && t, "the stdlib's platforms.json: %s", e.msg);
	if (!t)
		return check_done();

	CHECK(platform_npresets(t) == 4, "%d presets", platform_npresets(t));
	const platform_preset *s = platform_preset_find(t, "youtube_short");
	CHECK(s && s->max_s == 180 && s->width == 1080 && s->height == 1920, "Shorts: up to 180 s, 1080x1920");
	CHECK(s && strstr(s->src_duration, "Upload YouTube Shorts") && strstr(s->src_duration, "2026-11"),
	      "Shorts' duration rule names its source: %s", s ? s->src_duration : "");
	const platform_preset *r = platform_preset_find(t, "instagram_reel");
	CHECK(r && r->min_s == 3 && r->max_s == 900, "Reels: 3 s to 15 min through the API");
	const platform_preset *k = platform_preset_find(t, "tiktok");
	CHECK(k && k->max_s == 600, "TikTok: up to 10 minutes");
	CHECK(k && k->min_bitrate == 360000, "one bitrate floor: %lld", k ? (long long)k->min_bitrate : 0);
	CHECK(!platform_preset_find(t, "vimeo"), "no vimeo preset");
	for (int i = 0; i < platform_npresets(t); i++) {
		const platform_preset *p = platform_preset_at(t, i);
		CHECK(platform_site_find(t, p->site), "preset %s: site %s", p->name, p->site);
		CHECK(*p->src_canvas && *p->src_size && *p->src_bitrate && *p->src_safe, "preset %s: sources",
		      p->name);
	}
	const platform_site *yt = platform_site_find(t, "youtube");
	CHECK(yt && yt->title_max == 100 && yt->description_max == 5000 && yt->tags_max_total == 500,
	      "YouTube's SEO limits");
	CHECK(yt && yt->chapters_min_count == 3 && yt->chapters_first_s == 0 && yt->chapters_min_s == 10,
	      "YouTube's chapter rules");
	CHECK(yt && yt->thumb_width == 1280 && yt->thumb_height == 720 && yt->thumb_max_bytes == 2000000,
	      "YouTube's thumbnail limits");
	CHECK(yt && !strcmp(yt->category, "22"), "YouTube's default category");
	const platform_site *ig = platform_site_find(t, "instagram");
	CHECK(ig && ig->hashtags_max == 30 && ig->description_max == 2200 && ig->chapters_min_count == 0,
	      "Instagram: 30 hashtags, 2,200 characters, no chapters");
	CHECK(!strcmp(platform_font(t, "text"), "DejaVu Sans"), "default text font");
	CHECK(!strcmp(platform_font(t, "code"), "DejaVu Sans Mono"), "default code font");
	CHECK(platform_ncaption_styles(t) == 3 && !strcmp(platform_caption_style(t, 2), "karaoke"),
	      "caption styles");

	/* The pre-upload rules (issue 13): aspect, resolution, frame rate and codecs, each sourced. */
	CHECK(s && s->max_aspect == 1 && !s->video_codecs && strstr(s->src_aspect, "Upload YouTube Shorts"),
	      "Shorts: square or vertical, any codec");
	CHECK(r && r->max_w == 1920 && r->min_fps == 23 && r->max_fps == 60 && r->video_codecs &&
		      !strcmp(r->video_codecs[0], "h264") && !strcmp(r->video_codecs[1], "hevc") &&
		      !r->video_codecs[2] && r->audio_codecs && !strcmp(r->audio_codecs[0], "aac") &&
		      !r->audio_codecs[1] && strstr(r->src_codecs, "Reels specifications"),
	      "Reels: at most 1920 columns, 23-60 fps, H.264/HEVC with AAC");
	CHECK(k && k->min_w == 360 && k->max_h == 4096 && k->video_codecs && !strcmp(k->video_codecs[3], "vp9") &&
		      !k->audio_codecs && strstr(k->src_resolution, "Media transfer guide"),
	      "TikTok: 360-4096 pixels, four codecs, any audio");
	const platform_preset *lg = platform_preset_find(t, "youtube_long");
	CHECK(platform_upload_preset(t, "youtube", "youtube_long") == lg, "a long video to YouTube: its own");
	CHECK(platform_upload_preset(t, "youtube", "tiktok") == s, "a vertical render to YouTube is a Short");
	CHECK(platform_upload_preset(t, "instagram", "youtube_long") == r, "the only Instagram preset");
	CHECK(platform_upload_preset(t, "youtube", "no_such_preset") == s, "unknown preset: the strictest");
	CHECK(!platform_upload_preset(t, "vimeo", "tiktok"), "no preset for an unknown site");
	platform_free(t);

	/* The size rule: 60 s at 360 kb/s is (62 s x 45,000 B/s + 64 KiB) / 0.97. */
	double b = platform_min_bytes(360000, 60);
	CHECK(b > 2.94e6 && b < 2.95e6, "platform_min_bytes(360 kb/s, 60 s) = %.0f", b);

	/* An edited copy: a corrected rule loads, a broken one names the JSON path. */
	CHECK(load_edited("\"max_s\": 180,", "\"max_s\": 240,", &e) == 0, "a corrected rule: %s", e.msg);
	expect_broken("\"max_s\": 180,", "\"max_s\": \"3 minutes\",", "$.presets[1].duration.max_s");
	expect_broken("\"max_s\": 180, \"source\": \"as documented on YouTube Help 'Upload YouTube Shorts'",
		      "\"max_s\": 180, \"sourc\": \"as documented on YouTube Help 'Upload YouTube Shorts'",
		      "$.presets[1].duration.source");
	expect_broken("\"width\": 1920, \"height\": 1080", "\"width\": -5, \"height\": 1080",
		      "$.presets[0].canvas.width");
	expect_broken("\"site\": \"tiktok\"", "\"site\": \"myspace\"", "$.presets[3].site");
	expect_broken("\"default\": \"plain\"", "\"default\": \"comic\"", "$.presets[0].captions.default");
	expect_broken("\"min_count\": 3", "\"min_count\": 0", "$.sites[0].chapters.min_count");
	expect_broken("\"video\": [\"h264\", \"hevc\"]", "\"video\": [\"h264\", 5]", "$.presets[2].codecs.video[1]");
	expect_broken("\"min\": 0, \"max\": 1,", "\"min\": 2, \"max\": 1,", "$.presets[1].aspect");
	expect_broken("\"min_fps\": 23, \"max_fps\": 60", "\"min_fps\": 61, \"max_fps\": 60", "$.presets[2].frame_rate");
	expect_broken("\"name\": \"instagram\"", "\"name\": \"youtube\"", "$.sites[1].name");
	expect_broken("\"name\": \"youtube_short\"", "\"name\": \"youtube_long\"", "$.presets[1].name");
	CHECK(load_edited("\"name\": \"youtube_short\"", "\"name\": \"youtube_long\"", &e) == VE_INVAL &&
		      strstr(e.msg, "comes earlier"), "a repeated name: %s", e.msg);
	{
		vidc_err je = {0};
		int jrc = load_edited("\"version\": 1,", "\"version\": 1", &je);
		CHECK(jrc == VE_INVAL && strstr(je.msg, "platforms.json:") && strstr(je.msg, "not JSON"),
		      "a syntax error names the file, line and column: %s", je.msg);
	}
	vidc_err ne = {0};
	CHECK(platform_load(check_path("nowhere"), &t, &ne) == VE_NOTFOUND && strstr(ne.msg, "nowhere"),
	      "a missing file: %s", ne.msg);
	CHECK(platform_load(NULL, &t, &ne) == VE_NOTFOUND && strstr(ne.msg, "VIDC_STDLIB"),
	      "no stdlib: %s", ne.msg);
	return check_done();
}
