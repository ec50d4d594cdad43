/*
 * The auth plugin (spec platform-apis §1): descriptor, configuration, init
 * and the provider-independent routes under /api/auth (JWKS, OpenID
 * discovery, userinfo, unknown providers).  Token verification is the host's
 * (fcgi/identity_keys.c); this plugin signs and publishes keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "auth.h"
#include "oauth.h"

#define KEYS_TASK_MS 60000u

static struct auth auth = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* GET /.well-known/jwks.json: every published, unexpired public key. */
static int h_jwks(struct sh_req *req, void *state)
{
	PGresult *r = sh_db_query(req, "SELECT jwk FROM auth.public_keys_v1()", 0, NULL);
	json_t *keys;

	if (!r)
		return sh_db_fail(req);
	keys = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *jwk = json_loads(PQgetvalue(r, i, 0), 0, NULL);

		if (jwk)
			json_array_append_new(keys, jwk);
	}
	return sh_reply_json(req, 200, json_pack("{s:o}", "keys", keys));
}

static int h_openid(struct sh_req *req, void *state)
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
static int h_userinfo(struct sh_req *req, void *state)
{
	const struct sh_identity *id = sh_req_identity(req);
	const char *sub = id->subject;
	PGresult *r;
	json_t *info;

	if (id->kind != SH_PRINCIPAL_USER)
		return sh_fail(req, 403, "NotAllowedError",
			       "This endpoint does not allow 'service' credentials");
	r = sh_db_query(req, "SELECT user_info FROM auth.user_info WHERE user_entity_ref = $1", 1,
			&sub);
	if (!r)
		return sh_db_fail(req);
	if (PQntuples(r) == 0 || !(info = json_loads(PQgetvalue(r, 0, 0), 0, NULL)))
		return sh_fail(req, 404, "NotFoundError", "User info not found for '%s'", sub);
	return sh_reply_json(req, 200, info);
}

static int h_unknown(struct sh_req *req, void *state)
{
	return sh_fail(req, 404, "NotFoundError", "Unknown auth provider '%s'",
		       sh_req_param(req, "provider"));
}

static const struct {
	const char *method, *pattern;
	enum sh_auth auth;
	sh_handler_fn fn;
} routes[] = {
	{ "GET", "/.well-known/jwks.json", SH_AUTH_NONE, h_jwks },
	{ "GET", "/.well-known/openid-configuration", SH_AUTH_NONE, h_openid },
	{ "GET", "/v1/userinfo", SH_AUTH_USER_COOKIE, h_userinfo },
	{ "GET", "/:provider/start", SH_AUTH_NONE, h_unknown },
	{ "GET", "/:provider/handler/frame", SH_AUTH_NONE, h_unknown },
	{ "POST", "/:provider/handler/frame", SH_AUTH_NONE, h_unknown },
	{ "GET", "/:provider/refresh", SH_AUTH_NONE, h_unknown },
	{ "POST", "/:provider/refresh", SH_AUTH_NONE, h_unknown },
	{ "POST", "/:provider/logout", SH_AUTH_NONE, h_unknown },
};

/* Every minute, or twice per key lifetime when that is shorter. */
static unsigned keys_task_ms(long key_lifetime)
{
	unsigned half = (unsigned)(key_lifetime * 500);

	return half < KEYS_TASK_MS ? (half < 1000 ? 1000 : half) : KEYS_TASK_MS;
}

static char *make_issuer(const struct sh_conf *conf)
{
	const char *base = sh_conf_str(conf, "server", "base_url");
	size_t len = strlen(base), n;
	char *s;

	while (len > 0 && base[len - 1] == '/')
		len--;
	n = len + sizeof "/api/auth";
	s = malloc(n);
	if (s)
		snprintf(s, n, "%.*s/api/auth", (int)len, base);
	return s;
}

