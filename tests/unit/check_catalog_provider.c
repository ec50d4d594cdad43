/*
 * The catalog's provider interface (sql/catalog/012_providers.sql) on a
 * real PostgreSQL (pgtest.h): catalog.provider_full_v1 and
 * catalog.provider_delta_v1 against the catalog's own migrations, applied
 * from the source tree.  What is checked is the tables processing and
 * stitching read: rows, their texts byte for byte, owners, root edges, due
 * times, the stitch queue, and the NOTIFYs that wake the tasks.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>

#include <stagehand/alloc.h>

#include "pgtest.h"
#include "../../plugins/catalog/ref.h"

#define KEY "provider:P"

struct counts {
	long added, updated, removed, unchanged, conflicts;
};

/* The catalog's migrations from the source tree, once per suite database. */
static void migrate(PGconn *c)
{
	if (!pgtest_long(c, "SELECT (to_regclass('catalog.refresh_state') IS NOT NULL)::int"))
		pgtest_apply_sql(c, "sql/catalog/[0-9]*.sql");
}

/* The conflict warnings are expected. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* A migrated, empty catalog. */
static PGconn *fresh(void)
{
	PGconn *c = pgtest_admin();

	PQsetNoticeProcessor(c, quiet, NULL);
	migrate(c);
	pgtest_exec(c, "TRUNCATE catalog.refresh_state, catalog.refresh_state_references,"
		    " catalog.relations, catalog.final_entities, catalog.stitch_queue CASCADE");
	return c;
}

/* entities: a JSON array of entity texts; removed: a JSON array of refs
 * (NULL: a full mutation).  Returns the result, which the caller checks. */
static PGresult *mutate(PGconn *c, const char *provider, const char *key,
			const char *entities, const char *removed)
{
	const char *params[4] = { provider, key, entities, removed };

	if (removed == NULL)
		return PQexecParams(c, "SELECT * FROM catalog.provider_full_v1($1, $2,"
				    " ARRAY(SELECT json_array_elements_text($3::json)))",
				    3, NULL, params, NULL, NULL, 0);
	return PQexecParams(c, "SELECT * FROM catalog.provider_delta_v1($1, $2,"
			    " ARRAY(SELECT json_array_elements_text($3::json)),"
			    " ARRAY(SELECT json_array_elements_text($4::json)))",
			    4, NULL, params, NULL, NULL, 0);
}

static struct counts call(PGconn *c, const char *provider, const char *entities,
			  const char *removed)
{
	PGresult *res = mutate(c, provider, strcmp(provider, "P") ? "provider:Q" : KEY,
			       entities, removed);
	struct counts n;

	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1, "%s",
		      PQerrorMessage(c));
	n.added = atol(PQgetvalue(res, 0, 0));
	n.updated = atol(PQgetvalue(res, 0, 1));
	n.removed = atol(PQgetvalue(res, 0, 2));
	n.unchanged = atol(PQgetvalue(res, 0, 3));
	n.conflicts = atol(PQgetvalue(res, 0, 4));
	PQclear(res);
	return n;
}

static void expect(struct counts n, long added, long updated, long removed, long unchanged,
		   long conflicts)
{
	ck_assert_int_eq(n.added, added);
	ck_assert_int_eq(n.updated, updated);
	ck_assert_int_eq(n.removed, removed);
	ck_assert_int_eq(n.unchanged, unchanged);
	ck_assert_int_eq(n.conflicts, conflicts);
}

