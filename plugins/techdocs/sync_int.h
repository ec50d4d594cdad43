/*
 * sync.c's job as sync_build.c sees it: one build of a site, shared by
 * every /sync caller waiting for it.  From `refs` on, fields change only
 * under the scheduler's mutex; the ones above are set before the build
 * thread starts and never change.
 */
#ifndef TECHDOCS_SYNC_INT_H
#define TECHDOCS_SYNC_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct techdocs;

struct td_job {
	struct td_job *next;
	struct techdocs *td;
	char *key;                 /* "ns/kind/name", lower case: one build per site */
	char *ref;                 /* kind:namespace/name, for the log */
	char *ns, *kind, *name, *uid;
	json_t *entity;            /* a copy, for the techdocs-ref and the title */
	unsigned refs;             /* callers + the build thread */
	char **lines;
	size_t n_lines, dropped;
	bool done, updated;
	char *error;               /* the reason of a failed build */
	pthread_cond_t news;       /* a line, or done */
};

/* Appends one build-log line for every caller (a td_log_fn, ud = the job). */
void td_job_log(void *ud, const char *line);
void td_job_logf(struct td_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The build itself, on the job's thread: 0 with *updated (false: the
 * published site is of this version already), or a code and the reason. */
int td_job_run(struct td_job *job, bool *updated, char *err, size_t errlen);

#endif
