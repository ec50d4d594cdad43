/*
 * The translators (plugins/openchoreo/translate*.c) against every example
 * of spec openchoreo-provider.md §2.1-§2.17: the input is the recorded
 * world (tests/data/upstream/openchoreo/) or the synthetic input the spec
 * prints (tests/data/openchoreo/input/), the expected entity the spec's
 * text (tests/data/openchoreo/expected/, both made by extract.py).  Entities
 * compare as compact JSON with key order kept.  Then the §2.0 rules the
 * examples do not show.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../plugins/openchoreo/openchoreo.h"
#include "unit.h"

#define OWNER "group:default/openchoreo-users"

static const struct oc_ctx ctx = { "oracle", OWNER };

/* ---- loading and comparing ---------------------------------------------- */

static json_t *load(const char *dir, const char *name)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char path[1024];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/tests/data/%s/%s", top, dir, name);
	j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s (line %d)", path, e.text, e.line);
	return j;
}

/* The item named `name` of a recorded list, or the file's object when name is NULL. */
static json_t *fixture(const char *file, const char *name)
{
	json_t *doc = load("upstream/openchoreo", file), *it;
	size_t i;

	if (name == NULL)
		return doc;
	json_array_foreach(json_object_get(doc, "items"), i, it) {
		json_t *meta = json_object_get(it, "metadata");

		if (strcmp(json_string_value(json_object_get(meta, "name")), name) == 0) {
			json_incref(it);
			json_decref(doc);
			return it;
		}
	}
	ck_abort_msg("%s has no item %s", file, name);
	return NULL;
}

static char *dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	ck_assert_ptr_nonnull(s);
	return s;
}

/* got (borrowed) equals tests/data/openchoreo/expected/<expected>, key order included. */
static void same(const json_t *got, const char *expected)
{
	json_t *want = load("openchoreo/expected", expected);
	char *g = dump(got), *w = dump(want);

	ck_assert_msg(strcmp(g, w) == 0, "%s\n got: %s\nwant: %s", expected, g, w);
	free(g);
	free(w);
	json_decref(want);
}

static json_t *translate(enum oc_kind kind, const json_t *item)
{
	char err[256] = "";
	json_t *e = oc_translate(kind, &ctx, item, err, sizeof(err));

	ck_assert_msg(e != NULL, "oc_translate: %s", err);
	return e;
}

/* ---- every example of §2.1-§2.17 ----------------------------------------- */

struct example {
	enum oc_kind kind;
	const char *expected;  /* expected/<this>; also input/<this> when file is NULL */
	const char *file;      /* the recorded answer, or NULL */
	const char *item;      /* its item, or NULL when the file is the object */
};