/* A JSON array holding the given entity texts (NULL-terminated). */
static char *list(const char *first, ...)
{
	json_t *a = json_array();
	va_list ap;
	char *s;

	va_start(ap, first);
	for (const char *t = first; t; t = va_arg(ap, const char *))
		json_array_append_new(a, json_string(t));
	va_end(ap);
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* One text column of one row, or NULL when there is no row (malloc'd). */
static char *value(PGconn *c, const char *sql, const char *arg)
{
	const char *params[1] = { arg };
	PGresult *res = PQexecParams(c, sql, arg ? 1 : 0, NULL, params, NULL, NULL, 0);
	char *v = NULL;

	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = sh_xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static char *text_of(PGconn *c, const char *ref)
{
	return value(c, "SELECT unprocessed_entity FROM catalog.refresh_state"
		     " WHERE entity_ref = $1", ref);
}

/* What a call may change, as one text: every row, owner, edge and queued stitch. */
static char *snapshot(PGconn *c)
{
	return value(c, "SELECT concat_ws(' | ',"
		     " (SELECT string_agg(concat_ws(',', entity_ref, location_key,"
		     "  md5(unprocessed_entity), unprocessed_hash, xmin::text), ';' ORDER BY entity_ref)"
		     "  FROM catalog.refresh_state),"
		     " (SELECT string_agg(concat_ws(',', id, source_key, source_entity_ref,"
		     "  target_entity_ref), ';' ORDER BY id) FROM catalog.refresh_state_references),"
		     " (SELECT string_agg(entity_ref, ';' ORDER BY entity_ref)"
		     "  FROM catalog.stitch_queue))", NULL);
}

/* Nothing changed since `before` (a snapshot, freed here). */
static void unchanged_since(PGconn *c, char *before)
{
	char *after = snapshot(c);

	ck_assert_str_eq(after, before);
	free(after);
	free(before);
}

#define COMP(name, extra) "{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Component\"," \
	"\"metadata\":{\"name\":\"" name "\"}" extra "}"
#define A COMP("a", ",\"spec\":{\"type\":\"service\"}")
#define A2 COMP("a", ",\"spec\":{\"type\":\"website\"}")
#define B COMP("b", "")
/* Key order, spacing and escapes are the provider's, kept as sent. */
#define C "{\"kind\": \"System\", \"metadata\": {\"namespace\": \"NS\", \"name\": \"C\"," \
	" \"description\": \"caf\\u00e9 \\\"q\\\"\"}, \"apiVersion\": \"backstage.io/v1alpha1\"}"

START_TEST(test_full_adds_updates_removes)
{
	PGconn *c = fresh();
	char *all = list(A, B, C, NULL), *next = list(A2, C, NULL), *t;

	expect(call(c, "P", all, NULL), 3, 0, 0, 0, 0);
	t = text_of(c, "system:ns/c");
	ck_assert_str_eq(t, C);
	free(t);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state"
		" WHERE location_key = '" KEY "' AND next_update_at <= now()"
		" AND unprocessed_hash = encode(sha256(convert_to(unprocessed_entity, 'UTF8')), 'hex')"
		" AND processed_entity IS NULL"), 3);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state_references"
		" WHERE source_key = 'P' AND source_entity_ref IS NULL"), 3);
	/* Processed and not due: a changed text makes it due again. */
	pgtest_exec(c, "UPDATE catalog.refresh_state SET processed_entity = unprocessed_entity,"
		    " next_update_at = now() + interval '1 hour'");
	expect(call(c, "P", next, NULL), 0, 1, 1, 1, 0);
	t = text_of(c, "component:default/a");
	ck_assert_str_eq(t, A2);
	free(t);
	ck_assert_ptr_null(text_of(c, "component:default/b"));
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state"
		" WHERE next_update_at <= now()"), 1);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state_references"), 2);
	free(all);
	free(next);
	PQfinish(c);
}
END_TEST

START_TEST(test_unchanged_writes_nothing)
{
	PGconn *c = fresh();
	char *all = list(A, B, C, NULL), *before;
	PGnotify *note;

	expect(call(c, "P", all, NULL), 3, 0, 0, 0, 0);
	before = snapshot(c);
	pgtest_exec(c, "LISTEN catalog_process");
	pgtest_exec(c, "LISTEN catalog_stitch");
	expect(call(c, "P", all, NULL), 0, 0, 0, 3, 0);
	/* Not one row version: xmin is in the snapshot. */
	unchanged_since(c, before);
	PQconsumeInput(c);
	note = PQnotifies(c);
	ck_assert_msg(note == NULL, "unchanged mutation notified %s", note ? note->relname : "");
	free(all);
	PQfinish(c);
}
END_TEST

/* A file location's entity (its owner "file:/x.yaml", its parent the
 * Location) and provider Q's are never touched by P. */
static void others(PGconn *c)
{
	char *q = list(COMP("q", ""), NULL);

	pgtest_exec(c, "INSERT INTO catalog.refresh_state (entity_ref, unprocessed_entity,"
		    " unprocessed_hash, location_key, next_update_at) VALUES"
		    " ('location:default/x', '{}', 'h', 'file:/x', now() + interval '1 hour'),"
		    " ('component:default/shared', '{\"file\":1}', 'h', 'file:/x.yaml',"
		    "  now() + interval '1 hour');"
		    "INSERT INTO catalog.refresh_state_references (source_key, source_entity_ref,"
		    " target_entity_ref) VALUES ('config', NULL, 'location:default/x'),"
		    " (NULL, 'location:default/x', 'component:default/shared')");
	expect(call(c, "Q", q, NULL), 1, 0, 0, 0, 0);
	free(q);
}

