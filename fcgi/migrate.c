/*
 * Schema migrations: sql/<plugin>/NNN_name.sql applied at start-up under an
 * advisory lock, each file in one transaction, recorded with a checksum in
 * stagehand.migrations, so any number of hosts may start at once and a
 * failed file changes nothing.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "host.h"

#ifndef SH_SQLDIR
#define SH_SQLDIR "/usr/share/stagehand/sql"
#endif

#define MIGRATE_LOCK_KEY "7310395771418361856"   /* constant shared by every host */
#define MIGRATE_MAX_FILE (4L * 1024 * 1024)

static const char bootstrap_sql[] =
	"CREATE SCHEMA IF NOT EXISTS stagehand;"
	"CREATE TABLE IF NOT EXISTS stagehand.migrations ("
	" plugin text NOT NULL, version int NOT NULL, name text NOT NULL,"
	" checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (plugin, version))";

struct mig_file {
	int version;
	char *name;               /* "001_init.sql" */
};

struct mig_ctx {
	struct sh_host *h;
	PGconn *conn;
	const char *plugin;
	char dir[4096];
	char *err;
	size_t errlen;
};

/* "NNN_x.sql" with three or more digits; the version must fit an int. */
static int parse_name(const char *name, int *version)
{
	size_t digits = 0, len = strlen(name);
	long v = 0;

	while (isdigit((unsigned char)name[digits])) {
		v = v * 10 + (name[digits] - '0');
		if (v > 2147483647L)
			return SH_EINVAL;
		digits++;
	}
	if (digits < 3 || name[digits] != '_' || len < digits + 6 ||
	    strcmp(name + len - 4, ".sql") != 0)
		return SH_EINVAL;
	*version = (int)v;
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	const struct mig_file *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static void free_files(struct mig_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

/* Lists the migrations of one folder, sorted; a missing folder has none. */
static int list_files(struct mig_ctx *m, struct mig_file **out, size_t *n_out)
{
	DIR *d = opendir(m->dir);
	struct dirent *de;
	struct mig_file *f = NULL;
	size_t n = 0, cap = 0;
	int v;

	*out = NULL;
	*n_out = 0;
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(m->err, m->errlen, "sql/%s: %s", m->plugin, strerror(errno));
		return SH_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		if (parse_name(de->d_name, &v) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			f = sh_xrealloc(f, cap * sizeof(*f));
		}
		f[n].version = v;
		f[n++].name = sh_xstrdup(de->d_name);
	}
	closedir(d);
	qsort(f, n, sizeof(*f), cmp_file);
	for (size_t i = 1; i < n; i++) {
		if (f[i].version == f[i - 1].version) {
			snprintf(m->err, m->errlen, "sql/%s: %s and %s have the same number",
				 m->plugin, f[i - 1].name, f[i].name);
			free_files(f, n);
			return SH_EINVAL;
		}
	}
	*out = f;
	*n_out = n;
	return 0;
}

/* Reads a whole migration file (capped, no NUL bytes) into a C string. */
static char *read_file(struct mig_ctx *m, const char *name, size_t *len)
{
	char path[8192];
	FILE *fp;
	char *buf = NULL;
	long size;

	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		snprintf(m->err, m->errlen, "sql/%s/%s: %s", m->plugin, name, strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		snprintf(m->err, m->errlen, "sql/%s/%s: could not read file", m->plugin, name);
		goto out;
	}
	if (size > MIGRATE_MAX_FILE) {
		snprintf(m->err, m->errlen, "sql/%s/%s: larger than %ld bytes",
			 m->plugin, name, MIGRATE_MAX_FILE);
		goto out;
	}
	buf = sh_xmalloc((size_t)size + 1);
	*len = fread(buf, 1, (size_t)size, fp);
	buf[*len] = '\0';
	if (*len != (size_t)size || memchr(buf, '\0', *len) != NULL) {
		snprintf(m->err, m->errlen, "sql/%s/%s: could not read file (short read or NUL byte)",
			 m->plugin, name);
		free(buf);
		buf = NULL;
	}
out:
	fclose(fp);
	return buf;
}

static void sha256_hex(const char *buf, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) != 1)
		n = 0;
	sh_hex_encode(hex, md, n < 32 ? n : 32);
}

static void primary_message(PGconn *conn, const PGresult *res, char *buf, size_t len)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (msg == NULL)
		msg = PQerrorMessage(conn);
	snprintf(buf, len, "%.*s", (int)strcspn(msg, "\n"), msg);
}

/* Runs sql text as-is (several statements allowed); fills err on failure. */
static int run_text(struct mig_ctx *m, const char *what, const char *sql)
{
	PGresult *res = PQexec(m->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	char msg[512];
	int rc = 0;

	if (res == NULL || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
			    st != PGRES_EMPTY_QUERY)) {
		primary_message(m->conn, res, msg, sizeof(msg));
		snprintf(m->err, m->errlen, "%s: %s", what, msg);
		rc = SH_EDB;
	}
	PQclear(res);
	return rc;
}

