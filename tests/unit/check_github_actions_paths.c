/*
 * plugins/github-actions/paths.c: owner/repo names and ids before they go
 * into an upstream URL (a hostile name never does), and the query keys a
 * route passes on, encoded, in the route's order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/buf.h>

#include "../../plugins/github-actions/paths.h"
#include "unit.h"

START_TEST(test_names)
{
	ck_assert(gha_name_ok("oracle-org"));
	ck_assert(gha_name_ok("checkout_service.v2"));
	ck_assert(!gha_name_ok(""));
	ck_assert(!gha_name_ok(NULL));
	ck_assert(!gha_name_ok("."));
	ck_assert(!gha_name_ok(".."));
	ck_assert(!gha_name_ok("a/b"));
	ck_assert(!gha_name_ok("a%2Fb"));
	ck_assert(!gha_name_ok("a b"));
	ck_assert(!gha_name_ok("a?b"));
	ck_assert(!gha_name_ok("caf\xc3\xa9"));
	char long_name[GHA_NAME_MAX + 2];
	memset(long_name, 'a', sizeof long_name);
	long_name[GHA_NAME_MAX] = '\0';
	ck_assert(gha_name_ok(long_name));
	long_name[GHA_NAME_MAX] = 'a';
	long_name[GHA_NAME_MAX + 1] = '\0';
	ck_assert(!gha_name_ok(long_name));
}
END_TEST

START_TEST(test_ids)
{
	ck_assert(gha_id_ok("20512340106"));
	ck_assert(!gha_id_ok(""));
	ck_assert(!gha_id_ok("12a"));
	ck_assert(!gha_id_ok("-1"));
	ck_assert(!gha_id_ok("123456789012345678901"));
	ck_assert(gha_workflow_ok("61234567"));
	ck_assert(gha_workflow_ok("ci.yml"));
	ck_assert(!gha_workflow_ok("../ci.yml"));
}
END_TEST

static const char *lookup(void *ctx, const char *key)
{
	const char *const *kv = ctx;

	for (; kv[0]; kv += 2)
		if (strcmp(kv[0], key) == 0)
			return kv[1];
	return NULL;
}

START_TEST(test_query)
{
	const char *given[] = { "page", "0", "junk", "x", "branch", "feature/a b&c=d",
				"per_page", "6", NULL };
	const char *keys[] = { "branch", "per_page", "page", NULL };
	struct sh_buf b;

	sh_buf_init(&b, 1024);
	ck_assert_int_eq(gha_query(&b, lookup, (void *)given, keys), 0);
	ck_assert_str_eq(sh_buf_str(&b), "branch=feature%2Fa+b%26c%3Dd&per_page=6&page=0");
	sh_buf_free(&b);
	sh_buf_init(&b, 16);
	ck_assert_int_eq(gha_query(&b, lookup, (void *)given, keys), SH_ETOOBIG);
	sh_buf_free(&b);
}
END_TEST

static void base_is(const char *url, const char *host, const char *want)
{
	char *got = gha_api_base(url, host);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_api_base)
{
	base_is(NULL, NULL, "https://api.github.com");
	base_is("", "github.com", "https://api.github.com");
	base_is(NULL, "GitHub.com", "https://api.github.com");
	base_is(NULL, "ghe.example.com", "https://ghe.example.com/api/v3");
	base_is("https://ghe.example.com/api/v3/", "ghe.example.com", "https://ghe.example.com/api/v3");
	base_is("http://127.0.0.1:9999//", "github.com", "http://127.0.0.1:9999");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("github_actions_paths");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_ids);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_api_base);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
