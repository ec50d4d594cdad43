/*
 * The effective route table as `stagehandd --routes` prints it: one line
 * per route, sorted by path then method, naming who may call it and who
 * owns it, so a reader finds any handler in one hop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

static const char *auth_name(enum sh_auth a)
{
	switch (a) {
	case SH_AUTH_NONE: return "none";
	case SH_AUTH_USER: return "user";
	case SH_AUTH_SERVICE: return "service";
	case SH_AUTH_ANY: return "any";
	case SH_AUTH_USER_COOKIE: return "user-cookie";
	}
	return "?";
}

static int by_path_method(const void *a, const void *b)
{
	const struct host_route *x = *(const struct host_route *const *)a;
	const struct host_route *y = *(const struct host_route *const *)b;
	int c = strcmp(host_route_pattern(x), host_route_pattern(y));

	return c ? c : strcmp(host_route_method(x), host_route_method(y));
}

static void print_one(const struct host_route *rt, int width, FILE *out)
{
	const struct host_plugin *owner = host_route_owner(rt);
	const char *const *q = host_route_query(rt);

	fprintf(out, "%-7s %-*s %-11s %s", host_route_method(rt), width, host_route_pattern(rt),
		auth_name(host_route_auth(rt)),
		owner && !(host_route_flags(rt) & HOST_ROUTE_BY_HOST) ? owner->info->name : "host");
	if (host_route_flags(rt) & SH_ROUTE_CACHED)
		fputs(" cached", out);
	if (q) {
		fputs(q[0] ? " query=" : " query=(none)", out);
		for (size_t i = 0; q[i]; i++)
			fprintf(out, "%s%s", i ? "," : "", q[i]);
	}
	fputc('\n', out);
}

void host_router_print(const struct host_router *r, FILE *out)
{
	const struct host_route *const *all;
	const struct host_route **sorted;
	size_t n = host_router_routes(r, &all);
	int width = 0;

	sorted = sh_xcalloc(n ? n : 1, sizeof(*sorted));
	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(host_route_pattern(all[i]));

		sorted[i] = all[i];
		if (len > width)
			width = len;
	}
	qsort(sorted, n, sizeof(*sorted), by_path_method);
	for (size_t i = 0; i < n; i++)
		print_one(sorted[i], width, out);
	free(sorted);
}
