/*
 * What url: locations may read: RFC 3986 reference resolution (the RFC's
 * own examples), the strict http(s) split, and the reading allow-list of
 * spec §9.4 (exact and wildcard hosts, ports and port ranges, default
 * ports, path prefixes, rule syntax errors, Backstage's message).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/allow.h"
#include "../../plugins/catalog/url.h"

static void expect_resolve(const char *base, const char *ref, const char *want)
{
	char *got = catalog_url_resolve(base, ref);

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
	ck_assert_ptr_null(catalog_url_resolve("./x.yaml", "./x.yaml"));
	ck_assert_ptr_null(catalog_url_resolve("/abs/x.yaml", "y.yaml"));
}
END_TEST

static void expect_http(const char *url, const char *host, unsigned port, int def,
			const char *path)
{
	struct catalog_url_http u;

	ck_assert_msg(catalog_url_http_parse(url, &u) == 0, "%s refused", url);
	ck_assert_str_eq(u.host, host);
	ck_assert_uint_eq(u.port, port);
	ck_assert_int_eq(u.default_port, def);
	ck_assert_str_eq(u.path, path);
	catalog_url_http_clear(&u);
}

static void expect_refused(const char *url)
{
	struct catalog_url_http u;

	ck_assert_msg(catalog_url_http_parse(url, &u) == SH_EINVAL, "%s accepted", url);
	catalog_url_http_clear(&u);
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
END_TEST

static struct catalog_allow *allow_of(const char *const *rules, size_t n)
{
	struct catalog_allow *a;
	char *err;

	ck_assert_int_eq(catalog_allow_parse(rules, n, &a, &err), 0);
	ck_assert_ptr_null(err);
	return a;
}

static void expect_match(const char *rule, const char *url, int want)
{
	const char *rules[] = { rule };
	struct catalog_allow *a = allow_of(rules, 1);

	ck_assert_msg(catalog_allow_match(a, url) == want, "rule \"%s\" %s %s", rule,
		      want ? "should allow" : "should refuse", url);
	catalog_allow_free(a);
}

START_TEST(test_allow_host)
{
	expect_match("example.com", "https://example.com/a.yaml", 1);
	expect_match("example.com", "http://EXAMPLE.com/a.yaml", 1);
	expect_match("Example.COM", "http://example.com/a.yaml", 1);
	expect_match("example.com", "https://sub.example.com/a.yaml", 0);
	expect_match("example.com", "https://example.com.evil.net/a.yaml", 0);
	expect_match("example.com", "https://notexample.com/a.yaml", 0);
	expect_match("*.example.com", "https://sub.example.com/a.yaml", 1);
	expect_match("*.example.com", "https://a.b.example.com/a.yaml", 1);
	expect_match("*.example.com", "https://example.com/a.yaml", 0);
	expect_match("*.example.com", "https://badexample.com/a.yaml", 0);
	expect_match("*.example.com", "https://sub.example.com.evil.net/", 0);
	expect_match("[::1]:8080", "http://[::1]:8080/x", 1);
	/* what the URL parser refuses is never allowed */
	expect_match("example.com", "https://user@example.com/a.yaml", 0);
	expect_match("example.com", "ftp://example.com/a.yaml", 0);
	expect_match("example.com", "example.com/a.yaml", 0);
}
END_TEST

START_TEST(test_allow_port)
{
	/* no port in the rule: default ports only */
	expect_match("example.com", "http://example.com/x", 1);
	expect_match("example.com", "http://example.com:80/x", 1);
	expect_match("example.com", "https://example.com:443/x", 1);
	expect_match("example.com", "http://example.com:443/x", 0);
	expect_match("example.com", "http://example.com:8080/x", 0);
	expect_match("*.example.com", "http://a.example.com:8080/x", 0);
	/* an exact port */
	expect_match("localhost:8080", "http://localhost:8080/x", 1);
	expect_match("localhost:8080", "http://localhost:8081/x", 0);
	expect_match("localhost:8080", "http://localhost/x", 0);
	expect_match("localhost:80", "http://localhost/x", 1);
	expect_match("localhost:443", "https://localhost/x", 1);
	expect_match("*.example.com:8443", "https://a.example.com:8443/x", 1);
	/* a range, bounds included */
	expect_match("localhost:8000-8080", "http://localhost:8000/x", 1);
	expect_match("localhost:8000-8080", "http://localhost:8042/x", 1);
	expect_match("localhost:8000-8080", "http://localhost:8080/x", 1);
	expect_match("localhost:8000-8080", "http://localhost:7999/x", 0);
	expect_match("localhost:8000-8080", "http://localhost:8081/x", 0);
	expect_match("localhost:8000-8080", "http://localhost/x", 0);
	expect_match("localhost:1-65535", "https://localhost/x", 1);
}
END_TEST

