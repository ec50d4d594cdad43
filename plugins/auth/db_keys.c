/*
 * Every SQL statement about signing keys (sql/auth/001_init.sql): the
 * public halves published in auth.signing_keys before a key signs, pruned
 * once expired, and read back through auth.public_keys_v1() for the JWKS.
 */
#include <stdio.h>

#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#include "auth.h"

int auth_db_key_publish(PGconn *conn, const char *kid, const char *jwk, long secs)
{
	char s[32];
	const char *params[3] = { kid, jwk, s };
	PGresult *r;
	int rc;

	snprintf(s, sizeof s, "%ld", secs);
	r = sh_db_exec(conn, "INSERT INTO auth.signing_keys (kid, key, expires_at) "
		       "VALUES ($1, $2, now() + make_interval(secs => $3::int))", 3, params);
	rc = r ? 0 : SH_EDB;
	PQclear(r);
	return rc;
}

void auth_db_keys_prune(PGconn *conn)
{
	PQclear(sh_db_exec(conn, "DELETE FROM auth.signing_keys WHERE expires_at <= now()", 0,
			   NULL));
}

json_t *auth_db_public_keys(struct sh_req *req)
{
	PGresult *r = sh_db_query(req, "SELECT jwk FROM auth.public_keys_v1()", 0, NULL);
	json_t *keys;

	if (!r)
		return NULL;
	keys = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *jwk = json_loads(PQgetvalue(r, i, 0), 0, NULL);

		if (jwk)
			json_array_append_new(keys, jwk);
	}
	return keys;
}
