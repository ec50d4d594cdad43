/*
 * The catalog's provider interface (docs/catalog.md): the full and the
 * delta mutation of provider OpenChoreoEntityProvider, each one call of
 * catalog.provider_full_v1 / provider_delta_v1 and so one transaction.
 * Entities go as compact JSON text in key order, in a text[] literal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "openchoreo.h"

/* A full sync of a large world is tens of MB; PostgreSQL's field limit is 1 GB. */
#define OC_ARRAY_MAX ((size_t)512 << 20)

/* Appends s as one quoted element of a text[] literal: '"' and '\\'
 * escaped, the runs between them copied whole. */
static int add_element(struct sh_buf *b, const char *s)
{
	int rc = sh_buf_addstr(b, b->len > 1 ? ",\"" : "\"");

	while (rc == 0 && *s) {
		size_t n = strcspn(s, "\"\\");

		rc = n ? sh_buf_add(b, s, n) : 0;
		s += n;
		if (rc == 0 && *s) {
			char esc[2] = { '\\', *s++ };

			rc = sh_buf_add(b, esc, sizeof esc);
		}
	}
	return rc == 0 ? sh_buf_addc(b, '"') : rc;
}

/* The text[] literal of an array of entities (dumped) or strings; NULL over the cap. */
static char *text_array(const json_t *values)
{
	struct sh_buf b;
	const json_t *v;
	size_t i;
	int rc;

	sh_buf_init(&b, OC_ARRAY_MAX);
	rc = sh_buf_addc(&b, '{');
	json_array_foreach(values, i, v) {
		char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT);

		if (rc == 0)
			rc = add_element(&b, text ? text : json_string_value(v) ? json_string_value(v) : "");
		free(text);
	}
	if (rc == 0)
		rc = sh_buf_addc(&b, '}');
	if (rc != 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_take(&b, NULL);
}

static void take_counts(const PGresult *res, struct oc_mutation_result *r)
{
	long *fields[] = { &r->added, &r->updated, &r->removed, &r->unchanged, &r->conflicts };

	for (int i = 0; i < 5; i++)
		*fields[i] = strtol(PQgetvalue(res, 0, i), NULL, 10);
}

/* One call of a provider function with its text[] arguments. */
static int call(PGconn *conn, const char *sql, const json_t *a, const json_t *b,
		struct oc_mutation_result *r)
{
	char *arr_a = text_array(a), *arr_b = b ? text_array(b) : NULL;
	const char *params[] = { OC_PROVIDER, OC_LOCATION_KEY, arr_a, arr_b };
	PGresult *res = NULL;
	int rc = SH_EDB;

	memset(r, 0, sizeof *r);
	if (!arr_a || (b && !arr_b))
		sh_log(SH_LOG_ERROR, "openchoreo: a mutation over %zu MB, not sent", OC_ARRAY_MAX >> 20);
	else
		res = sh_db_exec(conn, sql, b ? 4 : 3, params);
	if (res && PQntuples(res) == 1 && PQnfields(res) == 5) {
		take_counts(res, r);
		rc = 0;
	}
	PQclear(res);
	free(arr_a);
	free(arr_b);
	return rc;
}

int oc_db_full(PGconn *conn, const json_t *entities, struct oc_mutation_result *r)
{
	return call(conn,
		    "SELECT added, updated, removed, unchanged, conflicts "
		    "FROM catalog.provider_full_v1($1, $2, $3::text[])",
		    entities, NULL, r);
}

int oc_db_delta(PGconn *conn, const json_t *added, const json_t *removed,
		struct oc_mutation_result *r)
{
	json_t *none = json_array();
	int rc = call(conn,
		      "SELECT added, updated, removed, unchanged, conflicts "
		      "FROM catalog.provider_delta_v1($1, $2, $3::text[], $4::text[])",
		      added ? added : none, removed ? removed : none, r);

	json_decref(none);
	return rc;
}
