/*
 * Step 7 of a full sync for one namespace (spec §1.2, §2.3): its projects
 * and pipelines, each project's components and each component's first
 * workload (pass 1), then the Components with their APIs (pass 2), whose
 * consumesApis resolve against the workloads pass 1 collected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "sync.h"

/* One component of pass 1: {"project", "project_cr", "component", "workload"?}. */
static void collect(json_t *found, const char *project, json_t *project_cr, json_t *component,
		    json_t *workload)
{
	json_t *e = json_pack("{s:s,s:O,s:O}", "project", project, "project_cr", project_cr,
			      "component", component);

	if (workload)
		json_object_set(e, "workload", workload);
	json_array_append_new(found, e);
}

/* oc_workload_fn over pass 1: the workload of (project, component); the
 * last one collected wins, as upstream's map does. */
static const json_t *lookup(const char *project, const char *component, void *arg)
{
	const json_t *found = arg;

	for (size_t i = json_array_size(found); i-- > 0;) {
		const json_t *e = json_array_get(found, i);
		const json_t *w = json_object_get(e, "workload");

		if (w && strcmp(json_string_value(json_object_get(e, "project")), project) == 0 &&
		    strcmp(oc_name_of(json_object_get(e, "component")), component) == 0)
			return w;
	}
	return NULL;
}

/* 7c and 7d for one project: its components and their workloads. */
static int project_components(struct oc_run *run, const char *ns, json_t *project,
			      json_t *found)
{
	char *enc = oc_encode(oc_name_of(project));
	char *extra = enc ? sh_xasprintf("project=%s", enc) : NULL;
	json_t *components = json_array(), **workloads;
	size_t n, i;
	int rc = extra ? oc_walk_list(run, OC_COMPONENT, ns, extra, components) : SH_ETOOBIG;

	if (!extra)
		snprintf(run->err, sizeof run->err, "components of %s/%s: name too long", ns,
			 oc_name_of(project));
	n = json_array_size(components);
	workloads = sh_xcalloc(n ? n : 1, sizeof *workloads);
	if (rc == 0)
		rc = oc_walk_workloads(run, ns, components, workloads);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			collect(found, oc_name_of(project), project, json_array_get(components, i),
				workloads[i]);
		json_decref(workloads[i]);
	}
	free(workloads);
	json_decref(components);
	free(enc), free(extra);
	return rc;
}

/* 7e: each Component followed by its APIs, in project then list order. */
static int translate_components(struct oc_run *run, const char *ns, json_t *found)
{
	struct oc_ctx ctx = oc_walk_ctx(run, ns);
	json_t *e, *out = json_array(), *entity;
	size_t i, j;
	char why[256];
	int rc = 0;

	json_array_foreach(found, i, e) {
		const json_t *component = json_object_get(e, "component");

		if (oc_translate_component(&ctx, component,
					   json_string_value(json_object_get(e, "project")),
					   json_object_get(e, "project_cr"),
					   json_object_get(e, "workload"), lookup, found, out, why,
					   sizeof why) != 0) {
			snprintf(run->err, sizeof run->err, "translate component %s/%s: %s", ns,
				 oc_name_of(component), why);
			rc = SH_EINVAL;
			break;
		}
	}
	json_array_foreach(out, j, entity) {
		if (rc == 0)
			oc_walk_emit(run, json_incref(entity));
	}
	json_decref(out);
	return rc;
}

int oc_walk_projects(struct oc_run *run, const char *ns)
{
	json_t *projects = json_array(), *pipelines = json_array(), *found = json_array(), *p;
	size_t i;
	int rc = oc_walk_list(run, OC_PROJECT, ns, NULL, projects);

	if (rc == 0)
		rc = oc_walk_list(run, OC_PIPELINE, ns, NULL, pipelines);
	json_array_foreach(projects, i, p) {
		if (rc != 0 || (rc = project_components(run, ns, p, found)) != 0)
			break;
	}
	if (rc == 0)
		rc = oc_walk_translate(run, OC_PROJECT, ns, projects);
	if (rc == 0)
		rc = translate_components(run, ns, found);
	if (rc == 0)
		rc = oc_walk_translate(run, OC_PIPELINE, ns, pipelines);
	json_decref(found);
	json_decref(pipelines);
	json_decref(projects);
	return rc;
}
