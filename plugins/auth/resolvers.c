/*
 * Profiles and sign-in resolvers (spec platform-apis §1.5, 1.8, 1.9):
 * OpenChoreo's (email as the user name, groups from the token claims, no
 * catalog lookup) and the catalog ones, emailMatchingUserEntityProfileEmail
 * (through catalog.user_by_email_v1) and emailLocalPartMatchingUserEntityName
 * (through catalog.entity_by_ref_v1).  Catalog ownership is the user plus
 * every memberOf relation to a group.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

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

json_t *auth_profile(const struct auth_provider *p, const struct auth_session *s)
{
	json_t *prof = json_object();
	const json_t *c = s->claims;
	const char *email, *name, *given, *family, *picture;

	if (p->kind == AUTH_KIND_OIDC) {
		const json_t *src = s->userinfo ? s->userinfo : c;

		if (json_is_true(json_object_get(src, "email_verified")) && str(src, "email"))
			json_object_set_new(prof, "email", json_string(str(src, "email")));
		if ((name = str(src, "name")))
			json_object_set_new(prof, "displayName", json_string(name));
		if ((picture = str(src, "picture")))
			json_object_set_new(prof, "picture", json_string(picture));
		return prof;
	}
	email = str(c, "email");
	if (!email)
		email = str(c, "preferred_username");
	if (!email)
		email = str(c, "username");
	if (!email)
		email = str(c, "unique_name");
	if (email)
		json_object_set_new(prof, "email", json_string(email));
	name = str(c, "name");
	given = str(c, "given_name");
	family = str(c, "family_name");
	if (name) {
		json_object_set_new(prof, "displayName", json_string(name));
	} else if (given || family) {
		char buf[512];

		snprintf(buf, sizeof buf, "%s%s%s", given ? given : "", given && family ? " " : "",
			 family ? family : "");
		json_object_set_new(prof, "displayName", json_string(buf));
	} else if (email) {
		json_object_set_new(prof, "displayName", json_string(email));
	}
	return prof;
}

/* Adds group:default/<lower(g)> for each string in a claim (array or string). */
static void add_groups(json_t *ent, const json_t *claim)
{
	size_t i;
	json_t *v;
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
		for (char *q = ref; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		json_array_foreach(ent, k, v)
			if (!strcmp(json_string_value(v), ref))
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
	*sub = strdup(ref);
	*ent = json_pack("[s]", ref);
	json_array_foreach(json_object_get(e, "relations"), i, r) {
		const char *type = str(r, "type"), *target = str(r, "targetRef");

		if (type && target && !strcmp(type, "memberOf") && !strncmp(target, "group:", 6))
			json_array_append_new(*ent, json_string(target));
	}
	json_decref(e);
	return *sub ? 0 : SH_EINVAL;
}

static int by_email(struct sh_req *req, const char *email, char **sub, json_t **ent,
		    struct auth_err *e)
{
	const char *params[1] = { email };
	PGresult *r = sh_db_query(req, "SELECT entity_ref, final_entity "
				  "FROM catalog.user_by_email_v1($1)", 1, params);

	if (!r)
		return auth_err_set(e, 500, "Error", "catalog lookup failed");
	if (PQntuples(r) > 1)
		return auth_err_set(e, 409, "ConflictError",
				    "Multiple users found for the email '%s'", email);
	if (PQntuples(r) == 0)
		return SH_ENOTFOUND;
	if (catalog_identity(PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), sub, ent) != 0)
		return auth_err_set(e, 500, "Error", "bad catalog entity");
	return 0;
}

static int by_name(struct sh_req *req, const char *name, char **sub, json_t **ent,
		   struct auth_err *e)
{
	char *ref = sh_printf(req, "user:default/%s", name);
	const char *params[1] = { ref };
	PGresult *r;

	for (char *q = ref; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	if (!(r = sh_db_query(req, "SELECT catalog.entity_by_ref_v1($1)", 1, params)))
		return auth_err_set(e, 500, "Error", "catalog lookup failed");
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		return SH_ENOTFOUND;
	if (catalog_identity(ref, PQgetvalue(r, 0, 0), sub, ent) != 0)
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

int auth_resolve(struct sh_req *req, struct auth_provider *p, const struct auth_session *s,
		 json_t *profile, char **sub, json_t **ent, struct auth_err *e)
{
	const char *email = str(profile, "email");
	int rc;

	*sub = NULL;
	*ent = NULL;
	if (!email)
		return auth_err_set(e, 401, "AuthenticationError",
				    "Login failed, user profile does not contain an email");
	switch (p->resolver) {
	case AUTH_RESOLVE_OPENCHOREO: {
		char *ref = sh_printf(req, "user:default/%s", email);

		if (strchr(email, ':') || strchr(email, '/') || strpbrk(email, " \t"))
			return auth_err_set(e, 401, "AuthenticationError",
					    "Login failed, the email '%s' is not a valid user name",
					    email);
		*sub = strdup(ref);
		*ent = json_pack("[s]", ref);
		add_groups(*ent, json_object_get(s->claims, "groups"));
		if (s->userinfo) {
			add_groups(*ent, json_object_get(s->userinfo, "groups"));
			add_groups(*ent, json_object_get(s->userinfo, "group"));
		}
		return *sub ? 0 : auth_err_set(e, 500, "Error", "out of memory");
	}
	case AUTH_RESOLVE_EMAIL_PROFILE: {
		const char *bare;

		rc = by_email(req, email, sub, ent, e);
		if (rc == SH_ENOTFOUND && (bare = untagged(req, email)))
			rc = by_email(req, bare, sub, ent, e);
		break;
	}
	case AUTH_RESOLVE_EMAIL_LOCAL_PART: {
		const char *at = strchr(email, '@');

		rc = by_name(req, at ? sh_strndup(req, email, (size_t)(at - email)) : email, sub,
			     ent, e);
		break;
	}
	default:
		return auth_err_set(e, 500, "Error", "no sign-in resolver");
	}
	if (rc == SH_ENOTFOUND && p->allow_without_user) {
		char *ref = sh_printf(req, "user:default/%s", email);

		*sub = strdup(ref);
		*ent = json_pack("[s]", ref);
		return *sub ? 0 : auth_err_set(e, 500, "Error", "out of memory");
	}
	if (rc == SH_ENOTFOUND)
		return auth_err_set(e, 404, "NotFoundError", NOT_RESOLVED);
	return rc;
}
