/*
 * The generic OAuth2 sign-in flow of the auth plugin (spec platform-apis
 * §1.1-1.5), as Backstage's createOAuthRouteHandlers runs it, for the
 * providers `openchoreo-auth` and `oidc`:
 *
 *   GET       /<p>/start          nonce cookie, state, 302 to the IdP
 *   GET, POST /<p>/handler/frame  checks state, origin and nonce, exchanges
 *                                 the code, resolves the user, issues a
 *                                 Backstage token; popup page or 302
 *   GET, POST /<p>/refresh        session from the refresh cookie
 *   POST      /<p>/logout         clears the cookies
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stagehand/stagehand.h>

#include "auth.h"
#include "oauth.h"

#define NONCE_MAX_AGE 600
#define DEFAULT_SCOPE "openid profile email"

/* ------------------------------------------------------------ helpers */

static char *b64(struct sh_req *req, const unsigned char *buf, size_t len, bool url)
{
	char *out = sh_alloc(req, 4 * ((len + 2) / 3) + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, buf, (int)len);

	if (url) {
		for (int i = 0; i < n; i++)
			out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
		while (n > 0 && out[n - 1] == '=')
			out[--n] = '\0';
	}
	return out;
}

static char *random_b64(struct sh_req *req, size_t bytes, bool url)
{
	unsigned char b[64];

	if (bytes > sizeof b || RAND_bytes(b, (int)bytes) != 1)
		return NULL;
	return b64(req, b, bytes, url);
}

/* Moves a malloc'd string into the request arena. */
static char *arena(struct sh_req *req, char *s)
{
	char *out = s ? sh_strdup(req, s) : NULL;

	free(s);
	return out;
}

static bool origin_allowed(const struct auth_provider *p, const char *origin)
{
	if (!strcmp(origin, p->app_origin))
		return true;
	for (size_t i = 0; i < p->n_extra_origins; i++)
		if (auth_origin_glob(p->extra_origins[i], origin))
			return true;
	return false;
}

static char *cookie_name(struct sh_req *req, const struct auth_provider *p, const char *what)
{
	return sh_printf(req, "%s-%s", p->id, what);
}

static void set_cookie(struct sh_req *req, const struct auth_provider *p, const char *what,
		       const char *value, const char *path, long max_age)
{
	struct auth_cookie_attrs a = { .path = path, .max_age = max_age, .secure = p->secure,
				       .same_site = p->same_site };
	char *out[AUTH_COOKIE_MAX_CHUNKS];
	int n = auth_cookie_build(cookie_name(req, p, what), value, &a, time(NULL), out,
				  AUTH_COOKIE_MAX_CHUNKS);

	if (n < 0) {
		sh_log(SH_LOG_WARN, "auth: %s cookie %s too large or out of memory", p->id, what);
		return;
	}
	for (int i = 0; i < n; i++) {
		sh_reply_header(req, "Set-Cookie", out[i]);
		free(out[i]);
	}
}

/* Deletes a cookie and any chunks of it the browser sent. */
static void clear_cookie(struct sh_req *req, const struct auth_provider *p, const char *what,
			 const char *path)
{
	const char *name = cookie_name(req, p, what);

	set_cookie(req, p, what, "", path, 0);
	for (int i = 0; i < AUTH_COOKIE_MAX_CHUNKS; i++) {
		char *chunk = sh_printf(req, "%s-%d", name, i);
		struct auth_cookie_attrs a = { .path = path, .max_age = 0, .secure = p->secure,
					       .same_site = p->same_site };
		char *out[1];

		if (!sh_req_cookie(req, chunk))
			break;
		if (auth_cookie_build(chunk, "", &a, time(NULL), out, 1) == 1) {
			sh_reply_header(req, "Set-Cookie", out[0]);
			free(out[0]);
		}
	}
}

/* A cookie's decoded value (joined from chunks), or NULL. */
static char *read_cookie(struct sh_req *req, const struct auth_provider *p, const char *what)
{
	const char *name = cookie_name(req, p, what), *whole = sh_req_cookie(req, name);
	const char *chunks[AUTH_COOKIE_MAX_CHUNKS];
	int n = 0;

	if (!whole)
		while (n < AUTH_COOKIE_MAX_CHUNKS &&
		       (chunks[n] = sh_req_cookie(req, sh_printf(req, "%s-%d", name, n))))
			n++;
	return arena(req, auth_cookie_join(whole, chunks, n));
}

