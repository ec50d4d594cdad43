/*
 * The PostgreSQL side of the host suites (pgtest.h): the server from
 * SH_TEST_PG, one fresh database per suite, admin connections, and hosts
 * built from an ini text the way stagehandd builds them.
 */
#define _GNU_SOURCE /* nftw */
#include <check.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pgtest.h"

static char pg_host[512];
static char pg_port[16];
static char pg_user[128];
static char pg_dbname[128];
static char suite_db[64];

/* Copies the conninfo keys pgtest_host needs; exits 99 on a bad conninfo. */
static void read_conninfo(const char *conninfo)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &why);

	if (opts == NULL) {
		fprintf(stderr, "SH_TEST_PG: %s", why ? why : "out of memory\n");
		PQfreemem(why);
		exit(99);
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		const char *v = o->val ? o->val : "";

		if (strcmp(o->keyword, "host") == 0)
			snprintf(pg_host, sizeof pg_host, "%s", v);
		else if (strcmp(o->keyword, "port") == 0)
			snprintf(pg_port, sizeof pg_port, "%s", v);
		else if (strcmp(o->keyword, "user") == 0)
			snprintf(pg_user, sizeof pg_user, "%s", v);
		else if (strcmp(o->keyword, "dbname") == 0)
			snprintf(pg_dbname, sizeof pg_dbname, "%s", v);
	}
	PQconninfoFree(opts);
	if (!pg_host[0] || !pg_user[0]) {
		fprintf(stderr, "SH_TEST_PG must name host and user: %s\n", conninfo);
		exit(99);
	}
}

static PGconn *connect_to(const char *dbname)
{
	const char *keys[] = { "host", "port", "user", "dbname", "connect_timeout", NULL };
	const char *vals[] = { pg_host, pg_port, pg_user, dbname, "10", NULL };

	/* An empty value (no port in SH_TEST_PG) means libpq's default. */
	return PQconnectdbParams(keys, vals, 0);
}

static void quiet(void *arg, const char *message)
{
}

/* Runs sql on the maintenance database; exits 99 when it fails (main()). */
static void maintenance(const char *sql)
{
	PGconn *c = connect_to(pg_dbname[0] ? pg_dbname : "postgres");
	PGresult *res = NULL;

	PQsetNoticeProcessor(c, quiet, NULL);

	if (PQstatus(c) == CONNECTION_OK)
		res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "SH_TEST_PG: %s: %s", sql, PQerrorMessage(c));
		exit(99);
	}
	PQclear(res);
	PQfinish(c);
}

static void suite_db_create(const char *suite)
{
	const char *conninfo = getenv("SH_TEST_PG");
	char sql[160];

	if (conninfo == NULL || *conninfo == '\0') {
		printf("SKIP: SH_TEST_PG is not set: this suite needs a PostgreSQL server "
		       "(./scripts/dev test starts one for it)\n");
		exit(77);
	}
	read_conninfo(conninfo);
	snprintf(suite_db, sizeof suite_db, "sh_%s_%ld", suite, (long)getpid());
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", suite_db);
	maintenance(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", suite_db);
	maintenance(sql);
}

int pgtest_main(const char *name, Suite *suite)
{
	SRunner *sr;
	char sql[160];
	int failed;

	suite_db_create(name);
	sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", suite_db);
	maintenance(sql);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

PGconn *pgtest_admin(void)
{
	PGconn *c = connect_to(suite_db);

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "admin connection: %s", PQerrorMessage(c));
	return c;
}

void pgtest_allow_connections(bool allow)
{
	PGconn *c = connect_to(pg_dbname[0] ? pg_dbname : "postgres");
	char sql[160];

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "maintenance connection: %s",
		      PQerrorMessage(c));
	snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS %s", suite_db,
		 allow ? "true" : "false");
	pgtest_exec(c, sql);
	PQfinish(c);
}

void pgtest_exec(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);

	ck_assert_msg(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
		      PQerrorMessage(conn));
	PQclear(res);
}

long pgtest_long(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	long v;

	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0, "%s: %s", sql,
		      PQerrorMessage(conn));
	v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

struct sh_host *pgtest_host(const char *pool, const char *db_keys, const char *more, bool broken)
{
	struct sh_host *h = sh_xcalloc(1, sizeof(*h));
	char text[4096], err[1024] = "";
	int n;

	n = snprintf(text, sizeof text,
		     "[database]\nhost = %s\nport = %s\nname = %s\nuser = %s\nconnect_wait = 5\n%s%s",
		     broken ? "/nonexistent/stagehand-pgtest" : pg_host,
		     pg_port[0] ? pg_port : "5432", suite_db, pg_user, db_keys ? db_keys : "",
		     more ? more : "");
	ck_assert_int_lt(n, (int)sizeof text);
	h->conf = host_conf_parse(text, strlen(text), "pgtest.ini", err, sizeof err);
	ck_assert_msg(h->conf != NULL, "parse: %s", err);
	ck_assert_msg(host_conf_validate_host(h->conf, err, sizeof err) == 0, "validate: %s", err);
	h->pool = pool;
	ck_assert_msg(host_db_init(h, err, sizeof err) == 0, "host_db_init: %s", err);
	return h;
}

void pgtest_host_free(struct sh_host *h)
{
	atomic_store(&h->stopping, true);
	host_tasks_free(h);
	host_caches_free(h);
	host_db_fini(h);
	if (h->router)
		host_router_free(h->router);
	host_conf_free(h->conf);
	free(h);
}

int64_t pgtest_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pgtest_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void pgtest_rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = sh_xmalloc((size_t)n + 1);
	ck_assert_int_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

void pgtest_apply_sql(PGconn *conn, const char *pattern)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	glob_t g;

	snprintf(path, sizeof path, "%s/%s", top ? top : ".", pattern);
	ck_assert_msg(glob(path, 0, NULL, &g) == 0, "no file matches %s (set top_srcdir)", path);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *sql = read_text(g.gl_pathv[i]);

		pgtest_exec(conn, sql);
		free(sql);
	}
	globfree(&g);
}
