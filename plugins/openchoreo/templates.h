/*
 * The scaffolder Templates (spec openchoreo-provider.md §2.18): what the
 * three generators (component, resource, project) share, and the
 * hand-written remote Templates (templates_remote.c, templates_fetch.c).
 * The plugin's parts call oc_template (openchoreo.h) and, for a
 * (Cluster)ComponentType with a template URL, oc_template_fetch (below);
 * the unit tests call oc_format_title and oc_template_remote too.
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
	const char *prefix;      /* of the Template's name: the kinds table's template_prefix */
	const char *entity_ns;   /* metadata.namespace: ctx->ns or OC_CLUSTER_NS */
	const char *form_ns;     /* the form's namespace options: ctx->ns, "" for cluster kinds */
	const char *type_kind;   /* "ComponentType", "ClusterResourceType", ... */
	const char *display;     /* openchoreo.dev/display-name when non-empty, else NULL */
	const char *description; /* openchoreo.dev/description when non-empty, else NULL */
	const char *title;       /* display, else FormatTitle(name) */
	const char *owner;       /* ctx->default_owner */
	const char *workload;    /* component templates: spec.workloadType or "deployment";
				    NULL for the others */
};

/* What a generator hands oc_tmpl_build besides the variable parts. */
struct oc_tmpl_form {
	const char *skeleton;    /* the form: the Template's spec as JSON text */
	const char *abbrev;      /* of the annotation keys: "ctd", "rtd", "ptd" */
	const char *noun;        /* of the description fallback: "component" ... */
	bool kind_annotation;    /* openchoreo.io/<abbrev>-kind = type_kind */
};

/* A JSON value standing in for the skeleton string `key` ("@SCHEMA@"). */
struct oc_tmpl_slot {
	const char *key;
	json_t *value;           /* stolen; NULL: the key holding the slot is removed */
};

/* The pieces of the forms more than one form has, as the spec prints them. */
#define OC_FORM_HEAD(type) \
	"{\"owner\": \"@OWNER@\", \"type\": \"" type "\"," \
	" \"EXPERIMENTAL_formDecorators\": [{\"id\": \"openchoreo:inject-user-token\"}],"
#define OC_FORM_PROJECT_NAMESPACE \
	"\"project_namespace\": {" \
	" \"title\": \"Project & Namespace\"," \
	" \"type\": \"object\"," \
	" \"ui:field\": \"ProjectNamespaceField\"," \
	" \"ui:options\": {\"defaultNamespace\": \"@NS@\"}," \
	" \"properties\": {\"project_name\": {\"type\": \"string\"}," \
	"  \"namespace_name\": {\"type\": \"string\"}}," \
	" \"required\": [\"project_name\", \"namespace_name\"]" \
	"},"
/* The last section of the Resource and Project forms: the type's own
 * parameters, `field` the widget, `abbrev` the options' prefix. */
#define OC_FORM_TYPE_DETAILS(field, abbrev) \
	"{\"title\": \"@TITLE@ Details\", \"properties\": {\"parameters\": {" \
	" \"title\": \"Parameters\", \"type\": \"object\", \"ui:field\": \"" field "\"," \
	" \"ui:options\": {" \
	"  \"" abbrev "Name\": \"@NAME@\", \"" abbrev "Kind\": \"@KIND@\"," \
	"  \"" abbrev "DisplayName\": \"@TITLE@\", \"" abbrev "Schema\": \"@SCHEMA@\"}}}}"
/* The opening of a form's one step; its "input" follows. */
#define OC_FORM_STEP(id, name, action) \
	"{\"id\": \"" id "\", \"name\": \"" name "\", \"action\": \"" action "\","
/* The end of the step's input and of the steps, then the output's link to
 * what the step made; the links list is left open. */
#define OC_FORM_OUTPUT_LINK(title, icon, ref) \
	"}}], \"output\": {\"links\": [" \
	" {\"title\": \"" title "\", \"icon\": \"" icon "\", \"entityRef\": \"" ref "\"}"

/*
 * FormatTitle: split on '-', upper-case each word's first character, join
 * with a space ("web-application" -> "Web Application").  Upper-casing is
 * ASCII's: OpenChoreo names are Kubernetes names.  malloc'd.
 */
char *oc_format_title(const char *name);

/* JavaScript's truthiness of a JSON value (NULL: undefined, false). */
bool oc_tmpl_truthy(const json_t *v);

