/*
 * secret.c - libsodium secretbox sealing of tokens at rest (see secret.h). sodium_init runs once;
 * it is thread-safe and idempotent, so every entry point calls it.
 */
#include "secret.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../base/file.h"

#define PREFIX "sb1:"
#define B64 sodium_base64_VARIANT_ORIGINAL

static int ready(vidc_err *e)
{
	if (sodium_init() < 0)
		return err_set(e, VE_UNSUPPORTED, "libsodium could not start (no entropy source?)");
	return 0;
}

int secret_key_parse(secret_key *k, const char *text, size_t len, vidc_err *e)
{
	if (ready(e) < 0)
		return e ? e->code : VE_UNSUPPORTED;
	if (len == sizeof k->k) { /* raw bytes, e.g. head -c 32 /dev/urandom > key */
		memcpy(k->k, text, len);
		return 0;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	size_t got = 0;
	const char *end = NULL;
	if (len == 64 && sodium_hex2bin(k->k, sizeof k->k, text, len, NULL, &got, &end) == 0 &&
	    got == sizeof k->k && end == text + len)
		return 0;
	if (sodium_base642bin(k->k, sizeof k->k, text, len, NULL, &got, &end, B64) == 0 &&
	    got == sizeof k->k && end == text + len)
		return 0;
	sodium_memzero(k->k, sizeof k->k);
	return err_set(e, VE_INVAL,
		       "the token key is not 32 bytes as 64 hex digits or base64 (make one with: "
		       "head -c 32 /dev/urandom | xxd -p -c 64)");
}

int secret_key_load(secret_key *k, const char *path, vidc_err *e)
{
	const char *env = getenv("VIDC_TOKEN_KEY");
	if (!path && env && *env) {
		if (secret_key_parse(k, env, strlen(env), e) < 0)
			return err_set(e, VE_INVAL, "VIDC_TOKEN_KEY: %s", e ? e->msg : "bad key");
		return 0;
	}
	if (!path) {
		path = getenv("VIDC_TOKEN_KEY_FILE");
		if (!path || !*path)
			return err_set(e, VE_INVAL,
				       "no token encryption key: set VIDC_TOKEN_KEY (64 hex digits) or "
				       "VIDC_TOKEN_KEY_FILE (a file holding them)");
	}
	char *data = NULL;
	size_t len = 0;
	if (file_read(path, 4096, &data, &len, e) < 0)
		return e ? e->code : VE_IO;
	int rc = secret_key_parse(k, data, len, e);
	sodium_memzero(data, len);
	free(data);
	if (rc < 0)
		return err_set(e, rc, "token key file %s: %s", path, e ? e->msg : "bad key");
	return 0;
}

void secret_key_generate(char hex[65])
{
	unsigned char k[32];
	if (sodium_init() < 0) {
		hex[0] = 0;
		return;
	}
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, 65, k, sizeof k);
	sodium_memzero(k, sizeof k);
}

void secret_key_wipe(secret_key *k)
{
	sodium_memzero(k->k, sizeof k->k);
}

int secret_seal(const secret_key *k, const void *plain, size_t len, char **out, vidc_err *e)
{
	*out = NULL;
	if (ready(e) < 0)
		return e ? e->code : VE_UNSUPPORTED;
	if (len > (size_t)64 << 20)
		return err_set(e, VE_LIMIT, "a secret of %zu bytes is too large to seal", len);
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *box = malloc(blen);
	size_t tlen = strlen(PREFIX) + sodium_base64_encoded_len(blen, B64);
	char *txt = malloc(tlen);
	if (!box || !txt) {
		free(box);
		free(txt);
		return err_set(e, VE_NOMEM, "out of memory sealing a secret");
	}
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, plain, len, box, k->k);
	memcpy(txt, PREFIX, strlen(PREFIX));
	sodium_bin2base64(txt + strlen(PREFIX), tlen - strlen(PREFIX), box, blen, B64);
	free(box);
	*out = txt;
	return 0;
}

int secret_open(const secret_key *k, const char *sealed, char **plain, size_t *len, vidc_err *e)
{
	*plain = NULL;
	if (ready(e) < 0)
		return e ? e->code : VE_UNSUPPORTED;
	size_t pl = strlen(PREFIX);
	if (!sealed || strncmp(sealed, PREFIX, pl))
		return err_set(e, VE_INVAL, "a stored secret is not sealed text (no '%s' prefix)", PREFIX);
	size_t slen = strlen(sealed + pl);
	unsigned char *box = malloc(slen + 1);
	if (!box)
		return err_set(e, VE_NOMEM, "out of memory opening a secret");
	size_t blen = 0;
	if (sodium_base642bin(box, slen + 1, sealed + pl, slen, NULL, &blen, NULL, B64) < 0 ||
	    blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		free(box);
		return err_set(e, VE_INVAL, "a stored secret is damaged (not base64, or too short)");
	}
	size_t n = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	char *out = malloc(n + 1);
	if (!out) {
		free(box);
		return err_set(e, VE_NOMEM, "out of memory opening a secret");
	}
	if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
				       blen - crypto_secretbox_NONCEBYTES, box, k->k) < 0) {
		free(box);
		free(out);
		return err_set(e, VE_AUTH,
			       "a stored secret does not open with this key (another VIDC_TOKEN_KEY, "
			       "or the record was altered)");
	}
	free(box);
	out[n] = 0;
	*plain = out;
	if (len)
		*len = n;
	return 0;
}

void secret_free(char *p, size_t n)
{
	if (!p)
		return;
	sodium_memzero(p, n ? n : strlen(p));
	free(p);
}
