/*
 * The events path's parts (spec openchoreo-provider.md §4): what the
 * ingress accepts (event.c, pure), the durable queue (db_events.c), and
 * the per-kind apply (apply.c, apply_component.c) the task runs
 * (events.c).  Internal to those files; the plugin's other parts see only
 * oc_route_events, oc_events_start and oc_events_counts in openchoreo.h.
 */
#ifndef OPENCHOREO_EVENTS_H
#define OPENCHOREO_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "openchoreo.h"

#define OC_EVENTS_TASK "openchoreo.events"
#define OC_EVENTS_CHANNEL "openchoreo_events" /* NOTIFY'd when a row is queued */
#define OC_EVENT_SECRET_HEADER "X-Stagehand-Events-Secret"
#define OC_EVENT_MAX_BODY (5u * 1024 * 1024) /* as Backstage's HTTP ingress */
#define OC_EVENT_MAX_NAME 253                /* a Kubernetes name's length */
#define OC_EVENT_MAX_ATTEMPTS 10             /* failed applies before a row is dropped */

/* ---- event.c: what the ingress accepts (pure) --------------------------- */

/* One forwarder event; the strings are borrowed from the payload. */
struct oc_event {
	const struct oc_kind_info *kind;
	const char *ns;     /* as sent, "" kept; "default" when absent or null (§4.1 step 5) */
	const char *name;
	const char *action; /* created, updated, deleted, or anything: only logged */
};

/*
 * Reads a parsed payload.  0 with *ev filled; -1 when the event is to be
 * ignored (answered 202 all the same), with *why a static reason for the
 * debug log: not an object, kind/name/action missing, empty or not
 * strings, a namespace that is neither a string nor null, a name (or a
 * non-empty namespace) that is not a Kubernetes name (lower-case a-z 0-9
 * '-' '.', at most OC_EVENT_MAX_NAME), or a kind without a row in
 * oc_kinds.
 */
int oc_event_parse(const json_t *payload, struct oc_event *ev, const char **why);

/* True for "application/json", any case, optionally followed by
 * parameters (";charset=utf-8"). */
bool oc_event_is_json(const char *content_type);

/* Compares a presented secret with the configured one in time that
 * depends only on their lengths, not on where they differ.  NULL got is
 * false. */
bool oc_event_secret_ok(const char *want, const char *got);

/* The namespace of the entities an event's resource becomes: the event's
 * for namespaced kinds, OC_CLUSTER_NS for cluster kinds, "default" for a
 * Namespace (its Domain). */
const char *oc_event_entity_ns(const struct oc_kind_info *k, const char *ns);

/*
 * Appends to `removed` the entity refs a 404 on the re-fetch removes
 * (§4.2): "<lower(entity kind)>:<entity ns>/<name>", plus the generated
 * Template's ref for the type kinds that have one.  Nothing for Workload
 * (its removal is apply_component.c's).
 */
void oc_event_gone_refs(const struct oc_kind_info *k, const char *ns, const char *name,
			json_t *removed);

/* Delay before the next try after `attempts` failed applies (1, 2, ...):
 * 250 ms doubled each time, at most 60 s. */
long oc_event_backoff_ms(int attempts);

/* ---- db_events.c: the durable queue (sql/openchoreo/002_events.sql) ----- */

/* What the ingress did with an event. */
enum oc_enqueued {
	OC_QUEUED_NEW,        /* a new pending row */
	OC_QUEUED_COALESCED,  /* merged into the resource's pending row */
	OC_QUEUED_SHED,       /* the queue is full: dropped, counted */
	OC_QUEUED_SHED_FIRST, /* the same, and the first of this burst (log it) */
};

/* Queues one event for its resource (debounced by debounce_ms, a burst
 * applied at most every 5 * debounce_ms) on `conn` (a request's
 * sh_db_conn).  An enum oc_enqueued, or SH_EDB (logged by the pool) when
 * the database failed. */
int oc_db_event_enqueue(PGconn *conn, const struct oc_event *ev, long max_pending,
			long debounce_ms);

/* One claimed row; strings malloc'd (oc_claimed_free). */
struct oc_claimed {
	char *kind, *ns, *name, *action;
	long long events; /* events coalesced so far: a change while applying re-queues it */
	int attempts;     /* failed applies before this one */
};

/*
 * Claims up to `max` due rows for lease_s seconds (FOR UPDATE SKIP LOCKED:
 * several processes apply side by side; a claim whose process died is
 * taken again when its lease ends).  Returns the count (0..max) with
 * *rows malloc'd, or SH_EDB.
 */
int oc_db_events_claim(PGconn *conn, int max, int lease_s, struct oc_claimed **rows);
void oc_claimed_free(struct oc_claimed *rows, int n);
/* Milliseconds until the next row a claim could take is due (0: one is
 * due now), or -1 when none is waiting or the query failed. */
long oc_db_events_next_due_ms(PGconn *conn);

/* The row was applied: deleted, or queued again after debounce_ms when
 * more events arrived meanwhile.  0 or SH_EDB. */
int oc_db_event_done(PGconn *conn, const struct oc_claimed *c, long debounce_ms);
/* The apply failed: retried after retry_ms, or dropped when `drop` (and
 * no event arrived meanwhile).  0 or SH_EDB. */
int oc_db_event_failed(PGconn *conn, const struct oc_claimed *c, long retry_ms, bool drop);

/* The queue's counters (one row, kept by the statements above). */
struct oc_events_stats {
	long received;  /* events the ingress queued, coalesced or shed */
	long coalesced; /* merged into a pending row */
	long applied;   /* rows applied (one re-fetch and delta each) */
	long failed;    /* failed applies (each retry counts) */
	long dropped;   /* rows given up after OC_EVENT_MAX_ATTEMPTS */
	long shed;      /* events refused because the queue was full */
	long pending;   /* rows waiting */
};
int oc_events_stats(PGconn *conn, struct oc_events_stats *s);

/* ---- apply.c, apply_component.c: one resource's delta (§4.2) ------------ */

/* apply's result besides 0 and the transient negative SH_E* codes (retried). */
#define OC_APPLY_GIVE_UP 2 /* cannot be applied however often it is tried: dropped */

/*
 * Re-fetches the claimed resource and fills `added` (entities) and
 * `removed` (refs) for one delta mutation; both may stay empty (nothing to
 * do).  0; OC_APPLY_GIVE_UP; or a negative SH_E* code (a failed call:
 * retried).  err says why for the log.
 */
int oc_event_apply(const struct oc_state *st, const struct oc_claimed *c, json_t *added,
		   json_t *removed, char *err, size_t errlen);

/* The path of one resource, /api/v1/[namespaces/<ns>/]<collection>/<name>,
 * with "/<sub>" appended when sub is non-NULL ("schema"); malloc'd. */
char *oc_event_path(const struct oc_kind_info *k, const char *ns, const char *name,
		    const char *sub);

/* The Component flow (apply_component.c): component `name` of namespace
 * `ns`, with its first workload already known when `workload` is non-NULL
 * (a Workload event).  Same results as oc_event_apply. */
int oc_apply_component(const struct oc_state *st, const char *ns, const char *name,
		       const json_t *workload, json_t *added, json_t *removed, char *err,
		       size_t errlen);
/* A Workload event (apply_component.c). */
int oc_apply_workload(const struct oc_state *st, const char *ns, const char *name,
		      json_t *added, json_t *removed, char *err, size_t errlen);

#endif
