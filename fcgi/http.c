/*
 * The outbound HTTP client over libcurl: the [http] defaults, and one call
 * from credentials through its redirect hops to the response, with the
 * ETag cache around it, on one curl handle from the pool (http_pool.c) so
 * that connections are reused.  Each hop is one transfer (http_transfer.c)
 * with timeouts, a body cap and an http/https-only protocol list, so a
 * plugin cannot hang a thread, exhaust memory, or be redirected to file://.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_int.h"

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
	long v;

	if (http_ready)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return SH_EIO;
	http_ready = true;
	if (c == NULL)
		return 0;
	/* The schema's minimum is 1; a value below it still keeps the default. */
	if ((v = sh_conf_int(c, "http", "timeout_ms", http_timeout_ms)) > 0)
		http_timeout_ms = v;
	if ((v = sh_conf_int(c, "http", "connect_timeout_ms", http_connect_timeout_ms)) > 0)
		http_connect_timeout_ms = v;
	if ((v = sh_conf_int(c, "http", "max_body", (long)http_max_body)) > 0)
		http_max_body = (size_t)v;
	ua = sh_conf_str(c, "http", "user_agent");
	if (ua && *ua)
		snprintf(http_user_agent, sizeof(http_user_agent), "%s", ua);
	return 0;
}

void host_http_fini(void)
{
	if (!http_ready)
		return;
	host_http_etag_clear();
	host_http_pool_clear();
	curl_global_cleanup();
	http_ready = false;
}

const char *host_http_user_agent(void)
{
	return http_user_agent;
}

long long host_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- credentials */

static char *basic_header(const char *user, const char *password)
{
	char *pair = sh_xasprintf("%s:%s", user, password ? password : "");
	size_t n = strlen(pair);
	char *hdr = sh_xmalloc(sizeof("Authorization: Basic ") + SH_BASE64_ENCODED_SIZE(n));
	size_t pre = strlen("Authorization: Basic ");

	memcpy(hdr, "Authorization: Basic ", pre);
	sh_base64_encode(hdr + pre, pair, n, SH_B64_STD);
	explicit_bzero(pair, n);
	free(pair);
	return hdr;
}

/* The Authorization header the client adds, in c->auth.  0 or SH_E*. */
static int credentials(struct http_call *c)
{
	const struct sh_http_request *rq = c->rq;
	char *token = NULL;
	int rc;

	if (rq->basic_user && rq->service_token) {
		snprintf(c->out->error, sizeof(c->out->error), "basic and bearer auth together");
		return SH_EINVAL;
	}
	if (rq->basic_user) {
		c->auth = basic_header(rq->basic_user, rq->basic_password);
		return 0;
	}
	if (!rq->service_token)
		return 0;
	rc = sh_service_token_for(rq->service_token, rq->service_client, &token);
	if (rc == SH_ENOTFOUND) {
		sh_log(SH_LOG_DEBUG, "no service client configured: calling without a token");
		return 0;
	}
	if (rc != 0) {
		snprintf(c->out->error, sizeof(c->out->error), "could not get a service token");
		return SH_EUNAVAIL;
	}
	c->auth = sh_xasprintf("Authorization: Bearer %s", token);
	explicit_bzero(token, strlen(token));
	free(token);
	return 0;
}

/* ---------------------------------------------------------------- the call */

static void call_init(struct http_call *c, const struct sh_http_request *rq,
		      struct sh_http_response *out)
{
	long timeout = rq->timeout_ms > 0 ? rq->timeout_ms : http_timeout_ms;

	memset(c, 0, sizeof(*c));
	c->rq = rq;
	c->out = out;
	c->method = rq->method;
	c->url = sh_xstrdup(rq->url);
	c->send_body = rq->body != NULL;
	c->same_origin = true;
	c->deadline_ms = host_http_now_ms() + timeout;
	c->connect_ms = rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms
						   : http_connect_timeout_ms;
	c->cap = rq->max_bytes ? rq->max_bytes : http_max_body;
	sh_buf_init(&c->body, c->cap);
	c->easy = host_http_pool_take();
}

static void call_free(struct http_call *c)
{
	if (c->auth)
		explicit_bzero(c->auth, strlen(c->auth));
	free(c->auth);
	free(c->inm);
	free(c->url);
	sh_buf_free(&c->body);
	host_http_pool_give(c->easy, !c->broken);
}

/* Forgets a redirect's response before the next hop. */
static void clear_hop(struct sh_http_response *out)
{
	free(out->content_type);
	free(out->etag);
	free(out->location);
	out->content_type = out->etag = out->location = NULL;
	out->status = 0;
}

/* Runs hops until a response that is not a redirect to follow. */
static int walk(struct http_call *c)
{
	int rc, hops = 0;

	for (;;) {
		sh_buf_reset(&c->body);
		rc = host_http_perform(c);
		if (rc != 0 || !c->rq->follow_redirects || !host_http_is_redirect(c->out->status))
			return rc;
		if (++hops > HOST_HTTP_MAX_HOPS) {
			snprintf(c->out->error, sizeof(c->out->error), "more than %d redirects",
				 HOST_HTTP_MAX_HOPS);
			return SH_EIO;
		}
		if ((rc = host_http_next_hop(c, c->rq->url)) != 0)
			return rc;
		clear_hop(c->out);
	}
}

/* The conditional part: If-None-Match out, the cached body in on a 304. */
static int walk_conditional(struct http_call *c)
{
	char *etag;
	int rc;

	host_http_etag_key(c->rq, c->auth, c->key);
	etag = host_http_etag_lookup(c->key);
	if (etag)
		c->inm = sh_xasprintf("If-None-Match: %s", etag);
	rc = walk(c);
	if (rc == 0 && etag && c->out->status == 304) {
		clear_hop(c->out);
		if (host_http_etag_fill(c->key, etag, c->out)) {
			free(etag);
			return 0;
		}
		/* Evicted while we asked: ask again, unconditionally. */
		free(c->inm);
		c->inm = NULL;
		rc = walk(c);
	}
	free(etag);
	if (rc == 0 && c->out->status == 200 && c->out->etag)
		host_http_etag_store(c->key, c->out, c->body.data, c->body.len);
	return rc;
}

static int bad_request(const struct sh_http_request *rq, struct sh_http_response *out)
{
	if (rq == NULL || rq->url == NULL) {
		snprintf(out->error, sizeof(out->error), "no url");
		return SH_EINVAL;
	}
	return 0;
}

int sh_http_do(const struct sh_http_request *rq, struct sh_http_response *out)
{
	struct http_call c;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bad_request(rq, out)) != 0)
		return rc;
	call_init(&c, rq, out);
	if ((rc = credentials(&c)) != 0)
		goto out;
	if (rq->conditional && !rq->on_chunk)
		rc = walk_conditional(&c);
	else
		rc = walk(&c);
	if (rc == 0 && !out->from_cache && !rq->on_chunk)
		out->body = sh_buf_take(&c.body, &out->body_len);
out:
	if (rc != 0) {
		sh_http_response_free(out);
		out->from_cache = false;
	}
	call_free(&c);
	return rc;
}

void sh_http_response_free(struct sh_http_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	free(resp->content_type);
	free(resp->etag);
	free(resp->location);
	resp->body = NULL;
	resp->content_type = NULL;
	resp->etag = NULL;
	resp->location = NULL;
	resp->body_len = 0;
}
