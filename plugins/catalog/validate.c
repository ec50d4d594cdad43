/*
 * Entity validation (spec §9.3 steps 1, 3, 4) with Backstage's messages.
 * The JSON schemas of catalog-model are hand-coded here in the order ajv
 * evaluates them (required before properties, properties in schema order),
 * because Backstage reports only the first error and callers compare text.
 * The name, label, tag and URL matchers are in validate_rules.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include "validate.h"
#include "validate_rules.h"
#include "util.h"

/* A schema error as ajv reports it: instance path, message, params text. */
struct serr {
	char *path;
	const char *msg;
	char *params;
};

static const char *const builtin_versions[] = {
	"backstage.io/v1alpha1", "backstage.io/v1beta1", NULL
};
static const char *const template_versions[] = {
	"scaffolder.backstage.io/v1beta3", NULL
};

static void add_error(struct catalog_validate_errors *errs, char *msg)
{
	errs->msgs = sh_xrealloc(errs->msgs, (errs->n + 1) * sizeof(*errs->msgs));
	errs->msgs[errs->n++] = msg;
}

void catalog_validate_errors_free(struct catalog_validate_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = 0;
}

/* ---- JSON pointers and schema errors ---- */

/* base + "/" + key, escaping '~' and '/' as JSON pointers (ajv) do. */
static char *ptr_key(const char *base, const char *key)
{
	size_t n = strlen(base), k = strlen(key), i, j = n + 1;
	char *p = sh_xmalloc(n + 2 * k + 2);

	memcpy(p, base, n);
	p[n] = '/';
	for (i = 0; i < k; i++) {
		if (key[i] == '~' || key[i] == '/') {
			p[j++] = '~';
			p[j++] = key[i] == '~' ? '0' : '1';
		} else {
			p[j++] = key[i];
		}
	}
	p[j] = '\0';
	return p;
}

static char *ptr_index(const char *base, size_t i)
{
	return sh_xasprintf("%s/%zu", base, i);
}

static int fail(struct serr *e, const char *path, const char *msg, char *params)
{
	e->path = sh_xasprintf("%s", *path ? path : "<root>");
	e->msg = msg;
	e->params = params;
	return 1;
}

/* "<path> <message>[ - <params>]"; frees the parts. */
static char *serr_text(struct serr *e, int with_params)
{
	char *s = with_params ? sh_xasprintf("%s %s - %s", e->path, e->msg, e->params)
			      : sh_xasprintf("%s %s", e->path, e->msg);

	free(e->path);
	free(e->params);
	return s;
}

static int need_type(const json_t *v, const char *path, const char *type, struct serr *e)
{
	int ok = strcmp(type, "string") == 0 ? json_is_string(v)
	       : strcmp(type, "object") == 0 ? json_is_object(v)
	       : strcmp(type, "array") == 0 ? json_is_array(v)
	       : json_is_integer(v);

	if (ok)
		return 0;
	return fail(e, path, strcmp(type, "object") == 0 ? "must be object"
			   : strcmp(type, "array") == 0 ? "must be array"
			   : strcmp(type, "string") == 0 ? "must be string" : "must be integer",
		    sh_xasprintf("type: %s", type));
}

/* {type: string, minLength: 1} */
static int str_min1(const json_t *v, const char *path, struct serr *e)
{
	if (need_type(v, path, "string", e))
		return 1;
	if (json_string_length(v) == 0)
		return fail(e, path, "must NOT have fewer than 1 characters",
			    sh_xasprintf("limit: 1"));
	return 0;
}

static int str_any(const json_t *v, const char *path, struct serr *e)
{
	return need_type(v, path, "string", e);
}

typedef int check_fn(const json_t *v, const char *path, struct serr *e);

/* An optional property `key` of `obj` checked with `fn`. */
static int prop(const json_t *obj, const char *path, const char *key, check_fn *fn,
		struct serr *e)
{
	const json_t *v = json_object_get(obj, key);
	char *p;
	int rc;

	if (v == NULL)
		return 0;
	p = ptr_key(path, key);
	rc = fn(v, p, e);
	free(p);
	return rc;
}

