/*
 * The SQL of the entity operations (spec §3.5, §3.7): deleting one entity
 * by uid the way Backstage's removeEntityByUid does, and the processing
 * graph's parent edges the ancestry walk follows.
 */
#include <libpq-fe.h>

#include "catalog.h"

/*
 * One statement, so it is atomic.  Every sub-statement sees the snapshot
 * from before the delete, so the rows the cascade removes (relations,
 * edges) are still there to find the entities that must change: the
 * processing parents are made due with their result hash cleared (their
 * next run writes the child again if they still emit it), and the ends of
 * the relations it originated, and its children (their orphan flag), are
 * queued for stitching.
 */
static const char delete_sql[] =
	"WITH d AS (DELETE FROM catalog.refresh_state WHERE entity_id = $1::uuid"
	" RETURNING entity_id, entity_ref),"
	" p AS (UPDATE catalog.refresh_state r SET next_update_at = now(), result_hash = NULL"
	" FROM catalog.refresh_state_references e, d"
	" WHERE e.target_entity_ref = d.entity_ref AND r.entity_ref = e.source_entity_ref"
	" RETURNING r.entity_ref),"
	" peers AS (SELECT l.source_entity_ref AS ref FROM catalog.relations l"
	" JOIN d ON l.originating_entity_id = d.entity_id"
	" UNION SELECT l.target_entity_ref FROM catalog.relations l"
	" JOIN d ON l.originating_entity_id = d.entity_id"
	" UNION SELECT e.target_entity_ref FROM catalog.refresh_state_references e"
	" JOIN d ON e.source_entity_ref = d.entity_ref),"
	" q AS (INSERT INTO catalog.stitch_queue (entity_ref)"
	" SELECT ref FROM peers WHERE ref NOT IN (SELECT entity_ref FROM d)"
	" AND ref IN (SELECT entity_ref FROM catalog.refresh_state)"
	CATALOG_QUEUE_CONFLICT ")"
	" SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM p)";

int catalog_db_delete_entity(struct sh_req *req, const char *uid)
{
	const char *params[1] = { uid };

	return sh_db_query(req, delete_sql, 1, params) ? 0 : SH_EDB;
}

PGresult *catalog_db_final_by_ref(struct sh_req *req, const char *ref)
{
	const char *params[1] = { ref };

	return sh_db_query(req, "SELECT entity_ref, final_entity FROM catalog.final_entities"
			   " WHERE entity_ref = $1", 1, params);
}

PGresult *catalog_db_parents(struct sh_req *req, const char *ref)
{
	const char *params[1] = { ref };

	return sh_db_query(req, "SELECT f.entity_ref, f.final_entity"
			   " FROM catalog.refresh_state_references e"
			   " JOIN catalog.final_entities f ON f.entity_ref = e.source_entity_ref"
			   " WHERE e.target_entity_ref = $1 ORDER BY e.id", 1, params);
}
