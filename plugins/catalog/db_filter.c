/*
 * The filter AST as parameterised SQL over catalog.search (spec §4.3): each
 * leaf is "id IN (SELECT entity_id FROM catalog.search WHERE key = $k ...)",
 * which the (key, value) index answers; keys and values travel as
 * parameters only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "db_filter.h"
#include "util.h"

void catalog_sql_init(struct catalog_sql *q)
{
	memset(q, 0, sizeof(*q));
	sh_buf_init(&q->text, CATALOG_SQL_MAX_TEXT);
}

const char *catalog_sql_str(const struct catalog_sql *q)
{
	return sh_buf_str(&q->text);
}

void catalog_sql_append(struct catalog_sql *q, const char *sql)
{
	if (q->rc == 0)
		q->rc = sh_buf_addstr(&q->text, sql);
}

int catalog_sql_param(struct catalog_sql *q, const char *value)
{
	char ref[16];

	if (q->n_params >= CATALOG_SQL_MAX_PARAMS)
		q->rc = SH_ETOOBIG;
	if (q->rc != 0)
		return q->rc;
	if (q->n_params == q->cap_params) {
		q->cap_params = q->cap_params ? q->cap_params * 2 : 8;
		q->params = sh_xrealloc(q->params, q->cap_params * sizeof(*q->params));
	}
	q->params[q->n_params] = sh_xstrdup(value);
	snprintf(ref, sizeof(ref), "$%zu", ++q->n_params);
	catalog_sql_append(q, ref);
	return q->rc;
}

static int filter_sql(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col);

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
		return filter_sql(q, f->kids[0], id_col);
	catalog_sql_append(q, "(");
	for (size_t i = 0; rc == 0 && i < f->n_kids; i++) {
		if (i > 0)
			catalog_sql_append(q, sep);
		rc = filter_sql(q, f->kids[i], id_col);
	}
	catalog_sql_append(q, ")");
	return rc;
}

static int filter_sql(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col)
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
		rc = filter_sql(q, f->kids[0], id_col);
		catalog_sql_append(q, ")");
		return rc;
	default:
		return leaf(q, f, id_col);
	}
}

int catalog_sql_filter(struct catalog_sql *q, const struct catalog_filter *f, const char *id_col)
{
	int rc = filter_sql(q, f, id_col);

	return rc != 0 ? rc : q->rc;
}

void catalog_sql_free(struct catalog_sql *q)
{
	for (size_t i = 0; i < q->n_params; i++)
		free(q->params[i]);
	free(q->params);
	sh_buf_free(&q->text);
	catalog_sql_init(q);
}
