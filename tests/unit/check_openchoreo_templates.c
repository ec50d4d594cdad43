/*
 * plugins/openchoreo/templates*.c: the generated scaffolder Templates of
 * spec §2.18.  Every example of the spec, key order included, from the
 * fixture world (tests/data/upstream/openchoreo/) and the spec's synthetic
 * inputs (tests/data/openchoreo/input/ and templates/), against
 * tests/data/openchoreo/expected/template.* (extract_templates.py writes
 * those from the spec); then the rules the examples do not show.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../plugins/openchoreo/openchoreo.h"
#include "../../plugins/openchoreo/templates.h"

static const struct oc_ctx ctx = { "oracle", "group:default/openchoreo-users" };

static json_t *data(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	json_error_t err;
	json_t *v;

	snprintf(path, sizeof path, "%s/tests/data/%s", top ? top : ".", rel);
	v = json_load_file(path, 0, &err);
	ck_assert_msg(v != NULL, "%s: %s (set top_srcdir)", path, err.text);
	return v;
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);

	ck_assert_msg(v != NULL, "%s: %s", text, err.text);
	return v;
}

/* The value at a dotted path; numeric segments index arrays. */
static const json_t *at(const json_t *v, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof buf, "%s", path);
	for (char *seg = strtok_r(buf, ".", &save); seg && v; seg = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(seg, NULL, 10))
				     : json_object_get(v, seg);
	return v;
}

static const char *annotation(const json_t *t, const char *key)
{
	return json_string_value(json_object_get(at(t, "metadata.annotations"), key));
}

static const char *str_at(const json_t *v, const char *path)
{
	const char *s = json_string_value(at(v, path));

	ck_assert_msg(s != NULL, "no string at %s", path);
	return s;
}

/* Same JSON, same key order. */
static void assert_same(const json_t *got, const json_t *want)
{
	char *g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	char *w = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	ck_assert_str_eq(g, w);
	free(g);
	free(w);
}

static json_t *make(enum oc_kind kind, const json_t *item, const json_t *schema)
{
	char err[256] = "";
	json_t *t = oc_template(kind, &ctx, item, schema, err, sizeof err);

	ck_assert_msg(t != NULL, "no template: %s", err);
	return t;
}

/* oc_template(kind, item, schema) equals expected/<expected>. */
static void check_example(enum oc_kind kind, json_t *item, json_t *schema, const char *expected)
{
	char rel[256];
	json_t *want, *got = make(kind, item, schema);

	snprintf(rel, sizeof rel, "openchoreo/expected/%s", expected);
	want = data(rel);
	assert_same(got, want);
	json_decref(got);
	json_decref(want);
	json_decref(item);
	json_decref(schema);
}

static json_t *fixture_ct(size_t i)
{
	json_t *list = data("upstream/openchoreo/componenttypes.oracle.json");
	json_t *ct = json_incref(json_array_get(json_object_get(list, "items"), i));

	json_decref(list);
	return ct;
}

/* ---- the spec's examples ------------------------------------------------ */

START_TEST(test_component_service)
{
	check_example(OC_COMPONENTTYPE, fixture_ct(0),
		      data("upstream/openchoreo/componenttype-schema.oracle.service.json"),
		      "template.service.json");
}
END_TEST

START_TEST(test_component_web_application)
{
	check_example(OC_COMPONENTTYPE, fixture_ct(1),
		      data("upstream/openchoreo/componenttype-schema.oracle.web-application.json"),
		      "template.web-application.json");
}
END_TEST

START_TEST(test_component_cluster_worker)
{
	/* the spec's cluster example shows ctdSchema {"properties":{},"type":"object"} */
	check_example(OC_CLUSTERCOMPONENTTYPE, data("openchoreo/input/clustercomponenttype.worker.json"),
		      parse("{\"properties\":{},\"type\":\"object\"}"),
		      "template.worker.cluster.json");
}
END_TEST

