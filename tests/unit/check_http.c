/*
 * The HTTP client's call and transfer (http.c, http_transfer.c) against the
 * stand-in server, tests/stubs/standin.py: Basic and service bearer
 * credentials (the [identity] client or a plugin's own), a streaming callback that aborts, a client gone
 * mid-transfer, timeouts, resets, size caps and the [http] defaults behind
 * 0.  Connection reuse (check_http_pool), the ETag cache and redirects
 * have their own suites.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_int.h"
#include "memreq.h"
#include "standin.h"

/* ---------------------------------------------------------------- credentials */

START_TEST(test_basic_auth)
{
	struct sh_http_request rq = { .url = standin_url("/basic"), .basic_user = "alice",
				      .basic_password = "s3cret:x" };
	struct sh_http_response resp;

	standin_route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", "/basic",
				"body_text", "ok"));
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "ok");
	sh_http_response_free(&resp);
	ck_assert_str_eq(standin_sent("/basic", 0, "authorization"), "Basic YWxpY2U6czNjcmV0Ong=");
}
END_TEST

/* A token endpoint at token_path giving `token`, and GET /svc answering ok. */
static void svc_routes(const char *token_path, const char *token)
{
	char reply[128];

	snprintf(reply, sizeof reply, "{\"access_token\":\"%s\",\"expires_in\":3600}", token);
	standin_route(json_pack("{s:s,s:s,s:s}", "method", "POST", "path", token_path,
				"body_text", reply));
	standin_route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", "/svc",
				"body_text", "ok"));
}

START_TEST(test_service_bearer)
{
	struct sh_http_request rq = { .url = standin_url("/svc"), .service_token = &standin_host };
	struct sh_http_response resp;

	svc_routes("/token", "svc-token-1");
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	sh_http_response_free(&resp);
	ck_assert_str_eq(standin_sent("/svc", 0, "authorization"), "Bearer svc-token-1");
	/* The token is cached: a second call asks the IdP nothing. */
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	sh_http_response_free(&resp);
	ck_assert_int_eq(standin_count("/token"), 1);
	ck_assert_str_eq(standin_sent("/svc", 1, "authorization"), "Bearer svc-token-1");
}
END_TEST

/* service_client: the plugin's own client instead of [identity]'s. */
START_TEST(test_service_bearer_own_client)
{
	struct sh_service_client cl = { .token_url = standin_url("/oc-token"), .client_id = "oc",
					.client_secret = "s" };
	struct sh_http_request rq = { .url = standin_url("/svc"), .service_token = &standin_host,
				      .service_client = &cl };
	struct sh_http_response resp;

	svc_routes("/oc-token", "oc-token-1");
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	sh_http_response_free(&resp);
	ck_assert_str_eq(standin_sent("/svc", 0, "authorization"), "Bearer oc-token-1");
	ck_assert_int_eq(standin_count("/token"), 0);
	/* A client missing a field: no request at all. */
	cl.client_secret = NULL;
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EUNAVAIL);
	sh_http_response_free(&resp);
	ck_assert_int_eq(standin_count("/svc"), 1);
	ck_assert_int_eq(standin_count("/oc-token"), 1);
}
END_TEST

START_TEST(test_service_bearer_unavailable)
{
	struct sh_http_request rq = { .url = standin_url("/svc"), .service_token = &standin_host };
	struct sh_http_response resp;

	standin_misbehave(json_pack("{s:s,s:s,s:i}", "mode", "status", "path", "/token",
				    "status", 500));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EUNAVAIL);
	ck_assert_str_eq(resp.error, "could not get a service token");
	sh_http_response_free(&resp);
	ck_assert_int_eq(standin_count("/svc"), 0);
}
END_TEST

START_TEST(test_basic_and_bearer_refused)
{
	struct sh_http_request rq = { .url = standin_url("/x"), .service_token = &standin_host,
				      .basic_user = "a" };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EINVAL);
	sh_http_response_free(&resp);
}
END_TEST

/* ---------------------------------------------------------------- streaming */

static const char ndjson[] = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n";

struct sink {
	int chunks;
	size_t bytes;
	int stop_after;     /* chunks; 0: never */
};

static int on_chunk(const char *buf, size_t len, void *state)
{
	struct sink *s = state;

	(void)buf;
	s->chunks++;
	s->bytes += len;
	return s->stop_after && s->chunks >= s->stop_after;
}

