/*
 * OpenChoreo's kinds (plugins/catalog/kinds_openchoreo.c): the spec's
 * example entities (tests/data/openchoreo/entities/) give exactly the rows
 * of openchoreo-provider.md §3.3, inverses included; the kinds are known
 * only through the gate; the processors' failures and quirks (§2.10, §3.2,
 * §6 item 7).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/kinds_openchoreo.h"
#include "../../plugins/catalog/validate.h"
#include "testdata.h"

static struct catalog_relations rels;

static void teardown(void)
{
	catalog_relations_free(&rels);
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_PRESERVE_ORDER, &e);

	ck_assert_msg(j != NULL, "bad test json: %s", e.text);
	return j;
}

/* An entity file of tests/data/openchoreo/entities/. */
static json_t *load(const char *file)
{
	char rel[256];
	size_t len;
	char *text;
	json_t *j;

	snprintf(rel, sizeof(rel), "../openchoreo/entities/%s", file);
	text = testdata_read(rel, &len);
	j = parse(text);
	free(text);
	return j;
}

/* Validation with the kinds known (the gate on), then the relations. */
static void process(json_t *entity)
{
	struct catalog_validate_errors errs = { 0 };
	char *err = NULL;
	int rc = catalog_validate_entity_also(entity, catalog_openchoreo_accepts, &errs);

	ck_assert_msg(rc == 0, "%s", errs.n ? errs.msgs[0] : "?");
	rc = catalog_openchoreo_relations_emit(entity, &rels, &err);
	ck_assert_msg(rc == 0, "%s", err ? err : "?");
}

static void process_files(const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_t *e = load(files[i]);

		process(e);
		json_decref(e);
	}
}

#define PROCESS_FILES(a) process_files(a, sizeof(a) / sizeof(*(a)))

