/*
 * The six plane kinds (spec §2.7–§2.9 and their cluster forms in §2.17)
 * share one shape: the Created condition as status, the agent connection,
 * an observability-plane ref or an observer URL.  One row per kind says
 * how each differs; oc_tr_plane builds all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>

#include "translate.h"

enum obs_ref {
	REF_NONE,        /* no observability-plane ref (observability planes) */
	REF_QUALIFIED,   /* always present: "", "{ns}/{name}" or a name with '/' */
	REF_PLAIN,       /* only when set, the name as is (cluster planes) */
};

struct plane {
	enum oc_kind kind;
	const char *noun;     /* description fallback "{name} <noun>" */
	const char *tag;      /* the second tag */
	const char *label;    /* the plane's own label */
	enum obs_ref ref;
	bool observer_url;    /* annotation observer-url? and spec.observerURL? */
	bool gateway;         /* spec.gateway? */
};

static const struct plane planes[] = {
	{ OC_DATAPLANE, " dataplane", "dataplane", "openchoreo.io/dataplane",
	  REF_QUALIFIED, false, true },
	{ OC_WORKFLOWPLANE, " workflow plane", "workflowplane", "openchoreo.io/workflowplane",
	  REF_QUALIFIED, false, false },
	{ OC_OBSERVABILITYPLANE, " observability plane", "observabilityplane",
	  "openchoreo.io/observabilityplane", REF_NONE, true, false },
	{ OC_CLUSTERDATAPLANE, " cluster data plane", "cluster-dataplane",
	  "openchoreo.io/cluster-dataplane", REF_PLAIN, false, true },
	{ OC_CLUSTEROBSERVABILITYPLANE, " cluster observability plane",
	  "cluster-observabilityplane", "openchoreo.io/cluster-observabilityplane",
	  REF_NONE, true, false },
	{ OC_CLUSTERWORKFLOWPLANE, " cluster workflow plane", "cluster-workflowplane",
	  "openchoreo.io/cluster-workflowplane", REF_PLAIN, false, false },
};

static const struct plane *plane_of(enum oc_kind kind)
{
	for (size_t i = 0; i < sizeof(planes) / sizeof(planes[0]); i++)
		if (planes[i].kind == kind)
			return &planes[i];
	return NULL;
}

/* The observability-plane ref as the row wants it (malloc'd), or NULL. */
static char *obs_ref(const struct plane *p, const struct oc_src *s)
{
	const char *name = oc_nonempty(s->item, "spec.observabilityPlaneRef.name");

	if (p->ref == REF_NONE || (p->ref == REF_PLAIN && name == NULL))
		return NULL;
	if (name == NULL)
		return sh_xstrdup("");
	if (p->ref == REF_PLAIN || strchr(name, '/') != NULL)
		return sh_xstrdup(name);
	return sh_xasprintf("%s/%s", s->ns, name);
}

/* agent-connected, -count and -last-connected? when status.agentConnection is an object. */
static void put_agent(json_t *ann, const json_t *item)
{
	const json_t *agent = oc_at(item, "status.agentConnection");
	const json_t *count;
	char num[32] = "0";

	if (!json_is_object(agent))
		return;
	count = json_object_get(agent, "connectedAgents");
	if (json_is_integer(count))
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(count));
	oc_put(ann, "openchoreo.io/agent-connected",
	       json_is_true(json_object_get(agent, "connected")) ? "true" : "false");
	oc_put(ann, "openchoreo.io/agent-connected-count", num);
	oc_put_opt(ann, "openchoreo.io/agent-last-connected",
		   oc_str(agent, "lastConnectedTime"));
}

static json_t *plane_annotations(const struct plane *p, const struct oc_src *s,
				 const char *ref)
{
	json_t *ann = oc_annotations_new();

	oc_put_namespace(ann, s);
	oc_put_created(ann, s, true);
	oc_put(ann, "openchoreo.io/status", oc_ready_word(oc_condition(s->item, "Created")));
	if (ref != NULL)
		oc_put(ann, "openchoreo.io/observability-plane-ref", ref);
	if (p->observer_url)
		oc_put_opt(ann, "openchoreo.io/observer-url", oc_str(s->item, "spec.observerURL"));
	put_agent(ann, s->item);
	oc_put_deletion(ann, s);
	return ann;
}

json_t *oc_tr_plane(const struct oc_src *s)
{
	const struct plane *p = plane_of(s->kind);
	char *ref = obs_ref(p, s);
	json_t *meta = oc_meta(s, "nstd", oc_description(s, "", p->noun),
			       oc_tags("openchoreo", p->tag, "infrastructure", NULL));
	json_t *ann = plane_annotations(p, s, ref);
	json_t *spec = json_object();

	oc_put_domain(spec, s);
	if (p->gateway)
		json_object_set_new(spec, "gateway", oc_gateway(s->item));
	if (ref != NULL)
		oc_put(spec, "observabilityPlaneRef", ref);
	if (p->observer_url)
		oc_put_opt(spec, "observerURL", oc_str(s->item, "spec.observerURL"));
	free(ref);
	return oc_entity(oc_kinds[s->kind].entity_kind, meta, ann, oc_labels_new(p->label), spec);
}
