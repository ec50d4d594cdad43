/*
 * td_prepare: the docs source of a resolved techdocs-ref on local disk.
 * A "dir" location is read where it is (the builder never follows a
 * symlink out of it); a "url" one is fetched by prepare_url.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>

#include "prepare.h"

static int prepare_dir(const char *dir, char **src_dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "could not read the docs directory %s: %s", dir, strerror(errno));
		return errno == ENOENT ? SH_ENOTFOUND : SH_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "the docs location %s is not a directory", dir);
		return SH_EINVAL;
	}
	*src_dir = sh_xstrdup(dir);
	return 0;
}

int td_prepare(struct sh_host *host, const struct td_location *loc, const char *work_dir,
	       const struct td_limits *lim, char **src_dir, char *etag, size_t etaglen,
	       char *err, size_t errlen)
{
	*src_dir = NULL;
	if (!loc || !loc->target) {
		snprintf(err, errlen, "no docs location");
		return SH_EINVAL;
	}
	if (strcmp(loc->type, "dir") == 0) {
		if (etag && etaglen)
			etag[0] = '\0'; /* a directory has no version */
		return prepare_dir(loc->target, src_dir, err, errlen);
	}
	if (strcmp(loc->type, "url") == 0)
		return td_prepare_url(host, loc->target, work_dir, lim, src_dir, etag, etaglen, err,
				      errlen);
	snprintf(err, errlen, "unknown docs location type '%s'", loc->type);
	return SH_EINVAL;
}