static void process_text(const char *text)
{
	json_t *e = parse(text);

	process(e);
	json_decref(e);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rels as sorted "source type target" lines must be exactly `want`. */
static void assert_rows(const char *const *want, size_t n_want)
{
	char **got = calloc(rels.n + 1, sizeof(*got)), **exp = calloc(n_want + 1, sizeof(*exp));
	size_t i;

	for (i = 0; i < rels.n; i++) {
		got[i] = malloc(512);
		snprintf(got[i], 512, "%s %s %s", rels.rows[i].source_ref, rels.rows[i].type,
			 rels.rows[i].target_ref);
	}
	for (i = 0; i < n_want; i++)
		exp[i] = (char *)want[i];
	qsort(got, rels.n, sizeof(*got), cmp_str);
	qsort(exp, n_want, sizeof(*exp), cmp_str);
	for (i = 0; i < rels.n && i < n_want; i++)
		ck_assert_str_eq(got[i], exp[i]);
	ck_assert_msg(rels.n == n_want, "%zu rows, want %zu; first extra: %s", rels.n, n_want,
		      rels.n > n_want ? got[n_want] : exp[rels.n]);
	for (i = 0; i < rels.n; i++)
		free(got[i]);
	free(got);
	free(exp);
}

#define ASSERT_ROWS(a) assert_rows(a, sizeof(a) / sizeof(*(a)))

/* ---- §3.3: our fixture world ---- */

static const char *const world_files[] = {
	"domain.default.oracle.json",
	"system.oracle.billing.json", "system.oracle.checkout.json",
	"component.oracle.billing-portal.json", "component.oracle.checkout-service.json",
	"component.oracle.checkout-web.json", "component.oracle.invoice-service.json",
	"component.oracle.payment-gateway.json",
	"api.oracle.checkout-checkout-service-http.json",
	"environment.oracle.development.json", "environment.oracle.production.json",
	"environment.oracle.staging.json",
	"dataplane.oracle.default.json", "deploymentpipeline.oracle.default.json",
	"componenttype.oracle.service.json", "componenttype.oracle.web-application.json",
	"traittype.oracle.horizontal-pod-autoscaler.json", "workflow.oracle.dockerfile-builder.json",
	"template.oracle.template-service.json",
};

#define ENV_ROWS(e) \
	"environment:oracle/" e " partOf domain:default/oracle", \
	"domain:default/oracle hasPart environment:oracle/" e, \
	"environment:oracle/" e " hostedOn dataplane:oracle/default", \
	"dataplane:oracle/default hosts environment:oracle/" e, \
	"deploymentpipeline:oracle/default deploysTo environment:oracle/" e, \
	"environment:oracle/" e " deployedBy deploymentpipeline:oracle/default"
#define SYSTEM_ROWS(s) \
	"system:oracle/" s " usesPipeline deploymentpipeline:oracle/default", \
	"deploymentpipeline:oracle/default pipelineUsedBy system:oracle/" s, \
	"system:oracle/" s " instanceOf clusterprojecttype:openchoreo-cluster/default", \
	"clusterprojecttype:openchoreo-cluster/default hasInstance system:oracle/" s
#define COMPONENT_ROWS(c, t) \
	"component:oracle/" c " instanceOf componenttype:oracle/" t, \
	"componenttype:oracle/" t " hasInstance component:oracle/" c
#define CT_ROWS(t) \
	"componenttype:oracle/" t " partOf domain:default/oracle", \
	"domain:default/oracle hasPart componenttype:oracle/" t, \
	"componenttype:oracle/" t " usesWorkflow workflow:oracle/dockerfile-builder", \
	"workflow:oracle/dockerfile-builder workflowUsedBy componenttype:oracle/" t
#define PART_OF_ORACLE(r) r " partOf domain:default/oracle", "domain:default/oracle hasPart " r

static const char *const world_rows[] = {
	ENV_ROWS("development"), ENV_ROWS("staging"), ENV_ROWS("production"),
	PART_OF_ORACLE("dataplane:oracle/default"),
	"dataplane:oracle/default observedBy observabilityplane:oracle/default",
	"observabilityplane:oracle/default observes dataplane:oracle/default",
	SYSTEM_ROWS("billing"), SYSTEM_ROWS("checkout"),
	COMPONENT_ROWS("billing-portal", "web-application"),
	COMPONENT_ROWS("checkout-web", "web-application"),
	COMPONENT_ROWS("invoice-service", "service"),
	COMPONENT_ROWS("payment-gateway", "service"),
	COMPONENT_ROWS("checkout-service", "service"),
	PART_OF_ORACLE("deploymentpipeline:oracle/default"),
	CT_ROWS("service"), CT_ROWS("web-application"),
	PART_OF_ORACLE("traittype:oracle/horizontal-pod-autoscaler"),
	PART_OF_ORACLE("workflow:oracle/dockerfile-builder"),
	"workflow:oracle/dockerfile-builder buildsOn clusterworkflowplane:openchoreo-cluster/default",
	"clusterworkflowplane:openchoreo-cluster/default builds workflow:oracle/dockerfile-builder",
};

START_TEST(fixture_world_gives_the_rows_of_3_3)
{
	PROCESS_FILES(world_files);
	ASSERT_ROWS(world_rows);
}
END_TEST

/* ---- §2.8-§2.17: the synthetic examples, by the rules of §3.2 ---- */

static const char *const synthetic_files[] = {
	"workflowplane.oracle.ci.json", "observabilityplane.oracle.obs.json",
	"observabilityalertsnotificationchannel.oracle.oncall-webhook.json",
	"resourcetype.oracle.redis.json", "projecttype.oracle.standard.json",
	"resource.oracle.orders-db.json",
	"clustercomponenttype.openchoreo-cluster.worker.json",
	"clustertraittype.openchoreo-cluster.ingress.json",
	"clusterworkflow.openchoreo-cluster.docker-build.json",
	"clusterdataplane.openchoreo-cluster.shared.json",
	"clusterobservabilityplane.openchoreo-cluster.default.json",
	"clusterworkflowplane.openchoreo-cluster.default.json",
	"clusterresourcetype.openchoreo-cluster.postgres.json",
	"clusterprojecttype.openchoreo-cluster.default.json",
	"template.oracle.template-resource-redis.json",
	"template.oracle.template-project-standard.json",
};

static const char *const synthetic_rows[] = {
	PART_OF_ORACLE("workflowplane:oracle/ci"),
	"workflowplane:oracle/ci observedBy observabilityplane:oracle/obs",
	"observabilityplane:oracle/obs observes workflowplane:oracle/ci",
	PART_OF_ORACLE("observabilityplane:oracle/obs"),
	"observabilityalertsnotificationchannel:oracle/oncall-webhook notifiedBy "
	"environment:oracle/production",
	"environment:oracle/production notifies "
	"observabilityalertsnotificationchannel:oracle/oncall-webhook",
	PART_OF_ORACLE("resourcetype:oracle/redis"),
	PART_OF_ORACLE("projecttype:oracle/standard"),
	"resource:oracle/orders-db instanceOf clusterresourcetype:openchoreo-cluster/postgres",
	"clusterresourcetype:openchoreo-cluster/postgres hasInstance resource:oracle/orders-db",
	"clustercomponenttype:openchoreo-cluster/worker usesWorkflow "
	"clusterworkflow:openchoreo-cluster/docker-build",
	"clusterworkflow:openchoreo-cluster/docker-build workflowUsedBy "
	"clustercomponenttype:openchoreo-cluster/worker",
	"clusterworkflow:openchoreo-cluster/docker-build buildsOn "
	"clusterworkflowplane:openchoreo-cluster/default",
	"clusterworkflowplane:openchoreo-cluster/default builds "
	"clusterworkflow:openchoreo-cluster/docker-build",
	"clusterdataplane:openchoreo-cluster/shared observedBy "
	"clusterobservabilityplane:openchoreo-cluster/default",
	"clusterobservabilityplane:openchoreo-cluster/default observes "
	"clusterdataplane:openchoreo-cluster/shared",
	"clusterworkflowplane:openchoreo-cluster/default observedBy "
	"clusterobservabilityplane:openchoreo-cluster/default",
	"clusterobservabilityplane:openchoreo-cluster/default observes "
	"clusterworkflowplane:openchoreo-cluster/default",
};

START_TEST(synthetic_examples_give_the_rows_of_3_2)
{
	PROCESS_FILES(synthetic_files);
	ASSERT_ROWS(synthetic_rows);
}
END_TEST

/* ---- the gate: validateEntityKind ---- */

static char *validate(json_t *e, catalog_kind_accept_fn extra)
{
	struct catalog_validate_errors errs = { 0 };
	char *msg = NULL;

	if (catalog_validate_entity_also(e, extra, &errs) != 0)
		msg = strdup(errs.msgs[0]);
	catalog_validate_errors_free(&errs);
	return msg;
}

START_TEST(gate_off_custom_kind_is_unknown)
{
	json_t *e = load("environment.oracle.production.json");
	char *msg = validate(e, NULL);

	ck_assert_str_eq(msg, "No processor recognized the entity environment:oracle/production "
			      "as valid, possibly caused by a foreign kind or apiVersion");
	free(msg);
	ck_assert_ptr_null(validate(e, catalog_openchoreo_accepts));
	json_decref(e);
}
END_TEST

START_TEST(gate_off_builtins_and_template_still_validate)
{
	static const char *const files[] = { "system.oracle.checkout.json",
		"component.oracle.checkout-service.json", "resource.oracle.orders-db.json",
		"domain.default.oracle.json", "api.oracle.checkout-checkout-service-http.json",
		"template.oracle.template-service.json" };

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		json_t *e = load(files[i]);
		char *msg = validate(e, NULL);

		ck_assert_msg(msg == NULL, "%s: %s", files[i], msg);
		json_decref(e);
	}
}
END_TEST

