/*
 * The plugins' life in a process: opening the ones a pool lists (their
 * descriptors through plugin_open.c) and declaring their flags, keeping
 * those whose flag is on, init in load order, registering route tables,
 * fini in reverse.  Also what a plugin asks of its host (sh_host_conf,
 * sh_host_pool).
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

static bool already_open(const struct sh_host *h, const char *name)
{
	for (size_t i = 0; i < h->n_plugins; i++)
		if (strcmp(h->plugins[i].info->name, name) == 0)
			return true;
	return false;
}

int host_plugins_open_pool(struct sh_host *h, const char *pool, char *err, size_t errlen)
{
	const char *dir = sh_conf_str(h->conf, "server", "plugin_dir");
	const char *const *names;
	char section[128];
	size_t n;

	snprintf(section, sizeof section, "pool.%s", pool);
	n = sh_conf_multi(h->conf, section, "plugins", &names);
	for (size_t i = 0; i < n; i++) {
		struct host_plugin *p;

		if (already_open(h, names[i]))
			continue;
		h->plugins = sh_xrealloc(h->plugins, (h->n_plugins + 1) * sizeof *h->plugins);
		p = &h->plugins[h->n_plugins];
		if (host_plugin_open(p, dir ? dir : "", names[i], err, errlen) != 0)
			return SH_EINVAL;
		h->n_plugins++;
		if (host_conf_add_flag(h->conf, p->info, p->flag, sizeof p->flag, err, errlen) != 0)
			return SH_EINVAL;
		p->enabled = sh_conf_feature(h->conf, p->flag);
	}
	return 0;
}

/* The names under /api/ a plugin answers at: its name, then its mounts. */
static size_t claims(const struct sh_plugin_info *info, const char **out, size_t max)
{
	size_t n = 0;

	out[n++] = info->name;
	for (const char *const *m = info->mounts; m && *m && n < max; m++)
		out[n++] = *m;
	return n;
}

/* Fails when enabled plugin i claims a name or mount an earlier enabled one claims. */
static int check_claims(const struct sh_host *h, size_t i, char *err, size_t errlen)
{
	const char *mine[32], *theirs[32];
	size_t n = claims(h->plugins[i].info, mine, 32);

	for (size_t j = 0; j < i; j++) {
		size_t m = h->plugins[j].enabled ? claims(h->plugins[j].info, theirs, 32) : 0;

		for (size_t a = 0; a < n; a++)
			for (size_t b = 0; b < m; b++)
				if (strcmp(mine[a], theirs[b]) == 0) {
					snprintf(err, errlen, "plugin %s: /api/%s is already plugin %s's",
						 h->plugins[i].info->name, mine[a],
						 h->plugins[j].info->name);
					return SH_EINVAL;
				}
	}
	return 0;
}

int host_plugins_check_claims(const struct sh_host *h, char *err, size_t errlen)
{
	for (size_t i = 1; i < h->n_plugins; i++)
		if (h->plugins[i].enabled && check_claims(h, i, err, errlen) != 0)
			return SH_EINVAL;
	return 0;
}

void host_plugins_keep_enabled(struct sh_host *h)
{
	size_t kept = 0;

	for (size_t i = 0; i < h->n_plugins; i++) {
		struct host_plugin *p = &h->plugins[i];

		if (!p->enabled) {
			if (p->dl)
				dlclose(p->dl);
			continue;
		}
		if (kept != i)
			h->plugins[kept] = *p;
		kept++;
	}
	h->n_plugins = kept;
}

/* Whether `mount` is one of the descriptor's extra mount points. */
static bool mount_declared(const struct sh_plugin_info *info, const char *mount)
{
	for (const char *const *m = info->mounts; m && *m; m++)
		if (strcmp(*m, mount) == 0)
			return true;
	return false;
}

/* Registers the plugin's route table with the state init returned. */
static int register_table(struct sh_host *h, struct host_plugin *p, char *err, size_t errlen)
{
	const struct sh_plugin_info *info = p->info;

	for (const struct sh_route_spec *r = info->routes; r && r->method; r++) {
		const char *base = r->mount ? r->mount : info->name;
		char full[1024];
		int n, rc;

		if (r->mount && !mount_declared(info, r->mount)) {
			snprintf(err, errlen, "plugin %s: route %s %s: mount \"%s\" is not declared",
				 info->name, r->method, r->pattern ? r->pattern : "", r->mount);
			return SH_EINVAL;
		}
		n = snprintf(full, sizeof full, "/api/%s%s", base,
			     r->pattern && strcmp(r->pattern, "/") == 0 ? "" : r->pattern);
		if (!r->pattern || r->pattern[0] != '/' || n < 0 || (size_t)n >= sizeof full)
			rc = SH_EINVAL;
		else if ((r->flags & SH_ROUTE_CACHED) && p->caches)
			rc = host_cache_route(h, r->method, full, r->auth, r->fn, p->state, p->caches,
					      p, r->query);
		else
			rc = host_router_add_spec(h->router, full, r, p->state, p);
		if (rc != 0) {
			snprintf(err, errlen, "plugin %s: route %s %s: bad pattern or duplicate route",
				 info->name, r->method, r->pattern ? r->pattern : "(null)");
			return rc < 0 ? rc : SH_EINVAL;
		}
	}
	return 0;
}

int host_plugins_init(struct sh_host *h, char *err, size_t errlen)
{
	char msg[512];

	for (size_t i = 0; i < h->n_plugins; i++) {
		struct host_plugin *p = &h->plugins[i];
		int rc;

		msg[0] = '\0';
		h->loading = p;
		host_log_context(p->info->name, NULL);
		rc = p->info->init(h, &p->state, msg, sizeof msg);
		host_log_context(NULL, NULL);
		h->loading = NULL;
		if (rc != 0) {
			snprintf(err, errlen, "plugin %s: init failed: %s", p->info->name,
				 msg[0] ? msg : sh_strerror(rc));
			return rc < 0 ? rc : SH_EINVAL;
		}
		p->started = true;
		if ((rc = register_table(h, p, err, errlen)) != 0)
			return rc;
		sh_log(SH_LOG_INFO, "plugin %s %s started", p->info->name,
		       p->info->version ? p->info->version : "");
	}
	return 0;
}

int host_plugins_tables(struct sh_host *h, char *err, size_t errlen)
{
	for (size_t i = 0; i < h->n_plugins; i++)
		if (register_table(h, &h->plugins[i], err, errlen) != 0)
			return SH_EINVAL;
	return 0;
}

void host_plugins_fini(struct sh_host *h)
{
	for (size_t i = h->n_plugins; i-- > 0;) {
		struct host_plugin *p = &h->plugins[i];

		if (p->started && p->info->fini) {
			host_log_context(p->info->name, NULL);
			p->info->fini(p->state);
			host_log_context(NULL, NULL);
		}
		p->started = false;
#ifndef SH_SANITIZERS
		/* Sanitizer builds keep plugins mapped so leak reports keep their frames. */
		if (p->dl)
			dlclose(p->dl);
		p->dl = NULL;
#endif
	}
}

const struct sh_conf *sh_host_conf(const struct sh_host *host)
{
	return host->conf;
}

const char *sh_host_pool(const struct sh_host *host)
{
	return host->pool;
}
