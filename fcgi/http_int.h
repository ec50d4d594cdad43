/*
 * Inside the HTTP client: the state of one sh_http_do call as it walks its
 * redirect hops (http.c), one curl transfer per hop (http_transfer.c), the
 * hop rules (http_redirect.c), the shared ETag cache (http_etag.c) and the
 * pool of reused curl handles that keeps connections open (http_pool.c).
 * Host-internal; plugins see only <stagehand/http.h>.
 */
#ifndef STAGEHAND_HTTP_INT_H
#define STAGEHAND_HTTP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "host.h"

#define HOST_HTTP_KEY_LEN 32          /* SHA-256 of what identifies a request */
#define HOST_HTTP_MAX_HOPS 5          /* redirects followed at most */
#define HOST_HTTP_POOL_HANDLES 8      /* curl handles kept between calls */
#define HOST_HTTP_POOL_CONNS 2        /* idle connections each keeps */

/* One sh_http_do in progress. */
struct http_call {
	const struct sh_http_request *rq;
	struct sh_http_response *out;
	const char *method;           /* this hop's method (NULL: curl's default) */
	char *url;                    /* this hop's URL, malloc'd */
	bool send_body;               /* this hop carries rq->body */
	bool same_origin;             /* this hop goes to the first URL's origin */
	char *auth;                   /* "Authorization: ..." we add, malloc'd, or NULL */
	char *inm;                    /* "If-None-Match: ..." we add, malloc'd, or NULL */
	unsigned char key[HOST_HTTP_KEY_LEN];   /* ETag cache key (rq->conditional) */
	long long deadline_ms;        /* monotonic: the whole call ends by then */
	long connect_ms;
	size_t cap;                   /* body cap of every hop */
	size_t total;                 /* bytes received in this hop */
	struct sh_buf body;           /* buffered body (no on_chunk) */
	bool too_big, aborted;
	bool head_done;               /* rq->on_head was called */
	bool idle;                    /* stopped by rq->idle_timeout_ms */
	long long last_byte_ms;       /* monotonic: when a body byte last came */
	CURL *easy;                   /* the call's pooled handle, every hop */
	bool broken;                  /* a hop failed: the handle is not pooled again */
	char errbuf[CURL_ERROR_SIZE];
};

/* ---------------------------------------------------------------- http.c */

/* [http] user_agent. */
const char *host_http_user_agent(void);
/* Milliseconds on a monotonic clock. */
long long host_http_now_ms(void);

/* ---------------------------------------------------------------- http_transfer.c */

/* Runs this hop: fills out->status, content_type, etag and location, and
 * the body (c->body, or rq->on_chunk).  0 when a response arrived, else
 * SH_E* with out->error set. */
int host_http_perform(struct http_call *c);

/* ---------------------------------------------------------------- http_redirect.c */

/* Whether status is a redirect this client may follow (301 302 303 307 308). */
bool host_http_is_redirect(long status);
/*
 * Turns the response in c->out (a redirect) into the next hop: the target
 * must be http or https (never https to http), its host the first URL's or
 * one of rq->redirect_hosts; 303, and 301/302 after a POST, become a GET
 * without body; credentials go only to the first URL's origin.  0, or
 * SH_EDENIED / SH_EINVAL with out->error set.
 */
int host_http_next_hop(struct http_call *c, const char *first_url);
/* Whether two absolute URLs share scheme, host and port. */
bool host_http_same_origin(const char *a, const char *b);

/* ---------------------------------------------------------------- http_pool.c */

/* A curl handle for one call: a pooled one (with its live connections,
 * DNS and TLS session caches; the caller resets its options) or a new one;
 * NULL only when curl cannot make one. */
CURL *host_http_pool_take(void);
/* Gives e back: kept when reusable and the pool has room, else cleaned up,
 * which closes its connections.  e may be NULL. */
void host_http_pool_give(CURL *e, bool reusable);
/* Closes every pooled handle and its connections (host_http_fini, tests). */
void host_http_pool_clear(void);
/* Handles pooled now; for tests. */
size_t host_http_pool_size(void);

/* ---------------------------------------------------------------- http_etag.c */

/*
 * The key of a request in the ETag cache: SHA-256 over the method, the URL,
 * every caller header and the Authorization value the client adds.  Only
 * the digest is kept, so no credential is stored in clear, and requests
 * with different credentials never share a body.
 */
void host_http_etag_key(const struct sh_http_request *rq, const char *auth,
			unsigned char key[HOST_HTTP_KEY_LEN]);
/* The stored ETag of key (malloc'd), or NULL; marks the entry used. */
char *host_http_etag_lookup(const unsigned char key[HOST_HTTP_KEY_LEN]);
/* On a 304: copies the stored body, content type and ETag of key into out
 * when its ETag is still etag.  False when it was evicted meanwhile. */
bool host_http_etag_fill(const unsigned char key[HOST_HTTP_KEY_LEN], const char *etag,
			 struct sh_http_response *out);
/* Keeps a copy of a 200 response that carried an ETag (its body is
 * body/len), evicting the least recently used entries to stay under the
 * byte limit; an entry bigger than the limit is not kept. */
void host_http_etag_store(const unsigned char key[HOST_HTTP_KEY_LEN],
			  const struct sh_http_response *resp, const char *body, size_t len);
/* Sets the byte limit (default 8 MiB), evicting at once; for tests. */
void host_http_etag_limit(size_t bytes);
/* Entries and bytes held now; for tests. */
void host_http_etag_stats(size_t *entries, size_t *bytes);
/* Drops every entry (tests; host_http_fini). */
void host_http_etag_clear(void);

#endif