START_TEST(accepts_the_nineteen_kinds_exactly)
{
	static const char *const kinds[] = { "Environment", "Dataplane", "WorkflowPlane",
		"ObservabilityPlane", "DeploymentPipeline", "ComponentType", "TraitType", "Workflow",
		"ResourceType", "ProjectType", "ObservabilityAlertsNotificationChannel",
		"ClusterComponentType", "ClusterTraitType", "ClusterWorkflow", "ClusterDataplane",
		"ClusterObservabilityPlane", "ClusterWorkflowPlane", "ClusterResourceType",
		"ClusterProjectType" };
	static const char *const not[] = { "environment", "DataPlane", "ClusterDataPlane",
		"System", "Component", "Resource", "Template", "ClusterTrait", "Trait", "" };
	json_t *e;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		e = json_pack("{s:s,s:s}", "apiVersion", "openchoreo.dev/v1alpha1", "kind", kinds[i]);
		ck_assert_msg(catalog_openchoreo_accepts(e), "%s", kinds[i]);
		json_decref(e);
	}
	for (size_t i = 0; i < sizeof(not) / sizeof(*not); i++) {
		e = json_pack("{s:s}", "kind", not[i]);
		ck_assert_msg(!catalog_openchoreo_accepts(e), "%s", not[i]);
		json_decref(e);
	}
	e = json_pack("{s:i}", "kind", 1);
	ck_assert(!catalog_openchoreo_accepts(e));
	json_decref(e);
}
END_TEST

