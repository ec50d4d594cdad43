/*
 * What the suites that need PostgreSQL share (check_db, check_task,
 * check_cache).  The server comes from SH_TEST_PG, a libpq conninfo naming
 * a superuser ("host=/sock/dir port=N dbname=postgres user=postgres");
 * `scripts/dev test` starts a throwaway cluster for its unit stages and
 * sets it.  Without it a suite prints why and exits 77, automake's SKIP.
 *
 * Each suite works in a database of its own (made and dropped by
 * pgtest_main), so suites run side by side under make -j, and advisory
 * locks, NOTIFY channels and stagehand.migrations of one suite never reach
 * another.  The hosts built here are the daemon's struct sh_host from a
 * parsed and validated ini text, as stagehandd builds them.
 */
#ifndef STAGEHAND_TEST_PGTEST_H
#define STAGEHAND_TEST_PGTEST_H

#include <stdint.h>

#include <check.h>
#include <libpq-fe.h>

#include "host.h"

/* A suite's main(): exits 77 when SH_TEST_PG is unset; else makes the
 * suite's fresh database (named after `name` and the pid), runs the suite
 * (each test forked, as Check does by default), drops the database and
 * returns the exit status. */
int pgtest_main(const char *name, Suite *suite);

/* A superuser connection to the suite's database, outside any pool; fails
 * the test when the server cannot be reached.  PQfinish it. */
PGconn *pgtest_admin(void);
/* Lets new sessions into the suite's database, or keeps them out (those
 * that are in stay). */
void pgtest_allow_connections(bool allow);
/* Runs sql (no parameters) on conn and fails the test unless it succeeds. */
void pgtest_exec(PGconn *conn, const char *sql);
/* The first column of the first row of sql as a long; fails the test when
 * the query fails or returns no row. */
long pgtest_long(PGconn *conn, const char *sql);

/*
 * A host named `pool` whose configuration is [database] (the suite's
 * server and database, then the lines of `db_keys`, e.g. "pool_size = 1\n")
 * followed by the sections of `more` (NULL for none), parsed and validated
 * by the host's own code, with the database pool built (nothing connects
 * yet).  `broken` points the pool at a socket directory where no server
 * listens.  pgtest_host_free stops and frees what the host started.
 */
struct sh_host *pgtest_host(const char *pool, const char *db_keys, const char *more, bool broken);
void pgtest_host_free(struct sh_host *h);

/* Runs the SQL files matching `pattern`, a glob below $top_srcdir (for
 * example "sql/catalog/[0-9]*.sql"), on conn in name order, each as one
 * implicit transaction, as the migrator would; fails the test when none
 * matches or one fails. */
void pgtest_apply_sql(PGconn *conn, const char *pattern);

/* Removes a directory tree (a test's scratch files). */
void pgtest_rm_tree(const char *dir);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t pgtest_now_ms(void);
/* Sleeps ms milliseconds. */
void pgtest_sleep_ms(int ms);

#endif
