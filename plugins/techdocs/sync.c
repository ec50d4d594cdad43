/*
 * Builds of /sync: one build per site at a time (single flight: a /sync
 * that finds its entity's build running joins it and gets the same
 * outcome), at most [techdocs] build_concurrency builds at once (the others
 * wait for a slot on their own thread), each on a detached thread of its
 * own so that it finishes, and publishes, even when every caller has gone.
 * A build's log lines are kept (capped) for every caller to read; the
 * recheck window remembers when each entity (by metadata.uid) was last
 * checked successfully.  The steps of one build are in sync_build.c.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stagehand/stagehand.h>

#include "plugin.h"
#include "sync_int.h"

#define LINES_MAX 2000         /* log lines one build keeps */
#define LINE_MAX_BYTES 2048    /* bytes of one kept line */
#define RECENT_MAX 4096        /* entities the recheck window remembers */

struct td_recent {
	char *uid;
	time_t at;
};

struct td_sync {
	pthread_mutex_t mu;
	pthread_cond_t slot;       /* a build slot freed or a build thread ended */
	struct td_job *jobs;       /* builds not done yet */
	unsigned running;          /* builds holding a slot */
	unsigned threads;          /* build threads alive */
	struct td_recent recent[RECENT_MAX];
};

/* ---- the scheduler --------------------------------------------------------- */

struct td_sync *td_sync_new(void)
{
	struct td_sync *s = sh_xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->slot, NULL);
	return s;
}

void td_sync_free(struct td_sync *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->threads > 0)
		pthread_cond_wait(&s->slot, &s->mu);
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; i < RECENT_MAX; i++)
		free(s->recent[i].uid);
	pthread_cond_destroy(&s->slot);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

bool td_sync_fresh(struct techdocs *td, const char *uid)
{
	struct td_sync *s = td->sync;
	time_t now = time(NULL);
	bool fresh = false;

	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < RECENT_MAX && !fresh; i++)
		fresh = s->recent[i].uid && strcmp(s->recent[i].uid, uid) == 0 &&
			now - s->recent[i].at < (time_t)td->recheck_s;
	pthread_mutex_unlock(&s->mu);
	return fresh;
}

/* Under s->mu: uid was checked now (its own slot, else the oldest). */
static void recent_mark(struct td_sync *s, const char *uid)
{
	size_t pick = 0;

	for (size_t i = 0; i < RECENT_MAX; i++) {
		if (s->recent[i].uid && strcmp(s->recent[i].uid, uid) == 0) {
			pick = i;
			break;
		}
		if (s->recent[i].at < s->recent[pick].at)
			pick = i;
	}
	free(s->recent[pick].uid);
	s->recent[pick].uid = sh_xstrdup(uid);
	s->recent[pick].at = time(NULL);
}

/* ---- jobs ------------------------------------------------------------------ */

static void job_free(struct td_job *job)
{
	for (size_t i = 0; i < job->n_lines; i++)
		free(job->lines[i]);
	free(job->lines);
	free(job->key);
	free(job->ref);
	free(job->ns);
	free(job->kind);
	free(job->name);
	free(job->uid);
	free(job->error);
	json_decref(job->entity);
	pthread_cond_destroy(&job->news);
	free(job);
}

/* Under s->mu: drops one reference. */
static void job_unref(struct td_job *job)
{
	if (--job->refs == 0)
		job_free(job);
}

void td_job_release(struct techdocs *td, struct td_job *job)
{
	pthread_mutex_lock(&td->sync->mu);
	job_unref(job);
	pthread_mutex_unlock(&td->sync->mu);
}

void td_job_log(void *ud, const char *line)
{
	struct td_job *job = ud;
	struct td_sync *s = job->td->sync;

	pthread_mutex_lock(&s->mu);
	if (job->n_lines < LINES_MAX) {
		if (!job->lines)
			job->lines = sh_xcalloc(LINES_MAX, sizeof(*job->lines));
		job->lines[job->n_lines++] = sh_xstrndup(line, LINE_MAX_BYTES);
	} else {
		job->dropped++;
	}
	pthread_cond_broadcast(&job->news);
	pthread_mutex_unlock(&s->mu);
}

void td_job_logf(struct td_job *job, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = sh_xvasprintf(fmt, ap);
	va_end(ap);
	td_job_log(job, line);
	free(line);
}

