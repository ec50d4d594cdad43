/*
 * The entity behind a route, through the catalog's SQL interface
 * (catalog.entity_by_ref_v1, nothing else of the catalog).  The connection
 * is leased for the one query: a /sync stream may last a build long and
 * must not pin one of the pool's connections meanwhile.  Without the
 * permission framework every entity the catalog holds is visible.
 */
#include <ctype.h>
#include <stdlib.h>
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

/* Runs sql ($1 = the triplet's ref) on a leased connection; 0 with the
 * first value as *text (NULL when SQL NULL; caller frees), or an error. */
static int query(struct techdocs *td, struct sh_req *req, const struct td_triplet *t,
		 const char *sql, char **text)
{
	const char *params[] = { sh_printf(req, "%s:%s/%s", t->kind, t->ns, t->name) };
	PGconn *conn = sh_db_get(td->host, LEASE_WAIT_MS);
	PGresult *r;
	int rc = 0;

	*text = NULL;
	if (!conn)
		return SH_EUNAVAIL;
	r = sh_db_exec(conn, sql, 1, params);
	if (!r || PQntuples(r) != 1)
		rc = SH_EDB;
	else if (!PQgetisnull(r, 0, 0))
		*text = sh_xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	sh_db_put(td->host, conn);
	return rc;
}

int td_entity_load(struct techdocs *td, struct sh_req *req, const struct td_triplet *t,
		   json_t **entity)
{
	char *text;
	int rc = query(td, req, t, "SELECT catalog.entity_by_ref_v1($1)", &text);

	*entity = NULL;
	if (rc == 0 && !text)
		rc = SH_ENOTFOUND;
	else if (rc == 0 && !(*entity = json_loads(text, 0, NULL)))
		rc = SH_EDB;
	free(text);
	return rc;
}

int td_entity_exists(struct techdocs *td, struct sh_req *req, const struct td_triplet *t)
{
	char *text;
	int rc = query(td, req, t, "SELECT catalog.entity_by_ref_v1($1) IS NOT NULL", &text);

	if (rc == 0 && (!text || strcmp(text, "t") != 0))
		rc = SH_ENOTFOUND;
	free(text);
	return rc;
}

int td_entity_fail(struct sh_req *req, int rc)
{
	if (rc == SH_EUNAVAIL)
		return sh_fail(req, 503, "ServiceUnavailableError", "database is unavailable");
	return sh_fail(req, 500, "Error", "internal error");
}
