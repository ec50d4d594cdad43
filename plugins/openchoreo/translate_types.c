/*
 * The platform-engineering kinds (spec §2.11–§2.15 and their cluster forms
 * in §2.17): component, trait, resource and project types and workflows,
 * one row each; and Resource (§2.16), the one built-in Backstage kind
 * among them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>

#include "translate.h"

#define WF_PARAMS_MAX (64 * 1024)   /* the workflow-parameters annotation */
#define WF_SCHEMA_DEPTH 32          /* properties nesting walked */

enum type_spec { SPEC_PLAIN, SPEC_COMPONENT_TYPE, SPEC_RESOURCE_TYPE, SPEC_WORKFLOW };

struct type_row {
	enum oc_kind kind;
	const char *noun;          /* description fallback "{name} <noun>" */
	const char *tag;           /* the second tag */
	enum type_spec spec;
	const char *workflow_kind; /* default kind of allowedWorkflows / workflowPlaneRef */
	const char *trait_kind;    /* default kind of allowedTraits */
};

static const struct type_row rows[] = {
	{ OC_COMPONENTTYPE, " component type", "component-type", SPEC_COMPONENT_TYPE,
	  "Workflow", "Trait" },
	{ OC_TRAIT, " trait", "trait-type", SPEC_PLAIN, NULL, NULL },
	{ OC_RESOURCETYPE, " resource type", "resource-type", SPEC_RESOURCE_TYPE, NULL, NULL },
	{ OC_PROJECTTYPE, " project type", "project-type", SPEC_PLAIN, NULL, NULL },
	{ OC_WORKFLOW, " workflow", "workflow", SPEC_WORKFLOW, "WorkflowPlane", NULL },
	{ OC_CLUSTERCOMPONENTTYPE, " cluster component type", "cluster-component-type",
	  SPEC_COMPONENT_TYPE, "ClusterWorkflow", "ClusterTrait" },
	{ OC_CLUSTERTRAIT, " cluster trait", "cluster-trait-type", SPEC_PLAIN, NULL, NULL },
	{ OC_CLUSTERRESOURCETYPE, " cluster resource type", "cluster-resource-type",
	  SPEC_RESOURCE_TYPE, NULL, NULL },
	{ OC_CLUSTERPROJECTTYPE, " cluster project type", "cluster-project-type", SPEC_PLAIN,
	  NULL, NULL },
	{ OC_CLUSTERWORKFLOW, " cluster workflow", "cluster-workflow", SPEC_WORKFLOW,
	  "ClusterWorkflowPlane", NULL },
};

static const struct type_row *row_of(enum oc_kind kind)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].kind == kind)
			return &rows[i];
	return NULL;
}

/* ---- allowedWorkflows / allowedTraits (§2.11) ---------------------------- */

/* Whether "Kind:" of a "Kind:name" string is one of `kinds` (NULL-terminated). */
static bool known_prefix(const char *s, size_t n, const char *const *kinds)
{
	for (; *kinds != NULL; kinds++)
		if (strlen(*kinds) == n && strncmp(s, *kinds, n) == 0)
			return true;
	return false;
}

/* One element as {kind, name}, or NULL when its name is empty. */
static json_t *allowed_one(const json_t *el, const char *dflt, const char *const *kinds)
{
	json_t *out;

	if (json_is_string(el)) {
		const char *s = json_string_value(el), *colon = strchr(s, ':');

		if (colon != NULL && known_prefix(s, (size_t)(colon - s), kinds)) {
			if (colon[1] == '\0')
				return NULL;
			return json_pack("{s:s%,s:s}", "kind", s, (size_t)(colon - s),
					 "name", colon + 1);
		}
		return *s != '\0' ? json_pack("{s:s,s:s}", "kind", dflt, "name", s) : NULL;
	}
	if (oc_nonempty(el, "name") == NULL)
		return NULL;
	out = json_object();
	if (json_object_get(el, "kind") == NULL || json_is_null(json_object_get(el, "kind")))
		oc_put(out, "kind", dflt);
	else
		oc_copy(out, "kind", json_object_get(el, "kind"));
	oc_copy(out, "name", json_object_get(el, "name"));
	return out;
}

