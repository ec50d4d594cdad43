/*
 * Entity references (spec §7.3): the string form [<kind>:][<namespace>/]<name>
 * with context defaults, the compound {kind, namespace, name} form, the
 * canonical lower-case kind:namespace/name, and <type>:<target> location refs.
 * Pure functions on malloc'd strings; error messages are Backstage's own.
 */
#ifndef CATALOG_REF_H
#define CATALOG_REF_H

#include <jansson.h>

/* Parts as written (original case); all three malloc'd. */
struct catalog_ref {
	char *kind;
	char *namespace;
	char *name;
};

struct catalog_location_ref {
	char *type;
	char *target;
};

/*
 * Parse a string ref.  default_kind may be NULL (then a kind must be
 * written); default_ns NULL means "default".  Returns 0, or SH_EINVAL with a
 * malloc'd message in *err ("Entity reference \"x\" was not on the form ...").
 */
int catalog_ref_parse(const char *ref, const char *default_kind, const char *default_ns,
		      struct catalog_ref *out, char **err);

/* The same for a JSON value: a string, or the compound object form. */
int catalog_ref_parse_json(const json_t *ref, const char *default_kind, const char *default_ns,
			   struct catalog_ref *out, char **err);

/* Canonical lower-case "kind:namespace/name" (malloc'd). */
char *catalog_ref_format(const char *kind, const char *ns, const char *name);

/* Canonical ref of an entity (namespace defaults to "default"); NULL when
 * kind or metadata.name is not a string. */
char *catalog_ref_of_entity(const json_t *entity);

void catalog_ref_clear(struct catalog_ref *ref);

/* "<type>:<target>", split at the first ':', both trimmed and non-empty. */
int catalog_location_ref_parse(const char *ref, struct catalog_location_ref *out, char **err);

void catalog_location_ref_clear(struct catalog_location_ref *ref);

#endif
