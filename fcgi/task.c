/*
 * Background tasks: registered during plugin init, run on dedicated threads
 * (one per task unless [server] task_threads says fewer, so a long run never
 * holds the others back) at their period plus jitter, or at once when woken
 * (sh_task_wake, or a NOTIFY on a channel bound by sh_task_wake_on, which
 * the host's listener in cache.c delivers); never twice at once in this
 * process; singleton tasks also hold a PostgreSQL advisory lock so that only
 * one host sharing the database runs them.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "host.h"

struct host_task {
	char *name;
	char *plugin;             /* owner, for log lines; NULL for host tasks */
	unsigned period_ms;
	double jitter;
	unsigned flags;
	sh_task_fn fn;
	void *state;
	int64_t due_ms;           /* CLOCK_MONOTONIC */
	bool running;
	bool woken;               /* woken while running: run again right after */
};

/* sh_task_wake_on: a NOTIFY on `channel` wakes task `task`. */
struct host_task_bind {
	char *task;
	char *channel;
};

struct host_tasks {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct host_task *v;
	size_t n, cap;
	struct host_task_bind *binds;
	size_t n_binds;
	pthread_t *threads;
	size_t n_threads;
	int acquire_timeout_ms;
	atomic_bool stop;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*, one state per thread: jitter needs spread, not secrecy. */
static double rand01(void)
{
	static _Thread_local uint64_t x;

	if (x == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)(uintptr_t)&x ^ 0x9e3779b97f4a7c15ULL;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) * 0x1.0p-53;
}

static struct host_tasks *tasks_new(void)
{
	struct host_tasks *ts = sh_xcalloc(1, sizeof(*ts));
	pthread_condattr_t ca;

	pthread_mutex_init(&ts->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ts->cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&ts->stop, false);
	return ts;
}

static bool name_taken(const struct host_tasks *ts, const char *name)
{
	for (size_t i = 0; ts && i < ts->n; i++)
		if (strcmp(ts->v[i].name, name) == 0)
			return true;
	return false;
}

/* Registration is open: inside init, before the threads start. */
static bool registering(const struct sh_host *host)
{
	return host && host->registering && !(host->tasks && host->tasks->threads);
}

static struct host_tasks *tasks_of(struct sh_host *host)
{
	if (host->tasks == NULL)
		host->tasks = tasks_new();
	return host->tasks;
}

int sh_task_add(struct sh_host *host, const char *name, unsigned period_ms,
		double jitter, unsigned flags, sh_task_fn fn, void *state)
{
	struct host_tasks *ts;
	struct host_task *t;

	if (!registering(host))
		return SH_ESTATE;
	if (name == NULL || *name == '\0' || fn == NULL || period_ms == 0 ||
	    !(jitter >= 0.0 && jitter <= 10.0) || (flags & ~SH_TASK_SINGLETON) ||
	    name_taken(host->tasks, name))
		return SH_EINVAL;
	ts = tasks_of(host);
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 8;
		ts->v = sh_xrealloc(ts->v, ts->cap * sizeof(*ts->v));
	}
	t = &ts->v[ts->n++];
	memset(t, 0, sizeof(*t));
	t->name = sh_xstrdup(name);
	if (host->loading && host->loading->info)
		t->plugin = sh_xstrdup(host->loading->info->name);
	t->period_ms = period_ms;
	t->jitter = jitter;
	t->flags = flags;
	t->fn = fn;
	t->state = state;
	return 0;
}

int sh_task_wake_on(struct sh_host *host, const char *name, const char *channel)
{
	struct host_tasks *ts;
	struct host_task_bind *b;

	if (!registering(host))
		return SH_ESTATE;
	if (name == NULL || *name == '\0' || !host_channel_ok(channel))
		return SH_EINVAL;
	ts = tasks_of(host);
	for (size_t i = 0; i < ts->n_binds; i++)
		if (strcmp(ts->binds[i].task, name) == 0 && strcmp(ts->binds[i].channel, channel) == 0)
			return 0;
	/* Only during init, a handful per plugin: grown one at a time. */
	ts->binds = sh_xrealloc(ts->binds, (ts->n_binds + 1) * sizeof(*ts->binds));
	b = &ts->binds[ts->n_binds++];
	b->task = sh_xstrdup(name);
	b->channel = sh_xstrdup(channel);
	return 0;
}