static const struct example examples[] = {
	{ OC_NAMESPACE, "domain.oracle.json", "namespaces.json", "oracle" },
	{ OC_NAMESPACE, "domain.oracle.json", "namespace.oracle.json", NULL },
	{ OC_PROJECT, "system.checkout.json", "projects.oracle.json", "checkout" },
	{ OC_PROJECT, "system.checkout.json", "project.oracle.checkout.json", NULL },
	{ OC_ENVIRONMENT, "environment.production.json", "environments.oracle.json",
	  "production" },
	{ OC_ENVIRONMENT, "environment.production.json", "environment.oracle.production.json",
	  NULL },
	{ OC_PIPELINE, "deploymentpipeline.default.json", "deploymentpipelines.oracle.json",
	  "default" },
	{ OC_DATAPLANE, "dataplane.default.json", "dataplanes.oracle.json", "default" },
	{ OC_WORKFLOWPLANE, "workflowplane.ci.json", NULL, NULL },
	{ OC_OBSERVABILITYPLANE, "observabilityplane.obs.json", NULL, NULL },
	{ OC_CHANNEL, "observabilityalertsnotificationchannel.oncall-webhook.json", NULL, NULL },
	{ OC_COMPONENTTYPE, "componenttype.service.json", "componenttypes.oracle.json",
	  "service" },
	{ OC_TRAIT, "traittype.horizontal-pod-autoscaler.json", "traits.oracle.json",
	  "horizontal-pod-autoscaler" },
	{ OC_WORKFLOW, "workflow.dockerfile-builder.json", "workflows.oracle.json",
	  "dockerfile-builder" },
	{ OC_RESOURCETYPE, "resourcetype.redis.json", NULL, NULL },
	{ OC_PROJECTTYPE, "projecttype.standard.json", NULL, NULL },
	{ OC_RESOURCE, "resource.orders-db.json", NULL, NULL },
	{ OC_CLUSTERCOMPONENTTYPE, "clustercomponenttype.worker.json", NULL, NULL },
	{ OC_CLUSTERTRAIT, "clustertraittype.ingress.json", NULL, NULL },
	{ OC_CLUSTERWORKFLOW, "clusterworkflow.docker-build.json", NULL, NULL },
	{ OC_CLUSTERDATAPLANE, "clusterdataplane.shared.json", NULL, NULL },
	{ OC_CLUSTEROBSERVABILITYPLANE, "clusterobservabilityplane.default.json", NULL, NULL },
	{ OC_CLUSTERWORKFLOWPLANE, "clusterworkflowplane.default.json", NULL, NULL },
	{ OC_CLUSTERRESOURCETYPE, "clusterresourcetype.postgres.json", NULL, NULL },
	{ OC_CLUSTERPROJECTTYPE, "clusterprojecttype.default.json", NULL, NULL },
};

#define N_EXAMPLES ((int)(sizeof(examples) / sizeof(examples[0])))

START_TEST(test_example)
{
	const struct example *x = &examples[_i];
	json_t *item = x->file ? fixture(x->file, x->item) : load("openchoreo/input", x->expected);
	json_t *e = translate(x->kind, item);

	same(e, x->expected);
	json_decref(e);
	json_decref(item);
}
END_TEST

/* ---- Component and API (§2.3, §2.4) -------------------------------------- */

/* The workloads of the world, by component (only checkout-service has one). */
static const json_t *world_workload(const char *project, const char *component, void *arg)
{
	json_t *workloads = arg;

	(void)project;
	return strcmp(component, "checkout-service") == 0 ? json_array_get(workloads, 0) : NULL;
}

static json_t *component_run(const char *item, const json_t *workload, oc_workload_fn fn,
			     void *arg)
{
	json_t *comp = fixture("components.oracle.checkout.json", item);
	json_t *project = fixture("projects.oracle.json", "checkout");
	json_t *out = json_array();
	char err[256] = "";

	ck_assert_msg(oc_translate_component(&ctx, comp, "checkout", project, workload, fn, arg,
					     out, err, sizeof(err)) == 0, "%s", err);
	json_decref(comp);
	json_decref(project);
	return out;
}

START_TEST(test_component_with_workload)
{
	json_t *wl = fixture("workloads.oracle.checkout-service.json", NULL);
	json_t *items = json_object_get(wl, "items");
	json_t *out = component_run("checkout-service", json_array_get(items, 0),
				    world_workload, items);

	ck_assert_int_eq(json_array_size(out), 2);
	same(json_array_get(out, 0), "component.checkout-service.json");
	same(json_array_get(out, 1), "api.checkout-checkout-service-http.json");
	json_decref(out);
	json_decref(wl);
}
END_TEST

START_TEST(test_component_without_workload)
{
	json_t *out = component_run("checkout-web", NULL, NULL, NULL);

	ck_assert_int_eq(json_array_size(out), 1);
	same(json_array_get(out, 0), "component.checkout-web.json");
	json_decref(out);
}
END_TEST

/* ---- §2.0 rules the examples do not show -------------------------------- */

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	ck_assert_msg(j != NULL, "%s: %s", text, e.text);
	return j;
}

