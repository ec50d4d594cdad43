/*
 * The plugin loader: opens <plugin_dir>/<name>.so, checks the ABI stamp of
 * its one exported descriptor before touching anything else, runs init in
 * load order and fini in reverse.  Also the registration calls plugins make
 * from init (sh_route, sh_host_conf, sh_host_pool).
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

/* The members every ABI 1.x descriptor has; a smaller struct is refused. */
#define INFO_MIN_SIZE (offsetof(struct sh_plugin_info, fini) + sizeof(void (*)(void *)))

static int check_info(const struct sh_plugin_info *info, const char *path,
		      const char *name, char *err, size_t errlen)
{
	if (!info) {
		snprintf(err, errlen, "%s: sh_plugin_info returned NULL", path);
		return SH_EINVAL;
	}
	if (info->abi_major != SH_ABI_MAJOR) {
		snprintf(err, errlen, "%s: abi_major: plugin built for ABI %u, host speaks %u",
			 path, info->abi_major, SH_ABI_MAJOR);
		return SH_EINVAL;
	}
	if (info->abi_minor > SH_ABI_MINOR) {
		snprintf(err, errlen, "%s: abi_minor: plugin needs ABI 1.%u, host has 1.%u",
			 path, info->abi_minor, SH_ABI_MINOR);
		return SH_EINVAL;
	}
	if (info->size < INFO_MIN_SIZE) {
		snprintf(err, errlen, "%s: size: descriptor is %zu bytes, expected at least %zu",
			 path, info->size, (size_t)INFO_MIN_SIZE);
		return SH_EINVAL;
	}
	if (!info->name || strcmp(info->name, name) != 0) {
		snprintf(err, errlen, "%s: name: descriptor names '%s', expected '%s'",
			 path, info->name ? info->name : "(null)", name);
		return SH_EINVAL;
	}
	if (!info->init) {
		snprintf(err, errlen, "%s: init: missing", path);
		return SH_EINVAL;
	}
	return 0;
}

int host_plugin_open(struct host_plugin *p, const char *dir, const char *name,
		     char *err, size_t errlen)
{
	sh_plugin_info_fn fn;
	int n;

	memset(p, 0, sizeof *p);
	n = snprintf(p->path, sizeof p->path, "%s/%s.so", dir, name);
	if (n < 0 || (size_t)n >= sizeof p->path) {
		snprintf(err, errlen, "plugin %s: path too long", name);
		return SH_EINVAL;
	}
	p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		snprintf(err, errlen, "plugin %s: %s", name, dlerror());
		return SH_ENOTFOUND;
	}
	*(void **)&fn = dlsym(p->dl, "sh_plugin_info");
	if (!fn) {
		snprintf(err, errlen, "%s: sh_plugin_info: symbol not found", p->path);
		dlclose(p->dl);
		p->dl = NULL;
		return SH_EINVAL;
	}
	p->info = fn();
	if (check_info(p->info, p->path, name, err, errlen) != 0) {
		dlclose(p->dl);
		p->dl = NULL;
		p->info = NULL;
		return SH_EINVAL;
	}
	return 0;
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
			rc = host_router_add_q(h->router, r->method, full, r->auth, r->fn, p->state,
					       p, r->query);
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

int sh_route(struct sh_host *host, const char *method, const char *pattern,
	     enum sh_auth auth, sh_handler_fn fn, void *state)
{
	char full[1024];
	int n;

	if (!host->registering || !host->loading)
		return SH_ESTATE;
	if (!method || !pattern || pattern[0] != '/' || !fn)
		return SH_EINVAL;
	n = snprintf(full, sizeof full, "/api/%s%s", host->loading->info->name,
		     strcmp(pattern, "/") == 0 ? "" : pattern);
	if (n < 0 || (size_t)n >= sizeof full)
		return SH_EINVAL;
	return host_router_add(host->router, method, full, auth, fn, state, host->loading);
}

const struct sh_conf *sh_host_conf(const struct sh_host *host)
{
	return host->conf;
}

const char *sh_host_pool(const struct sh_host *host)
{
	return host->pool;
}