START_TEST(test_resource_redis)
{
	check_example(OC_RESOURCETYPE, data("openchoreo/input/resourcetype.redis.json"),
		      data("openchoreo/templates/resourcetype-schema.redis.json"),
		      "template.resource-redis.json");
}
END_TEST

START_TEST(test_resource_cluster)
{
	check_example(OC_CLUSTERRESOURCETYPE, data("openchoreo/templates/clusterresourcetype.redis.json"),
		      data("openchoreo/templates/resourcetype-schema.redis.json"),
		      "template.resource-redis.cluster.json");
}
END_TEST

START_TEST(test_project_standard)
{
	check_example(OC_PROJECTTYPE, data("openchoreo/input/projecttype.standard.json"), NULL,
		      "template.project-standard.json");
}
END_TEST

START_TEST(test_project_cluster)
{
	check_example(OC_CLUSTERPROJECTTYPE, data("openchoreo/templates/clusterprojecttype.standard.json"),
		      NULL, "template.project-standard.cluster.json");
}
END_TEST

/* The byte notes of §2.18: U+2019 in offWarning, U+2014 and an ASCII
 * apostrophe in the output text, as UTF-8 in the serialised entity. */
START_TEST(test_project_bytes)
{
	json_t *pt = data("openchoreo/input/projecttype.standard.json");
	json_t *t = make(OC_PROJECTTYPE, pt, NULL);
	char *s = json_dumps(t, JSON_COMPACT);

	ck_assert_ptr_nonnull(strstr(s, "from the project\xe2\x80\x99s Deploy tab"));
	ck_assert_ptr_nonnull(strstr(s, "automatically \xe2\x80\x94 deploy it manually from the "
					"project's **Deploy** tab."));
	free(s);
	json_decref(t);
	json_decref(pt);
}
END_TEST

/* The spec's other synthetic cluster types (§2.17), as Templates. */
START_TEST(test_spec_cluster_inputs)
{
	json_t *crt = data("openchoreo/input/clusterresourcetype.postgres.json");
	json_t *cpt = data("openchoreo/input/clusterprojecttype.default.json");
	json_t *t = make(OC_CLUSTERRESOURCETYPE, crt, NULL);

	ck_assert_str_eq(str_at(t, "metadata.name"), "template-resource-postgres");
	ck_assert_str_eq(str_at(t, "metadata.namespace"), "openchoreo-cluster");
	ck_assert_str_eq(str_at(t, "metadata.title"), "PostgreSQL");
	ck_assert_str_eq(str_at(t, "metadata.description"), "Create a PostgreSQL resource");
	ck_assert_str_eq(annotation(t, "openchoreo.io/rtd-display-name"), "PostgreSQL");
	ck_assert_str_eq(annotation(t, "openchoreo.io/rtd-kind"), "ClusterResourceType");
	ck_assert_str_eq(str_at(t, "spec.parameters.1.title"), "PostgreSQL Details");
	ck_assert_str_eq(str_at(t, "spec.steps.0.input.typeName"), "postgres");
	json_decref(t);
	t = make(OC_CLUSTERPROJECTTYPE, cpt, NULL);
	ck_assert_str_eq(str_at(t, "metadata.name"), "template-project-default");
	ck_assert_str_eq(str_at(t, "metadata.title"), "Default");
	ck_assert_str_eq(str_at(t, "metadata.description"), "Create a Default project");
	ck_assert_ptr_null(annotation(t, "openchoreo.io/ptd-display-name"));
	ck_assert_ptr_null(at(t, "spec.parameters.0.properties.namespace_name.default"));
	ck_assert_ptr_null(at(t, "spec.parameters.1.properties.parameters.ui:options.ptdSchema"));
	ck_assert_str_eq(str_at(t, "spec.steps.0.input.typeKind"), "ClusterProjectType");
	json_decref(t);
	json_decref(cpt);
	json_decref(crt);
}
END_TEST

/* ---- FormatTitle ------------------------------------------------------- */

