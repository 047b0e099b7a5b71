/*
 * publish_instagram.h - see publish_instagram.c.
 */
#ifndef VIDC_PUBLISH_INSTAGRAM_H
#define VIDC_PUBLISH_INSTAGRAM_H

#include "publish_core.h"

int instagram_publish(pcore_ctx *x, vidc_err *e);
int instagram_engagement(pcore_ctx *x, const char *post_id, publish_engagement *g, vidc_err *e);

#endif
