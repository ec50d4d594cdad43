/*
 * The Project template of a (Cluster)ProjectType (spec §2.18): the spec's
 * example form with its variable parts as placeholders; the parameters
 * schema is the type's own spec.parameters.openAPIV3Schema (no /schema
 * call), and only a namespaced type's form defaults the namespace picker.
 */
#include "templates.h"

static const char project_form[] =
	OC_FORM_HEAD("Project")
	" \"parameters\": ["
	"  {"
	"   \"title\": \"Project Metadata\","
	"   \"required\": [\"namespace_name\", \"project_name\", \"deployment_pipeline\"],"
	"   \"properties\": {"
	"    \"namespace_name\": {"
	"     \"title\": \"Namespace\","
	"     \"type\": \"string\","
	"     \"description\": \"Namespace where the project will be created\","
	"     \"ui:field\": \"NamespaceEntityPicker\","
	"     \"default\": \"@NSREF@\""
	"    },"
	"    \"project_name\": {"
	"     \"title\": \"Project Name\","
	"     \"type\": \"string\","
	"     \"description\": \"Unique name for your project (must be a valid Kubernetes name)\","
	"     \"ui:field\": \"ResourceNamePicker\","
	"     \"ui:options\": {"
	"      \"catalogKind\": \"System\","
	"      \"resourceLabel\": \"Project\","
	"      \"namespaceField\": \"namespace_name\""
	"     }"
	"    },"
	"    \"displayName\": {"
	"     \"title\": \"Display Name\","
	"     \"type\": \"string\","
	"     \"description\": \"A human-readable display name for the Project\""
	"    },"
	"    \"description\": {"
	"     \"title\": \"Description\","
	"     \"type\": \"string\","
	"     \"description\": \"Describe what this Project is for\""
	"    },"
	"    \"deployment_pipeline\": {"
	"     \"title\": \"Deployment Pipeline\","
	"     \"type\": \"string\","
	"     \"description\": \"Deployment pipeline to associate with this project\","
	"     \"ui:field\": \"DeploymentPipelinePicker\""
	"    },"
	"    \"auto_deploy\": {"
	"     \"title\": \"Auto Deploy\","
	"     \"type\": \"boolean\","
	"     \"description\": \"Automatically deploys the project to all environments in the deployment pipeline once created\","
	"     \"default\": true,"
	"     \"ui:field\": \"SwitchField\","
	"     \"ui:options\": {"
	"      \"offWarning\": \"The project will not be deployed to any environment. You will need to deploy it manually from the project\\u2019s Deploy tab before you can deploy components.\""
	"     }"
	"    }"
	"   }"
	"  },"
	OC_FORM_TYPE_DETAILS("ProjectParametersField", "ptd")
	" ],"
	" \"steps\": ["
	OC_FORM_STEP("create-project", "Create OpenChoreo Project", "openchoreo:project:create")
	"   \"input\": {"
	"    \"namespaceName\": \"${{ parameters.namespace_name }}\","
	"    \"projectName\": \"${{ parameters.project_name }}\","
	"    \"displayName\": \"${{ parameters.displayName }}\","
	"    \"description\": \"${{ parameters.description }}\","
	"    \"deploymentPipeline\": \"${{ parameters.deployment_pipeline }}\","
	"    \"autoDeploy\": \"${{ parameters.auto_deploy }}\","
	"    \"typeKind\": \"@KIND@\","
	"    \"typeName\": \"@NAME@\","
	"    \"parameters\": \"${{ parameters.parameters }}\""
	OC_FORM_OUTPUT_LINK("View Project", "kind:system",
			    "system:${{ steps['create-project'].output.namespaceName }}/${{ steps['create-project'].output.projectName }}")
	"  ],"
	"  \"text\": ["
	"   {"
	"    \"if\": \"${{ steps['create-project'].output.autoDeployFailed }}\","
	"    \"icon\": \"warning\","
	"    \"content\": \"Auto Deploy could not create release binding(s) for **${{ steps['create-project'].output.failedEnvironments }}**. The project was created successfully, but it will not be deployed automatically \\u2014 deploy it manually from the project's **Deploy** tab.\""
	"   }"
	"  ]"
	" }"
	"}";

json_t *oc_tmpl_project(const struct oc_tmpl *t, const json_t *item, char *err, size_t errlen)
{
	static const struct oc_tmpl_form form = { project_form, "ptd", "project", true };
	const json_t *schema = json_object_get(
		json_object_get(json_object_get(item, "spec"), "parameters"), "openAPIV3Schema");
	struct oc_tmpl_slot slots[] = {
		{ "@NSREF@", t->kind == OC_CLUSTERPROJECTTYPE
				     ? NULL : json_sprintf("domain:default/%s", t->entity_ns) },
		{ "@SCHEMA@", oc_tmpl_truthy(schema) ? json_deep_copy(schema) : NULL },
	};

	return oc_tmpl_build(t, &form, slots, 2, err, errlen);
}
