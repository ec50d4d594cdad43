/*
 * Relation emission: forward and reverse rows per spec field, default kinds,
 * the source's namespace as default, dependsOn without a kind as an error,
 * and the sorted, de-duplicated final `relations` array of one entity.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/relations.h"
#include "unit.h"

static struct catalog_relations rels;

static void teardown(void)
{
	catalog_relations_free(&rels);
}

static json_t *entity(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	ck_assert_msg(j != NULL, "bad test json: %s", e.text);
	return j;
}

static int has(const char *src, const char *type, const char *dst)
{
	size_t i;

	for (i = 0; i < rels.n; i++)
		if (!strcmp(rels.rows[i].source_ref, src) && !strcmp(rels.rows[i].type, type) &&
		    !strcmp(rels.rows[i].target_ref, dst))
			return 1;
	return 0;
}

static void emit_ok(const char *text)
{
	json_t *e = entity(text);
	char *err;

	ck_assert_int_eq(catalog_relations_emit(e, &rels, &err), 0);
	ck_assert_ptr_null(err);
	json_decref(e);
}

START_TEST(test_component)
{
	emit_ok("{\"kind\":\"Component\",\"metadata\":{\"name\":\"Petstore\",\"namespace\":\"prod\"},"
		"\"spec\":{\"owner\":\"Team-A\",\"system\":\"default/pets\",\"subcomponentOf\":\"big\","
		"\"providesApis\":[\"pets-api\"],\"consumesApis\":[\"api:other/x\"],"
		"\"dependsOn\":[\"resource:db\"],\"dependencyOf\":[\"component:y\"]}}");
	ck_assert_uint_eq(rels.n, 14);
	ck_assert(has("component:prod/petstore", "ownedBy", "group:prod/team-a"));
	ck_assert(has("group:prod/team-a", "ownerOf", "component:prod/petstore"));
	ck_assert(has("component:prod/petstore", "partOf", "system:default/pets"));
	ck_assert(has("system:default/pets", "hasPart", "component:prod/petstore"));
	ck_assert(has("component:prod/petstore", "partOf", "component:prod/big"));
	ck_assert(has("component:prod/petstore", "providesApi", "api:prod/pets-api"));
	ck_assert(has("api:prod/pets-api", "apiProvidedBy", "component:prod/petstore"));
	ck_assert(has("component:prod/petstore", "consumesApi", "api:other/x"));
	ck_assert(has("api:other/x", "apiConsumedBy", "component:prod/petstore"));
	ck_assert(has("component:prod/petstore", "dependsOn", "resource:prod/db"));
	ck_assert(has("resource:prod/db", "dependencyOf", "component:prod/petstore"));
	ck_assert(has("component:prod/petstore", "dependencyOf", "component:prod/y"));
	ck_assert(has("component:prod/y", "dependsOn", "component:prod/petstore"));
}
END_TEST

START_TEST(test_org)
{
	emit_ok("{\"kind\":\"Group\",\"metadata\":{\"name\":\"ops\"},\"spec\":{\"type\":\"team\","
		"\"parent\":\"infra\",\"children\":[\"sre\"],\"members\":[\"jdoe\"]}}");
	emit_ok("{\"kind\":\"User\",\"metadata\":{\"name\":\"jdoe\"},\"spec\":{\"memberOf\":[\"ops\"]}}");
	ck_assert(has("group:default/ops", "childOf", "group:default/infra"));
	ck_assert(has("group:default/infra", "parentOf", "group:default/ops"));
	ck_assert(has("group:default/ops", "parentOf", "group:default/sre"));
	ck_assert(has("group:default/ops", "hasMember", "user:default/jdoe"));
	ck_assert(has("user:default/jdoe", "memberOf", "group:default/ops"));
	ck_assert_uint_eq(rels.n, 8);
}
END_TEST

START_TEST(test_other_kinds)
{
	emit_ok("{\"kind\":\"System\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"owner\":\"user:me\","
		"\"domain\":\"d\"}}");
	emit_ok("{\"kind\":\"Domain\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"owner\":\"g\","
		"\"subdomainOf\":\"top\"}}");
	emit_ok("{\"kind\":\"Location\",\"metadata\":{\"name\":\"l\"},\"spec\":{\"owner\":\"g\"}}");
	emit_ok("{\"kind\":\"Template\",\"metadata\":{\"name\":\"t\"},\"spec\":{\"owner\":\"g\"}}");
	emit_ok("{\"kind\":\"API\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"owner\":\"\","
		"\"system\":null}}");
	ck_assert(has("system:default/s", "ownedBy", "user:default/me"));
	ck_assert(has("system:default/s", "partOf", "domain:default/d"));
	ck_assert(has("domain:default/d", "partOf", "domain:default/top"));
	ck_assert(has("template:default/t", "ownedBy", "group:default/g"));
	ck_assert_uint_eq(rels.n, 10);
}
END_TEST

START_TEST(test_depends_on_needs_kind)
{
	json_t *e = entity("{\"kind\":\"Resource\",\"metadata\":{\"name\":\"r\"},"
			   "\"spec\":{\"owner\":\"g\",\"dependsOn\":[\"component:a\",\"db\"]}}");
	char *err;

	ck_assert_int_eq(catalog_relations_emit(e, &rels, &err), SH_EINVAL);
	ck_assert_str_eq(err, "Entity reference \"db\" had missing or empty kind "
			      "(e.g. did not start with \"component:\" or similar)");
	ck_assert_uint_eq(rels.n, 0);
	free(err);
	json_decref(e);
}
END_TEST

START_TEST(test_build)
{
	json_t *arr, *want;

	emit_ok("{\"kind\":\"Component\",\"metadata\":{\"name\":\"c\"},\"spec\":{\"owner\":\"b\","
		"\"system\":\"s\",\"providesApis\":[\"z\",\"a\",\"a\"]}}");
	emit_ok("{\"kind\":\"Component\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"owner\":\"b\"}}");
	arr = catalog_relations_build(rels.rows, rels.n, "component:default/c");
	want = entity("[{\"type\":\"ownedBy\",\"targetRef\":\"group:default/b\"},"
		      "{\"type\":\"partOf\",\"targetRef\":\"system:default/s\"},"
		      "{\"type\":\"providesApi\",\"targetRef\":\"api:default/a\"},"
		      "{\"type\":\"providesApi\",\"targetRef\":\"api:default/z\"}]");
	ck_assert(json_equal(arr, want));
	json_decref(arr);
	json_decref(want);
	arr = catalog_relations_build(rels.rows, rels.n, "group:default/b");
	want = entity("[{\"type\":\"ownerOf\",\"targetRef\":\"component:default/c\"},"
		      "{\"type\":\"ownerOf\",\"targetRef\":\"component:default/d\"}]");
	ck_assert(json_equal(arr, want));
	json_decref(arr);
	json_decref(want);
	arr = catalog_relations_build(rels.rows, rels.n, "nobody:default/x");
	ck_assert(json_is_array(arr) && json_array_size(arr) == 0);
	json_decref(arr);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_relations");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_component);
	tcase_add_test(tc, test_org);
	tcase_add_test(tc, test_other_kinds);
	tcase_add_test(tc, test_depends_on_needs_kind);
	tcase_add_test(tc, test_build);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
