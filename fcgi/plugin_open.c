/*
 * Opening a plugin's .so and checking its descriptor before anything of it
 * runs: the ABI stamp, size, name and mounts, as PostgreSQL's dfmgr.c
 * checks the magic block before _PG_init; and the flag a descriptor
 * declares, also for plugins installed in plugin_dir that no pool lists.
 * Depends on nothing of the host but its headers, so the configuration
 * (conf_schema.c) can ask it too.
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
