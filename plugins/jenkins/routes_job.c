/*
 * The routes under /v1/entity/:namespace/:kind/:name/job/:jobFullName
 * (spec platform-apis §3.2): the job with its builds, one build, the
 * rebuild and the console text.  :jobFullName arrives '%2F'-encoded and
 * decoded by the host; it must be one of the entity's jobs or inside one
 * (else 404), and its segments become job/<s1>/job/<s2> (no "." or ".."
 * segment, else 400), so a route never reaches outside the job tree.
 */
#include <stdlib.h>
#include <string.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

#define PATH_MAX_BYTES 8192

struct job_ctx {
	struct jk_instance inst;
	const char *path;            /* "job/<s1>/job/<s2>" */
	const char *number;          /* :buildNumber, or NULL */
	bool owned;                  /* the caller owns the entity */
};

/* The entity's instance and the job's path; 0 or the status replied. */
static int job_ctx(struct sh_req *req, const struct jenkins *jk, struct job_ctx *c)
{
	const char *name = sh_req_param(req, "jobFullName");
	struct jk_target t;
	struct sh_buf b;
	int rc;

	c->number = sh_req_param(req, "buildNumber");
	if (c->number && !jk_build_number(c->number))
		return sh_fail(req, 400, "InputError", "Invalid build number: %s", c->number);
	if ((rc = jk_entity_target(req, jk, &t, &c->inst, &c->owned)) != 0)
		return jk_target_free(&t), rc;
	rc = jk_target_covers(&t, name);
	jk_target_free(&t);
	if (!rc)
		return sh_fail(req, 404, "NotFoundError", "Job %s is not one of the entity's Jenkins jobs",
			       name);
	sh_buf_init(&b, PATH_MAX_BYTES);
	rc = jk_job_path(&b, name);
	c->path = sh_strdup(req, sh_buf_str(&b));
	sh_buf_free(&b);
	if (rc < 0)
		return sh_fail(req, 400, "InputError", "Invalid Jenkins job name: %s", name);
	return 0;
}

/* {"<key>": value} with 200. */
static int reply_wrapped(struct sh_req *req, const char *key, json_t *value)
{
	return sh_reply_json(req, 200, json_pack("{s:o}", key, value));
}

int jk_route_job(struct sh_req *req, void *state)
{
	const struct jenkins *jk = state;
	struct job_ctx c;
	json_t *job = NULL;
	struct jk_call call = { .json = &job };
	struct sh_buf tree;
	int rc;

	if ((rc = job_ctx(req, jk, &c)) != 0)
		return rc;
	sh_buf_init(&tree, 1024);
	jk_query_value(&tree, JK_BUILDS_TREE);
	call.path = sh_printf(req, "%s/api/json?tree=%s", c.path, sh_buf_str(&tree));
	sh_buf_free(&tree);
	if ((rc = jk_call(req, jk, &c.inst, &call)) != 0)
		return rc;
	return reply_wrapped(req, "build", job);
}

int jk_route_build(struct sh_req *req, void *state)
{
	const struct jenkins *jk = state;
	struct job_ctx c;
	json_t *job = NULL, *build = NULL, *scm;
	struct jk_call call = { .json = &job };
	int rc;

	if ((rc = job_ctx(req, jk, &c)) != 0)
		return rc;
	call.path = sh_printf(req, "%s/api/json?depth=1", c.path);
	if ((rc = jk_call(req, jk, &c.inst, &call)) != 0)
		return rc;
	scm = jk_job_scm(job);
	json_decref(job);
	call.path = sh_printf(req, "%s/%s/api/json", c.path, c.number);
	call.json = &build;
	if ((rc = jk_call(req, jk, &c.inst, &call)) == 0) {
		jk_augment_build(build, scm);
		rc = reply_wrapped(req, "build", build);
	}
	json_decref(scm);
	return rc;
}

/* Who asked, for the log. */
static const char *caller(struct sh_req *req)
{
	const struct sh_identity *id = sh_req_identity(req);

	return id && id->subject ? id->subject : "(anonymous)";
}

/*
 * The permission jenkins.execute (update on the catalog entity).
 * Backstage's permission client lets every service principal through,
 * and everyone while the permission framework is off ([features] authz or
 * auth off here); otherwise the policy decides, and Stagehand's is
 * Backstage's isEntityOwner rule: the user owns the entity.
 */
static bool may_execute(struct sh_req *req, const struct jenkins *jk, bool owned)
{
	const struct sh_identity *id = sh_req_identity(req);

	if (!jk->owner_rebuilds || (id && id->kind == SH_PRINCIPAL_SERVICE))
		return true;
	return owned;
}

/* Upstream answers 200 {} whatever Jenkins said (its status is set after
 * the body is sent, a denied permission included); here a denial is 403
 * NotAllowedError, a Jenkins failure is mapped as on every route, and any
 * success (Jenkins redirects to the job: 302) is 200 {}.  No crumb:
 * API-token Basic auth is exempt from CSRF protection. */
int jk_route_rebuild(struct sh_req *req, void *state)
{
	const struct jenkins *jk = state;
	struct job_ctx c;
	struct jk_call call = { .method = "POST" };
	int rc;

	if ((rc = job_ctx(req, jk, &c)) != 0)
		return rc;
	if (!may_execute(req, jk, c.owned)) {
		sh_log(SH_LOG_INFO, "jenkins: rebuild of %s refused to %s (jenkins.execute)",
		       sh_req_param(req, "jobFullName"), caller(req));
		return sh_fail(req, 403, "NotAllowedError",
			       "You are not allowed to rebuild the jobs of %s:%s/%s (jenkins.execute)",
			       sh_req_param(req, "kind"), sh_req_param(req, "namespace"),
			       sh_req_param(req, "name"));
	}
	call.path = sh_printf(req, "%s/%s/replay/rebuild", c.path, c.number);
	if ((rc = jk_call(req, jk, &c.inst, &call)) != 0)
		return rc;
	sh_log(SH_LOG_INFO, "jenkins: rebuild of %s #%s on instance %s by %s",
	       sh_req_param(req, "jobFullName"), c.number, c.inst.name, caller(req));
	return sh_reply_json(req, 200, json_object());
}

/* The text as a JSON string: bytes that are not UTF-8 become '?'. */
static json_t *text_value(const char *text)
{
	size_t n = strlen(text);
	json_t *s = json_stringn(text, n);
	char *copy;

	if (s)
		return s;
	copy = sh_xstrndup(text, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	s = json_stringn(copy, n);
	free(copy);
	return s;
}

int jk_route_console(struct sh_req *req, void *state)
{
	const struct jenkins *jk = state;
	struct job_ctx c;
	const char *text = NULL;
	struct jk_call call = { .text = &text };
	int rc;

	if ((rc = job_ctx(req, jk, &c)) != 0)
		return rc;
	call.path = sh_printf(req, "%s/%s/consoleText", c.path, c.number);
	if ((rc = jk_call(req, jk, &c.inst, &call)) != 0)
		return rc;
	return reply_wrapped(req, "consoleText", text_value(text));
}
