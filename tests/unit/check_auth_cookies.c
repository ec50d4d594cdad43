/*
 * Cookies of the OAuth flow (plugins/auth/cookies.c): the exact Set-Cookie
 * text, deletion, chunking past 4000 characters and re-joining with
 * URL-decoding.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/oauth.h"
#include "unit.h"

#define NOW 1700000000   /* Tue, 14 Nov 2023 22:13:20 GMT */

START_TEST(test_one)
{
	struct auth_cookie_attrs a = { .path = "/api/auth/p/handler", .max_age = 600,
				       .secure = true, .same_site = "Lax" };
	char *out[2];

	ck_assert_int_eq(auth_cookie_build("p-nonce", "a+b/c=", &a, NOW, out, 2), 1);
	ck_assert_str_eq(out[0], "p-nonce=a%2Bb%2Fc%3D; Max-Age=600; Path=/api/auth/p/handler; "
			 "Expires=Tue, 14 Nov 2023 22:23:20 GMT; HttpOnly; Secure; SameSite=Lax");
	free(out[0]);
	a.secure = false;
	a.same_site = "None";
	ck_assert_int_eq(auth_cookie_build("p-x", "v", &a, NOW, out, 2), 1);
	ck_assert_str_eq(out[0], "p-x=v; Max-Age=600; Path=/api/auth/p/handler; "
			 "Expires=Tue, 14 Nov 2023 22:23:20 GMT; HttpOnly; SameSite=None");
	free(out[0]);
}
END_TEST

START_TEST(test_delete)
{
	struct auth_cookie_attrs a = { .path = "/api/auth/p", .max_age = 0, .secure = true,
				       .same_site = "Lax" };
	char *out[1];

	ck_assert_int_eq(auth_cookie_build("p-refresh-token", "", &a, NOW, out, 1), 1);
	ck_assert_str_eq(out[0], "p-refresh-token=; Max-Age=0; Path=/api/auth/p; "
			 "Expires=Tue, 14 Nov 2023 22:13:20 GMT; HttpOnly; Secure; SameSite=Lax");
	free(out[0]);
}
END_TEST

/* The value of "name=value; ..." */
static char *value_of(const char *cookie, const char *name)
{
	size_t n = strlen(name);

	ck_assert(!strncmp(cookie, name, n) && cookie[n] == '=');
	return strndup(cookie + n + 1, strcspn(cookie + n + 1, ";"));
}

START_TEST(test_chunks)
{
	struct auth_cookie_attrs a = { .path = "/", .max_age = 60, .same_site = "Lax" };
	size_t len = 2 * AUTH_COOKIE_CHUNK + 1000;
	char *value = malloc(len + 1), *out[4], *vals[3], *joined;

	for (size_t i = 0; i < len; i++)
		value[i] = "ab+/="[i % 5];
	value[len] = '\0';
	ck_assert_int_eq(auth_cookie_build("p-refresh-token", value, &a, NOW, out, 2), -1);
	ck_assert_int_eq(auth_cookie_build("p-refresh-token", value, &a, NOW, out, 4), 3);
	vals[0] = value_of(out[0], "p-refresh-token-0");
	vals[1] = value_of(out[1], "p-refresh-token-1");
	vals[2] = value_of(out[2], "p-refresh-token-2");
	joined = auth_cookie_join(NULL, (const char *const *)vals, 3);
	ck_assert_str_eq(joined, value);
	free(joined);
	for (int i = 0; i < 3; i++) {
		free(vals[i]);
		free(out[i]);
	}
	/* exactly the limit is one cookie */
	value[AUTH_COOKIE_CHUNK] = '\0';
	ck_assert_int_eq(auth_cookie_build("p-r", value, &a, NOW, out, 4), 1);
	ck_assert(!strncmp(out[0], "p-r=", 4));
	free(out[0]);
	free(value);
}
END_TEST

START_TEST(test_join)
{
	const char *chunks[] = { "ab%2B", "cd" };
	char *a = auth_cookie_join("a%2Bb+c", NULL, 0), *b = auth_cookie_join(NULL, chunks, 2);

	ck_assert_str_eq(a, "a+b+c");
	ck_assert_str_eq(b, "ab+cd");
	ck_assert_ptr_null(auth_cookie_join(NULL, NULL, 0));
	ck_assert_ptr_null(auth_cookie_join("bad%zz", NULL, 0));
	free(a);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_cookies");
	TCase *tc = tcase_create("cookies");

	tcase_add_test(tc, test_one);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_chunks);
	tcase_add_test(tc, test_join);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
