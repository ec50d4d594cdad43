/*
 * The provider-independent routes under /api/auth (spec platform-apis
 * §1.6): the JWKS of every published signing key, the OpenID discovery
 * document and /v1/userinfo.
 */
#include <stagehand/stagehand.h>

#include "auth.h"
#include "routes.h"

/* GET /.well-known/jwks.json: every published, unexpired public key. */
int auth_route_jwks(struct sh_req *req, void *state)
{
	json_t *keys = auth_db_public_keys(req);

	if (!keys)
		return sh_db_fail(req);
	return sh_reply_json(req, 200, json_pack("{s:o}", "keys", keys));
}

/* GET /.well-known/openid-configuration */
int auth_route_openid(struct sh_req *req, void *state)
{
	const struct auth *a = state;
	const char *is = a->issuer;

	return sh_reply_json(req, 200, json_pack(
		"{s:s, s:s+, s:s+, s:s+, s:s+, s:[ss], s:[s], s:[sssssssssss], s:[s], s:[ss],"
		" s:[ss], s:[s], s:[ss]}",
		"issuer", is,
		"token_endpoint", is, "/v1/token",
		"userinfo_endpoint", is, "/v1/userinfo",
		"jwks_uri", is, "/.well-known/jwks.json",
		"authorization_endpoint", is, "/v1/authorize",
		"response_types_supported", "code", "id_token",
		"subject_types_supported", "public",
		"id_token_signing_alg_values_supported", "RS256", "RS384", "RS512", "ES256",
		"ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "ES256K",
		"scopes_supported", "openid",
		"token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post",
		"claims_supported", "sub", "ent",
		"grant_types_supported", "authorization_code",
		"code_challenge_methods_supported", "S256", "plain"));
}

/* GET /v1/userinfo: the claims stored when the caller's token was issued.
 * Users only, limited tokens included (Backstage: allow user,
 * allowLimitedAccess), so the route is user-cookie and services are 403. */
int auth_route_userinfo(struct sh_req *req, void *state)
{
	const struct sh_identity *id = sh_req_identity(req);
	json_t *info;
	int rc;

	if (id->kind != SH_PRINCIPAL_USER)
		return sh_fail(req, 403, "NotAllowedError",
			       "This endpoint does not allow 'service' credentials");
	rc = auth_db_user_info_get(req, id->subject, &info);
	if (rc == SH_EDB)
		return sh_db_fail(req);
	if (rc != 0)
		return sh_fail(req, 404, "NotFoundError", "User info not found for '%s'",
			       id->subject);
	return sh_reply_json(req, 200, info);
}
