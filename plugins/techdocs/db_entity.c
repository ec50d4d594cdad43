/*
 * The entity behind a route, through the catalog's SQL interface
 * (catalog.entity_by_ref_v1, nothing else of the catalog).  The connection
 * is leased for the one query: a /sync stream may last a build long and
 * must not pin one of the pool's connections meanwhile.  Without the
 * permission framework every entity the catalog holds is visible.
 */
#include <ctype.h>
#include <string.h>

#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#include "plugin.h"

#define LEASE_WAIT_MS 5000

void td_triplet_of(struct sh_req *req, struct td_triplet *t)
{
	t->ns = sh_req_param(req, "namespace");
	t->kind = sh_req_param(req, "kind");
	t->name = sh_req_param(req, "name");
}

static char *lower(struct sh_req *req, const char *s)
{
	char *out = sh_strdup(req, s);

	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

const char *td_triplet_ref(struct sh_req *req, const struct td_triplet *t)
{
	return sh_printf(req, "%s:%s/%s", lower(req, t->kind), lower(req, t->ns), t->name);
}

int td_entity_load(struct techdocs *td, struct sh_req *req, const struct td_triplet *t,
		   json_t **entity)
{
	const char *params[] = { sh_printf(req, "%s:%s/%s", t->kind, t->ns, t->name) };
	PGconn *conn = sh_db_get(td->host, LEASE_WAIT_MS);
	PGresult *r;
	int rc = 0;

	*entity = NULL;
	if (!conn)
		return SH_EUNAVAIL;
	r = sh_db_exec(conn, "SELECT catalog.entity_by_ref_v1($1)", 1, params);
	if (!r)
		rc = SH_EDB;
	else if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		rc = SH_ENOTFOUND;
	else if (!(*entity = json_loads(PQgetvalue(r, 0, 0), 0, NULL)))
		rc = SH_EDB;
	PQclear(r);
	sh_db_put(td->host, conn);
	return rc;
}

int td_entity_fail(struct sh_req *req, int rc)
{
	if (rc == SH_EUNAVAIL)
		return sh_fail(req, 503, "ServiceUnavailableError", "database is unavailable");
	return sh_fail(req, 500, "Error", "internal error");
}
