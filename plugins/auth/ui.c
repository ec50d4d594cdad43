/*
 * What the auth plugin adds to the portal's runtime config (docs/ui.md,
 * include/stagehand/ui.h): the sign-in providers the sign-in page offers,
 * in the page's order, and the one environment of the OAuth providers.
 */
#include <jansson.h>

#include <stagehand/stagehand.h>

#include "auth.h"

/* The OAuth providers in the order the sign-in page lists them. */
static const char *const page_order[] = { "openchoreo-auth", "oidc", "github" };

int auth_ui_contribute(struct auth *a, const struct sh_conf *conf)
{
	const char *env = sh_conf_str(conf, "auth", "environment");
	json_t *providers = json_array();

	if (a->guest)
		json_array_append_new(providers, json_string("guest"));
	for (size_t i = 0; i < sizeof page_order / sizeof page_order[0]; i++)
		if (auth_provider_find(a, page_order[i]))
			json_array_append_new(providers, json_string(page_order[i]));
	return sh_ui_config_merge(a->host,
				  json_pack("{s:{s:s}, s:{s:{s:o}}}", "auth", "environment",
					    env ? env : "development", "stagehand", "signIn",
					    "providers", providers));
}
