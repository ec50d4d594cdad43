/*
 * The catalog rules of spec §9.3: the glob of location patterns (minimatch
 * with nocase and dot), the ini syntax of rule and location values and its
 * errors, and the decision Backstage's DefaultCatalogRulesEnforcer makes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/rules.h"
#include "unit.h"

static void expect_glob(const char *pattern, const char *s, int want)
{
	ck_assert_msg(catalog_rules_glob(pattern, s) == want, "glob \"%s\" %s \"%s\"", pattern,
		      want ? "should match" : "should not match", s);
}

START_TEST(test_glob)
{
	expect_glob("/srv/catalog/*.yaml", "/srv/catalog/users.yaml", 1);
	expect_glob("/srv/catalog/*.yaml", "/srv/catalog/sub/users.yaml", 0);
	expect_glob("/srv/catalog/*.yaml", "/srv/catalog/.hidden.yaml", 1);
	expect_glob("/srv/catalog/*.yaml", "/SRV/Catalog/USERS.YAML", 1);
	expect_glob("/srv/catalog/*.yaml", "/srv/catalog/users.yml", 0);
	expect_glob("/srv/**/*.yaml", "/srv/a/b/c.yaml", 1);
	expect_glob("/srv/**/*.yaml", "/srv/c.yaml", 1);
	expect_glob("/srv/**", "/srv/a/b/c.yaml", 1);
	expect_glob("/srv/**/x.yaml", "/other/x.yaml", 0);
	expect_glob("https://github.com/org/*/blob/master/template.yaml",
		    "https://github.com/org/repo/blob/master/template.yaml", 1);
	expect_glob("https://github.com/org/*/blob/master/template.yaml",
		    "https://github.com/org/a/b/blob/master/template.yaml", 0);
	expect_glob("https://github.com/org/*/blob/master/template.yaml",
		    "https://github.com/other/repo/blob/master/template.yaml", 0);
	expect_glob("/a/?.yaml", "/a/b.yaml", 1);
	expect_glob("/a/?.yaml", "/a/bc.yaml", 0);
	expect_glob("/a/?.yaml", "/a//.yaml", 0);
	expect_glob("/a/[bc].yaml", "/a/c.yaml", 1);
	expect_glob("/a/[bc].yaml", "/a/d.yaml", 0);
	expect_glob("/a/[!bc].yaml", "/a/d.yaml", 1);
	expect_glob("/a/[^bc].yaml", "/a/b.yaml", 0);
	expect_glob("/a/[a-c]x", "/a/Bx", 1);
	expect_glob("/a/[a-c]x", "/a/dx", 0);
	expect_glob("/a/[abc", "/a/[abc", 1);
	expect_glob("/a/\\*.yaml", "/a/*.yaml", 1);
	expect_glob("/a/\\*.yaml", "/a/b.yaml", 0);
	expect_glob("*", "", 1);
	expect_glob("", "", 1);
	expect_glob("", "x", 0);
	expect_glob("/a/*", "/a/", 1);
	expect_glob("a*b*c*d", "axxbyyczzd", 1);
	expect_glob("a*b*c*d", "axxbyyczz/d", 0);
}
END_TEST

static json_t *entity(const char *kind, const char *type)
{
	json_t *e = json_pack("{s:s, s:{s:s}}", "kind", kind, "metadata", "name", "x");

	if (type)
		json_object_set_new(e, "spec", json_pack("{s:s}", "type", type));
	return e;
}

static void expect_allowed(const struct catalog_rules *r, const char *kind, const char *type,
			   const char *ltype, const char *target, int want)
{
	json_t *e = entity(kind, type);

	ck_assert_msg(catalog_rules_allowed(r, e, ltype, target) == want,
		      "%s (spec.type %s) at %s:%s should be %s", kind, type ? type : "-",
		      ltype ? ltype : "-", target ? target : "-", want ? "allowed" : "refused");
	json_decref(e);
}

static void add_rule(struct catalog_rules *r, const char *value)
{
	char *err = NULL;

	ck_assert_msg(catalog_rules_add_rule(r, value, &err) == 0, "\"%s\": %s", value, err);
	ck_assert_ptr_null(err);
}

START_TEST(test_default_kinds)
{
	static const char *const kinds[] = { "Component", "API", "Location" };
	struct catalog_rules *r = catalog_rules_new();

	/* nothing configured: nothing allowed */
	expect_allowed(r, "Component", NULL, "file", "/a.yaml", 0);
	catalog_rules_add_kinds(r, kinds, 3);
	expect_allowed(r, "Component", NULL, "file", "/a.yaml", 1);
	expect_allowed(r, "component", "service", "url", "https://h/a.yaml", 1);
	expect_allowed(r, "API", NULL, NULL, NULL, 1);
	expect_allowed(r, "location", NULL, "file", "/a.yaml", 1);
	expect_allowed(r, "User", NULL, "file", "/a.yaml", 0);
	expect_allowed(r, "Group", NULL, "file", "/a.yaml", 0);
	catalog_rules_free(r);
	catalog_rules_free(NULL);
}
END_TEST

