/*
 * The repository allow-list: a repository is served only when a catalog
 * entity names it in github.com/project-slug, read through the catalog's
 * SQL interface (catalog.entities_by_annotation_v1) and nothing else of
 * the catalog.  GitHub's names are case-insensitive, so is the match.
 */
#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#include "ghactions.h"
#include "paths.h"
#include "errors.h"
#include "headers.h"

#define SLUG "github.com/project-slug"

int gha_repo_allowed(struct sh_req *req, const char *owner, const char *repo)
{
	const char *params[] = { SLUG, sh_printf(req, "%s/%s", owner, repo) };
	PGresult *r = sh_db_query(req,
				  "SELECT 1 FROM catalog.entities_by_annotation_v1($1, NULL) e "
				  "WHERE lower(btrim(e.final_entity::jsonb -> 'metadata' "
				  "-> 'annotations' ->> $1)) = lower($2) LIMIT 1",
				  2, params);

	if (!r)
		return sh_db_fail(req);
	return PQntuples(r) == 1 ? 1 : 0;
}

int gha_admit(struct sh_req *req)
{
	const char *owner = sh_req_param(req, "owner"), *repo = sh_req_param(req, "repo");
	int ok;

	if (!gha_token(sh_req_header(req, "Authorization")))
		return sh_reply_json(req, 401, gha_error("Requires authentication"));
	if (!gha_name_ok(owner) || !gha_name_ok(repo))
		return sh_reply_json(req, 404, gha_error("Not Found"));
	ok = gha_repo_allowed(req, owner, repo);
	if (ok == 0)
		return sh_reply_json(req, 404, gha_error("Not Found"));
	return ok == 1 ? 0 : ok;
}
