/*
 * POST /:provider/logout (spec platform-apis §1.5): clears the provider's
 * session cookies, for the frontend's XMLHttpRequest only.
 */
#include <stagehand/stagehand.h>

#include "flow.h"
#include "routes.h"

int auth_route_logout(struct sh_req *req, void *state)
{
	struct auth_provider *p;
	int rc;

	if ((rc = auth_flow_provider(req, state, &p)) || (rc = auth_flow_xhr(req)) ||
	    (rc = auth_flow_env(req, p, sh_req_query(req, "env"))))
		return rc;
	auth_flow_cookie_clear(req, p, "refresh-token", p->cookie_path);
	if (auth_provider_persists_scope(p))
		auth_flow_cookie_clear(req, p, "granted-scope", p->cookie_path);
	return sh_reply_empty(req, 200);
}
