/*
 * The identity-provider side of the OAuth providers (spec platform-apis
 * §1.8, §1.9): OpenID discovery (lazy, cached), the authorization_code and
 * refresh_token grants, the IdP JWKS, RS256 id_token validation for `oidc`
 * (signature, iss, aud, exp, nonce) and OpenChoreo's pseudo refresh token
 * for `openchoreo-auth` when the IdP issues no refresh token.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <stagehand/stagehand.h>

#include "auth.h"
#include "jws.h"
#include "oauth.h"

#define DISCOVERY_RETRY_S 5     /* a failed discovery is retried after this */
#define JWKS_TTL_S 600          /* a JWKS is reused this long */
#define JWKS_REFETCH_S 10       /* an unknown kid refetches at most this often */
#define CLOCK_SKEW_S 60
#define PSEUDO_PREFIX "openchoreo-pseudo-refresh:"
#define PSEUDO_MIN_LEFT_S 60
#define DEFAULT_SCOPE "openid profile email"

int auth_err_set(struct auth_err *e, int status, const char *name, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->name = name;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return SH_EINVAL;
}

void auth_session_clear(struct auth_session *s)
{
	free(s->access_token);
	free(s->id_token);
	free(s->refresh_token);
	free(s->scope);
	json_decref(s->claims);
	json_decref(s->userinfo);
	memset(s, 0, sizeof *s);
}

/* GET or POST; *out is the parsed JSON object of a 2xx answer. */
static int fetch_json(const char *url, const char *const *headers, const char *body,
		      json_t **out, long *status, char *why, size_t whylen)
{
	struct sh_http_request rq = { .url = url, .headers = headers, .body = body,
				      .body_len = body ? strlen(body) : 0 };
	struct sh_http_response resp = { 0 };
	int rc = sh_http_do(&rq, &resp);

	*out = NULL;
	*status = resp.status;
	if (rc != 0) {
		snprintf(why, whylen, "%s: %s", url, resp.error[0] ? resp.error : sh_strerror(rc));
		sh_http_response_free(&resp);
		return rc;
	}
	*out = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		snprintf(why, whylen, "%s answered %ld without a JSON object", url, resp.status);
		sh_http_response_free(&resp);
		return SH_EINVAL;
	}
	sh_http_response_free(&resp);
	if (*status < 200 || *status > 299) {
		const char *err = json_string_value(json_object_get(*out, "error"));
		const char *desc = json_string_value(json_object_get(*out, "error_description"));

		snprintf(why, whylen, "%s answered %ld%s%s%s%s", url, *status, err ? ": " : "",
			 err ? err : "", desc ? ", " : "", desc ? desc : "");
		return SH_EINVAL;
	}
	return 0;
}

static char *dup_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strdup(s) : NULL;
}

static char *url_origin_join(const char *url, const char *path)
{
	char *origin = auth_url_origin(url), *out = NULL;
	size_t n;

	if (origin && (out = malloc((n = strlen(origin) + strlen(path) + 1))))
		snprintf(out, n, "%s%s", origin, path);
	free(origin);
	return out;
}

