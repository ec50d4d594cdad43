/*
 * The HTTP client (http.c, http_transfer.c, http_redirect.c, http_etag.c)
 * against the stand-in server, tests/stubs/standin.py: Basic and service
 * bearer credentials, the ETag round trip and its key, a streaming callback
 * that aborts, a client gone mid-transfer, timeouts, resets, size caps
 * (and the [http] defaults behind 0), and redirects with their allow-list.
 * The stand-in runs for the whole suite; each test adds its own routes.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "http_int.h"
#include "idp.h"
#include "memreq.h"

static pid_t standin_pid;
static char base[64];               /* http://127.0.0.1:PORT */
static struct sh_host host;

/* ---------------------------------------------------------------- the stand-in */

static int read_port(const char *file)
{
	FILE *f = fopen(file, "r");
	int port = 0;

	if (f) {
		if (fscanf(f, "%d", &port) != 1)
			port = 0;
		fclose(f);
	}
	return port;
}

/* Starts standin.py on a free port; 0 once it listens, -1 otherwise. */
static int standin_start(void)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char script[4096], portfile[] = "/tmp/check_http.XXXXXX";
	int fd = mkstemp(portfile), port = 0;

	close(fd);
	unlink(portfile);
	snprintf(script, sizeof(script), "%s/tests/stubs/standin.py", top);
	if ((standin_pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execlp("python3", "python3", script, "--port", "0", "--port-file", portfile,
		       "--ndjson-pause-ms", "200", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && port == 0; i++) {
		usleep(50 * 1000);
		port = read_port(portfile);
		if (waitpid(standin_pid, NULL, WNOHANG) == standin_pid)
			return -1;
	}
	unlink(portfile);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	return port ? 0 : -1;
}

static void standin_stop(void)
{
	if (standin_pid > 0) {
		kill(standin_pid, SIGTERM);
		waitpid(standin_pid, NULL, 0);
	}
}

/* The stand-in's URL of path: a ring of buffers, enough for one test's requests. */
static char *url(const char *path)
{
	static char buf[16][256];
	static int n;
	char *u = buf[n++ % 16];

	snprintf(u, sizeof(buf[0]), "%s%s", base, path);
	return u;
}

/* The same for the control calls, which must not reuse a test's buffers. */
static char *ctl_url(const char *path)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s%s", base, path);
	return buf;
}

/* A control call with a JSON body (stolen); returns the status. */
static long control(const char *method, const char *path, json_t *body)
{
	static const char *const json_hdr[] = { "Content-Type: application/json", NULL };
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct sh_http_request rq = { .method = method, .url = ctl_url(path), .headers = json_hdr,
				      .body = text, .body_len = text ? strlen(text) : 0 };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	sh_http_response_free(&resp);
	free(text);
	json_decref(body);
	return resp.status;
}

static void route(json_t *spec)
{
	ck_assert_int_eq(control("POST", "/__standin/routes", spec), 201);
}

static void misbehave(json_t *rule)
{
	ck_assert_int_eq(control("POST", "/__standin/misbehave", rule), 201);
}

/* The headers (new reference) of the n-th recorded request to path, or NULL. */
static json_t *recorded(const char *path, int n)
{
	struct sh_http_request rq = { .url = ctl_url("/__standin/requests") };
	struct sh_http_response resp;
	json_t *all, *r, *h = NULL;
	size_t i;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	ck_assert_ptr_nonnull(all);
	json_array_foreach(all, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "path")), path) == 0 && n-- == 0) {
			h = json_incref(json_object_get(r, "headers"));
			break;
		}
	}
	json_decref(all);
	return h;
}

static int count_recorded(const char *path)
{
	int n = 0;
	json_t *h;

	while ((h = recorded(path, n)) != NULL) {
		json_decref(h);
		n++;
	}
	return n;
}

