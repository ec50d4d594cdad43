/*
 * Replies: the exact bytes of the head and body for JSON, raw and empty
 * replies, the Backstage error body of every status the host sends, extra
 * headers, X-Accel-Redirect, and a second reply writing nothing (streams:
 * check_reply_stream.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "memio.h"
#include "req.h"
#include "unit.h"

static struct memio io;
static struct sh_host host;
static struct sh_req req;

static void setup(void)
{
	struct host_io hio;

	memio_init(&io);
	memset(&host, 0, sizeof(host));
	memio_param(&io, "REQUEST_METHOD", "GET");
	memio_param(&io, "REQUEST_URI", "/api/catalog/entities/by-uid/abc");
	hio = memio_io(&io);
	ck_assert_int_eq(host_req_begin(&req, &host, &hio), 0);
}

static void teardown(void)
{
	host_req_finish(&req);
	memio_free(&io);
	ck_assert_int_eq(host_arena_live(), 0);
}

static int handler(struct sh_req *r, void *state)
{
	return 200;
}

/* Binds as the catalog plugin would, so url is plugin-relative. */
static void bind_catalog(void)
{
	static struct sh_plugin_info info = { .name = "catalog" };
	static struct host_plugin p = { .info = &info };
	struct host_router *r = host_router_new();
	struct host_match m;

	ck_assert_int_eq(host_router_add(r, req.method, "/api/catalog/*rest", SH_AUTH_NONE,
					 handler, NULL, &p), 0);
	ck_assert_int_eq(host_router_match(r, req.method, req.segs, req.n_segs, req.arena, &m),
			 HOST_MATCH_OK);
	host_req_bind(&req, &m);
	host_router_free(r);
}

START_TEST(test_json)
{
	ck_assert_int_eq(sh_reply_json(&req, 200, json_pack("{s:s,s:[i,b]}", "a", "x", "b", 1, 1)), 200);
	ck_assert_int_eq(sh_req_status(&req), 200);
	ck_assert_str_eq(io.out,
		"Status: 200 OK\r\n"
		"Content-Type: application/json; charset=utf-8\r\n\r\n"
		"{\"a\":\"x\",\"b\":[1,true]}");
}
END_TEST

START_TEST(test_json_headers)
{
	ck_assert_int_eq(sh_reply_header(&req, "Set-Cookie", "a=1; Path=/"), 0);
	ck_assert_int_eq(sh_reply_header(&req, "Set-Cookie", "b=2"), 0);
	ck_assert_int_eq(sh_reply_header(&req, "ETag", "\"v1\""), 0);
	ck_assert_int_eq(sh_reply_json(&req, 201, json_object()), 201);
	ck_assert_str_eq(io.out,
		"Status: 201 Created\r\n"
		"Content-Type: application/json; charset=utf-8\r\n"
		"Set-Cookie: a=1; Path=/\r\n"
		"Set-Cookie: b=2\r\n"
		"ETag: \"v1\"\r\n\r\n"
		"{}");
	ck_assert_int_eq(sh_reply_header(&req, "X-Late", "1"), SH_ESTATE);
}
END_TEST

START_TEST(test_header_refused)
{
	char copy[] = "value";

	ck_assert_int_eq(sh_reply_header(&req, "X-A", "a\r\nSet-Cookie: evil=1"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, "X-A", "a\nb"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, "X-A", "a\rb"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, "X-A\r\nX-B", "v"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, "X A", "v"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, "X:A", "v"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, "", "v"), SH_EINVAL);
	ck_assert_int_eq(sh_reply_header(&req, NULL, "v"), SH_EINVAL);
	/* Many headers grow the array; values are copied. */
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(sh_reply_header(&req, "X-N", copy), 0);
	copy[0] = 'V';
	ck_assert_int_eq(sh_reply_empty(&req, 204), 204);
	ck_assert_ptr_null(strstr(io.out, "Set-Cookie"));
	ck_assert_ptr_null(strstr(io.out, "Vvalue"));
	ck_assert_ptr_nonnull(strstr(io.out, "X-N: value\r\n\r\n"));
	ck_assert(strncmp(io.out, "Status: 204 No Content\r\nX-N: value\r\n", 36) == 0);
}
END_TEST

START_TEST(test_empty)
{
	ck_assert_int_eq(sh_reply_empty(&req, 204), 204);
	ck_assert_str_eq(io.out, "Status: 204 No Content\r\n\r\n");
}
END_TEST