/* 400 without env, 404 for another environment; 0 when it is ours. */
static int check_env(struct sh_req *req, const struct auth_provider *p, const char *env)
{
	if (!env || !*env)
		return sh_fail(req, 400, "InputError",
			       "Must specify 'env' query to select environment");
	if (strcmp(env, p->env))
		return sh_fail(req, 404, "NotFoundError",
			       "No configuration available for the '%s' environment of this "
			       "provider.", env);
	return 0;
}

static bool xhr(struct sh_req *req)
{
	const char *v = sh_req_header(req, "X-Requested-With");

	return v && !strcmp(v, "XMLHttpRequest");
}

static int fail_err(struct sh_req *req, const struct auth_err *e)
{
	return sh_fail(req, e->status, e->name, "%s", e->message);
}

/* Space-joined union of several scope lists, in first-seen order. */
static char *scope_union(struct sh_req *req, const char *const *lists, size_t n)
{
	char *out = sh_strdup(req, "");

	for (size_t i = 0; i < n; i++) {
		const char *s = lists[i];

		while (s && *s) {
			size_t len;
			char *word;

			s += strspn(s, " \t,");
			len = strcspn(s, " \t,");
			if (!len)
				break;
			word = sh_strndup(req, s, len);
			s += len;
			bool seen = false;

			for (const char *o = out; *o;) {
				size_t l = strcspn(o, " ");

				if (l == len && !memcmp(o, word, len))
					seen = true;
				o += l + (o[l] == ' ');
			}
			if (!seen)
				out = *out ? sh_printf(req, "%s %s", out, word) : word;
		}
	}
	return out;
}

/* ------------------------------------------------------------ responses */

/* The popup page: posts the payload to the opener (spec §1.5). */
static int reply_popup(struct sh_req *req, const char *origin, json_t *payload)
{
	char *text = json_dumps(payload, JSON_COMPACT), *data, *org, *script, *html, *hash;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	json_decref(payload);
	data = arena(req, text ? auth_uri_component(text, true) : NULL);
	free(text);
	org = arena(req, auth_uri_component(origin, true));
	if (!data || !org)
		return sh_fail(req, 500, "Error", "out of memory");
	script = sh_printf(req,
		"\n    var authResponse = decodeURIComponent('%s');"
		"\n    var origin = decodeURIComponent('%s');"
		"\n    var originInfo = {'type': 'config_info', 'targetOrigin': origin};"
		"\n    (window.opener || window.parent).postMessage(originInfo, '*');"
		"\n    (window.opener || window.parent).postMessage(JSON.parse(authResponse), origin);"
		"\n    setTimeout(() => {"
		"\n      window.close();"
		"\n    }, 100);"
		"\n  ", data, org);
	if (EVP_Digest(script, strlen(script), digest, &dlen, EVP_sha256(), NULL) != 1)
		return sh_fail(req, 500, "Error", "digest failed");
	hash = b64(req, digest, dlen, false);
	html = sh_printf(req, "<html><body><script>%s</script></body></html>", script);
	sh_reply_header(req, "X-Frame-Options", "sameorigin");
	sh_reply_header(req, "Content-Security-Policy",
			sh_printf(req, "script-src 'sha256-%s'", hash));
	return sh_reply_raw(req, 200, "text/html", html, strlen(html));
}

static int reply_redirect(struct sh_req *req, const char *location)
{
	if (sh_reply_header(req, "Location", location) != 0)
		return sh_fail(req, 400, "InputError", "Invalid redirect URL");
	return sh_reply_empty(req, 302);
}

/* Whether a URL's origin may receive the outcome of a sign-in. */
static bool url_allowed(struct sh_req *req, const struct auth_provider *p, const char *url)
{
	char *o = url ? arena(req, auth_url_origin(url)) : NULL;

	return o && origin_allowed(p, o);
}

/* Where a failed callback reports: redirect flow, else the popup; never to
 * an origin or redirectUrl that is not allowed. */
static int frame_error(struct sh_req *req, const struct auth_provider *p,
		       const struct auth_state *st, const struct auth_err *e)
{
	if (st && st->flow && !strcmp(st->flow, "redirect")) {
		char *msg;

		if (!st->redirect_url)
			return sh_fail(req, 400, "InputError",
				       "No redirectUrl provided in request query parameters");
		if (!url_allowed(req, p, st->redirect_url))
			return sh_fail(req, 403, "NotAllowedError", "Redirect URL is not allowed");
		msg = arena(req, auth_uri_component(e->message, false));
		return reply_redirect(req, sh_printf(req, "%s%cerror=%s", st->redirect_url,
						     strchr(st->redirect_url, '?') ? '&' : '?',
						     msg ? msg : ""));
	}
	return reply_popup(req, st && st->origin && url_allowed(req, p, st->origin) ?
				st->origin : p->app_origin,
			   json_pack("{s:s, s:{s:s, s:s}}", "type", "authorization_response",
				     "error", "name", e->name, "message", e->message));
}

