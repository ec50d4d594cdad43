/*
 * The SQL of the events queue (sql/openchoreo/002_events.sql): queueing
 * an event with its coalescing and bound, claiming due rows across
 * processes, and settling a claim.  Each is one statement, so the
 * counters never disagree with the rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "events.h"

/*
 * The counters' row is locked first, so the bound is exact and the shed
 * burst flag flips once.  A row that exists takes the event whatever the
 * bound: coalescing never grows the queue.  An unclaimed row's due time
 * moves to now + debounce but never past first_at + 5 * debounce, so a
 * steady stream still gets applied.  (events = 1 after the upsert: it
 * made the row.)  A row due at once (no debounce) is NOTIFY'd, so every
 * process's task may take it; a debounced one waits for their poll.
 */
static const char enqueue_sql[] =
	"WITH c AS (SELECT pending, shedding FROM openchoreo.event_counts WHERE id FOR UPDATE),"
	" i AS (INSERT INTO openchoreo.event_queue AS q (kind, namespace, name, action, due_at)"
	" SELECT $1, $2, $3, $4, clock_timestamp() + $6::int * interval '1 millisecond'"
	" WHERE (SELECT pending FROM c) < $5::bigint OR EXISTS (SELECT 1 FROM"
	" openchoreo.event_queue e WHERE e.kind = $1 AND e.namespace = $2 AND e.name = $3)"
	" ON CONFLICT (kind, namespace, name) DO UPDATE SET events = q.events + 1,"
	" action = excluded.action, due_at = CASE WHEN q.claimed_until IS NULL THEN"
	" least(q.first_at + 5 * $6::int * interval '1 millisecond', excluded.due_at)"
	" ELSE q.due_at END"
	" RETURNING q.events = 1 AS made),"
	" n AS (UPDATE openchoreo.event_counts SET received = received + 1,"
	" coalesced = coalesced + (SELECT count(*) FROM i WHERE NOT made),"
	" pending = pending + (SELECT count(*) FROM i WHERE made),"
	" shed = shed + (SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM i),"
	" shedding = CASE WHEN NOT EXISTS (SELECT 1 FROM i) THEN true"
	" WHEN (SELECT made FROM i) THEN false ELSE shedding END WHERE id RETURNING 1)"
	" SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM i) THEN"
	" CASE WHEN (SELECT shedding FROM c) THEN 'shed' ELSE 'shed-first' END"
	" WHEN (SELECT made FROM i) THEN 'new' ELSE 'coalesced' END,"
	" (SELECT count(*) FROM n),"
	" (SELECT count(pg_notify('" OC_EVENTS_CHANNEL "', '')) FROM i WHERE made AND $6::int = 0)";

int oc_db_event_enqueue(PGconn *conn, const struct oc_event *ev, long max_pending,
			long debounce_ms)
{
	char max[24], deb[24];
	const char *params[6] = { ev->kind->event, ev->ns, ev->name, ev->action, max, deb };
	PGresult *r;
	const char *what;
	int rc;

	snprintf(max, sizeof max, "%ld", max_pending);
	snprintf(deb, sizeof deb, "%ld", debounce_ms);
	r = sh_db_exec(conn, enqueue_sql, 6, params);
	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return SH_EDB;
	}
	what = PQgetvalue(r, 0, 0);
	rc = strcmp(what, "new") == 0 ? OC_QUEUED_NEW :
	     strcmp(what, "coalesced") == 0 ? OC_QUEUED_COALESCED :
	     strcmp(what, "shed") == 0 ? OC_QUEUED_SHED : OC_QUEUED_SHED_FIRST;
	PQclear(r);
	return rc;
}

