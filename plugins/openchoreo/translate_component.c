/*
 * A Component and the APIs of its workload's endpoints (spec §2.3, §2.4):
 * the one translation that needs more than its resource (the project, the
 * owner chain, the first workload, and its dependencies' workloads).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>

#include "translate.h"

#define VISIBILITY_MAX 4096   /* the endpoint-visibility annotation */

/* An array index as JavaScript sees one: "0" or [1-9][0-9]* below 2^32-1. */
static bool index_key(const char *k, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)k[0]) || (k[0] == '0' && k[1] != '\0'))
		return false;
	errno = 0;
	*v = strtoul(k, &end, 10);
	return *end == '\0' && errno == 0 && *v < 4294967295UL;
}

static int js_key_cmp(const void *a, const void *b)
{
	const char *ka = *(const char *const *)a, *kb = *(const char *const *)b;
	unsigned long va, vb;
	bool ia = index_key(ka, &va), ib = index_key(kb, &vb);

	if (ia && ib)
		return va < vb ? -1 : va > vb;
	return ia ? -1 : ib ? 1 : 0;
}

/*
 * The endpoint names of the workload in JavaScript's Object.keys order
 * (index-like keys first, ascending; then insertion order), as a malloc'd
 * array of borrowed strings; *n their count.
 */
