/*
 * The catalog plugin's internal interface: its state (the [catalog]
 * settings), and the entry points of its parts, split the way Backstage's
 * catalog-backend is: routes (service), processing, ingestion, stitching.
 */
#ifndef CATALOG_CATALOG_H
#define CATALOG_CATALOG_H

#include <stddef.h>

#include <jansson.h>

#include <stagehand/stagehand.h>

#include "errors.h"
#include "pgarray.h"
#include "relations.h"
#include "util.h"

#define CATALOG_ANN_LOCATION "backstage.io/managed-by-location"
#define CATALOG_ANN_ORIGIN "backstage.io/managed-by-origin-location"
#define CATALOG_ANN_ORIGIN_LEN (sizeof(CATALOG_ANN_ORIGIN) - 1)
#define CATALOG_ANN_ORPHAN "backstage.io/orphan"

/*
 * Ends every INSERT INTO catalog.stitch_queue (entity_ref): a ref waits in
 * the queue at most once (006_queue_once.sql).  A ref that waits already is
 * touched, not skipped: the row lock taken until this transaction commits
 * makes the stitcher's claim (FOR UPDATE SKIP LOCKED) pass the row by, so
 * it is never stitched from a snapshot taken before this write.  The touch
 * also moves the row CATALOG_QUEUE_PUSH back in the stitch order (claims
 * take waiting rows by queued_at, stitch.c): an entity that keeps changing
 * while others wait (an API that a large ingestion's components consume,
 * one batch after another) is stitched after them, once, instead of after
 * every batch that touched it.  An idle stitcher takes it at once all the
 * same: the order defers, it never delays.  A row whose queued_at is
 * still ahead (pushed less than CATALOG_QUEUE_PUSH ago) is only locked,
 * not rewritten: queued_at is indexed, so every rewrite is a new row
 * version with new index entries, and the row is far enough back.  The
 * refs of one statement must be distinct.
 */
#define CATALOG_QUEUE_PUSH "1 second"
#define CATALOG_QUEUE_CONFLICT \
	" ON CONFLICT (entity_ref) WHERE claimed_until IS NULL" \
	" DO UPDATE SET queued_at = now() + interval '" CATALOG_QUEUE_PUSH "'" \
	" WHERE stitch_queue.queued_at <= now()"

struct catalog_reader;
struct catalog_rules;

/* The plugin state: read-only after init, shared by every thread. */
struct catalog_state {
	struct sh_host *host;
	const char *const *locations;   /* [catalog] location values ("file:/abs", "url:...") */
	size_t n_locations;
	long interval_s;                /* processing interval; rows wait [s, 1.5 s] */
	int seeded;                     /* config locations written (task thread only) */
	int keep_orphans;               /* orphan_strategy = keep (default delete, §9.7) */
	int orphans_checked;            /* first orphan cleanup done (task thread only) */
	struct catalog_reader *reader;  /* reads location targets (reader.c; thread-safe) */
	struct catalog_rules *rules;    /* allow, rule and location rules (rules.c, §9.3) */
	char **own_locations;           /* what `locations` points to (ingest.c) */
	int readonly;                   /* [catalog] readonly: location writes are 403 (§3.10) */
	const char *const *location_types; /* types POST /locations accepts (default "url") */
	size_t n_location_types;
	int openchoreo;                 /* [features] openchoreo: OpenChoreo's kinds and
					   relations are known (kinds_openchoreo.h) */
};

/* One entity read from a location's file, waiting to be upserted. */
struct catalog_child {
	json_t *entity;         /* owned */
	char *ref;              /* canonical ref (malloc'd) */
	char *location_key;     /* "file:/abs/path" (malloc'd) */
};

struct catalog_children {
	struct catalog_child *v;
	size_t n, cap;
};

/* What the pipeline of one entity produced. */
struct catalog_outcome {
	struct catalog_errors errs;
	struct catalog_children children;
	struct catalog_relations rels;
};

/* pipeline.c: runs the processing pipeline of §9.3 on `entity` (modified in
 * place: ref arrays sorted), whose canonical ref is `ref`; errors, children
 * (Location entities) and relations go to o, which starts zeroed and is
 * released with catalog_outcome_clear(). */
void catalog_process_entity(const struct catalog_state *st, json_t *entity, const char *ref,
			    struct catalog_outcome *o);
void catalog_outcome_clear(struct catalog_outcome *o);

/* ingest.c: the generated Location entity of a location (new ref), and of
 * a [catalog] location value "file:<path>" (path made absolute). */
json_t *catalog_ingest_location_entity(const char *type, const char *target);
json_t *catalog_ingest_config_entity(const char *value);
/* ingest.c: [catalog] location values (target, then per-location rules),
 * allow and rule into st->locations and st->rules; a bad value is an error
 * naming its key in err.  Undone by catalog_ingest_unconfigure (also after a
 * failure). */
