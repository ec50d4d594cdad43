/*
 * GET /:provider/start (spec platform-apis §1.1-1.3), as Backstage's
 * createOAuthRouteHandlers runs it: checks env, origin and redirectUrl,
 * sets the nonce (and, for oidc, PKCE verifier) cookie and redirects to the
 * IdP with the state that the callback checks.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include <stagehand/alloc.h>
#include <stagehand/codec.h>
#include <stagehand/stagehand.h>

#include "flow.h"
#include "routes.h"

#define NONCE_MAX_AGE 600
#define NONCE_BYTES 16
#define VERIFIER_BYTES 32

/* Base64 (or base64url) of fresh random bytes, in the arena; NULL without randomness. */
static char *random_b64(struct sh_req *req, size_t bytes, unsigned variant)
{
	unsigned char b[VERIFIER_BYTES];
	char *out;

	if (bytes > sizeof b || RAND_bytes(b, (int)bytes) != 1)
		return NULL;
	out = sh_alloc(req, SH_BASE64_ENCODED_SIZE(bytes));
	sh_base64_encode(out, b, bytes, variant);
	return out;
}

/* The origin and redirectUrl queries must be allowed; *origin normalised. */
static int check_callers(struct sh_req *req, const struct auth_provider *p, const char **origin)
{
	const char *redirect = sh_req_query(req, "redirectUrl");

	if (*origin) {
		const char *kept = auth_flow_keep(req, auth_url_origin(*origin));

		if (!kept)
			return sh_fail(req, 400, "InputError", "Invalid origin '%s'", *origin);
		if (!auth_provider_origin_ok(p, kept))
			return sh_fail(req, 403, "NotAllowedError", "Origin '%s' is not allowed", kept);
		*origin = kept;
	}
	if (redirect && !auth_provider_url_ok(p, redirect))
		return sh_fail(req, 403, "NotAllowedError", "Redirect URL '%s' is not allowed",
			       redirect);
	return 0;
}

/* oidc, github: the required, configured, asked-for and already granted
 * scopes; openchoreo-auth: the configured scope. */
static const char *scope_of(struct sh_req *req, struct auth_provider *p)
{
	const char *lists[4] = { p->kind == AUTH_KIND_GITHUB ? AUTH_GITHUB_SCOPE :
				 AUTH_DEFAULT_SCOPE, p->scope };

	if (!auth_provider_persists_scope(p))
		return p->scope ? p->scope : AUTH_DEFAULT_SCOPE;
	lists[2] = sh_req_query(req, "scope");
	lists[3] = auth_flow_cookie(req, p, "granted-scope");
	return auth_flow_keep(req, auth_scope_union(lists, 4));
}

/* The hex state of this start (tied to the request); NULL when too long. */
static const char *state_of(struct sh_req *req, const struct auth_provider *p, const char *nonce,
			    const char *origin, const char *scope)
{
	struct auth_state st = {
		.nonce = (char *)nonce, .env = (char *)p->env, .origin = (char *)origin,
		.redirect_url = (char *)sh_req_query(req, "redirectUrl"),
		.flow = (char *)sh_req_query(req, "flow"),
		.scope = auth_provider_persists_scope(p) ? (char *)scope : NULL,
	};

	return auth_flow_keep(req, auth_state_encode(&st));
}

/* The authorize URL; for oidc also the PKCE verifier cookie. */
static int redirect_to_idp(struct sh_req *req, struct auth_provider *p, const char *scope,
			   const char *state, const char *nonce)
{
	char challenge[AUTH_PKCE_CHALLENGE_LEN];
	const char *verifier = NULL, *location;

	if (p->kind == AUTH_KIND_OIDC) {
		if (!(verifier = random_b64(req, VERIFIER_BYTES, SH_B64_URL)) ||
		    auth_pkce_challenge(verifier, challenge) != 0)
			return sh_fail(req, 500, "Error", "no randomness");
	}
	location = auth_flow_keep(req, auth_authorize_url(p, scope, state,
							  verifier ? challenge : NULL, nonce));
	if (!location)
		return sh_fail(req, 400, "InputError", "The sign-in request is too large");
	if (verifier)
		auth_flow_cookie_set(req, p, "pkce", verifier,
				     sh_printf(req, "%s/handler", p->cookie_path), NONCE_MAX_AGE);
	auth_flow_cookie_set(req, p, "nonce", nonce, sh_printf(req, "%s/handler", p->cookie_path),
			     NONCE_MAX_AGE);
	return auth_reply_redirect(req, location);
}

int auth_route_start(struct sh_req *req, void *state)
{
	const char *origin = sh_req_query(req, "origin"), *nonce, *scope, *st;
	struct auth_provider *p;
	struct auth_err e;
	int rc;

	if ((rc = auth_flow_provider(req, state, &p)) ||
	    (rc = auth_flow_env(req, p, sh_req_query(req, "env"))) ||
	    (rc = check_callers(req, p, &origin)))
		return rc;
	if (auth_idp_discover(p, &e) != 0)
		return auth_flow_fail(req, &e);
	if (!(nonce = random_b64(req, NONCE_BYTES, SH_B64_STD)))
		return sh_fail(req, 500, "Error", "no randomness");
	scope = scope_of(req, p);
	if (!(st = state_of(req, p, nonce, origin, scope)))
		return sh_fail(req, 400, "InputError", "The sign-in request is too large");
	return redirect_to_idp(req, p, scope, st, nonce);
}
