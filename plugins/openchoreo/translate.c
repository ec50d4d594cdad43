/*
 * oc_translate's dispatch and the rules every kind shares (spec §2.0):
 * title and description, the managed-by annotations, the managed label,
 * conditions, owners.  Each kind's own table row lives in translate_*.c;
 * key order is built here in the order the spec's examples print it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <stagehand/alloc.h>

#include "translate.h"

#define MAX_PATH_SEGMENT 64

const json_t *oc_at(const json_t *v, const char *path)
{
	char seg[MAX_PATH_SEGMENT];

	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");

		if (!json_is_object(v) || n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		v = json_object_get(v, seg);
		path += n + (path[n] == '.');
	}
	return v;
}

const char *oc_str(const json_t *v, const char *path)
{
	return json_string_value(oc_at(v, path));
}

const char *oc_nonempty(const json_t *v, const char *path)
{
	const char *s = oc_str(v, path);

	return s != NULL && *s != '\0' ? s : NULL;
}

const char *oc_str_or(const json_t *v, const char *path, const char *dflt)
{
	const char *s = oc_str(v, path);

	return s != NULL ? s : dflt;
}

const char *oc_annotation(const json_t *item, const char *key)
{
	const json_t *ann = oc_at(item, "metadata.annotations");
	const char *s = json_string_value(json_object_get(ann, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

bool oc_condition(const json_t *item, const char *type)
{
	const json_t *conds = oc_at(item, "status.conditions");
	const json_t *c;
	size_t i;

	json_array_foreach(conds, i, c) {
		const char *t = oc_str(c, "type"), *st = oc_str(c, "status");

		if (t != NULL && st != NULL && strcmp(t, type) == 0 && strcmp(st, "True") == 0)
			return true;
	}
	return false;
}

const char *oc_ready_word(bool ready)
{
	return ready ? "Ready" : "Not Ready";
}

bool oc_nonblank(const char *s)
{
	if (s == NULL)
		return false;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return true;
	return false;
}

/* ---- building the entity ----------------------------------------------- */

json_t *oc_description(const struct oc_src *s, const char *prefix, const char *suffix)
{
	const char *d = oc_annotation(s->item, "openchoreo.dev/description");
	char *text;
	json_t *j;

	if (d != NULL)
		return json_string(d);
	text = sh_xasprintf("%s%s%s", prefix, s->name, suffix);
	j = json_string(text);
	free(text);
	return j;
}

json_t *oc_meta(const struct oc_src *s, const char *order, json_t *description, json_t *tags)
{
	const char *display = oc_annotation(s->item, "openchoreo.dev/display-name");
	json_t *m = json_object();

	for (; *order != '\0'; order++) {
		if (*order == 'n')
			json_object_set_new(m, "name", json_string(s->name));
		else if (*order == 's')
			json_object_set_new(m, "namespace", json_string(s->ns));
		else if (*order == 't')
			json_object_set_new(m, "title", json_string(display ? display : s->name));
		else if (*order == 'd' && description != NULL)
			json_object_set(m, "description", description);
	}
	json_decref(description);
	json_object_set_new(m, "tags", tags);
	return m;
}

json_t *oc_tags(const char *first, ...)
{
	json_t *a = json_array();
	va_list ap;

	va_start(ap, first);
	for (const char *t = first; t != NULL; t = va_arg(ap, const char *))
		json_array_append_new(a, json_string(t));
	va_end(ap);
	return a;
}

json_t *oc_annotations_new(void)
{
	json_t *a = json_object();

	oc_put(a, "backstage.io/managed-by-location", OC_LOCATION_KEY);
	oc_put(a, "backstage.io/managed-by-origin-location", OC_LOCATION_KEY);
	return a;
}

void oc_put(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, json_string(value != NULL ? value : ""));
}

void oc_put_opt(json_t *obj, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		oc_put(obj, key, value);
}

void oc_copy(json_t *obj, const char *key, const json_t *v)
{
	if (v != NULL)
		json_object_set_new(obj, key, json_incref((json_t *)v));
}

void oc_put_namespace(json_t *ann, const struct oc_src *s)
{
	if (!s->cluster)
		oc_put(ann, "openchoreo.io/namespace", s->ns);
}

void oc_put_created(json_t *ann, const struct oc_src *s, bool always)
{
	const char *at = oc_str(s->item, "metadata.creationTimestamp");

	if (always)
		oc_put(ann, "openchoreo.io/created-at", at);
	else
		oc_put_opt(ann, "openchoreo.io/created-at", at);
}

void oc_put_deletion(json_t *ann, const struct oc_src *s)
{
	oc_put_opt(ann, "openchoreo.io/deletion-timestamp",
		   oc_str(s->item, "metadata.deletionTimestamp"));
}

