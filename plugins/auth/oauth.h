/*
 * The OAuth sign-in providers' domain (spec platform-apis §1.1-1.5, 1.8,
 * 1.9): the state parameter, form bodies, origins, cookies and the IdP
 * authorize URL (pure, unit tested), the providers' configuration, the IdP
 * protocol of `oidc` and `openchoreo-auth` (oidc*.c) and the sign-in
 * resolvers.  The request-bound steps the routes share are in flow.h.
 */
#ifndef AUTH_OAUTH_H
#define AUTH_OAUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

struct auth;
struct sh_buf;
struct sh_conf;
struct sh_req;

#define AUTH_DEFAULT_SCOPE "openid profile email"

/* ------------------------------------------------------------ state.c */

/* The decoded `state` parameter; every member malloc'd or NULL. */
struct auth_state {
	char *nonce, *env, *origin, *redirect_url, *flow, *scope;
};

/* The hex of "nonce=..&env=..&origin=..&redirectUrl=..&flow=..&scope=.."
 * (NULL members omitted): malloc'd, or NULL when longer than a state may be. */
char *auth_state_encode(const struct auth_state *st);
/* Decodes a state; 0, or SH_EINVAL with the Backstage message in why
 * ("OAuth state is invalid, missing env", ...).  Clear after either way. */
int auth_state_decode(const char *hex, struct auth_state *st, char *why, size_t whylen);
void auth_state_clear(struct auth_state *st);
/* Whether st (may be NULL) asks for the redirect flow rather than the popup. */
bool auth_state_is_redirect(const struct auth_state *st);

/* ------------------------------------------------------------ form.c */

/* Steps through "k=v&k2=v2": the next pair's raw key and value (not
 * decoded; a pair without '=' has an empty value).  false at the end. */
bool auth_form_next(const char **cursor, const char **key, size_t *klen, const char **val,
		    size_t *vlen);
/* The decoded value of the first "key=" pair in a form text of len bytes
 * ('+' is a space): malloc'd, or NULL when absent (a bare "key" without
 * '=' included) or badly escaped. */
char *auth_form_get(const char *form, size_t len, const char *key);

/* ------------------------------------------------------------ origins.c */

/* scheme://host[:port] of a URL, lower-cased, default ports dropped:
 * malloc'd, or NULL if it is not an http(s) URL. */
char *auth_url_origin(const char *url);
/* The host of a URL without its port (an IPv6 literal is kept whole, port
 * included): malloc'd or NULL; compared only to tell hosts apart. */
char *auth_url_host(const char *url);
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

/* Set-Cookie values for name=value (value percent-encoded): one, or
 * `<name>-0..` chunks of AUTH_COOKIE_CHUNK characters when longer.  `now`
 * gives Expires.  Fills out[] with malloc'd strings; returns their count,
 * or -1 when more than max are needed. */
int auth_cookie_build(const char *name, const char *value, const struct auth_cookie_attrs *a,
		      time_t now, char **out, int max);
/* Joins a value read back: `whole` if not NULL, else chunks[0..n) in order;
 * percent-decodes it.  malloc'd, or NULL. */
char *auth_cookie_join(const char *whole, const char *const *chunks, int n);

/* ------------------------------------------------------------ providers */

enum auth_kind { AUTH_KIND_OIDC = 1, AUTH_KIND_OPENCHOREO, AUTH_KIND_GITHUB };
enum auth_resolver {
	AUTH_RESOLVE_NONE = 0,                  /* no sign-in: no backstageIdentity (github's default) */
	AUTH_RESOLVE_OPENCHOREO,                /* email as the user name, groups from claims */
	AUTH_RESOLVE_EMAIL_PROFILE,             /* emailMatchingUserEntityProfileEmail */
	AUTH_RESOLVE_EMAIL_LOCAL_PART,          /* emailLocalPartMatchingUserEntityName */
	AUTH_RESOLVE_GITHUB_USERNAME,           /* usernameMatchingUserEntityName (github login) */
	AUTH_RESOLVE_GITHUB_USER_ID             /* userIdMatchingUserEntityAnnotation (github.com/user-id) */
};

