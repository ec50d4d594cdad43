/*
 * What every catalog read route shares: integer parameters, the `filter` and
 * `fields` query parameters, request-scoped statements, and the capped reply
 * body the stored entities are written into (projected when `fields` asks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "db_filter.h"
#include "fields.h"
#include "filter.h"
#include "routes_common.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* Backstage's parseIntegerParam plus the range checks of
 * parseEntityPaginationParams. */
int catalog_int_param(struct sh_req *req, const char *key, long long min, long long *out,
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
}

static void free_buf(void *p)
{
	sh_buf_free(p);
}

void catalog_defer_filter(struct sh_req *req, struct catalog_filter *f)
{
	sh_defer(req, free_filter, f);
}

void catalog_defer_fields(struct sh_req *req, struct catalog_fields *fields)
{
	sh_defer(req, free_fields, fields);
}

struct catalog_sql *catalog_req_sql(struct sh_req *req)
{
	struct catalog_sql *q = sh_alloc(req, sizeof(*q));

	catalog_sql_init(q);
	sh_defer(req, free_sql, q);
	return q;
}

struct sh_buf *catalog_req_body(struct sh_req *req)
{
	struct sh_buf *b = sh_alloc(req, sizeof(*b));

	sh_buf_init(b, CATALOG_BODY_MAX);
	sh_defer(req, free_buf, b);
	return b;
}

int catalog_reply_body(struct sh_req *req, const struct sh_buf *b, int rc)
{
	if (rc != 0)
		return sh_fail(req, 500, "Error", "the reply would be larger than %zu MiB; ask for "
			       "fewer entities at a time", CATALOG_BODY_MAX >> 20);
	return sh_reply_raw(req, 200, JSON_TYPE, sh_buf_str(b), b->len);
}

int catalog_fail_free(struct sh_req *req, char *msg)
{
	int rc = sh_fail(req, 400, "InputError", "%s", msg);

	free(msg);
	return rc;
}

int catalog_parse_filter_fields(struct sh_req *req, struct catalog_filter **f,
				struct catalog_fields **fields)
{
	const char *const *vals;
	size_t n = sh_req_query_all(req, "filter", &vals);
	char *err = NULL;

	*f = NULL;
	*fields = NULL;
	if (catalog_filter_parse_params(vals, n, f, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, *f);
	n = sh_req_query_all(req, "fields", &vals);
	if (catalog_fields_parse(vals, n, 1, fields, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_fields(req, *fields);
	return 0;
}

int catalog_append_entity(struct sh_buf *b, size_t i, const char *text,
			  const struct catalog_fields *fields)
{
	json_t *e, *p;
	char *out;
	int rc;

	if (i > 0 && (rc = sh_buf_addc(b, ',')) != 0)
		return rc;
	if (fields == NULL || text == NULL)
		return sh_buf_addstr(b, text ? text : "null");
	e = json_loads(text, 0, NULL);
	p = catalog_fields_apply(fields, e);
	out = json_dumps(p, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	rc = sh_buf_addstr(b, out ? out : "null");
	free(out);
	json_decref(p);
	json_decref(e);
	return rc;
}
