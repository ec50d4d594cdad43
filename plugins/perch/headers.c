/*
 * The forwarder's header rules: the request allow-list, the response
 * filter and the request id (spec platform-apis §5.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <stagehand/alloc.h>

#include "headers.h"

/* Caller headers passed on as they are. */
static const char *const passed[] = { "Authorization", "Accept", "Accept-Language",
				      "User-Agent", NULL };

static bool value_ok(const char *v)
{
	return v && !strpbrk(v, "\r\n");
}

static void add(struct perch_up_headers *u, const char *name, const char *value)
{
	if (u->n < PERCH_UP_MAX)
		u->h[u->n++] = sh_xasprintf("%s: %s", name, value);
	u->h[u->n] = NULL;
}

void perch_up_headers_make(struct perch_up_headers *u, perch_header_fn get, void *ctx,
			   const char *rid)
{
	memset(u, 0, sizeof *u);
	for (size_t i = 0; passed[i]; i++) {
		const char *v = get(ctx, passed[i]);

		if (value_ok(v))
			add(u, passed[i], v);
	}
	add(u, "Content-Type", "application/json");
	add(u, "X-Request-Id", rid);
	/* curl would send Expect: 100-continue for bodies over 1 kB. */
	u->h[u->n++] = sh_xstrdup("Expect:");
	u->h[u->n] = NULL;
}

void perch_up_headers_free(struct perch_up_headers *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->h[i]);
	memset(u, 0, sizeof *u);
}

static bool named(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

/* Never copied: hop-by-hop, framing, and what nginx or the reply owns. */
static const char *const dropped[] = {
	"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
	"upgrade", "proxy-authenticate", "proxy-authorization", "content-length",
	"content-encoding", "content-type", "status", NULL
};

bool perch_header_passes(const char *name, size_t len, bool chat)
{
	if (len == 0 || (len >= 8 && strncasecmp(name, "x-accel-", 8) == 0))
		return false;
	for (size_t i = 0; dropped[i]; i++)
		if (named(name, len, dropped[i]))
			return false;
	return !(chat && named(name, len, "cache-control"));
}

static bool rid_ok(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++, n++)
		if (*s <= 0x20 || *s >= 0x7f)
			return false;
	return n > 0 && n <= PERCH_RID_MAX;
}

const char *perch_request_id(const char *given, char out[PERCH_RID_MAX + 1])
{
	unsigned char raw[PERCH_RID_LEN / 2];

	if (rid_ok(given)) {
		snprintf(out, PERCH_RID_MAX + 1, "%s", given);
		return out;
	}
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		abort();
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return out;
}
