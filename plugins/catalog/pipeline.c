/*
 * The processing pipeline of one entity (spec §9.3), without the database:
 * validate, check the ref did not move, sort ref arrays, read a Location's
 * targets, emit relations (OpenChoreo's kinds and relations too while
 * [features] openchoreo is on).  The refresh task runs it on claimed rows; dry
 * runs (POST /locations?dryRun, /validate-entity) run it in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "kinds_openchoreo.h"
#include "ref.h"
#include "validate.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

/* Backstage's BuiltinKindsEntityProcessor sorts these ref arrays (§7.4). */
static void sort_ref_arrays(json_t *entity)
{
	static const char *const fields[] = { "providesApis", "consumesApis", "dependsOn",
					      "dependencyOf", "memberOf", "children", "members" };
	json_t *spec = json_object_get(entity, "spec");

	for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
		json_t *a = json_object_get(spec, fields[f]), *sorted, **v;
		size_t n = json_array_size(a), i;

		for (i = 0; i < n && json_is_string(json_array_get(a, i)); i++)
			;
		if (n < 2 || i < n)
			continue;
		v = sh_xmalloc(n * sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = json_array_get(a, i);
		qsort(v, n, sizeof(*v), cmp_str);
		sorted = json_array();
		for (i = 0; i < n; i++)
			json_array_append(sorted, v[i]);
		free(v);
		json_object_set_new(spec, fields[f], sorted);
	}
}

void catalog_process_entity(const struct catalog_state *st, json_t *entity, const char *ref,
			    struct catalog_outcome *o)
{
	struct catalog_validate_errors verr = { 0 };
	char *now_ref, *err = NULL;

	if (st->openchoreo)
		catalog_openchoreo_preprocess(entity);
	if (catalog_validate_entity_also(entity, st->openchoreo ? catalog_openchoreo_accepts : NULL,
					 &verr) != 0) {
		catalog_errors_add(&o->errs, "InputError", "%s", verr.msgs[0]);
		catalog_validate_errors_free(&verr);
		return;
	}
	now_ref = catalog_ref_of_entity(entity);
	if (now_ref == NULL || strcmp(now_ref, ref) != 0)
		catalog_errors_add(&o->errs, "InputError",
				   "Entity %s changed its ref to %s during processing", ref,
				   now_ref ? now_ref : "nothing");
	free(now_ref);
	if (o->errs.list)
		return;
	sort_ref_arrays(entity);
	if (strcmp(json_string_value(json_object_get(entity, "kind")), "Location") == 0)
		catalog_ingest_read_location(st, entity, &o->children, &o->errs);
	if (catalog_relations_emit(entity, &o->rels, &err) != 0 ||
	    (st->openchoreo && catalog_openchoreo_relations_emit(entity, &o->rels, &err) != 0)) {
		catalog_errors_add(&o->errs, "InputError", "%s", err);
		free(err);
	}
}

void catalog_outcome_clear(struct catalog_outcome *o)
{
	json_decref(o->errs.list);
	o->errs.list = NULL;
	catalog_children_free(&o->children);
	catalog_relations_free(&o->rels);
}
