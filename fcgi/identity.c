/*
 * Identity: turns the Authorization header (or, on user-cookie routes, the
 * backstage-auth cookie) into a verified caller and enforces each route's
 * sh_auth level before dispatch.  Backstage user tokens are verified by the
 * host (identity_keys.c), other JWTs against the configured IdP's JWKS
 * (identity_jwks.c); anything else goes to the plugin-installed verifier,
 * and without one it is refused, so a route is never open by accident.
 */
#include <string.h>
#include <strings.h>

#include "idp.h"
#include "req.h"

#define AUTH_COOKIE "backstage-auth"

int sh_identity_set_verifier(struct sh_host *host, sh_verifier_fn fn, void *state)
{
	if (!host->registering)
		return SH_ESTATE;
	if (!fn || host->verifier)
		return SH_EINVAL;
	host->verifier = fn;
	host->verifier_state = state;
	return 0;
}

/* The token of "Authorization: Bearer <token>", or NULL. */
static const char *bearer_token(const struct sh_req *req)
{
	const char *h = sh_req_header(req, "Authorization");

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

static const char *principal_name(enum sh_principal k)
{
	return k == SH_PRINCIPAL_SERVICE ? "service" : k == SH_PRINCIPAL_USER ? "user" : "none";
}

static int allowed(enum sh_auth need, enum sh_principal have)
{
	switch (need) {
	case SH_AUTH_NONE:        return 1;
	case SH_AUTH_USER:        return have == SH_PRINCIPAL_USER;
	case SH_AUTH_SERVICE:     return have == SH_PRINCIPAL_SERVICE;
	case SH_AUTH_ANY:
	case SH_AUTH_USER_COOKIE: return have != SH_PRINCIPAL_NONE;
	}
	return 0;
}

/*
 * Verifies one token: Backstage tokens first, then (for any other JWS) the
 * IdP, then the plugin verifier.  0 with *id filled, SH_EDENIED for a
 * genuine limited user token where limited access is not allowed, or
 * SH_EINVAL.
 */
static int verify_token(struct sh_req *req, const char *token, bool allow_limited,
			struct sh_identity *id, char *why, size_t whylen)
{
	struct sh_host *h = req->host;
	struct sh_jws j;
	int rc = host_identity_backstage(req, token, allow_limited, id, why, whylen);

	if (rc == 1 && sh_jws_parse(token, &j, why, whylen) == 0) {
		rc = host_identity_idp(req, &j, id, why, whylen);
		sh_jws_clear(&j);
	}
	if (rc != 1)
		return rc;
	if (!h->verifier) {
		snprintf(why, whylen, "not a token this host knows");
		return SH_EINVAL;
	}
	why[0] = '\0';
	rc = h->verifier(req, token, id, why, whylen, h->verifier_state);
	return rc == 0 && id->kind != SH_PRINCIPAL_NONE ? 0 : SH_EINVAL;
}

static void set_guest(struct sh_req *req)
{
	/* The guest owns itself, as the guest provider's tokens say. */
	static const char *const guest_ownership[] = { SH_GUEST_USER };

	req->ident.kind = SH_PRINCIPAL_USER;
	req->ident.subject = SH_GUEST_USER;
	req->ident.ownership = guest_ownership;
	req->ident.n_ownership = 1;
}

int host_identity_check(struct sh_req *req, enum sh_auth need)
{
	struct sh_identity id = { 0 };
	bool limited_ok = need == SH_AUTH_USER_COOKIE;
	const char *token;
	char why[160] = "";
	int rc;

	memset(&req->ident, 0, sizeof req->ident);
	if (!req->host->auth_enabled) {
		set_guest(req);
		return 0;
	}
	if (need == SH_AUTH_NONE)
		return 0;
	token = bearer_token(req);
	if (!token && limited_ok)
		token = sh_req_cookie(req, AUTH_COOKIE);
	if (!token || !*token)
		return sh_fail(req, 401, "AuthenticationError", "Missing credentials");
	if ((rc = verify_token(req, token, limited_ok, &id, why, sizeof why)) != 0) {
		sh_log(SH_LOG_DEBUG, "token refused: %s", why[0] ? why : "rejected");
		/* Backstage's DefaultAuthService words this one case apart. */
		return sh_fail(req, 401, "AuthenticationError",
			       rc == SH_EDENIED ? "Illegal limited user token" : "Invalid token");
	}
	id.token = token;
	req->ident = id;
	if (!allowed(need, id.kind))
		return sh_fail(req, 403, "NotAllowedError",
			       "This endpoint does not allow '%s' credentials",
			       principal_name(id.kind));
	return 0;
}
