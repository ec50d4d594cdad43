/*
 * Calls to Jenkins: Basic auth with the instance's username and API key
 * (never logged), referer <base>/, the instance's extra headers (never
 * logged; one named Authorization or Referer replaces ours), the plugin's
 * timeout and body cap, and every failure mapped to one clear answer (see
 * jk_call in jenkins.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

/* A transport failure: timeout 504, everything else 502. */
static int unreachable(struct sh_req *req, const struct jk_instance *inst, int rc,
		       const struct sh_http_response *resp)
{
	sh_log(SH_LOG_WARN, "jenkins: instance %s: %s", inst->name, resp->error);
	if (rc == SH_ETIMEDOUT)
		return sh_fail(req, 504, "Error", "Jenkins instance %s did not answer in time",
			       inst->name);
	if (rc == SH_ETOOBIG)
		return sh_fail(req, 502, "Error", "Jenkins instance %s answered more than the cap",
			       inst->name);
	return sh_fail(req, 502, "Error", "Could not reach Jenkins instance %s: %s", inst->name,
		       sh_strerror(rc));
}

/* A non-2xx/3xx answer. */
static int refused(struct sh_req *req, const struct jk_instance *inst, const char *path,
		   const struct sh_http_response *resp)
{
	char reason[200];

	jk_html_reason(resp->body, reason, sizeof(reason));
	sh_log(SH_LOG_WARN, "jenkins: instance %s answered %ld to %s", inst->name, resp->status,
	       path);
	if (resp->status == 404)
		return sh_fail(req, 404, "NotFoundError", "Jenkins has nothing at %.*s",
			       (int)strcspn(path, "?"), path);
	if (resp->status == 401 || resp->status == 403)
		return sh_fail(req, 502, "Error", "Jenkins instance %s refused the credentials (%ld%s%s)",
			       inst->name, resp->status, *reason ? ": " : "", reason);
	return sh_fail(req, 502, "Error", "Jenkins instance %s answered %ld%s%s", inst->name,
		       resp->status, *reason ? ": " : "", reason);
}

/* The body as the call wants it; 0 or the status replied. */
static int take_body(struct sh_req *req, const struct jk_instance *inst,
		     const struct jk_call *call, const struct sh_http_response *resp)
{
	const char *body = resp->body ? resp->body : "";

	if (call->text)
		*call->text = sh_strndup(req, body, resp->body_len);
	if (!call->json)
		return 0;
	*call->json = json_loadb(body, resp->body_len, 0, NULL);
	if (*call->json && json_is_object(*call->json))
		return 0;
	json_decref(*call->json);
	*call->json = NULL;
	sh_log(SH_LOG_WARN, "jenkins: instance %s: not a JSON object at %s", inst->name, call->path);
	return sh_fail(req, 502, "Error", "Jenkins instance %s answered malformed JSON", inst->name);
}

/* Whether the instance's extra headers set `name` (they win over ours). */
static bool extra_has(const struct jk_instance *inst, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < inst->n_headers; i++)
		if (strncasecmp(inst->headers[i], name, n) == 0 && inst->headers[i][n] == ':')
			return true;
	return false;
}

/* Referer (unless configured) and the extra headers, NULL-terminated. */
static const char **call_headers(struct sh_req *req, const struct jk_instance *inst)
{
	const char **h = sh_alloc(req, (inst->n_headers + 2) * sizeof(*h));
	size_t n = 0;

	if (!extra_has(inst, "Referer"))
		h[n++] = sh_printf(req, "Referer: %s/", inst->base_url);
	for (size_t i = 0; i < inst->n_headers; i++)
		h[n++] = inst->headers[i];
	h[n] = NULL;
	return h;
}

int jk_call(struct sh_req *req, const struct jenkins *jk, const struct jk_instance *inst,
	    const struct jk_call *call)
{
	bool basic = !extra_has(inst, "Authorization");
	struct sh_http_request rq = {
		.method = call->method,
		.url = sh_printf(req, "%s/%s", inst->base_url, call->path),
		.headers = call_headers(req, inst),
		.timeout_ms = jk->timeout_ms,
		.max_bytes = jk->max_bytes,
		.basic_user = basic ? inst->username : NULL,
		.basic_password = basic ? inst->api_key : NULL,
		.stop_when_gone = req,
	};
	struct sh_http_response resp = { 0 };
	int rc = sh_http_do(&rq, &resp);

	if (rc < 0)
		rc = unreachable(req, inst, rc, &resp);
	else if (resp.status == 404 && call->quiet_404)
		rc = JK_MISSING;
	else if (resp.status < 200 || resp.status >= 400)
		rc = refused(req, inst, call->path, &resp);
	else
		rc = take_body(req, inst, call, &resp);
	sh_http_response_free(&resp);
	return rc;
}
