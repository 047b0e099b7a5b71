/*
 * preset.c - the preset table. Safe areas keep text clear of each app's overlays: on vertical
 * video the caption and account block at the bottom and the action buttons on the right.
 * Sizes are bytes: the platforms state their limits in decimal megabytes/gigabytes.
 */
#include "preset.h"

#include <string.h>

static const preset_t presets[] = {
	{"youtube_long", "YouTube", 1920, 1080, {96, 54, 1728, 972}, 180, 900, 43200,
	 256000000000LL},
	{"youtube_short", "YouTube Shorts", 1080, 1920, {60, 140, 880, 1440}, 30, 60, 60,
	 256000000000LL},
	{"instagram_reel", "Instagram Reels", 1080, 1920, {60, 220, 900, 1280}, 30, 90, 90,
	 650000000LL},
	{"tiktok", "TikTok", 1080, 1920, {60, 130, 880, 1420}, 30, 180, 600, 72000000LL},
};

#define NPRESETS (int)(sizeof presets / sizeof presets[0])

const preset_t *preset_find(const char *name)
{
	for (int i = 0; i < NPRESETS; i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

int preset_count(void)
{
	return NPRESETS;
}

const preset_t *preset_at(int i)
{
	return i >= 0 && i < NPRESETS ? &presets[i] : NULL;
}