/* Due, and unclaimed or claimed by a process whose lease ran out. */
static const char claim_sql[] =
	"UPDATE openchoreo.event_queue q"
	" SET claimed_until = clock_timestamp() + $2::int * interval '1 second'"
	" FROM (SELECT kind, namespace, name FROM openchoreo.event_queue"
	" WHERE due_at <= clock_timestamp()"
	" AND (claimed_until IS NULL OR claimed_until < clock_timestamp())"
	" ORDER BY due_at LIMIT $1::int FOR UPDATE SKIP LOCKED) s"
	" WHERE q.kind = s.kind AND q.namespace = s.namespace AND q.name = s.name"
	" RETURNING q.kind, q.namespace, q.name, q.action, q.events, q.attempts";

int oc_db_events_claim(PGconn *conn, int max, int lease_s, struct oc_claimed **rows)
{
	char m[16], l[16];
	const char *params[2] = { m, l };
	PGresult *r;
	int n, i;

	snprintf(m, sizeof m, "%d", max);
	snprintf(l, sizeof l, "%d", lease_s);
	*rows = NULL;
	if (!(r = sh_db_exec(conn, claim_sql, 2, params)))
		return SH_EDB;
	n = PQntuples(r);
	*rows = sh_xcalloc(n > 0 ? (size_t)n : 1, sizeof **rows);
	for (i = 0; i < n; i++) {
		(*rows)[i].kind = sh_xstrdup(PQgetvalue(r, i, 0));
		(*rows)[i].ns = sh_xstrdup(PQgetvalue(r, i, 1));
		(*rows)[i].name = sh_xstrdup(PQgetvalue(r, i, 2));
		(*rows)[i].action = sh_xstrdup(PQgetvalue(r, i, 3));
		(*rows)[i].events = strtoll(PQgetvalue(r, i, 4), NULL, 10);
		(*rows)[i].attempts = (int)strtol(PQgetvalue(r, i, 5), NULL, 10);
	}
	PQclear(r);
	return n;
}

long oc_db_events_next_due_ms(PGconn *conn)
{
	PGresult *r = sh_db_exec(conn, "SELECT ceil(extract(epoch FROM"
				 " min(due_at) - clock_timestamp()) * 1000)::bigint"
				 " FROM openchoreo.event_queue WHERE claimed_until IS NULL"
				 " OR claimed_until < clock_timestamp()", 0, NULL);
	long ms = -1;

	/* min() of no row is NULL: nothing waits. */
	if (r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		ms = strtol(PQgetvalue(r, 0, 0), NULL, 10);
		ms = ms < 0 ? 0 : ms;
	}
	PQclear(r);
	return ms;
}

void oc_claimed_free(struct oc_claimed *rows, int n)
{
	for (int i = 0; rows && i < n; i++) {
		free(rows[i].kind);
		free(rows[i].ns);
		free(rows[i].name);
		free(rows[i].action);
	}
	free(rows);
}

#define KEY "kind = $1 AND namespace = $2 AND name = $3"

/* Deleted unless an event arrived while it was applied ($4: the events
 * the claim saw); then queued again, fresh, after the debounce ($5).
 * Noted in event_applied for oc_events_requeue_recent. */
static const char done_sql[] =
	"WITH d AS (DELETE FROM openchoreo.event_queue WHERE " KEY " AND events = $4::bigint"
	" RETURNING 1),"
	" n AS (INSERT INTO openchoreo.event_applied (kind, namespace, name, applied_at)"
	" VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT (kind, namespace, name)"
	" DO UPDATE SET applied_at = excluded.applied_at),"
	" a AS (UPDATE openchoreo.event_queue SET claimed_until = NULL, attempts = 0,"
	" first_at = clock_timestamp(), due_at = clock_timestamp() + $5::int * interval '1 millisecond'"
	" WHERE " KEY " AND events <> $4::bigint RETURNING 1)"
	" UPDATE openchoreo.event_counts SET applied = applied + 1,"
	" pending = pending - (SELECT count(*) FROM d) WHERE id";

