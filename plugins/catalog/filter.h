/*
 * Entity filters: the query-string grammar of spec §4.1 (filter=) and the
 * predicate form of §4.2 (POST `query`) parsed into one AST, its predicate
 * JSON (what goes into by-query cursors), and a reference evaluator over one
 * entity's search rows (§4.3) that defines the semantics the SQL must keep.
 */
#ifndef CATALOG_FILTER_H
#define CATALOG_FILTER_H

#include <stddef.h>

#include <jansson.h>

#include "search.h"

enum catalog_filter_op {
	CATALOG_FILTER_ALL,    /* every kid matches; no kids = true */
	CATALOG_FILTER_ANY,    /* some kid matches; no kids = false */
	CATALOG_FILTER_NOT,    /* kids[0] does not match */
	CATALOG_FILTER_IN,     /* a row of key has a value in values (0 values = false) */
	CATALOG_FILTER_EXISTS, /* some row has key (any value, NULL included) */
	CATALOG_FILTER_PREFIX, /* a row of key has a value starting with values[0] */
};

/* Keys and values are lower-cased at parse time. */
struct catalog_filter {
	enum catalog_filter_op op;
	char *key;
	char **values;
	size_t n_values;
	struct catalog_filter **kids;
	size_t n_kids;
};

/*
 * Parse the (percent-decoded) values of repeated `filter` params: one
 * param = AND-set, params ORed, same key repeated in one param = OR of its
 * values.  *out is NULL when there is no effective filter.  Returns 0 or
 * SH_EINVAL with the 400 message in *err (malloc'd).
 */
int catalog_filter_parse_params(const char *const *params, size_t n, struct catalog_filter **out,
				char **err);

/* Parse a predicate (§4.2).  Returns 0 or SH_EINVAL with the 400 message. */
int catalog_filter_parse_predicate(const json_t *pred, struct catalog_filter **out, char **err);

/* a AND b, taking both; either may be NULL (no filter). */
struct catalog_filter *catalog_filter_and(struct catalog_filter *a, struct catalog_filter *b);

/* The predicate JSON of a filter (new reference), e.g. for a cursor `query`. */
json_t *catalog_filter_to_json(const struct catalog_filter *f);

/* 1 if the entity whose search rows are given matches; NULL filter matches. */
int catalog_filter_match(const struct catalog_filter *f, const struct catalog_search *rows);

void catalog_filter_free(struct catalog_filter *f);

#endif