/* Five NDJSON lines, pause_ms apart (0: the stand-in's 200 ms). */
static void ndjson_route(const char *path, int pause_ms)
{
	json_t *spec = json_pack("{s:s,s:s,s:{s:s},s:s}", "method", "GET", "path", path,
				 "headers", "Content-Type", "application/x-ndjson",
				 "body_text", ndjson);

	if (pause_ms)
		json_object_set_new(spec, "ndjson_pause_ms", json_integer(pause_ms));
	standin_route(spec);
}

START_TEST(test_stream_whole)
{
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = standin_url("/nd"), .on_chunk = on_chunk,
				      .chunk_state = &s };
	struct sh_http_response resp;

	ndjson_route("/nd", 0);
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_null(resp.body);
	ck_assert_uint_eq(s.bytes, strlen(ndjson));
	ck_assert_int_ge(s.chunks, 5);
	sh_http_response_free(&resp);
}
END_TEST

/* The callback says stop after the first line: the 2.4 s of pauses never run. */
START_TEST(test_stream_abort)
{
	struct sink s = { .stop_after = 1 };
	struct sh_http_request rq = { .url = standin_url("/nd-abort"), .on_chunk = on_chunk,
				      .chunk_state = &s };
	struct sh_http_response resp;
	long long t0;

	ndjson_route("/nd-abort", 600);
	t0 = host_http_now_ms();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert(resp.aborted);
	ck_assert_str_eq(resp.error, "aborted by the receiver");
	ck_assert_int_eq(s.chunks, 1);
	ck_assert_int_lt(host_http_now_ms() - t0, 1500);
	sh_http_response_free(&resp);
}
END_TEST

/* A streamed body over max_bytes stops with SH_ETOOBIG. */
START_TEST(test_stream_cap)
{
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = standin_url("/nd-cap"), .on_chunk = on_chunk,
				      .chunk_state = &s, .max_bytes = 20 };
	struct sh_http_response resp;

	ndjson_route("/nd-cap", 0);
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETOOBIG);
	ck_assert_uint_le(s.bytes, 20);
	sh_http_response_free(&resp);
}
END_TEST

/* The handler's client goes while the upstream sends nothing: curl's
 * progress calls (about one a second when idle) see it, and the transfer
 * stops long before its timeout. */
START_TEST(test_stop_when_gone)
{
	struct memreq m;
	struct sh_http_request rq = { .url = standin_url("/stall-gone"), .timeout_ms = 8000,
				      .stop_when_gone = &m.req };
	struct sh_http_response resp;
	long long t0;

	memreq_begin(&m, "/api/x/proxy");
	standin_misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall-gone",
				    "seconds", 9));
	m.hangup_after = 3;
	t0 = host_http_now_ms();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert(resp.aborted);
	ck_assert_str_eq(resp.error, "aborted by the receiver");
	ck_assert_int_lt(host_http_now_ms() - t0, 5000);
	ck_assert_int_eq(m.gone_polls, 3);
	ck_assert(sh_req_client_gone(&m.req));
	sh_http_response_free(&resp);
	memreq_end(&m);
}
END_TEST

/* A client that stays: the transfer runs to its end, polled on the way. */
START_TEST(test_stop_when_gone_stays)
{
	struct memreq m;
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = standin_url("/nd-stays"), .on_chunk = on_chunk,
				      .chunk_state = &s, .stop_when_gone = &m.req };
	struct sh_http_response resp;

	memreq_begin(&m, "/api/x/proxy");
	ndjson_route("/nd-stays", 0);
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert(!resp.aborted);
	ck_assert_uint_eq(s.bytes, strlen(ndjson));
	ck_assert_int_ge(m.gone_polls, 1);
	sh_http_response_free(&resp);
	memreq_end(&m);
}
END_TEST

/* ---------------------------------------------------------------- on_head, idle */

struct headsink {
	struct sink body;
	int heads;
	long status;
	int chunks_at_head;   /* chunks already seen when the head came: must be 0 */
	bool saw_type, saw_custom;
	int stop;             /* on_head's answer */
};

static int on_head(long status, const char *const *headers, void *state)
{
	struct headsink *h = state;

	h->heads++;
	h->status = status;
	h->chunks_at_head = h->body.chunks;
	for (size_t i = 0; headers[i]; i++) {
		if (strcasecmp(headers[i], "content-type: application/x-ndjson") == 0)
			h->saw_type = true;
		if (strcasecmp(headers[i], "x-perch: yes") == 0)
			h->saw_custom = true;
	}
	return h->stop;
}

