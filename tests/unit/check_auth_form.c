/*
 * Reading form text in the auth plugin (plugins/auth/form.c): stepping
 * through pairs, and the decoded value of one key as the OAuth callback's
 * form_post body gives it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/oauth.h"
#include "unit.h"

START_TEST(test_next)
{
	const char *cur = "&a=1&&b&c=x=y&", *k, *v;
	size_t kl, vl;

	ck_assert(auth_form_next(&cur, &k, &kl, &v, &vl));
	ck_assert(kl == 1 && !memcmp(k, "a", 1) && vl == 1 && !memcmp(v, "1", 1));
	ck_assert(auth_form_next(&cur, &k, &kl, &v, &vl));
	ck_assert(kl == 1 && !memcmp(k, "b", 1) && vl == 0);
	ck_assert(auth_form_next(&cur, &k, &kl, &v, &vl));
	ck_assert(kl == 1 && !memcmp(k, "c", 1) && vl == 3 && !memcmp(v, "x=y", 3));
	ck_assert(!auth_form_next(&cur, &k, &kl, &v, &vl));
	cur = "";
	ck_assert(!auth_form_next(&cur, &k, &kl, &v, &vl));
}
END_TEST

static void expect(const char *form, const char *key, const char *want)
{
	char *got = auth_form_get(form, strlen(form), key);

	if (want)
		ck_assert_str_eq(got, want);
	else
		ck_assert_ptr_null(got);
	free(got);
}

START_TEST(test_get)
{
	expect("code=a%2Fb+c&state=00", "code", "a/b c");
	expect("code=a%2Fb+c&state=00", "state", "00");
	expect("code=1&code=2", "code", "1");              /* the first wins */
	expect("state=x", "code", NULL);
	expect("code&state=x", "code", NULL);              /* bare key: absent */
	expect("code=&state=x", "code", "");
	expect("code=%zz", "code", NULL);                  /* bad escape */
	expect("code=%00", "code", NULL);                  /* encoded NUL */
	expect("xcode=1&cod=2", "code", NULL);
}
END_TEST

/* The length bounds the text: a body need not be NUL-terminated. */
START_TEST(test_len)
{
	const char body[] = "code=abcdef&state=1";

	char *got = auth_form_get(body, 8, "code");

	ck_assert_str_eq(got, "abc");
	free(got);
	ck_assert_ptr_null(auth_form_get(body, 8, "state"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_form");
	TCase *tc = tcase_create("form");

	tcase_add_test(tc, test_next);
	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_len);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
