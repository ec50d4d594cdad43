/*
 * The refresh task: runs the pipeline of one entity (pipeline.c) over due
 * rows; the results whose hash moved are written per claimed batch, in one
 * transaction; the stitching task (stitch.c) picks up what they queued,
 * helped by this task once its round is done.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "ref.h"
#include "relations.h"

#define CATALOG_CLAIM_BATCH 500
#define CATALOG_DB_WAIT_MS 5000

/* An emitted child as the children columns want it: its compact text and
 * that text's hash. */
struct kid {
	const struct catalog_child *c;
	char *text;
	char hash[41];
};

static struct kid *kids_of(const struct catalog_child *v, size_t n)
{
	struct kid *k = sh_xmalloc((n + 1) * sizeof(*k));

	for (size_t i = 0; i < n; i++) {
		k[i].c = &v[i];
		k[i].text = json_dumps(v[i].entity, JSON_COMPACT);
		if (k[i].text == NULL)
			abort();
		catalog_sha1_hex(k[i].text, strlen(k[i].text), k[i].hash);
	}
	return k;
}

static void kids_free(struct kid *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(k[i].text);
	free(k);
}

/* Appends the children rows of the entities emitted by `parent` (or, for
 * the configured locations, by the source key `src`). */
static void add_children(struct catalog_pgarray *cols, const char *src, const char *parent,
			 const struct kid *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		catalog_pgarray_add(&cols[0], src);
		catalog_pgarray_add(&cols[1], parent);
		catalog_pgarray_add(&cols[2], k[i].c->ref);
		catalog_pgarray_add(&cols[3], k[i].text);
		catalog_pgarray_add(&cols[4], k[i].hash);
		catalog_pgarray_add(&cols[5], k[i].c->location_key);
	}
}

/* The result hash covers everything a write would store (§9.5): the
 * processed entity's text, its errors, its children (ref, location key,
 * hash of the child's text) and its relation rows.  Texts are compact
 * dumps in the objects' own key order, which a given input always
 * reproduces: no second, sorted dump of the whole result. */
static void result_hash(const char *processed, const char *errors, const struct kid *k,
			size_t n, const struct catalog_relations *rels, char hex[41])
{
	struct catalog_hash h;
	size_t i;

	catalog_hash_start(&h);
	catalog_hash_field(&h, processed);
	catalog_hash_field(&h, errors);
	for (i = 0; i < n; i++) {
		catalog_hash_field(&h, k[i].c->ref);
		catalog_hash_field(&h, k[i].c->location_key);
		catalog_hash_field(&h, k[i].hash);
	}
	for (i = 0; i < rels->n; i++) {
		catalog_hash_field(&h, rels->rows[i].source_ref);
		catalog_hash_field(&h, rels->rows[i].type);
		catalog_hash_field(&h, rels->rows[i].target_ref);
	}
	catalog_hash_end(&h, hex);
}

static void add_outcome(struct catalog_db_batch *b, const char *id, const char *ref,
			const char *hash, const char *processed, const char *errors,
			const struct kid *k, size_t n, const struct catalog_outcome *o)
{
	if (errors) {
		json_array_append_new(b->failed, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
			"ref", ref, "hash", hash, "errors", errors));
		sh_log(SH_LOG_WARN, "processing %s failed: %s", ref,
		       json_string_value(json_object_get(json_array_get(o->errs.list, 0),
							 "message")));
		return;
	}
	catalog_pgarray_add(&b->ok[0], id);
	catalog_pgarray_add(&b->ok[1], ref);
	catalog_pgarray_add(&b->ok[2], hash);
	catalog_pgarray_add(&b->ok[3], processed);
	add_children(b->children, NULL, ref, k, n);
	for (size_t i = 0; i < o->rels.n; i++) {
		catalog_pgarray_add(&b->relations[0], id);
		catalog_pgarray_add(&b->relations[1], o->rels.rows[i].source_ref);
		catalog_pgarray_add(&b->relations[2], o->rels.rows[i].type);
		catalog_pgarray_add(&b->relations[3], o->rels.rows[i].target_ref);
	}
}

/* Processes claimed row i into the batch, unless its result hash is
 * unchanged (then nothing is written for it). */
