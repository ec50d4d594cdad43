/*
 * Per-request memory: a chunked bump allocator freed in one go when the
 * request ends, and the deferred cleanups tied to it.  Chunks come from the
 * aborting allocator (alloc.c), so no caller checks for NULL.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

#define ARENA_ALIGN 16
#define ARENA_CHUNK 8192
/* Allocations above this get a chunk of their own so they waste no tail. */
#define ARENA_BIG (ARENA_CHUNK / 4)

struct chunk {
	struct chunk *next;
	size_t size;              /* usable bytes in data */
	size_t used;
	alignas(ARENA_ALIGN) unsigned char data[];
};

struct host_arena {
	struct chunk *head;       /* the chunk being bumped; big chunks sit behind it */
};

static atomic_long live_arenas;

/* A size that cannot be represented is a bug, not a request error. */
static _Noreturn void arena_overflow(size_t n)
{
	fprintf(stderr, "level=error msg=\"arena allocation of %zu bytes overflows\"\n", n);
	abort();
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		arena_overflow(size);
	c = sh_xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct host_arena *host_arena_new(void)
{
	struct host_arena *a = sh_xmalloc(sizeof(*a));

	a->head = chunk_new(ARENA_CHUNK - sizeof(struct chunk));
	atomic_fetch_add(&live_arenas, 1);
	return a;
}

void host_arena_free(struct host_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
	atomic_fetch_sub(&live_arenas, 1);
}

long host_arena_live(void)
{
	return atomic_load(&live_arenas);
}

void *host_arena_alloc(struct host_arena *a, size_t size)
{
	struct chunk *c;
	size_t need;

	if (size > SIZE_MAX - ARENA_ALIGN)
		arena_overflow(size);
	need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (need > ARENA_BIG) {
		/* Behind the head, so the head keeps its free tail. */
		c = chunk_new(need);
		c->next = a->head->next;
		a->head->next = c;
		c->used = need;
		return c->data;
	}
	if (a->head->size - a->head->used < need) {
		c = chunk_new(ARENA_CHUNK - sizeof(struct chunk));
		c->next = a->head;
		a->head = c;
	}
	c = a->head;
	c->used += need;
	return c->data + c->used - need;
}

/* ------------------------------------------------------------ public API */

void *sh_alloc(struct sh_req *req, size_t size)
{
	return host_arena_alloc(req->arena, size);
}

static char *arena_copy(struct host_arena *a, const char *s, size_t len)
{
	char *p = host_arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *sh_strndup(struct sh_req *req, const char *s, size_t n)
{
	return arena_copy(req->arena, s, strnlen(s, n));
}

char *sh_strdup(struct sh_req *req, const char *s)
{
	return arena_copy(req->arena, s, strlen(s));
}

char *sh_vprintf(struct sh_req *req, const char *fmt, va_list ap)
{
	va_list cp;
	char *p;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return sh_strdup(req, "");
	p = host_arena_alloc(req->arena, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *sh_printf(struct sh_req *req, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = sh_vprintf(req, fmt, ap);
	va_end(ap);
	return p;
}

void sh_defer(struct sh_req *req, void (*fn)(void *), void *ptr)
{
	struct host_defer *grown;

	if (req->n_defers == req->cap_defers) {
		/* The old array stays in the arena until the request ends. */
		req->cap_defers = req->cap_defers ? 2 * req->cap_defers : 8;
		grown = host_arena_alloc(req->arena, req->cap_defers * sizeof(*grown));
		if (req->n_defers)
			memcpy(grown, req->defers, req->n_defers * sizeof(*grown));
		req->defers = grown;
	}
	req->defers[req->n_defers].fn = fn;
	req->defers[req->n_defers].ptr = ptr;
	req->n_defers++;
}