/* oc_translate of an inline resource. */
static json_t *translate_text(enum oc_kind kind, const char *text)
{
	json_t *item = parse(text);
	json_t *e = translate(kind, item);

	json_decref(item);
	return e;
}

static const char *meta_str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(json_object_get(e, "metadata"), key));
}

static const char *ann(const json_t *e, const char *key)
{
	const json_t *a = json_object_get(json_object_get(e, "metadata"), "annotations");

	return json_string_value(json_object_get(a, key));
}

static const json_t *spec(const json_t *e, const char *key)
{
	return json_object_get(json_object_get(e, "spec"), key);
}

/* v's compact JSON is `want` (v borrowed; NULL dumps as "(absent)"). */
static void json_is(const json_t *v, const char *want)
{
	char *got = v ? dump(v) : strdup("(absent)");

	ck_assert_str_eq(got, want);
	free(got);
}

struct fallback {
	enum oc_kind kind;
	const char *description;
};

/* A resource with nothing but a name: every kind still translates, with its fallback. */
START_TEST(test_description_fallbacks)
{
	static const struct fallback f[] = {
		{ OC_NAMESPACE, "x" }, { OC_PROJECT, "x" },
		{ OC_ENVIRONMENT, "x environment" },
		{ OC_PIPELINE, "Deployment pipeline x" }, { OC_DATAPLANE, "x dataplane" },
		{ OC_WORKFLOWPLANE, "x workflow plane" },
		{ OC_OBSERVABILITYPLANE, "x observability plane" },
		{ OC_CHANNEL, "x notification channel" },
		{ OC_COMPONENTTYPE, "x component type" }, { OC_TRAIT, "x trait" },
		{ OC_WORKFLOW, "x workflow" }, { OC_RESOURCETYPE, "x resource type" },
		{ OC_PROJECTTYPE, "x project type" }, { OC_RESOURCE, "x resource" },
		{ OC_CLUSTERCOMPONENTTYPE, "x cluster component type" },
		{ OC_CLUSTERTRAIT, "x cluster trait" },
		{ OC_CLUSTERWORKFLOW, "x cluster workflow" },
		{ OC_CLUSTERDATAPLANE, "x cluster data plane" },
		{ OC_CLUSTEROBSERVABILITYPLANE, "x cluster observability plane" },
		{ OC_CLUSTERWORKFLOWPLANE, "x cluster workflow plane" },
		{ OC_CLUSTERRESOURCETYPE, "x cluster resource type" },
		{ OC_CLUSTERPROJECTTYPE, "x cluster project type" },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		/* empty annotations count as absent */
		json_t *e = translate_text(f[i].kind, "{\"metadata\":{\"name\":\"x\",\"annotations\":"
					   "{\"openchoreo.dev/display-name\":\"\","
					   "\"openchoreo.dev/description\":\"\"}}}");

		ck_assert_str_eq(meta_str(e, "title"), "x");
		ck_assert_str_eq(meta_str(e, "description"), f[i].description);
		ck_assert_str_eq(json_string_value(json_object_get(e, "kind")),
				 oc_kinds[f[i].kind].entity_kind);
		json_decref(e);
	}
}
END_TEST

START_TEST(test_domain_terminating)
{
	json_t *e = translate_text(OC_NAMESPACE, "{\"metadata\":{\"name\":\"gone\","
				   "\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},"
				   "\"status\":{\"phase\":\"Terminating\"}}");

	ck_assert_str_eq(ann(e, "openchoreo.io/status"), "Terminating");
	ck_assert_ptr_null(ann(e, "openchoreo.io/deletion-timestamp"));
	ck_assert_ptr_null(ann(e, "openchoreo.io/created-at"));
	ck_assert_ptr_null(meta_str(e, "namespace"));
	json_decref(e);
}
END_TEST

