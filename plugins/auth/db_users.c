/*
 * Every SQL statement about users: the claims /v1/userinfo answers
 * (auth.user_info, written when a token is issued), and the catalog's
 * versioned functions the sign-in resolvers look users up through
 * (catalog.user_by_email_v1, catalog.entity_by_ref_v1).
 */
#include <stdlib.h>

#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#include "auth.h"

int auth_db_user_info_store(struct sh_req *req, const char *sub, json_t *ent)
{
	json_t *info = json_pack("{s:{s:s, s:O}}", "claims", "sub", sub, "ent", ent);
	char *text = json_dumps(info, JSON_COMPACT);
	const char *params[2] = { sub, text };
	PGresult *r = text ? sh_db_query(req,
		"INSERT INTO auth.user_info (user_entity_ref, user_info) VALUES ($1, $2) "
		"ON CONFLICT (user_entity_ref) DO UPDATE "
		"SET user_info = EXCLUDED.user_info, updated_at = now()", 2, params) : NULL;

	free(text);
	json_decref(info);
	return r ? 0 : SH_EDB;
}

int auth_db_user_info_get(struct sh_req *req, const char *sub, json_t **info)
{
	const char *params[1] = { sub };
	PGresult *r = sh_db_query(req, "SELECT user_info FROM auth.user_info "
				  "WHERE user_entity_ref = $1", 1, params);

	*info = NULL;
	if (!r)
		return SH_EDB;
	if (PQntuples(r) == 0 || !(*info = json_loads(PQgetvalue(r, 0, 0), 0, NULL)))
		return SH_ENOTFOUND;
	return 0;
}

int auth_db_users_by_email(struct sh_req *req, const char *email, const char **ref,
			   const char **entity)
{
	const char *params[1] = { email };
	PGresult *r = sh_db_query(req, "SELECT entity_ref, final_entity "
				  "FROM catalog.user_by_email_v1($1)", 1, params);

	if (!r)
		return SH_EDB;
	if (PQntuples(r) > 0) {
		*ref = PQgetvalue(r, 0, 0);
		*entity = PQgetvalue(r, 0, 1);
	}
	return PQntuples(r);
}

int auth_db_entity_by_ref(struct sh_req *req, const char *ref, const char **entity)
{
	const char *params[1] = { ref };
	PGresult *r = sh_db_query(req, "SELECT catalog.entity_by_ref_v1($1)", 1, params);

	if (!r)
		return SH_EDB;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		return SH_ENOTFOUND;
	*entity = PQgetvalue(r, 0, 0);
	return 0;
}

int auth_db_users_by_annotation(struct sh_req *req, const char *key, const char *value,
				const char **ref, const char **entity)
{
	const char *params[2] = { key, value };
	PGresult *r = sh_db_query(req, "SELECT entity_ref, final_entity "
				  "FROM catalog.entities_by_annotation_v1($1, $2) "
				  "WHERE entity_ref LIKE 'user:%'", 2, params);

	if (!r)
		return SH_EDB;
	if (PQntuples(r) > 0) {
		*ref = PQgetvalue(r, 0, 0);
		*entity = PQgetvalue(r, 0, 1);
	}
	return PQntuples(r);
}
