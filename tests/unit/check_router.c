/*
 * Router: parameters, rest captures, literal > param > rest precedence with
 * backtracking, 404 against 405 with its Allow list, duplicate and malformed
 * patterns, and an encoded slash that stays inside one parameter.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "unit.h"

static int h_a(struct sh_req *req, void *state) { return 200; }
static int h_b(struct sh_req *req, void *state) { return 201; }
static int h_c(struct sh_req *req, void *state) { return 202; }

static struct host_router *r;
static struct host_arena *a;
static struct host_match m;

static void setup(void)
{
	r = host_router_new();
	a = host_arena_new();
}

static void teardown(void)
{
	host_router_free(r);
	host_arena_free(a);
	ck_assert_int_eq(host_arena_live(), 0);
}

static enum host_match_result match(const char *method, const char *path)
{
	char **segs;
	size_t n;

	ck_assert_int_eq(host_path_split(a, path, &segs, &n), 0);
	return host_router_match(r, method, segs, n, a, &m);
}

static const char *param(const char *name)
{
	size_t i;

	for (i = 0; i < m.n_params; i++)
		if (!strcmp(m.names[i], name))
			return m.values[i];
	return NULL;
}

START_TEST(test_params)
{
	ck_assert_int_eq(host_router_add(r, "GET", "/api/catalog/entities/by-name/:kind/:namespace/:name",
					 SH_AUTH_USER, h_a, NULL, NULL), 0);
	ck_assert_int_eq(match("GET", "/api/catalog/entities/by-name/component/default/x%20y"),
			 HOST_MATCH_OK);
	ck_assert_uint_eq(m.n_params, 3);
	ck_assert_str_eq(param("kind"), "component");
	ck_assert_str_eq(param("namespace"), "default");
	ck_assert_str_eq(param("name"), "x y");
	ck_assert_ptr_eq(host_route_fn(m.route), h_a);
	ck_assert_int_eq(host_route_auth(m.route), SH_AUTH_USER);
	/* A parameter needs a non-empty segment. */
	ck_assert_int_eq(match("GET", "/api/catalog/entities/by-name/component//x"),
			 HOST_MATCH_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/api/catalog/entities/by-name/component/default"),
			 HOST_MATCH_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/api/catalog/entities/by-name/a/b/c/d"),
			 HOST_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_rest)
{
	ck_assert_int_eq(host_router_add(r, "GET", "/api/techdocs/static/docs/*path",
					 SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(match("GET", "/api/techdocs/static/docs/default/component/x/index.html"),
			 HOST_MATCH_OK);
	ck_assert_str_eq(param("path"), "default/component/x/index.html");
	ck_assert_int_eq(match("GET", "/api/techdocs/static/docs"), HOST_MATCH_OK);
	ck_assert_str_eq(param("path"), "");
	ck_assert_int_eq(match("GET", "/api/techdocs/static/docs/"), HOST_MATCH_OK);
	ck_assert_str_eq(param("path"), "");
	ck_assert_int_eq(match("GET", "/api/techdocs/static/docs/a//b"), HOST_MATCH_OK);
	ck_assert_str_eq(param("path"), "a//b");
	ck_assert_int_eq(match("GET", "/api/techdocs/static"), HOST_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_rest_with_params)
{
	ck_assert_int_eq(host_router_add(r, "GET", "/p/:a/*rest", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(match("GET", "/p/one/two/three"), HOST_MATCH_OK);
	ck_assert_uint_eq(m.n_params, 2);
	ck_assert_str_eq(m.names[0], "a");
	ck_assert_str_eq(m.values[0], "one");
	ck_assert_str_eq(m.names[1], "rest");
	ck_assert_str_eq(m.values[1], "two/three");
}
END_TEST

START_TEST(test_precedence)
{
	ck_assert_int_eq(host_router_add(r, "GET", "/entities/*rest", SH_AUTH_NONE, h_c, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/entities/:x", SH_AUTH_NONE, h_b, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/entities/by-query", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(match("GET", "/entities/by-query"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_a);
	ck_assert_uint_eq(m.n_params, 0);
	ck_assert_int_eq(match("GET", "/entities/other"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_b);
	ck_assert_str_eq(param("x"), "other");
	ck_assert_int_eq(match("GET", "/entities/a/b"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_c);
	ck_assert_str_eq(param("rest"), "a/b");
	ck_assert_int_eq(match("GET", "/entities"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_c);
}
END_TEST

START_TEST(test_backtrack)
{
	/* The literal "b" leads nowhere for /a/b/c, so the parameter must get it. */
	ck_assert_int_eq(host_router_add(r, "GET", "/a/b/d", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/a/:x/c", SH_AUTH_NONE, h_b, NULL, NULL), 0);
	ck_assert_int_eq(match("GET", "/a/b/c"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_b);
	ck_assert_str_eq(param("x"), "b");
	ck_assert_uint_eq(m.n_params, 1);
	ck_assert_int_eq(match("GET", "/a/b/d"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_a);
	ck_assert_uint_eq(m.n_params, 0);
}
END_TEST

START_TEST(test_method_aware)
{
	/* DELETE /entities/by-query falls to the parameter route, as in Express. */
	ck_assert_int_eq(host_router_add(r, "GET", "/entities/by-query", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "DELETE", "/entities/:uid", SH_AUTH_NONE, h_b, NULL, NULL), 0);
	ck_assert_int_eq(match("DELETE", "/entities/by-query"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_fn(m.route), h_b);
	ck_assert_str_eq(param("uid"), "by-query");
	ck_assert_int_eq(match("PUT", "/entities/by-query"), HOST_MATCH_BAD_METHOD);
	ck_assert_str_eq(m.allow, "GET, DELETE");
	ck_assert_ptr_null(m.route);
}
END_TEST

START_TEST(test_405)
{
	ck_assert_int_eq(host_router_add(r, "POST", "/locations", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/locations", SH_AUTH_NONE, h_b, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/:any", SH_AUTH_NONE, h_c, NULL, NULL), 0);
	ck_assert_int_eq(match("DELETE", "/locations"), HOST_MATCH_BAD_METHOD);
	ck_assert_str_eq(m.allow, "POST, GET");
	/* HEAD is not mapped to GET. */
	ck_assert_int_eq(match("HEAD", "/other"), HOST_MATCH_BAD_METHOD);
	ck_assert_str_eq(m.allow, "GET");
	ck_assert_int_eq(match("GET", "/locations/x"), HOST_MATCH_NOT_FOUND);
	ck_assert_str_eq(m.allow, "");
	ck_assert_int_eq(match("GET", "/"), HOST_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_duplicates)
{
	ck_assert_int_eq(host_router_add(r, "GET", "/a/:x", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/a/:x", SH_AUTH_NONE, h_a, NULL, NULL), SH_EINVAL);
	ck_assert_int_eq(host_router_add(r, "GET", "/a/:y", SH_AUTH_NONE, h_b, NULL, NULL), SH_EINVAL);
	ck_assert_int_eq(host_router_add(r, "POST", "/a/:y", SH_AUTH_NONE, h_b, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/a/*r", SH_AUTH_NONE, h_c, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/a/*s", SH_AUTH_NONE, h_c, NULL, NULL), SH_EINVAL);
	/* The route that lost keeps its own parameter name. */
	ck_assert_int_eq(match("POST", "/a/v"), HOST_MATCH_OK);
	ck_assert_str_eq(param("y"), "v");
	ck_assert_int_eq(match("GET", "/a/v"), HOST_MATCH_OK);
	ck_assert_str_eq(param("x"), "v");
}
END_TEST

START_TEST(test_bad_patterns)
{
	static const char *const bad[] = {
		"", "a", "a/b", "/a//b", "/a/", "//", "/:", "/*", "/*r/x", "/:x/:x",
		"/:x/*x", "/a/:b:c", "/:a*b",
		"/:p1/:p2/:p3/:p4/:p5/:p6/:p7/:p8/:p9/:p10/:p11/:p12/:p13/:p14/:p15/:p16/:p17",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(host_router_add(r, "GET", bad[i], SH_AUTH_NONE, h_a, NULL, NULL) == SH_EINVAL,
			      "pattern '%s' accepted", bad[i]);
	ck_assert_int_eq(host_router_add(r, "get", "/x", SH_AUTH_NONE, h_a, NULL, NULL), SH_EINVAL);
	ck_assert_int_eq(host_router_add(r, "", "/x", SH_AUTH_NONE, h_a, NULL, NULL), SH_EINVAL);
	ck_assert_int_eq(host_router_add(r, "GET", "/x", SH_AUTH_NONE, NULL, NULL, NULL), SH_EINVAL);
	ck_assert_int_eq(host_router_add(r, "GET", NULL, SH_AUTH_NONE, h_a, NULL, NULL), SH_EINVAL);
	/* Nothing half-registered is left behind. */
	ck_assert_int_eq(match("GET", "/a/b"), HOST_MATCH_NOT_FOUND);
	ck_assert_int_eq(host_router_add(r, "GET", "/", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(match("GET", "/"), HOST_MATCH_OK);
}
END_TEST

START_TEST(test_encoded_slash)
{
	char **segs;
	size_t n;

	ck_assert_int_eq(host_router_add(r, "GET", "/api/x/:id", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(host_path_split(a, "/api/x/a%2Fb", &segs, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(host_router_match(r, "GET", segs, n, a, &m), HOST_MATCH_OK);
	ck_assert_str_eq(param("id"), "a/b");
	ck_assert_int_eq(match("GET", "/api/x/a/b"), HOST_MATCH_NOT_FOUND);
	ck_assert_int_eq(match("GET", "/api/x/%2e%2e%2f"), HOST_MATCH_OK);
	ck_assert_str_eq(param("id"), "../");
}
END_TEST

START_TEST(test_owner_state)
{
	struct host_plugin p = { 0 };
	int state;

	ck_assert_int_eq(host_router_add(r, "PATCH", "/api/p/x", SH_AUTH_ANY, h_a, &state, &p), 0);
	ck_assert_int_eq(match("PATCH", "/api/p/x"), HOST_MATCH_OK);
	ck_assert_ptr_eq(host_route_owner(m.route), &p);
	ck_assert_ptr_eq(host_route_state(m.route), &state);
	ck_assert_int_eq(host_route_auth(m.route), SH_AUTH_ANY);
}
END_TEST

/* The --routes listing: sorted by path then method, auth names, owner, flags, query keys. */
START_TEST(test_print)
{
	static const char *const keys[] = { "q", "x", NULL }, *const none[] = { NULL };
	static const struct sh_route_spec list = { "GET", "/", SH_AUTH_ANY, h_a, SH_ROUTE_CACHED,
						   keys, NULL };
	static const struct sh_route_spec cookie = { "DELETE", "/", SH_AUTH_USER_COOKIE, h_b,
						     HOST_ROUTE_BY_HOST, NULL, NULL };
	static const struct sh_plugin_info info = { .name = "p" };
	struct host_plugin p = { .info = &info };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(host_router_add_spec(r, "/api/p/items", &list, NULL, &p), 0);
	ck_assert_int_eq(host_router_add(r, "POST", "/api/p/items", SH_AUTH_SERVICE, h_c, NULL, &p), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/healthcheck", SH_AUTH_NONE, h_a, NULL, NULL), 0);
	ck_assert_int_eq(host_router_add(r, "GET", "/api/p/:id", SH_AUTH_USER, h_a, NULL, &p), 0);
	ck_assert_int_eq(host_router_add_spec(r, "/api/p/c", &cookie, NULL, &p), 0);
	ck_assert_int_eq(host_router_add_q(r, "PUT", "/api/p/c", SH_AUTH_ANY, h_a, NULL, &p, none), 0);
	f = open_memstream(&text, &len);
	host_router_print(r, f);
	fclose(f);
	ck_assert_str_eq(text,
			 "GET     /api/p/:id   user        p\n"
			 "DELETE  /api/p/c     user-cookie host\n"
			 "PUT     /api/p/c     any         p query=(none)\n"
			 "GET     /api/p/items any         p cached query=q,x\n"
			 "POST    /api/p/items service     p\n"
			 "GET     /healthcheck none        host\n");
	free(text);
}
END_TEST

START_TEST(test_many_routes)
{
	char pat[64], path[64];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(pat, sizeof(pat), "/api/p%d/items/:id/sub%d", i % 10, i);
		ck_assert_int_eq(host_router_add(r, i % 2 ? "POST" : "GET", pat, SH_AUTH_NONE, h_a, NULL, NULL), 0);
	}
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/api/p%d/items/%d/sub%d", i % 10, i, i);
		ck_assert_int_eq(match(i % 2 ? "POST" : "GET", path), HOST_MATCH_OK);
		ck_assert_int_eq(match(i % 2 ? "GET" : "POST", path), HOST_MATCH_BAD_METHOD);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_rest);
	tcase_add_test(tc, test_rest_with_params);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_backtrack);
	tcase_add_test(tc, test_method_aware);
	tcase_add_test(tc, test_405);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_bad_patterns);
	tcase_add_test(tc, test_encoded_slash);
	tcase_add_test(tc, test_owner_state);
	tcase_add_test(tc, test_many_routes);
	tcase_add_test(tc, test_print);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
