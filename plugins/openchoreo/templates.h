/*
 * The generated scaffolder Templates (spec openchoreo-provider.md §2.18),
 * internal to templates*.c: what the three generators (component, resource,
 * project) share.  The plugin's parts call oc_template (openchoreo.h); the
 * unit tests call oc_format_title too.
 *
 * Each generator fills one form skeleton: the spec's example spec as JSON
 * text, in its key order, whose string values carry placeholders.  Text
 * placeholders ("@NAME@", "@TITLE@ Details") are replaced inside strings;
 * a string that is exactly a slot ("@SCHEMA@") is replaced by a JSON
 * value, or its key removed when the slot has none (JavaScript's undefined
 * disappears from the serialised entity the same way).
 */
#ifndef OPENCHOREO_TEMPLATES_H
#define OPENCHOREO_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "openchoreo.h"

/* The variable parts of one Template; strings borrowed from the caller. */
struct oc_tmpl {
	enum oc_kind kind;
	const char *name;        /* the type's metadata.name (non-empty) */
	const char *entity_ns;   /* metadata.namespace: ctx->ns or OC_CLUSTER_NS */
	const char *form_ns;     /* the form's namespace options: ctx->ns, "" for cluster kinds */
	const char *type_kind;   /* "ComponentType", "ClusterResourceType", ... */
	const char *display;     /* openchoreo.dev/display-name when non-empty, else NULL */
	const char *description; /* openchoreo.dev/description when non-empty, else NULL */
	const char *title;       /* display, else FormatTitle(name) */
	const char *owner;       /* ctx->default_owner */
	const char *workload;    /* component templates: spec.workloadType or "deployment" */
};

/* A JSON value standing in for the skeleton string `key` ("@SCHEMA@"). */
struct oc_tmpl_slot {
	const char *key;
	json_t *value;           /* stolen; NULL: the key holding the slot is removed */
};

/*
 * FormatTitle: split on '-', upper-case each word's first character, join
 * with a space ("web-application" -> "Web Application").  Upper-casing is
 * ASCII's: OpenChoreo names are Kubernetes names.  malloc'd.
 */
char *oc_format_title(const char *name);

/* JavaScript's truthiness of a JSON value (NULL: undefined, false). */
bool oc_tmpl_truthy(const json_t *v);

/*
 * The Template's spec: `skeleton` parsed, its text placeholders (@NS@ =
 * form_ns, @NAME@, @TITLE@, @KIND@ = type_kind, @WORKLOAD@, @OWNER@)
 * expanded and `slots` (nslots of them, values stolen) put in place.  NULL
 * with err set when the skeleton does not parse or a value is over the
 * size cap.
 */
json_t *oc_tmpl_spec(const char *skeleton, const struct oc_tmpl *t, struct oc_tmpl_slot *slots,
		     size_t nslots, char *err, size_t errlen);

/*
 * {apiVersion, kind: Template, metadata {name: prefix + name, namespace,
 * title, description (the annotation, else "Create a {title} {noun}"),
 * annotations}, spec}.  `annotations` holds the generator's own keys;
 * the display-name annotation `display_key` (when t->display) and the two
 * managed-by annotations are appended.  annotations and spec are stolen.
 */
json_t *oc_tmpl_entity(const struct oc_tmpl *t, const char *prefix, const char *noun,
		       json_t *annotations, const char *display_key, json_t *spec);

/* The generators: each returns the Template or NULL with err set. */
json_t *oc_tmpl_component(const struct oc_tmpl *t, const json_t *item, const json_t *schema,
			  char *err, size_t errlen);                  /* templates_component.c */
json_t *oc_tmpl_resource(const struct oc_tmpl *t, const json_t *schema, char *err,
			 size_t errlen);                              /* templates_resource.c */
json_t *oc_tmpl_project(const struct oc_tmpl *t, const json_t *item, char *err,
			size_t errlen);                               /* templates_project.c */

#endif