/* No schema on spec: any apiVersion, any spec, even none. */
START_TEST(custom_kind_without_spec_validates)
{
	json_t *e = parse("{\"apiVersion\":\"x/y\",\"kind\":\"TraitType\","
			  "\"metadata\":{\"name\":\"t\"}}");

	ck_assert_ptr_null(validate(e, catalog_openchoreo_accepts));
	json_decref(e);
}
END_TEST

/* The policies still apply to a custom kind. */
START_TEST(custom_kind_still_meets_the_policies)
{
	json_t *e = parse("{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"TraitType\","
			  "\"metadata\":{\"name\":\"bad name!\"},\"spec\":{}}");
	char *msg = validate(e, catalog_openchoreo_accepts);

	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strncmp(msg, "Policy check failed for traittype:default/", 42) == 0, "%s",
		      msg);
	free(msg);
	json_decref(e);
}
END_TEST

/* ---- failures (processing errors) ---- */

/* The message of the relation step of `text`, which must fail and emit nothing. */
static char *emit_fails(const char *text)
{
	json_t *e = parse(text);
	char *err = NULL;
	size_t before = rels.n;

	ck_assert_int_eq(catalog_openchoreo_relations_emit(e, &rels, &err), SH_EINVAL);
	ck_assert_uint_eq(rels.n, before);
	json_decref(e);
	return err;
}

#define CHANNEL(spec) \
	"{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"ObservabilityAlertsNotificationChannel\"," \
	"\"metadata\":{\"name\":\"c\",\"namespace\":\"oracle\"},\"spec\":" spec "}"
#define CHANNEL_ERR "Processor ObservabilityAlertsNotificationChannelEntityProcessor threw an " \
	"error while postprocessing; caused by Error: ObservabilityAlertsNotificationChannel "

START_TEST(channel_checks_of_2_10)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ CHANNEL("{\"environment\":\"production\"}"), "entity must have spec.type" },
		{ CHANNEL("{\"type\":\"\",\"environment\":\"production\"}"),
		  "entity must have spec.type" },
		{ CHANNEL("{\"type\":\"webhook\",\"webhookConfig\":{}}"),
		  "entity must have spec.environment" },
		{ CHANNEL("{\"type\":\"email\",\"environment\":\"production\"}"),
		  "entity with type \"email\" must have spec.emailConfig" },
		{ CHANNEL("{\"type\":\"webhook\",\"environment\":\"production\","
			  "\"webhookConfig\":null}"),
		  "entity with type \"webhook\" must have spec.webhookConfig" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *err = emit_fails(cases[i].text), want[512];

		snprintf(want, sizeof(want), "%s%s", CHANNEL_ERR, cases[i].msg);
		ck_assert_str_eq(err, want);
		free(err);
	}
	/* Another type needs no config. */
	process_text(CHANNEL("{\"type\":\"slack\",\"environment\":\"dev\"}"));
	ck_assert_uint_eq(rels.n, 2);
	ck_assert_str_eq(rels.rows[0].target_ref, "environment:oracle/dev");
}
END_TEST