static int auth_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	int rc;

	auth.host = host;
	auth.ttl = sh_conf_int(conf, "auth", "token_ttl", 3600);
	auth.key_lifetime = sh_conf_int(conf, "auth", "key_lifetime", 0);
	if (auth.key_lifetime <= 0 || auth.key_lifetime > auth.ttl)
		auth.key_lifetime = auth.ttl;
	auth.guest = !sh_conf_feature(conf, "auth") ||
		     sh_conf_bool(conf, "auth", "dangerously_allow_guest", false);
	auth.issuer = make_issuer(conf);
	if (!auth.issuer) {
		snprintf(err, errlen, "auth: out of memory");
		return SH_EINVAL;
	}
	*state = &auth;
	if ((rc = auth_keys_init(&auth, err, errlen)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if ((rc = sh_route(host, routes[i].method, routes[i].pattern, routes[i].auth,
				   routes[i].fn, &auth)) < 0)
			goto fail;
	if ((rc = auth_oauth_init(host, &auth, err, errlen)) != 0)
		return rc;
	if ((rc = auth_guest_routes(host, &auth)) < 0 ||
	    (rc = sh_task_add(host, "auth-keys", keys_task_ms(auth.key_lifetime), 0.2, 0,
			      auth_keys_task, &auth)) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "auth: route or task registration failed: %s", sh_strerror(rc));
	return rc;
}

static void auth_fini(void *state)
{
	struct auth *a = state;

	auth_oauth_fini();
	auth_keys_fini(a);
	free(a->issuer);
	a->issuer = NULL;
}

static const struct sh_conf_key auth_keys[] = {
	{ .name = "token_ttl", .type = SH_CONF_INT, .def = "3600", .min = 600, .max = 86400,
	  .help = "lifetime of Backstage identity tokens, seconds" },
	{ .name = "key_lifetime", .type = SH_CONF_INT, .def = "0", .min = 0, .max = 86400,
	  .help = "seconds a signing key signs before it is replaced; 0: token_ttl" },
	{ .name = "dangerously_allow_guest", .type = SH_CONF_BOOL, .def = "false",
	  .env = "BACKSTAGE_GUEST_DANGEROUSLY_ALLOW_OUTSIDE_DEVELOPMENT",
	  .help = "let the guest provider sign people in while [features] auth is on" },
	{ .name = "environment", .type = SH_CONF_STR, .def = "development",
	  .help = "the one auth environment of the OAuth providers (the env query)" },
	{ .name = "extra_allowed_origins", .type = SH_CONF_LIST,
	  .help = "origin globs besides [server] base_url's that may start a sign-in" },
	{ .name = "session_duration", .type = SH_CONF_INT, .def = "86400000", .min = 60,
	  .max = 86400L * 3650, .help = "Max-Age of the refresh-token cookie, seconds" },
	{ .name = "openchoreo_client_id", .type = SH_CONF_STR, .env = "OPENCHOREO_AUTH_CLIENT_ID",
	  .help = "openchoreo-auth: OAuth client id (the provider is off without it)" },
	{ .name = "openchoreo_client_secret", .type = SH_CONF_STR, .flags = SH_CONF_SECRET,
	  .env = "OPENCHOREO_AUTH_CLIENT_SECRET", .help = "openchoreo-auth: client secret" },
	{ .name = "openchoreo_metadata_url", .type = SH_CONF_URL,
	  .env = "OPENCHOREO_AUTH_METADATA_URL",
	  .help = "openchoreo-auth: OpenID discovery URL (default: token URL origin's)" },
	{ .name = "openchoreo_authorization_url", .type = SH_CONF_URL,
	  .env = "OPENCHOREO_AUTH_AUTHORIZATION_URL",
	  .help = "openchoreo-auth: authorize endpoint (wins over discovery)" },
	{ .name = "openchoreo_token_url", .type = SH_CONF_URL, .env = "OPENCHOREO_AUTH_TOKEN_URL",
	  .help = "openchoreo-auth: token endpoint (wins over discovery)" },
	{ .name = "openchoreo_scope", .type = SH_CONF_STR, .def = "openid profile email",
	  .env = "OPENCHOREO_AUTH_OIDC_SCOPE", .help = "openchoreo-auth: scope requested" },
	{ .name = "oidc_client_id", .type = SH_CONF_STR,
	  .help = "oidc: OAuth client id (the provider is off without it)" },
	{ .name = "oidc_client_secret", .type = SH_CONF_STR, .flags = SH_CONF_SECRET,
	  .help = "oidc: client secret (sent as client_secret_basic)" },
	{ .name = "oidc_metadata_url", .type = SH_CONF_URL,
	  .help = "oidc: OpenID discovery URL (required with oidc_client_id)" },
	{ .name = "oidc_scope", .type = SH_CONF_STR,
	  .help = "oidc: scopes added to openid profile email" },
	{ .name = "oidc_prompt", .type = SH_CONF_STR, .def = "auto",
	  .help = "oidc: prompt parameter for the IdP; auto sends no prompt" },
	{ .name = "oidc_resolver", .type = SH_CONF_ENUM, .def = "emailMatchingUserEntityProfileEmail",
	  .choices = "emailMatchingUserEntityProfileEmail emailLocalPartMatchingUserEntityName "
		     "openchoreo",
	  .help = "oidc: sign-in resolver" },
	{ .name = "oidc_allow_without_catalog_user", .type = SH_CONF_BOOL, .def = "false",
	  .help = "oidc: sign in as user:default/<email> when the catalog has no match" },
	{ .name = NULL },
};

static const struct sh_plugin_info auth_info = {
	.size = sizeof(struct sh_plugin_info),
	.abi_major = SH_ABI_MAJOR,
	.abi_minor = SH_ABI_MINOR,
	.name = "auth",
	.flag = { .name = "auth_backend", .def = "true" },
	.version = "1",
	.keys = auth_keys,
	.init = auth_init,
	.fini = auth_fini,
};

SH_PLUGIN(auth_info)
