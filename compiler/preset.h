/*
 * preset.h - the output presets: canvas, safe area (the part no platform UI covers), the
 * recommended and the allowed duration, and the file-size budget of each platform.
 */
#ifndef VIDC_PRESET_H
#define VIDC_PRESET_H

#include <stdint.h>

#include "ir.h"

typedef struct {
	const char *name;
	const char *platform;
	int width, height;
	ir_rect safe;
	double min_s, max_s; /* recommended range: outside it is a warning */
	double limit_s;      /* the platform refuses longer videos: an error */
	int64_t max_bytes;   /* file-size budget */
} preset_t;

const preset_t *preset_find(const char *name);
int preset_count(void);
const preset_t *preset_at(int i);

#endif
