/*
 * The guest provider (spec platform-apis §1.9): a proxy provider whose
 * /refresh signs in user:development/guest, owning only itself.  It serves
 * only when [features] auth is off or [auth] dangerously_allow_guest is set;
 * /start and /handler/frame answer 501, /logout 200.  Its literal routes
 * win over /:provider/... in the router.
 */
#include <stagehand/stagehand.h>

#include "flow.h"
#include "routes.h"

/* GET|POST /guest/refresh: the session JSON of §1.5 (profile {}, no providerInfo). */
int auth_route_guest_refresh(struct sh_req *req, void *state)
{
	struct auth *a = state;
	json_t *id;
	int rc;

	if (!a->guest)
		return sh_fail(req, 403, "NotAllowedError",
			       "The guest provider cannot be used outside of a development environment");
	rc = auth_session_identity(req, a, SH_GUEST_USER, json_pack("[s]", SH_GUEST_USER), &id);
	if (rc == SH_EDB)
		return sh_db_fail(req);
	if (rc != 0)
		return sh_fail(req, 500, "Error", "could not sign the identity token");
	return sh_reply_json(req, 200, json_pack("{s:{}, s:o}", "profile", "backstageIdentity", id));
}

/* GET /guest/start, GET|POST /guest/handler/frame */
int auth_route_guest_unsupported(struct sh_req *req, void *state)
{
	return sh_fail(req, 501, "NotImplementedError",
		       "This auth provider does not support this operation");
}

/* POST /guest/logout: nothing to clear for a proxy provider. */
int auth_route_guest_logout(struct sh_req *req, void *state)
{
	return sh_reply_empty(req, 200);
}
