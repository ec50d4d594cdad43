/*
 * The OAuth providers' configuration (spec platform-apis §1.8, 1.9; keys
 * in docs/auth.md): which of `openchoreo-auth` and `oidc` exist, their
 * callback URL, cookie path and attributes, and their routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "auth.h"
#include "oauth.h"

#define MAX_PROVIDERS 2

static struct auth_provider providers[MAX_PROVIDERS];
static size_t n_providers;

static const char *conf_opt(const struct sh_conf *c, const char *key)
{
	const char *v = sh_conf_str(c, "auth", key);

	return v && *v ? v : NULL;
}

static char *host_of(const char *url)
{
	char *o = auth_url_origin(url), *h, *out;

	if (!o)
		return NULL;
	h = strstr(o, "://") + 3;
	out = strdup(h);
	free(o);
	if (out && out[0] != '[' && strchr(out, ':'))
		*strchr(out, ':') = '\0';
	return out;
}

static int provider_setup(struct sh_host *host, struct auth *a, struct auth_provider *p,
			  char *err, size_t errlen)
{
	const struct sh_conf *c = sh_host_conf(host);
	const char *after_scheme = strstr(a->issuer, "://");
	const char *path = after_scheme ? strchr(after_scheme + 3, '/') : NULL;
	char *app_host, *cb_host;
	size_t n;

	p->auth = a;
	pthread_mutex_init(&p->lock, NULL);
	p->env = sh_conf_str(c, "auth", "environment");
	p->session_max_age = sh_conf_int(c, "auth", "session_duration", 86400L * 1000);
	p->n_extra_origins = sh_conf_multi(c, "auth", "extra_allowed_origins", &p->extra_origins);
	n = strlen(a->issuer) + strlen(p->id) + sizeof "//handler/frame";
	p->callback_url = malloc(n);
	if (p->callback_url)
		snprintf(p->callback_url, n, "%s/%s/handler/frame", a->issuer, p->id);
	n = (path ? strlen(path) : 0) + strlen(p->id) + 2;
	p->cookie_path = malloc(n);
	if (p->cookie_path)
		snprintf(p->cookie_path, n, "%s/%s", path ? path : "", p->id);
	p->app_origin = auth_url_origin(sh_conf_str(c, "server", "base_url"));
	if (!p->callback_url || !p->cookie_path || !p->app_origin || !p->env) {
		snprintf(err, errlen, "auth: %s: bad [server] base_url or out of memory", p->id);
		return SH_EINVAL;
	}
	p->secure = !strncasecmp(p->callback_url, "https:", 6);
	app_host = host_of(p->app_origin);
	cb_host = host_of(p->callback_url);
	p->same_site = p->secure && app_host && cb_host && strcmp(app_host, cb_host) ? "None" : "Lax";
	free(app_host);
	free(cb_host);
	return auth_oauth_routes(host, p, err, errlen);
}

static enum auth_resolver resolver_of(const char *name)
{
	if (name && !strcmp(name, "emailLocalPartMatchingUserEntityName"))
		return AUTH_RESOLVE_EMAIL_LOCAL_PART;
	if (name && !strcmp(name, "openchoreo"))
		return AUTH_RESOLVE_OPENCHOREO;
	return AUTH_RESOLVE_EMAIL_PROFILE;
}

int auth_oauth_init(struct sh_host *host, struct auth *a, char *err, size_t errlen)
{
	const struct sh_conf *c = sh_host_conf(host);
	struct auth_provider *p;
	int rc;

	n_providers = 0;
	if (sh_conf_feature(c, "auth") && conf_opt(c, "openchoreo_client_id")) {
		p = &providers[n_providers++];
		memset(p, 0, sizeof *p);
		p->id = "openchoreo-auth";
		p->kind = AUTH_KIND_OPENCHOREO;
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
		if ((rc = provider_setup(host, a, p, err, errlen)) != 0)
			return rc;
	}
	if (conf_opt(c, "oidc_client_id")) {
		p = &providers[n_providers++];
		memset(p, 0, sizeof *p);
		p->id = "oidc";
		p->kind = AUTH_KIND_OIDC;
		p->client_id = conf_opt(c, "oidc_client_id");
		p->client_secret = conf_opt(c, "oidc_client_secret");
		p->metadata_url = conf_opt(c, "oidc_metadata_url");
		p->scope = conf_opt(c, "oidc_scope");
		p->prompt = conf_opt(c, "oidc_prompt");
		p->resolver = resolver_of(conf_opt(c, "oidc_resolver"));
		p->allow_without_user = sh_conf_bool(c, "auth", "oidc_allow_without_catalog_user",
						     false);
		if (!p->metadata_url) {
			snprintf(err, errlen, "auth: oidc needs oidc_metadata_url");
			return SH_EINVAL;
		}
		if ((rc = provider_setup(host, a, p, err, errlen)) != 0)
			return rc;
	}
	return 0;
}

void auth_oauth_fini(void)
{
	for (size_t i = 0; i < n_providers; i++) {
		pthread_mutex_destroy(&providers[i].lock);
		auth_provider_fini(&providers[i]);
	}
	n_providers = 0;
}
