/*
 * The task that applies queued events (task "openchoreo.events"; spec
 * openchoreo-provider.md §4): claims due rows, applies each as one delta
 * mutation, and settles it: done, retried with backoff, or dropped after
 * OC_EVENT_MAX_ATTEMPTS.  Every process with the plugin runs it; the
 * claims keep them apart.
 */
#include <stdio.h>
#include <time.h>

#include <stagehand/stagehand.h>

#include "events.h"

#define POLL_MS 1000      /* the period: rows no wake-up announced (other processes') */
#define NAP_MS 50         /* the longest sleep between looks while a row is due soon */
#define CLAIM_BATCH 8     /* rows one claim takes */
#define LEASE_S 300       /* a claim's lease: longer than any apply */
#define RUN_BUDGET_MS 10000 /* then the task returns and runs again at once */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes the delta (when there is one) and settles the row. */
static void settle(const struct oc_state *st, const struct oc_claimed *c, int rc,
		   const json_t *added, const json_t *removed, const char *err)
{
	struct oc_mutation_result m = { 0 };
	PGconn *conn = sh_db_get(st->host, 5000);
	long retry_ms;
	bool drop;

	if (!conn) {
		sh_log(SH_LOG_WARN, "openchoreo: event %s %s/%s not settled: no database connection"
		       " (retried when its claim ends)", c->kind, c->ns, c->name);
		return;
	}
	if (rc == 0 && (json_array_size(added) || json_array_size(removed)) &&
	    oc_db_delta(conn, added, removed, &m) != 0) {
		rc = SH_EDB;
		err = "the catalog's delta mutation failed";
	}
	if (rc == 0) {
		sh_log(SH_LOG_DEBUG, "openchoreo: event %s %s/%s applied: %ld added, %ld updated,"
		       " %ld removed, %ld unchanged", c->kind, c->ns, c->name, m.added, m.updated,
		       m.removed, m.unchanged);
		oc_db_event_done(conn, c, st->events_debounce_ms);
	} else {
		drop = rc == OC_APPLY_GIVE_UP || c->attempts + 1 >= OC_EVENT_MAX_ATTEMPTS;
		retry_ms = oc_event_backoff_ms(c->attempts + 1);
		if (drop)
			sh_log(SH_LOG_WARN, "openchoreo: event %s %s/%s not applied (attempt %d): %s;"
			       " dropped, the next full sync catches up", c->kind, c->ns, c->name,
			       c->attempts + 1, err);
		else
			sh_log(SH_LOG_WARN, "openchoreo: event %s %s/%s not applied (attempt %d): %s;"
			       " retried in %ld ms", c->kind, c->ns, c->name, c->attempts + 1, err,
			       retry_ms);
		oc_db_event_failed(conn, c, retry_ms, drop);
	}
	sh_db_put(st->host, conn);
}

static void apply_one(const struct oc_state *st, const struct oc_claimed *c)
{
	json_t *added = json_array(), *removed = json_array();
	char err[512] = "";
	int rc = oc_event_apply(st, c, added, removed, err, sizeof err);

	settle(st, c, rc, added, removed, err);
	json_decref(added);
	json_decref(removed);
}

/* Claims one batch and applies it; the rows claimed.  When none were,
 * *wait_ms is the time until the next row is due (-1: none is waiting). */
static int apply_batch(const struct oc_state *st, long *wait_ms)
{
	struct oc_claimed *rows = NULL;
	PGconn *conn = sh_db_get(st->host, 1000);
	int n;

	*wait_ms = -1;
	if (!conn)
		return 0;
	n = oc_db_events_claim(conn, CLAIM_BATCH, LEASE_S, &rows);
	if (n == 0)
		*wait_ms = oc_db_events_next_due_ms(conn);
	sh_db_put(st->host, conn);
	for (int i = 0; i < n; i++)
		apply_one(st, &rows[i]);
	oc_claimed_free(rows, n > 0 ? n : 0);
	return n;
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Applies what is due, and waits on this task's own thread (the host gives
 * every task one) for rows due within the period: a debounced row is
 * applied when its debounce ends, not at the next poll.
 */
static void run(struct sh_host *host, void *state)
{
	const struct oc_state *st = state;
	long start = now_ms(), wait;

	while (!sh_task_stopping(host)) {
		if (now_ms() - start >= RUN_BUDGET_MS) {
			sh_task_wake(host, OC_EVENTS_TASK);
			return;
		}
		if (apply_batch(st, &wait) > 0)
			continue;
		if (wait < 0 || wait > POLL_MS)
			return;
		nap(wait < NAP_MS ? wait : NAP_MS);
	}
}

/*
 * The ingress wakes the task of its own process for every new row
 * (sh_task_wake); a row due at once is also NOTIFY'd to the others.  The
 * period finds what no wake-up announced.
 */
int oc_events_start(struct oc_state *st, char *err, size_t errlen)
{
	int rc;

	if (!st->events)
		return 0;
	rc = sh_task_add(st->host, OC_EVENTS_TASK, POLL_MS, 0.2, 0, run, st);
	if (rc == 0)
		rc = sh_task_wake_on(st->host, OC_EVENTS_TASK, OC_EVENTS_CHANNEL);
	if (rc != 0)
		snprintf(err, errlen, "could not register task %s: %s", OC_EVENTS_TASK,
			 sh_strerror(rc));
	return rc;
}
