/*
 * The builder's file system: the source tree walked under the build's caps
 * (file count, file size, total size, time) without ever leaving the
 * source through a symlink, and the output tree written (never through a
 * symlink: the builder makes every directory of it) or removed.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "build_int.h"

int td_tree_fail(struct td_tree *t, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, t->errlen, fmt, ap);
	va_end(ap);
	return code;
}

void td_tree_log(struct td_tree *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!t->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->log(t->ud, line);
}

int td_tree_check_time(struct td_tree *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > t->deadline.tv_sec ||
	    (now.tv_sec == t->deadline.tv_sec && now.tv_nsec >= t->deadline.tv_nsec))
		return td_tree_fail(t, SH_ETIMEDOUT, "the build took longer than %u s",
				    t->lim->timeout_s);
	return 0;
}

int td_tree_inside(struct td_tree *t, const char *path, char **real)
{
	char buf[PATH_MAX];
	size_t n = strlen(t->root);

	if (!realpath(path, buf))
		return SH_EDENIED;
	if (strncmp(buf, t->root, n) != 0 || (buf[n] != '/' && buf[n] != '\0'))
		return SH_EDENIED;
	*real = sh_xstrdup(buf);
	return 0;
}

void td_tree_free(struct td_tree *t)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].rel);
		free(t->files[i].path);
	}
	free(t->files);
	free(t->root);
	t->files = NULL, t->root = NULL;
	t->nfiles = t->nalloc = 0;
}

/* Opens a regular file for reading: never through a symlink, never blocking
 * on a FIFO swapped in since the walk. */
static int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* mkdocs' order: index.md and README.md first, then by name. */
static int by_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int ix = strcmp(x, "index.md") == 0 ? 0 : strcasecmp(x, "README.md") == 0 ? 1 : 2;
	int iy = strcmp(y, "index.md") == 0 ? 0 : strcasecmp(y, "README.md") == 0 ? 1 : 2;

	return ix != iy ? ix - iy : strcmp(x, y);
}

/* Takes path (freed when a cap refuses the file). */
static int add_file(struct td_tree *t, const char *rel, char *path, off_t size)
{
	int rc = 0;

	if (t->nfiles >= t->lim->max_files)
		rc = td_tree_fail(t, SH_ETOOBIG, "the source has more than %u files", t->lim->max_files);
	else if ((size_t)size > t->lim->max_file_bytes)
		rc = td_tree_fail(t, SH_ETOOBIG, "%s is larger than the %zu-byte file limit", rel,
				  t->lim->max_file_bytes);
	else if ((t->total += (size_t)size) > t->lim->max_total_bytes)
		rc = td_tree_fail(t, SH_ETOOBIG, "the source is larger than the %zu-byte limit",
				  t->lim->max_total_bytes);
	if (rc != 0) {
		free(path);
		return rc;
	}
	if (t->nfiles == t->nalloc) {
		t->nalloc = t->nalloc ? 2 * t->nalloc : 64;
		t->files = sh_xrealloc(t->files, t->nalloc * sizeof(*t->files));
	}
	t->files[t->nfiles++] = (struct td_file){sh_xstrdup(rel), path, (size_t)size};
	return 0;
}

static int walk_dir(struct td_tree *t, const char *dir, const char *rel, int depth);

/* One entry: a file is added, a directory walked, anything else skipped. */
static int walk_entry(struct td_tree *t, const char *dir, const char *rel, const char *name,
		      int depth, bool dirs)
{
	char path[PATH_MAX], sub[PATH_MAX];
	char *real = NULL;
	struct stat st;
	int rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name) >= (int)sizeof(sub))
		return td_tree_fail(t, SH_ETOOBIG, "a path in the source is too long");
	if (lstat(path, &st) != 0)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		if (td_tree_inside(t, path, &real) != 0 || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
			if (!dirs)
				td_tree_log(t, "skipping %s: a symlink out of the source or to a directory", sub);
			free(real);
			return 0;
		}
	}
	if (dirs && S_ISDIR(st.st_mode) && !real)
		rc = walk_dir(t, path, sub, depth + 1);
	else if (!dirs && S_ISREG(st.st_mode))
		rc = add_file(t, sub, real ? real : sh_xstrdup(path), st.st_size), real = NULL;
	free(real);
	return rc;
}

