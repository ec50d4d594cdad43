/*
 * Host-internal interfaces between libstagehand's modules: the host context,
 * loaded plugins, and each module's private entry points.  Never installed;
 * plugins see only include/stagehand/.
 */
#ifndef STAGEHAND_HOST_H
#define STAGEHAND_HOST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <stagehand/stagehand.h>

struct host_router;
struct host_db;
struct host_tasks;
struct host_arena;
struct host_caches;
struct sh_cache;

/* ------------------------------------------------------------------ plugins */

struct host_plugin {
	const struct sh_plugin_info *info;
	void *dl;                 /* dlopen handle, NULL for built-in/test */
	void *state;              /* from init */
	bool started;             /* init succeeded */
	struct sh_cache *caches;  /* its response caches (cache.c) */
	bool enabled;             /* its [features] flag is on */
	char flag[72];            /* that flag's key */
	char path[4096];
};

/* Process lifecycle as readiness reports it. */
enum host_phase { HOST_STARTING = 0, HOST_READY, HOST_STOPPING };

/* ------------------------------------------------------------------- host */

struct sh_host {
	struct sh_conf *conf;
	const char *pool;                 /* pool name */
	struct host_router *router;
	struct host_plugin *plugins;      /* loaded, in load order */
	size_t n_plugins;
	struct host_plugin *loading;      /* plugin whose init runs now; NULL after */
	bool registering;                 /* init-only calls (caches, tasks, verifiers) allowed */
	struct host_db *db;
	struct host_tasks *tasks;
	struct host_caches *caches;       /* response caches and their listener */
	sh_verifier_fn verifier;
	void *verifier_state;
	bool auth_enabled;                /* [features] auth */
	size_t max_body;                  /* [server] max_body_size */
	json_t *ui_config;                /* the portal's runtime config from plugins (ui.c) */
	int json_depth;                   /* [server] json_max_depth */
	_Atomic int phase;                /* enum host_phase */
	atomic_bool stopping;
};

/* ------------------------------------------------------------------ config (conf.c, conf_schema.c) */

/*
 * Reads `path`, then every *.ini of conf.d/ beside it in name order, then the
 * environment overrides; validates the host's own sections.  Returns NULL
 * with "file:line: key: reason" in err.
 */
struct sh_conf *host_conf_load(const char *path, char *err, size_t errlen);
/* Parses ini text (no drop-ins, no env); for tests and fuzzing. */
struct sh_conf *host_conf_parse(const char *text, size_t len, const char *filename,
				char *err, size_t errlen);
/* Applies environment overrides (getenv) to a parsed config. */
int host_conf_apply_env(struct sh_conf *c, char *err, size_t errlen);
/* Validates the host sections ([server] [database] [features] [log] [http]
 * [pool.*]); [features] keys beyond the host's own flags wait for
 * host_conf_add_flag and host_conf_finish. */
int host_conf_validate_host(struct sh_conf *c, char *err, size_t errlen);
/* Declares a plugin's feature flag (its descriptor's .flag) as a [features]
 * key with its default and environment override, and writes the key into
 * `key` (.flag.name, or the plugin name with '-' as '_').  A key the host or
 * an earlier plugin declared stays one key; the first default wins. */
int host_conf_add_flag(struct sh_conf *c, const struct sh_plugin_info *info, char *key,
		       size_t keylen, char *err, size_t errlen);
/* Validates section [<info->name>] against the plugin's key table. */
int host_conf_validate_plugin(struct sh_conf *c, const struct sh_plugin_info *info,
			      char *err, size_t errlen);
/* Fails on any section no table claimed and any [features] key no flag
 * declared, unless a plugin installed in plugin_dir declares it (call after
 * every plugin's table and flag). */
int host_conf_finish(struct sh_conf *c, char *err, size_t errlen);
/* Prints the effective configuration as ini, secrets redacted. */
void host_conf_dump(const struct sh_conf *c, FILE *out);
void host_conf_free(struct sh_conf *c);
/* Names of all [pool.NAME] sections, in file order. */
size_t host_conf_pools(const struct sh_conf *c, const char *const **names);

/* ------------------------------------------------------------------ arena (arena.c) */

struct host_arena *host_arena_new(void);
void host_arena_free(struct host_arena *a);
void *host_arena_alloc(struct host_arena *a, size_t size);
/* Number of arenas alive in this process (tests assert zero after a run). */
long host_arena_live(void);


