/*
 * Reading a location's target (spec §9.1, §9.4): file: paths from disk and
 * url: targets through the host HTTP client, behind the reading allow-list,
 * with a timeout, the YAML size cap and ETag revalidation.  Failures become
 * the processing errors Backstage records on the Location entity.
 */
#ifndef CATALOG_READER_H
#define CATALOG_READER_H

#include <stddef.h>

#include <stagehand/urlallow.h>

#include "errors.h"

struct catalog_reader;

/* Takes `allow` (NULL: no URL is readable).  `timeout_ms` bounds a whole
 * URL read. */
struct catalog_reader *catalog_reader_new(struct sh_url_allow *allow, long timeout_ms);
void catalog_reader_free(struct catalog_reader *r);

/*
 * Reads the target of `loc`, "file:<absolute path>" or "url:<URL>", at most
 * SH_YAML_MAX_INPUT bytes.  Returns 0 with a malloc'd, NUL-terminated
 * *buf of *len bytes; otherwise a negative SH_E* code with the error added
 * to errs: "Unable to read url, NotAllowedError: Reading from '<url>' is
 * not allowed. ..." (SH_EDENIED), NotFoundError for a missing file or a 404
 * unless `optional` (SH_ENOTFOUND, then no error), "Unable to read url,
 * Error: could not read <url>, <status> <reason>" for another status, and
 * a transport failure or timeout likewise.  URL reads are conditional
 * (sh_http_request.conditional): a 304 hands back the body the host's
 * ETag cache keeps for the URL.  Thread-safe.
 */
int catalog_reader_read(struct catalog_reader *r, const char *loc, int optional, char **buf,
			size_t *len, struct catalog_errors *errs);

/*
 * The same read without the location's wrapping, for placeholders: 0 with
 * *buf as above, or a negative SH_E* code with the reader's own error in
 * *why (malloc'd), as JavaScript prints it: "NotFoundError: could not read
 * <url>, 404 Not Found", "NotAllowedError: Reading from ...", "NotFoundError:
 * file <path> does not exist".  Thread-safe.
 */
int catalog_reader_fetch(struct catalog_reader *r, const char *loc, char **buf, size_t *len,
			 char **why);

/*
 * The "url:<absolute URL>" location that the url target `target` of a
 * Location entity names, the entity having been read from `own_type`:
 * `own_target`.  Targets are resolved against a url: parent (RFC 3986);
 * under any other parent they must be absolute.  Returns a malloc'd
 * location, or NULL with an error added to errs.
 */
char *catalog_reader_url_loc(const char *own_type, const char *own_target, const char *target,
			     struct catalog_errors *errs);

#endif
