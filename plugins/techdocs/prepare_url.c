/*
 * The "url" preparer: a GitHub (or GitHub Enterprise) repository tree read
 * with GitHub's REST API through the host's HTTP client, the commit of the
 * ref first (its SHA is the etag), then the recursive git tree of that
 * commit, then each blob below the docs path, written under work_dir with
 * no path a hostile tree names ever leaving it, within every cap.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stagehand/stagehand.h>

#include "prepare.h"

#define MAX_TREE_BYTES (8u << 20) /* GitHub's own cap on a recursive tree is 7 MB */
#define SOURCE_DIR "source"

/* One tree entry to fetch: its path below the docs directory. */
struct blob {
	const char *rel;     /* borrowed from the tree */
	const char *sha;
	json_int_t size;
};

struct fetch {
	const struct td_github_conf *gc;
	const struct td_limits *lim;
	struct td_github_url g;
	const char *url;
	char prev[65];             /* the etag published now, or "" */
	char sha[65];              /* the commit */
	long long deadline_ms;     /* 0: none */
	size_t used;               /* bytes written */
	int root;                  /* <work_dir>/source */
	char *err;
	size_t errlen;
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int fail(struct fetch *f, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct fetch *f, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, f->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static bool hex_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n != 40 && n != 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* An answer's status as an SH_E* code and a reason. */
/* GitHub's reason in an error body ({"message": ...}), at most 160 bytes. */
static void github_message(const struct sh_http_response *resp, char *out, size_t outlen)
{
	json_t *j = resp->body ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(j, "message"));

	snprintf(out, outlen, "%s%.160s", m && *m ? ": " : "", m && *m ? m : "");
	json_decref(j);
}

static int status_rc(struct fetch *f, const struct sh_http_response *resp, const char *what)
{
	long status = resp->status;
	char why[192];

	if (status == 200)
		return 0;
	if (status == 404 || status == 422) /* 422: "No commit found for SHA" */
		return fail(f, SH_ENOTFOUND, "%s not found at %s/%s (github answered %ld)", what,
			    f->g.owner, f->g.repo, status);
	github_message(resp, why, sizeof(why));
	if (status == 401 || status == 403 || status == 429) /* 403/429: also the rate limit */
		return fail(f, SH_EDENIED, "github refused to read %s/%s (%ld%s)", f->g.owner,
			    f->g.repo, status, why);
	return fail(f, SH_EUNAVAIL, "github answered %ld for %s%s", status, what, why);
}

/* GET of the API path (already encoded) with one Accept; 0 on a 200. */
static int get(struct fetch *f, const char *path, const char *accept, size_t max,
	       const char *what, struct sh_http_response *resp)
{
	char *url = sh_xasprintf("%s%s", f->g.api, path), *acc = sh_xasprintf("Accept: %s", accept);
	char *auth = f->gc->token && *f->gc->token ? sh_xasprintf("Authorization: Bearer %s", f->gc->token) : NULL;
	const char *hdrs[] = { acc, "X-GitHub-Api-Version: 2022-11-28", auth, NULL };
	long left = f->deadline_ms ? (long)(f->deadline_ms - now_ms()) : 0;
	struct sh_http_request rq = { .url = url, .headers = hdrs, .max_bytes = max,
				      .timeout_ms = left, .ca_file = f->gc->ca_file };
	int rc;

	memset(resp, 0, sizeof(*resp));
	if (f->deadline_ms && left <= 0)
		rc = fail(f, SH_ETIMEDOUT, "fetching the docs took longer than %u s", f->lim->timeout_s);
	else if ((rc = sh_http_do(&rq, resp)) == SH_ETOOBIG)
		rc = fail(f, rc, "%s is larger than %zu bytes", what, max);
	else if (rc == SH_ETIMEDOUT)
		rc = fail(f, rc, "fetching the docs took longer than %u s", f->lim->timeout_s);
	else if (rc != 0)
		rc = fail(f, SH_EUNAVAIL, "could not reach github: %s", sh_strerror(rc));
	else
		rc = status_rc(f, resp, what);
	if (rc != 0 && rc != SH_ENOTFOUND && rc != SH_EDENIED)
		sh_log(SH_LOG_WARN, "techdocs fetch failed url=%s status=%ld error=\"%s\"", url,
		       resp->status, resp->error);
	free(url), free(acc), free(auth);
	return rc;
}

/* A URL without a ref: the repository's default_branch becomes it. */
static int default_branch(struct fetch *f)
{
	struct sh_http_response resp;
	char *path = sh_xasprintf("/repos/%s/%s", f->g.owner, f->g.repo);
	int rc = get(f, path, "application/vnd.github+json", 1 << 20, "repository", &resp);

	if (rc == 0) {
		json_t *j = json_loadb(resp.body, resp.body_len, 0, NULL);
		const char *b = json_string_value(json_object_get(j, "default_branch"));

		if (b && *b) {
			free(f->g.ref);
			f->g.ref = sh_xstrdup(b);
		} else {
			rc = fail(f, SH_EINVAL, "github answered no default branch for %s/%s",
				  f->g.owner, f->g.repo);
		}
		json_decref(j);
	}
	sh_http_response_free(&resp);
	free(path);
	return rc;
}

/* The ref's commit SHA (application/vnd.github.sha: the SHA as text). */
static int resolve_commit(struct fetch *f)
{
	struct sh_http_response resp;
	struct sh_buf path;
	int rc;

	if (!*f->g.ref && (rc = default_branch(f)) != 0)
		return rc;
	sh_buf_init(&path, 4096);
	sh_buf_printf(&path, "/repos/%s/%s/commits/", f->g.owner, f->g.repo);
	if (sh_buf_add_pct(&path, f->g.ref, strlen(f->g.ref)) != 0) {
		sh_buf_free(&path);
		return fail(f, SH_EINVAL, "ref too long");
	}
	rc = get(f, path.data, "application/vnd.github.sha", 256, "ref", &resp);
	if (rc == 0) {
		size_t n = resp.body_len;

		while (n > 0 && isspace((unsigned char)resp.body[n - 1]))
			n--;
		resp.body[n] = '\0';
		if (!hex_ok(resp.body))
			rc = fail(f, SH_EINVAL, "github answered no commit SHA for ref %s", f->g.ref);
		else
			memcpy(f->sha, resp.body, n + 1);
	}
	sh_http_response_free(&resp);
	sh_buf_free(&path);
	return rc;
}

static int fetch_tree(struct fetch *f, json_t **tree)
{
	struct sh_http_response resp;
	char *path = sh_xasprintf("/repos/%s/%s/git/trees/%s?recursive=1", f->g.owner, f->g.repo,
				  f->sha);
	int rc = get(f, path, "application/vnd.github+json", MAX_TREE_BYTES, "the tree", &resp);

	*tree = NULL;
	if (rc == 0) {
		json_t *j = json_loadb(resp.body, resp.body_len, 0, NULL);

		if (!json_is_array(json_object_get(j, "tree")))
			rc = fail(f, SH_EINVAL, "github answered a tree that is not one");
		else if (json_is_true(json_object_get(j, "truncated")))
			rc = fail(f, SH_ETOOBIG, "the repository's tree is too large to list");
		if (rc == 0)
			*tree = j;
		else
			json_decref(j);
	}
	sh_http_response_free(&resp);
	free(path);
	return rc;
}

/* The entry's path below the docs directory, or NULL when outside it. */
static const char *below(const struct fetch *f, const char *p)
{
	size_t n = strlen(f->g.path);

	if (n == 0)
		return p;
	return strncmp(p, f->g.path, n) == 0 && p[n] == '/' ? p + n + 1 : NULL;
}

/* One entry of the tree: a blob to fetch goes to out[*n]. */
static int take_entry(struct fetch *f, const json_t *e, struct blob *out, size_t *n, bool *dir_seen)
{
	const char *p = json_string_value(json_object_get(e, "path"));
	const char *type = json_string_value(json_object_get(e, "type"));
	const char *mode = json_string_value(json_object_get(e, "mode"));
	const char *rel;

	if (!p || !type)
		return fail(f, SH_EINVAL, "github answered a tree entry without path or type");
	if (*f->g.path && strcmp(p, f->g.path) == 0)
		*dir_seen |= strcmp(type, "tree") == 0;
	rel = below(f, p);
	if (!rel || strcmp(type, "blob") != 0 || (mode && strcmp(mode, "120000") == 0))
		return 0; /* elsewhere, a directory, a submodule or a symlink */
	if (!td_tree_path_ok(rel) || !hex_ok(json_string_value(json_object_get(e, "sha"))))
		return fail(f, SH_EINVAL, "refused tree entry '%s'", p);
	if (*n == f->lim->max_files)
		return fail(f, SH_ETOOBIG, "the docs have more than %u files", f->lim->max_files);
	out[*n] = (struct blob){ rel, json_string_value(json_object_get(e, "sha")),
				 json_integer_value(json_object_get(e, "size")) };
	if (out[*n].size < 0 || (size_t)out[*n].size > f->lim->max_file_bytes)
		return fail(f, SH_ETOOBIG, "%s is larger than %zu bytes", rel, f->lim->max_file_bytes);
	(*n)++;
	return 0;
}

/* The blobs below the docs path, with the caps checked on what the tree says. */
static int select_blobs(struct fetch *f, const json_t *tree, struct blob **out, size_t *n)
{
	const json_t *entries = json_object_get(tree, "tree");
	size_t i, total = 0, cap = json_array_size(entries);
	bool dir_seen = false;
	json_t *e;
	int rc = 0;

	*n = 0;
	*out = sh_xcalloc(cap ? cap : 1, sizeof(**out));
	json_array_foreach(entries, i, e) {
		if ((rc = take_entry(f, e, *out, n, &dir_seen)) != 0)
			return rc;
	}
	if (*f->g.path && !dir_seen)
		return fail(f, SH_ENOTFOUND, "no directory %s in %s/%s at %s", f->g.path, f->g.owner,
			    f->g.repo, f->g.ref);
	for (i = 0; i < *n; i++)
		total += (size_t)(*out)[i].size;
	if (total > f->lim->max_total_bytes)
		return fail(f, SH_ETOOBIG, "the docs are larger than %zu bytes", f->lim->max_total_bytes);
	return 0;
}

/* The directory of rel's parent below the source root (opened, created
 * as needed, never through a symlink), or -1. */
static int open_parent(int root, const char *rel, const char **leaf)
{
	int fd = dup(root);
	const char *p = rel, *slash;

	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		char seg[256];
		int next;

		if ((size_t)(slash - p) >= sizeof(seg)) {
			close(fd);
			return -1;
		}
		memcpy(seg, p, (size_t)(slash - p));
		seg[slash - p] = '\0';
		if (mkdirat(fd, seg, 0755) != 0 && errno != EEXIST)
			next = -1;
		else
			next = openat(fd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	*leaf = p;
	return fd;
}

static int write_file(struct fetch *f, const struct blob *b, const char *data, size_t len)
{
	const char *leaf;
	int dir = open_parent(f->root, b->rel, &leaf), fd = -1, rc = 0;

	if (dir >= 0)
		fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	for (size_t off = 0; fd >= 0 && off < len && rc == 0;) {
		ssize_t w = write(fd, data + off, len - off);

		rc = w < 0 ? -1 : 0;
		off += w > 0 ? (size_t)w : 0;
	}
	if (fd < 0 || rc != 0 || close(fd) != 0)
		rc = fail(f, SH_EIO, "could not write %s: %s", b->rel, strerror(errno));
	if (dir >= 0)
		close(dir);
	return rc;
}

static int fetch_blob(struct fetch *f, const struct blob *b)
{
	size_t left = f->lim->max_total_bytes - f->used;
	size_t max = f->lim->max_file_bytes < left ? f->lim->max_file_bytes : left;
	char *path = sh_xasprintf("/repos/%s/%s/git/blobs/%s", f->g.owner, f->g.repo, b->sha);
	struct sh_http_response resp;
	int rc;

	if (max == 0)
		rc = fail(f, SH_ETOOBIG, "the docs are larger than %zu bytes", f->lim->max_total_bytes);
	else
		rc = get(f, path, "application/vnd.github.raw+json", max, b->rel, &resp);
	if (rc == 0) {
		rc = write_file(f, b, resp.body, resp.body_len);
		f->used += resp.body_len;
	}
	if (max != 0)
		sh_http_response_free(&resp);
	free(path);
	return rc;
}

/* <work_dir>/source, created empty and opened as f->root. */
static int make_root(struct fetch *f, const char *work_dir, char **src_dir)
{
	*src_dir = sh_xasprintf("%s/%s", work_dir, SOURCE_DIR);
	if ((mkdir(work_dir, 0755) != 0 && errno != EEXIST) || mkdir(*src_dir, 0755) != 0 ||
	    (f->root = open(*src_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		int rc = fail(f, SH_EIO, "could not create %s: %s", *src_dir, strerror(errno));

		free(*src_dir);
		*src_dir = NULL;
		return rc;
	}
	return 0;
}

static int fetch_all(struct fetch *f, const char *work_dir, char **src_dir)
{
	struct blob *blobs = NULL;
	json_t *tree = NULL;
	size_t n = 0;
	int rc;

	if ((rc = resolve_commit(f)) != 0)
		return rc;
	if (*f->prev && strcmp(f->prev, f->sha) == 0) {
		sh_log(SH_LOG_INFO, "techdocs source not modified url=%s commit=%s", f->url, f->sha);
		return 0;
	}
	if ((rc = fetch_tree(f, &tree)) != 0 ||
	    (rc = select_blobs(f, tree, &blobs, &n)) != 0 || (rc = make_root(f, work_dir, src_dir)) != 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fetch_blob(f, &blobs[i]);
	close(f->root);
	if (rc == 0)
		sh_log(SH_LOG_INFO, "techdocs source fetched url=%s commit=%s files=%zu bytes=%zu",
		       f->url, f->sha, n, f->used);
	else
		free(*src_dir), *src_dir = NULL;
out:
	free(blobs);
	json_decref(tree);
	return rc;
}

int td_prepare_github(const struct td_github_conf *gc, const char *url, const char *work_dir,
		      const struct td_limits *lim, char **src_dir, char *etag, size_t etaglen,
		      char *err, size_t errlen)
{
	struct fetch f = { .gc = gc, .lim = lim, .url = url, .root = -1, .err = err, .errlen = errlen };
	int rc;

	*src_dir = NULL;
	if (etag && etaglen) {
		if (memchr(etag, '\0', etaglen) && hex_ok(etag))
			snprintf(f.prev, sizeof(f.prev), "%s", etag);
		etag[0] = '\0';
	}
	if (!sh_url_allow_match(gc->allow, url)) {
		char *msg = sh_url_allow_denied_message(url);

		snprintf(err, errlen, "%s", msg);
		free(msg);
		return SH_EDENIED;
	}
	if ((rc = td_github_url_parse(url, gc->api_base, &f.g, err, errlen)) != 0)
		return rc;
	f.deadline_ms = lim->timeout_s ? now_ms() + 1000LL * lim->timeout_s : 0;
	rc = fetch_all(&f, work_dir, src_dir);
	if (rc == 0 && etag && etaglen)
		snprintf(etag, etaglen, "%s", f.sha);
	td_github_url_clear(&f.g);
	return rc;
}

int td_prepare_url(struct sh_host *host, const char *url, const char *work_dir,
		   const struct td_limits *lim, char **src_dir, char *etag, size_t etaglen,
		   char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	const char *const *rules;
	size_t n = sh_conf_multi(conf, "techdocs", "url_allow", &rules);
	struct td_github_conf gc = { .api_base = sh_conf_str(conf, "techdocs", "github_api_base_url"),
				     .token = sh_conf_str(conf, "techdocs", "github_token") };
	struct sh_url_allow *allow;
	char *why;
	int rc;

	if (sh_url_allow_parse(rules, n, &allow, &why) != 0) {
		snprintf(err, errlen, "[techdocs] url_allow: %s", why);
		free(why);
		return SH_EINVAL;
	}
	gc.allow = allow;
	rc = td_prepare_github(&gc, url, work_dir, lim, src_dir, etag, etaglen, err, errlen);
	sh_url_allow_free(allow);
	return rc;
}
