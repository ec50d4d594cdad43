/*
 * The techdocs plugin's host side (td-plugin's part of techdocs.h's split):
 * the state init makes, the route handlers, the entity lookup and the
 * build scheduler of /sync.  The pure parts (builder, techdocs-ref,
 * publisher) are declared in techdocs.h.
 */
#ifndef TECHDOCS_PLUGIN_H
#define TECHDOCS_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "techdocs.h"

struct sh_cache;
struct sh_host;
struct sh_req;
struct td_sync;

/* The plugin's state ([techdocs] keys), read-only after init. */
struct techdocs {
	struct sh_host *host;
	bool local;                  /* builder = local: /sync builds */
	const char *publish_dir;     /* the publisher's root */
	const char *files_uri;       /* internal nginx location serving publish_dir */
	unsigned recheck_s;          /* a /sync within this of the last check: cached */
	unsigned concurrency;        /* builds at once */
	struct td_limits lim;
	struct td_sync *sync;        /* sync.c */
	struct sh_cache *cache;      /* /static's answers (catalog_changed), or NULL */
};

/* ---- route handlers (state = struct techdocs) ---------------------------- */

int td_route_metadata_techdocs(struct sh_req *req, void *state);   /* routes_metadata.c */
int td_route_metadata_entity(struct sh_req *req, void *state);
int td_route_static(struct sh_req *req, void *state);              /* routes_static.c */
int td_route_sync(struct sh_req *req, void *state);                /* routes_sync.c */

/* ---- db_entity.c: the catalog's SQL interface ---------------------------- */

/* The triplet of the route (:namespace, :kind, :name), as sent. */
struct td_triplet {
	const char *ns, *kind, *name;
};

void td_triplet_of(struct sh_req *req, struct td_triplet *t);
/* "kind:namespace/name" with kind and namespace lower-cased, as Backstage's
 * stringifyEntityRef writes it (error messages). */
const char *td_triplet_ref(struct sh_req *req, const struct td_triplet *t);

/*
 * The entity of the triplet (catalog.entity_by_ref_v1 on a connection
 * leased only for the query, so a long /sync stream holds none): 0 with
 * *entity set (the caller's reference), SH_ENOTFOUND, or SH_EDB /
 * SH_EUNAVAIL when the database failed (the caller replies 500/503).
 */
int td_entity_load(struct techdocs *td, struct sh_req *req, const struct td_triplet *t,
		   json_t **entity);
/* Whether the entity exists (visible), without fetching it: 0,
 * SH_ENOTFOUND, or a database error as td_entity_load's. */
int td_entity_exists(struct techdocs *td, struct sh_req *req, const struct td_triplet *t);
/* Replies the status a failed td_entity_load deserves (503 or 500). */
int td_entity_fail(struct sh_req *req, int rc);

/* ---- sync.c: builds of /sync ---------------------------------------------- */

struct td_job;

/* Makes and frees the scheduler (init, fini: fini waits for running builds). */
struct td_sync *td_sync_new(void);
void td_sync_free(struct td_sync *s);

/*
 * Whether the entity (by metadata.uid) was checked less than recheck_s
 * ago: /sync then answers "cached" at once.
 */
bool td_sync_fresh(struct techdocs *td, const char *uid);

/*
 * Joins the running build of the triplet's site, or starts one on a
 * thread of its own (at most td->concurrency run; the others queue), and
 * returns it referenced.  entity is borrowed (copied).  A build keeps
 * running when its callers go; every caller gets the same outcome.
 */
struct td_job *td_sync_join(struct techdocs *td, const json_t *entity, const struct td_triplet *t,
			    const char *uid);

/*
 * Waits at most wait_ms for news of the job.  Returns the log lines not
 * seen yet (*seen counts them; copied into the request's arena, *n of
 * them), and *done once the job ended; then *updated, and *error (arena
 * copy, NULL on success).
 */
const char **td_job_poll(struct sh_req *req, struct td_job *job, size_t *seen, int wait_ms,
			 size_t *n, bool *done, bool *updated, const char **error);
void td_job_release(struct techdocs *td, struct td_job *job);

/* ---- work.c: scratch directories, files of published sites ---------------- */

/* <site dir of the triplet>/<file> (malloc'd), or NULL when td_site_dir
 * refuses the triplet. */
char *td_site_file(const struct techdocs *td, const char *ns, const char *kind, const char *name,
		   const char *file);

/* A fresh private directory for one build (malloc'd), or NULL. */
char *td_work_dir_new(void);
/* Removes a tree without following symlinks; quiet when absent. */
void td_work_dir_remove(const char *dir);

#endif
