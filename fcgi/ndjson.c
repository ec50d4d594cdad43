/*
 * NDJSON pass-through: upstream bytes arrive cut anywhere; each complete
 * line goes to the client and is flushed on its own, so a browser reading
 * the stream sees every record when the upstream sent it.  A line waiting
 * for its end is held in a capped buffer.
 */
#include <string.h>

#include "reply_int.h"

#define NDJSON_MAX_LINE (1024 * 1024)

struct sh_ndjson {
	struct sh_req *req;
	struct sh_buf partial;         /* the start of a line without its "\n" yet */
	bool ended;
};

static void release(void *p)
{
	sh_buf_free(&((struct sh_ndjson *)p)->partial);
}

struct sh_ndjson *sh_ndjson_begin(struct sh_req *req, int status, size_t max_line)
{
	struct sh_ndjson *nd;

	if (req->status) {
		host_reply_refuse(req, status);
		return NULL;
	}
	sh_reply_stream_begin(req, status, "application/x-ndjson");
	nd = sh_alloc(req, sizeof(*nd));
	memset(nd, 0, sizeof(*nd));
	nd->req = req;
	sh_buf_init(&nd->partial, max_line ? max_line : NDJSON_MAX_LINE);
	sh_defer(req, release, nd);
	return nd;
}

/* One whole line: what waited, then its end from this chunk, flushed. */
static int write_line(struct sh_ndjson *nd, const char *rest, size_t n)
{
	int rc = 0;

	if (nd->partial.len > 0)
		rc = sh_reply_write(nd->req, nd->partial.data, nd->partial.len);
	sh_buf_reset(&nd->partial);
	if (rc == 0)
		rc = sh_reply_write(nd->req, rest, n);
	return rc != 0 ? rc : sh_reply_flush(nd->req);
}

int sh_ndjson_feed(struct sh_ndjson *nd, const void *buf, size_t len)
{
	const char *p = buf, *nl;
	int rc;

	if (nd->ended)
		return SH_ESTATE;
	if (sh_req_client_gone(nd->req))
		return SH_EIO;
	while (len > 0 && (nl = memchr(p, '\n', len)) != NULL) {
		size_t n = (size_t)(nl - p) + 1;

		if (nd->partial.len + n - 1 > nd->partial.max)
			return SH_ETOOBIG;
		if ((rc = write_line(nd, p, n)) != 0)
			return rc;
		p += n;
		len -= n;
	}
	return len > 0 ? sh_buf_add(&nd->partial, p, len) : 0;
}

int sh_ndjson_chunk(const char *buf, size_t len, void *nd)
{
	return sh_ndjson_feed(nd, buf, len);
}

int sh_ndjson_end(struct sh_ndjson *nd)
{
	int rc = 0;

	if (nd->ended)
		return SH_ESTATE;
	nd->ended = true;
	if (nd->partial.len > 0)
		rc = write_line(nd, "\n", 1);
	else if (nd->req->client_gone)
		rc = SH_EIO;
	sh_buf_free(&nd->partial);
	return rc;
}
