/*
 * One queued resource into one delta (spec openchoreo-provider.md §4.2):
 * re-fetch it whatever the action, translate it, and remove it only when
 * the re-fetch answers 404, so an out-of-order `deleted` never removes a
 * live entity.  Components and workloads have their own flow
 * (apply_component.c); every other kind is one GET here.
 */
#include <stdio.h>
#include <stdlib.h>

#include <stagehand/stagehand.h>

#include "events.h"
#include "templates.h"

char *oc_event_path(const struct oc_kind_info *k, const char *ns, const char *name,
			   const char *sub)
{
	const char *seg[6];
	int i = 0;

	if (!k->cluster) {
		seg[i++] = "namespaces";
		seg[i++] = ns;
	}
	seg[i++] = k->collection;
	seg[i++] = name;
	seg[i++] = sub;
	seg[i] = NULL;
	return oc_path(seg);
}

/*
 * The generated Template of a type kind.  When its schema call or the
 * generator fails the Template is neither upserted nor removed: the event
 * path keeps the old one (§4.2), the next full sync decides.
 */
static void add_template(const struct oc_state *st, const struct oc_kind_info *k,
			 const struct oc_ctx *ctx, const char *name, const json_t *item,
			 json_t *added)
{
	json_t *schema = NULL, *tmpl = NULL;
	char why[512] = "";
	char *path;
	int rc = 0;

	if ((k->kind == OC_COMPONENTTYPE || k->kind == OC_CLUSTERCOMPONENTTYPE) &&
	    oc_template_url(item)) {
		rc = oc_template_fetch(st->template_allow, st->http_timeout_ms, k->kind, ctx, item,
				       &tmpl, why, sizeof why);
	} else if (k->schema_call) {
		path = oc_event_path(k, ctx->ns, name, "schema");
		rc = oc_get(st, path, NULL, &schema, why, sizeof why);
		free(path);
	}
	if (!tmpl && rc == 0)
		tmpl = oc_template(k->kind, ctx, item, schema, why, sizeof why);
	json_decref(schema);
	if (tmpl)
		json_array_append_new(added, tmpl);
	else
		sh_log(SH_LOG_INFO, "openchoreo: event %s %s/%s: template kept as it was: %s",
		       k->event, ctx->ns, name, rc == OC_NOTFOUND ? "no schema" : why);
}

/* Every kind but Component and Workload. */
static int apply_plain(const struct oc_state *st, const struct oc_kind_info *k, const char *ns,
		       const char *name, json_t *added, json_t *removed, char *err, size_t errlen)
{
	const struct oc_ctx ctx = { .ns = ns, .default_owner = st->default_owner };
	char *path = oc_event_path(k, ns, name, NULL);
	json_t *item = NULL, *entity;
	int rc = oc_get(st, path, NULL, &item, err, errlen);

	free(path);
	if (rc == OC_NOTFOUND) {
		oc_event_gone_refs(k, ns, name, removed);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (!(entity = oc_translate(k->kind, &ctx, item, err, errlen))) {
		json_decref(item);
		return OC_APPLY_GIVE_UP;
	}
	json_array_append_new(added, entity);
	if (k->template_prefix)
		add_template(st, k, &ctx, name, item, added);
	json_decref(item);
	return 0;
}

int oc_event_apply(const struct oc_state *st, const struct oc_claimed *c, json_t *added,
		   json_t *removed, char *err, size_t errlen)
{
	const struct oc_kind_info *k = oc_kind_by_event(c->kind);

	if (!k) {
		snprintf(err, errlen, "kind %s is not synced", c->kind);
		return OC_APPLY_GIVE_UP;
	}
	if (k->kind == OC_COMPONENT)
		return oc_apply_component(st, c->ns, c->name, NULL, added, removed, err, errlen);
	if (k->kind == OC_WORKLOAD)
		return oc_apply_workload(st, c->ns, c->name, added, removed, err, errlen);
	return apply_plain(st, k, c->ns, c->name, added, removed, err, errlen);
}
