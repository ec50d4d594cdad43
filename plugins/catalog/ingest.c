/*
 * Ingestion (spec §9.1-§9.3): the generated Location entity of a configured
 * location, and reading a Location entity's targets: files resolved against
 * the Location's own file, parsed as YAML, each entity given the location
 * annotations and checked against the catalog rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "catalog.h"
#include "reader.h"
#include "ref.h"
#include "validate.h"
#include "yaml.h"

void catalog_children_free(struct catalog_children *c)
{
	for (size_t i = 0; i < c->n; i++) {
		json_decref(c->v[i].entity);
		free(c->v[i].ref);
		free(c->v[i].location_key);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Like node's path.join(dirname(base), rel) for absolute base paths:
 * "." segments dropped, ".." segments pop.  Returns a malloc'd path. */
static char *resolve_path(const char *base, const char *rel)
{
	size_t blen = strlen(base), cap = blen + strlen(rel) + 3, n = 0;
	char *in = catalog_xmalloc(cap), *out = catalog_xmalloc(cap), *seg, *save = NULL;
	const char *slash = strrchr(base, '/');

	if (rel[0] == '/' || slash == NULL)
		snprintf(in, cap, "%s", rel);
	else
		snprintf(in, cap, "%.*s/%s", (int)(slash - base), base, rel);
	for (seg = strtok_r(in, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (n > 0 && out[--n] != '/')
				;
			continue;
		}
		n += (size_t)snprintf(out + n, cap - n, "/%s", seg);
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	free(in);
	return out;
}

json_t *catalog_ingest_location_entity(const char *type, const char *target)
{
	char *loc = NULL, hex[41], name[64];
	json_t *e;
	size_t n = strlen(type) + strlen(target) + 2;

	loc = catalog_xmalloc(n);
	snprintf(loc, n, "%s:%s", type, target);
	catalog_sha1_hex(loc, strlen(loc), hex);
	snprintf(name, sizeof(name), "generated-%s", hex);
	e = json_pack("{s:s, s:s, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:s}}",
		      "apiVersion", "backstage.io/v1alpha1", "kind", "Location",
		      "metadata", "name", name, "annotations",
		      CATALOG_ANN_LOCATION, loc, CATALOG_ANN_ORIGIN, loc,
		      "spec", "type", type, "target", target);
	free(loc);
	return e;
}

json_t *catalog_ingest_config_entity(const char *value)
{
	char cwd[4096], *path;
	json_t *e;

	if (strncmp(value, "url:", 4) == 0)
		return catalog_ingest_location_entity("url", value + 4);
	/* Config file targets are resolved to absolute paths (spec §9.1). */
	if (getcwd(cwd, sizeof(cwd) - 1) == NULL)
		cwd[0] = '\0';
	snprintf(cwd + strlen(cwd), sizeof(cwd) - strlen(cwd), "/");
	path = resolve_path(cwd, value + 5);
	e = catalog_ingest_location_entity("file", path);
	free(path);
	return e;
}

static int kind_allowed(const struct catalog_state *st, const char *kind)
{
	for (size_t i = 0; i < st->n_allow; i++)
		if (strcasecmp(st->allow[i], kind) == 0)
			return 1;
	return 0;
}

/* Adds one parsed document as a child, or an error explaining why not. */
static void add_child(const struct catalog_state *st, json_t *entity, const char *loc,
		      const char *origin, struct catalog_children *out,
		      struct catalog_errors *errs)
{
	struct catalog_validate_errors verr = { 0 };
	json_t *meta, *ann;
	struct catalog_child *c;

	if (catalog_validate_envelope(entity, &verr) != 0) {
		catalog_errors_add(errs, "InputError", "%s", verr.msgs[0]);
		catalog_validate_errors_free(&verr);
		return;
	}
	meta = json_object_get(entity, "metadata");
	ann = json_object_get(meta, "annotations");
	if (ann == NULL) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	if (json_is_object(ann)) {
		json_object_set_new(ann, CATALOG_ANN_ORIGIN, json_string(origin));
		json_object_set_new(ann, CATALOG_ANN_LOCATION, json_string(loc));
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = catalog_xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	c = &out->v[out->n];
	c->ref = catalog_ref_of_entity(entity);
	if (!kind_allowed(st, json_string_value(json_object_get(entity, "kind")))) {
		catalog_errors_add(errs, "NotAllowedError",
				   "Entity %s at %s, originated at %s, is not of an allowed kind "
				   "for that location", c->ref, loc, origin);
		free(c->ref);
		return;
	}
	c->entity = json_incref(entity);
	c->location_key = catalog_xstrdup(loc);
	out->n++;
}

/* Reads one target ("file:<abs path>" or "url:<URL>", reader.c) and
 * collects its entities. */
static void read_target(const struct catalog_state *st, const char *loc, int optional,
			const char *origin, struct catalog_children *out,
			struct catalog_errors *errs)
{
	struct catalog_yaml_result res = { 0 };
	size_t len = 0;
	char *buf = NULL;

	if (catalog_reader_read(st->reader, loc, optional, &buf, &len, errs) != 0)
		return;
	catalog_yaml_parse(buf, len, loc, &res);
	for (size_t i = 0; i < res.ndocs; i++) {
		if (res.docs[i].error)
			catalog_errors_add(errs, "Error", "%s", res.docs[i].error);
		else
			add_child(st, res.docs[i].entity, loc, origin, out, errs);
	}
	catalog_yaml_result_free(&res);
	free(buf);
}

static void read_one(const struct catalog_state *st, const struct catalog_location_ref *own,
		     const char *type, const char *target, int optional, const char *origin,
		     struct catalog_children *out, struct catalog_errors *errs)
{
	char *path, *loc = NULL;

	/* A url: target is resolved against a url: parent; a file read from
	 * a URL may not name files on this host. */
	if (strcmp(type, "url") == 0) {
		loc = catalog_reader_url_loc(own->type, own->target, target, errs);
	} else if (strcmp(type, "file") == 0 && strcmp(own->type, "file") == 0) {
		path = resolve_path(own->target, target);
		loc = catalog_fmt("file:%s", path);
		free(path);
	} else {
		catalog_errors_add(errs, "InputError",
				   "No processor was able to handle reading of %s:%s", type, target);
	}
	if (loc)
		read_target(st, loc, optional, origin, out, errs);
	free(loc);
}

void catalog_ingest_read_location(const struct catalog_state *st, const json_t *location,
				  struct catalog_children *out, struct catalog_errors *errs)
{
	const json_t *ann = json_object_get(json_object_get(location, "metadata"), "annotations");
	const json_t *spec = json_object_get(location, "spec"), *t;
	const char *own_s = json_string_value(json_object_get(ann, CATALOG_ANN_LOCATION));
	const char *origin = json_string_value(json_object_get(ann, CATALOG_ANN_ORIGIN));
	const char *type = json_string_value(json_object_get(spec, "type"));
	const char *presence = json_string_value(json_object_get(spec, "presence"));
	int optional = presence && strcmp(presence, "optional") == 0;
	struct catalog_location_ref own = { 0 };
	char *err = NULL;
	size_t i;

	if (own_s == NULL || catalog_location_ref_parse(own_s, &own, &err) != 0) {
		catalog_errors_add(errs, "InputError", "%s",
				   err ? err : "Location entity has no " CATALOG_ANN_LOCATION);
		free(err);
		return;
	}
	if (type == NULL)
		type = own.type;
	if (origin == NULL)
		origin = own_s;
	if (json_is_string(json_object_get(spec, "target")))
		read_one(st, &own, type, json_string_value(json_object_get(spec, "target")),
			 optional, origin, out, errs);
	json_array_foreach(json_object_get(spec, "targets"), i, t)
		if (json_is_string(t))
			read_one(st, &own, type, json_string_value(t), optional, origin, out, errs);
	catalog_location_ref_clear(&own);
}
