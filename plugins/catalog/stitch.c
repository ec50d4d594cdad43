/*
 * Stitching (spec §9.6): turns a processed entity, its relation rows, its
 * parent edges and its errors into the final JSON the API sends, with uid,
 * etag and the search index rows, skipping the write when nothing changed.
 * Queued entities are stitched in batches by a task of their own, beside
 * processing: one statement claims a batch (and commits), one loads it,
 * three store it (final entities, search rows deleted, COPY), one removes
 * its queue rows.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "catalog.h"
#include "relations.h"
#include "search.h"

#define CATALOG_STITCH_BATCH 500
#define CATALOG_STITCH_WAIT_MS 5000

struct stitch {
	const char *ref;
	const char *id;
	const char *errors;      /* JSON or NULL */
	const char *old_hash;    /* final_entities.hash or NULL */
	int has_parent;
	json_t *entity;          /* the processed entity, made final in place */
};

/* What one stitch batch writes, as JSON parameters and COPY data. */
struct writes {
	struct catalog_pgarray finals[4]; /* id, ref, final JSON text, hash */
	struct catalog_pgarray ids;       /* ids whose search rows are replaced */
	struct sh_buf search;             /* COPY text rows: key, value, id, original */
	int too_big;                      /* search rows past CATALOG_BATCH_MAX */
};


/* rels: the JSON array [[type, target], ...] of the entity's relation rows
 * (NULL: none). */
static void add_relations(struct stitch *s, const char *rels)
{
	json_t *a = rels ? json_loads(rels, 0, NULL) : NULL, *e;
	size_t n = json_array_size(a), i;
	struct catalog_relation *rows = sh_xmalloc((n + 1) * sizeof(*rows));

	json_array_foreach(a, i, e) {
		rows[i].source_ref = (char *)s->ref;
		rows[i].type = (char *)json_string_value(json_array_get(e, 0));
		rows[i].target_ref = (char *)json_string_value(json_array_get(e, 1));
	}
	json_object_set_new(s->entity, "relations", catalog_relations_build(rows, n, s->ref));
	free(rows);
	json_decref(a);
}

static void add_status(struct stitch *s)
{
	json_t *errs = s->errors ? json_loads(s->errors, 0, NULL) : NULL, *items, *e;
	size_t i;

	if (json_array_size(errs) == 0) {
		json_decref(errs);
		return;
	}
	items = json_array();
	json_array_foreach(errs, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		json_array_append_new(items, json_pack("{s:s, s:s, s:s++, s:O}",
			"type", "backstage.io/catalog-processing", "level", "error",
			"message", name ? name : "Error", ": ", msg ? msg : "", "error", e));
	}
	json_object_set_new(s->entity, "status", json_pack("{s:o}", "items", items));
	json_decref(errs);
}

/* Orphan flag and the javascript: URL guard of Backstage's stitcher. */
static void fix_annotations(struct stitch *s)
{
	static const char *const urls[] = { "backstage.io/view-url", "backstage.io/edit-url" };
	json_t *meta = json_object_get(s->entity, "metadata");
	json_t *ann = json_object_get(meta, "annotations");

	if (!s->has_parent) {
		if (!json_is_object(ann)) {
			ann = json_object();
			json_object_set_new(meta, "annotations", ann);
		}
		json_object_set_new(ann, CATALOG_ANN_ORPHAN, json_string("true"));
	}
	for (size_t i = 0; i < 2; i++) {
		const char *v = json_string_value(json_object_get(ann, urls[i]));

		if (v && strncasecmp(v, "javascript:", 11) == 0)
			json_object_set_new(ann, urls[i], json_string(
				"https://backstage.io/annotation-rejected-for-security-reasons"));
	}
}

/* One field in COPY text format (\N for NULL), then sep.  0 or
 * SH_ETOOBIG. */
