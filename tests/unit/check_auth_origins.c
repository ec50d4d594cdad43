/*
 * Origins in the auth plugin (plugins/auth/origins.c): a URL's normalised
 * origin and host, and the origin globs of [auth] extra_allowed_origins.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/oauth.h"
#include "unit.h"

struct url_case {
	const char *url, *want;
};

/* fn(url) must be want (NULL: refused) for every case. */
static void check_cases(char *(*fn)(const char *), const struct url_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = fn(cases[i].url);

		if (cases[i].want)
			ck_assert_str_eq(got, cases[i].want);
		else
			ck_assert_ptr_null(got);
		free(got);
	}
}

START_TEST(test_origin)
{
	const struct url_case cases[] = {
		{ "HTTPS://Portal.Example.COM:443/path?x#y", "https://portal.example.com" },
		{ "http://a.example:80", "http://a.example" },
		{ "http://a.example:8080/", "http://a.example:8080" },
		{ "https://127.0.0.1:8443", "https://127.0.0.1:8443" },
		{ "https://[::1]:443/x", "https://[::1]" },
		{ "ftp://x", NULL },
		{ "https://", NULL },
		{ "https://user@host/", NULL },
		{ "javascript:alert(1)", NULL },
		{ NULL, NULL },
	};

	check_cases(auth_url_origin, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_host)
{
	const struct url_case cases[] = {
		{ "https://Portal.Example:8443/api", "portal.example" },
		{ "http://localhost", "localhost" },
		{ "https://[::1]:8443/", "[::1]:8443" },
		{ "mailto:x@y", NULL },
	};

	check_cases(auth_url_host, cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_origin_glob)
{
	ck_assert(auth_origin_glob("https://*.example.com", "https://a.example.com"));
	ck_assert(auth_origin_glob("https://*.Example.com", "HTTPS://b-c.example.COM"));
	ck_assert(!auth_origin_glob("https://*.example.com", "https://example.com"));
	ck_assert(!auth_origin_glob("https://*.example.com", "https://a.example.com.evil"));
	ck_assert(!auth_origin_glob("https://*.example.com", "https://x/y.example.com"));
	ck_assert(auth_origin_glob("http://localhost:*", "http://localhost:3000"));
	ck_assert(auth_origin_glob("https://portal.example", "https://portal.example"));
	ck_assert(!auth_origin_glob("https://portal.example", "https://portal.example:1"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_origins");
	TCase *tc = tcase_create("origins");

	tcase_add_test(tc, test_origin);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_origin_glob);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
