/*
 * One forwarded call to the agent (forward.c): the request as the route
 * prepared it, the response head and body passed on as they arrive.
 */
#ifndef PERCH_FORWARD_H
#define PERCH_FORWARD_H

#include <stdbool.h>

struct sh_req;
struct perch;

struct perch_fwd {
	const char *suffix;     /* "/api/v1alpha1/portal-assistant/chat" */
	bool chat;              /* stream the body (else buffer it: warmup) */
	const char *rid;        /* the request id sent upstream */
	const char *body;       /* the JSON to send */
	const char *const *headers;   /* the allow-listed request headers */
};

/*
 * Calls the agent and replies: its status, headers (perch_header_passes)
 * and body as they come; a chat streams each chunk as it arrives, with
 * Content-Encoding: identity, X-Accel-Buffering: no and Cache-Control:
 * no-cache, no-transform.  Before the head: 504 GATEWAY_TIMEOUT when a
 * limit passed, 502 BAD_GATEWAY for anything else.  A chat stream cut
 * after its head (idle_timeout, chat_timeout, upstream lost) ends with an
 * NDJSON error line and an empty done.  Stops within a second once the
 * client has gone.  Returns the status sent.
 */
int perch_forward(struct sh_req *req, const struct perch *p, const struct perch_fwd *f);

#endif
