/*
 * Processing's SQL (spec §9.5): claiming due rows with FOR UPDATE SKIP
 * LOCKED, writing a whole batch of processing results (children, parent
 * edges, relations, errors) in one transaction of set-based statements,
 * seeding the configured locations, deleting orphans, and queueing every
 * entity whose final JSON must be rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "pgarray.h"

/* Orphan deletion repeats while a round deletes entities (their children
 * become orphans in turn), at most this many rounds per call. */
#define CATALOG_ORPHAN_ROUNDS 16

int catalog_db_exec_ok(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult *res = sh_db_exec(conn, sql, n, params);

	if (res == NULL)
		return SH_EDB;
	PQclear(res);
	return 0;
}

/* Everything processing writes is derived from the sources and rebuilt by
 * the next round, so a crash may lose the last commits: no WAL flush wait. */
int catalog_db_begin(PGconn *conn)
{
	int rc = catalog_db_exec_ok(conn, "BEGIN", 0, NULL);

	if (rc == 0)
		rc = catalog_db_exec_ok(conn, "SET LOCAL synchronous_commit = off", 0, NULL);
	return rc;
}

static int finish(PGconn *conn, int rc)
{
	if (rc == 0)
		rc = catalog_db_exec_ok(conn, "COMMIT", 0, NULL);
	if (rc != 0)
		PQclear(PQexec(conn, "ROLLBACK"));
	return rc;
}