/* Resources being deleted are translated like any other, with the annotation. */
START_TEST(test_deletion_timestamp)
{
	static const enum oc_kind kinds[] = { OC_PROJECT, OC_ENVIRONMENT, OC_PIPELINE,
		OC_DATAPLANE, OC_CHANNEL, OC_TRAIT, OC_WORKFLOW, OC_RESOURCE,
		OC_CLUSTERWORKFLOWPLANE };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		json_t *e = translate_text(kinds[i], "{\"metadata\":{\"name\":\"x\","
					   "\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"}}");

		ck_assert_str_eq(ann(e, "openchoreo.io/deletion-timestamp"),
				 "2026-01-01T00:00:00Z");
		json_decref(e);
	}
}
END_TEST

START_TEST(test_project_owner_and_namespace)
{
	json_t *e = translate_text(OC_PROJECT, "{\"metadata\":{\"name\":\"p\","
				   "\"annotations\":{\"backstage.io/owner\":\" team-a \"}},"
				   "\"spec\":{\"type\":{\"name\":\"std\"}}}");

	ck_assert_str_eq(json_string_value(spec(e, "owner")), "team-a");
	ck_assert_str_eq(meta_str(e, "namespace"), "oracle");
	ck_assert_str_eq(ann(e, "openchoreo.io/project-type-kind"), "ProjectType");
	ck_assert_ptr_null(spec(e, "deploymentPipelineRef"));
	json_decref(e);
}
END_TEST

START_TEST(test_environment_non_production)
{
	json_t *item = fixture("environments.oracle.json", "development");
	json_t *e = translate(OC_ENVIRONMENT, item);
	json_t *bare = translate_text(OC_ENVIRONMENT, "{\"metadata\":{\"name\":\"x\"}}");

	json_is(json_object_get(json_object_get(e, "metadata"), "tags"),
		"[\"openchoreo\",\"environment\",\"non-production\"]");
	ck_assert_str_eq(ann(e, "openchoreo.io/is-production"), "false");
	json_is(spec(e, "isProduction"), "false");
	ck_assert_ptr_null(spec(e, "gateway"));
	json_is(json_object_get(json_object_get(e, "metadata"), "labels"),
		"{\"openchoreo.io/managed\":\"true\","
		"\"openchoreo.io/environment-type\":\"non-production\"}");
	/* isProduction absent: no label, no annotation, no spec key */
	json_is(json_object_get(json_object_get(bare, "metadata"), "labels"),
		"{\"openchoreo.io/managed\":\"true\"}");
	ck_assert_ptr_null(ann(bare, "openchoreo.io/is-production"));
	ck_assert_str_eq(ann(bare, "openchoreo.io/status"), "Not Ready");
	json_is(json_object_get(bare, "spec"), "{\"type\":\"non-production\",\"domain\":\"default/oracle\"}");
	json_decref(bare);
	json_decref(e);
	json_decref(item);
}
END_TEST

START_TEST(test_plane_refs)
{
	json_t *none = translate_text(OC_DATAPLANE, "{\"metadata\":{\"name\":\"d\"}}");
	json_t *qual = translate_text(OC_WORKFLOWPLANE, "{\"metadata\":{\"name\":\"w\"},"
				      "\"spec\":{\"observabilityPlaneRef\":{\"name\":\"o/obs\"}}}");
	json_t *cl = translate_text(OC_CLUSTERDATAPLANE, "{\"metadata\":{\"name\":\"c\"}}");

	/* empty-but-present: the ref and created-at are always there */
	ck_assert_str_eq(ann(none, "openchoreo.io/observability-plane-ref"), "");
	ck_assert_str_eq(ann(none, "openchoreo.io/created-at"), "");
	ck_assert_ptr_null(ann(none, "openchoreo.io/agent-connected"));
	json_is(json_object_get(none, "spec"),
		"{\"domain\":\"default/oracle\",\"observabilityPlaneRef\":\"\"}");
	ck_assert_str_eq(ann(qual, "openchoreo.io/observability-plane-ref"), "o/obs");
	/* cluster planes: no namespace annotation, no domain, no empty ref */
	ck_assert_ptr_null(ann(cl, "openchoreo.io/namespace"));
	ck_assert_ptr_null(ann(cl, "openchoreo.io/observability-plane-ref"));
	json_is(json_object_get(cl, "spec"), "{}");
	ck_assert_str_eq(meta_str(cl, "namespace"), OC_CLUSTER_NS);
	json_decref(none);
	json_decref(qual);
	json_decref(cl);
}
END_TEST