/* The value of header name (lower case) in the n-th request to path, or NULL (static copy). */
static const char *sent_header(const char *path, int n, const char *name)
{
	static char value[512];
	json_t *h = recorded(path, n);
	const char *v;

	ck_assert_msg(h != NULL, "no request %d to %s", n, path);
	v = json_string_value(json_object_get(h, name));
	if (v)
		snprintf(value, sizeof(value), "%s", v);
	json_decref(h);
	return v ? value : NULL;
}

static void setup(void)
{
	control("POST", "/__standin/reset", NULL);
	host_http_etag_clear();
	host_svctoken_reset();
}

static long long now_ms(void)
{
	return host_http_now_ms();
}

/* ---------------------------------------------------------------- credentials */

START_TEST(test_basic_auth)
{
	struct sh_http_request rq = { .url = url("/basic"), .basic_user = "alice",
				      .basic_password = "s3cret:x" };
	struct sh_http_response resp;

	route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", "/basic", "body_text", "ok"));
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "ok");
	sh_http_response_free(&resp);
	ck_assert_str_eq(sent_header("/basic", 0, "authorization"), "Basic YWxpY2U6czNjcmV0Ong=");
}
END_TEST

START_TEST(test_service_bearer)
{
	struct sh_http_request rq = { .url = url("/svc"), .service_token = &host };
	struct sh_http_response resp;

	route(json_pack("{s:s,s:s,s:s}", "method", "POST", "path", "/token", "body_text",
			"{\"access_token\":\"svc-token-1\",\"expires_in\":3600}"));
	route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", "/svc", "body_text", "ok"));
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	sh_http_response_free(&resp);
	ck_assert_str_eq(sent_header("/svc", 0, "authorization"), "Bearer svc-token-1");
	/* The token is cached: a second call asks the IdP nothing. */
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	sh_http_response_free(&resp);
	ck_assert_int_eq(count_recorded("/token"), 1);
	ck_assert_str_eq(sent_header("/svc", 1, "authorization"), "Bearer svc-token-1");
}
END_TEST

START_TEST(test_service_bearer_unavailable)
{
	struct sh_http_request rq = { .url = url("/svc"), .service_token = &host };
	struct sh_http_response resp;

	misbehave(json_pack("{s:s,s:s,s:i}", "mode", "status", "path", "/token", "status", 500));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EUNAVAIL);
	ck_assert_str_eq(resp.error, "could not get a service token");
	sh_http_response_free(&resp);
	ck_assert_int_eq(count_recorded("/svc"), 0);
}
END_TEST

START_TEST(test_basic_and_bearer_refused)
{
	struct sh_http_request rq = { .url = url("/x"), .service_token = &host,
				      .basic_user = "a" };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EINVAL);
	sh_http_response_free(&resp);
}
END_TEST

/* ---------------------------------------------------------------- ETag cache */

static void etag_route(const char *path, const char *etag, const char *body)
{
	route(json_pack("{s:s,s:s,s:{s:s,s:s},s:s}", "method", "GET", "path", path, "headers",
			"ETag", etag, "Content-Type", "application/json", "body_text", body));
}

/* One conditional GET of path with user (Basic, or none); asserts the body. */
static bool get_conditional(const char *path, const char *user, const char *body)
{
	struct sh_http_request rq = { .url = url(path), .conditional = true,
				      .basic_user = user, .basic_password = "pw" };
	struct sh_http_response resp;
	bool cached;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, body);
	ck_assert_uint_eq(resp.body_len, strlen(body));
	ck_assert_str_eq(resp.etag, "\"v1\"");
	ck_assert_str_eq(resp.content_type, "application/json");
	cached = resp.from_cache;
	sh_http_response_free(&resp);
	return cached;
}

START_TEST(test_etag_round_trip)
{
	etag_route("/etag", "\"v1\"", "[1,2,3]");
	ck_assert(!get_conditional("/etag", NULL, "[1,2,3]"));
	ck_assert_ptr_null(sent_header("/etag", 0, "if-none-match"));
	/* The second asks with If-None-Match, gets a 304, and reads the cache. */
	ck_assert(get_conditional("/etag", NULL, "[1,2,3]"));
	ck_assert_str_eq(sent_header("/etag", 1, "if-none-match"), "\"v1\"");
	ck_assert(get_conditional("/etag", NULL, "[1,2,3]"));
	ck_assert_int_eq(count_recorded("/etag"), 3);
}
END_TEST