START_TEST(environment_needs_a_type)
{
	char *err = emit_fails("{\"kind\":\"Environment\",\"metadata\":{\"name\":\"e\","
			       "\"namespace\":\"n\"},\"spec\":{\"domain\":\"default/n\"}}");

	ck_assert_str_eq(err, "Processor EnvironmentEntityProcessor threw an error while "
			      "postprocessing; caused by Error: Environment entity must have spec.type");
	free(err);
	err = emit_fails("{\"kind\":\"Environment\",\"metadata\":{\"name\":\"e\"}}");
	ck_assert_ptr_nonnull(strstr(err, "must have spec.type"));
	free(err);
}
END_TEST

START_TEST(spec_absent_or_null_where_upstream_reads_it)
{
	char *err = emit_fails("{\"kind\":\"Dataplane\",\"metadata\":{\"name\":\"d\","
			       "\"namespace\":\"n\"}}");

	ck_assert_str_eq(err, "Processor DataplaneEntityProcessor threw an error while "
			      "postprocessing; caused by TypeError: Cannot read properties of "
			      "undefined (reading 'domain')");
	free(err);
	err = emit_fails("{\"kind\":\"ClusterDataplane\",\"metadata\":{\"name\":\"d\"},"
			 "\"spec\":null}");
	ck_assert_ptr_nonnull(strstr(err, "of null (reading 'observabilityPlaneRef')"));
	free(err);
	/* Processors that read no spec field, or only through ?., do not mind. */
	process_text("{\"apiVersion\":\"a/b\",\"kind\":\"ClusterTraitType\","
		      "\"metadata\":{\"name\":\"t\"}}");
	process_text("{\"apiVersion\":\"a/b\",\"kind\":\"ClusterWorkflow\","
		      "\"metadata\":{\"name\":\"w\"}}");
	ck_assert_uint_eq(rels.n, 0);
}
END_TEST

START_TEST(bad_refs_throw_except_on_cluster_planes)
{
	char *err = emit_fails("{\"kind\":\"TraitType\",\"metadata\":{\"name\":\"t\","
			       "\"namespace\":\"n\"},\"spec\":{\"domain\":\"default/\"}}");

	ck_assert_str_eq(err, "Processor TraitTypeEntityProcessor threw an error while "
			      "postprocessing; caused by TypeError: Entity reference \"default/\" "
			      "was not on the form [<kind>:][<namespace>/]<name>");
	free(err);
	err = emit_fails("{\"kind\":\"WorkflowPlane\",\"metadata\":{\"name\":\"w\","
			 "\"namespace\":\"n\"},\"spec\":{\"observabilityPlaneRef\":\"x:\"}}");
	ck_assert_ptr_nonnull(strstr(err, "WorkflowPlaneEntityProcessor threw"));
	free(err);
	/* A compound ref without a name: parseEntityRef's plain Error. */
	err = emit_fails("{\"kind\":\"Workflow\",\"metadata\":{\"name\":\"w\","
			 "\"namespace\":\"n\"},\"spec\":{\"domain\":{\"kind\":\"Domain\"}}}");
	ck_assert_ptr_nonnull(strstr(err, "caused by Error: Entity reference"));
	free(err);
	process_text("{\"apiVersion\":\"a/b\",\"kind\":\"ClusterDataplane\",\"metadata\":"
		      "{\"name\":\"d\",\"namespace\":\"openchoreo-cluster\"},"
		      "\"spec\":{\"observabilityPlaneRef\":\"x:\"}}");
	ck_assert_uint_eq(rels.n, 0);
}
END_TEST

/* ---- the defaulting rules and quirks of §3.2 and §6 item 7 ---- */

static void emit_text(const char *text)
{
	json_t *e = parse(text);
	char *err = NULL;

	ck_assert_int_eq(catalog_openchoreo_relations_emit(e, &rels, &err), 0);
	json_decref(e);
}

#define COMPONENT(type, kind) \
	"{\"kind\":\"Component\",\"metadata\":{\"name\":\"c\",\"namespace\":\"n\"," \
	"\"annotations\":{\"openchoreo.io/component-type\":\"" type "\"" kind "}}}"

