/*
 * The JSON routes, at GitHub's own paths (spec platform-apis §4's table):
 * runs (branch filter, paging), one run, re-run, its jobs, a workflow, the
 * repository and its branches.  Each admits the caller (token, allow-list),
 * checks its ids, and forwards with the query keys GitHub documents for
 * that call; other keys are dropped, as GitHub ignores them.
 */
#include <string.h>

#include <stagehand/stagehand.h>

#include "errors.h"
#include "ghactions.h"
#include "paths.h"

#define RERUN_BODY_MAX 4096        /* {"enable_debug_logging":true} and no more */

static const char *query_get(void *req, const char *key)
{
	return sh_req_query(req, key);
}

/* The encoded query of `keys`, or NULL after a 414. */
static const char *query(struct sh_req *req, const char *const *keys)
{
	struct sh_buf b;
	const char *out;

	sh_buf_init(&b, 4096);
	if (gha_query(&b, query_get, req, keys) != 0) {
		sh_buf_free(&b);
		sh_reply_json(req, 414, gha_error("Query too long"));
		return NULL;
	}
	out = sh_strdup(req, sh_buf_str(&b));
	sh_buf_free(&b);
	return out;
}

/* Admits the caller and checks the route's id (NULL: none): 0, or the
 * status already sent. */
static int admit(struct sh_req *req, const char *id, bool (*ok)(const char *))
{
	int status = gha_admit(req);

	if (status == 0 && ok && !ok(id))
		status = sh_reply_json(req, 404, gha_error("Not Found"));
	return status;
}

/* "/repos/<owner>/<repo>" (both checked by gha_admit). */
static const char *repo_path(struct sh_req *req)
{
	return sh_printf(req, "/repos/%s/%s", sh_req_param(req, "owner"), sh_req_param(req, "repo"));
}

static int forward_get(struct sh_req *req, const struct gha *g, const char *path,
		       const char *const *keys)
{
	struct gha_call c = { .method = "GET", .path = path, .query = "" };

	if (keys && !(c.query = query(req, keys)))
		return sh_req_status(req);
	return gha_forward(req, g, &c);
}

static const char *const runs_keys[] = {
	"actor", "branch", "event", "status", "per_page", "page", "created",
	"exclude_pull_requests", "check_suite_id", "head_sha", NULL,
};
static const char *const jobs_keys[] = { "filter", "per_page", "page", NULL };
static const char *const branches_keys[] = { "protected", "per_page", "page", NULL };

int gha_route_runs(struct sh_req *req, void *state)
{
	int status = admit(req, NULL, NULL);

	if (status != 0)
		return status;
	return forward_get(req, state, sh_printf(req, "%s/actions/runs", repo_path(req)),
			   runs_keys);
}

int gha_route_run(struct sh_req *req, void *state)
{
	const char *id = sh_req_param(req, "run_id");
	int status = admit(req, id, gha_id_ok);

	if (status != 0)
		return status;
	return forward_get(req, state, sh_printf(req, "%s/actions/runs/%s", repo_path(req), id),
			   NULL);
}

int gha_route_jobs(struct sh_req *req, void *state)
{
	const char *id = sh_req_param(req, "run_id");
	int status = admit(req, id, gha_id_ok);

	if (status != 0)
		return status;
	return forward_get(req, state,
			   sh_printf(req, "%s/actions/runs/%s/jobs", repo_path(req), id), jobs_keys);
}

int gha_route_workflow(struct sh_req *req, void *state)
{
	const char *id = sh_req_param(req, "workflow_id");
	int status = admit(req, id, gha_workflow_ok);

	if (status != 0)
		return status;
	return forward_get(req, state,
			   sh_printf(req, "%s/actions/workflows/%s", repo_path(req), id), NULL);
}

int gha_route_repo(struct sh_req *req, void *state)
{
	int status = admit(req, NULL, NULL);

	return status != 0 ? status : forward_get(req, state, repo_path(req), NULL);
}

int gha_route_branches(struct sh_req *req, void *state)
{
	int status = admit(req, NULL, NULL);

	if (status != 0)
		return status;
	return forward_get(req, state, sh_printf(req, "%s/branches", repo_path(req)),
			   branches_keys);
}

/* POST .../rerun: GitHub's 201 {} (or its error), never conditional. */
int gha_route_rerun(struct sh_req *req, void *state)
{
	const char *id = sh_req_param(req, "run_id");
	struct gha_call c = { .method = "POST", .query = "" };
	int status = admit(req, id, gha_id_ok);

	if (status != 0)
		return status;
	if (sh_req_body_max(req, RERUN_BODY_MAX, &c.body, &c.body_len) != 0)
		return sh_req_status(req);
	c.path = sh_printf(req, "%s/actions/runs/%s/rerun", repo_path(req), id);
	return gha_forward(req, state, &c);
}
