/*
 * The record of the last full sync (sql/openchoreo/001_sync.sql): written
 * by whichever process ran the singleton task, read by the status route of
 * any process.  A failed run overwrites the start, duration, outcome and
 * error, and keeps the counts of the last good run: the catalog holds them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "sync.h"

static const char record_ok[] =
	"INSERT INTO openchoreo.sync_status AS s (started_at, duration_ms, outcome, error, counts, "
	"mutation, succeeded_at) VALUES (to_timestamp($1::double precision), $2::bigint, "
	"'succeeded', NULL, $3::jsonb, $4::jsonb, to_timestamp($1::double precision)) "
	"ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, "
	"duration_ms = excluded.duration_ms, outcome = excluded.outcome, error = NULL, "
	"counts = excluded.counts, mutation = excluded.mutation, "
	"succeeded_at = excluded.succeeded_at";

static const char record_failed[] =
	"INSERT INTO openchoreo.sync_status AS s (started_at, duration_ms, outcome, error) "
	"VALUES (to_timestamp($1::double precision), $2::bigint, 'failed', $3) "
	"ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, "
	"duration_ms = excluded.duration_ms, outcome = excluded.outcome, error = excluded.error";

static char *mutation_json(const struct oc_mutation_result *m)
{
	json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I}", "added", (json_int_t)m->added, "updated",
			      (json_int_t)m->updated, "removed", (json_int_t)m->removed,
			      "unchanged", (json_int_t)m->unchanged, "conflicts",
			      (json_int_t)m->conflicts);
	char *text = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	return text;
}

int oc_db_sync_record(PGconn *conn, const struct oc_sync_report *r)
{
	char started[32], duration[24];
	char *counts = r->error ? NULL : json_dumps(r->counts, JSON_COMPACT);
	char *mutation = r->error ? NULL : mutation_json(&r->mutation);
	const char *ok_params[] = { started, duration, counts, mutation };
	const char *failed_params[] = { started, duration, r->error };
	PGresult *res;

	snprintf(started, sizeof started, "%.3f", r->started);
	snprintf(duration, sizeof duration, "%ld", r->duration_ms);
	res = r->error ? sh_db_exec(conn, record_failed, 3, failed_params)
		       : sh_db_exec(conn, record_ok, 4, ok_params);
	free(counts);
	free(mutation);
	if (!res)
		return SH_EDB;
	PQclear(res);
	return 0;
}

json_t *oc_db_sync_status(struct sh_req *req)
{
	static const char sql[] =
		"SELECT json_build_object("
		"'startedAt', to_char(started_at AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
		"'durationMs', duration_ms, 'outcome', outcome, 'error', error, "
		"'counts', counts, 'mutation', mutation, "
		"'lastSuccessAt', to_char(succeeded_at AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))::text "
		"FROM openchoreo.sync_status";
	PGresult *res = sh_db_query(req, sql, 0, NULL);

	if (!res)
		return NULL;
	if (PQntuples(res) == 0)
		return json_null();
	return json_loads(PQgetvalue(res, 0, 0), 0, NULL);
}
