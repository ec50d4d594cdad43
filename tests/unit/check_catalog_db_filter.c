/*
 * db_filter.c, filters as SQL: the exact WHERE text and parameters for the
 * filter= grammar and predicate forms (AND, OR, NOT, IN, exists, prefix,
 * empty sets), values never in the text, and the parameter and text caps.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/db_filter.h"
#include "unit.h"

#define SUB "f.entity_id IN (SELECT entity_id FROM catalog.search WHERE key = "

static struct catalog_sql q;

static void setup(void)
{
	catalog_sql_init(&q);
}

static void teardown(void)
{
	catalog_sql_free(&q);
}

static void params_sql(const char *const *params, size_t n)
{
	struct catalog_filter *f = NULL;
	char *err = NULL;

	ck_assert_int_eq(catalog_filter_parse_params(params, n, &f, &err), 0);
	ck_assert_int_eq(catalog_sql_filter(&q, f, "f.entity_id"), 0);
	catalog_filter_free(f);
}

static void pred_sql(const char *json)
{
	struct catalog_filter *f = NULL;
	json_t *j = json_loads(json, 0, NULL);
	char *err = NULL;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(catalog_filter_parse_predicate(j, &f, &err), 0);
	ck_assert_int_eq(catalog_sql_filter(&q, f, "f.entity_id"), 0);
	catalog_filter_free(f);
	json_decref(j);
}

START_TEST(test_none)
{
	ck_assert_int_eq(catalog_sql_filter(&q, NULL, "f.entity_id"), 0);
	ck_assert_str_eq(catalog_sql_str(&q), "TRUE");
	ck_assert_uint_eq(q.n_params, 0);
}
END_TEST

START_TEST(test_and_or)
{
	const char *p[] = { "kind=Component,spec.type=service", "kind=api" };

	params_sql(p, 2);
	ck_assert_str_eq(catalog_sql_str(&q), "((" SUB "$1 AND value IN ($2)) AND " SUB "$3 AND value IN ($4)))"
			 " OR " SUB "$5 AND value IN ($6)))");
	ck_assert_uint_eq(q.n_params, 6);
	ck_assert_str_eq(q.params[0], "kind");
	ck_assert_str_eq(q.params[1], "component");
	ck_assert_str_eq(q.params[3], "service");
	ck_assert_str_eq(q.params[5], "api");
}
END_TEST

START_TEST(test_same_key_exists)
{
	const char *p[] = { "kind=user,kind=group,metadata.tags.java" };

	params_sql(p, 1);
	ck_assert_ptr_nonnull(strstr(catalog_sql_str(&q), "value IN ($2, $3)"));
	ck_assert_ptr_nonnull(strstr(catalog_sql_str(&q), SUB "$4)"));
	ck_assert_str_eq(q.params[3], "metadata.tags.java");
}
END_TEST

START_TEST(test_values_never_in_text)
{
	const char *p[] = { "metadata.name=x'); DROP TABLE catalog.search; --" };

	params_sql(p, 1);
	ck_assert_ptr_null(strstr(catalog_sql_str(&q), "DROP"));
	ck_assert_ptr_null(strstr(catalog_sql_str(&q), "'"));
	ck_assert_str_eq(q.params[1], "x'); drop table catalog.search; --");
}
END_TEST

START_TEST(test_predicates)
{
	pred_sql("{\"$not\": {\"metadata.name\": {\"$hasPrefix\": \"Pet\"}}}");
	ck_assert_str_eq(catalog_sql_str(&q), "NOT (" SUB "$1 AND starts_with(value, $2)))");
	ck_assert_str_eq(q.params[1], "pet");
	catalog_sql_free(&q);
	pred_sql("{\"$any\": []}");
	ck_assert_str_eq(catalog_sql_str(&q), "FALSE");
	catalog_sql_free(&q);
	pred_sql("{\"$all\": []}");
	ck_assert_str_eq(catalog_sql_str(&q), "TRUE");
	catalog_sql_free(&q);
	pred_sql("{\"kind\": {\"$in\": []}}");
	ck_assert_ptr_nonnull(strstr(catalog_sql_str(&q), "FALSE"));
	ck_assert_uint_eq(q.n_params, 0);
	catalog_sql_free(&q);
	pred_sql("{\"spec.owner\": {\"$exists\": true}}");
	ck_assert_ptr_nonnull(strstr(catalog_sql_str(&q), SUB "$1)"));
}
END_TEST

START_TEST(test_param_cap)
{
	size_t i;

	for (i = 0; i < CATALOG_SQL_MAX_PARAMS; i++)
		ck_assert_int_eq(catalog_sql_param(&q, "v"), 0);
	ck_assert_int_eq(catalog_sql_param(&q, "v"), SH_ETOOBIG);
	ck_assert_uint_eq(q.n_params, CATALOG_SQL_MAX_PARAMS);
	ck_assert_ptr_nonnull(strstr(catalog_sql_str(&q), "$65535"));
}
END_TEST

/* Past the text cap nothing more is appended and every later call fails. */
START_TEST(test_text_cap)
{
	q.text.max = 20;
	catalog_sql_append(&q, "SELECT 1 WHERE ");
	ck_assert_int_eq(q.rc, 0);
	ck_assert_int_eq(catalog_sql_filter(&q, NULL, "f.entity_id"), 0);
	ck_assert_int_eq(catalog_sql_param(&q, "v"), SH_ETOOBIG);
	ck_assert_str_eq(catalog_sql_str(&q), "SELECT 1 WHERE TRUE");
	catalog_sql_append(&q, "x");
	ck_assert_int_eq(catalog_sql_filter(&q, NULL, "f.entity_id"), SH_ETOOBIG);
	ck_assert_str_eq(catalog_sql_str(&q), "SELECT 1 WHERE TRUE");
	catalog_sql_free(&q);
	ck_assert_int_eq(q.rc, 0);
	ck_assert_uint_eq(q.text.max, CATALOG_SQL_MAX_TEXT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_db_filter");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_and_or);
	tcase_add_test(tc, test_same_key_exists);
	tcase_add_test(tc, test_values_never_in_text);
	tcase_add_test(tc, test_predicates);
	tcase_add_test(tc, test_param_cap);
	tcase_add_test(tc, test_text_cap);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
