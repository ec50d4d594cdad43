/*
 * The log hosts' allow-list (loghost.h).
 */
#include <string.h>
#include <strings.h>

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

bool gha_log_host_ok(const char *url, const char *api_host, const char *const *patterns)
{
	struct sh_url_http u;
	bool ok = false;

	if (!url || sh_url_http_parse(url, &u) != 0)
		return false;
	if (api_host && strcasecmp(u.host, api_host) == 0)
		ok = true;
	for (size_t i = 0; !ok && patterns && patterns[i]; i++)
		ok = strcmp(u.scheme, "https") == 0 && host_matches(u.host, patterns[i]);
	sh_url_http_clear(&u);
	return ok;
}
