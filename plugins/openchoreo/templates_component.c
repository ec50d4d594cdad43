/*
 * The Component template of a (Cluster)ComponentType (spec §2.18): its
 * form, the allowed workflows and traits it offers, and its annotations.
 * The form is the spec's example with its variable parts as placeholders.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "templates.h"

static const char component_form[] =
	OC_FORM_HEAD("Component")
	" \"parameters\": ["
	"  {"
	"   \"title\": \"Component Metadata\","
	"   \"required\": [\"project_namespace\", \"component_name\"],"
	"   \"properties\": {"
	OC_FORM_PROJECT_NAMESPACE
	"    \"component_name\": {"
	"     \"title\": \"Component Name\","
	"     \"type\": \"string\","
	"     \"description\": \"Unique name for your component\","
	"     \"ui:field\": \"ComponentNamePicker\""
	"    },"
	"    \"displayName\": {"
	"     \"title\": \"Display Name\","
	"     \"type\": \"string\","
	"     \"description\": \"Human-readable display name\""
	"    },"
	"    \"description\": {"
	"     \"title\": \"Description\","
	"     \"type\": \"string\","
	"     \"description\": \"Brief description of what this component does\""
	"    }"
	"   }"
	"  },"
	"  {"
	"   \"title\": \"Build & Deploy\","
	"   \"required\": [\"buildAndDeploy\"],"
	"   \"properties\": {"
	"    \"buildAndDeploy\": {"
	"     \"type\": \"object\","
	"     \"ui:field\": \"BuildAndDeployField\","
	"     \"required\": [\"deploymentSource\"],"
	"     \"properties\": {"
	"      \"deploymentSource\": {"
	"       \"title\": \"Deployment Source\","
	"       \"type\": \"string\","
	"       \"description\": \"Choose how to deploy your component\","
	"       \"enum\": [\"build-from-source\", \"deploy-from-image\", \"external-ci\"],"
	"       \"ui:field\": \"DeploymentSourcePicker\""
	"      },"
	"      \"workflow_name\": {"
	"       \"title\": \"Build Workflow\","
	"       \"type\": \"object\","
	"       \"description\": \"Select the build workflow to use for this component\","
	"       \"properties\": {"
	"        \"kind\": {\"title\": \"Workflow Kind\", \"type\": \"string\"},"
	"        \"name\": {\"title\": \"Workflow Name\", \"type\": \"string\"}"
	"       },"
	"       \"required\": [\"kind\", \"name\"],"
	"       \"ui:field\": \"BuildWorkflowPicker\","
	"       \"ui:options\": {"
	"        \"namespaceName\": \"@NS@\","
	"        \"ctdKind\": \"@KIND@\","
	"        \"allowedWorkflows\": \"@WORKFLOWS@\""
	"       }"
	"      },"
	"      \"git_source\": {"
	"       \"title\": \"Source Repository\","
	"       \"type\": \"object\","
	"       \"ui:field\": \"GitSourceField\","
	"       \"ui:options\": {\"namespaceName\": \"@NS@\"},"
	"       \"properties\": {"
	"        \"repo_url\": {\"type\": \"string\"},"
	"        \"branch\": {\"type\": \"string\"},"
	"        \"component_path\": {\"type\": \"string\"},"
	"        \"git_secret_ref\": {\"type\": \"string\"}"
	"       }"
	"      },"
	"      \"workflow_parameters\": {"
	"       \"title\": \"Workflow Parameters\","
	"       \"type\": \"object\","
	"       \"ui:field\": \"BuildWorkflowParameters\","
	"       \"ui:options\": {\"namespaceName\": \"@NS@\", \"ctdKind\": \"@KIND@\"}"
	"      },"
	"      \"containerImage\": {"
	"       \"title\": \"Container Image\","
	"       \"type\": \"string\","
	"       \"description\": \"Full image reference (e.g., ghcr.io/org/app:v1.0.0 or nginx:latest)\","
	"       \"ui:field\": \"ContainerImageField\""
	"      },"
	"      \"autoDeploy\": {"
	"       \"title\": \"Auto Deploy\","
	"       \"description\": \"Automatically deploys the component to the first target environment once built\","
	"       \"type\": \"boolean\","
	"       \"default\": false,"
	"       \"ui:field\": \"SwitchField\""
	"      },"
	"      \"ciPlatform\": {"
	"       \"title\": \"CI Platform (Optional)\","
	"       \"type\": \"string\","
	"       \"description\": \"Select your CI platform to enable build visibility in Backstage. You can configure this later via the annotation editor.\","
	"       \"enum\": [\"none\", \"jenkins\", \"github-actions\", \"gitlab-ci\"],"
	"       \"enumNames\": ["
	"        \"Skip - I'll configure this later\","
	"        \"Jenkins\","
	"        \"GitHub Actions\","
	"        \"GitLab CI\""
	"       ],"
	"       \"default\": \"none\""
	"      },"
	"      \"ciIdentifier\": {"
	"       \"title\": \"CI Job / Project Identifier\","
	"       \"type\": \"string\","
	"       \"description\": \"Identifier for the external CI job (e.g., Jenkins job full name such as `my-folder/my-job`, GitHub repo slug, or GitLab project ID).\""
	"      }"
	"     }"
	"    }"
	"   }"
	"  },"
	"  {"
	"   \"title\": \"@TITLE@ Details\","
	"   \"properties\": {"
	"    \"workloadDetails\": {"
	"     \"title\": \"Workload Details\","
	"     \"type\": \"object\","
	"     \"ui:field\": \"WorkloadDetailsField\","
	"     \"ui:options\": {"
	"      \"namespaceName\": \"@NS@\","
	"      \"workloadType\": \"@WORKLOAD@\","
	"      \"ctdSchema\": \"@SCHEMA@\","
	"      \"ctdDisplayName\": \"@TITLE@\","
	"      \"allowedTraits\": \"@TRAITS@\""
	"     }"
	"    }"
	"   }"
	"  }"
	" ],"
	" \"steps\": ["
	OC_FORM_STEP("create-component", "Create OpenChoreo Component", "openchoreo:component:create")
	"   \"input\": {"
	"    \"namespaceName\": \"${{ parameters.project_namespace.namespace_name }}\","
	"    \"projectName\": \"${{ parameters.project_namespace.project_name }}\","
	"    \"componentName\": \"${{ parameters.component_name }}\","
	"    \"displayName\": \"${{ parameters.displayName }}\","
	"    \"description\": \"${{ parameters.description }}\","
	"    \"componentType\": \"@NAME@\","
	"    \"component_type_workload_type\": \"@WORKLOAD@\","
	"    \"component_type_kind\": \"@KIND@\","
	"    \"workloadDetails\": \"${{ parameters.workloadDetails }}\","
	"    \"deploymentSource\": \"${{ parameters.buildAndDeploy.deploymentSource }}\","
	"    \"autoDeploy\": \"${{ parameters.buildAndDeploy.autoDeploy }}\","
	"    \"containerImage\": \"${{ parameters.buildAndDeploy.containerImage }}\","
	"    \"repo_url\": \"${{ parameters.buildAndDeploy.git_source.repo_url }}\","
	"    \"branch\": \"${{ parameters.buildAndDeploy.git_source.branch }}\","
	"    \"component_path\": \"${{ parameters.buildAndDeploy.git_source.component_path }}\","
	"    \"gitSecretRef\": \"${{ parameters.buildAndDeploy.git_source.git_secret_ref }}\","
	"    \"workflow\": \"${{ parameters.buildAndDeploy.workflow_name }}\","
	"    \"workflow_parameters\": \"${{ parameters.buildAndDeploy.workflow_parameters }}\","
	"    \"ciPlatform\": \"${{ parameters.buildAndDeploy.ciPlatform }}\","
	"    \"ciIdentifier\": \"${{ parameters.buildAndDeploy.ciIdentifier }}\""
	OC_FORM_OUTPUT_LINK("View Component", "kind:component",
			    "component:${{ steps['create-component'].output.namespaceName }}/${{ steps['create-component'].output.componentName }}")
	"  ]"
	" }"
	"}";

static json_t *ref(const char *kind, json_t *name)
{
	json_t *r = json_object();

	json_object_set_new(r, "kind", json_string(kind));
	if (name)
		json_object_set(r, "name", name);
	return r;
}

/* One allowedWorkflows entry of a ComponentType: a name is {Workflow,
 * name}, an object keeps its kind (Workflow when absent or null); entries
 * without a name are dropped (NULL). */
