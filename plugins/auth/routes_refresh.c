/*
 * GET|POST /:provider/refresh (spec platform-apis §1.5): a new session from
 * the refresh-token cookie, for the frontend's XMLHttpRequest only.  Every
 * failure is a 401 "Refresh failed; caused by ...".
 */
#include <string.h>

#include <stagehand/stagehand.h>

#include "flow.h"
#include "routes.h"

#define REFRESH_FAILED "Refresh failed"

static int refresh_failed(struct sh_req *req, const struct auth_err *e)
{
	if (!strncmp(e->message, REFRESH_FAILED, strlen(REFRESH_FAILED)))
		return auth_flow_fail(req, e);
	return sh_fail(req, 401, "AuthenticationError", REFRESH_FAILED "; caused by %s: %s",
		       e->name, e->message);
}

/* github: the granted scopes (cookie) and the asked-for ones, which a
 * stored token cannot widen; the others: the IdP's refresh. */
static int provider_refresh(struct sh_req *req, struct auth_provider *p, const char *value,
			    struct auth_session *s, struct auth_err *e)
{
	const char *granted, *lists[2];

	if (p->kind != AUTH_KIND_GITHUB)
		return auth_idp_refresh(p, value, NULL, s, e);
	lists[0] = granted = auth_flow_cookie(req, p, "granted-scope");
	lists[1] = sh_req_query(req, "scope");
	return auth_github_refresh(p, value, auth_flow_keep(req, auth_scope_union(lists, 2)),
				   auth_scope_covers(granted, lists[1]), s, e);
}

int auth_route_refresh(struct sh_req *req, void *state)
{
	struct auth_session s = { 0 };
	struct auth_provider *p;
	struct auth_err e;
	const char *value;
	json_t *session = NULL;
	int rc;

	if ((rc = auth_flow_provider(req, state, &p)) || (rc = auth_flow_xhr(req)) ||
	    (rc = auth_flow_env(req, p, sh_req_query(req, "env"))))
		return rc;
	if (!(value = auth_flow_cookie(req, p, "refresh-token")) || !*value)
		return sh_fail(req, 401, "AuthenticationError",
			       REFRESH_FAILED "; caused by InputError: Missing session cookie");
	if (auth_idp_discover(p, &e) != 0 || provider_refresh(req, p, value, &s, &e) != 0 ||
	    !(session = auth_session_json(req, p, &s, &e))) {
		auth_session_clear(&s);
		return refresh_failed(req, &e);
	}
	auth_session_cookies(req, p, &s);
	auth_session_clear(&s);
	return sh_reply_json(req, 200, session);
}
