/* fuzz-sources: plugins/auth/github.c plugins/auth/form.c plugins/auth/origins.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target of the auth plugin's github provider domain
 * (plugins/auth/github.c): the input as the token endpoint's answer (JSON,
 * else GitHub's form), as a GET /user answer, as an instance for the
 * endpoints, and (split at its first newline) as granted and wanted scope
 * lists.  An accepted answer has a non-empty access_token; a refused one
 * leaves the session empty and says why; a profile is an object of
 * strings; a list covers itself, its own words in any order, and nothing.
 * Run with tests/fuzz/run.sh auth_github.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/oauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const char *body, size_t len)
{
	struct auth_session s = { .expires_in = -1 };
	char why[256] = "";

	if (auth_github_token_answer(body, len, &s, why, sizeof why) == 0) {
		if (!s.access_token || !s.access_token[0])
			abort();
	} else if (!why[0] || s.access_token || s.scope || s.refresh_token) {
		abort();
	}
	free(s.access_token);
	free(s.scope);
	free(s.refresh_token);
}

static void check_profile(const char *body, size_t len)
{
	json_t *user = json_loadb(body, len, JSON_DECODE_ANY, NULL), *prof, *v;
	const char *k;

	if (!user)
		return;
	prof = auth_github_profile(user);
	if (!json_is_object(prof))
		abort();
	json_object_foreach(prof, k, v)
		if (!json_is_string(v) || !json_string_length(v))
			abort();
	json_decref(prof);
	json_decref(user);
}

static void check_endpoints(const char *instance)
{
	struct auth_provider p;

	memset(&p, 0, sizeof p);
	if (auth_github_endpoints(&p, instance) == 0 &&
	    (!strstr(p.authorize_url, "/login/oauth/authorize") ||
	     !strstr(p.token_url, "/login/oauth/access_token") || !strstr(p.userinfo_url, "/user")))
		abort();
	free(p.authorize_url);
	free(p.token_url);
	free(p.userinfo_url);
}

static void check_scopes(const char *granted, const char *wanted)
{
	size_t size = strlen(granted) + strlen(wanted) + 2;
	char *both = malloc(size);

	snprintf(both, size, "%s,%s", wanted, granted);
	if (!auth_scope_covers(granted, granted) || !auth_scope_covers(granted, "") ||
	    !auth_scope_covers(both, wanted) || !auth_scope_covers(both, granted))
		abort();
	(void)auth_scope_covers(granted, wanted);
	free(both);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl;

	memcpy(s, data, size);
	s[size] = '\0';
	check_answer(s, size);
	check_profile(s, size);
	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	check_endpoints(s);
	check_scopes(s, nl ? nl + 1 : "");
	free(s);
	return 0;
}
