/*
 * POST /entities/by-refs (spec §3.4): the entities of the given refs,
 * matched verbatim against the stored lower-case refs, in request order
 * with null for a miss; body `fields` and `query`, query-string `filter`.
 */
#include <string.h>

#include <libpq-fe.h>

#include "body.h"
#include "catalog.h"
#include "db_query.h"
#include "fields.h"
#include "filter.h"
#include "routes.h"
#include "routes_common.h"

/* Express parses only ^application/json($|;) bodies; any other body is {}
 * to the handler, which zod then reports. */
static int read_body(struct sh_req *req, json_t **body)
{
	const char *type = sh_req_header(req, "Content-Type");
	size_t n = strlen("application/json");

	*body = NULL;
	if (type == NULL || strncmp(type, "application/json", n) != 0 ||
	    (type[n] != '\0' && type[n] != ';'))
		return 0;
	*body = sh_req_json(req);
	return *body ? 0 : sh_req_status(req);
}

/* The query-string filter ANDed with the body's query predicate. */
static int refs_filter(struct sh_req *req, const json_t *body, struct catalog_filter **f)
{
	const json_t *pred = json_object_get(body, "query");
	const char *const *vals;
	size_t n = sh_req_query_all(req, "filter", &vals);
	struct catalog_filter *qf = NULL;
	char *err = NULL;

	*f = NULL;
	if (pred && !json_is_object(pred))
		return sh_fail(req, 400, "InputError", "Query must be an object");
	if (pred && catalog_filter_parse_predicate(pred, &qf, &err) != 0)
		return catalog_fail_free(req, err);
	if (catalog_filter_parse_params(vals, n, f, &err) != 0) {
		catalog_filter_free(qf);
		return catalog_fail_free(req, err);
	}
	*f = catalog_filter_and(*f, qf);
	catalog_defer_filter(req, *f);
	return 0;
}

static int refs_fields(struct sh_req *req, const json_t *body, struct catalog_fields **fields)
{
	const json_t *v = json_object_get(body, "fields");
	size_t n = json_array_size(v);
	const char **items = sh_alloc(req, (n + 1) * sizeof(*items));
	char *err = NULL;

	for (size_t i = 0; i < n; i++)
		items[i] = json_string_value(json_array_get(v, i));
	if (catalog_fields_parse(items, n, 0, fields, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_fields(req, *fields);
	return 0;
}

static void free_json(void *p)
{
	json_decref(p);
}

/* {"items": [...]}: each requested ref's row, or null. */
static int reply_items(struct sh_req *req, const json_t *refs, const PGresult *res,
		       const struct catalog_fields *fields)
{
	struct sh_buf *b = catalog_req_body(req);
	json_t *index = json_object();
	int rc;

	sh_defer(req, free_json, index);
	for (int r = 0; r < PQntuples(res); r++)
		json_object_set_new(index, PQgetvalue(res, r, 0), json_integer(r));
	rc = sh_buf_addstr(b, "{\"items\":[");
	for (size_t i = 0; rc == 0 && i < json_array_size(refs); i++) {
		const json_t *row = json_object_get(index, json_string_value(json_array_get(refs, i)));

		rc = catalog_append_entity(b, i, row ? PQgetvalue(res, (int)json_integer_value(row), 1) :
					   NULL, fields);
	}
	if (rc == 0)
		rc = sh_buf_addstr(b, "]}");
	return catalog_reply_body(req, b, rc);
}

int catalog_post_entities_by_refs(struct sh_req *req, void *state)
{
	struct catalog_sql *q = catalog_req_sql(req);
	struct catalog_filter *f;
	struct catalog_fields *fields;
	const json_t *refs;
	const char **list;
	json_t *body;
	PGresult *res;
	char *err;
	int rc;

	if ((rc = read_body(req, &body)) != 0)
		return rc;
	if ((err = catalog_body_check_refs(body)) != NULL)
		return catalog_fail_free(req, err);
	if ((rc = refs_filter(req, body, &f)) != 0 || (rc = refs_fields(req, body, &fields)) != 0)
		return rc;
	refs = json_object_get(body, "entityRefs");
	list = sh_alloc(req, (json_array_size(refs) + 1) * sizeof(*list));
	for (size_t i = 0; i < json_array_size(refs); i++)
		list[i] = json_string_value(json_array_get(refs, i));
	if (json_array_size(refs) == 0)
		return reply_items(req, refs, NULL, fields);
	if (catalog_sql_by_refs(q, list, json_array_size(refs), f) != 0)
		return sh_fail(req, 400, "InputError", "Invalid request, too many refs");
	res = sh_db_query(req, catalog_sql_str(q), (int)q->n_params, (const char *const *)q->params);
	if (res == NULL)
		return sh_db_fail(req);
	return reply_items(req, refs, res, fields);
}
