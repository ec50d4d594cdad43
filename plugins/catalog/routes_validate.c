/*
 * The import helpers (spec §3.12, §3.13): POST /validate-entity runs the
 * processing pipeline on a posted entity in memory and answers with
 * Backstage's {errors} body rather than the error envelope; POST
 * /analyze-location proposes the Component of a repository URL.
 */
#include <stdlib.h>
#include <string.h>

#include <stagehand/url.h>

#include "catalog.h"
#include "ref.h"
#include "routes.h"
#include "routes_common.h"
#include "validate.h"

/* 400 {"errors": [{"name", "message"}]}, the shape the import UI reads. */
static int reply_errors(struct sh_req *req, json_t *errors)
{
	return sh_reply_json(req, 400, json_pack("{s:o}", "errors", errors));
}

static int fail_one(struct sh_req *req, const char *name, const char *msg)
{
	return reply_errors(req, json_pack("[{s:s, s:s}]", "name", name, "message", msg));
}

/* zod's name for the type of a JSON value. */
static const char *zod_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: case JSON_REAL: return "number";
	case JSON_TRUE: case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

/* validateRequestBody's "Malformed request: <zod issues>" for a member
 * `key` that is not a string (v NULL: absent); malloc'd. */
static char *zod_string_issue(const char *key, const json_t *v)
{
	const char *got = v ? zod_type(v) : "undefined";
	char *msg = v ? sh_xasprintf("Expected string, received %s", got) : sh_xstrdup("Required");
	json_t *issues = json_pack("[{s:s, s:s, s:s, s:[s], s:s}]", "code", "invalid_type",
				   "expected", "string", "received", got, "path", key,
				   "message", msg);
	char *text = json_dumps(issues, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *full = sh_xasprintf("Malformed request: %s", text ? text : "[]");

	free(text);
	free(msg);
	json_decref(issues);
	return full;
}

static int fail_location_type(struct sh_req *req, const json_t *v)
{
	char *msg = zod_string_issue("location", v);
	int rc = fail_one(req, "InputError", msg);

	free(msg);
	return rc;
}

/*
 * requireRequestBody's checks, whose failures this route reports in its
 * {errors} body: a JSON content type, a non-empty JSON object.  Returns
 * the body, or NULL once a reply (that, or the host's 400 for bad JSON)
 * is sent.
 */
static json_t *request_body(struct sh_req *req)
{
	const char *type = sh_req_header(req, "Content-Type"), *buf;
	size_t n = strlen("application/json"), len;
	json_t *body;

	if (type == NULL || *type == '\0') {
		fail_one(req, "InputError", "Content-Type missing");
		return NULL;
	}
	if (strncmp(type, "application/json", n) != 0 || (type[n] != '\0' && type[n] != ';')) {
		fail_one(req, "InputError", "Illegal Content-Type");
		return NULL;
	}
	if (sh_req_body(req, &buf, &len) != 0)
		return NULL;
	if (len == 0 || strspn(buf, " \t\r\n") == len) {
		fail_one(req, "InputError", "Empty request body");
		return NULL;
	}
	if ((body = sh_req_json(req)) == NULL)
		return NULL;
	if (!json_is_object(body))
		fail_one(req, "InputError", "Expected body to be a JSON object");
	else if (json_object_size(body) == 0)
		fail_one(req, "InputError", "Empty request body");
	else
		return body;
	return NULL;
}

/* The envelope check's cause alone, as validateEntityEnvelope throws it. */
static int fail_envelope(struct sh_req *req, const char *msg)
{
	static const char prefix[] = "caused by TypeError: ";
	const char *cause = strstr(msg, prefix);

	return fail_one(req, "TypeError", cause ? cause + strlen(prefix) : msg);
}

/* The location annotations set to `location` unless the entity has them. */
static json_t *with_location(const json_t *entity, const char *location)
{
	json_t *copy = json_deep_copy(entity), *meta = json_object_get(copy, "metadata");
	json_t *ann = json_object_get(meta, "annotations"), *merged;

	if (ann != NULL && !json_is_object(ann))
		return copy;
	merged = json_pack("{s:s, s:s}", CATALOG_ANN_LOCATION, location, CATALOG_ANN_ORIGIN, location);
	if (ann)
		json_object_update(merged, ann);
	json_object_set_new(meta, "annotations", merged);
	return copy;
}

int catalog_post_validate_entity(struct sh_req *req, void *state)
{
	const struct catalog_state *st = state;
	struct catalog_validate_errors verr = { 0 };
	struct catalog_outcome o = { { NULL }, { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct catalog_location_ref loc;
	const json_t *location, *entity;
	json_t *body, *e;
	char *err = NULL, *ref;
	int rc;

	if ((body = request_body(req)) == NULL)
		return sh_req_status(req);
	location = json_object_get(body, "location");
	entity = json_object_get(body, "entity");
	if (!json_is_string(location))
		return fail_location_type(req, location);
	if (catalog_validate_envelope(entity ? entity : json_null(), &verr) != 0) {
		rc = fail_envelope(req, verr.msgs[0]);
		catalog_validate_errors_free(&verr);
		return rc;
	}
	if (catalog_location_ref_parse(json_string_value(location), &loc, &err) != 0) {
		rc = fail_one(req, "TypeError", err);
		free(err);
		return rc;
	}
	rc = strcmp(loc.type, "url");
	catalog_location_ref_clear(&loc);
	if (rc != 0) {
		err = sh_xasprintf("Invalid location ref %s, only 'url:<target>' is supported, "
				  "e.g. url:https://host/path", json_string_value(location));
		rc = fail_one(req, "TypeError", err);
		free(err);
		return rc;
	}
	e = with_location(entity, json_string_value(location));
	ref = catalog_ref_of_entity(e);
	catalog_process_entity(st, e, ref ? ref : "", &o);
	rc = o.errs.list ? reply_errors(req, json_incref(o.errs.list)) : sh_reply_empty(req, 200);
	catalog_outcome_clear(&o);
	free(ref);
	json_decref(e);
	return rc;
}

/* ---- analyze-location ---- */

/* express-openapi-validator's first complaint about the body, or NULL. */
static char *analyze_body_error(const json_t *body)
{
	const json_t *loc = json_object_get(body, "location"), *v;
	const char *k;

	if (!json_is_object(body))
		return sh_xstrdup("request/body must be object");
	if (loc == NULL)
		return sh_xstrdup("request/body must have required property 'location'");
	if (!json_is_object(loc))
		return sh_xstrdup("request/body/location must be object");
	if (!json_object_get(loc, "type"))
		return sh_xstrdup("request/body/location must have required property 'type'");
	if (!json_object_get(loc, "target"))
		return sh_xstrdup("request/body/location must have required property 'target'");
	json_object_foreach((json_t *)loc, k, v) {
		if (strcmp(k, "type") != 0 && strcmp(k, "target") != 0)
			return sh_xstrdup("request/body/location must NOT have additional "
					       "properties");
		if (!json_is_string(v))
			return sh_xasprintf("request/body/location/%s must be string", k);
	}
	v = json_object_get(body, "catalogFileName");
	if (v && !json_is_string(v))
		return sh_xstrdup("request/body/catalogFileName must be string");
	v = json_object_get(body, "catalogFilename");
	if (v && !json_is_string(v))
		return zod_string_issue("catalogFilename", v);
	return NULL;
}

/* The annotation prefix of the default integration of a host (none: NULL). */
static const char *slug_prefix(const char *host)
{
	static const char *const hosts[] = { "github.com", "gitlab.com", "bitbucket.org",
					     "dev.azure.com" };

	for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++)
		if (strcmp(host, hosts[i]) == 0)
			return hosts[i];
	return NULL;
}

/* Path segments that end a repository path in the hosts' URL schemes. */
static int is_marker(const char *seg, size_t n)
{
	static const char *const marks[] = { "-", "blob", "tree", "src", "raw", "edit", "_git" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++)
		if (strlen(marks[i]) == n && memcmp(seg, marks[i], n) == 0)
			return 1;
	return 0;
}

/*
 * owner and name of a repository URL's path, the way git-url-parse reads
 * the common hosts: github.com takes the first two segments; elsewhere the
 * segments before the first "-", blob, tree, src... marker, the last being
 * the name; Azure's .../<project>/_git/<repo> names the segment after
 * _git.  A trailing ".git" is dropped.
 */
static void repo_of(const char *host, const char *path, char **owner, char **name)
{
	const char *seg[64], *p = path;
	size_t len[64], n = 0, end;

	while (*p && n < 64) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		seg[n] = p;
		len[n] = strcspn(p, "/");
		p += len[n++];
	}
	end = n;
	for (size_t i = 0; i < n; i++)
		if (is_marker(seg[i], len[i])) {
			end = i;
			break;
		}
	if (end < n && len[end] == 4 && memcmp(seg[end], "_git", 4) == 0 && end + 1 < n) {
		*name = sh_xstrndup(seg[end + 1], len[end + 1]);
		*owner = end ? sh_xstrndup(seg[end - 1], len[end - 1]) : sh_xstrdup("");
	} else {
		if (strcmp(host, "github.com") == 0 && end > 2)
			end = 2;
		*name = end ? sh_xstrndup(seg[end - 1], len[end - 1]) : sh_xstrdup("");
		*owner = end > 1 ? sh_xstrndup(seg[0], (size_t)(seg[end - 2] + len[end - 2] - seg[0]))
				 : sh_xstrdup("");
	}
	end = strlen(*name);
	if (end > 4 && strcmp(*name + end - 4, ".git") == 0)
		(*name)[end - 4] = '\0';
}

static json_t *generated_component(const struct sh_url_http *u)
{
	const char *prefix = slug_prefix(u->host);
	char *owner, *name;
	json_t *e;

	repo_of(u->host, u->path, &owner, &name);
	e = json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}}", "apiVersion", "backstage.io/v1alpha1",
		      "kind", "Component", "metadata", "name", name, "spec", "type", "other",
		      "lifecycle", "unknown");
	if (prefix) {
		char *key = sh_xasprintf("%s/project-slug", prefix), *slug = sh_xasprintf("%s/%s", owner, name);

		json_object_set_new(json_object_get(e, "metadata"), "annotations",
				    json_pack("{s:s}", key, slug));
		free(key);
		free(slug);
	}
	free(owner);
	free(name);
	return e;
}

/*
 * Backstage's default analyzer without SCM-specific analyzers (those come
 * with the SCM modules and their credentials) never finds existing
 * catalog files: it always proposes one Component, so existingEntityFiles
 * is always empty here too.
 */
int catalog_post_analyze_location(struct sh_req *req, void *state)
{
	struct sh_url_http u = { 0 };
	const char *target;
	json_t *body;
	char *err;

	(void)state;
	if ((body = sh_req_json(req)) == NULL)
		return sh_req_status(req);
	if ((err = analyze_body_error(body)) != NULL)
		return catalog_fail_free(req, err);
	target = json_string_value(json_object_get(json_object_get(body, "location"), "target"));
	if (sh_url_http_parse(target, &u) != 0)
		return sh_fail(req, 400, "InputError", "The given location.target is not a URL");
	body = json_pack("{s:[], s:[{s:o, s:[]}]}", "existingEntityFiles", "generateEntities",
			 "entity", generated_component(&u), "fields");
	sh_url_http_clear(&u);
	return sh_reply_json(req, 200, body);
}