int auth_idp_discover(struct auth_provider *p, struct auth_err *e)
{
	char *url = NULL, why[384];
	json_t *doc = NULL;
	long status;
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	if (p->discovered)
		goto out;
	if (p->discovery_tried && time(NULL) - p->discovery_tried < DISCOVERY_RETRY_S) {
		rc = auth_err_set(e, 503, "ServiceUnavailableError",
				  "The identity provider of '%s' is unavailable", p->id);
		goto out;
	}
	p->discovery_tried = time(NULL);
	url = p->metadata_url ? strdup(p->metadata_url) :
	      p->conf_token_url ? url_origin_join(p->conf_token_url,
						  "/.well-known/openid-configuration") : NULL;
	if (url && fetch_json(url, NULL, NULL, &doc, &status, why, sizeof why) != 0) {
		sh_log(SH_LOG_WARN, "auth: %s discovery failed: %s", p->id, why);
		json_decref(doc);
		doc = NULL;
		if (p->kind == AUTH_KIND_OIDC || !p->conf_authorize_url || !p->conf_token_url) {
			rc = auth_err_set(e, 503, "ServiceUnavailableError",
					  "The identity provider of '%s' is unavailable", p->id);
			goto out;
		}
	}
	p->authorize_url = p->conf_authorize_url ? strdup(p->conf_authorize_url) :
			   dup_str(doc, "authorization_endpoint");
	p->token_url = p->conf_token_url ? strdup(p->conf_token_url) :
		       dup_str(doc, "token_endpoint");
	p->jwks_uri = dup_str(doc, "jwks_uri");
	p->userinfo_url = dup_str(doc, "userinfo_endpoint");
	p->issuer = dup_str(doc, "issuer");
	if (!p->authorize_url || !p->token_url ||
	    (p->kind == AUTH_KIND_OIDC && (!p->jwks_uri || !p->issuer))) {
		sh_log(SH_LOG_WARN, "auth: %s: no authorization or token endpoint (or, for oidc, "
		       "no issuer or jwks_uri) in configuration or discovery", p->id);
		free(p->authorize_url);
		free(p->token_url);
		free(p->jwks_uri);
		free(p->userinfo_url);
		free(p->issuer);
		p->authorize_url = p->token_url = p->jwks_uri = p->userinfo_url = p->issuer = NULL;
		rc = auth_err_set(e, 503, "ServiceUnavailableError",
				  "The identity provider of '%s' is not usable", p->id);
		goto out;
	}
	p->discovered = true;
out:
	pthread_mutex_unlock(&p->lock);
	json_decref(doc);
	free(url);
	return rc;
}

json_t *auth_jwt_payload(const char *token)
{
	struct host_jws j;
	char why[128];
	json_t *p;

	if (!token || host_jws_parse(token, &j, why, sizeof why) != 0)
		return NULL;
	p = json_incref(j.payload);
	host_jws_clear(&j);
	return p;
}

static EVP_PKEY *find_key(struct auth_provider *p, const char *kid)
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
	return hit ? host_jwk_to_key(hit, HOST_JWS_RS256) : NULL;
}

/* The IdP key for kid, refetching the JWKS when stale or the kid is new. */
static EVP_PKEY *idp_key(struct auth_provider *p, const char *kid, char *why, size_t whylen)
{
	EVP_PKEY *key = NULL;
	json_t *doc;
	long status;
	time_t now = time(NULL);

	pthread_mutex_lock(&p->lock);
	if (p->jwks && now - p->jwks_at < JWKS_TTL_S && (key = find_key(p, kid)))
		goto out;
	if (!p->jwks_uri) {
		snprintf(why, whylen, "the identity provider publishes no JWKS");
		goto out;
	}
	if (p->jwks && now - p->jwks_at < JWKS_REFETCH_S) {
		snprintf(why, whylen, "no identity provider key for this token");
		goto out;
	}
	if (fetch_json(p->jwks_uri, NULL, NULL, &doc, &status, why, whylen) != 0) {
		json_decref(doc);
		goto out;
	}
	json_decref(p->jwks);
	p->jwks = doc;
	p->jwks_at = now;
	if (!(key = find_key(p, kid)))
		snprintf(why, whylen, "no identity provider key for this token");
out:
	pthread_mutex_unlock(&p->lock);
	return key;
}

