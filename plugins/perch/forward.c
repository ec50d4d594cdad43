/*
 * The upstream call and the reply: the agent's head becomes ours (filtered)
 * and each chunk of a chat is written and flushed the moment it arrives,
 * so no line waits for the next.  The forwarder's own errors are the
 * gateway envelopes before the head and NDJSON closing lines after it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/stagehand.h>

#include "envelope.h"
#include "forward.h"
#include "headers.h"
#include "perch.h"

#define CHAT_MAX_BYTES (64L * 1024 * 1024)   /* one chat's whole answer */
#define WARMUP_MAX_BYTES (64L * 1024)
#define HEAD_MAX 100

struct call {
	struct sh_req *req;
	const struct perch_fwd *f;
	long status;                 /* the agent's; 0 before its head */
	const char *ctype;           /* its Content-Type, or NULL */
	const char *names[HEAD_MAX], *values[HEAD_MAX];   /* the headers that pass */
	size_t n;
	bool begun;                  /* our stream head is out */
	bool mid_line;               /* the last byte out was not "\n" */
};

static void keep_header(struct call *c, const char *h)
{
	const char *colon = strchr(h, ':'), *v;

	if (!colon || c->n == HEAD_MAX)
		return;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if ((size_t)(colon - h) == strlen("content-type") &&
	    strncasecmp(h, "content-type", (size_t)(colon - h)) == 0)
		c->ctype = sh_strdup(c->req, v);
	else if (perch_header_passes(h, (size_t)(colon - h), c->f->chat)) {
		c->names[c->n] = sh_strndup(c->req, h, (size_t)(colon - h));
		c->values[c->n++] = sh_strdup(c->req, v);
	}
}

static void put_headers(const struct call *c)
{
	for (size_t i = 0; i < c->n; i++)
		sh_reply_header(c->req, c->names[i], c->values[i]);
}

/* The agent's head: kept; a chat sends its own at once. */
static int on_head(long status, const char *const *headers, void *state)
{
	struct call *c = state;

	c->status = status;
	for (size_t i = 0; headers[i]; i++)
		keep_header(c, headers[i]);
	if (!c->f->chat)
		return 0;
	put_headers(c);
	sh_reply_header(c->req, "Content-Encoding", "identity");
	sh_reply_header(c->req, "Cache-Control", "no-cache, no-transform");
	sh_reply_stream_begin(c->req, (int)status, c->ctype);
	c->begun = true;
	return sh_req_client_gone(c->req) ? 1 : 0;
}

/* Each chunk out as it came; non-zero (stop) once the client has gone. */
static int on_chunk(const char *buf, size_t len, void *state)
{
	struct call *c = state;

	if (len == 0)
		return 0;
	if (sh_reply_write(c->req, buf, len) != 0 || sh_reply_flush(c->req) != 0)
		return 1;
	c->mid_line = buf[len - 1] != '\n';
	return 0;
}

/* Before any head went out: the gateway envelopes. */
static int gateway_error(struct call *c, const struct perch *p, int rc,
			 const struct sh_http_response *resp)
{
	long ms = resp->idle ? p->idle_timeout_ms
			     : c->f->chat ? p->chat_timeout_ms : p->warmup_timeout_ms;

	if (sh_req_client_gone(c->req))
		return sh_reply_empty(c->req, 499);
	sh_log(SH_LOG_WARN, "perch: %s%s: %s", p->upstream, c->f->suffix, resp->error);
	if (rc == SH_ETIMEDOUT)
		return sh_reply_json(c->req, 504, perch_gateway_timeout(ms, c->f->rid));
	return sh_reply_json(c->req, 502, perch_bad_gateway(c->f->rid));
}

static bool is_ndjson(const char *ctype)
{
	return ctype && strncasecmp(ctype, "application/x-ndjson", 20) == 0;
}

/* A chat stream the agent did not finish: closed the way the agent closes
 * a failed turn, when it is NDJSON and someone still reads it. */
static void stream_cut(struct call *c, int rc, const struct sh_http_response *resp)
{
	const char *what = resp->idle           ? "The assistant stopped responding"
			   : rc == SH_ETIMEDOUT ? "The assistant did not finish in time"
			   : rc == SH_ETOOBIG   ? "The answer was too long"
						: "The connection to the assistant was lost";
	char *end;

	if (sh_req_client_gone(c->req)) {
		sh_log(SH_LOG_INFO, "perch: client left, upstream call stopped");
		return;
	}
	sh_log(SH_LOG_WARN, "perch: stream cut: %s", resp->error);
	if (!is_ndjson(c->ctype))
		return;
	end = perch_stream_end(what, c->f->rid, c->mid_line);
	sh_reply_write(c->req, end, strlen(end));
	sh_reply_flush(c->req);
	free(end);
}

static int finish(struct call *c, const struct perch *p, int rc,
		  const struct sh_http_response *resp)
{
	if (c->begun) {
		if (rc != 0)
			stream_cut(c, rc, resp);
		return (int)c->status;
	}
	if (rc != 0)
		return gateway_error(c, p, rc, resp);
	put_headers(c);
	return sh_reply_raw(c->req, (int)resp->status, c->ctype, resp->body, resp->body_len);
}

int perch_forward(struct sh_req *req, const struct perch *p, const struct perch_fwd *f)
{
	struct call c = { .req = req, .f = f };
	struct sh_http_request rq = {
		.method = "POST",
		.url = sh_printf(req, "%s%s", p->upstream, f->suffix),
		.headers = f->headers,
		.body = f->body,
		.body_len = strlen(f->body),
		.timeout_ms = f->chat ? p->chat_timeout_ms : p->warmup_timeout_ms,
		.max_bytes = f->chat ? CHAT_MAX_BYTES : WARMUP_MAX_BYTES,
		.on_head = on_head,
		.on_chunk = f->chat ? on_chunk : NULL,
		.chunk_state = &c,
		.idle_timeout_ms = f->chat ? p->idle_timeout_ms : 0,
		.stop_when_gone = req,
	};
	struct sh_http_response resp;
	int rc = sh_http_do(&rq, &resp), status;

	status = finish(&c, p, rc, &resp);
	sh_http_response_free(&resp);
	return status;
}
