/*
 * What the auth plugin's start route sends the browser to
 * (plugins/auth/authorize.c): the union of scopes, the PKCE S256 challenge
 * (RFC 7636's own example) and the IdP authorize URL of each provider kind.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/oauth.h"
#include "unit.h"

START_TEST(test_scope_union)
{
	const char *lists[] = { "openid profile email", NULL, "email,groups  offline_access",
				"profile groups x" };
	char *got = auth_scope_union(lists, 4), *empty;

	ck_assert_str_eq(got, "openid profile email groups offline_access x");
	free(got);
	empty = auth_scope_union(lists + 1, 1);
	ck_assert_str_eq(empty, "");
	free(empty);
}
END_TEST

/* A word that is a prefix of another is still its own word. */
START_TEST(test_scope_prefix)
{
	const char *lists[] = { "openid-extra", "openid", "open" };
	char *got = auth_scope_union(lists, 3);

	ck_assert_str_eq(got, "openid-extra openid open");
	free(got);
}
END_TEST

START_TEST(test_pkce)
{
	char c[AUTH_PKCE_CHALLENGE_LEN];

	ck_assert_int_eq(auth_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", c), 0);
	ck_assert_str_eq(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}
END_TEST

START_TEST(test_url_openchoreo)
{
	struct auth_provider p = { .kind = AUTH_KIND_OPENCHOREO, .client_id = "portal app",
				   .authorize_url = "https://idp.example/oauth2/authorize",
				   .callback_url = "https://portal.example/api/auth/"
						   "openchoreo-auth/handler/frame" };
	char *url = auth_authorize_url(&p, "openid email", "6e3d", NULL, NULL);

	ck_assert_str_eq(url, "https://idp.example/oauth2/authorize?response_type=code"
			 "&redirect_uri=https%3A%2F%2Fportal.example%2Fapi%2Fauth%2F"
			 "openchoreo-auth%2Fhandler%2Fframe&scope=openid+email&state=6e3d"
			 "&client_id=portal+app");
	free(url);
}
END_TEST

START_TEST(test_url_oidc)
{
	struct auth_provider p = { .kind = AUTH_KIND_OIDC, .client_id = "c",
				   .authorize_url = "https://idp.example/authorize?tenant=t",
				   .callback_url = "https://p/cb", .prompt = "auto" };
	char *url = auth_authorize_url(&p, "openid", "00", "ch-_", "n+/=");

	ck_assert_str_eq(url, "https://idp.example/authorize?tenant=t&response_type=code"
			 "&redirect_uri=https%3A%2F%2Fp%2Fcb&scope=openid&state=00&client_id=c"
			 "&code_challenge=ch-_&code_challenge_method=S256&nonce=n%2B%2F%3D");
	free(url);
	p.prompt = "login consent";
	url = auth_authorize_url(&p, "openid", "00", "ch", "n");
	ck_assert_ptr_nonnull(strstr(url, "&nonce=n&prompt=login+consent"));
	free(url);
}
END_TEST

/* Over the URL cap: NULL, not a truncated URL. */
START_TEST(test_url_cap)
{
	struct auth_provider p = { .kind = AUTH_KIND_OPENCHOREO, .client_id = "c",
				   .authorize_url = "https://idp/a", .callback_url = "https://p/cb" };
	char *scope = malloc(20000);

	memset(scope, '/', 19999);
	scope[19999] = '\0';
	ck_assert_ptr_null(auth_authorize_url(&p, scope, "00", NULL, NULL));
	free(scope);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_authorize");
	TCase *tc = tcase_create("authorize");

	tcase_add_test(tc, test_scope_union);
	tcase_add_test(tc, test_scope_prefix);
	tcase_add_test(tc, test_pkce);
	tcase_add_test(tc, test_url_openchoreo);
	tcase_add_test(tc, test_url_oidc);
	tcase_add_test(tc, test_url_cap);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