START_TEST(test_channel_without_type)
{
	json_t *e = translate_text(OC_CHANNEL, "{\"metadata\":{\"name\":\"c\"},\"spec\":{}}");

	json_is(json_object_get(json_object_get(e, "metadata"), "tags"),
		"[\"openchoreo\",\"notification-channel\",null]");
	json_is(json_object_get(e, "spec"), "{\"environment\":\"\"}");
	json_decref(e);
}
END_TEST

START_TEST(test_allowed_normalised)
{
	json_t *ct = translate_text(OC_COMPONENTTYPE, "{\"metadata\":{\"name\":\"t\"},\"spec\":{"
				    "\"allowedWorkflows\":[\"Workflow:a\",\"b\",\"Foo:c\","
				    "{\"name\":\"d\"},{\"kind\":\"ClusterWorkflow\",\"name\":\"e\"},"
				    "{\"name\":\"\"},\"\",\"Workflow:\"],\"allowedTraits\":[]}}");
	json_t *cct = translate_text(OC_CLUSTERCOMPONENTTYPE, "{\"metadata\":{\"name\":\"t\"},"
				     "\"spec\":{\"allowedTraits\":[\"x\",\"Trait:y\"]}}");

	json_is(json_object_get(ct, "spec"), "{\"domain\":\"default/oracle\",\"allowedWorkflows\":["
		"{\"kind\":\"Workflow\",\"name\":\"a\"},{\"kind\":\"Workflow\",\"name\":\"b\"},"
		"{\"kind\":\"Workflow\",\"name\":\"Foo:c\"},{\"kind\":\"Workflow\",\"name\":\"d\"},"
		"{\"kind\":\"ClusterWorkflow\",\"name\":\"e\"}],\"allowedTraits\":[]}");
	json_is(json_object_get(json_object_get(ct, "metadata"), "tags"),
		"[\"openchoreo\",\"component-type\",\"platform-engineering\"]");
	json_is(json_object_get(cct, "spec"), "{\"workloadType\":\"deployment\",\"allowedTraits\":["
		"{\"kind\":\"ClusterTrait\",\"name\":\"x\"},{\"kind\":\"Trait\",\"name\":\"y\"}]}");
	json_is(json_object_get(json_object_get(cct, "metadata"), "tags"),
		"[\"openchoreo\",\"cluster-component-type\",\"platform-engineering\"]");
	json_decref(ct);
	json_decref(cct);
}
END_TEST

START_TEST(test_workflow_rules)
{
	json_t *e = translate_text(OC_WORKFLOW, "{\"metadata\":{\"name\":\"w\"},\"spec\":{"
		"\"workflowPlaneRef\":{\"name\":\"wp\"},\"parameters\":{\"openAPIV3Schema\":{"
		"\"properties\":{\"a\":{\"x-openchoreo-component-parameter-repository-url\":true},"
		"\"b\":{\"properties\":{\"c\":{\"x-openchoreo-component-parameter-repository-branch\":"
		"true}}},\"d\":{\"x-openchoreo-component-parameter-repository-url\":true}}}}}}");
	json_t *bare = translate_text(OC_WORKFLOW, "{\"metadata\":{\"name\":\"w\"}}");

	/* a later duplicate overwrites the path, the key keeps its place */
	ck_assert_str_eq(ann(e, "openchoreo.dev/component-workflow-parameters"),
			 "repoUrl: parameters.d\nbranch: parameters.b.c");
	ck_assert_str_eq(ann(e, "openchoreo.io/workflow-plane-ref"), "wp");
	ck_assert_ptr_null(ann(e, "openchoreo.io/workflow-plane-ref-kind"));
	json_is(json_object_get(e, "spec"), "{\"domain\":\"default/oracle\",\"type\":\"Generic\","
		"\"workflowPlaneRef\":\"wp\",\"workflowPlaneRefKind\":\"WorkflowPlane\"}");
	ck_assert_ptr_null(ann(bare, "openchoreo.dev/component-workflow-parameters"));
	json_is(json_object_get(bare, "spec"), "{\"domain\":\"default/oracle\",\"type\":\"Generic\"}");
	json_decref(e);
	json_decref(bare);
}
END_TEST

