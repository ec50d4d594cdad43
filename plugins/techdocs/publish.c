/*
 * The local publisher (spec platform-apis §2.4): a built site goes to
 * <root>/<ns>/<kind>/<name>/ (lower-cased) by copying it beside the live
 * site, writing techdocs_metadata.json there, and swapping the two
 * directories with one renameat2(RENAME_EXCHANGE), so a reader (nginx)
 * sees the old site or the new one and never a missing file in between.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "techdocs.h"

#define MAX_DEPTH 32           /* directory nesting of a site */
#define MAX_FILES 100000       /* files of a site */
#define MAX_METADATA (1 << 20) /* the build's techdocs_metadata.json */
#define STALE_S 3600           /* a staging directory this old was abandoned */

/* One copy: where it stands and what it copied so far. */
struct copy {
	char rel[4096];        /* path below the site root being copied */
	char **files;          /* relative paths of the files copied */
	size_t n_files, cap_files;
	char *err;
	size_t errlen;
};

static bool part_ok(const char *s)
{
	return s && *s && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strchr(s, '/') &&
	       !strchr(s, '\\');
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *td_site_dir(const char *root, const char *ns, const char *kind, const char *name)
{
	char *ns_l, *kind_l, *name_l, *out;

	if (!root || !*root || !part_ok(ns) || !part_ok(kind) || !part_ok(name))
		return NULL;
	ns_l = sh_xstrdup(ns), kind_l = sh_xstrdup(kind), name_l = sh_xstrdup(name);
	lower(ns_l), lower(kind_l), lower(name_l);
	out = sh_xasprintf("%s%s%s/%s/%s", root, root[strlen(root) - 1] == '/' ? "" : "/", ns_l,
			   kind_l, name_l);
	free(ns_l), free(kind_l), free(name_l);
	return out;
}

/* ---------------------------------------------------------------- copying */

static int copy_fail(struct copy *c, int rc, const char *what)
{
	snprintf(c->err, c->errlen, "%s: %s", what, c->rel[0] ? c->rel : ".");
	return rc;
}

static int note_file(struct copy *c)
{
	if (c->n_files == MAX_FILES)
		return copy_fail(c, SH_ETOOBIG, "too many files in the site");
	if (c->n_files == c->cap_files) {
		c->cap_files = c->cap_files ? 2 * c->cap_files : 64;
		c->files = sh_xrealloc(c->files, c->cap_files * sizeof(*c->files));
	}
	c->files[c->n_files++] = sh_xstrdup(c->rel);
	return 0;
}

static int copy_bytes(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0)
				return SH_EIO;
			off += w;
		}
	}
	return n < 0 ? SH_EIO : 0;
}

static int copy_file(struct copy *c, int src_dir, int dst_dir, const char *name)
{
	int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = -1, rc;

	if (in < 0)
		return copy_fail(c, SH_EIO, "could not read");
	out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	rc = out < 0 ? SH_EIO : copy_bytes(in, out);
	if (out >= 0 && close(out) != 0)
		rc = SH_EIO;
	close(in);
	return rc ? copy_fail(c, rc, "could not copy") : note_file(c);
}

static int copy_dir(struct copy *c, int src, int dst, int depth);

/* One directory entry: a file or a directory; anything else is refused. */
static int copy_entry(struct copy *c, int src, int dst, const char *name, int depth)
{
	struct stat st;
	int s2, d2, rc;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return copy_fail(c, SH_EIO, "could not read");
	if (S_ISLNK(st.st_mode))
		return copy_fail(c, SH_EDENIED, "symlinks are not published");
	if (S_ISREG(st.st_mode))
		return copy_file(c, src, dst, name);
	if (!S_ISDIR(st.st_mode))
		return copy_fail(c, SH_EDENIED, "not a file or directory");
	if (depth >= MAX_DEPTH)
		return copy_fail(c, SH_ETOOBIG, "directories nested too deep");
	if (mkdirat(dst, name, 0755) != 0)
		return copy_fail(c, SH_EIO, "could not create directory");
	s2 = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d2 = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rc = s2 < 0 || d2 < 0 ? copy_fail(c, SH_EIO, "could not open directory")
			      : copy_dir(c, s2, d2, depth + 1);
	if (s2 >= 0)
		close(s2);
	if (d2 >= 0)
		close(d2);
	return rc;
}

