/*
 * Health routes for probes and load balancers: /healthcheck (the legacy
 * shape OpenChoreo's Helm probes use), liveness, and readiness, which
 * follows the start-up phase and whether the database answers right now.
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "req.h"

#define PING_TIMEOUT_MS 1000
#define PING_CACHE_MS 1000

/* One ping per second at most, however many probes arrive.  While one
 * probe pings, the others answer from the last result instead of queueing
 * request threads behind a slow connect; "not known yet" counts as down. */
static struct {
	pthread_mutex_t mu;
	const struct sh_host *host;
	int64_t at_ms;
	int rc;
	bool pinging;
} ping_cache = { .mu = PTHREAD_MUTEX_INITIALIZER, .rc = SH_EUNAVAIL };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int db_reachable(struct sh_host *h)
{
	bool fresh;
	int rc;

	pthread_mutex_lock(&ping_cache.mu);
	fresh = ping_cache.host == h && now_ms() - ping_cache.at_ms < PING_CACHE_MS;
	rc = ping_cache.host == h ? ping_cache.rc : SH_EUNAVAIL;
	if (fresh || ping_cache.pinging) {
		pthread_mutex_unlock(&ping_cache.mu);
		return rc;
	}
	ping_cache.pinging = true;
	pthread_mutex_unlock(&ping_cache.mu);
	rc = host_db_ping(h, PING_TIMEOUT_MS);
	pthread_mutex_lock(&ping_cache.mu);
	ping_cache.rc = rc;
	ping_cache.at_ms = now_ms();
	ping_cache.host = h;
	ping_cache.pinging = false;
	pthread_mutex_unlock(&ping_cache.mu);
	return rc;
}

static int reply_ok(struct sh_req *req)
{
	return sh_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

static int reply_error(struct sh_req *req, const char *message)
{
	return sh_reply_json(req, 503, json_pack("{s:s, s:s}", "message", message,
						 "status", "error"));
}

static int healthcheck(struct sh_req *req, void *state)
{
	return reply_ok(req);
}

static int liveness(struct sh_req *req, void *state)
{
	return reply_ok(req);
}

static int readiness(struct sh_req *req, void *state)
{
	struct sh_host *h = state;

	switch (atomic_load(&h->phase)) {
	case HOST_STARTING:
		return reply_error(req, "Backend has not started yet");
	case HOST_STOPPING:
		return reply_error(req, "Backend is shutting down");
	default:
		break;
	}
	if (db_reachable(h) != 0)
		return reply_error(req, "Database is unreachable");
	return reply_ok(req);
}

int host_health_register(struct sh_host *h)
{
	static const struct {
		const char *path;
		sh_handler_fn fn;
	} routes[] = {
		{ "/healthcheck", healthcheck },
		{ "/.backstage/health/v1/liveness", liveness },
		{ "/.backstage/health/v1/readiness", readiness },
	};
	int rc;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		rc = host_router_add(h->router, "GET", routes[i].path, SH_AUTH_NONE,
				     routes[i].fn, h, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}
