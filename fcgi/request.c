/*
 * The request as the host reads it: CGI params, the raw REQUEST_URI split
 * into percent-decoded segments (dot segments refused, since nginx chose the
 * location on the normalised path), the query in order, headers, cookies,
 * and the body with its size cap and JSON parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <jansson.h>

#include "req.h"

/* Used when the config leaves the caps at zero (tests, fuzzers). */
#define DEFAULT_MAX_BODY (1024 * 1024)
#define DEFAULT_JSON_DEPTH 64
#define REQUEST_ID_MAX 64

/* ------------------------------------------------------------ parsing */

char *host_pct_decode(struct host_arena *a, const char *s, size_t len, bool plus_space)
{
	char *out = host_arena_alloc(a, len + 1);

	return sh_pct_decode(out, s, len, plus_space) < 0 ? NULL : out;
}

int host_path_split(struct host_arena *a, const char *raw, char ***segs, size_t *nsegs)
{
	const char *p, *end;
	size_t n = 1, cap;
	char **v, *seg;

	if (raw[0] != '/')
		return SH_EINVAL;
	for (p = raw + 1; *p; p++)
		n += *p == '/';
	cap = n;
	v = host_arena_alloc(a, cap * sizeof(*v));
	n = 0;
	for (p = raw + 1;; p = end + 1) {
		end = p + strcspn(p, "/");
		/* An empty last segment is the trailing slash (or "/" itself). */
		if (*end == '\0' && end == p)
			break;
		seg = host_pct_decode(a, p, (size_t)(end - p), false);
		if (!seg || !strcmp(seg, ".") || !strcmp(seg, ".."))
			return SH_EINVAL;
		v[n++] = seg;
		if (*end == '\0')
			break;
	}
	*segs = v;
	*nsegs = n;
	return 0;
}

int host_query_parse(struct host_arena *a, const char *qs, const char ***keys,
		     const char ***values, size_t *n)
{
	const char *p, *end, *eq;
	const char **k, **v;
	size_t cap = 1, i = 0;

	for (p = qs; *p; p++)
		cap += *p == '&';
	k = host_arena_alloc(a, cap * sizeof(*k));
	v = host_arena_alloc(a, cap * sizeof(*v));
	for (p = qs; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		k[i] = host_pct_decode(a, p, (size_t)((eq ? eq : end) - p), true);
		v[i] = eq ? host_pct_decode(a, eq + 1, (size_t)(end - eq - 1), true) : "";
		if (!k[i] || !v[i])
			return SH_EINVAL;
		i++;
	}
	*keys = k;
	*values = v;
	*n = i;
	return 0;
}

