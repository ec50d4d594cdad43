/*
 * The OAuth state parameter of the auth plugin (plugins/auth/state.c):
 * Backstage's hex-of-form-urlencoded state, its round trip, decoding what
 * Node would have written, the decoding errors, the size cap and the flow.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/auth/oauth.h"
#include "unit.h"

static char *hex_of(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char)s[i]);
	out[2 * n] = '\0';
	return out;
}

START_TEST(test_encode_exact)
{
	struct auth_state st = { .nonce = "ab+/=", .env = "development",
				 .origin = "https://x.example", .flow = "popup" };
	char *got = auth_state_encode(&st);
	char *want = hex_of("nonce=ab%2B%2F%3D&env=development&origin=https%3A%2F%2Fx.example"
			    "&flow=popup");

	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

START_TEST(test_round_trip)
{
	struct auth_state st = { .nonce = "n0==", .env = "development",
				 .origin = "https://portal.example:8443",
				 .redirect_url = "https://portal.example/a b?x=1&y=\xc3\xa9",
				 .flow = "redirect", .scope = "openid email" };
	struct auth_state out;
	char why[128], *scope_hex, *hex = auth_state_encode(&st);

	ck_assert_int_eq(auth_state_decode(hex, &out, why, sizeof why), 0);
	ck_assert_str_eq(out.nonce, st.nonce);
	ck_assert_str_eq(out.env, st.env);
	ck_assert_str_eq(out.origin, st.origin);
	ck_assert_str_eq(out.redirect_url, st.redirect_url);
	ck_assert_str_eq(out.flow, st.flow);
	ck_assert_str_eq(out.scope, st.scope);
	scope_hex = hex_of("scope=openid+email");
	ck_assert_ptr_nonnull(strstr(hex, scope_hex));
	free(scope_hex);
	auth_state_clear(&out);
	ck_assert_ptr_null(out.nonce);
	free(hex);
}
END_TEST

/* What Node's URLSearchParams would have made, keys in another order and unknown keys. */
START_TEST(test_decode_foreign)
{
	struct auth_state out;
	char why[128], *hex = hex_of("env=development&other=1&nonce=a%20b+c&origin=");

	ck_assert_int_eq(auth_state_decode(hex, &out, why, sizeof why), 0);
	ck_assert_str_eq(out.nonce, "a b c");
	ck_assert_str_eq(out.env, "development");
	ck_assert_str_eq(out.origin, "");
	ck_assert_ptr_null(out.flow);
	auth_state_clear(&out);
	free(hex);
}
END_TEST

static void bad(const char *hex, const char *msg)
{
	struct auth_state out;
	char why[128] = "";

	ck_assert_int_eq(auth_state_decode(hex, &out, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, msg);
	auth_state_clear(&out);
}

START_TEST(test_decode_errors)
{
	char *h;

	bad(NULL, "OAuth state is invalid");
	bad("abc", "OAuth state is invalid");
	bad("zz", "OAuth state is invalid");
	bad("6e00", "OAuth state is invalid");          /* a NUL byte */
	bad((h = hex_of("env=development")), "OAuth state is invalid, missing nonce");
	free(h);
	bad((h = hex_of("nonce=x")), "OAuth state is invalid, missing env");
	free(h);
	bad((h = hex_of("nonce=&env=development")), "OAuth state is invalid, missing nonce");
	free(h);
	bad((h = hex_of("nonce=%zz&env=development")), "OAuth state is invalid");
	free(h);
	bad((h = hex_of("nonce=%00&env=development")), "OAuth state is invalid");
	free(h);
	bad("4G", "OAuth state is invalid");               /* not hex */
	bad("", "OAuth state is invalid, missing env");
}
END_TEST

/* A state whose text would not fit STATE_MAX hex characters is refused. */
START_TEST(test_encode_cap)
{
	char *big = malloc(5000), *hex;
	struct auth_state st = { .nonce = "n", .env = "development", .redirect_url = big };

	memset(big, 'a', 4999);
	big[4999] = '\0';
	ck_assert_ptr_null(auth_state_encode(&st));
	big[3000] = '\0';
	hex = auth_state_encode(&st);
	ck_assert_ptr_nonnull(hex);
	free(hex);
	free(big);
}
END_TEST

START_TEST(test_is_redirect)
{
	struct auth_state st = { .flow = "redirect" };

	ck_assert(auth_state_is_redirect(&st));
	st.flow = "popup";
	ck_assert(!auth_state_is_redirect(&st));
	st.flow = NULL;
	ck_assert(!auth_state_is_redirect(&st));
	ck_assert(!auth_state_is_redirect(NULL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_state");
	TCase *tc = tcase_create("state");

	tcase_add_test(tc, test_encode_exact);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_decode_foreign);
	tcase_add_test(tc, test_decode_errors);
	tcase_add_test(tc, test_encode_cap);
	tcase_add_test(tc, test_is_redirect);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
