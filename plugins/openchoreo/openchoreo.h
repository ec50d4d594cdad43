/*
 * The openchoreo plugin (issue 14; spec openchoreo-provider.md): the
 * catalog entity provider "OpenChoreoEntityProvider".  A periodic full sync
 * walks the OpenChoreo API (sync.c), translates each resource into a
 * Backstage entity (translate*.c, templates*.c) and hands the whole set to
 * the catalog's provider interface as one full mutation (db_provider.c);
 * the events ingress (routes_events.c) queues forwarder events durably and
 * a task applies them as delta mutations (events.c).  This header is the
 * plugin's internal contract between those parts.
 */
#ifndef OPENCHOREO_OPENCHOREO_H
#define OPENCHOREO_OPENCHOREO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <stagehand/stagehand.h>

#define OC_PROVIDER "OpenChoreoEntityProvider"
#define OC_LOCATION_KEY "provider:" OC_PROVIDER
#define OC_CLUSTER_NS "openchoreo-cluster"

/* Results besides 0 and the negative SH_E* codes. */
#define OC_NOTFOUND 1              /* the API answered 404 */

/* ---- kinds.c: what the API has and what each resource becomes ---------- */

enum oc_kind {
	OC_NAMESPACE, OC_ENVIRONMENT, OC_CHANNEL, OC_DATAPLANE, OC_WORKFLOWPLANE,
	OC_OBSERVABILITYPLANE, OC_PROJECT, OC_PIPELINE, OC_COMPONENT, OC_WORKLOAD,
	OC_COMPONENTTYPE, OC_TRAIT, OC_RESOURCETYPE, OC_PROJECTTYPE, OC_RESOURCE,
	OC_WORKFLOW, OC_CLUSTERCOMPONENTTYPE, OC_CLUSTERRESOURCETYPE,
	OC_CLUSTERPROJECTTYPE, OC_CLUSTERTRAIT, OC_CLUSTERWORKFLOW,
	OC_CLUSTERDATAPLANE, OC_CLUSTEROBSERVABILITYPLANE, OC_CLUSTERWORKFLOWPLANE,
	OC_KIND_COUNT
};

/* One row per enum oc_kind, in enum order (kinds.c). */
struct oc_kind_info {
	enum oc_kind kind;
	const char *event;       /* lower-case event kind ("component", "clustertrait") */
	const char *collection;  /* path segment of its list ("environments") */
	const char *entity_kind; /* the Backstage kind it becomes ("Environment"); NULL: none (workload) */
	bool cluster;            /* /api/v1/<collection>; else /api/v1/namespaces/{ns}/<collection> */
	bool paged;              /* limit/cursor loop; false: no query string (spec §1.2 "unpaged*") */
	const char *template_prefix; /* "template-", "template-resource-", "template-project-" or NULL */
	bool schema_call;        /* the template needs GET .../{name}/schema (CT, RT and cluster forms) */
};

extern const struct oc_kind_info oc_kinds[OC_KIND_COUNT];
/* The row of an event kind (any case), or NULL. */
const struct oc_kind_info *oc_kind_by_event(const char *kind);

/* ---- translate*.c, templates*.c: resources into entities (spec §2) ------ */

/* What every translator needs besides the resource. */
struct oc_ctx {
	const char *ns;             /* the OpenChoreo namespace walked (unused for cluster kinds) */
	const char *default_owner;  /* "group:default/<[openchoreo] default_owner>" */
};

/*
 * The entity of one resource of a kind whose translation needs nothing but
 * the resource (every kind but Component, Workload and the Templates), key
 * order as in the spec's examples; NULL, with the reason in err, when the
 * resource cannot be translated (the caller abandons the run, see sync.c).
 */
json_t *oc_translate(enum oc_kind kind, const struct oc_ctx *ctx, const json_t *item,
		     char *err, size_t errlen);

/* Looks up the first workload of component `component` of project
 * `project` in the namespace being translated; NULL when it has none. */
typedef const json_t *(*oc_workload_fn)(const char *project, const char *component, void *arg);

/*
 * Spec §2.3 and §2.4: appends the Component entity of `component`, then
 * the API entities of its workload's endpoints, to the array `out`.
 * `project` is its project's name, `project_cr` that project's resource
 * (for the owner; may be NULL), `workload` its first workload or NULL,
 * `lookup` resolves dependency targets.  Returns 0, or -1 with err set.
 */
int oc_translate_component(const struct oc_ctx *ctx, const json_t *component,
			   const char *project, const json_t *project_cr,
			   const json_t *workload, oc_workload_fn lookup, void *arg,
			   json_t *out, char *err, size_t errlen);

/*
 * Spec §2.18: the generated Template of a (Cluster)ComponentType or
 * (Cluster)ResourceType from the answer of its /schema call, or of a
 * (Cluster)ProjectType from its own spec (schema NULL).  NULL with err
 * set when none can be made.
 */
json_t *oc_template(enum oc_kind kind, const struct oc_ctx *ctx, const json_t *item,
		    const json_t *schema, char *err, size_t errlen);

/* ---- the plugin state (plugin.c) --------------------------------------- */

struct sh_url_allow;            /* <stagehand/urlallow.h> */
struct oc_tape;                 /* memo.h */

