/*
 * Workload events (spec openchoreo-provider.md §4.2): a workload has no
 * entity of its own, so its event re-fetches it and runs its component's
 * flow.  When it is gone (404, whatever the action said), the APIs made
 * from it are removed and its component is refreshed; they are found
 * through the catalog's interface (catalog.entities_by_annotation_v1),
 * never its tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "events.h"

#define WORKLOAD_ANNOTATION "openchoreo.io/workload"
#define COMPONENT_LABEL "openchoreo.dev/component"

/* spec.owner.componentName, else the label openchoreo.dev/component. */
static const char *owning_component(const json_t *wl)
{
	const json_t *spec_owner = json_object_get(json_object_get(wl, "spec"), "owner");
	const json_t *labels = json_object_get(json_object_get(wl, "metadata"), "labels");
	const char *c = json_string_value(json_object_get(spec_owner, "componentName"));

	if (c && *c)
		return c;
	c = json_string_value(json_object_get(labels, COMPONENT_LABEL));
	return c && *c ? c : NULL;
}

/* One row of the annotation query: an API's ref into `apis`, the first
 * Component's name into *component. */
static void take_row(const char *ref, const char *text, const char *ns, json_t *apis,
		     char **component)
{
	json_t *e = json_loads(text, 0, NULL);
	const json_t *meta = json_object_get(e, "metadata");
	const char *kind = json_string_value(json_object_get(e, "kind"));
	const char *ens = json_string_value(json_object_get(meta, "namespace"));
	const char *name = json_string_value(json_object_get(meta, "name"));

	if (kind && name && ens && strcmp(ens, ns) == 0) {
		if (strcasecmp(kind, "API") == 0)
			json_array_append_new(apis, json_string(ref));
		else if (strcasecmp(kind, "Component") == 0 && !*component)
			*component = sh_xstrdup(name);
	}
	json_decref(e);
}

/*
 * The catalog's entities made from workload `name` in namespace `ns`
 * (upstream's query is namespace-blind, spec §6 item 13; a workload of
 * another namespace with the same name is not ours to touch): API refs
 * appended to `apis`, the first Component's name into *component
 * (malloc'd, NULL if none).  0 or SH_EDB.
 */
static int made_from(const struct oc_state *st, const char *ns, const char *name, json_t *apis,
		     char **component)
{
	const char *params[2] = { WORKLOAD_ANNOTATION, name };
	PGconn *conn = sh_db_get(st->host, 5000);
	PGresult *r;

	*component = NULL;
	if (!conn)
		return SH_EDB;
	r = sh_db_exec(conn, "SELECT entity_ref, final_entity"
		       " FROM catalog.entities_by_annotation_v1($1, $2)", 2, params);
	sh_db_put(st->host, conn);
	if (!r)
		return SH_EDB;
	for (int i = 0; i < PQntuples(r); i++)
		take_row(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), ns, apis, component);
	PQclear(r);
	return 0;
}

/* True when `ref` names one of the entities in `added`. */
static bool re_added(const json_t *added, const char *ref)
{
	size_t i;
	json_t *e;
	char *mine;
	bool hit = false;

	json_array_foreach(added, i, e) {
		const json_t *meta = json_object_get(e, "metadata");

		mine = sh_xasprintf("%s:%s/%s", json_string_value(json_object_get(e, "kind")),
				    json_string_value(json_object_get(meta, "namespace")),
				    json_string_value(json_object_get(meta, "name")));
		hit = strcasecmp(mine, ref) == 0;
		free(mine);
		if (hit)
			break;
	}
	return hit;
}

/*
 * The workload is gone: its APIs are removed and its component goes
 * through the Component flow again (which finds the workload that is left,
 * if any), in one delta.  An API the component still provides is kept.
 */
static int workload_gone(const struct oc_state *st, const char *ns, const char *name,
			 json_t *added, json_t *removed, char *err, size_t errlen)
{
	json_t *apis = json_array(), *ref;
	char *component;
	size_t i;
	int rc = made_from(st, ns, name, apis, &component);

	if (rc != 0) {
		snprintf(err, errlen, "catalog query by workload failed");
		goto out;
	}
	if (!component && json_array_size(apis) == 0)
		sh_log(SH_LOG_INFO, "openchoreo: workload %s/%s is gone and made no entity", ns,
		       name);
	if (component)
		rc = oc_apply_component(st, ns, component, NULL, added, removed, err, errlen);
	if (rc == 0)
		json_array_foreach(apis, i, ref)
			if (!re_added(added, json_string_value(ref)))
				json_array_append(removed, ref);
out:
	free(component);
	json_decref(apis);
	return rc;
}

int oc_apply_workload(const struct oc_state *st, const char *ns, const char *name,
		      json_t *added, json_t *removed, char *err, size_t errlen)
{
	char *path = oc_event_path(&oc_kinds[OC_WORKLOAD], ns, name, NULL);
	json_t *wl = NULL;
	const char *component;
	int rc = oc_get(st, path, NULL, &wl, err, errlen);

	free(path);
	if (rc == OC_NOTFOUND)
		return workload_gone(st, ns, name, added, removed, err, errlen);
	if (rc != 0)
		return rc;
	if (!(component = owning_component(wl)))
		sh_log(SH_LOG_WARN, "openchoreo: workload %s/%s names no component: event ignored",
		       ns, name);
	else
		rc = oc_apply_component(st, ns, component, wl, added, removed, err, errlen);
	json_decref(wl);
	return rc;
}
