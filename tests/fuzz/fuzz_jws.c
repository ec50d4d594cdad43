/* fuzz-sources: fcgi/jws.c fcgi/arena.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c fcgi/log.c fcgi/errors.c */
/* fuzz-libs: jansson libcrypto */
/*
 * libFuzzer target for the compact-JWS parser and the JWK decoder: any input,
 * taken as a token, must parse or be refused, and a parsed one must fail
 * verification under both pinned algorithms (nobody can forge our key); the
 * same input taken as a JWK (or a JWKS, RSA and EC keys at the algorithm
 * each pins) must decode to a key or NULL.  Never a crash or
 * a leak.  Run with tests/fuzz/run.sh jws.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "jws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), why[128];
	struct sh_jws j;
	json_t *jwk;

	if (!key)
		key = sh_es256_generate();
	memcpy(text, data, size);
	text[size] = '\0';
	if (sh_jws_parse(text, &j, why, sizeof why) == 0) {
		if (sh_jws_verify(&j, SH_JWS_ES256, key, why, sizeof why) == 0 ||
		    sh_jws_verify(&j, SH_JWS_RS256, key, why, sizeof why) == 0)
			abort();
		sh_jws_clear(&j);
	}
	jwk = json_loadb(text, size, 0, NULL);
	if (jwk) {
		json_t *keys = json_object_get(jwk, "keys"), *k;
		size_t i;

		EVP_PKEY_free(sh_jwk_to_key(jwk, SH_JWS_ES256));
		EVP_PKEY_free(sh_jwk_to_key(jwk, SH_JWS_RS256));
		/* A JWKS as the IdP serves it: each key at the algorithm it pins. */
		json_array_foreach(keys, i, k)
			if (host_jwk_alg(k))
				EVP_PKEY_free(sh_jwk_to_key(k, host_jwk_alg(k)));
		json_decref(jwk);
	}
	free(text);
	return 0;
}
