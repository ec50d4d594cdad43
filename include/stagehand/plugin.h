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
#define SH_ABI_MAJOR 1
/* Bumped when something is appended; a plugin built against a newer minor
 * than the host's is refused. */
#define SH_ABI_MINOR 2

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

/*
 * The plugin descriptor.  Static, constant, returned by sh_plugin_info().
 * The host checks `size`, `abi_major` and `abi_minor` before touching any
 * other member.
 */
struct sh_plugin_info {
	size_t size;                      /* sizeof(struct sh_plugin_info) */
	unsigned abi_major;               /* SH_ABI_MAJOR */
	unsigned abi_minor;               /* SH_ABI_MINOR */
	const char *name;                 /* [a-z0-9-]+: ini section, routes under /api/<name>, sql/<name>/ */
	const char *flag;                 /* key in [features]; NULL means name with '-' as '_' */
	const char *version;              /* free text, shown by --version and logs */
	const struct sh_conf_key *keys;   /* keys of the [<name>] section, ended by an entry with name NULL */
	/*
	 * Called once, after the configuration is validated and migrations are
	 * applied, before any request.  Registers routes, tasks and verifiers.
	 * Returns 0 and sets *state, or a negative SH_E* code with a message in
	 * err (lower-case, no trailing period); start-up then stops.
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

/*
 * Registers a route.  Only during init.  `method` is an upper-case HTTP
 * method; `pattern` is relative to /api/<plugin> and starts with '/':
 * literal segments, ":name" for one segment and a final "*name" for the
 * rest of the path (possibly empty).  Returns 0 or SH_EINVAL (bad pattern,
 * duplicate route, called outside init).
 */
int sh_route(struct sh_host *host, const char *method, const char *pattern,
	     enum sh_auth auth, sh_handler_fn fn, void *state);

/* The effective configuration; valid for the life of the process. */
const struct sh_conf *sh_host_conf(const struct sh_host *host);

/* The name of the pool this process serves ("main", "stream", ...). */
const char *sh_host_pool(const struct sh_host *host);

#ifdef __cplusplus
}
#endif
#endif
