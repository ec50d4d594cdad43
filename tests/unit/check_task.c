/*
 * Background tasks (fcgi/task.c) on the host's task threads, with a real
 * PostgreSQL for singletons (pgtest.h): registration only during init and
 * with sane arguments, the first run soon, the period and its jitter
 * bounds, a singleton skipped while another connection holds its advisory
 * lock (and holding it while it runs), the stop flag long tasks poll,
 * task_threads = 0, one thread per task so that a long run holds no other
 * task back, and wake-ups: sh_task_wake runs a task well before its period
 * (once more after a run in progress, however many wakes came meanwhile),
 * and a NOTIFY on a channel bound by sh_task_wake_on does the same, also
 * after the listening connection was lost and came back.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgtest.h"

#define MAX_RUNS 256
/* Scheduling slack on a shared, loaded box: late is allowed, early is not. */
#define SLACK_MS 250

struct runs {
	pthread_mutex_t mu;
	int n;
	int64_t at[MAX_RUNS];
	int first_sleep_ms;          /* the first run sleeps this long */
	atomic_bool running;
	atomic_bool saw_stop;        /* a long run ended on sh_task_stopping */
};

static void runs_init(struct runs *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
}

static int runs_count(struct runs *r)
{
	int n;

	pthread_mutex_lock(&r->mu);
	n = r->n;
	pthread_mutex_unlock(&r->mu);
	return n;
}

static void record(struct sh_host *h, void *state)
{
	struct runs *r = state;
	int n;

	atomic_store(&r->running, true);
	pthread_mutex_lock(&r->mu);
	n = r->n;
	if (r->n < MAX_RUNS)
		r->at[r->n++] = pgtest_now_ms();
	pthread_mutex_unlock(&r->mu);
	if (n == 0 && r->first_sleep_ms)
		pgtest_sleep_ms(r->first_sleep_ms);
	atomic_store(&r->running, false);
}

/* Runs until the host stops (at most 10 s). */
static void long_task(struct sh_host *h, void *state)
{
	struct runs *r = state;

	record(h, state);
	for (int i = 0; i < 1000 && !sh_task_stopping(h); i++)
		pgtest_sleep_ms(10);
	atomic_store(&r->saw_stop, sh_task_stopping(h));
}

/* A host with one task registered as a plugin's init would. */
static struct sh_host *task_host(const char *more, unsigned period_ms, double jitter,
				 unsigned flags, sh_task_fn fn, struct runs *r)
{
	struct sh_host *h = pgtest_host("task", NULL, more, false);

	h->registering = true;
	ck_assert_int_eq(sh_task_add(h, "t", period_ms, jitter, flags, fn, r), 0);
	h->registering = false;
	return h;
}

static bool wait_for(struct runs *r, int n, int ms)
{
	for (int64_t end = pgtest_now_ms() + ms; pgtest_now_ms() < end; pgtest_sleep_ms(5))
		if (runs_count(r) >= n)
			return true;
	return false;
}

START_TEST(test_register_rules)
{
	struct sh_host *h = pgtest_host("task", NULL, NULL, false);
	struct runs r;

	runs_init(&r);
	ck_assert_int_eq(sh_task_add(h, "a", 100, 0, 0, record, &r), SH_ESTATE);
	h->registering = true;
	ck_assert_int_eq(sh_task_add(h, NULL, 100, 0, 0, record, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "", 100, 0, 0, record, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "a", 0, 0, 0, record, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "a", 100, -0.1, 0, record, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "a", 100, 10.5, 0, record, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "a", 100, 0, 0x8, record, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "a", 100, 0, 0, NULL, &r), SH_EINVAL);
	ck_assert_int_eq(sh_task_add(h, "a", 100000, 0, 0, record, &r), 0);
	ck_assert_int_eq(sh_task_add(h, "a", 100000, 0, 0, record, &r), SH_EINVAL);
	ck_assert_int_eq(host_tasks_start(h), 0);
	/* Once the threads run, even init cannot add more. */
	ck_assert_int_eq(sh_task_add(h, "b", 100000, 0, 0, record, &r), SH_ESTATE);
	pgtest_host_free(h);
}
END_TEST

/* Checks the intervals between run starts against [lo, hi + SLACK_MS] and
 * returns the longest. */
