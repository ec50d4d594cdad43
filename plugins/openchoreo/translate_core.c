/*
 * The organisation kinds: an OpenChoreo Namespace becomes a Domain (spec
 * §2.1), a Project a System (§2.2).  Components and their APIs are in
 * translate_component.c.
 */
#include <stdlib.h>

#include <stagehand/alloc.h>

#include "translate.h"

json_t *oc_tr_namespace(const struct oc_src *s)
{
	json_t *meta = oc_meta(s, "ntd", oc_description(s, "", ""),
			       oc_tags("openchoreo", "namespace", "domain", NULL));
	json_t *ann = oc_annotations_new();
	json_t *spec = json_object();

	oc_put(ann, "openchoreo.io/namespace", s->name);
	oc_put_created(ann, s, false);
	oc_put_opt(ann, "openchoreo.io/status", oc_str(s->item, "status.phase"));
	oc_put(spec, "owner", s->ctx->default_owner);
	return oc_entity("Domain", meta, ann, oc_labels_new(NULL), spec);
}

/* The System's own namespace: the Project's metadata.namespace, else {ns}. */
static json_t *project_meta(const struct oc_src *s)
{
	struct oc_src own = *s;
	const char *ns = oc_nonempty(s->item, "metadata.namespace");

	if (ns != NULL)
		own.ns = ns;
	return oc_meta(&own, "ntds", oc_description(s, "", ""),
		       oc_tags("openchoreo", "project", NULL));
}

json_t *oc_tr_project(const struct oc_src *s)
{
	const char *type = oc_nonempty(s->item, "spec.type.name");
	char *owner = oc_owner_annotation(s->item);
	json_t *ann = oc_annotations_new();
	json_t *spec = json_object();

	oc_put(ann, "openchoreo.io/project-id", s->name);
	oc_put_opt(ann, "openchoreo.io/project-uid", oc_str(s->item, "metadata.uid"));
	oc_put_namespace(ann, s);
	if (type != NULL) {
		const char *kind = oc_nonempty(s->item, "spec.type.kind");

		oc_put(ann, "openchoreo.io/project-type", type);
		oc_put(ann, "openchoreo.io/project-type-kind", kind ? kind : "ProjectType");
	}
	oc_put_deletion(ann, s);
	oc_put(spec, "owner", owner ? owner : s->ctx->default_owner);
	free(owner);
	oc_put_domain(spec, s);
	oc_put_opt(spec, "deploymentPipelineRef",
		   oc_str(s->item, "spec.deploymentPipelineRef.name"));
	return oc_entity("System", project_meta(s), ann, oc_labels_new(NULL), spec);
}
