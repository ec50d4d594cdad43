/*
 * The github provider's domain (plugins/auth/github.c): github.com's and a
 * GitHub Enterprise Server's endpoints, the token endpoint's answers (JSON,
 * form, and the errors GitHub sends with status 200, as recorded in
 * shared/fixtures/upstream/github), the profile from GET /user, the
 * authorize URL's extras (authorize.c) and the scope check of a refresh.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/auth/auth.h"
#include "unit.h"

static void free_endpoints(struct auth_provider *p)
{
	free(p->authorize_url);
	free(p->token_url);
	free(p->userinfo_url);
	memset(p, 0, sizeof *p);
}

START_TEST(test_endpoints_github_com)
{
	static const char *const public_ones[] = { NULL, "", "github.com", "GitHub.com" };
	struct auth_provider p = { 0 };

	for (size_t i = 0; i < sizeof public_ones / sizeof public_ones[0]; i++) {
		ck_assert_int_eq(auth_github_endpoints(&p, public_ones[i]), 0);
		ck_assert_str_eq(p.authorize_url, "https://github.com/login/oauth/authorize");
		ck_assert_str_eq(p.token_url, "https://github.com/login/oauth/access_token");
		ck_assert_str_eq(p.userinfo_url, "https://api.github.com/user");
		free_endpoints(&p);
	}
}
END_TEST

START_TEST(test_endpoints_enterprise)
{
	struct auth_provider p = { 0 };

	ck_assert_int_eq(auth_github_endpoints(&p, "https://ghe.example.com/"), 0);
	ck_assert_str_eq(p.authorize_url, "https://ghe.example.com/login/oauth/authorize");
	ck_assert_str_eq(p.token_url, "https://ghe.example.com/login/oauth/access_token");
	ck_assert_str_eq(p.userinfo_url, "https://ghe.example.com/api/v3/user");
	free_endpoints(&p);
	/* GITHUB_HOST gives a bare host name */
	ck_assert_int_eq(auth_github_endpoints(&p, "ghe.example.com:8443"), 0);
	ck_assert_str_eq(p.userinfo_url, "https://ghe.example.com:8443/api/v3/user");
	free_endpoints(&p);
	ck_assert_int_eq(auth_github_endpoints(&p, "http://127.0.0.1:4000"), 0);
	ck_assert_str_eq(p.token_url, "http://127.0.0.1:4000/login/oauth/access_token");
	free_endpoints(&p);
	ck_assert_int_eq(auth_github_endpoints(&p, "ftp://ghe.example.com"), SH_EINVAL);
	ck_assert_ptr_null(p.authorize_url);
}
END_TEST

static int answer(const char *body, struct auth_session *s, char *why)
{
	memset(s, 0, sizeof *s);
	why[0] = '\0';
	return auth_github_token_answer(body, body ? strlen(body) : 0, s, why, 256);
}

static void clear(struct auth_session *s)
{
	free(s->access_token);
	free(s->scope);
	free(s->refresh_token);
	memset(s, 0, sizeof *s);
}

START_TEST(test_token_json)
{
	struct auth_session s;
	char why[256];

	ck_assert_int_eq(answer("{\"access_token\":\"gho_fixture-placeholder-not-a-token\","
				"\"token_type\":\"bearer\",\"scope\":\"read:user,repo\"}", &s, why),
			 0);
	ck_assert_str_eq(s.access_token, "gho_fixture-placeholder-not-a-token");
	ck_assert_str_eq(s.scope, "read:user,repo");
	ck_assert_ptr_null(s.refresh_token);
	ck_assert_int_eq(s.expires_in, -1);    /* OAuth-app tokens do not expire */
	clear(&s);
	/* a GitHub App's expiring token */
	ck_assert_int_eq(answer("{\"access_token\":\"ghu_a\",\"expires_in\":28800,"
				"\"refresh_token\":\"ghr_b\",\"scope\":\"\"}", &s, why), 0);
	ck_assert_int_eq(s.expires_in, 28800);
	ck_assert_str_eq(s.refresh_token, "ghr_b");
	ck_assert_ptr_null(s.scope);
	clear(&s);
}
END_TEST

START_TEST(test_token_form)
{
	struct auth_session s;
	char why[256];

	ck_assert_int_eq(answer("access_token=gho_fixture-placeholder-not-a-token&scope=read%3Auser"
				"%2Crepo&token_type=bearer", &s, why), 0);
	ck_assert_str_eq(s.access_token, "gho_fixture-placeholder-not-a-token");
	ck_assert_str_eq(s.scope, "read:user,repo");
	ck_assert_int_eq(s.expires_in, -1);
	clear(&s);
	ck_assert_int_eq(answer("access_token=ghu_x&expires_in=28800&refresh_token=ghr_y", &s,
				why), 0);
	ck_assert_int_eq(s.expires_in, 28800);
	ck_assert_str_eq(s.refresh_token, "ghr_y");
	clear(&s);
}
END_TEST

