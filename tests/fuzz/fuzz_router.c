/* fuzz-sources: fcgi/arena.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c fcgi/router.c fcgi/request.c fcgi/reply.c fcgi/log.c */
/*
 * libFuzzer target for path splitting and route matching: any input, taken
 * as a raw REQUEST_URI path, must be refused or match consistently against
 * a fixed table, never crash or leak.  Build and run from the top of the
 * tree (about a minute):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I include -I fcgi \
 *     $(pkg-config --cflags jansson) tests/fuzz/fuzz_router.c fcgi/arena.c \
 *     fcgi/router.c fcgi/request.c fcgi/reply.c fcgi/log.c \
 *     $(pkg-config --libs jansson) -o /tmp/fuzz_router
 *   /tmp/fuzz_router -max_total_time=60 -max_len=1024 tests/fuzz/corpus/router
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int handler(struct sh_req *req, void *state)
{
	return 200;
}

static const char *const routes[][2] = {
	{ "GET", "/healthcheck" },
	{ "GET", "/.backstage/health/v1/liveness" },
	{ "GET", "/.backstage/health/v1/readiness" },
	{ "GET", "/api/catalog/entities" },
	{ "GET", "/api/catalog/entities/by-query" },
	{ "POST", "/api/catalog/entities/by-refs" },
	{ "GET", "/api/catalog/entities/by-uid/:uid" },
	{ "DELETE", "/api/catalog/entities/by-uid/:uid" },
	{ "GET", "/api/catalog/entities/by-name/:kind/:namespace/:name" },
	{ "GET", "/api/catalog/entities/by-name/:kind/:namespace/:name/ancestry" },
	{ "GET", "/api/catalog/entity-facets" },
	{ "GET", "/api/catalog/locations" },
	{ "POST", "/api/catalog/locations" },
	{ "GET", "/api/catalog/locations/:id" },
	{ "DELETE", "/api/catalog/locations/:id" },
	{ "GET", "/api/catalog/:anything/x" },
	{ "GET", "/api/techdocs/static/docs/*path" },
	{ "GET", "/api/techdocs/metadata/techdocs/:namespace/:kind/:name" },
	{ "GET", "/api/jenkins/v1/entity/:namespace/:kind/:name/projects" },
	{ "POST", "/api/jenkins/v1/entity/:namespace/:kind/:name/job/:job/:build" },
	{ "POST", "/api/perch/*rest" },
	{ "GET", "/api/:plugin/*rest" },
};

static struct host_router *router(void)
{
	static struct host_router *r;
	size_t i;

	if (r)
		return r;
	r = host_router_new();
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (host_router_add(r, routes[i][0], routes[i][1], SH_AUTH_NONE, handler, NULL, NULL))
			abort();
	return r;
}

static void check_match(enum host_match_result res, const struct host_match *m)
{
	size_t i;

	if (res == HOST_MATCH_OK) {
		if (!m->route || m->n_params > HOST_MAX_PARAMS || m->allow[0])
			abort();
		for (i = 0; i < m->n_params; i++)
			if (!m->names[i] || !m->values[i])
				abort();
	} else if (m->route || (res == HOST_MATCH_BAD_METHOD) != (m->allow[0] != '\0')) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "DELETE", "HEAD" };
	struct host_arena *a = host_arena_new();
	struct host_match m;
	char *path, **segs;
	size_t i, n;

	path = host_arena_alloc(a, size + 1);
	memcpy(path, data, size);
	path[size] = '\0';
	if (host_path_split(a, path, &segs, &n) == 0) {
		for (i = 0; i < n; i++)
			if (!strcmp(segs[i], ".") || !strcmp(segs[i], ".."))
				abort();
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			check_match(host_router_match(router(), methods[i], segs, n, a, &m), &m);
	}
	host_arena_free(a);
	if (host_arena_live() != 0)
		abort();
	return 0;
}
