/*
 * One growable byte buffer with a hard cap, after curl's dynbuf.c: reply
 * bodies, SQL text and upstream bodies all grow in one of these, and every
 * one of them has a limit, so input from outside can never grow a buffer
 * without bound.  The contents are always NUL-terminated (the terminator is
 * not counted in len and not against the cap).  Memory failure aborts
 * (sh_xmalloc); going over the cap is an error the caller answers (413,
 * 502, InputError).
 *
 *	struct sh_buf b;
 *	sh_buf_init(&b, 1 << 20);
 *	if (sh_buf_printf(&b, "SELECT %s", cols) != 0) ... over the cap
 *	use(b.data, b.len);
 *	sh_buf_free(&b);
 */
#ifndef STAGEHAND_BUF_H
#define STAGEHAND_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include <stagehand/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_buf {
	char *data;     /* NUL-terminated contents, or NULL while empty */
	size_t len;     /* bytes used, without the terminator */
	size_t alloc;   /* bytes allocated */
	size_t max;     /* cap on len */
};

/* An empty buffer that may hold at most max bytes (max > 0).  Allocates nothing. */
void sh_buf_init(struct sh_buf *b, size_t max);
/* Releases the memory; the buffer is empty and usable again. */
void sh_buf_free(struct sh_buf *b);
/* Empties it, keeping the memory. */
void sh_buf_reset(struct sh_buf *b);

/*
 * Appends.  Each returns 0, or SH_ETOOBIG when the result would be longer
 * than max: the buffer is then left exactly as it was.
 */
int sh_buf_add(struct sh_buf *b, const void *mem, size_t len);
int sh_buf_addstr(struct sh_buf *b, const char *s);
int sh_buf_addc(struct sh_buf *b, char c);
int sh_buf_printf(struct sh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sh_buf_vprintf(struct sh_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Shortens to len bytes (len <= b->len). */
void sh_buf_truncate(struct sh_buf *b, size_t len);

/* The contents ("" when empty); borrowed until the next change. */
const char *sh_buf_str(const struct sh_buf *b);
/* Hands the contents over (malloc'd, NUL-terminated, never NULL) and
 * leaves the buffer empty.  *len (when not NULL) gets the length. */
char *sh_buf_take(struct sh_buf *b, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
