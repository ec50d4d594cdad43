/*
 * Search flattening (spec §4.3): leaves, arrays, "path.item"="true", skipped
 * and explicit keys, lower-casing with the original kept, the 200-char caps,
 * duplicate removal, the case-collision error, and JavaScript String(number).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/search.h"
#include "unit.h"

static struct catalog_search s;

static void teardown(void)
{
	catalog_search_free(&s);
}

static void build(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	char *err;

	ck_assert_msg(j != NULL, "bad test json: %s", e.text);
	ck_assert_int_eq(catalog_search_build(j, &s, &err), 0);
	ck_assert_ptr_null(err);
	json_decref(j);
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Number of rows equal to (key, value, original). */
static int count(const char *key, const char *value, const char *orig)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s.n; i++)
		n += !strcmp(s.rows[i].key, key) && same(s.rows[i].value, value) &&
		     same(s.rows[i].original_value, orig);
	return n;
}

static int has_key(const char *key)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!strcmp(s.rows[i].key, key))
			return 1;
	return 0;
}

START_TEST(test_traverse)
{
	build("{\"a\":1,\"b\":{\"c\":null,\"e\":[\"f\",\"G\"]},\"h\":[{\"i\":1,\"j\":\"k\"},"
	      "{\"i\":2.5,\"j\":\"l\"}],\"t\":true,\"o\":{}}");
	ck_assert_int_eq(count("a", "1", "1"), 1);
	ck_assert_int_eq(count("b.c", NULL, NULL), 1);
	ck_assert_int_eq(count("b.e", "f", "f"), 1);
	ck_assert_int_eq(count("b.e.f", "true", "true"), 1);
	ck_assert_int_eq(count("b.e", "g", "G"), 1);
	ck_assert_int_eq(count("b.e.g", "true", "true"), 1);
	ck_assert_int_eq(count("h.i", "1", "1"), 1);
	ck_assert_int_eq(count("h.i", "2.5", "2.5"), 1);
	ck_assert_int_eq(count("h.j", "l", "l"), 1);
	ck_assert_int_eq(count("t", "true", "true"), 1);
	ck_assert(!has_key("o"));
	ck_assert(!has_key("b"));
	/* always-present explicit keys, null when absent, namespace defaulted */
	ck_assert_int_eq(count("metadata.name", NULL, NULL), 1);
	ck_assert_int_eq(count("metadata.uid", NULL, NULL), 1);
	ck_assert_int_eq(count("metadata.namespace", NULL, NULL), 1);
	ck_assert_int_eq(count("metadata.namespace", "default", "default"), 1);
	ck_assert_uint_eq(s.n, 15);
}
END_TEST

START_TEST(test_entity)
{
	build("{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Component\","
	      "\"metadata\":{\"name\":\"Pet\",\"namespace\":\"prod\",\"uid\":\"U1\",\"etag\":\"E\","
	      "\"tags\":[\"Java\",\"java\"],\"annotations\":{\"backstage.io/orphan\":\"true\"}},"
	      "\"spec\":{\"owner\":\"Team\"},\"status\":{\"items\":[{\"level\":\"error\"}]},"
	      "\"relations\":[{\"type\":\"ownedBy\",\"targetRef\":\"group:prod/team\"}]}");
	ck_assert_int_eq(count("kind", "component", "Component"), 1);
	ck_assert_int_eq(count("metadata.name", "pet", "Pet"), 1);
	ck_assert_int_eq(count("metadata.namespace", "prod", "prod"), 1);
	ck_assert_int_eq(count("metadata.namespace", "default", "default"), 0);
	ck_assert_int_eq(count("metadata.uid", "u1", "U1"), 1);
	ck_assert(!has_key("metadata.etag"));
	ck_assert(!has_key("status.items.level"));
	ck_assert(!has_key("relations.type"));
	ck_assert_int_eq(count("relations.ownedby", "group:prod/team", "group:prod/team"), 1);
	ck_assert_int_eq(count("metadata.annotations.backstage.io/orphan", "true", "true"), 1);
	/* Java and java: two original values, one item key (first wins) */
	ck_assert_int_eq(count("metadata.tags", "java", "Java"), 1);
	ck_assert_int_eq(count("metadata.tags", "java", "java"), 1);
	ck_assert_int_eq(count("metadata.tags.java", "true", "true"), 1);
	ck_assert_int_eq(count("spec.owner", "team", "Team"), 1);
}
END_TEST

