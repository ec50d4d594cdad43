/*
 * The refresh task: runs the pipeline of one entity (pipeline.c) over due
 * rows; the results whose hash moved are written per claimed batch, in one
 * transaction; the stitching task (stitch.c) picks up what they queued,
 * helped by this task once its round is done.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "ref.h"
#include "relations.h"

#define CATALOG_CLAIM_BATCH 500
#define CATALOG_DB_WAIT_MS 5000

/* A JSON value's compact text as a JSON string (a text column of a
 * json_to_recordset record). */
static json_t *text_of(const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *s;

	if (text == NULL)
		abort();
	s = json_string(text);
	free(text);
	return s;
}

/* A string into the result hash's input, length first (unambiguous). */
static void hash_add(struct catalog_text *in, const char *s)
{
	catalog_text_printf(in, "%zu:", s ? strlen(s) : (size_t)0);
	catalog_text_add(in, s ? s : "", s ? strlen(s) : 0);
}

/* The result hash covers everything a write would store (§9.5): the
 * processed entity's text, its errors, its children records (ref, location
 * key, hash of the child's text) and its relation rows.  Texts are compact
 * dumps in the objects' own key order, which a given input always
 * reproduces: no second, sorted dump of the whole result. */
static void result_hash(const char *processed, const char *errors, const json_t *kids,
			const struct catalog_relations *rels, char hex[41])
{
	struct catalog_text in = { NULL, 0, 0 };
	const json_t *k;
	size_t i;

	hash_add(&in, processed);
	hash_add(&in, errors);
	json_array_foreach(kids, i, k) {
		hash_add(&in, json_string_value(json_object_get(k, "ref")));
		hash_add(&in, json_string_value(json_object_get(k, "key")));
		hash_add(&in, json_string_value(json_object_get(k, "hash")));
	}
	for (i = 0; i < rels->n; i++) {
		hash_add(&in, rels->rows[i].source_ref);
		hash_add(&in, rels->rows[i].type);
		hash_add(&in, rels->rows[i].target_ref);
	}
	catalog_sha1_hex(in.buf ? in.buf : "", in.len, hex);
	free(in.buf);
}

/* Appends children records (see struct catalog_db_batch) for the entities
 * emitted by `parent` (or, for roots, by the source key `src`). */
static void add_children(json_t *out, const char *src, const char *parent,
			 const struct catalog_children *c)
{
	for (size_t i = 0; i < c->n; i++) {
		json_t *text = text_of(c->v[i].entity);
		const char *t = json_string_value(text);
		char hash[41];

		catalog_sha1_hex(t, strlen(t), hash);
		json_array_append_new(out, json_pack("{s:s?, s:s?, s:s, s:o, s:s, s:s}",
			"src", src, "parent", parent, "ref", c->v[i].ref, "entity", text,
			"hash", hash, "key", c->v[i].location_key));
	}
}

static void add_outcome(struct catalog_db_batch *b, const char *id, const char *ref,
			const char *hash, const char *processed, const char *errors,
			json_t *kids, const struct catalog_outcome *o)
{
	size_t i;
	json_t *k;

	if (errors) {
		json_array_append_new(b->failed, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
			"ref", ref, "hash", hash, "errors", errors));
		sh_log(SH_LOG_WARN, "processing %s failed: %s", ref,
		       json_string_value(json_object_get(json_array_get(o->errs.list, 0),
							 "message")));
		return;
	}
	json_array_append_new(b->ok, json_pack("{s:s, s:s, s:s, s:s}", "id", id, "ref", ref,
		"hash", hash, "processed", processed));
	json_array_foreach(kids, i, k)
		json_array_append(b->children, k);
	for (i = 0; i < o->rels.n; i++)
		json_array_append_new(b->relations, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
			"s", o->rels.rows[i].source_ref, "t", o->rels.rows[i].type,
			"d", o->rels.rows[i].target_ref));
}

/* Processes claimed row i into the batch, unless its result hash is
 * unchanged (then nothing is written for it). */
