/*
 * struct sh_req: the state of one request inside the host.  Plugins see it
 * only through the accessors of <stagehand/request.h>.
 */
#ifndef STAGEHAND_REQ_H
#define STAGEHAND_REQ_H

#include "host.h"

struct host_defer {
	void (*fn)(void *);
	void *ptr;
};

struct host_header {
	const char *name;
	const char *value;
};

struct sh_req {
	struct sh_host *host;
	const struct host_plugin *plugin;   /* owner of the matched route; NULL for host routes */
	struct host_io io;
	struct host_arena *arena;

	struct host_defer *defers;          /* grows in the arena */
	size_t n_defers, cap_defers;

	const char *method;
	const char *uri;                    /* raw REQUEST_URI */
	const char *path;                   /* raw path (uri before '?') */
	const char *query_string;           /* raw query after '?', "" if none */
	const char *rel_path;               /* path relative to the plugin mount */
	const char *url;                    /* rel_path plus "?query" when present */
	const char *request_id;

	char **segs;                        /* decoded path segments */
	size_t n_segs;
	struct host_match match;

	const char **qkeys, **qvals;        /* decoded query pairs in order */
	size_t n_query;

	const char *body;                   /* NUL-terminated once read */
	size_t body_len;
	bool body_read;
	json_t *json;

	struct sh_identity ident;

	int status;                         /* status sent, 0 before the reply */
	bool streaming;
	bool client_gone;
	struct host_header *headers;        /* pending extra response headers */
	size_t n_headers, cap_headers;

	PGconn *db;                         /* leased connection or NULL */

	/* A cached route's miss (cache.c sets both while its handler runs):
	 * the reply writer hands a 200 reply to cache_store, a pointer so
	 * that the reply module links without the cache. */
	struct host_cache_fill *fill;
	void (*cache_store)(struct sh_req *req, const char *head, size_t hlen, const void *body,
			    size_t blen);
	bool cached_route;
};

/*
 * Starts a request: arena, CGI params, path split and query parse.  Returns
 * 0, or the status of an error already replied (400 for a hostile or
 * malformed path).  host_req_finish must be called either way.
 */
int host_req_begin(struct sh_req *req, struct sh_host *host, const struct host_io *io);
/* Sets plugin/rel_path/url from a match (plugin mount is /api/<name>). */
void host_req_bind(struct sh_req *req, const struct host_match *m);
/* Runs the deferred cleanups (LIFO) and frees the arena. */
void host_req_finish(struct sh_req *req);

#endif
