/*
 * Where a log download may go (spec platform-apis §4): GitHub answers
 * .../logs with a 302 to a signed URL on its log storage; the plugin
 * follows it only to GitHub's own log hosts.  Pure; unit-tested in
 * check_github_actions_loghost.
 */
#ifndef GHACTIONS_LOGHOST_H
#define GHACTIONS_LOGHOST_H

#include <stdbool.h>

/* The default [github-actions] log_hosts: where github.com keeps logs. */
#define GHA_LOG_HOSTS "*.blob.core.windows.net *.actions.githubusercontent.com"

/*
 * Whether a redirect to `url` may be followed: an absolute http(s) URL
 * (sh_url_http_parse's strict reading) whose host is the API's own host
 * `api_host` (GHES keeps logs there), or an https URL whose host matches
 * one of `patterns` (NULL-terminated): "*.example.com" any name below
 * example.com, else the exact name; any case.
 */
bool gha_log_host_ok(const char *url, const char *api_host, const char *const *patterns);

#endif
