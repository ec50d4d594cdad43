/*
 * The shared HTTP client (libcurl).  Every call has a timeout and a size cap;
 * redirects are not followed unless asked; responses are buffered, or handed
 * to a chunk callback for streaming proxies.
 */
#ifndef STAGEHAND_HTTP_H
#define STAGEHAND_HTTP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with each chunk of a streamed body; return non-zero to abort. */
typedef int (*sh_http_chunk_fn)(const char *buf, size_t len, void *state);

struct sh_http_request {
	const char *method;            /* NULL: GET (POST when body is set) */
	const char *url;
	const char *const *headers;    /* "Name: value" strings, NULL-terminated, or NULL */
	const void *body;
	size_t body_len;
	long timeout_ms;               /* whole request; 0: [http] timeout_ms */
	long connect_timeout_ms;       /* 0: [http] connect_timeout_ms */
	size_t max_bytes;              /* body cap; 0: [http] max_body */
	int follow_redirects;          /* at most 5 hops when set */
	const char *ca_file;           /* extra CA bundle (tests), or NULL */
	sh_http_chunk_fn on_chunk;     /* stream the body here instead of buffering */
	void *chunk_state;
};

struct sh_http_response {
	long status;                   /* HTTP status; 0 when no response */
	char *body;                    /* NUL-terminated, malloc'd; NULL when streamed */
	size_t body_len;
	char *content_type;            /* or NULL */
	char *etag;                    /* or NULL */
	char error[128];               /* why it failed, for the log (no secrets) */
};

/*
 * Performs the request.  Returns 0 when a response arrived (any status), or
 * SH_ETIMEDOUT, SH_ETOOBIG (over max_bytes), SH_EUNAVAIL (connect/DNS
 * failure), SH_EINVAL (bad URL or scheme other than http/https), SH_EIO.
 * Free the response with sh_http_response_free in every case.
 */
int sh_http_do(const struct sh_http_request *rq, struct sh_http_response *out);
void sh_http_response_free(struct sh_http_response *resp);

#ifdef __cplusplus
}
#endif
#endif