int catalog_ingest_configure(struct catalog_state *st, const struct sh_conf *conf, char *err,
			     size_t errlen);
void catalog_ingest_unconfigure(struct catalog_state *st);
/* ingest.c: read the targets of a processed Location entity into children;
 * failures go to errs (then the caller commits no child). */
void catalog_ingest_read_location(const struct catalog_state *st, const json_t *location,
				  struct catalog_children *out, struct catalog_errors *errs);
void catalog_children_free(struct catalog_children *c);

/* What one claimed batch's processing hands to the database: columns of
 * text[] parameters (pgarray.h), one element per row, so every value stays
 * a parameter and travels unescaped:
 *   ok        id, ref, hash, processed        the processed entity's text
 *   children  src, parent, ref, entity, hash, key
 *             (src "config" and no parent for the configured locations)
 *   relations id, s, t, d                     originating id, source, type, target
 * and the rare failures as a JSON array of {id, ref, hash, errors} records
 * (json_to_recordset). */
struct catalog_db_batch {
	struct catalog_pgarray ok[4], children[6], relations[4];
	json_t *failed;
};

/* db_processing.c: run one statement, discarding its result (0 or SH_EDB);
 * BEGIN a processing transaction that does not wait for the WAL flush. */
int catalog_db_exec_ok(PGconn *conn, const char *sql, int n, const char *const *params);
int catalog_db_begin(PGconn *conn);
/* db_processing.c: claim up to `limit` due rows (entity_id, entity_ref,
 * unprocessed_entity, result_hash) and push them interval_s on; NULL on a
 * database error.  The caller PQclear()s. */
PGresult *catalog_db_claim(PGconn *conn, int limit, long interval_s);
/* The configured locations' Location entities (children records with src
 * "config"), replacing the previous ones. */
int catalog_db_seed(PGconn *conn, struct catalog_pgarray *roots);
/* Writes a batch in one transaction: processed entities, errors (the last
 * good state stays), children and parent edges, relations, stitch queue. */
int catalog_db_write_batch(PGconn *conn, struct catalog_db_batch *b);
/* Deletes entities without a parent edge (orphan_strategy = delete) and
 * queues the entities whose relations they originated; returns how many
 * were deleted or a negative SH_E* code. */
int catalog_db_delete_orphans(PGconn *conn);

/* processing.c: the refresh task (sh_task_fn). */
void catalog_processing_task(struct sh_host *host, void *state);

/* stitch.c: the stitching task (sh_task_fn), draining the stitch queue
 * beside processing; never a singleton (claims keep processes apart). */
void catalog_stitch_task(struct sh_host *host, void *state);

/* stitch.c: stitches queued entities until the queue has none to claim. */
void catalog_stitch_drain(struct sh_host *host);

/* The NOTIFY channel sql/catalog/004_notify.sql signals on every change of
 * catalog.final_entities (and so of what every read route answers). */
#define CATALOG_CHANGED_CHANNEL "catalog_changed"

/* db_locations.c: registered locations (spec §3.10-§3.11) and refresh
 * (§3.9) on the request's connection.  A location is the JSON object
 * {id, type, target, entityRef} (*out, new reference).  Return 0, one of
 * the CATALOG_DB_* outcomes below, or SH_EDB. */
#define CATALOG_DB_NOT_FOUND 1
#define CATALOG_DB_CONFLICT 2
/* Registers type:target and emits its Location entity as a root; an
 * existing one is CONFLICT unless refresh (then *existed = 1, it is
 * re-emitted and scheduled now). */
int catalog_db_location_create(PGconn *conn, const char *type, const char *target, int refresh,
			       json_t **out, int *existed);
int catalog_db_location_update(PGconn *conn, const char *id, const char *type,
			       const char *target, json_t **out);
/* Removes the location, its Location entity and every descendant left
 * without another parent, in one transaction. */
int catalog_db_location_delete(PGconn *conn, const char *id);
/* Schedules ref and its location ancestors now; NOT_FOUND without a row
 * or, like Backstage's listAncestors, without a parent edge (an orphan). */
int catalog_db_refresh(PGconn *conn, const char *ref);

/* dryrun.c: the processing chain of a new location, in memory: the
 * processed entities (new array) in Backstage's order, or NULL with the
 * 400 message in *err (malloc'd). */
json_t *catalog_dryrun_location(const struct catalog_state *st, const char *type,
				const char *target, char **err);

/* db_entity_ops.c (request connection): delete the entity of a uid as
 * DELETE by-uid does (0 or SH_EDB); a final entity's (entity_ref,
 * final_entity) by ref, and those of the parents of a ref in the
 * processing graph (NULL on a database error, replied by sh_db_fail). */
int catalog_db_delete_entity(struct sh_req *req, const char *uid);
PGresult *catalog_db_final_by_ref(struct sh_req *req, const char *ref);
PGresult *catalog_db_parents(struct sh_req *req, const char *ref);

#endif
