/*
 * The shapes the frontend reads (spec platform-apis §3.4): the community
 * backend's augmentProject / augmentBuild / extractScmDetailsFromJob /
 * getTestReport.  Keys are added after Jenkins' own, in upstream's order
 * (status, source, tests), so the answer reads as upstream's does.
 */
#include <string.h>

#include "jenkins.h"

#define BUILD_DATA "hudson.plugins.git.util.BuildData"
#define OBJECT_META "jenkins.scm.api.metadata.ObjectMetadataAction"
#define CONTRIBUTOR_META "jenkins.scm.api.metadata.ContributorMetadataAction"
#define TEST_RESULT "hudson.tasks.junit.TestResultAction"

/* The last action of `object` whose _class is `cls`, or NULL. */
static const json_t *last_action(const json_t *object, const char *cls)
{
	const json_t *actions = json_object_get(object, "actions"), *a, *found = NULL;
	size_t i;

	json_array_foreach(actions, i, a) {
		const char *c = json_string_value(json_object_get(a, "_class"));

		if (c && strcmp(c, cls) == 0)
			found = a;
	}
	return found;
}

json_t *jk_job_scm(const json_t *job)
{
	const json_t *meta = last_action(job, OBJECT_META);
	const json_t *who = last_action(job, CONTRIBUTOR_META), *v;
	json_t *scm;

	if (!meta)
		return NULL;
	scm = json_object();
	if ((v = json_object_get(meta, "objectUrl")))
		json_object_set(scm, "url", (json_t *)v);
	if ((v = json_object_get(meta, "objectDisplayName")))
		json_object_set(scm, "displayName", (json_t *)v);
	v = who ? json_object_get(who, "contributorDisplayName") : NULL;
	if (v && json_is_string(v) && json_string_length(v) > 0)
		json_object_set(scm, "author", (json_t *)v);
	return scm;
}

/* source from the last BuildData: branchName and the commit's first 8. */
static json_t *build_source(const json_t *build)
{
	const json_t *data = last_action(build, BUILD_DATA), *first = NULL, *branch;
	const char *sha;
	json_t *src = json_object();
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)json_object_get(data, "buildsByBranchName"), key, v) {
		first = v;
		break;
	}
	branch = json_array_get(json_object_get(json_object_get(first, "revision"), "branch"), 0);
	if (!branch)
		return src;
	json_object_set(src, "branchName", json_object_get(branch, "name"));
	sha = json_string_value(json_object_get(branch, "SHA1"));
	json_object_set_new(src, "commit", json_pack("{s:s%}", "hash", sha ? sha : "",
						     sha ? strnlen(sha, 8) : 0));
	return src;
}

/* tests from the last TestResultAction, or NULL. */
static json_t *build_tests(const json_t *build)
{
	const json_t *a = last_action(build, TEST_RESULT);
	json_int_t total, failed, skipped;
	const char *url, *name;

	if (!a)
		return NULL;
	total = json_integer_value(json_object_get(a, "totalCount"));
	failed = json_integer_value(json_object_get(a, "failCount"));
	skipped = json_integer_value(json_object_get(a, "skipCount"));
	url = json_string_value(json_object_get(build, "url"));
	name = json_string_value(json_object_get(a, "urlName"));
	return json_pack("{s:I, s:I, s:I, s:I, s:s++}", "total", total,
			 "passed", total - failed - skipped, "skipped", skipped, "failed", failed,
			 "testUrl", url ? url : "", name ? name : "", "/");
}

static const char *build_status(const json_t *build)
{
	const char *result = json_string_value(json_object_get(build, "result"));

	if (json_is_true(json_object_get(build, "building")))
		return "running";
	return result && *result ? result : "unknown";
}

void jk_augment_build(json_t *build, const json_t *scm)
{
	json_t *src, *tests;

	if (!json_is_object(build))
		return;
	src = build_source(build);
	if (scm)
		json_object_update(src, (json_t *)scm);
	tests = build_tests(build);
	json_object_set_new(build, "status", json_string(build_status(build)));
	json_object_set_new(build, "source", src);
	if (tests)
		json_object_set_new(build, "tests", tests);
}

void jk_augment_project(json_t *project)
{
	json_t *last = json_object_get(project, "lastBuild");
	const char *status;

	if (!json_is_object(project))
		return;
	if (json_is_true(json_object_get(project, "inQueue")))
		status = "queued";
	else if (!json_is_object(last))
		status = "build not found";
	else
		status = build_status(last);
	if (json_is_object(last)) {
		json_t *scm = jk_job_scm(project);

		jk_augment_build(last, scm);
		json_decref(scm);
	} else {
		json_object_set_new(project, "lastBuild", json_null());
	}
	json_object_set_new(project, "status", json_string(status));
}