static json_t *ct_workflow(json_t *w)
{
	json_t *name = json_object_get(w, "name");
	json_t *kind = json_object_get(w, "kind");
	json_t *r;

	if (json_is_string(w) && json_string_length(w) > 0)
		return ref("Workflow", w);
	if (!json_is_object(w) || !oc_tmpl_truthy(name))
		return NULL;
	r = ref("Workflow", name);
	if (kind && !json_is_null(kind))
		json_object_set(r, "kind", kind);
	return r;
}

/* The workflow picker's allowedWorkflows: a ComponentType's entries as
 * ct_workflow makes them; a ClusterComponentType's names as ClusterWorkflow
 * (the provider hands the generator only the names); [] when absent. */
static json_t *workflows(const struct oc_tmpl *t, const json_t *spec, char *err, size_t errlen)
{
	json_t *list = json_object_get(spec, "allowedWorkflows");
	json_t *out = json_array();
	json_t *w;
	size_t i;

	if (list && !json_is_null(list) && !json_is_array(list)) {
		snprintf(err, errlen, "%s %s: spec.allowedWorkflows is not a list", t->type_kind,
			 t->name);
		json_decref(out);
		return NULL;
	}
	json_array_foreach(list, i, w) {
		json_t *name = json_object_get(w, "name");

		json_t *r = t->kind == OC_COMPONENTTYPE ? ct_workflow(w) : NULL;

		if (r)
			json_array_append_new(out, r);
		else if (t->kind == OC_COMPONENTTYPE)
			continue;
		else if (json_is_null(w))
			break;
		else if (json_is_string(name) && json_string_length(name) > 0)
			json_array_append_new(out, ref("ClusterWorkflow", name));
	}
	if (i < json_array_size(list)) {
		snprintf(err, errlen, "%s %s: null in spec.allowedWorkflows", t->type_kind, t->name);
		json_decref(out);
		return NULL;
	}
	return out;
}

