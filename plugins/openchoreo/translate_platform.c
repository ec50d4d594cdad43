/*
 * The delivery kinds of a namespace: Environment (spec §2.5),
 * DeploymentPipeline (§2.6) and ObservabilityAlertsNotificationChannel
 * (§2.10), and the gateway reduction Environment and Dataplane share.
 */
#include <stdlib.h>

#include "translate.h"

/* A new object of the `keys` (NULL-terminated) that `from` has; NULL when it is no object. */
static json_t *pick(const json_t *from, const char *const *keys)
{
	json_t *out;

	if (!json_is_object(from))
		return NULL;
	out = json_object();
	for (; *keys != NULL; keys++)
		oc_copy(out, *keys, json_object_get(from, *keys));
	return out;
}

/* One side of the ingress keeping name, namespace, http{host,port}, https{host,port}. */
static json_t *gateway_side(const json_t *ingress, const char *key)
{
	static const char *const own[] = { "name", "namespace", NULL };
	static const char *const listener[] = { "host", "port", NULL };
	const json_t *side = json_object_get(ingress, key);
	json_t *out = pick(side, own);

	if (out != NULL) {
		json_object_set_new(out, "http", pick(json_object_get(side, "http"), listener));
		json_object_set_new(out, "https", pick(json_object_get(side, "https"), listener));
	}
	return out;
}

json_t *oc_gateway(const json_t *item)
{
	const json_t *ingress = oc_at(item, "spec.gateway.ingress");
	json_t *in, *gw;

	if (!json_is_object(ingress))
		return NULL;
	in = json_object();
	json_object_set_new(in, "external", gateway_side(ingress, "external"));
	json_object_set_new(in, "internal", gateway_side(ingress, "internal"));
	if (json_object_size(in) == 0) {
		json_decref(in);
		return NULL;
	}
	gw = json_object();
	json_object_set_new(gw, "ingress", in);
	return gw;
}

/* ---- Environment (§2.5) -------------------------------------------------- */

static json_t *environment_annotations(const struct oc_src *s, const json_t *prod)
{
	json_t *ann = oc_annotations_new();

	oc_put(ann, "openchoreo.io/environment", s->name);
	oc_put_namespace(ann, s);
	oc_put_opt(ann, "openchoreo.io/environment-uid", oc_str(s->item, "metadata.uid"));
	oc_put_created(ann, s, false);
	oc_put(ann, "openchoreo.io/status", oc_ready_word(oc_condition(s->item, "Ready")));
	oc_put_opt(ann, "openchoreo.io/data-plane-ref", oc_str(s->item, "spec.dataPlaneRef.name"));
	oc_put_opt(ann, "openchoreo.io/data-plane-ref-kind",
		   oc_str(s->item, "spec.dataPlaneRef.kind"));
	oc_put_opt(ann, "openchoreo.io/dns-prefix",
		   oc_str(s->item, "spec.gateway.ingress.external.http.host"));
	if (prod != NULL)
		oc_put(ann, "openchoreo.io/is-production", json_is_true(prod) ? "true" : "false");
	oc_put_deletion(ann, s);
	return ann;
}

json_t *oc_tr_environment(const struct oc_src *s)
{
	const json_t *prod = oc_at(s->item, "spec.isProduction");
	const char *type = json_is_true(prod) ? "production" : "non-production";
	json_t *meta = oc_meta(s, "nstd", oc_description(s, "", " environment"),
			       oc_tags("openchoreo", "environment", type, NULL));
	json_t *labels = oc_labels_new(NULL);
	json_t *spec = json_object();

	if (prod != NULL)
		oc_put(labels, "openchoreo.io/environment-type", type);
	oc_put(spec, "type", type);
	oc_put_domain(spec, s);
	oc_copy(spec, "isProduction", prod);
	oc_put_opt(spec, "dataPlaneRef", oc_str(s->item, "spec.dataPlaneRef.name"));
	oc_put_opt(spec, "dnsPrefix", oc_str(s->item, "spec.gateway.ingress.external.http.host"));
	json_object_set_new(spec, "gateway", oc_gateway(s->item));
	return oc_entity("Environment", meta, environment_annotations(s, prod), labels, spec);
}

/* ---- DeploymentPipeline (§2.6) ------------------------------------------- */

/* One promotion path: {sourceEnvironment, targetEnvironments: [{name}]}. */
static json_t *promotion_path(const json_t *p)
{
	const json_t *src = json_object_get(p, "sourceEnvironmentRef");
	const json_t *targets = json_object_get(p, "targetEnvironmentRefs");
	const char *source = json_is_string(src) ? json_string_value(src) : oc_str(src, "name");
	json_t *out = json_object(), *list = json_array();
	const json_t *t;
	size_t i;

	oc_put(out, "sourceEnvironment", source);
	json_array_foreach(targets, i, t) {
		json_t *one = json_object();

		oc_copy(one, "name", json_object_get(t, "name"));
		json_array_append_new(list, one);
	}
	json_object_set_new(out, "targetEnvironments", list);
	return out;
}

json_t *oc_tr_pipeline(const struct oc_src *s)
{
	json_t *meta = oc_meta(s, "nstd", oc_description(s, "Deployment pipeline ", ""),
			       oc_tags("openchoreo", "deployment-pipeline",
				       "platform-engineering", NULL));
	json_t *ann = oc_annotations_new();
	json_t *spec = json_object(), *paths = json_array();
	const json_t *p;
	size_t i;

	oc_put_namespace(ann, s);
	oc_put_created(ann, s, false);
	oc_put(ann, "openchoreo.io/status", oc_ready_word(oc_condition(s->item, "Ready")));
	oc_put_deletion(ann, s);
	json_array_foreach(oc_at(s->item, "spec.promotionPaths"), i, p)
		json_array_append_new(paths, promotion_path(p));
	oc_put(spec, "namespaceName", s->ns);
	oc_put_domain(spec, s);
	json_object_set_new(spec, "promotionPaths", paths);
	return oc_entity("DeploymentPipeline", meta, ann,
			 oc_labels_new("openchoreo.io/deployment-pipeline"), spec);
}

/* ---- ObservabilityAlertsNotificationChannel (§2.10) ---------------------- */

json_t *oc_tr_channel(const struct oc_src *s)
{
	const json_t *type = oc_at(s->item, "spec.type");
	json_t *tags = oc_tags("openchoreo", "notification-channel", NULL);
	json_t *ann = oc_annotations_new();
	json_t *spec = json_object();

	/* JSON.stringify writes an undefined array element as null */
	json_array_append_new(tags, type != NULL ? json_incref((json_t *)type) : json_null());
	oc_put_namespace(ann, s);
	oc_put_created(ann, s, false);
	oc_put_deletion(ann, s);
	oc_put(spec, "environment", oc_str(s->item, "spec.environment"));
	oc_copy(spec, "isEnvDefault", oc_at(s->item, "spec.isEnvDefault"));
	oc_copy(spec, "type", type);
	oc_copy(spec, "emailConfig", oc_at(s->item, "spec.emailConfig"));
	oc_copy(spec, "webhookConfig", oc_at(s->item, "spec.webhookConfig"));
	return oc_entity("ObservabilityAlertsNotificationChannel",
			 oc_meta(s, "nstd", oc_description(s, "", " notification channel"), tags),
			 ann, oc_labels_new(NULL), spec);
}
