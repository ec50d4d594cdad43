/*
 * Small helpers shared by the catalog's files (domain library and plugin
 * alike): the uid check, the field-framed text that processing and
 * stitching hash, and that hash.  Allocation goes through the host's
 * aborting sh_x* family (<stagehand/alloc.h>).
 */
#ifndef CATALOG_UTIL_H
#define CATALOG_UTIL_H

#include <stddef.h>

/* A uid as the database prints it: lower-case 8-4-4-4-12 hex digits.
 * Stored uids are never anything else, so other spellings name nothing. */
int catalog_is_uuid(const char *s);

/* A growing byte buffer (start zeroed; free buf).  Not NUL-terminated. */
struct catalog_text {
	char *buf;
	size_t len, cap;
};
/* Makes room for `more` bytes after len. */
void catalog_text_reserve(struct catalog_text *t, size_t more);
void catalog_text_add(struct catalog_text *t, const void *p, size_t n);
/* s as "<length>:<bytes>" (NULL as ""), so that a hash over a series of
 * fields cannot mistake one series for another. */
void catalog_text_add_field(struct catalog_text *t, const char *s);

/* The SHA-1 of len bytes as 40 lower-case hex digits and a NUL: the hashes
 * that tell processing and stitching whether anything changed. */
void catalog_sha1_hex(const void *buf, size_t len, char hex[41]);

#endif