static int each_item(const json_t *arr, const char *path, check_fn *fn, struct serr *e)
{
	size_t i;
	char *p;
	int rc = 0;

	if (need_type(arr, path, "array", e))
		return 1;
	for (i = 0; rc == 0 && i < json_array_size(arr); i++) {
		p = ptr_index(path, i);
		rc = fn(json_array_get(arr, i), p, e);
		free(p);
	}
	return rc;
}

static int str_array(const json_t *v, const char *path, struct serr *e)
{
	return each_item(v, path, str_min1, e);
}

static int required(const json_t *obj, const char *path, const char *const *names,
		    struct serr *e)
{
	for (; *names != NULL; names++) {
		if (json_object_get(obj, *names) == NULL)
			return fail(e, path, "must have required property",
				    sh_xasprintf("missingProperty: %s", *names));
	}
	return 0;
}

/* ajv puts the property name into the required message itself. */
static void fix_required_msg(struct serr *e, char **buf)
{
	const char *name;

	*buf = NULL;
	if (strcmp(e->msg, "must have required property") != 0)
		return;
	name = e->params + strlen("missingProperty: ");
	*buf = sh_xasprintf("must have required property '%s'", name);
	e->msg = *buf;
}

static char *serr_final(struct serr *e, int with_params)
{
	char *buf, *s;

	fix_required_msg(e, &buf);
	s = serr_text(e, with_params);
	free(buf);
	return s;
}

/* ---- step 1: EntityEnvelope schema (ajv allErrors; first error wins) ---- */

static int envelope_schema(const json_t *en, struct serr *e)
{
	static const char *const req[] = { "apiVersion", "kind", "metadata", NULL };
	static const char *const meta_req[] = { "name", NULL };
	const json_t *m;

	if (need_type(en, "", "object", e) || required(en, "", req, e))
		return 1;
	if (str_min1(json_object_get(en, "apiVersion"), "/apiVersion", e) ||
	    str_min1(json_object_get(en, "kind"), "/kind", e))
		return 1;
	m = json_object_get(en, "metadata");
	if (need_type(m, "/metadata", "object", e) || required(m, "/metadata", meta_req, e))
		return 1;
	return prop(m, "/metadata", "name", str_min1, e) ||
	       prop(m, "/metadata", "namespace", str_min1, e);
}

int catalog_validate_envelope(const json_t *entity, struct catalog_validate_errors *errs)
{
	struct serr e;
	char *cause;

	if (!envelope_schema(entity, &e))
		return 0;
	cause = serr_final(&e, 1);
	add_error(errs, sh_xasprintf("Entity envelope failed validation before "
					     "processing; caused by TypeError: %s", cause));
	free(cause);
	return SH_EINVAL;
}

