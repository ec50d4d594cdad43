/*
 * The outcome of a sign-in or a refresh (spec platform-apis §1.5): the
 * provider's session (tokens, claims) becomes a profile, a resolved user,
 * stored user info and a Backstage token, answered as the session JSON with
 * providerInfo; plus the cookies that carry the session on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/stagehand.h>

#include "flow.h"

int auth_err_set(struct auth_err *e, int status, const char *name, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->name = name;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return SH_EINVAL;
}

void auth_session_clear(struct auth_session *s)
{
	free(s->access_token);
	free(s->id_token);
	free(s->refresh_token);
	free(s->scope);
	json_decref(s->claims);
	json_decref(s->userinfo);
	memset(s, 0, sizeof *s);
}

/* providerInfo: the IdP's tokens as the frontend's OAuth API reads them. */
static json_t *provider_info(const struct auth_provider *p, const struct auth_session *s)
{
	json_t *info = json_pack("{s:s, s:s}", "accessToken", s->access_token, "scope",
				 s->scope ? s->scope : p->scope ? p->scope : AUTH_DEFAULT_SCOPE);

	if (s->id_token)
		json_object_set_new(info, "idToken", json_string(s->id_token));
	if (s->expires_in >= 0)
		json_object_set_new(info, "expiresInSeconds", json_integer(s->expires_in));
	return info;
}

int auth_session_identity(struct sh_req *req, struct auth *a, const char *sub, json_t *ent,
			  json_t **out)
{
	long long iat, exp;
	char *token;

	*out = NULL;
	if (auth_db_user_info_store(req, sub, ent) != 0) {
		json_decref(ent);
		return SH_EDB;
	}
	if (!(token = auth_issue_token(a, sub, ent, &iat, &exp))) {
		json_decref(ent);
		return SH_EINVAL;
	}
	*out = json_pack("{s:s, s:I, s:{s:s, s:s, s:o}}", "token", token, "expiresInSeconds",
			 (json_int_t)(exp - iat), "identity", "type", "user", "userEntityRef", sub,
			 "ownershipEntityRefs", ent);
	free(token);
	return 0;
}

json_t *auth_session_json(struct sh_req *req, struct auth_provider *p,
			  const struct auth_session *s, struct auth_err *e)
{
	json_t *profile = auth_profile(p, s), *ent = NULL, *id;
	char *sub = NULL;
	int rc;

	if (p->resolver == AUTH_RESOLVE_NONE)   /* access delegation only (github's default) */
		return json_pack("{s:o, s:o}", "profile", profile, "providerInfo",
				 provider_info(p, s));
	if (auth_resolve(req, p, s, profile, &sub, &ent, e) != 0) {
		json_decref(profile);
		return NULL;
	}
	rc = auth_session_identity(req, p->auth, sub, ent, &id);
	free(sub);
	if (rc != 0) {
		auth_err_set(e, 500, "Error", "could not issue the identity token");
		json_decref(profile);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:o}", "profile", profile, "providerInfo",
			 provider_info(p, s), "backstageIdentity", id);
}

void auth_session_cookies(struct sh_req *req, const struct auth_provider *p,
			  const struct auth_session *s)
{
	if (s->refresh_token && s->rotated)
		auth_flow_cookie_set(req, p, "refresh-token", s->refresh_token, p->cookie_path,
				     p->session_max_age);
	if (auth_provider_persists_scope(p) && s->scope)
		auth_flow_cookie_set(req, p, "granted-scope", s->scope, p->cookie_path,
				     p->session_max_age);
}
