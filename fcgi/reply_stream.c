/*
 * Streamed replies: the head goes out at once with buffering off in nginx,
 * then the handler writes and flushes as it produces; the SSE and NDJSON
 * writers sit on top.  Also how a handler learns its client has gone: a
 * failed write or flush, or the FastCGI connection hung up by nginx.
 */
#include <strings.h>

#include "reply_int.h"

/* A header the handler set with sh_reply_header replaces the stream's own. */
static void own_overridden(const struct sh_req *req, struct host_header *own, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < req->n_headers; j++)
			if (strcasecmp(own[i].name, req->headers[j].name) == 0)
				own[i].value = NULL;
}

int sh_reply_stream_begin(struct sh_req *req, int status, const char *content_type)
{
	/* nginx must pass each chunk on as it comes, and nobody may cache it. */
	struct host_header own[] = {
		{ "Content-Type", content_type },
		{ "X-Accel-Buffering", "no" },
		{ "Cache-Control", "no-cache" },
	};

	if (req->status)
		return host_reply_refuse(req, status);
	if (content_type && !host_reply_header_ok(content_type))
		return sh_fail(req, 500, "Error", "invalid content type");
	own_overridden(req, own, sizeof(own) / sizeof(own[0]));
	status = host_reply_send(req, status, own, sizeof(own) / sizeof(own[0]), NULL, 0, false);
	req->streaming = true;
	sh_reply_flush(req);
	return status;
}

int sh_reply_write(struct sh_req *req, const void *buf, size_t len)
{
	if (!req->streaming)
		return SH_ESTATE;
	return host_reply_io_write(req, buf, len);
}

int sh_reply_flush(struct sh_req *req)
{
	if (!req->streaming)
		return SH_ESTATE;
	if (req->client_gone)
		return SH_EIO;
	if (req->io.flush(req->io.ctx) < 0) {
		req->client_gone = true;
		return SH_EIO;
	}
	return 0;
}

bool sh_req_client_gone(struct sh_req *req)
{
	if (req == NULL)
		return false;
	if (!req->client_gone && req->io.gone && req->io.gone(req->io.ctx) > 0)
		req->client_gone = true;
	return req->client_gone;
}
