/*
 * The auth plugin's providers (plugins/auth/providers.c): the lookup the
 * /:provider/... routes make, the callback URL, cookie path and cookie
 * attributes derived from the issuer and base URL, and the allowed origins.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/auth.h"
#include "unit.h"

START_TEST(test_find)
{
	static struct auth a;

	a.providers[0].id = "openchoreo-auth";
	a.providers[1].id = "oidc";
	a.n_providers = 2;
	ck_assert_ptr_eq(auth_provider_find(&a, "oidc"), &a.providers[1]);
	ck_assert_ptr_eq(auth_provider_find(&a, "openchoreo-auth"), &a.providers[0]);
	ck_assert_ptr_null(auth_provider_find(&a, "guest"));
	ck_assert_ptr_null(auth_provider_find(&a, "OIDC"));
	ck_assert_ptr_null(auth_provider_find(&a, "oid"));
	ck_assert_ptr_null(auth_provider_find(&a, NULL));
	a.n_providers = 1;    /* configured ones only */
	ck_assert_ptr_null(auth_provider_find(&a, "oidc"));
}
END_TEST

static void free_urls(struct auth_provider *p)
{
	free(p->callback_url);
	free(p->cookie_path);
	free(p->app_origin);
}

START_TEST(test_urls_same_host)
{
	struct auth_provider p = { .id = "oidc" };

	ck_assert_int_eq(auth_provider_urls(&p, "https://portal.example/api/auth",
					    "https://Portal.example:443/"), 0);
	ck_assert_str_eq(p.callback_url, "https://portal.example/api/auth/oidc/handler/frame");
	ck_assert_str_eq(p.cookie_path, "/api/auth/oidc");
	ck_assert_str_eq(p.app_origin, "https://portal.example");
	ck_assert(p.secure);
	ck_assert_str_eq(p.same_site, "Lax");
	free_urls(&p);
}
END_TEST

/* Backend on another host over https: the popup's cookies are third-party. */
START_TEST(test_urls_cross_host)
{
	struct auth_provider p = { .id = "openchoreo-auth" };

	ck_assert_int_eq(auth_provider_urls(&p, "https://api.example:8443/base/api/auth",
					    "https://portal.example"), 0);
	ck_assert_str_eq(p.cookie_path, "/base/api/auth/openchoreo-auth");
	ck_assert_str_eq(p.same_site, "None");
	free_urls(&p);
	memset(&p, 0, sizeof p);
	p.id = "oidc";
	ck_assert_int_eq(auth_provider_urls(&p, "http://api.example/api/auth",
					    "http://portal.example"), 0);
	ck_assert(!p.secure);
	ck_assert_str_eq(p.same_site, "Lax");
	free_urls(&p);
}
END_TEST

START_TEST(test_urls_bad_base)
{
	struct auth_provider p = { .id = "oidc" };

	ck_assert_int_ne(auth_provider_urls(&p, "https://p/api/auth", "portal.example"), 0);
	free_urls(&p);
}
END_TEST

START_TEST(test_origins)
{
	const char *const extra[] = { "https://*.preview.example", "http://localhost:*" };
	struct auth_provider p = { .app_origin = "https://portal.example",
				   .extra_origins = extra, .n_extra_origins = 2 };

	ck_assert(auth_provider_origin_ok(&p, "https://portal.example"));
	ck_assert(auth_provider_origin_ok(&p, "https://pr-12.preview.example"));
	ck_assert(auth_provider_origin_ok(&p, "http://localhost:3000"));
	ck_assert(!auth_provider_origin_ok(&p, "https://evil.example"));
	ck_assert(auth_provider_url_ok(&p, "https://PORTAL.example:443/catalog?x=1"));
	ck_assert(auth_provider_url_ok(&p, "http://localhost:3000/cb"));
	ck_assert(!auth_provider_url_ok(&p, "https://portal.example.evil/"));
	ck_assert(!auth_provider_url_ok(&p, "javascript:alert(1)"));
	ck_assert(!auth_provider_url_ok(&p, NULL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_providers");
	TCase *tc = tcase_create("providers");

	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_urls_same_host);
	tcase_add_test(tc, test_urls_cross_host);
	tcase_add_test(tc, test_urls_bad_base);
	tcase_add_test(tc, test_origins);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
