/*
 * Scratch directories of builds: a fresh private directory per build under
 * $TMPDIR (else /tmp), removed whole afterwards without following symlinks
 * (a fetched source may hold any); and the path of a published site's file.
 */
#define _GNU_SOURCE /* nftw's FTW_PHYS, FTW_DEPTH */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include <stagehand/stagehand.h>

#include "plugin.h"

char *td_work_dir_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = sh_xasprintf("%s/stagehand-techdocs-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (mkdtemp(dir))
		return dir;
	sh_log(SH_LOG_ERROR, "techdocs: cannot make a work directory under %s",
	       tmp && *tmp ? tmp : "/tmp");
	free(dir);
	return NULL;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void td_work_dir_remove(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *td_site_file(const struct techdocs *td, const char *ns, const char *kind, const char *name,
		   const char *file)
{
	char *dir = td_site_dir(td->publish_dir, ns, kind, name);
	char *path = dir ? sh_xasprintf("%s/%s", dir, file) : NULL;

	free(dir);
	return path;
}
