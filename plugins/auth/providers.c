/*
 * The OAuth providers' configuration (spec platform-apis §1.8, 1.9; keys
 * in docs/auth.md): which of `openchoreo-auth`, `oidc` and `github` exist, their
 * callback URL, cookie path, cookie attributes and allowed origins, and the
 * lookup by name the `/:provider/...` routes make.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "auth.h"

struct auth_provider *auth_provider_find(struct auth *a, const char *id)
{
	for (size_t i = 0; id && i < a->n_providers; i++)
		if (!strcmp(a->providers[i].id, id))
			return &a->providers[i];
	return NULL;
}

bool auth_provider_persists_scope(const struct auth_provider *p)
{
	return p->kind == AUTH_KIND_OIDC || p->kind == AUTH_KIND_GITHUB;
}

bool auth_provider_origin_ok(const struct auth_provider *p, const char *origin)
{
	if (!strcmp(origin, p->app_origin))
		return true;
	for (size_t i = 0; i < p->n_extra_origins; i++)
		if (auth_origin_glob(p->extra_origins[i], origin))
			return true;
	return false;
}

bool auth_provider_url_ok(const struct auth_provider *p, const char *url)
{
	char *o = auth_url_origin(url);
	bool ok = o && auth_provider_origin_ok(p, o);

	free(o);
	return ok;
}

/* SameSite=None only when the app and the callback are on different hosts
 * over https (the popup's cookies are then third-party). */
static const char *same_site(const struct auth_provider *p)
{
	char *app = auth_url_host(p->app_origin), *cb = auth_url_host(p->callback_url);
	bool cross = p->secure && app && cb && strcmp(app, cb);

	free(app);
	free(cb);
	return cross ? "None" : "Lax";
}

int auth_provider_urls(struct auth_provider *p, const char *issuer, const char *base_url)
{
	const char *after_scheme = strstr(issuer, "://");
	const char *path = after_scheme ? strchr(after_scheme + 3, '/') : NULL;

	p->callback_url = sh_xasprintf("%s/%s/handler/frame", issuer, p->id);
	p->cookie_path = sh_xasprintf("%s/%s", path ? path : "", p->id);
	p->app_origin = auth_url_origin(base_url);
	if (!p->app_origin)
		return SH_EINVAL;
	p->secure = !strncasecmp(p->callback_url, "https:", 6);
	p->same_site = same_site(p);
	return 0;
}

static const char *conf_opt(const struct sh_conf *c, const char *key)
{
	const char *v = sh_conf_str(c, "auth", key);

	return v && *v ? v : NULL;
}

/* What both providers take from [auth] and [server]. */
static int provider_common(const struct sh_conf *c, struct auth *a, struct auth_provider *p,
			   char *err, size_t errlen)
{
	p->env = sh_conf_str(c, "auth", "environment");
	p->session_max_age = sh_conf_int(c, "auth", "session_duration", 86400L * 1000);
	p->n_extra_origins = sh_conf_multi(c, "auth", "extra_allowed_origins", &p->extra_origins);
	if (!p->env || auth_provider_urls(p, a->issuer, sh_conf_str(c, "server", "base_url"))) {
		snprintf(err, errlen, "auth: %s: bad [server] base_url", p->id);
		return SH_EINVAL;
	}
	return 0;
}

/* A resolver's configured name; `def` when unset or not one of them. */
static enum auth_resolver resolver_of(const char *name, enum auth_resolver def)
{
	static const struct { const char *name; enum auth_resolver r; } names[] = {
		{ "none", AUTH_RESOLVE_NONE },
		{ "openchoreo", AUTH_RESOLVE_OPENCHOREO },
		{ "emailMatchingUserEntityProfileEmail", AUTH_RESOLVE_EMAIL_PROFILE },
		{ "emailLocalPartMatchingUserEntityName", AUTH_RESOLVE_EMAIL_LOCAL_PART },
		{ "usernameMatchingUserEntityName", AUTH_RESOLVE_GITHUB_USERNAME },
		{ "userIdMatchingUserEntityAnnotation", AUTH_RESOLVE_GITHUB_USER_ID },
	};

	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i].name))
			return names[i].r;
	return def;
}