int auth_idp_verify(struct auth_provider *p, const char *token, char *why, size_t whylen)
{
	struct host_jws j;
	EVP_PKEY *key;
	int rc;

	if (host_jws_parse(token, &j, why, whylen) != 0)
		return SH_EINVAL;
	key = idp_key(p, json_string_value(json_object_get(j.header, "kid")), why, whylen);
	rc = key ? host_jws_verify(&j, HOST_JWS_RS256, key, why, whylen) : SH_EINVAL;
	EVP_PKEY_free(key);
	host_jws_clear(&j);
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

/* The OIDC checks of an id_token; nonce NULL on refresh. */
static int check_id_token(struct auth_provider *p, const char *token, const char *nonce,
			  json_t **claims, char *why, size_t whylen)
{
	json_t *c;
	const json_t *exp, *iat;
	long long now = (long long)time(NULL);
	const char *iss, *tn;

	*claims = NULL;
	if (auth_idp_verify(p, token, why, whylen) != 0)
		return SH_EINVAL;
	if (!(c = auth_jwt_payload(token))) {
		snprintf(why, whylen, "id_token is not a JWT");
		return SH_EINVAL;
	}
	iss = json_string_value(json_object_get(c, "iss"));
	exp = json_object_get(c, "exp");
	iat = json_object_get(c, "iat");
	tn = json_string_value(json_object_get(c, "nonce"));
	if (!iss || strcmp(iss, p->issuer))
		snprintf(why, whylen, "unexpected iss value");
	else if (!aud_has(json_object_get(c, "aud"), p->client_id))
		snprintf(why, whylen, "aud is missing the client_id");
	else if (!json_is_integer(exp) || json_integer_value(exp) + CLOCK_SKEW_S <= now)
		snprintf(why, whylen, "id_token expired");
	else if (!json_is_integer(iat) || json_integer_value(iat) > now + CLOCK_SKEW_S)
		snprintf(why, whylen, "id_token iat is missing or in the future");
	else if (nonce && (!tn || strcmp(tn, nonce)))
		snprintf(why, whylen, "nonce mismatch");
	else {
		*claims = c;
		return 0;
	}
	json_decref(c);
	return SH_EINVAL;
}

static char *basic_auth(const char *id, const char *secret)
{
	char *eid = auth_form_value(id), *esec = auth_form_value(secret ? secret : "");
	char *pair = NULL, *out = NULL;
	size_t n;

	if (eid && esec && (pair = malloc((n = strlen(eid) + strlen(esec) + 2)))) {
		snprintf(pair, n, "%s:%s", eid, esec);
		n = strlen(pair);
		if ((out = malloc(sizeof "Authorization: Basic " + 4 * ((n + 2) / 3) + 1))) {
			memcpy(out, "Authorization: Basic ", sizeof "Authorization: Basic ");
			EVP_EncodeBlock((unsigned char *)out + strlen(out),
					(const unsigned char *)pair, (int)n);
		}
	}
	free(eid);
	free(esec);
	free(pair);
	return out;
}

/* Appends "&key=value" (form-encoded) to *body. */
static int form_add(char **body, const char *key, const char *value)
{
	char *v = auth_form_value(value), *n;
	size_t len;

	if (!v)
		return SH_EINVAL;
	len = (*body ? strlen(*body) : 0) + strlen(key) + strlen(v) + 3;
	n = malloc(len);
	if (n)
		snprintf(n, len, "%s%s%s=%s", *body ? *body : "", *body ? "&" : "", key, v);
	free(v);
	free(*body);
	*body = n;
	return n ? 0 : SH_EINVAL;
}

/* POSTs a grant to the token endpoint; fills the session's tokens. */
static int token_request(struct auth_provider *p, char *body, struct auth_session *s,
			 struct auth_err *e)
{
	const char *headers[3] = { "Content-Type: application/x-www-form-urlencoded", NULL, NULL };
	char *basic = NULL, why[384];
	json_t *resp = NULL;
	const json_t *ei;
	long status;
	int rc;

	if (p->kind == AUTH_KIND_OIDC) {
		/* client_secret_basic, openid-client's default */
		if (!(basic = basic_auth(p->client_id, p->client_secret))) {
			free(body);
			return auth_err_set(e, 500, "Error", "out of memory");
		}
		headers[1] = basic;
	} else if (form_add(&body, "client_id", p->client_id) != 0 ||
		   form_add(&body, "client_secret", p->client_secret ? p->client_secret : "") != 0) {
		free(body);
		return auth_err_set(e, 500, "Error", "out of memory");
	}
	rc = fetch_json(p->token_url, headers, body, &resp, &status, why, sizeof why);
	free(basic);
	free(body);
	if (rc != 0) {
		sh_log(SH_LOG_NOTICE, "auth: %s token request failed: %s", p->id, why);
		json_decref(resp);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to obtain access token; caused by Error: %s", why);
	}
	s->access_token = dup_str(resp, "access_token");
	s->id_token = dup_str(resp, "id_token");
	s->refresh_token = dup_str(resp, "refresh_token");
	s->scope = dup_str(resp, "scope");
	ei = json_object_get(resp, "expires_in");
	s->expires_in = json_is_integer(ei) ? (long long)json_integer_value(ei) :
			json_is_string(ei) ? strtoll(json_string_value(ei), NULL, 10) : -1;
	json_decref(resp);
	if (!s->access_token)
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to obtain access token; no access_token in the answer");
	return 0;
}

static int fetch_userinfo(struct auth_provider *p, struct auth_session *s, struct auth_err *e)
{
	char *hdr, why[384];
	const char *headers[2] = { NULL, NULL };
	long status;
	size_t n = strlen(s->access_token) + sizeof "Authorization: Bearer ";
	int rc;

	if (!p->userinfo_url)
		return 0;
	if (!(hdr = malloc(n)))
		return auth_err_set(e, 500, "Error", "out of memory");
	snprintf(hdr, n, "Authorization: Bearer %s", s->access_token);
	headers[0] = hdr;
	rc = fetch_json(p->userinfo_url, headers, NULL, &s->userinfo, &status, why, sizeof why);
	free(hdr);
	if (rc != 0) {
		json_decref(s->userinfo);
		s->userinfo = NULL;
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to fetch user info; caused by Error: %s", why);
	}
	return 0;
}

/* After a grant: the claims the profile is built from (and the oidc checks). */
static int finish(struct auth_provider *p, const char *nonce, bool sign_in,
		  struct auth_session *s, struct auth_err *e)
{
	char why[256];

	if (p->kind == AUTH_KIND_OIDC) {
		if (!s->id_token) {
			if (sign_in)
				return auth_err_set(e, 401, "AuthenticationError",
						    "The identity provider returned no id_token");
		} else if (check_id_token(p, s->id_token, nonce, &s->claims, why, sizeof why)) {
			sh_log(SH_LOG_NOTICE, "auth: %s id_token rejected: %s", p->id, why);
			return auth_err_set(e, 401, "AuthenticationError",
					    "Invalid id_token; caused by Error: %s", why);
		}
		if (!s->claims)
			s->claims = json_object();
		return fetch_userinfo(p, s, e);
	}
	if (!(s->claims = auth_jwt_payload(s->access_token)) &&
	    !(s->claims = auth_jwt_payload(s->id_token)))
		s->claims = json_object();
	if (!s->refresh_token) {
		size_t n = strlen(s->access_token) + sizeof PSEUDO_PREFIX;

		if (!(s->refresh_token = malloc(n)))
			return auth_err_set(e, 500, "Error", "out of memory");
		snprintf(s->refresh_token, n, "%s%s", PSEUDO_PREFIX, s->access_token);
	}
	return 0;
}

int auth_idp_exchange(struct auth_provider *p, const char *code, const char *verifier,
		      const char *nonce, struct auth_session *s, struct auth_err *e)
{
	char *body = NULL;
	int rc;

	memset(s, 0, sizeof *s);
	if (form_add(&body, "grant_type", "authorization_code") != 0 ||
	    form_add(&body, "code", code) != 0 ||
	    form_add(&body, "redirect_uri", p->callback_url) != 0 ||
	    (verifier && form_add(&body, "code_verifier", verifier) != 0) ||
	    (p->kind == AUTH_KIND_OPENCHOREO &&
	     form_add(&body, "scope", p->scope ? p->scope : DEFAULT_SCOPE) != 0)) {
		free(body);
		return auth_err_set(e, 500, "Error", "out of memory");
	}
	if ((rc = token_request(p, body, s, e)) != 0)
		return rc;
	s->rotated = true;
	return finish(p, nonce, true, s, e);
}

/* OpenChoreo's pseudo refresh: the access token itself, while it lives. */
static int pseudo_refresh(struct auth_provider *p, const char *token, struct auth_session *s,
			  struct auth_err *e)
{
	json_t *c = auth_jwt_payload(token);
	const json_t *exp = json_object_get(c, "exp");
	const char *jti = json_string_value(json_object_get(c, "jti"));
	const char *scope = json_string_value(json_object_get(c, "scope"));
	long long left;
	char why[256];

	if (!c || !json_is_integer(exp)) {
		json_decref(c);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Refresh failed; caused by Error: the stored access token "
				    "is not a JWT with exp");
	}
	left = (long long)json_integer_value(exp) - (long long)time(NULL);
	if (left < PSEUDO_MIN_LEFT_S) {
		json_decref(c);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Refresh failed; caused by Error: Access token expired");
	}
	if (p->jwks_uri && auth_idp_verify(p, token, why, sizeof why) != 0) {
		json_decref(c);
		sh_log(SH_LOG_NOTICE, "auth: %s stored access token rejected: %s", p->id, why);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Refresh failed; caused by Error: invalid access token");
	}
	s->access_token = strdup(token);
	s->id_token = jti ? strdup(jti) : NULL;
	s->scope = strdup(scope ? scope : DEFAULT_SCOPE);
	s->expires_in = left;
	s->claims = c;
	s->rotated = false;
	return s->access_token && s->scope ? 0 : auth_err_set(e, 500, "Error", "out of memory");
}