static int64_t check_intervals(struct runs *r, int64_t lo, int64_t hi)
{
	int64_t longest = 0;

	for (int i = 1; i < r->n; i++) {
		int64_t d = r->at[i] - r->at[i - 1];

		ck_assert_msg(d >= lo && d <= hi + SLACK_MS, "interval %d: %lld ms, not in [%lld, %lld]",
			      i, (long long)d, (long long)lo, (long long)hi);
		longest = d > longest ? d : longest;
	}
	return longest;
}

START_TEST(test_period)
{
	struct runs r;
	struct sh_host *h;
	int64_t t0;
	int n;

	runs_init(&r);
	h = task_host(NULL, 50, 0.0, 0, record, &r);
	t0 = pgtest_now_ms();
	ck_assert_int_eq(host_tasks_start(h), 0);
	pgtest_sleep_ms(800);
	host_tasks_stop(h);
	n = runs_count(&r);
	ck_assert_msg(n >= 4 && n <= 17, "%d runs in 800 ms at a 50 ms period", n);
	ck_assert_int_lt(r.at[0] - t0, SH_TASK_FIRST_MS + SLACK_MS);
	check_intervals(&r, 50, 50);
	/* Stopped means stopped. */
	pgtest_sleep_ms(150);
	ck_assert_int_eq(runs_count(&r), n);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_jitter_bounds)
{
	struct runs r;
	struct sh_host *h;

	runs_init(&r);
	/* Every period_ms * [1, 1 + jitter]: 20..100 ms. */
	h = task_host(NULL, 20, 4.0, 0, record, &r);
	ck_assert_int_eq(host_tasks_start(h), 0);
	ck_assert(wait_for(&r, 16, 5000));
	host_tasks_stop(h);
	/* Fifteen draws from [20, 100] all below 45: odds about 1e-8. */
	ck_assert_int_gt(check_intervals(&r, 20, 100), 45);
	pgtest_host_free(h);
}
END_TEST

/* pg_try_advisory_lock of the singleton named "t", from another session. */
static bool try_task_lock(PGconn *admin)
{
	return pgtest_long(admin, "SELECT pg_try_advisory_lock(hashtext('stagehand.task.t'))::int") == 1;
}

START_TEST(test_singleton_lock)
{
	PGconn *admin = pgtest_admin();
	struct runs r;
	struct sh_host *h;

	runs_init(&r);
	r.first_sleep_ms = 800;
	h = task_host(NULL, 30, 0.0, SH_TASK_SINGLETON, record, &r);
	ck_assert(try_task_lock(admin));
	ck_assert_int_eq(host_tasks_start(h), 0);
	pgtest_sleep_ms(400);
	ck_assert_int_eq(runs_count(&r), 0);    /* skipped, again and again */
	pgtest_exec(admin, "SELECT pg_advisory_unlock(hashtext('stagehand.task.t'))");
	ck_assert(wait_for(&r, 1, 3000));
	/* While it runs it holds the lock, so no other host runs it. */
	ck_assert(atomic_load(&r.running));
	ck_assert(!try_task_lock(admin));
	ck_assert(wait_for(&r, 2, 3000));
	host_tasks_stop(h);
	ck_assert(try_task_lock(admin));
	ck_assert_int_eq(host_db_leased(h), 0);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_stop_flag)
{
	struct runs r;
	struct sh_host *h;
	int64_t t0, took;

	runs_init(&r);
	h = task_host(NULL, 50, 0.0, 0, long_task, &r);
	ck_assert(!sh_task_stopping(h));
	ck_assert_int_eq(host_tasks_start(h), 0);
	ck_assert(wait_for(&r, 1, 3000));
	ck_assert(!sh_task_stopping(h));
	t0 = pgtest_now_ms();
	host_tasks_stop(h);
	took = pgtest_now_ms() - t0;
	ck_assert_msg(took < 1000, "host_tasks_stop took %lld ms", (long long)took);
	ck_assert(atomic_load(&r.saw_stop));
	ck_assert_int_eq(runs_count(&r), 1);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_host_stopping)
{
	struct runs r;
	struct sh_host *h;

	runs_init(&r);
	h = task_host(NULL, 50, 0.0, 0, long_task, &r);
	ck_assert(!sh_task_stopping(h));
	atomic_store(&h->stopping, true);
	ck_assert(sh_task_stopping(h));
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_no_task_threads)
{
	struct runs r;
	struct sh_host *h;

	runs_init(&r);
	h = task_host("[server]\ntask_threads = 0\n", 10, 0.0, 0, record, &r);
	ck_assert_int_eq(host_tasks_start(h), 0);
	pgtest_sleep_ms(300);
	ck_assert_int_eq(runs_count(&r), 0);
	pgtest_host_free(h);
}
END_TEST