static struct auth_provider *add(struct auth *a, const char *id, enum auth_kind kind)
{
	struct auth_provider *p = &a->providers[a->n_providers++];

	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->auth = a;
	p->id = id;
	p->kind = kind;
	return p;
}

static int openchoreo_init(const struct sh_conf *c, struct auth *a, char *err, size_t errlen)
{
	struct auth_provider *p = add(a, "openchoreo-auth", AUTH_KIND_OPENCHOREO);

	p->resolver = AUTH_RESOLVE_OPENCHOREO;
	p->client_id = conf_opt(c, "openchoreo_client_id");
	p->client_secret = conf_opt(c, "openchoreo_client_secret");
	p->metadata_url = conf_opt(c, "openchoreo_metadata_url");
	p->conf_authorize_url = conf_opt(c, "openchoreo_authorization_url");
	p->conf_token_url = conf_opt(c, "openchoreo_token_url");
	p->scope = conf_opt(c, "openchoreo_scope");
	if (!p->metadata_url && !p->conf_token_url) {
		snprintf(err, errlen, "auth: openchoreo-auth needs openchoreo_metadata_url "
			 "or openchoreo_token_url");
		return SH_EINVAL;
	}
	return provider_common(c, a, p, err, errlen);
}

static int oidc_init(const struct sh_conf *c, struct auth *a, char *err, size_t errlen)
{
	struct auth_provider *p = add(a, "oidc", AUTH_KIND_OIDC);

	p->client_id = conf_opt(c, "oidc_client_id");
	p->client_secret = conf_opt(c, "oidc_client_secret");
	p->metadata_url = conf_opt(c, "oidc_metadata_url");
	p->scope = conf_opt(c, "oidc_scope");
	p->prompt = conf_opt(c, "oidc_prompt");
	p->resolver = resolver_of(conf_opt(c, "oidc_resolver"), AUTH_RESOLVE_EMAIL_PROFILE);
	p->allow_without_user = sh_conf_bool(c, "auth", "oidc_allow_without_catalog_user", false);
	if (!p->metadata_url) {
		snprintf(err, errlen, "auth: oidc needs oidc_metadata_url");
		return SH_EINVAL;
	}
	return provider_common(c, a, p, err, errlen);
}

/* github: an OAuth app on github.com, or on the GitHub Enterprise Server
 * github_enterprise_instance_url (else github_host) names; endpoints are
 * fixed, so there is nothing to discover. */
static int github_init(const struct sh_conf *c, struct auth *a, char *err, size_t errlen)
{
	struct auth_provider *p = add(a, "github", AUTH_KIND_GITHUB);
	const char *instance = conf_opt(c, "github_enterprise_instance_url");

	p->client_id = conf_opt(c, "github_client_id");
	p->client_secret = conf_opt(c, "github_client_secret");
	p->scope = conf_opt(c, "github_additional_scopes");
	p->resolver = resolver_of(conf_opt(c, "github_resolver"), AUTH_RESOLVE_NONE);
	p->allow_without_user = sh_conf_bool(c, "auth", "github_allow_without_catalog_user", false);
	if (auth_github_endpoints(p, instance ? instance : conf_opt(c, "github_host")) != 0) {
		snprintf(err, errlen, "auth: github: bad github_enterprise_instance_url");
		return SH_EINVAL;
	}
	p->discovered = true;
	return provider_common(c, a, p, err, errlen);
}

int auth_providers_init(const struct sh_conf *c, struct auth *a, char *err, size_t errlen)
{
	int rc;

	a->n_providers = 0;
	if (sh_conf_feature(c, "auth") && conf_opt(c, "openchoreo_client_id") &&
	    (rc = openchoreo_init(c, a, err, errlen)) != 0)
		return rc;
	if (conf_opt(c, "oidc_client_id") && (rc = oidc_init(c, a, err, errlen)) != 0)
		return rc;
	if (conf_opt(c, "github_client_id") && (rc = github_init(c, a, err, errlen)) != 0)
		return rc;
	return 0;
}

static void provider_fini(struct auth_provider *p)
{
	pthread_mutex_destroy(&p->lock);
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

void auth_providers_fini(struct auth *a)
{
	for (size_t i = 0; i < a->n_providers; i++)
		provider_fini(&a->providers[i]);
	a->n_providers = 0;
}