static char **list_dir(struct td_tree *t, const char *dir, size_t *n, int *rc)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0;

	*n = 0, *rc = 0;
	while (d && (de = readdir(d)) && !*rc) {
		if (++t->ndirs > 4 * (size_t)t->lim->max_files + 64)
			*rc = td_tree_fail(t, SH_ETOOBIG, "the source has more than %u files",
					   t->lim->max_files);
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap)
			names = sh_xrealloc(names, (cap = cap ? 2 * cap : 32) * sizeof(*names));
		names[(*n)++] = sh_xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, *n, sizeof(*names), by_name);
	return names;
}

/* Files first, then subdirectories, each sorted: os.walk's order, as mkdocs lists files. */
static int walk_dir(struct td_tree *t, const char *dir, const char *rel, int depth)
{
	size_t n;
	int rc;
	char **names;

	if (depth > TD_TREE_MAX_DEPTH)
		return td_tree_fail(t, SH_ETOOBIG, "the source is nested deeper than %d directories",
				    TD_TREE_MAX_DEPTH);
	names = list_dir(t, dir, &n, &rc);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n && !rc; i++)
			if (!(rc = td_tree_check_time(t)))
				rc = walk_entry(t, dir, rel, names[i], depth, pass == 1);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int td_tree_walk(struct td_tree *t, const char *dir)
{
	return walk_dir(t, dir, "", 0);
}

int td_tree_read(struct td_tree *t, const char *path, const char *rel, size_t max, char **buf,
		 size_t *len)
{
	int fd = open_regular(path);
	size_t cap = max < 65536 ? max + 1 : 65536;
	ssize_t r = 1;

	*buf = NULL, *len = 0;
	if (fd < 0)
		return td_tree_fail(t, SH_EIO, "cannot read %s", rel);
	*buf = sh_xmalloc(cap + 1);
	while (r > 0 && *len <= max) {
		if (*len == cap)
			*buf = sh_xrealloc(*buf, (cap = cap * 2 > max + 1 ? max + 1 : cap * 2) + 1);
		r = read(fd, *buf + *len, cap - *len);
		*len += r > 0 ? (size_t)r : 0;
	}
	close(fd);
	(*buf)[*len] = '\0';
	if (*len > max)
		return td_tree_fail(t, SH_ETOOBIG, "%s is larger than the %zu-byte file limit", rel, max);
	return r < 0 ? td_tree_fail(t, SH_EIO, "cannot read %s", rel) : 0;
}

/* mkdir -p of rel's parent directories under out_dir. */
static int make_parents(const char *out_dir, const char *rel, char *path, size_t size)
{
	if (snprintf(path, size, "%s/%s", out_dir, rel) >= (int)size)
		return SH_ETOOBIG;
	for (char *p = path + strlen(out_dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return SH_EIO;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SH_EIO;
		data += w, len -= (size_t)w;
	}
	return 0;
}

int td_out_write(const char *out_dir, const char *rel, const char *data, size_t len)
{
	char path[PATH_MAX];
	int fd, rc = make_parents(out_dir, rel, path, sizeof(path));

	if (rc != 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return SH_EIO;
	rc = write_all(fd, data, len);
	if (close(fd) != 0 && rc == 0)
		rc = SH_EIO;
	return rc;
}

int td_out_copy(const char *out_dir, const char *rel, const char *from, size_t max)
{
	char path[PATH_MAX], buf[65536];
	int in, out, rc = make_parents(out_dir, rel, path, sizeof(path));
	size_t done = 0;
	ssize_t r;

	if (rc != 0)
		return rc;
	if ((in = open_regular(from)) < 0)
		return SH_EIO;
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return SH_EIO;
	}
	while (rc == 0 && (r = read(in, buf, sizeof(buf))) != 0) {
		done += r > 0 ? (size_t)r : 0;
		rc = r < 0 ? SH_EIO : done > max ? SH_ETOOBIG : write_all(out, buf, (size_t)r);
	}
	close(in);
	if (close(out) != 0 && rc == 0)
		rc = SH_EIO;
	return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void td_out_remove(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
