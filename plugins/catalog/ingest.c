/*
 * Ingestion (spec §9.1-§9.3): the [catalog] locations and rules, the
 * generated Location entity of a configured location, and reading a
 * Location entity's targets: files resolved against the Location's own
 * file, parsed as YAML, placeholders filled in, each entity given the
 * location annotations, and the lot checked against the catalog rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <stagehand/yaml.h>

#include "catalog.h"
#include "placeholders.h"
#include "reader.h"
#include "ref.h"
#include "rules.h"
#include "validate.h"

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

json_t *catalog_ingest_location_entity(const char *type, const char *target)
{
	char *loc = NULL, hex[41], name[64];
	json_t *e;
	size_t n = strlen(type) + strlen(target) + 2;

	loc = sh_xmalloc(n);
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
	path = catalog_path_resolve(cwd, value + 5);
	e = catalog_ingest_location_entity("file", path);
	free(path);
	return e;
}

/* The location of a [catalog] location value's first n bytes, a file:
 * path made absolute as catalog_ingest_config_entity does (malloc'd). */
static char *config_location(const char *value, size_t n)
{
	char *loc = sh_xstrndup(value, n), *abs;
	json_t *e;

	if (strncmp(loc, "file:", 5) != 0 || loc[5] == '\0')
		return loc;
	e = catalog_ingest_config_entity(loc);
	abs = sh_xasprintf("file:%s", json_string_value(json_object_get(json_object_get(e, "spec"),
								       "target")));
	json_decref(e);
	free(loc);
	return abs;
}

/* A location value: "<type>:<target>" then its own rules ("allow=..."). */
static int configure_location(struct catalog_state *st, const char *value, char *err,
			      size_t errlen)
{
	size_t n = strcspn(value, " \t");
	char *loc = config_location(value, n), *type, *msg = NULL;
	const char *colon = strchr(loc, ':');
	int rc;

	st->own_locations[st->n_locations++] = loc;
	type = sh_xstrndup(loc, colon ? (size_t)(colon - loc) : 0);
	rc = catalog_rules_add_location(st->rules, type, colon ? colon + 1 : "", value + n, &msg);
	if (rc != 0)
		snprintf(err, errlen, "[catalog] location \"%s\": %s", value, msg);
	free(type);
	free(msg);
	return rc;
}

int catalog_ingest_configure(struct catalog_state *st, const struct sh_conf *conf, char *err,
			     size_t errlen)
{
	const char *const *values = NULL;
	size_t n = sh_conf_multi(conf, "catalog", "allow", &values);
	char *msg = NULL;
	int rc = 0;

	st->rules = catalog_rules_new();
	catalog_rules_add_kinds(st->rules, values, n);
	n = sh_conf_multi(conf, "catalog", "location", &values);
	st->own_locations = sh_xmalloc((n + 1) * sizeof(*st->own_locations));
	st->locations = (const char *const *)st->own_locations;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = configure_location(st, values[i], err, errlen);
	n = sh_conf_multi(conf, "catalog", "rule", &values);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = catalog_rules_add_rule(st->rules, values[i], &msg);
		if (rc != 0)
			snprintf(err, errlen, "[catalog] rule \"%s\": %s", values[i], msg);
		free(msg);
	}
	return rc;
}

void catalog_ingest_unconfigure(struct catalog_state *st)
{
	for (size_t i = 0; i < st->n_locations; i++)
		free(st->own_locations[i]);
	free(st->own_locations);
	catalog_rules_free(st->rules);
	st->own_locations = NULL;
	st->locations = NULL;
	st->n_locations = 0;
	st->rules = NULL;
}

static int placeholder_read(void *ctx, const char *loc, char **buf, size_t *len, char **why)
{
	return catalog_reader_fetch(ctx, loc, buf, len, why);
}

/* Adds one parsed document as a child, or an error explaining why not. */
static void add_child(struct catalog_placeholders *ph, json_t *entity, const char *loc,
		      const char *origin, struct catalog_children *out,
		      struct catalog_errors *errs)
{
	struct catalog_validate_errors verr = { 0 };
	json_t *meta, *ann;
	struct catalog_child *c;
	char *err = NULL;

	if (catalog_validate_envelope(entity, &verr) != 0) {
		catalog_errors_add(errs, "InputError", "%s", verr.msgs[0]);
		catalog_validate_errors_free(&verr);
		return;
	}
	/* Backstage fills placeholders in when it processes the entity; here
	 * the file is read with them, so a failing one fails the file. */
	if (catalog_placeholders_resolve(ph, entity, loc, &err) != 0) {
		catalog_errors_add(errs, "InputError", "Processor PlaceholderProcessor threw an error "
				   "while preprocessing; caused by Error: %s", err);
		free(err);
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
		out->v = sh_xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	c = &out->v[out->n++];
	c->ref = catalog_ref_of_entity(entity);
	c->entity = json_incref(entity);
	c->location_key = sh_xstrdup(loc);
}

/* Reads one target ("file:<abs path>" or "url:<URL>", reader.c) and
 * collects its entities. */
static void read_target(const struct catalog_state *st, const char *loc, int optional,
			const char *origin, struct catalog_children *out,
			struct catalog_errors *errs)
{
	struct catalog_placeholders ph = {
		.read = placeholder_read, .ctx = st->reader,
		.bytes_left = CATALOG_PLACEHOLDER_MAX_BYTES,
		.reads_left = CATALOG_PLACEHOLDER_MAX_READS,
	};
	struct sh_yaml_result res = { 0 };
	size_t len = 0;
	char *buf = NULL;

	if (catalog_reader_read(st->reader, loc, optional, &buf, &len, errs) != 0)
		return;
	sh_yaml_parse(buf, len, loc, &res);
	for (size_t i = 0; i < res.ndocs; i++) {
		if (res.docs[i].error)
			catalog_errors_add(errs, "Error", "%s", res.docs[i].error);
		else
			add_child(&ph, res.docs[i].entity, loc, origin, out, errs);
	}
	sh_yaml_result_free(&res);
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
		path = catalog_path_resolve(own->target, target);
		loc = sh_xasprintf("file:%s", path);
		free(path);
	} else {
		catalog_errors_add(errs, "InputError",
				   "No processor was able to handle reading of %s:%s", type, target);
	}
	if (loc)
		read_target(st, loc, optional, origin, out, errs);
	free(loc);
}

/* Every child must be allowed by the rules for the origin location; the
 * first that is not fails the Location (all of its children). */
static void check_rules(const struct catalog_state *st, const char *own_s, const char *origin,
			const struct catalog_children *out, struct catalog_errors *errs)
{
	struct catalog_location_ref o = { 0 };
	char *err = NULL;

	if (catalog_location_ref_parse(origin, &o, &err) != 0)
		free(err);
	for (size_t i = 0; i < out->n; i++) {
		if (!catalog_rules_allowed(st->rules, out->v[i].entity, o.type, o.target)) {
			catalog_errors_add(errs, "NotAllowedError", "Entity %s at %s, originated at %s, "
					   "is not of an allowed kind for that location",
					   out->v[i].ref, own_s, origin);
			break;
		}
	}
	catalog_location_ref_clear(&o);
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
	check_rules(st, own_s, origin, out, errs);
	catalog_location_ref_clear(&own);
}
