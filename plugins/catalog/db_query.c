/*
 * Statements of the list, by-query, by-refs and facet routes, built like
 * Backstage's DefaultEntitiesCatalog builds them with knex (the same
 * joins, orderings and keyset conditions), with parameters only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "db_query.h"
#include "search.h"
#include "util.h"

static int param_ll(struct catalog_sql *q, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	return catalog_sql_param(q, num);
}

/* " LIMIT $n OFFSET $m"; limit < 0 means none. */
static int limit_offset(struct catalog_sql *q, long long limit, long long offset)
{
	int rc = 0;

	if (limit >= 0) {
		catalog_sql_append(q, " LIMIT ");
		rc = param_ll(q, limit);
	}
	if (rc == 0 && offset > 0) {
		catalog_sql_append(q, " OFFSET ");
		rc = param_ll(q, offset);
	}
	return rc;
}

/* " ORDER BY <v>0<suffix> ASC NULLS LAST, ..., <t>entity_id", or
 * <t>entity_ref without orders. */
static void entities_order(struct catalog_sql *q, const struct catalog_order *orders,
			   size_t n_orders, const char *v, const char *suffix, const char *t)
{
	char col[160];

	catalog_sql_append(q, " ORDER BY ");
	for (size_t i = 0; i < n_orders; i++) {
		snprintf(col, sizeof(col), "%s%zu%s %s NULLS LAST, ", v, i, suffix,
			 orders[i].desc ? "DESC" : "ASC");
		catalog_sql_append(q, col);
	}
	catalog_sql_append(q, t);
	catalog_sql_append(q, n_orders ? "entity_id" : "entity_ref");
}

int catalog_sql_entities(struct catalog_sql *q, const struct catalog_filter *f,
			 const struct catalog_order *orders, size_t n_orders,
			 long long limit, long long offset)
{
	/* A page sorts its uids first, without their wide final_entity (a
	 * sort over every match would carry it), then fetches the page's
	 * JSON; without a limit every match's JSON is sent anyway. */
	int paged = limit >= 0;
	char alias[160];
	int rc = 0;

	catalog_sql_append(q, paged ? "SELECT e.final_entity FROM (SELECT f.entity_id, f.entity_ref"
			   : "SELECT f.final_entity");
	for (size_t i = 0; paged && i < n_orders; i++) {
		snprintf(alias, sizeof(alias), ", o%zu.value AS v%zu", i, i);
		catalog_sql_append(q, alias);
	}
	catalog_sql_append(q, " FROM catalog.final_entities f");
	for (size_t i = 0; rc == 0 && i < n_orders; i++) {
		snprintf(alias, sizeof(alias), " LEFT JOIN catalog.search o%zu ON o%zu.entity_id ="
			 " f.entity_id AND o%zu.key = ", i, i, i);
		catalog_sql_append(q, alias);
		rc = catalog_sql_param(q, orders[i].field);
	}
	catalog_sql_append(q, " WHERE ");
	if (rc == 0)
		rc = catalog_sql_filter(q, f, "f.entity_id");
	entities_order(q, orders, n_orders, "o", ".value", "f.");
	if (rc == 0)
		rc = limit_offset(q, paged ? limit + 1 : -1, offset);
	if (paged) {
		catalog_sql_append(q, ") k JOIN catalog.final_entities e ON e.entity_id = k.entity_id");
		entities_order(q, orders, n_orders, "k.v", "", "k.");
	}
	return rc != 0 ? rc : q->rc;
}

/* The full-text condition (spec §3.2): on the joined sort row `s` when it
 * is in scope and the only field searched is the sort key (compared
 * verbatim, as Backstage does), else over the named keys, lower-cased. */