int auth_idp_refresh(struct auth_provider *p, const char *value, const char *scope,
		     struct auth_session *s, struct auth_err *e)
{
	char *body = NULL;
	int rc;

	memset(s, 0, sizeof *s);
	if (p->kind == AUTH_KIND_OPENCHOREO && !strncmp(value, PSEUDO_PREFIX, strlen(PSEUDO_PREFIX)))
		return pseudo_refresh(p, value + strlen(PSEUDO_PREFIX), s, e);
	if (form_add(&body, "grant_type", "refresh_token") != 0 ||
	    form_add(&body, "refresh_token", value) != 0 ||
	    (scope && *scope && form_add(&body, "scope", scope) != 0)) {
		free(body);
		return auth_err_set(e, 500, "Error", "out of memory");
	}
	if ((rc = token_request(p, body, s, e)) != 0) {
		char msg[sizeof e->message];
		const char *name = e->name;

		snprintf(msg, sizeof msg, "%s", e->message);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Refresh failed; caused by %s: %s", name, msg);
	}
	s->rotated = s->refresh_token && strcmp(s->refresh_token, value) != 0;
	if (!s->refresh_token && !(s->refresh_token = strdup(value)))
		return auth_err_set(e, 500, "Error", "out of memory");
	if ((rc = finish(p, NULL, false, s, e)) != 0) {
		char msg[sizeof e->message];
		const char *name = e->name;

		snprintf(msg, sizeof msg, "%s", e->message);
		return auth_err_set(e, 401, "AuthenticationError",
				    "Refresh failed; caused by %s: %s", name, msg);
	}
	return 0;
}

void auth_provider_fini(struct auth_provider *p)
{
	free(p->authorize_url);
	free(p->token_url);
	free(p->jwks_uri);
	free(p->userinfo_url);
	free(p->issuer);
	json_decref(p->jwks);
	free(p->callback_url);
	free(p->cookie_path);
	free(p->app_origin);
	memset(p, 0, sizeof *p);
}
