/*
 * Cookies of the OAuth flow (spec platform-apis §1.4, Backstage's
 * OAuthCookieManager): values URL-encoded as Express writes them, split into
 * `<name>-0`, `<name>-1`... when longer than 4000 characters, re-joined and
 * decoded on read.  Pure: no host calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth.h"

static char *one(const char *name, const char *value, size_t vlen,
		 const struct auth_cookie_attrs *a, time_t now)
{
	char *raw = strndup(value, vlen), *enc = raw ? auth_uri_component(raw, false) : NULL;
	char expires[64], *out = NULL;
	time_t when = now + (a->max_age > 0 ? a->max_age : 0);
	struct tm tm;
	size_t n;

	if (a->max_age <= 0)
		when = now;
	if (!enc || !gmtime_r(&when, &tm) ||
	    !strftime(expires, sizeof expires, "%a, %d %b %Y %H:%M:%S GMT", &tm))
		goto out;
	n = strlen(name) + strlen(enc) + strlen(a->path) + strlen(expires) + 128;
	if ((out = malloc(n)))
		snprintf(out, n, "%s=%s; Max-Age=%ld; Path=%s; Expires=%s; HttpOnly%s; SameSite=%s",
			 name, enc, a->max_age > 0 ? a->max_age : 0L, a->path, expires,
			 a->secure ? "; Secure" : "", a->same_site ? a->same_site : "Lax");
out:
	free(raw);
	free(enc);
	return out;
}

int auth_cookie_build(const char *name, const char *value, const struct auth_cookie_attrs *a,
		      time_t now, char **out, int max)
{
	size_t len = strlen(value);
	int n = 0;

	if (len <= AUTH_COOKIE_CHUNK) {
		if (max < 1 || !(out[0] = one(name, value, len, a, now)))
			return -1;
		return 1;
	}
	for (size_t off = 0; off < len; off += AUTH_COOKIE_CHUNK, n++) {
		size_t part = len - off < AUTH_COOKIE_CHUNK ? len - off : AUTH_COOKIE_CHUNK;
		size_t nlen = strlen(name) + 16;
		char *cname;

		if (n >= max || !(cname = malloc(nlen)))
			goto fail;
		snprintf(cname, nlen, "%s-%d", name, n);
		out[n] = one(cname, value + off, part, a, now);
		free(cname);
		if (!out[n])
			goto fail;
	}
	return n;
fail:
	while (n-- > 0)
		free(out[n]);
	return -1;
}

char *auth_cookie_join(const char *whole, const char *const *chunks, int n)
{
	size_t len = 0, off = 0;
	char *raw, *dec;

	if (whole)
		return auth_percent_decode(whole, strlen(whole), false);
	if (n <= 0)
		return NULL;
	for (int i = 0; i < n; i++)
		len += strlen(chunks[i]);
	if (!(raw = malloc(len + 1)))
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(chunks[i]);

		memcpy(raw + off, chunks[i], l);
		off += l;
	}
	raw[off] = '\0';
	/* Each chunk was encoded on its own, and an escape never straddles
	 * chunks, so decoding the concatenation is the same. */
	dec = auth_percent_decode(raw, off, false);
	free(raw);
	return dec;
}