/* Copies the directory src into dst (both fds; src is consumed by the
 * directory stream, dst stays the caller's). */
static int copy_dir(struct copy *c, int src, int dst, int depth)
{
	DIR *d = fdopendir(dup(src));
	size_t base = strlen(c->rel);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return copy_fail(c, SH_EIO, "could not list");
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(c->rel + base, sizeof(c->rel) - base, "%s%s", base ? "/" : "",
				     e->d_name) >= sizeof(c->rel) - base)
			rc = copy_fail(c, SH_ETOOBIG, "path too long");
		else
			rc = copy_entry(c, src, dst, e->d_name, depth);
		c->rel[base] = '\0';
	}
	closedir(d);
	return rc;
}

static int copy_site(struct copy *c, const char *from, const char *to)
{
	int src = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dst = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (src < 0 || dst < 0) {
		snprintf(c->err, c->errlen, "could not open %s", src < 0 ? from : to);
		rc = SH_EIO;
	} else {
		rc = copy_dir(c, src, dst, 0);
	}
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Removes a directory tree without following symlinks. */
static int rm_tree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : SH_EIO;
}

/* ---------------------------------------------------------------- metadata */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the build wrote (an object), or {"site_name": name} without one. */
static json_t *build_metadata(const char *staged, const char *name, char *err, size_t errlen)
{
	char *path = sh_xasprintf("%s/%s", staged, TD_METADATA_FILE);
	struct stat st;
	json_t *m = NULL;

	if (stat(path, &st) != 0) {
		m = json_pack("{s:s}", "site_name", name);
	} else if (st.st_size > MAX_METADATA) {
		snprintf(err, errlen, "%s is larger than %d bytes", TD_METADATA_FILE, MAX_METADATA);
	} else {
		m = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(m)) {
			json_decref(m), m = NULL;
			snprintf(err, errlen, "%s is not a JSON object", TD_METADATA_FILE);
		}
	}
	free(path);
	return m;
}

static json_t *files_array(struct copy *c)
{
	json_t *a = json_array();
	bool have_meta = false;

	for (size_t i = 0; i < c->n_files; i++)
		have_meta |= strcmp(c->files[i], TD_METADATA_FILE) == 0;
	if (!have_meta) {
		snprintf(c->rel, sizeof(c->rel), "%s", TD_METADATA_FILE);
		note_file(c);
	}
	qsort(c->files, c->n_files, sizeof(*c->files), cmp_str);
	for (size_t i = 0; i < c->n_files; i++)
		json_array_append_new(a, json_string(c->files[i]));
	return a;
}

/* techdocs-node's createOrUpdateMetadata + storeEtagMetadata: what the
 * build wrote, build_timestamp (ms), files, etag; compact, a newline. */
static int write_metadata(struct copy *c, const char *staged, const char *name, const char *etag)
{
	json_t *m = build_metadata(staged, name, c->err, c->errlen);
	struct timespec now;
	char *path, *text;
	FILE *f;
	int rc = 0;

	if (!m)
		return SH_EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	json_object_set_new(m, "build_timestamp",
			    json_integer((json_int_t)now.tv_sec * 1000 + now.tv_nsec / 1000000));
	json_object_set_new(m, "files", files_array(c));
	if (etag && *etag)
		json_object_set_new(m, "etag", json_string(etag));
	text = json_dumps(m, JSON_COMPACT);
	path = sh_xasprintf("%s/%s", staged, TD_METADATA_FILE);
	f = fopen(path, "w");
	if (!f || !text || fprintf(f, "%s\n", text) < 0)
		rc = SH_EIO;
	if (f && fclose(f) != 0)
		rc = SH_EIO;
	if (rc)
		snprintf(c->err, c->errlen, "could not write %s", TD_METADATA_FILE);
	free(path), free(text);
	json_decref(m);
	return rc;
}

