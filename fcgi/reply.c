/*
 * Replies as CGI-style output on the request's stream: a Status line, the
 * headers, a blank line, then the body.  Each request replies once; JSON,
 * raw bytes, Backstage error bodies, streams (reply_stream.c) and
 * X-Accel-Redirect all go through the same head writer.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "reply_int.h"

const char *host_status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

/* ------------------------------------------------------------ error body */

/* Length of the valid UTF-8 sequence at s (as jansson accepts it), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string of s, with each invalid UTF-8 byte turned into U+FFFD:
 * messages and URLs carry client bytes, and json_string refuses those. */
static json_t *text(const char *s)
{
	size_t len = strlen(s), i = 0, o = 0, n;
	json_t *j;
	char *buf;

	j = json_stringn(s, len);
	if (j)
		return j;
	buf = sh_xmalloc(3 * len + 1);
	while (i < len) {
		n = utf8_len((const unsigned char *)s + i, len - i);
		if (n) {
			memcpy(buf + o, s + i, n);
			o += n, i += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3, i++;
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

json_t *host_error_body(int status, const char *name, const char *message,
			const char *method, const char *url)
{
	return json_pack("{s:{s:o,s:o},s:{s:o,s:o},s:{s:i}}",
			 "error", "name", text(name ? name : "Error"),
			 "message", text(message ? message : ""),
			 "request", "method", text(method ? method : ""),
			 "url", text(url ? url : ""),
			 "response", "statusCode", status);
}

/* ------------------------------------------------------------ the head */

bool host_reply_header_ok(const char *v)
{
	return v[strcspn(v, "\r\n")] == '\0';
}

static bool header_name_ok(const char *n)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~0123456789"
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	return *n && n[strspn(n, tchar)] == '\0';
}

int sh_reply_header(struct sh_req *req, const char *name, const char *value)
{
	struct host_header *grown;

	if (!name || !value || !header_name_ok(name) || !host_reply_header_ok(value))
		return SH_EINVAL;
	if (req->status)
		return SH_ESTATE;
	if (req->n_headers == req->cap_headers) {
		req->cap_headers = req->cap_headers ? 2 * req->cap_headers : 8;
		grown = host_arena_alloc(req->arena, req->cap_headers * sizeof(*grown));
		if (req->n_headers)
			memcpy(grown, req->headers, req->n_headers * sizeof(*grown));
		req->headers = grown;
	}
	req->headers[req->n_headers].name = sh_strdup(req, name);
	req->headers[req->n_headers].value = sh_strdup(req, value);
	req->n_headers++;
	return 0;
}

static size_t emit(char *dst, size_t off, const char *s)
{
	size_t n = strlen(s);

	if (dst)
		memcpy(dst + off, s, n);
	return off + n;
}

static size_t emit_headers(char *dst, size_t off, const struct host_header *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!h[i].value)
			continue;
		off = emit(dst, off, h[i].name);
		off = emit(dst, off, ": ");
		off = emit(dst, off, h[i].value);
		off = emit(dst, off, "\r\n");
	}
	return off;
}

/* Status line, the host's own headers, the handler's, a blank line; measures when dst is NULL. */
static size_t head_fill(const struct sh_req *req, char *dst, const char *status_line,
			const struct host_header *own, size_t n_own)
{
	size_t off = emit(dst, 0, status_line);

	off = emit_headers(dst, off, own, n_own);
	off = emit_headers(dst, off, req->headers, req->n_headers);
	return emit(dst, off, "\r\n");
}

int host_reply_io_write(struct sh_req *req, const void *buf, size_t len)
{
	if (req->client_gone)
		return SH_EIO;
	if (len == 0)
		return 0;
	if (req->io.write(req->io.ctx, buf, len) < 0) {
		req->client_gone = true;
		return SH_EIO;
	}
	return 0;
}

