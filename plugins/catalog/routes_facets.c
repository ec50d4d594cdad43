/*
 * GET and POST /entity-facets (spec §3.8): for each requested facet, the
 * distinct original-case values of its search key over the filtered
 * entities with their counts, sorted by value; keys echo the request.  GET
 * filters with `filter` params, POST with a `query` predicate.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "db_query.h"
#include "filter.h"
#include "routes.h"
#include "routes_common.h"
#include "search.h"

static void free_json(void *p)
{
	json_decref(p);
}

/* {"facets": {<facet as requested>: [{value, count}]}}. */
static int reply_facets(struct sh_req *req, const char *const *facets, size_t n,
			const PGresult *res)
{
	json_t *body = json_pack("{s:{}}", "facets"), *out = json_object_get(body, "facets");
	json_t *buckets = json_object();

	sh_defer(req, free_json, buckets);
	for (int r = 0; r < PQntuples(res); r++) {
		const char *key = PQgetvalue(res, r, 0);
		json_t *list = json_object_get(buckets, key);

		if (list == NULL) {
			list = json_array();
			json_object_set_new(buckets, key, list);
		}
		json_array_append_new(list, json_pack("{s:s, s:I}", "value", PQgetvalue(res, r, 1),
						      "count", (json_int_t)strtoll(PQgetvalue(res, r, 2),
										   NULL, 10)));
	}
	for (size_t i = 0; i < n; i++) {
		char *key = sh_xstrdup(facets[i]);
		json_t *list;

		catalog_search_lower(key);
		list = json_object_get(buckets, key);
		json_object_set_new(out, facets[i], list ? json_deep_copy(list) : json_array());
		free(key);
	}
	return sh_reply_json(req, 200, body);
}

/* The facets of keys[0..n) over the entities f (NULL: all) matches. */
static int run_facets(struct sh_req *req, const char *const *keys, size_t n,
		      const struct catalog_filter *f)
{
	struct catalog_sql *q = catalog_req_sql(req);
	PGresult *res;

	if (catalog_sql_facets(q, keys, n, f) != 0)
		return sh_fail(req, 400, "InputError", "Invalid filter, too many values");
	res = sh_db_query(req, catalog_sql_str(q), (int)q->n_params, (const char *const *)q->params);
	if (res == NULL)
		return sh_db_fail(req);
	return reply_facets(req, keys, n, res);
}

int catalog_get_entity_facets(struct sh_req *req, void *state)
{
	const char *const *vals, **keys;
	size_t n = sh_req_query_all(req, "facet", &vals), k = 0;
	struct catalog_filter *f;
	const char *const *fvals;
	size_t nf = sh_req_query_all(req, "filter", &fvals);
	char *err = NULL;

	(void)state;
	keys = sh_alloc(req, (n + 1) * sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		if (vals[i][0] != '\0')
			keys[k++] = vals[i];
	if (k == 0)
		return sh_fail(req, 400, "InputError", "Missing facet parameter");
	if (catalog_filter_parse_params(fvals, nf, &f, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, f);
	return run_facets(req, keys, k, f);
}

/* The request validator's first complaint about a POST body, or NULL. */
static const char *post_body_error(struct sh_req *req, const json_t *body)
{
	const json_t *list = json_object_get(body, "facets"), *q = json_object_get(body, "query");
	size_t i;

	if (!json_is_object(body))
		return "request/body must be object";
	if (list == NULL)
		return "request/body must have required property 'facets'";
	if (!json_is_array(list))
		return "request/body/facets must be array";
	for (i = 0; i < json_array_size(list); i++)
		if (!json_is_string(json_array_get(list, i)))
			return sh_printf(req, "request/body/facets/%zu must be string", i);
	if (q != NULL && !json_is_object(q))
		return "request/body/query must be object";
	return NULL;
}

/* {facets: [...], query?: predicate} (parseEntityFacetsQuery). */
int catalog_post_entity_facets(struct sh_req *req, void *state)
{
	struct catalog_filter *f = NULL;
	const json_t *list, *q;
	const char **keys, *msg;
	size_t k = 0;
	json_t *body;
	char *err = NULL;

	(void)state;
	if ((body = sh_req_json(req)) == NULL)
		return sh_req_status(req);
	if ((msg = post_body_error(req, body)) != NULL)
		return sh_fail(req, 400, "InputError", "%s", msg);
	list = json_object_get(body, "facets");
	keys = sh_alloc(req, (json_array_size(list) + 1) * sizeof(*keys));
	for (size_t i = 0; i < json_array_size(list); i++)
		if (json_string_length(json_array_get(list, i)) > 0)
			keys[k++] = json_string_value(json_array_get(list, i));
	if (k == 0)
		return sh_fail(req, 400, "InputError", "Missing or empty facets parameter");
	if ((q = json_object_get(body, "query")) != NULL &&
	    catalog_filter_parse_predicate(q, &f, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, f);
	return run_facets(req, keys, k, f);
}