/* Profile, resolver, Backstage token: the session JSON of §1.5. */
static json_t *session_json(struct sh_req *req, struct auth_provider *p,
			    const struct auth_session *s, struct auth_err *e)
{
	json_t *profile = auth_profile(p, s), *ent = NULL, *info, *out;
	char *sub = NULL, *token;
	long long iat, exp;

	if (auth_resolve(req, p, s, profile, &sub, &ent, e) != 0) {
		json_decref(profile);
		return NULL;
	}
	if (auth_store_user_info(req, sub, ent) != 0 ||
	    !(token = auth_issue_token(p->auth, sub, ent, &iat, &exp))) {
		auth_err_set(e, 500, "Error", "could not issue the identity token");
		json_decref(profile);
		json_decref(ent);
		free(sub);
		return NULL;
	}
	info = json_pack("{s:s, s:s}", "accessToken", s->access_token, "scope",
			 s->scope ? s->scope : p->scope ? p->scope : DEFAULT_SCOPE);
	if (s->id_token)
		json_object_set_new(info, "idToken", json_string(s->id_token));
	if (s->expires_in >= 0)
		json_object_set_new(info, "expiresInSeconds", json_integer(s->expires_in));
	out = json_pack("{s:o, s:o, s:{s:s, s:I, s:{s:s, s:s, s:o}}}", "profile", profile,
			"providerInfo", info, "backstageIdentity", "token", token,
			"expiresInSeconds", (json_int_t)(exp - iat), "identity", "type", "user",
			"userEntityRef", sub, "ownershipEntityRefs", ent);
	free(token);
	free(sub);
	if (!out)
		auth_err_set(e, 500, "Error", "out of memory");
	return out;
}

static void set_session_cookies(struct sh_req *req, const struct auth_provider *p,
				const struct auth_session *s)
{
	if (s->refresh_token && s->rotated)
		set_cookie(req, p, "refresh-token", s->refresh_token, p->cookie_path,
			   p->session_max_age);
	if (p->kind == AUTH_KIND_OIDC && s->scope)
		set_cookie(req, p, "granted-scope", s->scope, p->cookie_path, p->session_max_age);
}

/* ------------------------------------------------------------ routes */

static int h_start(struct sh_req *req, void *state)
{
	struct auth_provider *p = state;
	const char *origin = sh_req_query(req, "origin"), *redirect = sh_req_query(req, "redirectUrl");
	struct auth_state st = { 0 };
	struct auth_err e;
	char *nonce, *hex, *scope, *loc, *verifier = NULL;
	int rc;

	if ((rc = check_env(req, p, sh_req_query(req, "env"))) != 0)
		return rc;
	if (origin) {
		char *o = arena(req, auth_url_origin(origin));

		if (!o)
			return sh_fail(req, 400, "InputError", "Invalid origin '%s'", origin);
		if (!origin_allowed(p, o))
			return sh_fail(req, 403, "NotAllowedError", "Origin '%s' is not allowed", o);
		origin = o;
	}
	if (redirect) {
		if (!url_allowed(req, p, redirect))
			return sh_fail(req, 403, "NotAllowedError",
				       "Redirect URL '%s' is not allowed", redirect);
	}
	if (auth_idp_discover(p, &e) != 0)
		return fail_err(req, &e);
	if (!(nonce = random_b64(req, 16, false)))
		return sh_fail(req, 500, "Error", "no randomness");
	if (p->kind == AUTH_KIND_OIDC) {
		const char *lists[] = { DEFAULT_SCOPE, p->scope, sh_req_query(req, "scope"),
					read_cookie(req, p, "granted-scope") };

		scope = scope_union(req, lists, 4);
	} else {
		scope = sh_strdup(req, p->scope ? p->scope : DEFAULT_SCOPE);
	}
	st.nonce = nonce;
	st.env = (char *)p->env;
	st.origin = (char *)origin;
	st.redirect_url = (char *)redirect;
	st.flow = (char *)sh_req_query(req, "flow");
	st.scope = p->kind == AUTH_KIND_OIDC ? scope : NULL;
	if (!(hex = arena(req, auth_state_encode(&st))))
		return sh_fail(req, 500, "Error", "out of memory");
	loc = sh_printf(req, "%s%sresponse_type=code&redirect_uri=%s&scope=%s&state=%s"
			"&client_id=%s", p->authorize_url, strchr(p->authorize_url, '?') ? "&" : "?",
			arena(req, auth_form_value(p->callback_url)),
			arena(req, auth_form_value(scope)), hex,
			arena(req, auth_form_value(p->client_id)));
	if (p->kind == AUTH_KIND_OIDC) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned int dlen = 0;

		if (!(verifier = random_b64(req, 32, true)) ||
		    EVP_Digest(verifier, strlen(verifier), d, &dlen, EVP_sha256(), NULL) != 1)
			return sh_fail(req, 500, "Error", "no randomness");
		loc = sh_printf(req, "%s&code_challenge=%s&code_challenge_method=S256&nonce=%s", loc,
				b64(req, d, dlen, true), arena(req, auth_form_value(nonce)));
		if (p->prompt && strcmp(p->prompt, "auto"))
			loc = sh_printf(req, "%s&prompt=%s", loc,
					arena(req, auth_form_value(p->prompt)));
		set_cookie(req, p, "pkce", verifier, sh_printf(req, "%s/handler", p->cookie_path),
			   NONCE_MAX_AGE);
	}
	set_cookie(req, p, "nonce", nonce, sh_printf(req, "%s/handler", p->cookie_path),
		   NONCE_MAX_AGE);
	return reply_redirect(req, loc);
}

