/*
 * OpenChoreo's kinds in the catalog (openchoreo-provider.md §3): what
 * OpenChoreo's catalog processors add to Backstage's, re-done as pure
 * functions.  The catalog calls them only while [features] openchoreo is
 * on (catalog_state.openchoreo); off, the custom kinds are unknown kinds.
 *
 * The kinds: Environment, Dataplane, WorkflowPlane, ObservabilityPlane,
 * DeploymentPipeline, ComponentType, TraitType, Workflow, ResourceType,
 * ProjectType, ObservabilityAlertsNotificationChannel, and ClusterComponentType,
 * ClusterTraitType, ClusterWorkflow, ClusterDataplane,
 * ClusterObservabilityPlane, ClusterWorkflowPlane, ClusterResourceType,
 * ClusterProjectType.  Each processor's validateEntityKind compares the
 * kind alone (exact case, any apiVersion) and applies no schema to `spec`.
 */
#ifndef CATALOG_KINDS_OPENCHOREO_H
#define CATALOG_KINDS_OPENCHOREO_H

#include <jansson.h>

#include "relations.h"

/* The pseudo-namespace of the cluster-scoped kinds. */
#define CATALOG_OPENCHOREO_CLUSTER_NS "openchoreo-cluster"

/* 1 when `entity`'s kind (a string) is one of the custom kinds above, else 0:
 * the validateEntityKind step, a catalog_kind_accept_fn (validate.h). */
int catalog_openchoreo_accepts(const json_t *entity);

/*
 * The pre-processing step (before validation): an Environment whose
 * object `spec` has no `isProduction` gets
 * isProduction = (spec.type == "production"), appended to `spec`.
 * Any other entity is left alone.
 */
void catalog_openchoreo_preprocess(json_t *entity);

/*
 * The post-processing step, after the built-in relations (relations.h) of
 * a validated entity whose namespace is set: appends to *out the forward
 * and the inverse row of every relation of §3.2 that `entity` emits (the
 * custom kinds, and usesPipeline/instanceOf of any System, instanceOf of any
 * Component and Resource).  Refs are lower-cased kind:namespace/name.
 *
 * Returns 0, or SH_EINVAL with a malloc'd message in *err and nothing
 * appended, as Backstage words a processor that threw:
 * "Processor EnvironmentEntityProcessor threw an error while postprocessing;
 * caused by Error: Environment entity must have spec.type".  The failures:
 * an Environment without spec.type; a notification channel without
 * spec.type or spec.environment, of type email without spec.emailConfig or
 * of type webhook without spec.webhookConfig (§2.10); a spec.domain or a
 * namespaced plane's spec.observabilityPlaneRef that is not an entity ref.
 * A name that is not a string (spec.dataPlaneRef: 5) gives no relation.
 */
int catalog_openchoreo_relations_emit(const json_t *entity, struct catalog_relations *out,
				      char **err);

#endif