START_TEST(test_others_untouched)
{
	PGconn *c = fresh();
	char *mine = list(COMP("Shared", ""), COMP("q", ""), COMP("shared-2", ""), NULL);
	char *none = list(NULL), *before;

	others(c);
	before = snapshot(c);
	expect(call(c, "P", mine, NULL), 1, 0, 0, 0, 2);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state_references"
		" WHERE source_key = 'P'"), 1);
	expect(call(c, "P", none, NULL), 0, 0, 1, 0, 0);
	unchanged_since(c, before);
	free(mine);
	free(none);
	PQfinish(c);
}
END_TEST

START_TEST(test_delta)
{
	PGconn *c = fresh();
	char *ab = list(A, B, NULL), *a2 = list(A2, NULL), *none = list(NULL), *t;
	char *gone = list("Component:Default/B", "component:default/q", "component:default/shared",
			  "component:default/nothing", NULL);
	char *both = list("component:default/a", NULL), *before;

	others(c);
	expect(call(c, "P", ab, none), 2, 0, 0, 0, 0);
	expect(call(c, "P", a2, none), 0, 1, 0, 0, 0);
	t = text_of(c, "component:default/a");
	ck_assert_str_eq(t, A2);
	free(t);
	/* B goes; refs P does not own do nothing. */
	expect(call(c, "P", none, gone), 0, 0, 1, 0, 0);
	ck_assert_ptr_null(text_of(c, "component:default/b"));
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state"), 4);
	/* Upserted and removed in one call: it stays, unchanged. */
	before = snapshot(c);
	expect(call(c, "P", a2, both), 0, 0, 0, 1, 0);
	unchanged_since(c, before);
	free(ab);
	free(a2);
	free(none);
	free(gone);
	free(both);
	PQfinish(c);
}
END_TEST

/* The call fails with 22023 and a message naming `what`; nothing changed. */
static void rejected(PGconn *c, const char *entities, const char *removed, const char *what)
{
	char *before = snapshot(c);
	PGresult *res = mutate(c, "P", KEY, entities, removed);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	ck_assert_str_eq(state, "22023");
	ck_assert_msg(strstr(msg, what) != NULL, "message %s lacks %s", msg, what);
	PQclear(res);
	unchanged_since(c, before);
}

START_TEST(test_envelope)
{
	PGconn *c = fresh();
	char *ab = list(A, B, NULL), *l;
	static const char *const bad[] = {
		"{\"kind\":\"Component\",\"metadata\":{\"name\":\"x\"}}",
		"{\"apiVersion\":\"\",\"kind\":\"Component\",\"metadata\":{\"name\":\"x\"}}",
		"{\"apiVersion\":\"v\",\"kind\":7,\"metadata\":{\"name\":\"x\"}}",
		"{\"apiVersion\":\"v\",\"kind\":\"K\",\"metadata\":{\"name\":\"\"}}",
		"{\"apiVersion\":\"v\",\"kind\":\"K\",\"metadata\":[\"x\"]}",
		"{\"apiVersion\":\"v\",\"kind\":\"K\",\"metadata\":{\"name\":\"x\"}",
		"[\"a\"]",
		"{\"apiVersion\":\"v\",\"kind\":\"K\",\"metadata\":{\"name\":\"x\\u0000\"}}",
	};

	expect(call(c, "P", ab, NULL), 2, 0, 0, 0, 0);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		l = list(COMP("new", ""), bad[i], NULL);
		rejected(c, l, NULL, "entity 2 of 2");
		rejected(c, l, "[]", "entity 2 of 2");
		free(l);
	}
	rejected(c, "[\"{}\", null]", NULL, "entity 2 of 2 is NULL");
	free(ab);
	PQfinish(c);
}
END_TEST

