/*
 * Filters as SQL: the filter AST (filter.h) translated into a WHERE clause
 * over catalog.search with every key and value passed as a $n parameter,
 * never spliced into the text.  Pure code, unit-tested without a database.
 */
#ifndef CATALOG_DB_FILTER_H
#define CATALOG_DB_FILTER_H

#include <stddef.h>

#include <stagehand/buf.h>

#include "filter.h"

/* PostgreSQL's limit on parameters of one statement. */
#define CATALOG_SQL_MAX_PARAMS 65535
/*
 * The cap on a statement's text.  Keys and values are parameters, so the
 * text grows only by literal SQL per filter node, order field or ref: with
 * at most CATALOG_SQL_MAX_PARAMS parameters that is under 8 MiB, and the
 * request body cap bounds the nodes without a parameter.
 */
#define CATALOG_SQL_MAX_TEXT (16u << 20)

/* A statement being built: its text and its text parameters. */
struct catalog_sql {
	struct sh_buf text;     /* at most CATALOG_SQL_MAX_TEXT bytes */
	int rc;                 /* the first failure (SH_ETOOBIG), kept */
	char **params;
	size_t n_params, cap_params;
};

/* An empty statement (or one catalog_sql_free emptied). */
void catalog_sql_init(struct catalog_sql *q);
/* The statement's text, NUL-terminated; borrowed until the next change. */
const char *catalog_sql_str(const struct catalog_sql *q);
/* Appends literal SQL text (never outside input).  Past the text cap it
 * appends nothing and q->rc says SH_ETOOBIG from then on. */
void catalog_sql_append(struct catalog_sql *q, const char *sql);
/* Adds a parameter (copied) and appends its "$n".  Returns 0, or
 * SH_ETOOBIG past CATALOG_SQL_MAX_PARAMS or the text cap (kept in q->rc). */
int catalog_sql_param(struct catalog_sql *q, const char *value);
/*
 * Appends a boolean SQL expression true for the rows whose entity id column
 * `id_col` (literal SQL, e.g. "f.entity_id") matches the filter with the
 * semantics of catalog_filter_match; a NULL filter is "TRUE".  Returns 0 or
 * SH_ETOOBIG.
 */
int catalog_sql_filter(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col);
/* Releases the text and parameters; q is then empty, as after init. */
void catalog_sql_free(struct catalog_sql *q);

#endif