START_TEST(component_type_prefixes)
{
	static const char *const want[] = {
		"component:n/c instanceOf componenttype:n/service",
		"componenttype:n/service hasInstance component:n/c",
		"component:n/c instanceOf componenttype:n/worker",
		"componenttype:n/worker hasInstance component:n/c",
		"component:n/c instanceOf componenttype:n/nightly",
		"componenttype:n/nightly hasInstance component:n/c",
		"component:n/c instanceOf componenttype:n/batch",
		"componenttype:n/batch hasInstance component:n/c",
		"component:n/c instanceOf componenttype:n/proxy/x",
		"componenttype:n/proxy/x hasInstance component:n/c",
		"component:n/c instanceOf componenttype:n/deployment/",
		"componenttype:n/deployment/ hasInstance component:n/c",
		"component:n/c instanceOf clustercomponenttype:openchoreo-cluster/service",
		"clustercomponenttype:openchoreo-cluster/service hasInstance component:n/c",
		"component:n/c instanceOf componenttype:n/web",
		"componenttype:n/web hasInstance component:n/c",
	};

	emit_text(COMPONENT("deployment/service", ""));
	emit_text(COMPONENT("statefulset/worker", ""));
	emit_text(COMPONENT("cronjob/nightly", ""));
	emit_text(COMPONENT("job/batch", ""));
	emit_text(COMPONENT("proxy/x", ""));
	emit_text(COMPONENT("deployment/", ""));
	emit_text(COMPONENT("deployment/service",
			    ",\"openchoreo.io/component-type-kind\":\"ClusterComponentType\""));
	/* The kind compares exactly. */
	emit_text(COMPONENT("web", ",\"openchoreo.io/component-type-kind\":\"clustercomponenttype\""));
	/* No type annotation, no relation. */
	emit_text(COMPONENT("", ""));
	ASSERT_ROWS(want);
}
END_TEST

START_TEST(environment_dataplane_kind_and_system_kinds)
{
	static const char *const want[] = {
		"environment:n/e hostedOn clusterdataplane:openchoreo-cluster/shared",
		"clusterdataplane:openchoreo-cluster/shared hosts environment:n/e",
		"system:n/s instanceOf projecttype:n/std",
		"projecttype:n/std hasInstance system:n/s",
		"resource:n/r instanceOf resourcetype:n/pg",
		"resourcetype:n/pg hasInstance resource:n/r",
	};

	emit_text("{\"kind\":\"Environment\",\"metadata\":{\"name\":\"e\",\"namespace\":\"n\","
		  "\"annotations\":{\"openchoreo.io/data-plane-ref-kind\":\" clusterDataPlane \"}},"
		  "\"spec\":{\"type\":\"t\",\"dataPlaneRef\":\"shared\"}}");
	/* Exact ClusterProjectType only; no pipeline ref, no usesPipeline. */
	emit_text("{\"kind\":\"System\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\","
		  "\"annotations\":{\"openchoreo.io/project-type\":\"std\","
		  "\"openchoreo.io/project-type-kind\":\"clusterprojecttype\"}},\"spec\":{}}");
	/* Resource's kind annotation absent: namespaced. */
	emit_text("{\"kind\":\"Resource\",\"metadata\":{\"name\":\"r\",\"namespace\":\"n\","
		  "\"annotations\":{\"openchoreo.io/resource-type\":\"pg\"}},\"spec\":{}}");
	ASSERT_ROWS(want);
}
END_TEST

#define WORKFLOW(kind, ann) \
	"{\"kind\":\"" kind "\",\"metadata\":{\"name\":\"w\",\"namespace\":\"n\"," \
	"\"annotations\":{" ann "}},\"spec\":{}}"
#define PLANE "\"openchoreo.io/workflow-plane-ref\":\" p \""
#define PLANE_KIND(k) PLANE ",\"openchoreo.io/workflow-plane-ref-kind\":\"" k "\""

