/*
 * The plugin ABI: the one symbol a plugin exports and the registration calls
 * it may make from init.  This header is the plugin author's manual; every
 * member states its contract.  Modelled on PostgreSQL's PG_MODULE_MAGIC.
 */
#ifndef STAGEHAND_PLUGIN_H
#define STAGEHAND_PLUGIN_H

#include <stddef.h>

#include <stagehand/conf.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of a public struct or function. */
#define SH_ABI_MAJOR 2
/* Bumped when something is appended; a plugin built against a newer minor
 * than the host's is refused. */
#define SH_ABI_MINOR 3

struct sh_host;
struct sh_req;

/*
 * A request handler.  It replies through sh_reply_* or sh_fail and returns
 * the HTTP status it sent.  It must not keep `req` or anything allocated from
 * it after returning.  Called concurrently from several threads.
 */
typedef int (*sh_handler_fn)(struct sh_req *req, void *state);

/* Who may call a route; enforced by the host before dispatch. */
enum sh_auth {
	SH_AUTH_NONE = 0,   /* anyone, no credential needed */
	SH_AUTH_USER,       /* a signed-in user */
	SH_AUTH_SERVICE,    /* a service (machine) token */
	SH_AUTH_ANY,        /* a user or a service */
	/* Like SH_AUTH_ANY, and also a limited user token: in Authorization or
	 * in the backstage-auth cookie that GET .backstage/auth/v1/cookie sets
	 * (Backstage's "user-cookie" policy: static files such as TechDocs). */
	SH_AUTH_USER_COOKIE
};

/* Route flags. */
#define SH_ROUTE_CACHED 0x1u  /* 200 replies kept in the plugin's cache (sh_cache_new);
			       * served uncached when init made none.  Only for
			       * replies that do not depend on who asks. */

/*
 * One route of a plugin's route table, in the style of nginx's
 * ngx_command_t[]: the table is a constant array in plugin.c, ended by an
 * entry whose method is NULL, and the host registers all of it after init
 * succeeded, each handler getting the state init returned.  A reader finds
 * any handler in one hop; `stagehandd --routes` prints the table.
 */
struct sh_route_spec {
	const char *method;         /* upper-case HTTP method; NULL ends the table */
	/* Relative to the mount, starting with '/': literal segments, ":name"
	 * for one segment, a final "*name" for the rest of the path (possibly
	 * empty).  "/" is the mount itself. */
	const char *pattern;
	enum sh_auth auth;          /* who may call it */
	sh_handler_fn fn;
	unsigned flags;             /* SH_ROUTE_* */
	/* The query keys it accepts, NULL-terminated; any other key is a 400
	 * InputError "Unknown query parameter 'k'" before the handler runs.
	 * NULL: every key is passed to the handler. */
	const char *const *query;
	/* NULL: under /api/<name>.  Otherwise one of the descriptor's `mounts`
	 * ("events/http/openchoreo" for /api/events/http/openchoreo). */
	const char *mount;
};

/*
 * The feature flag that switches a plugin on, a key of [features].  The
 * host opens every plugin a pool lists, reads this, and calls init only
 * when the flag is on.  A flag two plugins (or a plugin and the host)
 * declare is one key; the first declaration's default wins.
 */
struct sh_plugin_flag {
	const char *name;   /* [a-z0-9_]+; NULL: the plugin name with '-' as '_' */
	const char *def;    /* "true" or "false"; NULL: "false" */
	const char *env;    /* environment variable that overrides it, or NULL */
};

/*
 * The plugin descriptor.  Static, constant, returned by sh_plugin_info().
 * The host checks `size`, `abi_major` and `abi_minor` before touching any
 * other member, the way PostgreSQL's dfmgr.c checks the magic block before
 * _PG_init.
 */
struct sh_plugin_info {
	size_t size;                      /* sizeof(struct sh_plugin_info) */
	unsigned abi_major;               /* SH_ABI_MAJOR */
	unsigned abi_minor;               /* SH_ABI_MINOR */
	const char *name;                 /* [a-z0-9-]+: ini section, routes under /api/<name>, sql/<name>/ */
	const char *version;              /* free text, shown by --version and logs */
	struct sh_plugin_flag flag;       /* its [features] key */
	/* Extra mount points under /api/ besides /api/<name>, NULL-terminated,
	 * or NULL: e.g. "openchoreo-portal-assistant-backend". */
	const char *const *mounts;
	const struct sh_conf_key *keys;   /* keys of the [<name>] section, ended by an entry with name NULL */
	const struct sh_route_spec *routes; /* the route table, or NULL */
	/*
	 * Called once, after the configuration is validated and migrations are
	 * applied, before any request.  Makes caches, tasks and verifiers.
	 * Returns 0 and sets *state (handed to every route's handler), or a
	 * negative SH_E* code with a message in err (lower-case, no trailing
	 * period); start-up then stops.
	 */
	int (*init)(struct sh_host *host, void **state, char *err, size_t errlen);
	/* Called once at shutdown, in reverse load order, after the last request. May be NULL. */
	void (*fini)(void *state);
};

/* The one exported symbol.  Use SH_PLUGIN(descriptor) to define it. */
typedef const struct sh_plugin_info *(*sh_plugin_info_fn)(void);

#define SH_PLUGIN(desc)                                                        \
	__attribute__((visibility("default")))                                 \
	const struct sh_plugin_info *sh_plugin_info(void);                     \
	__attribute__((visibility("default")))                                 \
	const struct sh_plugin_info *sh_plugin_info(void) { return &(desc); }

/* Fills the ABI stamp of a descriptor:
 * `static const struct sh_plugin_info info = { SH_PLUGIN_STAMP, .name = ... };` */
#define SH_PLUGIN_STAMP                                                        \
	.size = sizeof(struct sh_plugin_info), .abi_major = SH_ABI_MAJOR,      \
	.abi_minor = SH_ABI_MINOR

/* The effective configuration; valid for the life of the process. */
const struct sh_conf *sh_host_conf(const struct sh_host *host);

/* The name of the pool this process serves ("main", "stream", ...). */
const char *sh_host_pool(const struct sh_host *host);

#ifdef __cplusplus
}
#endif
#endif
