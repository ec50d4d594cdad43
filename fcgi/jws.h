/*
 * The host's side of JOSE: <stagehand/jose.h> (parse, verify, sign, JWK),
 * which plugins see, plus what only the host needs: ECDSA signature forms,
 * the algorithm a JWK pins, and the Backstage token claim checks.
 */
#ifndef STAGEHAND_JWS_H
#define STAGEHAND_JWS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <openssl/evp.h>

#include <stagehand/jose.h>

#define HOST_ES256_SIG_LEN 64      /* raw r||s */

/* ECDSA signature forms: DER (OpenSSL) and JOSE raw r||s for P-256. */
int host_ecdsa_der_to_raw(const unsigned char *der, size_t len,
			  unsigned char raw[HOST_ES256_SIG_LEN]);
int host_ecdsa_raw_to_der(const unsigned char raw[HOST_ES256_SIG_LEN],
			  unsigned char **der, size_t *len);

/* The algorithm a JWK pins: its "alg" (RS256 or ES256), else RS256 for
 * kty RSA and ES256 for kty EC.  0 when the key is of no usable kind. */
enum sh_jws_alg host_jwk_alg(const json_t *jwk);

/* Whether a JWT "aud" claim (a string or an array of strings) holds one of
 * want[0..n) (identity_jwks.c). */
bool host_jws_aud_has(const json_t *aud, const char *const *want, size_t n);

/* Checks a parsed Backstage user token at unix time `now` (identity_keys.c):
 * typ, ES256 signature with `key`, iss, aud, sub, iat/nbf (60 s skew), exp,
 * ent.  0 or SH_EINVAL with a reason in why. */
int host_user_token_check(const struct sh_jws *j, EVP_PKEY *key, const char *issuer,
			  long long now, char *why, size_t whylen);

/* Checks a parsed limited user token (typ vnd.backstage.limited-user, as the
 * backstage-auth cookie carries): ES256 signature with `key`, sub, iat
 * (60 s skew), exp.  0 or SH_EINVAL with a reason in why. */
int host_limited_token_check(const struct sh_jws *j, EVP_PKEY *key, long long now,
			     char *why, size_t whylen);

#endif
