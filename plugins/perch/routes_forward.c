/*
 * The two routes: POST .../portal-assistant/chat and .../warmup.  In
 * order, before a byte goes upstream: the stream cap (chat), the body
 * (413 over 128 kB, 400 not JSON), the token (verify_token), then the
 * forward with the allow-listed headers and the request id.
 */
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "body.h"
#include "envelope.h"
#include "forward.h"
#include "headers.h"
#include "perch.h"

#define RETRY_AFTER "5"            /* seconds a capped caller waits */

static const char *req_header(void *req, const char *name)
{
	return sh_req_header(req, name);
}

static int agent_401(struct sh_req *req, const char *code, const char *msg)
{
	return sh_reply_json(req, 401, perch_agent_error(code, msg));
}

/* The IdP token in Authorization, checked as the agent would: 0, or the
 * status of the refusal already sent. */
static int check_token(struct sh_req *req)
{
	const char *h = sh_req_header(req, "Authorization");
	struct sh_identity id;
	char why[160] = "", msg[200];
	int rc;

	if (!h || !*h)
		return agent_401(req, "MISSING_TOKEN", "Authorization header required");
	if (strncasecmp(h, "Bearer ", 7) != 0 || !h[7])
		return agent_401(req, "INVALID_TOKEN", "Invalid authorization header format");
	rc = sh_identity_verify_idp(req, h + 7, &id, why, sizeof why);
	if (rc == 1) {
		sh_log(SH_LOG_ERROR, "perch: verify_token is on but [identity] names no IdP");
		return sh_reply_json(req, 503, perch_agent_error("SERVICE_UNAVAILABLE",
								 "Token verification is not configured"));
	}
	if (rc != 0) {
		sh_log(SH_LOG_DEBUG, "perch: token refused: %s", why);
		return agent_401(req, "INVALID_TOKEN", perch_token_message(why, msg, sizeof msg));
	}
	return 0;
}

/* The JSON to send, or NULL after replying 413/400. */
static char *request_body(struct sh_req *req)
{
	const char *buf;
	size_t len;
	char why[120], *out;
	int status;

	if (sh_req_body(req, &buf, &len) != 0)
		return NULL;
	out = perch_body_json(buf, len, &status, why, sizeof why);
	if (out)
		sh_defer(req, free, out);
	else if (status == 413)
		sh_fail(req, 413, "PayloadTooLargeError", "request entity too large");
	else
		sh_fail(req, 400, "InputError", "%s", why);
	return out;
}

static int forward(struct sh_req *req, const struct perch *p, const char *suffix, bool chat)
{
	char ridbuf[PERCH_RID_MAX + 1];
	struct perch_up_headers up;
	struct perch_fwd f = { .suffix = suffix, .chat = chat };
	int status;

	if (!(f.body = request_body(req)))
		return sh_req_status(req);
	if (p->verify_token && (status = check_token(req)) != 0)
		return status;
	f.rid = perch_request_id(sh_req_header(req, "X-Request-Id"), ridbuf);
	perch_up_headers_make(&up, req_header, req, f.rid);
	f.headers = (const char *const *)up.h;
	status = perch_forward(req, p, &f);
	perch_up_headers_free(&up);
	return status;
}

int perch_route_chat(struct sh_req *req, void *state)
{
	struct perch *p = state;
	int status;

	if (atomic_fetch_add(&p->open, 1) >= p->max_streams) {
		atomic_fetch_sub(&p->open, 1);
		sh_log(SH_LOG_WARN, "perch: %ld streams open, chat refused", p->max_streams);
		sh_reply_header(req, "Retry-After", RETRY_AFTER);
		return sh_reply_json(req, 503, perch_agent_error("SERVICE_UNAVAILABLE",
			"Too many assistant conversations are open; try again in a few seconds"));
	}
	status = forward(req, p, "/api/v1alpha1/portal-assistant/chat", true);
	atomic_fetch_sub(&p->open, 1);
	return status;
}

int perch_route_warmup(struct sh_req *req, void *state)
{
	return forward(req, state, "/api/v1alpha1/portal-assistant/warmup", false);
}
