/*
 * Reading a location's target: a file from disk, or a URL through the host
 * HTTP client once the allow-list lets it (spec §9.4), with Backstage's
 * error texts (UrlReaderProcessor wraps FetchUrlReader's errors in "Unable
 * to read url, <error>").  Reads are conditional, through the host
 * client's ETag cache (<stagehand/http.h>), so an unchanged file costs a
 * 304.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/stagehand.h>

#include "reader.h"
#include "util.h"

struct catalog_reader {
	struct sh_url_allow *allow;
	long timeout_ms;
};

struct catalog_reader *catalog_reader_new(struct sh_url_allow *allow, long timeout_ms)
{
	struct catalog_reader *r = sh_xmalloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->allow = allow;
	r->timeout_ms = timeout_ms;
	return r;
}

void catalog_reader_free(struct catalog_reader *r)
{
	if (r == NULL)
		return;
	sh_url_allow_free(r->allow);
	free(r);
}

/* The reason phrase fetch's statusText would carry, for the usual codes. */
static const char *reason(long status)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {
		{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
		{ 304, "Not Modified" }, { 307, "Temporary Redirect" },
		{ 308, "Permanent Redirect" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 410, "Gone" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (t[i].code == status)
			return t[i].text;
	return "";
}

/* Why a read failed: Backstage's error name and message (malloc'd). */
struct failure {
	const char *name;
	char *msg;
};

static int fail(struct failure *f, int rc, const char *name, char *msg)
{
	f->name = name;
	f->msg = msg;
	return rc;
}

/* A response other than a usable 2xx: NotFoundError for 404,
 * a generic error else (FetchUrlReader's texts). */
static int status_error(const char *url, long status, struct failure *f)
{
	const char *why = reason(status);

	if (status == 404)
		return fail(f, SH_ENOTFOUND, "NotFoundError",
			    sh_xasprintf("could not read %s, 404 Not Found", url));
	return fail(f, SH_EIO, "Error", sh_xasprintf("could not read %s, %ld%s%s", url, status,
						   *why ? " " : "", why));
}

/* The GET itself, conditional: a 304 to the ETag the host's cache holds
 * comes back as that cached 200.  Redirects are not followed, since the
 * allow-list vouches only for the URL it was shown. */
static int fetch(struct catalog_reader *r, const char *url, struct sh_http_response *resp)
{
	struct sh_http_request rq = {
		.url = url, .timeout_ms = r->timeout_ms, .max_bytes = SH_YAML_MAX_INPUT,
		.conditional = true,
	};

	return sh_http_do(&rq, resp);
}

static int read_url(struct catalog_reader *r, const char *url, char **buf, size_t *len,
		    struct failure *f)
{
	struct sh_http_response resp;
	int rc;

	if (!sh_url_allow_match(r->allow, url))
		return fail(f, SH_EDENIED, "NotAllowedError", sh_url_allow_denied_message(url));
	rc = fetch(r, url, &resp);
	if (rc != 0) {
		rc = fail(f, rc, "Error", sh_xasprintf("Unable to read %s, %s", url, resp.error));
	} else if (resp.body_len > SH_YAML_MAX_INPUT) {
		/* a body the cache took for a request with a larger cap */
		rc = fail(f, SH_ETOOBIG, "Error", sh_xasprintf("Unable to read %s, response larger"
							       " than %u bytes", url,
							       SH_YAML_MAX_INPUT));
	} else if (resp.status >= 200 && resp.status < 300) {
		*buf = resp.body;
		*len = resp.body_len;
		resp.body = NULL;
	} else {
		rc = status_error(url, resp.status, f);
	}
	sh_http_response_free(&resp);
	return rc;
}

/* A whole file within the YAML input cap: 0, SH_ENOTFOUND, SH_ETOOBIG or
 * SH_EIO. */
static int read_path(const char *path, char **buf, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = SH_YAML_MAX_INPUT + 1, n;
	int rc = 0;

	*buf = NULL;
	if (fp == NULL)
		return errno == ENOENT || errno == ENOTDIR ? SH_ENOTFOUND : SH_EIO;
	*buf = sh_xmalloc(cap + 1);
	n = fread(*buf, 1, cap, fp);
	if (ferror(fp))
		rc = SH_EIO;
	else if (n == cap)
		rc = SH_ETOOBIG;
	fclose(fp);
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
		return rc;
	}
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

static int read_file(const char *path, char **buf, size_t *len, struct failure *f)
{
	int rc = read_path(path, buf, len);

	if (rc == SH_ENOTFOUND)
		return fail(f, rc, "NotFoundError", sh_xasprintf("file %s does not exist", path));
	if (rc != 0)
		return fail(f, rc, "Error", sh_xasprintf("could not read file:%s: %s", path,
							sh_strerror(rc)));
	return 0;
}

static int read_loc(struct catalog_reader *r, const char *loc, char **buf, size_t *len,
		    struct failure *f)
{
	*buf = NULL;
	*len = 0;
	if (strncmp(loc, "file:", 5) == 0)
		return read_file(loc + 5, buf, len, f);
	if (strncmp(loc, "url:", 4) == 0)
		return read_url(r, loc + 4, buf, len, f);
	return fail(f, SH_EINVAL, "InputError",
		    sh_xasprintf("No processor was able to handle reading of %s", loc));
}

int catalog_reader_read(struct catalog_reader *r, const char *loc, int optional, char **buf,
			size_t *len, struct catalog_errors *errs)
{
	struct failure f = { NULL, NULL };
	int rc = read_loc(r, loc, buf, len, &f);

	if (rc == 0 || (rc == SH_ENOTFOUND && optional)) {
		/* UrlReaderProcessor records nothing for an optional target */
	} else if (strncmp(loc, "url:", 4) == 0) {
		catalog_errors_add(errs, rc == SH_ENOTFOUND ? "NotFoundError" : "Error",
				   "Unable to read url, %s: %s", f.name, f.msg);
	} else {
		catalog_errors_add(errs, f.name, "%s", f.msg);
	}
	free(f.msg);
	return rc;
}

int catalog_reader_fetch(struct catalog_reader *r, const char *loc, char **buf, size_t *len,
			 char **why)
{
	struct failure f = { NULL, NULL };
	int rc = read_loc(r, loc, buf, len, &f);

	*why = rc == 0 ? NULL : sh_xasprintf("%s: %s", f.name, f.msg);
	free(f.msg);
	return rc;
}

char *catalog_reader_url_loc(const char *own_type, const char *own_target, const char *target,
			     struct catalog_errors *errs)
{
	char *url = sh_url_resolve(strcmp(own_type, "url") == 0 ? own_target : target,
				   target);
	char *loc;

	if (url == NULL) {
		catalog_errors_add(errs, "Error", "Unable to read url, TypeError: Invalid URL: %s",
				   target);
		return NULL;
	}
	loc = sh_xasprintf("url:%s", url);
	free(url);
	return loc;
}
