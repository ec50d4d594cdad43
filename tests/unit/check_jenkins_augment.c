/*
 * plugins/jenkins/augment.c on the recorded Jenkins answers of
 * tests/data/upstream/jenkins: the derived status, source and tests of
 * every project of the world (fixture README's table), the order of the
 * added keys, and hostile shapes (no actions, {} actions, non-objects).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/jenkins/jenkins.h"
#include "unit.h"

static json_t *load(const char *name)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char path[1024];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/tests/data/upstream/jenkins/%s", top, name);
	j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s (line %d)", path, e.text, e.line);
	return j;
}

/* The value at a dotted path of compact JSON, e.g. "lastBuild.source". */
static char *at(const json_t *j, const char *dotted)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", dotted);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		j = json_object_get(j, k);
	return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("(absent)");
}

static void expect(const json_t *j, const char *dotted, const char *want)
{
	char *got = at(j, dotted);

	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", dotted, got, want);
	free(got);
}

static json_t *project(json_t *folder, const char *name)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(folder, "jobs"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "name")), name) == 0)
			return it;
	ck_abort_msg("no job %s", name);
	return NULL;
}

START_TEST(test_checkout_service)
{
	json_t *folder = load("projects.oracle-checkout-service.json"), *p;

	p = project(folder, "PR-42");
	jk_augment_project(p);
	expect(p, "status", "\"FAILURE\"");
	expect(p, "lastBuild.status", "\"FAILURE\"");
	expect(p, "lastBuild.source",
	       "{\"branchName\":\"PR-42\",\"commit\":{\"hash\":\"7c41d2e0\"},"
	       "\"url\":\"https://github.com/oracle-org/checkout-service/pull/42\","
	       "\"displayName\":\"Speed up cart totals\",\"author\":\"Alice Anders\"}");
	expect(p, "lastBuild.tests",
	       "{\"total\":318,\"passed\":312,\"skipped\":2,\"failed\":4,\"testUrl\":"
	       "\"https://jenkins.example.com/job/oracle/job/checkout-service/job/PR-42/3/testReport/\"}");
	p = project(folder, "main");
	jk_augment_project(p);
	expect(p, "status", "\"SUCCESS\"");
	expect(p, "lastBuild.source.branchName", "\"main\"");
	expect(p, "lastBuild.source.commit.hash", "\"e3b1c4d9\"");
	expect(p, "lastBuild.source.displayName", "null");
	expect(p, "lastBuild.tests.passed", "316");
	p = project(folder, "feature%2Ffaster-cart");
	jk_augment_project(p);
	expect(p, "status", "\"running\"");
	expect(p, "lastBuild.status", "\"running\"");
	expect(p, "lastBuild.source.branchName", "\"feature/faster-cart\"");
	expect(p, "lastBuild.tests", "(absent)");
	json_decref(folder);
}
END_TEST

START_TEST(test_queued_and_standalone)
{
	json_t *lib = load("projects.oracle-libs-money-lib.json");
	json_t *inv = load("projects.oracle-invoice-service.json"), *p;

	p = json_array_get(json_object_get(lib, "jobs"), 0);
	jk_augment_project(p);
	expect(p, "status", "\"queued\"");
	expect(p, "lastBuild", "null");
	jk_augment_project(inv);
	expect(inv, "status", "\"UNSTABLE\"");
	expect(inv, "lastBuild.source",
	       "{\"branchName\":\"refs/remotes/origin/main\",\"commit\":{\"hash\":\"41c0ffee\"}}");
	expect(inv, "lastBuild.tests.total", "212");
	expect(inv, "lastBuild.tests.passed", "209");
	expect(inv, "lastBuild.tests.failed", "3");
	json_decref(lib);
	json_decref(inv);
}
END_TEST

/* Keys: Jenkins' own first, in their order, then status, source, tests. */
START_TEST(test_key_order)
{
	json_t *b = json_pack("{s:s, s:[], s:b, s:n, s:s}", "_class", "Run", "actions", "building", 0,
			      "result", "url", "u/");
	char *s;

	jk_augment_build(b, NULL);
	s = json_dumps(b, JSON_COMPACT);
	ck_assert_str_eq(s, "{\"_class\":\"Run\",\"actions\":[],\"building\":false,\"result\":null,"
			    "\"url\":\"u/\",\"status\":\"unknown\",\"source\":{}}");
	free(s);
	json_decref(b);
}
END_TEST

START_TEST(test_build_with_job_scm)
{
	json_t *job = load("job-depth1.oracle-checkout-service-PR-42.json");
	json_t *build = load("build.oracle-checkout-service-PR-42-3.json");
	json_t *scm = jk_job_scm(job);

	ck_assert_ptr_nonnull(scm);
	jk_augment_build(build, scm);
	expect(build, "status", "\"FAILURE\"");
	expect(build, "source.author", "\"Alice Anders\"");
	expect(build, "source.commit.hash", "\"7c41d2e0\"");
	expect(build, "tests.failed", "4");
	json_decref(scm);
	json_decref(job);
	json_decref(build);
}
END_TEST

START_TEST(test_hostile_shapes)
{
	json_t *p = json_pack("{s:[n, i, {}, {s:s, s:i}], s:{s:[s], s:b}}",
			      "actions", 3, "_class", "hudson.plugins.git.util.BuildData",
			      "buildsByBranchName", 3, "lastBuild", "actions", "x", "building", 1);
	json_t *weird = json_string("not an object");

	jk_augment_project(p);
	expect(p, "status", "\"running\"");
	expect(p, "lastBuild.source", "{}");
	jk_augment_project(weird);
	jk_augment_build(weird, NULL);
	ck_assert_ptr_null(jk_job_scm(weird));
	json_decref(p);
	json_decref(weird);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jenkins_augment");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_checkout_service);
	tcase_add_test(tc, test_queued_and_standalone);
	tcase_add_test(tc, test_key_order);
	tcase_add_test(tc, test_build_with_job_scm);
	tcase_add_test(tc, test_hostile_shapes);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
