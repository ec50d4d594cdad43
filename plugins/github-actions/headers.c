/*
 * Tokens, passing headers and If-None-Match (headers.h).
 */
#include <string.h>
#include <strings.h>

#include "headers.h"

static const char *after_scheme(const char *h, const char *scheme)
{
	size_t n = strlen(scheme);

	if (strncasecmp(h, scheme, n) != 0 || h[n] != ' ')
		return NULL;
	for (h += n; *h == ' '; h++)
		;
	return h;
}

const char *gha_token(const char *authorization)
{
	const char *t;
	size_t n;

	if (!authorization)
		return NULL;
	t = after_scheme(authorization, "Bearer");
	if (!t)
		t = after_scheme(authorization, "token");
	if (!t || !*t)
		return NULL;
	for (n = 0; t[n]; n++)
		if (n == GHA_TOKEN_MAX || t[n] <= ' ' || t[n] > '~')
			return NULL;
	return t;
}

static const char *const passing[] = {
	"etag", "link", "last-modified", "cache-control", "vary", "retry-after",
	"x-oauth-scopes", "x-accepted-oauth-scopes", "x-github-media-type",
	"x-github-api-version-selected", "x-github-request-id", "x-github-sso",
	"x-poll-interval", NULL,
};

bool gha_header_passes(const char *name, size_t len)
{
	if (len > 12 && strncasecmp(name, "x-ratelimit-", 12) == 0)
		return true;
	for (size_t i = 0; passing[i]; i++)
		if (strlen(passing[i]) == len && strncasecmp(name, passing[i], len) == 0)
			return true;
	return false;
}

/* The opaque part of an entity tag, without W/ and quotes. */
static void opaque(const char *tag, size_t len, const char **out, size_t *outlen)
{
	if (len >= 2 && tag[0] == 'W' && tag[1] == '/') {
		tag += 2;
		len -= 2;
	}
	if (len >= 2 && tag[0] == '"' && tag[len - 1] == '"') {
		tag++;
		len -= 2;
	}
	*out = tag;
	*outlen = len;
}

static bool same_tag(const char *a, size_t alen, const char *etag)
{
	const char *x, *y;
	size_t xn, yn;

	opaque(a, alen, &x, &xn);
	opaque(etag, strlen(etag), &y, &yn);
	return xn == yn && memcmp(x, y, xn) == 0;
}

bool gha_etag_matches(const char *inm, const char *etag)
{
	if (!inm || !etag || !*etag)
		return false;
	while (*inm) {
		size_t n;

		while (*inm == ' ' || *inm == '\t' || *inm == ',')
			inm++;
		n = strcspn(inm, ",");
		while (n > 0 && (inm[n - 1] == ' ' || inm[n - 1] == '\t'))
			n--;
		if (n == 1 && *inm == '*')
			return true;
		if (n > 0 && same_tag(inm, n, etag))
			return true;
		inm += strcspn(inm, ",");
	}
	return false;
}
