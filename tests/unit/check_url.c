/*
 * url.c (<stagehand/url.h>): RFC 3986 reference resolution (the RFC's own
 * examples, and the catalog's url: location cases) and the strict http(s)
 * split.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>
#include <stagehand/url.h>
#include "unit.h"

static void expect_resolve(const char *base, const char *ref, const char *want)
{
	char *got = sh_url_resolve(base, ref);

	ck_assert_msg(got != NULL, "%s against %s: NULL", ref, base);
	ck_assert_msg(strcmp(got, want) == 0, "%s against %s: got %s, want %s", ref, base, got,
		      want);
	free(got);
}

/* RFC 3986 §5.4.1 */
START_TEST(test_resolve_normal)
{
	static const char *const cases[][2] = {
		{ "g:h", "g:h" }, { "g", "http://a/b/c/g" }, { "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" }, { "/g", "http://a/g" }, { "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" }, { "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" }, { "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" }, { ".", "http://a/b/c/" }, { "./", "http://a/b/c/" },
		{ "..", "http://a/b/" }, { "../", "http://a/b/" }, { "../g", "http://a/b/g" },
		{ "../..", "http://a/" }, { "../../", "http://a/" }, { "../../g", "http://a/g" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect_resolve("http://a/b/c/d;p?q", cases[i][0], cases[i][1]);
}
END_TEST

/* RFC 3986 §5.4.2 */
START_TEST(test_resolve_abnormal)
{
	static const char *const cases[][2] = {
		{ "../../../g", "http://a/g" }, { "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" }, { "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" }, { "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" }, { "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" }, { "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" }, { "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" }, { "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g?y/../x", "http://a/b/c/g?y/../x" }, { "g#s/./x", "http://a/b/c/g#s/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" }, { "http:g", "http:g" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect_resolve("http://a/b/c/d;p?q", cases[i][0], cases[i][1]);
}
END_TEST

START_TEST(test_resolve_catalog)
{
	/* A Location's relative targets, as in the fixture all.yaml. */
	expect_resolve("http://127.0.0.1:8000/cat/all.yaml", "./system.yaml",
		       "http://127.0.0.1:8000/cat/system.yaml");
	expect_resolve("http://127.0.0.1:8000/cat/all.yaml", "../org/org.yaml",
		       "http://127.0.0.1:8000/org/org.yaml");
	expect_resolve("https://h/a/b.yaml?ref=main", "c.yaml", "https://h/a/c.yaml");
	expect_resolve("http://h", "x.yaml", "http://h/x.yaml");
	expect_resolve("http://h/a/", "https://other/x/../y.yaml", "https://other/y.yaml");
	/* an absolute target stands alone, dot segments removed */
	expect_resolve("https://h/a/./b/../c.yaml", "https://h/a/./b/../c.yaml", "https://h/a/c.yaml");
	ck_assert_ptr_null(sh_url_resolve("./x.yaml", "./x.yaml"));
	ck_assert_ptr_null(sh_url_resolve("/abs/x.yaml", "y.yaml"));
}
END_TEST

static void expect_http(const char *url, const char *host, unsigned port, int def,
			const char *path)
{
	struct sh_url_http u;

	ck_assert_msg(sh_url_http_parse(url, &u) == 0, "%s refused", url);
	ck_assert_str_eq(u.host, host);
	ck_assert_uint_eq(u.port, port);
	ck_assert_int_eq(u.default_port, def);
	ck_assert_str_eq(u.path, path);
	sh_url_http_clear(&u);
}

static void expect_refused(const char *url)
{
	struct sh_url_http u;

	ck_assert_msg(sh_url_http_parse(url, &u) == SH_EINVAL, "%s accepted", url);
	sh_url_http_clear(&u);
}

START_TEST(test_http_parse)
{
	expect_http("http://Example.COM/a.yaml", "example.com", 80, 1, "/a.yaml");
	expect_http("HTTPS://example.com", "example.com", 443, 1, "/");
	expect_http("https://example.com:443/x", "example.com", 443, 1, "/x");
	expect_http("http://example.com:/x", "example.com", 80, 1, "/x");
	expect_http("http://example.com:8080/x?q#f", "example.com", 8080, 0, "/x");
	expect_http("http://127.0.0.1:8000/a//b/../c", "127.0.0.1", 8000, 0, "/a/c");
	expect_http("http://h/docs/../secret/x", "h", 80, 1, "/secret/x");
	expect_http("http://h/../../etc", "h", 80, 1, "/etc");
	expect_http("http://h//docs//x", "h", 80, 1, "/docs/x");
	expect_http("http://[::1]:8080/x", "[::1]", 8080, 0, "/x");
	expect_http("http://[::1]/x", "[::1]", 80, 1, "/x");
	expect_refused("ftp://example.com/x");
	expect_refused("file:///etc/passwd");
	expect_refused("http:/example.com/x");
	expect_refused("http:///x");
	expect_refused("http://user@evil.com/");
	expect_refused("http://example.com@evil.com/");
	expect_refused("http://example.com:0/");
	expect_refused("http://example.com:65536/");
	expect_refused("http://example.com:8a/");
	expect_refused("http://exa mple.com/");
	expect_refused("http://example.com/a b");
	expect_refused("http://example.com\\@evil.com/");
	expect_refused("http://ex%61mple.com/");
	expect_refused("http://h/docs/%2e%2e/secret");
	expect_refused("http://h/docs/%2E./secret");
	expect_refused("http://h/docs%2f..%2fsecret");
	expect_refused("http://h/docs%5C..%5csecret");
	expect_refused("http://h/\xc3\xa9");
	expect_refused("http://[::1/x");
	expect_refused("http://[::1]x/");
	expect_refused("http://[zz]/");
}

int main(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_resolve_normal);
	tcase_add_test(tc, test_resolve_abnormal);
	tcase_add_test(tc, test_resolve_catalog);
	tcase_add_test(tc, test_http_parse);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