/* Duplicates: the last text of a ref wins; refs are ref.c's. */
START_TEST(test_refs_and_duplicates)
{
	PGconn *c = fresh();
	static const char *const ents[] = {
		"{\"apiVersion\":\"v\",\"kind\":\"Component\",\"metadata\":{\"name\":\"Dup\"}}",
		"{\"apiVersion\":\"v\",\"kind\":\"COMPONENT\",\"metadata\":{\"name\":\"dup\","
		"\"namespace\":\"default\"},\"last\":true}",
		"{\"apiVersion\":\"v\",\"kind\":\"API\",\"metadata\":{\"name\":\"N\",\"namespace\":\"\"}}",
		"{\"apiVersion\":\"v\",\"kind\":\"Group\",\"metadata\":{\"name\":\"G\",\"namespace\":5}}",
		"{\"apiVersion\":\"v\",\"kind\":\"Dom\\u00c4in\",\"metadata\":{\"name\":\"\\u00c9x\","
		"\"namespace\":\"Ns-1\"}}",
	};
	char *l = list(ents[0], ents[1], ents[2], ents[3], ents[4], NULL), *t;

	expect(call(c, "P", l, NULL), 4, 0, 0, 0, 0);
	t = text_of(c, "component:default/dup");
	ck_assert_str_eq(t, ents[1]);
	free(t);
	for (size_t i = 1; i < sizeof ents / sizeof *ents; i++) {
		json_t *e = json_loads(ents[i], 0, NULL);
		char *ref = catalog_ref_of_entity(e);

		t = text_of(c, ref);
		ck_assert_msg(t != NULL, "no row for ref.c's %s", ref);
		ck_assert_str_eq(t, ents[i]);
		free(t);
		free(ref);
		json_decref(e);
	}
	free(l);
	PQfinish(c);
}
END_TEST

/* Below P's Location l, as processing would leave them: x (parent l only)
 * with its child z, y (parents l and provider "other"), and "other"'s
 * group owner, which a relation x originated names; every one stitched. */
static void family(PGconn *c)
{
	pgtest_exec(c, "INSERT INTO catalog.refresh_state (entity_ref, unprocessed_entity,"
		    " unprocessed_hash, processed_entity) VALUES"
		    " ('component:default/x', '{}', 'h', '{}'), ('component:default/y', '{}', 'h', '{}'),"
		    " ('component:default/z', '{}', 'h', '{}'), ('group:default/owner', '{}', 'h', '{}');"
		    "INSERT INTO catalog.refresh_state_references (source_key, source_entity_ref,"
		    " target_entity_ref) VALUES (NULL, 'location:default/l', 'component:default/x'),"
		    " (NULL, 'component:default/x', 'component:default/z'),"
		    " (NULL, 'location:default/l', 'component:default/y'),"
		    " ('other', NULL, 'component:default/y'), ('other', NULL, 'group:default/owner');"
		    "INSERT INTO catalog.relations SELECT entity_id, 'group:default/owner', 'ownerOf',"
		    " 'component:default/x' FROM catalog.refresh_state"
		    " WHERE entity_ref = 'component:default/x';"
		    "INSERT INTO catalog.final_entities (entity_id, entity_ref, final_entity, hash)"
		    " SELECT entity_id, entity_ref, '{}', 'h' FROM catalog.refresh_state");
}

/* Removing a root deletes it and the descendants left without another
 * parent, with their final entities; what they related to is restitched,
 * and the tasks are woken. */
START_TEST(test_eager_pruning)
{
	PGconn *c = fresh();
	char *loc = list("{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Location\","
			 "\"metadata\":{\"name\":\"l\"},\"spec\":{\"target\":\"x\"}}", NULL);
	char *gone = list("location:default/l", NULL), *none = list(NULL);
	PGnotify *note;
	int seen = 0;

	expect(call(c, "P", loc, NULL), 1, 0, 0, 0, 0);
	family(c);
	pgtest_exec(c, "LISTEN catalog_stitch; LISTEN catalog_changed");
	expect(call(c, "P", none, gone), 0, 0, 3, 0, 0);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state"
		" WHERE entity_ref IN ('component:default/y', 'group:default/owner')"), 2);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state"), 2);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.final_entities"), 2);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.relations"), 0);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.stitch_queue WHERE"
		" entity_ref IN ('component:default/y', 'group:default/owner')"), 2);
	PQconsumeInput(c);
	while ((note = PQnotifies(c)) != NULL) {
		seen |= strcmp(note->relname, "catalog_stitch") == 0 ? 1 :
			strcmp(note->relname, "catalog_changed") == 0 ? 2 : 0;
		PQfreemem(note);
	}
	ck_assert_int_eq(seen, 3);
	free(loc);
	free(gone);
	free(none);
	PQfinish(c);
}
END_TEST