json_t *oc_labels_new(const char *extra)
{
	json_t *l = json_object();

	oc_put(l, "openchoreo.io/managed", "true");
	if (extra != NULL)
		oc_put(l, extra, "true");
	return l;
}

json_t *oc_entity(const char *kind, json_t *metadata, json_t *annotations, json_t *labels,
		  json_t *spec)
{
	json_t *e = json_object();

	json_object_set_new(metadata, "annotations", annotations);
	json_object_set_new(metadata, "labels", labels);
	json_object_set_new(e, "apiVersion", json_string("backstage.io/v1alpha1"));
	json_object_set_new(e, "kind", json_string(kind));
	json_object_set_new(e, "metadata", metadata);
	json_object_set_new(e, "spec", spec);
	return e;
}

void oc_put_domain(json_t *spec, const struct oc_src *s)
{
	char *d;

	if (s->cluster)
		return;
	d = sh_xasprintf("default/%s", s->ns);
	oc_put(spec, "domain", d);
	free(d);
}

char *oc_owner_annotation(const json_t *cr)
{
	const char *o = cr != NULL ? oc_annotation(cr, "backstage.io/owner") : NULL;
	size_t n;

	if (o == NULL)
		return NULL;
	while (isspace((unsigned char)*o))
		o++;
	n = strlen(o);
	while (n > 0 && isspace((unsigned char)o[n - 1]))
		n--;
	return n > 0 ? sh_xstrndup(o, n) : NULL;
}

/* ---- dispatch ----------------------------------------------------------- */

const char *oc_src_init(struct oc_src *s, enum oc_kind kind, const struct oc_ctx *ctx,
			const json_t *item)
{
	if ((unsigned)kind >= OC_KIND_COUNT)
		return "unknown kind";
	s->kind = kind;
	s->ctx = ctx;
	s->item = item;
	s->cluster = oc_kinds[kind].cluster && kind != OC_NAMESPACE;
	if (!json_is_object(item))
		return "resource is not an object";
	s->name = oc_nonempty(item, "metadata.name");
	if (s->name == NULL)
		return "resource has no metadata.name";
	s->ns = s->cluster ? OC_CLUSTER_NS : ctx->ns;
	if (kind != OC_NAMESPACE && (s->ns == NULL || *s->ns == '\0'))
		return "no namespace to translate in";
	return NULL;
}

typedef json_t *(*translate_fn)(const struct oc_src *s);

/* The translator of each kind oc_translate handles; NULL: not this function's. */
static const translate_fn translators[OC_KIND_COUNT] = {
	[OC_NAMESPACE] = oc_tr_namespace,
	[OC_PROJECT] = oc_tr_project,
	[OC_ENVIRONMENT] = oc_tr_environment,
	[OC_PIPELINE] = oc_tr_pipeline,
	[OC_CHANNEL] = oc_tr_channel,
	[OC_DATAPLANE] = oc_tr_plane,
	[OC_WORKFLOWPLANE] = oc_tr_plane,
	[OC_OBSERVABILITYPLANE] = oc_tr_plane,
	[OC_CLUSTERDATAPLANE] = oc_tr_plane,
	[OC_CLUSTEROBSERVABILITYPLANE] = oc_tr_plane,
	[OC_CLUSTERWORKFLOWPLANE] = oc_tr_plane,
	[OC_COMPONENTTYPE] = oc_tr_type,
	[OC_TRAIT] = oc_tr_type,
	[OC_RESOURCETYPE] = oc_tr_type,
	[OC_PROJECTTYPE] = oc_tr_type,
	[OC_WORKFLOW] = oc_tr_type,
	[OC_CLUSTERCOMPONENTTYPE] = oc_tr_type,
	[OC_CLUSTERRESOURCETYPE] = oc_tr_type,
	[OC_CLUSTERPROJECTTYPE] = oc_tr_type,
	[OC_CLUSTERTRAIT] = oc_tr_type,
	[OC_CLUSTERWORKFLOW] = oc_tr_type,
	[OC_RESOURCE] = oc_tr_resource,
};

json_t *oc_translate(enum oc_kind kind, const struct oc_ctx *ctx, const json_t *item,
		     char *err, size_t errlen)
{
	translate_fn fn = (unsigned)kind < OC_KIND_COUNT ? translators[kind] : NULL;
	struct oc_src s;
	const char *why;

	if (fn == NULL) {
		snprintf(err, errlen, "kind %d is not translated by oc_translate", (int)kind);
		return NULL;
	}
	why = oc_src_init(&s, kind, ctx, item);
	if (why != NULL) {
		snprintf(err, errlen, "cannot translate %s: %s", oc_kinds[kind].event, why);
		return NULL;
	}
	return fn(&s);
}