/* A callback parameter: the query, else the form body (response_mode=form_post). */
static const char *frame_param(struct sh_req *req, const char *key)
{
	const char *v = sh_req_query(req, key), *body;
	size_t len;

	if (v || strcmp(sh_req_method(req), "POST") || sh_req_body(req, &body, &len) != 0)
		return v;
	for (const char *s = body; *s;) {
		const char *end = s + strcspn(s, "&"), *eq = memchr(s, '=', (size_t)(end - s));

		if (eq && (size_t)(eq - s) == strlen(key) && !memcmp(s, key, strlen(key)))
			return arena(req, auth_percent_decode(eq + 1, (size_t)(end - eq - 1), true));
		s = *end ? end + 1 : end;
	}
	return NULL;
}

static void state_free(void *st)
{
	auth_state_clear(st);
}

static int h_frame(struct sh_req *req, void *state)
{
	struct auth_provider *p = state;
	struct auth_state *st = sh_alloc(req, sizeof *st);
	struct auth_session s = { 0 };
	struct auth_err e;
	const char *code, *nonce, *err, *origin;
	char why[160];
	json_t *session;
	int rc;

	memset(st, 0, sizeof *st);
	sh_defer(req, state_free, st);
	code = frame_param(req, "state");
	if (sh_req_status(req))
		return sh_req_status(req);
	if (auth_state_decode(code, st, why, sizeof why) != 0) {
		auth_state_clear(st);
		auth_err_set(&e, 403, "NotAllowedError", "%s", why);
		return frame_error(req, p, NULL, &e);
	}
	if (strcmp(st->env, p->env)) {
		auth_err_set(&e, 404, "NotFoundError",
			     "No configuration available for the '%s' environment of this provider.",
			     st->env);
		return frame_error(req, p, st, &e);
	}
	origin = st->origin ? st->origin : p->app_origin;
	if (!origin_allowed(p, origin)) {
		auth_err_set(&e, 403, "NotAllowedError", "Origin '%s' is not allowed", origin);
		return frame_error(req, p, NULL, &e);
	}
	if (st->flow && !strcmp(st->flow, "redirect") && st->redirect_url) {
		if (!url_allowed(req, p, st->redirect_url)) {
			auth_err_set(&e, 403, "NotAllowedError", "Redirect URL is not allowed");
			return frame_error(req, p, NULL, &e);
		}
	}
	nonce = read_cookie(req, p, "nonce");
	if (!nonce) {
		auth_err_set(&e, 403, "NotAllowedError", "Auth response is missing cookie nonce");
		return frame_error(req, p, st, &e);
	}
	if (strcmp(nonce, st->nonce)) {
		auth_err_set(&e, 403, "NotAllowedError", "Invalid nonce");
		return frame_error(req, p, st, &e);
	}
	if ((err = frame_param(req, "error"))) {
		const char *desc = frame_param(req, "error_description");

		auth_err_set(&e, 401, "AuthenticationError", "Authentication rejected, %s",
			     desc ? desc : err);
		return frame_error(req, p, st, &e);
	}
	if (!(code = frame_param(req, "code")) || !*code) {
		auth_err_set(&e, 400, "InputError", "Authentication failed, no code in the response");
		return frame_error(req, p, st, &e);
	}
	if (auth_idp_discover(p, &e) != 0)
		return frame_error(req, p, st, &e);
	if (p->kind == AUTH_KIND_OIDC) {
		const char *verifier = read_cookie(req, p, "pkce");

		if (!verifier) {
			auth_err_set(&e, 403, "NotAllowedError",
				     "Auth response is missing cookie code verifier");
			return frame_error(req, p, st, &e);
		}
		rc = auth_idp_exchange(p, code, verifier, st->nonce, &s, &e);
	} else {
		rc = auth_idp_exchange(p, code, NULL, NULL, &s, &e);
	}
	if (rc != 0 || !(session = session_json(req, p, &s, &e))) {
		auth_session_clear(&s);
		return frame_error(req, p, st, &e);
	}
	set_session_cookies(req, p, &s);
	auth_session_clear(&s);
	if (st->flow && !strcmp(st->flow, "redirect")) {
		json_decref(session);
		if (!st->redirect_url)
			return sh_fail(req, 400, "InputError",
				       "No redirectUrl provided in request query parameters");
		return reply_redirect(req, st->redirect_url);
	}
	return reply_popup(req, origin, json_pack("{s:s, s:o}", "type", "authorization_response",
						  "response", session));
}

