/*
 * Pagination cursors (spec §5): the `after` cursor of GET /entities,
 * base64({"limit","offset"}), and the by-query cursor, standard base64 (with
 * padding) of a JSON object the Backstage client peeks into for `query`.
 */
#ifndef CATALOG_CURSOR_H
#define CATALOG_CURSOR_H

#include <stddef.h>

#include <jansson.h>

struct catalog_offset_cursor {
	int has_limit;
	long long limit;
	int has_offset;
	long long offset;
};

struct catalog_cursor_order {
	char *field;
	int desc;
};

struct catalog_query_cursor {
	struct catalog_cursor_order *order; /* orderFields; n_order 0 = unordered */
	size_t n_order;
	json_t *order_values;  /* orderFieldValues: array of string|null (required) */
	int is_previous;
	json_t *query;         /* predicate object, or NULL */
	json_t *full_text;     /* {"term": s, "fields"?: [s]}, or NULL */
	json_t *first_values;  /* firstSortFieldValues, or NULL */
	int has_total_items;
	long long total_items;
};

/* base64 of {"limit":n,"offset":m} (malloc'd). */
char *catalog_cursor_offset_encode(long long limit, long long offset);

/*
 * Decode an `after` value.  Returns 0, or SH_EINVAL with the 400 message in
 * *err (malloc'd): "Invalid after, must not be empty", "Malformed after
 * cursor, could not be parsed", "... limit was not an number" (sic), "...
 * offset was not a number".
 */
int catalog_cursor_offset_decode(const char *s, struct catalog_offset_cursor *out, char **err);

/* base64 of the cursor JSON (malloc'd); members the struct leaves NULL or
 * unset are omitted.  Borrowed json_t members are not consumed. */
char *catalog_cursor_query_encode(const struct catalog_query_cursor *c);

/*
 * Decode and validate a by-query cursor into *out (zeroed first; clear it
 * with catalog_cursor_query_clear even on failure).  Returns 0, or
 * SH_EINVAL with "Malformed cursor: <reason>" in *err (malloc'd).
 */
int catalog_cursor_query_decode(const char *s, struct catalog_query_cursor *out, char **err);

void catalog_cursor_query_clear(struct catalog_query_cursor *c);

/* Standard base64 with padding (malloc'd, NUL-terminated). */
char *catalog_cursor_base64_encode(const unsigned char *data, size_t n);

/* Decode standard or URL-safe base64, padding optional; NULL when invalid.
 * The result is NUL-terminated; *n excludes the NUL. */
unsigned char *catalog_cursor_base64_decode(const char *s, size_t *n);

#endif
