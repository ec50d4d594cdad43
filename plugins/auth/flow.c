/*
 * The checks and cookies every OAuth route starts with (spec platform-apis
 * §1.1-1.4): the provider a path names, the env query, X-Requested-With,
 * and a provider's cookies on the request, chunked as cookies.c builds them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/stagehand.h>

#include "flow.h"

int auth_flow_provider(struct sh_req *req, struct auth *a, struct auth_provider **p)
{
	const char *name = sh_req_param(req, "provider");

	if ((*p = auth_provider_find(a, name)))
		return 0;
	return sh_fail(req, 404, "NotFoundError", "Unknown auth provider '%s'", name);
}

int auth_flow_env(struct sh_req *req, const struct auth_provider *p, const char *env)
{
	if (!env || !*env)
		return sh_fail(req, 400, "InputError",
			       "Must specify 'env' query to select environment");
	if (strcmp(env, p->env))
		return sh_fail(req, 404, "NotFoundError",
			       "No configuration available for the '%s' environment of this "
			       "provider.", env);
	return 0;
}

int auth_flow_xhr(struct sh_req *req)
{
	const char *v = sh_req_header(req, "X-Requested-With");

	if (v && !strcmp(v, "XMLHttpRequest"))
		return 0;
	return sh_fail(req, 401, "AuthenticationError", "Invalid X-Requested-With header");
}

char *auth_flow_keep(struct sh_req *req, char *s)
{
	if (s)
		sh_defer(req, free, s);
	return s;
}

int auth_flow_fail(struct sh_req *req, const struct auth_err *e)
{
	return sh_fail(req, e->status, e->name, "%s", e->message);
}

static char *cookie_name(struct sh_req *req, const struct auth_provider *p, const char *what)
{
	return sh_printf(req, "%s-%s", p->id, what);
}

/* Adds Set-Cookie headers for name=value; false when it needs too many chunks. */
static bool send_cookie(struct sh_req *req, const struct auth_provider *p, const char *name,
			const char *value, const char *path, long max_age)
{
	struct auth_cookie_attrs a = { .path = path, .max_age = max_age, .secure = p->secure,
				       .same_site = p->same_site };
	char *out[AUTH_COOKIE_MAX_CHUNKS];
	int n = auth_cookie_build(name, value, &a, time(NULL), out, AUTH_COOKIE_MAX_CHUNKS);

	for (int i = 0; i < n; i++) {
		sh_reply_header(req, "Set-Cookie", out[i]);
		free(out[i]);
	}
	return n >= 0;
}

void auth_flow_cookie_set(struct sh_req *req, const struct auth_provider *p, const char *what,
			  const char *value, const char *path, long max_age)
{
	if (!send_cookie(req, p, cookie_name(req, p, what), value, path, max_age))
		sh_log(SH_LOG_WARN, "auth: %s cookie %s too large", p->id, what);
}

void auth_flow_cookie_clear(struct sh_req *req, const struct auth_provider *p, const char *what,
			    const char *path)
{
	const char *name = cookie_name(req, p, what);

	send_cookie(req, p, name, "", path, 0);
	for (int i = 0; i < AUTH_COOKIE_MAX_CHUNKS; i++) {
		char *chunk = sh_printf(req, "%s-%d", name, i);

		if (!sh_req_cookie(req, chunk))
			break;
		send_cookie(req, p, chunk, "", path, 0);
	}
}

const char *auth_flow_cookie(struct sh_req *req, const struct auth_provider *p, const char *what)
{
	const char *name = cookie_name(req, p, what), *whole = sh_req_cookie(req, name);
	const char *chunks[AUTH_COOKIE_MAX_CHUNKS];
	int n = 0;

	if (!whole)
		while (n < AUTH_COOKIE_MAX_CHUNKS &&
		       (chunks[n] = sh_req_cookie(req, sh_printf(req, "%s-%d", name, n))))
			n++;
	return auth_flow_keep(req, auth_cookie_join(whole, chunks, n));
}
