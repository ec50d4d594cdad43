/*
 * text[] parameters in PostgreSQL's binary array format (array_recv): a
 * header of five 32-bit big-endian words (dimensions 1, has-null flag,
 * element type, length, lower bound 1), then each element as a 32-bit
 * length (-1 for NULL) and its bytes.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/stagehand.h>

#include "pgarray.h"

#define HEADER 20
#define TEXTOID 25u
#define TEXTARRAYOID 1009u
#define MAX_PARAMS 8

static const char zeros[HEADER];

/* The header's room, filled in by finish(); a zeroed array gets its cap. */
static void start(struct catalog_pgarray *a)
{
	if (a->data.max == 0)
		sh_buf_init(&a->data, CATALOG_BATCH_MAX);
	if (a->data.len == 0 && sh_buf_add(&a->data, zeros, HEADER) != 0)
		abort(); /* 20 bytes under a 1 GiB cap */
}

void catalog_pgarray_add(struct catalog_pgarray *a, const char *s)
{
	size_t n = s ? strlen(s) : 0, was;
	uint32_t be = htonl(s ? (uint32_t)n : UINT32_MAX);

	start(a);
	was = a->data.len;
	if (sh_buf_add(&a->data, &be, sizeof(be)) != 0 || sh_buf_add(&a->data, s, n) != 0) {
		sh_buf_truncate(&a->data, was);
		a->too_big = 1;
		return;
	}
	a->has_null |= s == NULL;
	a->n++;
}

void catalog_pgarray_free(struct catalog_pgarray *a)
{
	sh_buf_free(&a->data);
	memset(a, 0, sizeof(*a));
}

/* Writes the header over its room (an empty array: zero dimensions). */
static void finish(struct catalog_pgarray *a)
{
	uint32_t h[HEADER / 4] = { htonl(a->n > 0), htonl((uint32_t)a->has_null), htonl(TEXTOID),
				   htonl((uint32_t)a->n), htonl(1) };

	start(a);
	memcpy(a->data.data, h, HEADER);
}

PGresult *catalog_db_exec_arrays(PGconn *conn, const char *sql, int n,
				 struct catalog_pgarray *const *arrays)
{
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	Oid types[MAX_PARAMS];
	PGresult *res;

	if (n < 0 || n > MAX_PARAMS)
		abort();
	for (int i = 0; i < n; i++) {
		if (arrays[i]->too_big) {
			sh_log(SH_LOG_WARN, "query not run: its parameter $%d would be over %zu bytes",
			       i + 1, CATALOG_BATCH_MAX);
			return NULL;
		}
		finish(arrays[i]);
		values[i] = arrays[i]->data.data;
		/* An empty array is its 12 first bytes. */
		lengths[i] = arrays[i]->n > 0 ? (int)arrays[i]->data.len : 12;
		formats[i] = 1;
		types[i] = TEXTARRAYOID;
	}
	res = PQexecParams(conn, sql, n, types, values, lengths, formats, 0);
	if (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	sh_log(SH_LOG_WARN, "query failed: %s", res ? PQresultErrorMessage(res) :
	       PQerrorMessage(conn));
	PQclear(res);
	return NULL;
}

int catalog_db_exec_arrays_ok(PGconn *conn, const char *sql, int n,
			      struct catalog_pgarray *const *arrays)
{
	PGresult *res = catalog_db_exec_arrays(conn, sql, n, arrays);

	PQclear(res);
	return res ? 0 : SH_EDB;
}
