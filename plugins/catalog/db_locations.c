/*
 * Registered locations' SQL (spec §3.9-§3.11): the locations table, the
 * root Location entity each one emits (source key "location:<id>"), the
 * eager deletion of a removed location's descendants, and POST /refresh's
 * scheduling of an entity with its location ancestors.  Each change is one
 * transaction; the unique (type, target) constraint settles races between
 * processes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "ref.h"

/* A transaction that lost a race (deadlock, serialization) is run again. */
#define LOCATION_TRIES 3
/* Eager deletion walks at most this many generations below a location. */
#define DELETE_MAX_DEPTH 64

static int exec_ok(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult *res = sh_db_exec(conn, sql, n, params);

	if (res == NULL)
		return SH_EDB;
	PQclear(res);
	return 0;
}

static int finish(PGconn *conn, int rc)
{
	if (rc == 0)
		rc = exec_ok(conn, "COMMIT", 0, NULL);
	else
		PQclear(PQexec(conn, "ROLLBACK"));
	return rc;
}

static json_t *location_json(const PGresult *res, int row)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, row, 0),
			 "type", PQgetvalue(res, row, 1), "target", PQgetvalue(res, row, 2),
			 "entityRef", PQgetvalue(res, row, 3));
}

/* The Location entity of a registered location: named after its stored
 * entityRef (which an update keeps), pointing at its current target. */
static json_t *location_entity(const char *type, const char *target, const char *ref)
{
	json_t *e = catalog_ingest_location_entity(type, target);
	const char *slash = strrchr(ref, '/');

	if (slash)
		json_object_set_new(json_object_get(e, "metadata"), "name", json_string(slash + 1));
	return e;
}

/* Upserts the Location entity of location `id` as a root with the source
 * key "location:<id>", due now.  A row another location key owns is only
 * taken over when it carries old_key (an update of this location). */
static int emit_root(PGconn *conn, const char *id, const char *type, const char *target,
		     const char *ref, const char *old_key, int forget_hash)
{
	json_t *e = location_entity(type, target, ref);
	char *text = json_dumps(e, JSON_COMPACT), *key = sh_xasprintf("location:%s", id);
	char *loc_key = sh_xasprintf("%s:%s", type, target), hash[41];
	const char *params[7] = { ref, text, hash, loc_key, old_key, forget_hash ? "t" : "f", key };
	int rc;

	if (text == NULL)
		abort();
	catalog_sha1_hex(text, strlen(text), hash);
	rc = exec_ok(conn,
		"WITH up AS (INSERT INTO catalog.refresh_state"
		" (entity_ref, unprocessed_entity, unprocessed_hash, location_key)"
		" VALUES ($1, $2, $3, $4) ON CONFLICT (entity_ref) DO UPDATE SET"
		" unprocessed_entity = EXCLUDED.unprocessed_entity,"
		" unprocessed_hash = EXCLUDED.unprocessed_hash,"
		" location_key = EXCLUDED.location_key, last_discovery_at = now(),"
		" next_update_at = now(), result_hash = CASE WHEN $6::boolean THEN NULL"
		" ELSE refresh_state.result_hash END"
		" WHERE refresh_state.location_key IS NULL"
		" OR refresh_state.location_key = EXCLUDED.location_key"
		" OR refresh_state.location_key = $5 RETURNING entity_ref),"
		" edge AS (INSERT INTO catalog.refresh_state_references (source_key, target_entity_ref)"
		" SELECT $7, $1 WHERE NOT EXISTS (SELECT 1 FROM catalog.refresh_state_references"
		" WHERE source_key = $7 AND target_entity_ref = $1))"
		" INSERT INTO catalog.stitch_queue (entity_ref) VALUES ($1)" CATALOG_QUEUE_CONFLICT,
		7, params);
	free(text);
	free(key);
	free(loc_key);
	json_decref(e);
	return rc;
}

static int create_once(PGconn *conn, const char *type, const char *target, int refresh,
		       json_t **out, int *existed)
{
	json_t *e = catalog_ingest_location_entity(type, target);
	char *ref = catalog_ref_of_entity(e);
	const char *params[3] = { type, target, ref };
	PGresult *res;
	int rc = exec_ok(conn, "BEGIN", 0, NULL);

	json_decref(e);
	*existed = 0;
	if (rc != 0)
		goto out;
	res = sh_db_exec(conn,
		"INSERT INTO catalog.locations (type, target, location_entity_ref)"
		" VALUES ($1, $2, $3) ON CONFLICT (type, target) DO NOTHING"
		" RETURNING id, type, target, location_entity_ref", 3, params);
	if (res && PQntuples(res) == 0) {
		PQclear(res);
		*existed = 1;
		res = refresh ? sh_db_exec(conn,
			"SELECT id, type, target, location_entity_ref FROM catalog.locations"
			" WHERE type = $1 AND target = $2 FOR UPDATE", 2, params) : NULL;
		rc = refresh ? 0 : CATALOG_DB_CONFLICT;
	}
	if (rc == 0 && (res == NULL || PQntuples(res) != 1))
		rc = res ? CATALOG_DB_CONFLICT : SH_EDB;  /* deleted meanwhile: try again */
	if (rc == 0) {
		*out = location_json(res, 0);
		rc = emit_root(conn, PQgetvalue(res, 0, 0), type, target, PQgetvalue(res, 0, 3),
			       NULL, *existed);
	}
	PQclear(res);
	rc = finish(conn, rc);
out:
	free(ref);
	return rc;
}

