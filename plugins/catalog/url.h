/*
 * URLs of url: locations: RFC 3986 reference resolution (a Location's
 * relative targets against the URL of the file that named them), and the
 * strict http(s) split the reading allow-list matches on.  Pure functions.
 */
#ifndef CATALOG_URL_H
#define CATALOG_URL_H

/*
 * Resolves `ref` against the absolute URL `base` (RFC 3986 §5.2: dot
 * segments removed, the base's query kept only for an empty reference).
 * An absolute `ref` comes back with its dot segments removed.  Returns a
 * malloc'd URL, or NULL when `base` has no scheme and `ref` none either.
 */
char *catalog_url_resolve(const char *base, const char *ref);

/* The parts of an http(s) URL that decide whether it may be read. */
struct catalog_url_http {
	char *scheme;           /* "http" or "https" */
	char *host;             /* lower-case; IPv6 literals keep their brackets */
	unsigned port;          /* explicit port, or the scheme's default */
	int default_port;       /* port is the scheme's default (80, 443) */
	char *path;             /* normalised: %2e taken as '.', dot segments
				 * removed, runs of '/' collapsed; at least "/" */
};

/*
 * Splits an absolute http or https URL.  Refused (SH_EINVAL) rather than
 * guessed at, so that what is checked is what libcurl fetches: other
 * schemes, no host, userinfo ('@'), a host with characters other than
 * letters, digits, '.', '-', '_' (or a bracketed IPv6 literal), a bad port,
 * control characters, spaces, non-ASCII bytes, '\' and encoded slashes
 * (%2f, %5c).  Returns 0 and fills `out` (free with catalog_url_http_clear).
 */
int catalog_url_http_parse(const char *url, struct catalog_url_http *out);
void catalog_url_http_clear(struct catalog_url_http *u);

/* Whether the n bytes at h are a host name as catalog_url_http_parse takes
 * it (letters, digits, '.', '-', '_'), or a bracketed IPv6 literal. */
int catalog_url_host_ok(const char *h, size_t n);

#endif
