/*
 * backstage.io/techdocs-ref (spec platform-apis §2.3): where an entity's
 * docs source is, as @backstage/plugin-techdocs-node's getLocationForEntity
 * resolves it, with its error texts.  Pure: the entity's JSON in, a
 * location out; nothing is read or fetched here.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/url.h>

#include "techdocs.h"

#define ANN_SOURCE "backstage.io/source-location"
#define ANN_MANAGED "backstage.io/managed-by-location"

/* A location ref split at its first colon, both halves trimmed (malloc'd). */
struct ref_parts {
	char *type;
	char *target;
};

static void parts_free(struct ref_parts *p)
{
	free(p->type);
	free(p->target);
	p->type = p->target = NULL;
}

static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return sh_xstrndup(s, n);
}

/* catalog-model's parseLocationRef, with its messages. */
static int parse_location_ref(const char *ref, struct ref_parts *p, char *err, size_t errlen)
{
	const char *colon = strchr(ref, ':');

	if (!colon)
		goto bad;
	p->type = trimmed(ref, (size_t)(colon - ref));
	p->target = trimmed(colon + 1, strlen(colon + 1));
	if (!*p->type || !*p->target)
		goto bad;
	if (strcmp(p->type, "http") == 0 || strcmp(p->type, "https") == 0) {
		snprintf(err, errlen, "Invalid location ref '%s', please prefix it with 'url:', e.g. 'url:%s'",
			 ref, ref);
		return SH_EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "Unable to parse location ref '%s', expected '<type>:<target>', e.g. 'url:https://host/path'",
		 ref);
	return SH_EINVAL;
}

static const char *annotation(const json_t *entity, const char *key)
{
	const json_t *m = json_object_get(entity, "metadata");

	return json_string_value(json_object_get(json_object_get(m, "annotations"), key));
}

