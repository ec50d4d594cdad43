/*
 * The PostgreSQL pool: a fixed number of PGconn slots behind a mutex and a
 * condition variable.  Connections are made lazily on first lease, reset
 * when the server has gone away, and carry the statement timeout, so the
 * pool survives a PostgreSQL restart without being rebuilt.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "req.h"

#define DB_MAX_PARAMS 12

struct db_slot {
	PGconn *conn;        /* NULL until first used, or after being dropped */
	bool leased;
};

struct host_db {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db_slot *slots;
	size_t n_slots;
	atomic_long leased;
	int acquire_timeout_ms;
	const char *keys[DB_MAX_PARAMS + 1];
	char *vals[DB_MAX_PARAMS + 1];
	size_t n_params;
};

/* Process-wide, only to log a connection failure once per outage. */
static atomic_bool db_down;

static void add_param(struct host_db *db, const char *key, const char *val)
{
	if (val == NULL || *val == '\0' || db->n_params == DB_MAX_PARAMS)
		return;
	db->keys[db->n_params] = key;
	db->vals[db->n_params] = sh_xstrdup(val);
	db->n_params++;
}

static void add_int_param(struct host_db *db, const char *key, const char *prefix, long v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%ld", prefix, v);
	add_param(db, key, buf);
}

/* Keyword/value arrays for PQconnectdbParams: values are never spliced into
 * a conninfo string, so no quoting problem can arise from config text. */
static void build_params(struct host_db *db, const struct sh_host *h)
{
	const struct sh_conf *c = h->conf;
	char app[128];

	add_param(db, "host", sh_conf_str(c, "database", "host"));
	add_int_param(db, "port", "", sh_conf_int(c, "database", "port", 5432));
	add_param(db, "dbname", sh_conf_str(c, "database", "name"));
	add_param(db, "user", sh_conf_str(c, "database", "user"));
	add_param(db, "password", sh_conf_str(c, "database", "password"));
	add_param(db, "sslmode", sh_conf_str(c, "database", "sslmode"));
	add_int_param(db, "connect_timeout", "",
		      sh_conf_int(c, "database", "connect_timeout", 5));
	snprintf(app, sizeof(app), "stagehand-%s", h->pool ? h->pool : "main");
	add_param(db, "application_name", app);
	add_int_param(db, "options", "-c statement_timeout=",
		      sh_conf_int(c, "database", "statement_timeout_ms", 30000));
	db->keys[db->n_params] = NULL;
	db->vals[db->n_params] = NULL;
}

int host_db_init(struct sh_host *h, char *err, size_t errlen)
{
	struct host_db *db;
	pthread_condattr_t ca;
	long n = sh_conf_int(h->conf, "database", "pool_size", 8);

	if (n < 1 || n > 1000) {
		snprintf(err, errlen, "database: pool_size: must be between 1 and 1000");
		return SH_EINVAL;
	}
	db = sh_xcalloc(1, sizeof(*db));
	db->n_slots = (size_t)n;
	db->slots = sh_xcalloc(db->n_slots, sizeof(*db->slots));
	db->acquire_timeout_ms = (int)sh_conf_int(h->conf, "database", "acquire_timeout_ms", 5000);
	atomic_init(&db->leased, 0);
	pthread_mutex_init(&db->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&db->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* [database] read_host is not used yet: every query goes to `host`. */
	build_params(db, h);
	h->db = db;
	return 0;
}

void host_db_fini(struct sh_host *h)
{
	struct host_db *db = h->db;

	if (db == NULL)
		return;
	if (atomic_load(&db->leased) != 0)
		sh_log(SH_LOG_WARN, "closing the database pool with %ld connections leased",
		       atomic_load(&db->leased));
	for (size_t i = 0; i < db->n_slots; i++)
		if (db->slots[i].conn)
			PQfinish(db->slots[i].conn);
	for (size_t i = 0; i < db->n_params; i++)
		free(db->vals[i]);
	pthread_cond_destroy(&db->cv);
	pthread_mutex_destroy(&db->mu);
	free(db->slots);
	free(db);
	h->db = NULL;
}

long host_db_leased(const struct sh_host *h)
{
	return h->db ? atomic_load(&h->db->leased) : 0;
}

/* libpq messages end with a newline; copy the first line only. */
static void first_line(char *dst, size_t len, const char *msg)
{
	size_t n = msg ? strcspn(msg, "\n") : 0;

	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(dst, msg, n);
	dst[n] = '\0';
}

static void note_down(PGconn *conn)
{
	char msg[256];

	if (atomic_exchange(&db_down, true))
		return;
	first_line(msg, sizeof(msg), conn ? PQerrorMessage(conn) : "out of memory");
	sh_log(SH_LOG_WARN, "could not connect to the database: %s", msg);
}

static void note_up(void)
{
	if (atomic_load(&db_down) && atomic_exchange(&db_down, false))
		sh_log(SH_LOG_NOTICE, "database connection restored");
}

/* A live connection saves a connect; a broken one may come back with a
 * cheap PQreset. */
static int slot_rank(const struct db_slot *s)
{
	if (s->conn == NULL)
		return 0;
	return PQstatus(s->conn) == CONNECTION_OK ? 2 : 1;
}

/* Waits for a free slot, preferring one that holds a live connection. */
static struct db_slot *lease_slot(struct host_db *db, int timeout_ms)
{
	struct timespec dl;
	struct db_slot *got = NULL;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&db->mu);
	for (;;) {
		for (size_t i = 0; i < db->n_slots; i++) {
			struct db_slot *s = &db->slots[i];

			if (!s->leased && (got == NULL || slot_rank(s) > slot_rank(got)))
				got = s;
		}
		if (got || rc == ETIMEDOUT)
			break;
		rc = pthread_cond_timedwait(&db->cv, &db->mu, &dl);
	}
	if (got) {
		got->leased = true;
		atomic_fetch_add(&db->leased, 1);
	}
	pthread_mutex_unlock(&db->mu);
	return got;
}