int catalog_db_location_create(PGconn *conn, const char *type, const char *target, int refresh,
			       json_t **out, int *existed)
{
	int rc = SH_EDB;

	*out = NULL;
	for (int i = 0; i < LOCATION_TRIES && rc != 0 && rc != CATALOG_DB_CONFLICT; i++) {
		json_decref(*out);
		*out = NULL;
		rc = create_once(conn, type, target, refresh, out, existed);
		if (rc == CATALOG_DB_CONFLICT && refresh)
			rc = SH_EDB;  /* the row went away between the two statements */
	}
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int update_once(PGconn *conn, const char *id, const char *type, const char *target,
		       json_t **out)
{
	const char *params[3] = { id, type, target };
	PGresult *res, *old;
	char *old_key;
	int rc = exec_ok(conn, "BEGIN", 0, NULL);

	if (rc != 0)
		return rc;
	old = sh_db_exec(conn, "SELECT id, type, target, location_entity_ref"
			 " FROM catalog.locations WHERE id::text = $1 FOR UPDATE", 1, params);
	if (old == NULL)
		return finish(conn, SH_EDB);
	res = sh_db_exec(conn, "SELECT 1 FROM catalog.locations"
			 " WHERE type = $2 AND target = $3 AND id::text <> $1", 3, params);
	if (res == NULL || PQntuples(res) > 0 || PQntuples(old) == 0) {
		rc = res == NULL ? SH_EDB : PQntuples(res) > 0 ? CATALOG_DB_CONFLICT :
			CATALOG_DB_NOT_FOUND;
		PQclear(res);
		PQclear(old);
		return finish(conn, rc);
	}
	PQclear(res);
	res = sh_db_exec(conn, "UPDATE catalog.locations SET type = $2, target = $3"
			 " WHERE id::text = $1 RETURNING id, type, target, location_entity_ref",
			 3, params);
	old_key = sh_xasprintf("%s:%s", PQgetvalue(old, 0, 1), PQgetvalue(old, 0, 2));
	rc = res && PQntuples(res) == 1 ? 0 : SH_EDB;
	if (rc == 0) {
		*out = location_json(res, 0);
		rc = emit_root(conn, PQgetvalue(res, 0, 0), type, target, PQgetvalue(res, 0, 3),
			       old_key, 1);
	}
	free(old_key);
	PQclear(res);
	PQclear(old);
	return finish(conn, rc);
}

int catalog_db_location_update(PGconn *conn, const char *id, const char *type,
			       const char *target, json_t **out)
{
	int rc = SH_EDB;

	*out = NULL;
	for (int i = 0; i < LOCATION_TRIES && rc == SH_EDB; i++) {
		json_decref(*out);
		*out = NULL;
		rc = update_once(conn, id, type, target, out);
	}
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* Children of the doomed set whose every parent edge comes from it
 * (Backstage's deleteWithEagerPruningOfChildren), locked so that no
 * processing adds an edge to or from them before the commit; returned as
 * a result of refs. */
static PGresult *next_generation(PGconn *conn, const char *doomed)
{
	const char *params[1] = { doomed };

	return sh_db_exec(conn,
		"WITH d AS (SELECT json_array_elements_text($1::json) AS ref),"
		" c AS (SELECT DISTINCT e.target_entity_ref AS ref"
		" FROM catalog.refresh_state_references e JOIN d ON e.source_entity_ref = d.ref"
		" WHERE e.target_entity_ref NOT IN (SELECT ref FROM d)"
		" AND NOT EXISTS (SELECT 1 FROM catalog.refresh_state_references p"
		" WHERE p.target_entity_ref = e.target_entity_ref"
		" AND (p.source_entity_ref IS NULL OR p.source_entity_ref NOT IN (SELECT ref FROM d))))"
		" SELECT r.entity_ref FROM catalog.refresh_state r JOIN c ON r.entity_ref = c.ref"
		" ORDER BY r.entity_ref FOR UPDATE OF r", 1, params);
}

/* Deletes the doomed refs; their children that stay, and the sources of
 * relation rows they originated (reverse relations), are queued for
 * stitching. */
static int delete_doomed(PGconn *conn, const char *doomed)
{
	const char *params[1] = { doomed };

	return exec_ok(conn,
		"WITH g AS (DELETE FROM catalog.refresh_state r"
		" WHERE r.entity_ref IN (SELECT json_array_elements_text($1::json))"
		" RETURNING r.entity_id, r.entity_ref),"
		" peers AS (SELECT l.source_entity_ref AS ref FROM catalog.relations l"
		" JOIN g ON l.originating_entity_id = g.entity_id"
		" UNION SELECT e.target_entity_ref FROM catalog.refresh_state_references e"
		" JOIN g ON e.source_entity_ref = g.entity_ref)"
		" INSERT INTO catalog.stitch_queue (entity_ref)"
		" SELECT ref FROM peers WHERE ref NOT IN (SELECT entity_ref FROM g)"
		CATALOG_QUEUE_CONFLICT, 1, params);
}

/* With the root's own edge gone: the root (when nothing else emits it)
 * and its descendants without another parent. */
static int prune(PGconn *conn, const char *root)
{
	const char *params[1] = { root };
	json_t *doomed = json_array();
	PGresult *res = sh_db_exec(conn,
		"SELECT (SELECT count(*) FROM catalog.refresh_state_references"
		" WHERE target_entity_ref = r.entity_ref)"
		" FROM catalog.refresh_state r WHERE r.entity_ref = $1 FOR UPDATE", 1, params);
	char *text = NULL;
	int rc = res ? 0 : SH_EDB, n = 1;

	if (rc == 0 && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "0") == 0)
		json_array_append_new(doomed, json_string(root));
	PQclear(res);
	for (int depth = 0; rc == 0 && n > 0 && json_array_size(doomed) > 0 &&
	     depth < DELETE_MAX_DEPTH; depth++) {
		free(text);
		text = json_dumps(doomed, JSON_COMPACT);
		res = next_generation(conn, text);
		n = res ? PQntuples(res) : 0;
		rc = res ? 0 : SH_EDB;
		for (int i = 0; i < n; i++)
			json_array_append_new(doomed, json_string(PQgetvalue(res, i, 0)));
		PQclear(res);
	}
	free(text);
	text = json_dumps(doomed, JSON_COMPACT);
	if (rc == 0 && json_array_size(doomed) > 0)
		rc = delete_doomed(conn, text);
	free(text);
	json_decref(doomed);
	return rc;
}

static int delete_once(PGconn *conn, const char *id)
{
	const char *params[1] = { id };
	PGresult *res;
	char *key;
	int rc = exec_ok(conn, "BEGIN", 0, NULL);

	if (rc != 0)
		return rc;
	res = sh_db_exec(conn, "DELETE FROM catalog.locations WHERE id::text = $1"
			 " RETURNING id, location_entity_ref", 1, params);
	if (res == NULL || PQntuples(res) == 0) {
		PQclear(res);
		return finish(conn, res ? CATALOG_DB_NOT_FOUND : SH_EDB);
	}
	key = sh_xasprintf("location:%s", PQgetvalue(res, 0, 0));
	params[0] = key;
	rc = exec_ok(conn, "DELETE FROM catalog.refresh_state_references WHERE source_key = $1",
		     1, params);
	if (rc == 0)
		rc = prune(conn, PQgetvalue(res, 0, 1));
	free(key);
	PQclear(res);
	return finish(conn, rc);
}

int catalog_db_location_delete(PGconn *conn, const char *id)
{
	int rc = SH_EDB;

	for (int i = 0; i < LOCATION_TRIES && rc == SH_EDB; i++)
		rc = delete_once(conn, id);
	return rc;
}

int catalog_db_refresh(PGconn *conn, const char *ref)
{
	const char *params[1] = { ref };
	PGresult *res = sh_db_exec(conn,
		"WITH RECURSIVE anc(ref) AS (SELECT entity_ref FROM catalog.refresh_state"
		" WHERE entity_ref = $1 AND EXISTS (SELECT 1 FROM catalog.refresh_state_references"
		" WHERE target_entity_ref = $1)"
		" UNION SELECT e.source_entity_ref FROM catalog.refresh_state_references e"
		" JOIN anc ON e.target_entity_ref = anc.ref WHERE e.source_entity_ref IS NOT NULL)"
		" UPDATE catalog.refresh_state r SET next_update_at = now() FROM anc"
		" WHERE r.entity_ref = anc.ref AND (anc.ref = $1 OR anc.ref LIKE 'location:%')"
		" RETURNING r.entity_ref", 1, params);
	int rc;

	if (res == NULL)
		return SH_EDB;
	rc = PQntuples(res) > 0 ? 0 : CATALOG_DB_NOT_FOUND;
	PQclear(res);
	return rc;
}