static int on_head_chunk(const char *buf, size_t len, void *state)
{
	return on_chunk(buf, len, &((struct headsink *)state)->body);
}

static void ndjson_route_status(const char *path, int status, int pause_ms)
{
	json_t *spec = json_pack("{s:s,s:s,s:i,s:{s:s,s:s},s:s,s:i}", "method", "GET",
				 "path", path, "status", status, "headers", "Content-Type",
				 "application/x-ndjson", "X-Perch", "yes", "body_text", ndjson,
				 "ndjson_pause_ms", pause_ms);

	standin_route(spec);
}

/* The head comes once, with every header, before the first chunk. */
START_TEST(test_head_before_chunks)
{
	struct headsink h = { 0 };
	struct sh_http_request rq = { .url = standin_url("/nd-head"), .on_chunk = on_head_chunk,
				      .on_head = on_head, .chunk_state = &h };
	struct sh_http_response resp;

	ndjson_route_status("/nd-head", 201, 50);
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(h.heads, 1);
	ck_assert_int_eq(h.status, 201);
	ck_assert_int_eq(h.chunks_at_head, 0);
	ck_assert(h.saw_type && h.saw_custom);
	ck_assert_uint_eq(h.body.bytes, strlen(ndjson));
	sh_http_response_free(&resp);
}
END_TEST

/* Buffered, and with no body at all: still one head. */
START_TEST(test_head_buffered_and_empty)
{
	struct headsink h = { 0 };
	struct sh_http_request rq = { .url = standin_url("/head-buf"), .on_head = on_head,
				      .chunk_state = &h };
	struct sh_http_response resp;

	standin_route(json_pack("{s:s,s:s,s:i,s:{s:s},s:s}", "method", "GET", "path",
				"/head-buf", "status", 202, "headers", "X-Perch", "yes",
				"body_text", "{\"status\":\"warming\"}"));
	standin_route(json_pack("{s:s,s:s,s:i,s:s}", "method", "GET", "path", "/head-empty",
				"status", 204, "body_text", ""));
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(h.heads, 1);
	ck_assert_int_eq(h.status, 202);
	ck_assert(h.saw_custom);
	ck_assert_str_eq(resp.body, "{\"status\":\"warming\"}");
	sh_http_response_free(&resp);
	memset(&h, 0, sizeof h);
	rq.url = standin_url("/head-empty");
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(h.heads, 1);
	ck_assert_int_eq(h.status, 204);
	sh_http_response_free(&resp);
}
END_TEST

/* on_head says stop: no chunk is handed on. */
START_TEST(test_head_abort)
{
	struct headsink h = { .stop = 1 };
	struct sh_http_request rq = { .url = standin_url("/nd-head-stop"),
				      .on_chunk = on_head_chunk, .on_head = on_head,
				      .chunk_state = &h };
	struct sh_http_response resp;

	ndjson_route_status("/nd-head-stop", 200, 50);
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert(resp.aborted);
	ck_assert_int_eq(h.heads, 1);
	ck_assert_int_eq(h.body.chunks, 0);
	sh_http_response_free(&resp);
}
END_TEST

/* Lines 1.5 s apart with a 500 ms idle limit: the first line arrives, the
 * silence after it ends the call as an idle timeout, well before 8 s. */
START_TEST(test_idle_between_chunks)
{
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = standin_url("/nd-idle"), .on_chunk = on_chunk,
				      .chunk_state = &s, .timeout_ms = 8000,
				      .idle_timeout_ms = 500 };
	struct sh_http_response resp;
	long long t0;

	ndjson_route("/nd-idle", 1500);
	t0 = host_http_now_ms();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	ck_assert(resp.idle);
	ck_assert(!resp.aborted);
	ck_assert_str_eq(resp.error, "no data for 500 ms");
	ck_assert_int_ge(s.chunks, 1);
	ck_assert_uint_lt(s.bytes, strlen(ndjson));
	ck_assert_int_lt(host_http_now_ms() - t0, 2500);
	sh_http_response_free(&resp);
}
END_TEST

/* Silence before any response counts too; a stream with shorter pauses
 * than the limit runs to its end. */
