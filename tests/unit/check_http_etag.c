/*
 * The shared ETag cache (http_etag.c) through conditional requests to the
 * stand-in: If-None-Match on the second request, a 304 answered from the
 * cache as 200 with from_cache, credentials in the key, nothing kept
 * unless asked, and the byte bound with least-recently-used eviction.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "standin.h"

/* ---------------------------------------------------------------- ETag cache */

static void etag_route(const char *path, const char *etag, const char *body)
{
	standin_route(json_pack("{s:s,s:s,s:{s:s,s:s},s:s}", "method", "GET", "path", path,
				"headers", "ETag", etag, "Content-Type", "application/json",
				"body_text", body));
}

/* One conditional GET of path with user (Basic, or none); asserts the body. */
static bool get_conditional(const char *path, const char *user, const char *body)
{
	struct sh_http_request rq = { .url = standin_url(path), .conditional = true,
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
	ck_assert_ptr_null(standin_sent("/etag", 0, "if-none-match"));
	/* The second asks with If-None-Match, gets a 304, and reads the cache. */
	ck_assert(get_conditional("/etag", NULL, "[1,2,3]"));
	ck_assert_str_eq(standin_sent("/etag", 1, "if-none-match"), "\"v1\"");
	ck_assert(get_conditional("/etag", NULL, "[1,2,3]"));
	ck_assert_int_eq(standin_count("/etag"), 3);
}
END_TEST

/* Other credentials never share a body: the key has the Authorization. */
START_TEST(test_etag_per_credentials)
{
	size_t n, bytes;

	etag_route("/etag-auth", "\"v1\"", "secret of alice");
	ck_assert(!get_conditional("/etag-auth", "alice", "secret of alice"));
	ck_assert(!get_conditional("/etag-auth", "bob", "secret of alice"));
	ck_assert_ptr_null(standin_sent("/etag-auth", 1, "if-none-match"));
	ck_assert(!get_conditional("/etag-auth", NULL, "secret of alice"));
	ck_assert_ptr_null(standin_sent("/etag-auth", 2, "if-none-match"));
	ck_assert(get_conditional("/etag-auth", "alice", "secret of alice"));
	ck_assert(get_conditional("/etag-auth", "bob", "secret of alice"));
	host_http_etag_stats(&n, &bytes);
	ck_assert_uint_eq(n, 3);
}
END_TEST

/* Without .conditional nothing is sent or kept. */
START_TEST(test_etag_not_asked)
{
	struct sh_http_request rq = { .url = standin_url("/etag-no") };
	struct sh_http_response resp;
	size_t n, bytes;

	etag_route("/etag-no", "\"v1\"", "x");
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
		ck_assert(!resp.from_cache);
		sh_http_response_free(&resp);
	}
	ck_assert_ptr_null(standin_sent("/etag-no", 1, "if-none-match"));
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


int main(void)
{
	const TTest *const tests[] = {
		test_etag_round_trip,
		test_etag_per_credentials,
		test_etag_not_asked,
		test_etag_lru,
	};

	return standin_main("http_etag", tests, sizeof(tests) / sizeof(*tests));
}
