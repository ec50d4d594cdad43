/*
 * Inside the reply writer: what reply.c shares with the stream writers
 * (reply_stream.c, sse.c, ndjson.c).  Host-internal.
 */
#ifndef STAGEHAND_REPLY_INT_H
#define STAGEHAND_REPLY_INT_H

#include "req.h"

/* A header value without CR or LF. */
bool host_reply_header_ok(const char *v);
/* Writes to the client; SH_EIO once it has gone (then sticky: nothing more
 * is attempted).  Zero bytes is a no-op. */
int host_reply_io_write(struct sh_req *req, const void *buf, size_t len);
/* The answer to a second reply: logs, writes nothing, returns the first status. */
int host_reply_refuse(struct sh_req *req, int status);
/* Claims the reply (req->status), writes the head with the host's own
 * headers first, then the body.  Returns the status sent. */
int host_reply_send(struct sh_req *req, int status, const struct host_header *own,
		    size_t n_own, const void *body, size_t len, bool cacheable);

#endif
