/*
 * POST /locations?dryRun=true (spec §3.10): the processing chain of a new
 * location run in memory, without the database: the Location entity, then
 * every entity it reads, depth first from the last one read (Backstage's
 * DefaultLocationService keeps a stack), each through the pipeline of
 * pipeline.c.  Any processing error fails the whole run.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "ref.h"

/* Locations naming locations could fan out without end; a dry run gives
 * up past this many entities. */
#define DRYRUN_MAX_ENTITIES 10000

/* Backstage's processed.errors.map(String).join(', '). */
static char *join_errors(const json_t *list)
{
	char *out = sh_xstrdup(""), *next;
	const json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		next = sh_xasprintf("%s%s%s: %s", out, i ? ", " : "",
				   json_string_value(json_object_get(e, "name")),
				   json_string_value(json_object_get(e, "message")));
		free(out);
		out = next;
	}
	return out;
}

/* Processes the top of the stack; 0, or SH_EINVAL with *err set. */
static int process_one(const struct catalog_state *st, json_t *stack, json_t *done,
		       json_t *refs, char **err)
{
	json_t *entity = json_incref(json_array_get(stack, json_array_size(stack) - 1));
	struct catalog_outcome o = { { NULL }, { NULL, 0, 0 }, { NULL, 0, 0 } };
	char *ref = catalog_ref_of_entity(entity);
	int rc = 0;

	json_array_remove(stack, json_array_size(stack) - 1);
	if (ref == NULL) {
		*err = sh_xstrdup("InputError: Entity envelope failed validation");
		json_decref(entity);
		return SH_EINVAL;
	}
	catalog_process_entity(st, entity, ref, &o);
	if (o.errs.list) {
		*err = join_errors(o.errs.list);
		rc = SH_EINVAL;
	} else if (json_object_get(refs, ref)) {
		*err = sh_xasprintf("Duplicate nested entity: %s", ref);
		rc = SH_EINVAL;
	} else {
		for (size_t i = 0; i < o.children.n; i++)
			json_array_append(stack, o.children.v[i].entity);
		json_object_set_new(refs, ref, json_true());
		json_array_append(done, entity);
	}
	catalog_outcome_clear(&o);
	json_decref(entity);
	free(ref);
	return rc;
}

json_t *catalog_dryrun_location(const struct catalog_state *st, const char *type,
				const char *target, char **err)
{
	json_t *root = catalog_ingest_location_entity(type, target);
	json_t *stack = json_array(), *done = json_array(), *refs = json_object();
	int rc = 0;

	*err = NULL;
	json_object_set_new(json_object_get(root, "metadata"), "namespace", json_string("default"));
	json_array_append_new(stack, root);
	while (rc == 0 && json_array_size(stack) > 0) {
		if (json_array_size(done) >= DRYRUN_MAX_ENTITIES) {
			*err = sh_xasprintf("Location %s:%s yields more than %d entities", type,
					   target, DRYRUN_MAX_ENTITIES);
			rc = SH_EINVAL;
			break;
		}
		rc = process_one(st, stack, done, refs, err);
	}
	json_decref(stack);
	json_decref(refs);
	if (rc != 0) {
		json_decref(done);
		return NULL;
	}
	return done;
}
