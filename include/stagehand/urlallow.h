/*
 * A URL allow-list: which http(s) URLs a plugin may read, in the rules and
 * matching of Backstage's backend.reading.allow (its FetchUrlReader
 * predicates).  The catalog reads url: locations behind one ([catalog]
 * reading_allow), the openchoreo plugin its remote Templates ([openchoreo]
 * template_url_allow).  A plugin parses its configured rules once in init,
 * checks every URL before fetching it, and answers a refusal with
 * Backstage's NotAllowedError text.  Pure functions; a parsed list is
 * read-only, so any thread may match against it.
 *
 *	struct sh_url_allow *a;
 *	char *err;
 *	if (sh_url_allow_parse(values, n, &a, &err) != 0)
 *		... report err (start-up fails), free(err)
 *	if (!sh_url_allow_match(a, url))
 *		... sh_url_allow_denied_message(url)
 *	sh_url_allow_free(a);
 */
#ifndef STAGEHAND_URLALLOW_H
#define STAGEHAND_URLALLOW_H

#include <stddef.h>

#include <stagehand/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_url_allow;

/*
 * Parses one rule per value: `<host>[:<port>|:<first>-<last>] [<path>...]`,
 * words separated by blanks.  <host> is a name (`example.com`, matched
 * exactly, case-insensitively), `*.example.com` (any name ending in
 * `.example.com`, not `example.com` itself) or a bracketed IPv6 literal.
 * Without a port only URLs on the scheme's default port match; with one,
 * the URL's port (explicit or default) must be it or lie in the range.
 * Paths start with '/' and are prefixes of the URL's normalised path (no
 * segment boundary, as in Backstage).  n may be 0: a list that matches
 * nothing.  Returns 0 and a list (free with sh_url_allow_free), or
 * SH_EINVAL, *out NULL and a malloc'd message in *err that quotes the bad
 * value ("invalid reading_allow rule \"...\": expected <host>[:<port>
 * [-<port>]] [/<path-prefix>...]"; the key name is the catalog's, kept for
 * its tests; callers prefix their own section and key).
 */
int sh_url_allow_parse(const char *const *values, size_t n, struct sh_url_allow **out,
		       char **err);
/* Frees a list; NULL is a no-op. */
void sh_url_allow_free(struct sh_url_allow *a);

/* 1 when some rule matches `url`, else 0.  A NULL list, and a URL that
 * sh_url_http_parse (<stagehand/url.h>) refuses, never match. */
int sh_url_allow_match(const struct sh_url_allow *a, const char *url);

/* Backstage's NotAllowedError message for `url` (malloc'd: free()). */
char *sh_url_allow_denied_message(const char *url);

#ifdef __cplusplus
}
#endif

#endif
