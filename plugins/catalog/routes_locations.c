/*
 * The location routes (spec §3.10-§3.11): registering (or dry-running) a
 * location, listing and querying registered locations, reading, moving
 * and removing one, and finding the location an entity came from.  The
 * SQL is in db_locations.c, the dry run in dryrun.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "cursor.h"
#include "filter.h"
#include "ref.h"
#include "routes.h"
#include "routes_common.h"
#include "search.h"

#define LOCATIONS_DEFAULT_LIMIT 1000
#define LOCATION_COLUMNS "id, type, target, location_entity_ref"

static json_t *location_json(const PGresult *res, int row)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, row, 0),
			 "type", PQgetvalue(res, row, 1), "target", PQgetvalue(res, row, 2),
			 "entityRef", PQgetvalue(res, row, 3));
}

static void free_json(void *v)
{
	json_decref(v);
}

static void defer_json(struct sh_req *req, json_t *v)
{
	sh_defer(req, free_json, v);
}

static int readonly_fail(struct sh_req *req, const struct catalog_state *st)
{
	if (!st->readonly)
		return 0;
	return sh_fail(req, 403, "NotAllowedError", "This operation not allowed in readonly mode");
}

/* A zod issue as Backstage's "Malformed request: ZodError: [...]" shows it. */
static void zod_issue(json_t *issues, const char *key, const json_t *v)
{
	const char *got = v == NULL ? "undefined" : json_is_string(v) ? "string" :
		json_is_number(v) ? "number" : json_is_boolean(v) ? "boolean" :
		json_is_array(v) ? "array" : json_is_object(v) ? "object" : "null";
	char *msg;

	if (strcmp(key, "presence") == 0) {
		json_array_append_new(issues, json_pack("{s:s, s:[s], s:s}", "code", "invalid_union",
							"path", key, "message", "Invalid input"));
		return;
	}
	msg = v ? sh_xasprintf("Expected string, received %s", got) : sh_xstrdup("Required");
	json_array_append_new(issues, json_pack("{s:s, s:s, s:s, s:[s], s:s}", "code",
		"invalid_type", "expected", "string", "received", got, "path", key,
		"message", msg));
	free(msg);
}

/* Backstage's requireRequestBody and the strict locationInput schema:
 * {type: string, target: string, presence?: "required"|"optional"}. */
