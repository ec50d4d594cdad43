/*
 * The database pool (fcgi/db.c) and migrations (fcgi/migrate.c) against a
 * real PostgreSQL (pgtest.h): lease and return, reconnecting after the
 * server ends a backend, the statement timeout, the acquire timeout of an
 * exhausted pool, parameters that stay data, a connection given back inside
 * a transaction; migrations applied once (twice in a row, two hosts at
 * once, behind a held lock) and a failing one that changes nothing.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pgtest.h"

/* migrate.c's advisory lock key, shared by every host. */
#define MIGRATE_LOCK_KEY "7310395771418361856"

static long backend_pid(PGconn *conn)
{
	PGresult *res = sh_db_exec(conn, "SELECT pg_backend_pid()", 0, NULL);
	long pid;

	ck_assert_ptr_nonnull(res);
	pid = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return pid;
}

/* ------------------------------------------------------------ the pool */

START_TEST(test_lease_return)
{
	struct sh_host *h = pgtest_host("db", "pool_size = 2\n", NULL, false);
	PGconn *a = sh_db_get(h, 2000), *b = sh_db_get(h, 2000), *c;
	long pa, pb, pc;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_int_eq(host_db_leased(h), 2);
	pa = backend_pid(a);
	pb = backend_pid(b);
	ck_assert_int_ne(pa, pb);
	sh_db_put(h, a);
	sh_db_put(h, b);
	ck_assert_int_eq(host_db_leased(h), 0);
	/* A returned connection is kept and leased again, not remade. */
	c = sh_db_get(h, 2000);
	pc = backend_pid(c);
	ck_assert(pc == pa || pc == pb);
	/* A connection the pool never leased is refused, and the count holds. */
	sh_db_put(h, c);
	sh_db_put(h, c);
	ck_assert_int_eq(host_db_leased(h), 0);
	ck_assert_int_eq(host_db_ping(h, 2000), 0);
	ck_assert_int_eq(host_db_leased(h), 0);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_reconnect_after_terminate)
{
	struct sh_host *h = pgtest_host("db", "pool_size = 1\n", NULL, false);
	PGconn *admin = pgtest_admin(), *conn = sh_db_get(h, 2000), *again;
	char sql[160];
	long pid = backend_pid(conn), left = 1;

	sh_db_put(h, conn);
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%ld)::int", pid);
	ck_assert_int_eq(pgtest_long(admin, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %ld", pid);
	for (int i = 0; i < 100 && left; i++, pgtest_sleep_ms(50))
		left = pgtest_long(admin, sql);
	ck_assert_int_eq(left, 0);
	/* The pool does not know yet: the first statement finds out, resets
	 * the connection and runs again, once, since nothing was lost. */
	again = sh_db_get(h, 2000);
	ck_assert_ptr_eq(again, conn);
	ck_assert_int_ne(backend_pid(again), pid);
	sh_db_put(h, again);
	ck_assert_int_eq(host_db_leased(h), 0);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_statement_timeout)
{
	struct sh_host *h = pgtest_host("db", "statement_timeout_ms = 200\n", NULL, false);
	PGconn *conn = sh_db_get(h, 2000);
	int64_t t0 = pgtest_now_ms(), took;
	PGresult *res;

	ck_assert_ptr_null(sh_db_exec(conn, "SELECT pg_sleep(10)", 0, NULL));
	took = pgtest_now_ms() - t0;
	ck_assert_msg(took >= 150 && took < 5000, "pg_sleep(10) ended after %lld ms",
		      (long long)took);
	/* Cancelled, not broken: the connection still serves. */
	res = sh_db_exec(conn, "SHOW statement_timeout", 0, NULL);
	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "200ms");
	PQclear(res);
	sh_db_put(h, conn);
	pgtest_host_free(h);
}
END_TEST

struct waiter {
	struct sh_host *h;
	PGconn *got;
	int64_t waited_ms;
};

static void *wait_for_conn(void *arg)
{
	struct waiter *w = arg;
	int64_t t0 = pgtest_now_ms();

	w->got = sh_db_get(w->h, 10000);
	w->waited_ms = pgtest_now_ms() - t0;
	return NULL;
}