char *catalog_validate_entity_ref(const json_t *entity)
{
	const json_t *m = json_object_get(entity, "metadata");
	const char *ns = json_string_value(json_object_get(m, "namespace"));
	char *ref = sh_xasprintf("%s:%s/%s",
		json_string_value(json_object_get(entity, "kind")), ns ? ns : "default",
		json_string_value(json_object_get(m, "name")));
	char *p;

	/* JavaScript's toLocaleLowerCase; names are ASCII once validated. */
	for (p = ref; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return ref;
}

void catalog_validate_default_namespace(json_t *entity)
{
	json_t *m = json_object_get(entity, "metadata");

	if (json_is_object(m) && json_object_get(m, "namespace") == NULL)
		json_object_set_new(m, "namespace", json_string("default"));
}

/* ---- step 3a: Entity + EntityMeta schemas (ajv, first error, no params) ---- */

/* patternProperties "^.+$" -> string: keys with no line terminator. */
static int string_map(const json_t *v, const char *path, struct serr *e)
{
	const char *k;
	const json_t *val;

	if (need_type(v, path, "object", e))
		return 1;
	json_object_foreach((json_t *)v, k, val) {
		if (*k == '\0' || strpbrk(k, "\n\r") != NULL)
			continue;
		if (prop(v, path, k, str_any, e))
			return 1;
	}
	return 0;
}

static int link_item(const json_t *v, const char *path, struct serr *e)
{
	static const char *const req[] = { "url", NULL };

	return need_type(v, path, "object", e) || required(v, path, req, e) ||
	       prop(v, path, "url", str_min1, e) || prop(v, path, "title", str_min1, e) ||
	       prop(v, path, "icon", str_min1, e) || prop(v, path, "type", str_min1, e);
}

static int links(const json_t *v, const char *path, struct serr *e)
{
	return each_item(v, path, link_item, e);
}

static int meta_schema(const json_t *m, const char *p, struct serr *e)
{
	static const char *const req[] = { "name", NULL };

	return need_type(m, p, "object", e) || required(m, p, req, e) ||
	       prop(m, p, "uid", str_min1, e) || prop(m, p, "etag", str_min1, e) ||
	       prop(m, p, "name", str_min1, e) || prop(m, p, "namespace", str_min1, e) ||
	       prop(m, p, "title", str_min1, e) || prop(m, p, "description", str_any, e) ||
	       prop(m, p, "labels", string_map, e) || prop(m, p, "annotations", string_map, e) ||
	       prop(m, p, "tags", str_array, e) || prop(m, p, "links", links, e);
}

static int object_any(const json_t *v, const char *path, struct serr *e)
{
	return need_type(v, path, "object", e);
}

static int relations(const json_t *v, const char *path, struct serr *e)
{
	return each_item(v, path, object_any, e);
}

static int entity_schema(const json_t *en, struct serr *e)
{
	static const char *const req[] = { "apiVersion", "kind", "metadata", NULL };
	static const char *const known[] = {
		"apiVersion", "kind", "metadata", "spec", "relations", "status", NULL
	};
	const char *k;
	const json_t *v;
	size_t i;

	if (need_type(en, "", "object", e) || required(en, "", req, e))
		return 1;
	json_object_foreach((json_t *)en, k, v) {
		for (i = 0; known[i] != NULL && strcmp(known[i], k) != 0; i++)
			;
		if (known[i] == NULL)
			return fail(e, "", "must NOT have additional properties",
				    sh_xasprintf("additionalProperty: %s", k));
	}
	return prop(en, "", "apiVersion", str_min1, e) || prop(en, "", "kind", str_min1, e) ||
	       meta_schema(json_object_get(en, "metadata"), "/metadata", e) ||
	       prop(en, "", "spec", object_any, e) || prop(en, "", "relations", relations, e) ||
	       prop(en, "", "status", object_any, e);
}

/* ---- step 3c/d: root fields and FieldFormatEntityPolicy ---- */

static char *foreign_root_field(const json_t *en)
{
	static const char *const known[] = { "apiVersion", "kind", "metadata", "spec", NULL };
	const char *k;
	const json_t *v;
	size_t i;

	json_object_foreach((json_t *)en, k, v) {
		for (i = 0; known[i] != NULL && strcmp(known[i], k) != 0; i++)
			;
		if (known[i] == NULL)
			return sh_xasprintf("Unknown field %s", k);
	}
	return NULL;
}

/* FieldFormatEntityPolicy's words for the rules of validate_rules.h. */
#define EXPECT_PREFIX "a valid prefix and/or suffix"
#define EXPECT_OBJECT_NAME "a string that is sequences of [a-zA-Z0-9] separated by " \
	"any of [-_.], at most 63 characters in total"
#define EXPECT_DNS_LABEL "a string that is sequences of [a-z0-9] separated by [-], " \
	"at most 63 characters in total"
#define EXPECT_KIND "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 " \
	"characters in total"
#define EXPECT_TAG "a string that is sequences of [a-z0-9+#] separated by [-], at most " \
	"63 characters in total"

#define ADR_LINK "To learn more about catalog file format, visit: " \
	"https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/" \
	"adr002-default-catalog-file-format.md"

/* FieldFormatEntityPolicy's require(): NULL when `ok`, else its message. */
static char *format_error(const char *field, const json_t *v, int ok, const char *expect)
{
	char *shown, *msg;

	if (v == NULL || json_is_null(v))
		return sh_xasprintf("%s must have a value", field);
	if (ok)
		return NULL;
	/* The schema step made these strings; dump anything else rather than crash. */
	shown = json_is_string(v) ? sh_xasprintf("%s", json_string_value(v))
				  : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	msg = sh_xasprintf("\"%s\" is not valid; expected %s but found \"%s\". %s",
		  field, expect, shown ? shown : "", ADR_LINK);
	free(shown);
	return msg;
}

static char *check_map_formats(const json_t *map, const char *what, int labels)
{
	const char *k;
	const json_t *v;
	char *field, *msg = NULL;

	json_object_foreach((json_t *)map, k, v) {
		json_t *key = json_string(k);

		field = sh_xasprintf("%s.%s", what, k);
		msg = format_error(field, key, catalog_rule_label_key(k), EXPECT_PREFIX);
		if (msg == NULL && labels)
			msg = format_error(field, v, json_is_string(v) &&
					   catalog_rule_label_value(json_string_value(v)),
					   EXPECT_OBJECT_NAME);
		else if (msg == NULL)
			msg = format_error(field, v, json_is_string(v), "a string");
		json_decref(key);
		free(field);
		if (msg != NULL)
			return msg;
	}
	return NULL;
}

static char *check_links(const json_t *arr)
{
	size_t i;
	char *field, *msg = NULL;

	for (i = 0; msg == NULL && i < json_array_size(arr); i++) {
		const json_t *l = json_array_get(arr, i), *v;

		field = sh_xasprintf("links.%zu.url", i);
		v = json_object_get(l, "url");
		msg = format_error(field, v, catalog_rule_url(json_string_value(v)),
				   "a string that is a valid url");
		free(field);
		if (msg == NULL && (v = json_object_get(l, "title")) != NULL) {
			field = sh_xasprintf("links.%zu.title", i);
			msg = format_error(field, v, catalog_rule_non_blank(json_string_value(v)),
					   "a non empty string");
			free(field);
		}
		if (msg == NULL && (v = json_object_get(l, "icon")) != NULL) {
			field = sh_xasprintf("links.%zu.icon", i);
			msg = format_error(field, v, catalog_rule_non_blank(json_string_value(v)),
					   "a non empty string");
			free(field);
		}
	}
	return msg;
}

static char *check_tags(const json_t *arr)
{
	size_t i;
	char *field, *msg = NULL;

	for (i = 0; msg == NULL && i < json_array_size(arr); i++) {
		const json_t *t = json_array_get(arr, i);

		field = sh_xasprintf("tags.%zu", i);
		msg = format_error(field, t, catalog_rule_tag(json_string_value(t)),
				   EXPECT_TAG);
		free(field);
	}
	return msg;
}

static char *field_formats(const json_t *en)
{
	const json_t *m = json_object_get(en, "metadata");
	const json_t *av = json_object_get(en, "apiVersion"), *kind = json_object_get(en, "kind");
	const json_t *name = json_object_get(m, "name"), *ns = json_object_get(m, "namespace");
	char *msg;

	if ((msg = format_error("apiVersion", av, catalog_rule_api_version(json_string_value(av)),
				EXPECT_PREFIX)) ||
	    (msg = format_error("kind", kind, catalog_rule_kind(json_string_value(kind)),
				EXPECT_KIND)) ||
	    (msg = format_error("metadata.name", name,
				catalog_rule_object_name(json_string_value(name)),
				EXPECT_OBJECT_NAME)))
		return msg;
	if (ns != NULL && (msg = format_error("metadata.namespace", ns,
					      catalog_rule_dns_label(json_string_value(ns)),
					      EXPECT_DNS_LABEL)))
		return msg;
	if ((msg = check_map_formats(json_object_get(m, "labels"), "labels", 1)) ||
	    (msg = check_map_formats(json_object_get(m, "annotations"), "annotations", 0)) ||
	    (msg = check_tags(json_object_get(m, "tags"))))
		return msg;
	return check_links(json_object_get(m, "links"));
}

int catalog_validate_policies(json_t *entity, struct catalog_validate_errors *errs)
{
	char *ref = catalog_validate_entity_ref(entity), *cause = NULL;
	struct serr e;
	int rc = 0;

	if (entity_schema(entity, &e)) {
		char *s = serr_final(&e, 0);

		cause = sh_xasprintf("Malformed envelope, %s", s);
		free(s);
	} else {
		catalog_validate_default_namespace(entity);
		cause = foreign_root_field(entity);
		if (cause == NULL)
			cause = field_formats(entity);
	}
	if (cause != NULL) {
		add_error(errs, sh_xasprintf("Policy check failed for %s; caused by Error: %s",
						     ref, cause));
		rc = SH_EINVAL;
	}
	free(cause);
	free(ref);
	return rc;
}

/* ---- step 4: kind schemas (ajv allErrors; first error, with params) ---- */

static int profile(const json_t *v, const char *p, struct serr *e)
{
	return need_type(v, p, "object", e) || prop(v, p, "displayName", str_min1, e) ||
	       prop(v, p, "email", str_min1, e) || prop(v, p, "picture", str_min1, e);
}

static int presence(const json_t *v, const char *p, struct serr *e)
{
	const char *s = json_string_value(v);

	if (need_type(v, p, "string", e))
		return 1;
	if (strcmp(s, "required") != 0 && strcmp(s, "optional") != 0)
		return fail(e, p, "must be equal to one of the allowed values",
			    sh_xasprintf("allowedValues: required,optional"));
	return 0;
}

/* oneOf [object, array of objects]: the object branch's error comes first. */
static int tpl_parameters(const json_t *v, const char *p, struct serr *e)
{
	size_t i = 0;

	if (json_is_array(v))
		while (i < json_array_size(v) && json_is_object(json_array_get(v, i)))
			i++;
	if (json_is_object(v) || (json_is_array(v) && i == json_array_size(v)))
		return 0;
	return need_type(v, p, "object", e);
}

static int step_if(const json_t *v, const char *p, struct serr *e)
{
	if (json_is_string(v) || json_is_boolean(v))
		return 0;
	return fail(e, p, "must be string,boolean", sh_xasprintf("type: string,boolean"));
}

static int tpl_step(const json_t *v, const char *p, struct serr *e)
{
	static const char *const req[] = { "action", NULL };

	return need_type(v, p, "object", e) || required(v, p, req, e) ||
	       prop(v, p, "id", str_any, e) || prop(v, p, "name", str_any, e) ||
	       prop(v, p, "action", str_any, e) || prop(v, p, "input", object_any, e) ||
	       prop(v, p, "if", step_if, e);
}

static int tpl_steps(const json_t *v, const char *p, struct serr *e)
{
	return each_item(v, p, tpl_step, e);
}

static int output_link(const json_t *v, const char *p, struct serr *e)
{
	return need_type(v, p, "object", e) || prop(v, p, "url", str_min1, e) ||
	       prop(v, p, "entityRef", str_min1, e) || prop(v, p, "title", str_min1, e) ||
	       prop(v, p, "icon", str_min1, e);
}

static int output_links(const json_t *v, const char *p, struct serr *e)
{
	return each_item(v, p, output_link, e);
}

/* output.text[]: Markdown blobs {title?, icon?, content?}, as the generated
 * OpenChoreo Templates (openchoreo-provider.md §2.18) carry. */
static int output_text(const json_t *v, const char *p, struct serr *e)
{
	return need_type(v, p, "object", e) || prop(v, p, "title", str_min1, e) ||
	       prop(v, p, "icon", str_min1, e) || prop(v, p, "content", str_any, e);
}

static int output_texts(const json_t *v, const char *p, struct serr *e)
{
	return each_item(v, p, output_text, e);
}

/* additionalProperties (strings) is evaluated before properties (links, text). */
static int tpl_output(const json_t *v, const char *p, struct serr *e)
{
	const char *k;
	const json_t *val;

	if (need_type(v, p, "object", e))
		return 1;
	json_object_foreach((json_t *)v, k, val) {
		if (strcmp(k, "links") != 0 && strcmp(k, "text") != 0 && prop(v, p, k, str_any, e))
			return 1;
	}
	return prop(v, p, "links", output_links, e) || prop(v, p, "text", output_texts, e);
}

struct field {
	const char *name;
	check_fn *check;
};

struct kind_schema {
	const char *kind;
	const char *const *versions;
	const char *processor;
	const char *const *required;
	struct field fields[9];
};

#define REQ(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define BUILTIN builtin_versions, "BuiltinKindsEntityProcessor"

static const struct kind_schema kinds[] = {
	{ "API", BUILTIN, REQ("type", "lifecycle", "owner", "definition"),
	  { { "type", str_min1 }, { "lifecycle", str_min1 }, { "owner", str_min1 },
	    { "definition", str_min1 }, { "system", str_min1 } } },
	{ "Component", BUILTIN, REQ("type", "lifecycle", "owner"),
	  { { "type", str_min1 }, { "lifecycle", str_min1 }, { "owner", str_min1 },
	    { "system", str_min1 }, { "subcomponentOf", str_min1 },
	    { "providesApis", str_array }, { "consumesApis", str_array },
	    { "dependsOn", str_array } } },
	{ "Resource", BUILTIN, REQ("type", "owner"),
	  { { "type", str_min1 }, { "owner", str_min1 }, { "dependsOn", str_array },
	    { "system", str_min1 } } },
	{ "Group", BUILTIN, REQ("type", "children"),
	  { { "type", str_min1 }, { "profile", profile }, { "parent", str_min1 },
	    { "children", str_array }, { "members", str_array } } },
	{ "Location", BUILTIN, REQ(NULL),
	  { { "type", str_min1 }, { "target", str_min1 }, { "targets", str_array },
	    { "presence", presence } } },
	{ "User", BUILTIN, REQ("memberOf"),
	  { { "profile", profile }, { "memberOf", str_array } } },
	{ "System", BUILTIN, REQ("owner"),
	  { { "owner", str_min1 }, { "domain", str_min1 }, { "type", str_min1 } } },
	{ "Domain", BUILTIN, REQ("owner"),
	  { { "owner", str_min1 }, { "subdomainOf", str_min1 }, { "type", str_min1 } } },
	{ "Template", template_versions, "ScaffolderEntitiesProcessor", REQ("type", "steps"),
	  { { "type", str_min1 }, { "parameters", tpl_parameters }, { "steps", tpl_steps },
	    { "output", tpl_output }, { "owner", str_min1 }, { "lifecycle", str_min1 } } },
};

static const struct kind_schema *find_kind(const char *kind, const char *version)
{
	size_t i, j;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		for (j = 0; kinds[i].versions[j] != NULL; j++)
			if (strcmp(kinds[i].versions[j], version) == 0)
				return &kinds[i];
	}
	return NULL;
}

