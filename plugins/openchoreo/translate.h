/*
 * The rules every translator shares (spec openchoreo-provider.md §2.0):
 * reading the resource, the metadata every entity carries, the managed-by
 * annotations and the managed label, Ready/Created conditions, owners.
 * Internal to translate*.c; the plugin's parts call openchoreo.h only.
 * Every json_t these return is a new reference the caller owns.
 */
#ifndef OPENCHOREO_TRANSLATE_H
#define OPENCHOREO_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "openchoreo.h"

/* One resource being translated, as the dispatch (translate.c) resolved it. */
struct oc_src {
	enum oc_kind kind;
	const struct oc_ctx *ctx;
	const json_t *item;   /* the OpenChoreo resource (an object) */
	const char *name;     /* its metadata.name, non-empty */
	const char *ns;       /* the entity's namespace: ctx->ns, or OC_CLUSTER_NS */
	bool cluster;         /* a cluster-scoped kind */
};

/* ---- reading the resource ---------------------------------------------- */

/* The value at a dotted path ("spec.type.name") of objects, or NULL. */
const json_t *oc_at(const json_t *v, const char *path);
/* The string at path, or NULL when absent or not a string. */
const char *oc_str(const json_t *v, const char *path);
/* The string at path when it is a non-empty string, else NULL. */
const char *oc_nonempty(const json_t *v, const char *path);
/* The string at path, or "" (never NULL). */
const char *oc_str_or(const json_t *v, const char *path, const char *dflt);
/* The annotation `key` of metadata.annotations when non-empty, else NULL. */
const char *oc_annotation(const json_t *item, const char *key);
/* True when status.conditions[] has {type: type, status: "True"}. */
bool oc_condition(const json_t *item, const char *type);
/* "Ready" or "Not Ready". */
const char *oc_ready_word(bool ready);
/* True when s has a character other than JavaScript's trim() whitespace. */
bool oc_nonblank(const char *s);

/* ---- building the entity ----------------------------------------------- */

/*
 * metadata with the keys `order` names, in that order: 'n' name, 's'
 * namespace, 't' title (display name, else name), 'd' description
 * (`description`, stolen, skipped when NULL); then tags (stolen).
 */
json_t *oc_meta(const struct oc_src *s, const char *order, json_t *description, json_t *tags);
/* The description annotation, else prefix + name + suffix (a json string). */
json_t *oc_description(const struct oc_src *s, const char *prefix, const char *suffix);
/* A JSON array of the NULL-terminated string arguments. */
json_t *oc_tags(const char *first, ...) __attribute__((sentinel));
/* The two managed-by annotations every entity starts with (§1.6). */
json_t *oc_annotations_new(void);
/* annotations[key] = value, "" when value is NULL. */
void oc_put(json_t *obj, const char *key, const char *value);
/* annotations[key] = value when value is a non-empty string. */
void oc_put_opt(json_t *obj, const char *key, const char *value);
/* obj[key] = a new reference to v, when v is not NULL (absent stays absent). */
void oc_copy(json_t *obj, const char *key, const json_t *v);
/* openchoreo.io/namespace = ns, unless s is cluster-scoped. */
void oc_put_namespace(json_t *ann, const struct oc_src *s);
/* openchoreo.io/created-at: always (`always`, "" when unset) or only when set. */
void oc_put_created(json_t *ann, const struct oc_src *s, bool always);
/* openchoreo.io/deletion-timestamp when the resource is being deleted. */
void oc_put_deletion(json_t *ann, const struct oc_src *s);
/* {"openchoreo.io/managed": "true"} plus `extra`: "true" when extra is non-NULL. */
json_t *oc_labels_new(const char *extra);
/*
 * {apiVersion, kind, metadata, spec}: metadata gets annotations and labels
 * appended.  All of metadata, annotations, labels and spec are stolen.
 */
json_t *oc_entity(const char *kind, json_t *metadata, json_t *annotations, json_t *labels,
		  json_t *spec);
/* spec.domain = "default/{ns}" (namespaced kinds only). */
void oc_put_domain(json_t *spec, const struct oc_src *s);
/* The trimmed, non-empty backstage.io/owner annotation of cr (malloc'd), or NULL. */
char *oc_owner_annotation(const json_t *cr);

/* ---- the translators of each file (never fail: translate.c checks) ------ */

json_t *oc_tr_namespace(const struct oc_src *s);          /* translate_core.c */
json_t *oc_tr_project(const struct oc_src *s);            /* translate_core.c */
json_t *oc_tr_environment(const struct oc_src *s);        /* translate_platform.c */
json_t *oc_tr_pipeline(const struct oc_src *s);           /* translate_platform.c */
json_t *oc_tr_channel(const struct oc_src *s);            /* translate_platform.c */
json_t *oc_tr_plane(const struct oc_src *s);              /* translate_planes.c */
/* spec.gateway reduced to {ingress:{external?,internal?}} (§2.5), or NULL. */
json_t *oc_gateway(const json_t *item);                   /* translate_platform.c */
json_t *oc_tr_type(const struct oc_src *s);               /* translate_types.c */
json_t *oc_tr_resource(const struct oc_src *s);           /* translate_types.c */

/* Resolves kind, name and namespace of item into s; NULL, or why not. */
const char *oc_src_init(struct oc_src *s, enum oc_kind kind, const struct oc_ctx *ctx,
			const json_t *item);

#endif
