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
#include "routes_common.h"

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
static int append_string(struct sh_buf *b, const char *s)
{
	json_t *j = json_string(s);
	char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	int rc = sh_buf_addstr(b, text ? text : "\"\"");

	free(text);
	json_decref(j);
	return rc;
}

/* One node of the walk: its ref and stored final JSON (both borrowed from
 * results that live as long as the request). */
struct node {
	const char *ref, *text;
};

/* The walk's state: the stack of entities still to visit, and every ref
 * pushed so far. */
struct walk {
	struct node *todo;
	size_t n;
	json_t *seen;
};

/* One item: the entity and every parent that has a final entity; the
 * parents not seen yet are pushed.  0 or SH_ETOOBIG. */
static int append_item(struct sh_buf *b, size_t visited, struct node cur, const PGresult *res,
		       struct walk *w)
{
	int rc = sh_buf_addstr(b, visited ? ",{\"entity\":" : "{\"entity\":");

	if (rc == 0)
		rc = sh_buf_addstr(b, cur.text);
	if (rc == 0)
		rc = sh_buf_addstr(b, ",\"parentEntityRefs\":[");
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		const char *ref = PQgetvalue(res, i, 0);

		if (i > 0)
			rc = sh_buf_addc(b, ',');
		if (rc == 0)
			rc = append_string(b, ref);
		if (json_object_get(w->seen, ref) == NULL && w->n < MAX_ANCESTORS) {
			json_object_set_new(w->seen, ref, json_true());
			w->todo[w->n++] = (struct node){ ref, PQgetvalue(res, i, 1) };
		}
	}
	return rc == 0 ? sh_buf_addstr(b, "]}") : rc;
}

/*
 * Depth first from the root, a stack of entities still to visit; an
 * entity is pushed the first time it is seen, so each appears once and a
 * cycle ends.  Returns 0, or the status of the failure it replied.
 */
static int walk(struct sh_req *req, struct node root, struct sh_buf *b)
{
	struct walk w = { sh_alloc(req, MAX_ANCESTORS * sizeof(*w.todo)), 0, json_object() };
	struct node cur = root;
	size_t visited = 0;
	int rc;

	sh_defer(req, free_json, w.seen);
	json_object_set_new(w.seen, root.ref, json_true());
	for (;;) {
		PGresult *res = catalog_db_parents(req, cur.ref);

		if (res == NULL)
			return sh_db_fail(req);
		if ((rc = append_item(b, visited++, cur, res, &w)) != 0)
			return catalog_reply_body(req, b, rc);
		if (w.n == 0 || visited >= MAX_ANCESTORS)
			return 0;
		cur = w.todo[--w.n];
	}
}

int catalog_get_entity_ancestry(struct sh_req *req, void *state)
{
	char *ref = catalog_ref_format(sh_req_param(req, "kind"), sh_req_param(req, "namespace"),
				       sh_req_param(req, "name"));
	struct sh_buf *b = catalog_req_body(req);
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
	rc = sh_buf_addstr(b, "{\"rootEntityRef\":");
	if (rc == 0)
		rc = append_string(b, root.ref);
	if (rc == 0)
		rc = sh_buf_addstr(b, ",\"items\":[");
	if (rc != 0)
		return catalog_reply_body(req, b, rc);
	if ((rc = walk(req, root, b)) != 0)
		return rc;
	return catalog_reply_body(req, b, sh_buf_addstr(b, "]}"));
}