struct auth_provider {
	struct auth *auth;
	const char *id;                 /* "oidc", "openchoreo-auth", "github" */
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

/* providers.c: whether the provider keeps the granted scopes in a cookie
 * and asks for them again (oidc, github; not openchoreo-auth). */
bool auth_provider_persists_scope(const struct auth_provider *p);
/* providers.c: sets up the providers [auth] configures in a->providers. */
int auth_providers_init(const struct sh_conf *c, struct auth *a, char *err, size_t errlen);
/* providers.c: the provider named `id`, or NULL. */
struct auth_provider *auth_provider_find(struct auth *a, const char *id);
/* providers.c: callback URL, cookie path, app origin and cookie attributes
 * from the issuer and [server] base_url.  0 or SH_EINVAL. */
int auth_provider_urls(struct auth_provider *p, const char *issuer, const char *base_url);
/* providers.c: whether an origin (already normalised) may start or receive
 * a sign-in: the app's, or one of [auth] extra_allowed_origins. */
bool auth_provider_origin_ok(const struct auth_provider *p, const char *origin);
/* providers.c: whether a URL's origin may receive the outcome of a sign-in. */
bool auth_provider_url_ok(const struct auth_provider *p, const char *url);
void auth_providers_fini(struct auth *a);

/* ------------------------------------------------------------ authorize.c */

/* Space-joined union of space/comma-separated scope lists (NULL entries
 * skipped), in first-seen order: malloc'd. */
char *auth_scope_union(const char *const *lists, size_t n);
/* The PKCE S256 code_challenge of a verifier (base64url of its SHA-256)
 * into out; 0 or SH_EINVAL. */
#define AUTH_PKCE_CHALLENGE_LEN 45   /* SH_BASE64_ENCODED_SIZE(32) */
int auth_pkce_challenge(const char *verifier, char out[AUTH_PKCE_CHALLENGE_LEN]);
/* The IdP authorize URL the start route redirects to.  challenge and nonce
 * are the oidc extras (NULL for openchoreo-auth); github adds
 * access_type=offline&prompt=consent.  malloc'd, or NULL when over the URL
 * cap. */
char *auth_authorize_url(const struct auth_provider *p, const char *scope, const char *state,
			 const char *challenge, const char *nonce);

/* ------------------------------------------------------------ session.c */

/* An error of the flow: Backstage name, message and HTTP status. */
struct auth_err {
	int status;
	const char *name;
	char message[512];
};

/* Fills e; returns SH_EINVAL so that callers can `return auth_err_set(...)`. */
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

/* ------------------------------------------------------------ oidc*.c */

/* oidc.c: GET (body NULL) or POST a URL; *out is the JSON object of a 2xx
 * answer.  0, or an SH_E* code with the reason in why. */
int auth_idp_fetch(const char *url, const char *const *headers, const char *body, json_t **out,
		   char *why, size_t whylen);
/* oidc.c: discovery (lazy, cached). 0 or an error in e. */
int auth_idp_discover(struct auth_provider *p, struct auth_err *e);
/* oidc_grants.c: grant_type=authorization_code&code&redirect_uri into a
 * form body (every provider's exchange starts so); 0 or SH_ETOOBIG. */
int auth_code_grant_form(struct sh_buf *body, const struct auth_provider *p, const char *code);
/* oidc_grants.c: the authorization_code exchange (+ id_token checks for oidc). */
int auth_idp_exchange(struct auth_provider *p, const char *code, const char *verifier,
		      const char *nonce, struct auth_session *s, struct auth_err *e);
/* oidc_grants.c: a session from the refresh cookie's value. */
int auth_idp_refresh(struct auth_provider *p, const char *value, const char *scope,
		     struct auth_session *s, struct auth_err *e);
/* oidc_verify.c: decodes a JWT payload without verifying it; NULL if not a JWT. */
json_t *auth_jwt_payload(const char *token);
/* oidc_verify.c: verifies an RS256 JWT against the IdP JWKS; 0 or SH_EINVAL. */
int auth_idp_verify(struct auth_provider *p, const char *token, char *why, size_t whylen);
/* oidc_verify.c: the OIDC checks of an id_token (signature, iss, aud, exp,
 * iat, and nonce unless NULL); *claims a new reference.  0 or SH_EINVAL. */
int auth_idp_check_id_token(struct auth_provider *p, const char *token, const char *nonce,
			    json_t **claims, char *why, size_t whylen);

/* ------------------------------------------------------------ github*.c */

/* The scope every github sign-in asks for (Backstage's required scope). */
#define AUTH_GITHUB_SCOPE "read:user"
/* The refresh cookie of a token that does not expire: this prefix and the
 * access token itself (GitHub OAuth apps issue no refresh token). */
#define AUTH_GITHUB_TOKEN_PREFIX "access-token-v2."

/* github.c: the OAuth and profile endpoints of github.com (instance NULL or
 * empty) or of a GitHub Enterprise Server at `instance` (its URL, or a bare
 * host name as GITHUB_HOST gives it): <i>/login/oauth/authorize,
 * <i>/login/oauth/access_token and <i>/api/v3/user.  Sets p->authorize_url,
 * token_url and userinfo_url (malloc'd); 0, or SH_EINVAL for a bad URL. */
int auth_github_endpoints(struct auth_provider *p, const char *instance);
/* github.c: the token endpoint's answer (JSON, or the form GitHub sends
 * without Accept: application/json) into s: access_token, scope,
 * refresh_token, expires_in.  GitHub answers errors with 200 and an `error`
 * member: 0, or SH_EINVAL with the error and its description in why. */
int auth_github_token_answer(const char *body, size_t len, struct auth_session *s, char *why,
			     size_t whylen);
/* github.c: the profile of §1.5 from a GET /user answer: email, picture
 * (avatar_url), displayName (name, else login, else id).  New reference. */
json_t *auth_github_profile(const json_t *user);
/* github.c: whether every word of the space/comma list `wanted` is in `granted`. */
bool auth_scope_covers(const char *granted, const char *wanted);

/* github_grants.c: the code exchange and GET /user; s->scope becomes
 * `granted` (the scope the start asked for, from the state); a token that
 * does not expire is kept as the AUTH_GITHUB_TOKEN_PREFIX refresh value. */
int auth_github_exchange(struct auth_provider *p, const char *code, const char *granted,
			 struct auth_session *s, struct auth_err *e);
/* github_grants.c: a session from the refresh cookie's value: the stored
 * token re-validated by GET /user (which refuses a scope beyond the
 * granted one: `covered` false), or a refresh_token grant for tokens that
 * expire (GitHub Apps).  scope is the granted and requested union. */
int auth_github_refresh(struct auth_provider *p, const char *value, const char *scope,
			bool covered, struct auth_session *s, struct auth_err *e);

/* ------------------------------------------------------------ resolvers.c */

/* The profile of §1.5 from a session. New reference. */
json_t *auth_profile(const struct auth_provider *p, const struct auth_session *s);
/* The sign-in resolver: *sub (malloc'd) and *ent (new ref). */
int auth_resolve(struct sh_req *req, struct auth_provider *p, const struct auth_session *s,
		 json_t *profile, char **sub, json_t **ent, struct auth_err *e);

#endif
