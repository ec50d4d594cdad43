/*
 * JOSE for plugins: ES256 key pairs, compact JWS signing, parsing and
 * verification (ES256 and RS256), and public JWKs, over OpenSSL 3 and
 * jansson.  Every verification pins one algorithm per key, so "alg": "none"
 * and HS256 keyed with a public key are refused by construction.
 *
 * The foreign types are only declared here; a plugin that calls these
 * includes <openssl/evp.h> and <jansson.h> itself to use the values.
 *
 *	struct sh_jws j;
 *	if (sh_jws_parse(token, &j, why, sizeof why) == 0) {
 *		rc = sh_jws_verify(&j, SH_JWS_RS256, key, why, sizeof why);
 *		sh_jws_clear(&j);
 *	}
 */
#ifndef STAGEHAND_JOSE_H
#define STAGEHAND_JOSE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evp_pkey_st EVP_PKEY;   /* <openssl/evp.h> */
typedef struct json_t json_t;          /* <jansson.h> */

/* Longest compact token sh_jws_parse accepts, in bytes. */
#define SH_JWS_MAX_TOKEN 16384

/* The signature algorithm a verification pins. */
enum sh_jws_alg {
	SH_JWS_ES256 = 1,   /* ECDSA P-256 with SHA-256, JOSE raw r||s signatures */
	SH_JWS_RS256        /* RSASSA-PKCS1-v1_5 with SHA-256, keys of 2048 bits or more */
};

/*
 * A parsed compact JWS.  header and payload are JSON objects owned by the
 * struct; signed_part points into the token that was parsed (which must
 * outlive the struct); sig is the decoded signature, owned by the struct.
 * Release everything with sh_jws_clear.
 */
struct sh_jws {
	json_t *header;
	json_t *payload;
	const char *signed_part;   /* "header.payload" as it was signed */
	size_t signed_len;
	unsigned char *sig;
	size_t sig_len;
};

/*
 * Splits and decodes a compact token: exactly two dots, strict base64url,
 * header and payload JSON objects without duplicate keys, at most
 * SH_JWS_MAX_TOKEN bytes.  Verifies nothing.  Returns 0 (then call
 * sh_jws_clear), or SH_EINVAL / SH_ETOOBIG with a short reason in why (out
 * is then empty and needs no clearing).
 */
int sh_jws_parse(const char *token, struct sh_jws *out, char *why, size_t whylen);
/* Releases what sh_jws_parse stored and empties j; safe on an empty j. */
void sh_jws_clear(struct sh_jws *j);
/*
 * Checks that the header's "alg" is exactly alg, that key is of the kind alg
 * needs (P-256 for ES256, RSA of 2048+ bits for RS256) and the signature
 * over signed_part.  Claims (exp, aud, ...) are the caller's to check.
 * Returns 0, or SH_EINVAL with a short reason in why.  key is borrowed.
 */
int sh_jws_verify(const struct sh_jws *j, enum sh_jws_alg alg, EVP_PKEY *key, char *why,
		  size_t whylen);

/* A new EC P-256 key pair, or NULL; the caller frees it with EVP_PKEY_free. */
EVP_PKEY *sh_es256_generate(void);
/*
 * Signs header.payload with ES256: both are serialised compact, keys in
 * insertion order, so put "alg": "ES256" (and "kid") in the header yourself.
 * header, payload and key are borrowed.  Returns the compact token,
 * malloc'd (free it), or NULL when key is not a P-256 private key or the
 * token would exceed 1 MiB.  A token longer than SH_JWS_MAX_TOKEN is
 * returned all the same (sh_jws_parse would refuse it): check the length
 * of what you hand on.
 */
char *sh_jws_sign_es256(EVP_PKEY *key, const json_t *header, const json_t *payload);

/*
 * The public JWK of a P-256 key: {kty, crv, x, y, kid, alg: ES256, use: sig}.
 * key and kid are borrowed (kid is copied).  Returns a new reference (the
 * caller json_decref's it), or NULL when key is not a P-256 key.
 */
json_t *sh_jwk_from_ec(EVP_PKEY *key, const char *kid);
/*
 * A public key from a JWK, pinned to alg: an EC P-256 key (point checked to
 * lie on the curve) for SH_JWS_ES256, an RSA key of 2048+ bits for
 * SH_JWS_RS256.  A JWK "alg" must equal alg, a "use" must be "sig".  jwk is
 * borrowed.  Returns a new key (EVP_PKEY_free it), or NULL if unusable.
 */
EVP_PKEY *sh_jwk_to_key(const json_t *jwk, enum sh_jws_alg alg);

#ifdef __cplusplus
}
#endif
#endif
