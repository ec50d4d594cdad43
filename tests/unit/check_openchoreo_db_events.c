/*
 * plugins/openchoreo/db_events.c on a real PostgreSQL (pgtest.h), against
 * sql/openchoreo/002_events.sql from the source tree: one row per
 * resource and the counters a burst leaves, the bound and its one logged
 * shed per burst, the debounce, claims that skip each other, an event
 * arriving while its row is applied, retries and the drop, and the
 * resources a full sync queues again.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pgtest.h"
#include "../../plugins/openchoreo/events.h"

/* The plugin's migrations from $top_srcdir/sql/openchoreo in name order,
 * once per suite database; then an empty queue. */
static PGconn *fresh(void)
{
	PGconn *c = pgtest_admin();

	if (!pgtest_long(c, "SELECT (to_regclass('openchoreo.event_queue') IS NOT NULL)::int"))
		pgtest_apply_sql(c, "sql/openchoreo/[0-9]*.sql");
	pgtest_exec(c, "TRUNCATE openchoreo.event_queue, openchoreo.event_applied;"
		    " UPDATE openchoreo.event_counts SET received = 0, coalesced = 0, applied = 0,"
		    " failed = 0, dropped = 0, shed = 0, pending = 0, shedding = false");
	return c;
}

static int queue(PGconn *c, const char *kind, const char *name, long max, long debounce_ms)
{
	struct oc_event ev = { oc_kind_by_event(kind), "oracle", name, "updated" };

	return oc_db_event_enqueue(c, &ev, max, debounce_ms);
}

static struct oc_events_stats stats(PGconn *c)
{
	struct oc_events_stats s;

	ck_assert_int_eq(oc_events_stats(c, &s), 0);
	return s;
}

START_TEST(test_coalesced)
{
	PGconn *c = fresh();
	struct oc_events_stats s;

	ck_assert_int_eq(queue(c, "component", "a", 10, 0), OC_QUEUED_NEW);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(queue(c, "component", "a", 10, 0), OC_QUEUED_COALESCED);
	/* Same name, other kind: another resource. */
	ck_assert_int_eq(queue(c, "project", "a", 10, 0), OC_QUEUED_NEW);
	s = stats(c);
	ck_assert_int_eq(s.received, 6);
	ck_assert_int_eq(s.coalesced, 4);
	ck_assert_int_eq(s.pending, 2);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM openchoreo.event_queue"), 2);
	ck_assert_int_eq(pgtest_long(c, "SELECT events FROM openchoreo.event_queue"
				     " WHERE kind = 'component'"), 5);
	PQfinish(c);
}
END_TEST

START_TEST(test_bound)
{
	PGconn *c = fresh();
	struct oc_claimed *rows;
	struct oc_events_stats s;

	ck_assert_int_eq(queue(c, "component", "a", 2, 0), OC_QUEUED_NEW);
	ck_assert_int_eq(queue(c, "component", "b", 2, 0), OC_QUEUED_NEW);
	ck_assert_int_eq(queue(c, "component", "c", 2, 0), OC_QUEUED_SHED_FIRST);
	ck_assert_int_eq(queue(c, "component", "d", 2, 0), OC_QUEUED_SHED);
	/* Full, but a resource with a row still takes its events. */
	ck_assert_int_eq(queue(c, "component", "a", 2, 0), OC_QUEUED_COALESCED);
	ck_assert_int_eq(queue(c, "component", "e", 2, 0), OC_QUEUED_SHED);
	s = stats(c);
	ck_assert_int_eq(s.shed, 3);
	ck_assert_int_eq(s.received, 6);
	ck_assert_int_eq(s.pending, 2);
	/* One applied: room again, and the next burst is logged again. */
	ck_assert_int_eq(oc_db_events_claim(c, 1, 60, &rows), 1);
	ck_assert_int_eq(oc_db_event_done(c, &rows[0], 0), 0);
	oc_claimed_free(rows, 1);
	ck_assert_int_eq(stats(c).pending, 1);
	ck_assert_int_eq(queue(c, "component", "f", 2, 0), OC_QUEUED_NEW);
	ck_assert_int_eq(queue(c, "component", "g", 2, 0), OC_QUEUED_SHED_FIRST);
	PQfinish(c);
}
END_TEST

START_TEST(test_debounce)
{
	PGconn *c = fresh();
	struct oc_claimed *rows;

	ck_assert_int_eq(oc_db_events_next_due_ms(c), -1);
	ck_assert_int_eq(queue(c, "component", "a", 10, 400), OC_QUEUED_NEW);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 0);
	oc_claimed_free(rows, 0);
	/* The task sleeps that long, not a poll period. */
	ck_assert(oc_db_events_next_due_ms(c) > 0 && oc_db_events_next_due_ms(c) <= 400);
	/* Each event moves it to 400 ms after itself, never past 2 s after
	 * the first. */
	ck_assert_int_eq(queue(c, "component", "a", 10, 400), OC_QUEUED_COALESCED);
	ck_assert_int_eq(pgtest_long(c, "SELECT (due_at - first_at BETWEEN interval '400 ms'"
				     " AND interval '2 s')::int FROM openchoreo.event_queue"), 1);
	pgtest_exec(c, "UPDATE openchoreo.event_queue SET first_at = first_at - interval '10 s'");
	ck_assert_int_eq(queue(c, "component", "a", 10, 400), OC_QUEUED_COALESCED);
	ck_assert_int_eq(pgtest_long(c, "SELECT (due_at <= clock_timestamp())::int"
				     " FROM openchoreo.event_queue"), 1);
	ck_assert_int_eq(oc_db_events_next_due_ms(c), 0);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_str_eq(rows[0].name, "a");
	ck_assert_int_eq(rows[0].events, 3);
	oc_claimed_free(rows, 1);
	/* Claimed: nothing waits for this process. */
	ck_assert_int_eq(oc_db_events_next_due_ms(c), -1);
	PQfinish(c);
}
END_TEST

