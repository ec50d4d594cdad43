/*
 * URLs a plugin reads from: RFC 3986 reference resolution (a file's
 * relative links against the URL of the file that named them), and the
 * strict split of an http(s) URL into the parts an allow-list decides on
 * (<stagehand/urlallow.h>).  Strict on purpose: a URL whose host or path
 * libcurl and a server could read differently from us is refused, never
 * guessed at, so what is checked is what gets fetched.  Pure functions;
 * results are malloc'd (sh_xmalloc: memory failure aborts).
 */
#ifndef STAGEHAND_URL_H
#define STAGEHAND_URL_H

#include <stddef.h>

#include <stagehand/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Resolves `ref` against the absolute URL `base` (RFC 3986 §5.2: dot
 * segments removed, the base's query kept only for an empty reference).
 * An absolute `ref` comes back with its dot segments removed.  Returns a
 * malloc'd URL (free()), or NULL when `base` has no scheme and `ref` none
 * either.  Any scheme resolves: check what comes back before reading it.
 *
 *	sh_url_resolve("https://h/a/all.yaml", "./b/c.yaml") -> "https://h/a/b/c.yaml"
 */
char *sh_url_resolve(const char *base, const char *ref);

/* The parts of an http(s) URL that decide whether it may be read. */
struct sh_url_http {
	char *scheme;           /* "http" or "https" */
	char *host;             /* lower-case; IPv6 literals keep their brackets */
	unsigned port;          /* explicit port, or the scheme's default */
	int default_port;       /* port is the scheme's default (80, 443) */
	char *path;             /* normalised: dot segments removed, runs of
				 * '/' collapsed; at least "/" */
};

/*
 * Splits an absolute http or https URL.  Refused (SH_EINVAL) rather than
 * guessed at: other schemes, no host, userinfo ('@'), a host with
 * characters other than letters, digits, '.', '-', '_' (or a bracketed
 * IPv6 literal), a bad port, control characters, spaces, non-ASCII bytes,
 * '\' and encoded slashes and dots (%2f, %5c, %2e).  Returns 0 and fills
 * `out` (free its members with sh_url_http_clear); on SH_EINVAL `out` is
 * zeroed, so clearing it is harmless.
 */
int sh_url_http_parse(const char *url, struct sh_url_http *out);
void sh_url_http_clear(struct sh_url_http *u);

/* Whether the n bytes at h are a host name as sh_url_http_parse takes it
 * (letters, digits, '.', '-', '_'), or a bracketed IPv6 literal. */
int sh_url_host_ok(const char *h, size_t n);

#ifdef __cplusplus
}
#endif

#endif