const char *host_tasks_channel(const struct sh_host *h, size_t i)
{
	return h->tasks && i < h->tasks->n_binds ? h->tasks->binds[i].channel : NULL;
}

/* Under ts->mu: due now, or (running) once more right after this run. */
static bool wake_locked(struct host_tasks *ts, const char *name, int64_t now)
{
	for (size_t i = 0; i < ts->n; i++) {
		struct host_task *t = &ts->v[i];

		if (strcmp(t->name, name) != 0)
			continue;
		if (t->running)
			t->woken = true;
		else if (t->due_ms > now)
			t->due_ms = now;
		return true;
	}
	return false;
}

void sh_task_wake(struct sh_host *host, const char *name)
{
	struct host_tasks *ts = host ? host->tasks : NULL;

	if (ts == NULL || name == NULL)
		return;
	pthread_mutex_lock(&ts->mu);
	if (wake_locked(ts, name, now_ms()))
		pthread_cond_broadcast(&ts->cv);
	pthread_mutex_unlock(&ts->mu);
}

void host_tasks_notified(struct sh_host *h, const char *channel)
{
	struct host_tasks *ts = h->tasks;
	bool any = false;
	int64_t now = now_ms();

	if (ts == NULL || ts->n_binds == 0)
		return;
	pthread_mutex_lock(&ts->mu);
	for (size_t i = 0; i < ts->n_binds; i++)
		if (channel == NULL || strcmp(ts->binds[i].channel, channel) == 0)
			any |= wake_locked(ts, ts->binds[i].task, now);
	if (any)
		pthread_cond_broadcast(&ts->cv);
	pthread_mutex_unlock(&ts->mu);
}

bool sh_task_stopping(const struct sh_host *host)
{
	struct sh_host *h = (struct sh_host *)host;   /* atomic_load wants non-const */

	return atomic_load(&h->stopping) || (h->tasks && atomic_load(&h->tasks->stop));
}

/* Runs a singleton task only if no other host holds its advisory lock. */
static void run_singleton(struct sh_host *h, struct host_task *t, int timeout_ms)
{
	const char *params[1] = { t->name };
	PGconn *conn = sh_db_get(h, timeout_ms);
	PGresult *res;
	bool got;

	if (conn == NULL) {
		sh_log(SH_LOG_WARN, "task %s skipped: no database connection", t->name);
		return;
	}
	res = sh_db_exec(conn, "SELECT pg_try_advisory_lock(hashtext('stagehand.task.' || $1))",
			 1, params);
	got = res && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (got) {
		t->fn(h, t->state);
		PQclear(sh_db_exec(conn, "SELECT pg_advisory_unlock(hashtext('stagehand.task.' || $1))",
				   1, params));
	} else {
		sh_log(SH_LOG_DEBUG, "task %s skipped: running on another host", t->name);
	}
	sh_db_put(h, conn);
}

static void run_task(struct sh_host *h, struct host_task *t, int timeout_ms)
{
	int64_t start = now_ms();

	host_log_context(t->plugin, NULL);
	if (t->flags & SH_TASK_SINGLETON)
		run_singleton(h, t, timeout_ms);
	else
		t->fn(h, t->state);
	sh_log(SH_LOG_DEBUG, "task %s finished in %lld ms", t->name,
	       (long long)(now_ms() - start));
	host_log_context(NULL, NULL);
}

/* The idle task due first, or NULL when every task is running. */
static struct host_task *next_task(struct host_tasks *ts)
{
	struct host_task *best = NULL;

	for (size_t i = 0; i < ts->n; i++)
		if (!ts->v[i].running && (best == NULL || ts->v[i].due_ms < best->due_ms))
			best = &ts->v[i];
	return best;
}