/* Slot fields change only under the lock, so find_slot never sees a
 * half-updated pointer; `drop` forgets the connection before it is freed. */
static void set_conn(struct host_db *db, struct db_slot *s, PGconn *conn)
{
	pthread_mutex_lock(&db->mu);
	s->conn = conn;
	pthread_mutex_unlock(&db->mu);
}

static void release_slot(struct host_db *db, struct db_slot *s, bool drop)
{
	pthread_mutex_lock(&db->mu);
	if (drop)
		s->conn = NULL;
	s->leased = false;
	atomic_fetch_sub(&db->leased, 1);
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

/* Server notices (IF NOT EXISTS skips, warnings) go to the log, not to a
 * bare stderr line. */
static void on_notice(void *arg, const char *message)
{
	char msg[256];

	first_line(msg, sizeof(msg), message);
	sh_log(SH_LOG_DEBUG, "database notice: %s", msg);
}

PGconn *host_db_connect(struct sh_host *h, const char *role)
{
	struct host_db *db = h->db;
	const char *vals[DB_MAX_PARAMS + 1];
	char app[160];
	PGconn *conn;

	if (db == NULL)
		return NULL;
	for (size_t i = 0; i <= db->n_params; i++) {
		vals[i] = db->vals[i];
		if (db->keys[i] && strcmp(db->keys[i], "application_name") == 0) {
			snprintf(app, sizeof(app), "%s-%s", db->vals[i], role);
			vals[i] = app;
		}
	}
	conn = PQconnectdbParams(db->keys, vals, 0);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		note_down(conn);
		if (conn)
			PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, on_notice, NULL);
	return conn;
}

PGconn *sh_db_get(struct sh_host *host, int timeout_ms)
{
	struct host_db *db = host->db;
	struct db_slot *s;
	PGconn *conn;

	if (db == NULL)
		return NULL;
	s = lease_slot(db, timeout_ms > 0 ? timeout_ms : 0);
	if (s == NULL) {
		sh_log(SH_LOG_WARN, "no database connection free within %d ms", timeout_ms);
		return NULL;
	}
	/* Connecting happens outside the pool lock: a slow server must not
	 * stall threads that return connections. */
	conn = s->conn;
	if (conn && PQstatus(conn) == CONNECTION_OK)
		return conn;
	if (conn == NULL) {
		conn = PQconnectdbParams(db->keys, (const char *const *)db->vals, 0);
		if (conn)
			PQsetNoticeProcessor(conn, on_notice, NULL);
		set_conn(db, s, conn);
	} else {
		PQreset(conn);
	}
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		note_down(conn);
		release_slot(db, s, false);
		return NULL;
	}
	note_up();
	return conn;
}