/* ------------------------------------------------------------------ router (router.c) */

#define HOST_MAX_PARAMS 16

struct host_route;

struct host_match {
	const struct host_route *route;
	size_t n_params;
	const char *names[HOST_MAX_PARAMS];
	const char *values[HOST_MAX_PARAMS];   /* point into segs, or rest joined (arena) */
	char allow[128];                        /* for 405: "GET, POST" */
};

enum host_match_result { HOST_MATCH_OK = 0, HOST_MATCH_NOT_FOUND, HOST_MATCH_BAD_METHOD };

struct host_router *host_router_new(void);
void host_router_free(struct host_router *r);
/* `pattern` is absolute ("/api/catalog/entities/by-uid/:uid"). `owner` may be NULL (host routes). */
int host_router_add(struct host_router *r, const char *method, const char *pattern,
		    enum sh_auth auth, sh_handler_fn fn, void *state,
		    const struct host_plugin *owner);
/* Matches decoded segments.  The rest parameter is joined with '/' into `arena`. */
enum host_match_result host_router_match(const struct host_router *r, const char *method,
					 char *const *segs, size_t nsegs,
					 struct host_arena *arena, struct host_match *m);
/* Like host_router_add, with the query keys the route accepts (NULL: any;
 * the array must outlive the router: a plugin's constant table). */
int host_router_add_q(struct host_router *r, const char *method, const char *pattern,
		      enum sh_auth auth, sh_handler_fn fn, void *state,
		      const struct host_plugin *owner, const char *const *query);
/* Route flag beside SH_ROUTE_*: the host's handler under a plugin's path
 * (the cookie routes); --routes names "host" as its owner. */
#define HOST_ROUTE_BY_HOST 0x100u
/* Registers one route of a plugin's table (spec's method, auth, handler,
 * flags and query keys) at the absolute `pattern`. */
int host_router_add_spec(struct host_router *r, const char *pattern,
			 const struct sh_route_spec *spec, void *state,
			 const struct host_plugin *owner);
/* Every route, in registration order; the array lives as long as the router. */
size_t host_router_routes(const struct host_router *r, const struct host_route *const **out);
/* Prints the table as `stagehandd --routes` does: one line per route,
 * sorted by path then method (route_table.c). */
void host_router_print(const struct host_router *r, FILE *out);
const char *host_route_method(const struct host_route *rt);
const char *host_route_pattern(const struct host_route *rt);
unsigned host_route_flags(const struct host_route *rt);
sh_handler_fn host_route_fn(const struct host_route *rt);
const char *const *host_route_query(const struct host_route *rt);
void *host_route_state(const struct host_route *rt);
enum sh_auth host_route_auth(const struct host_route *rt);
const struct host_plugin *host_route_owner(const struct host_route *rt);

/* ------------------------------------------------------------------ request/reply (request.c, reply.c) */

/* How a request talks to its peer: FastCGI in production, a buffer in tests. */
struct host_io {
	const char *(*param)(void *ctx, const char *name);      /* CGI param or NULL */
	long (*read)(void *ctx, char *buf, size_t len);          /* >0 bytes, 0 end, -1 error */
	int (*write)(void *ctx, const void *buf, size_t len);    /* 0, or -1 when the client is gone */
	int (*flush)(void *ctx);                                 /* 0 or -1 */
	void *ctx;
	int (*gone)(void *ctx);   /* 1 when the peer hung up (polled, no wait); NULL: unknown */
};

/* Splits a raw path ("/api/x/a%2Fb") into percent-decoded segments.  Fails
 * (SH_EINVAL) on a dot segment (raw or encoded), a bad escape, a NUL byte or
 * a path not starting with '/'.  An empty trailing segment is dropped. */
int host_path_split(struct host_arena *a, const char *raw, char ***segs, size_t *nsegs);
/* Parses a query string into decoded pairs in order ('+' is a space). */
int host_query_parse(struct host_arena *a, const char *qs, const char ***keys,
		     const char ***values, size_t *n);
/* Percent-decodes into a fresh arena string; plus_space turns '+' into ' '.  NULL on a bad escape or NUL. */
char *host_pct_decode(struct host_arena *a, const char *s, size_t len, bool plus_space);
/* 0 if the JSON text nests at most max_depth arrays/objects, else SH_ETOOBIG. */
int host_json_depth_ok(const char *buf, size_t len, int max_depth);