START_TEST(test_resource_minimal)
{
	json_t *e = translate_text(OC_RESOURCE, "{\"metadata\":{\"name\":\"r\"},"
				   "\"spec\":{\"parameters\":{}}}");

	json_is(json_object_get(json_object_get(e, "metadata"), "tags"),
		"[\"openchoreo\",\"resource\",\"\"]");
	ck_assert_str_eq(ann(e, "openchoreo.io/resource-type-kind"), "ResourceType");
	ck_assert_str_eq(ann(e, "openchoreo.io/created-at"), "");
	json_is(json_object_get(e, "spec"), "{\"type\":\"\",\"owner\":\"" OWNER "\","
		"\"system\":\"\"}");
	json_decref(e);
}
END_TEST

START_TEST(test_errors)
{
	static const struct oc_ctx no_ns = { NULL, OWNER };
	json_t *nameless = parse("{\"metadata\":{\"name\":\"\"}}");
	json_t *ok = parse("{\"metadata\":{\"name\":\"x\"}}");
	json_t *out = json_array(), *e;
	char err[256];

	ck_assert_ptr_null(oc_translate(OC_TRAIT, &ctx, nameless, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "metadata.name"));
	ck_assert_ptr_null(oc_translate(OC_COMPONENT, &ctx, ok, err, sizeof(err)));
	ck_assert_ptr_null(oc_translate(OC_WORKLOAD, &ctx, ok, err, sizeof(err)));
	ck_assert_ptr_null(oc_translate(OC_KIND_COUNT, &ctx, ok, err, sizeof(err)));
	ck_assert_ptr_null(oc_translate(OC_TRAIT, &no_ns, ok, err, sizeof(err)));
	e = oc_translate(OC_CLUSTERTRAIT, &no_ns, ok, err, sizeof(err));
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(oc_translate_component(&ctx, nameless, "p", NULL, NULL, NULL, NULL, out,
						err, sizeof(err)), -1);
	ck_assert_int_eq(json_array_size(out), 0);
	json_decref(e);
	json_decref(out);
	json_decref(ok);
	json_decref(nameless);
}
END_TEST

/* ---- Component rules ------------------------------------------------------ */

static json_t *component_text(const char *comp, const char *project_cr,
			      const char *workload, oc_workload_fn fn, void *arg)
{
	json_t *c = parse(comp), *p = project_cr ? parse(project_cr) : NULL;
	json_t *w = workload ? parse(workload) : NULL, *out = json_array();
	char err[256] = "";

	ck_assert_msg(oc_translate_component(&ctx, c, "checkout", p, w, fn, arg, out, err,
					     sizeof(err)) == 0, "%s", err);
	json_decref(c);
	json_decref(p);
	json_decref(w);
	return out;
}