static int copy_field(struct sh_buf *c, const char *v, char sep)
{
	int rc = v ? 0 : sh_buf_add(c, "\\N", 2);

	while (rc == 0 && v && *v) {
		size_t run = strcspn(v, "\\\t\n\r");
		char esc[2] = { '\\', 0 };

		rc = sh_buf_add(c, v, run);
		v += run;
		if (rc == 0 && *v) {
			esc[1] = *v == '\\' ? '\\' : *v == '\t' ? 't' : *v == '\n' ? 'n' : 'r';
			rc = sh_buf_add(c, esc, 2);
			v++;
		}
	}
	return rc == 0 ? sh_buf_addc(c, sep) : rc;
}

/* Appends the search rows of one entity.  An original value equal to its
 * value (most of them: names, refs, types are lower case already) is
 * stored as NULL and read back as coalesce(original_value, value): a
 * narrower row to write and index (007_search_original.sql).  Rows start
 * with key and value, so that sorting the lines sorts them by those
 * (sort_rows). */
static void add_search_rows(struct writes *w, const char *id, const struct catalog_search *idx)
{
	struct sh_buf *c = &w->search;
	size_t was = c->len;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < idx->n; i++) {
		const struct catalog_search_row *r = &idx->rows[i];
		int same = r->value && r->original_value && !strcmp(r->value, r->original_value);

		if ((rc = copy_field(c, r->key, '\t')) == 0 &&
		    (rc = copy_field(c, r->value, '\t')) == 0 &&
		    (rc = copy_field(c, id, '\t')) == 0)
			rc = copy_field(c, same ? NULL : r->original_value, '\n');
	}
	if (rc != 0) {
		sh_buf_truncate(c, was);
		w->too_big = 1;
	}
}

/* One line of COPY text data, its '\n' included (a field's newlines are
 * escaped, so each '\n' ends a row). */
struct row {
	const char *p;
	size_t n;
};

/* Lines in byte order up to the first difference: every line has the same
 * four fields, and the order only has to group equal keys and values. */
static int row_cmp(const void *a, const void *b)
{
	const char *x = ((const struct row *)a)->p, *y = ((const struct row *)b)->p;

	for (; *x == *y; x++, y++)
		if (*x == '\n')
			return 0;
	return (unsigned char)*x - (unsigned char)*y;
}

/* The rows of c sorted by key and value, into out.  Written in that
 * order, the rows of one key sit together in the heap pages of their
 * batch, so a filter term (kind=component) visits a few pages per batch
 * instead of one per matching entity, and the index entries of each key
 * and value go in in order. */
