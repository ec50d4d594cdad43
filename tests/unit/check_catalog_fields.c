/*
 * fields= projection: list parsing (commas, trimming, duplicates, the exact
 * 400 text for '['), glue-and-retry path resolution for dotted annotation
 * keys, nested copies, skipped unresolved paths, arrays not descended.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/fields.h"
#include "unit.h"

static json_t *entity;

static void setup(void)
{
	entity = json_loads("{\"apiVersion\":\"av\",\"kind\":\"k\",\"metadata\":{\"name\":\"n\","
			    "\"tags\":[\"t1\",\"t2\"],\"annotations\":{\"example.test/url-like-key\":"
			    "\"ul1\",\"example.com/other-url-like-key\":\"ul2\",\"a.b\":{\"c\":3}}},"
			    "\"spec\":{\"type\":\"t\",\"profile\":{\"displayName\":\"D\"},\"n\":null},"
			    "\"relations\":[{\"type\":\"ownedBy\",\"targetRef\":\"group:default/x\"}]}",
			    0, NULL);
	ck_assert_ptr_nonnull(entity);
}

static void teardown(void)
{
	json_decref(entity);
}

static void expect(const char *list, int split, const char *want)
{
	struct catalog_fields *f;
	json_t *out, *w = json_loads(want, 0, NULL);
	char *err, *got;

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(catalog_fields_parse(&list, 1, split, &f, &err), 0);
	ck_assert_ptr_nonnull(f);
	out = catalog_fields_apply(f, entity);
	got = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_msg(json_equal(out, w), "fields=%s gave %s", list, got);
	free(got);
	json_decref(out);
	json_decref(w);
	catalog_fields_free(f);
}

START_TEST(test_projection)
{
	expect("kind", 1, "{\"kind\":\"k\"}");
	expect("kind, apiVersion,kind", 1, "{\"kind\":\"k\",\"apiVersion\":\"av\"}");
	expect("kind,metadata.name", 1, "{\"kind\":\"k\",\"metadata\":{\"name\":\"n\"}}");
	expect("metadata.annotations.example.test/url-like-key,metadata.name", 1,
	       "{\"metadata\":{\"name\":\"n\",\"annotations\":{\"example.test/url-like-key\":\"ul1\"}}}");
	expect("metadata.annotations.a.b.c", 1, "{\"metadata\":{\"annotations\":{\"a.b\":{\"c\":3}}}}");
	expect("spec.profile.displayName", 1, "{\"spec\":{\"profile\":{\"displayName\":\"D\"}}}");
	expect("spec.profile.displayname", 1, "{}");
	expect("spec.n", 1, "{\"spec\":{\"n\":null}}");
	expect("relations", 1,
	       "{\"relations\":[{\"type\":\"ownedBy\",\"targetRef\":\"group:default/x\"}]}");
	expect("relations.type,metadata.tags.0,nope,kind.x", 1, "{}");
	expect("metadata.tags", 1, "{\"metadata\":{\"tags\":[\"t1\",\"t2\"]}}");
	expect("spec.type,spec", 1,
	       "{\"spec\":{\"type\":\"t\",\"profile\":{\"displayName\":\"D\"},\"n\":null}}");
	expect("kind,apiVersion", 0, "{}");
}
END_TEST

START_TEST(test_parse)
{
	const char *items[] = { "kind,", " ", "metadata.tags[0],spec[1]", "x" };
	struct catalog_fields *f;
	char *err;
	json_t *null = json_null(), *out;

	ck_assert_int_eq(catalog_fields_parse(items, 2, 1, &f, &err), 0);
	ck_assert_uint_eq(f->n, 1);
	catalog_fields_free(f);
	ck_assert_int_eq(catalog_fields_parse(items + 1, 1, 1, &f, &err), 0);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(catalog_fields_parse(items, 4, 1, &f, &err), SH_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err, "Invalid field \"metadata.tags[0]\", array type fields are not supported");
	free(err);
	out = catalog_fields_apply(NULL, entity);
	ck_assert_ptr_eq(out, entity);
	json_decref(out);
	ck_assert_int_eq(catalog_fields_parse(items + 3, 1, 1, &f, &err), 0);
	out = catalog_fields_apply(f, null);
	ck_assert(json_is_null(out));
	catalog_fields_free(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_fields");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_projection);
	tcase_add_test(tc, test_parse);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
