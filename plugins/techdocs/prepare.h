/*
 * The "url" preparer's parts below td_prepare (techdocs.h): a GitHub
 * repository tree URL taken apart, and the fetch of that tree through the
 * host's HTTP client with the settings passed in, so that unit tests and
 * the fuzz target reach them without a configured host.  Owner: td-publish.
 */
#ifndef TECHDOCS_PREPARE_H
#define TECHDOCS_PREPARE_H

#include <stddef.h>

#include "techdocs.h"

struct sh_url_allow;

/* https://<host>/<owner>/<repo>/{tree,blob}/<ref>[/<path>], or the
 * repository itself (https://<host>/<owner>/<repo>: its default branch),
 * taken apart (every member malloc'd; free with td_github_url_clear). */
struct td_github_url {
	char *api;     /* API base without a trailing '/': api_base when given,
			* else https://api.github.com for github.com, else
			* <scheme>://<host>[:<port>]/api/v3 (GitHub Enterprise) */
	char *owner;   /* [A-Za-z0-9._-]+, not "." or ".." */
	char *repo;    /* the same, without a trailing ".git" */
	char *ref;     /* the first segment after tree/ or blob/, decoded; ""
			* for the repository's default branch */
	char *path;    /* the rest, decoded, no leading or trailing '/'; "" for
			* the repository root */
};

/*
 * Parses url (any other shape, or a path segment that decodes to "." or
 * ".." or holds a '\\', is SH_EINVAL with the reason in err).  api_base
 * may be NULL.  g is zeroed on failure.
 */
int td_github_url_parse(const char *url, const char *api_base, struct td_github_url *g,
			char *err, size_t errlen);
void td_github_url_clear(struct td_github_url *g);

/*
 * Whether a tree entry's path, relative to the docs directory, is one to
 * write below it: segments separated by single '/', none empty, "." or
 * "..", no '\\', no control byte.  Hostile trees are refused entry by
 * entry with this, before any file is created.
 */
bool td_tree_path_ok(const char *rel);

/* How the url preparer reaches GitHub ([techdocs] url_allow,
 * github_api_base_url, github_token). */
struct td_github_conf {
	const struct sh_url_allow *allow; /* tree URLs that may be read */
	const char *api_base;             /* or NULL: derived from the URL */
	const char *token;                /* "Authorization: Bearer", or NULL */
	const char *ca_file;              /* extra CA bundle (tests), or NULL */
};

/*
 * td_prepare for a "url" location with explicit settings: the commit of the
 * ref (its SHA is the etag; without a ref, of the default branch that
 * GET /repos/<owner>/<repo> names), the repository's tree at that commit
 * (recursive), then every blob below the docs path into
 * <work_dir>/source (created; work_dir is created when missing), within
 * every cap of lim and its time limit.  Symlinks and submodules of the
 * tree are skipped.  When etag holds the commit's SHA on entry, only the
 * commit is asked for: 0 with *src_dir NULL (not modified).  Returns 0
 * with *src_dir (malloc'd) and etag set, or
 * SH_EDENIED (URL not allowed, GitHub refused), SH_ENOTFOUND (no such
 * repository, ref or directory), SH_ETOOBIG, SH_ETIMEDOUT, SH_EINVAL
 * (bad URL, bad answer), SH_EUNAVAIL, SH_EIO, with the reason in err.
 */
int td_prepare_github(const struct td_github_conf *gc, const char *url, const char *work_dir,
		      const struct td_limits *lim, char **src_dir, char *etag, size_t etaglen,
		      char *err, size_t errlen);

/* td_prepare for "url" with the settings of [techdocs] (sh_host_conf). */
int td_prepare_url(struct sh_host *host, const char *url, const char *work_dir,
		   const struct td_limits *lim, char **src_dir, char *etag, size_t etaglen,
		   char *err, size_t errlen);

#endif
