/*
 * The filter AST as parameterised SQL over catalog.search (spec §4.3): each
 * leaf is "id IN (SELECT entity_id FROM catalog.search WHERE key = $k ...)",
 * which the (key, value) index answers; keys and values travel as
 * parameters only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "db_filter.h"
#include "util.h"

void catalog_sql_append(struct catalog_sql *q, const char *sql)
{
	size_t n = strlen(sql);

	if (q->len + n + 1 > q->cap) {
		q->cap = (q->len + n + 1) * 2;
		q->text = catalog_xrealloc(q->text, q->cap);
	}
	memcpy(q->text + q->len, sql, n + 1);
	q->len += n;
}

int catalog_sql_param(struct catalog_sql *q, const char *value)
{
	char ref[16];
	size_t n = strlen(value) + 1;

	if (q->n_params >= CATALOG_SQL_MAX_PARAMS)
		return SH_ETOOBIG;
	if (q->n_params == q->cap_params) {
		q->cap_params = q->cap_params ? q->cap_params * 2 : 8;
		q->params = catalog_xrealloc(q->params, q->cap_params * sizeof(*q->params));
	}
	q->params[q->n_params] = memcpy(catalog_xrealloc(NULL, n), value, n);
	snprintf(ref, sizeof(ref), "$%zu", ++q->n_params);
	catalog_sql_append(q, ref);
	return 0;
}

static int leaf(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col)
{
	int rc;

	if (f->op == CATALOG_FILTER_IN && f->n_values == 0) {
		catalog_sql_append(q, "FALSE");
		return 0;
	}
	catalog_sql_append(q, id_col);
	catalog_sql_append(q, " IN (SELECT entity_id FROM catalog.search WHERE key = ");
	rc = catalog_sql_param(q, f->key);
	if (rc == 0 && f->op == CATALOG_FILTER_PREFIX) {
		catalog_sql_append(q, " AND starts_with(value, ");
		rc = catalog_sql_param(q, f->values[0]);
		catalog_sql_append(q, ")");
	} else if (rc == 0 && f->op == CATALOG_FILTER_IN) {
		catalog_sql_append(q, " AND value IN (");
		for (size_t i = 0; rc == 0 && i < f->n_values; i++) {
			if (i > 0)
				catalog_sql_append(q, ", ");
			rc = catalog_sql_param(q, f->values[i]);
		}
		catalog_sql_append(q, ")");
	}
	catalog_sql_append(q, ")");
	return rc;
}

static int group(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col,
		 const char *sep, const char *empty)
{
	int rc = 0;

	if (f->n_kids == 0) {
		catalog_sql_append(q, empty);
		return 0;
	}
	if (f->n_kids == 1)
		return catalog_sql_filter(q, f->kids[0], id_col);
	catalog_sql_append(q, "(");
	for (size_t i = 0; rc == 0 && i < f->n_kids; i++) {
		if (i > 0)
			catalog_sql_append(q, sep);
		rc = catalog_sql_filter(q, f->kids[i], id_col);
	}
	catalog_sql_append(q, ")");
	return rc;
}

int catalog_sql_filter(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col)
{
	int rc;

	if (f == NULL) {
		catalog_sql_append(q, "TRUE");
		return 0;
	}
	switch (f->op) {
	case CATALOG_FILTER_ALL:
		return group(q, f, id_col, " AND ", "TRUE");
	case CATALOG_FILTER_ANY:
		return group(q, f, id_col, " OR ", "FALSE");
	case CATALOG_FILTER_NOT:
		catalog_sql_append(q, "NOT (");
		rc = catalog_sql_filter(q, f->kids[0], id_col);
		catalog_sql_append(q, ")");
		return rc;
	default:
		return leaf(q, f, id_col);
	}
}

void catalog_sql_free(struct catalog_sql *q)
{
	for (size_t i = 0; i < q->n_params; i++)
		free(q->params[i]);
	free(q->params);
	free(q->text);
	memset(q, 0, sizeof(*q));
}
