/*
 * The request a handler receives: method, plugin-relative path, route
 * parameters, query, headers, body, identity, and the per-request arena with
 * deferred cleanups.  Everything returned here is borrowed and valid until the
 * handler returns.
 */
#ifndef STAGEHAND_REQUEST_H
#define STAGEHAND_REQUEST_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_req;
struct sh_identity;
typedef struct json_t json_t;

const char *sh_req_method(const struct sh_req *req);
/* Raw path relative to the plugin mount ("/entities/by-uid/abc"), no query. */
const char *sh_req_path(const struct sh_req *req);
/* Raw path and query relative to the plugin mount, as errors report it. */
const char *sh_req_url(const struct sh_req *req);
/* The request id (nginx's X-Request-Id, or one the host made). */
const char *sh_req_id(const struct sh_req *req);

/* A route parameter (":name" or "*name"), percent-decoded; NULL if none. */
const char *sh_req_param(const struct sh_req *req, const char *name);

/* First value of a query key, percent-decoded ('+' is a space); NULL if absent. */
const char *sh_req_query(const struct sh_req *req, const char *key);
/* All values of a query key in request order; returns the count. */
size_t sh_req_query_all(const struct sh_req *req, const char *key, const char *const **values);
/* Number of key=value pairs in the query, and the i-th pair (for unknown-key checks). */
size_t sh_req_query_count(const struct sh_req *req);
int sh_req_query_at(const struct sh_req *req, size_t i, const char **key, const char **value);

/* A request header by its HTTP name, case-insensitive ("Content-Type"); NULL if absent. */
const char *sh_req_header(const struct sh_req *req, const char *name);
/* A cookie by name; NULL if absent. */
const char *sh_req_cookie(const struct sh_req *req, const char *name);

/*
 * Reads the whole body (once; later calls return the same bytes) within the
 * configured cap.  Returns 0 with *buf NUL-terminated, or an HTTP status that
 * has already been replied (413 over the cap, 400 on a short read): the
 * handler returns that status.
 */
int sh_req_body(struct sh_req *req, const char **buf, size_t *len);
/*
 * sh_req_body with the route's own cap instead of [server] max_body_size,
 * for the rare route whose documented limit differs from the pool's (the
 * OpenChoreo events ingress takes 5 MB as upstream does).  Whichever of the
 * two is called first reads the body; a later call of either returns the
 * same bytes.  nginx's client_max_body_size must let such a body through.
 */
int sh_req_body_max(struct sh_req *req, size_t cap, const char **buf, size_t *len);
/*
 * Parses the body as JSON (object or array) with the nesting cap.  Returns a
 * borrowed value released with the request, or NULL after replying 400
 * InputError (bad JSON, too deep, wrong content type) or 413; the handler
 * then returns sh_req_status(req).
 */
json_t *sh_req_json(struct sh_req *req);
/* The status already sent, or 0 if nothing was replied yet. */
int sh_req_status(const struct sh_req *req);

/* The verified caller; never NULL (kind SH_PRINCIPAL_NONE when anonymous). */
const struct sh_identity *sh_req_identity(const struct sh_req *req);

/* The per-request arena: freed after the reply; never free a chunk yourself.
 * Allocation failure aborts the process. */
void *sh_alloc(struct sh_req *req, size_t size);
char *sh_strdup(struct sh_req *req, const char *s);
char *sh_strndup(struct sh_req *req, const char *s, size_t n);
char *sh_printf(struct sh_req *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *sh_vprintf(struct sh_req *req, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Runs fn(ptr) when the request ends, last registered first. */
void sh_defer(struct sh_req *req, void (*fn)(void *), void *ptr);

#ifdef __cplusplus
}
#endif
#endif