/* ---------------------------------------------------------------- swapping */

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Puts staged at target; afterwards staged holds the old site, if any. */
static int swap_in(const char *staged, const char *target, bool *had_old)
{
	*had_old = false;
	if (renameat2(AT_FDCWD, staged, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EEXIST && errno != ENOTEMPTY)
		return -1;
	*had_old = true;
	if (renameat2(AT_FDCWD, staged, AT_FDCWD, target, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A filesystem without RENAME_EXCHANGE: aside, then in (a short window). */
	{
		char *aside = sh_xasprintf("%s.old", staged);
		int rc = rename(target, aside) == 0 && rename(staged, target) == 0 &&
				 rename(aside, staged) == 0 ? 0 : -1;

		free(aside);
		return rc;
	}
}

/* Removes what a publish that died left beside target (.<name>.publish-*
 * older than STALE_S; a younger one may be another publish's, running). */
static void sweep_stale(const char *parent, const char *target)
{
	char *prefix = sh_xasprintf(".%s.publish-", strrchr(target, '/') + 1);
	size_t n = strlen(prefix);
	DIR *d = opendir(parent);
	struct dirent *e;
	struct stat st;

	while (d && (e = readdir(d)) != NULL) {
		char *p;

		if (strncmp(e->d_name, prefix, n) != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode) || time(NULL) - st.st_mtime < STALE_S)
			continue;
		p = sh_xasprintf("%s/%s", parent, e->d_name);
		rm_tree(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
}

static char *stage_dir(const char *target)
{
	const char *slash = strrchr(target, '/');
	char *tmpl = sh_xasprintf("%.*s/.%s.publish-XXXXXX", (int)(slash - target), target, slash + 1);

	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	chmod(tmpl, 0755);
	return tmpl;
}

static int publish_into(struct copy *c, const char *target, const char *name,
			const char *site_dir, const char *etag)
{
	char *parent = sh_xstrndup(target, (size_t)(strrchr(target, '/') - target));
	char *staged = NULL;
	bool had_old;
	int rc = SH_EIO;

	if (mkdir_p(parent) != 0 || !(staged = stage_dir(target))) {
		snprintf(c->err, c->errlen, "could not create %s: %s", parent, strerror(errno));
		goto out;
	}
	rc = copy_site(c, site_dir, staged);
	if (rc == 0)
		rc = write_metadata(c, staged, name, etag);
	if (rc == 0 && swap_in(staged, target, &had_old) != 0) {
		snprintf(c->err, c->errlen, "could not move the site into place: %s", strerror(errno));
		rc = SH_EIO;
	}
	if (staged && (rc != 0 || had_old))
		rm_tree(staged);
	if (rc == 0)
		sweep_stale(parent, target);
out:
	free(parent);
	free(staged);
	return rc;
}

int td_publish(const char *root, const char *ns, const char *kind, const char *name,
	       const char *site_dir, const char *etag, char *err, size_t errlen)
{
	char *target = td_site_dir(root, ns, kind, name);
	struct copy c = { .err = err, .errlen = errlen };
	int rc;

	if (!target) {
		snprintf(err, errlen, "invalid entity triplet '%s/%s/%s'", ns ? ns : "",
			 kind ? kind : "", name ? name : "");
		return SH_EINVAL;
	}
	rc = publish_into(&c, target, name, site_dir, etag);
	for (size_t i = 0; i < c.n_files; i++)
		free(c.files[i]);
	free(c.files);
	free(target);
	return rc;
}