START_TEST(test_idle_before_head_and_not_hit)
{
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = standin_url("/stall-idle"), .timeout_ms = 8000,
				      .idle_timeout_ms = 500 };
	struct sh_http_response resp;
	long long t0 = host_http_now_ms();

	standin_misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall-idle",
				    "seconds", 5));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	ck_assert(resp.idle);
	ck_assert_int_lt(host_http_now_ms() - t0, 2500);
	sh_http_response_free(&resp);

	ndjson_route("/nd-idle-ok", 100);
	rq.url = standin_url("/nd-idle-ok");
	rq.on_chunk = on_chunk;
	rq.chunk_state = &s;
	rq.idle_timeout_ms = 1500;
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert(!resp.idle);
	ck_assert_uint_eq(s.bytes, strlen(ndjson));
	sh_http_response_free(&resp);
}
END_TEST

/* ---------------------------------------------------------------- failures */

START_TEST(test_timeout)
{
	struct sh_http_request rq = { .url = standin_url("/stall"), .timeout_ms = 400 };
	struct sh_http_response resp;
	long long t0 = host_http_now_ms();

	standin_misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall",
				    "seconds", 3));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	ck_assert_int_lt(host_http_now_ms() - t0, 1500);
	ck_assert_ptr_null(resp.body);
	sh_http_response_free(&resp);
}
END_TEST

/* timeout_ms 0 is the [http] default (1500 ms in this suite), never "none". */
START_TEST(test_timeout_default)
{
	struct sh_http_request rq = { .url = standin_url("/stall-default") };
	struct sh_http_response resp;
	long long t0 = host_http_now_ms(), took;

	standin_misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall-default",
				    "seconds", 4));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	took = host_http_now_ms() - t0;
	ck_assert_int_ge(took, 1400);
	ck_assert_int_lt(took, 3000);
	sh_http_response_free(&resp);
}
END_TEST

START_TEST(test_reset)
{
	struct sh_http_request rq = { .url = standin_url("/reset") };
	struct sh_http_response resp;

	standin_misbehave(json_pack("{s:s,s:s}", "mode", "reset", "path", "/reset"));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert_ptr_null(resp.body);
	ck_assert_str_ne(resp.error, "");
	sh_http_response_free(&resp);
}
END_TEST

START_TEST(test_refused_connection)
{
	struct sh_http_request rq = { .url = "http://127.0.0.1:1/x", .timeout_ms = 2000 };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EUNAVAIL);
	sh_http_response_free(&resp);
}
END_TEST

static void big_route(const char *path, size_t n)
{
	char *body = malloc(n + 1);

	memset(body, 'x', n);
	body[n] = '\0';
	standin_route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", path, "body_text", body));
	free(body);
}

START_TEST(test_size_cap)
{
	struct sh_http_request rq = { .url = standin_url("/big"), .max_bytes = 1000 };
	struct sh_http_response resp;

	big_route("/big", 1001);
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETOOBIG);
	ck_assert_ptr_null(resp.body);
	sh_http_response_free(&resp);
	rq.max_bytes = 1001;
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_uint_eq(resp.body_len, 1001);
	sh_http_response_free(&resp);
}
END_TEST

/* max_bytes 0 is the [http] max_body (64 KiB in this suite). */
START_TEST(test_size_cap_default)
{
	struct sh_http_request rq = { .url = standin_url("/big-default") };
	struct sh_http_response resp;

	big_route("/big-default", 64 * 1024 + 1);
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETOOBIG);
	sh_http_response_free(&resp);
}
END_TEST

START_TEST(test_bad_scheme)
{
	struct sh_http_request rq = { .url = "file:///etc/passwd" };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EINVAL);
	sh_http_response_free(&resp);
	rq.url = NULL;
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EINVAL);
	sh_http_response_free(&resp);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_basic_auth,
		test_service_bearer,
		test_service_bearer_own_client,
		test_service_bearer_unavailable,
		test_basic_and_bearer_refused,
		test_stream_whole,
		test_stream_abort,
		test_stream_cap,
		test_stop_when_gone,
		test_stop_when_gone_stays,
		test_head_before_chunks,
		test_head_buffered_and_empty,
		test_head_abort,
		test_idle_between_chunks,
		test_idle_before_head_and_not_hit,
		test_timeout,
		test_timeout_default,
		test_reset,
		test_refused_connection,
		test_size_cap,
		test_size_cap_default,
		test_bad_scheme,
	};

	return standin_main("http", tests, sizeof(tests) / sizeof(*tests));
}
