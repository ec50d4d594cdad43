/*
 * Bulk statement parameters as text[] in PostgreSQL's binary format.  The
 * values travel as they are: a JSON array of texts (json_to_recordset) had
 * every quote of every entity escaped here and parsed back by the server,
 * a third of the cost of the statements that write a batch.
 */
#ifndef CATALOG_PGARRAY_H
#define CATALOG_PGARRAY_H

#include <libpq-fe.h>

#include <stagehand/buf.h>

#include "util.h"

/* Start zeroed; free with catalog_pgarray_free. */
struct catalog_pgarray {
	struct sh_buf data;  /* the header's room, then the elements (CATALOG_BATCH_MAX) */
	int n;
	int has_null;
	int too_big;         /* an element did not fit: the statement is not run */
};

/* Appends s (NULL: an SQL NULL).  An element that would take the array
 * past CATALOG_BATCH_MAX is left out and marks it too_big. */
void catalog_pgarray_add(struct catalog_pgarray *a, const char *s);
void catalog_pgarray_free(struct catalog_pgarray *a);

/* Runs sql with the arrays as its parameters $1..$n, each a text[]; the
 * result, or NULL after logging the failure (an array too_big is one,
 * and is never sent).  The caller PQclear()s. */
PGresult *catalog_db_exec_arrays(PGconn *conn, const char *sql, int n,
				 struct catalog_pgarray *const *arrays);
/* The same for a statement whose result is not wanted: 0 or SH_EDB. */
int catalog_db_exec_arrays_ok(PGconn *conn, const char *sql, int n,
			      struct catalog_pgarray *const *arrays);

#endif