START_TEST(test_acquire_timeout)
{
	struct sh_host *h = pgtest_host("db", "pool_size = 1\n", NULL, false);
	PGconn *held = sh_db_get(h, 2000);
	struct waiter w = { .h = h };
	int64_t t0 = pgtest_now_ms(), took;
	pthread_t t;

	ck_assert_ptr_nonnull(held);
	ck_assert_ptr_null(sh_db_get(h, 300));
	took = pgtest_now_ms() - t0;
	ck_assert_msg(took >= 290 && took < 5000, "gave up after %lld ms", (long long)took);
	ck_assert_int_eq(host_db_leased(h), 1);
	/* A waiter gets the connection as soon as it comes back. */
	ck_assert_int_eq(pthread_create(&t, NULL, wait_for_conn, &w), 0);
	pgtest_sleep_ms(200);
	sh_db_put(h, held);
	pthread_join(t, NULL);
	/* The pool had one connection, held until the put. */
	ck_assert_ptr_eq(w.got, held);
	ck_assert_msg(w.waited_ms < 5000, "waited %lld ms", (long long)w.waited_ms);
	sh_db_put(h, w.got);
	ck_assert_int_eq(host_db_leased(h), 0);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_parameterised)
{
	static const char evil[] = "O'Reilly'); DROP TABLE param_t; --";
	struct sh_host *h = pgtest_host("db", NULL, NULL, false);
	PGconn *admin = pgtest_admin(), *conn = sh_db_get(h, 2000);
	const char *params[2] = { evil, NULL };
	PGresult *res;

	pgtest_exec(admin, "CREATE TABLE param_t (s text, n text)");
	res = sh_db_exec(conn, "INSERT INTO param_t VALUES ($1, $2) RETURNING s, n IS NULL", 2,
			 params);
	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(PQgetvalue(res, 0, 0), evil);
	ck_assert_str_eq(PQgetvalue(res, 0, 1), "t");
	PQclear(res);
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM param_t"), 1);
	/* An error is NULL, and the connection goes on. */
	ck_assert_ptr_null(sh_db_exec(conn, "SELECT * FROM no_such_table", 0, NULL));
	ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
	sh_db_put(h, conn);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_put_in_transaction)
{
	struct sh_host *h = pgtest_host("db", "pool_size = 1\n", NULL, false);
	PGconn *admin = pgtest_admin(), *conn;

	pgtest_exec(admin, "CREATE TABLE tx_t (n int)");
	conn = sh_db_get(h, 2000);
	PQclear(sh_db_exec(conn, "BEGIN", 0, NULL));
	PQclear(sh_db_exec(conn, "INSERT INTO tx_t VALUES (1)", 0, NULL));
	ck_assert_int_eq(PQtransactionStatus(conn), PQTRANS_INTRANS);
	sh_db_put(h, conn);
	/* Rolled back on return: the next lease starts clean. */
	conn = sh_db_get(h, 2000);
	ck_assert_int_eq(PQtransactionStatus(conn), PQTRANS_IDLE);
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM tx_t"), 0);
	sh_db_put(h, conn);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_unreachable)
{
	struct sh_host *h = pgtest_host("db", "connect_timeout = 1\n", NULL, true);

	ck_assert_ptr_null(sh_db_get(h, 500));
	ck_assert_int_eq(host_db_leased(h), 0);
	ck_assert_int_ne(host_db_ping(h, 500), 0);
	ck_assert_int_eq(host_db_leased(h), 0);
	pgtest_host_free(h);
}
END_TEST

/* ------------------------------------------------------------ migrations */

static char sql_dir[64];

