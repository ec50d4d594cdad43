/*
 * Rendering the portal at start-up of the [ui] pool, once, never per
 * request: [ui] root/index.html plus the runtime config (ui.c, ui_html.c)
 * becomes [ui] render_dir/index.html, and render_dir/dist points at root,
 * so nginx serves the build from one fixed place and an operator switches
 * builds in the ini alone.  Both swaps are atomic (a temp name, then
 * rename), so nginx never sees half a page or a missing link.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "conf_int.h"
#include "host.h"

#define INDEX_MAX (1024 * 1024)   /* bytes of the build's index.html */

/* "dir/name" into out; SH_ETOOBIG when it does not fit. */
static int join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? SH_ETOOBIG : 0;
}

/* Writes all of data to fd; 0 or -1 (errno set). */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* dir/index.html, mode 0644, replaced atomically. */
static int write_index(const char *dir, const char *data, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	int fd, rc = -1;

	if (join(tmp, sizeof tmp, dir, ".index.html.XXXXXX") != 0 ||
	    join(dst, sizeof dst, dir, "index.html") != 0) {
		snprintf(err, errlen, "[ui] render_dir: path too long");
		return SH_EINVAL;
	}
	if ((fd = mkstemp(tmp)) >= 0) {
		rc = fchmod(fd, 0644) != 0 || write_all(fd, data, len) != 0 ? -1 : 0;
		if (close(fd) != 0)
			rc = -1;
		if (rc == 0)
			rc = rename(tmp, dst);
		if (rc != 0)
			unlink(tmp);
	}
	if (rc != 0) {
		snprintf(err, errlen, "[ui] render_dir: could not write %s: %s", dst, strerror(errno));
		return SH_EIO;
	}
	return 0;
}

/* dir/dist -> target (absolute), swapped atomically over an older link. */
static int link_dist(const char *dir, const char *target, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dst[PATH_MAX], name[64];

	snprintf(name, sizeof name, ".dist.%ld", (long)getpid());
	if (join(tmp, sizeof tmp, dir, name) != 0 || join(dst, sizeof dst, dir, "dist") != 0) {
		snprintf(err, errlen, "[ui] render_dir: path too long");
		return SH_EINVAL;
	}
	unlink(tmp);
	if (symlink(target, tmp) != 0 || rename(tmp, dst) != 0) {
		snprintf(err, errlen, "[ui] render_dir: could not link %s to %s: %s", dst, target,
			 strerror(errno));
		unlink(tmp);
		return SH_EIO;
	}
	return 0;
}

/* render_dir itself (its parent must exist), readable by nginx. */
static int make_dir(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0755) == 0) {
		chmod(dir, 0755);   /* whatever the umask took away */
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	snprintf(err, errlen, "[ui] render_dir: could not create %s: %s", dir, strerror(errno));
	return SH_EIO;
}

/* The build's index.html (NUL-terminated, malloc'd); SH_ENOTFOUND when absent. */
static int read_build(const char *root, char **html, size_t *len, char *err, size_t errlen)
{
	char path[PATH_MAX], why[512];
	struct stat st;

	if (join(path, sizeof path, root, "index.html") != 0) {
		snprintf(err, errlen, "[ui] root: path too long");
		return SH_EINVAL;
	}
	if (stat(path, &st) != 0 && errno == ENOENT)
		return SH_ENOTFOUND;
	if (conf_read_file(path, INDEX_MAX, html, len, why, sizeof why) != 0) {
		snprintf(err, errlen, "[ui] root: %s", why);
		return SH_EIO;
	}
	return 0;
}

/* Writes the rendered page and the link; the build's files stay untouched. */
static int publish(struct sh_host *h, const char *root, const char *html, size_t len,
		   char *err, size_t errlen)
{
	const char *dir = sh_conf_str(h->conf, "ui", "render_dir");
	json_t *data = host_ui_config(h);
	char *page = data ? host_ui_html(html, len, data, &len) : NULL;
	char *target = realpath(root, NULL);
	int rc = SH_EIO;

	if (!page || !target)
		snprintf(err, errlen, "[ui] root: could not render %s/index.html", root);
	else if ((rc = make_dir(dir, err, errlen)) == 0 &&
		 (rc = write_index(dir, page, len, err, errlen)) == 0)
		rc = link_dist(dir, target, err, errlen);
	if (rc == 0)
		sh_log(SH_LOG_INFO, "ui: rendered %s/index.html from %s", dir, target);
	free(target);
	free(page);
	json_decref(data);
	return rc;
}

int host_ui_render(struct sh_host *h, char *err, size_t errlen)
{
	const char *root;
	char *html = NULL;
	size_t len = 0;
	int rc;

	if (!host_ui_renders(h))
		return 0;
	root = sh_conf_str(h->conf, "ui", "root");
	rc = read_build(root, &html, &len, err, errlen);
	if (rc == SH_ENOTFOUND) {
		sh_log(SH_LOG_NOTICE, "ui: no %s/index.html: the portal is not served, only the API",
		       root);
		return 0;
	}
	if (rc == 0)
		rc = publish(h, root, html, len, err, errlen);
	free(html);
	return rc;
}
