/*
 * Request parsing: path splitting and decoding (every dot-segment spelling
 * refused), query pairs in order, the JSON depth scan, request start and
 * binding, header and cookie lookup, the body cap and the JSON body checks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "memio.h"
#include "req.h"

/* ------------------------------------------------------------ path */

static const char *joined(const char *raw, int *rc)
{
	static char out[512];
	struct host_arena *a = host_arena_new();
	char **segs;
	size_t n, i, off = 0;

	*rc = host_path_split(a, raw, &segs, &n);
	out[0] = '\0';
	for (i = 0; *rc == 0 && i < n; i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "[%s]", segs[i]);
	host_arena_free(a);
	return out;
}

START_TEST(test_path_ok)
{
	static const char *const cases[][2] = {
		{ "/", "" },
		{ "/a", "[a]" },
		{ "/a/", "[a]" },
		{ "/a/b/c", "[a][b][c]" },
		{ "//", "[]" },
		{ "/a//b", "[a][][b]" },
		{ "/a%2Fb", "[a/b]" },
		{ "/x%20y/%41%62", "[x y][Ab]" },
		{ "/a+b", "[a+b]" },
		{ "/..;", "[..;]" },
		{ "/...", "[...]" },
		{ "/.a/a.", "[.a][a.]" },
		{ "/%2e%2e%2f", "[../]" },
		{ "/%2e%2e%2fx", "[../x]" },
		{ "/%c3%a9", "[\xc3\xa9]" },
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = joined(cases[i][0], &rc);

		ck_assert_msg(rc == 0, "'%s' refused", cases[i][0]);
		ck_assert_msg(!strcmp(got, cases[i][1]), "'%s' gave %s", cases[i][0], got);
	}
}
END_TEST

