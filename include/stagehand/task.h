/*
 * Background tasks on the host's task threads, never on request threads.
 * Periodic with jitter; a singleton task runs on one process at a time
 * across every host sharing the database (advisory lock).
 */
#ifndef STAGEHAND_TASK_H
#define STAGEHAND_TASK_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_host;

typedef void (*sh_task_fn)(struct sh_host *host, void *state);

#define SH_TASK_FIRST_MS 100u   /* the first run's delay is below this */
#define SH_TASK_SINGLETON 0x1u  /* hold pg_try_advisory_lock(name) while running; skip when taken */

/*
 * Registers a task.  Only during init.  It first runs soon after start-up,
 * after a random delay in [0, min(period_ms, SH_TASK_FIRST_MS)) that keeps
 * the tasks of hosts started together apart, then every
 * period_ms * [1, 1 + jitter].
 */
int sh_task_add(struct sh_host *host, const char *name, unsigned period_ms,
		double jitter, unsigned flags, sh_task_fn fn, void *state);

/*
 * Makes task `name` (any plugin's) run as soon as a task thread is free,
 * whatever its period; calls made before that run starts make one run.  A
 * task that is running when woken runs once more after it.  Any thread,
 * after init; an unknown name does nothing.
 */
void sh_task_wake(struct sh_host *host, const char *name);

/*
 * Only during init: a PostgreSQL NOTIFY on `channel` (a plain identifier),
 * from any process on the database, wakes task `name` as sh_task_wake
 * does.  The host LISTENs on its one listening connection (see db.md; the
 * one the response caches use).  While that connection is down the task
 * still runs at its period.
 */
int sh_task_wake_on(struct sh_host *host, const char *name, const char *channel);

/* True once shutdown has begun: long tasks check it and return early. */
bool sh_task_stopping(const struct sh_host *host);

#ifdef __cplusplus
}
#endif
#endif
