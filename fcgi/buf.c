/*
 * The capped growable buffer of buf.h, after curl's dynbuf.c: the contents
 * stay NUL-terminated, the allocation doubles, and an append that would go
 * past the cap changes nothing and says SH_ETOOBIG.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stagehand/alloc.h"
#include "stagehand/buf.h"
#include "stagehand/errors.h"

#define BUF_MIN_ALLOC 32

void sh_buf_init(struct sh_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void sh_buf_free(struct sh_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void sh_buf_reset(struct sh_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Room for add more bytes and the terminator, or SH_ETOOBIG untouched. */
static int buf_reserve(struct sh_buf *b, size_t add)
{
	size_t need, n;

	if (add > b->max - b->len)
		return SH_ETOOBIG;
	need = b->len + add + 1;
	if (need <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : BUF_MIN_ALLOC;
	while (n < need && n <= b->max / 2)
		n *= 2;
	if (n < need)
		n = need;
	if (n > b->max + 1 && b->max + 1 >= need)
		n = b->max + 1;
	b->data = sh_xrealloc(b->data, n);
	b->alloc = n;
	return 0;
}

int sh_buf_add(struct sh_buf *b, const void *mem, size_t len)
{
	if (buf_reserve(b, len) != 0)
		return SH_ETOOBIG;
	if (len)
		memcpy(b->data + b->len, mem, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int sh_buf_addstr(struct sh_buf *b, const char *s)
{
	return sh_buf_add(b, s, strlen(s));
}

int sh_buf_addc(struct sh_buf *b, char c)
{
	return sh_buf_add(b, &c, 1);
}

int sh_buf_vprintf(struct sh_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return SH_EINVAL;
	if (buf_reserve(b, (size_t)n) != 0)
		return SH_ETOOBIG;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int sh_buf_printf(struct sh_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = sh_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void sh_buf_truncate(struct sh_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

const char *sh_buf_str(const struct sh_buf *b)
{
	return b->data ? b->data : "";
}

char *sh_buf_take(struct sh_buf *b, size_t *len)
{
	char *p = b->data ? b->data : sh_xstrdup("");

	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
