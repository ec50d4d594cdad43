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

#define POLL_MIN_MS 20    /* a process looks for due rows every half debounce, */
#define POLL_MAX_MS 100   /* within these bounds */
#define CLAIM_BATCH 8     /* rows one claim takes */
#define LEASE_S 300       /* a claim's lease: longer than any apply */
#define RUN_BUDGET_MS 2000 /* then the thread goes back to the other tasks */

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
		sh_log(SH_LOG_WARN, "openchoreo: event %s %s/%s not applied (attempt %d): %s; %s",
		       c->kind, c->ns, c->name, c->attempts + 1, err,
		       drop ? "dropped, the next full sync catches up" : "retried");
		oc_db_event_failed(conn, c, oc_event_backoff_ms(c->attempts + 1), drop);
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

/* Claims one batch and applies it; the number of rows claimed. */
static int apply_batch(const struct oc_state *st)
{
	struct oc_claimed *rows = NULL;
	PGconn *conn = sh_db_get(st->host, 1000);
	int n;

	if (!conn)
		return 0;
	n = oc_db_events_claim(conn, CLAIM_BATCH, LEASE_S, &rows);
	sh_db_put(st->host, conn);
	for (int i = 0; i < n; i++)
		apply_one(st, &rows[i]);
	oc_claimed_free(rows, n > 0 ? n : 0);
	return n;
}

static void run(struct sh_host *host, void *state)
{
	const struct oc_state *st = state;
	long start = now_ms();

	while (apply_batch(st) > 0 && !sh_task_stopping(host) &&
	       now_ms() - start < RUN_BUDGET_MS)
		;
}

/*
 * A debounced row becomes due on no wake-up of its own: the poll finds it,
 * so the poll is half the debounce (events seen within 1.5 debounces).
 * Rows due at once wake the task (sh_task_wake in the ingress, NOTIFY for
 * the other processes).
 */
int oc_events_start(struct oc_state *st, char *err, size_t errlen)
{
	long poll = st->events_debounce_ms / 2;
	int rc;

	if (!st->events)
		return 0;
	poll = poll < POLL_MIN_MS ? POLL_MIN_MS : poll > POLL_MAX_MS ? POLL_MAX_MS : poll;
	rc = sh_task_add(st->host, OC_EVENTS_TASK, (unsigned)poll, 0.2, 0, run, st);
	if (rc == 0)
		rc = sh_task_wake_on(st->host, OC_EVENTS_TASK, OC_EVENTS_CHANNEL);
	if (rc != 0)
		snprintf(err, errlen, "could not register task %s: %s", OC_EVENTS_TASK,
			 sh_strerror(rc));
	return rc;
}
