/*
 * plugins/github-actions/errors.c: GitHub's error shape for the plugin's
 * own answers, and the clear message put into GitHub's 401 and rate-limit
 * answers (the fixtures' bodies), other members kept in order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/github-actions/errors.h"
#include "unit.h"

START_TEST(test_error)
{
	json_t *j = gha_error("Requires authentication");
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	ck_assert_str_eq(s, "{\"message\":\"Requires authentication\","
			    "\"documentation_url\":\"https://docs.github.com/rest\"}");
	free(s);
	json_decref(j);
}
END_TEST

START_TEST(test_401)
{
	const char *body = "{\"message\":\"Bad credentials\",\"documentation_url\":"
			   "\"https://docs.github.com/rest\",\"status\":\"401\"}";
	char *out = gha_clear_body(401, body, strlen(body), "59", "1767099600");

	ck_assert_str_eq(out, "{\"message\":\"GitHub rejected the token (Bad credentials): sign in "
			      "to GitHub again\",\"documentation_url\":\"https://docs.github.com/rest\","
			      "\"status\":\"401\"}");
	free(out);
	out = gha_clear_body(401, "<html>", 6, NULL, NULL);
	ck_assert_str_eq(out, "{\"documentation_url\":\"https://docs.github.com/rest\",\"message\":"
			      "\"GitHub rejected the token (Bad credentials): sign in to GitHub again\"}");
	free(out);
}
END_TEST

START_TEST(test_rate_limited)
{
	const char *body = "{\"message\":\"API rate limit exceeded for user ID 5012344.\","
			   "\"status\":\"403\"}";
	char *out = gha_clear_body(403, body, strlen(body), "0", "1767099600");

	ck_assert_str_eq(out, "{\"message\":\"GitHub API rate limit exceeded for this token; it "
			      "resets at 2025-12-30T13:00:00Z (API rate limit exceeded for user ID "
			      "5012344.)\",\"status\":\"403\"}");
	free(out);
	out = gha_clear_body(429, body, strlen(body), "0", "soon");
	ck_assert_ptr_nonnull(strstr(out, "it resets at the next reset ("));
	free(out);
}
END_TEST

START_TEST(test_untouched)
{
	const char *body = "{\"message\":\"Not Found\"}";

	ck_assert_ptr_null(gha_clear_body(404, body, strlen(body), "4971", "1767099600"));
	/* A 403 with requests left is a permission answer, not the limit. */
	ck_assert_ptr_null(gha_clear_body(403, body, strlen(body), "12", "1767099600"));
	ck_assert_ptr_null(gha_clear_body(403, body, strlen(body), NULL, NULL));
	ck_assert_ptr_null(gha_clear_body(200, body, strlen(body), "0", NULL));
}
END_TEST

START_TEST(test_log_cut)
{
	ck_assert_str_eq(gha_log_cut_note(SH_ETOOBIG), "\n##[error]stagehand: the log download was "
			 "cut short (the log is larger than max_log)\n");
	ck_assert_ptr_nonnull(strstr(gha_log_cut_note(SH_ETIMEDOUT), "(it took longer than log_timeout)"));
	ck_assert_ptr_nonnull(strstr(gha_log_cut_note(SH_EIO), "(the connection to GitHub's log "
						  "storage was lost)"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("github_actions_errors");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_error);
	tcase_add_test(tc, test_401);
	tcase_add_test(tc, test_rate_limited);
	tcase_add_test(tc, test_untouched);
	tcase_add_test(tc, test_log_cut);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