START_TEST(test_raw)
{
	ck_assert_int_eq(sh_reply_raw(&req, 200, "text/plain", "a\0b", 3), 200);
	ck_assert_uint_eq(io.out_len, 47);
	ck_assert(memcmp(io.out, "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\na\0b", 47) == 0);
}
END_TEST

START_TEST(test_raw_no_type)
{
	ck_assert_int_eq(sh_reply_raw(&req, 200, NULL, "x", 1), 200);
	ck_assert_str_eq(io.out, "Status: 200 OK\r\n\r\nx");
}
END_TEST

START_TEST(test_json_null_body)
{
	ck_assert_int_eq(sh_reply_json(&req, 202, NULL), 202);
	ck_assert_str_eq(io.out, "Status: 202 Accepted\r\n\r\n");
}
END_TEST

static const struct {
	int status;
	const char *name, *message, *reason;
} errors[] = {
	{ 400, "InputError", "invalid filter", "Bad Request" },
	{ 401, "AuthenticationError", "Missing credentials", "Unauthorized" },
	{ 403, "NotAllowedError", "not allowed", "Forbidden" },
	{ 404, "NotFoundError", "No entity with uid abc", "Not Found" },
	{ 405, "MethodNotAllowedError", "method not allowed", "Method Not Allowed" },
	{ 409, "ConflictError", "location already exists", "Conflict" },
	{ 413, "PayloadTooLargeError", "request entity too large", "Payload Too Large" },
	{ 500, "Error", "internal error", "Internal Server Error" },
	{ 503, "ServiceUnavailableError", "database unavailable", "Service Unavailable" },
};

START_TEST(test_error_bodies)
{
	char want[512];

	bind_catalog();
	ck_assert_int_eq(sh_fail(&req, errors[_i].status, errors[_i].name, "%s",
				 errors[_i].message), errors[_i].status);
	snprintf(want, sizeof(want),
		 "Status: %d %s\r\n"
		 "Content-Type: application/json; charset=utf-8\r\n\r\n"
		 "{\"error\":{\"name\":\"%s\",\"message\":\"%s\"},"
		 "\"request\":{\"method\":\"GET\",\"url\":\"/entities/by-uid/abc\"},"
		 "\"response\":{\"statusCode\":%d}}",
		 errors[_i].status, errors[_i].reason, errors[_i].name, errors[_i].message,
		 errors[_i].status);
	ck_assert_str_eq(io.out, want);
}
END_TEST

START_TEST(test_error_reference)
{
	char *s;
	json_t *j = host_error_body(404, "NotFoundError", "No entity with uid abc", "GET",
				    "/entities/by-uid/abc");

	s = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(s, "{\"error\":{\"name\":\"NotFoundError\",\"message\":\"No entity with uid abc\"},"
		"\"request\":{\"method\":\"GET\",\"url\":\"/entities/by-uid/abc\"},"
		"\"response\":{\"statusCode\":404}}");
	free(s);
	json_decref(j);
}
END_TEST

START_TEST(test_error_unbound_and_escaping)
{
	/* Not bound to a route: the raw uri; client bytes that are not UTF-8 become U+FFFD. */
	ck_assert_int_eq(sh_fail(&req, 404, "NotFoundError", "no entity named '%s' \"q\"", "a\xff" "b"), 404);
	ck_assert_str_eq(strstr(io.out, "\r\n\r\n") + 4,
		"{\"error\":{\"name\":\"NotFoundError\",\"message\":\"no entity named 'a\xef\xbf\xbd" "b' \\\"q\\\"\"},"
		"\"request\":{\"method\":\"GET\",\"url\":\"/api/catalog/entities/by-uid/abc\"},"
		"\"response\":{\"statusCode\":404}}");
}
END_TEST

START_TEST(test_error_body_invalid_utf8)
{
	json_t *j = host_error_body(400, "InputError", "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80ok\xc3\xa9",
				    "GET", "/\xe2\x82");
	char *s = json_dumps(j, JSON_COMPACT);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "ok\xc3\xa9\""));
	ck_assert_ptr_nonnull(strstr(s, "\"url\":\"/\xef\xbf\xbd\xef\xbf\xbd\""));
	free(s);
	json_decref(j);
}
END_TEST

START_TEST(test_status_reason)
{
	ck_assert_str_eq(host_status_reason(200), "OK");
	ck_assert_str_eq(host_status_reason(404), "Not Found");
	ck_assert_str_eq(host_status_reason(413), "Payload Too Large");
	ck_assert_str_eq(host_status_reason(599), "Unknown");
}
END_TEST

