/*
 * The Resource template of a (Cluster)ResourceType (spec §2.18): the
 * spec's example form with its variable parts as placeholders; the type's
 * parameters schema is the answer of its /schema call.
 */
#include "templates.h"

static const char resource_form[] =
	OC_FORM_HEAD("Resource")
	" \"parameters\": ["
	"  {"
	"   \"title\": \"Resource Metadata\","
	"   \"required\": [\"project_namespace\", \"resource_name\"],"
	"   \"properties\": {"
	OC_FORM_PROJECT_NAMESPACE
	"    \"resource_name\": {"
	"     \"title\": \"Resource Name\","
	"     \"type\": \"string\","
	"     \"description\": \"Unique name for your Resource (must be a valid Kubernetes name)\","
	"     \"ui:field\": \"ResourceNamePicker\","
	"     \"ui:options\": {"
	"      \"catalogKind\": \"Resource\","
	"      \"resourceLabel\": \"Resource\","
	"      \"namespaceField\": \"project_namespace.namespace_name\""
	"     }"
	"    },"
	"    \"displayName\": {"
	"     \"title\": \"Display Name\","
	"     \"type\": \"string\","
	"     \"description\": \"A human-readable display name for the Resource\""
	"    },"
	"    \"description\": {"
	"     \"title\": \"Description\","
	"     \"type\": \"string\","
	"     \"description\": \"Describe what this Resource is for\""
	"    }"
	"   }"
	"  },"
	OC_FORM_TYPE_DETAILS("ResourceParametersField", "rtd")
	" ],"
	" \"steps\": ["
	OC_FORM_STEP("create-resource", "Create OpenChoreo Resource", "openchoreo:resource:create")
	"   \"input\": {"
	"    \"namespaceName\": \"${{ parameters.project_namespace.namespace_name }}\","
	"    \"projectName\": \"${{ parameters.project_namespace.project_name }}\","
	"    \"resourceName\": \"${{ parameters.resource_name }}\","
	"    \"displayName\": \"${{ parameters.displayName }}\","
	"    \"description\": \"${{ parameters.description }}\","
	"    \"typeKind\": \"@KIND@\","
	"    \"typeName\": \"@NAME@\","
	"    \"parameters\": \"${{ parameters.parameters }}\""
	OC_FORM_OUTPUT_LINK("View Resource", "kind:resource",
			    "resource:${{ steps['create-resource'].output.namespaceName }}/${{ steps['create-resource'].output.resourceName }}")
	"  ]"
	" }"
	"}";

json_t *oc_tmpl_resource(const struct oc_tmpl *t, const json_t *schema, char *err,
			 size_t errlen)
{
	static const struct oc_tmpl_form form = { resource_form, "rtd", "resource", true };
	struct oc_tmpl_slot slots[] = {
		{ "@SCHEMA@", schema ? json_deep_copy(schema) : NULL },
	};

	return oc_tmpl_build(t, &form, slots, 1, err, errlen);
}