/* Two tasks: a long one that runs until the host stops and "t", every 30 ms. */
START_TEST(test_long_task_starves_none)
{
	struct runs lr, r;
	struct sh_host *h;

	runs_init(&lr);
	runs_init(&r);
	h = pgtest_host("task", NULL, NULL, false);
	h->registering = true;
	ck_assert_int_eq(sh_task_add(h, "long", 30, 0.0, 0, long_task, &lr), 0);
	ck_assert_int_eq(sh_task_add(h, "t", 30, 0.0, 0, record, &r), 0);
	h->registering = false;
	ck_assert_int_eq(host_tasks_start(h), 0);
	ck_assert(wait_for(&lr, 1, 3000));
	ck_assert_msg(wait_for(&r, 5, 3000), "a long task kept the other from running");
	ck_assert_int_eq(runs_count(&lr), 1);     /* still in its first run */
	host_tasks_stop(h);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_wake_rules)
{
	struct runs r;
	struct sh_host *h;

	runs_init(&r);
	h = task_host(NULL, 100000, 0.0, 0, record, &r);
	ck_assert_int_eq(sh_task_wake_on(h, "t", "ch"), SH_ESTATE);
	h->registering = true;
	ck_assert_int_eq(sh_task_wake_on(h, NULL, "ch"), SH_EINVAL);
	ck_assert_int_eq(sh_task_wake_on(h, "t", NULL), SH_EINVAL);
	ck_assert_int_eq(sh_task_wake_on(h, "t", "Bad-Channel"), SH_EINVAL);
	ck_assert_int_eq(sh_task_wake_on(h, "t", "x;drop"), SH_EINVAL);
	ck_assert_int_eq(sh_task_wake_on(h, "t", "ch_1"), 0);
	ck_assert_int_eq(sh_task_wake_on(h, "t", "ch_1"), 0);   /* once is enough */
	ck_assert_int_eq(sh_task_wake_on(h, "another_plugins_task", "ch_2"), 0);
	h->registering = false;
	ck_assert_str_eq(host_tasks_channel(h, 0), "ch_1");
	ck_assert_str_eq(host_tasks_channel(h, 1), "ch_2");
	ck_assert_ptr_null(host_tasks_channel(h, 2));
	/* Unknown names and a host without threads: nothing happens. */
	sh_task_wake(h, "nope");
	sh_task_wake(h, NULL);
	host_tasks_notified(h, "ch_2");
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_wake)
{
	struct runs r;
	struct sh_host *h;
	int64_t t0;

	runs_init(&r);
	h = task_host(NULL, 100000, 0.0, 0, record, &r);
	ck_assert_int_eq(host_tasks_start(h), 0);
	ck_assert(wait_for(&r, 1, 3000));
	pgtest_sleep_ms(50);
	ck_assert_int_eq(runs_count(&r), 1);
	t0 = pgtest_now_ms();
	sh_task_wake(h, "t");
	ck_assert(wait_for(&r, 2, 3000));
	ck_assert_msg(r.at[1] - t0 < SLACK_MS, "woken after %lld ms", (long long)(r.at[1] - t0));
	pgtest_sleep_ms(200);
	ck_assert_int_eq(runs_count(&r), 2);
	host_tasks_stop(h);
	pgtest_host_free(h);
}
END_TEST

/* Wakes during a run: one more run right after it, not one per wake. */
START_TEST(test_wake_while_running)
{
	struct runs r;
	struct sh_host *h;

	runs_init(&r);
	r.first_sleep_ms = 400;
	h = task_host(NULL, 100000, 0.0, 0, record, &r);
	ck_assert_int_eq(host_tasks_start(h), 0);
	ck_assert(wait_for(&r, 1, 3000));
	for (int i = 0; i < 3; i++) {
		ck_assert(atomic_load(&r.running));
		sh_task_wake(h, "t");
		pgtest_sleep_ms(20);
	}
	ck_assert(wait_for(&r, 2, 3000));
	ck_assert_int_lt(r.at[1] - r.at[0], 400 + SLACK_MS);
	pgtest_sleep_ms(300);
	ck_assert_int_eq(runs_count(&r), 2);
	host_tasks_stop(h);
	pgtest_host_free(h);
}
END_TEST

