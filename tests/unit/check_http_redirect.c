/*
 * Redirects (http_redirect.c) against the stand-in: not followed unless
 * asked; followed within the first host or the allow-list, with the
 * credentials kept to the first origin; refused to other hosts, other
 * schemes and from https to http; at most five hops; 303 turns a POST
 * into a GET.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "standin.h"

/* ---------------------------------------------------------------- redirects */

static void redirect_route(const char *method, const char *path, int status,
			   const char *location)
{
	standin_route(json_pack("{s:s,s:s,s:i,s:{s:s}}", "method", method, "path", path,
				"status", status, "headers", "Location", location));
}

/* The same server named localhost: another host than 127.0.0.1. */
static void localhost_url(char *buf, size_t len, const char *path)
{
	snprintf(buf, len, "http://localhost:%s%s", strrchr(standin_base(), ':') + 1, path);
}

static void final_route(void)
{
	standin_route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", "/final",
				"body_text", "final"));
}

START_TEST(test_redirect_not_followed)
{
	struct sh_http_request rq = { .url = standin_url("/r") };
	struct sh_http_response resp;

	redirect_route("GET", "/r", 302, "/final");
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 302);
	ck_assert_str_eq(resp.location, "/final");
	sh_http_response_free(&resp);
	ck_assert_int_eq(standin_count("/final"), 0);
}
END_TEST

/* Followed on the same host, credentials kept there. */
START_TEST(test_redirect_followed)
{
	struct sh_http_request rq = { .url = standin_url("/r"), .follow_redirects = 1,
				      .basic_user = "alice", .basic_password = "pw" };
	struct sh_http_response resp;

	redirect_route("GET", "/r", 301, standin_url("/r2"));
	redirect_route("GET", "/r2", 307, "/final");
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "final");
	ck_assert_ptr_null(resp.location);
	sh_http_response_free(&resp);
	ck_assert_ptr_nonnull(standin_sent("/final", 0, "authorization"));
}
END_TEST

/* localhost is another host than 127.0.0.1: refused unless allowed. */
START_TEST(test_redirect_other_host_refused)
{
	char target[128];
	struct sh_http_request rq = { .url = standin_url("/rx"), .follow_redirects = 1 };
	struct sh_http_response resp;
	const char *const others[] = { "example.org", NULL };

	localhost_url(target, sizeof(target), "/final");
	redirect_route("GET", "/rx", 302, target);
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EDENIED);
	ck_assert_str_eq(resp.error, "redirect refused: a host outside the allow-list: localhost");
	ck_assert_int_eq(resp.status, 302);
	sh_http_response_free(&resp);
	rq.redirect_hosts = others;
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EDENIED);
	sh_http_response_free(&resp);
	ck_assert_int_eq(standin_count("/final"), 0);
}
END_TEST

/* Allowed, the other host gets the request but not the credentials. */
START_TEST(test_redirect_other_host_allowed)
{
	char target[128];
	const char *const allowed[] = { "example.org", "LocalHost", NULL };
	const char *const hdrs[] = { "Authorization: token abc", "X-Keep: 1", NULL };
	struct sh_http_request rq = { .url = standin_url("/rx"), .follow_redirects = 1,
				      .redirect_hosts = allowed, .headers = hdrs };
	struct sh_http_response resp;

	localhost_url(target, sizeof(target), "/final");
	redirect_route("GET", "/rx", 302, target);
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.body, "final");
	sh_http_response_free(&resp);
	ck_assert_str_eq(standin_sent("/rx", 0, "authorization"), "token abc");
	ck_assert_ptr_null(standin_sent("/final", 0, "authorization"));
	ck_assert_str_eq(standin_sent("/final", 0, "x-keep"), "1");
}
END_TEST

START_TEST(test_redirect_bad_scheme)
{
	struct sh_http_request rq = { .url = standin_url("/rf"), .follow_redirects = 1 };
	struct sh_http_response resp;

	redirect_route("GET", "/rf", 302, "file:///etc/passwd");
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EDENIED);
	sh_http_response_free(&resp);
}
END_TEST

START_TEST(test_redirect_loop)
{
	struct sh_http_request rq = { .url = standin_url("/loop"), .follow_redirects = 1 };
	struct sh_http_response resp;

	redirect_route("GET", "/loop", 302, "/loop");
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert_str_eq(resp.error, "more than 5 redirects");
	sh_http_response_free(&resp);
	ck_assert_int_eq(standin_count("/loop"), 6);
}
END_TEST

/* 303 after a POST: the next hop is a GET without the body. */
START_TEST(test_redirect_303)
{
	struct sh_http_request rq = { .url = standin_url("/post"), .follow_redirects = 1,
				      .body = "a=1", .body_len = 3 };
	struct sh_http_response resp;
	json_t *h;

	redirect_route("POST", "/post", 303, "/final");
	final_route();
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_str_eq(resp.body, "final");
	sh_http_response_free(&resp);
	h = standin_recorded("/final", 0);
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


int main(void)
{
	const TTest *const tests[] = {
		test_redirect_not_followed,
		test_redirect_followed,
		test_redirect_other_host_refused,
		test_redirect_other_host_allowed,
		test_redirect_bad_scheme,
		test_redirect_loop,
		test_redirect_303,
		test_redirect_downgrade_refused,
		test_same_origin,
	};

	return standin_main("http_redirect", tests, sizeof(tests) / sizeof(*tests));
}
