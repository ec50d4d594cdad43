/*
 * Entity read routes (spec §3.1, §3.5, §3.6): by name, by uid, and the
 * GET /entities list with filters, projection and offset pagination.
 * Stored final JSON is sent as it is unless `fields` asks for a projection.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "cursor.h"
#include "db_filter.h"
#include "fields.h"
#include "filter.h"
#include "ref.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* An optional page: limit 0 means "no limit". */
struct page {
	long long limit, offset;
};

static int reply_text(struct sh_req *req, const char *text)
{
	return sh_reply_raw(req, 200, JSON_TYPE, text, strlen(text));
}

static int by_name(struct sh_req *req, void *state)
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

/* uids are stored lower-case canonical; anything else names no entity. */
static int is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !(isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[36] == '\0';
}

static int by_uid(struct sh_req *req, void *state)
{
	const char *uid = sh_req_param(req, "uid");
	const char *params[1] = { uid };
	PGresult *res = NULL;

	if (is_uuid(uid)) {
		res = sh_db_query(req, "SELECT final_entity FROM catalog.final_entities"
				  " WHERE entity_id = $1", 1, params);
		if (res == NULL)
			return sh_db_fail(req);
	}
	if (res == NULL || PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError", "No entity with uid %s", uid);
	return reply_text(req, PQgetvalue(res, 0, 0));
}

/* Backstage's parseIntegerParam plus the range checks of
 * parseEntityPaginationParams. */
static int int_param(struct sh_req *req, const char *key, long long min, long long *out,
		     int *has)
{
	const char *v = sh_req_query(req, key);
	char *end;

	*has = v != NULL;
	if (v == NULL)
		return 0;
	errno = 0;
	*out = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0)
		return sh_fail(req, 400, "InputError", "Invalid %s, not an integer on base 10", key);
	if (*out < min)
		return sh_fail(req, 400, "InputError", min > 0 ?
			       "Invalid %s, must be greater than zero" :
			       "Invalid %s, must be zero or greater", key);
	return 0;
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
	if ((rc = int_param(req, "offset", 0, &pg->offset, &has_o)) != 0 ||
	    (rc = int_param(req, "limit", 1, &pg->limit, &has_l)) != 0)
		return rc;
	*is_paged = has_l || has_o || after;
	if (after == NULL)
		return 0;
	if (catalog_cursor_offset_decode(after, &c, &err) != 0) {
		rc = sh_fail(req, 400, "InputError", "%s", err);
		free(err);
		return rc;
	}
	if (c.has_limit)
		pg->limit = c.limit;
	if (c.has_offset)
		pg->offset = c.offset;
	return 0;
}

/* application/x-www-form-urlencoded, as URLSearchParams writes it. */
static void form_encode(struct catalog_sql *b, const char *s)
{
	char hex[4];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
			hex[0] = (char)c;
			hex[1] = '\0';
		} else if (c == ' ') {
			snprintf(hex, sizeof(hex), "+");
		} else {
			snprintf(hex, sizeof(hex), "%%%02X", c);
		}
		catalog_sql_append(b, hex);
	}
}

/* Link: </entities?...&after=...>; rel="next", the query re-serialised with
 * `offset` dropped and `after` set, as Backstage's router does. */
static void link_next(struct sh_req *req, long long limit, long long offset)
{
	char *cursor = catalog_cursor_offset_encode(limit, offset);
	struct catalog_sql b = { 0 };
	const char *k, *v;
	int set = 0;

	catalog_sql_append(&b, "</entities?");
	for (size_t i = 0; i < sh_req_query_count(req); i++) {
		if (sh_req_query_at(req, i, &k, &v) != 0 || strcmp(k, "offset") == 0 ||
		    (strcmp(k, "after") == 0 && set))
			continue;
		if (b.text[b.len - 1] != '?')
			catalog_sql_append(&b, "&");
		form_encode(&b, k);
		catalog_sql_append(&b, "=");
		form_encode(&b, strcmp(k, "after") == 0 ? cursor : v);
		set |= strcmp(k, "after") == 0;
	}
	if (!set) {
		catalog_sql_append(&b, b.text[b.len - 1] == '?' ? "after=" : "&after=");
		form_encode(&b, cursor);
	}
	catalog_sql_append(&b, ">; rel=\"next\"");
	sh_reply_header(req, "Link", b.text);
	catalog_sql_free(&b);
	free(cursor);
}

