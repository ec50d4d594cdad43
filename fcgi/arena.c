/*
 * Per-request memory: a chunked bump allocator freed in one go when the
 * request ends, the deferred cleanups tied to it, and the allocation
 * wrappers that abort on exhaustion (the service manager restarts us), so no
 * caller checks for NULL.
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

static _Noreturn void out_of_memory(size_t n)
{
	fprintf(stderr, "stagehand: out of memory allocating %zu bytes\n", n);
	abort();
}

void *host_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *host_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
}

void *host_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *host_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(host_xmalloc(n), s, n);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		out_of_memory(size);
	c = host_xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct host_arena *host_arena_new(void)
{
	struct host_arena *a = host_xmalloc(sizeof(*a));

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
		out_of_memory(size);
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