/* Other credentials never share a body: the key has the Authorization. */
START_TEST(test_etag_per_credentials)
{
	size_t n, bytes;

	etag_route("/etag-auth", "\"v1\"", "secret of alice");
	ck_assert(!get_conditional("/etag-auth", "alice", "secret of alice"));
	ck_assert(!get_conditional("/etag-auth", "bob", "secret of alice"));
	ck_assert_ptr_null(sent_header("/etag-auth", 1, "if-none-match"));
	ck_assert(!get_conditional("/etag-auth", NULL, "secret of alice"));
	ck_assert_ptr_null(sent_header("/etag-auth", 2, "if-none-match"));
	ck_assert(get_conditional("/etag-auth", "alice", "secret of alice"));
	ck_assert(get_conditional("/etag-auth", "bob", "secret of alice"));
	host_http_etag_stats(&n, &bytes);
	ck_assert_uint_eq(n, 3);
}
END_TEST

/* Without .conditional nothing is sent or kept. */
START_TEST(test_etag_not_asked)
{
	struct sh_http_request rq = { .url = url("/etag-no") };
	struct sh_http_response resp;
	size_t n, bytes;

	etag_route("/etag-no", "\"v1\"", "x");
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
		ck_assert(!resp.from_cache);
		sh_http_response_free(&resp);
	}
	ck_assert_ptr_null(sent_header("/etag-no", 1, "if-none-match"));
	host_http_etag_stats(&n, &bytes);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* Bounded in bytes: the least recently used entry goes first. */
START_TEST(test_etag_lru)
{
	size_t n, bytes;

	host_http_etag_limit(3000);
	etag_route("/lru-a", "\"v1\"", "a");
	etag_route("/lru-b", "\"v1\"", "b");
	etag_route("/lru-c", "\"v1\"", "c");
	get_conditional("/lru-a", NULL, "a");
	get_conditional("/lru-b", NULL, "b");
	ck_assert(get_conditional("/lru-a", NULL, "a"));    /* a is now the most recent */
	host_http_etag_stats(&n, &bytes);
	ck_assert_uint_eq(n, 2);
	host_http_etag_limit(bytes);                        /* room for these two only */
	get_conditional("/lru-c", NULL, "c");               /* pushes b out */
	host_http_etag_stats(&n, &bytes);
	ck_assert_uint_eq(n, 2);
	ck_assert(get_conditional("/lru-a", NULL, "a"));
	ck_assert(!get_conditional("/lru-b", NULL, "b"));
	host_http_etag_limit(10);                           /* smaller than any entry */
	host_http_etag_stats(&n, &bytes);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(bytes, 0);
	ck_assert(!get_conditional("/lru-a", NULL, "a"));
	ck_assert(!get_conditional("/lru-a", NULL, "a"));
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

static void ndjson_route(const char *path)
{
	route(json_pack("{s:s,s:s,s:{s:s},s:s}", "method", "GET", "path", path, "headers",
			"Content-Type", "application/x-ndjson", "body_text", ndjson));
}

START_TEST(test_stream_whole)
{
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = url("/nd"), .on_chunk = on_chunk, .chunk_state = &s };
	struct sh_http_response resp;

	ndjson_route("/nd");
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_null(resp.body);
	ck_assert_uint_eq(s.bytes, strlen(ndjson));
	ck_assert_int_ge(s.chunks, 5);
	sh_http_response_free(&resp);
}
END_TEST