int host_json_depth_ok(const char *buf, size_t len, int max_depth)
{
	bool in_str = false;
	int depth = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_str = false;
		} else if (buf[i] == '"') {
			in_str = true;
		} else if (buf[i] == '[' || buf[i] == '{') {
			if (++depth > max_depth)
				return SH_ETOOBIG;
		} else if ((buf[i] == ']' || buf[i] == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ lifecycle */

static const char *param_copy(struct sh_req *req, const char *name)
{
	const char *v = req->io.param(req->io.ctx, name);

	return v ? sh_strdup(req, v) : NULL;
}

/* nginx's id if it is a plain token (it reaches every log line), else a fresh one. */
static const char *request_id(struct sh_req *req)
{
	static atomic_ulong fallback;
	const char *id = req->io.param(req->io.ctx, "HTTP_X_REQUEST_ID");
	unsigned char r[8];
	char *out;

	if (id && *id && strlen(id) <= REQUEST_ID_MAX &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(id))
		return sh_strdup(req, id);
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		uint64_t x = (uint64_t)time(NULL) << 20 ^ atomic_fetch_add(&fallback, 1);

		memcpy(r, &x, sizeof(r));
	}
	out = sh_alloc(req, 2 * sizeof(r) + 1);
	sh_hex_encode(out, r, sizeof(r));
	return out;
}

int host_req_begin(struct sh_req *req, struct sh_host *host, const struct host_io *io)
{
	const char *q;

	memset(req, 0, sizeof(*req));
	req->host = host;
	req->io = *io;
	req->arena = host_arena_new();
	req->request_id = request_id(req);
	req->method = param_copy(req, "REQUEST_METHOD");
	req->uri = param_copy(req, "REQUEST_URI");
	if (!req->method || !req->uri) {
		req->method = req->method ? req->method : "";
		req->uri = req->url = req->rel_path = req->path = req->uri ? req->uri : "";
		req->query_string = "";
		return sh_fail(req, 400, "InputError", "missing request method or uri");
	}
	q = strchr(req->uri, '?');
	req->path = q ? sh_strndup(req, req->uri, (size_t)(q - req->uri)) : req->uri;
	req->query_string = q ? q + 1 : "";
	req->rel_path = req->path;
	req->url = req->uri;
	if (host_path_split(req->arena, req->path, &req->segs, &req->n_segs) < 0)
		return sh_fail(req, 400, "InputError", "invalid request path");
	if (host_query_parse(req->arena, req->query_string, &req->qkeys, &req->qvals,
			     &req->n_query) < 0)
		return sh_fail(req, 400, "InputError", "invalid query string");
	return 0;
}

/* Skips "/api/<name>" in the raw path: the segments may be encoded. */
static const char *strip_mount(const char *path)
{
	const char *p = path;
	int i;

	for (i = 0; i < 2; i++) {
		if (*p != '/')
			return path;
		p += 1 + strcspn(p + 1, "/");
	}
	return p;
}

void host_req_bind(struct sh_req *req, const struct host_match *m)
{
	/* The server matches straight into req->match. */
	if (m != &req->match)
		req->match = *m;
	req->plugin = m->route ? host_route_owner(m->route) : NULL;
	req->rel_path = req->plugin ? strip_mount(req->path) : req->path;
	if (req->rel_path[0] == '\0')
		req->rel_path = "/";
	req->url = req->query_string[0]
		? sh_printf(req, "%s?%s", req->rel_path, req->query_string)
		: req->rel_path;
}

void host_req_finish(struct sh_req *req)
{
	struct host_defer d;

	/* A cleanup may defer another; it runs in this same loop. */
	while (req->n_defers > 0) {
		d = req->defers[--req->n_defers];
		d.fn(d.ptr);
	}
	host_arena_free(req->arena);
	req->arena = NULL;
	req->json = NULL;
	req->defers = NULL;
	req->cap_defers = 0;
}

/* ------------------------------------------------------------ accessors */

const char *sh_req_method(const struct sh_req *req)
{
	return req->method;
}

const char *sh_req_path(const struct sh_req *req)
{
	return req->rel_path;
}

const char *sh_req_url(const struct sh_req *req)
{
	return req->url;
}

const char *sh_req_id(const struct sh_req *req)
{
	return req->request_id;
}

const char *sh_req_param(const struct sh_req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->match.n_params; i++)
		if (!strcmp(req->match.names[i], name))
			return req->match.values[i];
	return NULL;
}

const char *sh_req_query(const struct sh_req *req, const char *key)
{
	size_t i;

	for (i = 0; i < req->n_query; i++)
		if (!strcmp(req->qkeys[i], key))
			return req->qvals[i];
	return NULL;
}

size_t sh_req_query_all(const struct sh_req *req, const char *key, const char *const **values)
{
	const char **v = NULL;
	size_t i, n = 0;

	for (i = 0; i < req->n_query; i++)
		n += !strcmp(req->qkeys[i], key);
	if (n) {
		v = host_arena_alloc(req->arena, n * sizeof(*v));
		for (i = 0, n = 0; i < req->n_query; i++)
			if (!strcmp(req->qkeys[i], key))
				v[n++] = req->qvals[i];
	}
	*values = v;
	return n;
}

size_t sh_req_query_count(const struct sh_req *req)
{
	return req->n_query;
}

int sh_req_query_at(const struct sh_req *req, size_t i, const char **key, const char **value)
{
	if (i >= req->n_query)
		return SH_ENOTFOUND;
	*key = req->qkeys[i];
	*value = req->qvals[i];
	return 0;
}