static int h_refresh(struct sh_req *req, void *state)
{
	struct auth_provider *p = state;
	struct auth_session s = { 0 };
	struct auth_err e;
	const char *value;
	json_t *session;
	int rc;

	if (!xhr(req))
		return sh_fail(req, 401, "AuthenticationError", "Invalid X-Requested-With header");
	if ((rc = check_env(req, p, sh_req_query(req, "env"))) != 0)
		return rc;
	if (!(value = read_cookie(req, p, "refresh-token")) || !*value)
		return sh_fail(req, 401, "AuthenticationError",
			       "Refresh failed; caused by InputError: Missing session cookie");
	if (auth_idp_discover(p, &e) != 0 || auth_idp_refresh(p, value, NULL, &s, &e) != 0) {
		auth_session_clear(&s);
		if (strncmp(e.message, "Refresh failed", 14))
			return sh_fail(req, 401, "AuthenticationError",
				       "Refresh failed; caused by %s: %s", e.name, e.message);
		return fail_err(req, &e);
	}
	if (!(session = session_json(req, p, &s, &e))) {
		auth_session_clear(&s);
		return sh_fail(req, 401, "AuthenticationError", "Refresh failed; caused by %s: %s",
			       e.name, e.message);
	}
	set_session_cookies(req, p, &s);
	auth_session_clear(&s);
	return sh_reply_json(req, 200, session);
}

static int h_logout(struct sh_req *req, void *state)
{
	struct auth_provider *p = state;
	int rc;

	if (!xhr(req))
		return sh_fail(req, 401, "AuthenticationError", "Invalid X-Requested-With header");
	if ((rc = check_env(req, p, sh_req_query(req, "env"))) != 0)
		return rc;
	clear_cookie(req, p, "refresh-token", p->cookie_path);
	if (p->kind == AUTH_KIND_OIDC)
		clear_cookie(req, p, "granted-scope", p->cookie_path);
	return sh_reply_empty(req, 200);
}

/* ------------------------------------------------------------ set-up */

int auth_oauth_routes(struct sh_host *host, struct auth_provider *p, char *err, size_t errlen)
{
	static const struct {
		const char *method, *suffix;
		sh_handler_fn fn;
	} routes[] = {
		{ "GET", "/start", h_start },
		{ "GET", "/handler/frame", h_frame },
		{ "POST", "/handler/frame", h_frame },
		{ "GET", "/refresh", h_refresh },
		{ "POST", "/refresh", h_refresh },
		{ "POST", "/logout", h_logout },
	};
	int rc;

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		char pattern[128];

		snprintf(pattern, sizeof pattern, "/%s%s", p->id, routes[i].suffix);
		if ((rc = sh_route(host, routes[i].method, pattern, SH_AUTH_NONE, routes[i].fn, p))) {
			snprintf(err, errlen, "auth: route %s %s: %s", routes[i].method, pattern,
				 sh_strerror(rc));
			return rc;
		}
	}
	return 0;
}