static struct db_slot *find_slot(struct host_db *db, const PGconn *conn)
{
	for (size_t i = 0; i < db->n_slots; i++)
		if (db->slots[i].conn == conn && db->slots[i].leased)
			return &db->slots[i];
	return NULL;
}

/* A connection goes back idle, or is dropped and remade on next lease. */
static bool make_idle(PGconn *conn)
{
	PGTransactionStatusType ts = PQtransactionStatus(conn);
	PGresult *res;
	bool ok;

	if (PQstatus(conn) != CONNECTION_OK)
		return false;
	if (ts == PQTRANS_IDLE)
		return true;
	if (ts != PQTRANS_INTRANS && ts != PQTRANS_INERROR)
		return false;
	sh_log(SH_LOG_WARN, "database connection returned inside a transaction: rolling back");
	res = PQexec(conn, "ROLLBACK");
	ok = PQresultStatus(res) == PGRES_COMMAND_OK &&
	     PQtransactionStatus(conn) == PQTRANS_IDLE;
	PQclear(res);
	return ok;
}

void sh_db_put(struct sh_host *host, PGconn *conn)
{
	struct host_db *db = host->db;
	struct db_slot *s;

	if (conn == NULL || db == NULL)
		return;
	pthread_mutex_lock(&db->mu);
	s = find_slot(db, conn);
	pthread_mutex_unlock(&db->mu);
	if (s == NULL) {
		sh_log(SH_LOG_ERROR, "a connection not leased from the pool was returned to it");
		return;
	}
	if (make_idle(conn)) {
		release_slot(db, s, false);
		return;
	}
	release_slot(db, s, true);
	PQfinish(conn);
}

static bool result_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
}

static void log_failure(PGconn *conn, const PGresult *res)
{
	char msg[256];
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (PQstatus(conn) == CONNECTION_BAD) {
		note_down(conn);
		return;
	}
	first_line(msg, sizeof(msg), primary ? primary : PQerrorMessage(conn));
	sh_log(SH_LOG_ERROR, "query failed: sqlstate=%s: %s", state ? state : "none", msg);
}

PGresult *sh_db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult *res;
	bool was_idle;

	if (conn == NULL)
		return NULL;
	was_idle = PQstatus(conn) == CONNECTION_OK &&
		   PQtransactionStatus(conn) == PQTRANS_IDLE;
	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	/* A server restart shows up on the first use of a pooled connection.
	 * Outside a transaction nothing was lost, so reconnect and run the
	 * statement again, once. */
	if (!result_ok(res) && was_idle && PQstatus(conn) == CONNECTION_BAD) {
		PQclear(res);
		PQreset(conn);
		res = PQstatus(conn) == CONNECTION_OK ?
		      PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0) : NULL;
	}
	if (result_ok(res)) {
		note_up();
		return res;
	}
	log_failure(conn, res);
	PQclear(res);
	return NULL;
}

static void put_req_conn(void *p)
{
	struct sh_req *req = p;

	sh_db_put(req->host, req->db);
	req->db = NULL;
}

static void clear_result(void *p)
{
	PQclear(p);
}

PGconn *sh_db_conn(struct sh_req *req)
{
	struct host_db *db = req->host->db;

	if (req->db)
		return req->db;
	if (db == NULL)
		return NULL;
	req->db = sh_db_get(req->host, db->acquire_timeout_ms);
	if (req->db)
		sh_defer(req, put_req_conn, req);
	return req->db;
}

PGresult *sh_db_query(struct sh_req *req, const char *sql, int nparams,
		      const char *const *params)
{
	PGconn *conn = sh_db_conn(req);
	PGresult *res;

	if (conn == NULL)
		return NULL;
	res = sh_db_exec(conn, sql, nparams, params);
	if (res)
		sh_defer(req, clear_result, res);
	return res;
}

int sh_db_fail(struct sh_req *req)
{
	if (req->db == NULL || PQstatus(req->db) != CONNECTION_OK)
		return sh_fail(req, 503, "ServiceUnavailableError", "database is unavailable");
	return sh_fail(req, 500, "Error", "internal error");
}

int host_db_ping(struct sh_host *h, int timeout_ms)
{
	PGconn *conn = sh_db_get(h, timeout_ms);
	PGresult *res;

	if (conn == NULL)
		return SH_EUNAVAIL;
	res = sh_db_exec(conn, "SELECT 1", 0, NULL);
	PQclear(res);
	sh_db_put(h, conn);
	return res ? 0 : SH_EUNAVAIL;
}
