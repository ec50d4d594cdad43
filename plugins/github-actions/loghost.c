/*
 * The log hosts' allow-list (loghost.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/url.h>

#include "loghost.h"

static bool host_matches(const char *host, const char *pattern)
{
	size_t hn = strlen(host), pn;

	if (pattern[0] != '*' || pattern[1] != '.')
		return strcasecmp(host, pattern) == 0;
	pattern++;                       /* ".example.com" */
	pn = strlen(pattern);
	return hn > pn && strcasecmp(host + hn - pn, pattern) == 0;
}

/* The URL's "scheme://authority/", so that a signed query with encoded
 * slashes (rsct=text%2Fplain) does not stop the strict split of the part
 * that decides; NULL without "://". */
static char *origin_of(const char *url)
{
	const char *sep = strstr(url, "://");
	size_t n;

	if (!sep)
		return NULL;
	n = (size_t)(sep + 3 - url) + strcspn(sep + 3, "/?#");
	return sh_xasprintf("%.*s/", (int)n, url);
}

bool gha_log_host_ok(const char *url, const char *api_host, const char *const *patterns)
{
	struct sh_url_http u;
	char *origin = url ? origin_of(url) : NULL;
	bool ok = false;
	int rc = origin ? sh_url_http_parse(origin, &u) : SH_EINVAL;

	free(origin);
	if (rc != 0)
		return false;
	if (api_host && strcasecmp(u.host, api_host) == 0)
		ok = true;
	for (size_t i = 0; !ok && patterns && patterns[i]; i++)
		ok = strcmp(u.scheme, "https") == 0 && host_matches(u.host, patterns[i]);
	sh_url_http_clear(&u);
	return ok;
}
