/*
 * The full sync task (spec §1.1, issue 14 deliverable 2): a singleton task
 * across every host on the database, every sync_frequency seconds and soon
 * after start.  A run walks the API (sync_walk.c) and hands the whole set
 * to the catalog as one full mutation; any failure mutates nothing.  Each
 * run is recorded for the status route and logged in one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "memo.h"
#include "sync.h"

#define OC_SYNC_TASK "openchoreo.sync"
#define OC_SYNC_CHANNEL "openchoreo_sync"
#define DB_WAIT_MS 5000

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_init(struct oc_run *run, const struct oc_state *st)
{
	memset(run, 0, sizeof *run);
	run->api = *st;
	run->call_timeout_ms = st->http_timeout_ms;
	run->deadline = oc_now() + (double)st->sync_timeout_s;
	run->entities = json_array();
	run->counts = json_object();
	run->namespaces = json_array();
	run->fetches = sh_conf_int(sh_host_conf(st->host), "openchoreo", "workload_fetches", 4);
	run->memo = st->sync_cache_bytes > 0;
	run->memo_gen = oc_memo_begin(st->memo_scope ? st->memo_scope : "",
				      (size_t)st->sync_cache_bytes);
}

static void run_free(struct oc_run *run)
{
	json_decref(run->entities);
	json_decref(run->counts);
	json_decref(run->namespaces);
	json_decref(run->verified);
}

/* The full mutation, unless the run is already over. */
static int mutate(struct oc_run *run, PGconn *conn, struct oc_mutation_result *mut)
{
	int rc = oc_walk_budget(run, "full mutation");

	if (rc == 0 && (rc = oc_db_full(conn, run->entities, mut)) != 0)
		snprintf(run->err, sizeof run->err, "full mutation of %zu entities: database error",
			 json_array_size(run->entities));
	return rc;
}

static void log_run(const struct oc_run *run, const struct oc_sync_report *r)
{
	const struct oc_mutation_result *m = &r->mutation;

	if (r->error)
		sh_log(SH_LOG_WARN,
		       "openchoreo: full sync failed after %ld ms, catalog unchanged: %s",
		       r->duration_ms, r->error);
	else
		sh_log(SH_LOG_INFO,
		       "openchoreo: full sync took %ld ms (API %ld ms, catalog %ld ms): %zu entities "
		       "(added %ld, updated %ld, removed %ld, unchanged %ld, conflicts %ld); "
		       "%ld of %ld steps unchanged upstream, memo %zu kB",
		       r->duration_ms, run->walk_ms, r->duration_ms - run->walk_ms,
		       json_array_size(run->entities), m->added, m->updated, m->removed,
		       m->unchanged, m->conflicts, run->remembered, run->steps,
		       oc_memo_bytes() >> 10);
}

void oc_sync_run(struct sh_host *host, void *state)
{
	const struct oc_state *st = state;
	struct oc_sync_report report = { .started = wall_now() };
	double t0 = oc_now();
	struct oc_run run;
	PGconn *conn;
	int rc;

	run_init(&run, st);
	rc = oc_walk(&run);
	run.walk_ms = (long)((oc_now() - t0) * 1000);
	if (rc == 0)
		oc_memo_sweep(run.memo_gen);
	if (rc == SH_ESTATE) {
		/* Shutdown, not a failure of the API: nothing to record. */
		sh_log(SH_LOG_INFO, "openchoreo: full sync stopped, catalog unchanged: %s", run.err);
		run_free(&run);
		return;
	}
	conn = sh_db_get(host, DB_WAIT_MS);
	if (!conn) {
		/* No record either: say it here, with the walk's own outcome. */
		sh_log(SH_LOG_WARN, "openchoreo: full sync failed, catalog unchanged: %s",
		       rc ? run.err : "no database connection");
		run_free(&run);
		return;
	}
	if (rc == 0)
		rc = mutate(&run, conn, &report.mutation);
	/* Events applied while the walk read older content: again (events.c). */
	if (rc == 0)
		oc_events_requeue_recent(conn, (long)((oc_now() - t0) * 1000) + 1000);
	report.duration_ms = (long)((oc_now() - t0) * 1000);
	report.error = rc ? run.err : NULL;
	report.counts = run.counts;
	log_run(&run, &report);
	oc_db_sync_record(conn, &report);
	sh_db_put(host, conn);
	run_free(&run);
}

int oc_sync_start(struct oc_state *st, char *err, size_t errlen)
{
	unsigned period_ms = (unsigned)(st->sync_frequency_s * 1000);
	int rc = sh_task_add(st->host, OC_SYNC_TASK, period_ms, 0.05, SH_TASK_SINGLETON,
			     oc_sync_run, st);

	/* NOTIFY openchoreo_sync from any process: a full sync now. */
	if (rc == 0)
		rc = sh_task_wake_on(st->host, OC_SYNC_TASK, OC_SYNC_CHANNEL);

	if (rc != 0)
		snprintf(err, errlen, "openchoreo: could not add task %s: %s", OC_SYNC_TASK,
			 sh_strerror(rc));
	return rc;
}
