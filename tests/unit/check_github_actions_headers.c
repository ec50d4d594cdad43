/*
 * plugins/github-actions/headers.c: the token GitHub takes (Bearer or
 * token), the answer headers that reach the browser (rate limit, ETag,
 * Link; never Set-Cookie or hop-by-hop), and If-None-Match matching.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/github-actions/headers.h"
#include "unit.h"

START_TEST(test_token)
{
	ck_assert_str_eq(gha_token("Bearer gho_abc"), "gho_abc");
	ck_assert_str_eq(gha_token("bearer  gho_abc"), "gho_abc");
	ck_assert_str_eq(gha_token("token ghp_x"), "ghp_x");
	ck_assert_ptr_null(gha_token(NULL));
	ck_assert_ptr_null(gha_token(""));
	ck_assert_ptr_null(gha_token("Bearer "));
	ck_assert_ptr_null(gha_token("Basic dXNlcjpwdw=="));
	ck_assert_ptr_null(gha_token("Bearergho_abc"));
	ck_assert_ptr_null(gha_token("Bearer a b"));
	ck_assert_ptr_null(gha_token("Bearer a\r\nX-Evil: 1"));
	char big[GHA_TOKEN_MAX + 9];
	memcpy(big, "Bearer ", 7);
	memset(big + 7, 'a', GHA_TOKEN_MAX + 1);
	big[sizeof big - 1] = '\0';
	ck_assert_ptr_null(gha_token(big));
	big[sizeof big - 2] = '\0';
	ck_assert_ptr_nonnull(gha_token(big));
}
END_TEST

static int passes(const char *name)
{
	return gha_header_passes(name, strlen(name));
}

START_TEST(test_passing)
{
	ck_assert(passes("x-ratelimit-remaining"));
	ck_assert(passes("X-RateLimit-Reset"));
	ck_assert(passes("ETag"));
	ck_assert(passes("link"));
	ck_assert(passes("x-oauth-scopes"));
	ck_assert(passes("x-github-request-id"));
	ck_assert(!passes("x-ratelimit-"));
	ck_assert(!passes("set-cookie"));
	ck_assert(!passes("content-type"));
	ck_assert(!passes("content-length"));
	ck_assert(!passes("transfer-encoding"));
	ck_assert(!passes("connection"));
	ck_assert(!passes("location"));
	ck_assert(!passes("etags"));
	ck_assert(gha_header_passes("etag: x", 4));
}
END_TEST

START_TEST(test_etag)
{
	const char *e = "\"f75f43\"";

	ck_assert(gha_etag_matches("\"f75f43\"", e));
	ck_assert(gha_etag_matches("W/\"f75f43\"", e));
	ck_assert(gha_etag_matches("\"x\", W/\"f75f43\"", e));
	ck_assert(gha_etag_matches("*", e));
	ck_assert(gha_etag_matches("\"f75f43\"", "W/\"f75f43\""));
	ck_assert(!gha_etag_matches("\"f75f4\"", e));
	ck_assert(!gha_etag_matches("", e));
	ck_assert(!gha_etag_matches(NULL, e));
	ck_assert(!gha_etag_matches("\"f75f43\"", NULL));
	ck_assert(!gha_etag_matches(" , ,", e));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("github_actions_headers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_token);
	tcase_add_test(tc, test_passing);
	tcase_add_test(tc, test_etag);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
