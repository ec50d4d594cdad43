/*
 * One full sync's walk of the OpenChoreo API (spec §1.2): the calls in the
 * upstream order, each resource translated as its list arrives, the
 * entities appended in spec §1.6's order.  Unlike upstream (§1.4), the
 * first failed call, translation or page cap ends the walk: the caller
 * then mutates nothing, so the catalog keeps the last good set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "memo.h"
#include "sync.h"
#include "templates.h"

/* Appends an entity (stolen) and counts it by kind. */
void oc_walk_emit(struct oc_run *run, json_t *entity)
{
	const char *kind = json_string_value(json_object_get(entity, "kind"));
	json_int_t n = json_integer_value(json_object_get(run->counts, kind ? kind : "?"));

	json_object_set_new(run->counts, kind ? kind : "?", json_integer(n + 1));
	json_array_append_new(run->entities, entity);
}

/* A kind's list in namespace ns (cluster kinds: ns ignored) into items. */
int oc_walk_list(struct oc_run *run, enum oc_kind k, const char *ns, const char *extra,
		     json_t *items)
{
	const struct oc_kind_info *ki = &oc_kinds[k];
	const char *ns_segs[] = { "namespaces", ns, ki->collection, NULL };
	const char *cl_segs[] = { ki->collection, NULL };
	char *path = oc_path(ki->cluster ? cl_segs : ns_segs);
	int rc;

	if (!path) {
		snprintf(run->err, sizeof run->err, "list %s of %s: path too long", ki->collection, ns);
		return SH_ETOOBIG;
	}
	rc = oc_walk_budget(run, path);
	if (rc == 0)
		rc = oc_list(&run->api, path, extra, ki->paged, items, run->err, sizeof run->err);
	free(path);
	return rc;
}

struct oc_ctx oc_walk_ctx(const struct oc_run *run, const char *ns)
{
	struct oc_ctx ctx = { .ns = ns, .default_owner = run->api.default_owner };

	return ctx;
}

/* Every item of a kind that only needs the resource, in list order. */
int oc_walk_translate(struct oc_run *run, enum oc_kind k, const char *ns, json_t *items)
{
	struct oc_ctx ctx = oc_walk_ctx(run, ns);
	char why[256];
	json_t *item;
	size_t i;

	json_array_foreach(items, i, item) {
		json_t *e = oc_translate(k, &ctx, item, why, sizeof why);

		if (!e) {
			snprintf(run->err, sizeof run->err, "translate %s %s/%s: %s",
				 oc_kinds[k].event, ns, oc_name_of(item), why);
			return SH_EINVAL;
		}
		oc_walk_emit(run, e);
	}
	return 0;
}

/* A kind without templates: list, translate. */
static int plain_step(struct oc_run *run, enum oc_kind k, const char *ns)
{
	json_t *items = json_array();
	int rc = oc_walk_list(run, k, ns, NULL, items);

	if (rc == 0)
		rc = oc_walk_translate(run, k, ns, items);
	json_decref(items);
	return rc;
}

/* GET .../<collection>/<name>/schema of a (Cluster)ComponentType or
 * (Cluster)ResourceType into *schema. */
static int fetch_schema(struct oc_run *run, enum oc_kind k, const char *ns, const json_t *item,
			json_t **schema)
{
	const struct oc_kind_info *ki = &oc_kinds[k];
	const char *ns_segs[] = { "namespaces", ns, ki->collection, oc_name_of(item), "schema", NULL };
	const char *cl_segs[] = { ki->collection, oc_name_of(item), "schema", NULL };
	char *path = oc_path(ki->cluster ? cl_segs : ns_segs);
	int rc;

	if (!path) {
		snprintf(run->err, sizeof run->err, "schema of %s: path too long", oc_name_of(item));
		return SH_ETOOBIG;
	}
	rc = oc_walk_budget(run, path);
	if (rc == 0 && (rc = oc_get(&run->api, path, NULL, schema, run->err, sizeof run->err)) > 0)
		rc = SH_ENOTFOUND;
	free(path);
	return rc;
}

/* The Template of one type item, or NULL with rc 0 when it gets none (a
 * (Cluster)ComponentType's hand-written one that cannot be read or made). */
static int template_of(struct oc_run *run, enum oc_kind k, const char *ns, const json_t *item,
		       json_t **out)
{
	struct oc_ctx ctx = oc_walk_ctx(run, ns);
	json_t *schema = NULL;
	char why[256];
	int rc = 0;

	*out = NULL;
	if ((k == OC_COMPONENTTYPE || k == OC_CLUSTERCOMPONENTTYPE) &&
	    oc_template_url(item)) {
		/* Read with another client: the memo cannot tell whether it changed. */
		oc_tape_taint(run->api.tape);
		if ((rc = oc_walk_budget(run, oc_name_of(item))) != 0)
			return rc;
		rc = oc_template_fetch(run->api.template_allow, run->api.http_timeout_ms, k, &ctx,
				       item, out, why, sizeof why);
		/* Not allowed is the operator's choice: no Template, as upstream
		 * without a reader.  A read that failed is a failed call: the run
		 * is abandoned and the catalog keeps the last good Template
		 * (upstream drops it until a later run succeeds). */
		if (rc == SH_EDENIED)
			sh_log(SH_LOG_WARN, "openchoreo: %s %s/%s: no remote template: %s",
			       oc_kinds[k].event, ns, oc_name_of(item), why);
		else if (rc != 0)
			snprintf(run->err, sizeof run->err, "remote template of %s %s/%s: %s",
				 oc_kinds[k].event, ns, oc_name_of(item), why);
		return rc == SH_EDENIED ? 0 : rc;
	}
	if (oc_kinds[k].schema_call && (rc = fetch_schema(run, k, ns, item, &schema)) != 0)
		return rc;
	*out = oc_template(k, &ctx, item, schema, why, sizeof why);
	json_decref(schema);
	if (!*out) {
		snprintf(run->err, sizeof run->err, "template of %s %s/%s: %s", oc_kinds[k].event,
			 ns, oc_name_of(item), why);
		return SH_EINVAL;
	}
	return 0;
}

