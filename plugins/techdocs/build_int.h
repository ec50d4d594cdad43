/*
 * What build.c shares with build_fs.c (the source tree walked under the
 * caps, the output tree written) and build_nav.c (the nav resolved against
 * the pages, or made from the files, and the pages put in nav order).
 */
#ifndef TECHDOCS_BUILD_INT_H
#define TECHDOCS_BUILD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "builder.h"
#include "techdocs.h"

#define TD_TREE_MAX_DEPTH 32

/* One file of docs_dir: rel is docs-relative, path what to open (no symlink). */
struct td_file {
	char *rel;
	char *path;
	size_t size;
};

/* The walk of a source tree and the build's budget. */
struct td_tree {
	char *root;                          /* realpath of the source directory */
	const struct td_limits *lim;
	struct timespec deadline;
	td_log_fn log;
	void *ud;
	struct td_file *files;
	size_t nfiles, nalloc, ndirs;
	size_t total;
	char *err;
	size_t errlen;
};

/* The err text and code of a failure. */
int td_tree_fail(struct td_tree *t, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void td_tree_log(struct td_tree *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* SH_ETIMEDOUT (with err) once the deadline has passed. */
int td_tree_check_time(struct td_tree *t);
/*
 * Checks that path, which may be a symlink, stays inside t->root: *real
 * gets what to open (malloc'd).  Returns 0, or SH_EDENIED for a way out.
 */
int td_tree_inside(struct td_tree *t, const char *path, char **real);
/* Adds every file under dir (skipping dot files and symlinks out), sorted
 * as mkdocs lists them, counted against the caps. */
int td_tree_walk(struct td_tree *t, const char *dir);
/* Reads a file of at most max bytes (SH_ETOOBIG over it). */
int td_tree_read(struct td_tree *t, const char *path, const char *rel, size_t max, char **buf,
		 size_t *len);
void td_tree_free(struct td_tree *t);

/* Output: out_dir/rel with its parent directories made (a copy fails with
 * SH_ETOOBIG when the source has grown past max since the walk). */
int td_out_write(const char *out_dir, const char *rel, const char *data, size_t len);
int td_out_copy(const char *out_dir, const char *rel, const char *from, size_t max);
/* Removes a tree without following symlinks. */
void td_out_remove(const char *dir);

/*
 * Resolves the config's nav against pages[0..*npages) (or makes one from
 * them when mkdocs.yml has none), gives nav titles to their pages, and
 * reorders pages: the nav's first, in nav order.  *nnav gets their count.
 */
void td_nav_resolve(struct td_config *cfg, struct td_page *pages, size_t npages, size_t *nnav);

#endif
