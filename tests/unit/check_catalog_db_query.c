/*
 * db_query.c, the read routes' statements: the by-query page (sort join,
 * keyset in both directions, full-text variants, null cursor values),
 * GET /entities ordering, by-refs and facets SQL.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/db_query.h"
#include "unit.h"

static struct catalog_sql q;

static void setup(void)
{
	catalog_sql_init(&q);
}

static void teardown(void)
{
	catalog_sql_free(&q);
}

static void has(const char *needle)
{
	ck_assert_msg(strstr(catalog_sql_str(&q), needle) != NULL, "\"%s\" not in \"%s\"", needle, catalog_sql_str(&q));
}

static void hasnt(const char *needle)
{
	ck_assert_msg(strstr(catalog_sql_str(&q), needle) == NULL, "\"%s\" in \"%s\"", needle, catalog_sql_str(&q));
}

START_TEST(test_page_unordered)
{
	struct catalog_query_plan p = { .limit = 21 };

	/* no count: one plain page, the primary key gives the order */
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	ck_assert_str_eq(catalog_sql_str(&q), "SELECT NULL::bigint AS n, p.* FROM (SELECT k.entity_id, k.value,"
			 " e.final_entity FROM (SELECT f.entity_id, NULL::text AS value FROM"
			 " catalog.final_entities f WHERE TRUE ORDER BY f.entity_id ASC LIMIT $1) k"
			 " JOIN catalog.final_entities e ON e.entity_id = k.entity_id) p"
			 " ORDER BY p.entity_id ASC");
	ck_assert_str_eq(q.params[0], "21");
}
END_TEST

START_TEST(test_page_count)
{
	struct catalog_query_plan p = { .sort_field = "Metadata.Title", .limit = 0, .offset = 50,
					.count = 1 };

	/* the count is over entities, also past the last page (LEFT JOIN);
	 * orderField keys are lower-cased (spec §3.2); no value, no row */
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	ck_assert_str_eq(catalog_sql_str(&q), "SELECT c.n, p.* FROM (SELECT count(*) AS n FROM"
			 " catalog.final_entities f WHERE EXISTS (SELECT 1 FROM catalog.search s"
			 " WHERE s.entity_id = f.entity_id AND s.key = $1 AND s.value IS NOT NULL)"
			 " AND TRUE) c LEFT JOIN (SELECT k.entity_id, k.value, e.final_entity FROM"
			 " (SELECT f.entity_id, s.value FROM catalog.final_entities f JOIN"
			 " catalog.search s ON s.entity_id = f.entity_id AND s.key = $2 AND s.value"
			 " IS NOT NULL WHERE TRUE ORDER BY s.value ASC, f.entity_id ASC LIMIT $3"
			 " OFFSET $4) k JOIN catalog.final_entities e ON e.entity_id = k.entity_id) p"
			 " ON TRUE ORDER BY p.value ASC, p.entity_id ASC");
	ck_assert_str_eq(q.params[0], "metadata.title");
	ck_assert_str_eq(q.params[1], "metadata.title");
	ck_assert_str_eq(q.params[2], "0");
	catalog_sql_free(&q);
	p.sort_field = NULL;
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("(SELECT count(*) AS n FROM catalog.final_entities f WHERE TRUE) c LEFT JOIN");
}
END_TEST

START_TEST(test_page_sorted_keyset)
{
	json_t *after = json_pack("[s,s]", "b", "00000000-0000-4000-8000-000000000001");
	struct catalog_query_plan p = { .sort_field = "metadata.name", .desc = 1, .after = after,
					.limit = 3 };

	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("WHERE TRUE AND (s.value < $2 OR s.value = $3 AND f.entity_id < $4::uuid)"
	    " ORDER BY s.value DESC, f.entity_id DESC LIMIT $5");
	ck_assert_str_eq(q.params[0], "metadata.name");
	ck_assert_str_eq(q.params[1], "b");
	ck_assert_str_eq(q.params[3], "00000000-0000-4000-8000-000000000001");
	catalog_sql_free(&q);
	/* going back over a descending order: ascending, rows after */
	p.is_previous = 1;
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("(s.value > $2");
	has("ORDER BY s.value ASC, f.entity_id ASC LIMIT");
	catalog_sql_free(&q);
	/* unordered, going back: by uid descending */
	p.sort_field = NULL;
	json_decref(after);
	after = json_pack("[s]", "00000000-0000-4000-8000-000000000001");
	p.after = after;
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("WHERE TRUE AND f.entity_id < $1::uuid ORDER BY f.entity_id DESC LIMIT $2)");
	json_decref(after);
}
END_TEST

START_TEST(test_page_null_cursor_value)
{
	json_t *after = json_pack("[n,s]", "00000000-0000-4000-8000-000000000001");
	struct catalog_query_plan p = { .sort_field = "spec.type", .after = after, .limit = 3 };

	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("WHERE TRUE AND FALSE ORDER BY");
	has("LIMIT $2)"); /* no cursor value travelled */
	json_decref(after);
}
END_TEST