static int full_text(struct catalog_sql *q, const struct catalog_query_plan *p,
		     const char *sort_key, int in_scope)
{
	const char *only = sort_key ? sort_key : "metadata.uid";
	char *like = sh_xasprintf("%%%s%%", p->term);
	size_t n = p->term_fields ? json_array_size(p->term_fields) : 1;
	int rc = 0;

	if (n == 0) {
		catalog_sql_append(q, " AND FALSE"); /* knex's whereIn with [] */
		free(like);
		return 0;
	}
	if (p->term_fields && n == 1)
		only = json_string_value(json_array_get(p->term_fields, 0));
	if (in_scope && n == 1 && sort_key && strcmp(only, sort_key) == 0) {
		catalog_sql_append(q, " AND s.value LIKE ");
		rc = catalog_sql_param(q, like);
	} else {
		catalog_sql_append(q, " AND f.entity_id IN (SELECT entity_id FROM catalog.search"
				   " WHERE key IN (");
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char *key = sh_xstrdup(p->term_fields ?
				json_string_value(json_array_get(p->term_fields, i)) : only);

			catalog_search_lower(key);
			catalog_sql_append(q, i ? ", " : "");
			rc = catalog_sql_param(q, key);
			free(key);
		}
		catalog_sql_append(q, ") AND value LIKE ");
		if (rc == 0)
			rc = catalog_sql_param(q, like);
		catalog_sql_append(q, ")");
	}
	free(like);
	return rc;
}

/* The filter and the full-text term, after a WHERE. */
static int conditions(struct catalog_sql *q, const struct catalog_query_plan *p,
		      const char *sort_key, int in_scope)
{
	int rc = catalog_sql_filter(q, p->filter, "f.entity_id");

	if (rc == 0 && p->term && *p->term)
		rc = full_text(q, p, sort_key, in_scope);
	return rc;
}

/* Rows after (or, going back, before) the cursor's last row, after an
 * AND; a null in the cursor compares as SQL NULL does in Backstage's
 * query: no row.  Uids compare as uuids (their text order), so the
 * primary key walks unordered pages. */
static int keyset(struct catalog_sql *q, const struct catalog_query_plan *p, int sorted)
{
	const char *op = p->is_previous != p->desc ? " < " : " > ";
	size_t n = json_array_size(p->after);
	const char *v = json_string_value(json_array_get(p->after, 0));
	const char *id = json_string_value(json_array_get(p->after, n - 1));
	int rc = 0;

	if (n != 1 && n != 2)
		return 0;
	if (n == 1)
		op = p->is_previous ? " < " : " > ";
	if (id == NULL || (n == 2 && (v == NULL || !sorted))) {
		catalog_sql_append(q, " AND FALSE");
		return 0;
	}
	catalog_sql_append(q, " AND ");
	if (n == 2) {
		catalog_sql_append(q, "(s.value");
		catalog_sql_append(q, op);
		rc = catalog_sql_param(q, v);
		catalog_sql_append(q, " OR s.value = ");
		if (rc == 0)
			rc = catalog_sql_param(q, v);
		catalog_sql_append(q, " AND ");
	}
	catalog_sql_append(q, "f.entity_id");
	catalog_sql_append(q, op);
	if (rc == 0)
		rc = catalog_sql_param(q, id);
	catalog_sql_append(q, n == 2 ? "::uuid)" : "::uuid");
	return rc;
}

/* " ORDER BY [<v>value <dir>, ]<t>entity_id <dir>" */
static void order_by(struct catalog_sql *q, const struct catalog_query_plan *p, int sorted,
		     const char *v, const char *t)
{
	/* unordered pages go by uid, inverted only when going back */
	const char *dir = (sorted && p->desc) != p->is_previous ? " DESC" : " ASC";

	catalog_sql_append(q, " ORDER BY ");
	if (sorted) {
		catalog_sql_append(q, v);
		catalog_sql_append(q, "value");
		catalog_sql_append(q, dir);
		catalog_sql_append(q, ", ");
	}
	catalog_sql_append(q, t);
	catalog_sql_append(q, "entity_id");
	catalog_sql_append(q, dir);
}

/* The page: the sort key's search rows joined (entities without a value
 * for it left out), the conditions, the keyset, the order; the uids first
 * (index-only), the wide final_entity fetched for the page's rows only. */
static int page(struct catalog_sql *q, const struct catalog_query_plan *p, const char *sort_key)
{
	int rc = 0;

	catalog_sql_append(q, "(SELECT k.entity_id, k.value, e.final_entity FROM (SELECT"
			   " f.entity_id, ");
	if (sort_key) {
		catalog_sql_append(q, "s.value FROM catalog.final_entities f JOIN catalog.search s"
				   " ON s.entity_id = f.entity_id AND s.key = ");
		rc = catalog_sql_param(q, sort_key);
		catalog_sql_append(q, " AND s.value IS NOT NULL WHERE ");
	} else {
		catalog_sql_append(q, "NULL::text AS value FROM catalog.final_entities f WHERE ");
	}
	if (rc == 0)
		rc = conditions(q, p, sort_key, 1);
	if (rc == 0 && p->after)
		rc = keyset(q, p, sort_key != NULL);
	order_by(q, p, sort_key != NULL, "s.", "f.");
	if (rc == 0)
		rc = limit_offset(q, p->limit, p->offset);
	catalog_sql_append(q, ") k JOIN catalog.final_entities e ON e.entity_id = k.entity_id) p");
	return rc;
}

