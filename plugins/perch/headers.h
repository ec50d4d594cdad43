/*
 * The forwarder's header rules (spec platform-apis §5.3): which request
 * headers go to the agent, which response headers come back, and the
 * request id.  Pure: no host, unit-tested in check_perch_headers.
 */
#ifndef PERCH_HEADERS_H
#define PERCH_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#define PERCH_RID_MAX 128         /* longest caller X-Request-Id passed on */
#define PERCH_RID_LEN 12          /* hex chars of a generated one */
#define PERCH_UP_MAX 8            /* upstream headers at most */

/* Looks a request header up by name (any case); NULL when absent. */
typedef const char *(*perch_header_fn)(void *ctx, const char *name);

/* The upstream request headers, "Name: value" strings (malloc'd),
 * NULL-terminated: what sh_http_request.headers takes. */
struct perch_up_headers {
	char *h[PERCH_UP_MAX + 1];
	size_t n;
};

/*
 * Fills *u from the allow-list: Authorization, Accept, Accept-Language and
 * User-Agent as the caller sent them (a value with CR or LF is dropped),
 * Content-Type forced to application/json, X-Request-Id = rid, and an
 * empty Expect that keeps curl from sending one.  Cookies, X-Forwarded-*,
 * Sec-*, Referer, Via and everything else never go upstream.
 */
void perch_up_headers_make(struct perch_up_headers *u, perch_header_fn get, void *ctx,
			   const char *rid);
void perch_up_headers_free(struct perch_up_headers *u);

/*
 * Whether an upstream response header (its name, `len` bytes, any case) is
 * copied to the client: not hop-by-hop (Connection, Keep-Alive,
 * Transfer-Encoding, TE, Trailer, Upgrade, Proxy-*), not Content-Length or
 * Content-Encoding, not Content-Type (the reply sets it), not Status or
 * X-Accel-* (nginx would act on them), and for a chat not Cache-Control
 * (the forwarder sets its own).
 */
bool perch_header_passes(const char *name, size_t len, bool chat);

/*
 * The request id: `given` (the caller's X-Request-Id) when it is 1 to
 * PERCH_RID_MAX visible ASCII characters, else PERCH_RID_LEN random
 * lower-case hex characters.  Written to out; returns out.
 */
const char *perch_request_id(const char *given, char out[PERCH_RID_MAX + 1]);

#endif
