/*
 * Profiles and sign-in resolvers (spec platform-apis §1.5, 1.8, 1.9):
 * OpenChoreo's (email as the user name, groups from the token claims, no
 * catalog lookup) and the catalog ones, emailMatchingUserEntityProfileEmail
 * (through catalog.user_by_email_v1) and emailLocalPartMatchingUserEntityName
 * (through catalog.entity_by_ref_v1; the SQL is in db_users.c), and
 * github's usernameMatchingUserEntityName and userIdMatchingUserEntityAnnotation
 * (catalog.entities_by_annotation_v1).  Catalog ownership is the user plus
 * every memberOf relation to a group.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "auth.h"
#include "oauth.h"

#define NOT_RESOLVED "Failed to sign-in, unable to resolve user identity. Please verify that " \
	"your catalog contains the expected User entities that would match your configured " \
	"sign-in resolver."

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

static char *lower(char *s)
{
	for (char *q = s; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return s;
}

/* oidc: from userinfo (else the id_token), email only when verified. */
static json_t *profile_oidc(const json_t *src)
{
	json_t *prof = json_object();
	const char *name = str(src, "name"), *picture = str(src, "picture");

	if (json_is_true(json_object_get(src, "email_verified")) && str(src, "email"))
		json_object_set_new(prof, "email", json_string(str(src, "email")));
	if (name)
		json_object_set_new(prof, "displayName", json_string(name));
	if (picture)
		json_object_set_new(prof, "picture", json_string(picture));
	return prof;
}

/* The first of the claims an IdP may carry the user's email in. */
static const char *claim_email(const json_t *c)
{
	static const char *const keys[] = { "email", "preferred_username", "username",
					    "unique_name" };

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (str(c, keys[i]))
			return str(c, keys[i]);
	return NULL;
}

/* openchoreo-auth: from the token claims; the display name falls back to
 * given + family name, then the email. */
static json_t *profile_openchoreo(const json_t *c)
{
	json_t *prof = json_object();
	const char *email = claim_email(c), *name = str(c, "name");
	const char *given = str(c, "given_name"), *family = str(c, "family_name");
	char buf[512];

	if (email)
		json_object_set_new(prof, "email", json_string(email));
	if (!name && (given || family)) {
		snprintf(buf, sizeof buf, "%s%s%s", given ? given : "", given && family ? " " : "",
			 family ? family : "");
		name = buf;
	}
	if (name || email)
		json_object_set_new(prof, "displayName", json_string(name ? name : email));
	return prof;
}

json_t *auth_profile(const struct auth_provider *p, const struct auth_session *s)
{
	if (p->kind == AUTH_KIND_GITHUB)
		return auth_github_profile(s->userinfo);
	if (p->kind == AUTH_KIND_OIDC)
		return profile_oidc(s->userinfo ? s->userinfo : s->claims);
	return profile_openchoreo(s->claims);
}

/* Adds group:default/<lower(g)> for each string in a claim (array or string). */
static void add_groups(json_t *ent, const json_t *claim)
{
	size_t i;
	json_t *v, *have;
	json_t *one = json_is_string(claim) ? json_pack("[O]", claim) : NULL;

	if (one)
		claim = one;
	json_array_foreach(claim, i, v) {
		const char *g = json_string_value(v);
		char ref[512];
		size_t k, n;
		bool dup = false;

		if (!g || !*g)
			continue;
		n = (size_t)snprintf(ref, sizeof ref, "group:default/%s", g);
		if (n >= sizeof ref)
			continue;
		lower(ref);
		json_array_foreach(ent, k, have)
			if (!strcmp(json_string_value(have), ref))
				dup = true;
		if (!dup)
			json_array_append_new(ent, json_string(ref));
	}
	json_decref(one);
}

/* The user and its memberOf groups from a stitched catalog entity. */
static int catalog_identity(const char *ref, const char *entity_text, char **sub, json_t **ent)
{
	json_t *e = json_loads(entity_text, 0, NULL), *r;
	size_t i;

	if (!e)
		return SH_EINVAL;
	*sub = sh_xstrdup(ref);
	*ent = json_pack("[s]", ref);
	json_array_foreach(json_object_get(e, "relations"), i, r) {
		const char *type = str(r, "type"), *target = str(r, "targetRef");

		if (type && target && !strcmp(type, "memberOf") && !strncmp(target, "group:", 6))
			json_array_append_new(*ent, json_string(target));
	}
	json_decref(e);
	return 0;
}

static int by_email(struct sh_req *req, const char *email, char **sub, json_t **ent,
		    struct auth_err *e)
{
	const char *ref, *entity;
	int n = auth_db_users_by_email(req, email, &ref, &entity);

	if (n < 0)
		return auth_err_set(e, 500, "Error", "catalog lookup failed");
	if (n > 1)
		return auth_err_set(e, 409, "ConflictError",
				    "Multiple users found for the email '%s'", email);
	if (n == 0)
		return SH_ENOTFOUND;
	if (catalog_identity(ref, entity, sub, ent) != 0)
		return auth_err_set(e, 500, "Error", "bad catalog entity");
	return 0;
}

static int by_name(struct sh_req *req, const char *name, char **sub, json_t **ent,
		   struct auth_err *e)
{
	char *ref = lower(sh_printf(req, "user:default/%s", name));
	const char *entity;
	int rc = auth_db_entity_by_ref(req, ref, &entity);

	if (rc == SH_EDB)
		return auth_err_set(e, 500, "Error", "catalog lookup failed");
	if (rc != 0)
		return SH_ENOTFOUND;
	if (catalog_identity(ref, entity, sub, ent) != 0)
		return auth_err_set(e, 500, "Error", "bad catalog entity");
	return 0;
}