START_TEST(test_format_title)
{
	static const char *const cases[][2] = {
		{ "service", "Service" }, { "web-application", "Web Application" },
		{ "a--b", "A  B" }, { "-x", " X" }, { "x-", "X " }, { "", "" },
		{ "9lives-ok", "9lives Ok" }, { "already-Upper", "Already Upper" },
		{ "proxy/http-api", "Proxy/http Api" }, { "a.b_c", "A.b_c" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = oc_format_title(cases[i][0]);

		ck_assert_msg(strcmp(got, cases[i][1]) == 0, "%s -> %s", cases[i][0], got);
		free(got);
	}
}
END_TEST

/* ---- titles, descriptions, display names ------------------------------- */

static json_t *component_type(const char *annotations, const char *spec)
{
	char text[2048];

	snprintf(text, sizeof text,
		 "{\"kind\":\"ComponentType\",\"metadata\":{\"name\":\"http-service\","
		 "\"annotations\":%s},\"spec\":%s}", annotations, spec);
	return parse(text);
}

START_TEST(test_fallbacks)
{
	/* empty annotations count as absent */
	json_t *ct = component_type("{\"openchoreo.dev/display-name\":\"\","
				    "\"openchoreo.dev/description\":\"\"}", "{}");
	json_t *t = make(OC_COMPONENTTYPE, ct, NULL);

	ck_assert_str_eq(str_at(t, "metadata.title"), "Http Service");
	ck_assert_str_eq(str_at(t, "metadata.description"), "Create a Http Service component");
	ck_assert_ptr_null(annotation(t, "openchoreo.io/ctd-display-name"));
	ck_assert_str_eq(str_at(t, "spec.parameters.2.title"), "Http Service Details");
	json_decref(t);
	json_decref(ct);
}
END_TEST

START_TEST(test_display_name)
{
	static const struct {
		enum oc_kind kind;
		const char *key, *noun, *section;
	} kinds[] = {
		{ OC_COMPONENTTYPE, "openchoreo.io/ctd-display-name", "component", "2" },
		{ OC_CLUSTERCOMPONENTTYPE, "openchoreo.io/ctd-display-name", "component", "2" },
		{ OC_RESOURCETYPE, "openchoreo.io/rtd-display-name", "resource", "1" },
		{ OC_CLUSTERRESOURCETYPE, "openchoreo.io/rtd-display-name", "resource", "1" },
		{ OC_PROJECTTYPE, "openchoreo.io/ptd-display-name", "project", "1" },
		{ OC_CLUSTERPROJECTTYPE, "openchoreo.io/ptd-display-name", "project", "1" },
	};
	json_t *ct = component_type("{\"openchoreo.dev/display-name\":\"HTTP Service\"}", "{}");

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		json_t *t = make(kinds[i].kind, ct, NULL);
		json_t *ann = json_object_get(json_object_get(t, "metadata"), "annotations");
		char want[128], path[64];
		void *it = json_object_iter_at(ann, kinds[i].key);

		ck_assert_str_eq(str_at(t, "metadata.title"), "HTTP Service");
		snprintf(want, sizeof want, "Create a HTTP Service %s", kinds[i].noun);
		ck_assert_str_eq(str_at(t, "metadata.description"), want);
		/* the display-name annotation comes right before the managed-by pair */
		ck_assert_ptr_nonnull(it);
		ck_assert_str_eq(json_string_value(json_object_iter_value(it)), "HTTP Service");
		it = json_object_iter_next(ann, it);
		ck_assert_str_eq(json_object_iter_key(it), "backstage.io/managed-by-location");
		snprintf(path, sizeof path, "spec.parameters.%s.title", kinds[i].section);
		ck_assert_str_eq(str_at(t, path), "HTTP Service Details");
		json_decref(t);
	}
	json_decref(ct);
}
END_TEST

