/*
 * Replies: JSON, raw bytes, Backstage-shaped errors, streams and
 * X-Accel-Redirect.  A handler replies exactly once (a stream counts as one
 * reply) and returns the status it sent.
 */
#ifndef STAGEHAND_REPLY_H
#define STAGEHAND_REPLY_H

#include <stddef.h>

#include <stagehand/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_req;
typedef struct json_t json_t;

/* Adds a response header before the reply starts (repeatable: Set-Cookie).
 * Name and value are copied; CR/LF in either is refused with SH_EINVAL. */
int sh_reply_header(struct sh_req *req, const char *name, const char *value);

/* Sends `body` (reference stolen; may be NULL for no body) as
 * application/json; charset=utf-8.  Returns status. */
int sh_reply_json(struct sh_req *req, int status, json_t *body);
/* Sends bytes with a content type (NULL: no Content-Type).  Returns status. */
int sh_reply_raw(struct sh_req *req, int status, const char *content_type,
		 const void *buf, size_t len);
/* Sends a status with an empty body (204, 200 for /refresh...).  Returns status. */
int sh_reply_empty(struct sh_req *req, int status);

/*
 * Sends the Backstage error body
 *   {"error":{"name":NAME,"message":MSG},"request":{"method":..,"url":..},
 *    "response":{"statusCode":STATUS}}
 * and returns status.  The message is formatted with printf rules.  5xx are
 * logged once with the request id.  `return sh_fail(req, 404,
 * "NotFoundError", "no entity named '%s'", ref);`
 */
int sh_fail(struct sh_req *req, int status, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Streams (raw chunks, Server-Sent Events, NDJSON) and client-gone
 * detection: see <stagehand/stream.h>. */

/* Hands the body to nginx: X-Accel-Redirect to an internal location
 * (e.g. "/_files/techdocs/default/component/x/index.html").  Returns 200.
 * On a SH_ROUTE_CACHED route the redirect (not the file) is cached. */
int sh_reply_accel(struct sh_req *req, const char *internal_uri, const char *content_type);

#ifdef __cplusplus
}
#endif
#endif
