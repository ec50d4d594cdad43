/*
 * The pure checks of GET /static/docs (routes_static.c; td-plugin's part):
 * the content type of a site file by the spec's rule, and whether a
 * request's path could step out of the site before realpath is asked.
 * Unit-tested without a host (tests/unit/check_techdocs_static.c).
 */
#ifndef TECHDOCS_STATIC_PATH_H
#define TECHDOCS_STATIC_PATH_H

#include <stdbool.h>

/*
 * The Content-Type nginx sends a site file with (spec §2.4, Backstage's
 * rule for every publisher): an extension of the last segment matching
 * /htm|xml|svg|appcache|manifest|mathml|owl|rdf|rng|vtt|xht|xsd|xsl/i (a
 * substring match: .xhtml, .shtml too) is "text/plain; charset=utf-8";
 * then the usual type of the extension (text types with charset=utf-8);
 * no or an unknown extension is text/plain too.  A static string.
 */
const char *td_static_type(const char *path);

/*
 * Whether the decoded rest of a /static path (segments split at '/') is
 * refused before it reaches the file system: a backslash anywhere, or a
 * segment that, percent-decoded once more (the host decoded it once), is
 * "." or "..", holds '/' or '\\', or is no valid percent-encoding (a
 * double-encoded "%252e%252e" arrives here as "%2e%2e").
 */
bool td_static_unsafe(const char *rest);

#endif
