/*
 * The guest provider (spec platform-apis §1.9): a proxy provider whose
 * /refresh signs in user:development/guest, owning only itself.  It serves
 * only when [features] auth is off or [auth] dangerously_allow_guest is set;
 * /start and /handler/frame answer 501, /logout 200.
 */
#include <stdlib.h>

#include <libpq-fe.h>

#include "auth.h"

/* Records the claims /v1/userinfo answers for this user (also oauth.c). */
int auth_store_user_info(struct sh_req *req, const char *sub, json_t *ent)
{
	json_t *info = json_pack("{s:{s:s, s:O}}", "claims", "sub", sub, "ent", ent);
	char *text = json_dumps(info, JSON_COMPACT);
	const char *params[2] = { sub, text };
	PGresult *r = text ? sh_db_query(req,
		"INSERT INTO auth.user_info (user_entity_ref, user_info) VALUES ($1, $2) "
		"ON CONFLICT (user_entity_ref) DO UPDATE "
		"SET user_info = EXCLUDED.user_info, updated_at = now()", 2, params) : NULL;

	free(text);
	json_decref(info);
	return r ? 0 : SH_EDB;
}

/* GET|POST /guest/refresh: the session JSON of §1.5 (profile {}, no providerInfo). */
static int h_refresh(struct sh_req *req, void *state)
{
	struct auth *a = state;
	json_t *ent = json_pack("[s]", SH_GUEST_USER), *body;
	long long iat, exp;
	char *token;

	if (!a->guest) {
		json_decref(ent);
		return sh_fail(req, 403, "NotAllowedError",
			       "The guest provider cannot be used outside of a development environment");
	}
	if (auth_store_user_info(req, SH_GUEST_USER, ent) != 0) {
		json_decref(ent);
		return sh_db_fail(req);
	}
	token = auth_issue_token(a, SH_GUEST_USER, ent, &iat, &exp);
	if (!token) {
		json_decref(ent);
		return sh_fail(req, 500, "Error", "could not sign the identity token");
	}
	body = json_pack("{s:{}, s:{s:s, s:I, s:{s:s, s:s, s:o}}}", "profile",
			 "backstageIdentity", "token", token, "expiresInSeconds",
			 (json_int_t)(exp - iat), "identity", "type", "user",
			 "userEntityRef", SH_GUEST_USER, "ownershipEntityRefs", ent);
	free(token);
	return sh_reply_json(req, 200, body);
}

static int h_not_implemented(struct sh_req *req, void *state)
{
	return sh_fail(req, 501, "NotImplementedError",
		       "This auth provider does not support this operation");
}

/* POST /guest/logout: nothing to clear for a proxy provider. */
static int h_logout(struct sh_req *req, void *state)
{
	return sh_reply_empty(req, 200);
}

int auth_guest_routes(struct sh_host *host, struct auth *a)
{
	static const struct {
		const char *method, *pattern;
		sh_handler_fn fn;
	} routes[] = {
		{ "GET", "/guest/refresh", h_refresh },
		{ "POST", "/guest/refresh", h_refresh },
		{ "GET", "/guest/start", h_not_implemented },
		{ "GET", "/guest/handler/frame", h_not_implemented },
		{ "POST", "/guest/handler/frame", h_not_implemented },
		{ "POST", "/guest/logout", h_logout },
	};
	int rc;

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if ((rc = sh_route(host, routes[i].method, routes[i].pattern, SH_AUTH_NONE,
				   routes[i].fn, a)) < 0)
			return rc;
	return 0;
}