/* Runs sql with JSON values as text parameters. */
static int exec_json(PGconn *conn, const char *sql, const json_t *a, const json_t *b)
{
	char *ta = json_dumps(a, JSON_COMPACT), *tb = b ? json_dumps(b, JSON_COMPACT) : NULL;
	const char *params[2] = { ta, tb };
	int rc;

	if (ta == NULL || (b && tb == NULL))
		abort();
	rc = catalog_db_exec_ok(conn, sql, b ? 2 : 1, params);
	free(ta);
	free(tb);
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

/* Upserts the emitted entities and makes the parent edges of `parents`
 * (a JSON array of refs) exactly the taken children.  A ref owned by
 * another location (§9.7) is not taken over: its row is left alone, the
 * newcomer gets no edge and is returned (ref, key, owner, parent) to be
 * logged, and its parent forgets its result hash so that it claims the row
 * in a later round, once the owner's orphan is gone.  When several records
 * of the batch name one ref, the one the row's owner emitted wins, else
 * the first (records are in processing order); every parent that emitted
 * the winner's location key gets an edge.  Entities whose edges appear or
 * disappear are queued (their orphan flag changes), unless they were never
 * processed: they have no final entity yet, and their processing queues
 * them (a first ingestion emits thousands).  This statement's snapshot
 * does not see the rows it inserts.  Rows are written in
 * ref order so concurrent writers lock them in the same order.  Edges
 * have no foreign keys (011_edges_without_fk.sql): the parents are locked
 * (`par`, FOR KEY SHARE, so that a delete waits for this transaction and
 * then removes its edges too) and edges are written only from the
 * parents still there. */
static const char upsert_sql[] =
	"WITH c0 AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
	" $5::text[], $6::text[]) WITH ORDINALITY AS c(src, parent, ref, entity, hash, key, i)),"
	" cur AS (SELECT entity_ref, location_key FROM catalog.refresh_state"
	" WHERE entity_ref IN (SELECT ref FROM c0)),"
	" c AS (SELECT DISTINCT ON (c0.ref) c0.* FROM c0"
	" LEFT JOIN cur ON cur.entity_ref = c0.ref"
	" ORDER BY c0.ref, cur.location_key IS NOT DISTINCT FROM c0.key DESC, c0.i),"
	" up AS (INSERT INTO catalog.refresh_state"
	" (entity_ref, unprocessed_entity, unprocessed_hash, location_key)"
	" SELECT ref, entity, hash, key FROM c ORDER BY ref"
	" ON CONFLICT (entity_ref) DO UPDATE SET"
	" unprocessed_entity = EXCLUDED.unprocessed_entity,"
	" unprocessed_hash = EXCLUDED.unprocessed_hash,"
	" location_key = EXCLUDED.location_key, last_discovery_at = now(),"
	" next_update_at = CASE WHEN refresh_state.unprocessed_hash ="
	" EXCLUDED.unprocessed_hash THEN refresh_state.next_update_at ELSE now() END"
	" WHERE refresh_state.location_key IS NULL"
	" OR refresh_state.location_key = EXCLUDED.location_key"
	" RETURNING entity_ref, location_key),"
	" n AS (SELECT DISTINCT c0.src, c0.parent, c0.ref FROM c0"
	" JOIN up ON up.entity_ref = c0.ref WHERE c0.key IS NOT DISTINCT FROM up.location_key),"
	" par AS (SELECT entity_ref FROM catalog.refresh_state"
	" WHERE entity_ref = ANY($7::text[]) FOR KEY SHARE),"
	" del AS (DELETE FROM catalog.refresh_state_references e"
	" WHERE e.source_entity_ref = ANY($7::text[])"
	" AND NOT EXISTS (SELECT 1 FROM n WHERE n.parent = e.source_entity_ref"
	" AND n.ref = e.target_entity_ref) RETURNING e.target_entity_ref),"
	" ins AS (INSERT INTO catalog.refresh_state_references"
	" (source_key, source_entity_ref, target_entity_ref)"
	" SELECT CASE WHEN n.parent IS NULL THEN n.src END, n.parent, n.ref FROM n"
	" WHERE (n.parent IS NULL OR n.parent IN (SELECT entity_ref FROM par))"
	" AND NOT EXISTS (SELECT 1 FROM catalog.refresh_state_references e"
	" WHERE e.target_entity_ref = n.ref AND (e.source_entity_ref = n.parent"
	" OR (n.parent IS NULL AND e.source_key = n.src))) RETURNING target_entity_ref),"
	" q AS (INSERT INTO catalog.stitch_queue (entity_ref)"
	" SELECT t.ref FROM (SELECT target_entity_ref AS ref FROM del"
	" UNION SELECT target_entity_ref FROM ins) t"
	" WHERE EXISTS (SELECT 1 FROM catalog.refresh_state r"
	" WHERE r.entity_ref = t.ref AND r.processed_entity IS NOT NULL)"
	CATALOG_QUEUE_CONFLICT ")"
	" SELECT c0.ref, c0.key, coalesce(up.location_key, cur.location_key), c0.parent"
	" FROM c0 LEFT JOIN up ON up.entity_ref = c0.ref LEFT JOIN cur ON cur.entity_ref = c0.ref"
	" WHERE c0.key IS DISTINCT FROM coalesce(up.location_key, cur.location_key)"
	" ORDER BY c0.i";

/* Logs the refused newcomers of an upsert (ref, key, owner, parent) and
 * makes their parents claim them again in a later round. */
static int refuse_conflicts(PGconn *conn, const PGresult *lost)
{
	json_t *parents = json_array();
	int rc = 0;

	for (int i = 0; i < PQntuples(lost); i++) {
		sh_log(SH_LOG_WARN, "conflicting entity %s: owned by %s, ignored from %s",
		       PQgetvalue(lost, i, 0),
		       PQgetisnull(lost, i, 2) ? "another location" : PQgetvalue(lost, i, 2),
		       PQgetisnull(lost, i, 1) ? "a location without key" : PQgetvalue(lost, i, 1));
		if (!PQgetisnull(lost, i, 3))
			json_array_append_new(parents, json_string(PQgetvalue(lost, i, 3)));
	}
	if (json_array_size(parents) > 0)
		rc = exec_json(conn, "UPDATE catalog.refresh_state SET result_hash = NULL"
			       " WHERE entity_ref IN (SELECT json_array_elements_text($1::json))",
			       parents, NULL);
	json_decref(parents);
	return rc;
}

/* children: the six columns of struct catalog_db_batch's children;
 * parents: the refs whose edges become exactly these children. */
static int upsert_children(PGconn *conn, struct catalog_pgarray *children,
			   struct catalog_pgarray *parents)
{
	struct catalog_pgarray *params[7] = { &children[0], &children[1], &children[2],
		&children[3], &children[4], &children[5], parents };
	PGresult *res = catalog_db_exec_arrays(conn, upsert_sql, 7, params);
	int rc;

	if (res == NULL)
		return SH_EDB;
	rc = refuse_conflicts(conn, res);
	PQclear(res);
	return rc;
}

int catalog_db_seed(PGconn *conn, struct catalog_pgarray *roots)
{
	const char *key[1] = { "config" };
	struct catalog_pgarray none = { .n = 0 };
	int rc = catalog_db_begin(conn);

	if (rc == 0)
		rc = catalog_db_exec_ok(conn,
			"WITH old AS (DELETE FROM catalog.refresh_state_references"
			" WHERE source_key = $1 RETURNING target_entity_ref)"
			" INSERT INTO catalog.stitch_queue (entity_ref)"
			" SELECT DISTINCT target_entity_ref FROM old" CATALOG_QUEUE_CONFLICT,
			1, key);
	if (rc == 0)
		rc = upsert_children(conn, roots, &none);
	catalog_pgarray_free(&none);
	return finish(conn, rc);
}

/* Failed results store their errors only: the last good body, children
 * and relations stay (§9.7). */
static int write_failed(PGconn *conn, const json_t *failed)
{
	return exec_json(conn,
		"WITH u AS (UPDATE catalog.refresh_state r SET errors = x.errors,"
		" result_hash = x.hash FROM json_to_recordset($1::json)"
		" AS x(id uuid, hash text, errors text) WHERE r.entity_id = x.id"
		" RETURNING r.entity_ref)"
		" INSERT INTO catalog.stitch_queue (entity_ref) SELECT entity_ref FROM u"
		CATALOG_QUEUE_CONFLICT, failed, NULL);
}

/* Processed entities, and their old relation rows removed: the sources of
 * the old rows are entities whose `relations` change (§9.5). */
static int write_ok(PGconn *conn, struct catalog_pgarray *ok)
{
	struct catalog_pgarray *params[4] = { &ok[0], &ok[1], &ok[2], &ok[3] };

	return catalog_db_exec_arrays_ok(conn,
		"WITH x AS (SELECT i::uuid AS id, ref, hash, processed FROM unnest($1::text[],"
		" $2::text[], $3::text[], $4::text[]) AS x(i, ref, hash, processed)),"
		" u AS (UPDATE catalog.refresh_state r SET processed_entity = x.processed,"
		" result_hash = x.hash, errors = NULL FROM x WHERE r.entity_id = x.id"
		" RETURNING r.entity_ref),"
		" old AS (DELETE FROM catalog.relations"
		" WHERE originating_entity_id IN (SELECT id FROM x) RETURNING source_entity_ref)"
		" INSERT INTO catalog.stitch_queue (entity_ref)"
		" SELECT entity_ref FROM u UNION SELECT source_entity_ref FROM old"
		CATALOG_QUEUE_CONFLICT, 4, params);
}

/* The sources of the new rows are queued (their `relations` change), but
 * not those never processed (their own processing queues them) nor the
 * batch's own entities ($5: write_ok queued them in this transaction, and
 * touching their rows again would only write new row versions).  They go
 * CATALOG_QUEUE_PUSH back in the stitch order (catalog.h): a reverse
 * relation can wait behind the entities whose own results changed, and an
 * entity that many batches name is then stitched once or twice, not once
 * per batch. */
static int write_relations(PGconn *conn, struct catalog_pgarray *rels,
			   struct catalog_pgarray *own)
{
	struct catalog_pgarray *params[5] = { &rels[0], &rels[1], &rels[2], &rels[3], own };

	return catalog_db_exec_arrays_ok(conn,
		"WITH x AS (SELECT i::uuid AS id, s, t, d FROM unnest($1::text[], $2::text[],"
		" $3::text[], $4::text[]) AS x(i, s, t, d)),"
		" ins AS (INSERT INTO catalog.relations (originating_entity_id,"
		" source_entity_ref, type, target_entity_ref) SELECT id, s, t, d FROM x)"
		" INSERT INTO catalog.stitch_queue (entity_ref, queued_at)"
		" SELECT y.s, now() + interval '" CATALOG_QUEUE_PUSH "' FROM (SELECT DISTINCT s FROM x"
		" WHERE s NOT IN (SELECT unnest($5::text[]))) y"
		" WHERE EXISTS (SELECT 1 FROM catalog.refresh_state r"
		" WHERE r.entity_ref = y.s AND r.processed_entity IS NOT NULL)"
		CATALOG_QUEUE_CONFLICT, 5, params);
}

int catalog_db_write_batch(PGconn *conn, struct catalog_db_batch *b)
{
	int rc = catalog_db_begin(conn);

	if (rc == 0 && json_array_size(b->failed) > 0)
		rc = write_failed(conn, b->failed);
	if (rc == 0 && b->ok[0].n > 0)
		rc = write_ok(conn, b->ok);
	/* A Location's children are upserted in one statement that sorts
	 * them with their texts (DISTINCT ON, then ref order): 10 000
	 * children are about 6 MB, which the default 4 MB sorted on disk. */
	if (rc == 0 && b->children[0].n > 1000)
		rc = catalog_db_exec_ok(conn, "SET LOCAL work_mem = '64MB'", 0, NULL);
	if (rc == 0 && b->ok[0].n > 0)
		rc = upsert_children(conn, b->children, &b->ok[1]);
	if (rc == 0 && b->relations[0].n > 0)
		rc = write_relations(conn, b->relations, &b->ok[1]);
	return finish(conn, rc);
}

/* One round: orphans deleted (cascading to their edges, relations and
 * final entities); the sources of the relation rows they originated and
 * the children they emitted are queued. */
static int delete_orphans_once(PGconn *conn)
{
	PGresult *res = sh_db_exec(conn,
		"WITH o AS (DELETE FROM catalog.refresh_state r WHERE NOT EXISTS"
		" (SELECT 1 FROM catalog.refresh_state_references e"
		" WHERE e.target_entity_ref = r.entity_ref) RETURNING r.entity_id, r.entity_ref),"
		" peers AS (SELECT l.source_entity_ref AS ref FROM catalog.relations l"
		" JOIN o ON l.originating_entity_id = o.entity_id"
		" UNION SELECT e.target_entity_ref FROM catalog.refresh_state_references e"
		" JOIN o ON e.source_entity_ref = o.entity_ref),"
		" q AS (INSERT INTO catalog.stitch_queue (entity_ref)"
		" SELECT ref FROM peers WHERE ref NOT IN (SELECT entity_ref FROM o)"
		CATALOG_QUEUE_CONFLICT ")"
		" SELECT count(*) FROM o", 0, NULL);
	long n;

	if (res == NULL)
		return SH_EDB;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return (int)n;
}

int catalog_db_delete_orphans(PGconn *conn)
{
	int total = 0, n = 0;

	for (int round = 0; round < CATALOG_ORPHAN_ROUNDS; round++) {
		n = delete_orphans_once(conn);
		if (n <= 0)
			break;
		total += n;
	}
	return n < 0 ? n : total;
}
