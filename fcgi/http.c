/*
 * The outbound HTTP client over libcurl.  Every call has timeouts, a body
 * cap and an http/https-only protocol list, so a plugin cannot hang a
 * thread, exhaust memory, or be redirected to file:// or gopher://.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "host.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

/* Defaults from [http], set once before any thread starts. */
static long http_timeout_ms = 10000;
static long http_connect_timeout_ms = 3000;
static size_t http_max_body = 8u * 1024 * 1024;
static char http_user_agent[128] = "stagehand/" PACKAGE_VERSION;
static bool http_ready;

int host_http_init(const struct sh_conf *c)
{
	const char *ua;

	if (http_ready)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return SH_EIO;
	http_ready = true;
	if (c == NULL)
		return 0;
	http_timeout_ms = sh_conf_int(c, "http", "timeout_ms", http_timeout_ms);
	http_connect_timeout_ms = sh_conf_int(c, "http", "connect_timeout_ms",
					      http_connect_timeout_ms);
	http_max_body = (size_t)sh_conf_int(c, "http", "max_body", (long)http_max_body);
	ua = sh_conf_str(c, "http", "user_agent");
	if (ua && *ua)
		snprintf(http_user_agent, sizeof(http_user_agent), "%s", ua);
	return 0;
}

void host_http_fini(void)
{
	if (!http_ready)
		return;
	curl_global_cleanup();
	http_ready = false;
}

struct body {
	const struct sh_http_request *rq;
	struct sh_http_response *out;
	size_t cap, alloc, total;
	bool too_big, aborted;
};

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;

	if (n > b->cap - b->total) {
		b->too_big = true;
		return 0;
	}
	b->total += n;
	if (b->rq->on_chunk) {
		if (b->rq->on_chunk(ptr, n, b->rq->chunk_state) != 0) {
			b->aborted = true;
			return 0;
		}
		return n;
	}
	if (b->out->body_len + n + 1 > b->alloc) {
		b->alloc = b->alloc ? b->alloc : 4096;
		while (b->alloc < b->out->body_len + n + 1)
			b->alloc *= 2;
		b->out->body = sh_xrealloc(b->out->body, b->alloc);
	}
	memcpy(b->out->body + b->out->body_len, ptr, n);
	b->out->body_len += n;
	b->out->body[b->out->body_len] = '\0';
	return n;
}

static void set_method(CURL *e, const struct sh_http_request *rq)
{
	const char *m = rq->method;

	if (rq->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
	}
	if (m == NULL || strcmp(m, rq->body ? "POST" : "GET") == 0)
		return;
	if (strcmp(m, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
}

static void set_options(CURL *e, const struct sh_http_request *rq, struct curl_slist *hdrs,
			struct body *b, char *errbuf)
{
	long timeout = rq->timeout_ms > 0 ? rq->timeout_ms : http_timeout_ms;
	long connect = rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : http_connect_timeout_ms;

	curl_easy_setopt(e, CURLOPT_URL, rq->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect < timeout ? connect : timeout);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, rq->follow_redirects ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, http_user_agent);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b->cap);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
	if (hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	if (rq->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, rq->ca_file);
	set_method(e, rq);
}

static int map_error(CURLcode cc, const struct body *b)
{
	if (b->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		return SH_ETOOBIG;
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

/* Content-Type and ETag of the final response (after any redirect). */
static void take_headers(CURL *e, struct sh_http_response *out)
{
	struct curl_header *hd;
	char *ct = NULL;

	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		out->content_type = sh_xstrdup(ct);
	if (curl_easy_header(e, "ETag", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK)
		out->etag = sh_xstrdup(hd->value);
}

static void set_error(struct sh_http_response *out, CURLcode cc, const struct body *b,
		      const char *errbuf)
{
	if (b->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		snprintf(out->error, sizeof(out->error), "response larger than %zu bytes", b->cap);
	else if (b->aborted)
		snprintf(out->error, sizeof(out->error), "aborted by the receiver");
	else
		snprintf(out->error, sizeof(out->error), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(cc));
}

static int make_headers(const struct sh_http_request *rq, struct curl_slist **hdrs)
{
	struct curl_slist *tmp;

	for (size_t i = 0; rq->headers && rq->headers[i]; i++) {
		tmp = curl_slist_append(*hdrs, rq->headers[i]);
		if (tmp == NULL)
			return SH_EIO;
		*hdrs = tmp;
	}
	return 0;
}

int sh_http_do(const struct sh_http_request *rq, struct sh_http_response *out)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct body b = { .rq = rq, .out = out };
	struct curl_slist *hdrs = NULL;
	CURL *e = NULL;
	CURLcode cc;
	int rc = SH_EINVAL;

	memset(out, 0, sizeof(*out));
	if (rq == NULL || rq->url == NULL) {
		snprintf(out->error, sizeof(out->error), "no url");
		return SH_EINVAL;
	}
	b.cap = rq->max_bytes ? rq->max_bytes : http_max_body;
	e = curl_easy_init();
	if (e == NULL) {
		snprintf(out->error, sizeof(out->error), "could not create a curl handle");
		return SH_EIO;
	}
	if (make_headers(rq, &hdrs) != 0) {
		snprintf(out->error, sizeof(out->error), "out of memory");
		rc = SH_EIO;
		goto out;
	}
	set_options(e, rq, hdrs, &b, errbuf);
	cc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out->status);
	if (cc == CURLE_OK) {
		take_headers(e, out);
		if (out->body == NULL && rq->on_chunk == NULL)
			out->body = sh_xstrdup("");
		rc = 0;
		goto out;
	}
	rc = map_error(cc, &b);
	set_error(out, cc, &b, errbuf);
	free(out->body);
	out->body = NULL;
	out->body_len = 0;
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(e);
	return rc;
}

void sh_http_response_free(struct sh_http_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	free(resp->content_type);
	free(resp->etag);
	resp->body = NULL;
	resp->content_type = NULL;
	resp->etag = NULL;
	resp->body_len = 0;
}
