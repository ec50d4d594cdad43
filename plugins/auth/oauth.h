/*
 * The OAuth sign-in providers (spec platform-apis §1.1-1.5, 1.8, 1.9): the
 * state parameter and cookie encodings (state.c, cookies.c: pure, unit
 * tested), the generic start/handler/refresh/logout flow (oauth.c), the
 * IdP side of `oidc` and `openchoreo-auth` (oidc.c) and the sign-in
 * resolvers (resolvers.c).
 */
#ifndef AUTH_OAUTH_H
#define AUTH_OAUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

struct auth;
struct sh_host;
struct sh_req;

/* ------------------------------------------------------------ state.c */

/* The decoded `state` parameter; every member malloc'd or NULL. */
struct auth_state {
	char *nonce, *env, *origin, *redirect_url, *flow, *scope;
};

/* encodeURIComponent (with ' as %27 when `quote`): malloc'd. */
char *auth_uri_component(const char *s, bool quote);
/* application/x-www-form-urlencoded value (URLSearchParams): malloc'd. */
char *auth_form_value(const char *s);
/* Percent-decoding; '+' is a space only when `plus`.  malloc'd, NULL on a
 * bad escape or an embedded NUL. */
char *auth_percent_decode(const char *s, size_t len, bool plus);
/* The hex of "nonce=..&env=..&origin=..&redirectUrl=..&flow=..&scope=.."
 * (NULL members omitted): malloc'd, or NULL. */
char *auth_state_encode(const struct auth_state *st);
/* Decodes a state; 0, or SH_EINVAL with the Backstage message in why
 * ("OAuth state is invalid, missing env", ...).  Clear after either way. */
int auth_state_decode(const char *hex, struct auth_state *st, char *why, size_t whylen);
void auth_state_clear(struct auth_state *st);
/* scheme://host[:port] of a URL, lower-cased, default ports dropped:
 * malloc'd, or NULL if it is not an http(s) URL. */
char *auth_url_origin(const char *url);
/* Whether origin matches a glob (`*` within one label run, no globstar),
 * case-insensitively. */
bool auth_origin_glob(const char *pattern, const char *origin);

/* ------------------------------------------------------------ cookies.c */

#define AUTH_COOKIE_CHUNK 4000   /* characters of one cookie before splitting */
#define AUTH_COOKIE_MAX_CHUNKS 16

struct auth_cookie_attrs {
	const char *path;
	long max_age;        /* seconds; 0 deletes */
	bool secure;
	const char *same_site;   /* "Lax", "None" */
};

/* Set-Cookie values for name=value: one, or `<name>-0..` chunks of
 * AUTH_COOKIE_CHUNK characters when longer.  `now` gives Expires.  Fills
 * out[] with malloc'd strings; returns their count, or -1. */
int auth_cookie_build(const char *name, const char *value, const struct auth_cookie_attrs *a,
		      time_t now, char **out, int max);
/* Joins a value read back: `whole` if not NULL, else chunks[0..n) in order;
 * URL-decodes it.  malloc'd, or NULL. */
char *auth_cookie_join(const char *whole, const char *const *chunks, int n);

/* ------------------------------------------------------------ providers */

enum auth_kind { AUTH_KIND_OIDC = 1, AUTH_KIND_OPENCHOREO };
enum auth_resolver {
	AUTH_RESOLVE_OPENCHOREO = 1,            /* email as the user name, groups from claims */
	AUTH_RESOLVE_EMAIL_PROFILE,             /* emailMatchingUserEntityProfileEmail */
	AUTH_RESOLVE_EMAIL_LOCAL_PART           /* emailLocalPartMatchingUserEntityName */
};

struct auth_provider {
	struct auth *auth;
	const char *id;                 /* "oidc", "openchoreo-auth" */
	enum auth_kind kind;
	const char *env;                /* the one environment, "development" */
	const char *client_id, *client_secret, *metadata_url, *scope, *prompt;
	const char *conf_authorize_url, *conf_token_url;
	enum auth_resolver resolver;
	bool allow_without_user;        /* dangerouslyAllowSignInWithoutUserInCatalog */
	long session_max_age;           /* refresh cookie Max-Age, seconds */
	char *callback_url, *cookie_path, *app_origin;
	const char *const *extra_origins;
	size_t n_extra_origins;
	bool secure;
	const char *same_site;

	pthread_mutex_t lock;           /* guards everything below */
	bool discovered;
	time_t discovery_tried;
	char *authorize_url, *token_url, *jwks_uri, *userinfo_url, *issuer;
	json_t *jwks;
	time_t jwks_at;
};

/* An error of the flow: Backstage name, message and HTTP status. */
struct auth_err {
	int status;
	const char *name;
	char message[512];
};

int auth_err_set(struct auth_err *e, int status, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* What a provider hands to the flow after a code exchange or a refresh. */
struct auth_session {
	char *access_token, *id_token, *refresh_token, *scope;
	long long expires_in;           /* -1 when unknown */
	bool rotated;                   /* refresh_token is new: set the cookie */
	json_t *claims;                 /* profile source: access token payload, else id_token */
	json_t *userinfo;               /* oidc: the userinfo answer, or NULL */
};
void auth_session_clear(struct auth_session *s);

/* oidc.c: discovery (lazy, cached). 0 or an error in e. */
int auth_idp_discover(struct auth_provider *p, struct auth_err *e);
/* oidc.c: the authorization_code exchange (+ id_token checks for oidc). */
int auth_idp_exchange(struct auth_provider *p, const char *code, const char *verifier,
		      const char *nonce, struct auth_session *s, struct auth_err *e);
/* oidc.c: a session from the refresh cookie's value. */
int auth_idp_refresh(struct auth_provider *p, const char *value, const char *scope,
		     struct auth_session *s, struct auth_err *e);
/* oidc.c: decodes a JWT payload without verifying it; NULL if not a JWT. */
json_t *auth_jwt_payload(const char *token);
/* oidc.c: verifies an RS256 JWT against the IdP JWKS; 0 or SH_EINVAL. */
int auth_idp_verify(struct auth_provider *p, const char *token, char *why, size_t whylen);
void auth_provider_fini(struct auth_provider *p);

/* resolvers.c: the profile of §1.5 from a session. New reference. */
json_t *auth_profile(const struct auth_provider *p, const struct auth_session *s);
/* resolvers.c: the sign-in resolver: *sub (malloc'd) and *ent (new ref). */
int auth_resolve(struct sh_req *req, struct auth_provider *p, const struct auth_session *s,
		 json_t *profile, char **sub, json_t **ent, struct auth_err *e);

/* oauth.c: registers a provider's routes. */
int auth_oauth_routes(struct sh_host *host, struct auth_provider *p, char *err, size_t errlen);
/* providers.c: sets up the configured providers. */
int auth_oauth_init(struct sh_host *host, struct auth *a, char *err, size_t errlen);
void auth_oauth_fini(void);

#endif
