/*
 * auth.h - bearer tokens of the API. A token is "vidc_" and 64 hex digits of randomness, shown
 * once when created; the store keeps only its BLAKE2b-256 hash (libsodium's crypto_generichash),
 * so a copy of the database lets no one in. A token belongs to one site, or to no site: an
 * operator token, which manages sites.
 */
#ifndef VIDC_AUTH_H
#define VIDC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define AUTH_TOKEN_LEN 69 /* "vidc_" + 64 hex digits */

typedef struct {
	int64_t token_id;
	int64_t site_id; /* 0: operator */
} auth_who;

/* Creates a token for site_id (0: operator); tok gets it (AUTH_TOKEN_LEN + 1 bytes). Returns 0
 * or a negative code with err filled (an unknown site is -14). */
int auth_token_create(store_t *s, int64_t site_id, const char *name, char *tok, int64_t *id,
		      char *err, size_t errlen);
/* Finds the token named by an Authorization header value ("Bearer vidc_..."). 0 when known and
 * not revoked, else -13. */
int auth_check(store_t *s, const char *header, auth_who *who);

#endif
