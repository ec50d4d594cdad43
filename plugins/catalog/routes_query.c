/*
 * GET and POST /entities/by-query (spec §3.2, §3.3, §5.2): keyset pages
 * with Backstage's cursor (the first request's filter travels in it as a
 * `query` predicate, which makes the client continue with POST),
 * totalItems carried in the cursor, order field and full-text search.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "cursor.h"
#include "db_query.h"
#include "fields.h"
#include "filter.h"
#include "routes.h"
#include "routes_common.h"
#include "search.h"

/* The current server's default page (the OpenAPI text still says 20). */
#define DEFAULT_LIMIT 200

/* One request: the cursor (decoded, or built from an initial request). */
struct query {
	struct catalog_query_cursor c;
	struct catalog_filter *filter;
	struct catalog_fields *fields;
	long long limit, offset;
	int skip_total;
};

static void clear_query(void *p)
{
	catalog_cursor_query_clear(p);
}

static struct query *query_new(struct sh_req *req)
{
	struct query *q = sh_alloc(req, sizeof(*q));

	memset(q, 0, sizeof(*q));
	q->limit = DEFAULT_LIMIT;
	sh_defer(req, clear_query, &q->c);
	return q;
}

/* The cursor's own filter: its `query` predicate. */
static int use_cursor(struct sh_req *req, struct query *q, const char *cursor)
{
	char *err = NULL;

	if (catalog_cursor_query_decode(cursor, &q->c, &err) != 0)
		return catalog_fail_free(req, err);
	if (q->c.query && catalog_filter_parse_predicate(q->c.query, &q->filter, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, q->filter);
	return 0;
}

/* orderField=<field>[,asc|desc], all kept in the cursor, the first used. */
static int get_order(struct sh_req *req, struct query *q)
{
	const char *const *vals;
	size_t n = sh_req_query_all(req, "orderField", &vals);

	q->c.order = sh_xmalloc((n + 1) * sizeof(*q->c.order));
	for (size_t i = 0; i < n; i++) {
		const char *comma = strchr(vals[i], ',');
		const char *dir = comma ? comma + 1 : "asc";
		size_t dlen = strcspn(dir, ",");

		if (!((dlen == 3 && !strncmp(dir, "asc", 3)) || (dlen == 4 && !strncmp(dir, "desc", 4))))
			return sh_fail(req, 400, "InputError",
				       "Invalid order field order, must be asc or desc");
		q->c.order[i].field = comma ? sh_xstrndup(vals[i], (size_t)(comma - vals[i])) :
			sh_xstrdup(vals[i]);
		q->c.order[i].desc = dlen == 4;
		q->c.n_order = i + 1;
	}
	return 0;
}

/* fullTextFilter is always in the initial request: {term: term || ''}. */
static void get_full_text(struct sh_req *req, struct query *q)
{
	const char *term = sh_req_query(req, "fullTextFilterTerm");
	const char *fields = sh_req_query(req, "fullTextFilterFields");
	json_t *arr;

	q->c.full_text = json_pack("{s:s}", "term", term ? term : "");
	if (fields == NULL || *fields == '\0') /* '' is falsy to Backstage */
		return;
	arr = json_array();
	for (const char *comma; (comma = strchr(fields, ',')); fields = comma + 1)
		json_array_append_new(arr, json_stringn(fields, (size_t)(comma - fields)));
	json_array_append_new(arr, json_string(fields));
	json_object_set_new(q->c.full_text, "fields", arr);
}

static int get_initial(struct sh_req *req, struct query *q)
{
	const char *const *vals;
	size_t n = sh_req_query_all(req, "filter", &vals);
	const char *total = sh_req_query(req, "totalItems");
	char *err = NULL;
	int has, rc;

	if (catalog_filter_parse_params(vals, n, &q->filter, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, q->filter);
	if (q->filter)
		q->c.query = catalog_filter_to_json(q->filter);
	if ((rc = get_order(req, q)) != 0 ||
	    (rc = catalog_int_param(req, "offset", 0, &q->offset, &has)) != 0)
		return rc;
	get_full_text(req, q);
	q->skip_total = total && strcmp(total, "exclude") == 0;
	return 0;
}

/* sortFieldsFromRow: [value, uid] when ordered, else [uid]; nulls for a
 * missing row. */
static json_t *row_values(const PGresult *res, int row, int sorted)
{
	json_t *v = json_array();

	if (sorted)
		json_array_append_new(v, row < 0 || PQgetisnull(res, row, 2) ? json_null() :
				      json_string(PQgetvalue(res, row, 2)));
	json_array_append_new(v, row < 0 ? json_null() : json_string(PQgetvalue(res, row, 1)));
	return v;
}

/* A cursor for another page: the request's cursor with new positions. */
static char *page_cursor(const struct query *q, json_t *values, json_t *first, int prev,
			 long long total)
{
	struct catalog_query_cursor c = q->c;
	char *out;

	c.order_values = values;
	c.first_values = first;
	c.is_previous = prev;
	c.has_total_items = 1;
	c.total_items = total;
	out = catalog_cursor_query_encode(&c);
	json_decref(values);
	return out;
}

struct page {
	const PGresult *res;
	int n;          /* rows kept */
	int back;       /* rows are in reverse order */
	long long total;
	int more;
};

static int row_at(const struct page *pg, int i)
{
	return pg->n == 0 ? -1 : pg->back ? PQntuples(pg->res) - 1 - i : i;
}

/* The next and previous cursors (malloc'd, NULL when there is no such page). */
static void page_cursors(const struct query *q, const struct page *pg, char **next, char **prev)
{
	int sorted = q->c.n_order > 0;
	json_t *first = q->c.first_values ? json_incref(q->c.first_values) :
		row_values(pg->res, row_at(pg, 0), sorted);

	*next = *prev = NULL;
	if (pg->more)
		*next = page_cursor(q, row_values(pg->res, row_at(pg, pg->n - 1), sorted), first, 0,
				    pg->total);
	if (q->c.first_values && pg->n > 0) {
		json_t *v = row_values(pg->res, row_at(pg, 0), sorted);

		if (!json_equal(v, q->c.first_values))
			*prev = page_cursor(q, json_incref(v), q->c.first_values, 1, pg->total);
		json_decref(v);
	}
	json_decref(first);
}

/* "totalItems":n,"pageInfo":{...}} ending the page's object. */
static int append_page_info(struct sh_buf *b, const struct query *q, const struct page *pg)
{
	char *next, *prev;
	int rc;

	page_cursors(q, pg, &next, &prev);
	rc = sh_buf_printf(b, "],\"totalItems\":%lld,\"pageInfo\":{", pg->total);
	if (rc == 0 && next)
		rc = sh_buf_printf(b, "\"nextCursor\":\"%s\"%s", next, prev ? "," : "");
	if (rc == 0 && prev)
		rc = sh_buf_printf(b, "\"prevCursor\":\"%s\"", prev);
	if (rc == 0)
		rc = sh_buf_addstr(b, "}}");
	free(next);
	free(prev);
	return rc;
}

static int reply_page(struct sh_req *req, const struct query *q, struct page *pg)
{
	struct sh_buf *b = catalog_req_body(req);
	int rc = sh_buf_addstr(b, "{\"items\":[");

	for (int i = 0; rc == 0 && i < pg->n; i++)
		rc = catalog_append_entity(b, (size_t)i, PQgetvalue(pg->res, row_at(pg, i), 3),
					   q->fields);
	if (rc == 0)
		rc = append_page_info(b, q, pg);
	return catalog_reply_body(req, b, rc);
}

/* The trimmed, lower-cased full-text term (malloc'd), or NULL. */
static char *term_of(const struct query *q)
{
	const char *t = json_string_value(json_object_get(q->c.full_text, "term"));
	size_t n;
	char *s;

	if (t == NULL)
		return NULL;
	while (isspace((unsigned char)*t))
		t++;
	for (n = strlen(t); n > 0 && isspace((unsigned char)t[n - 1]); n--)
		;
	s = sh_xstrndup(t, n);
	catalog_search_lower(s);
	return s;
}

static int run(struct sh_req *req, const struct query *q)
{
	int count = !q->c.has_total_items && !q->skip_total, rows;
	struct catalog_query_plan p = {
		.sort_field = q->c.n_order ? q->c.order[0].field : NULL,
		.desc = q->c.n_order ? q->c.order[0].desc : 0, .filter = q->filter,
		.term_fields = json_object_get(q->c.full_text, "fields"),
		.after = q->c.order_values, .is_previous = q->c.is_previous,
		.offset = q->offset, .count = count,
		.limit = q->limit == 0 || q->c.is_previous ? q->limit : q->limit + 1,
	};
	struct page pg = { .back = q->c.is_previous };
	struct catalog_sql *sql = catalog_req_sql(req);
	char *term = term_of(q);
	PGresult *res = NULL;

	p.term = term;
	rows = catalog_sql_query_page(sql, &p);
	free(term);
	if (rows != 0)
		return sh_fail(req, 400, "InputError", "Invalid filter, too many values");
	if (count || q->limit > 0) {
		res = sh_db_query(req, catalog_sql_str(sql), (int)sql->n_params, (const char *const *)sql->params);
		if (res == NULL)
			return sh_db_fail(req);
	}
	rows = res ? PQntuples(res) : 0;
	pg.res = res;
	pg.total = q->c.has_total_items ? q->c.total_items :
		count && rows > 0 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	if (count && rows == 1 && PQgetisnull(res, 0, 1))
		rows = 0; /* the count's row of an empty page */
	pg.more = q->limit > 0 && (q->c.is_previous || rows > q->limit);
	pg.n = rows > q->limit ? (int)q->limit : rows;
	return reply_page(req, q, &pg);
}

/* The OpenAPI enum of totalItems (the validator's 400 either way). */
static int check_total_mode(struct sh_req *req, const char *where, const char *mode)
{
	if (mode == NULL || strcmp(mode, "include") == 0 || strcmp(mode, "exclude") == 0)
		return 0;
	return sh_fail(req, 400, "InputError", "request/%s/totalItems must be equal to one of the"
		       " allowed values: include, exclude", where);
}

int catalog_get_entities_by_query(struct sh_req *req, void *state)
{
	struct query *q = query_new(req);
	const char *const *vals;
	size_t n = sh_req_query_all(req, "fields", &vals);
	const char *cursor = sh_req_query(req, "cursor");
	char *err = NULL;
	int has, rc;

	if ((rc = catalog_int_param(req, "limit", 0, &q->limit, &has)) != 0 ||
	    (rc = check_total_mode(req, "query", sh_req_query(req, "totalItems"))) != 0)
		return rc;
	if (catalog_fields_parse(vals, n, 1, &q->fields, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_fields(req, q->fields);
	rc = cursor && *cursor ? use_cursor(req, q, cursor) : get_initial(req, q);
	return rc != 0 ? rc : run(req, q);
}

/* A non-negative integer member of the body; 0 or the 400 sent. */
static int body_int(struct sh_req *req, const json_t *body, const char *key, long long *out)
{
	const json_t *v = json_object_get(body, key);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return sh_fail(req, 400, "InputError", "request/body/%s must be integer >= 0", key);
	*out = json_integer_value(v);
	return 0;
}

static int body_strings(const json_t *v)
{
	const json_t *item;
	size_t i;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, item)
		if (!json_is_string(item))
			return 0;
	return 1;
}

/* orderBy: [{field, order: asc|desc}] into the cursor's orderFields. */
static int body_order(struct sh_req *req, struct query *q, const json_t *v)
{
	const json_t *item;
	size_t i;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return sh_fail(req, 400, "InputError", "request/body/orderBy must be array");
	q->c.order = sh_xmalloc((json_array_size(v) + 1) * sizeof(*q->c.order));
	json_array_foreach(v, i, item) {
		const char *field = json_string_value(json_object_get(item, "field"));
		const char *order = json_string_value(json_object_get(item, "order"));

		if (field == NULL || (order && strcmp(order, "asc") && strcmp(order, "desc")))
			return sh_fail(req, 400, "InputError",
				       "Invalid order field order, must be asc or desc");
		q->c.order[i].field = sh_xstrdup(field);
		q->c.order[i].desc = order && !strcmp(order, "desc");
		q->c.n_order = i + 1;
	}
	return 0;
}

static int post_initial(struct sh_req *req, struct query *q, const json_t *body)
{
	const json_t *pred = json_object_get(body, "query"), *ft = json_object_get(body, "fullTextFilter");
	const char *total = json_string_value(json_object_get(body, "totalItems"));
	char *err = NULL;
	int rc;

	if (pred && !json_is_object(pred))
		return sh_fail(req, 400, "InputError", "Query must be an object");
	if (pred && catalog_filter_parse_predicate(pred, &q->filter, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, q->filter);
	if (pred)
		q->c.query = json_deep_copy(pred);
	if (ft && (!json_is_object(ft) || !json_is_string(json_object_get(ft, "term")) ||
		   (json_object_get(ft, "fields") && !body_strings(json_object_get(ft, "fields")))))
		return sh_fail(req, 400, "InputError", "request/body/fullTextFilter is not valid");
	if (ft)
		q->c.full_text = json_deep_copy(ft);
	if ((rc = body_order(req, q, json_object_get(body, "orderBy"))) != 0 ||
	    (rc = body_int(req, body, "offset", &q->offset)) != 0)
		return rc;
	q->skip_total = total && strcmp(total, "exclude") == 0;
	return 0;
}

static int post_fields(struct sh_req *req, struct query *q, const json_t *v)
{
	const char **items;
	char *err = NULL;
	size_t n;

	if (v == NULL)
		return 0;
	if (!body_strings(v))
		return sh_fail(req, 400, "InputError", "request/body/fields must be array");
	n = json_array_size(v);
	items = sh_alloc(req, (n + 1) * sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = json_string_value(json_array_get(v, i));
	if (catalog_fields_parse(items, n, 0, &q->fields, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_fields(req, q->fields);
	return 0;
}

int catalog_post_entities_by_query(struct sh_req *req, void *state)
{
	struct query *q = query_new(req);
	json_t *body;
	const json_t *cursor, *total;
	int rc;

	if ((body = sh_req_json(req)) == NULL)
		return sh_req_status(req);
	if (!json_is_object(body))
		return sh_fail(req, 400, "InputError", "request/body must be object");
	cursor = json_object_get(body, "cursor");
	total = json_object_get(body, "totalItems");
	if (total && !json_is_string(total))
		return sh_fail(req, 400, "InputError", "request/body/totalItems must be string");
	if ((rc = check_total_mode(req, "body", json_string_value(total))) != 0 ||
	    (rc = body_int(req, body, "limit", &q->limit)) != 0 ||
	    (rc = post_fields(req, q, json_object_get(body, "fields"))) != 0)
		return rc;
	if (cursor && !json_is_string(cursor))
		return sh_fail(req, 400, "InputError", "request/body/cursor must be string");
	if (cursor && json_string_value(cursor)[0] == '\0')
		return sh_fail(req, 400, "InputError", "Cursor cannot be empty");
	rc = cursor ? use_cursor(req, q, json_string_value(cursor)) : post_initial(req, q, body);
	return rc != 0 ? rc : run(req, q);
}
