/*
 * Relation rows of spec §8, emitted like Backstage's BuiltinKindsEntityProcessor:
 * one table row per (kind, spec field), targets defaulted with the field's
 * kind and the source entity's namespace, and the per-entity final array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "ref.h"
#include "relations.h"
#include "util.h"

struct rule {
	const char *kinds[7];
	const char *field;
	const char *forward;
	const char *reverse;
	const char *default_kind; /* NULL: the ref must name its kind */
};

static const struct rule rules[] = {
	{ { "Component", "API", "Resource", "System", "Domain", "Template" },
	  "owner", "ownedBy", "ownerOf", "Group" },
	{ { "Component" }, "subcomponentOf", "partOf", "hasPart", "Component" },
	{ { "Component" }, "providesApis", "providesApi", "apiProvidedBy", "API" },
	{ { "Component" }, "consumesApis", "consumesApi", "apiConsumedBy", "API" },
	{ { "Component", "Resource" }, "dependsOn", "dependsOn", "dependencyOf", NULL },
	{ { "Component", "Resource" }, "dependencyOf", "dependencyOf", "dependsOn", NULL },
	{ { "Component", "API", "Resource" }, "system", "partOf", "hasPart", "System" },
	{ { "System" }, "domain", "partOf", "hasPart", "Domain" },
	{ { "Domain" }, "subdomainOf", "partOf", "hasPart", "Domain" },
	{ { "Group" }, "parent", "childOf", "parentOf", "Group" },
	{ { "Group" }, "children", "parentOf", "childOf", "Group" },
	{ { "Group" }, "members", "hasMember", "memberOf", "User" },
	{ { "User" }, "memberOf", "memberOf", "hasMember", "Group" },
};

void catalog_relations_push(struct catalog_relations *out, const char *src, const char *type,
			    const char *dst)
{
	struct catalog_relation *r;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->rows = sh_xrealloc(out->rows, out->cap * sizeof(*out->rows));
	}
	r = &out->rows[out->n++];
	r->source_ref = sh_xstrdup(src);
	r->type = sh_xstrdup(type);
	r->target_ref = sh_xstrdup(dst);
}

static int rule_applies(const struct rule *r, const char *kind)
{
	size_t i;

	for (i = 0; r->kinds[i]; i++)
		if (!strcmp(r->kinds[i], kind))
			return 1;
	return 0;
}

/* JavaScript falsiness, which is how the processor skips absent fields. */
int catalog_relations_falsy(const json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_number(v) && json_number_value(v) == 0);
}

static int emit_one(const struct rule *r, const json_t *target, const char *self,
		    const char *self_ns, struct catalog_relations *out, char **err)
{
	struct catalog_ref ref;
	char *canon;
	int rc;

	rc = catalog_ref_parse_json(target, r->default_kind, self_ns, &ref, err);
	if (rc)
		return rc;
	canon = catalog_ref_format(ref.kind, ref.namespace, ref.name);
	catalog_relations_push(out, self, r->forward, canon);
	catalog_relations_push(out, canon, r->reverse, self);
	free(canon);
	catalog_ref_clear(&ref);
	return 0;
}

static int emit_rule(const struct rule *r, const json_t *spec, const char *self,
		     const char *self_ns, struct catalog_relations *out, char **err)
{
	const json_t *v = json_object_get(spec, r->field), *item;
	size_t i;
	int rc = 0;

	if (catalog_relations_falsy(v))
		return 0;
	if (!json_is_array(v))
		return emit_one(r, v, self, self_ns, out, err);
	json_array_foreach(v, i, item) {
		rc = emit_one(r, item, self, self_ns, out, err);
		if (rc)
			break;
	}
	return rc;
}

void catalog_relations_truncate(struct catalog_relations *out, size_t n)
{
	while (out->n > n) {
		struct catalog_relation *r = &out->rows[--out->n];

		free(r->source_ref);
		free(r->type);
		free(r->target_ref);
	}
}

int catalog_relations_emit(const json_t *entity, struct catalog_relations *out, char **err)
{
	const json_t *meta = json_object_get(entity, "metadata");
	const json_t *spec = json_object_get(entity, "spec");
	const char *kind = json_string_value(json_object_get(entity, "kind"));
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	size_t i, start = out->n;
	char *self;
	int rc = 0;

	*err = NULL;
	self = catalog_ref_of_entity(entity);
	if (!self) {
		*err = sh_xstrdup("entity has no kind or metadata.name");
		return SH_EINVAL;
	}
	if (!ns || !*ns)
		ns = "default";
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]) && !rc; i++)
		if (rule_applies(&rules[i], kind))
			rc = emit_rule(&rules[i], spec, self, ns, out, err);
	if (rc)
		catalog_relations_truncate(out, start);
	free(self);
	return rc;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct catalog_relation *x = *(const struct catalog_relation *const *)a;
	const struct catalog_relation *y = *(const struct catalog_relation *const *)b;
	int c = strcmp(x->type, y->type);

	return c ? c : strcmp(x->target_ref, y->target_ref);
}

json_t *catalog_relations_build(const struct catalog_relation *rows, size_t n,
				const char *source_ref)
{
	const struct catalog_relation **sel = sh_xmalloc(n * sizeof(*sel));
	json_t *arr = json_array();
	size_t i, k = 0;

	if (!arr)
		abort();
	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].source_ref, source_ref))
			sel[k++] = &rows[i];
	qsort(sel, k, sizeof(*sel), cmp_rel);
	for (i = 0; i < k; i++) {
		if (i && !cmp_rel(&sel[i - 1], &sel[i]))
			continue;
		if (json_array_append_new(arr, json_pack("{s:s,s:s}", "type", sel[i]->type,
							 "targetRef", sel[i]->target_ref)))
			abort();
	}
	free(sel);
	return arr;
}

void catalog_relations_free(struct catalog_relations *rels)
{
	catalog_relations_truncate(rels, 0);
	free(rels->rows);
	memset(rels, 0, sizeof(*rels));
}
