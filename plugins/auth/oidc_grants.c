/*
 * The token endpoint (spec platform-apis §1.8, §1.9): the
 * authorization_code and refresh_token grants (oidc authenticates with
 * client_secret_basic, openchoreo-auth with the secret in the form body),
 * oidc's id_token checks and userinfo, and OpenChoreo's pseudo refresh token
 * when its IdP issues no refresh token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/stagehand.h>

#include "auth.h"

#define PSEUDO_PREFIX "openchoreo-pseudo-refresh:"
#define PSEUDO_MIN_LEFT_S 60
#define FORM_MAX 65536
#define HEADER_MAX 8192

/* "Authorization: Basic <base64(form(id):form(secret))>" (RFC 6749 §2.3.1),
 * malloc'd, or NULL when too long. */
static char *basic_auth(const char *id, const char *secret)
{
	struct sh_buf pair, hdr;
	char *out = NULL;

	sh_buf_init(&pair, HEADER_MAX);
	sh_buf_init(&hdr, HEADER_MAX);
	/* id=secret, both form-encoded; an encoded id has no '=', so the first
	 * one is the separator, and RFC 6749 wants ':' there. */
	if (sh_buf_add_form(&pair, id, secret ? secret : "") == 0 &&
	    sh_buf_addstr(&hdr, "Authorization: Basic ") == 0) {
		*strchr(pair.data, '=') = ':';
		if (sh_buf_add_base64(&hdr, pair.data, pair.len, SH_B64_STD) == 0)
			out = sh_buf_take(&hdr, NULL);
	}
	sh_buf_free(&pair);
	sh_buf_free(&hdr);
	return out;
}

/* The answer's tokens into the session; 0 when there is an access token. */
static int take_tokens(const json_t *resp, struct auth_session *s)
{
	const json_t *ei = json_object_get(resp, "expires_in");

	s->access_token = sh_xstrdup(json_string_value(json_object_get(resp, "access_token")));
	s->id_token = sh_xstrdup(json_string_value(json_object_get(resp, "id_token")));
	s->refresh_token = sh_xstrdup(json_string_value(json_object_get(resp, "refresh_token")));
	s->scope = sh_xstrdup(json_string_value(json_object_get(resp, "scope")));
	s->expires_in = json_is_integer(ei) ? (long long)json_integer_value(ei) :
			json_is_string(ei) ? strtoll(json_string_value(ei), NULL, 10) : -1;
	return s->access_token ? 0 : SH_EINVAL;
}

/* POSTs a grant (body: its form pairs) to the token endpoint with the
 * client's credentials; fills the session's tokens. */
static int token_request(struct auth_provider *p, struct sh_buf *body, struct auth_session *s,
			 struct auth_err *e)
{
	const char *headers[3] = { "Content-Type: application/x-www-form-urlencoded", NULL, NULL };
	char *basic = NULL, why[384];
	json_t *resp = NULL;
	int rc = 0;

	if (p->kind == AUTH_KIND_OIDC) {   /* client_secret_basic, openid-client's default */
		headers[1] = basic = basic_auth(p->client_id, p->client_secret);
		rc = basic ? 0 : SH_ETOOBIG;
	} else {
		rc = sh_buf_add_form(body, "client_id", p->client_id);
		rc = rc ? rc : sh_buf_add_form(body, "client_secret",
					       p->client_secret ? p->client_secret : "");
	}
	if (rc != 0)
		return auth_err_set(e, 500, "Error", "the token request is too large");
	rc = auth_idp_fetch(p->token_url, headers, sh_buf_str(body), &resp, why, sizeof why);
	free(basic);
	if (rc != 0) {
		sh_log(SH_LOG_NOTICE, "auth: %s token request failed: %s", p->id, why);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to obtain access token; caused by Error: %s", why);
	}
	rc = take_tokens(resp, s);
	json_decref(resp);
	if (rc != 0)
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to obtain access token; no access_token in the answer");
	return 0;
}

static int fetch_userinfo(struct auth_provider *p, struct auth_session *s, struct auth_err *e)
{
	char *hdr, why[384];
	const char *headers[2] = { NULL, NULL };
	int rc;

	if (!p->userinfo_url)
		return 0;
	headers[0] = hdr = sh_xasprintf("Authorization: Bearer %s", s->access_token);
	rc = auth_idp_fetch(p->userinfo_url, headers, NULL, &s->userinfo, why, sizeof why);
	free(hdr);
	if (rc != 0)
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to fetch user info; caused by Error: %s", why);
	return 0;
}

/* oidc after a grant: the id_token's checks (required at sign-in), claims, userinfo. */
static int finish_oidc(struct auth_provider *p, const char *nonce, bool sign_in,
		       struct auth_session *s, struct auth_err *e)
{
	char why[256];

	if (!s->id_token) {
		if (sign_in)
			return auth_err_set(e, 401, "AuthenticationError",
					    "The identity provider returned no id_token");
	} else if (auth_idp_check_id_token(p, s->id_token, nonce, &s->claims, why, sizeof why)) {
		sh_log(SH_LOG_NOTICE, "auth: %s id_token rejected: %s", p->id, why);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Invalid id_token; caused by Error: %s", why);
	}
	if (!s->claims)
		s->claims = json_object();
	return fetch_userinfo(p, s, e);
}

/* After a grant: the claims the profile is built from (and the oidc checks);
 * openchoreo-auth without a refresh token gets the pseudo one. */