START_TEST(test_token_errors)
{
	struct auth_session s;
	char why[256];

	ck_assert_int_eq(answer("{\"error\":\"bad_verification_code\",\"error_description\":"
				"\"The code passed is incorrect or expired.\",\"error_uri\":"
				"\"https://docs.github.com/x\"}", &s, why), SH_EINVAL);
	ck_assert_str_eq(why, "bad_verification_code, The code passed is incorrect or expired.");
	ck_assert_ptr_null(s.access_token);
	ck_assert_int_eq(answer("error=incorrect_client_credentials&error_description=The+"
				"client_id+and%2For+client_secret+passed+are+incorrect.", &s, why),
			 SH_EINVAL);
	ck_assert_str_eq(why, "incorrect_client_credentials, The client_id and/or client_secret "
			 "passed are incorrect.");
	ck_assert_int_eq(answer("{\"token_type\":\"bearer\"}", &s, why), SH_EINVAL);
	ck_assert_str_eq(why, "no access_token in the answer");
	ck_assert_int_eq(answer("", &s, why), SH_EINVAL);
	ck_assert_int_eq(answer(NULL, &s, why), SH_EINVAL);
	ck_assert_int_eq(answer("{\"access_token\":\"\"}", &s, why), SH_EINVAL);
}
END_TEST

START_TEST(test_profile)
{
	json_t *user = json_loads("{\"login\":\"dave-d\",\"id\":5012344,\"avatar_url\":"
				  "\"https://avatars.githubusercontent.com/u/5012344?v=4\","
				  "\"name\":\"Dave Diaz\",\"email\":\"dave@example.com\"}", 0, NULL);
	json_t *prof = auth_github_profile(user), *want;
	char *text = json_dumps(prof, JSON_COMPACT);

	ck_assert_str_eq(text, "{\"email\":\"dave@example.com\",\"picture\":"
			 "\"https://avatars.githubusercontent.com/u/5012344?v=4\","
			 "\"displayName\":\"Dave Diaz\"}");
	free(text);
	json_decref(prof);
	/* no public name or email: the login names the user */
	json_object_set_new(user, "name", json_null());
	json_object_set_new(user, "email", json_string(""));
	json_object_del(user, "avatar_url");
	prof = auth_github_profile(user);
	want = json_pack("{s:s}", "displayName", "dave-d");
	ck_assert(json_equal(prof, want));
	json_decref(prof);
	json_decref(want);
	json_object_del(user, "login");
	prof = auth_github_profile(user);
	ck_assert_str_eq(json_string_value(json_object_get(prof, "displayName")), "5012344");
	json_decref(prof);
	json_decref(user);
	prof = auth_github_profile(NULL);
	ck_assert_int_eq(json_object_size(prof), 0);
	json_decref(prof);
}
END_TEST

/* The start's redirect: Backstage's github authenticator adds
 * access_type=offline&prompt=consent (the recorded oauth-authorize query). */
START_TEST(test_authorize_url)
{
	struct auth_provider p = { .kind = AUTH_KIND_GITHUB, .client_id = "gh-client",
				   .callback_url = "https://portal.example/api/auth/github/handler/frame",
				   .authorize_url = "https://github.com/login/oauth/authorize" };
	char *url = auth_authorize_url(&p, "read:user repo", "6e6f6e6365", NULL, NULL);

	ck_assert_str_eq(url, "https://github.com/login/oauth/authorize?response_type=code"
			 "&redirect_uri=https%3A%2F%2Fportal.example%2Fapi%2Fauth%2Fgithub%2Fhandler"
			 "%2Fframe&scope=read%3Auser+repo&state=6e6f6e6365&client_id=gh-client"
			 "&access_type=offline&prompt=consent");
	free(url);
	p.kind = AUTH_KIND_OPENCHOREO;    /* the others do not */
	url = auth_authorize_url(&p, "openid", "00", NULL, NULL);
	ck_assert_ptr_null(strstr(url, "access_type"));
	free(url);
}
END_TEST

START_TEST(test_scope_covers)
{
	ck_assert(auth_scope_covers("read:user repo", "repo"));
	ck_assert(auth_scope_covers("read:user repo", "repo read:user"));
	ck_assert(auth_scope_covers("read:user,repo", "repo"));
	ck_assert(auth_scope_covers("read:user repo", NULL));
	ck_assert(auth_scope_covers("read:user repo", ""));
	ck_assert(auth_scope_covers(NULL, NULL));
	ck_assert(!auth_scope_covers("read:user", "repo"));
	ck_assert(!auth_scope_covers("read:user repo", "repo workflow"));
	ck_assert(!auth_scope_covers("read:user repository", "repo"));
	ck_assert(!auth_scope_covers(NULL, "repo"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth_github");
	TCase *tc = tcase_create("github");

	tcase_add_test(tc, test_endpoints_github_com);
	tcase_add_test(tc, test_endpoints_enterprise);
	tcase_add_test(tc, test_token_json);
	tcase_add_test(tc, test_token_form);
	tcase_add_test(tc, test_token_errors);
	tcase_add_test(tc, test_profile);
	tcase_add_test(tc, test_authorize_url);
	tcase_add_test(tc, test_scope_covers);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
