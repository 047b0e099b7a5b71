/*
 * api.h - the /api/v1/video endpoints: the core route table (api.c) and the publishing stage's
 * (api_publish.c, filled by issue 13). `vidc serve` hands both to the server (server.h).
 */
#ifndef VIDC_API_H
#define VIDC_API_H

#include "fields.h"
#include "server.h"

extern const srv_route api_routes[];
extern const srv_route api_publish_routes[];

/* The HTTP status of a VE_* code: 422 invalid, 404 not found, 409 conflict, 402 no credits,
 * 401 auth, 429 a quota, else 500. */
int api_status_of(int code);

#endif