/*
 * The Template: {apiVersion, kind: Template, metadata {name: prefix +
 * name, namespace, title, description (the annotation, else "Create a
 * {title} {noun}"), annotations}, spec}.  The spec is the form's skeleton
 * with its text placeholders (@NS@ = form_ns, @NAME@, @TITLE@, @KIND@ =
 * type_kind, @WORKLOAD@, @OWNER@) expanded and `slots` (nslots, values
 * stolen) put in place.  Annotations: <abbrev>-name, <abbrev>-generated,
 * <abbrev>-kind (when the form says), workload-type (when t->workload),
 * <abbrev>-display-name (when t->display), then the managed-by pair.  NULL
 * with err set when the skeleton does not parse or a value is over the
 * size cap.
 */
json_t *oc_tmpl_build(const struct oc_tmpl *t, const struct oc_tmpl_form *form,
		      struct oc_tmpl_slot *slots, size_t nslots, char *err, size_t errlen);

/* The generators: each returns the Template or NULL with err set. */
json_t *oc_tmpl_component(const struct oc_tmpl *t, const json_t *item, const json_t *schema,
			  char *err, size_t errlen);                  /* templates_component.c */
json_t *oc_tmpl_resource(const struct oc_tmpl *t, const json_t *schema, char *err,
			 size_t errlen);                              /* templates_resource.c */
json_t *oc_tmpl_project(const struct oc_tmpl *t, const json_t *item, char *err,
			size_t errlen);                               /* templates_project.c */
/* The hand-written Template from `body` read from url (templates_remote.c). */
json_t *oc_tmpl_remote(const struct oc_tmpl *t, const char *url, const char *body, size_t len,
		       char *err, size_t errlen);

/*
 * Spec §2.18, the hand-written (remote) Template of a (Cluster)ComponentType
 * carrying scaffolder.openchoreo.dev/backstage-template-url `url`, from
 * the `len` bytes of `body` the caller read there (behind its allow-list;
 * at most SH_YAML_MAX_INPUT, 4 MiB).  The body is YAML, one document
 * or more; the first object with kind Template is taken, metadata.name and
 * metadata.namespace are overwritten (template-{ct}; {ns} or
 * openchoreo-cluster) and its annotations are followed by ctd-name,
 * ctd-generated "false", the template URL, managed-by-location and
 * -origin-location "url:<url>", workload-type (spec.workloadType or
 * deployment, unless empty), ctd-kind (cluster only), ctd-display-name?.
 * Everything else is the author's.  NULL with err set for a YAML error, no
 * Template with a metadata object, or (unlike upstream, whose catalog then
 * rejects the whole full mutation) a Template without apiVersion.
 */
json_t *oc_template_remote(enum oc_kind kind, const struct oc_ctx *ctx, const json_t *item,
			   const char *url, const char *body, size_t len, char *err,
			   size_t errlen);

/* ---- templates_fetch.c (in the plugin: it reads through the host) ------- */

#define OC_TEMPLATE_URL "scaffolder.openchoreo.dev/backstage-template-url"

struct sh_url_allow;  /* <stagehand/urlallow.h>: sh_url_allow_parse's rules */

/* The non-empty OC_TEMPLATE_URL annotation of item, or NULL. */
const char *oc_template_url(const json_t *item);

/*
 * The hand-written Template of item, a (Cluster)ComponentType with an
 * OC_TEMPLATE_URL annotation: the URL is read with GET (no credentials, no
 * redirect to another host, at most SH_YAML_MAX_INPUT bytes, within
 * timeout_ms) only when a rule of `allow` matches it (the syntax of the
 * catalog's reading_allow; NULL matches nothing), then oc_template_remote.
 * 0 with *out; else *out NULL, err says why, and SH_EDENIED (no rule
 * matches), SH_ENOTFOUND (404), SH_EUNAVAIL (another status, no answer),
 * SH_ETIMEDOUT, SH_ETOOBIG, or SH_EINVAL (no annotation, the body makes no
 * Template).  Upstream then emits no Template for the type; the caller
 * decides what the run does.  Any thread.
 */
int oc_template_fetch(const struct sh_url_allow *allow, long timeout_ms, enum oc_kind kind,
		      const struct oc_ctx *ctx, const json_t *item, json_t **out, char *err,
		      size_t errlen);

#endif
