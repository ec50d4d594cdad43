/*
 * POST /api/events/http/openchoreo: the event forwarder's ingress (spec
 * platform-apis.md §6.2, openchoreo-provider.md §4.1).  Checks the
 * request, queues the event durably and answers 202 at once; the
 * re-fetch and the catalog write are the events task's (events.c).
 */
#include <stdio.h>

#include <jansson.h>

#include <stagehand/stagehand.h>

#include "events.h"

static int accepted(struct sh_req *req)
{
	return sh_reply_json(req, 202, json_pack("{s:s}", "status", "accepted"));
}

/* The host's answer to a path no route has, byte for byte (its request
 * url is the full one, where sh_fail's is the plugin-relative one). */
static int no_route(struct sh_req *req)
{
	char *path = sh_printf(req, "/api/events%s", sh_req_path(req));
	char *url = sh_printf(req, "/api/events%s", sh_req_url(req));

	return sh_reply_json(req, 404, json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:i}}", "error",
						 "name", "NotFoundError", "message",
						 sh_printf(req, "No route for %s %s",
							   sh_req_method(req), path),
						 "request", "method", sh_req_method(req), "url", url,
						 "response", "statusCode", 404));
}

/* The checks before the body is parsed: off (the route does not exist
 * then, as upstream without the topic), the shared secret, the type. */
static int refuse(struct sh_req *req, const struct oc_state *st)
{
	if (!st->events)
		return no_route(req);
	if (st->events_secret &&
	    !oc_event_secret_ok(st->events_secret, sh_req_header(req, OC_EVENT_SECRET_HEADER)))
		return sh_fail(req, 401, "AuthenticationError",
			       "missing or wrong " OC_EVENT_SECRET_HEADER " header");
	if (!oc_event_is_json(sh_req_header(req, "Content-Type")))
		return sh_fail(req, 415, "UnsupportedMediaTypeError",
			       "content type must be application/json");
	return 0;
}

static void release(void *v)
{
	json_decref(v);
}

/* The body as any JSON value (a string or a number is ignored later, not
 * refused); NULL after replying 413 or 400. */
static json_t *body_json(struct sh_req *req)
{
	const char *buf;
	size_t len;
	json_error_t e;
	json_t *v;

	if (sh_req_body_max(req, OC_EVENT_MAX_BODY, &buf, &len) != 0)
		return NULL;
	if (!(v = json_loadb(buf, len, JSON_DECODE_ANY, &e))) {
		sh_fail(req, 400, "InputError", "malformed json body: %s at line %d column %d",
			e.text, e.line, e.column);
		return NULL;
	}
	sh_defer(req, release, v);
	return v;
}

static void log_queued(const struct oc_event *ev, int what, long max_pending)
{
	if (what == OC_QUEUED_SHED_FIRST)
		sh_log(SH_LOG_WARN, "openchoreo: events queue full (%ld resources pending): "
		       "shedding events until a row is applied, first %s %s/%s",
		       max_pending, ev->kind->event, ev->ns, ev->name);
	else
		sh_log(SH_LOG_DEBUG, "openchoreo: event %s %s/%s %s: %s", ev->kind->event, ev->ns,
		       ev->name, ev->action,
		       what == OC_QUEUED_NEW ? "queued" :
		       what == OC_QUEUED_COALESCED ? "coalesced" : "shed");
}

int oc_route_events(struct sh_req *req, void *state)
{
	const struct oc_state *st = state;
	struct oc_event ev;
	const char *why;
	json_t *payload;
	PGconn *conn;
	int rc;

	if ((rc = refuse(req, st)) != 0)
		return rc;
	if (!(payload = body_json(req)))
		return sh_req_status(req);
	if (oc_event_parse(payload, &ev, &why) != 0) {
		sh_log(SH_LOG_DEBUG, "openchoreo: ignoring event: %s", why);
		return accepted(req);
	}
	conn = sh_db_conn(req);
	rc = conn ? oc_db_event_enqueue(conn, &ev, st->events_max_pending, st->events_debounce_ms)
		  : SH_EDB;
	if (rc < 0)
		return sh_db_fail(req);
	log_queued(&ev, rc, st->events_max_pending);
	if (rc == OC_QUEUED_NEW)
		sh_task_wake(st->host, OC_EVENTS_TASK);
	return accepted(req);
}
