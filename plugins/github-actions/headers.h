/*
 * GitHub's headers on the way through (spec platform-apis §4): the token
 * the browser sends, which answer headers reach it, and the client's own
 * conditional request.  Pure; unit-tested in check_github_actions_headers.
 */
#ifndef GHACTIONS_HEADERS_H
#define GHACTIONS_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#define GHA_TOKEN_MAX 512         /* longest token passed on */

/*
 * The token of an Authorization header as GitHub takes it ("Bearer T" or
 * "token T", scheme in any case): a pointer into `authorization`, or NULL
 * when there is none, the scheme is another, or T is empty, longer than
 * GHA_TOKEN_MAX or has bytes other than visible ASCII.
 */
const char *gha_token(const char *authorization);

/*
 * Whether an upstream answer header (its name, `len` bytes, any case)
 * reaches the client: ETag, Link, Last-Modified, Cache-Control, Vary,
 * Retry-After, X-RateLimit-*, X-OAuth-Scopes, X-Accepted-OAuth-Scopes,
 * X-GitHub-Media-Type, X-GitHub-Api-Version-Selected, X-GitHub-Request-Id,
 * X-GitHub-SSO, X-Poll-Interval.  Never hop-by-hop headers, Set-Cookie,
 * Location, Content-Type/-Length/-Encoding (the reply sets those).
 */
bool gha_header_passes(const char *name, size_t len);

/*
 * Whether the client's If-None-Match (a list of entity tags, or "*")
 * names `etag`, compared weakly as RFC 9110 says for GET: W/"x" matches
 * "x".  False when either is NULL.
 */
bool gha_etag_matches(const char *if_none_match, const char *etag);

#endif