/* The callback says stop after the first line: the 0.8 s of pauses never run. */
START_TEST(test_stream_abort)
{
	struct sink s = { .stop_after = 1 };
	struct sh_http_request rq = { .url = url("/nd-abort"), .on_chunk = on_chunk,
				      .chunk_state = &s };
	struct sh_http_response resp;
	long long t0 = now_ms();

	ndjson_route("/nd-abort");
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert(resp.aborted);
	ck_assert_str_eq(resp.error, "aborted by the receiver");
	ck_assert_int_eq(s.chunks, 1);
	ck_assert_int_lt(now_ms() - t0, 500);
	sh_http_response_free(&resp);
}
END_TEST

/* A streamed body over max_bytes stops with SH_ETOOBIG. */
START_TEST(test_stream_cap)
{
	struct sink s = { 0 };
	struct sh_http_request rq = { .url = url("/nd-cap"), .on_chunk = on_chunk,
				      .chunk_state = &s, .max_bytes = 20 };
	struct sh_http_response resp;

	ndjson_route("/nd-cap");
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
	struct sh_http_request rq = { .url = url("/stall-gone"), .timeout_ms = 8000,
				      .stop_when_gone = &m.req };
	struct sh_http_response resp;
	long long t0;

	memreq_begin(&m, "/api/x/proxy");
	misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall-gone", "seconds", 9));
	m.hangup_after = 3;
	t0 = now_ms();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert(resp.aborted);
	ck_assert_str_eq(resp.error, "aborted by the receiver");
	ck_assert_int_lt(now_ms() - t0, 5000);
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
	struct sh_http_request rq = { .url = url("/nd-stays"), .on_chunk = on_chunk,
				      .chunk_state = &s, .stop_when_gone = &m.req };
	struct sh_http_response resp;

	memreq_begin(&m, "/api/x/proxy");
	ndjson_route("/nd-stays");
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert(!resp.aborted);
	ck_assert_uint_eq(s.bytes, strlen(ndjson));
	ck_assert_int_ge(m.gone_polls, 1);
	sh_http_response_free(&resp);
	memreq_end(&m);
}
END_TEST

/* ---------------------------------------------------------------- failures */

START_TEST(test_timeout)
{
	struct sh_http_request rq = { .url = url("/stall"), .timeout_ms = 400 };
	struct sh_http_response resp;
	long long t0 = now_ms();

	misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall", "seconds", 3));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	ck_assert_int_lt(now_ms() - t0, 1500);
	ck_assert_ptr_null(resp.body);
	sh_http_response_free(&resp);
}
END_TEST

/* timeout_ms 0 is the [http] default (1500 ms in this suite), never "none". */
START_TEST(test_timeout_default)
{
	struct sh_http_request rq = { .url = url("/stall-default") };
	struct sh_http_response resp;
	long long t0 = now_ms(), took;

	misbehave(json_pack("{s:s,s:s,s:i}", "mode", "stall", "path", "/stall-default",
			    "seconds", 4));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	took = now_ms() - t0;
	ck_assert_int_ge(took, 1400);
	ck_assert_int_lt(took, 3000);
	sh_http_response_free(&resp);
}
END_TEST

START_TEST(test_reset)
{
	struct sh_http_request rq = { .url = url("/reset") };
	struct sh_http_response resp;

	misbehave(json_pack("{s:s,s:s}", "mode", "reset", "path", "/reset"));
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
	route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", path, "body_text", body));
	free(body);
}

START_TEST(test_size_cap)
{
	struct sh_http_request rq = { .url = url("/big"), .max_bytes = 1000 };
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
	struct sh_http_request rq = { .url = url("/big-default") };
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

/* ---------------------------------------------------------------- redirects */

static void redirect_route(const char *method, const char *path, int status,
			   const char *location)
{
	route(json_pack("{s:s,s:s,s:i,s:{s:s}}", "method", method, "path", path, "status", status,
			"headers", "Location", location));
}

static void final_route(void)
{
	route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", "/final", "body_text", "final"));
}

START_TEST(test_redirect_not_followed)
{
	struct sh_http_request rq = { .url = url("/r") };
	struct sh_http_response resp;

	redirect_route("GET", "/r", 302, "/final");
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 302);
	ck_assert_str_eq(resp.location, "/final");
	sh_http_response_free(&resp);
	ck_assert_int_eq(count_recorded("/final"), 0);
}
END_TEST

