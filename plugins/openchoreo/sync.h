/*
 * The full sync's own parts (sync.c runs it, sync_walk.c walks the API,
 * db_sync.c records the outcome, routes_status.c shows it).  Not for the
 * rest of the plugin: openchoreo.h is the contract between its parts.
 */
#ifndef OPENCHOREO_SYNC_H
#define OPENCHOREO_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "openchoreo.h"

/* One run: what the walk gathers and the budget it runs under. */
struct oc_run {
	struct oc_state api;        /* the plugin's state; http_timeout_ms set per call */
	long call_timeout_ms;       /* the configured bound of one call */
	double deadline;            /* CLOCK_MONOTONIC seconds after which the run is abandoned */
	json_t *entities;           /* the full mutation, in spec §1.6 order */
	json_t *counts;             /* {"<entity kind>": n} */
	json_t *namespaces;         /* the namespace list (step 1) */
	long walk_ms;               /* how long the API calls took (with translation) */
	long fetches;               /* [openchoreo] workload_fetches: 7d requests at once */
	bool memo;                  /* steps go through the memo (memo.h, sync_memo.c) */
	long steps, remembered;     /* steps walked; of them, answered from the memo */
	unsigned long memo_gen;     /* this run's generation in the memo */
	json_t *verified;           /* oc_walk_verify's verdicts: key -> {"texts","counts"} of
				     * the steps found unchanged; NULL before it ran */
	char err[512];              /* why the run failed: the call and the reason */
};

/* sync_walk.c: the calls of spec §1.2 in order, translating as it goes.
 * 0, or a negative SH_E* code with run->err set: the run is abandoned. */
int oc_walk(struct oc_run *run);

/* sync_budget.c: CLOCK_MONOTONIC in seconds. */
double oc_now(void);
/* metadata.name, or "" */
const char *oc_name_of(const json_t *item);

/* The walk's steps share these (sync_budget.c, sync_walk.c). */
/* Before each call: 0, or the run is over (shutdown, sync_timeout) with
 * run->err naming `what`; sets the call's timeout to what is left. */
int oc_walk_budget(struct oc_run *run, const char *what);
/* The same for a call made with `api` (a copy of run->api) from any
 * thread: reads run only, the reason in err. */
int oc_call_budget(const struct oc_run *run, struct oc_state *api, const char *what, char *err,
		   size_t errlen);
/* A kind's list in namespace ns (ignored for cluster kinds) into items;
 * extra: an encoded query prefix ("project=p") or NULL. */
int oc_walk_list(struct oc_run *run, enum oc_kind k, const char *ns, const char *extra,
		 json_t *items);
/* The translators' context for namespace ns. */
struct oc_ctx oc_walk_ctx(const struct oc_run *run, const char *ns);
/* Appends the entity of each item (oc_translate), in order. */
int oc_walk_translate(struct oc_run *run, enum oc_kind k, const char *ns, json_t *items);
/* Appends one entity (stolen) and counts it by its kind. */
void oc_walk_emit(struct oc_run *run, json_t *entity);

/* parallel.c: fn(arg, i) for every i in [0, n) on up to `threads` threads
 * (this one among them), i started in increasing order; once a call
 * returns non-zero no further i is started.  Returns when all are done. */
typedef int (*oc_each_fn)(void *arg, size_t i);
void oc_parallel(size_t n, long threads, oc_each_fn fn, void *arg);

/*
 * sync_memo.c: one step of the walk (fn(run, k, ns): a kind's list in
 * namespace ns, or ns's projects) through the memo (memo.h).  When the
 * step is remembered, its calls are asked again (up to run->fetches at
 * once); every answer the same bytes, its remembered entities are emitted
 * and fn is not called.  Else fn runs with its calls recorded, and the
 * entities it emitted become their texts and are remembered under the
 * step.  Without run->memo it is fn.  0, or fn's failure, or a failure
 * asking again (a timeout, the budget's) with run->err set.
 */
typedef int (*oc_step_fn)(struct oc_run *run, enum oc_kind k, const char *ns);
int oc_walk_step(struct oc_run *run, enum oc_kind k, const char *ns, oc_step_fn fn);
/*
 * sync_memo.c: before the steps, the calls of every remembered step among
 * `steps` ([[kind, namespace], ...]) asked again in one batch (up to
 * run->fetches at once, so that a step of one call does not wait for the
 * step before it); oc_walk_step then takes their verdicts from
 * run->verified instead of asking each step's calls itself.  An answer
 * with another status or other bytes makes its step run in full; a call
 * that times out or breaks ends the run as in the walk.  0, or that
 * failure or the budget's (shutdown, sync_timeout) with run->err set.
 */
int oc_walk_verify(struct oc_run *run, const json_t *steps);
/* Step 7d for one project's components (sync_workloads.c): workloads[i]
 * becomes component i's first workload (a new reference) or NULL.  Up to
 * run->fetches requests at once; 0, or the first failing component's code
 * with run->err set (the caller still drops the references it got). */
int oc_walk_workloads(struct oc_run *run, const char *ns, const json_t *components,
		      json_t **workloads);
/* Step 7 for namespace ns: Systems, Components with their APIs, then
 * DeploymentPipelines (sync_projects.c). */
int oc_walk_projects(struct oc_run *run, const char *ns);

/* What db_sync.c records of a run. */
struct oc_sync_report {
	double started;             /* wall clock, seconds since the epoch */
	long duration_ms;
	const char *error;          /* NULL: it succeeded */
	const json_t *counts;       /* entities by kind (a good run) */
	struct oc_mutation_result mutation;
};

/* Upserts the one row of openchoreo.sync_status; a failed run keeps the
 * counts of the last good one.  0 or SH_EDB. */
int oc_db_sync_record(PGconn *conn, const struct oc_sync_report *r);
/* The status route's "lastSync" object (json_null() before the first run);
 * NULL on a database error, already logged. */
json_t *oc_db_sync_status(struct sh_req *req);

#endif
