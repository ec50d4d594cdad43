/*
 * Response caches (fcgi/cache.c) with their LISTEN connection on a real
 * PostgreSQL (pgtest.h), driven by requests through the router the way the
 * server dispatches them: a miss stores and a hit replays the same bytes
 * without the handler; a NOTIFY on the cache's channel (and only there)
 * drops the entries; a write to the plugin empties them; the bound in bytes
 * evicts the least recently used first and refuses replies over an eighth;
 * while the listener is down every request goes to the handler, and what
 * was stored before the outage is not served after it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memio.h"
#include "pgtest.h"
#include "req.h"

#define CHANNEL "ct_changes"

static struct sh_plugin_info info = { .name = "ct" };
static struct host_plugin plug = { .info = &info };
static int calls;                 /* handler runs, in this (forked) test */

/* 200 with "call N" and then `size` bytes (query size=, default 16). */
static int handler(struct sh_req *req, void *state)
{
	const char *q = sh_req_query(req, "size");
	size_t size = q ? strtoul(q, NULL, 10) : 16;
	char *body = sh_alloc(req, size + 32);
	int n = snprintf(body, 32, "call %d ", ++calls);

	memset(body + n, 'x', size);
	return sh_reply_raw(req, 200, "text/plain", body, (size_t)n + size);
}

static int write_handler(struct sh_req *req, void *state)
{
	return sh_reply_empty(req, 204);
}

/* A host with one plugin "ct" whose GET /api/ct/... replies a cache of
 * max_bytes keeps, and an uncached POST /api/ct/write. */
static struct sh_host *cache_host(size_t max_bytes, bool broken)
{
	struct sh_host *h = pgtest_host("cache", NULL, NULL, broken);
	struct sh_cache *c;

	h->router = host_router_new();
	h->registering = true;
	h->loading = &plug;
	plug.caches = NULL;
	c = sh_cache_new(h, CHANNEL, max_bytes);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(sh_cache_new(h, "Bad-Channel", max_bytes));
	ck_assert_int_eq(host_router_add(h->router, "POST", "/api/ct/write", SH_AUTH_NONE,
					 write_handler, NULL, &plug), 0);
	ck_assert_int_eq(host_cache_route(h, "GET", "/api/ct/*rest", SH_AUTH_NONE, handler, NULL,
					  c, &plug, NULL), 0);
	h->loading = NULL;
	h->registering = false;
	ck_assert_int_eq(host_caches_start(h), 0);
	return h;
}

static void dispatch(struct sh_req *req)
{
	struct sh_host *h = req->host;
	const struct host_route *rt;

	ck_assert_int_eq(host_router_match(h->router, req->method, req->segs, req->n_segs,
					   req->arena, &req->match), HOST_MATCH_OK);
	host_req_bind(req, &req->match);
	rt = req->match.route;
	host_route_fn(rt)(req, host_route_state(rt));
	host_cache_after(req);
}

/* One request; its reply (malloc'd) and whether the handler stayed out. */
static char *request(struct sh_host *h, const char *method, const char *uri, bool *hit)
{
	struct memio io;
	struct host_io hio;
	struct sh_req req;
	int before = calls;
	char *out;

	memio_init(&io);
	memio_param(&io, "REQUEST_METHOD", method);
	memio_param(&io, "REQUEST_URI", uri);
	hio = memio_io(&io);
	memset(&req, 0, sizeof req);
	if (host_req_begin(&req, h, &hio) == 0)
		dispatch(&req);
	host_req_finish(&req);
	out = sh_xstrdup(io.out ? io.out : "");
	memio_free(&io);
	if (hit)
		*hit = calls == before;
	return out;
}

/* Whether a GET of uri was answered from the cache. */
static bool get_hits(struct sh_host *h, const char *uri)
{
	bool hit;

	free(request(h, "GET", uri, &hit));
	return hit;
}

/* Waits (up to ms) until a fresh URI is stored by one GET and hit by the
 * next: the listener is connected. */
static bool wait_live(struct sh_host *h, int ms)
{
	static int probe;
	char uri[64];

	for (int64_t end = pgtest_now_ms() + ms; pgtest_now_ms() < end; pgtest_sleep_ms(20)) {
		snprintf(uri, sizeof uri, "/api/ct/probe/%d", ++probe);
		if (!get_hits(h, uri) && get_hits(h, uri))
			return true;
	}
	return false;
}

/* Waits (up to ms) until a GET of uri runs the handler. */
static bool wait_miss(struct sh_host *h, const char *uri, int ms)
{
	for (int64_t end = pgtest_now_ms() + ms; pgtest_now_ms() < end; pgtest_sleep_ms(20))
		if (!get_hits(h, uri))
			return true;
	return false;
}