static int apply_file(struct mig_ctx *m, const struct mig_file *f, const char *text,
		      const char *sum)
{
	char what[4400], ver[16];
	const char *params[4] = { m->plugin, ver, f->name, sum };
	PGresult *res;
	int rc;

	snprintf(what, sizeof(what), "sql/%s/%s", m->plugin, f->name);
	snprintf(ver, sizeof(ver), "%d", f->version);
	rc = run_text(m, what, "BEGIN");
	if (rc == 0)
		rc = run_text(m, what, text);
	if (rc == 0) {
		res = PQexecParams(m->conn, "INSERT INTO stagehand.migrations"
				   " (plugin, version, name, checksum) VALUES ($1, $2, $3, $4)",
				   4, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			char msg[512];

			primary_message(m->conn, res, msg, sizeof(msg));
			snprintf(m->err, m->errlen, "%s: %s", what, msg);
			rc = SH_EDB;
		}
		PQclear(res);
	}
	if (rc == 0)
		rc = run_text(m, what, "COMMIT");
	if (rc != 0)
		PQclear(PQexec(m->conn, "ROLLBACK"));
	else
		sh_log(SH_LOG_INFO, "applied migration %s", what);
	return rc;
}

/* The checksum recorded for a version, or NULL if it was never applied. */
static const char *applied_sum(const PGresult *res, int version)
{
	for (int i = 0; i < PQntuples(res); i++)
		if (strtol(PQgetvalue(res, i, 0), NULL, 10) == version)
			return PQgetvalue(res, i, 1);
	return NULL;
}

static int migrate_one(struct mig_ctx *m, const struct mig_file *f, const PGresult *done)
{
	const char *old = applied_sum(done, f->version);
	char sum[65];
	size_t len = 0;
	char *text;
	int rc = 0;

	text = read_file(m, f->name, &len);
	if (text == NULL)
		return SH_EIO;
	sha256_hex(text, len, sum);
	if (old == NULL)
		rc = apply_file(m, f, text, sum);
	else if (strcmp(old, sum) != 0)
		sh_log(SH_LOG_WARN, "sql/%s/%s: changed since it was applied (checksum differs)",
		       m->plugin, f->name);
	free(text);
	return rc;
}

static int migrate_plugin(struct mig_ctx *m, const char *sql_dir, const char *plugin)
{
	const char *params[1] = { plugin };
	struct mig_file *files;
	size_t n;
	PGresult *done;
	int rc;

	m->plugin = plugin;
	snprintf(m->dir, sizeof(m->dir), "%s/%s", sql_dir, plugin);
	rc = list_files(m, &files, &n);
	if (rc != 0 || n == 0)
		return rc;
	done = sh_db_exec(m->conn, "SELECT version, checksum FROM stagehand.migrations"
			  " WHERE plugin = $1", 1, params);
	if (done == NULL) {
		snprintf(m->err, m->errlen, "sql/%s: could not read stagehand.migrations", plugin);
		rc = SH_EDB;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = migrate_one(m, &files[i], done);
	PQclear(done);
	free_files(files, n);
	return rc;
}

/* Waits for the server for up to [database] connect_wait seconds. */
static PGconn *wait_for_db(struct sh_host *h, char *err, size_t errlen)
{
	long wait_s = sh_conf_int(h->conf, "database", "connect_wait", 30);
	struct timespec start, now, pause = { 0, 500000000L };
	PGconn *conn;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		conn = sh_db_get(h, 500);
		if (conn)
			return conn;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (atomic_load(&h->stopping)) {
			snprintf(err, errlen, "start-up interrupted while waiting for the database");
			return NULL;
		}
		if (now.tv_sec - start.tv_sec >= wait_s) {
			snprintf(err, errlen, "could not connect to the database within %ld s", wait_s);
			return NULL;
		}
		nanosleep(&pause, NULL);
	}
}

static int migrate_all(struct mig_ctx *m)
{
	const char *sql_dir = sh_conf_str(m->h->conf, "server", "sql_dir");
	int rc;

	if (sql_dir == NULL)
		sql_dir = SH_SQLDIR;
	rc = run_text(m, "stagehand.migrations", bootstrap_sql);
	if (rc == 0)
		rc = migrate_plugin(m, sql_dir, "stagehand");
	for (size_t i = 0; rc == 0 && i < m->h->n_plugins; i++)
		rc = migrate_plugin(m, sql_dir, m->h->plugins[i].info->name);
	return rc;
}

int host_migrate(struct sh_host *h, char *err, size_t errlen)
{
	struct mig_ctx m = { .h = h, .err = err, .errlen = errlen };
	int rc;

	m.conn = wait_for_db(h, err, errlen);
	if (m.conn == NULL)
		return SH_EUNAVAIL;
	/* Migrations may wait on the lock or build indexes for longer than
	 * any request may run. */
	rc = run_text(&m, "migrations", "SET statement_timeout = 0");
	if (rc == 0)
		rc = run_text(&m, "migrations", "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")");
	if (rc != 0)
		goto out;
	rc = migrate_all(&m);
	PQclear(PQexec(m.conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
out:
	PQclear(PQexec(m.conn, "RESET statement_timeout"));
	sh_db_put(h, m.conn);
	return rc;
}
