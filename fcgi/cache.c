/*
 * Response caches (<stagehand/cache.h>): a hash table with an LRU list per
 * cache, a generation counter that every change notification bumps, and
 * one listener thread per process holding a LISTEN connection for every
 * channel a cache names or a task is woken by (sh_task_wake_on, task.c).
 *
 * Consistency: a lookup reads the generation before the handler runs; the
 * reply is stored only if the generation is still the same afterwards, and
 * an entry is served only while its generation is current.  A change
 * committed before the handler's snapshot is seen by the handler; one
 * committed after it is announced by a NOTIFY that bumps the generation.
 * While the listener is not connected (start-up, a lost connection) the
 * cache is bypassed; reconnecting bumps the generation again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <stagehand/cache.h>

#include "req.h"

#define CACHE_BUCKETS 1024u            /* a power of two */
#define LISTEN_IDLE_MS 30000           /* a silent connection is checked this often */
#define LISTEN_RETRY_MAX_MS 5000

struct cache_entry {
	struct cache_entry *hnext;         /* bucket chain */
	struct cache_entry *prev, *next;   /* LRU list, most recent first */
	uint64_t hash;
	unsigned long gen;
	size_t klen, vlen;
	char *key;
	char *val;                         /* head and body as written */
};

struct sh_cache {
	pthread_mutex_t mu;
	struct cache_entry *buckets[CACHE_BUCKETS];
	struct cache_entry *head, *tail;
	size_t bytes, max_bytes;
	atomic_ulong gen;
	atomic_bool live;                  /* the listener is connected */
	char channel[64];
	struct sh_cache *next;             /* all caches of the host */
	struct sh_cache *plugin_next;      /* the caches of one plugin */
};

/* A cached route: the plugin's handler behind the host's lookup. */
struct cache_route {
	sh_handler_fn fn;
	void *state;
	struct sh_cache *cache;
	struct cache_route *next;
};

struct host_cache_fill {
	struct sh_cache *cache;
	char *key;                         /* in the request arena */
	size_t klen;
	uint64_t hash;
	unsigned long gen;
};

struct host_caches {
	struct sh_cache *all;
	struct cache_route *routes;
	pthread_t thread;
	bool running;
	int wake[2];
	atomic_bool stop;
};

/* ------------------------------------------------------------ the table */

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static size_t entry_bytes(const struct cache_entry *e)
{
	return sizeof(*e) + e->klen + e->vlen;
}