static int kind_spec(const struct kind_schema *ks, const json_t *en, struct serr *e)
{
	static const char *const req[] = { "spec", NULL };
	const json_t *spec = json_object_get(en, "spec");
	const struct field *f;

	if (required(en, "", req, e) || need_type(spec, "/spec", "object", e) ||
	    required(spec, "/spec", ks->required, e))
		return 1;
	for (f = ks->fields; f < ks->fields + 9 && f->name != NULL; f++)
		if (prop(spec, "/spec", f->name, f->check, e))
			return 1;
	return 0;
}

static int validate_kind(const json_t *entity, catalog_kind_accept_fn extra,
			 struct catalog_validate_errors *errs)
{
	const struct kind_schema *ks;
	char *ref = catalog_validate_entity_ref(entity), *cause;
	struct serr e;
	int rc = SH_EINVAL;

	ks = find_kind(json_string_value(json_object_get(entity, "kind")),
		       json_string_value(json_object_get(entity, "apiVersion")));
	if (ks == NULL && extra && extra(entity)) {
		rc = 0;
	} else if (ks == NULL) {
		add_error(errs, sh_xasprintf("No processor recognized the entity %s as "
			  "valid, possibly caused by a foreign kind or apiVersion", ref));
	} else if (kind_spec(ks, entity, &e)) {
		cause = serr_final(&e, 1);
		add_error(errs, sh_xasprintf("Processor %s threw an error while validating "
			  "the entity %s; caused by TypeError: %s", ks->processor, ref, cause));
		free(cause);
	} else {
		rc = 0;
	}
	free(ref);
	return rc;
}

int catalog_validate_kind(const json_t *entity, struct catalog_validate_errors *errs)
{
	return validate_kind(entity, NULL, errs);
}

int catalog_validate_entity_also(json_t *entity, catalog_kind_accept_fn extra,
				 struct catalog_validate_errors *errs)
{
	int rc = catalog_validate_envelope(entity, errs);

	if (rc == 0)
		rc = catalog_validate_policies(entity, errs);
	if (rc == 0)
		rc = validate_kind(entity, extra, errs);
	return rc;
}

int catalog_validate_entity(json_t *entity, struct catalog_validate_errors *errs)
{
	return catalog_validate_entity_also(entity, NULL, errs);
}
