/*
 * POST /refresh (spec §3.9): schedules an entity and its location
 * ancestors for processing now.  The body is strict, the ref is only
 * lower-cased (not defaulted), and the success reply is exactly 200 with
 * an empty body, which CatalogClient.refreshEntity insists on.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "routes.h"
#include "search.h"

int catalog_post_refresh(struct sh_req *req, void *state)
{
	json_t *body, *v;
	const char *k;
	char *ref;
	int rc;

	(void)state;
	if ((body = sh_req_json(req)) == NULL)
		return sh_req_status(req);
	if (!json_is_object(body))
		return sh_fail(req, 400, "InputError", "request/body must be object");
	json_object_foreach(body, k, v) {
		if (strcmp(k, "entityRef") != 0 && strcmp(k, "authorizationToken") != 0)
			return sh_fail(req, 400, "InputError",
				       "request/body must NOT have additional properties");
		if (!json_is_string(v))
			return sh_fail(req, 400, "InputError", "request/body/%s must be string", k);
	}
	if (json_object_get(body, "entityRef") == NULL)
		return sh_fail(req, 400, "InputError",
			       "request/body must have required property 'entityRef'");
	ref = sh_strdup(req, json_string_value(json_object_get(body, "entityRef")));
	catalog_search_lower(ref);
	if (sh_db_conn(req) == NULL)
		return sh_db_fail(req);
	rc = catalog_db_refresh(sh_db_conn(req), ref);
	if (rc == CATALOG_DB_NOT_FOUND)
		return sh_fail(req, 404, "NotFoundError", "Entity %s not found", ref);
	if (rc != 0)
		return sh_db_fail(req);
	return sh_reply_empty(req, 200);
}
