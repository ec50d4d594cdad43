/*
 * The `github` provider's domain (spec platform-apis §1.9; GitHub's
 * authorizing-oauth-apps docs): the endpoints of github.com or of a GitHub
 * Enterprise Server, the token endpoint's answer in either of GitHub's
 * forms (errors come with status 200), the profile from GET /user as
 * passport-github2 and Backstage's default transform make it, and the
 * scope check of a refresh.  Pure: no requests (github_grants.c makes them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "oauth.h"

#define GITHUB_WEB "https://github.com"
#define GITHUB_API "https://api.github.com"

/* The instance's base URL without a trailing '/': malloc'd; NULL for
 * github.com (instance NULL, empty, or github.com itself). */
static char *instance_base(const char *instance)
{
	size_t len;

	if (!instance || !*instance || !strcasecmp(instance, "github.com"))
		return NULL;
	if (!strstr(instance, "://"))
		return sh_xasprintf("https://%s", instance);
	len = strlen(instance);
	while (len && instance[len - 1] == '/')
		len--;
	return sh_xasprintf("%.*s", (int)len, instance);
}

int auth_github_endpoints(struct auth_provider *p, const char *instance)
{
	char *base = instance_base(instance), *origin;

	if (base && !(origin = auth_url_origin(base))) {
		free(base);
		return SH_EINVAL;
	}
	if (base)
		free(origin);
	p->authorize_url = sh_xasprintf("%s/login/oauth/authorize", base ? base : GITHUB_WEB);
	p->token_url = sh_xasprintf("%s/login/oauth/access_token", base ? base : GITHUB_WEB);
	p->userinfo_url = base ? sh_xasprintf("%s/api/v3/user", base) :
			  sh_xstrdup(GITHUB_API "/user");
	free(base);
	return 0;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

/* The form answer ("access_token=..&scope=..&token_type=bearer") as JSON. */
static json_t *form_answer(const char *body, size_t len)
{
	static const char *const keys[] = { "access_token", "scope", "refresh_token",
					    "expires_in", "error", "error_description" };
	json_t *o = json_object();

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char *v = auth_form_get(body, len, keys[i]);

		if (v)
			json_object_set_new(o, keys[i], json_string(v));
		free(v);
	}
	return o;
}

static long long expires_in(const json_t *v)
{
	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_string(v) && *json_string_value(v))
		return strtoll(json_string_value(v), NULL, 10);
	return -1;
}

int auth_github_token_answer(const char *body, size_t len, struct auth_session *s, char *why,
			     size_t whylen)
{
	json_t *o = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *err;

	if (!json_is_object(o)) {
		json_decref(o);
		o = form_answer(body ? body : "", body ? len : 0);
	}
	if ((err = str(o, "error")) || !str(o, "access_token")) {
		snprintf(why, whylen, "%s%s%s", err ? err : "no access_token in the answer",
			 str(o, "error_description") ? ", " : "",
			 str(o, "error_description") ? str(o, "error_description") : "");
		json_decref(o);
		return SH_EINVAL;
	}
	s->access_token = sh_xstrdup(str(o, "access_token"));
	s->scope = sh_xstrdup(str(o, "scope"));
	s->refresh_token = sh_xstrdup(str(o, "refresh_token"));
	s->expires_in = expires_in(json_object_get(o, "expires_in"));
	json_decref(o);
	return 0;
}

json_t *auth_github_profile(const json_t *user)
{
	json_t *prof = json_object(), *id = json_object_get(user, "id");
	const char *name = str(user, "name") ? str(user, "name") : str(user, "login");

	if (str(user, "email"))
		json_object_set_new(prof, "email", json_string(str(user, "email")));
	if (str(user, "avatar_url"))
		json_object_set_new(prof, "picture", json_string(str(user, "avatar_url")));
	if (name)
		json_object_set_new(prof, "displayName", json_string(name));
	else if (json_is_integer(id))
		json_object_set_new(prof, "displayName",
				    json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id)));
	return prof;
}

/* Whether the list `have` holds the word w[0..len). */
static bool has_word(const char *have, const char *w, size_t len)
{
	while (have && *have) {
		size_t l;

		have += strspn(have, " \t,");
		l = strcspn(have, " \t,");
		if (l == len && !memcmp(have, w, len))
			return true;
		have += l;
	}
	return false;
}

bool auth_scope_covers(const char *granted, const char *wanted)
{
	while (wanted && *wanted) {
		size_t len;

		wanted += strspn(wanted, " \t,");
		if (!(len = strcspn(wanted, " \t,")))
			break;
		if (!has_word(granted, wanted, len))
			return false;
		wanted += len;
	}
	return true;
}
