/* fuzz-sources: plugins/techdocs/github_url.c plugins/techdocs/ref.c fcgi/url.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target of what the techdocs plugin reads from outside before it
 * touches a disk or GitHub: a GitHub tree URL (github_url.c), a git tree
 * entry's path, and an entity's techdocs-ref with its source location
 * (ref.c).  Input lines: URL, tree path, techdocs-ref, source location.
 * An accepted URL gives owner and repo of [A-Za-z0-9._-] (not "." or
 * ".."), a ref (empty only for the repository itself, with no path), a
 * path that is "" or passes td_tree_path_ok and
 * an http(s) API base; an accepted tree path has no empty, "." or ".."
 * segment and no '\\'; a resolved ref is "dir" or "url" with a target, a
 * "dir" one from a file: location lies in that file's directory, and every
 * refusal comes with a reason.  Run with tests/fuzz/run.sh techdocs_ref.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/errors.h>

#include "../../plugins/techdocs/prepare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool name_ok(const char *s)
{
	if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* No segment of p is empty (except a leading '/'), "." or "..". */
static bool segments_clean(const char *p)
{
	if (*p == '/')
		p++;
	if (!*p)
		return true;
	for (;;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!s)
			return true;
		p = s + 1;
	}
}

static void check_url(const char *url)
{
	struct td_github_url g;
	char err[256] = "";

	if (td_github_url_parse(url, NULL, &g, err, sizeof(err)) != 0) {
		if (!*err || g.owner || g.api)
			abort();
		return;
	}
	if (!name_ok(g.owner) || !name_ok(g.repo) || (!*g.ref && *g.path) || strchr(g.path, '\\') ||
	    (*g.path && !td_tree_path_ok(g.path)) ||
	    (strncmp(g.api, "https://", 8) != 0 && strncmp(g.api, "http://", 7) != 0))
		abort();
	td_github_url_clear(&g);
}

static void check_tree_path(const char *p)
{
	if (td_tree_path_ok(p) && (*p == '/' || strchr(p, '\\') || !segments_clean(p)))
		abort();
}

/* The directory of a file: location's target, as ref.c takes it. */
static void check_dir_inside(const char *src, const char *target)
{
	const char *file = src + 5, *slash = strrchr(file, '/');
	size_t n = slash ? (size_t)(slash - file) : 0;

	if ((strcmp(target, ".") != 0 && !segments_clean(target)) || strstr(target, "//"))
		abort();
	if (!slash || n == 0 || memchr(file, '.', n) || strstr(file, "//"))
		return; /* a relative or unnormalised directory: only the shape holds */
	if (strncmp(target, file, n) != 0 || (target[n] && target[n] != '/'))
		abort();
}

static void check_ref(const char *ref, const char *src)
{
	json_t *ann = json_object(), *e;
	struct td_location loc;
	char err[512] = "";
	int rc;

	json_object_set_new(ann, "backstage.io/techdocs-ref", json_string(ref));
	json_object_set_new(ann, "backstage.io/source-location", json_string(src));
	e = json_pack("{s:s, s:{s:s, s:o}}", "kind", "Component", "metadata", "name", "x",
		      "annotations", ann);
	if (!e)
		return; /* not UTF-8: jansson refuses the strings */
	rc = td_ref_resolve(e, &loc, err, sizeof(err));
	if (rc != 0 && (!*err || loc.target))
		abort();
	if (rc == 0 && (!loc.target || (strcmp(loc.type, "dir") != 0 && strcmp(loc.type, "url") != 0)))
		abort();
	if (rc == 0 && strcmp(loc.type, "dir") == 0 && !strpbrk(src, " \t\r\n\v\f")) {
		if (strncmp(src, "file:", 5) != 0)
			abort();
		check_dir_inside(src, loc.target);
	}
	td_location_free(&loc);
	json_decref(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *line[4] = { "", "", "", "" };
	size_t n = 0;

	memcpy(buf, data, size);
	buf[size] = '\0';
	if (strlen(buf) == size) {
		for (char *p = buf; n < 4 && p; n++) {
			char *nl = strchr(p, '\n');

			line[n] = p;
			if (nl)
				*nl = '\0';
			p = nl ? nl + 1 : NULL;
		}
		check_url(line[0]);
		check_tree_path(line[1]);
		check_ref(line[2], line[3]);
	}
	free(buf);
	return 0;
}