static void wait_until(struct host_tasks *ts, int64_t due_ms)
{
	struct timespec dl = { .tv_sec = due_ms / 1000, .tv_nsec = (due_ms % 1000) * 1000000L };

	pthread_cond_timedwait(&ts->cv, &ts->mu, &dl);
}

static void *task_thread(void *arg)
{
	struct sh_host *h = arg;
	struct host_tasks *ts = h->tasks;
	struct host_task *t;

	pthread_mutex_lock(&ts->mu);
	while (!atomic_load(&ts->stop) && !atomic_load(&h->stopping)) {
		t = next_task(ts);
		if (t == NULL) {
			pthread_cond_wait(&ts->cv, &ts->mu);
			continue;
		}
		if (t->due_ms > now_ms()) {
			wait_until(ts, t->due_ms);
			continue;
		}
		t->running = true;
		t->woken = false;
		pthread_mutex_unlock(&ts->mu);
		run_task(h, t, ts->acquire_timeout_ms);
		pthread_mutex_lock(&ts->mu);
		t->running = false;
		t->due_ms = now_ms();
		if (!t->woken)
			t->due_ms += (int64_t)(t->period_ms * (1.0 + rand01() * t->jitter));
		t->woken = false;
		pthread_cond_broadcast(&ts->cv);
	}
	pthread_mutex_unlock(&ts->mu);
	return NULL;
}

int host_tasks_start(struct sh_host *h)
{
	struct host_tasks *ts = h->tasks;
	long want = sh_conf_int(h->conf, "server", "task_threads", HOST_TASK_THREADS_MAX);
	int64_t now = now_ms();

	if (ts == NULL || ts->n == 0 || ts->threads)
		return 0;
	if (want <= 0) {
		sh_log(SH_LOG_NOTICE, "task threads disabled: %zu tasks will not run", ts->n);
		return 0;
	}
	ts->acquire_timeout_ms = (int)sh_conf_int(h->conf, "database", "acquire_timeout_ms", 5000);
	/* Soon, not a whole period away: a catalog is loaded at start-up. */
	for (size_t i = 0; i < ts->n; i++)
		ts->v[i].due_ms = now + (int64_t)(rand01() * (ts->v[i].period_ms < SH_TASK_FIRST_MS ?
							  ts->v[i].period_ms : SH_TASK_FIRST_MS));
	/* One thread per task (the default) lets a long run, such as a full
	 * sync of minutes, delay no other task; more would only sleep. */
	ts->threads = sh_xcalloc((size_t)want < ts->n ? (size_t)want : ts->n, sizeof(pthread_t));
	for (size_t i = 0; i < (size_t)want && i < ts->n; i++) {
		if (pthread_create(&ts->threads[i], NULL, task_thread, h) != 0) {
			sh_log(SH_LOG_ERROR, "could not start task thread %zu", i);
			host_tasks_stop(h);
			return SH_EIO;
		}
		ts->n_threads++;
	}
	sh_log(SH_LOG_INFO, "started %zu task threads for %zu tasks", ts->n_threads, ts->n);
	return 0;
}

void host_tasks_stop(struct sh_host *h)
{
	struct host_tasks *ts = h->tasks;

	if (ts == NULL)
		return;
	pthread_mutex_lock(&ts->mu);
	atomic_store(&ts->stop, true);
	pthread_cond_broadcast(&ts->cv);
	pthread_mutex_unlock(&ts->mu);
	for (size_t i = 0; i < ts->n_threads; i++)
		pthread_join(ts->threads[i], NULL);
	ts->n_threads = 0;
}

void host_tasks_free(struct sh_host *h)
{
	struct host_tasks *ts = h->tasks;

	if (ts == NULL)
		return;
	host_caches_stop(h);    /* its listener wakes tasks */
	host_tasks_stop(h);
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->v[i].name);
		free(ts->v[i].plugin);
	}
	for (size_t i = 0; i < ts->n_binds; i++) {
		free(ts->binds[i].task);
		free(ts->binds[i].channel);
	}
	free(ts->binds);
	free(ts->v);
	free(ts->threads);
	pthread_cond_destroy(&ts->cv);
	pthread_mutex_destroy(&ts->mu);
	free(ts);
	h->tasks = NULL;
}
