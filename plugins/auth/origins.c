/*
 * Origins of the OAuth flow (spec platform-apis §1.2): a URL's normalised
 * origin and host, and the origin globs of [auth] extra_allowed_origins
 * (minimatch without globstar).  Pure: no requests.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>

#include "oauth.h"

char *auth_url_origin(const char *url)
{
	const char *host, *end;
	size_t slen, hlen;
	bool https;
	char *out, *port;

	if (!url)
		return NULL;
	if (!strncasecmp(url, "https://", 8))
		https = true, slen = 5;
	else if (!strncasecmp(url, "http://", 7))
		https = false, slen = 4;
	else
		return NULL;
	host = url + slen + 3;
	end = host + strcspn(host, "/?#");
	hlen = (size_t)(end - host);
	if (hlen == 0 || memchr(host, '@', hlen) || memchr(host, ' ', hlen))
		return NULL;
	out = sh_xmalloc(slen + 3 + hlen + 1);
	memcpy(out, https ? "https://" : "http://", slen + 3);
	for (size_t i = 0; i < hlen; i++)
		out[slen + 3 + i] = (char)tolower((unsigned char)host[i]);
	out[slen + 3 + hlen] = '\0';
	port = strrchr(out + slen + 3, ':');
	if (port && !strchr(port, ']') &&
	    ((https && !strcmp(port, ":443")) || (!https && !strcmp(port, ":80"))))
		*port = '\0';
	return out;
}

char *auth_url_host(const char *url)
{
	char *o = auth_url_origin(url), *out, *colon;

	if (!o)
		return NULL;
	out = sh_xstrdup(strstr(o, "://") + 3);
	free(o);
	if (out[0] != '[' && (colon = strchr(out, ':')))
		*colon = '\0';
	return out;
}

bool auth_origin_glob(const char *pat, const char *s)
{
	/* '*' matches any run of characters except '/' (minimatch, no globstar). */
	if (!*pat)
		return !*s;
	if (*pat == '*') {
		for (const char *t = s;; t++) {
			if (auth_origin_glob(pat + 1, t))
				return true;
			if (!*t || *t == '/')
				return false;
		}
	}
	return *s && tolower((unsigned char)*pat) == tolower((unsigned char)*s) &&
	       auth_origin_glob(pat + 1, s + 1);
}