START_TEST(test_description_annotation)
{
	json_t *ct = component_type("{\"openchoreo.dev/description\":\"Serves HTTP\"}", "{}");
	json_t *t = make(OC_RESOURCETYPE, ct, NULL);

	ck_assert_str_eq(str_at(t, "metadata.title"), "Http Service");
	ck_assert_str_eq(str_at(t, "metadata.description"), "Serves HTTP");
	json_decref(t);
	json_decref(ct);
}
END_TEST

/* ---- the component form's variable parts ------------------------------- */

#define WD "spec.parameters.2.properties.workloadDetails.ui:options"
#define WF "spec.parameters.1.properties.buildAndDeploy.properties.workflow_name.ui:options"

START_TEST(test_component_defaults)
{
	json_t *ct = component_type("{}", "{}");
	json_t *t = make(OC_COMPONENTTYPE, ct, NULL);
	json_t *keys = json_array();
	json_t *want = parse("[\"namespaceName\",\"workloadType\",\"ctdDisplayName\"]");
	const char *key;
	json_t *v;

	ck_assert_str_eq(annotation(t, "openchoreo.io/workload-type"), "deployment");
	ck_assert_str_eq(str_at(t, WD ".workloadType"), "deployment");
	ck_assert_str_eq(str_at(t, "spec.steps.0.input.component_type_workload_type"),
			 "deployment");
	ck_assert(json_is_array(at(t, WF ".allowedWorkflows")));
	ck_assert_int_eq(json_array_size(at(t, WF ".allowedWorkflows")), 0);
	/* no allowedTraits, no schema: the keys are left out, the rest keeps its order */
	json_object_foreach((json_t *)at(t, WD), key, v)
		json_array_append_new(keys, json_string(key));
	assert_same(keys, want);
	json_decref(keys);
	json_decref(want);
	json_decref(t);
	json_decref(ct);
}
END_TEST

START_TEST(test_component_workload_type)
{
	json_t *ct = component_type("{}", "{\"workloadType\":\"cronjob\",\"allowedTraits\":[]}");
	json_t *t = make(OC_COMPONENTTYPE, ct, NULL);

	ck_assert_str_eq(annotation(t, "openchoreo.io/workload-type"), "cronjob");
	ck_assert_str_eq(str_at(t, WD ".workloadType"), "cronjob");
	ck_assert_str_eq(str_at(t, "spec.steps.0.input.component_type_workload_type"), "cronjob");
	ck_assert_str_eq(str_at(t, "spec.steps.0.input.componentType"), "http-service");
	ck_assert_int_eq(json_array_size(at(t, WD ".allowedTraits")), 0);
	ck_assert(json_is_array(at(t, WD ".allowedTraits")));
	json_decref(t);
	json_decref(ct);
}
END_TEST

START_TEST(test_component_workflows)
{
	json_t *ct = component_type("{}",
		"{\"allowedWorkflows\":[\"wf-a\",{\"name\":\"b\"},"
		"{\"kind\":\"ClusterWorkflow\",\"name\":\"c\"},{\"kind\":null,\"name\":\"d\"},"
		"{\"kind\":\"Workflow\"},{\"name\":\"\"},\"\",null,5],"
		"\"allowedTraits\":[\"raw\",{\"name\":\"t\"}]}");
	json_t *t = make(OC_COMPONENTTYPE, ct, NULL);
	json_t *want = parse("[{\"kind\":\"Workflow\",\"name\":\"wf-a\"},"
			     "{\"kind\":\"Workflow\",\"name\":\"b\"},"
			     "{\"kind\":\"ClusterWorkflow\",\"name\":\"c\"},"
			     "{\"kind\":\"Workflow\",\"name\":\"d\"}]");
	json_t *traits = parse("[\"raw\",{\"name\":\"t\"}]");

	assert_same(at(t, WF ".allowedWorkflows"), want);
	/* a ComponentType's traits go in as they are */
	assert_same(at(t, WD ".allowedTraits"), traits);
	json_decref(traits);
	json_decref(want);
	json_decref(t);
	json_decref(ct);
}
END_TEST

