/*
 * Backstage user tokens (spec platform-apis §1.6): ES256 with this
 * process's current key, claims iss, sub, ent, aud, iat, exp and uip (the
 * limited user token's signature).  A token that would not fit a proxy's
 * header buffer drops ent, as Backstage's default token has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/jose.h>
#include <stagehand/stagehand.h>

#include "auth.h"

/* The limited user token's signature (claim uip): same key, fixed key order. */
static int limited_signature(EVP_PKEY *key, const char *kid, const char *sub,
			     long long iat, long long exp, char *sig, size_t len)
{
	json_t *h = json_pack("{s:s, s:s, s:s}", "typ", "vnd.backstage.limited-user",
			      "alg", "ES256", "kid", kid);
	json_t *p = json_pack("{s:s, s:I, s:I}", "sub", sub, "iat", (json_int_t)iat,
			      "exp", (json_int_t)exp);
	char *tok = h && p ? sh_jws_sign_es256(key, h, p) : NULL;
	int rc = tok && snprintf(sig, len, "%s", strrchr(tok, '.') + 1) < (int)len ? 0 : SH_EINVAL;

	free(tok);
	json_decref(h);
	json_decref(p);
	return rc;
}

static bool too_long(const char *tok)
{
	return tok && strlen(tok) > AUTH_TOKEN_MAX;
}

/* The user token; too many ownership claims leave it without ent, so it
 * still fits a proxy's header buffer (the session response and
 * /v1/userinfo keep the full list). */
static char *sign_user_token(EVP_PKEY *key, const char *kid, json_t *p, const char *sub)
{
	json_t *h = json_pack("{s:s, s:s, s:s}", "typ", "vnd.backstage.user", "alg", "ES256",
			      "kid", kid);
	char *tok = sh_jws_sign_es256(key, h, p);

	if (too_long(tok)) {
		free(tok);
		sh_log(SH_LOG_NOTICE, "auth: %zu ownership claims leave the token of %s without ent",
		       json_array_size(json_object_get(p, "ent")), sub);
		json_object_del(p, "ent");
		tok = sh_jws_sign_es256(key, h, p);
	}
	if (too_long(tok)) {
		sh_log(SH_LOG_ERROR, "auth: the token of %s is too large even without ent", sub);
		free(tok);
		tok = NULL;
	}
	json_decref(h);
	return tok;
}

char *auth_issue_token(struct auth *a, const char *sub, json_t *ent, long long *iat,
		       long long *exp)
{
	char kid[AUTH_KID_LEN], uip[128], *tok = NULL;
	time_t born;
	EVP_PKEY *key = auth_keys_current(a, kid, &born);
	json_t *p;

	*iat = (long long)time(NULL);
	*exp = *iat + a->ttl;
	/* Its row expires 3 x ttl after the key was made: a token must not
	 * outlive it, even if rotation has been failing. */
	if (*exp > (long long)born + 3 * a->ttl) {
		sh_log(SH_LOG_ERROR, "auth: signing key too old and not rotated; refusing to sign");
	} else if (limited_signature(key, kid, sub, *iat, *exp, uip, sizeof uip) == 0) {
		p = json_pack("{s:s, s:s, s:O, s:s, s:I, s:I, s:s}", "iss", a->issuer, "sub", sub,
			      "ent", ent, "aud", "backstage", "iat", (json_int_t)*iat,
			      "exp", (json_int_t)*exp, "uip", uip);
		tok = sign_user_token(key, kid, p, sub);
		json_decref(p);
	}
	EVP_PKEY_free(key);
	return tok;
}