/* A reply after the first one writes nothing: the head is already out. */
int host_reply_refuse(struct sh_req *req, int status)
{
	sh_log(SH_LOG_WARN, "second reply ignored: status %d already sent, %d dropped",
	       req->status, status);
	return req->status;
}

/* Claims the reply and writes the head, then the body.  Returns the status. */
int host_reply_send(struct sh_req *req, int status, const struct host_header *own,
		    size_t n_own, const void *body, size_t len, bool cacheable)
{
	const char *line;
	char *head;
	size_t n;

	if (status < 100 || status > 599) {
		sh_log(SH_LOG_ERROR, "handler replied with invalid status %d, sending 500", status);
		status = 500;
	}
	req->status = status;
	line = sh_printf(req, "Status: %d %s\r\n", status, host_status_reason(status));
	n = head_fill(req, NULL, line, own, n_own);
	head = sh_alloc(req, n);
	head_fill(req, head, line, own, n_own);
	if (cacheable && status == 200 && req->cache_store)
		req->cache_store(req, head, n, body, len);
	if (host_reply_io_write(req, head, n) == 0)
		host_reply_io_write(req, body, len);
	return status;
}

/* ------------------------------------------------------------ replies */

int sh_reply_raw(struct sh_req *req, int status, const char *content_type,
		 const void *buf, size_t len)
{
	struct host_header ct = { "Content-Type", content_type };

	if (req->status)
		return host_reply_refuse(req, status);
	if (content_type && !host_reply_header_ok(content_type))
		return sh_fail(req, 500, "Error", "invalid content type");
	return host_reply_send(req, status, &ct, 1, buf, len, true);
}

int sh_reply_empty(struct sh_req *req, int status)
{
	return sh_reply_raw(req, status, NULL, NULL, 0);
}

int sh_reply_json(struct sh_req *req, int status, json_t *body)
{
	char *out;
	int rc;

	if (!body)
		return sh_reply_empty(req, status);
	if (req->status) {
		json_decref(body);
		return host_reply_refuse(req, status);
	}
	out = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	if (!out)
		return sh_fail(req, 500, "Error", "could not encode the reply");
	rc = sh_reply_raw(req, status, "application/json; charset=utf-8", out, strlen(out));
	free(out);
	return rc;
}

int sh_fail(struct sh_req *req, int status, const char *name, const char *fmt, ...)
{
	const char *method = req->method ? req->method : "";
	const char *url = req->url ? req->url : req->uri ? req->uri : "";
	const char *path = req->rel_path ? req->rel_path : "";
	va_list ap;
	char *msg;

	if (req->status)
		return host_reply_refuse(req, status);
	va_start(ap, fmt);
	msg = sh_vprintf(req, fmt, ap);
	va_end(ap);
	/* The path only: a query may carry codes or tokens. */
	if (status >= 500)
		sh_log(SH_LOG_ERROR, "request failed: %d %s %s: %s: %s", status, method, path,
		       name, msg);
	else
		sh_log(SH_LOG_DEBUG, "request refused: %d %s %s: %s: %s", status, method, path,
		       name, msg);
	return sh_reply_json(req, status, host_error_body(status, name, msg, method, url));
}

int sh_reply_accel(struct sh_req *req, const char *internal_uri, const char *content_type)
{
	struct host_header own[] = {
		{ "Content-Type", content_type },
		{ "X-Accel-Redirect", internal_uri },
	};

	if (req->status)
		return host_reply_refuse(req, 200);
	if (!internal_uri || internal_uri[0] != '/' || !host_reply_header_ok(internal_uri) ||
	    (content_type && !host_reply_header_ok(content_type)))
		return sh_fail(req, 500, "Error", "invalid internal redirect");
	/* Cacheable: a SH_ROUTE_CACHED route (techdocs' /static) keeps the
	 * redirect itself; nginx reads the file anew every time. */
	return host_reply_send(req, 200, own, sizeof(own) / sizeof(own[0]), NULL, 0, true);
}