/* Followed on the same host, credentials kept there. */
START_TEST(test_redirect_followed)
{
	struct sh_http_request rq = { .url = url("/r"), .follow_redirects = 1,
				      .basic_user = "alice", .basic_password = "pw" };
	struct sh_http_response resp;

	redirect_route("GET", "/r", 301, url("/r2"));
	redirect_route("GET", "/r2", 307, "/final");
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "final");
	ck_assert_ptr_null(resp.location);
	sh_http_response_free(&resp);
	ck_assert_ptr_nonnull(sent_header("/final", 0, "authorization"));
}
END_TEST

/* localhost is another host than 127.0.0.1: refused unless allowed. */
START_TEST(test_redirect_other_host_refused)
{
	char target[128];
	struct sh_http_request rq = { .url = url("/rx"), .follow_redirects = 1 };
	struct sh_http_response resp;
	const char *const others[] = { "example.org", NULL };

	snprintf(target, sizeof(target), "http://localhost:%s/final", strrchr(base, ':') + 1);
	redirect_route("GET", "/rx", 302, target);
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EDENIED);
	ck_assert_str_eq(resp.error, "redirect refused: a host outside the allow-list: localhost");
	ck_assert_int_eq(resp.status, 302);
	sh_http_response_free(&resp);
	rq.redirect_hosts = others;
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EDENIED);
	sh_http_response_free(&resp);
	ck_assert_int_eq(count_recorded("/final"), 0);
}
END_TEST

/* Allowed, the other host gets the request but not the credentials. */
START_TEST(test_redirect_other_host_allowed)
{
	char target[128];
	const char *const allowed[] = { "example.org", "LocalHost", NULL };
	const char *const hdrs[] = { "Authorization: token abc", "X-Keep: 1", NULL };
	struct sh_http_request rq = { .url = url("/rx"), .follow_redirects = 1,
				      .redirect_hosts = allowed, .headers = hdrs };
	struct sh_http_response resp;

	snprintf(target, sizeof(target), "http://localhost:%s/final", strrchr(base, ':') + 1);
	redirect_route("GET", "/rx", 302, target);
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "final");
	sh_http_response_free(&resp);
	ck_assert_str_eq(sent_header("/rx", 0, "authorization"), "token abc");
	ck_assert_ptr_null(sent_header("/final", 0, "authorization"));
	ck_assert_str_eq(sent_header("/final", 0, "x-keep"), "1");
}
END_TEST

START_TEST(test_redirect_bad_scheme)
{
	struct sh_http_request rq = { .url = url("/rf"), .follow_redirects = 1 };
	struct sh_http_response resp;

	redirect_route("GET", "/rf", 302, "file:///etc/passwd");
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EDENIED);
	sh_http_response_free(&resp);
}
END_TEST

START_TEST(test_redirect_loop)
{
	struct sh_http_request rq = { .url = url("/loop"), .follow_redirects = 1 };
	struct sh_http_response resp;

	redirect_route("GET", "/loop", 302, "/loop");
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert_str_eq(resp.error, "more than 5 redirects");
	sh_http_response_free(&resp);
	ck_assert_int_eq(count_recorded("/loop"), 6);
}
END_TEST

/* 303 after a POST: the next hop is a GET without the body. */
START_TEST(test_redirect_303)
{
	struct sh_http_request rq = { .url = url("/post"), .follow_redirects = 1,
				      .body = "a=1", .body_len = 3 };
	struct sh_http_response resp;
	json_t *h;

	redirect_route("POST", "/post", 303, "/final");
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_str_eq(resp.body, "final");
	sh_http_response_free(&resp);
	h = recorded("/final", 0);
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_null(json_object_get(h, "content-length"));
	json_decref(h);
}
END_TEST

