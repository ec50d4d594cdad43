/*
 * Processing's SQL (spec §9.5): claiming due rows with FOR UPDATE SKIP
 * LOCKED, writing a processing result (children, parent edges, relations)
 * or its errors in one transaction, seeding the configured locations, and
 * queueing every entity whose final JSON must be rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"

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

PGresult *catalog_db_claim(PGconn *conn, int limit, long interval_s)
{
	char lim[16], secs[32];
	const char *params[2] = { lim, secs };

	snprintf(lim, sizeof(lim), "%d", limit);
	snprintf(secs, sizeof(secs), "%ld", interval_s);
	/* Claiming and pushing next_update_at is one statement, so a row is
	 * never handed to two workers, here or on another host. */
	return sh_db_exec(conn,
		"WITH due AS (SELECT entity_id FROM catalog.refresh_state"
		" WHERE next_update_at <= now() ORDER BY next_update_at LIMIT $1"
		" FOR UPDATE SKIP LOCKED)"
		" UPDATE catalog.refresh_state r SET next_update_at = now() +"
		" make_interval(secs => $2::float8 * (1 + 0.5 * random()))"
		" FROM due WHERE r.entity_id = due.entity_id"
		" RETURNING r.entity_id, r.entity_ref, r.unprocessed_entity, r.result_hash",
		2, params);
}

/* Upserts one emitted entity and its parent edge; a row owned by another
 * location (§9.7) is left alone and gets no edge.  *taken is 1 when the
 * row is ours. */
static int upsert_child(PGconn *conn, const char *source_key, const char *parent,
			const struct catalog_child *c, int *taken)
{
	char *text = json_dumps(c->entity, JSON_COMPACT), hash[41];
	const char *params[6] = { c->ref, text, hash, c->location_key, source_key, parent };
	PGresult *res;

	catalog_sha1_hex(text, strlen(text), hash);
	res = sh_db_exec(conn,
		"WITH up AS (INSERT INTO catalog.refresh_state"
		" (entity_ref, unprocessed_entity, unprocessed_hash, location_key)"
		" VALUES ($1, $2, $3, $4) ON CONFLICT (entity_ref) DO UPDATE SET"
		" unprocessed_entity = EXCLUDED.unprocessed_entity,"
		" unprocessed_hash = EXCLUDED.unprocessed_hash,"
		" location_key = EXCLUDED.location_key, last_discovery_at = now(),"
		" next_update_at = CASE WHEN refresh_state.unprocessed_hash ="
		" EXCLUDED.unprocessed_hash THEN refresh_state.next_update_at ELSE now() END"
		" WHERE refresh_state.location_key IS NULL"
		" OR refresh_state.location_key = EXCLUDED.location_key"
		" RETURNING entity_ref),"
		" edge AS (INSERT INTO catalog.refresh_state_references"
		" (source_key, source_entity_ref, target_entity_ref)"
		" SELECT $5, $6, entity_ref FROM up),"
		" q AS (INSERT INTO catalog.stitch_queue (entity_ref) SELECT entity_ref FROM up"
		" ON CONFLICT DO NOTHING)"
		" SELECT count(*) FROM up",
		6, params);
	free(text);
	if (res == NULL)
		return SH_EDB;
	*taken = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	PQclear(res);
	return 0;
}

static int upsert_children(PGconn *conn, const char *source_key, const char *parent,
			   const struct catalog_children *children)
{
	int rc = 0, taken = 0;

	for (size_t i = 0; rc == 0 && i < children->n; i++) {
		rc = upsert_child(conn, source_key, parent, &children->v[i], &taken);
		if (rc == 0 && !taken)
			sh_log(SH_LOG_WARN, "entity %s from %s conflicts with an entity of the same"
			       " ref from another location; kept the first", children->v[i].ref,
			       children->v[i].location_key);
	}
	return rc;
}