/*
 * The workload details' allowedTraits: a ComponentType's spec.allowedTraits
 * as they are; a ClusterComponentType's as {kind: ClusterTrait, name}.
 * 0 with *out NULL when absent (the key is then omitted), -1 with err set.
 */
static int traits(const struct oc_tmpl *t, const json_t *spec, json_t **out, char *err,
		  size_t errlen)
{
	json_t *list = json_object_get(spec, "allowedTraits");
	json_t *e;
	size_t i;

	*out = NULL;
	if (t->kind == OC_COMPONENTTYPE) {
		*out = list ? json_deep_copy(list) : NULL;
		return 0;
	}
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list)) {
		snprintf(err, errlen, "%s %s: spec.allowedTraits is not a list", t->type_kind,
			 t->name);
		return -1;
	}
	*out = json_array();
	json_array_foreach(list, i, e) {
		if (json_is_null(e)) {
			snprintf(err, errlen, "%s %s: null in spec.allowedTraits", t->type_kind,
				 t->name);
			json_decref(*out);
			*out = NULL;
			return -1;
		}
		json_array_append_new(*out, ref("ClusterTrait", json_object_get(e, "name")));
	}
	return 0;
}

json_t *oc_tmpl_component(const struct oc_tmpl *t, const json_t *item, const json_t *schema,
			  char *err, size_t errlen)
{
	const json_t *spec = json_object_get(item, "spec");
	const json_t *wt = json_object_get(spec, "workloadType");
	struct oc_tmpl_form form = { component_form, "ctd", "component",
				     t->kind == OC_CLUSTERCOMPONENTTYPE };
	struct oc_tmpl ct = *t;
	struct oc_tmpl_slot slots[] = {
		{ "@WORKFLOWS@", NULL },
		{ "@TRAITS@", NULL },
		{ "@SCHEMA@", schema ? json_deep_copy(schema) : NULL },
	};

	if (wt && !json_is_null(wt) && !json_is_string(wt)) {
		snprintf(err, errlen, "%s %s: spec.workloadType is not a string", t->type_kind,
			 t->name);
		json_decref(slots[2].value);
		return NULL;
	}
	ct.workload = json_is_string(wt) ? json_string_value(wt) : "deployment";
	slots[0].value = workflows(t, spec, err, errlen);
	if (!slots[0].value || traits(t, spec, &slots[1].value, err, errlen) != 0) {
		for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
			json_decref(slots[i].value);
		return NULL;
	}
	return oc_tmpl_build(&ct, &form, slots, sizeof slots / sizeof slots[0], err, errlen);
}
