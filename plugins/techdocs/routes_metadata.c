/*
 * GET /metadata/techdocs/:namespace/:kind/:name: the published site's
 * techdocs_metadata.json; GET /metadata/entity/:namespace/:kind/:name: the
 * catalog entity plus "locationMetadata" (its resolved techdocs-ref).
 * Both 404 with Backstage's messages when the entity is missing (or not
 * visible), the site is not published, or the annotation is unusable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>

#include "plugin.h"

#define METADATA_MAX (16u << 20)   /* bytes of techdocs_metadata.json we parse */

/* The published metadata of the triplet, or NULL (not published, unreadable,
 * too big, not a JSON object). */
static json_t *metadata_read(struct techdocs *td, const struct td_triplet *t)
{
	char *path = td_site_file(td, t->ns, t->kind, t->name, TD_METADATA_FILE);
	struct stat st;
	json_t *meta = NULL;

	if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= METADATA_MAX)
		meta = json_load_file(path, 0, NULL);
	if (meta && !json_is_object(meta)) {
		json_decref(meta);
		meta = NULL;
	}
	free(path);
	return meta;
}

int td_route_metadata_techdocs(struct sh_req *req, void *state)
{
	struct techdocs *td = state;
	struct td_triplet t;
	json_t *meta;
	int rc;

	td_triplet_of(req, &t);
	rc = td_entity_exists(td, req, &t);
	if (rc < 0 && rc != SH_ENOTFOUND)
		return td_entity_fail(req, rc);
	meta = rc == 0 ? metadata_read(td, &t) : NULL;
	if (!meta)
		return sh_fail(req, 404, "NotFoundError", "Unable to get metadata for '%s'",
			       td_triplet_ref(req, &t));
	return sh_reply_json(req, 200, meta);
}

int td_route_metadata_entity(struct sh_req *req, void *state)
{
	struct techdocs *td = state;
	struct td_location loc = { { 0 }, NULL };
	struct td_triplet t;
	char why[256] = "";
	json_t *entity;
	int rc;

	td_triplet_of(req, &t);
	rc = td_entity_load(td, req, &t, &entity);
	if (rc == SH_ENOTFOUND)
		return sh_fail(req, 404, "NotFoundError", "Unable to get metadata for '%s'",
			       td_triplet_ref(req, &t));
	if (rc < 0)
		return td_entity_fail(req, rc);
	rc = td_ref_resolve(entity, &loc, why, sizeof(why));
	if (rc == 0)
		json_object_set_new(entity, "locationMetadata",
				    json_pack("{s:s,s:s}", "type", loc.type, "target", loc.target));
	td_location_free(&loc);
	if (rc < 0) {
		json_decref(entity);
		sh_log(SH_LOG_INFO, "techdocs: no locationMetadata for %s: %s",
		       td_triplet_ref(req, &t), why);
		return sh_fail(req, 404, "NotFoundError", "Unable to parse locationMetadata for '%s'",
			       td_triplet_ref(req, &t));
	}
	return sh_reply_json(req, 200, entity);
}