static int finish(PGconn *conn, int rc)
{
	if (rc == 0)
		rc = exec_ok(conn, "COMMIT", 0, NULL);
	if (rc != 0)
		PQclear(PQexec(conn, "ROLLBACK"));
	return rc;
}

int catalog_db_seed(PGconn *conn, const struct catalog_children *roots)
{
	const char *key[1] = { "config" };
	int rc = begin(conn);

	if (rc == 0)
		rc = exec_ok(conn,
			"WITH old AS (DELETE FROM catalog.refresh_state_references"
			" WHERE source_key = $1 RETURNING target_entity_ref)"
			" INSERT INTO catalog.stitch_queue (entity_ref)"
			" SELECT DISTINCT target_entity_ref FROM old ON CONFLICT DO NOTHING",
			1, key);
	if (rc == 0)
		rc = upsert_children(conn, "config", NULL, roots);
	return finish(conn, rc);
}

/* Replaces this entity's relation rows; the sources of the old and new
 * rows are the entities whose `relations` change (§9.5). */
static int replace_relations(PGconn *conn, const char *id, const char *rows)
{
	const char *params[2] = { id, rows };
	int rc;

	rc = exec_ok(conn,
		"WITH old AS (DELETE FROM catalog.relations WHERE originating_entity_id = $1"
		" RETURNING source_entity_ref)"
		" INSERT INTO catalog.stitch_queue (entity_ref)"
		" SELECT DISTINCT source_entity_ref FROM old ON CONFLICT DO NOTHING",
		1, params);
	if (rc == 0)
		rc = exec_ok(conn,
			"WITH r AS (SELECT e->>0 AS s, e->>1 AS t, e->>2 AS d"
			" FROM json_array_elements($2::json) e),"
			" ins AS (INSERT INTO catalog.relations (originating_entity_id,"
			" source_entity_ref, type, target_entity_ref)"
			" SELECT $1::uuid, s, t, d FROM r)"
			" INSERT INTO catalog.stitch_queue (entity_ref)"
			" SELECT DISTINCT s FROM r ON CONFLICT DO NOTHING",
			2, params);
	return rc;
}

int catalog_db_write_result(PGconn *conn, const struct catalog_db_result *r)
{
	const char *upd[3] = { r->id, r->processed, r->hash };
	const char *self[1] = { r->ref };
	int rc = begin(conn);

	if (rc == 0)
		rc = exec_ok(conn, "UPDATE catalog.refresh_state SET processed_entity = $2,"
			     " result_hash = $3, errors = NULL WHERE entity_id = $1", 3, upd);
	if (rc == 0)
		rc = exec_ok(conn,
			"WITH old AS (DELETE FROM catalog.refresh_state_references"
			" WHERE source_entity_ref = $1 RETURNING target_entity_ref)"
			" INSERT INTO catalog.stitch_queue (entity_ref)"
			" SELECT DISTINCT target_entity_ref FROM old ON CONFLICT DO NOTHING",
			1, self);
	if (rc == 0)
		rc = upsert_children(conn, NULL, r->ref, r->children);
	if (rc == 0)
		rc = replace_relations(conn, r->id, r->relations);
	if (rc == 0)
		rc = exec_ok(conn, "INSERT INTO catalog.stitch_queue (entity_ref) VALUES ($1)"
			     " ON CONFLICT DO NOTHING", 1, self);
	return finish(conn, rc);
}

int catalog_db_write_errors(PGconn *conn, const struct catalog_db_result *r)
{
	const char *params[4] = { r->id, r->errors, r->hash, r->ref };

	/* The last good body, children and relations stay (§9.7); only the
	 * status changes. */
	return exec_ok(conn,
		"WITH u AS (UPDATE catalog.refresh_state SET errors = $2, result_hash = $3"
		" WHERE entity_id = $1)"
		" INSERT INTO catalog.stitch_queue (entity_ref) VALUES ($4)"
		" ON CONFLICT DO NOTHING", 4, params);
}
