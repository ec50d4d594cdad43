/*
 * The SQL of the read routes beyond single lookups: GET /entities pages
 * (order=), the by-query keyset pages (spec §3.2, §5.2), by-refs and
 * facets.  Pure statement builders over db_filter.h: every key, value,
 * ref, limit and cursor value is a $n parameter.
 */
#ifndef CATALOG_DB_QUERY_H
#define CATALOG_DB_QUERY_H

#include <jansson.h>

#include "db_filter.h"
#include "filter.h"

/* One `order=asc:<field>` directive of GET /entities. */
struct catalog_order {
	const char *field;
	int desc;
};

/*
 * GET /entities with `order`: final_entity of the matching rows, left
 * joined to each order field's search rows, ordered by their values (nulls
 * last) then by uid; without orders, by entity_ref.  limit < 0: no limit
 * (else limit + 1 rows are asked for, to see whether a next page exists).
 */
int catalog_sql_entities(struct catalog_sql *q, const struct catalog_filter *f,
			 const struct catalog_order *orders, size_t n_orders,
			 long long limit, long long offset);

/* A by-query page, the way Backstage's queryEntities builds it. */
struct catalog_query_plan {
	const char *sort_field;         /* NULL: unordered (by uid) */
	int desc;
	const struct catalog_filter *filter;
	const char *term;               /* trimmed, lower-cased full-text term; NULL or "" none */
	const json_t *term_fields;      /* array of strings, or NULL (default fields) */
	const json_t *after;            /* orderFieldValues of the cursor, or NULL */
	int is_previous;
	long long offset;
	long long limit;                /* rows to fetch; < 0: no limit */
	int count;                      /* compute the count column (else NULL) */
};

/*
 * Columns: count (of the entities in the whole filtered set, NULL unless
 * p->count), entity_id, value (sort value, NULL when unordered),
 * final_entity.  With p->count there is always a row: an empty page is one
 * row whose entity_id is NULL.  The sort key is lower-cased; entities
 * without a value for it are left out; ties are broken by uid; previous
 * pages are fetched in reverse order.
 */
int catalog_sql_query_page(struct catalog_sql *q, const struct catalog_query_plan *p);

/* by-refs: entity_ref, final_entity of the refs (verbatim) that match f. */
int catalog_sql_by_refs(struct catalog_sql *q, const char *const *refs, size_t n,
			const struct catalog_filter *f);

/* Facets: key, original_value, count of the lower-cased keys over the
 * entities matching f, ordered by key and value. */
int catalog_sql_facets(struct catalog_sql *q, const char *const *keys, size_t n,
		       const struct catalog_filter *f);

#endif