START_TEST(test_cluster_component_lists)
{
	json_t *cct = parse("{\"metadata\":{\"name\":\"job\"},\"spec\":{"
			    "\"allowedWorkflows\":[{\"kind\":\"Workflow\",\"name\":\"x\"},\"str\","
			    "{\"name\":\"\"},{\"kind\":\"ClusterWorkflow\"}],"
			    "\"allowedTraits\":[\"t\",{\"kind\":\"Trait\",\"name\":\"y\"}]}}");
	json_t *t = make(OC_CLUSTERCOMPONENTTYPE, cct, NULL);
	json_t *wf = parse("[{\"kind\":\"ClusterWorkflow\",\"name\":\"x\"}]");
	json_t *tr = parse("[{\"kind\":\"ClusterTrait\"},{\"kind\":\"ClusterTrait\",\"name\":\"y\"}]");

	assert_same(at(t, WF ".allowedWorkflows"), wf);
	assert_same(at(t, WD ".allowedTraits"), tr);
	ck_assert_str_eq(str_at(t, WF ".namespaceName"), "");
	ck_assert_str_eq(str_at(t, "spec.parameters.1.properties.buildAndDeploy.properties."
				   "git_source.ui:options.namespaceName"), "");
	ck_assert_str_eq(str_at(t, "metadata.namespace"), "openchoreo-cluster");
	json_decref(wf);
	json_decref(tr);
	json_decref(t);
	json_decref(cct);
}
END_TEST

/* ---- schemas ----------------------------------------------------------- */

START_TEST(test_schemas)
{
	json_t *rt = data("openchoreo/input/resourcetype.redis.json");
	json_t *pt = parse("{\"metadata\":{\"name\":\"bare\"},\"spec\":{\"parameters\":{}}}");
	json_t *schema = data("openchoreo/templates/resourcetype-schema.redis.json");
	json_t *t = make(OC_RESOURCETYPE, rt, NULL);

	/* no schema body: rtdSchema is left out */
	ck_assert_ptr_null(at(t, "spec.parameters.1.properties.parameters.ui:options.rtdSchema"));
	json_decref(t);
	t = make(OC_PROJECTTYPE, pt, NULL);
	ck_assert_ptr_null(at(t, "spec.parameters.1.properties.parameters.ui:options.ptdSchema"));
	ck_assert_str_eq(str_at(t, "spec.parameters.0.properties.namespace_name.default"),
			 "domain:default/oracle");
	json_decref(t);
	/* the template holds a copy: the schema is the API's, not ours */
	t = make(OC_RESOURCETYPE, rt, schema);
	ck_assert_ptr_ne(at(t, "spec.parameters.1.properties.parameters.ui:options.rtdSchema"),
			 schema);
	json_decref(t);
	json_decref(schema);
	json_decref(pt);
	json_decref(rt);
}
END_TEST

/* ---- no template ------------------------------------------------------- */

static void assert_none(enum oc_kind kind, const char *item, const char *why)
{
	char err[256] = "";
	json_t *v = parse(item);
	json_t *t = oc_template(kind, &ctx, v, NULL, err, sizeof err);

	ck_assert_msg(t == NULL, "a template from %s", item);
	ck_assert_msg(strstr(err, why) != NULL, "err '%s' lacks '%s'", err, why);
	json_decref(v);
}