/* A type kind with generated Templates: list, then its schema calls in
 * list order; the namespaced ComponentType's Templates go before the
 * types, every other kind's after (spec §1.6). */
static int typed_step(struct oc_run *run, enum oc_kind k, const char *ns)
{
	json_t *items = json_array(), *templates = json_array(), *t, *item;
	bool first = k == OC_COMPONENTTYPE;
	int rc = oc_walk_list(run, k, ns, NULL, items);
	size_t i;

	json_array_foreach(items, i, item) {
		if (rc != 0 || (rc = template_of(run, k, ns, item, &t)) != 0)
			break;
		if (t)
			json_array_append_new(templates, t);
	}
	if (rc == 0 && !first)
		rc = oc_walk_translate(run, k, ns, items);
	json_array_foreach(templates, i, t) {
		if (rc == 0)
			oc_walk_emit(run, json_incref(t));
	}
	if (rc == 0 && first)
		rc = oc_walk_translate(run, k, ns, items);
	json_decref(templates);
	json_decref(items);
	return rc;
}

static int kind_step(struct oc_run *run, enum oc_kind k, const char *ns)
{
	return oc_kinds[k].template_prefix ? typed_step(run, k, ns) : plain_step(run, k, ns);
}

/* A namespaced kind for every namespace, in the namespace list's order. */
static int each_namespace(struct oc_run *run, enum oc_kind k)
{
	json_t *nsi;
	size_t i;
	int rc = 0;

	json_array_foreach(run->namespaces, i, nsi) {
		if ((rc = oc_walk_step(run, k, oc_name_of(nsi), kind_step)) != 0)
			break;
	}
	return rc;
}

/* Step 7 as a step of the memo (k is OC_PROJECT). */
static int projects_step(struct oc_run *run, enum oc_kind k, const char *ns)
{
	(void)k;
	return oc_walk_projects(run, ns);
}

static const enum oc_kind before[] = { OC_ENVIRONMENT, OC_CHANNEL, OC_DATAPLANE,
				       OC_WORKFLOWPLANE, OC_OBSERVABILITYPLANE };
static const enum oc_kind after[] = { OC_COMPONENTTYPE, OC_TRAIT, OC_RESOURCETYPE,
				      OC_PROJECTTYPE, OC_RESOURCE, OC_WORKFLOW };
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Every step the walk below will take once it has the namespaces, as
 * [kind, namespace] pairs: what oc_walk_verify asks again at once. */
static json_t *all_steps(const struct oc_run *run)
{
	json_t *steps = json_array(), *nsi;
	size_t i, j;

	json_array_foreach(run->namespaces, i, nsi) {
		for (j = 0; j < COUNT(before); j++)
			json_array_append_new(steps, json_pack("[is]", before[j], oc_name_of(nsi)));
		json_array_append_new(steps, json_pack("[is]", OC_PROJECT, oc_name_of(nsi)));
		for (j = 0; j < COUNT(after); j++)
			json_array_append_new(steps, json_pack("[is]", after[j], oc_name_of(nsi)));
	}
	for (i = OC_CLUSTERCOMPONENTTYPE; i <= OC_CLUSTERWORKFLOWPLANE; i++)
		json_array_append_new(steps, json_pack("[is]", (int)i, OC_CLUSTER_NS));
	return steps;
}

/* The namespaces, then (with the memo) every remembered step checked at once. */
static int namespaces(struct oc_run *run)
{
	int rc = oc_walk_list(run, OC_NAMESPACE, NULL, NULL, run->namespaces);
	json_t *steps;

	if (rc == 0)
		rc = oc_walk_translate(run, OC_NAMESPACE, "", run->namespaces);
	if (rc == 0 && run->memo) {
		steps = all_steps(run);
		rc = oc_walk_verify(run, steps);
		json_decref(steps);
	}
	return rc;
}

int oc_walk(struct oc_run *run)
{
	json_t *nsi;
	size_t i;
	int rc = namespaces(run);

	for (i = 0; rc == 0 && i < COUNT(before); i++)
		rc = each_namespace(run, before[i]);
	json_array_foreach(run->namespaces, i, nsi) {
		if (rc == 0)
			rc = oc_walk_step(run, OC_PROJECT, oc_name_of(nsi), projects_step);
	}
	for (i = 0; rc == 0 && i < COUNT(after); i++)
		rc = each_namespace(run, after[i]);
	for (i = OC_CLUSTERCOMPONENTTYPE; rc == 0 && i <= OC_CLUSTERWORKFLOWPLANE; i++)
		rc = oc_walk_step(run, (enum oc_kind)i, OC_CLUSTER_NS, kind_step);
	return rc;
}
