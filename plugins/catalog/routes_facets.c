/*
 * GET /entity-facets (spec §3.8): for each requested facet, the distinct
 * original-case values of its search key over the filtered entities with
 * their counts, sorted by value; keys echo the request.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "db_query.h"
#include "filter.h"
#include "search.h"

static const char *const facet_params[] = { "facet", "filter", NULL };

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
		char *key = catalog_xstrdup(facets[i]);
		json_t *list;

		catalog_search_lower(key);
		list = json_object_get(buckets, key);
		json_object_set_new(out, facets[i], list ? json_deep_copy(list) : json_array());
		free(key);
	}
	return sh_reply_json(req, 200, body);
}

static int facets(struct sh_req *req, void *state)
{
	struct catalog_sql *q = catalog_req_sql(req);
	const char *const *vals, **keys;
	size_t n = sh_req_query_all(req, "facet", &vals), k = 0;
	struct catalog_filter *f;
	const char *const *fvals;
	size_t nf = sh_req_query_all(req, "filter", &fvals);
	char *err = NULL;
	PGresult *res;
	int rc;

	if ((rc = catalog_query_allowed(req, facet_params)) != 0)
		return rc;
	keys = sh_alloc(req, (n + 1) * sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		if (vals[i][0] != '\0')
			keys[k++] = vals[i];
	if (k == 0)
		return sh_fail(req, 400, "InputError", "Missing facet parameter");
	if (catalog_filter_parse_params(fvals, nf, &f, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, f);
	if (catalog_sql_facets(q, keys, k, f) != 0)
		return sh_fail(req, 400, "InputError", "Invalid filter, too many values");
	res = sh_db_query(req, q->text, (int)q->n_params, (const char *const *)q->params);
	if (res == NULL)
		return sh_db_fail(req);
	return reply_facets(req, keys, k, res);
}

int catalog_routes_facets(struct sh_host *host, struct catalog_state *st)
{
	return sh_route(host, "GET", "/entity-facets", SH_AUTH_ANY, facets, st);
}
