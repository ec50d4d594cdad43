/*
 * GET /static/docs/:namespace/:kind/:name/<path>: a file of the published
 * site, for a user or service token or the backstage-auth cookie.  In
 * Backstage's order: a triplet that is not lower case is a 301 to the
 * lower-cased path; the entity must exist and be visible; a path that
 * could leave the site (a "." or ".." segment, raw or encoded once more, a
 * backslash, a symlink out of the site: realpath) is a 404 like a missing
 * file.  The file itself goes out through nginx (X-Accel-Redirect to
 * [techdocs] files_uri, sendfile) with the content type of the spec's
 * rule: HTML, XML, SVG and friends as text/plain, the reader injects them.
 * (Raw and once-encoded dot segments never reach here: nginx answers them
 * 404 itself, see nginx/stagehand.conf.)
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>

#include "plugin.h"
#include "static_path.h"

#define MOUNT "/api/techdocs"
#define URI_MAX 8192

/* ---- the path ------------------------------------------------------------- */

static bool lower_case(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return false;
	return true;
}

/* 301 to the same path with the triplet lower-cased (raw rest kept). */
static int redirect_lower(struct sh_req *req, const struct td_triplet *t)
{
	const char *raw = sh_req_path(req);      /* /static/docs/NS/KIND/NAME/rest */
	const char *rest = raw;
	struct sh_buf b;
	char *lo;
	int slashes = 0;

	for (; *rest && slashes < 6; rest++)
		slashes += *rest == '/';
	sh_buf_init(&b, URI_MAX);
	sh_buf_addstr(&b, MOUNT "/static/docs");
	for (int i = 0; i < 3; i++) {
		lo = sh_strdup(req, i == 0 ? t->ns : i == 1 ? t->kind : t->name);
		for (char *p = lo; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		sh_buf_addc(&b, '/');
		sh_buf_add_pct(&b, lo, strlen(lo));
	}
	if (slashes == 6 && sh_buf_addc(&b, '/') == 0)
		sh_buf_addstr(&b, rest);
	sh_reply_header(req, "Location", sh_strdup(req, sh_buf_str(&b)));
	sh_buf_free(&b);
	return sh_reply_empty(req, 301);
}

/*
 * The file's path relative to the site's real root (realpath of both: a
 * symlink out of the site is refused), with a directory meaning its
 * index.html; NULL when there is no such regular file inside.
 */
static const char *site_file(struct sh_req *req, const char *site, const char *rest)
{
	char root[PATH_MAX], file[PATH_MAX];
	const char *path = sh_printf(req, "%s/%s", site, rest);
	struct stat st;
	size_t n;

	if (!realpath(site, root) || !realpath(path, file))
		return NULL;
	n = strlen(root);
	if (strncmp(file, root, n) != 0 || file[n] != '/')
		return NULL;
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
		return site_file(req, site, sh_printf(req, "%s/index.html", rest));
	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	return sh_strdup(req, file + n + 1);
}

/* files_uri/<site dir relative to publish_dir>/<rel>, percent-encoded by segment. */
static const char *accel_uri(struct sh_req *req, struct techdocs *td, const char *site,
			     const char *rel)
{
	const char *sub = site + strlen(td->publish_dir);
	const char *full = sh_printf(req, "%s/%s", sub, rel), *p, *end;
	struct sh_buf b;
	const char *out;

	sh_buf_init(&b, URI_MAX);
	sh_buf_addstr(&b, td->files_uri);
	for (p = full; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "/");
		if (end == p)
			continue;
		sh_buf_addc(&b, '/');
		sh_buf_add_pct(&b, p, (size_t)(end - p));
	}
	out = b.len < URI_MAX ? sh_strdup(req, sh_buf_str(&b)) : NULL;
	sh_buf_free(&b);
	return out;
}

static int not_found(struct sh_req *req)
{
	return sh_fail(req, 404, "NotFoundError", "File not found");
}

int td_route_static(struct sh_req *req, void *state)
{
	struct techdocs *td = state;
	const char *rest = sh_req_param(req, "path"), *rel, *uri;
	struct td_triplet t;
	char *site;
	int rc;

	td_triplet_of(req, &t);
	if (!lower_case(t.ns) || !lower_case(t.kind) || !lower_case(t.name))
		return redirect_lower(req, &t);
	if (!rest || td_static_unsafe(rest))
		return not_found(req);
	rc = td_entity_exists(td, req, &t);
	if (rc < 0)
		return rc == SH_ENOTFOUND ? not_found(req) : td_entity_fail(req, rc);
	site = td_site_dir(td->publish_dir, t.ns, t.kind, t.name);
	if (!site)
		return not_found(req);
	sh_defer(req, free, site);
	rel = site_file(req, site, rest);
	uri = rel ? accel_uri(req, td, site, rel) : NULL;
	if (!uri)
		return not_found(req);
	return sh_reply_accel(req, uri, td_static_type(rel));
}
