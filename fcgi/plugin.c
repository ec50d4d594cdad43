/*
 * The plugin loader: opens <plugin_dir>/<name>.so, checks the ABI stamp of
 * its one exported descriptor before touching anything else, reads its
 * feature flag and mounts, runs init in load order (only for plugins whose
 * flag is on) and fini in reverse.  Also the registration calls plugins
 * make from init (sh_route, sh_host_conf, sh_host_pool).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

/* The members every ABI 1.x descriptor has; a smaller struct is refused. */
#define INFO_MIN_SIZE (offsetof(struct sh_plugin_info, fini) + sizeof(void (*)(void *)))

/* A mount is a path under /api/: [a-z0-9-]+ segments separated by '/'. */
static bool good_mount(const char *m)
{
	size_t seg = 0;

	for (; *m; m++) {
		if (*m == '/' && seg == 0)
			return false;
		if (*m == '/')
			seg = 0;
		else if ((*m >= 'a' && *m <= 'z') || (*m >= '0' && *m <= '9') || *m == '-')
			seg++;
		else
			return false;
	}
	return seg > 0;
}

/* Whether mount *m repeats the plugin's name or an earlier mount. */
static bool mount_twice(const struct sh_plugin_info *info, const char *const *m)
{
	if (strcmp(*m, info->name) == 0)
		return true;
	for (const char *const *o = info->mounts; o != m; o++)
		if (strcmp(*o, *m) == 0)
			return true;
	return false;
}

static int check_mounts(const struct sh_plugin_info *info, const char *path,
			char *err, size_t errlen)
{
	for (const char *const *m = info->mounts; m && *m; m++) {
		if (!good_mount(*m) || strlen(*m) > 200) {
			snprintf(err, errlen, "%s: mounts: \"%s\" is not a path under /api/ "
				 "([a-z0-9-] segments separated by '/')", path, *m);
			return SH_EINVAL;
		}
		if (mount_twice(info, m)) {
			snprintf(err, errlen, "%s: mounts: \"%s\" is claimed twice", path, *m);
			return SH_EINVAL;
		}
	}
	return 0;
}

int host_plugin_check(const struct sh_plugin_info *info, const char *path, const char *name,
		      char *err, size_t errlen)
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
		snprintf(err, errlen, "%s: abi_minor: plugin needs ABI %u.%u, host has %u.%u",
			 path, SH_ABI_MAJOR, info->abi_minor, SH_ABI_MAJOR, SH_ABI_MINOR);
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
	return check_mounts(info, path, err, errlen);
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
	if (host_plugin_check(p->info, p->path, name, err, errlen) != 0) {
		dlclose(p->dl);
		p->dl = NULL;
		p->info = NULL;
		return SH_EINVAL;
	}
	return 0;
}

void host_plugin_flag_name(const struct sh_plugin_info *info, char *key, size_t keylen)
{
	snprintf(key, keylen, "%s", info->flag.name ? info->flag.name : info->name);
	for (char *p = key; *p; p++)
		if (*p == '-')
			*p = '_';
}

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

/* Whether <dir>/<file> is a plugin whose descriptor declares flag `key`. */
static bool declares_flag(const char *dir, const char *file, const char *key)
{
	struct host_plugin p;
	char name[256], err[512], flag[72];
	size_t len = strlen(file);
	bool yes;

	if (len < 4 || len - 3 >= sizeof name || strcmp(file + len - 3, ".so") != 0)
		return false;
	snprintf(name, sizeof name, "%.*s", (int)(len - 3), file);
	if (host_plugin_open(&p, dir, name, err, sizeof err) != 0)
		return false;
	host_plugin_flag_name(p.info, flag, sizeof flag);
	yes = strcmp(flag, key) == 0;
	dlclose(p.dl);
	return yes;
}

bool host_plugin_flag_installed(const char *dir, const char *key)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		found = de->d_name[0] != '.' && declares_flag(dir, de->d_name, key);
	closedir(d);
	return found;
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