static const char **endpoint_names(const json_t *endpoints, size_t *n)
{
	const char **keys = sh_xcalloc(json_object_size(endpoints) + 1, sizeof(*keys));
	const char *k;
	const json_t *v;
	size_t i = 0;

	json_object_foreach((json_t *)endpoints, k, v)
		keys[i++] = k;
	/* insertion sort: stable, so other keys keep their order */
	for (size_t a = 1; a < i; a++)
		for (size_t b = a; b > 0 && js_key_cmp(&keys[b - 1], &keys[b]) > 0; b--) {
			const char *t = keys[b];

			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	*n = i;
	return keys;
}

/* Whether endpoint `name` of workload has non-blank schema content. */
static bool has_schema(const json_t *workload, const char *name)
{
	const json_t *ep = json_object_get(oc_at(workload, "spec.endpoints"), name);

	return oc_nonblank(oc_str(ep, "schema.content"));
}

/* ---- the Component (§2.3) ----------------------------------------------- */

struct comp {
	const struct oc_src *s;
	const char *project;
	const json_t *workload;
	char *owner;
	char *type;        /* T: the component type string, "" when none */
};

static char *component_type(const json_t *item)
{
	const json_t *ct = oc_at(item, "spec.componentType");

	if (json_is_string(ct))
		return sh_xstrdup(json_string_value(ct));
	return sh_xstrdup(oc_str_or(ct, "name", ""));
}

static json_t *component_tags(const char *type)
{
	char *third = sh_xstrdup(*type != '\0' ? type : "unknown");
	char *slash = strchr(third, '/');
	json_t *tags;

	if (slash != NULL)
		*slash = '-';
	tags = oc_tags("openchoreo", "component", third, NULL);
	free(third);
	return tags;
}

static json_t *component_annotations(const struct comp *c, bool ready)
{
	const struct oc_src *s = c->s;
	const json_t *repo = oc_at(s->item, "spec.workflow.parameters.repository");
	const char *url = oc_nonempty(repo, "url");
	json_t *ann = oc_annotations_new();

	oc_put(ann, "openchoreo.io/component", s->name);
	oc_put_opt(ann, "openchoreo.io/component-uid", oc_str(s->item, "metadata.uid"));
	oc_put_opt(ann, "openchoreo.io/component-type", c->type);
	oc_put_opt(ann, "openchoreo.io/component-type-kind",
		   oc_str(s->item, "spec.componentType.kind"));
	oc_put(ann, "openchoreo.io/project", c->project);
	oc_put(ann, "openchoreo.io/namespace", s->ns);
	oc_put_created(ann, s, false);
	oc_put(ann, "openchoreo.io/status", oc_ready_word(ready));
	oc_put_deletion(ann, s);
	if (url != NULL) {
		char *loc = sh_xasprintf("url:%s", url);

		oc_put(ann, "backstage.io/source-location", loc);
		free(loc);
	}
	oc_put_opt(ann, "openchoreo.io/branch", oc_str(repo, "revision.branch"));
	oc_put_opt(ann, "openchoreo.io/workload", oc_str(c->workload, "metadata.name"));
	return ann;
}

static void append_ref(json_t *list, const char *project, const char *component,
		       const char *endpoint)
{
	char *ref = sh_xasprintf("%s-%s-%s", project, component, endpoint);

	json_array_append_new(list, json_string(ref));
	free(ref);
}

/* spec.providesApis: this workload's endpoints with a schema. */
static json_t *provides(const struct comp *c)
{
	const json_t *eps = oc_at(c->workload, "spec.endpoints");
	json_t *list = json_array();
	size_t n;
	const char **names = endpoint_names(eps, &n);

	for (size_t i = 0; i < n; i++)
		if (has_schema(c->workload, names[i]))
			append_ref(list, c->project, c->s->name, names[i]);
	free(names);
	return list;
}

/* spec.consumesApis: dependencies whose target endpoint has a schema. */
static json_t *consumes(const struct comp *c, oc_workload_fn lookup, void *arg)
{
	const json_t *deps = oc_at(c->workload, "spec.dependencies.endpoints");
	json_t *list = json_array();
	const json_t *d;
	size_t i;

	json_array_foreach(deps, i, d) {
		const char *project = oc_str_or(d, "project", c->project);
		const char *component = oc_str_or(d, "component", "");
		const char *endpoint = oc_str_or(d, "name", "");
		const json_t *target = lookup ? lookup(project, component, arg) : NULL;

		if (target != NULL && has_schema(target, endpoint))
			append_ref(list, project, component, endpoint);
	}
	return list;
}

/* spec.dependsOn: "resource:{ns}/{ref}" per resource dependency. */
static json_t *depends_on(const struct comp *c)
{
	const json_t *deps = oc_at(c->workload, "spec.dependencies.resources");
	json_t *list = json_array();
	const json_t *d;
	size_t i;

	json_array_foreach(deps, i, d) {
		char *ref = sh_xasprintf("resource:%s/%s", c->s->ns, oc_str_or(d, "ref", ""));

		json_array_append_new(list, json_string(ref));
		free(ref);
	}
	return list;
}

/* key = list when it has elements (the list is consumed either way). */
static void put_list(json_t *spec, const char *key, json_t *list)
{
	if (json_array_size(list) > 0)
		json_object_set_new(spec, key, list);
	else
		json_decref(list);
}

static json_t *component_entity(const struct comp *c, oc_workload_fn lookup, void *arg)
{
	const struct oc_src *s = c->s;
	bool ready = oc_condition(s->item, "Ready");
	const char *desc = oc_annotation(s->item, "openchoreo.dev/description");
	json_t *meta = oc_meta(s, "ntsd", desc ? json_string(desc) : NULL,
			       component_tags(c->type));
	json_t *spec = json_object();

	oc_put(spec, "type", *c->type != '\0' ? c->type : "unknown");
	oc_put(spec, "lifecycle", ready ? "ready" : "not ready");
	oc_put(spec, "owner", c->owner);
	oc_put(spec, "system", c->project);
	put_list(spec, "providesApis", provides(c));
	put_list(spec, "consumesApis", consumes(c, lookup, arg));
	put_list(spec, "dependsOn", depends_on(c));
	return oc_entity("Component", meta, component_annotations(c, ready),
			 oc_labels_new(NULL), spec);
}

/* ---- the APIs (§2.4) ---------------------------------------------------- */

/* A JSON number as JavaScript's String() writes it ("" when not a number). */
static char *port_text(const json_t *port)
{
	if (json_is_integer(port))
		return sh_xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(port));
	if (json_is_real(port))
		return sh_xasprintf("%.17g", json_real_value(port));
	return sh_xstrdup("");
}