static int location_body(struct sh_req *req, const char **type, const char **target,
			 const char **presence)
{
	json_t *body = sh_req_json(req), *issues, *unknown, *v;
	const char *k, *p;
	char *text;
	int rc = 0;

	if (body == NULL)
		return sh_req_status(req);
	if (!json_is_object(body))
		return sh_fail(req, 400, "InputError", "Expected body to be a JSON object");
	if (json_object_size(body) == 0)
		return sh_fail(req, 400, "InputError", "Empty request body");
	issues = json_array();
	unknown = json_array();
	*type = json_string_value(json_object_get(body, "type"));
	*target = json_string_value(json_object_get(body, "target"));
	if (*type == NULL)
		zod_issue(issues, "type", json_object_get(body, "type"));
	if (*target == NULL)
		zod_issue(issues, "target", json_object_get(body, "target"));
	v = json_object_get(body, "presence");
	p = json_string_value(v);
	*presence = p;
	if (v && (p == NULL || (strcmp(p, "required") && strcmp(p, "optional"))))
		zod_issue(issues, "presence", v);
	json_object_foreach(body, k, v)
		if (strcmp(k, "type") && strcmp(k, "target") && strcmp(k, "presence"))
			json_array_append_new(unknown, json_string(k));
	if (json_array_size(unknown) > 0) {
		char *msg = sh_xasprintf("Unrecognized key(s) in object: '%s'%s",
					json_string_value(json_array_get(unknown, 0)),
					json_array_size(unknown) > 1 ? ", ..." : "");

		json_array_append_new(issues, json_pack("{s:s, s:O, s:[], s:s}", "code",
			"unrecognized_keys", "keys", unknown, "path", "message", msg));
		free(msg);
	}
	if (json_array_size(issues) > 0) {
		text = json_dumps(issues, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		rc = sh_fail(req, 400, "InputError", "Malformed request: ZodError: %s", text);
		free(text);
	}
	json_decref(issues);
	json_decref(unknown);
	return rc;
}

static int type_allowed(struct sh_req *req, const struct catalog_state *st, const char *type)
{
	json_t *list;
	char *text;
	int rc;

	for (size_t i = 0; i < st->n_location_types; i++)
		if (strcmp(st->location_types[i], type) == 0)
			return 0;
	list = json_array();
	for (size_t i = 0; i < st->n_location_types; i++)
		json_array_append_new(list, json_string(st->location_types[i]));
	text = json_dumps(list, JSON_COMPACT);
	rc = sh_fail(req, 400, "InputError", "Registered locations must be of an allowed type %s",
		     text);
	free(text);
	json_decref(list);
	return rc;
}

/* The `yn` package as Backstage reads dryRun: yes-ish or no-ish, else no. */
static int yes(const char *v)
{
	static const char *const truthy[] = { "y", "yes", "true", "1", "on", NULL };

	for (size_t i = 0; v && truthy[i]; i++)
		if (strcasecmp(v, truthy[i]) == 0)
			return 1;
	return 0;
}

static int dry_run(struct sh_req *req, const struct catalog_state *st, const char *type,
		   const char *target, const char *presence)
{
	const char *params[2] = { type, target };
	json_t *root, *entities, *loc;
	char *err = NULL, *ref, *id;
	PGresult *res;

	/* The reads come first: no pooled connection waits on them. */
	entities = catalog_dryrun_location(st, type, target, &err);
	if (entities == NULL)
		return catalog_fail_free(req, err);
	defer_json(req, entities);
	res = sh_db_query(req, "SELECT 1 FROM catalog.locations WHERE type = $1 AND target = $2",
			  2, params);
	if (res == NULL)
		return sh_db_fail(req);
	root = catalog_ingest_location_entity(type, target);
	ref = catalog_ref_of_entity(root);
	id = sh_xasprintf("%s:%s", type, target);
	loc = json_pack("{s:s, s:s, s:s, s:s}", "type", type, "target", target, "id", id,
			"entityRef", ref);
	if (presence)
		json_object_set_new(loc, "presence", json_string(presence));
	free(ref);
	free(id);
	json_decref(root);
	return sh_reply_json(req, 201, json_pack("{s:b, s:o, s:O}", "exists", PQntuples(res) > 0,
						 "location", loc, "entities", entities));
}

int catalog_post_locations(struct sh_req *req, void *state)
{
	const struct catalog_state *st = state;
	const char *type, *target, *presence, *on_conflict = sh_req_query(req, "onConflict");
	int rc, dry = yes(sh_req_query(req, "dryRun")), existed = 0;
	json_t *loc = NULL;

	if (on_conflict && strcmp(on_conflict, "reject") && strcmp(on_conflict, "refresh"))
		return sh_fail(req, 400, "InputError", "request/query/onConflict must be equal to "
			       "one of the allowed values: reject, refresh");
	if ((rc = location_body(req, &type, &target, &presence)) != 0 ||
	    (!dry && (rc = readonly_fail(req, st)) != 0) ||
	    (rc = type_allowed(req, st, type)) != 0)
		return rc;
	if (dry)
		return dry_run(req, st, type, target, presence);
	if (sh_db_conn(req) == NULL)
		return sh_db_fail(req);
	rc = catalog_db_location_create(sh_db_conn(req), type, target,
					on_conflict && !strcmp(on_conflict, "refresh"), &loc, &existed);
	if (rc == CATALOG_DB_CONFLICT)
		return sh_fail(req, 409, "ConflictError", "Location %s:%s already exists", type,
			       target);
	if (rc != 0)
		return sh_db_fail(req);
	return sh_reply_json(req, 201, json_pack("{s:o, s:[]}", "location", loc, "entities"));
}

int catalog_get_locations(struct sh_req *req, void *state)
{
	PGresult *res;
	json_t *out;

	(void)state;
	res = sh_db_query(req, "SELECT " LOCATION_COLUMNS " FROM catalog.locations"
			  " WHERE type <> 'bootstrap' ORDER BY id", 0, NULL);
	if (res == NULL)
		return sh_db_fail(req);
	out = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(out, json_pack("{s:o}", "data", location_json(res, i)));
	return sh_reply_json(req, 200, out);
}

int catalog_get_location(struct sh_req *req, void *state)
{
	const char *id = sh_req_param(req, "id");
	const char *params[1] = { id };
	PGresult *res;

	(void)state;
	res = sh_db_query(req, "SELECT " LOCATION_COLUMNS " FROM catalog.locations"
			  " WHERE id::text = $1", 1, params);
	if (res == NULL)
		return sh_db_fail(req);
	if (PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError", "Found no location with ID %s", id);
	return sh_reply_json(req, 200, location_json(res, 0));
}

int catalog_put_location(struct sh_req *req, void *state)
{
	const struct catalog_state *st = state;
	const char *id = sh_req_param(req, "id"), *type, *target, *presence;
	json_t *loc = NULL;
	int rc;

	if ((rc = readonly_fail(req, st)) != 0 ||
	    (rc = location_body(req, &type, &target, &presence)) != 0 ||
	    (rc = type_allowed(req, st, type)) != 0)
		return rc;
	if (sh_db_conn(req) == NULL)
		return sh_db_fail(req);
	rc = catalog_db_location_update(sh_db_conn(req), id, type, target, &loc);
	if (rc == CATALOG_DB_NOT_FOUND)
		return sh_fail(req, 404, "NotFoundError", "Found no location with ID %s", id);
	if (rc == CATALOG_DB_CONFLICT)
		return sh_fail(req, 409, "ConflictError", "Location %s:%s already exists", type,
			       target);
	if (rc != 0)
		return sh_db_fail(req);
	return sh_reply_json(req, 200, loc);
}

int catalog_delete_location(struct sh_req *req, void *state)
{
	const char *id = sh_req_param(req, "id");
	int rc;

	if ((rc = readonly_fail(req, state)) != 0)
		return rc;
	if (sh_db_conn(req) == NULL)
		return sh_db_fail(req);
	rc = catalog_db_location_delete(sh_db_conn(req), id);
	if (rc == CATALOG_DB_NOT_FOUND)
		return sh_fail(req, 404, "NotFoundError", "Found no location with ID %s", id);
	if (rc != 0)
		return sh_db_fail(req);
	return sh_reply_empty(req, 204);
}

int catalog_get_location_by_entity(struct sh_req *req, void *state)
{
	char *ref = catalog_ref_format(sh_req_param(req, "kind"), sh_req_param(req, "namespace"),
				       sh_req_param(req, "name"));
	const char *params[2] = { ref, "metadata.annotations." CATALOG_ANN_ORIGIN };
	struct catalog_location_ref loc = { 0 };
	char *err = NULL;
	PGresult *res;

	(void)state;
	sh_defer(req, free, ref);
	res = sh_db_query(req, "SELECT coalesce(s.original_value, s.value) FROM catalog.refresh_state r"
			  " LEFT JOIN catalog.search s ON s.entity_id = r.entity_id AND s.key = $2"
			  " WHERE r.entity_ref = $1 LIMIT 1", 2, params);
	if (res == NULL)
		return sh_db_fail(req);
	if (PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError", "found no entity for ref %s", ref);
	if (PQgetisnull(res, 0, 0) || PQgetvalue(res, 0, 0)[0] == '\0')
		return sh_fail(req, 404, "NotFoundError", "found no origin annotation for ref %s",
			       ref);
	if (catalog_location_ref_parse(PQgetvalue(res, 0, 0), &loc, &err) != 0)
		return catalog_fail_free(req, err);
	params[0] = sh_strdup(req, loc.type);
	params[1] = sh_strdup(req, loc.target);
	catalog_location_ref_clear(&loc);
	res = sh_db_query(req, "SELECT " LOCATION_COLUMNS " FROM catalog.locations"
			  " WHERE type = $1 AND target = $2 LIMIT 1", 2, params);
	if (res == NULL)
		return sh_db_fail(req);
	if (PQntuples(res) == 0)
		return sh_fail(req, 404, "NotFoundError", "Found no location with type %s and "
			       "target %s", params[0], params[1]);
	return sh_reply_json(req, 200, location_json(res, 0));
}

/* ------------------------------------------------------------ by-query */

static void add_row(struct catalog_search *s, const char *key, const char *value)
{
	struct catalog_search_row *r;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->rows = sh_xrealloc(s->rows, s->cap * sizeof(*s->rows));
	}
	r = &s->rows[s->n++];
	r->key = sh_xstrdup(key);
	r->original_value = sh_xstrdup(value);
	r->value = sh_xstrdup(value);
	catalog_search_lower(r->value);
}

/* The predicate's keys are id, type, target and entityRef (lower-cased
 * like every filter key); values compare case-insensitively. */
static int location_matches(const struct catalog_filter *f, const PGresult *res, int row)
{
	struct catalog_search s = { NULL, 0, 0 };
	int ok;

	add_row(&s, "id", PQgetvalue(res, row, 0));
	add_row(&s, "type", PQgetvalue(res, row, 1));
	add_row(&s, "target", PQgetvalue(res, row, 2));
	add_row(&s, "entityref", PQgetvalue(res, row, 3));
	ok = catalog_filter_match(f, &s);
	catalog_search_free(&s);
	return ok;
}

/*
 * Locations have no array fields, so Backstage's location filter makes
 * every {"<key>": {"$contains": ...}} a condition no row meets (spec
 * §3.11) where the entity filter would compare for equality.  Returns a
 * new predicate with each field map holding one replaced by {"$any": []}.
 */
static json_t *without_contains(const json_t *p, int depth)
{
	const json_t *v;
	const char *k;
	json_t *out;

	if (!json_is_object(p) || depth > 64)
		return json_deep_copy(p);
	if (json_object_size(p) == 1 && (v = json_object_get(p, "$not")))
		return json_pack("{s:o}", "$not", without_contains(v, depth + 1));
	if (json_object_size(p) == 1 &&
	    (json_is_array(v = json_object_get(p, k = "$all")) ||
	     json_is_array(v = json_object_get(p, k = "$any")))) {
		out = json_array();
		for (size_t i = 0; i < json_array_size(v); i++)
			json_array_append_new(out, without_contains(json_array_get(v, i), depth + 1));
		return json_pack("{s:o}", k, out);
	}
	json_object_foreach((json_t *)p, k, v)
		if (k[0] != '$' && json_is_object(v) && json_object_get(v, "$contains"))
			return json_pack("{s:[]}", "$any");
	return json_deep_copy(p);
}

/* The predicate of a location query, checked as the entity predicate is
 * (same 400s), then made to match as Backstage's location filter does. */
static int parse_location_predicate(const json_t *query, struct catalog_filter **f, char **err)
{
	json_t *q;
	int rc;

	*f = NULL;
	if (query == NULL)
		return 0;
	if ((rc = catalog_filter_parse_predicate(query, f, err)) != 0)
		return rc;
	catalog_filter_free(*f);
	q = without_contains(query, 0);
	rc = catalog_filter_parse_predicate(q, f, err);
	json_decref(q);
	return rc;
}

struct loc_query {
	long long limit;
	const char *after_id;
	json_t *query;  /* borrowed predicate, or NULL */
};

/* {"limit", "afterId", "query"} of a cursor into q; 0 or the 400 sent. */
static int decode_cursor(struct sh_req *req, const char *cursor, struct loc_query *q)
{
	size_t n = 0;
	unsigned char *raw = catalog_cursor_base64_decode(cursor, &n);
	json_t *c = raw ? json_loadb((const char *)raw, n, 0, NULL) : NULL;
	const json_t *lim, *after, *query;

	free(raw);
	if (c)
		defer_json(req, c);
	lim = json_object_get(c, "limit");
	after = json_object_get(c, "afterId");
	query = json_object_get(c, "query");
	if (!json_is_object(c) || (lim && !json_is_integer(lim)) || (after && !json_is_string(after)) ||
	    (query && !json_is_object(query)))
		return sh_fail(req, 400, "InputError", "Malformed cursor, could not be parsed");
	if (lim)
		q->limit = json_integer_value(lim);
	q->after_id = json_string_value(after);
	q->query = (json_t *)query;
	return 0;
}

static int read_query_body(struct sh_req *req, struct loc_query *q)
{
	json_t *body = sh_req_json(req);
	const json_t *lim, *cursor;
	int rc;

	if (body == NULL)
		return sh_req_status(req);
	if (!json_is_object(body))
		return sh_fail(req, 400, "InputError", "request/body must be object");
	lim = json_object_get(body, "limit");
	cursor = json_object_get(body, "cursor");
	q->query = json_object_get(body, "query");
	if (lim && (!json_is_integer(lim) || json_integer_value(lim) < 1))
		return sh_fail(req, 400, "InputError", "request/body/limit must be integer >= 1");
	if (cursor && (!json_is_string(cursor) || json_string_value(cursor)[0] == '\0'))
		return sh_fail(req, 400, "InputError", "Cursor cannot be empty");
	if (cursor && (rc = decode_cursor(req, json_string_value(cursor), q)) != 0)
		return rc;
	if (lim)
		q->limit = json_integer_value(lim);
	if (q->query && !json_is_object(q->query))
		return sh_fail(req, 400, "InputError", "Query must be an object");
	return 0;
}

static char *next_cursor(const struct loc_query *q, const char *after_id)
{
	json_t *c = json_pack("{s:I, s:s}", "limit", (json_int_t)q->limit, "afterId", after_id);
	char *text, *out;

	if (q->query)
		json_object_set(c, "query", q->query);
	text = json_dumps(c, JSON_COMPACT);
	out = catalog_cursor_base64_encode((const unsigned char *)text, strlen(text));
	free(text);
	json_decref(c);
	return out;
}

int catalog_post_locations_by_query(struct sh_req *req, void *state)
{
	struct loc_query q = { LOCATIONS_DEFAULT_LIMIT, NULL, NULL };
	struct catalog_filter *f = NULL;
	json_t *items, *page_info;
	char *err = NULL, *cursor;
	long long total = 0;
	const char *last = NULL;
	PGresult *res;
	int rc, more = 0;

	(void)state;
	if ((rc = read_query_body(req, &q)) != 0)
		return rc;
	if (parse_location_predicate(q.query, &f, &err) != 0)
		return catalog_fail_free(req, err);
	catalog_defer_filter(req, f);
	res = sh_db_query(req, "SELECT " LOCATION_COLUMNS " FROM catalog.locations"
			  " WHERE type <> 'bootstrap' ORDER BY id", 0, NULL);
	if (res == NULL)
		return sh_db_fail(req);
	items = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		if (!location_matches(f, res, i))
			continue;
		total++;
		if (q.after_id && strcmp(PQgetvalue(res, i, 0), q.after_id) <= 0)
			continue;
		if ((long long)json_array_size(items) < q.limit) {
			json_array_append_new(items, location_json(res, i));
			last = PQgetvalue(res, i, 0);
		} else {
			more = 1;
		}
	}
	page_info = json_object();
	if (more) {
		cursor = next_cursor(&q, last);
		json_object_set_new(page_info, "nextCursor", json_string(cursor));
		free(cursor);
	}
	return sh_reply_json(req, 200, json_pack("{s:o, s:I, s:o}", "items", items, "totalItems",
						 (json_int_t)total, "pageInfo", page_info));
}