const char *sh_req_header(const struct sh_req *req, const char *name)
{
	char cgi[128];
	size_t i, len = strlen(name);

	if (!strcasecmp(name, "Content-Type"))
		return req->io.param(req->io.ctx, "CONTENT_TYPE");
	if (!strcasecmp(name, "Content-Length"))
		return req->io.param(req->io.ctx, "CONTENT_LENGTH");
	if (len == 0 || len + 6 > sizeof(cgi))
		return NULL;
	memcpy(cgi, "HTTP_", 5);
	for (i = 0; i < len; i++) {
		char c = name[i];

		cgi[5 + i] = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	cgi[5 + len] = '\0';
	return req->io.param(req->io.ctx, cgi);
}

static char *arena_strndup(struct host_arena *a, const char *s, size_t len)
{
	char *p = host_arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

const char *sh_req_cookie(const struct sh_req *req, const char *name)
{
	const char *p = req->io.param(req->io.ctx, "HTTP_COOKIE"), *end, *eq;
	size_t nlen = strlen(name), vlen;

	for (; p && *p; p = *end ? end + 1 : end) {
		p += strspn(p, " \t");
		end = p + strcspn(p, ";");
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || (size_t)(eq - p) != nlen || memcmp(p, name, nlen))
			continue;
		vlen = (size_t)(end - eq - 1);
		while (vlen && (eq[vlen] == ' ' || eq[vlen] == '\t'))
			vlen--;
		if (vlen >= 2 && eq[1] == '"' && eq[vlen] == '"')
			return arena_strndup(req->arena, eq + 2, vlen - 2);
		return arena_strndup(req->arena, eq + 1, vlen);
	}
	return NULL;
}

int sh_req_status(const struct sh_req *req)
{
	return req->status;
}

const struct sh_identity *sh_req_identity(const struct sh_req *req)
{
	return &req->ident;
}

/* ------------------------------------------------------------ body */

static size_t max_body(const struct sh_req *req)
{
	return req->host && req->host->max_body ? req->host->max_body : DEFAULT_MAX_BODY;
}

static int too_large(struct sh_req *req)
{
	return sh_fail(req, 413, "PayloadTooLargeError", "request entity too large");
}

/* Reads exactly len bytes into buf; 0, or -1 if the peer stopped early. */
static int read_exact(struct sh_req *req, char *buf, size_t len)
{
	size_t got = 0;
	long n;

	while (got < len) {
		n = req->io.read(req->io.ctx, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* No Content-Length: read to the end of stdin, refusing more than the cap. */
static int read_unsized(struct sh_req *req, size_t cap, size_t *len)
{
	struct sh_buf b;
	char chunk[4096];
	long n;
	int rc = 0;

	sh_buf_init(&b, cap);
	while ((n = req->io.read(req->io.ctx, chunk, sizeof(chunk))) > 0) {
		if (sh_buf_add(&b, chunk, (size_t)n) != 0) {
			rc = too_large(req);
			goto out;
		}
	}
	if (n < 0) {
		rc = sh_fail(req, 400, "InputError", "could not read request body");
		goto out;
	}
	req->body = memcpy(sh_alloc(req, b.len + 1), sh_buf_str(&b), b.len + 1);
	*len = b.len;
out:
	sh_buf_free(&b);
	return rc;
}

static int read_body(struct sh_req *req, size_t cap)
{
	const char *cl = req->io.param(req->io.ctx, "CONTENT_LENGTH");
	size_t len = 0;
	unsigned long long n;
	char *end, *buf;

	if (!cl || !*cl)
		return read_unsized(req, cap, &req->body_len);
	if (cl[0] < '0' || cl[0] > '9' || ((n = strtoull(cl, &end, 10)), *end))
		return sh_fail(req, 400, "InputError", "invalid content length");
	if (n > cap)
		return too_large(req);
	len = (size_t)n;
	buf = sh_alloc(req, len + 1);
	if (read_exact(req, buf, len) < 0)
		return sh_fail(req, 400, "InputError", "request body is shorter than its content length");
	buf[len] = '\0';
	req->body = buf;
	req->body_len = len;
	return 0;
}

int sh_req_body(struct sh_req *req, const char **buf, size_t *len)
{
	return sh_req_body_max(req, max_body(req), buf, len);
}

int sh_req_body_max(struct sh_req *req, size_t cap, const char **buf, size_t *len)
{
	int rc;

	if (!req->body_read) {
		rc = read_body(req, cap);
		if (rc)
			return rc;
		req->body_read = true;
	}
	*buf = req->body;
	*len = req->body_len;
	return 0;
}

static bool is_json_type(const char *ct)
{
	static const char want[] = "application/json";

	if (!ct || strncasecmp(ct, want, sizeof(want) - 1))
		return false;
	ct += sizeof(want) - 1;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

static void json_release(void *p)
{
	json_decref(p);
}

json_t *sh_req_json(struct sh_req *req)
{
	int depth = req->host && req->host->json_depth > 0 ? req->host->json_depth : DEFAULT_JSON_DEPTH;
	const char *buf;
	json_error_t err;
	size_t len;

	if (req->json)
		return req->json;
	if (!is_json_type(req->io.param(req->io.ctx, "CONTENT_TYPE"))) {
		sh_fail(req, 400, "InputError", "content type must be application/json");
		return NULL;
	}
	if (sh_req_body(req, &buf, &len))
		return NULL;
	if (host_json_depth_ok(buf, len, depth) < 0) {
		sh_fail(req, 400, "InputError", "json body nests deeper than %d levels", depth);
		return NULL;
	}
	req->json = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!req->json) {
		sh_fail(req, 400, "InputError", "malformed json body: %s at line %d column %d",
			err.text, err.line, err.column);
		return NULL;
	}
	sh_defer(req, json_release, req->json);
	return req->json;
}