static void sort_rows(const struct sh_buf *c, struct sh_buf *out)
{
	const char *p = c->data, *end = c->data + c->len;
	size_t n = 0;
	struct row *r;

	for (const char *q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		n++;
	r = sh_xmalloc((n + 1) * sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		r[i].p = p;
		r[i].n = (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	qsort(r, n, sizeof(*r), row_cmp);
	/* One allocation of c's length, then the rows over it in order. */
	sh_buf_init(out, c->len);
	if (sh_buf_add(out, c->data, c->len) != 0)
		abort(); /* c->len is the cap */
	for (size_t i = 0, o = 0; i < n; o += r[i].n, i++)
		memcpy(out->data + o, r[i].p, r[i].n);
	free(r);
}

/* Bumped whenever the same inputs would stitch to a different final
 * entity: the stored hashes then differ, and each entity is rebuilt by
 * the new code the next time it is stitched. */
#define CATALOG_STITCH_VERSION "2"

/* The stitch hash (final_entities.hash, and the etag unless the entity
 * has its own): SHA-1 over everything the final entity is made of (the
 * processed entity's text, its relation rows, its errors, whether a
 * parent edge exists, its uid) and the stitcher's version.  Same inputs,
 * same entity: an unchanged hash skips the stitch before any JSON is
 * parsed or printed.  rels comes sorted (load_sql), so the same rows hash
 * alike. */
static void stitch_hash(const struct stitch *s, const char *processed, const char *rels,
			char hex[41])
{
	struct catalog_hash h;

	catalog_hash_start(&h);
	catalog_hash_field(&h, CATALOG_STITCH_VERSION);
	catalog_hash_field(&h, s->id);
	catalog_hash_field(&h, processed);
	catalog_hash_field(&h, rels);
	catalog_hash_field(&h, s->errors);
	catalog_hash_field(&h, s->has_parent ? "parent" : "orphan");
	catalog_hash_end(&h, hex);
}

/* Builds the final entity of s (its hash computed) and adds it to the
 * batch's writes. */
static void finalize(struct stitch *s, const char *rels, const char *hash, struct writes *w)
{
	struct catalog_search idx = { NULL, 0, 0 };
	json_t *meta;
	char *text, *err = NULL;

	add_relations(s, rels);
	fix_annotations(s);
	add_status(s);
	meta = json_object_get(s->entity, "metadata");
	json_object_set_new(meta, "uid", json_string(s->id));
	if (!json_is_string(json_object_get(meta, "etag")))
		json_object_set_new(meta, "etag", json_string(hash));
	if (catalog_search_build(s->entity, &idx, &err) != 0) {
		sh_log(SH_LOG_WARN, "could not stitch %s: %s", s->ref, err);
		free(err);
		return;
	}
	/* In the entity's own key order, which its processed text fixes. */
	text = json_dumps(s->entity, JSON_COMPACT);
	if (text == NULL)
		abort();
	catalog_pgarray_add(&w->finals[0], s->id);
	catalog_pgarray_add(&w->finals[1], s->ref);
	catalog_pgarray_add(&w->finals[2], text);
	catalog_pgarray_add(&w->finals[3], hash);
	/* A first stitch has no search rows to delete. */
	if (s->old_hash)
		catalog_pgarray_add(&w->ids, s->id);
	add_search_rows(w, s->id, &idx);
	free(text);
	catalog_search_free(&idx);
}

/* Stitches claimed row i of res (see load_sql), unless its hash is
 * unchanged. */
static void stitch_row(const PGresult *res, int i, struct writes *w)
{
	struct stitch s = { .ref = PQgetvalue(res, i, 0) };
	const char *processed, *rels;
	char hash[41];

	/* An entity that never processed successfully is not visible (§7.5). */
	if (PQgetisnull(res, i, 1) || PQgetisnull(res, i, 2))
		return;
	s.id = PQgetvalue(res, i, 1);
	processed = PQgetvalue(res, i, 2);
	s.errors = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);
	s.old_hash = PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4);
	s.has_parent = strcmp(PQgetvalue(res, i, 5), "t") == 0;
	rels = PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6);
	stitch_hash(&s, processed, rels, hash);
	if (s.old_hash && strcmp(s.old_hash, hash) == 0)
		return;
	s.entity = json_loads(processed, 0, NULL);
	if (!json_is_object(s.entity))
		sh_log(SH_LOG_ERROR, "processed entity %s is not a JSON object", s.ref);
	else
		finalize(&s, rels, hash, w);
	json_decref(s.entity);
}

/* COPY ... FROM STDIN of the buffered rows, on the transaction's
 * connection (the data is never SQL text). */
static int copy_in(PGconn *conn, const char *sql, const struct sh_buf *c)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COPY_IN;

	PQclear(res);
	if (ok)
		ok = PQputCopyData(conn, c->data, (int)c->len) == 1;
	if (PQputCopyEnd(conn, ok ? NULL : "could not send the rows") != 1)
		ok = 0;
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			sh_log(SH_LOG_WARN, "copy into the search index failed: %s",
			       PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	return ok ? 0 : SH_EDB;
}

/* Stores the batch's final entities and replaces their search rows.
 * Rows are written in uid order, so stitchers of two processes lock them
 * in the same order. */
