/*
 * The aborting allocator of alloc.h.  Out of memory is not something a
 * request can answer: one line goes to stderr (journald) and the process
 * aborts, so systemd restarts the pool and no caller checks for NULL.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stagehand/alloc.h"

static _Noreturn void out_of_memory(size_t n)
{
	fprintf(stderr, "level=error msg=\"out of memory allocating %zu bytes\"\n", n);
	abort();
}

void *sh_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *sh_xcalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *sh_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *sh_xstrdup(const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	return memcpy(sh_xmalloc(n), s, n);
}

char *sh_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = sh_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *sh_xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)   /* an encoding error: the caller's bug, not worth a crash */
		return sh_xstrdup("");
	p = sh_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *sh_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = sh_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}