/* The Backstage error body (new reference). */
json_t *host_error_body(int status, const char *name, const char *message,
			const char *method, const char *url);
/* "Not Found" for 404 ... */
const char *host_status_reason(int status);

/* ------------------------------------------------------------------ db (db.c, migrate.c) */

/* Builds the pool from [database]; connects nothing yet. */
int host_db_init(struct sh_host *h, char *err, size_t errlen);
void host_db_fini(struct sh_host *h);
/* 0 if a pooled connection answers SELECT 1 within timeout_ms. */
int host_db_ping(struct sh_host *h, int timeout_ms);
/* Connections currently leased (tests assert zero after a run). */
long host_db_leased(const struct sh_host *h);
/* Applies sql/stagehand then sql/<plugin>/NNN_*.sql for each loaded plugin,
 * under an advisory lock, one transaction each; records them in
 * stagehand.migrations.  Waits up to [database] connect_wait for the server. */
int host_migrate(struct sh_host *h, char *err, size_t errlen);

/* A new connection with the pool's parameters, its application_name
 * suffixed with "-<role>" (the caches' listener), outside the pool; NULL
 * when the server cannot be reached.  The caller PQfinish()es it. */
PGconn *host_db_connect(struct sh_host *h, const char *role);

/* ------------------------------------------------------------------ response caches (cache.c) */

/* Starts the listener thread when a plugin made a cache or bound a task to
 * a channel (sh_task_wake_on); stop joins it.  The listener LISTENs on
 * every such channel, again after each reconnect, and hands each NOTIFY to
 * the caches and to host_tasks_notified. */
int host_caches_start(struct sh_host *h);
void host_caches_stop(struct sh_host *h);
void host_caches_free(struct sh_host *h);
/* Registers a route (absolute pattern) whose 200 replies `cache` keeps. */
int host_cache_route(struct sh_host *host, const char *method, const char *pattern,
		     enum sh_auth auth, sh_handler_fn fn, void *state, struct sh_cache *cache,
		     const struct host_plugin *owner, const char *const *query);
/* For the reply writer (req->cache_store): a 200 reply of a cached route. */
void host_cache_store(struct sh_req *req, const char *head, size_t hlen, const void *body,
		      size_t blen);
/* After a handler: a write (not GET/HEAD) empties its plugin's caches. */
void host_cache_after(struct sh_req *req);

/* ------------------------------------------------------------------ tasks (task.c), http (http.c) */

/* [server] task_threads' default and bound: one thread per task up to it. */
#define HOST_TASK_THREADS_MAX 16
int host_tasks_start(struct sh_host *h);
void host_tasks_stop(struct sh_host *h);
/* Stops the listener (host_caches_stop) and the task threads, then frees. */
void host_tasks_free(struct sh_host *h);
/* The i-th channel sh_task_wake_on bound (repeats possible), NULL past the
 * last; fixed once init is over, so readable without a lock. */
const char *host_tasks_channel(const struct sh_host *h, size_t i);
/* A NOTIFY arrived on `channel`: wakes the tasks bound to it; NULL wakes
 * every bound task (the listener reconnected and may have missed some). */
void host_tasks_notified(struct sh_host *h, const char *channel);
/* A NOTIFY channel name the host LISTENs on unquoted-safe: [a-z_][a-z0-9_]*,
 * at most 63 bytes (cache.c). */
bool host_channel_ok(const char *s);
/* curl_global_init and defaults from [http]; once, before threads. */
int host_http_init(const struct sh_conf *c);
void host_http_fini(void);

/* ------------------------------------------------------------------ health (health.c), identity (identity.c) */

/* Registers /healthcheck and /.backstage/health/v1/{liveness,readiness}. */
int host_health_register(struct sh_host *h);
/* Verifies the caller and enforces `need`; returns 0, or the 401/403 status already replied. */
int host_identity_check(struct sh_req *req, enum sh_auth need);
/* Verifies a Backstage user token (or, when allow_limited, a limited user
 * token) against auth.public_keys_v1() (identity_keys.c).
 * Returns 1 when the token is not one (the plugin verifier may try it), 0
 * with *out filled from req's arena, SH_EDENIED for a valid limited token
 * where !allow_limited, or SH_EINVAL with a reason in why. */
