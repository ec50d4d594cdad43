/*
 * The backstage-auth cookie (platform-apis §1.4, Backstage's
 * createCookieAuthRefreshMiddleware): GET /api/<plugin>/.backstage/auth/v1/cookie
 * turns the caller's user token into its limited form (same key, the `uip`
 * signature) and sets it as a cookie, DELETE clears it.  Registered by the
 * host for every plugin, as Backstage's HTTP router does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jws.h"
#include "req.h"

#define AUTH_COOKIE "backstage-auth"
#define COOKIE_PATH "/.backstage/auth/v1/cookie"
#define REISSUE_BEFORE 300          /* seconds: a cookie closer to exp is replaced */

/* "Tue, 24 Nov 2026 12:00:00 GMT" (Date.prototype.toUTCString), locale-free. */
static void http_date(long long t, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "2026-11-24T12:00:00.000Z" (Date.prototype.toISOString). */
static char *iso_date(struct sh_req *req, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	return sh_printf(req, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Backstage's cookie options from the plugin's external base URL: Domain =
 * its hostname, Path=/, HttpOnly, Secure when https or localhost,
 * Priority=High, SameSite=None when secure else Lax; in the attribute order
 * Express writes them.
 */
static int set_cookie(struct sh_req *req, const char *value, long long expires)
{
	const char *base = sh_conf_str(req->host->conf, "server", "base_url");
	const char *host = base ? strstr(base, "://") : NULL;
	size_t hlen;
	bool https, secure;
	char date[40];

	if (!host)
		return sh_fail(req, 500, "Error", "server base_url is not a URL");
	https = strncasecmp(base, "https:", 6) == 0;
	host += 3;
	hlen = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?#");
	secure = https || (hlen == 9 && strncasecmp(host, "localhost", 9) == 0);
	http_date(expires, date, sizeof date);
	return sh_reply_header(req, "Set-Cookie",
			       sh_printf(req, "%s=%s; Domain=%.*s; Path=/; Expires=%s; HttpOnly;%s "
					 "Priority=High; SameSite=%s", AUTH_COOKIE, value,
					 (int)hlen, host, date, secure ? " Secure;" : "",
					 secure ? "None" : "Lax"));
}

/* The exp of a verified limited token in the request's cookie, or 0. */
static long long existing_cookie_exp(struct sh_req *req)
{
	const char *cookie = sh_req_cookie(req, AUTH_COOKIE);
	struct sh_identity id;
	struct sh_jws j;
	char why[128];
	long long exp = 0;

	if (!cookie || !*cookie || host_identity_backstage(req, cookie, true, &id, why, sizeof why) != 0)
		return 0;
	if (sh_jws_parse(cookie, &j, why, sizeof why) != 0)
		return 0;
	exp = (long long)json_integer_value(json_object_get(j.payload, "exp"));
	sh_jws_clear(&j);
	return exp;
}

/* The limited form of a Backstage user token (§1.6), or NULL.  A limited
 * token (the caller came with the cookie) is its own limited form, as in
 * Backstage's getLimitedUserToken. */
static char *limited_of(struct sh_req *req, const char *token, long long *exp)
{
	struct sh_jws j;
	json_t *h = NULL, *p = NULL;
	char why[128], *hs = NULL, *ps = NULL, *out = NULL;
	const char *uip, *kid, *sub, *typ;

	if (sh_jws_parse(token, &j, why, sizeof why) != 0)
		return NULL;
	uip = json_string_value(json_object_get(j.payload, "uip"));
	kid = json_string_value(json_object_get(j.header, "kid"));
	sub = json_string_value(json_object_get(j.payload, "sub"));
	typ = json_string_value(json_object_get(j.header, "typ"));
	*exp = (long long)json_integer_value(json_object_get(j.payload, "exp"));
	if (typ && strcmp(typ, "vnd.backstage.limited-user") == 0 && *exp) {
		out = sh_strdup(req, token);
		goto out;
	}
	if (!uip || !kid || !sub || !*exp)
		goto out;
	h = json_pack("{s:s, s:s, s:s}", "typ", "vnd.backstage.limited-user", "alg", "ES256",
		      "kid", kid);
	p = json_pack("{s:s, s:O, s:I}", "sub", sub, "iat", json_object_get(j.payload, "iat"),
		      "exp", (json_int_t)*exp);
	hs = h ? json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	ps = p ? json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (hs && ps) {
		char *bh = sh_alloc(req, SH_BASE64_ENCODED_SIZE(strlen(hs)));
		char *bp = sh_alloc(req, SH_BASE64_ENCODED_SIZE(strlen(ps)));

		sh_base64_encode(bh, hs, strlen(hs), SH_B64_URL);
		sh_base64_encode(bp, ps, strlen(ps), SH_B64_URL);
		out = sh_printf(req, "%s.%s.%s", bh, bp, uip);
	}
out:
	free(hs);
	free(ps);
	json_decref(h);
	json_decref(p);
	sh_jws_clear(&j);
	return out;
}

static int get_cookie(struct sh_req *req, void *state)
{
	const char *token = sh_req_identity(req)->token;
	struct sh_identity id;
	long long exp = 0, have = existing_cookie_exp(req), now = (long long)time(NULL);
	char why[128], *limited;

	(void)state;
	if (req->host->auth_enabled && sh_req_identity(req)->kind != SH_PRINCIPAL_USER)
		return sh_fail(req, 403, "NotAllowedError",
			       "This endpoint does not allow 'service' credentials");
	if (!token && !req->host->auth_enabled) {
		/* Auth off makes every caller the guest without looking at the
		 * token; a cookie still needs one. */
		const char *h = sh_req_header(req, "Authorization");

		token = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 + strspn(h + 7, " ") : NULL;
		if (token && host_identity_backstage(req, token, false, &id, why, sizeof why) != 0)
			return sh_fail(req, 401, "AuthenticationError", "Invalid token");
	}
	if (!token || !*token)
		return sh_fail(req, 401, "AuthenticationError", "Missing credentials");
	if (have && have - now > REISSUE_BEFORE)
		return sh_reply_json(req, 200, json_pack("{s:s}", "expiresAt", iso_date(req, have)));
	limited = limited_of(req, token, &exp);
	/* Only a token that verifies becomes a cookie. */
	if (!limited || host_identity_backstage(req, limited, true, &id, why, sizeof why) != 0)
		return sh_fail(req, 401, "AuthenticationError",
			       "Refused to issue cookie: the token has no limited form");
	if (set_cookie(req, limited, exp) != 0)
		return sh_req_status(req) ? sh_req_status(req)
		       : sh_fail(req, 500, "Error", "could not set the cookie");
	return sh_reply_json(req, 200, json_pack("{s:s}", "expiresAt", iso_date(req, exp)));
}

static int delete_cookie(struct sh_req *req, void *state)
{
	(void)state;
	if (set_cookie(req, "", 0) != 0)
		return sh_req_status(req) ? sh_req_status(req)
		       : sh_fail(req, 500, "Error", "could not clear the cookie");
	return sh_reply_empty(req, 204);
}

int host_identity_cookie_register(struct sh_host *h)
{
	static const struct sh_route_spec get = {
		.method = "GET", .auth = SH_AUTH_USER_COOKIE, .fn = get_cookie,
		.flags = HOST_ROUTE_BY_HOST
	};
	static const struct sh_route_spec del = {
		.method = "DELETE", .auth = SH_AUTH_USER_COOKIE, .fn = delete_cookie,
		.flags = HOST_ROUTE_BY_HOST
	};
	char path[256];
	int rc = 0;

	for (size_t i = 0; i < h->n_plugins && rc == 0; i++) {
		const struct host_plugin *p = &h->plugins[i];

		snprintf(path, sizeof path, "/api/%s%s", p->info->name, COOKIE_PATH);
		/* user-cookie, as Backstage's credentials barrier registers this
		 * path: the cookie itself may renew or clear the cookie. */
		rc = host_router_add_spec(h->router, path, &get, NULL, p);
		if (rc == 0)
			rc = host_router_add_spec(h->router, path, &del, NULL, p);
	}
	return rc;
}
