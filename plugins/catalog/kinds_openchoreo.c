/*
 * OpenChoreo's catalog processors (openchoreo-provider.md §3.2), one table
 * row per processor: the kind it accepts, the name its errors carry, and the
 * steps its postProcessEntity runs in order.  Each step emits a forward and
 * an inverse row, with the defaults and quirks of §3.2 and §6 item 7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "kinds_openchoreo.h"
#include "ref.h"

#define CLUSTER_NS CATALOG_OPENCHOREO_CLUSTER_NS

/* What every step of one entity reads. */
struct ent {
	const struct processor *p;
	const json_t *spec;
	const json_t *ann;      /* metadata.annotations */
	const char *ns;         /* ns(e): the entity's namespace or the processor's default */
	char *self;             /* the source ref */
};

typedef int (*step_fn)(const struct ent *e, struct catalog_relations *out, char **err);

/* Where ns(e) comes from: metadata.namespace, else "default" (namespaced
 * processors) or openchoreo-cluster (cluster ones); ClusterWorkflow's
 * processor always uses openchoreo-cluster, whatever the entity says. */
enum ns_rule { NS_OR_DEFAULT, NS_OR_CLUSTER, NS_CLUSTER };

struct processor {
	const char *kind;
	const char *name;       /* getProcessorName(), named by errors */
	int custom;             /* its validateEntityKind accepts `kind` */
	enum ns_rule ns;
	const char *reads;      /* the spec key read first as entity.spec.<key>: a
				   TypeError when spec is absent or null */
	step_fn steps[3];
};

/* ---- helpers ---- */

/* The string value of `key` in obj, or NULL when absent or not a string. */
static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A copy of s without leading and trailing blanks (String.prototype.trim,
 * ASCII blanks only). */
static char *trim(const char *s)
{
	size_t n;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	return sh_xstrndup(s, n);
}

/* The forward row self -> kind:ns/name and its inverse. */
static void pair(const struct ent *e, struct catalog_relations *out, const char *fwd,
		 const char *inv, const char *kind, const char *ns, const char *name)
{
	char *target = catalog_ref_format(kind, ns, name);

	catalog_relations_push(out, e->self, fwd, target);
	catalog_relations_push(out, target, inv, e->self);
	free(target);
}

/* A processor's throw, as Backstage's orchestrator wraps it. */
static int thrown(const struct ent *e, char **err, const char *cls, const char *msg)
{
	*err = sh_xasprintf("Processor %s threw an error while postprocessing; caused by %s: %s",
			    e->p->name, cls, msg);
	return SH_EINVAL;
}

/*
 * parseEntityRef(v, {defaultKind, defaultNamespace}) into the pair
 * fwd/inv.  A value that is not a ref throws (parseRefString's TypeError,
 * parseEntityRef's own Error) unless `lenient`, which drops the relation.
 */
static int pair_parsed(const struct ent *e, struct catalog_relations *out, const json_t *v,
		       const char *def_kind, const char *def_ns, const char *fwd, const char *inv,
		       int lenient, char **err)
{
	struct catalog_ref ref;
	char *msg;
	int rc = 0;

	if (catalog_ref_parse_json(v, def_kind, def_ns, &ref, &msg) != 0) {
		if (!lenient)
			rc = thrown(e, err, strstr(msg, "was not on the form") ? "TypeError" : "Error",
				    msg);
		free(msg);
		return rc;
	}
	pair(e, out, fwd, inv, ref.kind, ref.namespace, ref.name);
	catalog_ref_clear(&ref);
	return 0;
}

/* ---- checks ---- */

/* entity.spec.<key> on an entity without spec (no schema requires one). */
static int no_spec(const struct ent *e, char **err)
{
	char *msg = sh_xasprintf("Cannot read properties of %s (reading '%s')",
				 e->spec ? "null" : "undefined", e->p->reads);
	int rc = thrown(e, err, "TypeError", msg);

	free(msg);
	return rc;
}

static int check_environment(const struct ent *e, struct catalog_relations *out, char **err)
{
	(void)out;
	if (catalog_relations_falsy(json_object_get(e->spec, "type")))
		return thrown(e, err, "Error", "Environment entity must have spec.type");
	return 0;
}

/* §2.10: what the channel's processor demands before it relates anything. */
static int check_channel(const struct ent *e, struct catalog_relations *out, char **err)
{
	const char *type = str(e->spec, "type");
	const char *msg = NULL;

	(void)out;
	if (catalog_relations_falsy(json_object_get(e->spec, "type")))
		msg = "ObservabilityAlertsNotificationChannel entity must have spec.type";
	else if (catalog_relations_falsy(json_object_get(e->spec, "environment")))
		msg = "ObservabilityAlertsNotificationChannel entity must have spec.environment";
	else if (type && !strcmp(type, "email") &&
		 catalog_relations_falsy(json_object_get(e->spec, "emailConfig")))
		msg = "ObservabilityAlertsNotificationChannel entity with type \"email\" must "
		      "have spec.emailConfig";
	else if (type && !strcmp(type, "webhook") &&
		 catalog_relations_falsy(json_object_get(e->spec, "webhookConfig")))
		msg = "ObservabilityAlertsNotificationChannel entity with type \"webhook\" must "
		      "have spec.webhookConfig";
	return msg ? thrown(e, err, "Error", msg) : 0;
}