START_TEST(test_store_hit)
{
	struct sh_host *h = cache_host(1 << 20, false);
	char *first, *again;
	bool hit;

	ck_assert(wait_live(h, 5000));
	first = request(h, "GET", "/api/ct/a?size=10", &hit);
	ck_assert(!hit);
	ck_assert_ptr_nonnull(strstr(first, "Status: 200 OK\r\n"));
	again = request(h, "GET", "/api/ct/a?size=10", &hit);
	ck_assert(hit);
	ck_assert_str_eq(again, first);
	free(again);
	/* Another query string is another entry. */
	again = request(h, "GET", "/api/ct/a?size=11", &hit);
	ck_assert(!hit);
	free(again);
	free(first);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_notify_drops)
{
	struct sh_host *h = cache_host(1 << 20, false);
	PGconn *admin = pgtest_admin();

	ck_assert(wait_live(h, 5000));
	ck_assert(!get_hits(h, "/api/ct/n"));
	ck_assert(get_hits(h, "/api/ct/n"));
	/* Another channel leaves the cache alone. */
	pgtest_exec(admin, "NOTIFY other_changes");
	pgtest_sleep_ms(300);
	ck_assert(get_hits(h, "/api/ct/n"));
	pgtest_exec(admin, "SELECT pg_notify('" CHANNEL "', 'x')");
	ck_assert(wait_miss(h, "/api/ct/n", 5000));
	ck_assert(get_hits(h, "/api/ct/n"));
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_write_and_clear_drop)
{
	struct sh_host *h = cache_host(1 << 20, false);
	struct sh_cache *c = plug.caches;

	ck_assert(wait_live(h, 5000));
	ck_assert(!get_hits(h, "/api/ct/w"));
	ck_assert(get_hits(h, "/api/ct/w"));
	free(request(h, "POST", "/api/ct/write", NULL));
	ck_assert(!get_hits(h, "/api/ct/w"));
	ck_assert(get_hits(h, "/api/ct/w"));
	sh_cache_clear(c);
	ck_assert(!get_hits(h, "/api/ct/w"));
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_lru_bound)
{
	/* Entries of 5000 body bytes plus key, head and bookkeeping (under 300):
	 * ten fit in 64 KiB, fourteen do not. */
	struct sh_host *h = cache_host(64 * 1024, false);
	char uri[64];

	ck_assert(wait_live(h, 5000));
	for (int i = 0; i < 10; i++) {
		snprintf(uri, sizeof uri, "/api/ct/k%d?size=5000", i);
		ck_assert(!get_hits(h, uri));
	}
	ck_assert(get_hits(h, "/api/ct/k0?size=5000"));   /* k0 is now the newest */
	for (int i = 10; i < 14; i++) {
		snprintf(uri, sizeof uri, "/api/ct/k%d?size=5000", i);
		ck_assert(!get_hits(h, uri));
	}
	ck_assert(get_hits(h, "/api/ct/k13?size=5000"));
	ck_assert(get_hits(h, "/api/ct/k0?size=5000"));
	ck_assert(!get_hits(h, "/api/ct/k1?size=5000"));  /* the least recently used went */
	/* Over an eighth of the bound: served, never stored. */
	ck_assert(!get_hits(h, "/api/ct/big?size=9000"));
	ck_assert(!get_hits(h, "/api/ct/big?size=9000"));
	pgtest_host_free(h);
}
END_TEST

START_TEST(test_never_listening)
{
	struct sh_host *h = cache_host(1 << 20, true);

	for (int i = 0; i < 3; i++)
		ck_assert(!get_hits(h, "/api/ct/d"));
	pgtest_host_free(h);
}
END_TEST

/* Ends the listener's session and lets no new one into the database. */
static void cut_listener(PGconn *admin)
{
	pgtest_allow_connections(false);
	pgtest_exec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		    " WHERE application_name = 'stagehand-cache-listen'"
		    " AND datname = current_database()");
}

/* Runs last: a failure here leaves the database closed to new sessions. */
START_TEST(test_bypass_while_down)
{
	struct sh_host *h = cache_host(1 << 20, false);
	PGconn *admin = pgtest_admin();
	bool down = false;

	ck_assert(wait_live(h, 5000));
	ck_assert(!get_hits(h, "/api/ct/before"));
	ck_assert(get_hits(h, "/api/ct/before"));
	cut_listener(admin);
	for (int i = 0; i < 250 && !down; i++, pgtest_sleep_ms(20))
		down = !get_hits(h, "/api/ct/during") && !get_hits(h, "/api/ct/during");
	/* Still down a while later: nothing is stored, nothing is served. */
	pgtest_sleep_ms(300);
	for (int i = 0; down && i < 3; i++)
		down = !get_hits(h, "/api/ct/during");
	pgtest_allow_connections(true);
	ck_assert_msg(down, "the cache was not bypassed while the listener was down");
	ck_assert(wait_live(h, 10000));
	/* Stored before the outage, not served after it. */
	ck_assert(!get_hits(h, "/api/ct/before"));
	PQfinish(admin);
	pgtest_host_free(h);
}
END_TEST

static Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, test_store_hit);
	tcase_add_test(tc, test_notify_drops);
	tcase_add_test(tc, test_write_and_clear_drop);
	tcase_add_test(tc, test_lru_bound);
	tcase_add_test(tc, test_never_listening);
	tcase_add_test(tc, test_bypass_while_down);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pgtest_main("cache", cache_suite());
}