static void free_filter(void *p)
{
	catalog_filter_free(p);
}

static void free_fields(void *p)
{
	catalog_fields_free(p);
}

static void free_sql(void *p)
{
	catalog_sql_free(p);
	free(p);
}

/* Parses filter and fields; returns 0 or the 400 status already sent. */
static int parse_query(struct sh_req *req, struct catalog_filter **f,
		       struct catalog_fields **fields)
{
	const char *const *vals;
	size_t n = sh_req_query_all(req, "filter", &vals);
	char *err = NULL;
	int rc;

	*f = NULL;
	*fields = NULL;
	if (catalog_filter_parse_params(vals, n, f, &err) == 0) {
		sh_defer(req, free_filter, *f);
		n = sh_req_query_all(req, "fields", &vals);
		if (catalog_fields_parse(vals, n, 1, fields, &err) == 0) {
			sh_defer(req, free_fields, *fields);
			return 0;
		}
	}
	rc = sh_fail(req, 400, "InputError", "%s", err);
	free(err);
	return rc;
}

/* The page of rows as one JSON array, projected when fields are given. */
static int reply_rows(struct sh_req *req, const PGresult *res, int n,
		      const struct catalog_fields *fields)
{
	struct catalog_sql b = { 0 };
	int rc;

	catalog_sql_append(&b, "[");
	for (int i = 0; i < n; i++) {
		if (i > 0)
			catalog_sql_append(&b, ",");
		if (fields == NULL) {
			catalog_sql_append(&b, PQgetvalue(res, i, 0));
		} else {
			json_t *e = json_loads(PQgetvalue(res, i, 0), 0, NULL);
			json_t *p = catalog_fields_apply(fields, e);
			char *text = json_dumps(p, JSON_COMPACT | JSON_ENCODE_ANY);

			catalog_sql_append(&b, text ? text : "null");
			free(text);
			json_decref(p);
			json_decref(e);
		}
	}
	catalog_sql_append(&b, "]");
	rc = sh_reply_raw(req, 200, JSON_TYPE, b.text, b.len);
	catalog_sql_free(&b);
	return rc;
}

static int list(struct sh_req *req, void *state)
{
	struct catalog_sql *q = calloc(1, sizeof(*q));
	struct catalog_filter *f;
	struct catalog_fields *fields;
	struct page pg;
	int paged = 0, rc, n;
	char num[32];
	PGresult *res;

	if (q == NULL)
		abort();
	sh_defer(req, free_sql, q);
	if ((rc = parse_query(req, &f, &fields)) != 0 || (rc = parse_page(req, &pg, &paged)) != 0)
		return rc;
	catalog_sql_append(q, "SELECT f.final_entity FROM catalog.final_entities f WHERE ");
	if (catalog_sql_filter(q, f, "f.entity_id") != 0)
		return sh_fail(req, 400, "InputError", "Invalid filter, too many values");
	catalog_sql_append(q, " ORDER BY f.entity_ref");
	if (paged && pg.limit > 0) {
		catalog_sql_append(q, " LIMIT ");
		snprintf(num, sizeof(num), "%lld", pg.limit + 1);
		catalog_sql_param(q, num);
	}
	catalog_sql_append(q, " OFFSET ");
	snprintf(num, sizeof(num), "%lld", pg.offset);
	catalog_sql_param(q, num);
	res = sh_db_query(req, q->text, (int)q->n_params, (const char *const *)q->params);
	if (res == NULL)
		return sh_db_fail(req);
	n = PQntuples(res);
	if (paged && pg.limit > 0 && n > pg.limit) {
		n = (int)pg.limit;
		link_next(req, pg.limit, pg.offset + pg.limit);
	}
	return reply_rows(req, res, n, fields);
}

int catalog_routes_entities(struct sh_host *host, struct catalog_state *st)
{
	int rc = sh_route(host, "GET", "/entities", SH_AUTH_ANY, list, st);

	if (rc == 0)
		rc = sh_route(host, "GET", "/entities/by-uid/:uid", SH_AUTH_ANY, by_uid, st);
	if (rc == 0)
		rc = sh_route(host, "GET", "/entities/by-name/:kind/:namespace/:name", SH_AUTH_ANY,
			      by_name, st);
	return rc;
}
