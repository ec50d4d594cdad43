/*
 * The Resource template of a (Cluster)ResourceType (spec §2.18): the
 * spec's example form with its variable parts as placeholders; the type's
 * parameters schema is the answer of its /schema call.
 */
#include "templates.h"

static const char resource_form[] =
	"{"
	" \"owner\": \"@OWNER@\","
	" \"type\": \"Resource\","
	" \"EXPERIMENTAL_formDecorators\": [{\"id\": \"openchoreo:inject-user-token\"}],"
	" \"parameters\": ["
	"  {"
	"   \"title\": \"Resource Metadata\","
	"   \"required\": [\"project_namespace\", \"resource_name\"],"
	"   \"properties\": {"
	"    \"project_namespace\": {"
	"     \"title\": \"Project & Namespace\","
	"     \"type\": \"object\","
	"     \"ui:field\": \"ProjectNamespaceField\","
	"     \"ui:options\": {\"defaultNamespace\": \"@NS@\"},"
	"     \"properties\": {\"project_name\": {\"type\": \"string\"}, \"namespace_name\": {\"type\": \"string\"}},"
	"     \"required\": [\"project_name\", \"namespace_name\"]"
	"    },"
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
	"  {"
	"   \"title\": \"@TITLE@ Details\","
	"   \"properties\": {"
	"    \"parameters\": {"
	"     \"title\": \"Parameters\","
	"     \"type\": \"object\","
	"     \"ui:field\": \"ResourceParametersField\","
	"     \"ui:options\": {"
	"      \"rtdName\": \"@NAME@\","
	"      \"rtdKind\": \"@KIND@\","
	"      \"rtdDisplayName\": \"@TITLE@\","
	"      \"rtdSchema\": \"@SCHEMA@\""
	"     }"
	"    }"
	"   }"
	"  }"
	" ],"
	" \"steps\": ["
	"  {"
	"   \"id\": \"create-resource\","
	"   \"name\": \"Create OpenChoreo Resource\","
	"   \"action\": \"openchoreo:resource:create\","
	"   \"input\": {"
	"    \"namespaceName\": \"${{ parameters.project_namespace.namespace_name }}\","
	"    \"projectName\": \"${{ parameters.project_namespace.project_name }}\","
	"    \"resourceName\": \"${{ parameters.resource_name }}\","
	"    \"displayName\": \"${{ parameters.displayName }}\","
	"    \"description\": \"${{ parameters.description }}\","
	"    \"typeKind\": \"@KIND@\","
	"    \"typeName\": \"@NAME@\","
	"    \"parameters\": \"${{ parameters.parameters }}\""
	"   }"
	"  }"
	" ],"
	" \"output\": {"
	"  \"links\": ["
	"   {"
	"    \"title\": \"View Resource\","
	"    \"icon\": \"kind:resource\","
	"    \"entityRef\": \"resource:${{ steps['create-resource'].output.namespaceName }}/${{ steps['create-resource'].output.resourceName }}\""
	"   }"
	"  ]"
	" }"
	"}";

json_t *oc_tmpl_resource(const struct oc_tmpl *t, const json_t *schema, char *err,
			 size_t errlen)
{
	struct oc_tmpl_slot slots[] = {
		{ "@SCHEMA@", schema ? json_deep_copy(schema) : NULL },
	};
	json_t *form = oc_tmpl_spec(resource_form, t, slots, 1, err, errlen);
	json_t *a;

	if (!form)
		return NULL;
	a = json_object();
	json_object_set_new(a, "openchoreo.io/rtd-name", json_string(t->name));
	json_object_set_new(a, "openchoreo.io/rtd-generated", json_string("true"));
	json_object_set_new(a, "openchoreo.io/rtd-kind", json_string(t->type_kind));
	return oc_tmpl_entity(t, "template-resource-", "resource", a,
			      "openchoreo.io/rtd-display-name", form);
}