static void write_sql(const char *plugin, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", sql_dir, plugin);
	ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(path, sizeof path, "%s/%s/%s", sql_dir, plugin, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void mig_setup(void)
{
	snprintf(sql_dir, sizeof sql_dir, "/tmp/check_db_sql_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sql_dir));
}

static void mig_teardown(void)
{
	pgtest_rm_tree(sql_dir);
}

/* A host that hosts one plugin named `plugin`, with sql_dir above (one
 * plugin record for every such host of a test). */
static struct sh_host *mig_host(const char *plugin)
{
	static struct sh_plugin_info info;
	static struct host_plugin p;
	char more[160];
	struct sh_host *h;

	snprintf(more, sizeof more, "[server]\nsql_dir = %s\n", sql_dir);
	h = pgtest_host("migrate", NULL, more, false);
	info.name = plugin;
	p.info = &info;
	h->plugins = &p;
	h->n_plugins = 1;
	return h;
}

static int migrate(struct sh_host *h, char *err, size_t len)
{
	int rc;

	err[0] = '\0';
	rc = host_migrate(h, err, len);
	ck_assert_int_eq(host_db_leased(h), 0);
	return rc;
}

START_TEST(test_migrate_once)
{
	struct sh_host *h = mig_host("mig_once");
	PGconn *admin = pgtest_admin();
	char err[512];

	write_sql("mig_once", "001_table.sql", "CREATE TABLE once_t (n int);\n"
		  "INSERT INTO once_t VALUES (1);\n");
	write_sql("mig_once", "002_row.sql", "INSERT INTO once_t VALUES (2);\n");
	ck_assert_msg(migrate(h, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(migrate(h, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM once_t"), 2);
	/* A new file is applied alone. */
	write_sql("mig_once", "003_row.sql", "INSERT INTO once_t VALUES (3);\n");
	ck_assert_msg(migrate(h, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM once_t"), 3);
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM stagehand.migrations"
				     " WHERE plugin = 'mig_once'"), 3);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_migrate_failing)
{
	struct sh_host *h = mig_host("mig_fail");
	PGconn *admin = pgtest_admin();
	char err[512];

	write_sql("mig_fail", "001_a.sql", "CREATE TABLE fail_a (n int);\n");
	write_sql("mig_fail", "002_bad.sql", "CREATE TABLE fail_b (n int);\n"
		  "INSERT INTO fail_a VALUES (1);\nSELECT 1/0;\n");
	ck_assert_int_ne(migrate(h, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "sql/mig_fail/002_bad.sql: division by zero") != NULL, "%s", err);
	/* 001 stays applied; nothing of 002 is left. */
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM fail_a"), 0);
	ck_assert_int_eq(pgtest_long(admin, "SELECT (to_regclass('fail_b') IS NULL)::int"), 1);
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM stagehand.migrations"
				     " WHERE plugin = 'mig_fail'"), 1);
	/* Fixed, it applies. */
	write_sql("mig_fail", "002_bad.sql", "CREATE TABLE fail_b (n int);\n");
	ck_assert_msg(migrate(h, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(pgtest_long(admin, "SELECT (to_regclass('fail_b') IS NULL)::int"), 0);
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

struct mig_run {
	struct sh_host *h;
	int rc;
	char err[512];
	atomic_bool done;
};

static void *run_migrate(void *arg)
{
	struct mig_run *r = arg;

	r->rc = host_migrate(r->h, r->err, sizeof r->err);
	atomic_store(&r->done, true);
	return NULL;
}

START_TEST(test_migrate_waits_for_lock)
{
	struct mig_run a = { .rc = -1 }, b = { .rc = -1 };
	PGconn *admin = pgtest_admin();
	pthread_t ta, tb;

	write_sql("mig_lock", "001_t.sql", "CREATE TABLE lock_t (n int);\n"
		  "INSERT INTO lock_t VALUES (1);\n");
	a.h = mig_host("mig_lock");
	b.h = mig_host("mig_lock");
	pgtest_exec(admin, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")");
	ck_assert_int_eq(pthread_create(&ta, NULL, run_migrate, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, run_migrate, &b), 0);
	pgtest_sleep_ms(500);
	ck_assert_msg(!atomic_load(&a.done) && !atomic_load(&b.done),
		      "a migration ran while another session held the migration lock");
	ck_assert_int_eq(pgtest_long(admin, "SELECT (to_regclass('lock_t') IS NULL)::int"), 1);
	pgtest_exec(admin, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")");
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_msg(a.rc == 0, "%s", a.err);
	ck_assert_msg(b.rc == 0, "%s", b.err);
	/* Two hosts at once: the file ran once. */
	ck_assert_int_eq(pgtest_long(admin, "SELECT count(*) FROM lock_t"), 1);
	PQfinish(admin);
	pgtest_host_free(a.h);
	pgtest_host_free(b.h);
}
END_TEST

static Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *pool = tcase_create("pool"), *mig = tcase_create("migrate");

	tcase_add_test(pool, test_lease_return);
	tcase_add_test(pool, test_reconnect_after_terminate);
	tcase_add_test(pool, test_statement_timeout);
	tcase_add_test(pool, test_acquire_timeout);
	tcase_add_test(pool, test_parameterised);
	tcase_add_test(pool, test_put_in_transaction);
	tcase_add_test(pool, test_unreachable);
	suite_add_tcase(s, pool);
	tcase_add_checked_fixture(mig, mig_setup, mig_teardown);
	tcase_add_test(mig, test_migrate_once);
	tcase_add_test(mig, test_migrate_failing);
	tcase_add_test(mig, test_migrate_waits_for_lock);
	suite_add_tcase(s, mig);
	return s;
}

int main(void)
{
	return pgtest_main("db", db_suite());
}
