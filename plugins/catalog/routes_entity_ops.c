/*
 * Entity operations beside the reads (spec §3.5, §3.7): DELETE by uid, and
 * the ancestry of an entity, walked up the processing graph (which entity
 * emitted which) the way Backstage's entityAncestry does.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "db_query.h"
#include "ref.h"
#include "routes.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* The walk stops here rather than growing without bound on a huge graph. */
#define MAX_ANCESTORS 1000

/* 204 whether or not the uid named an entity, as Backstage answers. */
int catalog_delete_entity_by_uid(struct sh_req *req, void *state)
{
	const char *uid = sh_req_param(req, "uid");

	(void)state;
	if (catalog_is_uuid(uid) && catalog_db_delete_entity(req, uid) != 0)
		return sh_db_fail(req);
	return sh_reply_empty(req, 204);
}

static void free_json(void *p)
{
	json_decref(p);
}

/* A string as a JSON literal. */
static void append_string(struct catalog_sql *b, const char *s)
{
	json_t *j = json_string(s);
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	catalog_sql_append(b, text ? text : "\"\"");
	free(text);
	json_decref(j);
}

/* One node of the walk: its ref and stored final JSON (both borrowed from
 * results that live as long as the request). */
struct node {
	const char *ref, *text;
};

/*
 * Depth first from the root, a stack of entities still to visit; an
 * entity is pushed the first time it is seen, so each appears once and a
 * cycle ends.  Each item lists every parent that has a final entity.
 */
static int walk(struct sh_req *req, struct node root, struct catalog_sql *b)
{
	struct node *todo = sh_alloc(req, MAX_ANCESTORS * sizeof(*todo));
	json_t *seen = json_object();
	size_t n = 0, visited = 0;
	struct node cur = root;

	sh_defer(req, free_json, seen);
	json_object_set_new(seen, root.ref, json_true());
	for (;;) {
		PGresult *res = catalog_db_parents(req, cur.ref);

		if (res == NULL)
			return sh_db_fail(req);
		catalog_sql_append(b, visited++ ? ",{\"entity\":" : "{\"entity\":");
		catalog_sql_append(b, cur.text);
		catalog_sql_append(b, ",\"parentEntityRefs\":[");
		for (int i = 0; i < PQntuples(res); i++) {
			const char *ref = PQgetvalue(res, i, 0);

			catalog_sql_append(b, i ? "," : "");
			append_string(b, ref);
			if (json_object_get(seen, ref) == NULL && n < MAX_ANCESTORS) {
				json_object_set_new(seen, ref, json_true());
				todo[n++] = (struct node){ ref, PQgetvalue(res, i, 1) };
			}
		}
		catalog_sql_append(b, "]}");
		if (n == 0 || visited >= MAX_ANCESTORS)
			return 0;
		cur = todo[--n];
	}
}

int catalog_get_entity_ancestry(struct sh_req *req, void *state)
{
	char *ref = catalog_ref_format(sh_req_param(req, "kind"), sh_req_param(req, "namespace"),
				       sh_req_param(req, "name"));
	struct catalog_sql *b = catalog_req_sql(req);
	struct node root;
	PGresult *res;
	int rc;

	(void)state;
	sh_defer(req, free, ref);
	if ((res = catalog_db_final_by_ref(req, ref)) == NULL)
		return sh_db_fail(req);
	if (PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError", "No such entity %s", ref);
	root = (struct node){ PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1) };
	catalog_sql_append(b, "{\"rootEntityRef\":");
	append_string(b, root.ref);
	catalog_sql_append(b, ",\"items\":[");
	if ((rc = walk(req, root, b)) != 0)
		return rc;
	catalog_sql_append(b, "]}");
	return sh_reply_raw(req, 200, JSON_TYPE, b->text, b->len);
}
