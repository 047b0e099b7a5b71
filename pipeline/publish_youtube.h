/*
 * publish_youtube.h - YouTube Data API v3: the resumable upload with its thumbnail and captions,
 * and the engagement of a video (statistics + Analytics API). See publish_youtube.c.
 */
#ifndef VIDC_PUBLISH_YOUTUBE_H
#define VIDC_PUBLISH_YOUTUBE_H

#include "publish_core.h"

int youtube_publish(pcore_ctx *x, vidc_err *e);
int youtube_engagement(pcore_ctx *x, const char *video_id, publish_engagement *g, vidc_err *e);

#endif