static void lru_unlink(struct sh_cache *c, struct cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct sh_cache *c, struct cache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static void entry_drop(struct sh_cache *c, struct cache_entry *e)
{
	struct cache_entry **p = &c->buckets[e->hash & (CACHE_BUCKETS - 1)];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
	lru_unlink(c, e);
	c->bytes -= entry_bytes(e);
	free(e->key);
	free(e->val);
	free(e);
}

static struct cache_entry *entry_find(struct sh_cache *c, uint64_t hash, const char *key,
				      size_t klen)
{
	struct cache_entry *e = c->buckets[hash & (CACHE_BUCKETS - 1)];

	for (; e; e = e->hnext)
		if (e->hash == hash && e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e;
	return NULL;
}

/* Copies the entry's bytes into the request arena when it is current;
 * drops it when it is not. */
static char *cache_get(struct sh_req *req, struct sh_cache *c, const struct host_cache_fill *f,
		       size_t *len)
{
	struct cache_entry *e;
	char *out = NULL;

	pthread_mutex_lock(&c->mu);
	e = entry_find(c, f->hash, f->key, f->klen);
	if (e && e->gen != f->gen) {
		entry_drop(c, e);
	} else if (e) {
		lru_unlink(c, e);
		lru_push(c, e);
		out = sh_alloc(req, e->vlen);
		memcpy(out, e->val, e->vlen);
		*len = e->vlen;
	}
	pthread_mutex_unlock(&c->mu);
	return out;
}

static void cache_put(struct sh_cache *c, const struct host_cache_fill *f, const char *head,
		      size_t hlen, const void *body, size_t blen)
{
	struct cache_entry *e, *old;
	size_t need = sizeof(*e) + f->klen + hlen + blen;

	/* One reply may take an eighth of the cache, so a few huge lists
	 * cannot push out every page. */
	if (need > c->max_bytes / 8)
		return;
	e = sh_xcalloc(1, sizeof(*e));
	e->hash = f->hash;
	e->gen = f->gen;
	e->klen = f->klen;
	e->vlen = hlen + blen;
	e->key = sh_xmalloc(f->klen);
	memcpy(e->key, f->key, f->klen);
	e->val = sh_xmalloc(e->vlen);
	memcpy(e->val, head, hlen);
	if (blen)
		memcpy(e->val + hlen, body, blen);
	pthread_mutex_lock(&c->mu);
	if (atomic_load(&c->gen) != f->gen || !atomic_load(&c->live)) {
		/* changed while the handler ran: its reply may predate it */
		pthread_mutex_unlock(&c->mu);
		free(e->key);
		free(e->val);
		free(e);
		return;
	}
	old = entry_find(c, f->hash, f->key, f->klen);
	if (old)
		entry_drop(c, old);
	while (c->tail && c->bytes + need > c->max_bytes)
		entry_drop(c, c->tail);
	e->hnext = c->buckets[e->hash & (CACHE_BUCKETS - 1)];
	c->buckets[e->hash & (CACHE_BUCKETS - 1)] = e;
	lru_push(c, e);
	c->bytes += need;
	pthread_mutex_unlock(&c->mu);
}

static void cache_empty(struct sh_cache *c)
{
	pthread_mutex_lock(&c->mu);
	while (c->head)
		entry_drop(c, c->head);
	pthread_mutex_unlock(&c->mu);
}

void sh_cache_clear(struct sh_cache *c)
{
	if (c == NULL)
		return;
	atomic_fetch_add(&c->gen, 1);
	cache_empty(c);
}

/* ------------------------------------------------------------ requests */

bool host_channel_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 63 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_")] == '\0';
}

struct sh_cache *sh_cache_new(struct sh_host *host, const char *channel, size_t max_bytes)
{
	struct sh_cache *c;

	if (!host || !host->registering || !host->loading || !host_channel_ok(channel) ||
	    max_bytes == 0)
		return NULL;
	if (host->caches == NULL)
		host->caches = sh_xcalloc(1, sizeof(*host->caches));
	c = sh_xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->max_bytes = max_bytes;
	atomic_init(&c->gen, 1);
	atomic_init(&c->live, false);
	snprintf(c->channel, sizeof(c->channel), "%s", channel);
	c->next = host->caches->all;
	host->caches->all = c;
	c->plugin_next = host->loading->caches;
	host->loading->caches = c;
	return c;
}

/* The key: method, raw URI, Content-Type and body, NUL-separated.  Returns
 * 0, or the status of the body error already replied. */
static int make_key(struct sh_req *req, struct host_cache_fill *f)
{
	const char *ct = sh_req_header(req, "Content-Type"), *body = "";
	size_t blen = 0, off = 0, mlen, ulen, clen;
	int rc;

	if (strcmp(req->method, "GET") != 0 && (rc = sh_req_body(req, &body, &blen)) != 0)
		return rc;
	ct = ct ? ct : "";
	mlen = strlen(req->method) + 1;
	ulen = strlen(req->uri) + 1;
	clen = strlen(ct) + 1;
	f->klen = mlen + ulen + clen + blen;
	f->key = sh_alloc(req, f->klen);
	memcpy(f->key + off, req->method, mlen), off += mlen;
	memcpy(f->key + off, req->uri, ulen), off += ulen;
	memcpy(f->key + off, ct, clen), off += clen;
	if (blen)
		memcpy(f->key + off, body, blen);
	f->hash = fnv1a(f->key, f->klen);
	return 0;
}

static int cached_handler(struct sh_req *req, void *state)
{
	struct cache_route *r = state;
	struct sh_cache *c = r->cache;
	struct host_cache_fill *f;
	size_t len = 0;
	char *hit;
	int rc;

	req->cached_route = true;
	if (!atomic_load(&c->live))
		return r->fn(req, r->state);
	f = sh_alloc(req, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->cache = c;
	f->gen = atomic_load(&c->gen);
	if ((rc = make_key(req, f)) != 0)
		return rc;
	hit = cache_get(req, c, f, &len);
	if (hit) {
		req->status = 200;
		if (req->io.write(req->io.ctx, hit, len) < 0)
			req->client_gone = true;
		return 200;
	}
	req->fill = f;
	req->cache_store = host_cache_store;
	rc = r->fn(req, r->state);
	req->fill = NULL;
	req->cache_store = NULL;
	return rc;
}

int host_cache_route(struct sh_host *host, const char *method, const char *pattern,
		     enum sh_auth auth, sh_handler_fn fn, void *state, struct sh_cache *cache,
		     const struct host_plugin *owner, const char *const *query)
{
	struct cache_route *r;
	int rc;

	if (!host || !cache || !fn || !host->caches)
		return SH_EINVAL;
	r = sh_xcalloc(1, sizeof(*r));
	r->fn = fn;
	r->state = state;
	r->cache = cache;
	rc = host_router_add_q(host->router, method, pattern, auth, cached_handler, r, owner, query);
	if (rc != 0) {
		free(r);
		return rc;
	}
	r->next = host->caches->routes;
	host->caches->routes = r;
	return 0;
}

void host_cache_store(struct sh_req *req, const char *head, size_t hlen, const void *body,
		      size_t blen)
{
	if (req->fill)
		cache_put(req->fill->cache, req->fill, head, hlen, body, blen);
}

void host_cache_after(struct sh_req *req)
{
	if (req->cached_route || !req->plugin || !req->plugin->caches ||
	    strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
		return;
	for (struct sh_cache *c = req->plugin->caches; c; c = c->plugin_next)
		sh_cache_clear(c);
}

/* ------------------------------------------------------------ the listener */

static void set_live(struct host_caches *cs, bool live)
{
	for (struct sh_cache *c = cs->all; c; c = c->next) {
		atomic_store(&c->live, live);
		sh_cache_clear(c);
	}
}

/* LISTEN on one channel (host_channel_ok, so quoting is safe). */
static bool listen_on(PGconn *conn, const char *channel)
{
	char sql[96];
	PGresult *res;
	bool ok;

	snprintf(sql, sizeof(sql), "LISTEN \"%s\"", channel);
	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok;
}

/* LISTEN on every channel of a cache or a task binding. */
static bool subscribe(const struct sh_host *h, PGconn *conn)
{
	const char *ch;

	for (struct sh_cache *c = h->caches->all; c; c = c->next)
		if (!listen_on(conn, c->channel))
			return false;
	for (size_t i = 0; (ch = host_tasks_channel(h, i)) != NULL; i++)
		if (!listen_on(conn, ch))
			return false;
	return true;
}

static void notified(struct sh_host *h, PGconn *conn)
{
	PGnotify *n;

	while ((n = PQnotifies(conn)) != NULL) {
		for (struct sh_cache *c = h->caches->all; c; c = c->next)
			if (strcmp(c->channel, n->relname) == 0)
				sh_cache_clear(c);
		host_tasks_notified(h, n->relname);
		PQfreemem(n);
	}
}

/* Sleeps ms, or less when woken for shutdown. */
static void nap(struct host_caches *cs, int ms)
{
	struct pollfd p = { .fd = cs->wake[0], .events = POLLIN };

	poll(&p, 1, ms);
}

/* A subscribed connection, or NULL after a back-off nap.  After a loss
 * (`lost`) every bound task is woken: what was announced meanwhile is gone. */
static PGconn *listener_connect(struct sh_host *h, int *retry_ms, bool lost)
{
	struct host_caches *cs = h->caches;
	PGconn *conn = host_db_connect(h, "listen");

	if (conn && subscribe(h, conn)) {
		set_live(cs, true);
		sh_log(SH_LOG_DEBUG, "listening for changes and task wake-ups");
		*retry_ms = 100;
		if (lost)
			host_tasks_notified(h, NULL);
		return conn;
	}
	if (conn)
		PQfinish(conn);
	nap(cs, *retry_ms);
	*retry_ms = *retry_ms * 2 > LISTEN_RETRY_MAX_MS ? LISTEN_RETRY_MAX_MS : *retry_ms * 2;
	return NULL;
}

/* Waits for notifications (or shutdown) and hands them on; false once the
 * connection is lost. */
static bool listener_wait(struct sh_host *h, PGconn *conn)
{
	struct host_caches *cs = h->caches;
	struct pollfd p[2] = {
		{ .fd = PQsocket(conn), .events = POLLIN },
		{ .fd = cs->wake[0], .events = POLLIN },
	};
	int n = poll(p, 2, LISTEN_IDLE_MS);

	if ((n < 0 && errno == EINTR) || atomic_load(&cs->stop))
		return true;
	if (n == 0) {
		/* Silence: make sure the server is still there. */
		PGresult *res = PQexec(conn, "SELECT 1");
		bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;

		PQclear(res);
		if (ok)
			notified(h, conn);
		return ok;
	}
	if (n > 0 && PQconsumeInput(conn)) {
		notified(h, conn);
		return PQstatus(conn) == CONNECTION_OK;
	}
	return false;
}

static void *listener_main(void *arg)
{
	struct sh_host *h = arg;
	struct host_caches *cs = h->caches;
	PGconn *conn = NULL;
	int retry_ms = 100;
	bool lost = false;

	while (!atomic_load(&cs->stop)) {
		if (conn == NULL && (conn = listener_connect(h, &retry_ms, lost)) == NULL)
			continue;
		if (listener_wait(h, conn))
			continue;
		sh_log(SH_LOG_WARN, "the listening connection was lost; bypassing the response "
		       "caches and waking tasks only at their period until it is back");
		set_live(cs, false);
		PQfinish(conn);
		conn = NULL;
		lost = true;
	}
	if (conn)
		PQfinish(conn);
	return NULL;
}

int host_caches_start(struct sh_host *h)
{
	struct host_caches *cs = h->caches;

	if ((cs == NULL || cs->all == NULL) && host_tasks_channel(h, 0) == NULL)
		return 0;
	if (cs == NULL)
		cs = h->caches = sh_xcalloc(1, sizeof(*cs));
	if (pipe(cs->wake) != 0)
		return SH_EIO;
	for (int i = 0; i < 2; i++) {
		fcntl(cs->wake[i], F_SETFD, FD_CLOEXEC);
		fcntl(cs->wake[i], F_SETFL, O_NONBLOCK);
	}
	atomic_init(&cs->stop, false);
	if (pthread_create(&cs->thread, NULL, listener_main, h) != 0) {
		close(cs->wake[0]);
		close(cs->wake[1]);
		return SH_EIO;
	}
	cs->running = true;
	return 0;
}

void host_caches_stop(struct sh_host *h)
{
	struct host_caches *cs = h->caches;

	if (cs == NULL || !cs->running)
		return;
	atomic_store(&cs->stop, true);
	if (write(cs->wake[1], "x", 1) < 0)
		sh_log(SH_LOG_WARN, "response caches: could not wake the listener");
	pthread_join(cs->thread, NULL);
	close(cs->wake[0]);
	close(cs->wake[1]);
	cs->running = false;
	set_live(cs, false);
}

void host_caches_free(struct sh_host *h)
{
	struct host_caches *cs = h->caches;

	if (cs == NULL)
		return;
	host_caches_stop(h);
	while (cs->all) {
		struct sh_cache *c = cs->all;

		cs->all = c->next;
		cache_empty(c);
		pthread_mutex_destroy(&c->mu);
		free(c);
	}
	while (cs->routes) {
		struct cache_route *r = cs->routes;

		cs->routes = r->next;
		free(r);
	}
	free(cs);
	h->caches = NULL;
}