START_TEST(test_spec_type)
{
	struct catalog_rules *r = catalog_rules_new();

	add_rule(r, "allow=Component,Resource:database");
	expect_allowed(r, "Resource", "database", "file", "/a.yaml", 1);
	expect_allowed(r, "resource", "database", "file", "/a.yaml", 1);
	expect_allowed(r, "Resource", "Database", "file", "/a.yaml", 0);
	expect_allowed(r, "Resource", "s3-bucket", "file", "/a.yaml", 0);
	expect_allowed(r, "Resource", NULL, "file", "/a.yaml", 0);
	expect_allowed(r, "Component", "website", "file", "/a.yaml", 1);
	catalog_rules_free(r);
}
END_TEST

START_TEST(test_location_matchers)
{
	struct catalog_rules *r = catalog_rules_new();
	char *err = NULL;

	add_rule(r, "allow=Component");
	add_rule(r, "  allow=Template\tpattern=url:https://github.com/org/*/blob/master/template.yaml ");
	add_rule(r, "allow=System exact=file:/srv/systems.yaml exact=file:/srv/more.yaml");
	add_rule(r, "allow=Domain allow=Resource:database pattern=file:/srv/infra/**");
	ck_assert_int_eq(catalog_rules_add_location(r, "file", "/srv/org.yaml",
						    " allow=User,Group allow=Location", &err), 0);
	ck_assert_int_eq(catalog_rules_add_location(r, "url", "https://h/x.yaml", "", &err), 0);
	ck_assert_ptr_null(err);

	expect_allowed(r, "Component", NULL, "url", "https://anywhere/x.yaml", 1);
	expect_allowed(r, "Template", NULL, "url",
		       "https://github.com/org/repo/blob/master/template.yaml", 1);
	expect_allowed(r, "Template", NULL, "url",
		       "https://GITHUB.com/org/repo/blob/master/template.yaml", 1);
	expect_allowed(r, "Template", NULL, "file",
		       "https://github.com/org/repo/blob/master/template.yaml", 0);
	expect_allowed(r, "Template", NULL, "url", "https://github.com/org/repo/template.yaml", 0);
	expect_allowed(r, "System", NULL, "file", "/srv/systems.yaml", 1);
	expect_allowed(r, "System", NULL, "file", "/srv/more.yaml", 1);
	expect_allowed(r, "System", NULL, "file", "/srv/Systems.yaml", 0);
	expect_allowed(r, "System", NULL, "url", "/srv/systems.yaml", 0);
	expect_allowed(r, "Domain", NULL, "file", "/srv/infra/a/b.yaml", 1);
	expect_allowed(r, "Resource", "database", "file", "/srv/infra/db.yaml", 1);
	expect_allowed(r, "Resource", "bucket", "file", "/srv/infra/db.yaml", 0);
	expect_allowed(r, "User", NULL, "file", "/srv/org.yaml", 1);
	expect_allowed(r, "group", NULL, "file", "/srv/org.yaml", 1);
	expect_allowed(r, "Location", NULL, "file", "/srv/org.yaml", 1);
	expect_allowed(r, "User", NULL, "file", "/srv/other.yaml", 0);
	expect_allowed(r, "User", NULL, "url", "https://h/x.yaml", 0);
	expect_allowed(r, "User", NULL, NULL, NULL, 0);
	expect_allowed(r, "Component", NULL, NULL, NULL, 1);
	catalog_rules_free(r);
}
END_TEST

START_TEST(test_syntax)
{
	static const char *const bad[] = {
		"", "  ", "Component", "allow=", "allow=,", "allow=Component,",
		"allow=:service", "allow=Component:", "exact=file:/a.yaml",
		"allow=Component exact=file", "allow=Component exact=:x", "allow=Component exact=file:",
		"allow=Component pattern=url", "allow=Component locations=file:/x",
		"allow=Component extra",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct catalog_rules *r = catalog_rules_new();
		char *err = NULL;

		ck_assert_msg(catalog_rules_add_rule(r, bad[i], &err) == SH_EINVAL, "\"%s\" accepted",
			      bad[i]);
		ck_assert_ptr_nonnull(err);
		free(err);
		expect_allowed(r, "Component", NULL, "file", "/x", 0);
		catalog_rules_free(r);
	}
	{
		struct catalog_rules *r = catalog_rules_new();
		char *err = NULL;

		ck_assert_int_eq(catalog_rules_add_location(r, "file", "/x", "exact=file:/y", &err),
				 SH_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "exact=file:/y"));
		free(err);
		ck_assert_int_eq(catalog_rules_add_location(r, "file", "/x", "users", &err), SH_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "\"users\""));
		free(err);
		catalog_rules_free(r);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_rules");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_glob);
	tcase_add_test(tc, test_default_kinds);
	tcase_add_test(tc, test_spec_type);
	tcase_add_test(tc, test_location_matchers);
	tcase_add_test(tc, test_syntax);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
