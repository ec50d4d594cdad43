/*
 * Identity: turns the Authorization header into a verified caller and
 * enforces each route's sh_auth level before dispatch.  Backstage user tokens
 * are verified by the host itself (identity_keys.c); any other token goes to
 * the plugin-installed verifier, and without one it is refused, so a route
 * that needs a caller is never open by accident.
 */
#include <string.h>
#include <strings.h>

#include "req.h"

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
	case SH_AUTH_NONE:    return 1;
	case SH_AUTH_USER:    return have == SH_PRINCIPAL_USER;
	case SH_AUTH_SERVICE: return have == SH_PRINCIPAL_SERVICE;
	case SH_AUTH_ANY:     return have != SH_PRINCIPAL_NONE;
	}
	return 0;
}

int host_identity_check(struct sh_req *req, enum sh_auth need)
{
	struct sh_host *h = req->host;
	struct sh_identity id = { 0 };
	const char *token;
	char why[160] = "";
	int rc;

	memset(&req->ident, 0, sizeof req->ident);
	if (!h->auth_enabled) {
		/* The guest owns itself, as the guest provider's tokens say. */
		static const char *const guest_ownership[] = { SH_GUEST_USER };

		req->ident.kind = SH_PRINCIPAL_USER;
		req->ident.subject = SH_GUEST_USER;
		req->ident.ownership = guest_ownership;
		req->ident.n_ownership = 1;
		return 0;
	}
	if (need == SH_AUTH_NONE)
		return 0;
	token = bearer_token(req);
	if (!token)
		return sh_fail(req, 401, "AuthenticationError", "Missing credentials");
	/* Backstage user tokens first; anything else is the plugin verifier's. */
	rc = host_identity_backstage(req, token, &id, why, sizeof why);
	if (rc == 1 && !h->verifier) {
		sh_log(SH_LOG_DEBUG, "token refused: no verifier installed");
		return sh_fail(req, 401, "AuthenticationError", "Invalid token");
	}
	if (rc == 1) {
		why[0] = '\0';
		rc = h->verifier(req, token, &id, why, sizeof why, h->verifier_state);
	}
	if (rc != 0 || id.kind == SH_PRINCIPAL_NONE) {
		sh_log(SH_LOG_DEBUG, "token refused: %s", why[0] ? why : "rejected");
		return sh_fail(req, 401, "AuthenticationError", "Invalid token");
	}
	id.token = token;
	req->ident = id;
	if (!allowed(need, id.kind))
		return sh_fail(req, 403, "NotAllowedError",
			       "This endpoint does not allow '%s' credentials",
			       principal_name(id.kind));
	return 0;
}
