/*
 * The github-actions plugin (issue 16 item 3; spec platform-apis §4): the
 * subset of GitHub's REST API that the community GitHub Actions frontend
 * plugin calls, served at GitHub's own paths under /api/github-actions/
 * and forwarded to [github-actions] api_base_url with the caller's GitHub
 * token.  plugin.c holds the descriptor, keys and route table;
 * routes_api.c the JSON routes, routes_logs.c the log downloads; call.c
 * the upstream call and the reply; repos.c the catalog allow-list; the
 * domain files (paths.c, headers.c, errors.c, loghost.c) are pure and
 * unit-tested without a host.
 */
#ifndef GHACTIONS_GHACTIONS_H
#define GHACTIONS_GHACTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct sh_host;
struct sh_req;
struct sh_http_response;

/* The state every handler gets; read-only after init. */
struct gha {
	struct sh_host *host;
	char *api_base;              /* api_base_url without trailing '/' */
	char *api_host;              /* its host name, lower-case */
	const char **log_hosts;      /* host patterns a log redirect may go to; NULL-ended */
	long timeout_ms;             /* one API call */
	long log_timeout_ms;         /* one whole log download */
	size_t max_body;             /* an API answer's cap */
	size_t max_log;              /* a log download's cap */
};

/* One upstream API call as a route asks for it. */
struct gha_call {
	const char *method;          /* "GET" or "POST" */
	const char *path;            /* upstream path, already encoded, from "/repos/" */
	const char *query;           /* encoded query without '?', or "" */
	const char *body;            /* POST body, or NULL */
	size_t body_len;
};

/* The upstream answer's head, the headers that pass kept for the reply. */
struct gha_head {
	struct sh_req *req;
	long status;
	const char *names[40], *values[40];
	size_t n;
	const char *location;        /* Location of a redirect, or NULL */
	const char *remaining;       /* x-ratelimit-remaining, or NULL */
	const char *reset;           /* x-ratelimit-reset, or NULL */
};

/*
 * Performs `c` with the caller's token (the request's Authorization, as
 * GitHub takes it), conditionally through the host's ETag cache when it is
 * a GET, and fills `head` and `resp`.  Returns sh_http_do's code.  The
 * caller frees resp.
 */
int gha_fetch(struct sh_req *req, const struct gha *g, const struct gha_call *c,
	      struct gha_head *head, struct sh_http_response *resp);

/*
 * Answers the client from a fetch: GitHub's status, body and headers
 * (rate limit, ETag, Link...), a 304 when the client's If-None-Match
 * names the answer's ETag, a clear message on 401 and rate-limit 403/429,
 * and GitHub-shaped 502/504 for what went wrong on the way (timeout,
 * reset, malformed JSON, over the cap).  Returns the status sent.
 */
int gha_answer(struct sh_req *req, const struct gha *g, int rc, const struct gha_head *head,
	       const struct sh_http_response *resp);

/* What went wrong on the way, in GitHub's shape: 504 when rc is
 * SH_ETIMEDOUT, else 502 (499 and nothing sent when the client left). */
int gha_gateway(struct sh_req *req, const struct gha *g, int rc,
		const struct sh_http_response *resp);

/* fetch + answer. */
int gha_forward(struct sh_req *req, const struct gha *g, const struct gha_call *c);

/* Sends the headers kept in head (before a reply starts). */
void gha_head_send(const struct gha_head *head);

/*
 * Whether some catalog entity names owner/repo in github.com/project-slug
 * (any case, as GitHub's names are): 1 yes, 0 no, or the status of the 503
 * already sent when the database failed.
 */
int gha_repo_allowed(struct sh_req *req, const char *owner, const char *repo);

/*
 * What every route does first: the token (401 in GitHub's shape when there
 * is none), the owner and repo parameters (404 when malformed or not in
 * the catalog).  Returns 0, or the status already sent.
 */
int gha_admit(struct sh_req *req);

/* The routes (routes_api.c, routes_logs.c). */
int gha_route_runs(struct sh_req *req, void *state);
int gha_route_run(struct sh_req *req, void *state);
int gha_route_rerun(struct sh_req *req, void *state);
int gha_route_jobs(struct sh_req *req, void *state);
int gha_route_workflow(struct sh_req *req, void *state);
int gha_route_repo(struct sh_req *req, void *state);
int gha_route_branches(struct sh_req *req, void *state);
int gha_route_job_logs(struct sh_req *req, void *state);
int gha_route_run_logs(struct sh_req *req, void *state);

#endif
