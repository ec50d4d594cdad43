/*
 * Cookies of the OAuth flow (spec platform-apis §1.4, Backstage's
 * OAuthCookieManager): values percent-encoded, split into `<name>-0`,
 * `<name>-1`... when longer than 4000 characters, re-joined and decoded on
 * read.  Pure: no requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>

#include "oauth.h"

/* An encoded chunk is at most 3 x AUTH_COOKIE_CHUNK characters. */
#define ENCODED_MAX (3 * AUTH_COOKIE_CHUNK)

static char *one(const char *name, const char *value, size_t vlen,
		 const struct auth_cookie_attrs *a, time_t now)
{
	long max_age = a->max_age > 0 ? a->max_age : 0;
	time_t when = now + max_age;
	char expires[64] = "";
	struct sh_buf enc;
	struct tm tm;
	char *out;

	sh_buf_init(&enc, ENCODED_MAX);
	sh_buf_add_pct(&enc, value, vlen);
	if (gmtime_r(&when, &tm))
		strftime(expires, sizeof expires, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	out = sh_xasprintf("%s=%s; Max-Age=%ld; Path=%s; Expires=%s; HttpOnly%s; SameSite=%s",
			   name, sh_buf_str(&enc), max_age, a->path, expires,
			   a->secure ? "; Secure" : "", a->same_site ? a->same_site : "Lax");
	sh_buf_free(&enc);
	return out;
}

int auth_cookie_build(const char *name, const char *value, const struct auth_cookie_attrs *a,
		      time_t now, char **out, int max)
{
	size_t len = strlen(value);
	int n = 0;

	if (len <= AUTH_COOKIE_CHUNK) {
		if (max < 1)
			return -1;
		out[0] = one(name, value, len, a, now);
		return 1;
	}
	if ((len + AUTH_COOKIE_CHUNK - 1) / AUTH_COOKIE_CHUNK > (size_t)max)
		return -1;
	for (size_t off = 0; off < len; off += AUTH_COOKIE_CHUNK, n++) {
		size_t part = len - off < AUTH_COOKIE_CHUNK ? len - off : AUTH_COOKIE_CHUNK;
		char *cname = sh_xasprintf("%s-%d", name, n);

		out[n] = one(cname, value + off, part, a, now);
		free(cname);
	}
	return n;
}

char *auth_cookie_join(const char *whole, const char *const *chunks, int n)
{
	struct sh_buf raw;
	char *dec = NULL;

	if (!whole && n <= 0)
		return NULL;
	sh_buf_init(&raw, (size_t)AUTH_COOKIE_MAX_CHUNKS * ENCODED_MAX);
	if (whole && sh_buf_addstr(&raw, whole) != 0)
		goto out;
	for (int i = 0; !whole && i < n; i++)
		if (sh_buf_addstr(&raw, chunks[i]) != 0)
			goto out;
	/* Each chunk was encoded on its own, and an escape never straddles
	 * chunks, so decoding the concatenation is the same. */
	dec = sh_xmalloc(raw.len + 1);
	if (sh_pct_decode(dec, sh_buf_str(&raw), raw.len, false) < 0) {
		free(dec);
		dec = NULL;
	}
out:
	sh_buf_free(&raw);
	return dec;
}
