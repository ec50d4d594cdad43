/*
 * text[] parameters in PostgreSQL's binary array format (array_recv): a
 * header of five 32-bit big-endian words (dimensions 1, has-null flag,
 * element type, length, lower bound 1), then each element as a 32-bit
 * length (-1 for NULL) and its bytes.
 */
#include <arpa/inet.h>
#include <limits.h>
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

static void put32(struct catalog_text *t, uint32_t v)
{
	uint32_t be = htonl(v);

	catalog_text_add(t, &be, sizeof(be));
}

/* The header's room, filled in by finish(). */
static void start(struct catalog_pgarray *a)
{
	if (a->data.len == 0)
		catalog_text_add(&a->data, zeros, HEADER);
}

void catalog_pgarray_add(struct catalog_pgarray *a, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	start(a);
	if (n > INT32_MAX - 4 || a->data.len + n + 4 > (size_t)INT_MAX)
		abort();
	put32(&a->data, s ? (uint32_t)n : UINT32_MAX);
	catalog_text_add(&a->data, s, n);
	a->has_null |= s == NULL;
	a->n++;
}

void catalog_pgarray_free(struct catalog_pgarray *a)
{
	free(a->data.buf);
	memset(a, 0, sizeof(*a));
}

/* Writes the header over its room (an empty array: zero dimensions). */
static void finish(struct catalog_pgarray *a)
{
	uint32_t h[HEADER / 4] = { htonl(a->n > 0), htonl((uint32_t)a->has_null), htonl(TEXTOID),
				   htonl((uint32_t)a->n), htonl(1) };

	start(a);
	memcpy(a->data.buf, h, HEADER);
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
		finish(arrays[i]);
		values[i] = arrays[i]->data.buf;
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
