/*
 * The Server-Sent Events writer (WHATWG HTML §9.2): frames of an optional
 * "event:" line and one "data:" line per line of the payload, comment
 * keep-alives, each frame flushed so that it reaches the browser at once.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "reply_int.h"

int sh_sse_begin(struct sh_req *req)
{
	return sh_reply_stream_begin(req, 200, "text/event-stream");
}

/* Writes "PREFIX LINE\n" for each line of text (\n, \r\n or \r ends one). */
static int write_lines(struct sh_req *req, const char *prefix, const char *text)
{
	const char *p = text ? text : "";
	size_t n, plen = strlen(prefix);
	int rc;

	for (;;) {
		n = strcspn(p, "\r\n");
		if ((rc = sh_reply_write(req, prefix, plen)) != 0 ||
		    (rc = sh_reply_write(req, p, n)) != 0 ||
		    (rc = sh_reply_write(req, "\n", 1)) != 0)
			return rc;
		p += n;
		if (*p == '\0')
			return 0;
		p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
	}
}

/* The blank line that ends a frame, and the flush that sends it. */
static int end_frame(struct sh_req *req)
{
	int rc = sh_reply_write(req, "\n", 1);

	return rc != 0 ? rc : sh_reply_flush(req);
}

int sh_sse_event(struct sh_req *req, const char *event, const char *data)
{
	int rc;

	if (event && !host_reply_header_ok(event))
		return SH_EINVAL;
	if (!req->streaming)
		return SH_ESTATE;
	if (event && (rc = write_lines(req, "event: ", event)) != 0)
		return rc;
	if ((rc = write_lines(req, "data: ", data)) != 0)
		return rc;
	return end_frame(req);
}

int sh_sse_json(struct sh_req *req, const char *event, const json_t *data)
{
	char *text;
	int rc;

	if (!req->streaming)
		return SH_ESTATE;
	text = json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return SH_EINVAL;
	rc = sh_sse_event(req, event, text);
	free(text);
	return rc;
}

int sh_sse_comment(struct sh_req *req, const char *text)
{
	int rc;

	if (!req->streaming)
		return SH_ESTATE;
	if ((rc = write_lines(req, ": ", text)) != 0)
		return rc;
	return end_frame(req);
}