START_TEST(test_caps_and_dups)
{
	char big[600], key[260];

	memset(key, 'k', 201);
	key[201] = '\0';
	memset(big, 'V', 201);
	big[201] = '\0';
	{
		char text[1200];

		snprintf(text, sizeof(text), "{\"%s\":1,\"long\":\"%s\",\"ok\":\"%.200s\","
			 "\"d\":[\"x\",\"x\"],\"n\":[1,1]}", key, big, big);
		build(text);
	}
	ck_assert(!has_key(key));
	ck_assert_int_eq(count("long", NULL, NULL), 1);
	ck_assert_int_eq(count("ok", NULL, NULL), 0);
	ck_assert_int_eq(count("d", "x", "x"), 1);
	ck_assert_int_eq(count("d.x", "true", "true"), 1);
	ck_assert_int_eq(count("n", "1", "1"), 1);
}
END_TEST

START_TEST(test_case_collision)
{
	json_t *j = json_loads("{\"spec\":{\"owner\":\"a\",\"OWNER\":\"b\",\"Owner\":\"c\"}}", 0, NULL);
	char *err;

	ck_assert_int_eq(catalog_search_build(j, &s, &err), SH_EINVAL);
	ck_assert_str_eq(err, "Entity has duplicate keys that vary only in casing, "
			      "'spec.owner', 'spec.owner'");
	ck_assert_uint_eq(s.n, 0);
	free(err);
	json_decref(j);
}
END_TEST

/* Thousands of clashing keys: the message stops at its cap and says so. */
START_TEST(test_case_collision_capped)
{
	json_t *j = json_object(), *spec = json_object();
	char key[64], *err;
	size_t len;

	for (int i = 0; i < 3000; i++) {
		snprintf(key, sizeof key, "a-rather-long-annotation-key-%04d", i);
		json_object_set_new(spec, key, json_string("x"));
		key[0] = 'A';
		json_object_set_new(spec, key, json_string("y"));
	}
	json_object_set_new(j, "spec", spec);
	ck_assert_int_eq(catalog_search_build(j, &s, &err), SH_EINVAL);
	len = strlen(err);
	ck_assert_uint_le(len, 64 * 1024 + 8);
	ck_assert_uint_gt(len, 60 * 1024);
	ck_assert_str_eq(err + len - 6, "', ...");
	ck_assert(strncmp(err, "Entity has duplicate keys that vary only in casing, "
			       "'spec.a-rather-long-annotation-key-0000', ", 93) == 0);
	free(err);
	json_decref(j);
}
END_TEST

static void expect_number(const char *json, const char *want)
{
	json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
	char *got = catalog_search_value_string(j);

	ck_assert_str_eq(got, want);
	free(got);
	json_decref(j);
}

START_TEST(test_js_numbers)
{
	expect_number("0", "0");
	expect_number("-12", "-12");
	expect_number("1.0", "1");
	expect_number("0.1", "0.1");
	expect_number("1.5e300", "1.5e+300");
	expect_number("1e21", "1e+21");
	expect_number("123456789012345680000.0", "123456789012345680000");
	expect_number("0.000001", "0.000001");
	expect_number("1e-7", "1e-7");
	expect_number("-2.5e-8", "-2.5e-8");
	expect_number("false", "false");
	ck_assert_ptr_null(catalog_search_value_string(NULL));
	ck_assert_uint_eq(catalog_search_js_length("a\xc3\xa9\xf0\x9f\x98\x80"), 4);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("catalog_search");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_traverse);
	tcase_add_test(tc, test_entity);
	tcase_add_test(tc, test_caps_and_dups);
	tcase_add_test(tc, test_case_collision);
	tcase_add_test(tc, test_case_collision_capped);
	tcase_add_test(tc, test_js_numbers);
	suite_add_tcase(su, tc);
	return sh_unit_run(su);
}