static void put_allowed(json_t *spec, const struct oc_src *s, const char *key,
			const char *dflt, const char *const *kinds)
{
	const json_t *in = oc_at(oc_at(s->item, "spec"), key);
	const json_t *el;
	json_t *out;
	size_t i;

	if (!json_is_array(in))
		return;
	out = json_array();
	json_array_foreach(in, i, el) {
		json_t *one = allowed_one(el, dflt, kinds);

		if (one != NULL)
			json_array_append_new(out, one);
	}
	json_object_set_new(spec, key, out);
}

static void component_type_spec(json_t *spec, const struct type_row *r,
				const struct oc_src *s)
{
	static const char *const workflows[] = { "ComponentWorkflow", "Workflow",
						 "ClusterWorkflow", NULL };
	static const char *const traits[] = { "Trait", "ClusterTrait", NULL };
	const json_t *wt = oc_at(s->item, "spec.workloadType");

	if (s->cluster && wt == NULL)
		oc_put(spec, "workloadType", "deployment");
	else
		oc_copy(spec, "workloadType", wt);
	put_allowed(spec, s, "allowedWorkflows", r->workflow_kind, workflows);
	put_allowed(spec, s, "allowedTraits", r->trait_kind, traits);
}

/* ---- Workflow (§2.13) --------------------------------------------------- */

static const char *const param_marks[][2] = {
	{ "x-openchoreo-component-parameter-repository-url", "repoUrl" },
	{ "x-openchoreo-component-parameter-repository-branch", "branch" },
	{ "x-openchoreo-component-parameter-repository-commit", "commit" },
	{ "x-openchoreo-component-parameter-repository-app-path", "appPath" },
	{ "x-openchoreo-component-parameter-repository-secret-ref", "secretRef" },
};

/* Depth-first over properties: found[key] = path of each marked property. */
static void walk_params(const json_t *props, const char *path, json_t *found, int depth)
{
	const char *prop;
	const json_t *v;

	if (depth > WF_SCHEMA_DEPTH)
		return;
	json_object_foreach((json_t *)props, prop, v) {
		char *here = sh_xasprintf("%s.%s", path, prop);

		for (size_t i = 0; i < sizeof(param_marks) / sizeof(param_marks[0]); i++)
			if (json_is_true(json_object_get(v, param_marks[i][0])))
				oc_put(found, param_marks[i][1], here);
		walk_params(json_object_get(v, "properties"), here, found, depth + 1);
		free(here);
	}
}

/* The "key: path" lines of the workflow's parameter schema (malloc'd), or NULL. */
static char *workflow_parameters(const json_t *item)
{
	const json_t *schema = oc_at(item, "spec.parameters.openAPIV3Schema");
	json_t *found = json_object();
	struct sh_buf b;
	const char *key;
	const json_t *path;

	if (schema == NULL)
		schema = oc_at(item, "spec.schema.parameters.openAPIV3Schema");
	if (schema == NULL)
		schema = oc_at(item, "spec.parameters.ocSchema");
	walk_params(json_object_get(schema, "properties"), "parameters", found, 0);
	sh_buf_init(&b, WF_PARAMS_MAX);
	json_object_foreach(found, key, path)
		sh_buf_printf(&b, "%s%s: %s", b.len ? "\n" : "", key, json_string_value(path));
	json_decref(found);
	return sh_buf_take(&b, NULL);
}

static void workflow_annotations(json_t *ann, const struct oc_src *s)
{
	char *params = workflow_parameters(s->item);

	oc_put_opt(ann, "openchoreo.dev/component-workflow-parameters", params);
	free(params);
	oc_put_deletion(ann, s);
	oc_put_opt(ann, "openchoreo.io/workflow-plane-ref", oc_str(s->item, "spec.workflowPlaneRef.name"));
	oc_put_opt(ann, "openchoreo.io/workflow-plane-ref-kind",
		   oc_str(s->item, "spec.workflowPlaneRef.kind"));
}

