/*
 * Entity read routes (spec §3.1, §3.5, §3.6): by name, by uid, and the
 * GET /entities list with filters, projection, order and offset pagination.
 * Stored final JSON is sent as it is unless `fields` asks for a projection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "cursor.h"
#include "db_filter.h"
#include "db_query.h"
#include "fields.h"
#include "filter.h"
#include "ref.h"
#include "routes.h"
#include "routes_common.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* An optional page: limit 0 means "no limit". */
struct page {
	long long limit, offset;
};

static int reply_text(struct sh_req *req, const char *text)
{
	return sh_reply_raw(req, 200, JSON_TYPE, text, strlen(text));
}

int catalog_get_entity_by_name(struct sh_req *req, void *state)
{
	const char *kind = sh_req_param(req, "kind"), *ns = sh_req_param(req, "namespace");
	const char *name = sh_req_param(req, "name");
	char *ref = catalog_ref_format(kind, ns, name);
	const char *params[1] = { ref };
	PGresult *res;

	sh_defer(req, free, ref);
	res = sh_db_query(req, "SELECT final_entity FROM catalog.final_entities"
			  " WHERE entity_ref = $1", 1, params);
	if (res == NULL)
		return sh_db_fail(req);
	if (PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError",
			       "No entity named '%s' found, with kind '%s' in namespace '%s'",
			       name, kind, ns);
	return reply_text(req, PQgetvalue(res, 0, 0));
}

