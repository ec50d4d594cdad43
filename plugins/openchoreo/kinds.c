/*
 * What the OpenChoreo API has and what each resource becomes: one row per
 * kind the provider lists or an event names (spec §1.2, §4.2).  The order
 * is enum oc_kind's; the sync walks its own order (sync.c), not this one.
 */
#include <stddef.h>
#include <strings.h>

#include "openchoreo.h"

#define NS false      /* under /api/v1/namespaces/{ns}/ */
#define CLUSTER true  /* under /api/v1/ */
#define PAGED true
#define UNPAGED false

const struct oc_kind_info oc_kinds[OC_KIND_COUNT] = {
	{ OC_NAMESPACE, "namespace", "namespaces", "Domain", CLUSTER, PAGED, NULL, false },
	{ OC_ENVIRONMENT, "environment", "environments", "Environment", NS, PAGED, NULL, false },
	{ OC_CHANNEL, "observabilityalertsnotificationchannel",
	  "observabilityalertsnotificationchannels", "ObservabilityAlertsNotificationChannel",
	  NS, PAGED, NULL, false },
	{ OC_DATAPLANE, "dataplane", "dataplanes", "Dataplane", NS, PAGED, NULL, false },
	{ OC_WORKFLOWPLANE, "workflowplane", "workflowplanes", "WorkflowPlane", NS, UNPAGED,
	  NULL, false },
	{ OC_OBSERVABILITYPLANE, "observabilityplane", "observabilityplanes",
	  "ObservabilityPlane", NS, UNPAGED, NULL, false },
	{ OC_PROJECT, "project", "projects", "System", NS, PAGED, NULL, false },
	{ OC_PIPELINE, "deploymentpipeline", "deploymentpipelines", "DeploymentPipeline", NS,
	  UNPAGED, NULL, false },
	{ OC_COMPONENT, "component", "components", "Component", NS, PAGED, NULL, false },
	{ OC_WORKLOAD, "workload", "workloads", NULL, NS, UNPAGED, NULL, false },
	{ OC_COMPONENTTYPE, "componenttype", "componenttypes", "ComponentType", NS, PAGED,
	  "template-", true },
	{ OC_TRAIT, "trait", "traits", "TraitType", NS, PAGED, NULL, false },
	{ OC_RESOURCETYPE, "resourcetype", "resourcetypes", "ResourceType", NS, PAGED,
	  "template-resource-", true },
	{ OC_PROJECTTYPE, "projecttype", "projecttypes", "ProjectType", NS, PAGED,
	  "template-project-", false },
	{ OC_RESOURCE, "resource", "resources", "Resource", NS, PAGED, NULL, false },
	{ OC_WORKFLOW, "workflow", "workflows", "Workflow", NS, PAGED, NULL, false },
	{ OC_CLUSTERCOMPONENTTYPE, "clustercomponenttype", "clustercomponenttypes",
	  "ClusterComponentType", CLUSTER, PAGED, "template-", true },
	{ OC_CLUSTERRESOURCETYPE, "clusterresourcetype", "clusterresourcetypes",
	  "ClusterResourceType", CLUSTER, PAGED, "template-resource-", true },
	{ OC_CLUSTERPROJECTTYPE, "clusterprojecttype", "clusterprojecttypes",
	  "ClusterProjectType", CLUSTER, PAGED, "template-project-", false },
	{ OC_CLUSTERTRAIT, "clustertrait", "clustertraits", "ClusterTraitType", CLUSTER, PAGED,
	  NULL, false },
	{ OC_CLUSTERWORKFLOW, "clusterworkflow", "clusterworkflows", "ClusterWorkflow", CLUSTER,
	  PAGED, NULL, false },
	{ OC_CLUSTERDATAPLANE, "clusterdataplane", "clusterdataplanes", "ClusterDataplane",
	  CLUSTER, PAGED, NULL, false },
	{ OC_CLUSTEROBSERVABILITYPLANE, "clusterobservabilityplane", "clusterobservabilityplanes",
	  "ClusterObservabilityPlane", CLUSTER, PAGED, NULL, false },
	{ OC_CLUSTERWORKFLOWPLANE, "clusterworkflowplane", "clusterworkflowplanes",
	  "ClusterWorkflowPlane", CLUSTER, PAGED, NULL, false },
};

const struct oc_kind_info *oc_kind_by_event(const char *kind)
{
	if (kind == NULL)
		return NULL;
	for (size_t i = 0; i < OC_KIND_COUNT; i++)
		if (strcasecmp(oc_kinds[i].event, kind) == 0)
			return &oc_kinds[i];
	return NULL;
}