START_TEST(test_no_template)
{
	assert_none(OC_COMPONENT, "{\"metadata\":{\"name\":\"x\"}}", "has no template");
	assert_none(OC_TRAIT, "{\"metadata\":{\"name\":\"x\"}}", "has no template");
	assert_none(OC_COMPONENTTYPE, "{\"metadata\":{}}", "without metadata.name");
	assert_none(OC_PROJECTTYPE, "{\"metadata\":{\"name\":\"\"}}", "without metadata.name");
	assert_none(OC_RESOURCETYPE, "[]", "without metadata.name");
	assert_none(OC_COMPONENTTYPE,
		    "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"allowedWorkflows\":\"wf\"}}",
		    "spec.allowedWorkflows is not a list");
	assert_none(OC_COMPONENTTYPE,
		    "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"workloadType\":3}}",
		    "spec.workloadType is not a string");
	assert_none(OC_CLUSTERCOMPONENTTYPE,
		    "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"allowedTraits\":[null]}}",
		    "null in spec.allowedTraits");
	assert_none(OC_CLUSTERCOMPONENTTYPE,
		    "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"allowedWorkflows\":[null]}}",
		    "null in spec.allowedWorkflows");
}
END_TEST

START_TEST(test_namespaced_needs_ns)
{
	static const struct oc_ctx nons = { NULL, "group:default/openchoreo-users" };
	char err[256] = "";
	json_t *v = parse("{\"metadata\":{\"name\":\"x\"}}");
	json_t *t = oc_template(OC_PROJECTTYPE, &nons, v, NULL, err, sizeof err);

	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "without a namespace"));
	t = oc_template(OC_CLUSTERPROJECTTYPE, &nons, v, NULL, err, sizeof err);
	ck_assert_ptr_nonnull(t);
	json_decref(t);
	json_decref(v);
}
END_TEST

/* ---- the hand-written (remote) Template -------------------------------- */

#define URL "https://git.example.com/t/template.yaml"

static json_t *remote(enum oc_kind kind, const json_t *item, const char *yaml, char *err)
{
	return oc_template_remote(kind, &ctx, item, URL, yaml, strlen(yaml), err, 256);
}

START_TEST(test_remote)
{
	static const char yaml[] =
		"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\n"
		"---\n"
		"apiVersion: scaffolder.backstage.io/v1beta3\n"
		"kind: Template\n"
		"metadata:\n"
		"  name: my-template\n"
		"  namespace: elsewhere\n"
		"  title: Custom service\n"
		"  annotations:\n"
		"    team: a\n"
		"    openchoreo.io/ctd-name: old\n"
		"spec:\n"
		"  owner: me\n"
		"  type: service\n"
		"  steps: []\n"
		"---\n"
		"kind: Template\nmetadata: {name: second}\n";
	json_t *ct = fixture_ct(0);
	char err[256] = "";
	json_t *t = remote(OC_COMPONENTTYPE, ct, yaml, err);
	json_t *want = parse(
		"{\"apiVersion\":\"scaffolder.backstage.io/v1beta3\",\"kind\":\"Template\","
		"\"metadata\":{\"name\":\"template-service\",\"namespace\":\"oracle\","
		"\"title\":\"Custom service\",\"annotations\":{\"team\":\"a\","
		"\"openchoreo.io/ctd-name\":\"service\",\"openchoreo.io/ctd-generated\":\"false\","
		"\"scaffolder.openchoreo.dev/backstage-template-url\":\"" URL "\","
		"\"backstage.io/managed-by-location\":\"url:" URL "\","
		"\"backstage.io/managed-by-origin-location\":\"url:" URL "\","
		"\"openchoreo.io/workload-type\":\"deployment\"}},"
		"\"spec\":{\"owner\":\"me\",\"type\":\"service\",\"steps\":[]}}");

	ck_assert_msg(t != NULL, "%s", err);
	assert_same(t, want);
	json_decref(want);
	json_decref(t);
	json_decref(ct);
}
END_TEST

