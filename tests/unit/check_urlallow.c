/*
 * urlallow.c (<stagehand/urlallow.h>), as the catalog's reading allow-list
 * of spec §9.4 uses it: exact and wildcard hosts, ports and port ranges,
 * default ports, path prefixes, rule syntax errors, Backstage's message.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>
#include <stagehand/urlallow.h>
#include "unit.h"

static struct sh_url_allow *allow_of(const char *const *rules, size_t n)
{
	struct sh_url_allow *a;
	char *err;

	ck_assert_int_eq(sh_url_allow_parse(rules, n, &a, &err), 0);
	ck_assert_ptr_null(err);
	return a;
}

static void expect_match(const char *rule, const char *url, int want)
{
	const char *rules[] = { rule };
	struct sh_url_allow *a = allow_of(rules, 1);

	ck_assert_msg(sh_url_allow_match(a, url) == want, "rule \"%s\" %s %s", rule,
		      want ? "should allow" : "should refuse", url);
	sh_url_allow_free(a);
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
	struct sh_url_allow *a = allow_of(rules, 3);
	char *msg;

	ck_assert_int_eq(sh_url_allow_match(a, "https://example.com/docs/x.yaml"), 1);
	ck_assert_int_eq(sh_url_allow_match(a, "https://example.com/x.yaml"), 0);
	ck_assert_int_eq(sh_url_allow_match(a, "https://git.corp.net/x.yaml"), 1);
	ck_assert_int_eq(sh_url_allow_match(a, "http://localhost:8008/x.yaml"), 1);
	ck_assert_int_eq(sh_url_allow_match(a, "http://localhost/x.yaml"), 0);
	sh_url_allow_free(a);
	a = allow_of(NULL, 0);
	ck_assert_int_eq(sh_url_allow_match(a, "https://example.com/x.yaml"), 0);
	sh_url_allow_free(a);
	ck_assert_int_eq(sh_url_allow_match(NULL, "https://example.com/x.yaml"), 0);
	msg = sh_url_allow_denied_message("https://evil.com/x.yaml");
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
		struct sh_url_allow *a = (struct sh_url_allow *)1;
		char *err = NULL;

		ck_assert_msg(sh_url_allow_parse(rules, 2, &a, &err) == SH_EINVAL,
			      "\"%s\" accepted", bad[i]);
		ck_assert_ptr_null(a);
		ck_assert_ptr_nonnull(err);
		ck_assert_ptr_nonnull(strstr(err, bad[i]));
		free(err);
	}
}

int main(void)
{
	Suite *s = suite_create("urlallow");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_allow_host);
	tcase_add_test(tc, test_allow_port);
	tcase_add_test(tc, test_allow_paths);
	tcase_add_test(tc, test_allow_list);
	tcase_add_test(tc, test_allow_syntax);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
