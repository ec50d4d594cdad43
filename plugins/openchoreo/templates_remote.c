/*
 * The hand-written Template of a (Cluster)ComponentType carrying
 * scaffolder.openchoreo.dev/backstage-template-url (spec §2.18, last
 * paragraph): the author's document, stamped with the provider's name,
 * namespace and annotations.  Reading the URL is the caller's (behind an
 * allow-list); this file turns the body it read into the entity.
 */
#include <stdio.h>
#include <string.h>

#include <stagehand/yaml.h>

#include "templates.h"

/* The first document that is an object of kind Template, or NULL. */
static const json_t *first_template(const struct sh_yaml_result *res)
{
	for (size_t i = 0; i < res->ndocs; i++) {
		const json_t *doc = res->docs[i].entity;
		const char *kind = json_string_value(json_object_get(doc, "kind"));

		if (json_is_object(doc) && kind && strcmp(kind, "Template") == 0)
			return doc;
	}
	return NULL;
}

static void put(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, json_string(value));
}

static void put_url(json_t *obj, const char *key, const char *url)
{
	json_object_set_new(obj, key, json_sprintf("url:%s", url));
}

/* The author's annotations, then the provider's (a key the author already
 * has keeps its place and takes the provider's value, as in JavaScript's
 * {...own, key: value}). */
static json_t *annotations(const struct oc_tmpl *t, const json_t *own, const char *url)
{
	json_t *a = json_is_object(own) ? json_deep_copy(own) : json_object();

	put(a, "openchoreo.io/ctd-name", t->name);
	put(a, "openchoreo.io/ctd-generated", "false");
	put(a, "scaffolder.openchoreo.dev/backstage-template-url", url);
	put_url(a, "backstage.io/managed-by-location", url);
	put_url(a, "backstage.io/managed-by-origin-location", url);
	if (t->workload && *t->workload)
		put(a, "openchoreo.io/workload-type", t->workload);
	if (t->kind == OC_CLUSTERCOMPONENTTYPE)
		put(a, "openchoreo.io/ctd-kind", t->type_kind);
	if (t->display)
		put(a, "openchoreo.io/ctd-display-name", t->display);
	return a;
}

/* The Template of body's documents, or NULL with err set. */
static json_t *stamp(const struct oc_tmpl *t, const struct sh_yaml_result *res,
		     const char *url, char *err, size_t errlen)
{
	const json_t *doc = first_template(res);
	const char *api = json_string_value(json_object_get(doc, "apiVersion"));
	json_t *entity, *meta;

	if (!doc || !json_is_object(json_object_get(doc, "metadata"))) {
		snprintf(err, errlen, "%s: no Template with a metadata object", url);
		return NULL;
	}
	/* upstream would emit it and the catalog would reject the whole full
	 * mutation (§1.4); one bad template must not cost the sync */
	if (!api || !*api) {
		snprintf(err, errlen, "%s: the Template has no apiVersion", url);
		return NULL;
	}
	entity = json_deep_copy(doc);
	meta = json_object_get(entity, "metadata");
	json_object_set_new(meta, "name", json_sprintf("%s%s", t->prefix, t->name));
	put(meta, "namespace", t->entity_ns);
	json_object_set_new(meta, "annotations",
			    annotations(t, json_object_get(meta, "annotations"), url));
	return entity;
}

json_t *oc_tmpl_remote(const struct oc_tmpl *t, const char *url, const char *body, size_t len,
		       char *err, size_t errlen)
{
	json_t *loc = json_sprintf("url:%s", url);
	struct sh_yaml_result res;
	json_t *out = NULL;

	if (len > SH_YAML_MAX_INPUT) {
		snprintf(err, errlen, "%s: over %u bytes", url, SH_YAML_MAX_INPUT);
	} else if (sh_yaml_parse_values(body, len, loc ? json_string_value(loc) : url,
					&res) != 0) {
		snprintf(err, errlen, "%s: not YAML", url);
		for (size_t i = 0; i < res.ndocs; i++)
			if (res.docs[i].error) {
				snprintf(err, errlen, "%s", res.docs[i].error);
				break;
			}
		sh_yaml_result_free(&res);
	} else {
		out = stamp(t, &res, url, err, errlen);
		sh_yaml_result_free(&res);
	}
	json_decref(loc);
	return out;
}
