/*
 * plugins/github-actions/loghost.c: a log download's redirect is followed
 * only to GitHub's log storage (https, the default patterns) or the API's
 * own host; look-alike names, userinfo tricks and downgrades are refused.
 */
#include <check.h>
#include <stdlib.h>

#include "../../plugins/github-actions/loghost.h"
#include "unit.h"

static const char *const pats[] = { "*.blob.core.windows.net", "*.actions.githubusercontent.com",
				    "logs.example.com", NULL };

static int ok(const char *url)
{
	return gha_log_host_ok(url, "api.github.com", pats);
}

START_TEST(test_allowed)
{
	/* The fixture's signed URL: encoded slashes in its query. */
	ck_assert(ok("https://productionresultssa7.blob.core.windows.net/actions-results/x/"
		     "job-logs.txt?rsct=text%2Fplain&se=2025-12-30T12%3A14%3A11Z&sig=abc"));
	ck_assert(ok("https://x.blob.core.windows.net"));
	ck_assert(ok("https://pipelinesghubeus21.actions.githubusercontent.com/Qm9/_apis/x?u=1"));
	ck_assert(ok("https://LOGS.example.com/a"));
	ck_assert(ok("https://api.github.com/x"));
	ck_assert(gha_log_host_ok("http://127.0.0.1:8080/blob", "127.0.0.1", pats));
}
END_TEST

START_TEST(test_refused)
{
	ck_assert(!ok("https://blob.core.windows.net/x"));           /* not below it */
	ck_assert(!ok("https://evil.com/.blob.core.windows.net"));
	ck_assert(!ok("https://x.blob.core.windows.net.evil.com/"));
	ck_assert(!ok("https://evilblob.core.windows.net/"));
	ck_assert(!ok("https://a.blob.core.windows.net@evil.com/"));
	ck_assert(!ok("http://x.blob.core.windows.net/"));           /* no downgrade */
	ck_assert(!ok("ftp://x.blob.core.windows.net/"));
	ck_assert(!ok("https://sub.logs.example.com/"));             /* exact name only */
	ck_assert(!ok("/relative/path"));
	ck_assert(!ok("https://x.blob.core.windows.net%2F@evil.com/"));
	ck_assert(!ok("https://x.blob.core.windows.net:99999/"));
	ck_assert(!ok(NULL));
	ck_assert(!gha_log_host_ok("https://x.blob.core.windows.net/", NULL, NULL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("github_actions_loghost");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_allowed);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