/* ---- steps of the custom kinds ---- */

static int part_of_domain(const struct ent *e, struct catalog_relations *out, char **err)
{
	const json_t *v = json_object_get(e->spec, "domain");

	if (catalog_relations_falsy(v))
		return 0;
	return pair_parsed(e, out, v, "domain", e->ns, "partOf", "hasPart", 0, err);
}

static int hosted_on(const struct ent *e, struct catalog_relations *out, char **err)
{
	const char *name = str(e->spec, "dataPlaneRef");
	const char *kind = str(e->ann, "openchoreo.io/data-plane-ref-kind");
	char *k = trim(kind ? kind : "");

	(void)err;
	if (name && *name) {
		if (!strcasecmp(k, "clusterdataplane"))
			pair(e, out, "hostedOn", "hosts", "clusterdataplane", CLUSTER_NS, name);
		else
			pair(e, out, "hostedOn", "hosts", "dataplane", e->ns, name);
	}
	free(k);
	return 0;
}

/* Namespaced planes: the ref's kind defaults to observabilityplane even when
 * the CR points at a ClusterObservabilityPlane (§6 item 7). */
static int observed_by(const struct ent *e, struct catalog_relations *out, char **err)
{
	const json_t *v = json_object_get(e->spec, "observabilityPlaneRef");

	if (catalog_relations_falsy(v))
		return 0;
	return pair_parsed(e, out, v, "observabilityplane", e->ns, "observedBy", "observes", 0,
			   err);
}

/* Cluster planes: an unparsable ref gives no relation instead of an error. */
static int cluster_observed_by(const struct ent *e, struct catalog_relations *out, char **err)
{
	const json_t *v = json_object_get(e->spec, "observabilityPlaneRef");

	if (catalog_relations_falsy(v))
		return 0;
	return pair_parsed(e, out, v, "clusterobservabilityplane", CLUSTER_NS, "observedBy",
			   "observes", 1, err);
}

/* One deploysTo per distinct environment name of promotionPaths, sources
 * and targets in first-seen order. */
static void deploy_to(const struct ent *e, struct catalog_relations *out, json_t *seen,
		      const char *env)
{
	if (!env || !*env || json_object_get(seen, env))
		return;
	json_object_set_new(seen, env, json_true());
	pair(e, out, "deploysTo", "deployedBy", "environment", e->ns, env);
}

static int deploys_to(const struct ent *e, struct catalog_relations *out, char **err)
{
	const json_t *paths = json_object_get(e->spec, "promotionPaths"), *path, *t;
	json_t *seen = json_object();
	size_t i, j;

	(void)err;
	json_array_foreach(paths, i, path) {
		deploy_to(e, out, seen, str(path, "sourceEnvironment"));
		json_array_foreach(json_object_get(path, "targetEnvironments"), j, t)
			deploy_to(e, out, seen, str(t, "name"));
	}
	json_decref(seen);
	return 0;
}

/*
 * allowedWorkflows: a string entry names a workflow of the default kind, an
 * object {kind?, name}; ComponentType's default kind is Workflow (its
 * ClusterWorkflows live in openchoreo-cluster), ClusterComponentType's is
 * ClusterWorkflow and every target lives in openchoreo-cluster.
 */
static int uses_workflow(const struct ent *e, struct catalog_relations *out, char **err)
{
	int cluster = e->p->ns != NS_OR_DEFAULT;
	const char *def = cluster ? "ClusterWorkflow" : "Workflow", *name, *kind;
	const json_t *w;
	size_t i;

	(void)err;
	json_array_foreach(json_object_get(e->spec, "allowedWorkflows"), i, w) {
		name = json_is_string(w) ? json_string_value(w) : str(w, "name");
		kind = json_is_string(w) ? def : str(w, "kind");
		if (!name || !*name)
			continue;
		if (!kind || !*kind)
			kind = def;
		pair(e, out, "usesWorkflow", "workflowUsedBy", kind,
		     cluster || !strcasecmp(kind, "clusterworkflow") ? CLUSTER_NS : e->ns, name);
	}
	return 0;
}

/* Workflow: the plane from its annotations; a kind other than
 * (Cluster)WorkflowPlane gives no relation (§6 item 17). */
