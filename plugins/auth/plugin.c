/*
 * The auth plugin (spec platform-apis §1): descriptor, configuration keys,
 * the route table and init/fini.  Token verification is the host's
 * (fcgi/identity_keys.c); this plugin signs tokens, publishes its keys and
 * runs the sign-in providers: guest, and the OAuth providers that
 * [auth] configures, all behind the table's /:provider/... routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "auth.h"
#include "routes.h"

#define KEYS_TASK_MS 60000u

/*
 * Every route under /api/auth.  The guest provider's literal routes win
 * over /:provider/... (the router prefers literal segments); the
 * /:provider/... handlers look the provider up and answer 404 "Unknown
 * auth provider" for a name that is not configured.
 */
static const struct sh_route_spec auth_routes[] = {
	{ "GET", "/.well-known/jwks.json", SH_AUTH_NONE, auth_route_jwks, 0, NULL, NULL },
	{ "GET", "/.well-known/openid-configuration", SH_AUTH_NONE, auth_route_openid, 0, NULL, NULL },
	{ "GET", "/v1/userinfo", SH_AUTH_USER_COOKIE, auth_route_userinfo, 0, NULL, NULL },
	{ "GET", "/guest/refresh", SH_AUTH_NONE, auth_route_guest_refresh, 0, NULL, NULL },
	{ "POST", "/guest/refresh", SH_AUTH_NONE, auth_route_guest_refresh, 0, NULL, NULL },
	{ "GET", "/guest/start", SH_AUTH_NONE, auth_route_guest_unsupported, 0, NULL, NULL },
	{ "GET", "/guest/handler/frame", SH_AUTH_NONE, auth_route_guest_unsupported, 0, NULL, NULL },
	{ "POST", "/guest/handler/frame", SH_AUTH_NONE, auth_route_guest_unsupported, 0, NULL, NULL },
	{ "POST", "/guest/logout", SH_AUTH_NONE, auth_route_guest_logout, 0, NULL, NULL },
	{ "GET", "/:provider/start", SH_AUTH_NONE, auth_route_start, 0, NULL, NULL },
	{ "GET", "/:provider/handler/frame", SH_AUTH_NONE, auth_route_frame, 0, NULL, NULL },
	{ "POST", "/:provider/handler/frame", SH_AUTH_NONE, auth_route_frame, 0, NULL, NULL },
	{ "GET", "/:provider/refresh", SH_AUTH_NONE, auth_route_refresh, 0, NULL, NULL },
	{ "POST", "/:provider/refresh", SH_AUTH_NONE, auth_route_refresh, 0, NULL, NULL },
	{ "POST", "/:provider/logout", SH_AUTH_NONE, auth_route_logout, 0, NULL, NULL },
	{ NULL, NULL, SH_AUTH_NONE, NULL, 0, NULL, NULL },
};

/* Every minute, or twice per key lifetime when that is shorter. */
static unsigned keys_task_ms(long key_lifetime)
{
	unsigned half = (unsigned)(key_lifetime * 500);

	return half < KEYS_TASK_MS ? (half < 1000 ? 1000 : half) : KEYS_TASK_MS;
}

/* [server] base_url without trailing slashes, + "/api/auth". */
static char *make_issuer(const struct sh_conf *conf)
{
	const char *base = sh_conf_str(conf, "server", "base_url");
	size_t len = strlen(base);

	while (len > 0 && base[len - 1] == '/')
		len--;
	return sh_xasprintf("%.*s/api/auth", (int)len, base);
}

static struct auth *auth_new(struct sh_host *host, const struct sh_conf *conf)
{
	struct auth *a = sh_xcalloc(1, sizeof *a);

	pthread_mutex_init(&a->lock, NULL);
	a->host = host;
	a->ttl = sh_conf_int(conf, "auth", "token_ttl", 3600);
	a->key_lifetime = sh_conf_int(conf, "auth", "key_lifetime", 0);
	if (a->key_lifetime <= 0 || a->key_lifetime > a->ttl)
		a->key_lifetime = a->ttl;
	a->guest = !sh_conf_feature(conf, "auth") ||
		   sh_conf_bool(conf, "auth", "dangerously_allow_guest", false);
	a->issuer = make_issuer(conf);
	return a;
}

static void auth_fini(void *state)
{
	struct auth *a = state;

	auth_providers_fini(a);
	auth_keys_fini(a);
	pthread_mutex_destroy(&a->lock);
	free(a->issuer);
	free(a);
}

static int auth_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	struct auth *a = auth_new(host, conf);
	int rc;

	if ((rc = auth_keys_init(a, err, errlen)) != 0 ||
	    (rc = auth_providers_init(conf, a, err, errlen)) != 0)
		goto fail;
	if ((rc = auth_ui_contribute(a, conf)) != 0) {
		snprintf(err, errlen, "auth: portal config: %s", sh_strerror(rc));
		goto fail;
	}
	rc = sh_task_add(host, "auth-keys", keys_task_ms(a->key_lifetime), 0.2, 0, auth_keys_task,
			 a);
	if (rc < 0) {
		snprintf(err, errlen, "auth: task registration failed: %s", sh_strerror(rc));
		goto fail;
	}
	*state = a;
	return 0;
fail:
	auth_fini(a);
	return rc;
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
	{ .name = "github_client_id", .type = SH_CONF_STR, .env = "AUTH_GITHUB_CLIENT_ID",
	  .help = "github: OAuth app client id (the provider is off without it)" },
	{ .name = "github_client_secret", .type = SH_CONF_STR, .flags = SH_CONF_SECRET,
	  .env = "AUTH_GITHUB_CLIENT_SECRET", .help = "github: OAuth app client secret" },
	{ .name = "github_enterprise_instance_url", .type = SH_CONF_URL,
	  .help = "github: GitHub Enterprise Server URL (enterpriseInstanceUrl)" },
	{ .name = "github_host", .type = SH_CONF_STR, .env = "GITHUB_HOST",
	  .help = "github: GitHub host when no instance URL is set; github.com: the public one" },
	{ .name = "github_additional_scopes", .type = SH_CONF_STR,
	  .help = "github: scopes asked for besides read:user (additionalScopes)" },
	{ .name = "github_resolver", .type = SH_CONF_ENUM, .def = "none",
	  .choices = "none usernameMatchingUserEntityName userIdMatchingUserEntityAnnotation "
		     "emailMatchingUserEntityProfileEmail emailLocalPartMatchingUserEntityName",
	  .help = "github: sign-in resolver; none: access delegation only (no Backstage identity)" },
	{ .name = "github_allow_without_catalog_user", .type = SH_CONF_BOOL, .def = "false",
	  .help = "github: sign in as user:default/<login or id> when the catalog has no match" },
	{ .name = NULL },
};

static const struct sh_plugin_info auth_info = {
	SH_PLUGIN_STAMP,
	.name = "auth",
	.flag = { .name = "auth_backend", .def = "true" },
	.version = "1",
	.keys = auth_keys,
	.routes = auth_routes,
	.init = auth_init,
	.fini = auth_fini,
};

SH_PLUGIN(auth_info)
