/*
 * The upstream API call and the reply built from it (ghactions.h).  The
 * caller's token goes upstream as "Authorization: Bearer", and is part of
 * the ETag cache's key, so one user's answer never serves another.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "errors.h"
#include "ghactions.h"
#include "headers.h"

#define ACCEPT_DEFAULT "application/vnd.github+json"

static bool named(const char *h, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(h, name, n) == 0;
}

/* The upstream head: kept headers, the redirect and the rate limit. */
static int on_head(long status, const char *const *headers, void *state)
{
	struct gha_head *hd = state;

	hd->status = status;
	hd->n = 0;
	for (size_t i = 0; headers[i]; i++) {
		const char *h = headers[i], *colon = strchr(h, ':'), *v;
		size_t n;

		if (!colon)
			continue;
		n = (size_t)(colon - h);
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		if (named(h, n, "location"))
			hd->location = sh_strdup(hd->req, v);
		if (named(h, n, "x-ratelimit-remaining"))
			hd->remaining = sh_strdup(hd->req, v);
		if (named(h, n, "x-ratelimit-reset"))
			hd->reset = sh_strdup(hd->req, v);
		if (gha_header_passes(h, n) && hd->n < sizeof hd->names / sizeof hd->names[0]) {
			hd->names[hd->n] = sh_strndup(hd->req, h, n);
			hd->values[hd->n++] = sh_strdup(hd->req, v);
		}
	}
	return 0;
}

/* Accept and the API version as the browser sent them (Octokit's). */
static const char *passed(struct sh_req *req, const char *name, const char *def)
{
	const char *v = sh_req_header(req, name);

	if (!v || !*v || strpbrk(v, "\r\n"))
		return def;
	return sh_printf(req, "%s: %s", name, v);
}

int gha_fetch(struct sh_req *req, const struct gha *g, const struct gha_call *c,
	      struct gha_head *head, struct sh_http_response *resp)
{
	const char *headers[] = {
		sh_printf(req, "Authorization: Bearer %s", gha_token(sh_req_header(req, "Authorization"))),
		passed(req, "Accept", "Accept: " ACCEPT_DEFAULT),
		passed(req, "X-GitHub-Api-Version", "X-GitHub-Api-Version: 2022-11-28"),
		"User-Agent: stagehand-github-actions",
		"Expect:",
		NULL,
	};
	bool get = strcmp(c->method, "GET") == 0;
	struct sh_http_request rq = {
		.method = c->method,
		.url = sh_printf(req, "%s%s%s%s", g->api_base, c->path, *c->query ? "?" : "", c->query),
		.headers = headers,
		.body = c->body ? c->body : (get ? NULL : ""),
		.body_len = c->body_len,
		.timeout_ms = g->timeout_ms,
		.max_bytes = g->max_body,
		.conditional = get,
		.on_head = on_head,
		.chunk_state = head,
		.stop_when_gone = req,
	};

	memset(head, 0, sizeof *head);
	head->req = req;
	return sh_http_do(&rq, resp);
}

void gha_head_send(const struct gha_head *head)
{
	for (size_t i = 0; i < head->n; i++)
		sh_reply_header(head->req, head->names[i], head->values[i]);
}

/* What went wrong on the way: 504 for time, 502 for the rest. */
int gha_gateway(struct sh_req *req, const struct gha *g, int rc,
		const struct sh_http_response *resp)
{
	if (sh_req_client_gone(req))
		return sh_reply_empty(req, 499);
	sh_log(SH_LOG_WARN, "github-actions: %s: %s", g->api_base, resp->error);
	if (rc == SH_ETIMEDOUT)
		return sh_reply_json(req, 504, gha_error("GitHub did not answer in time"));
	if (rc == SH_ETOOBIG)
		return sh_reply_json(req, 502, gha_error("GitHub's answer was larger than allowed"));
	return sh_reply_json(req, 502, gha_error("Could not reach GitHub"));
}

static bool is_json(const char *ctype)
{
	return ctype && (strncasecmp(ctype, "application/json", 16) == 0 ||
			 (strncasecmp(ctype, "application/", 12) == 0 && strstr(ctype, "+json")));
}

/* A JSON answer that does not parse is GitHub's fault, not the client's.
 * One from the ETag cache was checked when it came (parsing a 77 kB runs
 * page again on every 304 cost 2.4x the route's throughput).  The cache
 * keeps a 200 with an ETag even when it did not parse; a 304 to that ETag
 * would then be served: GitHub's ETag is a digest of the bytes it sent, so
 * that takes GitHub sending malformed JSON with a valid ETag. */
static bool malformed(const struct sh_http_response *resp)
{
	json_t *j;

	if (resp->from_cache || !is_json(resp->content_type) || resp->body_len == 0)
		return false;
	j = json_loadb(resp->body, resp->body_len, 0, NULL);
	json_decref(j);
	return j == NULL;
}

int gha_answer(struct sh_req *req, const struct gha *g, int rc, const struct gha_head *head,
	       const struct sh_http_response *resp)
{
	const char *inm = sh_req_header(req, "If-None-Match");
	char *clear;
	int status;

	if (rc != 0)
		return gha_gateway(req, g, rc, resp);
	if (malformed(resp)) {
		sh_log(SH_LOG_WARN, "github-actions: %s: malformed JSON (status %ld)", g->api_base,
		       resp->status);
		return sh_reply_json(req, 502, gha_error("GitHub's answer was not valid JSON"));
	}
	gha_head_send(head);
	if (resp->status == 200 && gha_etag_matches(inm, resp->etag))
		return sh_reply_empty(req, 304);
	clear = gha_clear_body(resp->status, resp->body, resp->body_len, head->remaining,
			       head->reset);
	if (clear) {
		sh_defer(req, free, clear);
		return sh_reply_raw(req, (int)resp->status, "application/json; charset=utf-8",
				    clear, strlen(clear));
	}
	status = sh_reply_raw(req, (int)resp->status, resp->content_type, resp->body,
			      resp->body_len);
	return status;
}

int gha_forward(struct sh_req *req, const struct gha *g, const struct gha_call *c)
{
	struct gha_head head;
	struct sh_http_response resp;
	int rc = gha_fetch(req, g, c, &head, &resp), status;

	status = gha_answer(req, g, rc, &head, &resp);
	sh_http_response_free(&resp);
	return status;
}
