/*
 * Allocation and formatting helpers shared by every file of the catalog
 * plugin (domain library and plugin alike): allocation failure aborts, as
 * STYLE.md asks, so callers never check for NULL.
 */
#ifndef CATALOG_UTIL_H
#define CATALOG_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *catalog_xmalloc(size_t n);
void *catalog_xrealloc(void *p, size_t n);
char *catalog_xstrdup(const char *s);
/* The first n bytes of s, NUL-terminated. */
char *catalog_xstrndup(const char *s, size_t n);
/* A malloc'd printf. */
/* A uid as the database prints it: lower-case 8-4-4-4-12 hex digits.
 * Stored uids are never anything else, so other spellings name nothing. */
int catalog_is_uuid(const char *s);

char *catalog_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
char *catalog_vfmt(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* The SHA-1 of len bytes as 40 lower-case hex digits and a NUL: the hashes
 * that tell processing and stitching whether anything changed. */
void catalog_sha1_hex(const void *buf, size_t len, char hex[41]);

#endif
