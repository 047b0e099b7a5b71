/*
 * publish_tiktok.h - see publish_tiktok.c.
 */
#ifndef VIDC_PUBLISH_TIKTOK_H
#define VIDC_PUBLISH_TIKTOK_H

#include "publish_core.h"

int tiktok_publish(pcore_ctx *x, vidc_err *e);
int tiktok_engagement(pcore_ctx *x, const char *post_id, publish_engagement *g, vidc_err *e);

#endif
