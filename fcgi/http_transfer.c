/*
 * One hop of an sh_http_do call: a curl transfer on the call's pooled
 * handle, reset first so that no option of an earlier call or hop lingers
 * (curl reuses a live connection only for the same scheme, host, port and
 * TLS settings, CA file included).  The transfer has the call's remaining
 * time, its body cap, the caller's headers plus the credentials and
 * If-None-Match the client adds, and its body is buffered in an sh_buf or
 * handed to the caller's chunk callback, which may stop it.  A failed
 * transfer marks the handle broken, so it is not pooled again.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

static bool is_header(const char *h, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(h, name, n) == 0 && h[n] == ':';
}

/* A caller header that only the first URL's origin may see. */
static bool credential_header(const char *h)
{
	return is_header(h, "Authorization") || is_header(h, "Proxy-Authorization") ||
	       is_header(h, "Cookie");
}

static bool append(struct curl_slist **list, const char *h)
{
	struct curl_slist *tmp = curl_slist_append(*list, h);

	if (tmp == NULL)
		return false;
	*list = tmp;
	return true;
}

static int make_headers(const struct http_call *c, struct curl_slist **hdrs)
{
	const char *const *h = c->rq->headers;

	for (size_t i = 0; h && h[i]; i++)
		if ((c->same_origin || !credential_header(h[i])) && !append(hdrs, h[i]))
			return SH_EIO;
	if (c->auth && c->same_origin && !append(hdrs, c->auth))
		return SH_EIO;
	if (c->inm && !append(hdrs, c->inm))
		return SH_EIO;
	return 0;
}

#define HEAD_MAX 100          /* response headers handed to on_head */

/* Hands the final response's head to rq->on_head, once.  False: abort. */
static bool give_head(struct http_call *c)
{
	const char *list[HEAD_MAX + 1];
	char *owned[HEAD_MAX];
	struct curl_header *h, *prev = NULL;
	long status = 0;
	size_t n = 0;
	int rc;

	if (!c->rq->on_head || c->head_done)
		return true;
	c->head_done = true;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	while (n < HEAD_MAX && (h = curl_easy_nextheader(c->easy, CURLH_HEADER, -1, prev))) {
		owned[n] = sh_xasprintf("%s: %s", h->name, h->value);
		list[n] = owned[n];
		n++;
		prev = h;
	}
	list[n] = NULL;
	rc = c->rq->on_head(status, list, c->rq->chunk_state);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	return rc == 0;
}

/* A redirect's body is not the caller's: it is counted, then dropped. */
static bool hop_body_dropped(const struct http_call *c)
{
	long status = 0;

	if (!c->rq->follow_redirects)
		return false;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	return host_http_is_redirect(status);
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct http_call *c = ud;
	size_t n = size * nmemb;

	if (n > c->cap - c->total) {
		c->too_big = true;
		return 0;
	}
	c->total += n;
	if (hop_body_dropped(c))
		return n;
	c->last_byte_ms = host_http_now_ms();
	if (!give_head(c)) {
		c->aborted = true;
		return 0;
	}
	if (c->rq->on_chunk) {
		if (c->rq->on_chunk(ptr, n, c->rq->chunk_state) != 0) {
			c->aborted = true;
			return 0;
		}
		return n;
	}
	if (sh_buf_add(&c->body, ptr, n) != 0) {
		c->too_big = true;
		return 0;
	}
	return n;
}

