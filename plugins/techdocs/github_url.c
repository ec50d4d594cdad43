/*
 * A GitHub repository tree URL taken apart for the "url" preparer, and the
 * check of the paths a (possibly hostile) git tree names.  Pure and strict:
 * what is not plainly a tree URL, or a path that could leave the docs
 * directory, is refused rather than guessed at.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/url.h>

#include "prepare.h"

#define MAX_SEGS 64

static bool name_ok(const char *s)
{
	if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	}
	return true;
}

static bool segment_ok(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || (unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	}
	return true;
}

bool td_tree_path_ok(const char *rel)
{
	const char *p = rel;

	if (!rel || !*rel)
		return false;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!segment_ok(p, n))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* The path's segments, each decoded (malloc'd); -1 on a bad escape. */
static int split_path(const char *path, char **segs, int max)
{
	int n = 0;

	for (const char *p = path; *p;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > 0) {
			char *d = sh_xmalloc(len + 1);

			if (n == max || sh_pct_decode(d, p, len, false) < 0) {
				free(d);
				while (n > 0)
					free(segs[--n]);
				return -1;
			}
			segs[n++] = d;
		}
		p += len + (end ? 1 : 0);
	}
	return n;
}

static char *api_of(const struct sh_url_http *u, const char *api_base)
{
	size_t n;

	if (api_base && *api_base) {
		for (n = strlen(api_base); n > 0 && api_base[n - 1] == '/';)
			n--;
		return sh_xstrndup(api_base, n);
	}
	if (strcmp(u->host, "github.com") == 0)
		return sh_xstrdup("https://api.github.com");
	if (u->default_port)
		return sh_xasprintf("%s://%s/api/v3", u->scheme, u->host);
	return sh_xasprintf("%s://%s:%u/api/v3", u->scheme, u->host, u->port);
}

/* owner, repo, tree|blob, ref, path... into g; the reason otherwise. */
static const char *take_parts(char **segs, int n, struct td_github_url *g)
{
	struct sh_buf b;
	size_t rl;

	if (n != 2 && (n < 4 || (strcmp(segs[2], "tree") != 0 && strcmp(segs[2], "blob") != 0)))
		return "expected https://<host>/<owner>/<repo>[/tree/<ref>[/<path>]]";
	rl = strlen(segs[1]);
	if (rl > 4 && strcmp(segs[1] + rl - 4, ".git") == 0)
		segs[1][rl - 4] = '\0';
	if (!name_ok(segs[0]) || !name_ok(segs[1]))
		return "invalid owner or repository name";
	if (n == 2) { /* the repository itself: its default branch */
		g->owner = sh_xstrdup(segs[0]), g->repo = sh_xstrdup(segs[1]);
		g->ref = sh_xstrdup(""), g->path = sh_xstrdup("");
		return NULL;
	}
	if (!*segs[3])
		return "empty ref";
	sh_buf_init(&b, 8192);
	for (int i = 4; i < n; i++) {
		if (!segment_ok(segs[i], strlen(segs[i])) ||
		    (b.len && sh_buf_addc(&b, '/') != 0) || sh_buf_addstr(&b, segs[i]) != 0) {
			sh_buf_free(&b);
			return "invalid path";
		}
	}
	g->owner = sh_xstrdup(segs[0]);
	g->repo = sh_xstrdup(segs[1]);
	g->ref = sh_xstrdup(segs[3]);
	g->path = sh_buf_take(&b, NULL);
	return NULL;
}

int td_github_url_parse(const char *url, const char *api_base, struct td_github_url *g,
			char *err, size_t errlen)
{
	struct sh_url_http u;
	char *segs[MAX_SEGS];
	const char *why = "not an http(s) URL";
	int n = -1;

	memset(g, 0, sizeof(*g));
	if (sh_url_http_parse(url, &u) == 0) {
		n = split_path(u.path, segs, MAX_SEGS);
		why = n < 0 ? "invalid path" : take_parts(segs, n, g);
	}
	if (!why)
		g->api = api_of(&u, api_base);
	for (int i = 0; i < n; i++)
		free(segs[i]);
	sh_url_http_clear(&u);
	if (why) {
		td_github_url_clear(g);
		snprintf(err, errlen, "not a GitHub repository tree URL '%s': %s", url, why);
		return SH_EINVAL;
	}
	return 0;
}

void td_github_url_clear(struct td_github_url *g)
{
	free(g->api), free(g->owner), free(g->repo), free(g->ref), free(g->path);
	memset(g, 0, sizeof(*g));
}
