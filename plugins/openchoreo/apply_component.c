/*
 * The Component flow of an event (spec openchoreo-provider.md §4.2): the
 * component, its project (only for the owner), its first workload and the
 * workloads of its dependency targets, into the Component and its APIs;
 * and Workload events, which end in that flow.  A workload that is gone
 * takes its APIs with it, found through the catalog's annotation query.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "events.h"

#define OWNER_ANNOTATION "backstage.io/owner"

/* The string at o.a.b (NULL-terminated keys) when non-empty, else NULL. */
static const char *str_at(const json_t *o, ...) __attribute__((sentinel));
static const char *str_at(const json_t *o, ...)
{
	va_list ap;
	const char *key, *s;

	va_start(ap, o);
	while (o && (key = va_arg(ap, const char *)))
		o = json_object_get(o, key);
	va_end(ap);
	s = json_string_value(o);
	return s && *s ? s : NULL;
}

static bool blank(const char *s)
{
	while (s && *s && isspace((unsigned char)*s))
		s++;
	return !s || !*s;
}

/* GET one resource of a namespaced kind. */
static int get_one(const struct oc_state *st, const char *ns, enum oc_kind kind,
		   const char *name, json_t **out, char *err, size_t errlen)
{
	char *path = oc_event_path(&oc_kinds[kind], ns, name, NULL);
	int rc = oc_get(st, path, NULL, out, err, errlen);

	free(path);
	return rc;
}

/* The first item of workloads?component=<component> (a new reference), or
 * NULL when it has none (404 included).  0 or a negative SH_E* code. */
static int first_workload(const struct oc_state *st, const char *ns, const char *component,
			  json_t **out, char *err, size_t errlen)
{
	const char *seg[] = { "namespaces", ns, "workloads", NULL };
	char *path = oc_path(seg), *enc = oc_encode(component), *query;
	json_t *list = NULL, *first;
	int rc;

	*out = NULL;
	if (!enc) {
		free(path);
		snprintf(err, errlen, "component name too long: %.64s", component);
		return SH_ETOOBIG;
	}
	query = sh_xasprintf("component=%s", enc);
	rc = oc_get(st, path, query, &list, err, errlen);
	free(path);
	free(enc);
	free(query);
	if (rc == OC_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	first = json_array_get(json_object_get(list, "items"), 0);
	if (json_is_object(first))
		*out = json_incref(first);
	json_decref(list);
	return 0;
}

/* Dependency targets' workloads, fetched once per distinct component. */
struct deps {
	const struct oc_state *st;
	const char *ns;
	json_t *seen;   /* component name -> its first workload, or null */
	int rc;         /* the first failed fetch */
	char *err;
	size_t errlen;
};

/* The event path ignores dep.project (§6 item 12): by component name. */
static const json_t *dep_workload(const char *project, const char *component, void *arg)
{
	struct deps *d = arg;
	json_t *w;

	(void)project;
	if (!component || d->rc)
		return NULL;
	if ((w = json_object_get(d->seen, component)))
		return json_is_null(w) ? NULL : w;
	if ((d->rc = first_workload(d->st, d->ns, component, &w, d->err, d->errlen)) != 0)
		return NULL;
	json_object_set_new(d->seen, component, w ? w : json_null());
	return w;
}

/* The project resource, fetched only when the component names no owner
 * itself; *out stays NULL when it is not needed or answers 404. */
static int owner_project(const struct oc_state *st, const char *ns, const json_t *comp,
			 const char *project, json_t **out, char *err, size_t errlen)
{
	int rc;

	*out = NULL;
	if (!blank(str_at(comp, "metadata", "annotations", OWNER_ANNOTATION, NULL)))
		return 0;
	rc = get_one(st, ns, OC_PROJECT, project, out, err, errlen);
	return rc == OC_NOTFOUND ? 0 : rc;
}

/* Translation of a fetched component; the workload is NULL or borrowed. */
static int translate(const struct oc_state *st, const char *ns, const json_t *comp,
		     const json_t *workload, json_t *added, char *err, size_t errlen)
{
	const struct oc_ctx ctx = { .ns = ns, .default_owner = st->default_owner };
	const char *project = str_at(comp, "spec", "owner", "projectName", NULL);
	struct deps d = { st, ns, json_object(), 0, err, errlen };
	json_t *project_cr = NULL, *own = NULL, *out = json_array();
	int rc;

	if (!project) {
		snprintf(err, errlen, "component has no spec.owner.projectName");
		rc = OC_APPLY_GIVE_UP;
		goto out;
	}
	if ((rc = owner_project(st, ns, comp, project, &project_cr, err, errlen)) != 0)
		goto out;
	if (!workload && (rc = first_workload(st, ns, str_at(comp, "metadata", "name", NULL),
					      &own, err, errlen)) != 0)
		goto out;
	rc = oc_translate_component(&ctx, comp, project, project_cr, workload ? workload : own,
				    dep_workload, &d, out, err, errlen);
	if (d.rc)
		rc = d.rc;
	else if (rc != 0)
		rc = OC_APPLY_GIVE_UP;
	else
		json_array_extend(added, out);
out:
	json_decref(project_cr);
	json_decref(own);
	json_decref(out);
	json_decref(d.seen);
	return rc;
}

int oc_apply_component(const struct oc_state *st, const char *ns, const char *name,
		       const json_t *workload, json_t *added, json_t *removed, char *err,
		       size_t errlen)
{
	json_t *comp = NULL;
	int rc = get_one(st, ns, OC_COMPONENT, name, &comp, err, errlen);

	if (rc == OC_NOTFOUND) {
		/* Its System's hasPart goes with the component's relations:
		 * the catalog re-stitches the other ends of a removed entity's
		 * relations (docs/openchoreo.md, Events). */
		oc_event_gone_refs(&oc_kinds[OC_COMPONENT], ns, name, removed);
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = translate(st, ns, comp, workload, added, err, errlen);
	json_decref(comp);
	return rc;
}
