/*
 * plugins/techdocs/static_path.c: the content type of a site file by the
 * spec's rule (HTML and friends as text/plain, the usual types, unknown as
 * text) and the traversal forms /static refuses before realpath (dot
 * segments decoded once more, '/' or '\\' inside a segment, backslashes,
 * bad encodings), next to names that are fine.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/techdocs/static_path.h"
#include "unit.h"

#define TEXT "text/plain; charset=utf-8"

START_TEST(test_type_as_text)
{
	static const char *const text[] = {
		"index.html", "runbooks/on-call/index.html", "404.html", "a/b.HTM", "sitemap.xml",
		"images/logo.svg", "x.xhtml", "x.shtml", "cache.appcache", "site.webmanifest",
		"f.mathml", "o.owl", "r.rdf", "s.rng", "t.vtt", "u.xsd", "v.xsl", "README", "a.b/c",
		".hidden", "notes.txt", "strange.unknownext", "no-dot", "x.html.gz.xml",
	};

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		ck_assert_msg(strcmp(td_static_type(text[i]), TEXT) == 0, "%s: %s", text[i],
			      td_static_type(text[i]));
}
END_TEST

START_TEST(test_type_usual)
{
	ck_assert_str_eq(td_static_type("assets/stylesheets/main.css"), "text/css; charset=utf-8");
	ck_assert_str_eq(td_static_type("bundle.min.js"), "application/javascript; charset=utf-8");
	ck_assert_str_eq(td_static_type("search/search_index.json"),
			 "application/json; charset=utf-8");
	ck_assert_str_eq(td_static_type("techdocs_metadata.json"), "application/json; charset=utf-8");
	ck_assert_str_eq(td_static_type("images/checkout-flow.PNG"), "image/png");
	ck_assert_str_eq(td_static_type("a/photo.jpeg"), "image/jpeg");
	ck_assert_str_eq(td_static_type("sitemap.xml.gz"), "application/gzip");
	ck_assert_str_eq(td_static_type("fonts/x.woff2"), "font/woff2");
	ck_assert_str_eq(td_static_type("favicon.ico"), "image/x-icon");
}
END_TEST

START_TEST(test_unsafe)
{
	static const char *const bad[] = {
		"..", ".", "../secret", "a/../../b", "a/./b", "%2e%2e/x", "%2E%2E", ".%2e/x",
		"a/%2e", "..%2fx", "a%2f..%2fb", "x%5c..", "..\\x", "a\\b",
		"%", "a%zz", "%00", "a/%2",
	};
	static const char *const good[] = {
		"", "index.html", "runbooks/on-call/index.html", "a..b", "...", "..a", "a..",
		".well-known/x", "images/x.png", "a%20b.html", "%41", "a/", "search/search_index.json",
		"%252e",  /* a file named "%2e" */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(td_static_unsafe(bad[i]), "%s passed", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(!td_static_unsafe(good[i]), "%s refused", good[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("techdocs_static");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_type_as_text);
	tcase_add_test(tc, test_type_usual);
	tcase_add_test(tc, test_unsafe);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