static void process_row(const struct catalog_state *st, const PGresult *res, int i,
			struct catalog_db_batch *b)
{
	const char *id = PQgetvalue(res, i, 0), *ref = PQgetvalue(res, i, 1);
	const char *old_hash = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);
	struct catalog_outcome o = { { NULL }, { NULL, 0, 0 }, { NULL, 0, 0 } };
	json_t *entity = json_loads(PQgetvalue(res, i, 2), 0, NULL);
	char hash[41], *processed, *errors;
	struct kid *k;
	size_t nk;

	if (entity == NULL) {
		sh_log(SH_LOG_ERROR, "unprocessed entity %s is not JSON", ref);
		return;
	}
	catalog_process_entity(st, entity, ref, &o);
	/* A failed result stores its errors only. */
	nk = o.errs.list ? 0 : o.children.n;
	k = kids_of(o.children.v, nk);
	processed = json_dumps(entity, JSON_COMPACT);
	errors = o.errs.list ? json_dumps(o.errs.list, JSON_COMPACT) : NULL;
	if (processed == NULL || (o.errs.list && errors == NULL))
		abort();
	result_hash(processed, errors, k, nk, &o.rels, hash);
	if (old_hash == NULL || strcmp(old_hash, hash) != 0)
		add_outcome(b, id, ref, hash, processed, errors, k, nk, &o);
	free(processed);
	free(errors);
	kids_free(k, nk);
	json_decref(entity);
	catalog_outcome_clear(&o);
}

/* The configured locations become root Location entities (§9.1). */
static int seed(PGconn *conn, const struct catalog_state *st)
{
	struct catalog_children roots = { NULL, 0, 0 };
	struct catalog_pgarray cols[6];
	struct kid *k;
	int rc;

	memset(cols, 0, sizeof(cols));
	roots.v = sh_xmalloc((st->n_locations + 1) * sizeof(*roots.v));
	for (size_t i = 0; i < st->n_locations; i++) {
		struct catalog_child *c = &roots.v[roots.n++];
		const json_t *ann;

		c->entity = catalog_ingest_config_entity(st->locations[i]);
		ann = json_object_get(json_object_get(c->entity, "metadata"), "annotations");
		c->ref = catalog_ref_of_entity(c->entity);
		c->location_key = sh_xstrdup(json_string_value(
			json_object_get(ann, CATALOG_ANN_LOCATION)));
	}
	k = kids_of(roots.v, roots.n);
	add_children(cols, "config", NULL, k, roots.n);
	rc = catalog_db_seed(conn, cols);
	for (size_t i = 0; i < 6; i++)
		catalog_pgarray_free(&cols[i]);
	kids_free(k, roots.n);
	catalog_children_free(&roots);
	return rc;
}

static void batch_free(struct catalog_db_batch *b)
{
	for (size_t i = 0; i < 6; i++) {
		if (i < 4) {
			catalog_pgarray_free(&b->ok[i]);
			catalog_pgarray_free(&b->relations[i]);
		}
		catalog_pgarray_free(&b->children[i]);
	}
	json_decref(b->failed);
}

/* Claims one batch, processes it and writes every changed result in one
 * transaction.  Returns how many rows were claimed, or -1. */
static int process_batch(PGconn *conn, const struct catalog_state *st)
{
	struct catalog_db_batch b;
	PGresult *res = catalog_db_claim(conn, CATALOG_CLAIM_BATCH, st->interval_s);
	int n = res ? PQntuples(res) : -1;
	size_t wrote;

	memset(&b, 0, sizeof(b));
	b.failed = json_array();
	for (int i = 0; i < n && !sh_task_stopping(st->host); i++)
		process_row(st, res, i, &b);
	wrote = (size_t)b.ok[0].n + json_array_size(b.failed);
	/* Every stored result queued its entity's stitch: the stitching task
	 * starts on them now, beside the next batch. */
	if (wrote > 0 && catalog_db_write_batch(conn, &b) != 0)
		sh_log(SH_LOG_WARN, "could not store the processing results of %zu entities",
		       wrote);
	else if (wrote > 0)
		sh_task_wake(st->host, "catalog.stitching");
	PQclear(res);
	batch_free(&b);
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
