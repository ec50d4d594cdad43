/*
 * How the OAuth callback answers the browser (spec platform-apis §1.5):
 * the popup page that posts the outcome to its opener, under a CSP that
 * allows exactly its one script; or a 302 for the redirect flow.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/stagehand.h>

#include "flow.h"

#define POPUP_DATA_MAX (1u << 20)

/* s percent-encoded (quotes included, so it fits a JS '...' literal), in the arena. */
static char *pct_encoded(struct sh_req *req, const char *s)
{
	struct sh_buf b;
	char *out = NULL;

	sh_buf_init(&b, POPUP_DATA_MAX);
	if (sh_buf_add_pct(&b, s, strlen(s)) == 0)
		out = sh_strdup(req, sh_buf_str(&b));
	sh_buf_free(&b);
	return out;
}

static char *popup_script(struct sh_req *req, const char *origin, json_t *payload)
{
	char *text = json_dumps(payload, JSON_COMPACT);
	char *data = text ? pct_encoded(req, text) : NULL, *org = pct_encoded(req, origin);

	free(text);
	if (!data || !org)
		return NULL;
	return sh_printf(req,
		"\n    var authResponse = decodeURIComponent('%s');"
		"\n    var origin = decodeURIComponent('%s');"
		"\n    var originInfo = {'type': 'config_info', 'targetOrigin': origin};"
		"\n    (window.opener || window.parent).postMessage(originInfo, '*');"
		"\n    (window.opener || window.parent).postMessage(JSON.parse(authResponse), origin);"
		"\n    setTimeout(() => {"
		"\n      window.close();"
		"\n    }, 100);"
		"\n  ", data, org);
}

/* script-src 'sha256-<base64 of the script's SHA-256>', or NULL. */
static char *script_csp(struct sh_req *req, const char *script)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char hash[SH_BASE64_ENCODED_SIZE(EVP_MAX_MD_SIZE)];

	if (EVP_Digest(script, strlen(script), d, &dlen, EVP_sha256(), NULL) != 1)
		return NULL;
	sh_base64_encode(hash, d, dlen, SH_B64_STD);
	return sh_printf(req, "script-src 'sha256-%s'", hash);
}

int auth_reply_popup(struct sh_req *req, const char *origin, json_t *payload)
{
	char *script = popup_script(req, origin, payload), *csp, *html;

	json_decref(payload);
	if (!script)
		return sh_fail(req, 500, "Error", "the sign-in outcome is too large");
	if (!(csp = script_csp(req, script)))
		return sh_fail(req, 500, "Error", "digest failed");
	html = sh_printf(req, "<html><body><script>%s</script></body></html>", script);
	sh_reply_header(req, "X-Frame-Options", "sameorigin");
	sh_reply_header(req, "Content-Security-Policy", csp);
	return sh_reply_raw(req, 200, "text/html", html, strlen(html));
}

int auth_reply_redirect(struct sh_req *req, const char *location)
{
	if (sh_reply_header(req, "Location", location) != 0)
		return sh_fail(req, 400, "InputError", "Invalid redirect URL");
	return sh_reply_empty(req, 302);
}

/* The redirect flow's error: redirectUrl?error=<message>. */
static int redirect_error(struct sh_req *req, const struct auth_provider *p,
			  const struct auth_state *st, const struct auth_err *e)
{
	const char *url = st->redirect_url;
	char *msg;

	if (!url)
		return sh_fail(req, 400, "InputError",
			       "No redirectUrl provided in request query parameters");
	if (!auth_provider_url_ok(p, url))
		return sh_fail(req, 403, "NotAllowedError", "Redirect URL is not allowed");
	msg = pct_encoded(req, e->message);
	return auth_reply_redirect(req, sh_printf(req, "%s%cerror=%s", url,
						  strchr(url, '?') ? '&' : '?', msg ? msg : ""));
}

int auth_reply_flow_error(struct sh_req *req, const struct auth_provider *p,
			  const struct auth_state *st, const struct auth_err *e)
{
	const char *origin = p->app_origin;

	if (auth_state_is_redirect(st))
		return redirect_error(req, p, st, e);
	if (st && st->origin && auth_provider_url_ok(p, st->origin))
		origin = st->origin;
	return auth_reply_popup(req, origin,
				json_pack("{s:s, s:{s:s, s:s}}", "type", "authorization_response",
					  "error", "name", e->name, "message", e->message));
}