const char **td_job_poll(struct sh_req *req, struct td_job *job, size_t *seen, int wait_ms,
			 size_t *n, bool *done, bool *updated, const char **error)
{
	struct td_sync *s = job->td->sync;
	struct timespec until;
	const char **out;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&s->mu);
	while (!job->done && *seen == job->n_lines &&
	       pthread_cond_timedwait(&job->news, &s->mu, &until) == 0)
		;
	*n = job->n_lines - *seen;
	out = sh_alloc(req, (*n + 1) * sizeof(*out));
	for (size_t i = 0; i < *n; i++)
		out[i] = sh_strdup(req, job->lines[*seen + i]);
	*seen = job->n_lines;
	*done = job->done;
	*updated = job->updated;
	*error = job->error ? sh_strdup(req, job->error) : NULL;
	pthread_mutex_unlock(&s->mu);
	return out;
}

/* ---- the build thread ------------------------------------------------------- */

static void slot_take(struct td_job *job)
{
	struct td_sync *s = job->td->sync;
	bool said = false;

	pthread_mutex_lock(&s->mu);
	while (s->running >= job->td->concurrency) {
		if (!said) {
			pthread_mutex_unlock(&s->mu);
			td_job_logf(job, "Waiting for a free build slot (%u builds at once)",
				 job->td->concurrency);
			said = true;
			pthread_mutex_lock(&s->mu);
			continue;
		}
		pthread_cond_wait(&s->slot, &s->mu);
	}
	s->running++;
	pthread_mutex_unlock(&s->mu);
}

/* Under s->mu: takes the job out of the in-flight list. */
static void jobs_remove(struct td_sync *s, struct td_job *job)
{
	for (struct td_job **p = &s->jobs; *p; p = &(*p)->next)
		if (*p == job) {
			*p = job->next;
			return;
		}
}

static void job_end(struct td_job *job, int rc, bool updated, const char *err)
{
	struct td_sync *s = job->td->sync;

	if (rc < 0) {
		td_job_logf(job, "Failed to build the docs page for entity %s: %s", job->ref, err);
		sh_log(SH_LOG_WARN, "techdocs: build of %s failed: %s", job->ref, err);
	} else {
		sh_log(SH_LOG_INFO, "techdocs: %s %s", job->ref, updated ? "built" : "up to date");
	}
	pthread_mutex_lock(&s->mu);
	s->running--;
	s->threads--;
	jobs_remove(s, job);
	job->done = true;
	job->updated = rc == 0 && updated;
	job->error = rc < 0 ? sh_xstrdup(err) : NULL;
	if (rc == 0)
		recent_mark(s, job->uid);
	pthread_cond_broadcast(&job->news);
	pthread_cond_broadcast(&s->slot);
	job_unref(job);
	pthread_mutex_unlock(&s->mu);
}

static void *build_main(void *arg)
{
	struct td_job *job = arg;
	char err[512] = "";
	bool updated = false;
	int rc;

	slot_take(job);
	sh_log(SH_LOG_INFO, "techdocs: building %s", job->ref);
	rc = td_job_run(job, &updated, err, sizeof(err));
	if (rc < 0 && !*err)
		snprintf(err, sizeof(err), "error %d", rc);
	job_end(job, rc, updated, err);
	return NULL;
}

static struct td_job *job_new(struct techdocs *td, const json_t *entity,
			      const struct td_triplet *t, const char *key, const char *uid)
{
	struct td_job *job = sh_xcalloc(1, sizeof(*job));

	job->td = td;
	job->key = sh_xstrdup(key);
	job->ns = sh_xstrdup(t->ns);
	job->kind = sh_xstrdup(t->kind);
	job->name = sh_xstrdup(t->name);
	job->uid = sh_xstrdup(uid);
	job->ref = sh_xasprintf("%s:%s/%s", t->kind, t->ns, t->name);
	job->entity = json_deep_copy(entity);
	job->refs = 2;
	pthread_cond_init(&job->news, NULL);
	return job;
}

/* Under s->mu: starts the job's thread; false when the thread cannot start. */
static bool job_start(struct td_sync *s, struct td_job *job)
{
	pthread_attr_t attr;
	pthread_t tid;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&tid, &attr, build_main, job);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		return false;
	s->threads++;
	job->next = s->jobs;
	s->jobs = job;
	return true;
}

struct td_job *td_sync_join(struct techdocs *td, const json_t *entity, const struct td_triplet *t,
			    const char *uid)
{
	struct td_sync *s = td->sync;
	char *key = td_site_dir(td->publish_dir, t->ns, t->kind, t->name);
	struct td_job *job;

	pthread_mutex_lock(&s->mu);
	for (job = s->jobs; job && key && strcmp(job->key, key) != 0; job = job->next)
		;
	if (job) {
		job->refs++;
	} else {
		job = job_new(td, entity, t, key ? key : "", uid);
		if (!key || !job_start(s, job)) {
			job->done = true;
			job->refs = 1;
			job->error = sh_xstrdup(key ? "cannot start a build thread"
						    : "the entity's name cannot be a path");
		}
	}
	pthread_mutex_unlock(&s->mu);
	free(key);
	return job;
}