static int builds_on(const struct ent *e, struct catalog_relations *out, char **err)
{
	const char *ref = str(e->ann, "openchoreo.io/workflow-plane-ref");
	const char *kind = str(e->ann, "openchoreo.io/workflow-plane-ref-kind");
	char *r = trim(ref ? ref : ""), *k = trim(kind ? kind : "");

	(void)err;
	if (*r && (!*k || !strcasecmp(k, "workflowplane")))
		pair(e, out, "buildsOn", "builds", "workflowplane", e->ns, r);
	else if (*r && !strcasecmp(k, "clusterworkflowplane"))
		pair(e, out, "buildsOn", "builds", "clusterworkflowplane", CLUSTER_NS, r);
	free(r);
	free(k);
	return 0;
}

/* ClusterWorkflow: always a ClusterWorkflowPlane, the kind annotation ignored. */
static int cluster_builds_on(const struct ent *e, struct catalog_relations *out, char **err)
{
	const char *ref = str(e->ann, "openchoreo.io/workflow-plane-ref");
	char *r = trim(ref ? ref : "");

	(void)err;
	if (*r)
		pair(e, out, "buildsOn", "builds", "clusterworkflowplane", CLUSTER_NS, r);
	free(r);
	return 0;
}

/* The relation fwd/inv to `kind` in ns(e) named by the string spec.<field>. */
static int spec_named(const struct ent *e, struct catalog_relations *out, const char *field,
		      const char *fwd, const char *inv, const char *kind)
{
	const char *name = str(e->spec, field);

	if (name && *name)
		pair(e, out, fwd, inv, kind, e->ns, name);
	return 0;
}

/* The channel is notifiedBy its environment (the inverse: notifies). */
static int notified_by(const struct ent *e, struct catalog_relations *out, char **err)
{
	(void)err;
	return spec_named(e, out, "environment", "notifiedBy", "notifies", "environment");
}

/* ---- steps of the built-in kinds ---- */

static int uses_pipeline(const struct ent *e, struct catalog_relations *out, char **err)
{
	(void)err;
	return spec_named(e, out, "deploymentPipelineRef", "usesPipeline", "pipelineUsedBy",
			  "deploymentpipeline");
}

/* The type name without a leading workload type: /^(?:deployment|statefulset|
 * cronjob|job)\/(.+)$/ ('.' matches no line terminator), else the whole. */
static const char *component_type_name(const char *t)
{
	static const char *const prefixes[] = { "deployment/", "statefulset/", "cronjob/", "job/" };
	const char *rest;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		if (strncmp(t, prefixes[i], strlen(prefixes[i])) != 0)
			continue;
		rest = t + strlen(prefixes[i]);
		if (*rest && !strpbrk(rest, "\n\r") && !strstr(rest, "\xe2\x80\xa8") &&
		    !strstr(rest, "\xe2\x80\xa9"))
			return rest;
	}
	return t;
}

/*
 * instanceOf the type the annotation `type_key` names (a component type
 * without its workload prefix): the cluster kind in openchoreo-cluster when
 * the annotation `kind_key` is exactly `cluster_kind`, else the namespaced
 * kind `ns_kind` in ns(e).
 */
static int instance_of(const struct ent *e, struct catalog_relations *out, const char *type_key,
		       const char *kind_key, const char *cluster_kind, const char *ns_kind)
{
	const char *type = str(e->ann, type_key), *kind = str(e->ann, kind_key);

	if (!type || !*type)
		return 0;
	if (!strcmp(type_key, "openchoreo.io/component-type"))
		type = component_type_name(type);
	if (kind && !strcmp(kind, cluster_kind))
		pair(e, out, "instanceOf", "hasInstance", cluster_kind, CLUSTER_NS, type);
	else
		pair(e, out, "instanceOf", "hasInstance", ns_kind, e->ns, type);
	return 0;
}

static int system_instance_of(const struct ent *e, struct catalog_relations *out, char **err)
{
	(void)err;
	return instance_of(e, out, "openchoreo.io/project-type", "openchoreo.io/project-type-kind",
			   "ClusterProjectType", "projecttype");
}

static int resource_instance_of(const struct ent *e, struct catalog_relations *out, char **err)
{
	(void)err;
	return instance_of(e, out, "openchoreo.io/resource-type",
			   "openchoreo.io/resource-type-kind", "ClusterResourceType", "resourcetype");
}

static int component_instance_of(const struct ent *e, struct catalog_relations *out,
				 char **err)
{
	(void)err;
	return instance_of(e, out, "openchoreo.io/component-type",
			   "openchoreo.io/component-type-kind", "ClusterComponentType",
			   "componenttype");
}

