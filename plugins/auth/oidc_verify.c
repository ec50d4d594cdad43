/*
 * Signatures from the identity provider (spec platform-apis §1.8): the
 * IdP's JWKS (cached, refetched when stale or for an unknown kid, at most
 * every few seconds), RS256 verification, and the OpenID checks of an
 * id_token (iss, aud, exp, iat, nonce).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/jose.h>
#include <stagehand/stagehand.h>

#include "auth.h"

#define JWKS_TTL_S 600          /* a JWKS is reused this long */
#define JWKS_REFETCH_S 10       /* an unknown kid refetches at most this often */
#define CLOCK_SKEW_S 60

json_t *auth_jwt_payload(const char *token)
{
	struct sh_jws j;
	char why[128];
	json_t *p;

	if (!token || sh_jws_parse(token, &j, why, sizeof why) != 0)
		return NULL;
	p = json_incref(j.payload);
	sh_jws_clear(&j);
	return p;
}

/* The RSA key kid names in the cached JWKS; without a kid, the only one. */
static EVP_PKEY *find_key(const struct auth_provider *p, const char *kid)
{
	json_t *keys = json_object_get(p->jwks, "keys"), *k, *hit = NULL;
	size_t i, n = 0;

	json_array_foreach(keys, i, k) {
		const char *kty = json_string_value(json_object_get(k, "kty"));
		const char *id = json_string_value(json_object_get(k, "kid"));

		if (!kty || strcmp(kty, "RSA"))
			continue;
		n++;
		if (kid ? (id && !strcmp(id, kid)) : n == 1)
			hit = k;
	}
	if (!kid && n != 1)
		hit = NULL;
	return hit ? sh_jwk_to_key(hit, SH_JWS_RS256) : NULL;
}

/* Refetches the JWKS (p->lock held); false with a reason. */
static bool refetch_jwks(struct auth_provider *p, time_t now, char *why, size_t whylen)
{
	json_t *doc;

	if (!p->jwks_uri) {
		snprintf(why, whylen, "the identity provider publishes no JWKS");
		return false;
	}
	if (p->jwks && now - p->jwks_at < JWKS_REFETCH_S) {
		snprintf(why, whylen, "no identity provider key for this token");
		return false;
	}
	if (auth_idp_fetch(p->jwks_uri, NULL, NULL, &doc, why, whylen) != 0)
		return false;
	json_decref(p->jwks);
	p->jwks = doc;
	p->jwks_at = now;
	return true;
}

/* The IdP key for kid, refetching the JWKS when stale or the kid is new. */
static EVP_PKEY *idp_key(struct auth_provider *p, const char *kid, char *why, size_t whylen)
{
	EVP_PKEY *key = NULL;
	time_t now = time(NULL);

	pthread_mutex_lock(&p->lock);
	if (!(p->jwks && now - p->jwks_at < JWKS_TTL_S && (key = find_key(p, kid))) &&
	    refetch_jwks(p, now, why, whylen) && !(key = find_key(p, kid)))
		snprintf(why, whylen, "no identity provider key for this token");
	pthread_mutex_unlock(&p->lock);
	return key;
}

int auth_idp_verify(struct auth_provider *p, const char *token, char *why, size_t whylen)
{
	struct sh_jws j;
	EVP_PKEY *key;
	int rc;

	if (sh_jws_parse(token, &j, why, whylen) != 0)
		return SH_EINVAL;
	key = idp_key(p, json_string_value(json_object_get(j.header, "kid")), why, whylen);
	rc = key ? sh_jws_verify(&j, SH_JWS_RS256, key, why, whylen) : SH_EINVAL;
	EVP_PKEY_free(key);
	sh_jws_clear(&j);
	return rc;
}

static bool aud_has(const json_t *aud, const char *want)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), want);
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), want))
			return true;
	return false;
}

/* The claims' checks; NULL when they pass, else the reason. */
static const char *claims_problem(const struct auth_provider *p, const json_t *c,
				  const char *nonce)
{
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *tn = json_string_value(json_object_get(c, "nonce"));
	const json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");
	long long now = (long long)time(NULL);

	if (!iss || strcmp(iss, p->issuer))
		return "unexpected iss value";
	if (!aud_has(json_object_get(c, "aud"), p->client_id))
		return "aud is missing the client_id";
	if (!json_is_integer(exp) || json_integer_value(exp) + CLOCK_SKEW_S <= now)
		return "id_token expired";
	if (!json_is_integer(iat) || json_integer_value(iat) > now + CLOCK_SKEW_S)
		return "id_token iat is missing or in the future";
	if (nonce && (!tn || strcmp(tn, nonce)))
		return "nonce mismatch";
	return NULL;
}

int auth_idp_check_id_token(struct auth_provider *p, const char *token, const char *nonce,
			    json_t **claims, char *why, size_t whylen)
{
	const char *problem;
	json_t *c;

	*claims = NULL;
	if (auth_idp_verify(p, token, why, whylen) != 0)
		return SH_EINVAL;
	if (!(c = auth_jwt_payload(token))) {
		snprintf(why, whylen, "id_token is not a JWT");
		return SH_EINVAL;
	}
	if ((problem = claims_problem(p, c, nonce))) {
		snprintf(why, whylen, "%s", problem);
		json_decref(c);
		return SH_EINVAL;
	}
	*claims = c;
	return 0;
}