int catalog_get_entity_by_uid(struct sh_req *req, void *state)
{
	const char *uid = sh_req_param(req, "uid");
	const char *params[1] = { uid };
	PGresult *res = NULL;

	if (catalog_is_uuid(uid)) {
		res = sh_db_query(req, "SELECT final_entity FROM catalog.final_entities"
				  " WHERE entity_id = $1", 1, params);
		if (res == NULL)
			return sh_db_fail(req);
	}
	if (res == NULL || PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError", "No entity with uid %s", uid);
	return reply_text(req, PQgetvalue(res, 0, 0));
}

/* Returns 0 and fills pg (is_paged 1 when any pagination key is given), or
 * the 400 status already sent. */
static int parse_page(struct sh_req *req, struct page *pg, int *is_paged)
{
	const char *after = sh_req_query(req, "after");
	struct catalog_offset_cursor c;
	int has_l, has_o, rc;
	char *err = NULL;

	pg->limit = pg->offset = 0;
	if ((rc = catalog_int_param(req, "offset", 0, &pg->offset, &has_o)) != 0 ||
	    (rc = catalog_int_param(req, "limit", 1, &pg->limit, &has_l)) != 0)
		return rc;
	*is_paged = has_l || has_o || after;
	if (after == NULL)
		return 0;
	if (catalog_cursor_offset_decode(after, &c, &err) != 0)
		return catalog_fail_free(req, err);
	if (c.has_limit)
		pg->limit = c.limit;
	if (c.has_offset)
		pg->offset = c.offset;
	return 0;
}

/* Link: </entities?...&after=...>; rel="next", the query re-serialised with
 * `offset` dropped and `after` set, as Backstage's router does (its
 * URLSearchParams: sh_buf_add_form_www).  0, or SH_ETOOBIG past the body
 * cap (no header is set then). */
static int link_next(struct sh_req *req, long long limit, long long offset)
{
	char *cursor = catalog_cursor_offset_encode(limit, offset);
	struct sh_buf *b = catalog_req_body(req), q;
	int set = 0, rc = 0;
	const char *k, *v;

	sh_defer(req, free, cursor);
	sh_buf_init(&q, b->max);
	for (size_t i = 0; rc == 0 && i < sh_req_query_count(req); i++) {
		if (sh_req_query_at(req, i, &k, &v) != 0 || strcmp(k, "offset") == 0 ||
		    (strcmp(k, "after") == 0 && set))
			continue;
		set |= strcmp(k, "after") == 0;
		rc = sh_buf_add_form_www(&q, k, strcmp(k, "after") == 0 ? cursor : v);
	}
	if (rc == 0 && !set)
		rc = sh_buf_add_form_www(&q, "after", cursor);
	if (rc == 0)
		rc = sh_buf_printf(b, "</entities?%s>; rel=\"next\"", sh_buf_str(&q));
	if (rc == 0)
		sh_reply_header(req, "Link", b->data);
	sh_buf_free(&q);
	return rc;
}

/* The rows as one JSON array, from column col, projected when fields
 * are given. */
static int reply_rows(struct sh_req *req, const PGresult *res, int col, int n,
		      const struct catalog_fields *fields)
{
	struct sh_buf *b = catalog_req_body(req);
	int rc = sh_buf_addc(b, '[');

	for (int i = 0; rc == 0 && i < n; i++)
		rc = catalog_append_entity(b, (size_t)i, PQgetvalue(res, i, col), fields);
	if (rc == 0)
		rc = sh_buf_addc(b, ']');
	return catalog_reply_body(req, b, rc);
}

/* order=asc:<field> | desc:<field> (parseEntityOrderParams). */
static int parse_order(struct sh_req *req, struct catalog_order **out, size_t *n)
{
	const char *const *vals;

	*n = sh_req_query_all(req, "order", &vals);
	*out = sh_alloc(req, (*n + 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		const char *v = vals[i], *colon = strchr(v, ':');
		size_t dir = colon ? (size_t)(colon - v) : 0;

		if (colon == NULL || colon[1] == '\0' || !((dir == 3 && !strncmp(v, "asc", 3)) ||
							    (dir == 4 && !strncmp(v, "desc", 4))))
			return sh_fail(req, 400, "InputError", "Invalid order parameter \"%s\", "
				       "expected \"<asc or desc>:<field name>\"", v);
		(*out)[i].field = colon + 1;
		(*out)[i].desc = dir == 4;
	}
	return 0;
}

/* Unpaged with `order`: Backstage goes through queryEntities, so only the
 * first order field counts and entities without it are left out. */
static int list_by_query(struct sh_req *req, struct catalog_sql *q, const struct catalog_filter *f,
			 const struct catalog_order *order, const struct catalog_fields *fields)
{
	struct catalog_query_plan p = { .sort_field = order->field, .desc = order->desc,
					.filter = f, .limit = -1 };
	PGresult *res;

	if (catalog_sql_query_page(q, &p) != 0)
		return sh_fail(req, 400, "InputError", "Invalid filter, too many values");
	res = sh_db_query(req, catalog_sql_str(q), (int)q->n_params, (const char *const *)q->params);
	if (res == NULL)
		return sh_db_fail(req);
	return reply_rows(req, res, 3, PQntuples(res), fields);
}

int catalog_get_entities(struct sh_req *req, void *state)
{
	struct catalog_sql *q = catalog_req_sql(req);
	struct catalog_filter *f;
	struct catalog_fields *fields;
	struct catalog_order *order;
	size_t n_order;
	struct page pg;
	int paged = 0, rc, n;
	PGresult *res;

	if ((rc = catalog_parse_filter_fields(req, &f, &fields)) != 0 ||
	    (rc = parse_order(req, &order, &n_order)) != 0 ||
	    (rc = parse_page(req, &pg, &paged)) != 0)
		return rc;
	if (!paged && n_order > 0)
		return list_by_query(req, q, f, order, fields);
	if (catalog_sql_entities(q, f, order, n_order, paged && pg.limit > 0 ? pg.limit : -1,
				 pg.offset) != 0)
		return sh_fail(req, 400, "InputError", "Invalid filter, too many values");
	res = sh_db_query(req, catalog_sql_str(q), (int)q->n_params, (const char *const *)q->params);
	if (res == NULL)
		return sh_db_fail(req);
	n = PQntuples(res);
	if (paged && pg.limit > 0 && n > pg.limit) {
		n = (int)pg.limit;
		if ((rc = link_next(req, pg.limit, pg.offset + pg.limit)) != 0)
			return catalog_reply_body(req, NULL, rc);
	}
	return reply_rows(req, res, 0, n, fields);
}
