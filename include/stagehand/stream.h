/*
 * Streamed replies: raw chunks, Server-Sent Events and NDJSON, each frame
 * or line flushed to the client as it is written, and how a handler learns
 * that its client has gone so that it stops upstream work at once.  A
 * stream is the request's one reply; every function here is for the
 * request's handler thread only, until the handler returns.
 *
 *	sh_sse_begin(req);
 *	while (more && sh_sse_event(req, "delta", text) == 0)
 *		...;
 *	return 200;
 */
#ifndef STAGEHAND_STREAM_H
#define STAGEHAND_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_req;
typedef struct json_t json_t;

/* ------------------------------------------------------------ raw streams */

/*
 * Sends status and headers (Content-Type when not NULL, X-Accel-Buffering:
 * no, Cache-Control: no-cache; one the handler set before with
 * sh_reply_header replaces the stream's own of that name) and flushes.  Returns status; after another
 * reply it writes nothing and returns that reply's status.
 */
int sh_reply_stream_begin(struct sh_req *req, int status, const char *content_type);
/* Write and flush return 0, SH_ESTATE before sh_reply_stream_begin, or
 * SH_EIO once the client has gone (stop producing then; it stays gone). */
int sh_reply_write(struct sh_req *req, const void *buf, size_t len);
int sh_reply_flush(struct sh_req *req);

/*
 * Whether the client has gone: a write or flush failed, or nginx closed the
 * FastCGI connection (it does when the client aborts).  Cheap (one poll
 * without waiting), so call it between upstream steps; once true it stays
 * true.  False for NULL.  Also what sh_http_request.stop_when_gone checks.
 */
bool sh_req_client_gone(struct sh_req *req);

/* ------------------------------------------------------------ Server-Sent Events */

/* Starts an event stream: status 200, text/event-stream, no caching, no
 * proxy buffering.  Returns 200 (or an earlier reply's status). */
int sh_sse_begin(struct sh_req *req);
/*
 * Writes one frame and flushes it: "event: NAME\n" when event is not NULL,
 * then one "data: LINE\n" per line of data (split at \n, \r\n or \r; NULL
 * or "" is one empty data line), then a blank line.  Returns 0, SH_EINVAL
 * for an event name with CR or LF (nothing written), SH_ESTATE outside a
 * stream, SH_EIO once the client has gone.
 */
int sh_sse_event(struct sh_req *req, const char *event, const char *data);
/* The same with data = the compact JSON text of `data` (borrowed). */
int sh_sse_json(struct sh_req *req, const char *event, const json_t *data);
/* A comment frame ": TEXT\n\n" (keep-alives: clients ignore it, proxies
 * see traffic), flushed; one ": " line per line of text.  0 / SH_ESTATE / SH_EIO. */
int sh_sse_comment(struct sh_req *req, const char *text);

/* ------------------------------------------------------------ NDJSON */

struct sh_ndjson;

/*
 * Starts an application/x-ndjson stream with `status` and returns its
 * pass-through state (the request owns it: it is released when the request
 * ends), or NULL when the request had already replied.  A line may be at
 * most max_line bytes without its "\n" (0: 1 MiB): that caps what waits
 * for a line's end.
 */
struct sh_ndjson *sh_ndjson_begin(struct sh_req *req, int status, size_t max_line);
/*
 * Feeds upstream bytes, cut anywhere: each complete line (through its
 * "\n") is written and flushed on its own; the rest waits for the next
 * feed.  Returns 0; SH_ETOOBIG when a line is longer than max_line
 * (nothing of that line is written, the lines before it were: end the
 * stream); SH_EIO once the client has gone, seen by a failed write or
 * sh_req_client_gone.
 */
int sh_ndjson_feed(struct sh_ndjson *nd, const void *buf, size_t len);
/* sh_ndjson_feed as a sh_http_chunk_fn (state = the sh_ndjson), so that an
 * upstream stream passes through and stops when the client goes:
 *	rq.on_chunk = sh_ndjson_chunk; rq.chunk_state = nd; */
int sh_ndjson_chunk(const char *buf, size_t len, void *nd);
/* Ends the stream: a last line without "\n" is written with one, flushed.
 * 0 or SH_EIO.  Feeding after it is SH_ESTATE. */
int sh_ndjson_end(struct sh_ndjson *nd);

#ifdef __cplusplus
}
#endif
#endif
