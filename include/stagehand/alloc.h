/*
 * Allocation that cannot fail.  Out of memory is not an error a request can
 * recover from: these log one line and abort, and systemd restarts the pool.
 * Use them for everything that outlives a request (plugin state, caches,
 * upstream bodies); inside a handler prefer the request arena (sh_alloc).
 * Everything they return is released with free().
 */
#ifndef STAGEHAND_ALLOC_H
#define STAGEHAND_ALLOC_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *sh_xmalloc(size_t n);
/* Zeroed; n * size is checked for overflow (an overflow aborts too). */
void *sh_xcalloc(size_t n, size_t size);
/* realloc(p, n); n == 0 returns a valid 1-byte block rather than NULL. */
void *sh_xrealloc(void *p, size_t n);
/* NULL in, NULL out. */
char *sh_xstrdup(const char *s);
/* At most n bytes of s, always NUL-terminated. */
char *sh_xstrndup(const char *s, size_t n);
/* A formatted string, malloc'd ("" if vsnprintf reports an encoding error). */
char *sh_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sh_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#ifdef __cplusplus
}
#endif
#endif