int host_identity_backstage(struct sh_req *req, const char *token, bool allow_limited,
			    struct sh_identity *out, char *why, size_t whylen);
/* Registers GET/DELETE /api/<plugin>/.backstage/auth/v1/cookie for every
 * loaded plugin (identity_cookie.c); call after host_plugins_init. */
int host_identity_cookie_register(struct sh_host *h);

/* ------------------------------------------------------------------ the portal (ui.c, ui_html.c, ui_render.c) */

/* Whether this process renders the portal's index.html: its pool is [ui] pool. */
bool host_ui_renders(const struct sh_host *h);
/* Deep-merges src (borrowed) into dst: objects key by key, anything else
 * (arrays too) replaces; what dst takes is a copy. */
void host_ui_merge(json_t *dst, const json_t *src);
/* The runtime config (a new reference): the host's keys from the ini
 * (docs/ui.md) with what plugins added through sh_ui_config_merge over them. */
json_t *host_ui_config(const struct sh_host *h);
/* The build's index.html with every backstage.io/config script taken out
 * and one holding [{"context":"stagehand","data":data}] ('<' as \u003c)
 * put before </head>, else before <body, else first.  Malloc'd,
 * NUL-terminated, its length in *outlen; NULL when data cannot be encoded. */
char *host_ui_html(const char *html, size_t len, const json_t *data, size_t *outlen);
/* After every plugin's init, in the [ui] pool only: [ui] root/index.html
 * rendered into [ui] render_dir/index.html (0644) and render_dir/dist ->
 * root, each swapped in atomically.  A build without index.html is a
 * logged notice and 0 (an API-only install); otherwise SH_EIO or
 * SH_EINVAL with the reason in err. */
int host_ui_render(struct sh_host *h, char *err, size_t errlen);
void host_ui_free(struct sh_host *h);

/* ------------------------------------------------------------------ log (log.c) */

void host_log_init(const char *pool, enum sh_log_level level);
int host_log_level_parse(const char *s, enum sh_log_level *out);
/* Per-thread context added to each line: plugin name and request id (NULL clears). */
void host_log_context(const char *plugin, const char *request_id);
/* Like sh_log with preformatted logfmt fields (`kv`, e.g. "leased=0 arenas=0") after msg. */
void host_log_kv(enum sh_log_level level, const char *kv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------ plugins (plugin.c, plugin_open.c) */

/* Checks a descriptor before anything else of it is used: ABI stamp, size,
 * name (must be `name`), init, and mounts (paths under /api/ of
 * [a-z0-9-] segments separated by '/', none twice).  Errors name `path`. */
int host_plugin_check(const struct sh_plugin_info *info, const char *path, const char *name,
		      char *err, size_t errlen);
/* Loads the descriptor of <dir>/<name>.so without calling init. */
int host_plugin_open(struct host_plugin *p, const char *dir, const char *name,
		     char *err, size_t errlen);
/* Opens (no init) every plugin [pool.<pool>] lists that is not open yet,
 * declares its flag (host_conf_add_flag) and sets `enabled` from it. */
int host_plugins_open_pool(struct sh_host *h, const char *pool, char *err, size_t errlen);
/* Fails when two plugins whose flag is on claim one name or mount under /api/. */
int host_plugins_check_claims(const struct sh_host *h, char *err, size_t errlen);
/* Closes the plugins whose flag is off and drops them from h->plugins. */
void host_plugins_keep_enabled(struct sh_host *h);
/* A descriptor's [features] key: .flag.name, or its name with '-' as '_'. */
void host_plugin_flag_name(const struct sh_plugin_info *info, char *key, size_t keylen);
/* Whether some plugin in `dir` (any *.so with a valid descriptor) declares
 * the feature flag `key`; opens their descriptors, never init. */
bool host_plugin_flag_installed(const char *dir, const char *key);
/* Registers every loaded plugin's route table without calling init (state
 * NULL, no caches): what `stagehandd --routes` prints. */
int host_plugins_tables(struct sh_host *h, char *err, size_t errlen);
/* Calls init of each loaded plugin in order; stops at the first failure. */
int host_plugins_init(struct sh_host *h, char *err, size_t errlen);
/* Calls fini in reverse order, then dlcloses (not in sanitizer builds). */
void host_plugins_fini(struct sh_host *h);

#endif
