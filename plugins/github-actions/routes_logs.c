/*
 * The log downloads: GET .../actions/jobs/{job_id}/logs (plain text) and
 * .../actions/runs/{run_id}/logs (a zip).  GitHub answers with a 302 to a
 * signed URL on its log storage; the plugin follows it only to the hosts
 * of [github-actions] log_hosts (or the API's own host), without the
 * token, and streams the file to the client chunk by chunk, never holding
 * it whole.  Any other answer of GitHub's is passed on as the JSON routes
 * pass theirs.
 */
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "errors.h"
#include "ghactions.h"
#include "loghost.h"
#include "paths.h"

struct download {
	struct sh_req *req;
	long status;                 /* the storage's; 0 before its head */
	bool begun;                  /* our stream head is out */
	bool text;                   /* a text log (a job's), not a zip */
	size_t bytes;
};

static const char *content_type(const char *const *headers)
{
	for (size_t i = 0; headers[i]; i++)
		if (strncasecmp(headers[i], "content-type:", 13) == 0)
			return headers[i] + 13 + strspn(headers[i] + 13, " \t");
	return "application/octet-stream";
}

/* The storage's head: a 200 starts our stream with its content type. */
static int on_head(long status, const char *const *headers, void *state)
{
	struct download *d = state;

	d->status = status;
	if (status != 200)
		return 0;
	sh_reply_header(d->req, "Content-Encoding", "identity");
	sh_reply_stream_begin(d->req, 200, content_type(headers));
	d->text = strncasecmp(content_type(headers), "text/", 5) == 0;
	d->begun = true;
	return sh_req_client_gone(d->req) ? 1 : 0;
}

static int on_chunk(const char *buf, size_t len, void *state)
{
	struct download *d = state;

	if (!d->begun)
		return 1;
	d->bytes += len;
	return sh_reply_write(d->req, buf, len) != 0 || sh_reply_flush(d->req) != 0;
}

/* A stream cut short: logged, and a text log says so at its end (a zip
 * cut short fails to open, which says it too). */
static void cut_short(struct download *d, int rc, const struct sh_http_response *resp)
{
	const char *note = gha_log_cut_note(rc);

	if (sh_req_client_gone(d->req)) {
		sh_log(SH_LOG_INFO, "github-actions: client left, log download stopped");
		return;
	}
	sh_log(SH_LOG_WARN, "github-actions: log download cut after %zu bytes: %s", d->bytes,
	       resp->error);
	if (d->text && sh_reply_write(d->req, note, strlen(note)) == 0)
		sh_reply_flush(d->req);
}

static int stream(struct sh_req *req, const struct gha *g, const char *url)
{
	const char *headers[] = { "User-Agent: stagehand-github-actions", NULL };
	struct download d = { .req = req };
	struct sh_http_request rq = {
		.url = url, .headers = headers,
		.timeout_ms = g->log_timeout_ms, .max_bytes = g->max_log,
		.on_head = on_head, .on_chunk = on_chunk, .chunk_state = &d,
		.stop_when_gone = req,
	};
	struct sh_http_response resp;
	int rc = sh_http_do(&rq, &resp), status;

	if (d.begun) {
		if (rc != 0)
			cut_short(&d, rc, &resp);
		status = 200;
	} else if (rc == SH_ETOOBIG) {          /* its Content-Length said so */
		sh_log(SH_LOG_WARN, "github-actions: log download refused: %s", resp.error);
		status = sh_reply_json(req, 502, gha_error("The log is larger than allowed (max_log)"));
	} else if (rc != 0 && d.status == 0) {
		status = gha_gateway(req, g, rc, &resp);
	} else {
		sh_log(SH_LOG_WARN, "github-actions: log storage answered %ld", d.status);
		status = sh_reply_json(req, 502, gha_error("GitHub's log storage refused the download"));
	}
	sh_http_response_free(&resp);
	return status;
}

static bool redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static int logs(struct sh_req *req, const struct gha *g, const char *what, const char *id)
{
	struct gha_call c = { .method = "GET", .query = "" };
	struct gha_head head;
	struct sh_http_response resp;
	int status = gha_admit(req), rc;

	if (status != 0)
		return status;
	if (!gha_id_ok(id))
		return sh_reply_json(req, 404, gha_error("Not Found"));
	c.path = sh_printf(req, "/repos/%s/%s/actions/%s/%s/logs", sh_req_param(req, "owner"),
			   sh_req_param(req, "repo"), what, id);
	rc = gha_fetch(req, g, &c, &head, &resp);
	if (rc != 0 || !redirect(resp.status) || !head.location)
		status = gha_answer(req, g, rc, &head, &resp);
	else if (!gha_log_host_ok(head.location, g->api_host, g->log_hosts)) {
		sh_log(SH_LOG_WARN, "github-actions: log redirect to a host not in log_hosts refused");
		status = sh_reply_json(req, 502,
				       gha_error("GitHub's log redirect points at a host not allowed"));
	} else
		gha_head_send(&head), status = stream(req, g, head.location);
	sh_http_response_free(&resp);
	return status;
}

int gha_route_job_logs(struct sh_req *req, void *state)
{
	return logs(req, state, "jobs", sh_req_param(req, "job_id"));
}

int gha_route_run_logs(struct sh_req *req, void *state)
{
	return logs(req, state, "runs", sh_req_param(req, "run_id"));
}