START_TEST(test_component_legacy_type_and_owner)
{
	json_t *out = component_text("{\"metadata\":{\"name\":\"c\",\"annotations\":{"
		"\"backstage.io/owner\":\"  \"},\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},"
		"\"spec\":{\"componentType\":\"deployment/service/x\"}}",
		"{\"metadata\":{\"name\":\"checkout\",\"annotations\":{"
		"\"backstage.io/owner\":\"team-b\"}}}", NULL, NULL, NULL);
	json_t *e = json_array_get(out, 0);

	ck_assert_int_eq(json_array_size(out), 1);
	ck_assert_ptr_null(meta_str(e, "description"));
	json_is(json_object_get(json_object_get(e, "metadata"), "tags"),
		"[\"openchoreo\",\"component\",\"deployment-service/x\"]");
	ck_assert_str_eq(ann(e, "openchoreo.io/component-type"), "deployment/service/x");
	ck_assert_ptr_null(ann(e, "openchoreo.io/component-type-kind"));
	ck_assert_str_eq(ann(e, "openchoreo.io/status"), "Not Ready");
	ck_assert_str_eq(ann(e, "openchoreo.io/deletion-timestamp"), "2026-01-01T00:00:00Z");
	json_is(json_object_get(e, "spec"), "{\"type\":\"deployment/service/x\","
		"\"lifecycle\":\"not ready\",\"owner\":\"team-b\",\"system\":\"checkout\"}");
	json_decref(out);
}
END_TEST

START_TEST(test_component_untyped)
{
	json_t *out = component_text("{\"metadata\":{\"name\":\"c\",\"annotations\":{"
		"\"backstage.io/owner\":\" team-a\"}}}", NULL, NULL, NULL, NULL);
	json_t *e = json_array_get(out, 0);

	json_is(json_object_get(json_object_get(e, "metadata"), "tags"),
		"[\"openchoreo\",\"component\",\"unknown\"]");
	ck_assert_ptr_null(ann(e, "openchoreo.io/component-type"));
	ck_assert_str_eq(json_string_value(spec(e, "type")), "unknown");
	ck_assert_str_eq(json_string_value(spec(e, "owner")), "team-a");
	json_decref(out);
}
END_TEST

/* Dependency targets: "other" has a grpc endpoint with a schema. */
static const json_t *dep_workload(const char *project, const char *component, void *arg)
{
	ck_assert_str_eq(project, strcmp(component, "third") == 0 ? "p2" : "checkout");
	return strcmp(component, "other") == 0 ? arg : NULL;
}

START_TEST(test_component_apis_and_dependencies)
{
	json_t *other = parse("{\"spec\":{\"endpoints\":{\"grpc\":{\"schema\":{\"content\":\"x\"}},"
			      "\"bare\":{\"schema\":{\"content\":\" \\n\"}}}}}");
	json_t *out = component_text("{\"metadata\":{\"name\":\"c\"}}", NULL,
		"{\"metadata\":{\"name\":\"c-wl\"},\"spec\":{\"endpoints\":{"
		"\"b\":{\"port\":1,\"type\":\"HTTP\",\"schema\":{\"content\":\"b\"}},"
		"\"10\":{\"port\":10,\"type\":\"gRPC\",\"schema\":{\"type\":\"gRPC\",\"content\":\"t\"}},"
		"\"a\":{\"port\":2,\"type\":\"HTTP\"},"
		"\"2\":{\"port\":8080,\"type\":\"HTTP\",\"visibility\":[\"project\",\"external\"],"
		"\"schema\":{\"content\":\"s\"}}},"
		"\"dependencies\":{\"endpoints\":[{\"component\":\"other\",\"name\":\"grpc\"},"
		"{\"project\":\"p2\",\"component\":\"third\",\"name\":\"x\"},"
		"{\"component\":\"other\",\"name\":\"bare\"}],\"resources\":[{\"ref\":\"db\"}]}}}",
		dep_workload, other);
	json_t *c = json_array_get(out, 0), *api2 = json_array_get(out, 1);

	/* index-like keys first, ascending, as Object.keys gives them */
	json_is(spec(c, "providesApis"),
		"[\"checkout-c-2\",\"checkout-c-10\",\"checkout-c-b\"]");
	json_is(spec(c, "consumesApis"), "[\"checkout-other-grpc\"]");
	json_is(spec(c, "dependsOn"), "[\"resource:oracle/db\"]");
	ck_assert_str_eq(ann(c, "openchoreo.io/workload"), "c-wl");
	ck_assert_int_eq(json_array_size(out), 4);
	ck_assert_str_eq(meta_str(api2, "name"), "checkout-c-2");
	ck_assert_str_eq(meta_str(api2, "description"), "HTTP API for c on port 8080");
	ck_assert_str_eq(ann(api2, "openchoreo.io/endpoint-visibility"), "project,external");
	ck_assert_str_eq(json_string_value(spec(api2, "type")), "openapi");
	ck_assert_str_eq(json_string_value(spec(json_array_get(out, 2), "type")), "grpc");
	ck_assert_str_eq(ann(json_array_get(out, 3), "openchoreo.io/endpoint-visibility"), "");
	json_is(json_object_get(json_array_get(out, 2), "metadata"), "{\"name\":\"checkout-c-10\","
		"\"namespace\":\"oracle\",\"title\":\"c 10 API\","
		"\"description\":\"gRPC API for c on port 10\",\"tags\":[\"openchoreo\",\"api\",\"grpc\"],"
		"\"annotations\":{\"backstage.io/managed-by-location\":\"" OC_LOCATION_KEY "\","
		"\"backstage.io/managed-by-origin-location\":\"" OC_LOCATION_KEY "\","
		"\"openchoreo.io/component\":\"c\",\"openchoreo.io/endpoint-name\":\"10\","
		"\"openchoreo.io/endpoint-type\":\"gRPC\",\"openchoreo.io/endpoint-port\":\"10\","
		"\"openchoreo.io/endpoint-visibility\":\"\",\"openchoreo.io/project\":\"checkout\","
		"\"openchoreo.io/namespace\":\"oracle\",\"openchoreo.io/workload\":\"c-wl\"},"
		"\"labels\":{\"openchoreo.io/managed\":\"true\"}}");
	json_decref(out);
	json_decref(other);
}
END_TEST

