/*
 * Filters as SQL: the filter AST (filter.h) translated into a WHERE clause
 * over catalog.search with every key and value passed as a $n parameter,
 * never spliced into the text.  Pure code, unit-tested without a database.
 */
#ifndef CATALOG_DB_FILTER_H
#define CATALOG_DB_FILTER_H

#include <stddef.h>

#include "filter.h"

/* PostgreSQL's limit on parameters of one statement. */
#define CATALOG_SQL_MAX_PARAMS 65535

/* A statement being built: its text and its text parameters. */
struct catalog_sql {
	char *text;
	size_t len, cap;
	char **params;
	size_t n_params, cap_params;
};

/* Appends literal SQL text (never outside input). */
void catalog_sql_append(struct catalog_sql *q, const char *sql);
/* Adds a parameter (copied) and appends its "$n".  Returns 0, or
 * SH_ETOOBIG past CATALOG_SQL_MAX_PARAMS. */
int catalog_sql_param(struct catalog_sql *q, const char *value);
/*
 * Appends a boolean SQL expression true for the rows whose entity id column
 * `id_col` (literal SQL, e.g. "f.entity_id") matches the filter with the
 * semantics of catalog_filter_match; a NULL filter is "TRUE".  Returns 0 or
 * SH_ETOOBIG.
 */
int catalog_sql_filter(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col);
void catalog_sql_free(struct catalog_sql *q);

#endif
