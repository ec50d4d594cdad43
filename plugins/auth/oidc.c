/*
 * The identity provider's documents (spec platform-apis §1.8, §1.9): JSON
 * over HTTP with the IdP's error fields in the reason, and OpenID discovery
 * (lazy, cached, retried at most every few seconds).  Configured endpoints
 * win over discovered ones; openchoreo-auth can run on configured endpoints
 * alone.  Token grants are in oidc_grants.c, signatures in oidc_verify.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "auth.h"

#define DISCOVERY_RETRY_S 5     /* a failed discovery is retried after this */

/* A non-2xx answer's reason: status and the OAuth error fields. */
static void status_reason(const char *url, long status, const json_t *doc, char *why,
			  size_t whylen)
{
	const char *err = json_string_value(json_object_get(doc, "error"));
	const char *desc = json_string_value(json_object_get(doc, "error_description"));

	snprintf(why, whylen, "%s answered %ld%s%s%s%s", url, status, err ? ": " : "",
		 err ? err : "", desc ? ", " : "", desc ? desc : "");
}

int auth_idp_fetch(const char *url, const char *const *headers, const char *body, json_t **out,
		   char *why, size_t whylen)
{
	struct sh_http_request rq = { .url = url, .headers = headers, .body = body,
				      .body_len = body ? strlen(body) : 0 };
	struct sh_http_response resp = { 0 };
	int rc = sh_http_do(&rq, &resp);

	*out = NULL;
	if (rc != 0) {
		snprintf(why, whylen, "%s: %s", url, resp.error[0] ? resp.error : sh_strerror(rc));
	} else if (!(*out = resp.body ? json_loads(resp.body, 0, NULL) : NULL) ||
		   !json_is_object(*out)) {
		snprintf(why, whylen, "%s answered %ld without a JSON object", url, resp.status);
		rc = SH_EINVAL;
	} else if (resp.status < 200 || resp.status > 299) {
		status_reason(url, resp.status, *out, why, whylen);
		rc = SH_EINVAL;
	}
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	sh_http_response_free(&resp);
	return rc;
}

static char *dup_str(const json_t *o, const char *key)
{
	return sh_xstrdup(json_string_value(json_object_get(o, key)));
}

/* The discovery document's URL: configured, else the token URL's origin's. */
static char *discovery_url(const struct auth_provider *p)
{
	char *origin, *url;

	if (p->metadata_url)
		return sh_xstrdup(p->metadata_url);
	if (!(origin = auth_url_origin(p->conf_token_url)))
		return NULL;
	url = sh_xasprintf("%s/.well-known/openid-configuration", origin);
	free(origin);
	return url;
}

static void drop_endpoints(struct auth_provider *p)
{
	free(p->authorize_url);
	free(p->token_url);
	free(p->jwks_uri);
	free(p->userinfo_url);
	free(p->issuer);
	p->authorize_url = p->token_url = p->jwks_uri = p->userinfo_url = p->issuer = NULL;
}

/* Configured endpoints, else the document's (doc may be NULL); false when
 * a required one is missing. */
static bool take_endpoints(struct auth_provider *p, const json_t *doc)
{
	p->authorize_url = p->conf_authorize_url ? sh_xstrdup(p->conf_authorize_url) :
			   dup_str(doc, "authorization_endpoint");
	p->token_url = p->conf_token_url ? sh_xstrdup(p->conf_token_url) :
		       dup_str(doc, "token_endpoint");
	p->jwks_uri = dup_str(doc, "jwks_uri");
	p->userinfo_url = dup_str(doc, "userinfo_endpoint");
	p->issuer = dup_str(doc, "issuer");
	if (p->authorize_url && p->token_url &&
	    (p->kind != AUTH_KIND_OIDC || (p->jwks_uri && p->issuer)))
		return true;
	sh_log(SH_LOG_WARN, "auth: %s: no authorization or token endpoint (or, for oidc, "
	       "no issuer or jwks_uri) in configuration or discovery", p->id);
	drop_endpoints(p);
	return false;
}

/* Fetches the document; a failure is fatal unless openchoreo-auth has
 * both endpoints configured (*doc stays NULL then). */
static int fetch_discovery(struct auth_provider *p, json_t **doc)
{
	char *url = discovery_url(p), why[384];
	int rc = 0;

	*doc = NULL;
	if (url && auth_idp_fetch(url, NULL, NULL, doc, why, sizeof why) != 0) {
		sh_log(SH_LOG_WARN, "auth: %s discovery failed: %s", p->id, why);
		if (p->kind == AUTH_KIND_OIDC || !p->conf_authorize_url || !p->conf_token_url)
			rc = SH_EUNAVAIL;
	}
	free(url);
	return rc;
}

int auth_idp_discover(struct auth_provider *p, struct auth_err *e)
{
	json_t *doc = NULL;
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
	if (fetch_discovery(p, &doc) != 0)
		rc = auth_err_set(e, 503, "ServiceUnavailableError",
				  "The identity provider of '%s' is unavailable", p->id);
	else if (!take_endpoints(p, doc))
		rc = auth_err_set(e, 503, "ServiceUnavailableError",
				  "The identity provider of '%s' is not usable", p->id);
	else
		p->discovered = true;
out:
	pthread_mutex_unlock(&p->lock);
	json_decref(doc);
	return rc;
}