/* A workload without metadata.name still lists providesApis but yields no API. */
START_TEST(test_component_nameless_workload)
{
	json_t *out = component_text("{\"metadata\":{\"name\":\"c\"}}", NULL,
		"{\"spec\":{\"endpoints\":{\"e\":{\"port\":1,\"schema\":{\"content\":\"x\"}}}}}",
		NULL, NULL);

	ck_assert_int_eq(json_array_size(out), 1);
	json_is(spec(json_array_get(out, 0), "providesApis"), "[\"checkout-c-e\"]");
	ck_assert_ptr_null(ann(json_array_get(out, 0), "openchoreo.io/workload"));
	json_decref(out);
}
END_TEST

static void add_rule_tests(TCase *tc)
{
	tcase_add_test(tc, test_description_fallbacks);
	tcase_add_test(tc, test_domain_terminating);
	tcase_add_test(tc, test_deletion_timestamp);
	tcase_add_test(tc, test_project_owner_and_namespace);
	tcase_add_test(tc, test_environment_non_production);
	tcase_add_test(tc, test_plane_refs);
	tcase_add_test(tc, test_channel_without_type);
	tcase_add_test(tc, test_allowed_normalised);
	tcase_add_test(tc, test_workflow_rules);
	tcase_add_test(tc, test_resource_minimal);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_component_legacy_type_and_owner);
	tcase_add_test(tc, test_component_untyped);
	tcase_add_test(tc, test_component_apis_and_dependencies);
	tcase_add_test(tc, test_component_nameless_workload);
}

int main(void)
{
	Suite *s = suite_create("openchoreo_translate");
	TCase *tc = tcase_create("examples"), *rules = tcase_create("rules");

	tcase_add_loop_test(tc, test_example, 0, N_EXAMPLES);
	tcase_add_test(tc, test_component_with_workload);
	tcase_add_test(tc, test_component_without_workload);
	suite_add_tcase(s, tc);
	add_rule_tests(rules);
	suite_add_tcase(s, rules);
	return sh_unit_run(s);
}