START_TEST(test_allow_paths)
{
	expect_match("example.com /docs", "https://example.com/docs/a.yaml", 1);
	expect_match("example.com /docs", "https://example.com/docs", 1);
	expect_match("example.com /docs", "https://example.com/docsfoo/a.yaml", 1);
	expect_match("example.com /docs/", "https://example.com/docsfoo/a.yaml", 0);
	expect_match("example.com /docs", "https://example.com/other/a.yaml", 0);
	expect_match("example.com /docs", "https://example.com/", 0);
	expect_match("example.com /docs", "https://example.com/docs/../secret.yaml", 0);
	expect_match("example.com /docs", "https://example.com/x/../docs/a.yaml", 1);
	expect_match("example.com /docs", "https://example.com//docs//a.yaml", 1);
	expect_match("example.com /docs", "https://example.com/docs/%2e%2e/secret.yaml", 0);
	expect_match("example.com /docs", "https://example.com/?/docs", 0);
	expect_match("example.com /docs /catalog", "https://example.com/catalog/all.yaml", 1);
	expect_match("example.com\t/docs  /catalog ", "https://example.com/catalog/a.yaml", 1);
	expect_match("*.example.com:8000-8080 /catalog", "http://a.example.com:8001/catalog/x", 1);
	expect_match("*.example.com:8000-8080 /catalog", "http://a.example.com:8001/docs/x", 0);
}
END_TEST

START_TEST(test_allow_list)
{
	const char *rules[] = { "example.com /docs", "*.corp.net", "localhost:8000-8080" };
	struct catalog_allow *a = allow_of(rules, 3);
	char *msg;

	ck_assert_int_eq(catalog_allow_match(a, "https://example.com/docs/x.yaml"), 1);
	ck_assert_int_eq(catalog_allow_match(a, "https://example.com/x.yaml"), 0);
	ck_assert_int_eq(catalog_allow_match(a, "https://git.corp.net/x.yaml"), 1);
	ck_assert_int_eq(catalog_allow_match(a, "http://localhost:8008/x.yaml"), 1);
	ck_assert_int_eq(catalog_allow_match(a, "http://localhost/x.yaml"), 0);
	catalog_allow_free(a);
	a = allow_of(NULL, 0);
	ck_assert_int_eq(catalog_allow_match(a, "https://example.com/x.yaml"), 0);
	catalog_allow_free(a);
	ck_assert_int_eq(catalog_allow_match(NULL, "https://example.com/x.yaml"), 0);
	msg = catalog_allow_denied_message("https://evil.com/x.yaml");
	ck_assert_str_eq(msg, "Reading from 'https://evil.com/x.yaml' is not allowed. You may "
			      "need to configure an integration for the target host, or add it to "
			      "the configured list of allowed hosts at 'backend.reading.allow'");
	free(msg);
}
END_TEST

START_TEST(test_allow_syntax)
{
	static const char *const bad[] = {
		"", "   ", "*", "*.", "*.*.example.com", "prod.*.example.com", "*..example.com",
		"example.com:", "example.com:0", "example.com:65536", "example.com:80-",
		"example.com:-80", "example.com:8080-8000", "example.com:80-90-100",
		"example.com:http", "example.com docs", "user@example.com", "exa%6dple.com",
		"[::1", "[::1]8080", "example.com/docs",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const char *rules[] = { "example.com", bad[i] };
		struct catalog_allow *a = (struct catalog_allow *)1;
		char *err = NULL;

		ck_assert_msg(catalog_allow_parse(rules, 2, &a, &err) == SH_EINVAL, "\"%s\" accepted",
			      bad[i]);
		ck_assert_ptr_null(a);
		ck_assert_ptr_nonnull(err);
		ck_assert_ptr_nonnull(strstr(err, bad[i]));
		free(err);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_reader");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_resolve_normal);
	tcase_add_test(tc, test_resolve_abnormal);
	tcase_add_test(tc, test_resolve_catalog);
	tcase_add_test(tc, test_http_parse);
	tcase_add_test(tc, test_allow_host);
	tcase_add_test(tc, test_allow_port);
	tcase_add_test(tc, test_allow_paths);
	tcase_add_test(tc, test_allow_list);
	tcase_add_test(tc, test_allow_syntax);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