static void workflow_spec(json_t *spec, const struct type_row *r, const struct oc_src *s)
{
	/* the label key has dots, so no oc_at path reaches it */
	const char *type = json_string_value(json_object_get(oc_at(s->item, "metadata.labels"),
							     "openchoreo.dev/workflow-type"));
	const char *plane = oc_nonempty(s->item, "spec.workflowPlaneRef.name");

	oc_put(spec, "type", type != NULL && strcmp(type, "component") == 0 ? "CI" : "Generic");
	if (plane != NULL) {
		const char *kind = oc_nonempty(s->item, "spec.workflowPlaneRef.kind");

		oc_put(spec, "workflowPlaneRef", plane);
		oc_put(spec, "workflowPlaneRefKind", kind ? kind : r->workflow_kind);
	}
	oc_put_opt(spec, "ttlAfterCompletion", oc_str(s->item, "spec.ttlAfterCompletion"));
}

/* ---- the types ---------------------------------------------------------- */

static json_t *type_tags(const struct type_row *r, const struct oc_src *s)
{
	const char *wt = oc_nonempty(s->item, "spec.workloadType");

	if (r->spec == SPEC_COMPONENT_TYPE && wt != NULL)
		return oc_tags("openchoreo", r->tag, wt, "platform-engineering", NULL);
	return oc_tags("openchoreo", r->tag, "platform-engineering", NULL);
}

json_t *oc_tr_type(const struct oc_src *s)
{
	const struct type_row *r = row_of(s->kind);
	json_t *meta = oc_meta(s, "nstd", oc_description(s, "", r->noun), type_tags(r, s));
	json_t *ann = oc_annotations_new();
	json_t *spec = json_object();

	oc_put_namespace(ann, s);
	oc_put_created(ann, s, true);
	if (r->spec == SPEC_WORKFLOW)
		workflow_annotations(ann, s);
	else
		oc_put_deletion(ann, s);
	oc_put_domain(spec, s);
	if (r->spec == SPEC_COMPONENT_TYPE)
		component_type_spec(spec, r, s);
	else if (r->spec == SPEC_RESOURCE_TYPE)
		oc_put(spec, "retainPolicy", oc_nonempty(s->item, "spec.retainPolicy")
			? oc_str(s->item, "spec.retainPolicy") : "Delete");
	else if (r->spec == SPEC_WORKFLOW)
		workflow_spec(spec, r, s);
	return oc_entity(oc_kinds[s->kind].entity_kind, meta, ann, oc_labels_new(NULL), spec);
}

/* ---- Resource (§2.16) ---------------------------------------------------- */

json_t *oc_tr_resource(const struct oc_src *s)
{
	const char *type = oc_str_or(s->item, "spec.type.name", "");
	const char *project = oc_str_or(s->item, "spec.owner.projectName", "");
	const char *tkind = oc_nonempty(s->item, "spec.type.kind");
	const json_t *params = oc_at(s->item, "spec.parameters");
	json_t *meta = oc_meta(s, "nstd", oc_description(s, "", " resource"),
			       oc_tags("openchoreo", "resource", type, NULL));
	json_t *ann = oc_annotations_new();
	json_t *spec = json_object();

	oc_put_namespace(ann, s);
	oc_put(ann, "openchoreo.io/project", project);
	oc_put(ann, "openchoreo.io/resource", s->name);
	oc_put_opt(ann, "openchoreo.io/resource-uid", oc_str(s->item, "metadata.uid"));
	oc_put(ann, "openchoreo.io/resource-type", type);
	oc_put(ann, "openchoreo.io/resource-type-kind", tkind ? tkind : "ResourceType");
	oc_put_created(ann, s, true);
	oc_put_deletion(ann, s);
	oc_put(spec, "type", type);
	oc_put(spec, "owner", s->ctx->default_owner);
	oc_put(spec, "system", project);
	if (json_is_object(params) && json_object_size(params) > 0)
		oc_copy(spec, "parameters", params);
	return oc_entity("Resource", meta, ann, oc_labels_new(NULL), spec);
}
