/*
 * GET /v1/entity/:namespace/:kind/:name/projects[?branch=b1,b2]: the
 * projects of every job the entity's annotation names, as the community
 * backend's getProjects (spec platform-apis §3.2, §3.3): a folder or
 * multibranch job lists its jobs (at most project_count_limit), a plain
 * job is asked again with the standalone tree; with branches, the first
 * branch job that exists, per job.
 */
#include <string.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

#define PATH_MAX_BYTES 8192

/* "<job path>/<suffix>?tree=<tree><range>" in the arena, or NULL. */
static const char *tree_url(struct sh_req *req, const char *job, const char *branch,
			    const char *tree, const char *range)
{
	struct sh_buf b;
	const char *out = NULL;

	sh_buf_init(&b, PATH_MAX_BYTES);
	if (jk_job_path(&b, job) == 0 &&
	    (!branch || (sh_buf_addstr(&b, "/job/") == 0 && sh_buf_add_pct(&b, branch, strlen(branch)) == 0)) &&
	    sh_buf_addstr(&b, "/api/json?tree=") == 0 && jk_query_value(&b, tree) == 0 &&
	    jk_query_value(&b, range) == 0)
		out = sh_strdup(req, sh_buf_str(&b));
	sh_buf_free(&b);
	return out;
}

static int bad_name(struct sh_req *req, const char *job)
{
	return sh_fail(req, 400, "InputError", "Invalid Jenkins job name: %s", job);
}

/* The first of the branches that exists under job; 0 or replied. */
static int branch_project(struct sh_req *req, const struct jenkins *jk,
			  const struct jk_instance *inst, const char *job,
			  const char *const *branches, size_t n, json_t *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *path = tree_url(req, job, branches[i], JK_JOB_TREE, "");
		json_t *project = NULL;
		struct jk_call call = { .path = path, .quiet_404 = i + 1 < n, .json = &project };
		int rc;

		if (!path)
			return bad_name(req, job);
		if ((rc = jk_call(req, jk, inst, &call)) == JK_MISSING)
			continue;
		if (rc)
			return rc;
		jk_augment_project(project);
		json_array_append_new(out, project);
		return 0;
	}
	return 0;
}

/* Every project of one job; 0 or replied. */
static int job_projects(struct sh_req *req, const struct jenkins *jk,
			const struct jk_instance *inst, const char *job, json_t *out)
{
	const char *range = sh_printf(req, "{0,%ld}", inst->project_count_limit);
	const char *jobs_tree = sh_printf(req, "jobs[%s]", JK_JOB_TREE);
	const char *path = tree_url(req, job, NULL, jobs_tree, range);
	json_t *folder = NULL, *project = NULL, *item;
	struct jk_call call = { .path = path, .json = &folder };
	size_t i;
	int rc;

	if (!path)
		return bad_name(req, job);
	if ((rc = jk_call(req, jk, inst, &call)) != 0)
		return rc;
	json_array_foreach(json_object_get(folder, "jobs"), i, item) {
		jk_augment_project(item);
		json_array_append(out, item);
	}
	rc = json_object_get(folder, "jobs") != NULL;
	json_decref(folder);
	if (rc)
		return 0;
	call.path = tree_url(req, job, NULL, JK_JOB_TREE, range);
	call.json = &project;
	if ((rc = jk_call(req, jk, inst, &call)) != 0)
		return rc;
	jk_augment_project(project);
	json_array_append_new(out, project);
	return 0;
}

/* The branch list of ?branch=b1,b2 (arena); n 0 without one. */
static const char **branch_list(struct sh_req *req, const char *value, size_t *n)
{
	char *copy = sh_strdup(req, value), *save = NULL, *p;
	const char **list = sh_alloc(req, (strlen(value) / 2 + 2) * sizeof(*list));

	*n = 0;
	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		list[(*n)++] = p;
	return list;
}

int jk_route_projects(struct sh_req *req, void *state)
{
	const struct jenkins *jk = state;
	const char *const *values;
	size_t n_values = sh_req_query_all(req, "branch", &values), n_branches = 0;
	const char **branches = NULL;
	struct jk_target t;
	struct jk_instance inst;
	json_t *projects;
	int rc = 0;

	if (n_values > 1)
		return sh_reply_raw(req, 400, "text/plain; charset=utf-8",
				    "Something was unexpected about the branch queryString", 53);
	if (n_values == 1)
		branches = branch_list(req, values[0], &n_branches);
	if ((rc = jk_entity_target(req, jk, &t, &inst, NULL)) != 0)
		return jk_target_free(&t), rc;
	projects = json_array();
	for (size_t i = 0; rc == 0 && i < t.n_jobs; i++)
		rc = n_branches ? branch_project(req, jk, &inst, t.jobs[i], branches, n_branches, projects)
				: job_projects(req, jk, &inst, t.jobs[i], projects);
	jk_target_free(&t);
	if (rc == 0)
		rc = sh_reply_json(req, 200, json_pack("{s:o}", "projects", projects));
	else
		json_decref(projects);
	return rc;
}
