/*
 * The flattened search index of a final entity (spec §4.3): the key/value
 * rows that filters, facets, ordering and full-text search run against.
 * Built exactly like Backstage's buildEntitySearch.
 */
#ifndef CATALOG_SEARCH_H
#define CATALOG_SEARCH_H

#include <stddef.h>

#include <jansson.h>

/* key and value lower-cased; value and original_value NULL for null or
 * over-long values.  All malloc'd. */
struct catalog_search_row {
	char *key;
	char *value;
	char *original_value;
};

struct catalog_search {
	struct catalog_search_row *rows;
	size_t n;
	size_t cap;
};

/*
 * Build the rows of one final entity into *out (zeroed by the call).
 * Returns 0, or SH_EINVAL with a malloc'd message in *err when two keys differ
 * only in case ("Entity has duplicate keys that vary only in casing, 'x'").
 */
int catalog_search_build(const json_t *entity, struct catalog_search *out, char **err);

void catalog_search_free(struct catalog_search *s);

/* JavaScript String(v) of a string, number or boolean (malloc'd); NULL for
 * anything else. */
char *catalog_search_value_string(const json_t *v);

/* ASCII lower-casing in place (Backstage uses toLocaleLowerCase('en-US');
 * non-ASCII bytes are left alone). */
void catalog_search_lower(char *s);

/* Length in UTF-16 code units, which is what JavaScript's 200-char caps count. */
size_t catalog_search_js_length(const char *s);

#endif