START_TEST(workflow_planes)
{
	static const char *const want[] = {
		"workflow:n/w buildsOn workflowplane:n/p", "workflowplane:n/p builds workflow:n/w",
		"workflow:n/w buildsOn clusterworkflowplane:openchoreo-cluster/p",
		"clusterworkflowplane:openchoreo-cluster/p builds workflow:n/w",
		/* ClusterWorkflow: the cluster namespace for both ends, kind ignored. */
		"clusterworkflow:openchoreo-cluster/w buildsOn "
		"clusterworkflowplane:openchoreo-cluster/p",
		"clusterworkflowplane:openchoreo-cluster/p builds "
		"clusterworkflow:openchoreo-cluster/w",
	};

	emit_text(WORKFLOW("Workflow", PLANE));
	emit_text(WORKFLOW("Workflow", PLANE_KIND("clusterWorkflowPlane")));
	emit_text(WORKFLOW("Workflow", PLANE_KIND("BuildPlane")));
	emit_text(WORKFLOW("Workflow", "\"openchoreo.io/workflow-plane-ref\":\"  \""));
	emit_text(WORKFLOW("ClusterWorkflow", PLANE_KIND("WorkflowPlane")));
	ASSERT_ROWS(want);
}
END_TEST

START_TEST(allowed_workflows)
{
	static const char *const want[] = {
		"componenttype:n/ct usesWorkflow workflow:n/a",
		"workflow:n/a workflowUsedBy componenttype:n/ct",
		"componenttype:n/ct usesWorkflow workflow:n/b",
		"workflow:n/b workflowUsedBy componenttype:n/ct",
		"componenttype:n/ct usesWorkflow clusterworkflow:openchoreo-cluster/c",
		"clusterworkflow:openchoreo-cluster/c workflowUsedBy componenttype:n/ct",
		"componenttype:n/ct usesWorkflow componentworkflow:n/d",
		"componentworkflow:n/d workflowUsedBy componenttype:n/ct",
		"clustercomponenttype:n/cct usesWorkflow clusterworkflow:openchoreo-cluster/a",
		"clusterworkflow:openchoreo-cluster/a workflowUsedBy clustercomponenttype:n/cct",
		"clustercomponenttype:n/cct usesWorkflow workflow:openchoreo-cluster/b",
		"workflow:openchoreo-cluster/b workflowUsedBy clustercomponenttype:n/cct",
	};

	emit_text("{\"kind\":\"ComponentType\",\"metadata\":{\"name\":\"ct\",\"namespace\":\"n\"},"
		  "\"spec\":{\"allowedWorkflows\":[\"a\",{\"name\":\"b\"},"
		  "{\"kind\":\"ClusterWorkflow\",\"name\":\"c\"},"
		  "{\"kind\":\"ComponentWorkflow\",\"name\":\"d\"},{\"kind\":\"Workflow\"},\"\"]}}");
	emit_text("{\"kind\":\"ClusterComponentType\",\"metadata\":{\"name\":\"cct\","
		  "\"namespace\":\"n\"},\"spec\":{\"allowedWorkflows\":[\"a\","
		  "{\"kind\":\"Workflow\",\"name\":\"b\"}]}}");
	ASSERT_ROWS(want);
}
END_TEST

START_TEST(pipeline_environments_once_in_first_seen_order)
{
	static const char *const order[] = { "environment:n/dev", "environment:n/qa",
					     "environment:n/prod" };

	emit_text("{\"kind\":\"DeploymentPipeline\",\"metadata\":{\"name\":\"p\","
		  "\"namespace\":\"n\"},\"spec\":{\"promotionPaths\":["
		  "{\"sourceEnvironment\":\"dev\",\"targetEnvironments\":[{\"name\":\"qa\"},"
		  "{\"name\":\"prod\"}]},{\"sourceEnvironment\":\"qa\",\"targetEnvironments\":"
		  "[{\"name\":\"prod\"},{}]},{\"sourceEnvironment\":\"\"}]}}");
	ck_assert_uint_eq(rels.n, 6);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(rels.rows[2 * i].type, "deploysTo");
		ck_assert_str_eq(rels.rows[2 * i].target_ref, order[i]);
		ck_assert_str_eq(rels.rows[2 * i + 1].type, "deployedBy");
	}
}
END_TEST