START_TEST(test_invalid_status)
{
	ck_assert_int_eq(sh_reply_empty(&req, 42), 500);
	ck_assert_str_eq(io.out, "Status: 500 Internal Server Error\r\n\r\n");
}
END_TEST

START_TEST(test_double_reply)
{
	size_t len;

	ck_assert_int_eq(sh_reply_json(&req, 200, json_object()), 200);
	len = io.out_len;
	ck_assert_int_eq(sh_reply_json(&req, 201, json_array()), 200);
	ck_assert_int_eq(sh_fail(&req, 500, "Error", "late"), 200);
	ck_assert_int_eq(sh_reply_empty(&req, 204), 200);
	ck_assert_int_eq(sh_reply_raw(&req, 202, "text/plain", "x", 1), 200);
	ck_assert_int_eq(sh_reply_accel(&req, "/_files/x", NULL), 200);
	ck_assert_int_eq(sh_reply_stream_begin(&req, 200, "text/plain"), 200);
	ck_assert_int_eq(sh_reply_write(&req, "x", 1), SH_ESTATE);
	ck_assert_uint_eq(io.out_len, len);
	ck_assert_int_eq(sh_req_status(&req), 200);
}
END_TEST

START_TEST(test_client_gone_plain)
{
	io.write_limit = 0;
	ck_assert_int_eq(sh_reply_json(&req, 200, json_object()), 200);
	ck_assert(req.client_gone);
	ck_assert_int_eq(sh_req_status(&req), 200);
}
END_TEST

START_TEST(test_accel)
{
	ck_assert_int_eq(sh_reply_header(&req, "Cache-Control", "max-age=60"), 0);
	ck_assert_int_eq(sh_reply_accel(&req, "/_files/techdocs/default/component/x/index.html",
					"text/html; charset=utf-8"), 200);
	ck_assert_str_eq(io.out,
		"Status: 200 OK\r\n"
		"Content-Type: text/html; charset=utf-8\r\n"
		"X-Accel-Redirect: /_files/techdocs/default/component/x/index.html\r\n"
		"Cache-Control: max-age=60\r\n\r\n");
}
END_TEST

START_TEST(test_accel_no_type)
{
	ck_assert_int_eq(sh_reply_accel(&req, "/_files/a.png", NULL), 200);
	ck_assert_str_eq(io.out, "Status: 200 OK\r\nX-Accel-Redirect: /_files/a.png\r\n\r\n");
}
END_TEST

START_TEST(test_accel_refused)
{
	ck_assert_int_eq(sh_reply_accel(&req, "/_files/a\r\nX-Evil: 1", NULL), 500);
	ck_assert_ptr_null(strstr(io.out, "X-Evil"));
	ck_assert_ptr_null(strstr(io.out, "X-Accel-Redirect"));
	ck_assert(strncmp(io.out, "Status: 500 Internal Server Error\r\n", 35) == 0);
}
END_TEST

START_TEST(test_accel_relative_refused)
{
	ck_assert_int_eq(sh_reply_accel(&req, "_files/a", NULL), 500);
}
END_TEST

START_TEST(test_content_type_refused)
{
	ck_assert_int_eq(sh_reply_raw(&req, 200, "text/plain\r\nX-Evil: 1", "x", 1), 500);
	ck_assert_ptr_null(strstr(io.out, "X-Evil"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_json_headers);
	tcase_add_test(tc, test_header_refused);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_raw_no_type);
	tcase_add_test(tc, test_json_null_body);
	tcase_add_loop_test(tc, test_error_bodies, 0, (int)(sizeof(errors) / sizeof(errors[0])));
	tcase_add_test(tc, test_error_reference);
	tcase_add_test(tc, test_error_unbound_and_escaping);
	tcase_add_test(tc, test_error_body_invalid_utf8);
	tcase_add_test(tc, test_status_reason);
	tcase_add_test(tc, test_invalid_status);
	tcase_add_test(tc, test_double_reply);
	tcase_add_test(tc, test_client_gone_plain);
	tcase_add_test(tc, test_accel);
	tcase_add_test(tc, test_accel_no_type);
	tcase_add_test(tc, test_accel_refused);
	tcase_add_test(tc, test_accel_relative_refused);
	tcase_add_test(tc, test_content_type_refused);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