START_TEST(test_page_full_text)
{
	json_t *fields = json_pack("[s,s]", "metadata.Name", "spec.type");
	json_t *one = json_pack("[s]", "metadata.name");
	struct catalog_query_plan p = { .sort_field = "metadata.Name", .term = "pet", .limit = -1,
					.offset = 4, .count = 1 };

	/* default fields = [sort key]: LIKE on the joined sort row in the
	 * page; the count has no joined row and searches the key */
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("AND TRUE AND f.entity_id IN (SELECT entity_id FROM catalog.search WHERE key IN ($2)"
	    " AND value LIKE $3)) c");
	has("WHERE TRUE AND s.value LIKE $5 ORDER BY");
	ck_assert_str_eq(q.params[1], "metadata.name");
	ck_assert_str_eq(q.params[4], "%pet%");
	has("OFFSET $6");
	hasnt("LIMIT");
	catalog_sql_free(&q);
	p.count = 0;
	p.term_fields = fields;
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("AND f.entity_id IN (SELECT entity_id FROM catalog.search WHERE key IN ($2, $3)"
	    " AND value LIKE $4)");
	ck_assert_str_eq(q.params[1], "metadata.name");
	catalog_sql_free(&q);
	/* one field equal to the lower-cased sort key: the joined row again */
	p.term_fields = one;
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("AND s.value LIKE $2");
	catalog_sql_free(&q);
	/* no sort field, no fields: metadata.uid */
	p.sort_field = NULL;
	p.term_fields = NULL;
	ck_assert_int_eq(catalog_sql_query_page(&q, &p), 0);
	has("WHERE key IN ($1) AND value LIKE $2)");
	ck_assert_str_eq(q.params[0], "metadata.uid");
	json_decref(one);
	json_decref(fields);
}
END_TEST

START_TEST(test_entities_order)
{
	struct catalog_order o[2] = { { "metadata.name", 0 }, { "spec.type", 1 } };

	ck_assert_int_eq(catalog_sql_entities(&q, NULL, o, 2, 10, 20), 0);
	has("LEFT JOIN catalog.search o1 ON o1.entity_id = f.entity_id AND o1.key = $2");
	has("ORDER BY o0.value ASC NULLS LAST, o1.value DESC NULLS LAST, f.entity_id LIMIT $3"
	    " OFFSET $4) k");
	/* the page's JSON fetched after the limit, in the same order */
	has("SELECT e.final_entity FROM (SELECT f.entity_id, f.entity_ref, o0.value AS v0,"
	    " o1.value AS v1 FROM");
	has(") k JOIN catalog.final_entities e ON e.entity_id = k.entity_id"
	    " ORDER BY k.v0 ASC NULLS LAST, k.v1 DESC NULLS LAST, k.entity_id");
	ck_assert_str_eq(q.params[2], "11");
	catalog_sql_free(&q);
	ck_assert_int_eq(catalog_sql_entities(&q, NULL, NULL, 0, -1, 0), 0);
	/* without a limit every row's JSON is sent: one sort */
	ck_assert_str_eq(catalog_sql_str(&q), "SELECT f.final_entity FROM catalog.final_entities f WHERE TRUE"
			 " ORDER BY f.entity_ref");
	catalog_sql_free(&q);
	ck_assert_int_eq(catalog_sql_entities(&q, NULL, NULL, 0, 0, 5), 0);
	ck_assert_str_eq(catalog_sql_str(&q), "SELECT e.final_entity FROM (SELECT f.entity_id, f.entity_ref"
			 " FROM catalog.final_entities f WHERE TRUE ORDER BY f.entity_ref"
			 " LIMIT $1 OFFSET $2) k JOIN catalog.final_entities e"
			 " ON e.entity_id = k.entity_id ORDER BY k.entity_ref");
}
END_TEST

START_TEST(test_refs_and_facets)
{
	const char *refs[] = { "component:default/a", "api:default/b" };
	const char *keys[] = { "Kind", "spec.type" };
	const char *odd[] = { "a\"b", "c\\d,{e}" };

	/* one text[] parameter, whatever the number of refs */
	ck_assert_int_eq(catalog_sql_by_refs(&q, refs, 2, NULL), 0);
	has("WHERE f.entity_ref = ANY($1::text[]) AND TRUE");
	ck_assert_str_eq(q.params[0], "{\"component:default/a\",\"api:default/b\"}");
	catalog_sql_free(&q);
	ck_assert_int_eq(catalog_sql_by_refs(&q, odd, 2, NULL), 0);
	ck_assert_str_eq(q.params[0], "{\"a\\\"b\",\"c\\\\d,{e}\"}");
	catalog_sql_free(&q);
	ck_assert_int_eq(catalog_sql_facets(&q, keys, 2, NULL), 0);
	has("s.key IN ($1, $2) AND s.value IS NOT NULL AND TRUE GROUP BY s.key, v");
	ck_assert_str_eq(q.params[0], "kind");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_db_query");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_page_unordered);
	tcase_add_test(tc, test_page_count);
	tcase_add_test(tc, test_page_sorted_keyset);
	tcase_add_test(tc, test_page_null_cursor_value);
	tcase_add_test(tc, test_page_full_text);
	tcase_add_test(tc, test_entities_order);
	tcase_add_test(tc, test_refs_and_facets);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
