/*
 * Response caches for read routes.  A cache keeps the complete 200 replies
 * (head and body) of its plugin's SH_ROUTE_CACHED routes (plugin.h), in this
 * process, bounded in bytes, least recently used first out.  It is tied to
 * a PostgreSQL NOTIFY channel: the host keeps one listening connection per
 * process, and every notification on the channel (from any process on any
 * host) drops every entry.  While that connection is down the cache is
 * bypassed, so a reply is never older than the last change the database
 * announced.  The tables behind a cached route must notify the channel on
 * every change, in the changing transaction (a trigger calling pg_notify:
 * NOTIFY is delivered on commit).
 */
#ifndef STAGEHAND_CACHE_H
#define STAGEHAND_CACHE_H

#include <stddef.h>

#include <stagehand/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_cache;

/*
 * Makes a cache of at most max_bytes (> 0) for the plugin being
 * initialised.  `channel` is a NOTIFY channel, [a-z_][a-z0-9_]* and at most
 * 63 characters.  Only during init; NULL on bad arguments.  The host frees
 * it at exit.
 *
 * The plugin's SH_ROUTE_CACHED routes use the cache it made last, keyed by
 * method, the raw request URI, Content-Type and body.  The caller's identity
 * is not part of the key: mark only routes whose reply does not depend on
 * who asks (the route's auth level is still enforced before every lookup).
 * Any other request to the plugin's routes whose method is not GET or HEAD
 * empties the plugin's caches after its handler has run, so this process
 * reads its own writes.
 */
struct sh_cache *sh_cache_new(struct sh_host *host, const char *channel, size_t max_bytes);

/* Drops every entry (a change was committed outside a request). */
void sh_cache_clear(struct sh_cache *cache);

#ifdef __cplusplus
}
#endif
#endif