/* In module.ts's registration order, which is the order errors would win in. */
static const struct processor processors[] = {
	{ "Environment", "EnvironmentEntityProcessor", 1, NS_OR_DEFAULT, NULL,
	  { check_environment, part_of_domain, hosted_on } },
	{ "Dataplane", "DataplaneEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain, observed_by } },
	{ "WorkflowPlane", "WorkflowPlaneEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain, observed_by } },
	{ "ObservabilityPlane", "ObservabilityPlaneEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain } },
	{ "DeploymentPipeline", "DeploymentPipelineEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain, deploys_to } },
	{ "Component", "ComponentEntityProcessor", 0, NS_OR_DEFAULT, NULL,
	  { component_instance_of } },
	{ "Resource", "ResourceEntityProcessor", 0, NS_OR_DEFAULT, NULL,
	  { resource_instance_of } },
	{ "ComponentType", "ComponentTypeEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain, uses_workflow } },
	{ "TraitType", "TraitTypeEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain } },
	{ "Workflow", "WorkflowEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain, builds_on } },
	{ "ClusterComponentType", "ClusterComponentTypeEntityProcessor", 1, NS_OR_CLUSTER,
	  "allowedWorkflows", { uses_workflow } },
	{ "ClusterTraitType", "ClusterTraitTypeEntityProcessor", 1, NS_OR_CLUSTER, NULL,
	  { NULL } },
	{ "ClusterDataplane", "ClusterDataplaneEntityProcessor", 1, NS_OR_CLUSTER,
	  "observabilityPlaneRef", { cluster_observed_by } },
	{ "ClusterObservabilityPlane", "ClusterObservabilityPlaneEntityProcessor", 1,
	  NS_OR_CLUSTER, NULL, { NULL } },
	{ "ClusterWorkflowPlane", "ClusterWorkflowPlaneEntityProcessor", 1, NS_OR_CLUSTER,
	  "observabilityPlaneRef", { cluster_observed_by } },
	{ "ClusterWorkflow", "ClusterWorkflowEntityProcessor", 1, NS_CLUSTER, NULL,
	  { cluster_builds_on } },
	{ "ClusterResourceType", "ClusterResourceTypeEntityProcessor", 1, NS_OR_CLUSTER, NULL,
	  { NULL } },
	{ "ResourceType", "ResourceTypeEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain } },
	{ "ClusterProjectType", "ClusterProjectTypeEntityProcessor", 1, NS_OR_CLUSTER, NULL,
	  { NULL } },
	{ "ProjectType", "ProjectTypeEntityProcessor", 1, NS_OR_DEFAULT, "domain",
	  { part_of_domain } },
	{ "System", "OpenChoreoSystemEntityProcessor", 0, NS_OR_DEFAULT, NULL,
	  { uses_pipeline, system_instance_of } },
	{ "ObservabilityAlertsNotificationChannel",
	  "ObservabilityAlertsNotificationChannelEntityProcessor", 1, NS_OR_DEFAULT, NULL,
	  { check_channel, notified_by } },
};

static const struct processor *processor_of(const json_t *entity)
{
	const char *kind = str(entity, "kind");

	for (size_t i = 0; kind && i < sizeof(processors) / sizeof(*processors); i++)
		if (!strcmp(processors[i].kind, kind))
			return &processors[i];
	return NULL;
}

int catalog_openchoreo_accepts(const json_t *entity)
{
	const struct processor *p = processor_of(entity);

	return p && p->custom;
}

void catalog_openchoreo_preprocess(json_t *entity)
{
	json_t *spec = json_object_get(entity, "spec");
	const char *kind = str(entity, "kind"), *type;

	if (!kind || strcmp(kind, "Environment") != 0 || !json_is_object(spec) ||
	    json_object_get(spec, "isProduction"))
		return;
	type = str(spec, "type");
	json_object_set_new(spec, "isProduction", json_boolean(type && !strcmp(type, "production")));
}

int catalog_openchoreo_relations_emit(const json_t *entity, struct catalog_relations *out,
				      char **err)
{
	const json_t *meta = json_object_get(entity, "metadata");
	const char *name = str(meta, "name"), *ns = str(meta, "namespace");
	struct ent e = { processor_of(entity), json_object_get(entity, "spec"),
			 json_object_get(meta, "annotations"), NULL, NULL };
	size_t start = out->n;
	int rc = 0;

	*err = NULL;
	if (!e.p || !name)
		return 0;
	e.ns = ns && *ns && e.p->ns != NS_CLUSTER ? ns
	       : e.p->ns == NS_OR_DEFAULT ? "default" : CLUSTER_NS;
	e.self = catalog_ref_format(e.p->kind, e.ns, name);
	if (e.p->reads && (!e.spec || json_is_null(e.spec)))
		rc = no_spec(&e, err);
	for (size_t i = 0; i < 3 && e.p->steps[i] && !rc; i++)
		rc = e.p->steps[i](&e, out, err);
	if (rc)
		catalog_relations_truncate(out, start);
	free(e.self);
	return rc;
}
