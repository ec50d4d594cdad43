/*
 * The processing pipeline of one entity (spec §9.3) and the refresh task
 * that runs it over due rows: validate, sort ref arrays, read a Location's
 * targets, emit relations, then write the result only when its hash moved.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "ref.h"
#include "relations.h"
#include "validate.h"

#define CATALOG_CLAIM_BATCH 100
#define CATALOG_DB_WAIT_MS 5000

/* What processing one row produced. */
struct outcome {
	struct catalog_errors errs;
	struct catalog_children children;
	struct catalog_relations rels;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

/* Backstage's BuiltinKindsEntityProcessor sorts these ref arrays (§7.4). */
static void sort_ref_arrays(json_t *entity)
{
	static const char *const fields[] = { "providesApis", "consumesApis", "dependsOn",
					      "dependencyOf", "memberOf", "children", "members" };
	json_t *spec = json_object_get(entity, "spec");

	for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
		json_t *a = json_object_get(spec, fields[f]), *sorted, **v;
		size_t n = json_array_size(a), i;

		for (i = 0; i < n && json_is_string(json_array_get(a, i)); i++)
			;
		if (n < 2 || i < n)
			continue;
		v = catalog_xmalloc(n * sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = json_array_get(a, i);
		qsort(v, n, sizeof(*v), cmp_str);
		sorted = json_array();
		for (i = 0; i < n; i++)
			json_array_append(sorted, v[i]);
		free(v);
		json_object_set_new(spec, fields[f], sorted);
	}
}

static void process_entity(const struct catalog_state *st, json_t *entity, const char *ref,
			   struct outcome *o)
{
	struct catalog_validate_errors verr = { 0 };
	char *now_ref, *err = NULL;

	if (catalog_validate_entity(entity, &verr) != 0) {
		catalog_errors_add(&o->errs, "InputError", "%s", verr.msgs[0]);
		catalog_validate_errors_free(&verr);
		return;
	}
	now_ref = catalog_ref_of_entity(entity);
	if (now_ref == NULL || strcmp(now_ref, ref) != 0)
		catalog_errors_add(&o->errs, "InputError",
				   "Entity %s changed its ref to %s during processing", ref,
				   now_ref ? now_ref : "nothing");
	free(now_ref);
	if (o->errs.list)
		return;
	sort_ref_arrays(entity);
	if (strcmp(json_string_value(json_object_get(entity, "kind")), "Location") == 0)
		catalog_ingest_read_location(st, entity, &o->children, &o->errs);
	if (catalog_relations_emit(entity, &o->rels, &err) != 0) {
		catalog_errors_add(&o->errs, "InputError", "%s", err);
		free(err);
	}
}

static json_t *relation_rows(const struct catalog_relations *rels)
{
	json_t *a = json_array();

	for (size_t i = 0; i < rels->n; i++)
		json_array_append_new(a, json_pack("[s,s,s]", rels->rows[i].source_ref,
						   rels->rows[i].type, rels->rows[i].target_ref));
	return a;
}

/* The result hash covers everything a write would store (§9.5). */
static void result_hash(json_t *entity, const struct outcome *o, json_t *rows, char hex[41])
{
	json_t *kids = json_array(), *all;
	char *text;

	for (size_t i = 0; i < o->children.n; i++)
		json_array_append_new(kids, json_pack("[s,s,O]", o->children.v[i].ref,
						      o->children.v[i].location_key,
						      o->children.v[i].entity));
	all = json_pack("{s:O, s:o, s:O, s:O?}", "entity", entity, "children", kids,
			"relations", rows, "errors", o->errs.list);
	text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
	catalog_sha1_hex(text, strlen(text), hex);
	free(text);
	json_decref(all);
}

static void write_outcome(PGconn *conn, struct catalog_db_result *r, json_t *entity,
			  const struct outcome *o, json_t *rows)
{
	char *processed = NULL, *rels = NULL, *errors = NULL;
	int rc;

	if (o->errs.list) {
		r->errors = errors = json_dumps(o->errs.list, JSON_COMPACT);
		rc = catalog_db_write_errors(conn, r);
		sh_log(SH_LOG_WARN, "processing %s failed: %s", r->ref,
		       json_string_value(json_object_get(json_array_get(o->errs.list, 0),
							 "message")));
	} else {
		r->processed = processed = json_dumps(entity, JSON_COMPACT);
		r->relations = rels = json_dumps(rows, JSON_COMPACT);
		r->children = &o->children;
		rc = catalog_db_write_result(conn, r);
	}
	if (rc != 0)
		sh_log(SH_LOG_WARN, "could not store the processing result of %s", r->ref);
	free(processed);
	free(rels);
	free(errors);
}

static void process_row(PGconn *conn, const struct catalog_state *st, const PGresult *res, int i)
{
	struct catalog_db_result r = { .id = PQgetvalue(res, i, 0), .ref = PQgetvalue(res, i, 1) };
	const char *old_hash = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);
	struct outcome o = { { NULL }, { NULL, 0, 0 }, { NULL, 0, 0 } };
	json_t *entity = json_loads(PQgetvalue(res, i, 2), 0, NULL), *rows;
	char hash[41];

	if (entity == NULL) {
		sh_log(SH_LOG_ERROR, "unprocessed entity %s is not JSON", r.ref);
		return;
	}
	process_entity(st, entity, r.ref, &o);
	rows = relation_rows(&o.rels);
	result_hash(entity, &o, rows, hash);
	r.hash = hash;
	if (old_hash == NULL || strcmp(old_hash, hash) != 0)
		write_outcome(conn, &r, entity, &o, rows);
	json_decref(rows);
	json_decref(entity);
	json_decref(o.errs.list);
	catalog_children_free(&o.children);
	catalog_relations_free(&o.rels);
}

/* The configured locations become root Location entities (§9.1). */
static int seed(PGconn *conn, const struct catalog_state *st)
{
	struct catalog_children roots = { NULL, 0, 0 };
	int rc;

	roots.v = catalog_xmalloc((st->n_locations + 1) * sizeof(*roots.v));
	for (size_t i = 0; i < st->n_locations; i++) {
		struct catalog_child *c = &roots.v[roots.n++];
		const json_t *ann;

		c->entity = catalog_ingest_config_entity(st->locations[i]);
		ann = json_object_get(json_object_get(c->entity, "metadata"), "annotations");
		c->ref = catalog_ref_of_entity(c->entity);
		c->location_key = catalog_xstrdup(json_string_value(
			json_object_get(ann, CATALOG_ANN_LOCATION)));
	}
	rc = catalog_db_seed(conn, &roots);
	catalog_children_free(&roots);
	return rc;
}

void catalog_processing_task(struct sh_host *host, void *state)
{
	struct catalog_state *st = state;
	PGconn *conn = sh_db_get(host, CATALOG_DB_WAIT_MS);
	PGresult *res;
	int n;

	if (conn == NULL)
		return;
	if (!st->seeded && seed(conn, st) == 0)
		st->seeded = 1;
	do {
		res = catalog_db_claim(conn, CATALOG_CLAIM_BATCH, st->interval_s);
		n = res ? PQntuples(res) : 0;
		for (int i = 0; i < n && !sh_task_stopping(host); i++)
			process_row(conn, st, res, i);
		PQclear(res);
		/* Stitch after every batch so entities show up while a large
		 * catalog is still being read. */
		catalog_stitch_pending(conn);
	} while (n == CATALOG_CLAIM_BATCH && !sh_task_stopping(host));
	sh_db_put(host, conn);
}