/* Called about once a second while idle: stops a call whose client left
 * or whose body has been silent past idle_timeout_ms. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct http_call *c = ud;
	long idle = c->rq->idle_timeout_ms;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (idle > 0 && host_http_now_ms() - c->last_byte_ms >= idle) {
		c->idle = true;
		return 1;
	}
	if (sh_req_client_gone(c->rq->stop_when_gone)) {
		c->aborted = true;
		return 1;
	}
	return 0;
}

static void set_method(const struct http_call *c)
{
	const char *m = c->method;
	CURL *e = c->easy;

	if (c->send_body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->rq->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->rq->body_len);
	}
	if (m == NULL || strcmp(m, c->send_body ? "POST" : "GET") == 0)
		return;
	if (strcmp(m, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
}

static void set_limits(struct http_call *c, long left)
{
	CURL *e = c->easy;

	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, left);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms < left ? c->connect_ms : left);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->cap);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* Hops are followed in http.c, each one checked against the allow-list. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
}

static void set_options(struct http_call *c, struct curl_slist *hdrs, long left)
{
	CURL *e = c->easy;

	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_MAXCONNECTS, (long)HOST_HTTP_POOL_CONNS);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	set_limits(c, left);
	curl_easy_setopt(e, CURLOPT_USERAGENT, host_http_user_agent());
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	if (c->rq->stop_when_gone || c->rq->idle_timeout_ms > 0) {
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}
	if (hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	if (c->rq->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->rq->ca_file);
	set_method(c);
}

static int map_error(CURLcode cc, const struct http_call *c)
{
	if (c->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		return SH_ETOOBIG;
	if (c->idle)
		return SH_ETIMEDOUT;
	if (c->aborted)
		return SH_EIO;
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return SH_ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return SH_EUNAVAIL;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return SH_EINVAL;
	default:
		return SH_EIO;
	}
}

static void set_error(struct http_call *c, CURLcode cc)
{
	struct sh_http_response *out = c->out;

	if (c->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		snprintf(out->error, sizeof(out->error), "response larger than %zu bytes", c->cap);
	else if (c->idle)
		snprintf(out->error, sizeof(out->error), "no data for %ld ms", c->rq->idle_timeout_ms);
	else if (c->aborted)
		snprintf(out->error, sizeof(out->error), "aborted by the receiver");
	else
		snprintf(out->error, sizeof(out->error), "%.120s",
			 c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc));
}

static char *header_copy(CURL *e, const char *name)
{
	struct curl_header *hd;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &hd) != CURLHE_OK)
		return NULL;
	return sh_xstrdup(hd->value);
}

/* Status, Content-Type, ETag and Location of this hop's response. */
static void take_headers(struct http_call *c)
{
	struct sh_http_response *out = c->out;
	char *ct = NULL;

	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		out->content_type = sh_xstrdup(ct);
	out->etag = header_copy(c->easy, "ETag");
	if (host_http_is_redirect(out->status))
		out->location = header_copy(c->easy, "Location");
}

int host_http_perform(struct http_call *c)
{
	long left = (long)(c->deadline_ms - host_http_now_ms());
	struct curl_slist *hdrs = NULL;
	CURLcode cc;
	int rc = 0;

	c->total = 0;
	c->errbuf[0] = '\0';
	c->last_byte_ms = host_http_now_ms();
	if (left <= 0) {
		snprintf(c->out->error, sizeof(c->out->error), "timed out before the last hop");
		return SH_ETIMEDOUT;
	}
	if (c->easy == NULL || make_headers(c, &hdrs) != 0) {
		snprintf(c->out->error, sizeof(c->out->error), "could not set up the transfer");
		rc = SH_EIO;
		goto out;
	}
	/* Every option back to its default; the connections stay. */
	curl_easy_reset(c->easy);
	set_options(c, hdrs, left);
	cc = curl_easy_perform(c->easy);
	if (cc == CURLE_OK) {
		take_headers(c);
		if (!hop_body_dropped(c) && !give_head(c)) {
			c->out->aborted = c->aborted = true;
			snprintf(c->out->error, sizeof(c->out->error), "aborted by the receiver");
			rc = SH_EIO;
		}
	} else {
		curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &c->out->status);
		c->out->aborted = c->aborted && !c->idle;
		c->out->idle = c->idle;
		rc = map_error(cc, c);
		set_error(c, cc);
		c->broken = true;
	}
out:
	curl_slist_free_all(hdrs);
	return rc;
}
