/*
 * What a route lets through to GitHub (spec platform-apis §4): the path
 * parameters (owner, repo, ids) checked before they are put into an
 * upstream URL, and the query keys a route passes on.  Pure; unit-tested
 * in check_github_actions_paths.
 */
#ifndef GHACTIONS_PATHS_H
#define GHACTIONS_PATHS_H

#include <stdbool.h>

struct sh_buf;

#define GHA_NAME_MAX 100          /* GitHub's longest owner or repository name */

/* An owner or repository name as GitHub allows them: 1 to GHA_NAME_MAX
 * letters, digits, '-', '_', '.', and not "." or "..". */
bool gha_name_ok(const char *s);

/* A run, job or workflow id: 1 to 20 decimal digits. */
bool gha_id_ok(const char *s);

/* A workflow id, or its file name ("ci.yml"): an id, or a name as
 * gha_name_ok. */
bool gha_workflow_ok(const char *s);

/*
 * The REST API's base URL without a trailing '/' (malloc'd): `api_base_url`
 * when set and not empty, else https://api.github.com for `host`
 * github.com (or NULL/empty), else GitHub Enterprise Server's
 * https://<host>/api/v3.
 */
char *gha_api_base(const char *api_base_url, const char *host);

/* Looks a query key up (the request's decoded value), NULL when absent. */
typedef const char *(*gha_query_fn)(void *ctx, const char *key);

/*
 * Appends "k=v&..." for each of the NULL-terminated `keys` the request
 * has, in that order, percent-encoded; keys not listed are dropped, as
 * GitHub ignores what it does not know.  Returns 0 or SH_ETOOBIG.
 */
int gha_query(struct sh_buf *b, gha_query_fn get, void *ctx, const char *const *keys);

#endif