/* stringifyEntityRef: kind and namespace lower-cased, the name as is. */
static void entity_ref(const json_t *entity, char *out, size_t outlen)
{
	const json_t *m = json_object_get(entity, "metadata");
	const char *kind = json_string_value(json_object_get(entity, "kind"));
	const char *ns = json_string_value(json_object_get(m, "namespace"));
	const char *name = json_string_value(json_object_get(m, "name"));
	size_t n;

	n = (size_t)snprintf(out, outlen, "%s:%s/%s", kind ? kind : "", ns ? ns : "default",
			     name ? name : "");
	for (size_t i = 0; i < outlen && i < n && out[i] != '/'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* Removes "." and ".." segments and repeated '/' of a path in place
 * (lexically, as Node's path.resolve does); false when ".." climbs above
 * its start.  A relative path that comes to nothing is ".". */
static bool normalise_path(char *p)
{
	size_t n = strlen(p);
	char *in = sh_xstrdup(p), *buf = sh_xmalloc(n + 2), *out = buf, *seg = in;
	bool abs = *p == '/', ok = true;

	/* every kept segment goes out as "/<seg>"; a relative path drops the first '/' */
	while (ok && seg) {
		char *end = strchr(seg, '/');

		if (end)
			*end = '\0';
		if (strcmp(seg, "..") == 0) {
			ok = out > buf;
			while (out > buf && *--out != '/')
				;
		} else if (*seg && strcmp(seg, ".") != 0) {
			size_t len = strlen(seg);

			*out++ = '/';
			memcpy(out, seg, len);
			out += len;
		}
		seg = end ? end + 1 : NULL;
	}
	*out = '\0';
	if (out == buf)
		memcpy(p, abs ? "/" : ".", 2);
	else
		memcpy(p, abs ? buf : buf + 1, (size_t)(out - buf) + (abs ? 1 : 0));
	free(in), free(buf);
	return ok;
}

/* Whether the normalised path p is dir or below it (isChildPath). */
static bool child_of(const char *dir, const char *p)
{
	size_t n = strlen(dir);

	if (strcmp(dir, ".") == 0)
		return p[0] != '/';
	if (strcmp(dir, "/") == 0)
		return p[0] == '/';
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* "file:" source: the directory beside the file, <rel> confined to it
 * (backend-plugin-api's resolveSafeChildPath). */
static int resolve_file(const char *file, const char *rel, struct td_location *loc, char *err,
			size_t errlen)
{
	const char *slash = strrchr(file, '/');
	char *dir = !slash ? sh_xstrdup(".")
			   : sh_xstrndup(file, slash == file ? 1 : (size_t)(slash - file));
	char *target = rel[0] == '/' ? sh_xstrdup(rel) : sh_xasprintf("%s/%s", dir, rel);

	if (!normalise_path(dir) || !normalise_path(target) || !child_of(dir, target)) {
		free(dir), free(target);
		snprintf(err, errlen,
			 "Relative path is not allowed to refer to a directory outside its parent");
		return SH_EINVAL;
	}
	free(dir);
	memcpy(loc->type, "dir", 4);
	loc->target = target;
	return 0;
}

/* The repository root of a GitHub-shaped tree or blob URL
 * (https://host/owner/repo/{tree,blob}/ref/...), or NULL. */
static char *scm_repo_root(const char *base)
{
	const char *p = strstr(base, "://");
	int slashes = 0;

	if (!p)
		return NULL;
	for (p += 3; *p && *p != '?' && *p != '#'; p++) {
		if (*p == '/' && ++slashes == 5)
			break;
	}
	if (slashes < 4)
		return NULL;
	{
		const char *q = p;
		const char *kind;

		/* base .. p is scheme://host/owner/repo/kind/ref: find "kind" */
		while (q > base && q[-1] != '/')
			q--;
		kind = q - 1;
		while (kind > base && kind[-1] != '/')
			kind--;
		if (strncmp(kind, "tree/", 5) != 0 && strncmp(kind, "blob/", 5) != 0)
			return NULL;
		return sh_xstrndup(base, (size_t)(p - base));
	}
}

/* "url:" source: ScmIntegrations.resolveUrl (an absolute <rel> as is; a
 * rooted one against the repository root; else RFC 3986). */
static int resolve_url(const char *base, const char *rel, struct td_location *loc, char *err,
		       size_t errlen)
{
	char *root = rel[0] == '/' ? scm_repo_root(base) : NULL;
	char *u;

	if (root) {
		u = sh_xasprintf("%s%s", root, rel);
		free(root);
	} else {
		u = sh_url_resolve(base, rel);
	}
	if (!u) {
		snprintf(err, errlen, "Invalid URL '%s' relative to '%s'", rel, base);
		return SH_EINVAL;
	}
	memcpy(loc->type, "url", 4);
	loc->target = u;
	return 0;
}

/* transformDirLocation: <rel> against the entity's source location. */
static int resolve_dir(const json_t *entity, const char *rel, struct td_location *loc, char *err,
		       size_t errlen)
{
	const char *src = annotation(entity, ANN_SOURCE);
	struct ref_parts p = { 0 };
	char ref[512];
	int rc;

	if (!src)
		src = annotation(entity, ANN_MANAGED);
	if (!src) {
		entity_ref(entity, ref, sizeof(ref));
		snprintf(err, errlen, "Entity '%s' is missing location", ref);
		return SH_EINVAL;
	}
	rc = parse_location_ref(src, &p, err, errlen);
	if (rc == 0 && strcmp(p.type, "url") == 0)
		rc = resolve_url(p.target, rel, loc, err, errlen);
	else if (rc == 0 && strcmp(p.type, "file") == 0)
		rc = resolve_file(p.target, rel, loc, err, errlen);
	else if (rc == 0)
		snprintf(err, errlen, "Unable to resolve location type %s", p.type), rc = SH_EINVAL;
	parts_free(&p);
	return rc;
}

int td_ref_resolve(const json_t *entity, struct td_location *loc, char *err, size_t errlen)
{
	const char *ann = annotation(entity, TD_ANNOTATION);
	struct ref_parts p = { 0 };
	int rc;

	memset(loc, 0, sizeof(*loc));
	if (!ann || !*ann) {
		const char *name = json_string_value(
			json_object_get(json_object_get(entity, "metadata"), "name"));

		snprintf(err, errlen, "No location annotation provided in entity: %s",
			 name ? name : "");
		return SH_ENOTFOUND;
	}
	rc = parse_location_ref(ann, &p, err, errlen);
	if (rc == 0 && strcmp(p.type, "url") == 0) {
		memcpy(loc->type, "url", 4);
		loc->target = p.target;
		p.target = NULL;
	} else if (rc == 0 && strcmp(p.type, "dir") == 0) {
		rc = resolve_dir(entity, p.target, loc, err, errlen);
	} else if (rc == 0) {
		snprintf(err, errlen, "Invalid reference annotation %s", p.type);
		rc = SH_EINVAL;
	}
	parts_free(&p);
	return rc;
}

void td_location_free(struct td_location *loc)
{
	if (!loc)
		return;
	free(loc->target);
	loc->target = NULL;
	loc->type[0] = '\0';
}