static int store(PGconn *conn, struct writes *w)
{
	struct catalog_pgarray *fin[4] = { &w->finals[0], &w->finals[1], &w->finals[2],
					   &w->finals[3] }, *ids[1] = { &w->ids };
	int rc;

	if (w->too_big) {
		sh_log(SH_LOG_WARN, "stitch batch not stored: its search rows are over %zu bytes",
		       CATALOG_BATCH_MAX);
		return SH_ETOOBIG;
	}
	rc = catalog_db_exec_arrays_ok(conn, "INSERT INTO catalog.final_entities"
		" (entity_id, entity_ref, final_entity, hash)"
		" SELECT i::uuid, r, t, h FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])"
		" AS u(i, r, t, h) ORDER BY 1"
		" ON CONFLICT (entity_id) DO UPDATE SET entity_ref = EXCLUDED.entity_ref,"
		" final_entity = EXCLUDED.final_entity, hash = EXCLUDED.hash,"
		" last_updated_at = now()", 4, fin);

	if (rc == 0 && w->ids.n > 0)
		rc = catalog_db_exec_arrays_ok(conn, "DELETE FROM catalog.search"
					       " WHERE entity_id = ANY($1::text[]::uuid[])", 1, ids);
	if (rc == 0 && w->search.len > 0) {
		struct sh_buf rows;

		sort_rows(&w->search, &rows);
		rc = copy_in(conn, "COPY catalog.search (key, value, entity_id, original_value)"
			     " FROM STDIN", &rows);
		sh_buf_free(&rows);
	}
	return rc;
}

/* Claims up to $1 queued rows for 60 s, in a statement of its own: the
 * claim commits at once, so processing can go on queueing refs (a claimed
 * ref is queued again in a new row, never waiting for this stitch) while
 * the batch is stitched.  A ref waits in the queue at most once (the
 * partial unique index of 006_queue_once.sql), and is not claimed while
 * another claim on it stands: two stitchers (two processes, or the
 * processing task helping, see catalog_stitch_drain) never stitch one
 * entity at once, so an older stitch never overwrites a newer one.
 * Waiting rows are taken by queued_at, through the index of
 * 008_stitch_order.sql; queueing a ref that waits already moves its row
 * back (CATALOG_QUEUE_PUSH, catalog.h), so an entity that a large
 * ingestion keeps touching (an API that components consume, a group) is
 * stitched after the others, not once per processing batch.  A claim
 * that ran out (its stitcher died) is given back as a waiting row by the
 * same statement, to be taken by a later claim; until then its ref is
 * left alone.  (NOT IN, a hashed set of the few claimed refs: the
 * queue's statistics are stale while it fills and drains, and a NOT
 * EXISTS was planned as a scan of every claim per waiting row.)  One row:
 * how many refs, the refs as a JSON array, the queue row ids as a bigint[]
 * literal (no row claimed: 0). */
static const char claim_sql[] =
	"WITH expired AS (DELETE FROM catalog.stitch_queue WHERE claimed_until < now()"
	" RETURNING entity_ref),"
	" back AS (INSERT INTO catalog.stitch_queue (entity_ref)"
	" SELECT DISTINCT entity_ref FROM expired ON CONFLICT DO NOTHING),"
	" pick AS (SELECT id FROM catalog.stitch_queue q WHERE claimed_until IS NULL"
	" AND entity_ref NOT IN (SELECT c.entity_ref FROM catalog.stitch_queue c"
	" WHERE c.claimed_until IS NOT NULL)"
	" ORDER BY queued_at, id LIMIT $1::int FOR UPDATE SKIP LOCKED),"
	" c AS (UPDATE catalog.stitch_queue q SET claimed_until = now() + interval '60 seconds'"
	" WHERE q.id = ANY(ARRAY(SELECT id FROM pick)) RETURNING q.id, q.entity_ref)"
	" SELECT count(*), json_agg(entity_ref)::text, array_agg(id)::text FROM c";

/* Loads, per claimed ref ($1, a JSON array): entity_ref, entity_id,
 * processed_entity, errors, the stored hash, whether a parent edge exists,
 * and its relation rows as [[type, target], ...] in one order (the stitch
 * hash covers their text). */
