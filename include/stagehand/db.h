/*
 * The shared PostgreSQL pool.  A request leases at most one connection, on
 * first use, released when the request ends; tasks lease and return their
 * own.  Connections are made lazily, reset after a server restart, and carry
 * the configured statement timeout.  Only parameterised SQL: there is no call
 * that splices values into text.
 */
#ifndef STAGEHAND_DB_H
#define STAGEHAND_DB_H

#ifdef __cplusplus
extern "C" {
#endif

struct sh_host;
struct sh_req;
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

/*
 * Runs `sql` with text parameters ($1..$n; a NULL entry is SQL NULL) on the
 * request's connection.  Returns a result (cleared when the request ends)
 * whose status is PGRES_TUPLES_OK or PGRES_COMMAND_OK, or NULL on any error,
 * already logged with its SQLSTATE; the handler then answers
 * sh_db_fail(req).
 */
PGresult *sh_db_query(struct sh_req *req, const char *sql, int nparams,
		      const char *const *params);
/* The request's leased connection (for transactions); NULL if the pool
 * cannot give one within the acquire timeout. */
PGconn *sh_db_conn(struct sh_req *req);
/* Replies 503 ServiceUnavailableError when the database is unreachable,
 * else 500, without database text in the body; returns the status. */
int sh_db_fail(struct sh_req *req);

/* For tasks and init: lease a connection (NULL after timeout_ms or when the
 * server is unreachable) and give it back.  A connection must be returned
 * outside any transaction. */
PGconn *sh_db_get(struct sh_host *host, int timeout_ms);
void sh_db_put(struct sh_host *host, PGconn *conn);
/* Like sh_db_query on a leased connection; the caller PQclear()s the result. */
PGresult *sh_db_exec(PGconn *conn, const char *sql, int nparams,
		     const char *const *params);

#ifdef __cplusplus
}
#endif
#endif
