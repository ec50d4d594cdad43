/*
 * The request-bound steps the OAuth routes (routes_oauth_*.c,
 * routes_refresh.c, routes_logout.c) share: finding the provider a path
 * names, the env and X-Requested-With checks, a provider's cookies, the
 * popup page and redirects, and the session JSON of §1.5.  Each step that
 * can answer returns 0 to go on or the HTTP status it sent.
 */
#ifndef AUTH_FLOW_H
#define AUTH_FLOW_H

#include <stdbool.h>

#include <jansson.h>

#include "auth.h"

/* ------------------------------------------------------------ flow.c */

/* The provider of the path's :provider, or a 404 NotFoundError
 * "Unknown auth provider '<name>'" (also for an unconfigured one). */
int auth_flow_provider(struct sh_req *req, struct auth *a, struct auth_provider **p);
/* 400 without env, 404 for another environment; 0 when it is the provider's. */
int auth_flow_env(struct sh_req *req, const struct auth_provider *p, const char *env);
/* 401 unless X-Requested-With: XMLHttpRequest (refresh and logout). */
int auth_flow_xhr(struct sh_req *req);
/* Ties a malloc'd string (or NULL) to the request: freed when it ends. */
char *auth_flow_keep(struct sh_req *req, char *s);
/* Answers an error of the flow as it is. */
int auth_flow_fail(struct sh_req *req, const struct auth_err *e);

/* The provider's cookie `<id>-<what>`: set (chunked when long), deleted
 * with any chunks the browser sent, and read back decoded (request arena,
 * or NULL). */
void auth_flow_cookie_set(struct sh_req *req, const struct auth_provider *p, const char *what,
			  const char *value, const char *path, long max_age);
void auth_flow_cookie_clear(struct sh_req *req, const struct auth_provider *p, const char *what,
			    const char *path);
const char *auth_flow_cookie(struct sh_req *req, const struct auth_provider *p, const char *what);

/* ------------------------------------------------------------ replies.c */

/* The popup page posting `payload` (stolen) to the opener at `origin`. */
int auth_reply_popup(struct sh_req *req, const char *origin, json_t *payload);
/* 302 to location; 400 when the location is not a valid header value. */
int auth_reply_redirect(struct sh_req *req, const char *location);
/* Where a failed callback reports: the redirect flow's redirectUrl with
 * ?error=, else the popup; never to an origin or redirectUrl that is not
 * allowed.  st may be NULL (state not trusted). */
int auth_reply_flow_error(struct sh_req *req, const struct auth_provider *p,
			  const struct auth_state *st, const struct auth_err *e);

/* ------------------------------------------------------------ session.c */

/* Profile, resolver, stored user info and a Backstage token: the session
 * JSON of §1.5 (new reference), or NULL with the error in e. */
json_t *auth_session_json(struct sh_req *req, struct auth_provider *p,
			  const struct auth_session *s, struct auth_err *e);
/* backstageIdentity (§1.5) of sub owning ent (stolen): stores the claims
 * /v1/userinfo answers and signs a token.  0 with *out a new reference,
 * SH_EDB, or SH_EINVAL when no token could be signed (logged). */
int auth_session_identity(struct sh_req *req, struct auth *a, const char *sub, json_t *ent,
			  json_t **out);
/* Sets the refresh-token cookie (when new) and, for oidc, granted-scope. */
void auth_session_cookies(struct sh_req *req, const struct auth_provider *p,
			  const struct auth_session *s);

#endif