/* alice+tag@x -> alice@x, or NULL when there is no tag. */
static char *untagged(struct sh_req *req, const char *email)
{
	const char *plus = strchr(email, '+'), *at = strchr(email, '@');

	if (!plus || !at || plus > at)
		return NULL;
	return sh_printf(req, "%.*s%s", (int)(plus - email), email, at);
}

/* user:default/<name> (an email, a login) owning only itself. */
static void named_user(struct sh_req *req, const char *email, char **sub, json_t **ent)
{
	char *ref = sh_printf(req, "user:default/%s", email);

	*sub = sh_xstrdup(ref);
	*ent = json_pack("[s]", ref);
}

/* OpenChoreo's: the email is the user name; groups from the claims and userinfo. */
static int by_openchoreo(struct sh_req *req, const struct auth_session *s, const char *email,
			 char **sub, json_t **ent, struct auth_err *e)
{
	if (strchr(email, ':') || strchr(email, '/') || strpbrk(email, " \t"))
		return auth_err_set(e, 401, "AuthenticationError",
				    "Login failed, the email '%s' is not a valid user name", email);
	named_user(req, email, sub, ent);
	add_groups(*ent, json_object_get(s->claims, "groups"));
	if (s->userinfo) {
		add_groups(*ent, json_object_get(s->userinfo, "groups"));
		add_groups(*ent, json_object_get(s->userinfo, "group"));
	}
	return 0;
}

/* The catalog resolvers: 0, SH_ENOTFOUND, or an error in e. */
static int by_catalog(struct sh_req *req, const struct auth_provider *p, const char *email,
		      char **sub, json_t **ent, struct auth_err *e)
{
	const char *at = strchr(email, '@'), *bare;
	int rc;

	if (p->resolver == AUTH_RESOLVE_EMAIL_LOCAL_PART)
		return by_name(req, at ? sh_strndup(req, email, (size_t)(at - email)) : email, sub,
			       ent, e);
	if (p->resolver != AUTH_RESOLVE_EMAIL_PROFILE)
		return auth_err_set(e, 500, "Error", "no sign-in resolver");
	rc = by_email(req, email, sub, ent, e);
	if (rc == SH_ENOTFOUND && (bare = untagged(req, email)))
		rc = by_email(req, bare, sub, ent, e);
	return rc;
}

/* A catalog lookup's outcome: not found becomes user:default/<fallback>
 * where allowed (dangerouslyAllowSignInWithoutUserInCatalog), else an error. */
static int resolved(struct sh_req *req, const struct auth_provider *p, int rc,
		    const char *fallback, char **sub, json_t **ent, struct auth_err *e)
{
	if (rc == SH_ENOTFOUND && p->allow_without_user) {
		named_user(req, fallback, sub, ent);
		return 0;
	}
	if (rc == SH_ENOTFOUND)
		return auth_err_set(e, 404, "NotFoundError", NOT_RESOLVED);
	return rc;
}

/* The one User whose annotation key is value: 0, SH_ENOTFOUND, or an error in e. */
static int by_annotation(struct sh_req *req, const char *key, const char *value, char **sub,
			 json_t **ent, struct auth_err *e)
{
	const char *ref, *entity;
	int n = auth_db_users_by_annotation(req, key, value, &ref, &entity);

	if (n < 0)
		return auth_err_set(e, 500, "Error", "catalog lookup failed");
	if (n > 1)
		return auth_err_set(e, 409, "ConflictError",
				    "Multiple users found for the annotation %s=%s", key, value);
	if (n == 0)
		return SH_ENOTFOUND;
	if (catalog_identity(ref, entity, sub, ent) != 0)
		return auth_err_set(e, 500, "Error", "bad catalog entity");
	return 0;
}

/* github's: the login as the User's name, or the numeric user id in the
 * User's github.com/user-id annotation. */
static int by_github(struct sh_req *req, const struct auth_provider *p,
		     const struct auth_session *s, char **sub, json_t **ent, struct auth_err *e)
{
	const char *login = str(s->userinfo, "login");
	const json_t *id = json_object_get(s->userinfo, "id");
	char *uid;

	if (p->resolver == AUTH_RESOLVE_GITHUB_USERNAME) {
		if (!login)
			return auth_err_set(e, 401, "AuthenticationError",
					    "GitHub user profile does not contain a username");
		return resolved(req, p, by_name(req, login, sub, ent, e), login, sub, ent, e);
	}
	if (!json_is_integer(id))
		return auth_err_set(e, 401, "AuthenticationError",
				    "GitHub user profile does not contain a user ID");
	uid = sh_printf(req, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
	return resolved(req, p, by_annotation(req, "github.com/user-id", uid, sub, ent, e), uid,
			sub, ent, e);
}

int auth_resolve(struct sh_req *req, struct auth_provider *p, const struct auth_session *s,
		 json_t *profile, char **sub, json_t **ent, struct auth_err *e)
{
	const char *email = str(profile, "email");

	*sub = NULL;
	*ent = NULL;
	if (p->resolver == AUTH_RESOLVE_GITHUB_USERNAME || p->resolver == AUTH_RESOLVE_GITHUB_USER_ID)
		return by_github(req, p, s, sub, ent, e);
	if (!email)
		return auth_err_set(e, 401, "AuthenticationError",
				    "Login failed, user profile does not contain an email");
	if (p->resolver == AUTH_RESOLVE_OPENCHOREO)
		return by_openchoreo(req, s, email, sub, ent, e);
	return resolved(req, p, by_catalog(req, p, email, sub, ent, e), email, sub, ent, e);
}
