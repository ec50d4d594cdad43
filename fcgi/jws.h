/*
 * Compact JWS and JWK with plain OpenSSL: base64url, ES256 (JOSE raw r||s
 * signatures) signing and verification, RS256 verification, EC P-256 and RSA
 * keys to and from JWK, and a token parser with size caps.  Every
 * verification pins one algorithm per key, so "alg": "none" and HS256 keyed
 * with a public key are refused by construction (libjwt 1.10 accepts them).
 * Host-internal; exported as host_* so the auth plugin can sign.
 */
#ifndef STAGEHAND_JWS_H
#define STAGEHAND_JWS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <openssl/evp.h>

#define HOST_JWS_MAX_TOKEN 16384   /* bytes of a compact token we parse */
#define HOST_ES256_SIG_LEN 64      /* raw r||s */

enum host_jws_alg { HOST_JWS_ES256 = 1, HOST_JWS_RS256 };

/* A parsed compact JWS: decoded header and payload, the bytes signed
 * (header.payload, pointing into the token) and the decoded signature. */
struct host_jws {
	json_t *header;
	json_t *payload;
	const char *signed_part;
	size_t signed_len;
	unsigned char *sig;
	size_t sig_len;
};

/* Base64url without padding; the result is malloc'd and NUL-terminated. */
char *host_b64url_encode(const unsigned char *buf, size_t len);
/* Strict decode (no padding, no stray bits); *out is malloc'd.  0 or SH_EINVAL. */
int host_b64url_decode(const char *s, size_t len, unsigned char **out, size_t *outlen);

/* ECDSA signature forms: DER (OpenSSL) and JOSE raw r||s for P-256. */
int host_ecdsa_der_to_raw(const unsigned char *der, size_t len,
			  unsigned char raw[HOST_ES256_SIG_LEN]);
int host_ecdsa_raw_to_der(const unsigned char raw[HOST_ES256_SIG_LEN],
			  unsigned char **der, size_t *len);

/* Splits and decodes a compact token (header and payload must be JSON
 * objects).  0, or SH_EINVAL/SH_ETOOBIG with a reason in why.  Clear after. */
int host_jws_parse(const char *token, struct host_jws *out, char *why, size_t whylen);
void host_jws_clear(struct host_jws *j);
/* Checks that the header's alg is exactly `alg`, that `key` is of the kind
 * alg needs, and the signature.  0 or SH_EINVAL with a reason. */
int host_jws_verify(const struct host_jws *j, enum host_jws_alg alg, EVP_PKEY *key,
		    char *why, size_t whylen);

/* A new EC P-256 key pair, or NULL. */
EVP_PKEY *host_es256_generate(void);
/* Signs header.payload (serialised compact, keys in insertion order) with
 * ES256; returns the malloc'd token or NULL. */
char *host_jws_sign_es256(EVP_PKEY *key, const json_t *header, const json_t *payload);

/* The public JWK of an EC P-256 key: {kty, crv, x, y, kid, alg, use}. */
json_t *host_jwk_from_ec(EVP_PKEY *key, const char *kid);
/* A public key from a JWK: EC P-256 for ES256, RSA (>= 2048 bits) for RS256.
 * A JWK "alg", when present, must equal the pinned one.  NULL if unusable. */
EVP_PKEY *host_jwk_to_key(const json_t *jwk, enum host_jws_alg alg);

/* The algorithm a JWK pins: its "alg" (RS256 or ES256), else RS256 for
 * kty RSA and ES256 for kty EC.  0 when the key is of no usable kind. */
enum host_jws_alg host_jwk_alg(const json_t *jwk);

/* Whether a JWT "aud" claim (a string or an array of strings) holds one of
 * want[0..n) (identity_jwks.c). */
bool host_jws_aud_has(const json_t *aud, const char *const *want, size_t n);

/* Checks a parsed Backstage user token at unix time `now` (identity_keys.c):
 * typ, ES256 signature with `key`, iss, aud, sub, iat/nbf (60 s skew), exp,
 * ent.  0 or SH_EINVAL with a reason in why. */
int host_user_token_check(const struct host_jws *j, EVP_PKEY *key, const char *issuer,
			  long long now, char *why, size_t whylen);

/* Checks a parsed limited user token (typ vnd.backstage.limited-user, as the
 * backstage-auth cookie carries): ES256 signature with `key`, sub, iat
 * (60 s skew), exp.  0 or SH_EINVAL with a reason in why. */
int host_limited_token_check(const struct host_jws *j, EVP_PKEY *key, long long now,
			     char *why, size_t whylen);

#endif
