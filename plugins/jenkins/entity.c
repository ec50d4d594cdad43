/*
 * The entity behind a route and the Jenkins instance its annotation names:
 * the entity through the catalog's SQL interface (catalog.entity_by_ref_v1,
 * nothing else of the catalog), the instance from [jenkins] ("default") or
 * [jenkins.<name>].
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

static const char *annotation(const json_t *entity)
{
	const json_t *a = json_object_get(json_object_get(entity, "metadata"), "annotations");
	const char *v = json_string_value(json_object_get(a, JK_LEGACY_ANNOTATION));

	return v && *v ? v : json_string_value(json_object_get(a, JK_ANNOTATION));
}

/* The annotation value of kind:namespace/name, or NULL after a reply. */
static const char *entity_annotation(struct sh_req *req, const char *ref, int *replied)
{
	const char *params[] = { ref };
	PGresult *r = sh_db_query(req, "SELECT catalog.entity_by_ref_v1($1)", 1, params);
	json_t *entity;
	const char *v;

	if (!r)
		return *replied = sh_db_fail(req), NULL;
	entity = PQgetisnull(r, 0, 0) ? NULL : json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	if (!entity) {
		*replied = sh_fail(req, 404, "NotFoundError", "Couldn't find entity with name: %s", ref);
		return NULL;
	}
	v = annotation(entity);
	v = v ? sh_strdup(req, v) : NULL;
	json_decref(entity);
	if (!v)
		*replied = sh_fail(req, 404, "NotFoundError", "Entity %s has no %s annotation", ref,
				   JK_ANNOTATION);
	return v;
}

/* The instance's section and values; false when it is not configured. */
static bool instance(struct sh_req *req, const struct jenkins *jk, const char *name,
		     struct jk_instance *inst)
{
	const struct sh_conf *conf = sh_host_conf(jk->host);
	const char *sec = strcmp(name, "default") == 0 ? "jenkins" : sh_printf(req, "jenkins.%s", name);
	const char *url = sh_conf_str(conf, sec, "base_url");
	size_t n;

	if (!url || !*url)
		return false;
	for (n = strlen(url); n > 0 && url[n - 1] == '/';)
		n--;
	inst->name = name;
	inst->base_url = sh_strndup(req, url, n);
	inst->username = sh_conf_str(conf, sec, "username");
	inst->api_key = sh_conf_str(conf, sec, "api_key");
	inst->project_count_limit = sh_conf_int(conf, sec, "project_count_limit", 50);
	return true;
}

int jk_entity_target(struct sh_req *req, const struct jenkins *jk, struct jk_target *t,
		     struct jk_instance *inst)
{
	const char *ref = sh_printf(req, "%s:%s/%s", sh_req_param(req, "kind"),
				    sh_req_param(req, "namespace"), sh_req_param(req, "name"));
	int replied = 0;
	const char *value = entity_annotation(req, ref, &replied);
	char why[128];

	memset(t, 0, sizeof(*t));
	if (!value)
		return replied;
	if (jk_target_parse(value, t, why, sizeof(why)) < 0)
		return sh_fail(req, 500, "Error", "Entity %s: %s: %s", ref, JK_ANNOTATION, why);
	if (!instance(req, jk, sh_strdup(req, t->instance), inst))
		return sh_fail(req, 500, "Error", "Couldn't find a Jenkins instance in config with name %s",
			       t->instance);
	return 0;
}
