/*
 * GET|POST /:provider/handler/frame, the IdP's callback (spec platform-apis
 * §1.2-1.5): checks state, origin, redirectUrl and nonce, exchanges the
 * code, resolves the user and issues a Backstage token; answers with the
 * popup page or, in the redirect flow, a 302.  Every failure after the
 * state is read reports to the caller the way that flow expects.
 */
#include <string.h>

#include <stagehand/stagehand.h>

#include "flow.h"
#include "routes.h"

/* A callback parameter: the query, else the form body (response_mode=form_post). */
static const char *frame_param(struct sh_req *req, const char *key)
{
	const char *v = sh_req_query(req, key), *body;
	size_t len;

	if (v || strcmp(sh_req_method(req), "POST") || sh_req_body(req, &body, &len) != 0)
		return v;
	return auth_flow_keep(req, auth_form_get(body, len, key));
}

/* Reports a failure: to st's caller, or to the app when st is NULL (untrusted). */
static int fail(struct sh_req *req, const struct auth_provider *p, const struct auth_state *st,
		int status, const char *name, const char *message)
{
	struct auth_err e;

	auth_err_set(&e, status, name, "%s", message);
	return auth_reply_flow_error(req, p, st, &e);
}

/* Decodes the state, which must be of this provider's environment. */
static int read_state(struct sh_req *req, const struct auth_provider *p, struct auth_state *st)
{
	const char *hex = frame_param(req, "state");
	char why[160];

	if (sh_req_status(req))
		return sh_req_status(req);
	if (auth_state_decode(hex, st, why, sizeof why) != 0) {
		auth_state_clear(st);
		return fail(req, p, NULL, 403, "NotAllowedError", why);
	}
	if (strcmp(st->env, p->env))
		return fail(req, p, st, 404, "NotFoundError",
			    sh_printf(req, "No configuration available for the '%s' environment "
				      "of this provider.", st->env));
	return 0;
}

/* The state's origin (default: the app's) and redirectUrl must be allowed. */
static int check_targets(struct sh_req *req, const struct auth_provider *p,
			 const struct auth_state *st, const char **origin)
{
	*origin = st->origin ? st->origin : p->app_origin;
	if (!auth_provider_origin_ok(p, *origin))
		return fail(req, p, NULL, 403, "NotAllowedError",
			    sh_printf(req, "Origin '%s' is not allowed", *origin));
	if (auth_state_is_redirect(st) && st->redirect_url &&
	    !auth_provider_url_ok(p, st->redirect_url))
		return fail(req, p, NULL, 403, "NotAllowedError", "Redirect URL is not allowed");
	return 0;
}

/* The nonce cookie matches the state's; the IdP sent a code, not an error. */
static int read_code(struct sh_req *req, const struct auth_provider *p,
		     const struct auth_state *st, const char **code)
{
	const char *nonce = auth_flow_cookie(req, p, "nonce"), *err;

	if (!nonce)
		return fail(req, p, st, 403, "NotAllowedError",
			    "Auth response is missing cookie nonce");
	if (strcmp(nonce, st->nonce))
		return fail(req, p, st, 403, "NotAllowedError", "Invalid nonce");
	if ((err = frame_param(req, "error"))) {
		const char *desc = frame_param(req, "error_description");

		return fail(req, p, st, 401, "AuthenticationError",
			    sh_printf(req, "Authentication rejected, %s", desc ? desc : err));
	}
	if (!(*code = frame_param(req, "code")) || !**code)
		return fail(req, p, st, 400, "InputError",
			    "Authentication failed, no code in the response");
	return 0;
}

/* The code exchange; oidc sends the PKCE verifier and checks the nonce;
 * github's granted scope is the one its start asked for. */
static int exchange(struct sh_req *req, struct auth_provider *p, const struct auth_state *st,
		    const char *code, struct auth_session *s, struct auth_err *e)
{
	const char *verifier = NULL;

	if (auth_idp_discover(p, e) != 0)
		return SH_EUNAVAIL;
	if (p->kind == AUTH_KIND_GITHUB)
		return auth_github_exchange(p, code, st->scope, s, e);
	if (p->kind == AUTH_KIND_OIDC && !(verifier = auth_flow_cookie(req, p, "pkce")))
		return auth_err_set(e, 403, "NotAllowedError",
				    "Auth response is missing cookie code verifier");
	return auth_idp_exchange(p, code, verifier, verifier ? st->nonce : NULL, s, e);
}

/* Exchange, session, cookies, and the answer of the state's flow. */
static int sign_in(struct sh_req *req, struct auth_provider *p, const struct auth_state *st,
		   const char *origin, const char *code)
{
	struct auth_session s = { 0 };
	struct auth_err e;
	json_t *session = NULL;

	if (exchange(req, p, st, code, &s, &e) != 0 ||
	    !(session = auth_session_json(req, p, &s, &e))) {
		auth_session_clear(&s);
		return auth_reply_flow_error(req, p, st, &e);
	}
	auth_session_cookies(req, p, &s);
	auth_session_clear(&s);
	if (!auth_state_is_redirect(st))
		return auth_reply_popup(req, origin, json_pack("{s:s, s:o}", "type",
							       "authorization_response",
							       "response", session));
	json_decref(session);
	if (!st->redirect_url)
		return sh_fail(req, 400, "InputError",
			       "No redirectUrl provided in request query parameters");
	return auth_reply_redirect(req, st->redirect_url);
}

static void state_free(void *st)
{
	auth_state_clear(st);
}

int auth_route_frame(struct sh_req *req, void *state)
{
	struct auth_state *st = sh_alloc(req, sizeof *st);
	struct auth_provider *p;
	const char *origin = NULL, *code = NULL;
	int rc;

	memset(st, 0, sizeof *st);
	sh_defer(req, state_free, st);
	if ((rc = auth_flow_provider(req, state, &p)) || (rc = read_state(req, p, st)) ||
	    (rc = check_targets(req, p, st, &origin)) || (rc = read_code(req, p, st, &code)))
		return rc;
	return sign_in(req, p, st, origin, code);
}