struct oc_state {
	struct sh_host *host;
	char *base;                 /* [openchoreo] base_url without /api/v1 and trailing '/' */
	char *default_owner;        /* "group:default/<name>" */
	long sync_frequency_s;      /* full sync period */
	long sync_timeout_s;        /* a run is abandoned after this */
	long page_limit;            /* limit= of paged lists (100) */
	long max_pages;             /* page cap of every list loop */
	long http_timeout_ms;       /* one API call */
	bool send_token;            /* [features] auth: fetch and send a service token */
	struct sh_service_client *client; /* [openchoreo] client, or NULL: the host's [identity] one */
	bool events;                /* [openchoreo] events: the ingress answers */
	char *events_secret;        /* shared secret the ingress requires, or NULL */
	long events_max_pending;    /* queue bound; more are shed (logged) */
	long events_debounce_ms;    /* per resource */
	/* [openchoreo] template_url_allow: the URLs hand-written Templates
	 * may be read from (templates.h oc_template_fetch); NULL: none */
	struct sh_url_allow *template_allow;
	/* When set, oc_get records every 2xx answer on it (memo.h): a full
	 * sync's step being remembered.  NULL in the plugin's own state. */
	struct oc_tape *tape;
	long sync_cache_bytes;      /* [openchoreo] sync_cache_mb in bytes: the memo's cap */
	char *memo_scope;           /* what the memo never serves across (plugin.c) */
};

/* ---- client.c: the OpenChoreo API -------------------------------------- */

/* [openchoreo] base_url as struct oc_state's base: without a trailing
 * "/api/v1" or "/api/v1/", then without one trailing '/'; malloc'd. */
char *oc_api_base(const char *url);

/*
 * "/api/v1/" followed by `segments` (NULL-terminated), each percent-encoded
 * as encodeURIComponent does, joined with '/'; malloc'd.
 */
char *oc_path(const char *const *segments);
/* One query value encoded as encodeURIComponent does ("project=" + this);
 * malloc'd, NULL when over 4 KiB. */
char *oc_encode(const char *s);

/*
 * GET base + path (+ "?" query when query is non-NULL, already encoded),
 * with the service token when st->send_token.  0 with *body the parsed
 * JSON object of a 2xx answer; OC_NOTFOUND on 404; a negative SH_E* code
 * otherwise (timeout, transport, any other status, non-JSON or non-object
 * body, oversized), with err naming the call and the reason (status and
 * the API's error code/message), never the token.
 */
int oc_get(const struct oc_state *st, const char *path, const char *query, json_t **body,
	   char *err, size_t errlen);

/*
 * GET url (a whole URL as oc_get made it) as oc_get does, without parsing:
 * 0 with the hex SHA-256 of a 2xx body in hex (memo.h); 1 for an answer
 * with any other status; the transport's negative SH_E* code (timeout,
 * connection) with err set as oc_get sets it.  For a remembered step's calls.
 */
int oc_get_digest(const struct oc_state *st, const char *url, char hex[65], char *err,
		  size_t errlen);

/*
 * A list: appends the `items` of each page to the array `items`.  paged:
 * query "[extra&]limit=<page_limit>[&cursor=<c>]" until pagination has no
 * nextCursor; unpaged: `extra` only (or no query), still following
 * nextCursor (with cursor=) should a page come back with one.  At most
 * st->max_pages pages: one more is an error.  A page without an items
 * array is an error.  Returns 0 or a negative SH_E* code with err set.
 */
int oc_list(const struct oc_state *st, const char *path, const char *extra, bool paged,
	    json_t *items, char *err, size_t errlen);

/* ---- db_provider.c: the catalog's provider interface (catalog.md) ------- */

/* Counts one mutation reports. */
struct oc_mutation_result {
	long added, updated, removed, unchanged, conflicts;
};

/* Full mutation: `entities` (array of objects) becomes this provider's whole
 * set.  One transaction; 0 or SH_EDB. */
int oc_db_full(PGconn *conn, const json_t *entities, struct oc_mutation_result *r);
/* Delta mutation: upsert `added` (array of entities, may be empty), remove
 * `removed` (array of entity ref strings, may be empty).  0 or SH_EDB. */
int oc_db_delta(PGconn *conn, const json_t *added, const json_t *removed,
		struct oc_mutation_result *r);

/* ---- sync.c, events.c, routes_*.c: the plugin's parts -------------------- */

/* sync.c: registers the full-sync task (singleton, every sync_frequency_s). */
int oc_sync_start(struct oc_state *st, char *err, size_t errlen);
/* sync.c: one full sync run (the task body; tests call it through the task). */
void oc_sync_run(struct sh_host *host, void *state);
/* events.c: registers the task that applies queued events. */
int oc_events_start(struct oc_state *st, char *err, size_t errlen);
/* events.c: the queue's counters since the database was made. */
int oc_events_counts(PGconn *conn, long *received, long *applied, long *pending, long *shed);
/*
 * db_events.c: for sync.c after its full mutation.  The sync read the API
 * before that write, so an event applied during the run may have been
 * overwritten with older content: every resource whose event was applied
 * in the last window_ms (the run's duration and a margin) is queued again,
 * due at once.  The count queued, or SH_EDB.
 */
int oc_events_requeue_recent(PGconn *conn, long window_ms);

/* POST /api/events/http/openchoreo (routes_events.c). */
int oc_route_events(struct sh_req *req, void *state);
/* GET /api/openchoreo/v1/status (routes_status.c). */
int oc_route_status(struct sh_req *req, void *state);

#endif