static const char load_sql[] =
	"SELECT q.entity_ref, r.entity_id, r.processed_entity, r.errors, f.hash,"
	" EXISTS (SELECT 1 FROM catalog.refresh_state_references e"
	" WHERE e.target_entity_ref = q.entity_ref),"
	" (SELECT json_agg(json_build_array(l.type, l.target_entity_ref)"
	" ORDER BY l.type, l.target_entity_ref)"
	" FROM catalog.relations l WHERE l.source_entity_ref = q.entity_ref)"
	" FROM json_array_elements_text($1::json) AS q(entity_ref)"
	" LEFT JOIN catalog.refresh_state r ON r.entity_ref = q.entity_ref"
	" LEFT JOIN catalog.final_entities f ON f.entity_id = r.entity_id";

/* Stitches the claimed refs in one transaction that also removes their
 * queue rows; on failure the claim is given back. */
static int stitch_claimed(PGconn *conn, const char *refs, const char *ids)
{
	const char *p_refs[1] = { refs }, *p_ids[1] = { ids };
	struct writes w;
	PGresult *res = NULL;
	int rc;

	memset(&w, 0, sizeof(w));
	sh_buf_init(&w.search, CATALOG_BATCH_MAX);
	rc = catalog_db_begin(conn);
	if (rc == 0) {
		res = sh_db_exec(conn, load_sql, 1, p_refs);
		rc = res ? 0 : SH_EDB;
	}
	if (rc == 0) {
		for (int i = 0; i < PQntuples(res); i++)
			stitch_row(res, i, &w);
		if (w.finals[0].n > 0)
			rc = store(conn, &w);
	}
	if (rc == 0)
		rc = catalog_db_exec_ok(conn, "DELETE FROM catalog.stitch_queue"
					" WHERE id = ANY($1::bigint[])", 1, p_ids);
	if (rc == 0)
		rc = catalog_db_exec_ok(conn, "COMMIT", 0, NULL);
	if (rc != 0) {
		PQclear(PQexec(conn, "ROLLBACK"));
		/* Given back as waiting rows, unless the ref waits already. */
		PQclear(sh_db_exec(conn, "WITH d AS (DELETE FROM catalog.stitch_queue"
				   " WHERE id = ANY($1::bigint[]) RETURNING entity_ref)"
				   " INSERT INTO catalog.stitch_queue (entity_ref)"
				   " SELECT DISTINCT entity_ref FROM d ON CONFLICT DO NOTHING",
				   1, p_ids));
	}
	PQclear(res);
	for (size_t i = 0; i < 4; i++)
		catalog_pgarray_free(&w.finals[i]);
	catalog_pgarray_free(&w.ids);
	sh_buf_free(&w.search);
	return rc;
}

/* Claims and stitches one batch.  Returns how many refs were claimed, or a
 * negative SH_E* code. */
static int stitch_batch(PGconn *conn)
{
	char lim[16];
	const char *params[1] = { lim };
	PGresult *res;
	int rc, n;

	snprintf(lim, sizeof(lim), "%d", CATALOG_STITCH_BATCH);
	res = sh_db_exec(conn, claim_sql, 1, params);
	if (res == NULL)
		return SH_EDB;
	n = PQntuples(res) == 1 ? (int)strtol(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	rc = n > 0 ? stitch_claimed(conn, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2)) : 0;
	PQclear(res);
	return rc != 0 ? rc : n;
}

void catalog_stitch_drain(struct sh_host *host)
{
	int n, total = 0;

	/* The connection goes back between batches: requests get one while a
	 * large catalog is stitched. */
	do {
		PGconn *conn = sh_db_get(host, CATALOG_STITCH_WAIT_MS);

		if (conn == NULL)
			return;
		n = stitch_batch(conn);
		sh_db_put(host, conn);
		total += n > 0 ? n : 0;
	} while (n > 0 && !sh_task_stopping(host));
	/* As after a processing round (processing.c): the batches' JSON goes
	 * back to the system, not only to this thread's malloc arena. */
	if (total >= CATALOG_STITCH_BATCH)
		malloc_trim(0);
}

void catalog_stitch_task(struct sh_host *host, void *state)
{
	(void)state;
	catalog_stitch_drain(host);
}