START_TEST(test_remote_cluster)
{
	json_t *cct = parse("{\"metadata\":{\"name\":\"job\",\"annotations\":{"
			    "\"openchoreo.dev/display-name\":\"Batch Job\"}},"
			    "\"spec\":{\"workloadType\":\"cronjob\"}}");
	json_t *bare = parse("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"workloadType\":\"\"}}");
	char err[256] = "";
	json_t *t = remote(OC_CLUSTERCOMPONENTTYPE, cct,
			   "apiVersion: v1\nkind: Template\nmetadata: {}\n", err);
	json_t *want = parse(
		"{\"apiVersion\":\"v1\",\"kind\":\"Template\",\"metadata\":{"
		"\"name\":\"template-job\",\"namespace\":\"openchoreo-cluster\",\"annotations\":{"
		"\"openchoreo.io/ctd-name\":\"job\",\"openchoreo.io/ctd-generated\":\"false\","
		"\"scaffolder.openchoreo.dev/backstage-template-url\":\"" URL "\","
		"\"backstage.io/managed-by-location\":\"url:" URL "\","
		"\"backstage.io/managed-by-origin-location\":\"url:" URL "\","
		"\"openchoreo.io/workload-type\":\"cronjob\","
		"\"openchoreo.io/ctd-kind\":\"ClusterComponentType\","
		"\"openchoreo.io/ctd-display-name\":\"Batch Job\"}}}");

	ck_assert_msg(t != NULL, "%s", err);
	assert_same(t, want);
	json_decref(t);
	/* an empty workloadType names none */
	t = remote(OC_COMPONENTTYPE, bare, "apiVersion: v1\nkind: Template\nmetadata: {}\n", err);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(annotation(t, "openchoreo.io/workload-type"));
	ck_assert_ptr_null(annotation(t, "openchoreo.io/ctd-kind"));
	json_decref(t);
	json_decref(want);
	json_decref(bare);
	json_decref(cct);
}
END_TEST

START_TEST(test_remote_none)
{
	static const char *const bad[][2] = {
		{ "kind: Template\nmetadata: [unclosed\n", "YAML" },
		{ "apiVersion: v1\nkind: Location\nmetadata: {}\n", "no Template" },
		{ "- kind: Template\n", "no Template" },
		{ "apiVersion: v1\nkind: Template\nmetadata: x\n", "no Template" },
		{ "kind: Template\nmetadata: {name: t}\n", "no apiVersion" },
		{ "", "no Template" },
	};
	json_t *ct = fixture_ct(0);
	char err[256];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *t;

		err[0] = '\0';
		t = remote(OC_COMPONENTTYPE, ct, bad[i][0], err);
		ck_assert_msg(t == NULL, "a template from %s", bad[i][0]);
		ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s: err '%s'", bad[i][0], err);
	}
	ck_assert_ptr_null(remote(OC_RESOURCETYPE, ct, "apiVersion: v1\nkind: Template\n"
				  "metadata: {}\n", err));
	ck_assert_ptr_nonnull(strstr(err, "no remote template"));
	json_decref(ct);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("openchoreo_templates");
	TCase *ex = tcase_create("examples");
	TCase *rules = tcase_create("rules");

	tcase_add_test(ex, test_component_service);
	tcase_add_test(ex, test_component_web_application);
	tcase_add_test(ex, test_component_cluster_worker);
	tcase_add_test(ex, test_resource_redis);
	tcase_add_test(ex, test_resource_cluster);
	tcase_add_test(ex, test_project_standard);
	tcase_add_test(ex, test_project_cluster);
	tcase_add_test(ex, test_project_bytes);
	tcase_add_test(ex, test_spec_cluster_inputs);
	suite_add_tcase(s, ex);
	tcase_add_test(rules, test_format_title);
	tcase_add_test(rules, test_fallbacks);
	tcase_add_test(rules, test_display_name);
	tcase_add_test(rules, test_description_annotation);
	tcase_add_test(rules, test_component_defaults);
	tcase_add_test(rules, test_component_workload_type);
	tcase_add_test(rules, test_component_workflows);
	tcase_add_test(rules, test_cluster_component_lists);
	tcase_add_test(rules, test_schemas);
	tcase_add_test(rules, test_no_template);
	tcase_add_test(rules, test_namespaced_needs_ns);
	tcase_add_test(rules, test_remote);
	tcase_add_test(rules, test_remote_cluster);
	tcase_add_test(rules, test_remote_none);
	suite_add_tcase(s, rules);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