START_TEST(explicit_kinds_in_refs_are_kept)
{
	static const char *const want[] = {
		"dataplane:n/d observedBy clusterobservabilityplane:openchoreo-cluster/o",
		"clusterobservabilityplane:openchoreo-cluster/o observes dataplane:n/d",
		"dataplane:n/d partOf domain:other/x", "domain:other/x hasPart dataplane:n/d",
	};

	emit_text("{\"kind\":\"Dataplane\",\"metadata\":{\"name\":\"d\",\"namespace\":\"n\"},"
		  "\"spec\":{\"domain\":\"Domain:other/X\",\"observabilityPlaneRef\":"
		  "\"ClusterObservabilityPlane:openchoreo-cluster/o\"}}");
	ASSERT_ROWS(want);
}
END_TEST

/* ---- pre-processing ---- */

START_TEST(environment_is_production_default)
{
	json_t *e = parse("{\"kind\":\"Environment\",\"metadata\":{\"name\":\"e\"},"
			  "\"spec\":{\"type\":\"production\"}}");
	char *text;

	catalog_openchoreo_preprocess(e);
	text = json_dumps(json_object_get(e, "spec"), JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(text, "{\"type\":\"production\",\"isProduction\":true}");
	free(text);
	json_decref(e);
	e = parse("{\"kind\":\"Environment\",\"metadata\":{\"name\":\"e\"},"
		  "\"spec\":{\"isProduction\":null}}");
	catalog_openchoreo_preprocess(e);
	ck_assert(json_is_null(json_object_get(json_object_get(e, "spec"), "isProduction")));
	json_decref(e);
	e = parse("{\"kind\":\"Environment\",\"metadata\":{\"name\":\"e\"},\"spec\":{}}");
	catalog_openchoreo_preprocess(e);
	ck_assert(json_is_false(json_object_get(json_object_get(e, "spec"), "isProduction")));
	json_decref(e);
	e = parse("{\"kind\":\"Dataplane\",\"metadata\":{\"name\":\"e\"},\"spec\":{}}");
	catalog_openchoreo_preprocess(e);
	ck_assert_uint_eq(json_object_size(json_object_get(e, "spec")), 0);
	json_decref(e);
}
END_TEST

/* Kinds no processor of ours handles emit nothing. */
START_TEST(other_kinds_emit_nothing)
{
	emit_text("{\"kind\":\"Group\",\"metadata\":{\"name\":\"g\",\"namespace\":\"n\"},"
		  "\"spec\":{\"domain\":\"x\"}}");
	emit_text("{\"kind\":\"ClusterResourceType\",\"metadata\":{\"name\":\"r\"},"
		  "\"spec\":{\"domain\":\"x\"}}");
	ck_assert_uint_eq(rels.n, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("catalog_kinds_openchoreo");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, fixture_world_gives_the_rows_of_3_3);
	tcase_add_test(t, synthetic_examples_give_the_rows_of_3_2);
	tcase_add_test(t, gate_off_custom_kind_is_unknown);
	tcase_add_test(t, gate_off_builtins_and_template_still_validate);
	tcase_add_test(t, accepts_the_nineteen_kinds_exactly);
	tcase_add_test(t, custom_kind_without_spec_validates);
	tcase_add_test(t, custom_kind_still_meets_the_policies);
	tcase_add_test(t, channel_checks_of_2_10);
	tcase_add_test(t, environment_needs_a_type);
	tcase_add_test(t, spec_absent_or_null_where_upstream_reads_it);
	tcase_add_test(t, bad_refs_throw_except_on_cluster_planes);
	tcase_add_test(t, component_type_prefixes);
	tcase_add_test(t, environment_dataplane_kind_and_system_kinds);
	tcase_add_test(t, workflow_planes);
	tcase_add_test(t, allowed_workflows);
	tcase_add_test(t, pipeline_environments_once_in_first_seen_order);
	tcase_add_test(t, explicit_kinds_in_refs_are_kept);
	tcase_add_test(t, environment_is_production_default);
	tcase_add_test(t, other_kinds_emit_nothing);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