/* A new or changed entity wakes processing; an edge added to an entity
 * that has a final entity queues its stitch (its orphan flag goes). */
START_TEST(test_wakes_and_claims)
{
	PGconn *c = fresh();
	char *a = list(A, NULL), *none = list(NULL);
	PGnotify *note;

	pgtest_exec(c, "INSERT INTO catalog.refresh_state (entity_ref, unprocessed_entity,"
		    " unprocessed_hash, processed_entity) VALUES ('component:default/a', '" A "',"
		    " 'h', '{}'); LISTEN catalog_process");
	/* An ownerless row is claimed: same text, but an owner and an edge. */
	expect(call(c, "P", a, none), 0, 1, 0, 0, 0);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.refresh_state"
		" WHERE location_key = '" KEY "'"), 1);
	ck_assert_int_eq(pgtest_long(c, "SELECT count(*) FROM catalog.stitch_queue"), 1);
	PQconsumeInput(c);
	note = PQnotifies(c);
	ck_assert_msg(note != NULL && strcmp(note->relname, "catalog_process") == 0,
		      "no catalog_process notification");
	PQfreemem(note);
	free(a);
	free(none);
	PQfinish(c);
}
END_TEST

/* Waits until the backend `pid` waits for a lock. */
static void wait_for_lock_wait(PGconn *c, const char *pid)
{
	char sql[160];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity"
		 " WHERE pid = %s AND wait_event_type = 'Lock'", pid);
	for (int i = 0; i < 500 && pgtest_long(c, sql) == 0; i++)
		pgtest_sleep_ms(10);
	ck_assert_int_eq(pgtest_long(c, sql), 1);
}

/* Chosen as a deadlock's victim (another transaction holds b and wants a,
 * which the mutation holds and wants b), the writes run again once the
 * other goes on, and the call succeeds. */
START_TEST(test_deadlock_retried)
{
	PGconn *c = fresh(), *other = pgtest_admin();
	char *ab = list(A, B, NULL), *changed = list(A2, COMP("b", ",\"spec\":{}"), NULL);
	char *none = list(NULL), *pid = value(c, "SELECT pg_backend_pid()::text", NULL);
	const char *params[4] = { "P", KEY, changed, none };
	PGresult *res;

	expect(call(c, "P", ab, NULL), 2, 0, 0, 0, 0);
	/* The mutation's detector runs first, once `other` waits too. */
	pgtest_exec(c, "SET deadlock_timeout = '500ms'");
	pgtest_exec(other, "SET deadlock_timeout = '10s'; BEGIN; UPDATE catalog.refresh_state SET errors = NULL"
		    " WHERE entity_ref = 'component:default/b'");
	ck_assert_int_eq(PQsendQueryParams(c, "SELECT * FROM catalog.provider_delta_v1($1, $2,"
		" ARRAY(SELECT json_array_elements_text($3::json)),"
		" ARRAY(SELECT json_array_elements_text($4::json)))",
		4, NULL, params, NULL, NULL, 0), 1);
	wait_for_lock_wait(other, pid);
	pgtest_exec(other, "UPDATE catalog.refresh_state SET errors = NULL"
		    " WHERE entity_ref = 'component:default/a'; COMMIT");
	res = PQgetResult(c);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	ck_assert_str_eq(PQgetvalue(res, 0, 1), "2");
	PQclear(res);
	ck_assert_ptr_null(PQgetResult(c));
	free(ab);
	free(changed);
	free(none);
	free(pid);
	PQfinish(other);
	PQfinish(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_provider");
	TCase *tc = tcase_create("provider");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_full_adds_updates_removes);
	tcase_add_test(tc, test_unchanged_writes_nothing);
	tcase_add_test(tc, test_others_untouched);
	tcase_add_test(tc, test_delta);
	tcase_add_test(tc, test_envelope);
	tcase_add_test(tc, test_refs_and_duplicates);
	tcase_add_test(tc, test_eager_pruning);
	tcase_add_test(tc, test_wakes_and_claims);
	tcase_add_test(tc, test_deadlock_retried);
	suite_add_tcase(s, tc);
	return pgtest_main("catalog_provider", s);
}
