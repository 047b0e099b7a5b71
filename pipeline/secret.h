/*
 * secret.h - secrets at rest: the social accounts' OAuth tokens are stored sealed with libsodium's
 * secretbox (XSalsa20-Poly1305) under one 32-byte key the operator keeps outside the database.
 * Sealed text is "sb1:" + base64(nonce || box), printable so it fits a TEXT column; a fresh
 * random nonce per seal. Neither the key nor a plaintext is ever written into an error message.
 *
 * The key: 64 hex digits (or 44 characters of standard base64) in the environment variable
 * VIDC_TOKEN_KEY, or in the file VIDC_TOKEN_KEY_FILE names (a file may also hold the 32 raw
 * bytes). `secret_key_generate` makes one (`head -c 32 /dev/urandom | xxd -p -c 64` works too).
 */
#ifndef VIDC_SECRET_H
#define VIDC_SECRET_H

#include <stddef.h>

#include "../base/err.h"

typedef struct {
	unsigned char k[32];
} secret_key;

/* Loads the key from the file `path` when it is not NULL, else from VIDC_TOKEN_KEY, else from
 * the file named by VIDC_TOKEN_KEY_FILE. VE_INVAL when none is set or the text is not a key
 * (the message names the setting, never its value). */
int secret_key_load(secret_key *k, const char *path, vidc_err *e);
/* Parses a key text (hex, base64, or 32 raw bytes). */
int secret_key_parse(secret_key *k, const char *text, size_t len, vidc_err *e);
/* A new random key as 64 hex digits + NUL. */
void secret_key_generate(char hex[65]);
/* Wipes the key from memory. */
void secret_key_wipe(secret_key *k);

/* Seals len bytes; *out is a malloc'd NUL-terminated "sb1:..." text. */
int secret_seal(const secret_key *k, const void *plain, size_t len, char **out, vidc_err *e);
/* Opens a sealed text; *plain is malloc'd and NUL-terminated (*len without the NUL; len may be
 * NULL). VE_AUTH when the text was sealed under another key or altered. The caller wipes and
 * frees *plain (secret_free). */
int secret_open(const secret_key *k, const char *sealed, char **plain, size_t *len, vidc_err *e);
/* Wipes n bytes of p (n 0: up to its NUL) and frees it. */
void secret_free(char *p, size_t n);

#endif