START_TEST(test_path_refused)
{
	static const char *const bad[] = {
		"/.", "/..", "/./", "/../", "/a/./b", "/a/../b", "/a/..", "/a/.",
		"/%2e", "/%2E", "/%2e%2e", "/%2E%2E", "/%2e%2E", "/%2E%2e", "/.%2e", "/%2e.",
		"/a/%2e%2e/b", "/a/%2E/b",
		"/%zz", "/%4", "/%", "/a%", "/%g0", "/a/%0",
		"/%00", "/a%00b",
		"", "a/b", "*", "http://x/y",
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		joined(bad[i], &rc);
		ck_assert_msg(rc == SH_EINVAL, "'%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(test_pct_decode)
{
	struct host_arena *a = host_arena_new();

	ck_assert_str_eq(host_pct_decode(a, "a+b%2B", 6, true), "a b+");
	ck_assert_str_eq(host_pct_decode(a, "a+b%2B", 6, false), "a+b+");
	ck_assert_str_eq(host_pct_decode(a, "%41xyz", 4, false), "Ax");
	ck_assert_ptr_null(host_pct_decode(a, "%4", 2, false));
	ck_assert_ptr_null(host_pct_decode(a, "%00", 3, false));
	host_arena_free(a);
}
END_TEST

/* ------------------------------------------------------------ query */

static const char *query(const char *qs, int *rc)
{
	static char out[512];
	struct host_arena *a = host_arena_new();
	const char **k, **v;
	size_t n, i, off = 0;

	*rc = host_query_parse(a, qs, &k, &v, &n);
	out[0] = '\0';
	for (i = 0; *rc == 0 && i < n; i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "[%s=%s]", k[i], v[i]);
	host_arena_free(a);
	return out;
}

START_TEST(test_query)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ "a=1", "[a=1]" },
		{ "filter=kind=component&filter=spec.type=service&a=2",
		  "[filter=kind=component][filter=spec.type=service][a=2]" },
		{ "q=a+b%20c%2B", "[q=a b c+]" },
		{ "a+b=c", "[a b=c]" },
		{ "a=&b", "[a=][b=]" },
		{ "flag", "[flag=]" },
		{ "&&a=1&&b=2&", "[a=1][b=2]" },
		{ "=x", "[=x]" },
		{ "k=%E2%9C%93", "[k=\xe2\x9c\x93]" },
		{ "x=1&x=2&x=3", "[x=1][x=2][x=3]" },
	};
	static const char *const bad[] = { "a=%zz", "%4=1", "a=%00", "a=1&b=%" };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = query(cases[i][0], &rc);

		ck_assert_msg(rc == 0, "'%s' refused", cases[i][0]);
		ck_assert_msg(!strcmp(got, cases[i][1]), "'%s' gave %s", cases[i][0], got);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		query(bad[i], &rc);
		ck_assert_msg(rc == SH_EINVAL, "'%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(test_json_depth)
{
	ck_assert_int_eq(host_json_depth_ok("[[[]]]", 6, 3), 0);
	ck_assert_int_eq(host_json_depth_ok("[[[[]]]]", 8, 3), SH_ETOOBIG);
	ck_assert_int_eq(host_json_depth_ok("{\"a\":{\"b\":[1]}}", 15, 3), 0);
	ck_assert_int_eq(host_json_depth_ok("{\"a\":{\"b\":[{}]}}", 16, 3), SH_ETOOBIG);
	/* Brackets inside strings do not count, escaped quotes do not end them. */
	ck_assert_int_eq(host_json_depth_ok("[\"[[[[\\\"[[[[\"]", 14, 1), 0);
	ck_assert_int_eq(host_json_depth_ok("[\"\\\\\",[[]]]", 11, 2), SH_ETOOBIG);
	/* Siblings do not add up. */
	ck_assert_int_eq(host_json_depth_ok("[[],[],[[]]]", 12, 3), 0);
	ck_assert_int_eq(host_json_depth_ok("]]]][[", 6, 2), 0);
	ck_assert_int_eq(host_json_depth_ok("", 0, 0), 0);
}
END_TEST

/* ------------------------------------------------------------ requests */

static struct memio io;
static struct sh_host host;
static struct sh_req req;

static void setup(void)
{
	memio_init(&io);
	memset(&host, 0, sizeof(host));
	host.max_body = 64;
	host.json_depth = 4;
}

static void teardown(void)
{
	host_req_finish(&req);
	memio_free(&io);
	ck_assert_int_eq(host_arena_live(), 0);
}

static int begin(const char *method, const char *uri)
{
	struct host_io hio = memio_io(&io);

	if (method)
		memio_param(&io, "REQUEST_METHOD", method);
	if (uri)
		memio_param(&io, "REQUEST_URI", uri);
	return host_req_begin(&req, &host, &hio);
}

static const char *body_of(const struct memio *m)
{
	const char *b = strstr(m->out, "\r\n\r\n");

	return b ? b + 4 : "";
}

START_TEST(test_begin)
{
	ck_assert_int_eq(begin("GET", "/api/catalog/entities?filter=kind%3Dapi&filter=x&limit=5"), 0);
	ck_assert_str_eq(sh_req_method(&req), "GET");
	ck_assert_str_eq(req.path, "/api/catalog/entities");
	ck_assert_str_eq(req.query_string, "filter=kind%3Dapi&filter=x&limit=5");
	ck_assert_uint_eq(req.n_segs, 3);
	ck_assert_str_eq(req.segs[2], "entities");
	ck_assert_uint_eq(sh_req_query_count(&req), 3);
	ck_assert_str_eq(sh_req_query(&req, "filter"), "kind=api");
	ck_assert_ptr_null(sh_req_query(&req, "nope"));
	ck_assert_int_eq(sh_req_status(&req), 0);
	ck_assert_int_eq(sh_req_identity(&req)->kind, SH_PRINCIPAL_NONE);
	ck_assert_str_eq(sh_req_url(&req), "/api/catalog/entities?filter=kind%3Dapi&filter=x&limit=5");
	ck_assert_uint_eq(io.out_len, 0);
}
END_TEST

START_TEST(test_query_accessors)
{
	const char *const *vals;
	const char *k, *v;

	ck_assert_int_eq(begin("GET", "/x?a=1&b=2&a=3&c"), 0);
	ck_assert_uint_eq(sh_req_query_all(&req, "a", &vals), 2);
	ck_assert_str_eq(vals[0], "1");
	ck_assert_str_eq(vals[1], "3");
	ck_assert_uint_eq(sh_req_query_all(&req, "zz", &vals), 0);
	ck_assert_ptr_null(vals);
	ck_assert_int_eq(sh_req_query_at(&req, 3, &k, &v), 0);
	ck_assert_str_eq(k, "c");
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(sh_req_query_at(&req, 4, &k, &v), SH_ENOTFOUND);
}
END_TEST

START_TEST(test_request_id)
{
	const char *id;
	size_t i;

	ck_assert_int_eq(begin("GET", "/"), 0);
	id = sh_req_id(&req);
	ck_assert_uint_eq(strlen(id), 16);
	for (i = 0; i < 16; i++)
		ck_assert(strchr("0123456789abcdef", id[i]) != NULL);
	host_req_finish(&req);
	memio_param(&io, "HTTP_X_REQUEST_ID", "4f2a9c0d1e7b4c3aa1b2c3d4e5f60718");
	ck_assert_int_eq(begin("GET", "/"), 0);
	ck_assert_str_eq(sh_req_id(&req), "4f2a9c0d1e7b4c3aa1b2c3d4e5f60718");
	host_req_finish(&req);
	/* An id that would inject into log lines is replaced. */
	memio_param(&io, "HTTP_X_REQUEST_ID", "x\" level=error");
	ck_assert_int_eq(begin("GET", "/"), 0);
	ck_assert_uint_eq(strlen(sh_req_id(&req)), 16);
}
END_TEST

START_TEST(test_begin_refuses_dot_segments)
{
	ck_assert_int_eq(begin("GET", "/api/x/%2e%2E/api/y?q=1"), 400);
	ck_assert_int_eq(sh_req_status(&req), 400);
	ck_assert_str_eq(io.out,
		"Status: 400 Bad Request\r\n"
		"Content-Type: application/json; charset=utf-8\r\n\r\n"
		"{\"error\":{\"name\":\"InputError\",\"message\":\"invalid request path\"},"
		"\"request\":{\"method\":\"GET\",\"url\":\"/api/x/%2e%2E/api/y?q=1\"},"
		"\"response\":{\"statusCode\":400}}");
}
END_TEST

START_TEST(test_begin_refuses_bad_query)
{
	ck_assert_int_eq(begin("GET", "/a?x=%zz"), 400);
	ck_assert_ptr_nonnull(strstr(body_of(&io), "\"invalid query string\""));
}
END_TEST

START_TEST(test_begin_missing_params)
{
	ck_assert_int_eq(begin(NULL, NULL), 400);
	ck_assert_ptr_nonnull(strstr(body_of(&io), "\"InputError\""));
}
END_TEST

static int h(struct sh_req *q, void *s)
{
	return 200;
}

START_TEST(test_bind)
{
	struct host_plugin p = { 0 };
	struct sh_plugin_info info = { .name = "catalog" };
	struct host_match m = { 0 };
	struct host_router *r = host_router_new();

	p.info = &info;
	ck_assert_int_eq(host_router_add(r, "GET", "/api/catalog/entities/by-uid/:uid",
					 SH_AUTH_NONE, h, NULL, &p), 0);
	ck_assert_int_eq(begin("GET", "/api/cat%61log/entities/by-uid/a%2Fb?x=1"), 0);
	ck_assert_int_eq(host_router_match(r, "GET", req.segs, req.n_segs, req.arena, &m), HOST_MATCH_OK);
	host_req_bind(&req, &m);
	ck_assert_ptr_eq(req.plugin, &p);
	ck_assert_str_eq(sh_req_path(&req), "/entities/by-uid/a%2Fb");
	ck_assert_str_eq(sh_req_url(&req), "/entities/by-uid/a%2Fb?x=1");
	ck_assert_str_eq(sh_req_param(&req, "uid"), "a/b");
	ck_assert_ptr_null(sh_req_param(&req, "nope"));
	host_router_free(r);
}
END_TEST

START_TEST(test_bind_mount_root_and_host_route)
{
	struct host_plugin p = { 0 };
	struct sh_plugin_info info = { .name = "catalog" };
	struct host_match m = { 0 };
	struct host_router *r = host_router_new();

	p.info = &info;
	ck_assert_int_eq(host_router_add(r, "GET", "/api/catalog", SH_AUTH_NONE, h, NULL, &p), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/healthcheck", SH_AUTH_NONE, h, NULL, NULL), 0);
	ck_assert_int_eq(begin("GET", "/api/catalog/"), 0);
	ck_assert_int_eq(host_router_match(r, "GET", req.segs, req.n_segs, req.arena, &m), HOST_MATCH_OK);
	host_req_bind(&req, &m);
	ck_assert_str_eq(sh_req_path(&req), "/");
	ck_assert_str_eq(sh_req_url(&req), "/");
	host_req_finish(&req);
	/* As the server does it: matched straight into req.match. */
	ck_assert_int_eq(begin("GET", "/healthcheck?verbose"), 0);
	ck_assert_int_eq(host_router_match(r, "GET", req.segs, req.n_segs, req.arena, &req.match),
			 HOST_MATCH_OK);
	host_req_bind(&req, &req.match);
	ck_assert_ptr_null(req.plugin);
	ck_assert_str_eq(sh_req_path(&req), "/healthcheck");
	ck_assert_str_eq(sh_req_url(&req), "/healthcheck?verbose");
	host_router_free(r);
}
END_TEST

START_TEST(test_headers_cookies)
{
	memio_param(&io, "CONTENT_TYPE", "application/json");
	memio_param(&io, "CONTENT_LENGTH", "");
	memio_param(&io, "HTTP_AUTHORIZATION", "Bearer abc");
	memio_param(&io, "HTTP_X_CUSTOM_THING", "v");
	memio_param(&io, "HTTP_COOKIE", "a=1; backstage-auth=tok.en ;  q=\"quoted\"; e=");
	ck_assert_int_eq(begin("GET", "/"), 0);
	ck_assert_str_eq(sh_req_header(&req, "content-type"), "application/json");
	ck_assert_str_eq(sh_req_header(&req, "Content-Length"), "");
	ck_assert_str_eq(sh_req_header(&req, "Authorization"), "Bearer abc");
	ck_assert_str_eq(sh_req_header(&req, "x-Custom-thing"), "v");
	ck_assert_ptr_null(sh_req_header(&req, "X-Missing"));
	ck_assert_ptr_null(sh_req_header(&req, ""));
	ck_assert_str_eq(sh_req_cookie(&req, "a"), "1");
	ck_assert_str_eq(sh_req_cookie(&req, "backstage-auth"), "tok.en");
	ck_assert_str_eq(sh_req_cookie(&req, "q"), "quoted");
	ck_assert_str_eq(sh_req_cookie(&req, "e"), "");
	ck_assert_ptr_null(sh_req_cookie(&req, "backstage"));
	ck_assert_ptr_null(sh_req_cookie(&req, "z"));
}
END_TEST

/* ------------------------------------------------------------ body */

START_TEST(test_body_empty_content_length)
{
	const char *b;
	size_t n;

	memio_param(&io, "CONTENT_LENGTH", "");
	ck_assert_int_eq(begin("GET", "/"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(b, "");
}
END_TEST

START_TEST(test_body_sized)
{
	const char *b, *b2;
	size_t n;

	memio_param(&io, "CONTENT_LENGTH", "11");
	memio_body(&io, "hello world and more", 20);
	io.read_chunk = 3;
	ck_assert_int_eq(begin("POST", "/"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 0);
	ck_assert_uint_eq(n, 11);
	ck_assert_str_eq(b, "hello world");
	ck_assert_int_eq(sh_req_body(&req, &b2, &n), 0);
	ck_assert_ptr_eq(b, b2);
}
END_TEST

START_TEST(test_body_unsized)
{
	const char *b;
	size_t n;

	memio_body(&io, "abc", 3);
	ck_assert_int_eq(begin("POST", "/"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(b, "abc");
}
END_TEST

static const char body_413[] =
	"Status: 413 Payload Too Large\r\n"
	"Content-Type: application/json; charset=utf-8\r\n\r\n"
	"{\"error\":{\"name\":\"PayloadTooLargeError\",\"message\":\"request entity too large\"},"
	"\"request\":{\"method\":\"POST\",\"url\":\"/up?x=1\"},\"response\":{\"statusCode\":413}}";

START_TEST(test_body_cap_content_length)
{
	const char *b;
	size_t n;

	memio_param(&io, "CONTENT_LENGTH", "65");
	ck_assert_int_eq(begin("POST", "/up?x=1"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 413);
	ck_assert_str_eq(io.out, body_413);
	ck_assert_uint_eq(io.body_pos, 0);
}
END_TEST

START_TEST(test_body_cap_huge_content_length)
{
	const char *b;
	size_t n;

	memio_param(&io, "CONTENT_LENGTH", "99999999999999999999999999");
	ck_assert_int_eq(begin("POST", "/up?x=1"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 413);
	ck_assert_str_eq(io.out, body_413);
}
END_TEST

START_TEST(test_body_cap_while_reading)
{
	static char big[200];
	const char *b;
	size_t n;

	memset(big, 'x', sizeof(big));
	memio_body(&io, big, sizeof(big));
	io.read_chunk = 10;
	ck_assert_int_eq(begin("POST", "/up?x=1"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 413);
	ck_assert_str_eq(io.out, body_413);
	ck_assert_uint_le(io.body_pos, 200);
}
END_TEST

START_TEST(test_body_exact_cap)
{
	static char big[64];
	const char *b;
	size_t n;

	memset(big, 'x', sizeof(big));
	memio_body(&io, big, sizeof(big));
	ck_assert_int_eq(begin("POST", "/"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 0);
	ck_assert_uint_eq(n, 64);
}
END_TEST

START_TEST(test_body_short)
{
	const char *b;
	size_t n;

	memio_param(&io, "CONTENT_LENGTH", "10");
	memio_body(&io, "abc", 3);
	ck_assert_int_eq(begin("POST", "/"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 400);
	ck_assert_ptr_nonnull(strstr(body_of(&io),
		"\"message\":\"request body is shorter than its content length\""));
}
END_TEST

START_TEST(test_body_bad_length)
{
	const char *b;
	size_t n;

	memio_param(&io, "CONTENT_LENGTH", "-1");
	ck_assert_int_eq(begin("POST", "/"), 0);
	ck_assert_int_eq(sh_req_body(&req, &b, &n), 400);
	ck_assert_ptr_nonnull(strstr(body_of(&io), "\"invalid content length\""));
}
END_TEST

/* ------------------------------------------------------------ json */

static json_t *json_req(const char *ctype, const char *text)
{
	static char cl[32];

	snprintf(cl, sizeof(cl), "%zu", strlen(text));
	if (ctype)
		memio_param(&io, "CONTENT_TYPE", ctype);
	memio_param(&io, "CONTENT_LENGTH", cl);
	memio_body(&io, text, strlen(text));
	ck_assert_int_eq(begin("POST", "/j"), 0);
	return sh_req_json(&req);
}

START_TEST(test_json_ok)
{
	json_t *j = json_req("application/json; charset=utf-8", "{\"a\":[1,{\"b\":[]}]}");

	ck_assert_ptr_nonnull(j);
	ck_assert_ptr_eq(sh_req_json(&req), j);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(j, "a"), 0)), 1);
	ck_assert_int_eq(sh_req_status(&req), 0);
	ck_assert_uint_eq(io.out_len, 0);
}
END_TEST

START_TEST(test_json_content_type)
{
	ck_assert_ptr_nonnull(json_req("Application/JSON", "[]"));
	host_req_finish(&req);
	ck_assert_ptr_null(json_req("text/plain", "[]"));
	ck_assert_int_eq(sh_req_status(&req), 400);
	ck_assert_ptr_nonnull(strstr(body_of(&io), "\"content type must be application/json\""));
	host_req_finish(&req);
	memio_free(&io);
	ck_assert_ptr_null(json_req("application/jsonx", "[]"));
	ck_assert_int_eq(sh_req_status(&req), 400);
	host_req_finish(&req);
	memio_free(&io);
	memio_init(&io);
	ck_assert_ptr_null(json_req(NULL, "[]"));
	ck_assert_int_eq(sh_req_status(&req), 400);
}
END_TEST

START_TEST(test_json_depth_cap)
{
	ck_assert_ptr_nonnull(json_req("application/json", "[[[{}]]]"));
	host_req_finish(&req);
	ck_assert_ptr_null(json_req("application/json", "[[[[{}]]]]"));
	ck_assert_str_eq(body_of(&io),
		"{\"error\":{\"name\":\"InputError\",\"message\":\"json body nests deeper than 4 levels\"},"
		"\"request\":{\"method\":\"POST\",\"url\":\"/j\"},\"response\":{\"statusCode\":400}}");
}
END_TEST

START_TEST(test_json_malformed)
{
	ck_assert_ptr_null(json_req("application/json", "{\"a\":1,}"));
	ck_assert_int_eq(sh_req_status(&req), 400);
	ck_assert_ptr_nonnull(strstr(body_of(&io), "\"message\":\"malformed json body: "));
	ck_assert_ptr_nonnull(strstr(body_of(&io), "at line 1 column"));
	host_req_finish(&req);
	memio_free(&io);
	ck_assert_ptr_null(json_req("application/json", "{\"a\":1,\"a\":2}"));
	ck_assert_int_eq(sh_req_status(&req), 400);
	host_req_finish(&req);
	memio_free(&io);
	ck_assert_ptr_null(json_req("application/json", ""));
	ck_assert_int_eq(sh_req_status(&req), 400);
	host_req_finish(&req);
	memio_free(&io);
	ck_assert_ptr_null(json_req("application/json", "\"scalar\""));
	ck_assert_int_eq(sh_req_status(&req), 400);
}
END_TEST

START_TEST(test_json_too_large)
{
	static char big[100];

	memset(big, ' ', sizeof(big) - 3);
	memcpy(big + sizeof(big) - 3, "[]", 3);
	ck_assert_ptr_null(json_req("application/json", big));
	ck_assert_int_eq(sh_req_status(&req), 413);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("request");
	TCase *parse = tcase_create("parse");
	TCase *reqs = tcase_create("request");

	tcase_add_test(parse, test_path_ok);
	tcase_add_test(parse, test_path_refused);
	tcase_add_test(parse, test_pct_decode);
	tcase_add_test(parse, test_query);
	tcase_add_test(parse, test_json_depth);
	suite_add_tcase(s, parse);

	tcase_add_checked_fixture(reqs, setup, teardown);
	tcase_add_test(reqs, test_begin);
	tcase_add_test(reqs, test_query_accessors);
	tcase_add_test(reqs, test_request_id);
	tcase_add_test(reqs, test_begin_refuses_dot_segments);
	tcase_add_test(reqs, test_begin_refuses_bad_query);
	tcase_add_test(reqs, test_begin_missing_params);
	tcase_add_test(reqs, test_bind);
	tcase_add_test(reqs, test_bind_mount_root_and_host_route);
	tcase_add_test(reqs, test_headers_cookies);
	tcase_add_test(reqs, test_body_empty_content_length);
	tcase_add_test(reqs, test_body_sized);
	tcase_add_test(reqs, test_body_unsized);
	tcase_add_test(reqs, test_body_cap_content_length);
	tcase_add_test(reqs, test_body_cap_huge_content_length);
	tcase_add_test(reqs, test_body_cap_while_reading);
	tcase_add_test(reqs, test_body_exact_cap);
	tcase_add_test(reqs, test_body_short);
	tcase_add_test(reqs, test_body_bad_length);
	tcase_add_test(reqs, test_json_ok);
	tcase_add_test(reqs, test_json_content_type);
	tcase_add_test(reqs, test_json_depth_cap);
	tcase_add_test(reqs, test_json_malformed);
	tcase_add_test(reqs, test_json_too_large);
	suite_add_tcase(s, reqs);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