START_TEST(test_claims)
{
	PGconn *c = fresh();
	struct oc_claimed *rows, *more;

	for (int i = 0; i < 3; i++)
		queue(c, "component", (const char *[]){ "a", "b", "c" }[i], 10, 0);
	ck_assert_int_eq(oc_db_events_claim(c, 2, 60, &rows), 2);
	/* Claimed rows are not taken again while their lease runs. */
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &more), 1);
	oc_claimed_free(more, 1);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &more), 0);
	oc_claimed_free(more, 0);
	/* A lease that ran out (its process died) is taken again. */
	pgtest_exec(c, "UPDATE openchoreo.event_queue SET claimed_until = now() - interval '1 s'"
		    " WHERE name = 'a'");
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &more), 1);
	ck_assert_str_eq(more[0].name, "a");
	oc_claimed_free(more, 1);
	oc_claimed_free(rows, 2);
	PQfinish(c);
}
END_TEST

/* An event while its row is applied: the row stays, due again, so the
 * change it announced is fetched. */
START_TEST(test_event_while_applied)
{
	PGconn *c = fresh();
	struct oc_claimed *rows;

	queue(c, "component", "a", 10, 0);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_int_eq(queue(c, "component", "a", 10, 0), OC_QUEUED_COALESCED);
	ck_assert_int_eq(oc_db_event_done(c, &rows[0], 0), 0);
	oc_claimed_free(rows, 1);
	ck_assert_int_eq(stats(c).pending, 1);
	ck_assert_int_eq(stats(c).applied, 1);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_int_eq(rows[0].events, 2);
	ck_assert_int_eq(oc_db_event_done(c, &rows[0], 0), 0);
	oc_claimed_free(rows, 1);
	ck_assert_int_eq(stats(c).pending, 0);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM openchoreo.event_queue"), 0);
	PQfinish(c);
}
END_TEST

START_TEST(test_retry_and_drop)
{
	PGconn *c = fresh();
	struct oc_claimed *rows;
	struct oc_events_stats s;

	queue(c, "component", "a", 10, 0);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_int_eq(oc_db_event_failed(c, &rows[0], 60000, false), 0);
	oc_claimed_free(rows, 1);
	/* Not due before its backoff. */
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 0);
	oc_claimed_free(rows, 0);
	pgtest_exec(c, "UPDATE openchoreo.event_queue SET due_at = now()");
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_int_eq(rows[0].attempts, 1);
	ck_assert_int_eq(oc_db_event_failed(c, &rows[0], 0, true), 0);
	oc_claimed_free(rows, 1);
	s = stats(c);
	ck_assert_int_eq(s.failed, 2);
	ck_assert_int_eq(s.dropped, 1);
	ck_assert_int_eq(s.pending, 0);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM openchoreo.event_queue"), 0);
	PQfinish(c);
}
END_TEST

/* What a full sync does after its write: the resources applied during its
 * run are queued again, a claimed one included; old notes are pruned. */
START_TEST(test_requeue_recent)
{
	PGconn *c = fresh();
	struct oc_claimed *rows, *b;

	queue(c, "component", "a", 10, 0);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_int_eq(oc_db_event_done(c, &rows[0], 0), 0);
	oc_claimed_free(rows, 1);
	ck_assert_int_eq(stats(c).pending, 0);
	ck_assert_int_eq(oc_events_requeue_recent(c, 60000), 1);
	ck_assert_int_eq(stats(c).pending, 1);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &rows), 1);
	ck_assert_str_eq(rows[0].action, "resync");
	/* Queued again while it is applied: its claim keeps the row. */
	ck_assert_int_eq(oc_events_requeue_recent(c, 60000), 1);
	ck_assert_int_eq(oc_db_event_done(c, &rows[0], 0), 0);
	oc_claimed_free(rows, 1);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM openchoreo.event_queue"), 1);
	ck_assert_int_eq(stats(c).pending, 1);
	ck_assert_int_eq(oc_db_events_claim(c, 8, 60, &b), 1);
	ck_assert_int_eq(oc_db_event_done(c, &b[0], 0), 0);
	oc_claimed_free(b, 1);
	/* Outside the window: not queued; older than an hour: pruned. */
	pgtest_exec(c, "UPDATE openchoreo.event_applied SET applied_at = now() - interval '2 s'");
	ck_assert_int_eq(oc_events_requeue_recent(c, 1000), 0);
	pgtest_exec(c, "UPDATE openchoreo.event_applied SET applied_at = now() - interval '2 h'");
	ck_assert_int_eq(oc_events_requeue_recent(c, 1000), 0);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM openchoreo.event_applied"), 0);
	ck_assert_int_eq(stats(c).pending, 0);
	PQfinish(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("openchoreo_db_events");
	TCase *tc = tcase_create("queue");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_coalesced);
	tcase_add_test(tc, test_bound);
	tcase_add_test(tc, test_debounce);
	tcase_add_test(tc, test_claims);
	tcase_add_test(tc, test_event_while_applied);
	tcase_add_test(tc, test_retry_and_drop);
	tcase_add_test(tc, test_requeue_recent);
	suite_add_tcase(s, tc);
	return pgtest_main("openchoreo_db_events", s);
}
