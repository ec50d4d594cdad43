/*
 * Entity refs: [<kind>:][<namespace>/]<name> splitting, context defaults,
 * Backstage's exact error texts, the canonical lower-case form, compound refs
 * and <type>:<target> location refs.
 */
#include <check.h>
#include <stdlib.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/ref.h"
#include "unit.h"

static char *canon(const char *s, const char *dk, const char *dns)
{
	struct catalog_ref r;
	char *err, *out;

	ck_assert_int_eq(catalog_ref_parse(s, dk, dns, &r, &err), 0);
	ck_assert_ptr_null(err);
	out = catalog_ref_format(r.kind, r.namespace, r.name);
	catalog_ref_clear(&r);
	return out;
}

static void expect_canon(const char *s, const char *dk, const char *dns, const char *want)
{
	char *got = canon(s, dk, dns);

	ck_assert_str_eq(got, want);
	free(got);
}

static void expect_err(const char *s, const char *dk, const char *want)
{
	struct catalog_ref r;
	char *err;

	ck_assert_int_eq(catalog_ref_parse(s, dk, NULL, &r, &err), SH_EINVAL);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(r.kind);
	free(err);
}

START_TEST(test_forms)
{
	expect_canon("Component:Default/Petstore", NULL, NULL, "component:default/petstore");
	expect_canon("team-a", "Group", NULL, "group:default/team-a");
	expect_canon("team-a", "Group", "ops", "group:ops/team-a");
	expect_canon("user:jdoe", NULL, "ops", "user:ops/jdoe");
	expect_canon("ops/team-a", "Group", "x", "group:ops/team-a");
	/* a '/' before the first ':' makes the rest the name */
	expect_canon("ns/a:b", "Group", NULL, "group:ns/a:b");
	expect_canon("k:ns/a/b", NULL, NULL, "k:ns/a/b");
	expect_canon("admin:default", NULL, NULL, "admin:default/default");
}
END_TEST

START_TEST(test_errors)
{
	expect_err(":default/admin", NULL,
		   "Entity reference \":default/admin\" was not on the form [<kind>:][<namespace>/]<name>");
	expect_err("user:/admin", NULL,
		   "Entity reference \"user:/admin\" was not on the form [<kind>:][<namespace>/]<name>");
	expect_err("user:ns/", NULL,
		   "Entity reference \"user:ns/\" was not on the form [<kind>:][<namespace>/]<name>");
	expect_err("/x", "Group",
		   "Entity reference \"/x\" was not on the form [<kind>:][<namespace>/]<name>");
	expect_err("admin", NULL, "Entity reference \"admin\" had missing or empty kind "
				  "(e.g. did not start with \"component:\" or similar)");
	expect_err("admin/guest", NULL, "Entity reference \"admin/guest\" had missing or empty kind "
					"(e.g. did not start with \"component:\" or similar)");
	expect_err("", "Group", "Entity reference must not be empty");
}
END_TEST

START_TEST(test_compound)
{
	struct catalog_ref r;
	char *err;
	json_t *j = json_pack("{s:s,s:s}", "kind", "API", "name", "Pets");

	ck_assert_int_eq(catalog_ref_parse_json(j, NULL, "prod", &r, &err), 0);
	ck_assert_str_eq(r.kind, "API");
	ck_assert_str_eq(r.namespace, "prod");
	ck_assert_str_eq(r.name, "Pets");
	catalog_ref_clear(&r);
	json_decref(j);
	j = json_pack("{s:s}", "name", "x");
	ck_assert_int_eq(catalog_ref_parse_json(j, NULL, NULL, &r, &err), SH_EINVAL);
	ck_assert_str_eq(err, "Entity reference {\"name\":\"x\"} had missing or empty kind "
			      "(e.g. did not start with \"component:\" or similar)");
	free(err);
	json_decref(j);
	j = json_pack("{s:s}", "kind", "x");
	ck_assert_int_eq(catalog_ref_parse_json(j, NULL, NULL, &r, &err), SH_EINVAL);
	ck_assert_str_eq(err, "Entity reference {\"kind\":\"x\"} had missing or empty name");
	free(err);
	json_decref(j);
}
END_TEST

START_TEST(test_entity_ref)
{
	json_t *e = json_pack("{s:s,s:{s:s}}", "kind", "Component", "metadata", "name", "Foo");
	char *ref = catalog_ref_of_entity(e);

	ck_assert_str_eq(ref, "component:default/foo");
	free(ref);
	json_object_set_new(json_object_get(e, "metadata"), "namespace", json_string("Ops"));
	ref = catalog_ref_of_entity(e);
	ck_assert_str_eq(ref, "component:ops/foo");
	free(ref);
	json_object_del(e, "kind");
	ck_assert_ptr_null(catalog_ref_of_entity(e));
	json_decref(e);
}
END_TEST

static void expect_loc_err(const char *s, const char *want)
{
	struct catalog_location_ref l;
	char *err;

	ck_assert_int_eq(catalog_location_ref_parse(s, &l, &err), SH_EINVAL);
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(test_location)
{
	struct catalog_location_ref l;
	char *err;

	ck_assert_int_eq(catalog_location_ref_parse(" url : https://h/p:x ", &l, &err), 0);
	ck_assert_str_eq(l.type, "url");
	ck_assert_str_eq(l.target, "https://h/p:x");
	catalog_location_ref_clear(&l);
	expect_loc_err("hello", "Unable to parse location ref 'hello', expected '<type>:<target>', "
				"e.g. 'url:https://host/path'");
	expect_loc_err(":hello", "Unable to parse location ref ':hello', expected '<type>:<target>', "
				 "e.g. 'url:https://host/path'");
	expect_loc_err("hello: ", "Unable to parse location ref 'hello: ', expected '<type>:<target>', "
				  "e.g. 'url:https://host/path'");
	expect_loc_err("https://bleh", "Invalid location ref 'https://bleh', please prefix it with "
				       "'url:', e.g. 'url:https://bleh'");
	expect_loc_err("url:JavaScript:alert(1)", "Invalid location ref 'url:JavaScript:alert(1)', "
						  "javascript: targets are not allowed");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_ref");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_compound);
	tcase_add_test(tc, test_entity_ref);
	tcase_add_test(tc, test_location);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
