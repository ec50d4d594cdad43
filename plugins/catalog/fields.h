/*
 * `fields=` projection (spec §4.4): the field list with its 400 message,
 * dotted paths resolved with Backstage's glue-and-retry rule (so annotation
 * keys containing dots work), values copied into a nested output object.
 */
#ifndef CATALOG_FIELDS_H
#define CATALOG_FIELDS_H

#include <stddef.h>

#include <jansson.h>

struct catalog_fields {
	char **paths; /* trimmed, non-empty, unique, in first-seen order */
	size_t n;
};

/*
 * Parse fields.  With split_commas each item is a comma list (query string);
 * without, each item is one field (JSON body arrays).  *out is NULL when no
 * field remains.  Returns 0, or SH_EINVAL with the malloc'd 400 message
 * "Invalid field \"<f>\", array type fields are not supported".
 */
int catalog_fields_parse(const char *const *items, size_t n, int split_commas,
			 struct catalog_fields **out, char **err);

/* The projection of entity (new reference; {} when nothing resolves).  A
 * NULL fields, or an entity that is not an object (by-refs nulls), returns a
 * new reference to entity itself. */
json_t *catalog_fields_apply(const struct catalog_fields *fields, json_t *entity);

void catalog_fields_free(struct catalog_fields *fields);

#endif
