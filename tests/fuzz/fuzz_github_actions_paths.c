/* fuzz-sources: plugins/github-actions/paths.c plugins/github-actions/loghost.c fcgi/url.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target of what the github-actions plugin lets through to
 * GitHub (plugins/github-actions/paths.c, loghost.c).  The input's first
 * line is a path parameter and a log redirect's Location, the second the
 * API host, the third one more log-host pattern.  An accepted owner or repo
 * is 1 to GHA_NAME_MAX of [A-Za-z0-9._-] and not "." or ".."; an id 1 to
 * 20 digits; a workflow either.  A redirect accepted is http(s) and the
 * host libcurl will connect to (what routes_logs.c follows it with) is the
 * API host or, over https, one of the patterns.
 * Run with tests/fuzz/run.sh github_actions_paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "../../plugins/github-actions/loghost.h"
#include "../../plugins/github-actions/paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_params(const char *s)
{
	size_t n = strlen(s);
	char *base;

	if (gha_name_ok(s) && (n == 0 || n > GHA_NAME_MAX || !strcmp(s, ".") || !strcmp(s, "..") ||
			       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789._-") != n))
		abort();
	if (gha_id_ok(s) && (n == 0 || n > 20 || strspn(s, "0123456789") != n))
		abort();
	if (gha_workflow_ok(s) != (gha_id_ok(s) || gha_name_ok(s)))
		abort();
	base = gha_api_base(s, s);
	if (base[0] && base[strlen(base) - 1] == '/')
		abort();
	free(base);
}

static bool matches(const char *host, const char *pattern)
{
	size_t hn = strlen(host), pn = strlen(pattern);

	if (strncmp(pattern, "*.", 2) != 0)
		return strcasecmp(host, pattern) == 0;
	return hn > pn - 1 && strcasecmp(host + hn - (pn - 1), pattern + 1) == 0;
}

/* The host libcurl connects to for `url` (it reads "4" as 0.0.0.4), or
 * NULL; with curl_free. */
static char *curl_host(const char *url, char **scheme)
{
	CURLU *u = curl_url();
	char *host = NULL;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    (scheme && curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK)) {
		curl_free(host);
		host = NULL;
	}
	curl_url_cleanup(u);
	return host;
}

/* Whether libcurl reads `name` as the host `host`. */
static bool same_host(const char *host, const char *name)
{
	size_t size = strlen(name) + 10;
	char *url = malloc(size), *h;
	bool same;

	snprintf(url, size, "https://%s/", name);
	h = curl_host(url, NULL);
	same = h && strcasecmp(h, host) == 0;
	curl_free(h);
	free(url);
	return same;
}

/* The host and scheme libcurl reads in an accepted URL are allowed (a URL
 * libcurl refuses is never fetched: nothing to check). */
static void check_accepted(const char *url, const char *api_host, const char *const *pats)
{
	char *scheme = NULL, *host = curl_host(url, &scheme);
	bool ok;

	if (!host)
		return;
	if ((strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0))
		abort();
	ok = api_host && same_host(host, api_host);
	for (size_t i = 0; !ok && pats[i]; i++)
		ok = !strcasecmp(scheme, "https") &&
		     (matches(host, pats[i]) || same_host(host, pats[i]));
	if (!ok)
		abort();
	curl_free(host);
	curl_free(scheme);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *line[3] = { NULL, NULL, NULL }, *p;
	const char *pats[4] = { "*.blob.core.windows.net", "*.actions.githubusercontent.com", NULL,
				NULL };

	memcpy(s, data, size);
	s[size] = '\0';
	p = s;
	for (int i = 0; i < 3 && p; i++) {
		line[i] = p;
		if ((p = strchr(p, '\n')))
			*p++ = '\0';
	}
	pats[2] = line[2];
	check_params(line[0]);
	if (gha_log_host_ok(line[0], line[1], pats))
		check_accepted(line[0], line[1], pats);
	if (gha_log_host_ok(line[0], NULL, pats) && line[2] == NULL &&
	    strncasecmp(line[0], "https://", 8) != 0)
		abort();
	free(s);
	return 0;
}
