/*
 * Relation emission (spec §8, BuiltinKindsEntityProcessor): every spec
 * reference of a processed entity yields a forward and a reverse row, and an
 * entity's final `relations` array is built from the rows whose source it is.
 */
#ifndef CATALOG_RELATIONS_H
#define CATALOG_RELATIONS_H

#include <stddef.h>

#include <jansson.h>

/* One row; refs canonical lower-case, type camelCase.  All malloc'd. */
struct catalog_relation {
	char *source_ref;
	char *type;
	char *target_ref;
};

struct catalog_relations {
	struct catalog_relation *rows;
	size_t n;
	size_t cap;
};

/*
 * Append the rows of one processed entity (namespace defaulted or not) to
 * *out, which must be zeroed or hold earlier rows.  Returns 0, or SH_EINVAL
 * with a malloc'd message in *err (then nothing is appended), e.g.
 * "Entity reference \"foo\" had missing or empty kind (e.g. did not start with
 * \"component:\" or similar)" for a dependsOn target without a kind.
 */
int catalog_relations_emit(const json_t *entity, struct catalog_relations *out, char **err);

/*
 * The final `relations` array of the entity source_ref: [{type, targetRef}]
 * of the rows with that source, de-duplicated and sorted by type then
 * targetRef (byte order).  Always an array (new reference).
 */
json_t *catalog_relations_build(const struct catalog_relation *rows, size_t n,
				const char *source_ref);

void catalog_relations_free(struct catalog_relations *rels);

/* For other emitters (kinds_openchoreo.c): append one row (copies of the
 * three strings); drop the rows from index n on, undoing a failed
 * emission; and JavaScript's falsiness of a spec value (absent, null,
 * false, "", 0), by which processors skip a field. */
void catalog_relations_push(struct catalog_relations *out, const char *src, const char *type,
			    const char *dst);
void catalog_relations_truncate(struct catalog_relations *out, size_t n);
int catalog_relations_falsy(const json_t *v);

#endif
