/*
 * Stitching (spec §9.6): turns a processed entity, its relation rows, its
 * parent edges and its errors into the final JSON the API sends, with uid,
 * etag and the search index rows, skipping the write when nothing changed.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "relations.h"
#include "search.h"

#define CATALOG_STITCH_BATCH 100

struct stitch {
	const char *ref;
	const char *id;
	const char *errors;      /* JSON or NULL */
	const char *old_hash;    /* final_entities.hash or NULL */
	int has_parent;
	json_t *entity;          /* the processed entity, made final in place */
};

static int exec_ok(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult *res = sh_db_exec(conn, sql, n, params);

	if (res == NULL)
		return SH_EDB;
	PQclear(res);
	return 0;
}

/* Everything processing writes is derived from the sources and rebuilt by
 * the next round, so a crash may lose the last commits: no WAL flush wait. */
static int begin(PGconn *conn)
{
	int rc = exec_ok(conn, "BEGIN", 0, NULL);

	if (rc == 0)
		rc = exec_ok(conn, "SET LOCAL synchronous_commit = off", 0, NULL);
	return rc;
}

static int add_relations(PGconn *conn, struct stitch *s)
{
	const char *params[1] = { s->ref };
	PGresult *res = sh_db_exec(conn, "SELECT type, target_entity_ref FROM catalog.relations"
				   " WHERE source_entity_ref = $1", 1, params);
	struct catalog_relation *rows;
	int n;

	if (res == NULL)
		return SH_EDB;
	n = PQntuples(res);
	rows = catalog_xmalloc(((size_t)n + 1) * sizeof(*rows));
	for (int i = 0; i < n; i++) {
		rows[i].source_ref = (char *)s->ref;
		rows[i].type = PQgetvalue(res, i, 0);
		rows[i].target_ref = PQgetvalue(res, i, 1);
	}
	json_object_set_new(s->entity, "relations", catalog_relations_build(rows, (size_t)n, s->ref));
	free(rows);
	PQclear(res);
	return 0;
}

static void add_status(struct stitch *s)
{
	json_t *errs = s->errors ? json_loads(s->errors, 0, NULL) : NULL, *items, *e;
	size_t i;

	if (json_array_size(errs) == 0) {
		json_decref(errs);
		return;
	}
	items = json_array();
	json_array_foreach(errs, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		json_array_append_new(items, json_pack("{s:s, s:s, s:s++, s:O}",
			"type", "backstage.io/catalog-processing", "level", "error",
			"message", name ? name : "Error", ": ", msg ? msg : "", "error", e));
	}
	json_object_set_new(s->entity, "status", json_pack("{s:o}", "items", items));
	json_decref(errs);
}

/* Orphan flag and the javascript: URL guard of Backstage's stitcher. */
static void fix_annotations(struct stitch *s)
{
	static const char *const urls[] = { "backstage.io/view-url", "backstage.io/edit-url" };
	json_t *meta = json_object_get(s->entity, "metadata");
	json_t *ann = json_object_get(meta, "annotations");

	if (!s->has_parent) {
		if (!json_is_object(ann)) {
			ann = json_object();
			json_object_set_new(meta, "annotations", ann);
		}
		json_object_set_new(ann, CATALOG_ANN_ORPHAN, json_string("true"));
	}
	for (size_t i = 0; i < 2; i++) {
		const char *v = json_string_value(json_object_get(ann, urls[i]));

		if (v && strncasecmp(v, "javascript:", 11) == 0)
			json_object_set_new(ann, urls[i], json_string(
				"https://backstage.io/annotation-rejected-for-security-reasons"));
	}
}

static json_t *search_rows(const struct catalog_search *idx)
{
	json_t *a = json_array();

	for (size_t i = 0; i < idx->n; i++)
		json_array_append_new(a, json_pack("[s,s?,s?]", idx->rows[i].key,
						   idx->rows[i].value, idx->rows[i].original_value));
	return a;
}

