/*
 * The portal's runtime configuration (include/stagehand/ui.h): what plugins
 * add during init (sh_ui_config_merge) and the host's own keys from the ini,
 * merged into the one object the rendered index.html carries.  The render
 * itself (files) is ui_render.c; the page's text is ui_html.c.
 */
#include <string.h>

#include <jansson.h>

#include <stagehand/ui.h>

#include "host.h"

/* The frontend-only [features] flags as OpenChoreo's frontend names them. */
static const struct {
	const char *flag;
	const char *key;
} ui_flags[] = {
	{ "auth", "auth" },
	{ "authz", "authz" },
	{ "workflows", "workflows" },
	{ "observability", "observability" },
	{ "assistant", "assistant" },
	{ "secret_management", "secretManagement" },
};
#define N_UI_FLAGS (sizeof(ui_flags) / sizeof(ui_flags[0]))

bool host_ui_renders(const struct sh_host *h)
{
	const char *pool = h && h->conf ? sh_conf_str(h->conf, "ui", "pool") : NULL;

	return pool && h->pool && strcmp(pool, h->pool) == 0;
}

void host_ui_merge(json_t *dst, const json_t *src)
{
	const char *key;
	json_t *value;

	/* jansson's iteration macro takes a non-const object; src is not changed */
	json_object_foreach((json_t *)src, key, value) {
		json_t *mine = json_object_get(dst, key);

		if (json_is_object(mine) && json_is_object(value))
			host_ui_merge(mine, value);
		else
			json_object_set_new(dst, key, json_deep_copy(value));
	}
}

int sh_ui_config_merge(struct sh_host *host, json_t *fragment)
{
	int rc = 0;

	if (!host || !host->loading || !json_is_object(fragment))
		rc = SH_EINVAL;
	else if (host_ui_renders(host)) {
		if (!host->ui_config)
			host->ui_config = json_object();
		host_ui_merge(host->ui_config, fragment);
	}
	json_decref(fragment);
	return rc;
}

/* [server] base_url without its trailing slashes (a new reference). */
static json_t *base_url(const struct sh_conf *c)
{
	const char *base = sh_conf_str(c, "server", "base_url");
	size_t len = base ? strlen(base) : 0;

	while (len > 0 && base[len - 1] == '/')
		len--;
	return json_stringn(base ? base : "", len);
}

/* openchoreo.features.<key>.enabled for each frontend flag. */
static json_t *feature_flags(const struct sh_conf *c)
{
	json_t *features = json_object();

	for (size_t i = 0; i < N_UI_FLAGS; i++)
		json_object_set_new(features, ui_flags[i].key,
				    json_pack("{s:b}", "enabled",
					      sh_conf_feature(c, ui_flags[i].flag)));
	return json_pack("{s:o}", "features", features);
}

json_t *host_ui_config(const struct sh_host *h)
{
	const struct sh_conf *c = h->conf;
	const char *title = sh_conf_str(c, "ui", "title");
	json_t *base = base_url(c);
	json_t *data = json_pack("{s:{s:O, s:s}, s:{s:O}, s:b, s:o}",
				 "app", "baseUrl", base, "title", title ? title : "Stagehand",
				 "backend", "baseUrl", base,
				 "enableExperimentalRedirectFlow",
				 sh_conf_feature(c, "auth_redirect_flow"),
				 "openchoreo", feature_flags(c));

	json_decref(base);
	if (data && h->ui_config)
		host_ui_merge(data, h->ui_config);
	return data;
}

void host_ui_free(struct sh_host *h)
{
	json_decref(h->ui_config);
	h->ui_config = NULL;
}