static int finish(struct auth_provider *p, const char *nonce, bool sign_in,
		  struct auth_session *s, struct auth_err *e)
{
	if (p->kind == AUTH_KIND_OIDC)
		return finish_oidc(p, nonce, sign_in, s, e);
	if (!(s->claims = auth_jwt_payload(s->access_token)) &&
	    !(s->claims = auth_jwt_payload(s->id_token)))
		s->claims = json_object();
	if (!s->refresh_token)
		s->refresh_token = sh_xasprintf("%s%s", PSEUDO_PREFIX, s->access_token);
	return 0;
}

int auth_code_grant_form(struct sh_buf *body, const struct auth_provider *p, const char *code)
{
	int rc = sh_buf_add_form(body, "grant_type", "authorization_code");

	rc = rc ? rc : sh_buf_add_form(body, "code", code);
	return rc ? rc : sh_buf_add_form(body, "redirect_uri", p->callback_url);
}

int auth_idp_exchange(struct auth_provider *p, const char *code, const char *verifier,
		      const char *nonce, struct auth_session *s, struct auth_err *e)
{
	struct sh_buf body;
	int rc;

	memset(s, 0, sizeof *s);
	sh_buf_init(&body, FORM_MAX);
	rc = auth_code_grant_form(&body, p, code);
	if (verifier)
		rc = rc ? rc : sh_buf_add_form(&body, "code_verifier", verifier);
	if (p->kind == AUTH_KIND_OPENCHOREO)
		rc = rc ? rc : sh_buf_add_form(&body, "scope", p->scope ? p->scope :
					       AUTH_DEFAULT_SCOPE);
	rc = rc ? auth_err_set(e, 400, "InputError", "the authorization code is too large") :
		  token_request(p, &body, s, e);
	sh_buf_free(&body);
	if (rc != 0)
		return rc;
	s->rotated = true;
	return finish(p, nonce, true, s, e);
}

/* The stored access token's claims if it is a JWT with exp that lives at
 * least PSEUDO_MIN_LEFT_S more; else NULL with the error in e. */
static json_t *pseudo_claims(const char *token, long long *left, struct auth_err *e)
{
	json_t *c = auth_jwt_payload(token);
	const json_t *exp = json_object_get(c, "exp");

	if (!c || !json_is_integer(exp)) {
		json_decref(c);
		auth_err_set(e, 401, "AuthenticationError", "Refresh failed; caused by Error: "
			     "the stored access token is not a JWT with exp");
		return NULL;
	}
	*left = (long long)json_integer_value(exp) - (long long)time(NULL);
	if (*left < PSEUDO_MIN_LEFT_S) {
		json_decref(c);
		auth_err_set(e, 401, "AuthenticationError",
			     "Refresh failed; caused by Error: Access token expired");
		return NULL;
	}
	return c;
}

/* OpenChoreo's pseudo refresh: the access token itself, while it lives. */
static int pseudo_refresh(struct auth_provider *p, const char *token, struct auth_session *s,
			  struct auth_err *e)
{
	long long left;
	json_t *c = pseudo_claims(token, &left, e);
	const char *jti, *scope;
	char why[256];

	if (!c)
		return SH_EINVAL;
	if (p->jwks_uri && auth_idp_verify(p, token, why, sizeof why) != 0) {
		json_decref(c);
		sh_log(SH_LOG_NOTICE, "auth: %s stored access token rejected: %s", p->id, why);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Refresh failed; caused by Error: invalid access token");
	}
	jti = json_string_value(json_object_get(c, "jti"));
	scope = json_string_value(json_object_get(c, "scope"));
	s->access_token = sh_xstrdup(token);
	s->id_token = sh_xstrdup(jti);
	s->scope = sh_xstrdup(scope ? scope : AUTH_DEFAULT_SCOPE);
	s->expires_in = left;
	s->claims = c;
	s->rotated = false;
	return 0;
}

/* Wraps e as "Refresh failed; caused by <name>: <message>". */
static int refresh_failed(struct auth_err *e)
{
	char msg[sizeof e->message];
	const char *name = e->name;

	snprintf(msg, sizeof msg, "%s", e->message);
	return auth_err_set(e, 401, "AuthenticationError", "Refresh failed; caused by %s: %s",
			    name, msg);
}

/* The refresh_token grant; the cookie is rewritten only when the IdP rotated it. */
static int refresh_grant(struct auth_provider *p, const char *value, const char *scope,
			 struct auth_session *s, struct auth_err *e)
{
	struct sh_buf body;
	int rc;

	sh_buf_init(&body, FORM_MAX);
	rc = sh_buf_add_form(&body, "grant_type", "refresh_token");
	rc = rc ? rc : sh_buf_add_form(&body, "refresh_token", value);
	if (scope && *scope)
		rc = rc ? rc : sh_buf_add_form(&body, "scope", scope);
	rc = rc ? auth_err_set(e, 400, "InputError", "the refresh token is too large") :
		  token_request(p, &body, s, e);
	sh_buf_free(&body);
	if (rc != 0)
		return refresh_failed(e);
	s->rotated = s->refresh_token && strcmp(s->refresh_token, value) != 0;
	if (!s->refresh_token)
		s->refresh_token = sh_xstrdup(value);
	return 0;
}

int auth_idp_refresh(struct auth_provider *p, const char *value, const char *scope,
		     struct auth_session *s, struct auth_err *e)
{
	memset(s, 0, sizeof *s);
	if (p->kind == AUTH_KIND_OPENCHOREO && !strncmp(value, PSEUDO_PREFIX, strlen(PSEUDO_PREFIX)))
		return pseudo_refresh(p, value + strlen(PSEUDO_PREFIX), s, e);
	if (refresh_grant(p, value, scope, s, e) != 0)
		return SH_EINVAL;
	if (finish(p, NULL, false, s, e) != 0)
		return refresh_failed(e);
	return 0;
}
