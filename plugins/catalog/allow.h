/*
 * The reading allow-list (spec §9.4, Backstage's backend.reading.allow):
 * which http(s) URLs url: locations may read.  Configured as repeated
 * [catalog] reading_allow values; pure functions.
 */
#ifndef CATALOG_ALLOW_H
#define CATALOG_ALLOW_H

#include <stddef.h>

struct catalog_allow;

/*
 * Parses one rule per value: `<host>[:<port>|:<first>-<last>] [<path>...]`,
 * words separated by blanks.  <host> is a name (`example.com`, matched
 * exactly, case-insensitively), `*.example.com` (any name ending in
 * `.example.com`, not `example.com` itself) or a bracketed IPv6 literal.
 * Without a port only URLs on the scheme's default port match; with one,
 * the URL's port (explicit or default) must be it or lie in the range.
 * Paths start with '/' and are prefixes of the URL's normalised path (no
 * segment boundary, as in Backstage).  Returns 0 and a list (free with
 * catalog_allow_free), or SH_EINVAL with a malloc'd message in *err.
 */
int catalog_allow_parse(const char *const *values, size_t n, struct catalog_allow **out,
			char **err);
void catalog_allow_free(struct catalog_allow *a);

/* Whether some rule matches `url`; a URL catalog_url_http_parse refuses
 * never matches. */
int catalog_allow_match(const struct catalog_allow *a, const char *url);

/* Backstage's NotAllowedError message for `url` (malloc'd). */
char *catalog_allow_denied_message(const char *url);

#endif
