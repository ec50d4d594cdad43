/*
 * The shared HTTP client (libcurl).  Every call has a timeout and a size cap
 * (there is no way to have none); redirects are not followed unless asked,
 * and then only to allowed hosts; responses are buffered, or handed to a
 * chunk callback for streaming proxies.  Credentials (Basic, a service
 * bearer) are never logged, and never sent to another origin on a redirect.
 *
 * Connections are kept open between calls and reused by the next call to
 * the same origin (scheme, host, port) with the same TLS settings (ca_file
 * included), so calls in a row skip the TCP and TLS handshakes.  A call that
 * fails, times out or is aborted closes its connection.  At most 16 idle
 * connections are kept per process (8 curl handles of 2 each), closed when
 * the host stops.  Reuse changes nothing a call sees: each one still sends
 * only its own headers and credentials, with its own limits.
 */
#ifndef STAGEHAND_HTTP_H
#define STAGEHAND_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_host;
struct sh_req;

/*
 * Called with each chunk of a streamed body, on the calling thread, while
 * sh_http_do runs; buf is borrowed for the call only.  Return non-zero to
 * abort the transfer (the client has gone, a limit was reached):
 * sh_http_do then returns SH_EIO with response.aborted set.
 */
typedef int (*sh_http_chunk_fn)(const char *buf, size_t len, void *state);

/*
 * Called once per call with the final response's status and headers
 * ("Name: value" strings as received, at most 100, NULL-terminated,
 * borrowed for the call), before its first body byte is handed on, or when
 * it ends if it has no body; not for a redirect that is followed.  state is
 * chunk_state.  With on_chunk, a streaming proxy sends its head from here.
 * Return non-zero to abort: sh_http_do then returns SH_EIO, aborted set.
 */
typedef int (*sh_http_head_fn)(long status, const char *const *headers, void *state);

struct sh_http_request {
	const char *method;            /* NULL: GET (POST when body is set) */
	const char *url;
	const char *const *headers;    /* "Name: value" strings, NULL-terminated, or NULL */
	const void *body;
	size_t body_len;
	long timeout_ms;               /* whole request, every hop; <= 0: [http] timeout_ms */
	long connect_timeout_ms;       /* <= 0: [http] connect_timeout_ms */
	size_t max_bytes;              /* body cap; 0: [http] max_body */
	int follow_redirects;          /* at most 5 hops when set, see redirect_hosts */
	const char *ca_file;           /* extra CA bundle (tests), or NULL */
	sh_http_chunk_fn on_chunk;     /* stream the body here instead of buffering */
	void *chunk_state;

	/* Appended with ABI 2; zero them (designated initialisers do). */

	/* Basic auth: "Authorization: Basic base64(user:password)".  Both
	 * borrowed for the call; never logged. */
	const char *basic_user;
	const char *basic_password;
	/* When set: "Authorization: Bearer <t>" with t from
	 * sh_service_token(service_token) (svctoken.h).  When no service
	 * client is configured (SH_ENOTFOUND) the request goes without one,
	 * as Backstage does; any other failure is SH_EUNAVAIL before any
	 * request is made.  Not with basic_user (SH_EINVAL). */
	const struct sh_host *service_token;
	/*
	 * Conditional GET through the process-wide ETag cache (bounded in
	 * bytes, least recently used out first).  When the cache holds an
	 * answer to the same method, URL, headers and credentials, the
	 * request carries If-None-Match with its ETag; a 304 then fills the
	 * response from the cache with status 200 and from_cache set.  A 200
	 * with an ETag is stored.  Credentials are part of the key (hashed,
	 * never stored in clear): other credentials never share a body.
	 * Ignored with on_chunk (streamed bodies are not kept).
	 */
	bool conditional;
	/* Hosts (exact names, any case; no port) a followed redirect may go
	 * to besides the first URL's host; NULL-terminated, or NULL for that
	 * host only.  Redirects to other hosts, to other schemes than
	 * http/https, or from https to http are refused with SH_EDENIED.  A
	 * hop to another origin (scheme, host, port) goes without the
	 * credentials: the Basic or bearer header the client adds and the
	 * caller's Authorization, Proxy-Authorization and Cookie headers. */
	const char *const *redirect_hosts;
	/* When set: the transfer stops (SH_EIO, aborted) as soon as
	 * sh_req_client_gone(stop_when_gone) says so, even while the upstream
	 * sends nothing, so that no work goes on for a client that left.
	 * Only from that request's handler thread. */
	struct sh_req *stop_when_gone;

	/* Appended with ABI 2.1 (for perch); zero them as above. */

	/* The response head, see sh_http_head_fn (buffered or streamed). */
	sh_http_head_fn on_head;
	/* > 0: the call ends with SH_ETIMEDOUT and response.idle set once no
	 * body byte has arrived for this long (from the start, or since the
	 * last one), checked at least once a second; timeout_ms still bounds
	 * the whole call.  For streams whose source may go silent. */
	long idle_timeout_ms;

	/* Appended with ABI 2.2 (for openchoreo); zero them as above. */

	/* With service_token: the token comes from sh_service_token_for(
	 * service_token, service_client) instead of [identity]'s client. */
	const struct sh_service_client *service_client;
};

struct sh_http_response {
	long status;                   /* HTTP status; 0 when no response */
	char *body;                    /* NUL-terminated, malloc'd; NULL when streamed */
	size_t body_len;
	char *content_type;            /* or NULL */
	char *etag;                    /* or NULL */
	char error[128];               /* why it failed, for the log (no secrets) */

	/* Appended with ABI 2. */
	bool from_cache;               /* a 304 answered from the ETag cache (status says 200) */
	bool aborted;                  /* on_chunk or stop_when_gone stopped it */
	char *location;                /* Location of a redirect not followed, or NULL */

	/* Appended with ABI 2.1 (for perch). */
	bool idle;                     /* SH_ETIMEDOUT came from idle_timeout_ms */
};

/*
 * Performs the request.  Returns 0 when a response arrived (any status,
 * including a redirect not followed), or SH_ETIMEDOUT, SH_ETOOBIG (over
 * max_bytes), SH_EUNAVAIL (connect/DNS failure, no service token),
 * SH_EINVAL (bad URL or scheme other than http/https), SH_EDENIED (a
 * redirect to a host or scheme not allowed), SH_EIO (reset, aborted, more
 * than 5 redirects).  Any thread; blocks for at most the timeout.  Free the
 * response with sh_http_response_free in every case.
 */
int sh_http_do(const struct sh_http_request *rq, struct sh_http_response *out);
void sh_http_response_free(struct sh_http_response *resp);

#ifdef __cplusplus
}
#endif
#endif