static int store(PGconn *conn, struct stitch *s, const char *hash, const json_t *rows)
{
	char *text = json_dumps(s->entity, JSON_COMPACT);
	char *rtext = json_dumps(rows, JSON_COMPACT);
	const char *fin[4] = { s->id, s->ref, text, hash };
	const char *idx[2] = { s->id, rtext };
	int rc = begin(conn);

	if (rc == 0)
		rc = exec_ok(conn, "INSERT INTO catalog.final_entities"
			     " (entity_id, entity_ref, final_entity, hash) VALUES ($1, $2, $3, $4)"
			     " ON CONFLICT (entity_id) DO UPDATE SET entity_ref = EXCLUDED.entity_ref,"
			     " final_entity = EXCLUDED.final_entity, hash = EXCLUDED.hash,"
			     " last_updated_at = now()", 4, fin);
	if (rc == 0)
		rc = exec_ok(conn, "WITH d AS (DELETE FROM catalog.search WHERE entity_id = $1)"
			     " INSERT INTO catalog.search (entity_id, key, value, original_value)"
			     " SELECT $1::uuid, e->>0, e->>1, e->>2 FROM json_array_elements($2::json) e",
			     2, idx);
	if (rc == 0)
		rc = exec_ok(conn, "COMMIT", 0, NULL);
	if (rc != 0)
		PQclear(PQexec(conn, "ROLLBACK"));
	free(text);
	free(rtext);
	return rc;
}

/* Builds the final entity of s and stores it unless its hash is unchanged. */
static int finalize(PGconn *conn, struct stitch *s)
{
	struct catalog_search idx = { NULL, 0, 0 };
	json_t *meta, *rows;
	char hash[41], *text, *err = NULL;
	int rc;

	rc = add_relations(conn, s);
	if (rc != 0)
		return rc;
	fix_annotations(s);
	add_status(s);
	text = json_dumps(s->entity, JSON_COMPACT | JSON_SORT_KEYS);
	catalog_sha1_hex(text, strlen(text), hash);
	free(text);
	if (s->old_hash && strcmp(s->old_hash, hash) == 0)
		return 0;
	meta = json_object_get(s->entity, "metadata");
	json_object_set_new(meta, "uid", json_string(s->id));
	if (!json_is_string(json_object_get(meta, "etag")))
		json_object_set_new(meta, "etag", json_string(hash));
	if (catalog_search_build(s->entity, &idx, &err) != 0) {
		sh_log(SH_LOG_WARN, "could not stitch %s: %s", s->ref, err);
		free(err);
		return SH_EINVAL;
	}
	rows = search_rows(&idx);
	rc = store(conn, s, hash, rows);
	json_decref(rows);
	catalog_search_free(&idx);
	return rc;
}

static int stitch_one(PGconn *conn, const char *ref)
{
	const char *params[1] = { ref };
	struct stitch s = { .ref = ref };
	PGresult *res;
	int rc = 0;

	res = sh_db_exec(conn,
		"SELECT r.entity_id, r.processed_entity, r.errors, f.hash,"
		" EXISTS (SELECT 1 FROM catalog.refresh_state_references e"
		" WHERE e.target_entity_ref = r.entity_ref)"
		" FROM catalog.refresh_state r"
		" LEFT JOIN catalog.final_entities f ON f.entity_id = r.entity_id"
		" WHERE r.entity_ref = $1", 1, params);
	if (res == NULL)
		return SH_EDB;
	/* An entity that never processed successfully is not visible (§7.5). */
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 1))
		goto out;
	s.id = PQgetvalue(res, 0, 0);
	s.errors = PQgetisnull(res, 0, 2) ? NULL : PQgetvalue(res, 0, 2);
	s.old_hash = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
	s.has_parent = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
	s.entity = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	if (!json_is_object(s.entity)) {
		sh_log(SH_LOG_ERROR, "processed entity %s is not a JSON object", ref);
		rc = SH_EINVAL;
		goto out;
	}
	rc = finalize(conn, &s);
out:
	json_decref(s.entity);
	PQclear(res);
	return rc;
}

int catalog_stitch_pending(PGconn *conn)
{
	const char *params[1] = { "100" };
	PGresult *res;
	int n, total = 0;

	do {
		res = sh_db_exec(conn,
			"DELETE FROM catalog.stitch_queue WHERE entity_ref IN"
			" (SELECT entity_ref FROM catalog.stitch_queue ORDER BY queued_at"
			" LIMIT $1::int FOR UPDATE SKIP LOCKED) RETURNING entity_ref", 1, params);
		if (res == NULL)
			return SH_EDB;
		n = PQntuples(res);
		for (int i = 0; i < n; i++)
			if (stitch_one(conn, PQgetvalue(res, i, 0)) == 0)
				total++;
		PQclear(res);
	} while (n == CATALOG_STITCH_BATCH);
	return total;
}