/* Dropped when $6 and nothing arrived meanwhile, else retried after $5. */
static const char failed_sql[] =
	"WITH d AS (DELETE FROM openchoreo.event_queue WHERE " KEY " AND events = $4::bigint"
	" AND $6::boolean RETURNING 1),"
	" a AS (UPDATE openchoreo.event_queue SET claimed_until = NULL, attempts = attempts + 1,"
	" due_at = clock_timestamp() + $5::int * interval '1 millisecond'"
	" WHERE " KEY " AND NOT (events = $4::bigint AND $6::boolean) RETURNING 1)"
	" UPDATE openchoreo.event_counts SET failed = failed + 1,"
	" dropped = dropped + (SELECT count(*) FROM d),"
	" pending = pending - (SELECT count(*) FROM d) WHERE id";

static int settle(PGconn *conn, const char *sql, const struct oc_claimed *c, long ms,
		  const char *drop)
{
	char ev[24], delay[24];
	const char *params[6] = { c->kind, c->ns, c->name, ev, delay, drop };
	PGresult *r;

	snprintf(ev, sizeof ev, "%lld", c->events);
	snprintf(delay, sizeof delay, "%ld", ms);
	r = sh_db_exec(conn, sql, drop ? 6 : 5, params);
	if (!r)
		return SH_EDB;
	PQclear(r);
	return 0;
}

int oc_db_event_done(PGconn *conn, const struct oc_claimed *c, long debounce_ms)
{
	return settle(conn, done_sql, c, debounce_ms, NULL);
}

int oc_db_event_failed(PGconn *conn, const struct oc_claimed *c, long retry_ms, bool drop)
{
	return settle(conn, failed_sql, c, retry_ms, drop ? "true" : "false");
}

/*
 * Due at once, outside the bound (they are few: the events of one sync
 * run).  A row being applied counts one more event, so its claim queues it
 * again rather than deleting it.
 */
static const char requeue_sql[] =
	"WITH p AS (DELETE FROM openchoreo.event_applied"
	" WHERE applied_at < clock_timestamp() - interval '1 hour'),"
	" i AS (INSERT INTO openchoreo.event_queue AS q (kind, namespace, name, action, due_at)"
	" SELECT kind, namespace, name, 'resync', clock_timestamp()"
	" FROM openchoreo.event_applied"
	" WHERE applied_at >= clock_timestamp() - $1::int * interval '1 millisecond'"
	" ON CONFLICT (kind, namespace, name) DO UPDATE SET events = q.events + 1"
	" RETURNING q.events = 1 AS made),"
	" u AS (UPDATE openchoreo.event_counts"
	" SET pending = pending + (SELECT count(*) FROM i WHERE made) WHERE id)"
	" SELECT count(*) FROM i";

int oc_events_requeue_recent(PGconn *conn, long window_ms)
{
	char w[24];
	const char *params[1] = { w };
	PGresult *r;
	int n;

	snprintf(w, sizeof w, "%ld", window_ms);
	if (!(r = sh_db_exec(conn, requeue_sql, 1, params)))
		return SH_EDB;
	n = PQntuples(r) == 1 ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return n;
}

int oc_events_stats(PGconn *conn, struct oc_events_stats *s)
{
	PGresult *r = sh_db_exec(conn, "SELECT received, coalesced, applied, failed, dropped,"
				 " shed, pending FROM openchoreo.event_counts WHERE id", 0, NULL);
	long *out[] = { &s->received, &s->coalesced, &s->applied, &s->failed,
			&s->dropped, &s->shed, &s->pending };

	memset(s, 0, sizeof *s);
	if (!r)
		return SH_EDB;
	for (int i = 0; i < 7 && PQntuples(r) == 1; i++)
		*out[i] = strtol(PQgetvalue(r, 0, i), NULL, 10);
	PQclear(r);
	return 0;
}

int oc_events_counts(PGconn *conn, long *received, long *applied, long *pending, long *shed)
{
	struct oc_events_stats s;
	int rc = oc_events_stats(conn, &s);

	*received = s.received;
	*applied = s.applied;
	*pending = s.pending;
	*shed = s.shed;
	return rc;
}