static char *lower(const char *s)
{
	char *l = sh_xstrdup(s);

	for (char *p = l; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* "a,b" of the endpoint's visibility list, "" when none. */
static char *visibility(const json_t *ep)
{
	const json_t *v;
	struct sh_buf b;
	size_t i;

	sh_buf_init(&b, VISIBILITY_MAX);
	json_array_foreach(json_object_get(ep, "visibility"), i, v)
		if (sh_buf_printf(&b, "%s%s", i > 0 ? "," : "", oc_str_or(v, "", "")) != 0)
			break;
	return sh_buf_take(&b, NULL);
}

static json_t *api_annotations(const struct comp *c, const char *name, const json_t *ep)
{
	json_t *ann = oc_annotations_new();
	char *port = port_text(json_object_get(ep, "port"));
	char *vis = visibility(ep);

	oc_put(ann, "openchoreo.io/component", c->s->name);
	oc_put(ann, "openchoreo.io/endpoint-name", name);
	oc_put(ann, "openchoreo.io/endpoint-type", oc_str(ep, "type"));
	oc_put(ann, "openchoreo.io/endpoint-port", port);
	oc_put(ann, "openchoreo.io/endpoint-visibility", vis);
	oc_put(ann, "openchoreo.io/project", c->project);
	oc_put(ann, "openchoreo.io/namespace", c->s->ns);
	oc_put(ann, "openchoreo.io/workload", oc_str(c->workload, "metadata.name"));
	free(port);
	free(vis);
	return ann;
}

/* The API of endpoint `name` (which has a schema). */
static json_t *api_entity(const struct comp *c, const char *name, const json_t *ep)
{
	const char *stype = oc_nonempty(ep, "schema.type");
	const char *shown = stype ? stype : oc_str_or(ep, "type", "");
	char *port = port_text(json_object_get(ep, "port"));
	char *ename = sh_xasprintf("%s-%s-%s", c->project, c->s->name, name);
	char *title = sh_xasprintf("%s %s API", c->s->name, name);
	char *desc = sh_xasprintf("%s API for %s on port %s", shown, c->s->name, port);
	char *tag = lower(shown), *type = lower(stype ? stype : "openapi");
	json_t *meta = json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", ename, "namespace", c->s->ns,
				 "title", title, "description", desc,
				 "tags", oc_tags("openchoreo", "api", tag, NULL));
	json_t *spec = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", type,
				 "lifecycle", "production", "owner", c->owner,
				 "system", c->project, "definition", oc_str(ep, "schema.content"));

	free(port);
	free(ename);
	free(title);
	free(desc);
	free(tag);
	free(type);
	return oc_entity("API", meta, api_annotations(c, name, ep), oc_labels_new(NULL), spec);
}

static void append_apis(const struct comp *c, json_t *out)
{
	const json_t *eps = oc_at(c->workload, "spec.endpoints");
	size_t n;
	const char **names;

	if (oc_nonempty(c->workload, "metadata.name") == NULL)
		return;
	names = endpoint_names(eps, &n);
	for (size_t i = 0; i < n; i++)
		if (has_schema(c->workload, names[i]))
			json_array_append_new(out, api_entity(c, names[i],
							      json_object_get(eps, names[i])));
	free(names);
}

/* ---- the entry point ---------------------------------------------------- */

/* Owner chain (§2.0.1): the Component's annotation, its Project's, the default. */
static char *component_owner(const json_t *component, const json_t *project_cr,
			     const char *dflt)
{
	char *o = oc_owner_annotation(component);

	if (o == NULL)
		o = oc_owner_annotation(project_cr);
	return o != NULL ? o : sh_xstrdup(dflt != NULL ? dflt : "");
}

int oc_translate_component(const struct oc_ctx *ctx, const json_t *component,
			   const char *project, const json_t *project_cr,
			   const json_t *workload, oc_workload_fn lookup, void *arg,
			   json_t *out, char *err, size_t errlen)
{
	struct oc_src s;
	struct comp c = { .s = &s, .project = project, .workload = workload };
	const char *why = oc_src_init(&s, OC_COMPONENT, ctx, component);

	if (why == NULL && (project == NULL || *project == '\0'))
		why = "no project";
	if (why == NULL && !json_is_array(out))
		why = "no array to append to";
	if (why != NULL) {
		snprintf(err, errlen, "cannot translate component: %s", why);
		return -1;
	}
	c.owner = component_owner(component, project_cr, ctx->default_owner);
	c.type = component_type(component);
	json_array_append_new(out, component_entity(&c, lookup, arg));
	append_apis(&c, out);
	free(c.owner);
	free(c.type);
	return 0;
}
