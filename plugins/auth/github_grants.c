/*
 * The `github` provider's requests (spec platform-apis §1.9): the code
 * exchange at <instance>/login/oauth/access_token (client id and secret in
 * the form, as passport-oauth2 sends them), the profile from GET /user with
 * the token as a bearer, and the refresh: an OAuth-app token does not
 * expire, so the refresh cookie holds the token itself and a refresh only
 * re-validates it by fetching the profile again; a GitHub App's expiring
 * token is refreshed with its refresh_token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/stagehand.h>

#include "auth.h"

#define FORM_MAX 65536
#define USER_AGENT "User-Agent: Stagehand"

/* The reason of an unusable answer (status 0: not a JSON object); SH_EINVAL. */
static int answered(const char *url, long status, char *why, size_t whylen)
{
	if (status)
		snprintf(why, whylen, "%s answered %ld", url, status);
	else
		snprintf(why, whylen, "%s answered without a JSON object", url);
	return SH_EINVAL;
}

/* POSTs a grant (its form pairs so far) with the client's credentials;
 * the answer's tokens into s, or the reason in e. */
static int token_request(struct auth_provider *p, struct sh_buf *form, struct auth_session *s,
			 struct auth_err *e)
{
	const char *headers[] = { "Content-Type: application/x-www-form-urlencoded",
				  "Accept: application/json", USER_AGENT, NULL };
	struct sh_http_request rq = { .url = p->token_url, .headers = headers };
	struct sh_http_response resp = { 0 };
	char why[384];
	int rc = sh_buf_add_form(form, "client_id", p->client_id);

	rc = rc ? rc : sh_buf_add_form(form, "client_secret",
				       p->client_secret ? p->client_secret : "");
	if (rc != 0)
		return auth_err_set(e, 400, "InputError", "the token request is too large");
	rq.body = form->data;
	rq.body_len = form->len;
	if ((rc = sh_http_do(&rq, &resp)) != 0)
		snprintf(why, sizeof why, "%s: %s", p->token_url,
			 resp.error[0] ? resp.error : sh_strerror(rc));
	else if (resp.status >= 200 && resp.status <= 299)
		rc = auth_github_token_answer(resp.body, resp.body_len, s, why, sizeof why);
	else
		rc = answered(p->token_url, resp.status, why, sizeof why);
	sh_http_response_free(&resp);
	if (rc == 0)
		return 0;
	sh_log(SH_LOG_NOTICE, "auth: github token request failed: %s", why);
	return auth_err_set(e, 401, "AuthenticationError",
			    "Failed to obtain access token; caused by Error: %s", why);
}

/* GET /user with the token: s->userinfo, or the reason (*status: GitHub's answer). */
static int fetch_user(struct auth_provider *p, struct auth_session *s, long *status,
		      char *why, size_t whylen)
{
	char *bearer = sh_xasprintf("Authorization: Bearer %s", s->access_token);
	const char *headers[] = { bearer, "Accept: application/vnd.github+json", USER_AGENT, NULL };
	struct sh_http_request rq = { .url = p->userinfo_url, .headers = headers };
	struct sh_http_response resp = { 0 };
	int rc = sh_http_do(&rq, &resp);

	free(bearer);
	*status = resp.status;
	if (rc != 0)
		snprintf(why, whylen, "%s: %s", p->userinfo_url,
			 resp.error[0] ? resp.error : sh_strerror(rc));
	else if (resp.status != 200)
		rc = answered(p->userinfo_url, resp.status, why, whylen);
	else if (!(s->userinfo = resp.body ? json_loads(resp.body, 0, NULL) : NULL) ||
		 !json_is_object(s->userinfo))
		rc = answered(p->userinfo_url, 0, why, whylen);
	sh_http_response_free(&resp);
	return rc;
}

int auth_github_exchange(struct auth_provider *p, const char *code, const char *granted,
			 struct auth_session *s, struct auth_err *e)
{
	struct sh_buf form;
	char why[384];
	long status;
	int rc;

	memset(s, 0, sizeof *s);
	sh_buf_init(&form, FORM_MAX);
	rc = auth_code_grant_form(&form, p, code);
	rc = rc ? auth_err_set(e, 400, "InputError", "the authorization code is too large") :
		  token_request(p, &form, s, e);
	sh_buf_free(&form);
	if (rc != 0)
		return rc;
	if (fetch_user(p, s, &status, why, sizeof why) != 0)
		return auth_err_set(e, 401, "AuthenticationError",
				    "Failed to fetch user profile; caused by Error: %s", why);
	if (granted && *granted) {
		free(s->scope);
		s->scope = sh_xstrdup(granted);
	}
	if (!s->refresh_token && s->expires_in < 0)
		s->refresh_token = sh_xasprintf(AUTH_GITHUB_TOKEN_PREFIX "%s", s->access_token);
	s->rotated = true;
	return 0;
}

/* The refresh_token grant of a GitHub App's expiring token. */
static int refresh_grant(struct auth_provider *p, const char *value, struct auth_session *s,
			 struct auth_err *e)
{
	struct sh_buf form;
	int rc;

	sh_buf_init(&form, FORM_MAX);
	rc = sh_buf_add_form(&form, "grant_type", "refresh_token");
	rc = rc ? rc : sh_buf_add_form(&form, "refresh_token", value);
	rc = rc ? auth_err_set(e, 400, "InputError", "the refresh token is too large") :
		  token_request(p, &form, s, e);
	sh_buf_free(&form);
	if (rc != 0)
		return rc;
	s->rotated = s->refresh_token && strcmp(s->refresh_token, value) != 0;
	if (!s->refresh_token)
		s->refresh_token = sh_xstrdup(value);
	return 0;
}

int auth_github_refresh(struct auth_provider *p, const char *value, const char *scope,
			bool covered, struct auth_session *s, struct auth_err *e)
{
	const size_t plen = strlen(AUTH_GITHUB_TOKEN_PREFIX);
	char why[384];
	long status;

	memset(s, 0, sizeof *s);
	if (!strncmp(value, AUTH_GITHUB_TOKEN_PREFIX, plen)) {
		if (!covered)
			return auth_err_set(e, 401, "AuthenticationError", "Refresh failed; caused "
					    "by Error: the requested scope was not granted");
		s->access_token = sh_xstrdup(value + plen);
		s->refresh_token = sh_xstrdup(value);
		s->expires_in = -1;
	} else if (refresh_grant(p, value, s, e) != 0) {
		return SH_EINVAL;
	}
	if (fetch_user(p, s, &status, why, sizeof why) != 0)
		return auth_err_set(e, 401, "AuthenticationError", "Refresh failed; caused by "
				    "Error: %s", status == 401 ? "Invalid access token" : why);
	free(s->scope);
	s->scope = sh_xstrdup(scope);
	return 0;
}