/* True once the host's listening session has LISTENed (waits up to ms). */
static bool wait_listening(PGconn *admin, int ms)
{
	for (int64_t end = pgtest_now_ms() + ms; pgtest_now_ms() < end; pgtest_sleep_ms(10))
		if (pgtest_long(admin, "SELECT count(*) FROM pg_stat_activity"
				" WHERE application_name = 'stagehand-task-listen'"
				" AND datname = current_database() AND state = 'idle'"
				" AND query LIKE 'LISTEN%'") == 1)
			return true;
	return false;
}

/* "t" every 100 s, woken by NOTIFY tw_changes; listener and tasks started,
 * the first run done and the channel listened to. */
static struct sh_host *bound_host(struct runs *r, PGconn *admin)
{
	struct sh_host *h;

	runs_init(r);
	h = task_host(NULL, 100000, 0.0, 0, record, r);
	h->registering = true;
	ck_assert_int_eq(sh_task_wake_on(h, "t", "tw_changes"), 0);
	h->registering = false;
	ck_assert_int_eq(host_tasks_start(h), 0);
	ck_assert_int_eq(host_caches_start(h), 0);
	ck_assert(wait_for(r, 1, 3000));
	ck_assert(wait_listening(admin, 5000));
	return h;
}

/* NOTIFY, then the time until run n starts (-1: not within wait_ms). */
static int64_t notify_latency(PGconn *admin, struct runs *r, int n, const char *channel,
			      int wait_ms)
{
	char sql[64];
	int64_t t0 = pgtest_now_ms();

	snprintf(sql, sizeof sql, "NOTIFY %s", channel);
	pgtest_exec(admin, sql);
	if (!wait_for(r, n, wait_ms))
		return -1;
	return r->at[n - 1] - t0;
}

/* A NOTIFY on tw_changes starts run n promptly. */
static void expect_woken(PGconn *admin, struct runs *r, int n)
{
	int64_t ms = notify_latency(admin, r, n, "tw_changes", 3000);

	ck_assert_msg(ms >= 0 && ms < SLACK_MS * 2, "woken %lld ms after the NOTIFY", (long long)ms);
}

START_TEST(test_wake_on_notify)
{
	PGconn *admin = pgtest_admin();
	struct runs r;
	struct sh_host *h = bound_host(&r, admin);

	ck_assert_int_eq(notify_latency(admin, &r, 2, "other_channel", 300), -1);
	expect_woken(admin, &r, 2);
	PQfinish(admin);
	pgtest_host_free(h);
	ck_assert_int_eq(runs_count(&r), 2);
}
END_TEST

/* Runs last: a failure here leaves the database closed to new sessions. */
START_TEST(test_wake_after_reconnect)
{
	PGconn *admin = pgtest_admin();
	struct runs r;
	struct sh_host *h = bound_host(&r, admin);

	pgtest_allow_connections(false);
	pgtest_exec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		    " WHERE application_name = 'stagehand-task-listen'"
		    " AND datname = current_database()");
	/* Down: the NOTIFY reaches nobody; back: the bound task is woken, as
	 * it may have missed one, and the channel is listened to again. */
	ck_assert_int_eq(notify_latency(admin, &r, 2, "tw_changes", 300), -1);
	pgtest_allow_connections(true);
	ck_assert(wait_for(&r, 2, 10000));
	ck_assert(wait_listening(admin, 10000));
	expect_woken(admin, &r, 3);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

static Suite *task_suite(void)
{
	Suite *s = suite_create("task");
	TCase *tc = tcase_create("task");

	tcase_set_timeout(tc, 30);    /* the reconnect waits out the listener's back-off */
	tcase_add_test(tc, test_register_rules);
	tcase_add_test(tc, test_period);
	tcase_add_test(tc, test_jitter_bounds);
	tcase_add_test(tc, test_singleton_lock);
	tcase_add_test(tc, test_stop_flag);
	tcase_add_test(tc, test_host_stopping);
	tcase_add_test(tc, test_no_task_threads);
	tcase_add_test(tc, test_long_task_starves_none);
	tcase_add_test(tc, test_wake_rules);
	tcase_add_test(tc, test_wake);
	tcase_add_test(tc, test_wake_while_running);
	tcase_add_test(tc, test_wake_on_notify);
	tcase_add_test(tc, test_wake_after_reconnect);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pgtest_main("task", task_suite());
}