static void process_row(const struct catalog_state *st, const PGresult *res, int i,
			struct catalog_db_batch *b)
{
	const char *id = PQgetvalue(res, i, 0), *ref = PQgetvalue(res, i, 1);
	const char *old_hash = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);
	struct catalog_outcome o = { { NULL }, { NULL, 0, 0 }, { NULL, 0, 0 } };
	json_t *entity = json_loads(PQgetvalue(res, i, 2), 0, NULL), *kids;
	char hash[41], *processed, *errors;

	if (entity == NULL) {
		sh_log(SH_LOG_ERROR, "unprocessed entity %s is not JSON", ref);
		return;
	}
	catalog_process_entity(st, entity, ref, &o);
	kids = json_array();
	if (o.errs.list == NULL)
		add_children(kids, NULL, ref, &o.children);
	processed = json_dumps(entity, JSON_COMPACT);
	errors = o.errs.list ? json_dumps(o.errs.list, JSON_COMPACT) : NULL;
	if (processed == NULL || (o.errs.list && errors == NULL))
		abort();
	result_hash(processed, errors, kids, &o.rels, hash);
	if (old_hash == NULL || strcmp(old_hash, hash) != 0)
		add_outcome(b, id, ref, hash, processed, errors, kids, &o);
	free(processed);
	free(errors);
	json_decref(kids);
	json_decref(entity);
	catalog_outcome_clear(&o);
}

/* The configured locations become root Location entities (§9.1). */
static int seed(PGconn *conn, const struct catalog_state *st)
{
	struct catalog_children roots = { NULL, 0, 0 };
	json_t *recs = json_array();
	int rc;

	roots.v = catalog_xmalloc((st->n_locations + 1) * sizeof(*roots.v));
	for (size_t i = 0; i < st->n_locations; i++) {
		struct catalog_child *c = &roots.v[roots.n++];
		const json_t *ann;

		c->entity = catalog_ingest_config_entity(st->locations[i]);
		ann = json_object_get(json_object_get(c->entity, "metadata"), "annotations");
		c->ref = catalog_ref_of_entity(c->entity);
		c->location_key = catalog_xstrdup(json_string_value(
			json_object_get(ann, CATALOG_ANN_LOCATION)));
	}
	add_children(recs, "config", NULL, &roots);
	rc = catalog_db_seed(conn, recs);
	json_decref(recs);
	catalog_children_free(&roots);
	return rc;
}

/* Claims one batch, processes it and writes every changed result in one
 * transaction.  Returns how many rows were claimed, or -1. */
static int process_batch(PGconn *conn, const struct catalog_state *st)
{
	struct catalog_db_batch b = { json_array(), json_array(), json_array(), json_array() };
	PGresult *res = catalog_db_claim(conn, CATALOG_CLAIM_BATCH, st->interval_s);
	int n = res ? PQntuples(res) : -1;

	for (int i = 0; i < n && !sh_task_stopping(st->host); i++)
		process_row(st, res, i, &b);
	if (json_array_size(b.ok) + json_array_size(b.failed) > 0 &&
	    catalog_db_write_batch(conn, &b) != 0)
		sh_log(SH_LOG_WARN, "could not store the processing results of %zu entities",
		       json_array_size(b.ok) + json_array_size(b.failed));
	PQclear(res);
	json_decref(b.ok);
	json_decref(b.failed);
	json_decref(b.children);
	json_decref(b.relations);
	return n;
}

void catalog_processing_task(struct sh_host *host, void *state)
{
	struct catalog_state *st = state;
	PGconn *conn = sh_db_get(host, CATALOG_DB_WAIT_MS);
	int n, claimed = 0;

	if (conn == NULL)
		return;
	if (!st->seeded && seed(conn, st) == 0)
		st->seeded = 1;
	do {
		/* Stitching runs beside this, in its own task (stitch.c). */
		n = process_batch(conn, st);
		claimed += n > 0 ? n : 0;
	} while (n > 0 && !sh_task_stopping(host));
	/* Only a write removes parent edges, so orphans can only appear after
	 * a round that claimed rows (or at start, after seeding). */
	if (!st->keep_orphans && st->seeded && (claimed > 0 || !st->orphans_checked)) {
		st->orphans_checked = 1;
		catalog_db_delete_orphans(conn);
	}
	sh_db_put(host, conn);
	/* After a round that wrote, this thread helps the stitching task empty
	 * the queue (a large ingestion ends with thousands of entities to
	 * stitch): two stitchers keep both of a small machine's cores busy. */
	if (claimed > 0)
		catalog_stitch_drain(host);
	/* A large round's JSON is freed in many small blocks that glibc keeps;
	 * give them back so the pool's RSS returns to its resting size. */
	if (claimed > 0)
		malloc_trim(0);
}
