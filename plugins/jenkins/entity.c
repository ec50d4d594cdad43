/*
 * The entity behind a route and the Jenkins instance its annotation names:
 * the entity through the catalog's SQL interface (catalog.entity_by_ref_v1,
 * nothing else of the catalog), the instance from [jenkins] ("default") or
 * [jenkins.<name>] (instances.c), its base_url overridden by the entity's
 * jenkins.io/override-base-url when the instance allows that URL, and
 * whether the caller owns the entity (the rebuild's permission).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

static const json_t *annotations(const json_t *entity)
{
	return json_object_get(json_object_get(entity, "metadata"), "annotations");
}

static const char *annotation(const json_t *entity)
{
	const json_t *a = annotations(entity);
	const char *v = json_string_value(json_object_get(a, JK_LEGACY_ANNOTATION));

	return v && *v ? v : json_string_value(json_object_get(a, JK_ANNOTATION));
}

/* Whether one of the caller's ownership refs is an ownedBy target. */
static bool caller_owns(struct sh_req *req, const json_t *entity)
{
	const struct sh_identity *id = sh_req_identity(req);
	const json_t *rel;
	size_t i;

	if (!id || id->kind != SH_PRINCIPAL_USER)
		return false;
	json_array_foreach(json_object_get(entity, "relations"), i, rel) {
		const char *type = json_string_value(json_object_get(rel, "type"));
		const char *target = json_string_value(json_object_get(rel, "targetRef"));

		if (!type || !target || strcmp(type, "ownedBy") != 0)
			continue;
		for (size_t k = 0; k < id->n_ownership; k++)
			if (strcasecmp(id->ownership[k], target) == 0)
				return true;
	}
	return false;
}

/* What a route needs of the entity, copied to the arena. */
struct found {
	const char *value;           /* the job annotation */
	const char *override;        /* jenkins.io/override-base-url, or NULL */
	bool owned;
};

/* The entity kind:namespace/name; 0 or the status replied. */
static int entity_find(struct sh_req *req, const char *ref, struct found *f)
{
	const char *params[] = { ref };
	PGresult *r = sh_db_query(req, "SELECT catalog.entity_by_ref_v1($1)", 1, params);
	json_t *entity;
	const char *v;

	if (!r)
		return sh_db_fail(req);
	entity = PQgetisnull(r, 0, 0) ? NULL : json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	if (!entity)
		return sh_fail(req, 404, "NotFoundError", "Couldn't find entity with name: %s", ref);
	v = annotation(entity);
	f->value = v ? sh_strdup(req, v) : NULL;
	v = json_string_value(json_object_get(annotations(entity), JK_OVERRIDE_ANNOTATION));
	f->override = v ? sh_strdup(req, v) : NULL;
	f->owned = caller_owns(req, entity);
	json_decref(entity);
	if (!f->value)
		return sh_fail(req, 404, "NotFoundError", "Entity %s has no %s annotation", ref,
			       JK_ANNOTATION);
	return 0;
}

/* The instance's base_url, or the entity's override when the instance's
 * regex allows it (upstream: else base_url, silently). */
static void override_base(struct sh_req *req, struct jk_instance *inst, const char *ref,
			  const char *url)
{
	size_t n;

	if (!url || !inst->override_re)
		return;
	if (!jk_override_allowed(inst->override_re, url)) {
		sh_log(SH_LOG_WARN, "jenkins: %s: %s does not match allowed_base_url_override_regex "
		       "of instance %s: using its base_url", ref, JK_OVERRIDE_ANNOTATION, inst->name);
		return;
	}
	for (n = strlen(url); n > 0 && url[n - 1] == '/';)
		n--;
	inst->base_url = sh_strndup(req, url, n);
}

int jk_entity_target(struct sh_req *req, const struct jenkins *jk, struct jk_target *t,
		     struct jk_instance *inst, bool *owned)
{
	const char *ref = sh_printf(req, "%s:%s/%s", sh_req_param(req, "kind"),
				    sh_req_param(req, "namespace"), sh_req_param(req, "name"));
	const struct jk_instance *conf;
	struct found f = { 0 };
	char why[128];
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = entity_find(req, ref, &f)) != 0)
		return rc;
	if (jk_target_parse(f.value, t, why, sizeof(why)) < 0)
		return sh_fail(req, 500, "Error", "Entity %s: %s: %s", ref, JK_ANNOTATION, why);
	if (!(conf = jk_instance_find(jk, t->instance)))
		return sh_fail(req, 500, "Error", "Couldn't find a Jenkins instance in config with name %s",
			       t->instance);
	*inst = *conf;
	override_base(req, inst, ref, f.override);
	if (owned)
		*owned = f.owned;
	return 0;
}