/* The count of the entities the conditions (and the sort key) admit, as
 * Backstage's count query: over entities, not over the page's rows. */
static int count(struct catalog_sql *q, const struct catalog_query_plan *p, const char *sort_key)
{
	int rc = 0;

	catalog_sql_append(q, "(SELECT count(*) AS n FROM catalog.final_entities f WHERE ");
	if (sort_key) {
		catalog_sql_append(q, "EXISTS (SELECT 1 FROM catalog.search s WHERE s.entity_id ="
				   " f.entity_id AND s.key = ");
		rc = catalog_sql_param(q, sort_key);
		catalog_sql_append(q, " AND s.value IS NOT NULL) AND ");
	}
	if (rc == 0)
		rc = conditions(q, p, sort_key, 0);
	catalog_sql_append(q, ") c");
	return rc;
}

int catalog_sql_query_page(struct catalog_sql *q, const struct catalog_query_plan *p)
{
	char *sort_key = p->sort_field ? sh_xstrdup(p->sort_field) : NULL;
	int rc = 0;

	if (sort_key)
		catalog_search_lower(sort_key);
	if (p->count) {
		/* a separate count, so it holds past the last page too; one row
		 * when the page is empty */
		catalog_sql_append(q, "SELECT c.n, p.* FROM ");
		rc = count(q, p, sort_key);
		catalog_sql_append(q, " LEFT JOIN ");
		if (rc == 0)
			rc = page(q, p, sort_key);
		catalog_sql_append(q, " ON TRUE");
	} else {
		catalog_sql_append(q, "SELECT NULL::bigint AS n, p.* FROM ");
		rc = page(q, p, sort_key);
	}
	order_by(q, p, sort_key != NULL, "p.", "p.");
	free(sort_key);
	return rc != 0 ? rc : q->rc;
}

static int param_list(struct catalog_sql *q, const char *const *v, size_t n, int lower)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *s = sh_xstrdup(v[i]);

		if (lower)
			catalog_search_lower(s);
		catalog_sql_append(q, i ? ", " : "");
		rc = catalog_sql_param(q, s);
		free(s);
	}
	return rc;
}

/* A text[] literal of v (malloc'd): every element double-quoted, `"` and
 * `\` escaped, so no input can end an element or the array. */
static char *text_array(const char *const *v, size_t n)
{
	size_t cap = 3;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		cap += 2 * strlen(v[i]) + 3;
	o = out = sh_xmalloc(cap);
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *c = v[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

int catalog_sql_by_refs(struct catalog_sql *q, const char *const *refs, size_t n,
			const struct catalog_filter *f)
{
	/* one array parameter: one plan whatever the number of refs */
	char *arr = text_array(refs, n);
	int rc;

	catalog_sql_append(q, "SELECT f.entity_ref, f.final_entity FROM catalog.final_entities f"
			   " WHERE f.entity_ref = ANY(");
	rc = catalog_sql_param(q, arr);
	free(arr);
	catalog_sql_append(q, "::text[]) AND ");
	if (rc == 0)
		rc = catalog_sql_filter(q, f, "f.entity_id");
	return rc != 0 ? rc : q->rc;
}

int catalog_sql_facets(struct catalog_sql *q, const char *const *keys, size_t n,
		       const struct catalog_filter *f)
{
	int rc;

	/* original_value is NULL where it equals value (stitch.c). */
	catalog_sql_append(q, "SELECT s.key, coalesce(s.original_value, s.value) AS v, count(*)"
			   " FROM catalog.search s WHERE s.key IN (");
	rc = param_list(q, keys, n, 1);
	catalog_sql_append(q, ") AND s.value IS NOT NULL AND ");
	if (rc == 0)
		rc = catalog_sql_filter(q, f, "s.entity_id");
	catalog_sql_append(q, " GROUP BY s.key, v ORDER BY s.key, v");
	return rc != 0 ? rc : q->rc;
}