/* The hop rules alone, without a server: https never goes down to http. */
START_TEST(test_redirect_downgrade_refused)
{
	struct sh_http_request rq = { .url = "https://api.example.org/x", .follow_redirects = 1 };
	struct sh_http_response out = { .status = 302, .location = "http://api.example.org/y" };
	struct http_call c = { .rq = &rq, .out = &out };

	c.url = sh_xstrdup(rq.url);
	ck_assert_int_eq(host_http_next_hop(&c, rq.url), SH_EDENIED);
	ck_assert_str_eq(out.error, "redirect refused: plain http from https: api.example.org");
	out.location = "/y?page=2";
	ck_assert_int_eq(host_http_next_hop(&c, rq.url), 0);
	ck_assert_str_eq(c.url, "https://api.example.org/y?page=2");
	ck_assert(c.same_origin);
	free(c.url);
}
END_TEST

START_TEST(test_same_origin)
{
	ck_assert(host_http_same_origin("http://a.example/x", "http://A.example:80/y"));
	ck_assert(host_http_same_origin("https://a.example/x", "https://a.example:443/"));
	ck_assert(!host_http_same_origin("http://a.example/x", "https://a.example/x"));
	ck_assert(!host_http_same_origin("http://a.example/x", "http://a.example:8080/x"));
	ck_assert(!host_http_same_origin("http://a.example/x", "http://b.example/x"));
	ck_assert(!host_http_same_origin("http://a.example/x", "not a url"));
}
END_TEST

/* ---------------------------------------------------------------- main */

/* [http] defaults small enough to test, and the IdP at the stand-in. */
static int host_setup(void)
{
	char ini[1024], err[256];

	snprintf(ini, sizeof(ini),
		 "[http]\ntimeout_ms = 1500\nmax_body = 65536\n"
		 "[identity]\ntoken_url = %s/token\nservice_client_id = portal\n"
		 "service_client_secret = shh\n", base);
	host.conf = host_conf_parse(ini, strlen(ini), "check_http.ini", err, sizeof(err));
	if (!host.conf) {
		fprintf(stderr, "check_http: %s\n", err);
		return -1;
	}
	return host_http_init(host.conf);
}

static Suite *suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_basic_auth);
	tcase_add_test(tc, test_service_bearer);
	tcase_add_test(tc, test_service_bearer_unavailable);
	tcase_add_test(tc, test_basic_and_bearer_refused);
	tcase_add_test(tc, test_etag_round_trip);
	tcase_add_test(tc, test_etag_per_credentials);
	tcase_add_test(tc, test_etag_not_asked);
	tcase_add_test(tc, test_etag_lru);
	tcase_add_test(tc, test_stream_whole);
	tcase_add_test(tc, test_stream_abort);
	tcase_add_test(tc, test_stream_cap);
	tcase_add_test(tc, test_stop_when_gone);
	tcase_add_test(tc, test_stop_when_gone_stays);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_timeout_default);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_refused_connection);
	tcase_add_test(tc, test_size_cap);
	tcase_add_test(tc, test_size_cap_default);
	tcase_add_test(tc, test_bad_scheme);
	tcase_add_test(tc, test_redirect_not_followed);
	tcase_add_test(tc, test_redirect_followed);
	tcase_add_test(tc, test_redirect_other_host_refused);
	tcase_add_test(tc, test_redirect_other_host_allowed);
	tcase_add_test(tc, test_redirect_bad_scheme);
	tcase_add_test(tc, test_redirect_loop);
	tcase_add_test(tc, test_redirect_303);
	tcase_add_test(tc, test_redirect_downgrade_refused);
	tcase_add_test(tc, test_same_origin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		printf("check_http: python3 not found, skipped\n");
		return 77;
	}
	if (standin_start() != 0) {
		fprintf(stderr, "check_http: the stand-in server did not start\n");
		standin_stop();
		return EXIT_FAILURE;
	}
	if (host_setup() != 0) {
		standin_stop();
		return EXIT_FAILURE;
	}
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	standin_stop();
	host_conf_free(host.conf);
	host_http_fini();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
